"""复核: the files whose sheets disagree, and the 组长's reconciled sheet that settles one."""

from __future__ import annotations

from sqlmodel import select

from pingcha.errors import UserError
from pingcha.results import NEEDS_REVIEW, PENDING, FileResult
from pingcha.scoring import Sheet, SheetError, SheetResult, check_sheet, score_sheet
from pingcha.services.activities import find_activity, info_of
from pingcha.services.results import activity_results
from pingcha.services.sheets import RECONCILED, REVIEW, SheetRef, _replace_contents, _row, sheet_of
from pingcha.store import Store
from pingcha.store.audit import record
from pingcha.store.models import CaseFile, Evaluator, ScoreSheet, now


def review_queue(store: Store, activity_ref: str) -> list[FileResult]:
    return [f for f in activity_results(store, activity_ref).files if f.status == NEEDS_REVIEW]


def reconcile(store: Store, activity_ref: str, case_no: str, sheet: Sheet, actor: str) -> SheetResult:
    """Record the 组长's settled sheet for a file; it becomes the file's final result."""
    results = activity_results(store, activity_ref)
    current = next((f for f in results.files if f.case.case_no == case_no), None)
    if current is None:
        raise UserError(f"案卷“{case_no}”不在本次评查的抽查范围内")
    if current.status == PENDING:
        raise UserError(f"案卷“{case_no}”还有评查表未提交，不能复核")
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        rubric = info_of(session, activity).rubric
        leader = session.exec(
            select(Evaluator).where(Evaluator.activity_id == activity.id, Evaluator.name == actor)
        ).first()
        if leader is None or leader.role != "组长":
            raise UserError(f"只有组长可以录入复核结果；“{actor}”不是本次评查活动的组长（用 --as 指定组长姓名）")
        problems = check_sheet(rubric, sheet)
        if problems:
            raise SheetError(problems)
        case = session.exec(select(CaseFile).where(CaseFile.activity_id == activity.id, CaseFile.case_no == case_no)).one()
        ref = SheetRef(activity.id, case.id, leader.id, case_no, leader.name, REVIEW)
        existing = session.exec(
            select(ScoreSheet).where(ScoreSheet.case_file_id == case.id, ScoreSheet.status_kind == REVIEW)
        ).first()
        before = None
        if existing is not None:
            before = {"leader": actor, **sheet_of(session, existing).to_json()}
            row = existing
            row.evaluator_id = leader.id
        else:
            row = _row(session, ref) or ScoreSheet(
                activity_id=activity.id, case_file_id=case.id, evaluator_id=leader.id, status_kind=REVIEW
            )
        row.status = RECONCILED
        row.submitted_at = now()
        session.add(row)
        session.flush()
        _replace_contents(session, rubric, row, sheet)
        result = score_sheet(rubric, sheet)
        record(session, actor, "review", "录入复核结果", activity_id=activity.id, case_no=case_no, before=before,
               after={"leader": actor, "score": str(result.score), "grade": result.grade,
                      "reasons": list(current.reasons), **sheet.to_json()})
        return result
