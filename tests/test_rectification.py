"""整改 (§11) through the command line and the services: items made by the 通报, replies, 销号, 退回, overdue,
who may record them, and every bad input refused with a Chinese message, exit 1 and nothing written."""

from __future__ import annotations

import getpass
import json

import pytest

from pingcha.services import rectification as service
from pingcha.store import open_store
from pingcha.vocabulary import RectificationAction
from tests.helpers import Cli
from tests.rectify_setup import ACTIVITY, DEADLINE, EVALUATOR, ISSUE_DATE, LEADER, build, copy_db


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rectify-template")
    db = folder / "template.db"
    facts = build(db, folder)
    return db, facts


@pytest.fixture
def cli(template, tmp_path, capsys, monkeypatch) -> Cli:
    monkeypatch.setenv("PINGCHA_TODAY", "2025-02-01")
    monkeypatch.delenv("PINGCHA_PASSWORD", raising=False)
    monkeypatch.delenv("PINGCHA_USER", raising=False)
    return Cli(copy_db(template[0], tmp_path / "p.db"), capsys)


@pytest.fixture
def facts(template) -> dict:
    return template[1]


def issued(cli: Cli, tmp_path) -> str:
    return cli.ok("report", "bulletin", ACTIVITY, "--out", tmp_path / "通报.docx")


def items(cli: Cli) -> dict[str, dict]:
    return {i["case_no"]: i for i in cli.json("rectify", ACTIVITY, "--json")["items"]}


def refused(cli: Cli, *args, user: str | None = LEADER) -> str:
    before = cli.ok("audit", ACTIVITY)
    state = cli.ok("rectify", ACTIVITY, "--json") if "通报尚未印发" not in cli("rectify", ACTIVITY)[2] else None
    status, out, err = cli(*args, user=user)
    assert status == 1 and err.startswith("错误：") and "Traceback" not in err, (status, out, err)
    after = cli.ok("audit", ACTIVITY)
    assert after == before  # bad input: nothing written, not even to the audit log
    if state is not None:
        assert cli.ok("rectify", ACTIVITY, "--json") == state
    return err


def test_the_bulletin_makes_each_failing_file_an_item_due_after_deadline_days(cli, facts, tmp_path):
    out = issued(cli, tmp_path)
    assert f"新列入整改事项 2 件，整改期限至 {DEADLINE}" in out
    view = cli.json("rectify", ACTIVITY, "--json")
    assert set(view) == {"activity", "items"} and view["activity"] == ACTIVITY
    assert sorted(view["items"], key=lambda i: i["case_no"]) == [
        {"case_no": case_no, "agency": facts["agencies"][case_no], "status": "待整改", "deadline": DEADLINE,
         "overdue": False, "replied_on": None,
         "history": [{"action": "列入", "on": ISSUE_DATE, "by": getpass.getuser(),
                      "text": f"通报评为不合格，限{DEADLINE}前整改"}]}
        for case_no in sorted(facts["failing"])]
    # a second issue adds nothing: the files are items already
    assert "新列入整改事项 0 件" in issued(cli, tmp_path)
    assert len(items(cli)) == 2


def test_deadline_days_and_the_issue_date_setting_set_the_deadline(cli, facts, tmp_path):
    cli.ok("activity", "settings", ACTIVITY, "--set", "deadline_days=15", "--set", "issue_date=2025-01-20")
    issued(cli, tmp_path)
    assert {i["deadline"] for i in items(cli).values()} == {"2025-02-04"}


