"""Writing to the append-only audit log (全过程留痕), each row chained to the one before by a hash.

A row's ``hash`` covers its content and the ``prev_hash`` it carries (the hash of the row before it, by id),
so changing, removing or inserting a row anywhere breaks the chain from there on; ``pingcha check`` follows it.
Writers take turns: on SQLite the write transaction already holds the database's write lock (BEGIN IMMEDIATE);
on PostgreSQL every write transaction takes a transaction-scoped advisory lock (engine.lock_writers), so two writers
never chain onto the same row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import NamedTuple

from sqlalchemy import and_, event, func, insert, or_, select
from sqlmodel import Session

from pingcha.store.bulk import insert_tuples, to_driver
from pingcha.store.engine import lock_writers
from pingcha.store.models import AuditEntry, now

# The chain's first row has no predecessor; its prev_hash is this.
GENESIS = ""
_LAST_HASH = "pingcha_audit_last_hash"


def _dump(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def canonical_time(moment: datetime) -> str:
    """``at`` as both databases give it back: SQLite naive (UTC wall time), PostgreSQL aware."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


def row_hash(prev_hash: str, at: datetime, actor: str, activity_id: int | None, case_no: str | None,
             entity: str, action: str, before: str | None, after: str | None) -> str:
    """The sha256 of one audit row's canonical content (a JSON array, so no field can bleed into the next)."""
    content = [prev_hash, canonical_time(at), actor, activity_id, case_no, entity, action, before, after]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


def hash_of(entry: AuditEntry) -> str:
    return row_hash(entry.prev_hash, entry.at, entry.actor, entry.activity_id, entry.case_no, entry.entity,
                    entry.action, entry.before, entry.after)


def _last_hash(session: Session) -> str:
    """The hash the next row chains onto, read once per transaction under the writers' lock."""
    if _LAST_HASH not in session.info:
        lock_writers(session)  # held already in Store.transaction: then no second request
        last = session.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar()
        session.info[_LAST_HASH] = last if last is not None else GENESIS
    return session.info[_LAST_HASH]


@event.listens_for(Session, "after_transaction_end")
def _forget_last_hash(session: Session, transaction) -> None:
    """The remembered end of the chain is only good inside the transaction that read it."""
    if transaction.parent is None:
        session.info.pop(_LAST_HASH, None)


AUDIT = AuditEntry.__table__


def _entry(session: Session, actor: str, entity: str, action: str, activity_id: int | None, case_no: str | None,
           before: object, after: object) -> dict:
    """One audit row's values, chained onto the end the transaction last wrote."""
    at = now()
    prev_hash = _last_hash(session)
    before_text, after_text = _dump(before), _dump(after)
    digest = row_hash(prev_hash, at, actor, activity_id, case_no, entity, action, before_text, after_text)
    session.info[_LAST_HASH] = digest
    return {"at": at, "actor": actor, "activity_id": activity_id, "case_no": case_no, "entity": entity,
            "action": action, "before": before_text, "after": after_text, "prev_hash": prev_hash, "hash": digest}


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
    session.execute(insert(AUDIT), [_entry(session, actor, entity, action, activity_id, case_no, before, after)])


class Entry(NamedTuple):
    """One audit row to write with ``record_many``: the arguments of ``record``."""

    actor: str
    entity: str
    action: str
    activity_id: int | None = None
    case_no: str | None = None
    before: object = None
    after: object = None


def record_many(session: Session, entries: Iterable[Entry]) -> None:
    """Add audit rows in the caller's transaction, in the order given, as one bulk insert (an import's rows)."""
    values = [_entry(session, *entry) for entry in entries]
    if values:
        _insert_rows(session, values)


_COLUMNS = ("at", "actor", "activity_id", "case_no", "entity", "action", "before", "after", "prev_hash", "hash")


def _insert_rows(session: Session, values: list[dict]) -> None:
    """Insert rows (``_entry``'s values) as plain tuples in multi-row statements, in list order, so ids follow the
    chain: an import's 200,000 rows without a SQLAlchemy parameter dictionary each."""
    at = to_driver(session, AUDIT.c.at)
    insert_tuples(session, AUDIT, _COLUMNS, [(at(v["at"]), *(v[column] for column in _COLUMNS[1:])) for v in values])


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


def entity_trail(session: Session, activity_id: int, entity: str,
                 case_no: str | None = None) -> list[tuple[str | None, str, str | None]]:
    """(案号, action, after) of an activity's audit rows of one entity, oldest first."""
    log = AuditEntry.__table__
    query = select(log.c.case_no, log.c.action, log.c.after).where(log.c.activity_id == activity_id,
                                                                    log.c.entity == entity)
    if case_no is not None:
        query = query.where(log.c.case_no == case_no)
    return [tuple(row) for row in session.execute(query.order_by(log.c.id))]


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


def changes_since(session: Session, newest_id: int, limit: int) -> list[tuple[int | None, str, str | None]] | None:
    """(activity id, entity, 案号) of the audit rows after ``newest_id`` (what was changed since a data version
    was read), oldest first; None when there are more than ``limit`` of them."""
    log = AuditEntry.__table__
    query = (select(log.c.activity_id, log.c.entity, log.c.case_no).where(log.c.id > newest_id)
             .order_by(log.c.id).limit(limit + 1))
    found = [tuple(row) for row in session.execute(query)]
    return None if len(found) > limit else found


@dataclass(frozen=True)
class ChainBreak:
    """Where the audit chain does not hold: the row's id and what is wrong with it."""

    entry_id: int
    at: datetime
    action: str
    problem: str  # "content" (the row was changed) or "link" (a row before it was removed, added or changed)


def verify_chain(session: Session, limit: int = 20) -> tuple[int, list[ChainBreak]]:
    """Follow the chain from the first row; returns how many rows were read and the first ``limit`` breaks."""
    breaks: list[ChainBreak] = []
    previous = GENESIS
    rows = 0
    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000)
    for entry in session.execute(query).scalars():
        rows += 1
        if len(breaks) < limit:
            if hash_of(entry) != entry.hash:
                breaks.append(ChainBreak(entry.id, entry.at, entry.action, "content"))
            elif entry.prev_hash != previous:
                breaks.append(ChainBreak(entry.id, entry.at, entry.action, "link"))
        previous = entry.hash
    return rows, breaks
