"""Files a 组长 pinned for the 十大典型案例 (table case_pin), in SQL, as plain records."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlmodel import Session

from pingcha.store.models import CaseFile, CasePin, now

PIN = CasePin.__table__
CASE = CaseFile.__table__


def pinned_case_nos(session: Session, activity_id: int) -> list[str]:
    """The 案号 of the activity's pinned files, in the order they were pinned."""
    return list(session.execute(
        select(CASE.c.case_no).join(PIN, PIN.c.case_file_id == CASE.c.id)
        .where(PIN.c.activity_id == activity_id).order_by(PIN.c.id)).scalars())


def is_pinned(session: Session, case_file_id: int) -> bool:
    return session.execute(select(PIN.c.id).where(PIN.c.case_file_id == case_file_id)).first() is not None


def pin(session: Session, activity_id: int, case_file_id: int, actor: str) -> None:
    session.execute(insert(PIN).values(activity_id=activity_id, case_file_id=case_file_id, pinned_at=now(),
                                       pinned_by=actor))


def unpin(session: Session, case_file_id: int) -> None:
    session.execute(delete(PIN).where(PIN.c.case_file_id == case_file_id))