def test_reply_accept_and_reject_move_an_item_and_are_audited(cli, facts, tmp_path):
    issued(cli, tmp_path)
    first, second = facts["failing"]
    out = cli.ok("rectify", ACTIVITY, first, "--reply", "已重新作出处罚决定并组织学习", "--on", "2025-01-25", user=LEADER)
    assert "已反馈" in out
    assert (items(cli)[first]["status"], items(cli)[first]["replied_on"]) == ("已反馈", "2025-01-25")
    cli.ok("rectify", ACTIVITY, first, "--accept", user=LEADER)
    item = items(cli)[first]
    assert item["status"] == "已销号"
    assert [(h["action"], h["on"], h["by"]) for h in item["history"]] == [
        ("列入", ISSUE_DATE, getpass.getuser()), ("反馈", "2025-01-25", LEADER), ("销号", "2025-02-01", LEADER)]

    cli.ok("rectify", ACTIVITY, second, "--reply", "已整改", user=LEADER)
    cli.ok("rectify", ACTIVITY, second, "--reject", "未附整改后的文书", user=LEADER)
    item = items(cli)[second]
    assert item["status"] == "待整改" and item["replied_on"] == "2025-02-01"
    assert item["history"][-1] == {"action": "退回", "on": "2025-02-01", "by": LEADER, "text": "未附整改后的文书"}
    cli.ok("rectify", ACTIVITY, second, "--reply", "已补充整改后的文书", user=LEADER)
    assert items(cli)[second]["status"] == "已反馈"

    history = cli.ok("audit", ACTIVITY, second)
    assert "列入整改" in history and "录入整改反馈" in history and "退回整改" in history
    assert "状态 已反馈 → 待整改" in history and "未附整改后的文书" in history
    assert "哈希链完整" in cli.ok("check")


def test_overdue_is_a_passed_deadline_on_an_item_not_yet_closed(cli, facts, tmp_path, monkeypatch):
    issued(cli, tmp_path)
    first, second = facts["failing"]
    cli.ok("rectify", ACTIVITY, first, "--reply", "已整改", user=LEADER)
    cli.ok("rectify", ACTIVITY, first, "--accept", user=LEADER)
    monkeypatch.setenv("PINGCHA_TODAY", DEADLINE)  # the deadline day itself is still in time
    assert not any(i["overdue"] for i in items(cli).values())
    monkeypatch.setenv("PINGCHA_TODAY", "2025-02-10")
    view = cli.json("rectify", ACTIVITY, "--json")
    assert [(i["case_no"], i["overdue"]) for i in view["items"]] == [(second, True), (first, False)]
    table = cli.ok("rectify", ACTIVITY)
    assert "其中逾期 1 件" in table and "逾期 1 天" in table
    lines = [line for line in table.splitlines() if first in line or second in line]
    assert second in lines[0] and "逾期" in lines[0] and "逾期" not in lines[1]


def test_the_plain_table_is_in_chinese_with_the_dates(cli, facts, tmp_path):
    issued(cli, tmp_path)
    out = cli.ok("rectify", ACTIVITY)
    assert f"通报成文日期 {ISSUE_DATE}，整改期限至 {DEADLINE}" in out and "待整改 2 件" in out
    assert "案号" in out and "执法部门" in out and all(c in out for c in facts["failing"])


@pytest.mark.parametrize("args, expected", [
    (("--accept",), "还没有录入整改反馈，不能销号"),
    (("--reject", "没有附件"), "还没有录入整改反馈"),
    (("--reply", "  "), "整改反馈内容"),
    (("--reply", "已整改", "--on", "2025-01-01"), "早于通报的成文日期"),
    (("--reply", "已整改", "--on", "2025-03-01"), "晚于今天"),
    (("--reply", "已整改", "--on", "明天"), "应为日期"),
])
def test_bad_decisions_on_an_open_item_are_refused(cli, facts, tmp_path, args, expected):
    issued(cli, tmp_path)
    assert expected in refused(cli, "rectify", ACTIVITY, facts["failing"][0], *args)


def test_reject_without_reason_and_a_second_reply_are_refused(cli, facts, tmp_path):
    issued(cli, tmp_path)
    case_no = facts["failing"][0]
    cli.ok("rectify", ACTIVITY, case_no, "--reply", "已整改", user=LEADER)
    assert "须写明理由" in refused(cli, "rectify", ACTIVITY, case_no, "--reject", "")
    assert "正待组长审核" in refused(cli, "rectify", ACTIVITY, case_no, "--reply", "再次反馈")
    cli.ok("rectify", ACTIVITY, case_no, "--accept", user=LEADER)
    assert "已经销号" in refused(cli, "rectify", ACTIVITY, case_no, "--accept")
    assert "已经销号" in refused(cli, "rectify", ACTIVITY, case_no, "--reply", "又整改了")


