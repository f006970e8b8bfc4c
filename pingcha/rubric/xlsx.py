"""A rubric as a spreadsheet (interfaces.md §7): read one into a Rubric, write one out.

The reader turns the workbook into the same plain data tomllib gives for a TOML rubric and hands it
to the loader, so a spreadsheet is held to exactly the same rules. It remembers the sheet and row
each value came from, so every problem reads ``FILE:评分标准!12: 中文说明``. Problems only a
spreadsheet can have (a missing column, a 效果 that is neither 归零 nor 不高于X, …) are reported the
same way, together with the loader's.
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pingcha.errors import os_error_text
from pingcha.rubric.errors import RubricError, RubricIssue
from pingcha.rubric.loader import NO_CATEGORIES, NO_GRADES, rubric_from_data
from pingcha.rubric.model import VETO_CAP, VETO_ZERO, Rubric
from pingcha.rubric.toml_writer import rubric_to_toml
from pingcha.rubric.xlsx_checks import CHECK_SHEET, read_checks

MAIN_SHEET, VETO_SHEET, GRADE_SHEET, INFO_SHEET = "评分标准", "否决项", "等次", "说明"
CATEGORY_COLUMNS = ("类别编号", "类别")
ITEM_COLUMNS = ("项目编号", "评查项目", "分值", "可不适用", "评查要点")
DEDUCTION_COLUMNS = ("扣分编号", "扣分情形", "扣分", "最多次数")
MAIN_COLUMNS = CATEGORY_COLUMNS + ITEM_COLUMNS + DEDUCTION_COLUMNS
OPTIONAL_COLUMNS = ("可不适用", "评查要点", "最多次数")
VETO_COLUMNS = ("编号", "否决情形", "效果")
GRADE_COLUMNS = ("等次", "最低分")

# The keys of the 说明 sheet are those of [rubric]; their Chinese names are accepted as keys too.
INFO_KEYS = {
    "id": "标准编号",
    "version": "版本",
    "title": "标准名称",
    "issued_by": "发布机关",
    "effective": "施行日期",
    "replaces": "所修订的版本",
    "total": "总分",
    "procedures": "适用程序",
}
_INFO_ALIASES = {name: key for key, name in INFO_KEYS.items()}
_REQUIRED_INFO = ("id", "version", "title", "total")
_PROCEDURE_SEPARATORS = re.compile(r"[、,，;；\n]")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
CAP_PREFIX = "不高于"
_NUMBER_COLUMNS = {"分值", "扣分", "最多次数", "最低分", "总分"}
_ITEM_KEYS = {"评查项目": "title", "分值": "points", "可不适用": "na_allowed", "评查要点": "guide"}
_DEDUCTION_KEYS = {"扣分编号": "code", "扣分情形": "text", "扣分": "points", "最多次数": "max_times"}
_BAD = object()  # a cell value that was wrong and has been reported


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    # A code or version typed as a number (1, 2024.1) means the digits the person sees.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _number(value: Any) -> int | float | None:
    """An Excel number or numeric text as tomllib would give it: int when whole, else float."""
    if isinstance(value, (bool, datetime)):
        return None
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _header_name(value: Any) -> str:
    # People break long headers over lines or pad them; “最多\n次数” is still 最多次数.
    return re.sub(r"\s+", "", value) if isinstance(value, str) else ""


def _missing(key: str) -> str:
    """The loader's message for a key left out of the data, told apart from its other messages."""
    return f"缺少必填的键“{key}”"


class _Sheet:
    """A worksheet's values by 1-based (row, column); merged ranges read as their top-left value."""

    def __init__(self, sheet: Worksheet) -> None:
        self.name = sheet.title
        self.rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        self.merged: dict[tuple[int, int], Any] = {}
        for merged in sheet.merged_cells.ranges:
            value = self.raw(merged.min_row, merged.min_col)
            for row in range(merged.min_row, merged.max_row + 1):
                for column in range(merged.min_col, merged.max_col + 1):
                    self.merged[(row, column)] = value

    def raw(self, row: int, column: int | None) -> Any:
        if column is None or row > len(self.rows) or column > len(self.rows[row - 1]):
            return None
        return self.rows[row - 1][column - 1]

    def value(self, row: int, column: int | None) -> Any:
        return self.merged.get((row, column), self.raw(row, column))

    def blank_row(self, row: int) -> bool:
        return all(_blank(value) for value in self.rows[row - 1])

    def rows_after(self, header: int) -> list[int]:
        return [row for row in range(header + 1, len(self.rows) + 1) if not self.blank_row(row)]

    def first_row(self) -> int:
        return next((row for row in range(1, len(self.rows) + 1) if not self.blank_row(row)), 1)

    def place(self, row: int) -> str:
        return f"{self.name}!{row}"


