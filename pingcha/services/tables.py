"""Reading files people hand in: a spreadsheet-like file (CSV in UTF-8/GBK, or XLSX) into rows with
their row numbers, and JSON sheets.

Encodings are detected, not asked: a BOM means UTF-8; otherwise UTF-8 if it decodes, else
GB18030 (a superset of GBK, what Excel writes on a Chinese Windows).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pingcha.errors import UserError, os_error_text


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as a spreadsheet shows it, values by header)


def decode_text(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" (UTF-16, tab-separated)
        return raw.decode("utf-16")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"{name}：无法识别文件编码（支持 UTF-8 和 GBK/GB18030）")


def read_json_file(path: str | Path) -> object:
    """Parse a JSON file (encoding detected as for registers), with a Chinese message on failure."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise UserError(f"文件不存在：{path}") from None
    except OSError as exc:
        raise UserError(f"无法读取文件 {path}：{os_error_text(exc)}") from None
    text = decode_text(raw, file.name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}:{exc.lineno}: JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列："
                        f"{_json_message(exc.msg)}）\n  详细信息：{exc.msg}") from None
    except RecursionError:
        raise UserError(f"{path}：JSON 嵌套层次过深，不是评查表") from None
    except ValueError:  # a number of thousands of digits
        raise UserError(f"{path}：JSON 中有位数过多的数字，不是评查表") from None


_JSON_MESSAGES = {
    "Expecting value": "此处缺少值",
    "Expecting property name enclosed in double quotes": "键名应加英文双引号",
    "Expecting ',' delimiter": "缺少逗号“,”",
    "Expecting ':' delimiter": "缺少冒号“:”",
    "Extra data": "JSON 结束后还有多余内容",
    "Unterminated string starting at": "字符串缺少结尾的引号",
    "Invalid control character at": "字符串中有控制字符",
    "Invalid \\escape": "无效的转义字符",
}


def _json_message(message: str) -> str:
    return next((zh for english, zh in _JSON_MESSAGES.items() if message.startswith(english)), "格式不正确")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


MAX_CELL = 32767  # what one Excel cell holds: a longer value is not a register entry


def _read_csv(path: Path, raw: bytes) -> list[list[str]]:
    text = decode_text(raw, path.name)
    if not text.strip():
        return []
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = []
    try:
        for row in reader:
            rows.append([cell.strip() for cell in row])
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UserError(f"{path.name}：第 {reader.line_num} 行附近有超长的单元格（超过 131072 个字符），"
                            "不像案卷目录；请检查文件") from None
        raise UserError(f"{path.name}：第 {reader.line_num} 行 CSV 格式错误\n  详细信息：{exc}") from None
    for row_no, row in enumerate(rows, start=1):
        for cell in row:
            if len(cell) > MAX_CELL:
                raise UserError(f"{path.name}：第 {row_no} 行有超长的单元格（{len(cell)} 个字符，"
                                f"一个单元格最多 {MAX_CELL} 个字符），不像案卷目录；请检查文件")
    return rows


def _read_xlsx(path: Path, raw: bytes | None = None) -> list[list[str]]:
    from openpyxl import load_workbook

    kind = _office_kind(raw) if raw is not None else None
    if kind is not None:
        raise UserError(f"{path.name}：这是{kind}，不是表格；请在 Excel/WPS 中另存为 .xlsx 或 .csv")
    try:
        # A file object, not the path: openpyxl refuses a workbook by its name (e.g. one saved as .csv).
        workbook = load_workbook(io.BytesIO(raw) if raw is not None else path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UserError(f"{path.name}：不是有效的 Excel（.xlsx）文件") from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _office_kind(raw: bytes) -> str | None:
    """A zip that is a Word or PowerPoint document rather than a workbook (by its parts)."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
    except zipfile.BadZipFile:
        return None
    if "word/document.xml" in names:
        return " Word 文档（.docx）"
    if "ppt/presentation.xml" in names:
        return " PowerPoint 演示文稿"
    return None


def read_table(path: str | Path, required: tuple[str, ...]) -> Table:
    """Rows of the first sheet of a CSV or XLSX file whose header row names ``required`` columns."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"文件不存在：{path}")
    suffix = path.suffix.lower()
    if suffix in (".xls", ".et", ".ods", ".numbers"):
        raise UserError(f"{path.name}：不支持 {suffix} 格式，请在 Excel/WPS 中另存为 .xlsx 或 .csv")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"无法读取文件 {path}：{os_error_text(exc)}") from None
    if suffix in (".xlsx", ".xlsm"):
        cells = _read_xlsx(path, raw)
    else:
        if raw.startswith(b"PK\x03\x04"):
            cells = _read_xlsx(path, raw)
        elif b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise UserError(f"{path.name}：不是表格文件（应为 .csv 或 .xlsx）")
        else:
            cells = _read_csv(path, raw)
    while cells and not any(cells[0]):
        cells.pop(0)
    if not cells:
        raise UserError(f"{path.name}：文件是空的，没有表头和数据")
    headers = [h.strip().lstrip("\ufeff") for h in cells[0]]
    missing = [name for name in required if name not in headers]
    if missing:
        raise UserError(
            f"{path.name}：缺少必需的列：{'、'.join(missing)}（表头第 1 行现有：{'、'.join(h for h in headers if h) or '无'}）"
        )
    rows = []
    for offset, row in enumerate(cells[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(headers) if h}
        rows.append((offset, values))
    if not rows:
        raise UserError(f"{path.name}：只有表头，没有数据行")
    return Table([h for h in headers if h], rows)