def test_a_file_that_is_not_an_item_is_refused(cli, facts, tmp_path):
    issued(cli, tmp_path)
    err = refused(cli, "rectify", ACTIVITY, facts["fair"], "--reply", "已整改")
    assert "不是本次评查的整改事项" in err
    assert "不是本次评查的整改事项" in refused(cli, "rectify", ACTIVITY, "川攀西无此罚〔2024〕1号", "--accept")


def test_nothing_can_be_rectified_before_the_bulletin(cli, facts):
    status, out, err = cli("rectify", ACTIVITY, "--json")
    assert status == 1 and "通报尚未印发" in err and out == ""
    assert "通报尚未印发" in refused(cli, "rectify", ACTIVITY, facts["failing"][0], "--reply", "已整改")


def test_usage_errors_exit_2(cli, facts, tmp_path):
    issued(cli, tmp_path)
    with pytest.raises(SystemExit) as caught:
        cli("rectify", ACTIVITY, facts["failing"][0])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        cli("rectify", ACTIVITY, "--accept")
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        cli("rectify", ACTIVITY, facts["failing"][0], "--accept", "--reject", "x")
    assert caught.value.code == 2


def test_on_a_protected_activity_only_a_leader_records_decisions(cli, facts, tmp_path, monkeypatch):
    import csv

    cli.ok("people", "credentials", ACTIVITY, "--out", tmp_path / "slips.csv")
    with open(tmp_path / "slips.csv", encoding="utf-8-sig", newline="") as handle:
        slips = {row["姓名"]: row["口令"] for row in csv.DictReader(handle)}
    monkeypatch.setenv("PINGCHA_PASSWORD", slips[LEADER])
    cli.ok("report", "bulletin", ACTIVITY, "--out", tmp_path / "通报.docx", user=LEADER)
    monkeypatch.setenv("PINGCHA_PASSWORD", slips[EVALUATOR])
    status, _, err = cli("rectify", ACTIVITY, facts["failing"][0], "--reply", "已整改", user=EVALUATOR)
    assert status == 1 and "只有组长可以录入整改决定" in err
    monkeypatch.setenv("PINGCHA_PASSWORD", slips[LEADER])
    assert all(i["status"] == "待整改" for i in
               json.loads(cli.ok("rectify", ACTIVITY, "--json", user=LEADER))["items"])
    assert "拒绝" in cli.ok("audit", ACTIVITY, user=LEADER).splitlines()[-1]
    cli.ok("rectify", ACTIVITY, facts["failing"][0], "--reply", "已整改", user=LEADER)


def test_the_service_gives_the_same_view_and_refuses_the_same(cli, facts, tmp_path):
    issued(cli, tmp_path)
    store = open_store(str(cli.db))
    try:
        item = service.decide(store, ACTIVITY, facts["failing"][0], LEADER, RectificationAction.REPLY, "已整改")
        assert item.status == "已反馈" and not item.overdue
        with pytest.raises(Exception, match="正待组长审核"):
            service.decide(store, ACTIVITY, facts["failing"][0], LEADER, RectificationAction.REPLY, "再次")
        view = service.rectification(store, ACTIVITY)
        assert view.to_json() == json.loads(cli.ok("rectify", ACTIVITY, "--json"))
        expected: dict[str, list[int]] = {}
        for case_no in facts["failing"]:
            tally = expected.setdefault(facts["agencies"][case_no], [0, 0, 0, 0])
            tally[0] += 1
            tally[2] += case_no == facts["failing"][0]
            tally[3] += 1
        assert {t.agency: [t.items, t.done, t.replied, t.pending] for t in view.agencies()} == expected
    finally:
        store.dispose()
