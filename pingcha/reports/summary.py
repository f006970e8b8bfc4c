"""汇总表: the activity's results as a workbook (案卷结果, 单位结果, 问题统计)."""

from __future__ import annotations

import io
from copy import copy
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pingcha.memory import paused_collection
from pingcha.reports import facts
from pingcha.reports.engine import clean_text, write_output
from pingcha.reports.masking import Masker, masker_for
from pingcha.reports.settings import for_results
from pingcha.results import FINAL, ActivityResults
from pingcha.scoring import round1

SCORE_FORMAT = "0.0"
_TITLE_FONT = Font(name="宋体", size=14, bold=True)
_HEADER_FONT = Font(bold=True)
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="center", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FORMULA_START = ("=", "+", "-", "@")
TITLE_ROW, HEADER_ROW = 1, 2


def _value(value):
    """Text made safe for a cell: no control characters."""
    if isinstance(value, str):
        return clean_text(value)
    return value


def _sheet(book: Workbook, name: str, title: str, columns: Sequence[tuple[str, float]], rows, *,
           score_columns: Sequence[int] = (), wrap_columns: Sequence[int] = ()) -> Worksheet:
    """A sheet that prints: a title row, a bold header repeated on every printed page, borders,
    A4 landscape fitted to the page width; long text wraps instead of being cut.

    ``columns`` are (heading, width in characters).
    """
    sheet = book.create_sheet(name)
    sheet.cell(row=TITLE_ROW, column=1, value=_value(title)).font = _TITLE_FONT
    sheet.cell(row=TITLE_ROW, column=1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(columns))
    sheet.row_dimensions[TITLE_ROW].height = 28
    for index, (heading, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=heading)
        cell.font, cell.alignment, cell.border = _HEADER_FONT, _HEADER_ALIGN, _BORDER
        sheet.column_dimensions[get_column_letter(index)].width = width
    # A style set through openpyxl's descriptors costs a hash of every style object per cell; each
    # column's style is built once and copied, so a 50,000-row sheet costs what it holds.
    prototypes: dict[int, object] = {}
    row_index = HEADER_ROW
    for row_index, row in enumerate(rows, start=HEADER_ROW + 1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=column, value=_value(value))
            if column in prototypes:
                cell._style = copy(prototypes[column])
            else:
                cell.border = _BORDER
                if column in score_columns:
                    cell.number_format = SCORE_FORMAT
                cell.alignment = _WRAP if column in wrap_columns else _CENTER
                prototypes[column] = copy(cell._style)
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                # Stored as text, and marked so (quotePrefix, Excel's leading apostrophe): editing the
                # cell in Excel or WPS keeps it text instead of turning it into a formula.
                cell.data_type = "s"
                cell.quotePrefix = True
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1).coordinate
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{max(row_index, HEADER_ROW)}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
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
    for file in results.final_files():  # a file still 评查中 or 待复核 has no problems on record yet
        for view in file.counted_sheets:
            for code in view.sheet.veto:
                vetoes.setdefault(code, set()).add(file.case.case_no)
    for veto in rubric.vetoes:
        if veto.code in vetoes:
            yield ("否决项", None, veto.code, veto.title, len(vetoes[veto.code]), None, None)
    for tally in results.deduction_tallies():
        yield (
            tally.category_title, f"{tally.item_code} {tally.item_title}", tally.code, tally.text, tally.files,
            tally.occurrences,
            "；".join(f"{agency}{case_no}：{masker.text(note)}" for agency, case_no, note in
                     [c for c in tally.cases if c[2]][:5]) or None,
        )


@paused_collection()
def write_summary(results: ActivityResults, out: Path | str, *, mask_companies: bool = False) -> Path:
    """汇总表 (.xlsx) at ``out``: files, agencies and problems, scores as numbers."""
    masker = masker_for(results, mask_companies=mask_companies)
    settings = for_results(results)
    book = Workbook()
    book.remove(book.active)
    title = masker.text(f"{results.activity}评查结果汇总表")
    _sheet(book, "案卷结果", f"{title}（案卷结果）", [("序号", 6), ("执法部门", 22), ("案号", 26), ("案由", 30), ("当事人", 24),
                              ("评查人员", 18), ("状态", 8), ("得分", 8), ("等次", 8)],
           file_rows(results, masker), score_columns=(8,), wrap_columns=(2, 3, 4, 5, 6))
    _sheet(book, "单位结果", f"{title}（单位结果）", [("排名", 6), ("执法部门", 24), ("抽查案卷数", 11), ("已完成", 8), ("待复核", 8),
                              ("评查中", 8), ("平均分", 8), ("等次", 8)],
           agency_rows(results), score_columns=(7,), wrap_columns=(2,))
    _sheet(book, "问题统计", f"{title}（问题统计）", [("类别", 12), ("评查项目", 22), ("编号", 7), ("问题", 50), ("涉及案卷数", 11),
                              ("发现次数", 9), ("典型说明", 50)],
           problem_rows(results, masker), wrap_columns=(1, 2, 4, 7))
    properties = book.properties
    properties.creator = settings.issuer
    properties.lastModifiedBy = settings.issuer
    properties.title = title
    properties.subject = masker.text(results.activity)
    buffer = io.BytesIO()
    book.save(buffer)
    return write_output(Path(out), buffer.getvalue())
