"""汇总表 as a reader finds it, pinned cell by cell: each cell's value and type, number format, font, alignment,
borders and text mark (quotePrefix); the sheets, column widths, the title row's height, the merged title, frozen
panes, filter, print titles, page set-up, margins, footer and document properties.

tests/golden/summary_layout.json holds what openpyxl read from the 汇总表 that the openpyxl writer (commit
82582e7, before XlsxWriter) made of the hand-built activity of test_reports_data and of the generated one below.
Another writer, or a faster way of writing, must give a reader the same workbook. (Only two things are read
with a default filled in: a font without a name or size is the workbook's default font, Calibri 11, and a
border colour is compared by its RGB without the alpha byte.)
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from test_reports_data import HEAVY, RUBRIC, all_files, build_results, case, file_result, sheet

from pingcha.reports import write_summary
from pingcha.reports.engine import clean_text
from pingcha.results import FINAL, NEEDS_REVIEW, PENDING
from pingcha.services.demo import DEMO_ACTIVITY, build_demo
from pingcha.store import open_store
from tests.helpers import Cli

GOLDEN = Path(__file__).parent / "golden" / "summary_layout.json"
AGENCIES = ("区综合执法局", "区市场监管局", "区应急管理局", "攀枝花市西区农业农村和交通运输局（区乡村振兴局）", "区卫生健康局")
PARTIES = (("攀枝花市西区恒基建筑劳务有限公司", "单位"), ("欧阳明辉", "个人"), ("司马强", "个人"), ("张建华", "个人"),
           ("=某某商贸有限公司", "单位"), ("攀枝花市西区鸿运商贸有限公司", "单位"))
CAUSES = ("随意倾倒建筑垃圾", "虚假宣传 & <广告> 违法", "+未按规定公示信息", "-未落实安全生产主体责任\r\n（复查）",
          "@销售过期食品", "未按规定开展安全培训\x07", "未经批准擅自搭建建筑物" * 6, "<r>擅自占用道路</r>")
NOTES = ("第15页送达回证未写送达地点", "=送达回证无签字", "第3页\n调查笔录未签名", "未告知陈述申辩权利\x0b", "",
         "<r><t>送达</t></r>", " 前后有空格 ")


def generated_files():
    """Forty files from five agencies, drawn with a fixed seed: two evaluators each (now and then a draft,
    a single sheet or a 复核 sheet), deductions anywhere in the rubric, notes with line breaks, control
    characters, spaces at the ends, formula-like text and text that looks like a spreadsheet's rich-text XML."""
    rng = random.Random(8)
    deductions = sorted(RUBRIC.deduction_by_code.values(), key=lambda d: d.code)
    files = []
    for n in range(1, 41):
        found = [{d.code: rng.randint(1, d.max_times) for d in rng.sample(deductions, rng.randint(0, 6))}
                 for _ in range(2)]
        if n % 9 == 0:
            found[0] = dict(HEAVY)
        notes = [{code: rng.choice(NOTES) for code in f if rng.random() < 0.4} for f in found]
        sheets = [sheet("董文", found[0], notes=notes[0]),
                  sheet("罗敏", found[1], notes=notes[1], status="草稿" if n % 7 == 0 else "已提交")]
        if n % 11 == 0:
            sheets = sheets[:1]
        review = sheet("皇甫婷", found[1], status="复核", comment="经集体评议确定") if n % 6 == 0 else None
        party, kind = rng.choice(PARTIES)
        files.append(file_result(case(f"川攀西罚〔2024〕{n}号", rng.choice(AGENCIES), rng.choice(CAUSES), party, kind),
                                 sheets, review))
    return files


ACTIVITIES = {"hand-built": all_files, "generated": generated_files}


def _font(font):
    return [font.name or "Calibri", float(font.sz or 11), bool(font.b)]


def _side(side):
    colour = side.color.rgb[-6:] if side.style and side.color is not None and isinstance(side.color.rgb, str) else None
    return [side.style, colour]


