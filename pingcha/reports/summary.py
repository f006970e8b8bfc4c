"""汇总表: the activity's results as a workbook (案卷结果, 单位结果, 问题统计)."""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Sequence
from itertools import islice
from pathlib import Path

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pingcha.errors import UserError
from pingcha.files import os_problem
from pingcha.memory import paused_collection
from pingcha.reports import facts
from pingcha.reports.engine import clean_text, write_output
from pingcha.reports.masking import Masker, masker_for
from pingcha.reports.settings import resolve
from pingcha.results import FINAL, ActivityResults
from pingcha.scoring import round1

SCORE_FORMAT = "0.0"
_FORMULA_START = ("=", "+", "-", "@")
TITLE_ROW, HEADER_ROW = 1, 2  # as Excel numbers them; XlsxWriter counts from 0
_BORDER = {"border": 1, "border_color": "#000000"}  # thin, black, on all four sides
_CENTERED = {"align": "center", "valign": "vcenter", "text_wrap": True}
_WRAPPED = {"valign": "vcenter", "text_wrap": True}
# XlsxWriter keeps sizes in pixels and writes them back in Excel's units: a column's width as
# floor(pixels * 256 / 7) / 256 characters (a whole number of characters comes out exactly as given), a row's
# height as pixels * 0.75 points, unrounded.
_PIXELS_PER_CHARACTER = 7
_PIXELS_PER_POINT = 4 / 3
TITLE_HEIGHT = 28  # points


class _PrintedSheet(Worksheet):
    """A worksheet whose page set-up says fitToWidth="1" in so many words. XlsxWriter, like Excel, leaves the
    format's default out, and a reader that does not apply it (openpyxl, with which scripts and the tests read
    the 汇总表) then finds no fit to the page width at all. XlsxWriter has no option for it, so the tag is amended
    as it is written (an internal of XlsxWriter: should it change, test_reports_summary's page check fails)."""

    def _xml_empty_tag(self, tag, attributes=None):
        if tag == "pageSetup" and self.fit_page and self.fit_width == 1:
            attributes = [*(attributes or []), ("fitToWidth", 1)]
        super()._xml_empty_tag(tag, attributes)

    def write_rows(self, first_row: int, rows, plain: Sequence, quoted: Sequence) -> int:
        """Write ``rows`` (tuples of str, number or None, one value per column) from ``first_row`` (counted
        from 0) and return the last row written (``first_row - 1`` when there were none).

        XlsxWriter's write_string and write_number cost some twenty Python calls a cell (a province's 汇总表
        has 450,000): each row's XML is written here instead, as XlsxWriter writes it in constant_memory mode
        (an inline string, the text XML-escaped, Excel's _xHHHH_ escapes escaped, spaces at the ends kept,
        cut at Excel's 32,767 UTF-16 units). Formats are XlsxWriter's, by their index. (An internal of
        XlsxWriter: test_summary_layout compares these rows with XlsxWriter's own, cell by cell.)"""
        if not self.constant_memory:
            raise ValueError("write_rows writes a constant_memory worksheet's rows")
        self._write_single_row(first_row)  # what XlsxWriter holds of the rows before (the header) goes first
        columns = [xl_col_to_name(c) for c in range(len(plain))]
        # Each format's index is given when a cell first uses it, as XlsxWriter numbers them.
        styles: list[str | None] = [None] * len(plain)
        quoted_styles: list[str | None] = [None] * len(quoted)

        def style(found: list, formats: Sequence, column: int) -> str:
            found[column] = f' s="{formats[column]._get_xf_index()}"'
            return found[column]

        # Each distinct text made into XML once: an agency's name, a status or a grade recurs on thousands of rows.
        texts: dict[str, tuple[bool, str]] = {}
        write = self.fh.write
        row_number = first_row  # as Excel numbers rows, the last one written
        parts: list[str] = []
        append = parts.append
        for row_number, row in enumerate(rows, start=first_row + 1):
            append(f'<row r="{row_number}">')
            for column, value in enumerate(row):
                if isinstance(value, str):
                    known = texts.get(value)
                    if known is None:
                        known = texts[value] = _text_cell(value)
                    if known[0]:
                        index = quoted_styles[column] or style(quoted_styles, quoted, column)
                    else:
                        index = styles[column] or style(styles, plain, column)
                    append(f'<c r="{columns[column]}{row_number}"{index} t="inlineStr">{known[1]}</c>')
                else:
                    index = styles[column] or style(styles, plain, column)
                    if value is None:
                        append(f'<c r="{columns[column]}{row_number}"{index}/>')
                    else:
                        append(f'<c r="{columns[column]}{row_number}"{index}><v>{value:.16G}</v></c>')
            append("</row>")
            if len(parts) > 8192:
                write("".join(parts))
                parts.clear()
        write("".join(parts))
        if row_number > first_row:
            self._check_dimensions(first_row, 0)
            self._check_dimensions(row_number - 1, len(plain) - 1)
            self.previous_row = row_number  # past the rows written: XlsxWriter has nothing more to write of them
        return row_number - 1


