"""复核: the files whose sheets disagree, and the 组长's reconciled sheet that settles one."""

from __future__ import annotations

from sqlmodel import select

from pingcha.errors import UserError
from pingcha.results import NEEDS_REVIEW, PENDING, FileResult
from pingcha.scoring import Sheet, SheetError, SheetResult, canonical_codes, check_sheet, score_sheet
from pingcha.services.activities import find_activity, info_of
from pingcha.services.results import activity_results
from pingcha.services.sheets import DRAFT, RECONCILED, REVIEW, SheetRef, SheetState, _replace_contents, _row, sheet_of
from pingcha.store import Store
from pingcha.store.audit import record
from pingcha.store.models import CaseFile, Evaluator, ScoreSheet, now


def review_queue(store: Store, activity_ref: str) -> list[FileResult]:
    return [f for f in activity_results(store, activity_ref).files if f.status == NEEDS_REVIEW]


def _leader(session, activity_id: int, actor: str) -> Evaluator:
    leader = session.exec(select(Evaluator).where(Evaluator.activity_id == activity_id, Evaluator.name == actor)).first()
    if leader is None or leader.role != "组长":
        raise UserError(f"只有组长可以录入复核结果；“{actor}”不是本次评查活动的组长（用 --as 指定组长姓名）")
    return leader


def _reviewable(store: Store, activity_ref: str, case_no: str) -> FileResult:
    current = next((f for f in activity_results(store, activity_ref).files if f.case.case_no == case_no), None)
    if current is None:
        raise UserError(f"案卷“{case_no}”不在本次评查的抽查范围内")
    if current.status == PENDING:
        raise UserError(f"案卷“{case_no}”还有评查表未提交，不能复核")
    return current


def open_review(store: Store, activity_ref: str, case_no: str, actor: str, start: Sheet | None = None) -> SheetState:
    """The 组长's draft 复核 sheet for a file, saved change by change like an evaluator's sheet
    (use ``change_sheet`` with the returned ref, then ``confirm_review``). ``start`` replaces the
    draft's contents, e.g. with one evaluator's sheet to adjust; the replaced draft stays in the audit log."""
    _reviewable(store, activity_ref, case_no)
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        rubric = info_of(session, activity).rubric
        leader = _leader(session, activity.id, actor)
        case = session.exec(select(CaseFile).where(CaseFile.activity_id == activity.id, CaseFile.case_no == case_no)).one()
        ref = SheetRef(activity.id, case.id, leader.id, case_no, leader.name, REVIEW)
        row = session.exec(
            select(ScoreSheet).where(ScoreSheet.case_file_id == case.id, ScoreSheet.status_kind == REVIEW)
        ).first()
        if row is None:
            row = ScoreSheet(activity_id=activity.id, case_file_id=case.id, evaluator_id=leader.id,
                             status=DRAFT, status_kind=REVIEW)
            session.add(row)
            session.flush()
        row.evaluator_id = leader.id  # one 复核 sheet per file, held by whichever 组长 works on it
        if start is not None:
            problems = check_sheet(rubric, start)
            if problems:
                raise SheetError(problems)
            before = sheet_of(session, row).to_json()
            _replace_contents(session, rubric, row, start)
            row.status = DRAFT
            record(session, actor, "review", "开始复核", activity_id=activity.id, case_no=case_no,
                   before=before, after={"leader": actor, **start.to_json()})
        session.add(row)
        session.flush()
        return SheetState(ref, sheet_of(session, row, ref), row.status, row.submitted_at)


def draft_review(store: Store, activity_ref: str, case_no: str) -> Sheet | None:
    """The unconfirmed 复核 draft of a file, if a 组长 has begun one."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        row = session.exec(
            select(ScoreSheet).join(CaseFile, CaseFile.id == ScoreSheet.case_file_id).where(
                CaseFile.activity_id == activity.id, CaseFile.case_no == case_no,
                ScoreSheet.status_kind == REVIEW, ScoreSheet.status == DRAFT)
        ).first()
        return sheet_of(session, row) if row is not None else None


def confirm_review(store: Store, ref: SheetRef, actor: str) -> SheetResult:
    """Settle the file with the 组长's draft 复核 sheet as it now stands."""
    with store.read() as session:
        row = _row(session, ref)
        if row is None:
            raise UserError(f"案卷“{ref.case_no}”还没有复核评查表")
        sheet = sheet_of(session, row)
        activity = find_activity(session, str(ref.activity_id))
    return reconcile(store, activity.name, ref.case_no, sheet, actor)


def reconcile(store: Store, activity_ref: str, case_no: str, sheet: Sheet, actor: str) -> SheetResult:
    """Record the 组长's settled sheet for a file; it becomes the file's final result."""
    current = _reviewable(store, activity_ref, case_no)
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        rubric = info_of(session, activity).rubric
        leader = _leader(session, activity.id, actor)
        if not sheet.comment.strip():
            raise UserError(f"录入“{case_no}”的复核结果须写明集体评议意见（复核评查表的 comment；界面中按 m 填写），"
                            "它将印在评查表上")
        sheet = canonical_codes(rubric, sheet)
        problems = check_sheet(rubric, sheet)
        if problems:
            raise SheetError(problems)
        case = session.exec(select(CaseFile).where(CaseFile.activity_id == activity.id, CaseFile.case_no == case_no)).one()
        row = session.exec(
            select(ScoreSheet).where(ScoreSheet.case_file_id == case.id, ScoreSheet.status_kind == REVIEW)
        ).first()
        before = None
        if row is None:
            row = ScoreSheet(activity_id=activity.id, case_file_id=case.id, evaluator_id=leader.id, status_kind=REVIEW)
        elif row.status == RECONCILED:
            before = {"leader": actor, **sheet_of(session, row).to_json()}
        row.evaluator_id = leader.id
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
