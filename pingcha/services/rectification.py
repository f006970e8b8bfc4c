"""整改 (§11): once the 通报 is issued, every file graded 不合格 in it is an item of its agency with a deadline;
the agency's reply is recorded by a 组长, then accepted (已销号) or sent back with a reason. All audited."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from pingcha import clock
from pingcha.errors import UserError
from pingcha.policy import LeaderAction
from pingcha.rectification import check_reply_date, is_overdue, next_status
from pingcha.results import FINAL, ActivityResults
from pingcha.services import access
from pingcha.services.activities import find_activity
from pingcha.services.results import activity_results
from pingcha.store import Store
from pingcha.store import rectification as stored
from pingcha.store import register
from pingcha.store.audit import record
from pingcha.store.rectification import IssueRecord
from pingcha.vocabulary import RectificationAction, RectificationStatus

AUDIT_ACTIONS = {RectificationAction.REPLY: "录入整改反馈", RectificationAction.ACCEPT: "整改销号",
                 RectificationAction.REJECT: "退回整改"}


def not_issued(activity: str) -> str:
    return (f"评查活动“{activity}”的通报尚未印发：整改事项在通报印发（pingcha report bulletin）后才产生，"
            "目前没有可以录入的整改情况")


@dataclass(frozen=True)
class Step:
    """One step of an item's history."""

    action: str  # a RectificationAction value
    on: date
    actor: str
    text: str

    def to_json(self) -> dict:
        return {"action": self.action, "on": self.on.isoformat(), "by": self.actor, "text": self.text}


@dataclass(frozen=True)
class Item:
    """整改事项: one 不合格 file of an agency, its deadline and where it stands."""

    case_no: str
    agency: str
    cause: str
    score: str
    status: str  # a RectificationStatus value
    deadline: date
    overdue: bool
    replied_on: date | None
    history: tuple[Step, ...]

    @property
    def last_reason(self) -> str:
        """Why the item was last sent back, while it waits for a new reply."""
        if self.status != RectificationStatus.OPEN:
            return ""
        back = [s for s in self.history if s.action == RectificationAction.REJECT]
        return back[-1].text if back else ""

    def to_json(self) -> dict:
        return {"case_no": self.case_no, "agency": self.agency, "status": self.status,
                "deadline": self.deadline.isoformat(), "overdue": self.overdue,
                "replied_on": self.replied_on.isoformat() if self.replied_on else None,
                "history": [s.to_json() for s in self.history]}


@dataclass(frozen=True)
class AgencyTally:
    agency: str
    items: int
    done: int  # 已销号
    replied: int  # 已反馈, awaiting the 组长
    pending: int  # not 已销号
    overdue: int


@dataclass(frozen=True)
class Rectification:
    """An activity's 整改 as of ``today``: the 通报's issue (None before it) and every item, overdue first."""

    activity: str
    issue: IssueRecord | None
    today: date
    items: tuple[Item, ...]

    def to_json(self) -> dict:
        return {"activity": self.activity, "items": [i.to_json() for i in self.items]}

    def agencies(self) -> list[AgencyTally]:
        """Per agency, most overdue first, then by name."""
        by_agency: dict[str, list[Item]] = defaultdict(list)
        for item in self.items:
            by_agency[item.agency].append(item)
        tallies = [AgencyTally(agency, len(group), sum(i.status == RectificationStatus.CLOSED for i in group),
                               sum(i.status == RectificationStatus.REPLIED for i in group),
                               sum(i.status != RectificationStatus.CLOSED for i in group),
                               sum(i.overdue for i in group))
                   for agency, group in by_agency.items()]
        return sorted(tallies, key=lambda t: (-t.overdue, -t.pending, t.agency))

    def count(self, status: str) -> int:
        return sum(i.status == status for i in self.items)

    @property
    def overdue(self) -> int:
        return sum(i.overdue for i in self.items)


def failing_files(results: ActivityResults):
    """The final files of the worst grade (不合格 in the shipped rubric): what a 通报 makes items of."""
    worst = results.rubric.grades[-1].name
    return [f for f in results.files if f.status == FINAL and f.grade == worst]


