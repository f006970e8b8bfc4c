"""异议 in SQL: objections to a file's result before the 通报 and their answers, as plain records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from pingcha.store.models import Agency, CaseFile, Objection, now

OBJECTION = Objection.__table__
CASE = CaseFile.__table__
AGENCY = Agency.__table__


@dataclass(frozen=True)
class ObjectionRecord:
    id: int
    number: int
    case_file_id: int
    case_no: str
    agency: str
    item_code: str
    text: str
    status: str
    recorded_at: datetime
    recorded_by: str
    answer: str
    answered_at: datetime | None
    answered_by: str | None
    reviewed: bool


_COLUMNS = (OBJECTION.c.id, OBJECTION.c.number, OBJECTION.c.case_file_id, CASE.c.case_no, AGENCY.c.name,
            OBJECTION.c.item_code, OBJECTION.c.text, OBJECTION.c.status, OBJECTION.c.recorded_at,
            OBJECTION.c.recorded_by, OBJECTION.c.answer, OBJECTION.c.answered_at, OBJECTION.c.answered_by,
            OBJECTION.c.reviewed)


def _objections(session: Session, *conditions, lock: bool = False) -> list[ObjectionRecord]:
    query = (select(*_COLUMNS).join(CASE, CASE.c.id == OBJECTION.c.case_file_id)
             .join(AGENCY, AGENCY.c.id == CASE.c.agency_id).where(*conditions).order_by(OBJECTION.c.number))
    if lock:
        query = query.with_for_update(of=OBJECTION)
    return [ObjectionRecord(*row[:-1], bool(row[-1])) for row in session.execute(query)]


def objections(session: Session, activity_id: int) -> list[ObjectionRecord]:
    return _objections(session, OBJECTION.c.activity_id == activity_id)


def objection_numbered(session: Session, activity_id: int, number: int, lock: bool = False) -> ObjectionRecord | None:
    found = _objections(session, OBJECTION.c.activity_id == activity_id, OBJECTION.c.number == number, lock=lock)
    return found[0] if found else None


def add_objection(session: Session, activity_id: int, case_file_id: int, item_code: str, text: str,
                  actor: str) -> int:
    """A new objection (待答复); returns its number, the next one of the activity."""
    number = session.execute(select(func.coalesce(func.max(OBJECTION.c.number), 0) + 1)
                             .where(OBJECTION.c.activity_id == activity_id)).scalar_one()
    session.execute(insert(OBJECTION).values(
        activity_id=activity_id, number=number, case_file_id=case_file_id, item_code=item_code, text=text,
        status="待答复", recorded_at=now(), recorded_by=actor, answer="", reviewed=False))
    return number


def answer(session: Session, objection_id: int, status: str, reason: str, actor: str) -> None:
    session.execute(update(OBJECTION).where(OBJECTION.c.id == objection_id).values(
        status=status, answer=reason, answered_at=now(), answered_by=actor))


def reopening(session: Session, activity_id: int) -> dict[int, list[ObjectionRecord]]:
    """Upheld objections whose file has had no 复核 since, by case file id: they send it back to 复核."""
    found: dict[int, list[ObjectionRecord]] = defaultdict(list)
    for record in _objections(session, OBJECTION.c.activity_id == activity_id, OBJECTION.c.status == "已采纳",
                              OBJECTION.c.reviewed.is_(False)):
        found[record.case_file_id].append(record)
    return dict(found)


def mark_reviewed(session: Session, case_file_id: int) -> list[int]:
    """A 复核 has settled the file: its upheld objections are answered by it. Returns their numbers."""
    numbers = list(session.execute(select(OBJECTION.c.number).where(
        OBJECTION.c.case_file_id == case_file_id, OBJECTION.c.status == "已采纳",
        OBJECTION.c.reviewed.is_(False))).scalars())
    if numbers:
        session.execute(update(OBJECTION).where(
            OBJECTION.c.case_file_id == case_file_id, OBJECTION.c.status == "已采纳",
            OBJECTION.c.reviewed.is_(False)).values(reviewed=True))
    return numbers


def counts(session: Session, activity_id: int) -> dict[str, int]:
    """How many objections stand in each status, and under ``reviewed`` how many upheld ones a 复核 has settled."""
    found = dict(session.execute(select(OBJECTION.c.status, func.count()).where(
        OBJECTION.c.activity_id == activity_id).group_by(OBJECTION.c.status)).all())
    if found:
        found["reviewed"] = session.execute(select(func.count()).select_from(OBJECTION).where(
            OBJECTION.c.activity_id == activity_id, OBJECTION.c.reviewed.is_(True))).scalar_one()
    return found
