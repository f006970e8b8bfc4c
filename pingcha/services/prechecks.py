"""预检 as use cases: run an activity's checks over its register, show a file's findings, accept or dismiss one.

A finding is never recorded by itself. Accepting records the suggested deduction (or veto) through the
normal sheet change, with the finding's detail as its note; dismissing records only the decision. Both
are audit rows of entity ``precheck``, from which the decisions are read back: no table of their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pingcha.errors import UserError
from pingcha.prechecks import (
    ACCEPTED, DISMISSED, Decision, Finding, PrecheckRun, PrecheckSummary, findings_for, run_checks,
)
from pingcha.services.activities import find_activity
from pingcha.services.sheets import SheetRef, SheetState, activity_rubric, change_sheet, check_own, read_sheet
from pingcha.store import Store, Transaction
from pingcha.store import calibration as stored_calibration
from pingcha.store import register
from pingcha.store.audit import entity_trail, record

ENTITY = "precheck"
DISMISS_ACTION = "不采纳预检提示"


@dataclass(frozen=True)
class PrecheckReport:
    """An activity's pre-check: the run over its register (or its drawn files) and the decisions so far."""

    activity: str
    summary: PrecheckSummary

    @property
    def run(self) -> PrecheckRun:
        return self.summary.run

    def to_json(self) -> dict:
        """interfaces.md §8, exactly."""
        return {
            "activity": self.activity,
            "files": self.run.files,
            "findings": [f.to_json() for f in self.run.findings],
            "agencies": [a.to_json() for a in self.run.agencies],
        }


@dataclass(frozen=True)
class FindingView:
    """A finding on the file an evaluator has open, with what they decided on it (None: undecided)."""

    finding: Finding
    decision: Decision | None = None

    @property
    def check(self) -> str:
        return self.finding.check


def _decisions(session: Transaction, activity_id: int, case_no: str | None = None) -> tuple[Decision, ...]:
    """The latest decision per file, evaluator and check, read from the audit log."""
    latest: dict[tuple[str, str, str], Decision] = {}
    for number, action, after in entity_trail(session, activity_id, ENTITY, case_no):
        data = json.loads(after or "{}")
        decision = DISMISSED if action == DISMISS_ACTION else ACCEPTED
        entry = Decision(number, data.get("evaluator", ""), data.get("check", ""), decision, data.get("reason", ""))
        latest[(number, entry.evaluator, entry.check)] = entry
    return tuple(latest.values())


def precheck_activity(store: Store, activity_ref: str, drawn: bool = False) -> PrecheckReport:
    """Every check of the activity's rubric on every file of its register (``drawn``: the drawn files only)."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        rubric = activity_rubric(store, session, activity.id)
        cases = register.register_rows(session, activity.id, drawn)
        set_aside = {c.case_no for c in stored_calibration.calibration_files(session, activity.id)}
        if set_aside:  # 样卷 are not files under evaluation: no findings, not counted
            cases = [case for case in cases if case.case_no not in set_aside]
        decisions = _decisions(session, activity.id)
        name = activity.name
    run = run_checks(rubric.checks, cases)
    return PrecheckReport(name, PrecheckSummary(rubric.checks, run, decisions))


def import_line(store: Store, activity_ref: str) -> str | None:
    """The one line shown after a register is imported; None when the rubric has no checks."""
    report = precheck_activity(store, activity_ref)
    if not report.summary.checks:
        return None
    command = f"pingcha precheck {_quoted(report.activity)}"
    if not report.run.findings:
        return f"预检：{report.run.files} 件案卷未发现问题（详见 {command}）"
    return (f"预检：{report.run.files_with_findings} 件案卷有 {len(report.run.findings)} 处提示，"
            f"评查时在相应项目上显示；查看：{command}")


def _quoted(name: str) -> str:
    return f'"{name}"' if any(c.isspace() for c in name) else name


def file_findings(store: Store, ref: SheetRef) -> list[FindingView]:
    """The findings on the file of ``ref``, with this evaluator's decision on each."""
    with store.read() as session:
        rubric = activity_rubric(store, session, ref.activity_id)
        if not rubric.checks:
            return []
        case = register.case_by_id(session, ref.case_file_id).facts
        decided = {d.check: d for d in _decisions(session, ref.activity_id, ref.case_no) if d.evaluator == ref.evaluator}
    return [FindingView(f, decided.get(f.check)) for f in findings_for(rubric.checks, case)]


def _finding(store: Store, ref: SheetRef, check: str) -> Finding:
    for view in file_findings(store, ref):
        if view.check == check:
            return view.finding
    raise UserError(f"案卷“{ref.case_no}”没有预检 {check} 的提示")


def _trace(finding: Finding) -> dict:
    return {"check": finding.check, "suggests": finding.suggests, "detail": finding.detail, "source": "预检（系统提示）"}


def accept_finding(store: Store, ref: SheetRef, check: str, actor: str) -> SheetState:
    """Record the suggested deduction once (or the veto) with the finding's detail in its note."""
    check_own(store, ref, actor, "处理")
    finding = _finding(store, ref, check)
    state = read_sheet(store, ref)
    with store.read() as session:
        rubric = activity_rubric(store, session, ref.activity_id)
    code = finding.suggests
    note = state.sheet.notes.get(code, "")
    if finding.detail not in note:
        note = f"{note}；{finding.detail}" if note else finding.detail
    if code in rubric.veto_by_code:
        return change_sheet(store, ref, actor, code=code, marked=True, note=note, suggested_by=_trace(finding))
    count = max(state.sheet.deductions.get(code, 0), 1)
    return change_sheet(store, ref, actor, code=code, count=count, note=note, suggested_by=_trace(finding))


def dismiss_finding(store: Store, ref: SheetRef, check: str, actor: str, reason: str = "") -> None:
    """Record that the evaluator does not follow the finding (nothing on the sheet changes)."""
    check_own(store, ref, actor, "处理")
    finding = _finding(store, ref, check)
    if read_sheet(store, ref).locked:
        raise UserError(f"“{ref.evaluator}”对“{ref.case_no}”的评查表已提交，不能再处理预检提示")
    with store.transaction() as session:
        record(session, actor, ENTITY, DISMISS_ACTION, activity_id=ref.activity_id, case_no=ref.case_no,
               after={"evaluator": ref.evaluator, **_trace(finding), "reason": reason.strip()})
