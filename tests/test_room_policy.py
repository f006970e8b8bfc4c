"""§10 in the commands a room needs besides scoring: a 组长 changes no evaluator's sheet (a 复核 settles a
disagreement), 预检 decisions only on one's own sheet, and what names everyone (agreement, the quality report, the
register's pre-check with the evaluators' decisions, the database's check and backup) only for a 组长.
Every refusal: a Chinese message, exit 1, audited, nothing written."""

from __future__ import annotations

import json

import pytest

from pingcha.errors import Refused
from pingcha.services.prechecks import accept_finding, dismiss_finding, file_findings, precheck_activity
from pingcha.services.results import activity_results
from pingcha.services.sheets import read_sheet, sheet_ref
from pingcha.store import open_store
from tests.helpers import REGISTER, REPO, ROSTER, Cli
from tests.test_access import file_of, files, issue, refusals, refused, sheet_file

PRECHECKED = REPO / "scoring_rules" / "xiqu-xzcf-2024.2.toml"
LEADER, EVALUATOR = "皇甫婷", "林静"


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch) -> Cli:
    monkeypatch.delenv("PINGCHA_PASSWORD", raising=False)
    monkeypatch.delenv("PINGCHA_USER", raising=False)
    return Cli(tmp_path / "p.db", capsys)


def room(cli: Cli, name: str = "评查室") -> str:
    """An activity on the rubric with 预检, drawn and assigned (unprotected)."""
    cli.ok("activity", "create", name, "--rubric", PRECHECKED)
    cli.ok("cases", "import", name, REGISTER)
    cli.ok("evaluators", "import", name, ROSTER)
    cli.ok("sample", name, "--seed", "2024", "--per-agency", "4")
    cli.ok("assign", name, "--seed", "2024")
    return name


def test_a_leader_changes_no_other_evaluators_sheet(cli, tmp_path):
    activity = room(cli)
    case_no, other = file_of(cli, activity, EVALUATOR)
    assert other != LEADER
    before = files(cli, activity)[case_no]
    err = refused(cli, "sheets", "import", activity, sheet_file(tmp_path / "o.json", case_no, other, {"A1a": 1}),
                  "--submit", "--allow-undecided", user=LEADER)
    assert "组长不能导入其他评查人员的评查表" in err and other in err and "复核" in err
    err = refused(cli, "sheets", "submit", activity, "--evaluator", other, case_no, user=LEADER)
    assert "组长不能提交其他评查人员的评查表" in err
    assert files(cli, activity)[case_no] == before  # nothing written
    assert refusals(cli, activity) == 2
    # a 组长 may read any sheet (export), and the organiser at the one seat (not on the roster) may import any
    cli.ok("sheets", "export", activity, "--evaluator", other, "--out", tmp_path / "x.json", user=LEADER)
    assert [s["case_no"] for s in json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))].count(case_no) == 1
    cli.ok("sheets", "import", activity, sheet_file(tmp_path / "p.json", case_no, other, {"A1a": 1}), user="组织者")


def test_the_leaders_reads_are_refused_to_an_evaluator_on_a_protected_activity(cli, tmp_path, monkeypatch):
    activity = room(cli)
    slips = issue(cli, activity, tmp_path / "slips.csv")
    monkeypatch.setenv("PINGCHA_PASSWORD", slips[EVALUATOR])
    for args, what in [
        (("agreement", activity, "--json"), "只有组长可以查看评查尺度一致性"),
        (("report", "quality", activity, "--out", tmp_path / "q.docx"), "只有组长可以出具报告"),
        (("precheck", activity, "--json"), "只有组长可以查看全部案卷的预检结果"),
        (("check",), "只有其组长可以"),
        (("backup", "--out", tmp_path / "copy.db"), "只有其组长可以"),
    ]:
        assert what in refused(cli, *args, user=EVALUATOR), args
    assert not (tmp_path / "q.docx").exists() and not (tmp_path / "copy.db").exists()
    monkeypatch.setenv("PINGCHA_PASSWORD", slips[LEADER])
    assert cli.ok("audit", activity, user=LEADER).count("拒绝") == 3  # check and backup belong to no activity
    for args in [("agreement", activity, "--json"), ("precheck", activity, "--json"), ("check",),
                 ("report", "quality", activity, "--out", tmp_path / "q.docx"),
                 ("backup", "--out", tmp_path / "copy.db")]:
        cli.ok(*args, user=LEADER)
    assert (tmp_path / "q.docx").exists() and (tmp_path / "copy.db").exists()


def test_the_leaders_reads_stay_open_at_one_seat(cli, tmp_path):
    """Unprotected: the person at the keyboard is trusted with the 组长's reads (§10)."""
    activity = room(cli)
    assert json.loads(cli.ok("precheck", activity, "--json", user=EVALUATOR))["files"] == 75
    cli.ok("agreement", activity, user=EVALUATOR)


def prechecked_file(db) -> tuple[object, object, str, str]:
    """A drawn file with a finding, and its two evaluators."""
    store = open_store(str(db))
    finding = precheck_activity(store, "评查室", drawn=True).run.findings[0]
    file = next(f for f in activity_results(store, "评查室").files if f.case.case_no == finding.case_no)
    return store, finding, file.evaluators[0], file.evaluators[1]


def test_precheck_decisions_only_on_ones_own_sheet(cli, tmp_path):
    room(cli)
    store, finding, owner, other = prechecked_file(tmp_path / "p.db")
    try:
        ref = sheet_ref(store, "评查室", owner, finding.case_no)
        for actor in (other, LEADER):
            with pytest.raises(Refused, match="不能处理"):
                accept_finding(store, ref, finding.check, actor)
            with pytest.raises(Refused, match="不能处理"):
                dismiss_finding(store, ref, finding.check, actor, "无")
        assert read_sheet(store, ref).sheet.deductions == {}
        assert all(view.decision is None for view in file_findings(store, ref))
        accept_finding(store, ref, finding.check, owner)  # the evaluator's own
        sheet = read_sheet(store, ref).sheet
        assert finding.suggests in sheet.deductions or finding.suggests in sheet.veto
    finally:
        store.dispose()
    assert refusals(cli, "评查室") == 4
