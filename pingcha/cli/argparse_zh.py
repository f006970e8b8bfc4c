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
    """An ArgumentParser whose errors exit with status 2 and a Chinese message."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse API
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：用法错误：{message}\n")
