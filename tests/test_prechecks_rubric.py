"""[[check]] tables in a rubric: validated as FILE:LINE breaches, written back out, diffed, in the 预检 sheet."""

from __future__ import annotations

import dataclasses
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingcha.rubric import RubricError, load_rubric_file, parse_rubric_text
from pingcha.rubric.checks import DATE_COLUMNS, REGISTER_COLUMNS
from pingcha.rubric.diff import diff_rubrics, render_diff
from pingcha.rubric.model import Check
from pingcha.rubric.toml_writer import rubric_to_toml
from pingcha.rubric.xlsx_writer import write_rubric_xlsx
from tests.conftest import MINI_TOML, REPO
from tests.test_rubric_check import issues_for, line_of

CHECKS = """
[[check]]
code = "P1"
rule = "days_between"
from = "决定日期"
to = "送达日期"
max_days = 7
suggests = "B2b"
text = "决定后超过七日送达"

[[check]]
code = "P2"
rule = "min_count"
column = "执法人员"
min = 2
suggests = "A1b"
text = "执法人员少于两人"
procedure = "普通程序"

[[check]]
code = "P3"
rule = "pattern"
column = "案号"
regex = '.+〔\\d{4}〕[1-9]\\d*号'
suggests = "V2"
text = "案号不规范"

[[check]]
code = "P4"
rule = "fine_above"
person = 200
unit = 3000
suggests = "B1a"
text = "简易程序罚款超限"
procedure = "简易程序"

[[check]]
code = "P5"
rule = "date_order"
columns = ["立案日期", "决定日期", "送达日期"]
suggests = "B2c"
text = "日期顺序不符"
"""
WITH_CHECKS = MINI_TOML + CHECKS

BAD = [
    ("unknown rule", WITH_CHECKS.replace('rule = "min_count"', 'rule = "min_cnt"'), 'rule = "min_cnt"', "未知的预检规则“min_cnt”"),
    ("unknown key", WITH_CHECKS.replace("max_days = 7", "max_day = 7"), "max_day = 7", "未知的键“max_day”，是否应为“max_days”"),
    ("key of another rule", WITH_CHECKS.replace('min = 2\n', 'min = 2\nregex = "x"\n'), 'regex = "x"', "未知的键“regex”"),
    ("missing key", WITH_CHECKS.replace("unit = 3000\n", ""), '[[check]]\ncode = "P4"', "缺少必填的键“unit”"),
    ("missing text", WITH_CHECKS.replace('text = "日期顺序不符"\n', ""), '[[check]]\ncode = "P5"', "缺少必填的键“text”"),
    ("unknown column", WITH_CHECKS.replace('column = "执法人员"', 'column = "办案人员"'), 'column = "办案人员"', "“办案人员”不是案卷目录的列"),
    ("not a date column", WITH_CHECKS.replace('from = "决定日期"', 'from = "案号"'), 'from = "案号"', "不是日期列"),
    ("date in a list", WITH_CHECKS.replace('"送达日期"]', '"送达时间"]'), 'columns = ["立案日期"', "“送达时间”不是案卷目录的列"),
    ("suggests no code", WITH_CHECKS.replace('suggests = "A1b"', 'suggests = "A9z"'), 'suggests = "A9z"', "“A9z”不是本标准的扣分情形或否决项编号"),
    ("suggests an item", WITH_CHECKS.replace('suggests = "A1b"', 'suggests = "A1"'), 'suggests = "A1"', "不是本标准的扣分情形或否决项编号"),
    ("bad regex", WITH_CHECKS.replace("regex = '.+〔\\d{4}〕[1-9]\\d*号'", "regex = '([0-9'"), "regex = '([0-9'", "无法编译"),
    ("duplicate code", WITH_CHECKS.replace('code = "P2"', 'code = "A1"'), 'code = "A1"\nrule', "编号“A1”重复"),
    ("bad procedure", WITH_CHECKS.replace('procedure = "普通程序"', 'procedure = "一般程序"'), 'procedure = "一般程序"', "“procedure”应为"),
    ("days as text", WITH_CHECKS.replace("max_days = 7", 'max_days = "七"'), 'max_days = "七"', "应为整数"),
    ("negative yuan", WITH_CHECKS.replace("person = 200", "person = -1"), "person = -1", "不能为负数"),
    ("min zero", WITH_CHECKS.replace("min = 2\n", "min = 0\n"), "min = 0\nsuggests", "至少为 1"),
]


