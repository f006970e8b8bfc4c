"""汇总表: the workbook opened back with openpyxl."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from test_reports_data import ID_NUMBER, PERSONS, all_files, build_results, case, file_result, package_parts, sheet

from pingcha.reports import write_summary
from pingcha.results import FINAL


@pytest.fixture
def results():
    return build_results()


@pytest.fixture
def book(results, tmp_path):
    return load_workbook(write_summary(results, tmp_path / "汇总表.xlsx"))


def test_file_results_one_row_per_file_with_numeric_scores(results, book):
    sheet = book["案卷结果"]
    header = [c.value for c in sheet[2]]
    assert header == ["序号", "执法部门", "案号", "案由", "当事人", "评查人员", "状态", "得分", "等次"]
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["C"].width >= 20
    rows = {row[2]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == len(results.files)
    for file in results.files:
        row = rows[file.case.case_no]
        if file.status == FINAL:
            assert row[7] == pytest.approx(float(file.score)) and row[8] == file.grade
        else:
            assert row[7] is None and row[8] is None
    assert rows["川攀西市监罚〔2024〕15号"][6] == "待复核"
    assert rows["川攀西应急罚〔2024〕9号"][6] == "评查中"
    assert rows["川攀西综执罚〔2024〕31号"][4] == "欧阳某某"
    assert rows["川攀西综执罚〔2024〕3号"][4] == "攀枝花市西区恒基建筑劳务有限公司"
    assert rows["川攀西综执罚〔2024〕10号"][5] == "董文、罗敏"
    assert sheet["H3"].number_format == "0.0"


def test_agency_results_ranked_with_counts_that_add_up(results, book):
    sheet = book["单位结果"]
    assert [c.value for c in sheet[2]] == ["排名", "执法部门", "抽查案卷数", "已完成", "待复核", "评查中", "平均分", "等次"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [row[1] for row in rows] == [a.agency for a in results.agencies]
    assert [row[0] for row in rows] == [1, 2, 3]
    for row in rows:
        assert row[2] == row[3] + row[4] + row[5]
    assert sum(row[2] for row in rows) == len(results.files)
    assert isinstance(rows[0][6], float)


def test_problem_statistics_from_the_tallies(results, book):
    sheet = book["问题统计"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0][:5] == ("否决项", None, "V9", results.rubric.veto_by_code["V9"].title, 1)
    codes = [row[2] for row in rows[1:]]
    assert codes == [t.code for t in results.deduction_tallies()]


def test_names_masked_and_formulas_never_run(tmp_path):
    files = all_files() + [file_result(case("川攀西综执罚〔2024〕40号", "区综合执法局", "=HYPERLINK(\"x\")\x07", "=张三"),
                                       [sheet("董文"), sheet("罗敏")])]
    path = write_summary(build_results(files), tmp_path / "汇总表.xlsx")
    packed = "".join(package_parts(path).values())
    for secret in (*PERSONS, ID_NUMBER):
        assert secret not in packed
    book = load_workbook(path)
    row = next(r for r in book["案卷结果"].iter_rows(min_row=3) if r[2].value == "川攀西综执罚〔2024〕40号")
    assert row[3].data_type == "s" and row[3].value == '=HYPERLINK("x")'
    assert row[3].quotePrefix  # Excel keeps it text even when the cell is edited
    assert row[4].value == "=某某"


def test_every_sheet_prints_landscape_fitted_to_width_with_title_header_and_borders(results, book):
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        assert sheet.page_setup.fitToHeight == 0
        assert sheet.print_title_rows == "$2:$2"
        assert sheet["A1"].value.startswith(results.activity) and "A1" in str(sheet.merged_cells)
        last = sheet.max_row
        assert sheet.cell(row=last, column=2).border.left.style == "thin"
        assert sheet.cell(row=2, column=1).border.bottom.style == "thin"


def test_problem_statistics_count_final_files_only(tmp_path):
    files = all_files()
    # The file still 待复核 (15号) has D12a on a submitted sheet; only 12号 (final) counts.
    book = load_workbook(write_summary(build_results(files), tmp_path / "汇总表.xlsx"))
    rows = {row[2]: row for row in book["问题统计"].iter_rows(min_row=3, values_only=True)}
    assert rows["D12a"][4] == 1
    assert "E2a" in rows and rows["E2a"][4] == 2  # 12号 and 6号; not 15号


def test_typical_notes_name_the_file_they_come_from(results, book):
    rows = {row[2]: row for row in book["问题统计"].iter_rows(min_row=3, values_only=True)}
    assert rows["D12c"][6] == "区综合执法局川攀西综执罚〔2024〕10号：第15页送达回证未写送达地点"


def test_an_unwritable_temporary_folder_is_a_clear_message_and_the_old_summary_stays(results, tmp_path, monkeypatch):
    """The long sheet waits in a temporary file while the workbook is written: when that cannot be made,
    the user reads why, in Chinese, and the summary written before is left as it was."""
    import tempfile

    from pingcha.errors import UserError

    out = write_summary(results, tmp_path / "汇总表.xlsx")
    before = out.read_bytes()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "没有这个文件夹"))
    with pytest.raises(UserError) as raised:
        write_summary(results, out)
    assert str(raised.value) == f"无法生成汇总表：临时文件夹 {tmp_path / '没有这个文件夹'} 不能写入（所在文件夹不存在）"
    assert out.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["汇总表.xlsx"]
