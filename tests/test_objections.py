"""异议 before the 通报: feedback to each agency, objections recorded and answered by a 组长, an upheld one sending
the file to 复核 with the objection as its reason, and the 通报 saying how many came in and were upheld."""

from __future__ import annotations

import csv
import json

import pytest
from docx import Document

from pingcha.services import objections as service
from pingcha.store import open_store
from tests.helpers import Cli
from tests.rectify_setup import ACTIVITY, EVALUATOR, LEADER, OTHER_LEADER, build, copy_db


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("objection-template")
    db = folder / "template.db"
    return db, build(db, folder)


@pytest.fixture
def cli(template, tmp_path, capsys, monkeypatch) -> Cli:
    monkeypatch.setenv("PINGCHA_TODAY", "2025-01-05")
    monkeypatch.delenv("PINGCHA_PASSWORD", raising=False)
    monkeypatch.delenv("PINGCHA_USER", raising=False)
    return Cli(copy_db(template[0], tmp_path / "p.db"), capsys)


@pytest.fixture
def facts(template) -> dict:
    return template[1]


def file_status(cli: Cli, case_no: str) -> dict:
    return next(f for f in cli.json("results", ACTIVITY, "--json")["files"] if f["case_no"] == case_no)


def listed(cli: Cli) -> list[dict]:
    return cli.json("objection", ACTIVITY, "--json")["objections"]


def refused(cli: Cli, *args, user: str | None = LEADER) -> str:
    before = (cli.ok("audit", ACTIVITY), cli.ok("objection", ACTIVITY, "--json"))
    status, out, err = cli(*args, user=user)
    assert status == 1 and err.startswith("错误：") and "Traceback" not in err, (status, out, err)
    assert (cli.ok("audit", ACTIVITY), cli.ok("objection", ACTIVITY, "--json")) == before
    return err


def test_an_upheld_objection_sends_the_file_to_review_with_it_as_the_reason(cli, facts, tmp_path):
    case_no = facts["fair"]
    out = cli.ok("objection", ACTIVITY, case_no, "--item", "d12a", "--text", "受送达人已在第13页签字", user=LEADER)
    assert "已录入第 1 号异议" in out and "D12 送达" in out
    assert listed(cli) == [{"number": 1, "case_no": case_no, "agency": facts["agencies"][case_no], "item": "D12",
                            "item_title": "送达", "text": "受送达人已在第13页签字", "status": "待答复",
                            "reviewed": False, "answer": "", "recorded_by": LEADER, "answered_by": None}]
    before = file_status(cli, case_no)
    assert before["status"] == "final"

    cli.ok("objection", ACTIVITY, "--uphold", "1", user=LEADER)
    current = file_status(cli, case_no)
    assert current["status"] == "needs_review" and current["score"] is None
    reason = "执法部门异议（第 1 号，D12“送达”）已采纳：受送达人已在第13页签字"
    assert current["reasons"] == [reason]
    assert reason in cli.ok("review", ACTIVITY)

    # the 复核 then settles it as usual, by a 组长 who scored no sheet on it
    scored = file_status(cli, case_no)["evaluators"]
    leader = OTHER_LEADER if LEADER in scored else LEADER
    settled = tmp_path / "settled.json"
    settled.write_text(json.dumps({"deductions": {"A1a": 1}, "comment": "经复核，送达回证已签字，不扣分"},
                                  ensure_ascii=False), encoding="utf-8")
    cli.ok("review", ACTIVITY, case_no, "--sheet", settled, user=leader)
    final = file_status(cli, case_no)
    assert final["status"] == "final" and final["score"] == 97.0 > before["score"]  # only A1a (3 points) stands
    assert listed(cli)[0]["reviewed"] is True and "已采纳，已复核" in cli.ok("objection", ACTIVITY)
    history = cli.ok("audit", ACTIVITY, case_no)
    assert "录入异议" in history and "采纳异议" in history and "异议经复核办结" in history
    assert f"复核原因：{reason}" in history
    assert "哈希链完整" in cli.ok("check")


def test_a_dismissed_objection_records_why_and_the_result_stands(cli, facts):
    case_no = facts["failing"][0]
    cli.ok("objection", ACTIVITY, case_no, "--item", "V1", "--text", "有委托书", user=LEADER)
    assert "须写明理由" in refused(cli, "objection", ACTIVITY, "--dismiss", "1")
    cli.ok("objection", ACTIVITY, "--dismiss", "1", "--reason", "卷内无委托书", user=LEADER)
    [objection] = listed(cli)
    assert (objection["status"], objection["answer"], objection["answered_by"]) == ("未采纳", "卷内无委托书", LEADER)
    assert file_status(cli, case_no)["status"] == "final"
    assert "已经答复" in refused(cli, "objection", ACTIVITY, "--uphold", "1")


@pytest.mark.parametrize("args, expected", [
    (("{fair}", "--item", "Z9", "--text", "理由"), "没有编号为“Z9”的评查项目或否决项"),
    (("{fair}", "--item", "D12", "--text", "  "), "请写明异议的内容"),
    (("川攀西无此罚〔2024〕1号", "--item", "D12", "--text", "理由"), "不在本次评查的抽查范围内"),
    (("--uphold", "7"), "没有第 7 号异议"),
])
def test_bad_objections_are_refused(cli, facts, args, expected):
    args = [a.format(fair=facts["fair"]) for a in args]
    assert expected in refused(cli, "objection", ACTIVITY, *args)


