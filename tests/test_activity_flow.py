"""Running a whole activity from the command line, as the organiser and the evaluators do."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from pingcha.errors import UserError
from pingcha.rubric import load_rubric_file
from pingcha.scoring import Sheet, combine, score_sheet
from tests.helpers import RUBRIC, Cli, prepared


@pytest.fixture
def cli(tmp_path, capsys) -> Cli:
    return Cli(tmp_path / "p.db", capsys)


def assignments(cli: Cli, activity: str) -> dict[str, list[str]]:
    files = cli.json("results", activity, "--json")["files"]
    return {f["case_no"]: f["evaluators"] for f in files}


def test_whole_activity_from_register_to_final_results(cli, tmp_path):
    activity = prepared(cli)
    rubric = load_rubric_file(RUBRIC)
    results = cli.json("results", activity, "--json")
    assert results["activity"] == activity
    assert all(f["status"] == "pending" and f["score"] is None and len(f["evaluators"]) == 2 for f in results["files"])

    case_no, (first, second) = next(iter(assignments(cli, activity).items()))
    sheet_a = {"case_no": case_no, "evaluator": first, "deductions": {"A1a": 1, "F1a": 2}, "notes": {"A1a": "第3页询问笔录"}}
    sheet_b = {"case_no": case_no, "evaluator": second, "deductions": {"A1a": 1}}
    (tmp_path / "a.json").write_text(json.dumps(sheet_a, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(sheet_b, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", activity, tmp_path / "a.json", "--submit", "--allow-undecided")
    pending = next(f for f in cli.json("results", activity, "--json")["files"] if f["case_no"] == case_no)
    assert pending["status"] == "pending"
    cli.ok("sheets", "import", activity, tmp_path / "b.json")
    cli.ok("sheets", "submit", activity, "--evaluator", second, case_no)

    final = next(f for f in cli.json("results", activity, "--json")["files"] if f["case_no"] == case_no)
    expected = combine(rubric, [score_sheet(rubric, Sheet(deductions=sheet_a["deductions"])),
                                score_sheet(rubric, Sheet(deductions=sheet_b["deductions"]))])
    assert final["status"] == "final"
    assert Decimal(str(final["score"])) == expected.score and final["grade"] == expected.grade

    agency = next(a for a in cli.json("results", activity, "--json")["agencies"] if a["agency"] == final["agency"])
    assert agency["mean"] == final["score"] and agency["files"] >= 1

    history = cli.ok("audit", activity, case_no)
    assert f"{first}：从 a.json 导入" in history and "提交评查表" in history
    assert "得分" in cli.ok("results", activity)


def test_disagreeing_sheets_need_review_and_only_a_leader_settles(cli, tmp_path):
    activity = prepared(cli)
    case_no, (first, second) = next(iter(assignments(cli, activity).items()))
    sheets = [
        {"case_no": case_no, "evaluator": first, "deductions": {}},
        {"case_no": case_no, "evaluator": second, "deductions": {"D12a": 1, "B1a": 1}, "veto": ["V13"]},
    ]
    (tmp_path / "both.json").write_text(json.dumps(sheets, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", activity, tmp_path / "both.json", "--submit", "--allow-undecided")
    listing = cli.ok("review", activity)
    assert case_no in listing and "否决项认定不一致" in listing and "分差" in listing
    settled = {"deductions": {"D12a": 1}, "comment": "集体评议后认定"}
    (tmp_path / "settled.json").write_text(json.dumps(settled, ensure_ascii=False), encoding="utf-8")

    status, _, err = cli("review", activity, case_no, "--sheet", tmp_path / "settled.json", user=first)
    assert status == 1 and "只有组长" in err
    cli.ok("review", activity, case_no, "--sheet", tmp_path / "settled.json", user="皇甫婷")
    final = next(f for f in cli.json("results", activity, "--json")["files"] if f["case_no"] == case_no)
    assert (final["status"], final["score"]) == ("final", 95.0)
    assert "没有需要复核的案卷" in cli.ok("review", activity)
    assert "组长皇甫婷：最终得分 95.0" in cli.ok("audit", activity, case_no)


def test_submitted_sheet_cannot_change_and_unassigned_sheet_is_refused(cli, tmp_path):
    activity = prepared(cli)
    plan = assignments(cli, activity)
    case_no, (first, _) = next(iter(plan.items()))
    cli.ok("sheets", "submit", activity, "--evaluator", first, case_no)
    (tmp_path / "again.json").write_text(json.dumps({"case_no": case_no, "evaluator": first, "deductions": {"A1a": 1}}), encoding="utf-8")
    status, _, err = cli("sheets", "import", activity, tmp_path / "again.json")
    assert status == 1 and "已提交" in err
    stranger = next(name for name in ("皇甫婷", "高建军", "林静", "东方明") if name not in plan[case_no])
    (tmp_path / "stranger.json").write_text(json.dumps({"case_no": case_no, "evaluator": stranger}), encoding="utf-8")
    status, _, err = cli("sheets", "import", activity, tmp_path / "stranger.json")
    assert status == 1 and "没有分配给" in err


def test_import_file_is_all_or_nothing(cli, tmp_path):
    activity = prepared(cli)
    (case_a, (ev_a, _)), (case_b, (ev_b, _)) = list(assignments(cli, activity).items())[:2]
    mixed = [{"case_no": case_a, "evaluator": ev_a, "deductions": {"A1a": 1}},
             {"case_no": case_b, "evaluator": ev_b, "deductions": {"ZZ9": 1}}]
    (tmp_path / "mixed.json").write_text(json.dumps(mixed, ensure_ascii=False), encoding="utf-8")
    status, _, err = cli("sheets", "import", activity, tmp_path / "mixed.json")
    assert status == 1 and "ZZ9" in err
    exported = cli.ok("sheets", "export", activity, "--evaluator", ev_a, "--out", tmp_path / "out.json")
    assert "已导出" in exported
    mine = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert all(s["deductions"] == {} for s in mine) and case_a in {s["case_no"] for s in mine}


def test_draw_is_reproducible_and_assignment_respects_avoidance(tmp_path, capsys):
    draws = []
    for name in ("one", "two"):
        cli = Cli(tmp_path / f"{name}.db", capsys)
        prepared(cli, per_agency=4)
        draws.append(assignments(cli, "测试活动"))
    assert draws[0] == draws[1]
    agencies = {f["case_no"]: f["agency"] for f in cli.json("results", "测试活动", "--json")["files"]}
    units = {}
    import csv

    from tests.helpers import ROSTER
    with open(ROSTER, encoding="utf-8") as handle:
        units = {row["姓名"]: row["单位"] for row in csv.DictReader(handle)}
    loads: dict[str, int] = {}
    for case_no, team in draws[0].items():
        assert all(units[name] != agencies[case_no] for name in team)
        for name in team:
            loads[name] = loads.get(name, 0) + 1
    assert max(loads.values()) - min(loads.values()) <= 1


def test_redraw_after_scoring_needs_force_and_is_audited(cli, tmp_path):
    activity = prepared(cli)
    case_no, (first, _) = next(iter(assignments(cli, activity).items()))
    cli.ok("sheets", "submit", activity, "--evaluator", first, case_no)
    status, _, err = cli("sample", activity, "--seed", "8", "--total", "10")
    assert status == 1 and "--force" in err
    cli.ok("sample", activity, "--seed", "8", "--total", "10", "--force")
    assert "重新抽取案卷（强制）" in cli.ok("audit", activity)
    assert len(cli.json("results", activity, "--json")["files"]) == 10


def test_draw_more_than_exist_is_refused(cli):
    activity = prepared(cli)
    status, _, err = cli("sample", activity, "--seed", "1", "--total", "999", "--force")
    assert status == 1 and "只有 65 件" in err


def test_impossible_assignment_names_the_agency(cli, tmp_path):
    cli.ok("activity", "create", "小活动", "--rubric", RUBRIC, "--per-file", "2")
    register = tmp_path / "r.csv"
    register.write_text("案号,执法部门,案由,当事人\nA〔2024〕1号,区市场监管局,虚假宣传,张三\n", encoding="utf-8")
    roster = tmp_path / "e.csv"
    roster.write_text("姓名,单位\n甲,区市场监管局\n乙,区司法局\n", encoding="utf-8")
    cli.ok("cases", "import", "小活动", register)
    cli.ok("evaluators", "import", "小活动", roster)
    cli.ok("sample", "小活动", "--seed", "1", "--total", "1")
    status, _, err = cli("assign", "小活动", "--seed", "1")
    assert status == 1 and "区市场监管局" in err and "只有 1 名" in err


def test_unknown_activity_and_usage_errors(cli):
    status, _, err = cli("results", "不存在的活动")
    assert status == 1 and "没有找到评查活动" in err
    with pytest.raises(SystemExit) as caught:
        cli("sample")
    assert caught.value.code == 2


def test_each_change_returns_what_the_database_then_holds(cli):
    from pingcha.services import sheets
    from pingcha.store import open_store

    activity = prepared(cli)
    store = open_store(str(cli.db))
    case_no, (first, _) = next(iter(assignments(cli, activity).items()))
    ref = sheets.sheet_ref(store, activity, first, case_no)
    steps = [
        dict(code="A2a", count=2), dict(code="A2a", note="第3页"), dict(code="D7", marked=True),
        dict(code="V13", marked=True), dict(code="D7", note="未举行听证"), dict(code="A2a", count=0),
        dict(code="V13", marked=False), dict(comment="总体较好"), dict(code="A2a", note=""),
    ]
    for step in steps:
        state = sheets.change_sheet(store, ref, first, **step)
        assert state.sheet == sheets.read_sheet(store, ref).sheet
    assert state.sheet.na == {"D7"} and state.sheet.notes == {"D7": "未举行听证"} and state.sheet.comment == "总体较好"
    with pytest.raises(UserError, match="不允许标记为不适用"):
        sheets.change_sheet(store, ref, first, code="A1", marked=True)
    with pytest.raises(UserError, match="次数应在 0 到"):
        sheets.change_sheet(store, ref, first, code="A2a", count=99)


def test_a_draft_review_is_saved_change_by_change_and_settles_on_confirmation(cli, tmp_path):
    from pingcha.services import review, sheets
    from pingcha.store import open_store

    activity = prepared(cli)
    case_no, (first, second) = next(iter(assignments(cli, activity).items()))
    both = [{"case_no": case_no, "evaluator": first, "deductions": {"D12a": 1}},
            {"case_no": case_no, "evaluator": second, "deductions": {"D12a": 1, "B1a": 1, "C2a": 1, "A2a": 3}}]
    (tmp_path / "both.json").write_text(json.dumps(both, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", activity, tmp_path / "both.json", "--submit", "--allow-undecided")
    store = open_store(str(cli.db))
    with pytest.raises(UserError, match="只有组长"):
        review.open_review(store, activity, case_no, first)
    state = review.open_review(store, activity, case_no, "皇甫婷", start=sheets.read_sheet(
        store, sheets.sheet_ref(store, activity, second, case_no)).sheet)
    assert state.sheet.deductions == {"D12a": 1, "B1a": 1, "C2a": 1, "A2a": 3}
    sheets.change_sheet(store, state.ref, "皇甫婷", code="C2a", count=0)
    # a draft is not a result yet, and a fresh session (another window, a crash) finds it as left
    assert next(f for f in cli.json("results", activity, "--json")["files"] if f["case_no"] == case_no)["status"] == "needs_review"
    again = review.open_review(store, activity, case_no, "皇甫婷")
    assert again.sheet.deductions == {"D12a": 1, "B1a": 1, "A2a": 3}
    with pytest.raises(UserError, match="集体评议意见"):
        review.confirm_review(store, again.ref, "皇甫婷")
    sheets.change_sheet(store, again.ref, "皇甫婷", comment="经集体评议，C2a 不予扣分")
    result = review.confirm_review(store, again.ref, "皇甫婷")
    final = next(f for f in cli.json("results", activity, "--json")["files"] if f["case_no"] == case_no)
    assert (final["status"], final["score"], final["reconciled"]) == ("final", float(result.score), True)
    sheets.change_sheet(store, again.ref, "皇甫婷", code="B1a", count=0)  # reopening a settled 复核
    reopened = next(f for f in cli.json("results", activity, "--json")["files"] if f["case_no"] == case_no)
    assert reopened["status"] == "needs_review"


def test_a_file_that_is_not_a_database_and_an_unreachable_server(tmp_path, capsys):
    (tmp_path / "notes.db").write_text("这不是数据库", encoding="utf-8")
    status, _, err = Cli(tmp_path / "notes.db", capsys)("results", "1")
    assert status == 1 and "不是 pingcha 的数据库" in err and "Traceback" not in err
    status, _, err = Cli("postgresql+psycopg://nobody@127.0.0.1:9/none", capsys)("results", "1")
    assert status == 1 and "无法连接数据库" in err
    status, _, err = Cli(tmp_path, capsys)("results", "1")
    assert status == 1 and "文件夹" in err


def test_global_options_may_follow_the_command(cli, tmp_path):
    activity = prepared(cli)
    case_no, (first, second) = next(iter(assignments(cli, activity).items()))
    both = [{"case_no": case_no, "evaluator": first}, {"case_no": case_no, "evaluator": second, "veto": ["V1"]}]
    (tmp_path / "both.json").write_text(json.dumps(both, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", activity, tmp_path / "both.json", "--submit", "--allow-undecided")
    (tmp_path / "other.json").write_text(json.dumps({"case_no": "别的案号"}, ensure_ascii=False), encoding="utf-8")
    status, _, err = cli("review", activity, case_no, "--sheet", tmp_path / "other.json", "--as", "皇甫婷")
    assert status == 1 and "不一致" in err
    (tmp_path / "settled.json").write_text(json.dumps({"case_no": case_no}, ensure_ascii=False), encoding="utf-8")
    status, _, err = cli("review", activity, case_no, "--sheet", tmp_path / "settled.json", "--as", "皇甫婷")
    assert status == 1 and "集体评议意见" in err  # the 组长 gives the reason, which the 评查表 prints
    (tmp_path / "settled.json").write_text(json.dumps({"case_no": case_no, "comment": "经集体评议不认定否决项"},
                                                      ensure_ascii=False), encoding="utf-8")
    cli.ok("review", activity, case_no, "--sheet", tmp_path / "settled.json", "--as", "皇甫婷")
    assert "组长皇甫婷" in cli.ok("audit", activity, case_no, "--db", cli.db)


def test_extra_register_columns_are_kept(cli):
    activity = prepared(cli)
    files = cli.json("results", activity, "--json")["files"]
    assert all("备注" in f["extra"] for f in files)
