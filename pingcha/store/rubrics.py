"""Stored rubric versions in SQL, as plain records (the content is parsed by the services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlmodel import Session

from pingcha.store.models import RubricVersion, now

VERSION = RubricVersion.__table__


@dataclass(frozen=True)
class RubricVersionRecord:
    id: int
    rubric_id: str
    version: str
    title: str
    replaces: str | None
    content: str
    sha256: str
    loaded_at: datetime
    loaded_by: str


_COLUMNS = (VERSION.c.id, VERSION.c.rubric_id, VERSION.c.version, VERSION.c.title, VERSION.c.replaces,
            VERSION.c.content, VERSION.c.sha256, VERSION.c.loaded_at, VERSION.c.loaded_by)


def find_version(session: Session, rubric_id: str, version: str) -> RubricVersionRecord | None:
    row = session.execute(
        select(*_COLUMNS).where(VERSION.c.rubric_id == rubric_id, VERSION.c.version == version).limit(1)).first()
    return RubricVersionRecord(*row) if row is not None else None


def version_by_id(session: Session, version_id: int) -> RubricVersionRecord | None:
    row = session.execute(select(*_COLUMNS).where(VERSION.c.id == version_id)).first()
    return RubricVersionRecord(*row) if row is not None else None


def all_versions(session: Session) -> list[RubricVersionRecord]:
    return [RubricVersionRecord(*row) for row in session.execute(
        select(*_COLUMNS).order_by(VERSION.c.rubric_id, VERSION.c.loaded_at))]


def add_version(session: Session, rubric_id: str, version: str, title: str, replaces: str | None, content: str,
                sha256: str, actor: str) -> None:
    session.execute(insert(VERSION).values(
        rubric_id=rubric_id, version=version, title=title, replaces=replaces, content=content, sha256=sha256,
        loaded_at=now(), loaded_by=actor,
    ))