def test_a_file_not_final_takes_no_objection(cli, facts):
    cli.ok("objection", ACTIVITY, facts["fair"], "--item", "A1", "--text", "两名执法人员均在场", user=LEADER)
    cli.ok("objection", ACTIVITY, "--uphold", "1", user=LEADER)
    assert "尚未确定（待复核）" in refused(cli, "objection", ACTIVITY, facts["fair"], "--item", "D12", "--text", "又一条")


def test_objections_close_with_the_bulletin_which_counts_them(cli, facts, tmp_path):
    cli.ok("objection", ACTIVITY, facts["failing"][0], "--item", "V1", "--text", "有委托书", user=LEADER)
    cli.ok("objection", ACTIVITY, facts["failing"][1], "--item", "Ｖ１", "--text", "主体合法", user=LEADER)
    cli.ok("objection", ACTIVITY, facts["clean"][0], "--item", "D1", "--text", "无异议的补充说明", user=LEADER)
    cli.ok("objection", ACTIVITY, "--dismiss", "1", "--reason", "卷内无委托书", user=LEADER)
    cli.ok("objection", ACTIVITY, "--dismiss", "2", "--reason", "不能证明", user=LEADER)
    cli.ok("objection", ACTIVITY, "--uphold", "3", user=LEADER)
    cli.ok("report", "bulletin", ACTIVITY, "--out", tmp_path / "通报.docx", "--allow-pending")
    text = "\n".join(p.text for p in Document(tmp_path / "通报.docx").paragraphs)
    assert "各执法部门共提出异议3条，经审核采纳1条，相关案卷正在重新复核；未采纳2条，已逐条说明理由。" in text
    assert "通报已经印发" in refused(cli, "objection", ACTIVITY, facts["fair"], "--item", "D12", "--text", "迟到")


def test_a_bulletin_without_objections_says_nothing_of_them(cli, tmp_path):
    cli.ok("report", "bulletin", ACTIVITY, "--out", tmp_path / "通报.docx")
    assert "异议" not in "\n".join(p.text for p in Document(tmp_path / "通报.docx").paragraphs)


def test_feedback_writes_each_agency_its_results_and_the_reply_by_date(cli, facts, tmp_path):
    cli.ok("activity", "settings", ACTIVITY, "--set", "reply_by=2025-01-15")
    out = cli.ok("report", "feedback", ACTIVITY, "--out", tmp_path / "反馈")
    agencies = sorted(set(facts["agencies"].values()))
    assert f"已生成 {len(agencies)} 份评查结果反馈单" in out and "2025-01-15" in out
    paths = sorted((tmp_path / "反馈").glob("*.docx"))
    assert [p.name for p in paths] == sorted(f"{a}_评查结果反馈单.docx" for a in agencies)
    fair_agency = facts["agencies"][facts["fair"]]
    text = "\n".join(p.text for p in Document(tmp_path / "反馈" / f"{fair_agency}_评查结果反馈单.docx").paragraphs)
    assert f"{fair_agency}：" in text and "请于2025年1月15日前" in text
    assert "D12 送达：" in text and "说明：第12页送达回证" in text
    assert "反馈评查结果" in cli.ok("audit", ACTIVITY)


def test_feedback_with_a_reply_by_date_already_past_is_refused(cli, tmp_path):
    cli.ok("activity", "settings", ACTIVITY, "--set", "reply_by=2025-01-01")
    before = cli.ok("audit", ACTIVITY)
    status, _, err = cli("report", "feedback", ACTIVITY, "--out", tmp_path / "反馈")
    assert status == 1 and "早于反馈日期" in err
    assert not (tmp_path / "反馈").exists() or not list((tmp_path / "反馈").iterdir())
    assert cli.ok("audit", ACTIVITY) == before


def test_on_a_protected_activity_only_a_leader_records_objections(cli, facts, tmp_path, monkeypatch):
    cli.ok("people", "credentials", ACTIVITY, "--out", tmp_path / "slips.csv")
    with open(tmp_path / "slips.csv", encoding="utf-8-sig", newline="") as handle:
        slips = {row["姓名"]: row["口令"] for row in csv.DictReader(handle)}
    monkeypatch.setenv("PINGCHA_PASSWORD", slips[EVALUATOR])
    status, _, err = cli("objection", ACTIVITY, facts["fair"], "--item", "D12", "--text", "理由", user=EVALUATOR)
    assert status == 1 and "只有组长可以录入和答复异议" in err
    monkeypatch.setenv("PINGCHA_PASSWORD", slips[LEADER])
    assert listed_as(cli, LEADER) == []


def listed_as(cli: Cli, user: str) -> list:
    return json.loads(cli.ok("objection", ACTIVITY, "--json", user=user))["objections"]


def test_the_service_records_and_answers_as_the_command_does(cli, facts):
    store = open_store(str(cli.db))
    try:
        made = service.record_objection(store, ACTIVITY, facts["fair"], "B1a", "证据已补充", LEADER)
        assert (made.number, made.item_code, made.state) == (1, "B1", "待答复")
        answered = service.answer(store, ACTIVITY, 1, LEADER, uphold=True)
        assert answered.state == "已采纳，待复核"
        assert [o.to_json() for o in service.objection_list(store, ACTIVITY)] == listed(cli)
    finally:
        store.dispose()
