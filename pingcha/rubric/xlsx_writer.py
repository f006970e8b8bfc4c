"""Writing a rubric as the spreadsheet of interfaces.md §7, which ``xlsx.read_rubric_xlsx`` reads back losslessly."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pingcha.files import write_atomically
from pingcha.rubric.model import VETO_CAP, Rubric
from pingcha.rubric.toml_writer import toml_number
from pingcha.rubric.xlsx import (
    CAP_PREFIX,
    CATEGORY_COLUMNS,
    DEDUCTION_COLUMNS,
    GRADE_COLUMNS,
    GRADE_SHEET,
    INFO_KEYS,
    INFO_SHEET,
    ITEM_COLUMNS,
    MAIN_COLUMNS,
    MAIN_SHEET,
    VETO_COLUMNS,
    VETO_SHEET,
)

_WIDTHS = {"类别": 14, "评查项目": 22, "评查要点": 40, "扣分情形": 40, "否决情形": 60, "值": 50, "含义": 16}
_WRAPPED = {"类别", "评查项目", "评查要点", "扣分情形", "否决情形", "值"}


def _excel_number(value: Decimal) -> int | float | str:
    # Excel holds binary doubles; a value one cannot hold exactly goes in as text, which reads back.
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else toml_number(value)


def _put(sheet: Worksheet, row: int, column: int, value: Any, wrap: bool = False) -> None:
    cell = sheet.cell(row, column)
    cell.value = None if value == "" else value
    if isinstance(value, str) and value:
        # Text stays text: “=…” must not turn into a formula, nor 2024.10 into a number on editing.
        cell.data_type = "s"
        cell.number_format = "@"
    cell.alignment = Alignment(vertical="center", wrap_text=wrap)


def _sheet(workbook: openpyxl.Workbook, title: str, names: tuple[str, ...], rows: list[tuple]) -> Worksheet:
    sheet = workbook.create_sheet(title)
    for column, name in enumerate(names, 1):
        cell = sheet.cell(1, column, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = _WIDTHS.get(name, 10)
    sheet.freeze_panes = "A2"
    for row, values in enumerate(rows, 2):
        for column, (name, value) in enumerate(zip(names, values), 1):
            _put(sheet, row, column, value, name in _WRAPPED)
    return sheet


def _write_main(workbook: openpyxl.Workbook, rubric: Rubric) -> None:
    rows: list[tuple] = []
    spans: list[tuple[int, int, tuple[str, ...]]] = []  # rows [first, end) whose cells merge
    for category in rubric.categories:
        category_first = len(rows)
        for item in category.items:
            item_first = len(rows)
            na = "是" if item.na_allowed else "否"
            head = (category.code, category.title, item.code, item.title, _excel_number(item.points), na, item.guide)
            tails = [(d.code, d.text, _excel_number(d.points), d.max_times) for d in item.deductions]
            rows += [head + tail for tail in tails or [(None,) * len(DEDUCTION_COLUMNS)]]
            spans.append((item_first, len(rows), ITEM_COLUMNS))
        spans.append((category_first, len(rows), CATEGORY_COLUMNS))
    sheet = _sheet(workbook, MAIN_SHEET, MAIN_COLUMNS, rows)
    for first, end, names in spans:
        for column in (MAIN_COLUMNS.index(name) + 1 for name in names if end - first > 1):
            # Merging keeps the top cell's value, as people lay such tables out.
            sheet.merge_cells(start_row=first + 2, end_row=end + 1, start_column=column, end_column=column)


def write_rubric_xlsx(rubric: Rubric, path: str | Path) -> None:
    """Write the rubric as a workbook in the layout of interfaces.md §7; reading it back gives an equal Rubric."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    _write_main(workbook, rubric)
    vetoes = [
        (veto.code, veto.title, f"{CAP_PREFIX}{veto.cap}" if veto.effect == VETO_CAP else "归零")
        for veto in rubric.vetoes
    ]
    _sheet(workbook, VETO_SHEET, VETO_COLUMNS, vetoes)
    _sheet(workbook, GRADE_SHEET, GRADE_COLUMNS, [(grade.name, _excel_number(grade.min)) for grade in rubric.grades])
    values = {
        "id": rubric.id,
        "version": rubric.version,
        "title": rubric.title,
        "issued_by": rubric.issued_by,
        "effective": rubric.effective.isoformat() if rubric.effective else "",
        "replaces": rubric.replaces or "",
        "total": _excel_number(rubric.total),
        "procedures": "、".join(rubric.procedures),
    }
    _sheet(workbook, INFO_SHEET, ("键", "值", "含义"), [(key, values[key], INFO_KEYS[key]) for key in INFO_KEYS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomically(path, buffer.getvalue())