def issue_bulletin(store: Store, activity_ref: str, actor: str, issue_date: date, deadline: date) -> list[str]:
    """Record that the 通报 was issued (its 成文日期 and 整改 deadline): each 不合格 file not yet an item becomes
    one, due by ``deadline``. Returns the 案号 of the new items. Issuing again adds only files newly 不合格."""
    results = activity_results(store, activity_ref)
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        access.require_leader(session, activity.id, actor, LeaderAction.REPORT)
        if deadline <= issue_date:
            raise UserError(f"整改截止日期 {deadline.isoformat()} 应晚于通报的成文日期 {issue_date.isoformat()}")
        issue = stored.add_issue(session, activity.id, issue_date, deadline, actor)
        known = {i.case_file_id for i in stored.items(session, activity.id)}
        cases = register.cases_numbered(session, activity.id, [f.case.case_no for f in failing_files(results)])
        new = [case for case in sorted(cases.values(), key=lambda c: (c.agency, c.case_no)) if case.id not in known]
        stored.add_items(session, activity.id, issue.id, [c.id for c in new], deadline, issue_date, actor,
                         f"通报评为{results.rubric.grades[-1].name}，限{deadline.isoformat()}前整改")
        record(session, actor, "rectification", "印发通报", activity_id=activity.id,
               after={"issue_date": issue_date.isoformat(), "deadline": deadline.isoformat(),
                      "items": [c.case_no for c in new]})
        for case in new:
            record(session, actor, "rectification", "列入整改", activity_id=activity.id, case_no=case.case_no,
                   after={"status": RectificationStatus.OPEN, "deadline": deadline.isoformat()})
    return [c.case_no for c in new]


def rectification(store: Store, activity_ref: str, today: date | None = None) -> Rectification:
    """The items as of ``today`` (default: the clock's), overdue first, then by deadline, agency and 案号."""
    today = today or clock.today()
    results = activity_results(store, activity_ref)
    facts = {f.case.case_no: f for f in results.files}
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        issued = stored.issues(session, activity.id)
        rows = stored.items(session, activity.id)
        steps = stored.history(session, activity.id)
    items = []
    for row in rows:
        file = facts.get(row.case_no)
        items.append(Item(
            row.case_no, row.agency, file.case.cause if file else "",
            str(file.score) if file is not None and file.score is not None else "",
            row.status, row.deadline, is_overdue(row.deadline, row.status, today), row.replied_on,
            tuple(Step(s.action, s.on_date, s.actor, s.text) for s in steps.get(row.id, ()))))
    items.sort(key=lambda i: (not i.overdue, i.status == RectificationStatus.CLOSED, i.deadline, i.agency, i.case_no))
    return Rectification(activity.name, issued[0] if issued else None, today, tuple(items))


def require_issued(view: Rectification) -> Rectification:
    if view.issue is None:
        raise UserError(not_issued(view.activity))
    return view


def decide(store: Store, activity_ref: str, case_no: str, actor: str, action: RectificationAction, text: str = "",
           on: date | None = None) -> Item:
    """A 组长 records the agency's reply, accepts it (已销号) or sends it back with a reason; ``on``: the day it
    happened (default today), not before the 通报 and not in the future."""
    today = clock.today()
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        access.require_leader(session, activity.id, actor, LeaderAction.RECTIFY)
        issued = stored.issues(session, activity.id)
        if not issued:
            raise UserError(not_issued(activity.name))
        case_no = case_no.strip()
        item = stored.item_for_case(session, activity.id, case_no, lock=True)
        if item is None:
            raise UserError(f"案卷“{case_no}”不是本次评查的整改事项：只有通报中评为不合格的案卷需要整改"
                            f"（pingcha rectify {activity.name} 列出全部整改事项）")
        status = next_status(case_no, item.status, action, text)
        day = on or today
        check_reply_date(case_no, day, issued[0].issue_date, today)
        replied_on = day if action == RectificationAction.REPLY else item.replied_on
        stored.set_status(session, item.id, status, replied_on)
        stored.add_event(session, item.id, action, day, actor, text.strip())
        record(session, actor, "rectification", AUDIT_ACTIONS[action], activity_id=activity.id, case_no=case_no,
               before={"status": item.status},
               after={"status": status, "text": text.strip(), "on": day.isoformat()})
    return next(i for i in rectification(store, activity_ref, today).items if i.case_no == case_no)


def issue_with_settings(store: Store, activity_ref: str, actor: str, results: ActivityResults,
                        overrides: dict | None = None) -> tuple[date, list[str]]:
    """After a 通报 is written: record its issue with the 成文日期 and 整改截止日期 the document states (the
    ``issue_date`` setting plus ``deadline_days``, or the ``deadline`` setting). Returns (deadline, new items)."""
    from pingcha.reports.settings import resolve

    # The dates do not follow from the period and scope the document states, which take a pass over every sheet.
    settings = resolve(results.settings, overrides, activity=results.activity, period="", scope="")
    return settings.deadline, issue_bulletin(store, activity_ref, actor, settings.issue_date, settings.deadline)
