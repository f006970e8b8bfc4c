"""What a person types or a file holds, made comparable: codes, 案号 and names as the same thing whatever
the keyboard's width or case, and text from files made safe to print (no control characters or ANSI escapes)."""

from __future__ import annotations

import re
import unicodedata

# ESC [ … final byte (CSI), ESC ] … BEL/ST (OSC), and any other ESC + one character.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def code_key(code: str) -> str:
    """A rubric code as typed: ``d12c``, ``Ｄ１２ｃ`` and ``D12c`` are one code."""
    return unicodedata.normalize("NFKC", code).strip().upper()


def printable(text: str) -> str:
    """``text`` without ANSI escapes and control characters (a tab or newline becomes a space)."""
    if text.isprintable():  # no control (Cc, ESC among them) or format (Cf) character: nothing to remove
        return text
    text = _ANSI.sub("", text)
    return "".join(" " if ch in "\t\r\n" else ch for ch in text
                   if ch in "\t\r\n" or unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\u200d")


def clean_cell(text: str) -> str:
    """A register value as stored: no escapes or control characters, no zero-width characters, and runs of
    (full-width) spaces as one space."""
    text = printable(text).translate(_INVISIBLE)
    return re.sub(r"[ \u3000\u00a0]+", " ", text).strip()


def name_key(name: str) -> str:
    """A person's name for comparing: 王 小明, 王　小明 and 王\u200b小明 are 王小明."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", clean_cell(name)))


_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕",
                           "(": "（", ")": "）", "﹝": "〔", "﹞": "〕"})


def normal_case_no(case_no: str) -> str:
    """A 案号 as stored: half-width digits and letters, no invisible characters; its brackets as written,
    since whether it uses 〔〕 is itself checked (预检)."""
    return unicodedata.normalize("NFKC", clean_cell(case_no))


def case_no_key(case_no: str) -> str:
    """A 案号 for comparing: as ``normal_case_no``, with 〔〕 for [ ] and the like; neither case nor spaces count."""
    return re.sub(r"\s+", "", normal_case_no(case_no).translate(_BRACKETS)).upper()