_EXCEL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_XML_SPECIAL = re.compile("[&<>]")
_STRING_MAX = 32767  # Excel's limit on a cell's text, in UTF-16 units


def _text_cell(value: str) -> tuple[bool, str]:
    """Whether ``value`` is text that looks like a formula (so marked as text), and its <is> XML."""
    if not value.isprintable():  # a printable string holds nothing clean_text drops (a fast C scan)
        value = clean_text(value)
    return value.startswith(_FORMULA_START), _inline(value)


def _inline(text: str) -> str:
    """A clean string as the <is> of an inline-string cell, as XlsxWriter writes it."""
    if len(text) > _STRING_MAX // 2 and len(text.encode("utf-16-le")) // 2 > _STRING_MAX:
        kept, length = 0, 0
        for kept, char in enumerate(text):
            length += 2 if ord(char) > 0xFFFF else 1
            if length > _STRING_MAX:
                break
        text = text[:kept]
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)  # Excel reads _xHHHH_ as an escape: the text stays as written
    if _XML_SPECIAL.search(text):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if text[:1].isspace() or text[-1:].isspace():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


class _Formats:
    """The workbook's cell formats, each made once (XlsxWriter shares a format by reference)."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.title = book.add_format({"font_name": "宋体", "font_size": 14, "bold": True,
                                      "align": "center", "valign": "vcenter"})
        self.header = book.add_format({"bold": True, **_CENTERED, **_BORDER})
        self._cells: dict[tuple[bool, bool, bool], object] = {}

    def cell(self, *, wrap: bool, score: bool, quoted: bool = False):
        key = (wrap, score, quoted)
        if key not in self._cells:
            properties = {**(_WRAPPED if wrap else _CENTERED), **_BORDER}
            if score:
                properties["num_format"] = SCORE_FORMAT
            if quoted:
                # Stored as text, and marked so (quotePrefix, Excel's leading apostrophe): editing the
                # cell in Excel or WPS keeps it text instead of turning it into a formula.
                properties["quote_prefix"] = True
            self._cells[key] = self.book.add_format(properties)
        return self._cells[key]


def _sheet(book: Workbook, formats: _Formats, name: str, title: str, columns: Sequence[tuple[str, float]], rows, *,
           score_columns: Sequence[int] = (), wrap_columns: Sequence[int] = ()) -> Worksheet:
    """A sheet that prints: a title row, a bold header repeated on every printed page, borders,
    A4 landscape fitted to the page width; long text wraps instead of being cut.

    ``columns`` are (heading, width in characters); ``score_columns`` and ``wrap_columns`` count from 1.
    Rows are streamed to disk as they are written (the workbook's constant_memory mode, by write_rows), so a province's
    50,000 files cost what they hold and no more.
    """
    sheet = book.add_worksheet(name, worksheet_class=_PrintedSheet)
    last_column = len(columns) - 1
    sheet.set_row_pixels(TITLE_ROW - 1, TITLE_HEIGHT * _PIXELS_PER_POINT)
    sheet.merge_range(TITLE_ROW - 1, 0, TITLE_ROW - 1, last_column, clean_text(title), formats.title)
    for index, (heading, width) in enumerate(columns):
        sheet.set_column_pixels(index, index, width * _PIXELS_PER_CHARACTER)
        sheet.write_string(HEADER_ROW - 1, index, heading, formats.header)
    plain = [formats.cell(wrap=c in wrap_columns, score=c in score_columns) for c in range(1, len(columns) + 1)]
    quoted = [formats.cell(wrap=c in wrap_columns, score=c in score_columns, quoted=True)
              for c in range(1, len(columns) + 1)]
    row_index = sheet.write_rows(HEADER_ROW, rows, plain, quoted)
    sheet.freeze_panes(HEADER_ROW, 0)
    sheet.autofilter(HEADER_ROW - 1, 0, row_index, last_column)
    sheet.repeat_rows(HEADER_ROW - 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.center_horizontally()
    sheet.set_margins(left=0.5, right=0.5, top=1, bottom=1)
    sheet.set_footer("&C第 &P 页，共 &N 页", {"margin": 0.5})
    sheet.set_header("", {"margin": 0.5})
    return sheet


def _score(value) -> float | None:
    return float(round1(value)) if value is not None else None


def file_rows(results: ActivityResults, masker: Masker):
    # A province's files share a few hundred scores, a few hundred teams and many a party: each shown once.
    scores: dict = {}
    teams: dict[tuple[str, ...], str] = {}
    parties: dict[tuple[str, str], str] = {}
    for n, file in enumerate(facts.ordered_files(results), start=1):
        case = file.case
        party = parties.get((case.party, case.party_type))
        if party is None:
            party = parties[case.party, case.party_type] = masker.party(case)
        team = teams.get(file.evaluators)
        if team is None:
            team = teams[file.evaluators] = "、".join(file.evaluators)
        score = grade = None
        if file.status == FINAL:
            grade = file.grade
            if file.score is not None:
                score = scores.get(file.score)
                if score is None:
                    score = scores[file.score] = _score(file.score)
        yield n, case.agency, case.case_no, masker.text(case.cause), party, team, facts.status_text(file), score, grade


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
                     islice((c for c in tally.cases if c[2]), 5)) or None,
        )


@paused_collection()
def write_summary(results: ActivityResults, out: Path | str, *, mask_companies: bool = False) -> Path:
    """汇总表 (.xlsx) at ``out``: files, agencies and problems, scores as numbers."""
    try:
        data = _workbook(results, masker_for(results, mask_companies=mask_companies))
    except OSError as error:  # the long sheet's rows wait in a temporary file until the workbook is put together
        raise UserError(f"无法生成汇总表：临时文件夹 {tempfile.gettempdir()} 不能写入（{os_problem(error)}）") from None
    return write_output(Path(out), data)


def _workbook(results: ActivityResults, masker: Masker) -> bytes:
    # The 汇总表 names its issuer and no period or scope: those are not worked out from every sheet and file.
    settings = resolve(results.settings, None, activity=results.activity, period="", scope="")
    title = masker.text(f"{results.activity}评查结果汇总表")
    buffer = io.BytesIO()
    # Text that looks like a formula, a link or a number stays text: every cell is written by its type.
    book = Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                             "strings_to_numbers": False})
    formats = _Formats(book)
    _sheet(book, formats, "案卷结果", f"{title}（案卷结果）",
           [("序号", 6), ("执法部门", 22), ("案号", 26), ("案由", 30), ("当事人", 24), ("评查人员", 18),
            ("状态", 8), ("得分", 8), ("等次", 8)],
           file_rows(results, masker), score_columns=(8,), wrap_columns=(2, 3, 4, 5, 6))
    _sheet(book, formats, "单位结果", f"{title}（单位结果）",
           [("排名", 6), ("执法部门", 24), ("抽查案卷数", 11), ("已完成", 8), ("待复核", 8), ("评查中", 8),
            ("平均分", 8), ("等次", 8)],
           agency_rows(results), score_columns=(7,), wrap_columns=(2,))
    _sheet(book, formats, "问题统计", f"{title}（问题统计）",
           [("类别", 12), ("评查项目", 22), ("编号", 7), ("问题", 50), ("涉及案卷数", 11), ("发现次数", 9),
            ("典型说明", 50)],
           problem_rows(results, masker), wrap_columns=(1, 2, 4, 7))
    book.set_properties({"author": settings.issuer, "title": title, "subject": masker.text(results.activity)})
    book.close()
    return buffer.getvalue()
