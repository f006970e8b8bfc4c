"""argparse speaking Chinese: usage errors are for people too.

argparse looks its messages up through ``argparse._`` (gettext); we answer in Chinese for the
messages a user can meet and leave any other text as it is.
"""

from __future__ import annotations

import argparse
import sys

_MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "invalid %(type)s value: %(value)r": "无效的值 %(value)r",
    "one of the arguments %s is required": "必须给出以下参数之一：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：用法错误：%(message)s\n",
    "subcommands": "子命令",
}


def _translate(message: str) -> str:
    return _MESSAGES.get(message, message)


def install() -> None:
    argparse._ = _translate  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors exit with status 2 and a Chinese message, whose help lines up Chinese
    text, and where every argument has a description."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def add_argument(self, *args, **kwargs):
        if "help" not in kwargs:
            dest = kwargs.get("dest") or (args[0].lstrip("-").replace("-", "_") if args else "")
            if dest in DEFAULT_HELP:
                kwargs["help"] = DEFAULT_HELP[dest]
        return super().add_argument(*args, **kwargs)

    def error(self, message: str) -> None:  # noqa: D102 - argparse API
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：用法错误：{message}\n")


# What an argument means where its command gives no help of its own (every option is described in --help).
DEFAULT_HELP = {
    "activity": "评查活动的名称或编号（如 1）",
    "name": "评查活动的名称",
    "file": "要读取的文件",
    "files": "要读取的文件（可以多个）",
    "case_no": "案卷的案号",
    "sheet": "评查表 JSON 文件（格式见 interfaces.md §3）",
    "set": "修改一项设置：键=值（值留空恢复默认），可以多次使用",
    "seed": "随机种子：相同种子和输入得到相同结果",
    "evaluator": "评查人员的姓名",
    "out": "写入的文件",
}


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help laid out by terminal cells, so Chinese (two cells a character) lines up and wraps."""

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(action)]
            invocations += [self._format_action_invocation(s) for s in self._iter_indented_subactions(action)]
            length = max(map(_cells, invocations)) + self._current_indent
            self._action_max_length = max(self._action_max_length, length)

    def _format_usage(self, usage, actions, groups, prefix) -> str:
        # argparse wraps the usage by characters; Chinese metavars take two cells each, so narrow the width it
        # wraps to until every line fits the terminal's cells.
        width = self._width
        try:
            while True:
                text = super()._format_usage(usage, actions, groups, prefix)
                if all(_cells(line) <= width for line in text.splitlines()) or self._width <= 30:
                    return text
                self._width -= 2
        finally:
            self._width = width

    def _split_lines(self, text: str, width: int) -> list[str]:
        # Break between Chinese characters or between words, never inside an English word, and never put
        # closing punctuation at the start of a line.
        import re

        lines, line = [], ""
        for token in re.findall(r"[!-~]+|\s|.", " ".join(text.split())):
            if _cells(line + token) > width and line.strip() and token not in "）)，。、；：,.;:":
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        return lines + [line] if line else lines

    def _format_action(self, action: argparse.Action) -> str:
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent = " " * self._current_indent
        if not action.help:
            parts = [f"{indent}{header}\n"]
            indent_first = None
        elif _cells(header) <= action_width:
            parts = [f"{indent}{header}{' ' * (action_width - _cells(header))}  "]
            indent_first = 0
        else:
            parts = [f"{indent}{header}\n"]
            indent_first = help_position
        if action.help and action.help.strip():
            help_lines = self._split_lines(self._expand_help(action), help_width)
            if help_lines:
                parts.append(" " * indent_first + help_lines[0] + "\n")
                parts += [" " * help_position + line + "\n" for line in help_lines[1:]]
        elif not parts[0].endswith("\n"):
            parts.append("\n")
        for subaction in self._iter_indented_subactions(action):
            parts.append(self._format_action(subaction))
        return self._join_parts(parts)
