"""Malformed rubric files: every breach reported as FILE:LINE: 中文说明, all at once, and nothing loaded."""

from __future__ import annotations

import pytest

from pingcha.rubric import RubricError, load_rubric_file
from tests.conftest import MINI_TOML


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return text.count("\n", 0, start) + 1


def issues_for(tmp_path, text: str, encoding: str = "utf-8") -> list[str]:
    path = tmp_path / "bad.toml"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(RubricError) as caught:
        load_rubric_file(path)
    return [str(issue) for issue in caught.value.issues]


def test_valid_mini_rubric_loads(mini_file):
    rubric = load_rubric_file(mini_file)
    assert rubric.key == "mini@1.0" and len(rubric.items) == 3 and rubric.total == 20


# Each case: (what is broken, the TOML text, the text whose line must be named, a phrase of the message)
CASES = [
    ("toml syntax", MINI_TOML.replace('code = "A1"\n', 'code = "A1\n'), 'code = "A1', "TOML 语法错误"),
    ("missing [rubric]", MINI_TOML.split("[[grades]]", 1)[1].join(["[[grades]]", ""]), None, "缺少 [rubric]"),
    ("duplicate item code", MINI_TOML.replace('code = "B2"', 'code = "A1"'), 'code = "A1"\ntitle = "送达"', "编号“A1”重复"),
    ("codes equal but for width", MINI_TOML.replace('code = "B2"', 'code = "Ａ1"'), 'code = "Ａ1"', "“Ａ1”与“A1”（不分大小写和全角半角）重复"),
    ("codes equal but for case", MINI_TOML.replace('code = "B2b"', 'code = "b2A"'), '{ code = "b2A"', "“b2A”与“B2a”"),
    ("duplicate deduction code", MINI_TOML.replace('code = "B2b"', 'code = "B2a"'), '{ code = "B2a", text = "送达超期"', "编号“B2a”重复"),
    ("points not summing", MINI_TOML.replace("total = 20", "total = 25"), "total = 25", "合计 20，与总分 total = 25 不符"),
    ("deduction above item", MINI_TOML.replace('points = 4 },', 'points = 5 },'), 'text = "执法人员少于2人"', "大于所属项目A1的分值 4"),
    ("not a multiple of 0.5", MINI_TOML.replace("points = 2.5", "points = 2.4"), "points = 2.4", "不是 0.5 的整数倍"),
    ("negative item points", MINI_TOML.replace("title = \"听证\"\npoints = 6", "title = \"听证\"\npoints = -6"), "points = -6", "必须大于 0"),
    ("zero deduction points", MINI_TOML.replace('points = 0.5, max_times = 6', 'points = 0, max_times = 6'), "points = 0,", "必须大于 0"),
    ("grades out of order", MINI_TOML.replace("min = 12", "min = 19"), "min = 19", "严格递减"),
    ("no zero floor", MINI_TOML.replace('min = 0\n', 'min = 5\n'), "min = 5", "最低分应为 0"),
    ("cap names no grade", MINI_TOML.replace('cap = "合格"', 'cap = "良好"'), 'cap = "良好"', "“良好”不是已定义的等次"),
    ("unknown key (typo)", MINI_TOML.replace("title = \"送达\"\npoints = 10", "title = \"送达\"\npionts = 10"), "pionts", "未知的键“pionts”，是否应为“points”"),
    ("version as a number", MINI_TOML.replace('version = "1.0"', "version = 1.0"), "version = 1.0", "“version”应为字符串"),
    ("points as a string", MINI_TOML.replace("title = \"听证\"\npoints = 6", "title = \"听证\"\npoints = \"6\""), 'points = "6"', "应为数字"),
    ("na_allowed as a string", MINI_TOML.replace("na_allowed = true", 'na_allowed = "是"'), 'na_allowed = "是"', "true 或 false"),
    ("empty category", MINI_TOML + '\n[[category]]\ncode = "C"\ntitle = "裁量"\n', '[[category]]\ncode = "C"', "没有任何评查项目"),
    ("bad veto effect", MINI_TOML.replace('effect = "zero"', 'effect = "归零"'), 'effect = "归零"', "只能是 \"zero\""),
    ("max_times zero", MINI_TOML.replace("max_times = 4", "max_times = 0"), "max_times = 0", "至少为 1"),
    ("effective as text", MINI_TOML.replace("effective = 2024-01-01", 'effective = "2024年1月1日"'), "effective", "应为日期"),
    ("duplicate key", MINI_TOML.replace('title = "测试用评分标准"', 'title = "测试用评分标准"\ntitle = "又一个"'), 'title = "又一个"', "键重复定义"),
]


@pytest.mark.parametrize("name, text, at, phrase", CASES, ids=[c[0] for c in CASES])
def test_malformed_rubric_names_file_line_and_problem(tmp_path, name, text, at, phrase):
    issues = issues_for(tmp_path, text)
    matching = [issue for issue in issues if phrase in issue]
    assert matching, f"{phrase!r} not in {issues}"
    if at is not None:
        assert matching[0].startswith(f"{tmp_path / 'bad.toml'}:{line_of(text, at)}: "), matching[0]


def test_all_breaches_are_reported_together(tmp_path):
    text = MINI_TOML.replace("total = 20", "total = 21").replace('cap = "合格"', 'cap = "良好"').replace(
        "max_times = 4", "max_time = 4"
    )
    issues = issues_for(tmp_path, text)
    assert len(issues) == 3
    assert any("良好" in i for i in issues) and any("max_time" in i for i in issues) and any("total = 21" in i for i in issues)
    lines = [int(i.split(":")[1]) for i in issues]
    assert lines == sorted(lines)


def test_gbk_file_is_rejected_with_encoding_advice(tmp_path):
    issues = issues_for(tmp_path, MINI_TOML, encoding="gbk")
    assert len(issues) == 1 and "不是 UTF-8 编码" in issues[0] and "GBK" in issues[0]


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINI_TOML.encode("utf-8"))
    assert load_rubric_file(path).id == "mini"


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(RubricError, match="文件不存在"):
        load_rubric_file(tmp_path / "nope.toml")


def test_empty_grades_and_categories_are_errors(tmp_path):
    head = MINI_TOML.split("[[grades]]", 1)[0]
    issues = issues_for(tmp_path, head + "grades = []\ncategory = []\n")
    assert any("缺少等次" in i for i in issues) and any("没有任何类别" in i for i in issues)


def test_empty_replaces_means_none(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text(MINI_TOML.replace('total = 20', 'total = 20\nreplaces = ""'), encoding="utf-8")
    assert load_rubric_file(path).replaces is None
