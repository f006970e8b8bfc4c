"""样卷试评 (calibration round): the 组长 sets files aside with a reference sheet; every 评查员 scores them first.

Calibration files are never drawn and never count: results, agreement, the 通报, 评查表 lists and the summary
are built from the draw, which excludes them; pre-checks, the register's size and the assignment's loads leave
them out here. Whether live files open before an evaluator's calibration sheets are submitted is the activity's
setting (``live_first``), enforced where sheets are changed, submitted, imported, exported and opened.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from pingcha import policy
from pingcha.calibration import CalibrationGaps, compare
from pingcha.errors import Refused, UserError
from pingcha.policy import LeaderAction
from pingcha.scoring import Sheet, SheetError, canonical_codes, round1, check_sheet, score_sheet, sheet_from_json
from pingcha.services import access
from pingcha.services.activities import find_activity, info_of
from pingcha.services.tables import read_json_file
from pingcha.store import Store, Transaction
from pingcha.store import activities as people
from pingcha.store import calibration as stored
from pingcha.store import people as stored_people
from pingcha.store import register
from pingcha.store import sheets as rows
from pingcha.store.audit import record
from pingcha.text import case_no_key
from pingcha.vocabulary import NOT_STARTED, Role, SheetKind, SheetStatus


def calibration_ids(session: Transaction, activity_id: int) -> set[int]:
    return stored.calibration_case_ids(session, activity_id)


def _evaluators(session: Transaction, activity_id: int) -> list[people.PersonRecord]:
    """Who takes the calibration round: every 评查员 of the roster (the 组长 sets the reference)."""
    return [p for p in people.people(session, activity_id) if p.role == Role.EVALUATOR]


def ensure_assignments(session: Transaction, activity_id: int) -> int:
    """Give every calibration file to every 评查员 who does not have it yet; how many assignments were added.
    No 回避: a calibration file never counts, and the point is that everyone scores the same file."""
    files = calibration_ids(session, activity_id)
    if not files:
        return 0
    persons = _evaluators(session, activity_id)
    have = register.assignments_of(session, [p.id for p in persons])
    new = [(case_id, p.id) for case_id in sorted(files) for p in persons if (case_id, p.id) not in have]
    register.add_assignments(session, activity_id, new)
    return len(new)


def _case(session: Transaction, activity_id: int, case_no: str) -> register.StoredCase:
    case = register.case_by_no(session, activity_id, case_no)
    if case is None:
        key = case_no_key(case_no)
        stored_no = next((c.case_no for c in register.case_keys(session, activity_id)
                          if case_no_key(c.case_no) == key), None)
        case = register.case_by_no(session, activity_id, stored_no) if stored_no is not None else None
    if case is None:
        raise UserError(f"本次评查活动中没有案号为“{case_no}”的案卷")
    return case


def mark_files(store: Store, activity_ref: str, case_nos: list[str], actor: str) -> tuple[list[str], int]:
    """Set files aside as calibration files (样卷) and give them to every 评查员. A file in the current draw
    cannot be one (it is a live file); one already set aside is left as it is. Returns the 案号 newly set aside
    and how many assignments were added."""
    if not case_nos:
        raise UserError("请给出要作为样卷的案号")
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        access.require_leader(session, activity.id, actor, LeaderAction.CALIBRATE)
        already = calibration_ids(session, activity.id)
        new, problems = [], []
        for case_no in dict.fromkeys(case_nos):
            try:
                case = _case(session, activity.id, case_no)
            except UserError as exc:
                problems.append(str(exc))
                continue
            if case.draw_id is not None:
                problems.append(f"案卷“{case.case_no}”已被抽中，是正式评查的案卷，不能作为样卷"
                                "（请选未抽中的案卷，或重新抽取后再设定）")
            elif case.id not in already and case.id not in {c.id for c in new}:
                new.append(case)
        if problems:
            raise UserError("未设定任何样卷：\n" + "\n".join(problems))
        if not new:
            return [], 0
        stored.add_calibration_files(session, activity.id, [c.id for c in new], actor)
        added = ensure_assignments(session, activity.id)
        record(session, actor, "calibration", "设定样卷", activity_id=activity.id,
               after={"files": [c.case_no for c in new], "added": added})
        return [c.case_no for c in new], added


def record_reference(store: Store, activity_ref: str, case_no: str, path: str | Path, actor: str) -> Sheet:
    """The 组长's reference sheet for a calibration file (a §3 sheet; its notes explain the reference).
    Recorded again, it replaces the earlier one; both are in the audit log."""
    data = read_json_file(path)
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        access.require_leader(session, activity.id, actor, LeaderAction.CALIBRATE)
        rubric = info_of(session, activity).rubric
        case = _case(session, activity.id, case_no)
        if case.id not in calibration_ids(session, activity.id):
            raise UserError(f"案卷“{case.case_no}”不是样卷；请先用 pingcha calibration {activity.name} --mark "
                            f"{case.case_no} 设定为样卷")
        try:
            sheet = canonical_codes(rubric, sheet_from_json(data))
            problems = check_sheet(rubric, sheet)
            if problems:
                raise SheetError(problems)
            score_sheet(rubric, sheet)
        except UserError as exc:
            raise UserError(f"{Path(path).name}：参考评分表不能录入：{exc}") from None
        if sheet.case_no is not None and case_no_key(sheet.case_no) != case_no_key(case.case_no):
            raise UserError(f"{Path(path).name}：评查表的案号是“{sheet.case_no}”，不是“{case.case_no}”")
        reference = replace(sheet, case_no=None, evaluator=None).to_json()
        before = next((f.reference for f in stored.calibration_files(session, activity.id)
                       if f.case_file_id == case.id), None)
        stored.save_reference(session, case.id, reference, actor)
        record(session, actor, "calibration", "修改样卷参考评分" if before else "录入样卷参考评分",
               activity_id=activity.id, case_no=case.case_no, before=before, after=reference)
        return sheet


def set_live_first(store: Store, activity_ref: str, value: bool, actor: str) -> bool:
    """The activity's setting: whether live files open before an evaluator's calibration sheets are submitted."""
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        access.require_leader(session, activity.id, actor, LeaderAction.CHANGE_SETTINGS)
        before = stored.live_first(session, activity.id)
        if before != value:
            stored.set_live_first(session, activity.id, value, actor)
            record(session, actor, "calibration", "修改样卷试评设置", activity_id=activity.id,
                   before={"live_first": before}, after={"live_first": value})
        return value


def pending_for(session: Transaction, activity_id: int, evaluator_id: int, files: set[int] | None = None) -> list[str]:
    """The 案号 of the calibration files given to this person whose sheet is not yet submitted."""
    return pending_by_person(session, activity_id, [evaluator_id], files).get(evaluator_id, [])


def pending_by_person(session: Transaction, activity_id: int, evaluator_ids: list[int],
                      files: set[int] | None = None) -> dict[int, list[str]]:
    """For each of these people, the 案号 of their calibration files not yet submitted (a fixed number of
    queries, however many people)."""
    files = calibration_ids(session, activity_id) if files is None else files
    if not files:
        return {}
    assigned = {pair for pair in register.assignments_of(session, evaluator_ids) if pair[0] in files}
    if not assigned:
        return {}
    done = {(row.case_file_id, row.evaluator_id)
            for row in rows.sheets_on_cases(session, {case_id for case_id, _ in assigned}, evaluator_ids=evaluator_ids)
            if row.status != SheetStatus.DRAFT}
    names = {c.case_file_id: c.case_no for c in stored.calibration_files(session, activity_id)}
    pending: dict[int, list[str]] = {}
    for case_id, person_id in sorted(assigned - done):
        pending.setdefault(person_id, []).append(names[case_id])
    return {person_id: sorted(found) for person_id, found in pending.items()}


def closed_reason(session: Transaction, activity_id: int, evaluator_id: int, owner: str,
                  case_file_id: int) -> str | None:
    """Why this live file is not yet open to its evaluator (None when it is, or it is a calibration file)."""
    files = calibration_ids(session, activity_id)
    if not files or case_file_id in files or stored.live_first(session, activity_id):
        return None
    return policy.calibration_refusal(owner, pending_for(session, activity_id, evaluator_id, files))


def require_open(session: Transaction, activity_id: int, actor: str, evaluator_id: int, owner: str,
                 case_file_ids: list[int], verb: str) -> None:
    """Refuse (audited) touching live files of an evaluator who still owes calibration sheets."""
    require_open_for(session, activity_id, actor, {(evaluator_id, owner): case_file_ids}, verb)


def require_open_for(session: Transaction, activity_id: int, actor: str,
                     files_by_owner: dict[tuple[int, str], list[int]], verb: str) -> None:
    """``require_open`` for several evaluators' files at once (an import), in a fixed number of queries."""
    files = calibration_ids(session, activity_id)
    if not files:
        return
    touching_live = [key for key, case_ids in files_by_owner.items() if any(c not in files for c in case_ids)]
    if not touching_live or stored.live_first(session, activity_id):
        return
    pending = pending_by_person(session, activity_id, [person_id for person_id, _ in touching_live], files)
    for person_id, owner in touching_live:
        reason = policy.calibration_refusal(owner, pending.get(person_id, []))
        if reason:
            raise Refused(reason, actor, f"{verb}评查表", activity_id)


