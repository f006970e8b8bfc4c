"""A rubric as a spreadsheet and as written-out TOML: both round trips are lossless, hand-made
workbooks (merged or blank continuation cells, any column order) read as people mean them, and a
broken workbook is reported as FILE:工作表!行: 中文说明."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from pingcha.rubric import RubricError, load_rubric_file, parse_rubric_text
from pingcha.rubric.toml_writer import rubric_to_toml
from pingcha.rubric.xlsx import read_rubric_xlsx
from pingcha.rubric.xlsx_writer import write_rubric_xlsx
from tests.conftest import REPO

RUBRIC_TOML = r"""
[rubric]
id = "xlsx-test"
version = "2024.10"
title = "评分标准 & <测试> \"引号\""
issued_by = "某区司法局"
effective = 2024-06-01
replaces = "2021.1"
total = 20
procedures = ["普通程序", "简易程序"]

[[grades]]
name = "优秀"
min = 18
[[grades]]
name = "合格"
min = 12
[[grades]]
name = "不合格"
min = 0

[[veto]]
code = "V1"
title = "执法主体不合法"
effect = "zero"
[[veto]]
code = "V2"
title = "主要执法文书未加盖印章"
effect = "cap"
cap = "合格"

[[category]]
code = "A"
title = "执法主体"

[[category.item]]
code = "A1"
title = "执法人员资格"
points = 4
guide = "执法人员不少于2人\n笔录记载执法证件号"
deductions = [
  { code = "A1a", text = "笔录未记载执法证件号", points = 1, max_times = 4 },
  { code = "A1b", text = "执法人员少于2人", points = 4 },
  { code = "A1c", text = "告知书写“A & B <c>”\\其他", points = 2 },
]

[[category.item]]
code = "A2"
title = "回避"
points = 2.5
na_allowed = true
deductions = [
  { code = "A2a", text = "未告知申请回避的权利", points = 0.5, max_times = 5 },
]

[[category]]
code = "B"
title = "执法程序"

[[category.item]]
code = "B1"
title = "送达"
points = 10
deductions = [
  { code = "B1a", text = "受送达人没有签字", points = 5 },
]

[[category.item]]
code = "B2"
title = "归档"
points = 3.5
"""

COLUMNS = ("类别编号", "类别", "项目编号", "评查项目", "分值", "可不适用", "评查要点", "扣分编号", "扣分情形", "扣分", "最多次数")
# One row per deduction, as a person fills the sheet in; category and item cells only where they start.
ROWS = [
    ("A", "执法主体", "A1", "执法人员资格", 4, "否", "执法人员不少于2人\n笔录记载执法证件号", "A1a", "笔录未记载执法证件号", 1, 4),
    (None, None, None, None, None, None, None, "A1b", "执法人员少于2人", 4, None),
    (None, None, None, None, None, None, None, "A1c", "告知书写“A & B <c>”\\其他", 2, 1),
    (None, None, "A2", "回避", 2.5, "是", None, "A2a", "未告知申请回避的权利", 0.5, 5),
    ("B", "执法程序", "B1", "送达", 10, None, "", "B1a", "受送达人没有签字", "5", None),
    (None, None, "B2", "归档", 3.5, "否", None, None, None, None, None),
]
VETOES = [("编号", "否决情形", "效果"), ("V1", "执法主体不合法", "归零"), ("V2", "主要执法文书未加盖印章", "不高于合格")]
GRADES = [("等次", "最低分"), ("优秀", 18), ("合格", 12), ("不合格", 0)]
INFO = [
    ("键", "值"),
    ("id", "xlsx-test"),
    ("version", "2024.10"),
    ("title", '评分标准 & <测试> "引号"'),
    ("issued_by", "某区司法局"),
    ("effective", "2024-06-01"),
    ("replaces", "2021.1"),
    ("total", 20),
    ("procedures", "普通程序、简易程序"),
]
INFO_TOTAL_ROW = 8


@pytest.fixture
def rubric():
    return parse_rubric_text(RUBRIC_TOML, "test.toml")


def build_workbook(path: Path, order=COLUMNS, merged=True, rows=ROWS, info=INFO, vetoes=VETOES) -> Path:
    """A workbook as a person might make it: its own column order, a sheet name of its own choosing."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "扣分表"
    sheet.append(list(order))
    for row in rows:
        values = dict(zip(COLUMNS, row))
        sheet.append([values.get(name) for name in order])
    if merged:
        for group, key in ((COLUMNS[:2], "类别编号"), (COLUMNS[2:7], "项目编号")):
            starts = [i for i, row in enumerate(rows) if dict(zip(COLUMNS, row))[key] is not None] + [len(rows)]
            for first, following in zip(starts, starts[1:]):
                for name in group:
                    column = order.index(name) + 1
                    if following - first > 1:
                        sheet.merge_cells(start_row=first + 2, end_row=following + 1, start_column=column, end_column=column)
    for title, table in (("否决项", vetoes), ("等次", GRADES), ("说明", info)):
        extra = workbook.create_sheet(title)
        for row in table:
            extra.append(list(row))
    workbook.save(path)
    return path


