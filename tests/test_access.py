"""§10 through the command line: who may do what, passphrases and lock-out, blind scoring, 回避 by spelling,
a seed fixed in advance, and serve's host rule. Every refusal: a Chinese message, exit 1, audited, nothing written."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta, timezone

import pytest

from pingcha.store import open_store
from pingcha.store import people as stored_people
from tests.helpers import REGISTER, ROSTER, RUBRIC, Cli, prepared, write_csv


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch) -> Cli:
    monkeypatch.delenv("PINGCHA_PASSWORD", raising=False)
    monkeypatch.delenv("PINGCHA_USER", raising=False)
    return Cli(tmp_path / "p.db", capsys)


def files(cli: Cli, activity: str, user: str | None = None) -> dict[str, dict]:
    status, out, err = cli("results", activity, "--json", user=user)
    assert status == 0, err
    return {f["case_no"]: f for f in json.loads(out)["files"]}


def sheet_file(path, case_no: str, evaluator: str, deductions: dict | None = None, veto: list | None = None,
               comment: str = ""):
    path.write_text(json.dumps({"case_no": case_no, "evaluator": evaluator, "deductions": deductions or {},
                                "veto": veto or [], "comment": comment}, ensure_ascii=False), encoding="utf-8")
    return path


def refusals(cli: Cli, activity: str) -> int:
    return cli.ok("audit", activity).count("拒绝")


def file_of(cli: Cli, activity: str, evaluator: str) -> tuple[str, str]:
    """A file assigned to ``evaluator`` and the other evaluator on it."""
    for case_no, f in files(cli, activity).items():
        if evaluator in f["evaluators"]:
            return case_no, next(e for e in f["evaluators"] if e != evaluator)
    raise AssertionError(evaluator)


def refused(cli: Cli, *args, user: str | None = None) -> str:
    status, out, err = cli(*args, user=user)
    assert status == 1 and err.startswith("错误：") and "Traceback" not in err, (status, err)
    return err


def test_an_evaluator_touches_only_their_own_sheets(cli, tmp_path):
    activity = prepared(cli)
    case_no, other = file_of(cli, activity, "林静")
    before = files(cli, activity)[case_no]
    err = refused(cli, "sheets", "import", activity, sheet_file(tmp_path / "o.json", case_no, other, {"A1a": 1}),
                  "--submit", "--allow-undecided", user="林静")
    assert "只能导入自己的评查表" in err and other in err
    err = refused(cli, "sheets", "submit", activity, "--evaluator", other, case_no, user="林静")
    assert "只能提交自己的评查表" in err
    err = refused(cli, "sheets", "export", activity, "--evaluator", other, "--out", tmp_path / "x.json", user="林静")
    assert "只能导出自己的评查表" in err and not (tmp_path / "x.json").exists()
    assert files(cli, activity)[case_no] == before  # nothing written
    assert refusals(cli, activity) == 3
    # their own sheet goes through
    cli.ok("sheets", "import", activity, sheet_file(tmp_path / "own.json", case_no, "林静"), "--submit", "--allow-undecided", user="林静")
    assert "林静  提交评查表" in cli.ok("audit", activity, case_no)


def test_nobody_settles_the_review_of_a_file_they_scored(cli, tmp_path):
    activity = prepared(cli)
    case_no, other = file_of(cli, activity, "皇甫婷")
    cli.ok("sheets", "import", activity, sheet_file(tmp_path / "a.json", case_no, "皇甫婷", {"A1a": 1}), "--submit", "--allow-undecided")
    cli.ok("sheets", "import", activity, sheet_file(tmp_path / "b.json", case_no, other, veto=["V1"]), "--submit", "--allow-undecided")
    assert files(cli, activity)[case_no]["status"] == "needs_review"
    settled = sheet_file(tmp_path / "s.json", case_no, "皇甫婷", {"A1a": 1}, comment="经集体评议，不认定否决项")
    err = refused(cli, "review", activity, case_no, "--sheet", settled, user="皇甫婷")
    assert "不能复核自己评查过的案卷" in err
    assert files(cli, activity)[case_no]["status"] == "needs_review" and refusals(cli, activity) == 1
    cli.ok("review", activity, case_no, "--sheet", settled, user="高建军")
    assert files(cli, activity)[case_no]["status"] == "final"


def issue(cli: Cli, activity: str, out, *names: str, user: str | None = None) -> dict[str, str]:
    cli.ok("people", "credentials", activity, *names, "--out", out, user=user)
    with open(out, encoding="utf-8-sig", newline="") as handle:
        return {row["姓名"]: row["口令"] for row in csv.DictReader(handle)}


def test_passphrases_protect_an_activity(cli, tmp_path, monkeypatch):
    activity = prepared(cli)
    case_no, _ = file_of(cli, activity, "林静")
    slips = issue(cli, activity, tmp_path / "slips.csv")
    assert set(slips) >= {"林静", "皇甫婷", "贾丽萍"} and len(set(slips.values())) == len(slips)
    db = (tmp_path / "p.db").read_bytes()
    assert all(p.encode() not in db for p in slips.values())  # only hashes are stored

    # no name, no passphrase, a wrong one: refused and audited
    assert "--as" in refused(cli, "results", activity)
    assert "PINGCHA_PASSWORD" in refused(cli, "results", activity, user="林静")
    monkeypatch.setenv("PINGCHA_PASSWORD", "wrong-pass-word")
    assert "口令不正确" in refused(cli, "results", activity, user="林静")
    monkeypatch.setenv("PINGCHA_PASSWORD", slips["林静"])
    assert cli("results", activity, user="林静")[0] == 0

    # the 组长-only rules now hold for whoever signs in
    err = refused(cli, "assign", activity, "--seed", "2024", "--force", user="林静")
    assert "只有组长可以分配评查人员" in err
    write_csv(tmp_path / "fake.csv", "姓名,单位,角色\n张伪,区司法局,组长\n")
    assert "只有组长可以导入人员名单" in refused(cli, "evaluators", "import", activity, tmp_path / "fake.csv",
                                                 user="林静")
    assert "只有组长可以发放口令" in refused(cli, "people", "credentials", activity, "--out", tmp_path / "2.csv",
                                            user="林静")
    assert "只有组长可以出具报告" in refused(cli, "report", "bulletin", activity, "--out", tmp_path / "b.docx",
                                            user="林静")
    assert "只有其组长可以" in refused(cli, "rubric", "load", RUBRIC, user="林静")
    monkeypatch.setenv("PINGCHA_PASSWORD", slips["皇甫婷"])
    history = cli.ok("audit", activity, user="皇甫婷")
    assert history.count("拒绝") == 7 and "张伪（" not in history
    assert len(files(cli, activity, user="皇甫婷")[case_no]["evaluators"]) == 2  # assignment kept
    assert "已存在" in refused(cli, "people", "credentials", activity, "--out", tmp_path / "slips.csv",
                               user="皇甫婷")
    again = issue(cli, activity, tmp_path / "again.csv", "林静", user="皇甫婷")
    assert set(again) == {"林静"} and again["林静"] != slips["林静"]


def test_five_wrong_passphrases_lock_a_person_out(cli, tmp_path, monkeypatch):
    activity = prepared(cli)
    slips = issue(cli, activity, tmp_path / "slips.csv")
    monkeypatch.setenv("PINGCHA_PASSWORD", "nope")
    for _ in range(5):
        refused(cli, "results", activity, user="贾丽萍")
    monkeypatch.setenv("PINGCHA_PASSWORD", slips["贾丽萍"])
    assert "已被锁定" in refused(cli, "results", activity, user="贾丽萍")
    assert cli("results", activity, user="林静")[0] == 1  # wrong passphrase for 林静: someone else's
    store = open_store(str(tmp_path / "p.db"))
    with store.transaction() as session:  # five minutes pass
        person = next(p for p in __import__("pingcha.store.activities", fromlist=["people"]).people(session, 1)
                      if p.name == "贾丽萍")
        stored_people.note_try(session, person.id, 0, datetime.now(timezone.utc) - timedelta(seconds=1))
    store.dispose()
    assert cli("results", activity, user="贾丽萍")[0] == 0


def test_blind_scoring_until_a_file_is_settled(cli, tmp_path):
    activity = prepared(cli)
    case_no, other = file_of(cli, activity, "林静")
    cli.ok("sheets", "import", activity, sheet_file(tmp_path / "o.json", case_no, other, {"A1a": 1}), "--submit", "--allow-undecided")
    seen = files(cli, activity, user="林静")[case_no]
    assert seen["evaluators"] == ["林静"]
    assert other not in cli.ok("results", activity, user="林静").split(case_no, 1)[1].splitlines()[0]
    history = cli.ok("audit", activity, case_no, user="林静")
    assert other not in history
    assert other in cli.ok("audit", activity, case_no, user="皇甫婷")  # a 组长 sees them
    cli.ok("sheets", "import", activity, sheet_file(tmp_path / "l.json", case_no, "林静", {"A1a": 1}), "--submit", "--allow-undecided",
           user="林静")
    assert other in files(cli, activity, user="林静")[case_no]["evaluators"]  # final: no longer blind


def test_a_misspelt_unit_is_refused_or_mapped_once(cli, tmp_path):
    cli.ok("activity", "create", "回避", "--rubric", RUBRIC)
    cli.ok("cases", "import", "回避", REGISTER)
    roster = write_csv(tmp_path / "r.csv", ROSTER.read_text(encoding="utf-8").replace(
        "董文,区市场监管局", "董文,区市场监督管理局"))
    err = refused(cli, "evaluators", "import", "回避", roster)
    assert "区市场监督管理局" in err and "“区市场监管局”" in err and "--map" in err
    cli.ok("evaluators", "import", "回避", roster, "--map", "区市场监督管理局=区市场监管局")
    more = write_csv(tmp_path / "more.csv", "姓名,单位\n欧阳晓,区市场监督管理局\n王五,区\u200b市场监管局\n")
    cli.ok("evaluators", "import", "回避", more)  # remembered; a zero-width space changes nothing
    cli.ok("sample", "回避", "--seed", "3", "--total", "60")
    cli.ok("assign", "回避", "--seed", "3")
    for f in files(cli, "回避").values():
        if f["agency"] == "区市场监管局":
            assert not {"董文", "欧阳晓", "王五", "贾丽萍"} & set(f["evaluators"])
    last = write_csv(tmp_path / "last.csv", "姓名,单位\n赵六,区应急局\n")
    assert "区市场监管部" in refused(cli, "evaluators", "import", "回避", last, "--map", "甲=区市场监管部")


def test_a_seed_fixed_in_advance(cli, tmp_path):
    cli.ok("activity", "create", "种子", "--rubric", RUBRIC, "--seed", "20240601")
    cli.ok("cases", "import", "种子", REGISTER)
    err = refused(cli, "sample", "种子", "--seed", "7", "--per-agency", "2")
    assert "20240601" in err and files(cli, "种子") == {}
    assert refusals(cli, "种子") == 1
    cli.ok("sample", "种子", "--seed", "20240601", "--per-agency", "2")
    assert files(cli, "种子")


def test_unprotected_single_seat(cli, tmp_path):
    activity = prepared(cli)
    # 组长-only commands stay open to whoever runs them on an unprotected activity
    cli.ok("assign", activity, "--seed", "8", "--force", user="林静")
    assert "0.0.0.0" in refused(cli, "serve", "--host", "0.0.0.0")


def test_the_bulletin_states_how_the_files_were_drawn(cli, tmp_path):
    from docx import Document

    cli.ok("activity", "create", "通报种子", "--rubric", RUBRIC, "--seed", "20240601")
    cli.ok("cases", "import", "通报种子", REGISTER)
    cli.ok("evaluators", "import", "通报种子", ROSTER)
    cli.ok("sample", "通报种子", "--seed", "20240601", "--per-agency", "2")
    cli.ok("sample", "通报种子", "--seed", "20240601", "--per-agency", "3", "--force")
    cli.ok("report", "bulletin", "通报种子", "--out", tmp_path / "b.docx", "--allow-pending")
    text = "\n".join(p.text for p in Document(tmp_path / "b.docx").paragraphs)
    assert "随机种子“20240601”" in text and "事先确定" in text and "每个执法部门随机抽取不超过3件" in text
    assert "此前另有1次抽取" in text


def test_a_roster_imported_before_the_register_is_checked_at_assignment(cli, tmp_path):
    cli.ok("activity", "create", "先名单", "--rubric", RUBRIC)
    roster = write_csv(tmp_path / "r.csv", ROSTER.read_text(encoding="utf-8").replace(
        "董文,区市场监管局", "董文,区市场监督管理局"))
    cli.ok("evaluators", "import", "先名单", roster)
    cli.ok("cases", "import", "先名单", REGISTER)
    cli.ok("sample", "先名单", "--seed", "5", "--total", "60")
    err = refused(cli, "assign", "先名单", "--seed", "5")
    assert "区市场监督管理局" in err and "evaluators import 先名单 --map" in err
    assert "已记住" in cli.ok("evaluators", "import", "先名单", "--map", "区市场监督管理局=区市场监管局")
    cli.ok("assign", "先名单", "--seed", "5")
    assert all("董文" not in f["evaluators"] for f in files(cli, "先名单").values() if f["agency"] == "区市场监管局")