class _Reader:
    """Builds tomllib-shaped data from a workbook, recording where each value came from."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[RubricIssue] = []
        self.places: dict[tuple, str] = {(): "0"}
        # (place, loader message) pairs that repeat, in TOML words, a problem already reported here
        self.dropped: set[tuple[str, str]] = set()

    def error(self, where: str, message: str) -> None:
        self.issues.append(RubricIssue(self.file, where, message))

    def locate(self, path: tuple) -> str:
        while path not in self.places:
            path = path[:-1]
        return self.places[path]

    def finish(self, entry: dict, path: tuple, required: dict[str, str], what: str) -> None:
        """Take out values already reported as wrong and report required cells left empty."""
        where = self.locate(path)
        for key in [key for key, value in entry.items() if value is _BAD]:
            del entry[key]
            self.dropped.add((where, _missing(key)))
        for key, column in required.items():
            if key not in entry and (where, _missing(key)) not in self.dropped:
                self.error(where, f"{what}缺少“{column}”")
                self.dropped.add((where, _missing(key)))

    def columns(
        self, sheet: _Sheet, row: int, names: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, int] | None:
        """Where each named column is in the header ``row``; None (reported) when one is missing."""
        found: dict[str, int] = {}
        others: list[str] = []
        for column, value in enumerate(sheet.rows[row - 1] if sheet.rows else [], 1):
            name = _header_name(value)
            if name in found:
                first, again = get_column_letter(found[name]), get_column_letter(column)
                self.error(sheet.place(row), f"表头“{name}”出现了两次（{first} 列和 {again} 列）")
            elif name in names:
                found[name] = column
            elif name:
                others.append(name)
        # Other columns (序号, 备注, …) are the sheet's own business, but a misspelt optional column
        # would silently change scores, so a name close to an absent one is reported.
        absent = [name for name in names if name not in found]
        for name in others:
            for meant in difflib.get_close_matches(name, absent, n=1):
                self.error(sheet.place(row), f"表头“{name}”不是已知的列，是否应为“{meant}”？")
        missing = [name for name in absent if name not in optional]
        if missing:
            self.error(sheet.place(row), f"“{sheet.name}”表的表头缺少列：{'、'.join(missing)}")
            return None
        return found

    def attribute(self, entry: dict, key: str, value: Any, where: str, path: tuple, what: str) -> None:
        """Set ``key`` from this row, or check that it agrees with the row that set it first."""
        if value is None:
            return
        if key not in entry or entry[key] is _BAD:
            entry[key] = value
            self.places[path + (key,)] = where
        elif value is not _BAD and value != entry[key]:
            first = self.places[path + (key,)]
            self.error(where, f"{what}为“{_show(value)}”，与 {first} 的“{_show(entry[key])}”不一致")

    def cell(self, value: Any, where: str, column: str) -> Any:
        """A cell's value as tomllib would give it; None when empty, _BAD (reported) when wrong."""
        if _blank(value):
            return None
        if column in _NUMBER_COLUMNS:
            number = _number(value)
            if number is not None:
                return number
            self.error(where, f"“{column}”应为数字，实际为“{_text(value)}”")
            return _BAD
        if column != "可不适用":
            return _text(value)
        if isinstance(value, bool) or _text(value) in ("是", "否"):
            return value if isinstance(value, bool) else _text(value) == "是"
        self.error(where, f"“可不适用”应为“是”或“否”，实际为“{_text(value)}”")
        return _BAD

    def fill(self, entry: dict, keys: dict[str, str], cells: dict[str, Any], where: str) -> dict:
        for column, key in keys.items():
            value = self.cell(cells[column], where, column)
            if value is not None:
                entry[key] = value
        return entry

    # -- the sheet of items and deductions ------------------------------------------------------
    def main(self, sheet: _Sheet) -> list[dict]:
        header = self.main_header(sheet)
        self.places[()] = self.places[("category",)] = sheet.place(header)
        columns = self.columns(sheet, header, MAIN_COLUMNS, OPTIONAL_COLUMNS)
        if columns is None:
            # The missing columns are reported; "no categories" from the loader would only repeat it.
            self.dropped.add((self.places[("category",)], NO_CATEGORIES))
            return []
        categories: list[dict] = []
        category = item = None
        cpath = ipath = ()
        for row in sheet.rows_after(header):
            where = sheet.place(row)
            # Category and item cells continue downwards when empty, merged or not; deduction cells
            # belong to their row, so for them only a merged range spans rows.
            raw = {name: sheet.raw(row, columns.get(name)) for name in CATEGORY_COLUMNS + ITEM_COLUMNS}
            cells = {name: sheet.value(row, columns.get(name)) for name in DEDUCTION_COLUMNS}
            has_deduction = any(not _blank(sheet.raw(row, columns.get(name))) for name in DEDUCTION_COLUMNS)
            code = self.cell(raw["类别编号"], where, "类别编号")
            if code is not None and (category is None or code != category["code"]):
                if category is not None:
                    self.finish_category(category, cpath)
                category, item = {"code": code, "item": []}, None
                cpath = ("category", len(categories))
                categories.append(category)
                self.places[cpath] = where
            if category is None:
                self.error(where, "缺少“类别编号”：这一行不属于任何类别")
                continue
            title = self.cell(raw["类别"], where, "类别")
            self.attribute(category, "title", title, where, cpath, f"类别{category['code']}的名称")
            code = self.cell(raw["项目编号"], where, "项目编号")
            if code is not None and (item is None or code != item["code"]):
                item = {"code": code, "deductions": []}
                ipath = cpath + ("item", len(category["item"]))
                category["item"].append(item)
                self.places[ipath] = where
            if item is None:
                if has_deduction or any(not _blank(raw[name]) for name in ITEM_COLUMNS):
                    self.error(where, f"缺少“项目编号”：这一行不属于类别{category['code']}的任何评查项目")
                continue
            for column, key in _ITEM_KEYS.items():
                value = self.cell(raw[column], where, column)
                self.attribute(item, key, value, where, ipath, f"评查项目{item['code']}的“{column}”")
            if has_deduction:
                self.deduction(item, cells, where, ipath + ("deductions", len(item["deductions"])))
        if category is None:
            self.error(sheet.place(header), f"“{sheet.name}”表中没有任何评查项目")
        else:
            self.finish_category(category, cpath)
        return categories

    def main_header(self, sheet: _Sheet) -> int:
        # A title row above the header is common: take the row among the first few naming most columns.
        best, best_count = sheet.first_row(), 0
        for row in range(1, min(len(sheet.rows), 10) + 1):
            count = sum(_header_name(value) in MAIN_COLUMNS for value in sheet.rows[row - 1])
            if count > best_count:
                best, best_count = row, count
        return best

    def deduction(self, item: dict, cells: dict[str, Any], where: str, path: tuple) -> None:
        if _blank(cells["扣分编号"]):
            self.error(where, f"评查项目{item['code']}的这一行有扣分内容，但缺少“扣分编号”")
            return
        self.places[path] = where
        deduction = self.fill({}, _DEDUCTION_KEYS, cells, where)
        self.finish(deduction, path, {"text": "扣分情形", "points": "扣分"}, f"扣分情形{deduction['code']}")
        item["deductions"].append(deduction)

    def finish_category(self, category: dict, path: tuple) -> None:
        self.finish(category, path, {"title": "类别"}, f"类别{category['code']}")
        for index, item in enumerate(category["item"]):
            required = {"title": "评查项目", "points": "分值"}
            self.finish(item, path + ("item", index), required, f"评查项目{item['code']}")

    # -- the other sheets -------------------------------------------------------------------------
    def table(self, sheet: _Sheet, key: str, names: tuple[str, ...]) -> list[tuple[tuple, str, dict]] | None:
        """The rows of 否决项 or 等次 as (data path, place, cells by column name); None without a header."""
        header = sheet.first_row()
        self.places[(key,)] = sheet.place(header)
        columns = self.columns(sheet, header, names)
        if columns is None:
            return None
        rows = []
        for index, row in enumerate(sheet.rows_after(header)):
            self.places[(key, index)] = sheet.place(row)
            cells = {name: sheet.value(row, columns[name]) for name in names}
            rows.append(((key, index), sheet.place(row), cells))
        return rows

    def vetoes(self, sheet: _Sheet) -> list[dict]:
        vetoes: list[dict] = []
        if not sheet.rows_after(0):  # an emptied 否决项 sheet: a standard may have no vetoes
            return vetoes
        for path, where, cells in self.table(sheet, "veto", VETO_COLUMNS) or []:
            veto = self.fill({}, {"编号": "code", "否决情形": "title"}, cells, where)
            effect = self.cell(cells["效果"], where, "效果") or ""
            cap = effect.removeprefix(CAP_PREFIX).strip()
            if effect == "归零":
                veto["effect"] = VETO_ZERO
            elif effect.startswith(CAP_PREFIX) and cap:
                veto["effect"], veto["cap"] = VETO_CAP, cap
            elif effect:
                self.error(where, f"否决项“效果”应为“归零”或“不高于”某等次（如“不高于合格”），实际为“{effect}”")
                veto["effect"] = _BAD
            self.finish(veto, path, {"code": "编号", "title": "否决情形", "effect": "效果"}, "否决项")
            vetoes.append(veto)
        return vetoes

    def grades(self, sheet: _Sheet) -> list[dict]:
        rows = self.table(sheet, "grades", GRADE_COLUMNS)
        if rows == []:
            self.error(self.places[("grades",)], f"“{sheet.name}”表中没有任何等次")
        grades = []
        for path, where, cells in rows or []:
            grade = self.fill({}, {"等次": "name", "最低分": "min"}, cells, where)
            self.finish(grade, path, {"name": "等次", "min": "最低分"}, "等次")
            grades.append(grade)
        return grades

    def info(self, sheet: _Sheet) -> dict[str, Any]:
        """键/值 rows in the first two columns; a 键/值 header row is optional."""
        header = sheet.first_row()
        self.places[("rubric",)] = sheet.place(header)
        info: dict[str, Any] = {}
        seen: dict[str, str] = {}
        for row in sheet.rows_after(header - 1):
            where, name, value = sheet.place(row), _text(sheet.value(row, 1) or ""), sheet.value(row, 2)
            key = _INFO_ALIASES.get(name, name)
            if name == "键":
                continue
            if key not in INFO_KEYS:
                self.error(where, f"“{sheet.name}”表中有未知的键“{name}”（允许的键：{'、'.join(INFO_KEYS)}）")
            elif key in seen:
                self.error(where, f"“{sheet.name}”表中键“{name}”重复（{seen[key]} 已有）")
            else:
                seen[key] = self.places[("rubric", key)] = where
                if not _blank(value):
                    info[key] = self.info_value(key, value, where)
        for key in (key for key in _REQUIRED_INFO if key not in info):
            if key in seen:
                self.error(seen[key], f"“{sheet.name}”表中“{key}”（{INFO_KEYS[key]}）没有填写")
            else:
                self.error(self.places[("rubric",)], f"“{sheet.name}”表缺少键“{key}”（{INFO_KEYS[key]}）")
            self.dropped.add((self.places[("rubric",)], _missing(key)))
        self.finish(info, ("rubric",), {}, "")
        return info

    def info_value(self, key: str, value: Any, where: str) -> Any:
        if key == "total":
            return self.cell(value, where, "总分")
        if key == "procedures":
            return [part.strip() for part in _PROCEDURE_SEPARATORS.split(_text(value)) if part.strip()]
        if key != "effective":
            return _text(value)
        if isinstance(value, datetime):
            return value.date()
        match = _DATE.fullmatch(_text(value))
        try:
            if match:
                return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
        self.error(where, f"“effective”（施行日期）应为日期，如 2024-06-01，实际为“{_text(value)}”")
        return _BAD


