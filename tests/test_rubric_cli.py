"""`pingcha rubric …` as a user runs it: check, score, show, diff."""

from __future__ import annotations

import json

import pytest

from pingcha.cli import main
from pingcha.rubric import load_rubric_file, parse_rubric_text
from tests.conftest import MINI_TOML
from tests.helpers import REPO

RULES = REPO / "scoring_rules"


def run(capsys, *args) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_shipped_rubrics_pass_check(capsys):
    files = sorted(RULES.glob("*.toml")) + sorted(RULES.glob("*.xlsx"))
    status, out, _ = run(capsys, "rubric", "check", *files)
    assert status == 0 and out.count("通过") == len(files) >= 5
    assert "xiqu-xzcf-2024.2.toml: 通过" in out and "12 项预检" in out


def test_shipped_2024_standard_is_a_real_standard():
    rubric = load_rubric_file(RULES / "xiqu-xzcf-2024.1.toml")
    assert [c.title for c in rubric.categories][:7] == ["执法主体", "事实与证据", "法律适用", "执法程序", "裁量", "文书制作", "立卷归档"]
    assert len(rubric.items) >= 40 and all(item.guide for item in rubric.items)
    assert len(rubric.vetoes) >= 8 and any(v.effect == "cap" for v in rubric.vetoes)
    assert [(g.name, g.min) for g in rubric.grades] == [("优秀", 90), ("合格", 60), ("不合格", 0)]
    assert 0 < sum(item.na_allowed for item in rubric.items) <= 10
    assert rubric.replaces == "2021.1"


def test_check_reports_every_file_and_fails(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(MINI_TOML.replace("total = 20", "total = 30"), encoding="utf-8")
    status, out, _ = run(capsys, "rubric", "check", RULES / "xiqu-xzcf-2024.1.toml", bad)
    assert status == 1
    assert f"{bad}:7: 各评查项目分值合计 20，与总分 total = 30 不符（少 10 分）" in out
    assert "1 个未通过检查" in out


def test_score_prints_the_result_json(capsys, tmp_path):
    sheet = tmp_path / "s.json"
    sheet.write_text(json.dumps({"deductions": {"A1a": 2}, "na": ["B1"], "veto": ["V2"]}), encoding="utf-8")
    mini = tmp_path / "mini.toml"
    mini.write_text(MINI_TOML, encoding="utf-8")
    status, out, _ = run(capsys, "rubric", "score", mini, sheet)
    data = json.loads(out)
    assert status == 0
    assert (data["score"], data["grade"], data["raw"], data["applicable"], data["vetoes"]) == (17.1, "合格", 12.0, 14.0, ["V2"])
    assert {i["code"]: i["na"] for i in data["items"]} == {"A1": False, "B1": True, "B2": False}


def test_score_reads_codes_whatever_their_case_or_width(capsys, tmp_path):
    mini = tmp_path / "mini.toml"
    mini.write_text(MINI_TOML, encoding="utf-8")
    sheet = tmp_path / "s.json"
    sheet.write_text(json.dumps({"deductions": {"ａ１Ａ": 1, "a1a": 1}, "na": ["b1"], "veto": ["ｖ2"]}), encoding="utf-8")
    status, out, _ = run(capsys, "rubric", "score", mini, sheet)
    assert status == 0
    data = json.loads(out)
    assert (data["raw"], data["vetoes"]) == (12.0, ["V2"]) and data["items"][1]["na"] is True
    sheet.write_text(json.dumps({"deductions": {"B99a": 1}}), encoding="utf-8")
    status, _, err = run(capsys, "rubric", "score", mini, sheet)
    assert status == 1 and "未知的扣分情形编号“B99a”" in err


def test_score_accepts_a_gbk_sheet_and_rejects_bad_ones(capsys, tmp_path):
    mini = tmp_path / "mini.toml"
    mini.write_text(MINI_TOML, encoding="utf-8")
    sheet = tmp_path / "gbk.json"
    sheet.write_bytes(json.dumps({"evaluator": "司马某某", "deductions": {"B2a": 1}}, ensure_ascii=False).encode("gbk"))
    status, out, _ = run(capsys, "rubric", "score", mini, sheet)
    assert status == 0 and json.loads(out)["score"] == 15.0
    broken = tmp_path / "broken.json"
    broken.write_text('{"deductions": {"A1a": 9}}', encoding="utf-8")
    status, _, err = run(capsys, "rubric", "score", mini, broken)
    assert status == 1 and "A1a 最多计 4 次" in err and "Traceback" not in err
    broken.write_text('{"deductions": ', encoding="utf-8")
    status, _, err = run(capsys, "rubric", "score", mini, broken)
    assert status == 1 and "JSON 格式错误" in err


def test_show_toml_round_trips(capsys):
    status, out, _ = run(capsys, "rubric", "show", RULES / "xiqu-xzcf-2024.1.toml", "--toml")
    assert status == 0
    assert parse_rubric_text(out, "shown.toml") == load_rubric_file(RULES / "xiqu-xzcf-2024.1.toml")


def test_diff_reads_like_a_revision_note(capsys):
    status, out, _ = run(capsys, "rubric", "diff", RULES / "xiqu-xzcf-2021.1.toml", RULES / "xiqu-xzcf-2024.1.toml")
    assert status == 0
    for phrase in ("新增评查项目（4 项）", "删除评查项目（3 项）", "分值调整（5 项）", "“优秀”最低分：85 → 90", "新增 V14"):
        assert phrase in out
    # inside a long 评查要点 the changed words are marked, not left to be found by eye
    assert "新：依照行政处罚法第六十六条、第六十七【条、第七十四】条，罚款决定" in out
    status, out, _ = run(capsys, "rubric", "diff", RULES / "xiqu-xzcf-2021.1.toml", RULES / "xiqu-xzcf-2024.1.toml", "--json")
    data = json.loads(out)
    assert {i["code"] for i in data["items"]["added"]} == {"D3", "E4", "E5", "F2"}
    assert {i["code"] for i in data["items"]["removed"]} == {"B10", "D16", "G7"}
    assert {c["code"] for c in data["items"]["repointed"]} == {"B2", "B9", "D5", "E1", "E3"}
    assert data["grades"]["changed"] == [{"code": "优秀", "title": "", "field": "最低分", "old": 85, "new": 90}]


def test_identical_versions_have_no_differences(capsys):
    path = RULES / "xiqu-xzcf-2024.1.toml"
    status, out, _ = run(capsys, "rubric", "diff", path, path)
    assert status == 0 and "两个版本内容完全相同" in out


def test_usage_errors_exit_2_in_chinese(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["rubric", "score", "only-one-argument"])
    assert caught.value.code == 2
    assert "缺少必需的参数" in capsys.readouterr().err


def test_missing_rubric_reference(capsys, tmp_path):
    status, _, err = run(capsys, "--db", tmp_path / "x.db", "rubric", "show", "nope@9")
    assert status == 1 and "没有找到评分标准 nope@9" in err