def check_open(store: Store, activity_id: int, case_file_id: int, evaluator_id: int, owner: str, actor: str) -> bool:
    """For a face about to open a sheet: True, or refused (and audited) while the file is closed to its
    evaluator."""
    with store.read() as session:
        reason = closed_reason(session, activity_id, evaluator_id, owner, case_file_id)
    if reason:
        refusal = Refused(reason, actor, "打开评查表", activity_id)
        store.audit_refusal(refusal)
        raise refusal
    return True


def exportable(session: Transaction, activity_id: int, evaluator_id: int, owner: str,
               case_file_ids: list[int]) -> tuple[set[int], str | None]:
    """Which of an evaluator's files an export may hold: all of them, or only the calibration files while
    the live ones are closed (then with the reason)."""
    files = calibration_ids(session, activity_id)
    if not files or stored.live_first(session, activity_id):
        return set(case_file_ids), None
    reason = policy.calibration_refusal(owner, pending_for(session, activity_id, evaluator_id, files))
    if reason is None:
        return set(case_file_ids), None
    return {case_id for case_id in case_file_ids if case_id in files}, reason


@dataclass(frozen=True)
class EvaluatorCalibration:
    """One 评查员 on one calibration file: their sheet's status and, once submitted, the gaps."""

    name: str
    status: str  # 未开始, 草稿 or 已提交
    gaps: CalibrationGaps | None  # None until submitted, or while the file has no reference
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class CalibrationFileView:
    case_no: str
    agency: str
    cause: str
    reference: Sheet | None
    reference_by: str | None
    reference_at: datetime | None
    evaluators: tuple[EvaluatorCalibration, ...]


