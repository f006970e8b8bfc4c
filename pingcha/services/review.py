"""复核: the files whose sheets disagree, and the 组长's reconciled sheet that settles one."""

from __future__ import annotations

from pingcha.errors import Refused, UserError
from pingcha.policy import LeaderAction
from pingcha.results import NEEDS_REVIEW, PENDING, FileResult
from pingcha.scoring import Sheet, SheetError, SheetResult, canonical_codes, check_sheet, score_sheet, stored_score
from pingcha.services import access
from pingcha.services.activities import find_activity
from pingcha.services.objections import settle_objections
from pingcha.services.results import activity_results
from pingcha.services.sheets import (
    DRAFT, RECONCILED, REVIEW, SheetRef, SheetState, activity_rubric, find_row, sheet_of, write_contents,
)
from pingcha.store import Store, Transaction
from pingcha.store import activities as people
from pingcha.store import register
from pingcha.store import sheets as rows
from pingcha.store.audit import record
from pingcha.vocabulary import Role, SheetStatus


def review_queue(store: Store, activity_ref: str) -> list[FileResult]:
    return [f for f in activity_results(store, activity_ref, contents=False).files
            if f.status == NEEDS_REVIEW]


def _leader(session: Transaction, activity_id: int, actor: str, current: FileResult) -> people.PersonRecord:
    """The 组长 recording a file's 复核, who submitted no sheet on it (§10)."""
    leader = people.person_named(session, activity_id, actor)
    if leader is None or leader.role != Role.LEADER:
        raise Refused(f"只有组长可以录入复核结果；“{actor}”不是本次评查活动的组长（用 --as 指定组长姓名）",
                      actor, LeaderAction.REVIEW.value, activity_id)
    access.require_not_scored(session, activity_id, actor, current.case.case_no,
                              {s.evaluator for s in current.sheets if s.status == SheetStatus.SUBMITTED})
    return leader


def _reviewable(store: Store, activity_ref: str, case_no: str) -> FileResult:
    current = next((f for f in activity_results(store, activity_ref, contents=False).files
                    if f.case.case_no == case_no), None)
    if current is None:
        raise UserError(f"案卷“{case_no}”不在本次评查的抽查范围内")
    if current.status == PENDING:
        raise UserError(f"案卷“{case_no}”还有评查表未提交，不能复核")
    return current


def _review_row(session: Transaction, rubric, activity_id: int, case_file_id: int, leader_id: int) -> rows.SheetRow:
    """The file's one 复核 sheet, created if need be, locked, and held by ``leader_id``."""
    row = rows.review_sheet(session, case_file_id, lock=True)
    if row is None:
        row = rows.create_sheet(session, activity_id, case_file_id, leader_id, REVIEW, stored_score(rubric, Sheet()))
    if row.evaluator_id != leader_id:  # one 复核 sheet per file, held by whichever 组长 works on it
        rows.update_sheet(session, row.id, evaluator_id=leader_id)
        row = row._replace(evaluator_id=leader_id)
    return row


def open_review(store: Store, activity_ref: str, case_no: str, actor: str, start: Sheet | None = None) -> SheetState:
    """The 组长's draft 复核 sheet for a file, saved change by change like an evaluator's sheet
    (use ``change_sheet`` with the returned ref, then ``confirm_review``). ``start`` replaces the
    draft's contents, e.g. with one evaluator's sheet to adjust; the replaced draft stays in the audit log."""
    current = _reviewable(store, activity_ref, case_no)
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        rubric = activity_rubric(store, session, activity.id)
        leader = _leader(session, activity.id, actor, current)
        case = register.case_by_no(session, activity.id, case_no)
        ref = SheetRef(activity.id, case.id, leader.id, case_no, leader.name, REVIEW)
        row = _review_row(session, rubric, activity.id, case.id, leader.id)
        if start is not None:
            problems = check_sheet(rubric, start)
            if problems:
                raise SheetError(problems)
            before = sheet_of(session, row).to_json()
            write_contents(session, rubric, row, start)
            rows.update_sheet(session, row.id, status=DRAFT)
            row = row._replace(status=DRAFT)
            record(session, actor, "review", "开始复核", activity_id=activity.id, case_no=case_no,
                   before=before, after={"leader": actor, **start.to_json()})
        return SheetState(ref, sheet_of(session, row, ref), row.status, row.submitted_at)


def draft_review(store: Store, activity_ref: str, case_no: str) -> Sheet | None:
    """The unconfirmed 复核 draft of a file, if a 组长 has begun one."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        case = register.case_by_no(session, activity.id, case_no)
        row = rows.review_sheet(session, case.id, status=DRAFT) if case is not None else None
        return sheet_of(session, row) if row is not None else None


def confirm_review(store: Store, ref: SheetRef, actor: str) -> SheetResult:
    """Settle the file with the 组长's draft 复核 sheet as it stands when the confirmation commits."""
    with store.read() as session:
        activity = find_activity(session, str(ref.activity_id))
    current = _reviewable(store, activity.name, ref.case_no)
    with store.transaction() as session:
        row = find_row(session, ref, lock=True)
        if row is None:
            raise UserError(f"案卷“{ref.case_no}”还没有复核评查表")
        return _settle(store, session, activity.id, ref.case_no, sheet_of(session, row), actor, current, row)


def reconcile(store: Store, activity_ref: str, case_no: str, sheet: Sheet, actor: str) -> SheetResult:
    """Record the 组长's settled sheet for a file; it becomes the file's final result."""
    if sheet.case_no and sheet.case_no != case_no:
        raise UserError(f"复核评查表中的案号“{sheet.case_no}”与命令中的“{case_no}”不一致")
    current = _reviewable(store, activity_ref, case_no)
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        return _settle(store, session, activity.id, case_no, sheet, actor, current)


def _settle(store: Store, session: Transaction, activity_id: int, case_no: str, sheet: Sheet, actor: str,
            current: FileResult, row: rows.SheetRow | None = None) -> SheetResult:
    rubric = activity_rubric(store, session, activity_id)
    leader = _leader(session, activity_id, actor, current)
    if not sheet.comment.strip():
        raise UserError(f"录入“{case_no}”的复核结果须写明集体评议意见（复核评查表的 comment；界面中按 m 填写），"
                        "它将印在评查表上")
    sheet = canonical_codes(rubric, sheet)
    problems = check_sheet(rubric, sheet)
    if problems:
        raise SheetError(problems)
    if row is None:
        case = register.case_by_no(session, activity_id, case_no)
        row = _review_row(session, rubric, activity_id, case.id, leader.id)
    before = {"leader": actor, **sheet_of(session, row).to_json()} if row.status == RECONCILED else None
    rows.settle_review(session, row.id, leader.id)
    write_contents(session, rubric, row, sheet)
    result = score_sheet(rubric, sheet)
    record(session, actor, "review", "录入复核结果", activity_id=activity_id, case_no=case_no, before=before,
           after={"leader": actor, "score": str(result.score), "grade": result.grade,
                  "reasons": list(current.reasons), **sheet.to_json()})
    settle_objections(session, activity_id, row.case_file_id, case_no, actor, result)
    return result
