"""规范表述 rows: the standard wordings per deduction of a rubric, read and written in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlmodel import Session

from pingcha.store.models import Activity, RubricVersion, Wording, now

WORDING = Wording.__table__


@dataclass(frozen=True)
class WordingRecord:
    id: int
    rubric_id: str
    code: str
    text: str
    created_at: datetime
    created_by: str
    updated_at: datetime
    retired_at: datetime | None
    retired_by: str | None

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


_COLUMNS = (WORDING.c.id, WORDING.c.rubric_id, WORDING.c.code, WORDING.c.text, WORDING.c.created_at,
            WORDING.c.created_by, WORDING.c.updated_at, WORDING.c.retired_at, WORDING.c.retired_by)


def wordings(session: Session, rubric_id: str, code: str | None = None,
             retired: bool = False) -> list[WordingRecord]:
    """A rubric's wordings (of one deduction, ``code``), oldest first; the retired ones too when ``retired``."""
    query = select(*_COLUMNS).where(WORDING.c.rubric_id == rubric_id)
    if code is not None:
        query = query.where(WORDING.c.code == code)
    if not retired:
        query = query.where(WORDING.c.retired_at.is_(None))
    return [WordingRecord(*row) for row in session.execute(query.order_by(WORDING.c.id))]


def wording_by_id(session: Session, wording_id: int, lock: bool = False) -> WordingRecord | None:
    query = select(*_COLUMNS).where(WORDING.c.id == wording_id)
    if lock:
        query = query.with_for_update()
    row = session.execute(query).first()
    return WordingRecord(*row) if row is not None else None


def add_wording(session: Session, rubric_id: str, code: str, text: str, actor: str) -> int:
    moment = now()
    return session.execute(insert(WORDING).values(
        rubric_id=rubric_id, code=code, text=text, created_at=moment, created_by=actor, updated_at=moment,
    ).returning(WORDING.c.id)).scalar_one()


def set_text(session: Session, wording_id: int, text: str) -> None:
    session.execute(update(WORDING).where(WORDING.c.id == wording_id).values(text=text, updated_at=now()))


def retire(session: Session, wording_id: int, actor: str) -> None:
    moment = now()
    session.execute(update(WORDING).where(WORDING.c.id == wording_id).values(
        retired_at=moment, retired_by=actor, updated_at=moment))


def activities_of_rubric(session: Session, rubric_id: str) -> list[int]:
    """Ids of the activities scored by any version of the rubric ``rubric_id``."""
    activity, version = Activity.__table__, RubricVersion.__table__
    return list(session.execute(select(activity.c.id).join(version, activity.c.rubric_version_id == version.c.id)
                                .where(version.c.rubric_id == rubric_id)).scalars())