@dataclass(frozen=True)
class CalibrationOverview:
    """The 组长's table of everyone's gaps from the references."""

    activity: str
    live_first: bool
    files: tuple[CalibrationFileView, ...]
    rubric: object

    def to_json(self) -> dict:
        def number(value):
            return float(value) if value is not None else None

        people_rows: dict[str, list[CalibrationGaps]] = {}
        for file in self.files:
            for e in file.evaluators:
                people_rows.setdefault(e.name, [])
                if e.gaps is not None:
                    people_rows[e.name].append(e.gaps)
        return {
            "activity": self.activity,
            "live_first": self.live_first,
            "files": [{
                "case_no": f.case_no, "agency": f.agency,
                "reference": None if f.reference is None else {
                    "score": number(score_sheet(self.rubric, f.reference).score),
                    "grade": score_sheet(self.rubric, f.reference).grade, "by": f.reference_by},
                "evaluators": [{
                    "name": e.name, "status": e.status,
                    "score": number(e.gaps.score) if e.gaps else None,
                    "gap": number(e.gaps.score_gap) if e.gaps else None,
                    "items": [{"code": g.code, "obtained": number(g.obtained), "reference": number(g.reference),
                               "gap": number(g.gap)} for g in e.gaps.items] if e.gaps else [],
                    "vetoes_missed": list(e.gaps.vetoes_missed) if e.gaps else [],
                    "vetoes_extra": list(e.gaps.vetoes_extra) if e.gaps else [],
                } for e in f.evaluators],
            } for f in self.files],
            "evaluators": [{
                "name": name, "compared": len(found),
                "mean_gap": number(round1(sum((g.score_gap for g in found), Decimal(0)) / len(found))) if found else None,
                "items_differing": sum(g.differing for g in found),
            } for name, found in sorted(people_rows.items())],
        }


