"""异议: before the 通报, each agency is sent its files' results (``report feedback``); an objection to an item of
a file is recorded by a 组长 on the agency's behalf and answered. Upheld, it sends the file to 复核 with the
objection as its reason (the 复核 then settles it as any other); dismissed, the answer says why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pingcha import clock
from pingcha.errors import UserError
from pingcha.policy import LeaderAction
from pingcha.rectification import answer_objection
from pingcha.results import FINAL, STATUS_LABELS
from pingcha.rubric import Rubric
from pingcha.services import access
from pingcha.services.activities import find_activity, info_of
from pingcha.services.results import activity_results
from pingcha.store import Store, Transaction
from pingcha.store import objections as stored
from pingcha.store import rectification as issues
from pingcha.store import register
from pingcha.store.audit import record
from pingcha.text import code_key
from pingcha.vocabulary import ObjectionStatus

FEEDBACK_DAYS = 7  # the reply-by date, when the ``reply_by`` setting does not give one: days after the feedback


@dataclass(frozen=True)
class ObjectionView:
    number: int
    case_no: str
    agency: str
    item_code: str
    item_title: str
    text: str
    status: str  # an ObjectionStatus value
    recorded_by: str
    recorded_at: datetime
    answer: str
    answered_by: str | None
    reviewed: bool  # upheld, and a 复核 has settled the file since

    @property
    def state(self) -> str:
        """The status as a person reads it: an upheld objection waits for its 复核, then is settled."""
        if self.status == ObjectionStatus.UPHELD:
            return "已采纳，已复核" if self.reviewed else "已采纳，待复核"
        return self.status

    def to_json(self) -> dict:
        return {"number": self.number, "case_no": self.case_no, "agency": self.agency, "item": self.item_code,
                "item_title": self.item_title, "text": self.text, "status": self.status, "reviewed": self.reviewed,
                "answer": self.answer, "recorded_by": self.recorded_by, "answered_by": self.answered_by}


def _title(rubric: Rubric, code: str) -> str:
    known = rubric.item_by_code.get(code) or rubric.veto_by_code.get(code)
    return known.title if known is not None else ""


def item_of(rubric: Rubric, code: str) -> str:
    """The item (or veto) an objection names: typed in any width or case; a deduction code names its item."""
    key = code_key(code)
    by_key = {code_key(c): c for c in (*rubric.item_by_code, *rubric.veto_by_code)}
    if key in by_key:
        return by_key[key]
    deductions = {code_key(c): c for c in rubric.deduction_by_code}
    if key in deductions:
        return rubric.item_of_deduction[deductions[key]].code
    raise UserError(f"评分标准 {rubric.key} 中没有编号为“{code.strip()}”的评查项目或否决项（如 D12、V1）")


def _before_bulletin(session: Transaction, activity_id: int, what: str) -> None:
    if issues.issued_count(session, activity_id):
        raise UserError(f"本次评查的通报已经印发：异议须在通报印发前{what}，通报印发后请按整改程序办理（pingcha rectify）")


def objection_list(store: Store, activity_ref: str) -> list[ObjectionView]:
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        rubric = info_of(session, activity).rubric
        return [ObjectionView(o.number, o.case_no, o.agency, o.item_code, _title(rubric, o.item_code), o.text,
                              o.status, o.recorded_by, o.recorded_at, o.answer, o.answered_by, o.reviewed)
                for o in stored.objections(session, activity.id)]


def record_objection(store: Store, activity_ref: str, case_no: str, item_code: str, text: str,
                     actor: str) -> ObjectionView:
    """An agency's objection to one item of a final file's result, recorded by a 组长 before the 通报."""
    results = activity_results(store, activity_ref)
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        access.require_leader(session, activity.id, actor, LeaderAction.OBJECTION)
        _before_bulletin(session, activity.id, "提出")
        file = next((f for f in results.files if f.case.case_no == case_no.strip()), None)
        if file is None:
            raise UserError(f"案卷“{case_no}”不在本次评查的抽查范围内")
        if file.status != FINAL:
            raise UserError(f"案卷“{case_no}”的评查结果尚未确定（{STATUS_LABELS[file.status]}），"
                            "结果确定并反馈后才能提出异议")
        code = item_of(results.rubric, item_code)
        text = text.strip()
        if not text:
            raise UserError("请写明异议的内容（--text 执法部门提出的理由）")
        case = register.case_by_no(session, activity.id, file.case.case_no)
        number = stored.add_objection(session, activity.id, case.id, code, text, actor)
        record(session, actor, "objection", "录入异议", activity_id=activity.id, case_no=case.case_no,
               after={"number": number, "item": code, "text": text, "agency": case.agency})
    return next(o for o in objection_list(store, activity_ref) if o.number == number)


def answer(store: Store, activity_ref: str, number: int, actor: str, uphold: bool, reason: str = "") -> ObjectionView:
    """Uphold an objection (the file goes to 复核 with it as the reason) or dismiss it, saying why."""
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        access.require_leader(session, activity.id, actor, LeaderAction.OBJECTION)
        found = stored.objection_numbered(session, activity.id, number, lock=True)
        if found is None:
            raise UserError(f"没有第 {number} 号异议（pingcha objection {activity.name} 列出全部异议）")
        _before_bulletin(session, activity.id, "答复")
        status = answer_objection(number, found.status, uphold, reason)
        stored.answer(session, found.id, status, reason.strip(), actor)
        record(session, actor, "objection", "采纳异议" if uphold else "不采纳异议", activity_id=activity.id,
               case_no=found.case_no, before={"number": number, "status": found.status},
               after={"number": number, "status": status, "reason": reason.strip(), "item": found.item_code})
    return next(o for o in objection_list(store, activity_ref) if o.number == number)


def settle_objections(session: Transaction, activity_id: int, case_file_id: int, case_no: str, actor: str,
                      result) -> None:
    """A 复核 was recorded on the file: the upheld objections that sent it there are settled by it (audited)."""
    numbers = stored.mark_reviewed(session, case_file_id)
    if numbers:
        record(session, actor, "objection", "异议经复核办结", activity_id=activity_id, case_no=case_no,
               after={"numbers": numbers, "score": str(result.score), "grade": result.grade})


def reply_by(settings: dict, today: date | None = None) -> date:
    """The date agencies must object by: the ``reply_by`` setting, else ``FEEDBACK_DAYS`` after today."""
    from pingcha.reports.settings import parse_date

    given = str(settings.get("reply_by", "") or "").strip()
    return parse_date(given, "reply_by") if given else (today or clock.today()) + timedelta(days=FEEDBACK_DAYS)


def record_feedback(store: Store, activity_ref: str, actor: str, due: date, agencies: list[str]) -> None:
    """Note that the results were sent to the agencies for their objections (``report feedback``)."""
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        access.require_leader(session, activity.id, actor, LeaderAction.REPORT)
        record(session, actor, "objection", "反馈评查结果", activity_id=activity.id,
               after={"reply_by": due.isoformat(), "agencies": agencies})


def send_feedback(store: Store, activity_ref: str, actor: str, results, out_dir, *, templates=None,
                  overrides: dict | None = None, mask_companies: bool = False):
    """Write each agency's 评查结果反馈单 into ``out_dir`` and note that they were sent. Returns (paths, reply-by)."""
    from pingcha.reports.rectification import render_feedback
    from pingcha.reports.settings import check_settings

    problems = check_settings(overrides or {})
    if problems:
        raise UserError("；".join(problems))
    due = reply_by({**results.settings, **(overrides or {})})
    paths = render_feedback(results, out_dir, reply_by=due, as_of=clock.today(), templates=templates,
                            overrides={k: v for k, v in (overrides or {}).items() if k != "reply_by"},
                            mask_companies=mask_companies)
    record_feedback(store, activity_ref, actor, due, sorted({f.case.agency for f in results.files}))
    return paths, due
