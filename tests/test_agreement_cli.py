"""``pingcha agreement`` (§9) on an activity run from the command line, with a planted harsh evaluator."""

from __future__ import annotations

import json

import pytest

from tests.helpers import Cli, prepared


@pytest.fixture
def cli(tmp_path, capsys) -> Cli:
    return Cli(tmp_path / "p.db", capsys)


def assignments(cli: Cli, activity: str) -> dict[str, list[str]]:
    return {f["case_no"]: f["evaluators"] for f in cli.json("results", activity, "--json")["files"]}


def submit(cli: Cli, activity: str, tmp_path, sheets: list[dict], name: str = "sheets.json") -> None:
    path = tmp_path / name
    path.write_text(json.dumps(sheets, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", activity, path, "--submit", "--allow-undecided")


def test_a_planted_harsh_evaluator_is_found_and_the_figures_are_rounded(cli, tmp_path):
    activity = prepared(cli)
    teams = assignments(cli, activity)
    harsh = max({n for team in teams.values() for n in team},
                key=lambda n: (sum(n in t for t in teams.values()), n))
    sheets = []
    for index, (case_no, team) in enumerate(sorted(teams.items())):
        for name in team:
            # Everyone finds one 当事人 defect on every other file; the harsh one also takes 8 points more.
            found = {"B1b": 1} if index % 2 else {}
            if name == harsh:
                found = {**found, "A1a": 1, "D12a": 1}
            sheets.append({"case_no": case_no, "evaluator": name, "deductions": found})
    submit(cli, activity, tmp_path, sheets)

    result = cli.json("agreement", activity, "--json")
    double = len(teams)
    assert (result["activity"], result["files"], result["sheets"]) == (activity, double, 2 * double)
    first = result["evaluators"][0]
    harsh_files = sum(harsh in t for t in teams.values())
    assert first == {"name": harsh, "sheets": harsh_files, "offset": -8.0, "low": -8.0, "high": -8.0, "flag": "偏严"}
    items = {i["code"]: i for i in result["items"]}
    assert items["A1"]["disagreement"] == round(harsh_files / double, 3)
    assert items["D12"]["files"] == double
    assert items["B1"]["disagreement"] == 0.0 and items["B2"]["disagreement"] == 0.0
    assert isinstance(result["alpha_score"], float) and result["alpha_vetoes"] is None

    text = cli.ok("agreement", activity)
    assert f"{double} 件案卷" in text and harsh in text and "偏严" in text and "−8.0" in text
    assert "否决项一致性 α（Krippendorff，名义）：无法计算（所有评查表的否决项认定都相同" in text
    assert "nan" not in text.lower()
    # Raising the mark above 8 points lifts the flag.
    assert cli.json("agreement", activity, "--json", "--flag-at", "8.5")["evaluators"][0]["flag"] is None


def test_review_sheets_and_drafts_are_left_out(cli, tmp_path):
    activity = prepared(cli)
    (case_a, team_a), (case_b, team_b), (case_c, team_c) = sorted(assignments(cli, activity).items())[:3]
    submit(cli, activity, tmp_path, [
        {"case_no": case_a, "evaluator": team_a[0], "deductions": {}},
        {"case_no": case_a, "evaluator": team_a[1], "deductions": {"D12a": 1, "A1a": 1}, "veto": ["V13"]},
        {"case_no": case_b, "evaluator": team_b[0], "deductions": {"B1a": 1}},
        {"case_no": case_b, "evaluator": team_b[1], "deductions": {}},
    ])
    draft = tmp_path / "draft.json"
    draft.write_text(json.dumps({"case_no": case_c, "evaluator": team_c[0], "deductions": {"A1a": 1}},
                                ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", activity, draft)
    before = cli.json("agreement", activity, "--json")
    settled = tmp_path / "settled.json"
    settled.write_text(json.dumps({"deductions": {"D12a": 1}, "comment": "经集体评议认定"}, ensure_ascii=False), encoding="utf-8")
    cli.ok("review", activity, case_a, "--sheet", settled, user="皇甫婷")
    after = cli.json("agreement", activity, "--json")
    assert before == after
    assert (after["files"], after["sheets"]) == (2, 4)
    # 100 vs 92 and 98 vs 100; vetoes {} / {V13} on one file, {} / {} on the other.
    assert after["alpha_vetoes"] == 0.0


def test_too_few_double_scored_files_are_explained_in_chinese(cli, tmp_path):
    activity = prepared(cli)
    assert "还没有由两名以上评查人员都提交了评查表的案卷" in cli.ok("agreement", activity)
    empty = cli.json("agreement", activity, "--json")
    assert (empty["files"], empty["alpha_score"], empty["alpha_vetoes"], empty["evaluators"]) == (0, None, None, [])
    assert all(i["disagreement"] is None for i in empty["items"])

    case_no, team = next(iter(sorted(assignments(cli, activity).items())))
    submit(cli, activity, tmp_path, [
        {"case_no": case_no, "evaluator": team[0], "deductions": {}},
        {"case_no": case_no, "evaluator": team[1], "deductions": {"A1a": 1}},
    ])
    one = cli.json("agreement", activity, "--json")
    assert (one["files"], one["alpha_score"]) == (1, None)
    text = cli.ok("agreement", activity)
    assert "无法计算（至少需要 2 件由两名以上评查人员提交了评查表的案卷）" in text
    assert "—（仅 1 张）" in text and "nan" not in text.lower()


def test_bad_flag_mark_and_unknown_activity(cli):
    activity = prepared(cli)
    status, out, err = cli("agreement", activity, "--flag-at", "三分")
    assert (status, out) == (1, "") and "偏严/偏宽的标记线“三分”不是数字" in err and "Traceback" not in err
    status, _, err = cli("agreement", "没有这个活动")
    assert status == 1 and "没有找到评查活动" in err
