"""Writing to the append-only audit log (全过程留痕), each row chained to the one before by a hash.

A row's ``hash`` covers its content and the ``prev_hash`` it carries (the hash of the row before it, by id),
so changing, removing or inserting a row anywhere breaks the chain from there on; ``pingcha check`` follows it.

A transaction's rows are written when it commits, not when recorded: ``record`` keeps them in the session, and just
before the commit ``flush_pending`` takes the chain's lock (engine.lock_chain: SQLite's write transaction holds the
database's write lock already), reads the end of the chain and inserts them in one statement. The chain's lock is
so held only from that insert to the commit, and is the last lock a transaction takes (after its row locks), so it
is never part of a deadlock; ids are handed out under it, so their order is the chain's and the commits'.
On PostgreSQL a transaction with one row to write (a sheet change) has the server chain it and commit in the same
message (``_commit_one``), so no round trip and no wait for this process to be scheduled falls inside the lock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import NamedTuple

from sqlalchemy import and_, event, func, or_, select
from sqlmodel import Session

from pingcha.store.bulk import insert_tuples, to_driver
from pingcha.store.engine import commit_chained, lock_chain
from pingcha.store.models import AuditEntry, now

# The chain's first row has no predecessor; its prev_hash is this.
GENESIS = ""
_LAST_HASH = "pingcha_audit_last_hash"
_PENDING = "pingcha_audit_pending"


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
    """The hash the next row chains onto, read once per transaction under the chain's lock (taken here)."""
    if _LAST_HASH not in session.info:
        last = lock_chain(session, _CHAIN_END)
        session.info[_LAST_HASH] = last if last is not None else GENESIS
    return session.info[_LAST_HASH]


_CHAIN_END = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1"


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session: Session, transaction) -> None:
    """Rows not written (a rollback) and the remembered end of the chain die with the transaction."""
    if transaction.parent is None:
        session.info.pop(_LAST_HASH, None)
        session.info.pop(_PENDING, None)


AUDIT = AuditEntry.__table__


def _values(actor: str, entity: str, action: str, activity_id: int | None, case_no: str | None,
            before: object, after: object) -> dict:
    """One audit row's content, timed now; its place in the chain is given when it is written."""
    return {"at": now(), "actor": actor, "activity_id": activity_id, "case_no": case_no, "entity": entity,
            "action": action, "before": _dump(before), "after": _dump(after)}


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
    """Add one audit row to the caller's transaction, so the change and its trace commit together."""
    session.info.setdefault(_PENDING, []).append(_values(actor, entity, action, activity_id, case_no, before, after))


def flush_pending(session: Session) -> None:
    """Write the transaction's recorded rows now, chained in the order recorded, as one bulk insert. Runs before
    every commit, and before the audit reads below, so a transaction that reads its own rows back sees them. A
    row-locked transaction (``Store.transaction(row_locked=True)``) must not read audit rows before it ends: the
    chain's lock has to stay the last lock it takes."""
    pending = session.info.get(_PENDING)
    if not pending:
        return
    previous = _last_hash(session)
    for values in pending:
        values["prev_hash"] = previous
        previous = values["hash"] = row_hash(previous, values["at"], values["actor"], values["activity_id"],
                                             values["case_no"], values["entity"], values["action"],
                                             values["before"], values["after"])
    session.info[_LAST_HASH] = previous
    session.info[_PENDING] = []
    _insert_rows(session, pending)


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    if not _commit_one(session):
        flush_pending(session)


# One audit row chained and written by the server, for ``commit_chained``: the end of the chain read under the
# chain's lock, the row's hash computed as ``row_hash`` computes it (PostgreSQL's json_build_array writes an array
# as json.dumps(…, ensure_ascii=False) does: ", " between values, the same characters escaped, the same way).
_CHAINED_INSERT = (
    "INSERT INTO audit_log (at, actor, activity_id, case_no, entity, action, before, after, prev_hash, hash) "
    "SELECT v.at, v.actor, v.activity_id, v.case_no, v.entity, v.action, v.before, v.after, chain.hash, "
    "encode(sha256(convert_to(json_build_array(chain.hash, v.at_text, v.actor, v.activity_id, v.case_no, "
    "v.entity, v.action, v.before, v.after)::text, 'UTF8')), 'hex') "
    "FROM (SELECT %s::timestamptz AS at, %s::text AS at_text, %s::text AS actor, %s::integer AS activity_id, "
    "%s::text AS case_no, %s::text AS entity, %s::text AS action, %s::text AS before, %s::text AS after) AS v, "
    "(SELECT coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), %s) AS hash) AS chain"
)


def _commit_one(session: Session) -> bool:
    """Commit a transaction that writes one audit row (a sheet change, a refusal) on PostgreSQL with the row
    chained by the server, in the commit's own message (``engine.commit_chained``), so the chain's lock is held
    for no round trip at all. Whatever the ORM still holds is flushed first: nothing is left to write after.
    False where this does not apply (SQLite, other drivers, a savepoint, several rows): the caller writes them."""
    pending = session.info.get(_PENDING)
    bind = session.get_bind()
    if (not pending or len(pending) != 1 or bind.dialect.name != "postgresql" or bind.dialect.driver != "psycopg"
            or session.in_nested_transaction()):
        return False
    session.flush()
    if session.new or session.dirty or session.deleted:  # pragma: no cover - a flush hook added more
        return False
    values = pending[0]
    commit_chained(session, _CHAINED_INSERT, (
        values["at"], canonical_time(values["at"]), values["actor"], values["activity_id"], values["case_no"],
        values["entity"], values["action"], values["before"], values["after"], GENESIS))
    session.info[_PENDING] = []
    return True


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
    """Add audit rows to the caller's transaction, in the order given (an import's rows)."""
    session.info.setdefault(_PENDING, []).extend(_values(*entry) for entry in entries)


_COLUMNS = ("at", "actor", "activity_id", "case_no", "entity", "action", "before", "after", "prev_hash", "hash")


def _insert_rows(session: Session, values: list[dict]) -> None:
    """Insert rows (``flush_pending``'s values) as plain tuples in multi-row statements, in list order, so ids
    follow the chain: an import's 200,000 rows without a SQLAlchemy parameter dictionary each."""
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
    flush_pending(session)
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
    flush_pending(session)
    log = AuditEntry.__table__
    query = select(log.c.case_no, log.c.action, log.c.after).where(log.c.activity_id == activity_id,
                                                                    log.c.entity == entity)
    if case_no is not None:
        query = query.where(log.c.case_no == case_no)
    return [tuple(row) for row in session.execute(query.order_by(log.c.id))]


def data_version(session: Session) -> tuple[int, ...]:
    """A value that changes whenever a change is committed: every change writes an audit row, and audit ids are
    handed out under the chain's lock, held until the commit, so they follow the commits and the newest is enough."""
    flush_pending(session)
    log = AuditEntry.__table__
    return (session.execute(select(func.coalesce(func.max(log.c.id), 0))).scalar_one(),)


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
    flush_pending(session)
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