@pytest.mark.parametrize("name, text, at, phrase", BAD, ids=[b[0] for b in BAD])
def test_a_bad_check_is_reported_at_its_line(tmp_path, name, text, at, phrase):
    issues = issues_for(tmp_path, text)
    matching = [issue for issue in issues if phrase in issue]
    assert matching, f"{phrase!r} not in {issues}"
    assert matching[0].startswith(f"{tmp_path / 'bad.toml'}:{line_of(text, at)}: "), matching[0]
    assert len(issues) == 1, issues


def test_checks_load_and_round_trip_through_the_toml_writer():
    rubric = parse_rubric_text(WITH_CHECKS, "mini.toml")
    assert [c.code for c in rubric.checks] == ["P1", "P2", "P3", "P4", "P5"]
    assert rubric.check_by_code["P3"].param("regex") == ".+〔\\d{4}〕[1-9]\\d*号"
    assert rubric.check_by_code["P5"].param("columns") == ("立案日期", "决定日期", "送达日期")
    assert rubric.check_by_code["P4"].procedure == "简易程序"
    assert parse_rubric_text(rubric_to_toml(rubric), "again.toml") == rubric


def test_shipped_2024_2_is_2024_1_plus_checks():
    old = load_rubric_file(REPO / "scoring_rules" / "xiqu-xzcf-2024.1.toml")
    new = load_rubric_file(REPO / "scoring_rules" / "xiqu-xzcf-2024.2.toml")
    assert new.replaces == "2024.1" and new.categories == old.categories and new.vetoes == old.vetoes
    suggested = {c.code: c.suggests for c in new.checks}
    assert suggested["P1"] == "D10a" and suggested["P2"] == "D12b" and suggested["P3"] == "V3"
    diff = diff_rubrics(old, new).to_json()
    assert [c["code"] for c in diff["checks"]["added"]] == [c.code for c in new.checks]
    assert diff["items"] == {"added": [], "removed": [], "repointed": [], "reworded": [], "other": []}
    note = render_diff(diff_rubrics(old, new), old, new)
    assert "预检" in note and "新增 P1（days_between，建议 D10a，仅普通程序）" in note


def test_diff_lists_checks_changed_and_removed():
    old = parse_rubric_text(WITH_CHECKS, "old.toml")
    new = parse_rubric_text(
        WITH_CHECKS.replace("max_days = 7", "max_days = 10").replace('version = "1.0"', 'version = "1.1"')
        .split("[[check]]\ncode = \"P5\"")[0], "new.toml")
    diff = diff_rubrics(old, new)
    assert [(c.code, c.field, c.old, c.new) for c in diff.checks_changed] == [("P1", "max_days", 7, 10)]
    assert [c["code"] for c in diff.checks_removed] == ["P5"]
    note = render_diff(diff, old, new)
    assert "P1 max_days：7 → 10" in note and "删除 P5（date_order）日期顺序不符" in note


