"""Read-only views the terminal UI needs: who is on an activity, what each person has to score, how far along
everyone is. Each query is one short transaction (or a view over ``activity_results``); none writes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from pingcha.pacing import paced, pause
from pingcha.results import FINAL, NEEDS_REVIEW, PENDING, ActivityResults
from pingcha.results import CaseFile as CaseRecord
from pingcha.scoring import SheetError, SheetResult, score_sheet
from pingcha.services.activities import find_activity
from pingcha.services.results import activity_results
from pingcha.services.sheets import EVALUATION, SheetRef, activity_rubric
from pingcha.store import Store
from pingcha.store import activities as people
from pingcha.services import calibration
from pingcha.store import calibration as stored_calibration
from pingcha.store import register
from pingcha.store import sheets as rows
from pingcha.store.audit import data_version
from pingcha.vocabulary import NOT_STARTED, Role, SheetStatus


@dataclass(frozen=True)
class RosterEntry:
    """One person on an activity's roster, with their load."""

    name: str
    unit: str
    role: str  # 评查员 or 组长
    assigned: int
    submitted: int

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER


@dataclass(frozen=True)
class AssignedFile:
    """A file given to one evaluator, with the state of that evaluator's sheet on it."""

    ref: SheetRef
    case: CaseRecord
    status: str  # 未开始, 草稿 or 已提交
    result: SheetResult | None  # the sheet's score (running while a draft; None when not started or unscorable)
    undecided: int = 0  # items neither deducted, 不适用, nor confirmed as nothing to deduct
    calibration: bool = False  # a 样卷 of the calibration round (样卷试评), never counted
    closed: str | None = None  # why this live file is not yet open to the evaluator (样卷 first), else None


def roster(store: Store, activity_ref: str) -> list[RosterEntry]:
    """The activity's 评查人员, leaders first, then by name."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        persons = people.people(session, activity.id)
        set_aside = stored_calibration.calibration_case_ids(session, activity.id)  # 样卷 are no load
        assigned = register.assignment_counts(session, activity.id, excluding=set_aside)
        submitted = rows.submitted_counts(session, activity.id, excluding=set_aside)
        entries = [RosterEntry(p.name, p.unit, p.role, assigned.get(p.id, 0), submitted.get(p.id, 0)) for p in persons]
    return sorted(entries, key=lambda e: (not e.is_leader, e.name))


def assigned_files(store: Store, activity_ref: str, evaluator: str) -> list[AssignedFile]:
    """The files assigned to ``evaluator``, by agency then case number, each with its sheet's status.
    Reads that person's own files and sheets only, and only when something changed since the last call."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        key, version = ("assigned", activity.id, evaluator), data_version(session)
        remembered = store.memo.get(key)
        if remembered is not None and remembered[0] == version:
            return list(remembered[1])
        person = people.person_named(session, activity.id, evaluator)
        if person is None:
            return []
        rubric = activity_rubric(store, session, activity.id)
        cases = register.assigned_cases(session, person.id)
        own, contents = rows.evaluator_sheets(session, person.id, EVALUATION)
        set_aside = calibration.calibration_ids(session, activity.id)
        closed = None
        if set_aside and any(case.id not in set_aside for case in cases):
            live = next(case.id for case in cases if case.id not in set_aside)
            closed = calibration.closed_reason(session, activity.id, person.id, person.name, live)
    by_case = {row.case_file_id: row for row in own}
    files = []
    for case in cases:
        ref = SheetRef(activity.id, case.id, person.id, case.case_no, person.name)
        row = by_case.get(case.id)
        status = row.status if row is not None else NOT_STARTED
        result = None
        sheet = contents[row.id] if row is not None else None
        if sheet is not None:
            try:
                result = score_sheet(rubric, sheet)
            except SheetError:
                result = None
        undecided = sum(1 for item in rubric.items if sheet is None or not sheet.is_decided(item))
        is_calibration = case.id in set_aside
        files.append(AssignedFile(ref, case.facts, status, result, undecided, is_calibration,
                                  None if is_calibration else closed))
    files.sort(key=lambda f: (not f.calibration, f.case.agency, f.case.case_no))  # 样卷 first
    store.memo[key] = (version, tuple(files))
    return files