def layout(path) -> dict:
    """Everything about a workbook that its reader sees, as plain data (styles numbered in order of use)."""
    book = load_workbook(path)
    props = book.properties
    found = {"sheets": book.sheetnames, "properties": [props.creator, props.lastModifiedBy, props.title, props.subject]}
    for ws in book.worksheets:
        styles, cells = [], []
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):
            line = []
            for cell in row:
                a, b = cell.alignment, cell.border
                style = [cell.number_format, _font(cell.font), a.horizontal, a.vertical, bool(a.wrap_text),
                         _side(b.left), _side(b.right), _side(b.top), _side(b.bottom), bool(cell.quotePrefix)]
                if style not in styles:
                    styles.append(style)
                line.append([cell.value, cell.data_type if cell.value is not None else None, styles.index(style)])
            cells.append(line)
        setup, margins = ws.page_setup, ws.page_margins
        found[ws.title] = {
            "widths": {get_column_letter(c): d.width for d in ws.column_dimensions.values() if d.customWidth
                       for c in range(d.min, d.max + 1)},
            "heights": {str(r): d.height for r, d in ws.row_dimensions.items() if d.height},
            "freeze": ws.freeze_panes, "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "filter": ws.auto_filter.ref, "print_titles": ws.print_title_rows,
            "page": [setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight,
                     ws.sheet_properties.pageSetUpPr.fitToPage, ws.print_options.horizontalCentered],
            "margins": [margins.left, margins.right, margins.top, margins.bottom, margins.header, margins.footer],
            "footer": ws.oddFooter.center.text, "header": ws.oddHeader.center.text,
            "styles": styles, "cells": cells,
        }
    return json.loads(json.dumps(found, ensure_ascii=False))  # the shape the golden file has (lists, str keys)


def test_the_summary_reads_as_the_openpyxl_writer_wrote_it(tmp_path):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for name, files in ACTIVITIES.items():
        found = layout(write_summary(build_results(files()), tmp_path / f"{name}.xlsx"))
        expected = golden[name]
        assert found["sheets"] == expected["sheets"] == ["案卷结果", "单位结果", "问题统计"]
        assert found["properties"] == expected["properties"]
        for sheet_name in expected["sheets"]:
            got, want = found[sheet_name], expected[sheet_name]
            for key in want:
                if key != "cells":
                    assert got[key] == want[key], (name, sheet_name, key)
            assert len(got["cells"]) == len(want["cells"]), (name, sheet_name)
            for number, (got_row, want_row) in enumerate(zip(got["cells"], want["cells"]), start=1):
                assert got_row == want_row, (name, sheet_name, number)


def test_the_demo_summary_is_laid_out_as_pinned(tmp_path, capsys):
    """The demo (other data, through the CLI): the same page, widths and header, each column's cells styled
    as in the pinned workbook, the filter over every row."""
    db = tmp_path / "demo.db"
    build_demo(open_store(str(db)))
    Cli(db, capsys).ok("report", "summary", DEMO_ACTIVITY, "--out", tmp_path / "汇总表.xlsx")
    found = layout(tmp_path / "汇总表.xlsx")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))["generated"]
    assert found["sheets"] == golden["sheets"]
    for sheet_name in golden["sheets"]:
        got, want = found[sheet_name], golden[sheet_name]
        for key in ("widths", "heights", "freeze", "merged", "print_titles", "page", "margins", "footer", "header"):
            assert got[key] == want[key], (sheet_name, key)
        assert got["filter"] == f"A2:{get_column_letter(len(got['cells'][0]))}{len(got['cells'])}"
        assert got["cells"][0][0][0].startswith(DEMO_ACTIVITY) and got["cells"][1] == want["cells"][1]
        style = {k: [got["styles"][c[2]] for c in column[2:]] for k, column in enumerate(zip(*got["cells"]))}
        pinned = {k: [want["styles"][c[2]] for c in column[2:]] for k, column in enumerate(zip(*want["cells"]))}
        for column, styles in style.items():
            assert len(got["cells"]) > 3 and set(map(json.dumps, styles)) <= set(map(json.dumps, pinned[column]))


def test_the_generated_activity_has_what_the_layout_must_survive():
    """The golden file would pin little if the activity lacked the hard cases."""
    results = build_results(generated_files())
    assert {f.status for f in results.files} == {FINAL, NEEDS_REVIEW, PENDING}
    texts = [f.case.cause for f in results.files] + [n for f in results.files for s in f.sheets
                                                      for n in s.sheet.notes.values()]
    assert any(t.startswith(("=", "+", "-", "@")) for t in texts) and any("\x07" in t for t in texts)
    assert any("\r\n" in t for t in texts) and any("\n" in t for t in texts)
    assert any(t.startswith("<r>") and t.endswith("</r>") for t in texts) and any(t.endswith(" ") for t in texts)
    assert len(results.deduction_tallies()) > 20