def test_the_pre_check_sheet_round_trips_and_names_its_rows(tmp_path):
    rubric = parse_rubric_text(WITH_CHECKS, "mini.toml")
    path = tmp_path / "mini.xlsx"
    write_rubric_xlsx(rubric, path)
    again = load_rubric_file(path)
    assert again.checks == rubric.checks and again == rubric
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["预检"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(3, header.index("suggests") + 1, "Z9")
    sheet.cell(4, header.index("regex") + 1, "([")
    sheet.cell(6, header.index("columns") + 1, "立案日期、决定时间")
    workbook.save(path)
    with pytest.raises(RubricError) as caught:
        load_rubric_file(path)
    issues = [str(i) for i in caught.value.issues]
    assert issues == [
        f"{path}:预检!3: 预检P2的 suggests“Z9”不是本标准的扣分情形或否决项编号",
        f"{path}:预检!4: 正则表达式“([”无法编译（第 2 个字符处有误），请检查括号、方括号和转义",
        f"{path}:预检!6: “columns”的“决定时间”不是案卷目录的列（可用的列：立案日期、决定日期、送达日期、结案日期）",
    ]


def test_rubric_show_toml_keeps_the_checks(capsys):
    from pingcha.cli import main

    status = main(["rubric", "show", str(REPO / "scoring_rules" / "xiqu-xzcf-2024.2.toml"), "--toml"])
    out = capsys.readouterr().out
    assert status == 0 and out.count("[[check]]") == 12
    assert parse_rubric_text(out, "shown.toml") == load_rubric_file(REPO / "scoring_rules" / "xiqu-xzcf-2024.2.toml")


# -- any valid checks survive the TOML writer and the spreadsheet form -------------------------------------
BASE = parse_rubric_text(MINI_TOML, "mini.toml")
words = st.text(alphabet="预检提示日期执法人员案号〔〕（）“”\\\"'#=ab 1", min_size=1, max_size=20).map(str.strip).filter(bool)
yuan = st.decimals(min_value=0, max_value=10**7, places=1, allow_nan=False).map(lambda d: d.normalize() + 0)
date_columns = st.lists(st.sampled_from(DATE_COLUMNS), min_size=2, max_size=4, unique=True).map(tuple)
PARAMS = {
    "days_between": st.tuples(st.sampled_from(DATE_COLUMNS), st.sampled_from(DATE_COLUMNS), st.integers(0, 400)).map(
        lambda t: (("from", t[0]), ("to", t[1]), ("max_days", t[2]))),
    "date_order": date_columns.map(lambda c: (("columns", c),)),
    "required": st.lists(st.sampled_from(REGISTER_COLUMNS), min_size=1, max_size=3, unique=True).map(
        lambda c: (("columns", tuple(c)),)),
    "min_count": st.tuples(st.sampled_from(REGISTER_COLUMNS), st.integers(1, 5)).map(
        lambda t: (("column", t[0]), ("min", t[1]))),
    "pattern": st.tuples(st.sampled_from(REGISTER_COLUMNS), st.sampled_from([r".+〔\d{4}〕[1-9]\d*号", "[A-Z]+-\\d+", "=.*'\"x"])).map(
        lambda t: (("column", t[0]), ("regex", t[1]))),
    "fine_at_least": st.tuples(yuan, yuan).map(lambda t: (("person", t[0]), ("unit", t[1]))),
    "fine_above": st.tuples(yuan, yuan).map(lambda t: (("person", t[0]), ("unit", t[1]))),
}


@st.composite
def checks(draw):
    count = draw(st.integers(1, 5))
    result = []
    for index in range(count):
        rule = draw(st.sampled_from(sorted(PARAMS)))
        result.append(Check(f"P{index + 1}", rule, draw(st.sampled_from(["A1a", "B2b", "V1", "V2"])), draw(words),
                            draw(PARAMS[rule]), draw(st.sampled_from([None, "普通程序", "简易程序"]))))
    return tuple(result)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(checks())
def test_any_checks_round_trip_through_toml_and_the_spreadsheet(found):
    rubric = dataclasses.replace(BASE, checks=found)
    text = rubric_to_toml(rubric)
    assert parse_rubric_text(text, "again.toml").checks == found
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.xlsx"
        write_rubric_xlsx(rubric, path)
        assert load_rubric_file(path).checks == found
    assert all(isinstance(v, Decimal) for c in found for k, v in c.params if k in ("person", "unit"))