def case_facts(store: Store, case_file_id: int) -> CaseRecord:
    """One file's register facts (案号, 执法部门, 案由, 当事人, dates, officers)."""
    with store.read() as session:
        return register.case_by_id(session, case_file_id).facts


@dataclass(frozen=True)
class EvaluatorProgress:
    name: str
    unit: str
    role: str
    assigned: int
    not_started: int
    draft: int
    submitted: int
    needs_review: int  # of this person's files, how many wait for 复核
    final: int


@dataclass(frozen=True)
class AgencyProgress:
    agency: str
    files: int
    sheets_due: int
    sheets_submitted: int
    pending: int
    needs_review: int
    final: int
    mean: Decimal | None
    grade: str | None


@dataclass(frozen=True)
class Progress:
    """How far an activity has come: per evaluator, per agency, and the grade counts of final files."""

    results: ActivityResults
    evaluators: tuple[EvaluatorProgress, ...]
    agencies: tuple[AgencyProgress, ...]

    @property
    def files(self) -> int:
        return len(self.results.files)

    def count(self, status: str) -> int:
        """Files of ``status`` (PENDING, NEEDS_REVIEW or FINAL), from the agencies' counts: a page asks on the event
        loop, where going through a province's files would hold up a key."""
        counted = {PENDING: "pending", NEEDS_REVIEW: "needs_review", FINAL: "final"}[status]
        return sum(getattr(a, counted) for a in self.agencies)

    @property
    def sheets_due(self) -> int:
        return sum(a.sheets_due for a in self.agencies)

    @property
    def sheets_submitted(self) -> int:
        return sum(a.sheets_submitted for a in self.agencies)


def progress(store: Store, activity_ref: str) -> Progress:
    """The 组长's dashboard: derived from the activity's results, never stored."""
    return progress_of(activity_results(store, activity_ref, contents=False))


def progress_of(results: ActivityResults) -> Progress:
    """The dashboard of results already computed (the UI keeps them until the data changes)."""
    per_person: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for file in paced(results.files):  # computed in a worker of the UI: a key pressed meanwhile comes first (pingcha.pacing)
        sheets = {s.evaluator: s for s in file.sheets}
        for name in file.evaluators:
            counts = per_person[name]
            counts["assigned"] += 1
            sheet = sheets.get(name)
            status = sheet.status if sheet is not None else NOT_STARTED
            counts[{NOT_STARTED: "not_started", SheetStatus.DRAFT: "draft"}.get(status, "submitted")] += 1
            if file.status == NEEDS_REVIEW:
                counts["needs_review"] += 1
            elif file.status == FINAL:
                counts["final"] += 1
    evaluators = tuple(
        EvaluatorProgress(
            p.name, p.unit, p.role, *(per_person[p.name][k] for k in
                                      ("assigned", "not_started", "draft", "submitted", "needs_review", "final"))
        )
        for p in sorted(results.evaluators, key=lambda p: (p.role != Role.LEADER, p.name))
    )
    by_agency: dict[str, list] = defaultdict(list)
    for file in paced(results.files, 4096):
        by_agency[file.case.agency].append(file)
    means = {a.agency: a for a in results.agencies}
    agencies = []
    for agency in sorted(by_agency):
        pause()
        group = by_agency[agency]
        agencies.append(AgencyProgress(
            agency, len(group),
            sum(len(f.evaluators) for f in group),
            sum(1 for f in group for s in f.sheets if s.status != SheetStatus.DRAFT),
            sum(f.status == PENDING for f in group),
            sum(f.status == NEEDS_REVIEW for f in group),
            sum(f.status == FINAL for f in group),
            means[agency].mean if agency in means else None,
            means[agency].grade if agency in means else None,
        ))
    return Progress(results, evaluators, tuple(agencies))