def _views(session: Transaction, activity_id: int, rubric, only: int | None = None) -> tuple[CalibrationFileView, ...]:
    files = stored.calibration_files(session, activity_id)
    persons = {p.id: p for p in _evaluators(session, activity_id)}
    ids = [f.case_file_id for f in files]
    sheet_rows = [r for r in rows.sheets_on_cases(session, ids) if r.evaluator_id in persons]
    if only is not None:
        sheet_rows = [r for r in sheet_rows if r.evaluator_id == only]
    submitted = [r for r in sheet_rows if r.status != SheetStatus.DRAFT]
    contents = rows.contents_of(session, submitted)
    by_pair = {(r.case_file_id, r.evaluator_id): r for r in sheet_rows}
    assigned = register.assignments_of(session, list(persons) if only is None else [only])
    views = []
    for f in files:
        case = register.case_by_id(session, f.case_file_id)
        reference = canonical_codes(rubric, sheet_from_json(f.reference)) if f.reference else None
        entries = []
        for person in sorted(persons.values(), key=lambda p: p.name):
            if (f.case_file_id, person.id) not in assigned:
                continue
            row = by_pair.get((f.case_file_id, person.id))
            status = row.status if row is not None else NOT_STARTED
            gaps = None
            if row is not None and row.status != SheetStatus.DRAFT and reference is not None:
                gaps = compare(rubric, contents[row.id], reference)
            entries.append(EvaluatorCalibration(person.name, str(status), gaps,
                                                row.submitted_at if row is not None else None))
        views.append(CalibrationFileView(case.case_no, case.agency, case.facts.cause, reference, f.reference_by,
                                         f.reference_at, tuple(entries)))
    return tuple(views)


def overview(store: Store, activity_ref: str, actor: str) -> CalibrationOverview:
    """Everyone's gaps on every calibration file: for the 组长 only (refused and audited otherwise)."""
    access.check_leader(store, activity_ref, actor, LeaderAction.CALIBRATION_GAPS)
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        rubric = info_of(session, activity).rubric
        return CalibrationOverview(activity.name, stored.live_first(session, activity.id),
                                   _views(session, activity.id, rubric), rubric)


def is_calibration(store: Store, activity_id: int, case_file_id: int) -> bool:
    with store.read() as session:
        return case_file_id in calibration_ids(session, activity_id)


def feedback(store: Store, activity_ref: str, case_no: str, evaluator: str, actor: str) -> tuple[CalibrationFileView, CalibrationGaps | None]:
    """What an evaluator learns once their calibration sheet is submitted: item by item where it differs from
    the reference, with the reference's notes. Before submitting, refused (and audited)."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        role = access.role_of(session, activity.id, actor)
        protected = stored_people.is_protected(session, activity.id)
        reason = policy.sheet_refusal(actor, role, evaluator, "查看")
        person = people.person_named(session, activity.id, evaluator)
        if person is None:
            raise UserError(f"“{evaluator}”不在本次评查活动的人员名单中")
        case = _case(session, activity.id, case_no)
        if case.id not in calibration_ids(session, activity.id):
            raise UserError(f"案卷“{case.case_no}”不是样卷")
        row = rows.find_sheet(session, case.id, person.id, SheetKind.EVALUATION)
        submitted = row is not None and row.status != SheetStatus.DRAFT
        if reason is None:
            reason = policy.reference_refusal(actor, role, protected, submitted, case.case_no)
        if reason is None and not submitted:
            raise UserError(f"“{evaluator}”尚未提交样卷“{case.case_no}”的评查表，还没有可比较的差异")
        if reason is None:
            rubric = info_of(session, activity).rubric
            view = next(v for v in _views(session, activity.id, rubric, only=person.id) if v.case_no == case.case_no)
            mine = next((e for e in view.evaluators if e.name == person.name), None)
            return view, mine.gaps if mine is not None else None
    refusal = Refused(reason, actor, "查看样卷参考评分", activity.id)
    store.audit_refusal(refusal)
    raise refusal
