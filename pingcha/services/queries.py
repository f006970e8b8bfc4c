"""Read-only views the terminal UI needs: who is on an activity, what each person has to score, how far along
everyone is. Each query is one short transaction (or a view over ``activity_results``); none writes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import select

from pingcha.results import FINAL, NEEDS_REVIEW, PENDING, ActivityResults
from pingcha.results import CaseFile as CaseRecord
from pingcha.scoring import SheetError, SheetResult, score_sheet
from pingcha.services.activities import find_activity, info_of
from pingcha.services.results import _sheets, activity_results, case_record
from pingcha.services.sheets import EVALUATION, SheetRef
from pingcha.store import Store
from pingcha.store.models import Agency, Assignment, CaseFile, Evaluator, ScoreSheet

NOT_STARTED = "未开始"


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
        return self.role == "组长"


@dataclass(frozen=True)
class AssignedFile:
    """A file given to one evaluator, with the state of that evaluator's sheet on it."""

    ref: SheetRef
    case: CaseRecord
    status: str  # 未开始, 草稿 or 已提交
    result: SheetResult | None  # the sheet's score once submitted (None before)


def roster(store: Store, activity_ref: str) -> list[RosterEntry]:
    """The activity's 评查人员, leaders first, then by name."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        people = session.exec(select(Evaluator).where(Evaluator.activity_id == activity.id)).all()
        assigned: dict[int, int] = defaultdict(int)
        for person_id in session.exec(
            select(Assignment.evaluator_id).where(Assignment.activity_id == activity.id)
        ).all():
            assigned[person_id] += 1
        submitted: dict[int, int] = defaultdict(int)
        for person_id in session.exec(
            select(ScoreSheet.evaluator_id).where(
                ScoreSheet.activity_id == activity.id, ScoreSheet.status_kind == EVALUATION, ScoreSheet.status != "草稿"
            )
        ).all():
            submitted[person_id] += 1
        entries = [RosterEntry(p.name, p.unit, p.role, assigned[p.id], submitted[p.id]) for p in people]
    return sorted(entries, key=lambda e: (not e.is_leader, e.name))


def assigned_files(store: Store, activity_ref: str, evaluator: str) -> list[AssignedFile]:
    """The files assigned to ``evaluator``, by agency then case number, each with its sheet's status."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        rubric = info_of(session, activity).rubric
        person = session.exec(
            select(Evaluator).where(Evaluator.activity_id == activity.id, Evaluator.name == evaluator)
        ).first()
        if person is None:
            return []
        agencies = {a.id: a.name for a in session.exec(select(Agency).where(Agency.activity_id == activity.id))}
        cases = session.exec(
            select(CaseFile).join(Assignment, Assignment.case_file_id == CaseFile.id)
            .where(Assignment.evaluator_id == person.id)
        ).all()
        rows = {
            r.case_file_id: r
            for r in session.exec(
                select(ScoreSheet).where(ScoreSheet.evaluator_id == person.id, ScoreSheet.status_kind == EVALUATION)
            )
        }
        contents = _sheets(session, activity.id) if rows else {}
        files = []
        for case in cases:
            ref = SheetRef(activity.id, case.id, person.id, case.case_no, person.name)
            row = rows.get(case.id)
            status = row.status if row is not None else NOT_STARTED
            result = None
            if row is not None and row.status != "草稿":
                try:
                    result = score_sheet(rubric, contents[row.id])
                except SheetError:
                    result = None
            files.append(AssignedFile(ref, case_record(case, agencies[case.agency_id]), status, result))
    return sorted(files, key=lambda f: (f.case.agency, f.case.case_no))


def case_facts(store: Store, case_file_id: int) -> CaseRecord:
    """One file's register facts (案号, 执法部门, 案由, 当事人, dates, officers)."""
    with store.read() as session:
        case = session.get(CaseFile, case_file_id)
        agency = session.get(Agency, case.agency_id)
        return case_record(case, agency.name)


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
        return sum(f.status == status for f in self.results.files)

    @property
    def sheets_due(self) -> int:
        return sum(a.sheets_due for a in self.agencies)

    @property
    def sheets_submitted(self) -> int:
        return sum(a.sheets_submitted for a in self.agencies)


def progress(store: Store, activity_ref: str) -> Progress:
    """The 组长's dashboard: derived from the activity's results, never stored."""
    return progress_of(activity_results(store, activity_ref))


def progress_of(results: ActivityResults) -> Progress:
    """The dashboard of results already computed (the UI keeps them until the data changes)."""
    per_person: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for file in results.files:
        sheets = {s.evaluator: s for s in file.sheets}
        for name in file.evaluators:
            counts = per_person[name]
            counts["assigned"] += 1
            sheet = sheets.get(name)
            status = sheet.status if sheet is not None else NOT_STARTED
            counts[{NOT_STARTED: "not_started", "草稿": "draft"}.get(status, "submitted")] += 1
            if file.status == NEEDS_REVIEW:
                counts["needs_review"] += 1
            elif file.status == FINAL:
                counts["final"] += 1
    evaluators = tuple(
        EvaluatorProgress(
            p.name, p.unit, p.role, *(per_person[p.name][k] for k in
                                      ("assigned", "not_started", "draft", "submitted", "needs_review", "final"))
        )
        for p in sorted(results.evaluators, key=lambda p: (p.role != "组长", p.name))
    )
    by_agency: dict[str, list] = defaultdict(list)
    for file in results.files:
        by_agency[file.case.agency].append(file)
    means = {a.agency: a for a in results.agencies}
    agencies = []
    for agency in sorted(by_agency):
        group = by_agency[agency]
        agencies.append(AgencyProgress(
            agency, len(group),
            sum(len(f.evaluators) for f in group),
            sum(1 for f in group for s in f.sheets if s.status != "草稿"),
            sum(f.status == PENDING for f in group),
            sum(f.status == NEEDS_REVIEW for f in group),
            sum(f.status == FINAL for f in group),
            means[agency].mean if agency in means else None,
            means[agency].grade if agency in means else None,
        ))
    return Progress(results, evaluators, tuple(agencies))
