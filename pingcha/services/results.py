"""An activity's results (§2, §4): derived from the sheet rows each time, never stored."""

from __future__ import annotations

import json
from collections import defaultdict

from sqlmodel import Session, select

from pingcha.results import (
    FINAL, NEEDS_REVIEW, PENDING, ActivityResults, AgencyResult, CaseFile as CaseRecord, Evaluator as Person,
    FileResult, SheetView,
)
from pingcha.scoring import Sheet, SheetError, agency_mean, combine, score_sheet
from pingcha.services.activities import find_activity, info_of
from pingcha.services.sheets import DRAFT, RECONCILED, REVIEW
from pingcha.store import Store
from pingcha.store.audit import last_entry_id
from pingcha.store.models import Agency, Assignment, CaseFile, Evaluator, ScoreSheet, SheetDeduction, SheetMark


def case_record(row: CaseFile, agency: str) -> CaseRecord:
    return CaseRecord(
        case_no=row.case_no, agency=agency, cause=row.cause, party=row.party, party_type=row.party_type,
        procedure=row.procedure, decision=row.decision, filed_on=row.filed_on, decided_on=row.decided_on,
        served_on=row.served_on, closed_on=row.closed_on,
        officers=tuple(o for o in row.officers.split("、") if o), extra=json.loads(row.extra or "{}"),
    )


def _sheets(session: Session, activity_id: int) -> dict[int, Sheet]:
    """Every sheet of the activity, built from three bulk queries rather than one per sheet."""
    deductions: dict[int, dict[str, int]] = defaultdict(dict)
    notes: dict[int, dict[str, str]] = defaultdict(dict)
    na: dict[int, set[str]] = defaultdict(set)
    veto: dict[int, set[str]] = defaultdict(set)
    sheet_ids = select(ScoreSheet.id).where(ScoreSheet.activity_id == activity_id)
    for sheet_id, code, count, note in session.exec(
        select(SheetDeduction.sheet_id, SheetDeduction.code, SheetDeduction.count, SheetDeduction.note)
        .where(SheetDeduction.sheet_id.in_(sheet_ids))
    ):
        if count:
            deductions[sheet_id][code] = count
        if note:
            notes[sheet_id][code] = note
    for sheet_id, kind, code, note in session.exec(
        select(SheetMark.sheet_id, SheetMark.kind, SheetMark.code, SheetMark.note).where(SheetMark.sheet_id.in_(sheet_ids))
    ):
        if kind == "na":
            na[sheet_id].add(code)
        elif kind == "veto":
            veto[sheet_id].add(code)
        elif note:
            notes[sheet_id][code] = note
    rows = session.exec(select(ScoreSheet.id, ScoreSheet.comment).where(ScoreSheet.activity_id == activity_id)).all()
    return {
        sheet_id: Sheet(deductions=deductions[sheet_id], na=frozenset(na[sheet_id]), veto=frozenset(veto[sheet_id]),
                        notes=notes[sheet_id], comment=comment)
        for sheet_id, comment in rows
    }


def data_version(store: Store) -> int:
    """Changes when anything is changed (each change writes one audit row), so derived views can be kept until then."""
    with store.read() as session:
        return last_entry_id(session)


def activity_results(store: Store, activity_ref: str) -> ActivityResults:
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        info = info_of(session, activity)
        rubric = info.rubric
        agencies = {a.id: a.name for a in session.exec(select(Agency).where(Agency.activity_id == activity.id))}
        people = {p.id: p for p in session.exec(select(Evaluator).where(Evaluator.activity_id == activity.id))}
        all_files = session.exec(select(CaseFile).where(CaseFile.activity_id == activity.id)).all()
        drawn = sorted((f for f in all_files if f.draw_id is not None), key=lambda f: (agencies[f.agency_id], f.case_no))
        team: dict[int, list[int]] = defaultdict(list)
        for case_id, person_id in session.exec(
            select(Assignment.case_file_id, Assignment.evaluator_id).where(Assignment.activity_id == activity.id)
        ):
            team[case_id].append(person_id)
        contents = _sheets(session, activity.id)
        rows: dict[tuple[int, int, str], ScoreSheet] = {
            (r.case_file_id, r.evaluator_id, r.status_kind): r
            for r in session.exec(select(ScoreSheet).where(ScoreSheet.activity_id == activity.id))
        }
        reviews: dict[int, ScoreSheet] = {
            r.case_file_id: r for r in rows.values() if r.status_kind == REVIEW and r.status == RECONCILED
        }

        def view(row: ScoreSheet, reconciled: bool = False) -> SheetView:
            sheet = contents[row.id]
            try:
                result = score_sheet(rubric, sheet)
            except SheetError:
                result = None
            return SheetView(people[row.evaluator_id].name, row.status, sheet, result, row.submitted_at, reconciled)

        files = []
        for case in drawn:
            members = sorted(team[case.id], key=lambda pid: people[pid].name)
            views = [view(rows[(case.id, pid, "evaluation")]) for pid in members if (case.id, pid, "evaluation") in rows]
            review = view(reviews[case.id], reconciled=True) if case.id in reviews else None
            record = case_record(case, agencies[case.agency_id])
            names = tuple(people[pid].name for pid in members)
            submitted = [v for v in views if v.status != DRAFT and v.result is not None]
            if review is not None and review.result is not None:
                result = FileResult(record, FINAL, review.result.score, review.result.grade, names, tuple(views), review)
            elif not members or len(submitted) < len(members):
                result = FileResult(record, PENDING, None, None, names, tuple(views))
            else:
                outcome = combine(rubric, [v.result for v in submitted], info.spread)
                result = FileResult(record, outcome.status, outcome.score, outcome.grade, names, tuple(views),
                                    None, outcome.reasons)
            files.append(result)

        by_agency: dict[str, list[FileResult]] = defaultdict(list)
        for f in files:
            by_agency[f.case.agency].append(f)
        agency_results = []
        for name, group in by_agency.items():
            finals = [f.score for f in group if f.status == FINAL]
            mean, grade = agency_mean(rubric, finals)
            agency_results.append(AgencyResult(
                name, len(group), len(finals), sum(f.status == PENDING for f in group),
                sum(f.status == NEEDS_REVIEW for f in group), mean, grade,
            ))
        agency_results.sort(key=lambda a: (a.mean is None, -(a.mean or 0), a.agency))
        return ActivityResults(
            activity=activity.name, activity_id=activity.id, rubric=rubric, created_at=activity.created_at,
            per_file=activity.per_file, spread=info.spread,
            evaluators=tuple(Person(p.name, p.unit, p.role) for p in sorted(people.values(), key=lambda p: p.name)),
            files=tuple(files), agencies=tuple(agency_results), settings=info.settings,
            register_size=len(all_files), register_agencies=len({f.agency_id for f in all_files}),
        )
