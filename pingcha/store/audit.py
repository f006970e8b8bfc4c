"""Writing to the append-only audit log (全过程留痕)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from pingcha.store.models import AuditEntry


def _dump(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(
    session: Session,
    actor: str,
    entity: str,
    action: str,
    *,
    activity_id: int | None = None,
    case_no: str | None = None,
    before: object = None,
    after: object = None,
) -> None:
    """Add one audit row in the caller's transaction, so the change and its trace commit together."""
    session.add(
        AuditEntry(
            actor=actor,
            activity_id=activity_id,
            case_no=case_no,
            entity=entity,
            action=action,
            before=_dump(before),
            after=_dump(after),
        )
    )


@dataclass(frozen=True)
class AuditRecord:
    """One audit row as read back: who, when, what, with the before and after values as JSON text."""

    id: int
    at: datetime
    actor: str
    activity_id: int | None
    case_no: str | None
    entity: str
    action: str
    before: str | None
    after: str | None


def entries(session: Session, activity_id: int, case_no: str | None = None) -> list[AuditRecord]:
    """An activity's audit rows in order, with the rubric loads (or only one file's rows, ``case_no``)."""
    log = AuditEntry.__table__
    if case_no:
        condition = and_(log.c.activity_id == activity_id, log.c.case_no == case_no)
    else:
        condition = or_(log.c.activity_id == activity_id, log.c.entity == "rubric")
    query = select(log.c.id, log.c.at, log.c.actor, log.c.activity_id, log.c.case_no, log.c.entity, log.c.action,
                   log.c.before, log.c.after).where(condition).order_by(log.c.id)
    return [AuditRecord(*row) for row in session.execute(query)]


def data_version(session: Session) -> tuple[int, ...]:
    """A value that changes whenever a change is committed: every change writes an audit row.

    SQLite hands out audit ids in commit order (one writer at a time), so the newest id is enough. On
    PostgreSQL a transaction holding a lower id may commit after a higher one, so the row count is
    added to notice it."""
    log = AuditEntry.__table__
    newest = select(func.coalesce(func.max(log.c.id), 0))
    if session.get_bind().dialect.name == "sqlite":
        return (session.execute(newest).scalar_one(),)
    return tuple(session.execute(select(newest.scalar_subquery(), select(func.count()).select_from(log)
                                        .scalar_subquery())).one())
