"""汇总表: the activity's results as a workbook (案卷结果, 单位结果, 问题统计)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pingcha.reports import facts
from pingcha.reports.engine import clean_text, write_output
from pingcha.reports.masking import Masker
from pingcha.reports.settings import for_results
from pingcha.results import FINAL, ActivityResults
from pingcha.scoring import round1

SCORE_FORMAT = "0.0"
_HEADER_FONT = Font(bold=True)
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)


def _value(value):
    """Text made safe for a cell: no control characters, never read as a formula."""
    if isinstance(value, str):
        return clean_text(value)
    return value


def _sheet(book: Workbook, title: str, columns: Sequence[tuple[str, float]], rows, *,
           score_columns: Sequence[int] = (), wrap_columns: Sequence[int] = ()) -> Worksheet:
    """A sheet with a bold, frozen, filterable header; ``columns`` are (heading, width in characters)."""
    sheet = book.create_sheet(title)
    sheet.append([heading for heading, _ in columns])
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.alignment = _HEADER_ALIGN
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row_index, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=column, value=_value(value))
            # openpyxl stores any text starting with "=" as a formula; user text must stay text.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
            if column in score_columns:
                cell.number_format = SCORE_FORMAT
            elif column in wrap_columns:
                cell.alignment = _WRAP
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    return sheet


def _score(value) -> float | None:
    return float(round1(value)) if value is not None else None


def file_rows(results: ActivityResults, masker: Masker):
    for n, file in enumerate(facts.ordered_files(results), start=1):
        final = file.status == FINAL
        yield (
            n, file.case.agency, file.case.case_no, masker.text(file.case.cause), masker.party(file.case),
            "、".join(file.evaluators), facts.status_text(file), _score(file.score) if final else None,
            file.grade if final else None,
        )


def agency_rows(results: ActivityResults):
    for agency in results.agencies:
        yield (agency.rank, agency.agency, agency.files, agency.final, agency.needs_review, agency.pending,
               _score(agency.mean), agency.grade)


def problem_rows(results: ActivityResults, masker: Masker):
    rubric = results.rubric
    vetoes: dict[str, set[str]] = {}
    for file in results.files:
        for view in file.counted_sheets:
            for code in view.sheet.veto:
                vetoes.setdefault(code, set()).add(file.case.case_no)
    for veto in rubric.vetoes:
        if veto.code in vetoes:
            yield ("否决项", None, veto.code, veto.title, len(vetoes[veto.code]), None, None)
    for tally in results.deduction_tallies():
        yield (
            tally.category_title, f"{tally.item_code} {tally.item_title}", tally.code, tally.text, tally.files,
            tally.occurrences, "；".join(masker.text(note) for note in tally.notes[:5]) or None,
        )


def write_summary(results: ActivityResults, out: Path | str, *, mask_companies: bool = False) -> Path:
    """汇总表 (.xlsx) at ``out``: files, agencies and problems, scores as numbers."""
    masker = Masker((f.case for f in results.files), mask_companies=mask_companies)
    settings = for_results(results)
    book = Workbook()
    book.remove(book.active)
    _sheet(book, "案卷结果", [("序号", 6), ("执法部门", 22), ("案号", 26), ("案由", 30), ("当事人", 24),
                              ("评查人员", 18), ("状态", 8), ("得分", 8), ("等次", 8)],
           file_rows(results, masker), score_columns=(8,))
    _sheet(book, "单位结果", [("排名", 6), ("执法部门", 24), ("抽查案卷数", 11), ("已完成", 8), ("待复核", 8),
                              ("评查中", 8), ("平均分", 8), ("等次", 8)],
           agency_rows(results), score_columns=(7,))
    _sheet(book, "问题统计", [("类别", 12), ("评查项目", 22), ("编号", 7), ("问题", 50), ("涉及案卷数", 11),
                              ("发现次数", 9), ("典型说明", 50)],
           problem_rows(results, masker), wrap_columns=(4, 7))
    properties = book.properties
    properties.creator = settings.issuer
    properties.lastModifiedBy = settings.issuer
    properties.title = masker.text(f"{results.activity}评查结果汇总表")
    properties.subject = masker.text(results.activity)
    buffer = io.BytesIO()
    book.save(buffer)
    return write_output(Path(out), buffer.getvalue())
