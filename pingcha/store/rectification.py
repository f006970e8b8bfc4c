"""整改 in SQL: the issued 通报, the items it made and each item's history, as plain records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from pingcha.store.models import Agency, BulletinIssue, CaseFile, RectificationEvent, RectificationItem, now

ISSUE = BulletinIssue.__table__
ITEM = RectificationItem.__table__
EVENT = RectificationEvent.__table__
CASE = CaseFile.__table__
AGENCY = Agency.__table__


@dataclass(frozen=True)
class IssueRecord:
    id: int
    activity_id: int
    issue_date: date
    deadline: date
    issued_at: datetime
    issued_by: str


@dataclass(frozen=True)
class ItemRecord:
    id: int
    case_file_id: int
    case_no: str
    agency: str
    status: str
    deadline: date
    replied_on: date | None


@dataclass(frozen=True)
class EventRecord:
    action: str
    on_date: date
    at: datetime
    actor: str
    text: str


def add_issue(session: Session, activity_id: int, issue_date: date, deadline: date, actor: str) -> IssueRecord:
    session.execute(insert(ISSUE).values(
        activity_id=activity_id, issue_date=issue_date, deadline=deadline, issued_at=now(), issued_by=actor,
    ))
    return issues(session, activity_id)[-1]


def issues(session: Session, activity_id: int) -> list[IssueRecord]:
    """Every issue of the activity's 通报, oldest first."""
    query = select(ISSUE.c.id, ISSUE.c.activity_id, ISSUE.c.issue_date, ISSUE.c.deadline, ISSUE.c.issued_at,
                   ISSUE.c.issued_by).where(ISSUE.c.activity_id == activity_id).order_by(ISSUE.c.id)
    return [IssueRecord(*row) for row in session.execute(query)]


def issued_count(session: Session, activity_id: int) -> int:
    return session.execute(select(func.count()).select_from(ISSUE).where(ISSUE.c.activity_id == activity_id)).scalar_one()


_ITEM_COLUMNS = (ITEM.c.id, ITEM.c.case_file_id, CASE.c.case_no, AGENCY.c.name, ITEM.c.status, ITEM.c.deadline,
                 ITEM.c.replied_on)


def _items(session: Session, *conditions, lock: bool = False) -> list[ItemRecord]:
    query = (select(*_ITEM_COLUMNS).join(CASE, CASE.c.id == ITEM.c.case_file_id)
             .join(AGENCY, AGENCY.c.id == CASE.c.agency_id).where(*conditions).order_by(ITEM.c.id))
    if lock:
        query = query.with_for_update(of=ITEM)
    return [ItemRecord(*row) for row in session.execute(query)]


def items(session: Session, activity_id: int) -> list[ItemRecord]:
    return _items(session, ITEM.c.activity_id == activity_id)


def item_for_case(session: Session, activity_id: int, case_no: str, lock: bool = False) -> ItemRecord | None:
    found = _items(session, ITEM.c.activity_id == activity_id, CASE.c.case_no == case_no, lock=lock)
    return found[0] if found else None


def add_items(session: Session, activity_id: int, issue_id: int, case_file_ids: Iterable[int], deadline: date,
              on_date: date, actor: str, note: str) -> None:
    """New items (待整改) for these files, each with its first history step (列入)."""
    for case_file_id in case_file_ids:
        item_id = session.execute(insert(ITEM).values(
            activity_id=activity_id, case_file_id=case_file_id, issue_id=issue_id, status="待整改", deadline=deadline,
            replied_on=None)).inserted_primary_key[0]
        add_event(session, item_id, "列入", on_date, actor, note)


def add_event(session: Session, item_id: int, action: str, on_date: date, actor: str, text: str) -> None:
    session.execute(insert(EVENT).values(item_id=item_id, action=action, on_date=on_date, at=now(), actor=actor,
                                         text=text))


def set_status(session: Session, item_id: int, status: str, replied_on: date | None) -> None:
    session.execute(update(ITEM).where(ITEM.c.id == item_id).values(status=status, replied_on=replied_on))


def history(session: Session, activity_id: int) -> dict[int, list[EventRecord]]:
    """Each item's steps in the order they were taken, by item id."""
    query = (select(EVENT.c.item_id, EVENT.c.action, EVENT.c.on_date, EVENT.c.at, EVENT.c.actor, EVENT.c.text)
             .join(ITEM, ITEM.c.id == EVENT.c.item_id).where(ITEM.c.activity_id == activity_id)
             .order_by(EVENT.c.id))
    found: dict[int, list[EventRecord]] = defaultdict(list)
    for item_id, *rest in session.execute(query):
        found[item_id].append(EventRecord(*rest))
    return dict(found)