def issues(path: Path) -> list[str]:
    with pytest.raises(RubricError) as caught:
        read_rubric_xlsx(path)
    return [str(issue) for issue in caught.value.issues]


def test_xlsx_round_trip_is_lossless(tmp_path, rubric):
    path = tmp_path / "rubric.xlsx"
    write_rubric_xlsx(rubric, path)
    assert read_rubric_xlsx(path) == rubric
    assert load_rubric_file(path) == rubric


def test_written_workbook_merges_category_and_item_cells(tmp_path, rubric):
    path = tmp_path / "rubric.xlsx"
    write_rubric_xlsx(rubric, path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["评分标准", "否决项", "等次", "说明"]
    merged = {str(r) for r in workbook["评分标准"].merged_cells.ranges}
    assert {"A2:A5", "B2:B5", "C2:C4", "G2:G4", "A6:A7"} <= merged
    info = {row[0]: row[1] for row in workbook["说明"].iter_rows(min_row=2, values_only=True)}
    assert info["version"] == "2024.10" and info["effective"] == "2024-06-01"


def test_toml_round_trip_is_lossless(rubric):
    text = rubric_to_toml(rubric)
    assert parse_rubric_text(text, "x") == rubric
    assert 'deductions = [\n  { code = "A1a", text = "笔录未记载执法证件号", points = 1, max_times = 4 },' in text
    assert "points = 2.5" in text and "points = 0.5, max_times = 5 }" in text
    assert 'guide = "执法人员不少于2人\\n笔录记载执法证件号"' in text


@pytest.mark.parametrize("merged", [True, False], ids=["merged cells", "blank continuation cells"])
def test_hand_made_workbook_reads_as_meant(tmp_path, rubric, merged):
    order = tuple(reversed(COLUMNS))
    path = build_workbook(tmp_path / "hand.xlsx", order=order, merged=merged)
    assert read_rubric_xlsx(path) == rubric


def test_repeated_values_on_every_row_read_as_one_item(tmp_path, rubric):
    rows, carried = [], [None] * 7
    for row in ROWS:
        carried = [value if value is not None else carried[i] for i, value in enumerate(row[:7])]
        if row[2] is not None:  # a new item starts with its own, possibly empty, attributes
            carried[3:7] = row[3:7]
        rows.append(tuple(carried) + row[7:])
    assert read_rubric_xlsx(build_workbook(tmp_path / "repeated.xlsx", rows=rows)) == rubric


def with_row(index: int, **changes) -> list[tuple]:
    rows = list(ROWS)
    values = dict(zip(COLUMNS, rows[index]))
    values.update(changes)
    rows[index] = tuple(values[name] for name in COLUMNS)
    return rows


INFO_WITH_TOTAL_25 = [row if row[0] != "total" else ("total", 25) for row in INFO]
BAD_VETOES = VETOES[:2] + [("V2", "主要执法文书未加盖印章", "降一档")]

# Each case: (what is broken, workbook arguments, the sheet!row to be named, a phrase of the message)
BAD = [
    ("missing column", {"order": tuple(c for c in COLUMNS if c != "扣分")}, "扣分表!1", "表头缺少列：扣分"),
    ("bad 效果", {"vetoes": BAD_VETOES}, "否决项!3", "“效果”应为“归零”或“不高于”某等次"),
    ("可不适用 = 也许", {"rows": with_row(3, 可不适用="也许")}, "扣分表!5", "“可不适用”应为“是”或“否”，实际为“也许”"),
    ("分值 = 四", {"rows": with_row(0, 分值="四")}, "扣分表!2", "“分值”应为数字，实际为“四”"),
    ("points not summing", {"info": INFO_WITH_TOTAL_25}, f"说明!{INFO_TOTAL_ROW}", "合计 20，与总分 total = 25 不符"),
    ("category title differs", {"merged": False, "rows": with_row(1, 类别="执法程序")}, "扣分表!3", "与 扣分表!2 的“执法主体”不一致"),
    ("deduction without a code", {"rows": with_row(2, 扣分编号=None)}, "扣分表!4", "缺少“扣分编号”"),
    ("deduction above item points", {"rows": with_row(3, 扣分=3)}, "扣分表!5", "大于所属项目A2的分值 2.5"),
    ("misspelt optional column", {"order": tuple(c if c != "最多次数" else "最多次" for c in COLUMNS)}, "扣分表!1", "是否应为“最多次数”"),
    ("missing 说明 key", {"info": [row for row in INFO if row[0] != "version"]}, "说明!1", "缺少键“version”"),
]


@pytest.mark.parametrize("name, arguments, where, phrase", BAD, ids=[case[0] for case in BAD])
def test_bad_workbook_names_sheet_row_and_problem(tmp_path, name, arguments, where, phrase):
    path = build_workbook(tmp_path / "bad.xlsx", **arguments)
    found = issues(path)
    assert any(issue.startswith(f"{path}:{where}: ") and phrase in issue for issue in found), found
    # The problem is told once, in the spreadsheet's words, not again as a missing TOML key.
    assert len(found) == 1, found


def test_every_problem_is_reported_at_once(tmp_path):
    rows = with_row(0, 分值="四")
    rows[3] = with_row(3, 可不适用="也许")[3]
    with pytest.raises(RubricError) as caught:
        read_rubric_xlsx(build_workbook(tmp_path / "bad.xlsx", rows=rows, vetoes=BAD_VETOES))
    assert [issue.where for issue in caught.value.issues] == ["扣分表!2", "扣分表!5", "否决项!3"]


def test_missing_sheets_are_named(tmp_path, rubric):
    path = tmp_path / "rubric.xlsx"
    write_rubric_xlsx(rubric, path)
    workbook = openpyxl.load_workbook(path)
    del workbook["等次"], workbook["说明"]
    workbook.save(path)
    found = issues(path)
    assert f"{path}:等次: 缺少名为“等次”的工作表（列：等次、最低分）" in found
    assert any(issue.startswith(f"{path}:说明: 缺少名为“说明”的工作表") for issue in found)
    assert len(found) == 2, found


def test_text_file_renamed_to_xlsx(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("这不是表格", encoding="utf-8")
    assert issues(path) == [f"{path}:0: 不是有效的 Excel（.xlsx）文件"]
    with pytest.raises(RubricError, match="不是有效的 Excel"):
        load_rubric_file(path)


def test_shipped_2024_rubric_round_trips(tmp_path):
    source = REPO / "scoring_rules" / "xiqu-xzcf-2024.1.toml"
    if not source.exists():
        pytest.skip("scoring_rules/xiqu-xzcf-2024.1.toml has not been written yet")
    rubric = load_rubric_file(source)
    assert parse_rubric_text(rubric_to_toml(rubric), "x") == rubric
    path = tmp_path / "2024.xlsx"
    write_rubric_xlsx(rubric, path)
    assert read_rubric_xlsx(path) == rubric
    assert read_rubric_xlsx(path).source == rubric_to_toml(rubric)


def test_codes_equal_but_for_width_are_refused_in_a_workbook(tmp_path):
    book = openpyxl.load_workbook(REPO / "scoring_rules" / "xiqu-xzcf-2024.1.xlsx")
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    column = header.index("扣分编号") + 1
    assert (sheet.cell(row=2, column=column).value, sheet.cell(row=3, column=column).value) == ("A1a", "A1b")
    sheet.cell(row=3, column=column).value = "Ａ1a"  # a full-width Ａ: typed as the same code
    book.save(tmp_path / "twice.xlsx")
    with pytest.raises(RubricError) as caught:
        load_rubric_file(tmp_path / "twice.xlsx")
    assert any("“Ａ1a”与“A1a”（不分大小写和全角半角）重复" in str(issue) for issue in caught.value.issues)
