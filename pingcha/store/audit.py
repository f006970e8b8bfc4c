"""Writing to the append-only audit log (全过程留痕)."""

from __future__ import annotations

import json

from sqlalchemy import func, select
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


def last_entry_id(session: Session) -> int:
    """The newest audit row's id: every change commits one, so this names the data's version (0 when empty)."""
    return session.execute(select(func.max(AuditEntry.id))).scalar() or 0