@given(st.text())
def test_printable_text_needs_no_cleaning(text):
    """The 汇总表 skips clean_text for printable strings: that must never let through what it drops."""
    if text.isprintable():
        assert clean_text(text) == text


def _sheet_xml(rows, write) -> bytes:
    """The worksheet and styles XML of a one-sheet workbook made as the 汇总表 is (a header row, then ``rows``
    written by ``write(sheet, rows, plain, quoted)``)."""
    import io
    import zipfile

    from xlsxwriter.workbook import Workbook

    from pingcha.reports.summary import _PrintedSheet

    buffer = io.BytesIO()
    book = Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                             "strings_to_numbers": False})
    plain = [book.add_format({"border": 1, "text_wrap": c % 2 == 0}) for c in range(4)]
    quoted = [book.add_format({"border": 1, "text_wrap": c % 2 == 0, "quote_prefix": True}) for c in range(4)]
    sheet = book.add_worksheet("表", worksheet_class=_PrintedSheet)
    sheet.merge_range(0, 0, 0, 3, "标题", book.add_format({"bold": True}))
    for column in range(4):
        sheet.write_string(1, column, f"列{column}")
    write(sheet, rows, plain, quoted)
    book.close()
    with zipfile.ZipFile(buffer) as package:
        return package.read("xl/worksheets/sheet1.xml") + package.read("xl/styles.xml")


def _cell_by_cell(sheet, rows, plain, quoted) -> None:
    """How the 汇总表 wrote its rows with XlsxWriter's own calls, one cell at a time."""
    for row_index, row in enumerate(rows, start=2):
        for column, value in enumerate(row):
            if value is None:
                sheet.write_blank(row_index, column, None, plain[column])
            elif isinstance(value, str):
                value = clean_text(value)
                style = quoted[column] if value.startswith(("=", "+", "-", "@")) else plain[column]
                sheet.write_string(row_index, column, value, style)
            else:
                sheet.write_number(row_index, column, value, plain[column])


def _row_writer(sheet, rows, plain, quoted) -> None:
    assert sheet.write_rows(2, rows, plain, quoted) == 1 + len(rows)


_HARD = ("_x0041_", "a_x00e9_b", " x", "x\t", "\n", "&<>\"'", "=A1", "-", "+1", "@x", "一二三", "😀")
_TEXTS = st.one_of(st.text(), st.sampled_from(NOTES + CAUSES), st.sampled_from(_HARD).flatmap(
    lambda text: st.lists(st.sampled_from((text, "文", " ", "_x", "0")), max_size=4).map(lambda more: text + "".join(more))))
_VALUES = st.one_of(st.none(), _TEXTS, st.integers(-10**6, 10**6),
                    st.floats(allow_nan=False, allow_infinity=False))


@given(st.lists(st.tuples(_VALUES, _VALUES, _VALUES, _VALUES), max_size=6)
       .filter(lambda rows: not any(isinstance(v, str) and clean_text(v).startswith("<r>")
                                    and clean_text(v).endswith("</r>") for row in rows for v in row)))
def test_rows_are_written_as_xlsxwriter_writes_them_cell_by_cell(rows):
    """The 汇总表 writes its rows' XML itself (XlsxWriter's calls cost 20 Python calls a cell): byte for byte what
    XlsxWriter writes, formats numbered alike. (Text that looks like XlsxWriter's rich-text XML, <r>…</r>, XlsxWriter
    would write unescaped; the golden workbooks above hold such text, read back as written.)"""
    assert _sheet_xml(rows, _row_writer) == _sheet_xml(rows, _cell_by_cell)


def test_text_beyond_excels_limit_is_cut_as_xlsxwriter_cuts_it():
    rows = [("文" * 40000, "😀" * 16500, "a" * 32767, None), ("ab" + "😀" * 16383, 1, 2.5, "x" * 32768)]
    assert _sheet_xml(rows, _row_writer) == _sheet_xml(rows, _cell_by_cell)


def test_no_rows_leave_the_header_alone():
    assert _sheet_xml([], _row_writer) == _sheet_xml([], _cell_by_cell)
