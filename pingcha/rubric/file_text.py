"""A rubric file as text: its encoding, and TOML syntax errors said in Chinese with their line."""

from __future__ import annotations

import re
import tomllib

from pingcha.rubric.errors import RubricError, RubricIssue

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")

_TOML_MESSAGES = [
    (r"Cannot overwrite a value", "键重复定义（同一个键在同一个表中出现了两次）"),
    (r"Cannot declare .* twice", "表重复定义（同一个 [表] 出现了两次）"),
    (r"Invalid value", "值无效（字符串要加引号，数字和日期不加）"),
    (r"Expected '=' after a key", "键之后缺少“=”"),
    (r"Invalid statement", "无法识别的语句"),
    (r"Unclosed array", "数组缺少结尾的“]”"),
    (r"Unclosed inline table", "内联表缺少结尾的“}”"),
    (r"Unterminated string", "字符串缺少结尾的引号"),
    (r"Illegal character", "出现了不允许的字符"),
    (r"Invalid date or datetime", "日期格式无效（应为 2024-06-01）"),
    (r"Invalid initial character for a key part", "键名中有不允许的字符"),
    (r"Expected newline or end of document", "一行中只能写一个键值对"),
]


def toml_syntax_issue(file: str, exc: tomllib.TOMLDecodeError, text: str) -> RubricIssue:
    message = str(exc)
    match = _TOML_POSITION.search(message)
    if match and match.group(1):
        where = match.group(1)
    else:
        where = str(text.count("\n") + 1)
    plain = _TOML_POSITION.sub("", message).strip()
    chinese = next((zh for pattern, zh in _TOML_MESSAGES if re.search(pattern, plain)), None)
    # The parser's English is left out where it is translated; otherwise it is the only detail there is.
    detail = chinese if chinese else f"无法解析此处（解析器原文：{plain}）"
    return RubricIssue(file, where, f"TOML 语法错误：{detail}")


def decode_rubric_bytes(raw: bytes, file: str) -> str:
    """Rubric files are UTF-8 (a BOM is tolerated); anything else is reported, not guessed."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = "，看起来是 GBK/GB18030 编码，请用“UTF-8”编码另存后再试"
        except UnicodeDecodeError:
            pass
        raise RubricError([RubricIssue(file, str(line), f"文件不是 UTF-8 编码{hint}")]) from None