def _show(value: Any) -> str:
    return ("是" if value else "否") if isinstance(value, bool) else str(value)


def _open(path: Path, file: str) -> openpyxl.Workbook:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        message = "文件不存在"
    except IsADirectoryError:
        message = "这是一个文件夹，不是评分标准文件"
    except OSError as exc:
        message = f"无法读取文件：{os_error_text(exc)}"
    else:
        try:
            # From memory, so openpyxl judges the content and not the file name's ending.
            return openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
        except Exception:  # openpyxl fails in many ways on what is not a workbook; to a user all are one
            message = "不是有效的 Excel（.xlsx）文件"
            if raw.startswith(b"\xd0\xcf\x11\xe0"):
                message += "：这是旧版 .xls 格式，请在 Excel 中另存为 .xlsx 后再试"
    raise RubricError([RubricIssue(file, "0", message)])


def _where_order(where: str, sheets: list[str]) -> tuple[int, int]:
    sheet, _, row = where.rpartition("!")
    if not sheet:
        return (-1, 0) if where == "0" else (len(sheets), 0)
    return (sheets.index(sheet) if sheet in sheets else len(sheets), int(row))


def read_rubric_xlsx(path: str | Path) -> Rubric:
    """Read a rubric from a workbook laid out as in interfaces.md §7, checked like a TOML file."""
    path = Path(path)
    file = str(path)
    sheets = [_Sheet(sheet) for sheet in _open(path, file).worksheets]
    named = {sheet.name.strip(): sheet for sheet in sheets}
    reader = _Reader(file)
    data: dict[str, Any] = {"rubric": {}, "grades": [], "veto": [], "category": []}
    reserved = (VETO_SHEET, GRADE_SHEET, INFO_SHEET, CHECK_SHEET)
    main = next((sheet for sheet in sheets if sheet.name.strip() not in reserved), None)
    if main is None:
        reader.error("0", f"找不到评分表：第一个工作表应列出评查项目和扣分情形（列：{'、'.join(MAIN_COLUMNS)}）")
    else:
        data["category"] = reader.main(main)
    if VETO_SHEET in named:  # a standard may have no 否决项
        data["veto"] = reader.vetoes(named[VETO_SHEET])
    if CHECK_SHEET in named:  # 预检 is optional
        data["check"] = read_checks(reader, named[CHECK_SHEET], _number, _text, _blank)
    if GRADE_SHEET in named:
        data["grades"] = reader.grades(named[GRADE_SHEET])
    else:
        reader.places[("grades",)] = GRADE_SHEET
        reader.dropped.add((GRADE_SHEET, NO_GRADES))
        reader.error(GRADE_SHEET, f"缺少名为“{GRADE_SHEET}”的工作表（列：{'、'.join(GRADE_COLUMNS)}）")
    if INFO_SHEET in named:
        data["rubric"] = reader.info(named[INFO_SHEET])
    else:
        reader.places[("rubric",)] = INFO_SHEET
        reader.error(INFO_SHEET, f"缺少名为“{INFO_SHEET}”的工作表（键、值两列：{'、'.join(INFO_KEYS)}）")
        reader.dropped.update((INFO_SHEET, _missing(key)) for key in _REQUIRED_INFO)
    issues = list(reader.issues)
    rubric = None
    try:
        rubric = rubric_from_data(data, file, reader.locate)
    except RubricError as exc:
        issues += [issue for issue in exc.issues if (issue.where, issue.message) not in reader.dropped]
    if issues or rubric is None:
        order = [sheet.name for sheet in sheets]
        raise RubricError(sorted(issues, key=lambda issue: _where_order(issue.where, order)))
    # A rubric is kept as its TOML text, so a spreadsheet stores exactly what its TOML would.
    return dataclasses.replace(rubric, source=rubric_to_toml(rubric))


# -- writing ----------------------------------------------------------------------------------------
