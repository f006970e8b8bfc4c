"""评查表 rows: the sheet, its deductions and its marks (不适用, 否决, notes), read and written in SQL.

Every function takes the caller's transaction and returns plain records (``SheetRow``, the core's
``Sheet``), never ORM objects. Writers lock the sheet row first (``lock=True``: SELECT … FOR UPDATE on
PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers), so the checks a service makes on
what it read still hold when it writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from itertools import repeat
from typing import NamedTuple

from sqlalchemy import String, bindparam, delete, func, insert, literal, select, type_coerce, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from pingcha.errors import UserError
from pingcha.pacing import paced
from pingcha.records import Decoded
from pingcha.scoring import Sheet
from pingcha.store.bulk import driver_value, insert_tuples, update_tuples
from pingcha.store.chunks import CHUNK, chunked
from pingcha.store.engine import DEFERRED
from pingcha.store.models import ScoreSheet, SheetDeduction, SheetMark, now
from pingcha.vocabulary import SheetKind, SheetStatus

SHEET = ScoreSheet.__table__
DEDUCTION = SheetDeduction.__table__
MARK = SheetMark.__table__

NA, VETO, NOTE, DECIDED, UNCERTAIN = "na", "veto", "note", "decided", "uncertain"


class SheetRow(NamedTuple):
    """One score_sheet row (a named tuple: a province's results read 100,000 at once)."""

    id: int
    activity_id: int
    case_file_id: int
    evaluator_id: int
    status: str  # a SheetStatus value
    kind: str  # a SheetKind value
    comment: str
    updated_at: datetime | None
    submitted_at: datetime | None
    score: Decimal | None = None  # what its rows score, stored by the write that changed them (None: unscorable)
    vetoes: tuple[str, ...] = ()  # the vetoes found, in the rubric's order


Scored = tuple[Decimal | None, tuple[str, ...]]  # a sheet's (score, vetoes), as a write stores them

# Joins codes in one value (item or veto codes never hold a control character).
_SEP = "\x1f"

# The moments as the driver returns them (SQLite: text), turned into datetimes here: SQLAlchemy's own conversion
# (a regular expression a value) was a third of reading a province's sheets.
_COLUMNS = (SHEET.c.id, SHEET.c.activity_id, SHEET.c.case_file_id, SHEET.c.evaluator_id, SHEET.c.status,
            SHEET.c.status_kind, SHEET.c.comment, type_coerce(SHEET.c.updated_at, String),
            type_coerce(SHEET.c.submitted_at, String), SHEET.c.score, SHEET.c.vetoes)


def _moment(value) -> datetime | None:
    """A stored moment as an aware UTC datetime (SQLite keeps UTC as text without an offset; PostgreSQL gives
    datetimes)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value + "+00:00")  # one C call: five times faster than parse, then replace
        except ValueError:  # text with an offset of its own
            value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.utcoffset() is None else value.astimezone(timezone.utc)


def _score(text: str | None) -> Decimal | None:
    """A stored score as a Decimal."""
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise UserError(f"数据库中一张评查表保存的得分“{text}”不是数字，已被改动过；依据它的结果不再可信。"
                        "请运行 pingcha check 查看，并从备份恢复数据库。") from None


def stored_vetoes(text: str) -> tuple[str, ...]:
    """The vetoes as stored beside a sheet (``scored_values`` joins them)."""
    return tuple(text.split(_SEP)) if text else ()


def _decoders() -> tuple[Decoded, Decoded]:
    """The scores and the vetoes of one read, each text decoded once: a province's sheets share a few hundred."""
    return Decoded(_score), Decoded(stored_vetoes)


def _row(values, decoders: tuple[Decoded, Decoded]) -> SheetRow:
    """A row of ``_COLUMNS`` as a SheetRow (``decoders``: as ``_decoders`` makes them)."""
    sheet_id, activity_id, case_id, person_id, status, kind, comment, updated, submitted, score, vetoes = values
    scores, vetoed = decoders
    return SheetRow(sheet_id, activity_id, case_id, person_id, status, kind, comment, _moment(updated),
                    _moment(submitted), scores[score], vetoed[vetoes])


def _rows(session: Session, query) -> list[SheetRow]:
    found = []
    decoders = _decoders()
    for values in paced(session.execute(query).all(), 4096):
        found.append(_row(values, decoders))
    return found


def scored_values(scored: Scored) -> dict:
    """The columns that store a sheet's score, for ``update_sheet`` or an insert."""
    score, vetoes = scored
    return {"score": None if score is None else str(score), "vetoes": _SEP.join(vetoes)}


def _one(session: Session, query, lock: bool) -> SheetRow | None:
    if lock:
        query = query.with_for_update()
    rows = _rows(session, query.limit(1))
    return rows[0] if rows else None


# The statements of a sheet change (several a key press), built once with their parameters left open: building a
# statement is most of what SQLAlchemy costs per execution (find_sheet took 320 µs built per call, 115 µs so).
_FIND_SHEET = select(*_COLUMNS).where(
    SHEET.c.case_file_id == bindparam("case_file_id"), SHEET.c.evaluator_id == bindparam("evaluator_id"),
    SHEET.c.status_kind == bindparam("kind")).limit(1)
_FIND_SHEET_LOCKED = _FIND_SHEET.with_for_update()


def find_sheet(session: Session, case_file_id: int, evaluator_id: int, kind: str, lock: bool = False) -> SheetRow | None:
    """One evaluator's sheet of ``kind`` on one file (``lock``: hold its row until the transaction ends)."""
    found = session.execute(_FIND_SHEET_LOCKED if lock else _FIND_SHEET,
                            {"case_file_id": case_file_id, "evaluator_id": evaluator_id, "kind": kind}).first()
    return _row(found, _decoders()) if found is not None else None


def review_sheet(session: Session, case_file_id: int, status: str | None = None, lock: bool = False) -> SheetRow | None:
    """The file's one 复核 sheet, whichever 组长 holds it (optionally only in ``status``)."""
    query = select(*_COLUMNS).where(SHEET.c.case_file_id == case_file_id, SHEET.c.status_kind == SheetKind.REVIEW)
    if status is not None:
        query = query.where(SHEET.c.status == status)
    return _one(session, query, lock)


# The INSERT that takes ON CONFLICT clauses, per database.
_UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _insert_statement(session: Session, table):
    """INSERT … ON CONFLICT DO NOTHING: a row another transaction created meanwhile is no error."""
    upsert = _UPSERTS.get(session.get_bind().dialect.name)
    if upsert is not None:
        return upsert(table).on_conflict_do_nothing()
    return insert(table)  # pragma: no cover - other servers: a plain insert under the caller's lock


def create_sheet(session: Session, activity_id: int, case_file_id: int, evaluator_id: int, kind: str,
                 blank: Scored) -> SheetRow:
    """The draft sheet, created if it does not exist yet (scoring ``blank``, what an empty sheet scores), and
    locked. Two first changes at the same instant both end here with the same row: the second's insert does
    nothing and it waits for the lock."""
    session.execute(_insert_statement(session, SHEET).inline().values(  # sent with the locking read that follows
        activity_id=activity_id, case_file_id=case_file_id, evaluator_id=evaluator_id, status=SheetStatus.DRAFT,
        status_kind=kind, comment="", updated_at=now(), **scored_values(blank),
    ), execution_options=DEFERRED)
    if kind == SheetKind.REVIEW:
        return review_sheet(session, case_file_id, lock=True)
    return find_sheet(session, case_file_id, evaluator_id, kind, lock=True)


_UPDATES: dict[tuple[str, ...], object] = {}


def update_sheet(session: Session, sheet_id: int, scored: Scored | None = None, **values) -> None:
    """Set columns of one sheet row (status, comment, evaluator_id, submitted_at; ``scored``: the score its rows
    now give); ``updated_at`` becomes now unless given."""
    values.setdefault("updated_at", now())
    if scored is not None:
        values.update(scored_values(scored))
    columns = tuple(sorted(values))
    statement = _UPDATES.get(columns)
    if statement is None:  # one statement per set of columns, built once
        statement = _UPDATES[columns] = update(SHEET).where(SHEET.c.id == bindparam("sheet_id")).values(
            {column: bindparam(f"new_{column}") for column in columns})
    session.execute(statement, {"sheet_id": sheet_id, **{f"new_{column}": value for column, value in values.items()}},
                    execution_options=DEFERRED)


_EMPTY: frozenset[str] = frozenset()


def _contents(session: Session, sheets: Iterable[SheetRow], deductions_query, marks_query,
              decided_query=None) -> dict[int, Sheet]:
    """Build each sheet's ``Sheet`` from its rows (the queries that read them, or the rows as a list). With
    ``decided_query`` (sheet_id, codes joined by ``_SEP``), the 确认无扣分 marks come from it, one row a sheet,
    and ``marks_query`` leaves them out."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    notes: dict[int, dict[str, str]] = defaultdict(dict)
    na: dict[int, set[str]] = defaultdict(set)
    veto: dict[int, set[str]] = defaultdict(set)
    decided: dict[int, frozenset[str]] = {}
    listed: dict[int, set[str]] = defaultdict(set)
    uncertain: dict[int, dict[str, str]] = defaultdict(dict)
    for sheet_id, code, count, note in paced(_fetched(session, deductions_query), 8192):
        if count:
            counts[sheet_id][code] = count
        if note:
            notes[sheet_id][code] = note
    for sheet_id, kind, code, note in _fetched(session, marks_query):
        if kind == NA:
            na[sheet_id].add(code)
        elif kind == VETO:
            veto[sheet_id].add(code)
        elif kind == DECIDED:
            listed[sheet_id].add(code)
        elif kind == UNCERTAIN:
            uncertain[sheet_id][code] = note
        elif note:
            notes[sheet_id][code] = note
    if decided_query is not None:
        # Sheets that confirmed the same items share one (immutable) set: less memory, and no split to repeat.
        shared: dict[str, frozenset[str]] = {}
        for sheet_id, codes in session.execute(decided_query).all():
            found = shared.get(codes)
            if found is None:
                found = shared[codes] = frozenset(codes.split(_SEP))
            decided[sheet_id] = found
    decided.update((sheet_id, frozenset(codes)) for sheet_id, codes in listed.items())
    found = {}
    for row in paced(sheets, 4096):
        key = row.id
        found[key] = Sheet(
            deductions=counts.get(key) or {}, na=frozenset(na[key]) if key in na else _EMPTY,
            veto=frozenset(veto[key]) if key in veto else _EMPTY, notes=notes.get(key) or {}, comment=row.comment,
            decided=decided.get(key, _EMPTY), uncertain=uncertain.get(key) or {})
    return found


_DEDUCTION_COLUMNS = (DEDUCTION.c.sheet_id, DEDUCTION.c.code, DEDUCTION.c.count, DEDUCTION.c.note)
_MARK_COLUMNS = (MARK.c.sheet_id, MARK.c.kind, MARK.c.code, MARK.c.note)
_AGGREGATES = {"sqlite": func.group_concat, "postgresql": func.string_agg}


def _fetched(session: Session, rows_or_query) -> list:
    return rows_or_query if isinstance(rows_or_query, list) else session.execute(rows_or_query).all()


_CONTENTS = union_all(
    select(DEDUCTION.c.sheet_id, literal("").label("kind"), DEDUCTION.c.code, DEDUCTION.c.count,
           DEDUCTION.c.note).where(DEDUCTION.c.sheet_id == bindparam("sheet_id")),
    select(MARK.c.sheet_id, MARK.c.kind, MARK.c.code, literal(0).label("count"), MARK.c.note).where(
        MARK.c.sheet_id == bindparam("sheet_id")))


def contents(session: Session, row: SheetRow) -> Sheet:
    """What one sheet says (counts, 不适用, vetoes, notes, comment), read in one query (a change reads it
    on every key press): its deductions, then its marks (whose kind is never empty)."""
    found = session.execute(_CONTENTS, {"sheet_id": row.id}).all()
    return _contents(
        session, [row],
        [(sheet_id, code, count, note) for sheet_id, kind, code, count, note in found if not kind],
        [(sheet_id, kind, code, note) for sheet_id, kind, code, _, note in found if kind],
    )[row.id]


def _contents_where(session: Session, rows: list[SheetRow], *conditions, decided: bool = True) -> dict[int, Sheet]:
    """Contents of the sheets matching ``conditions``, in three joined queries (no list of ids). A submitted
    sheet lists dozens of items as 确认无扣分: the database joins them into one value a sheet, so millions of
    mark rows never become Python objects. ``decided=False``: those marks are not read at all (the sheets'
    ``decided`` stay empty), for whoever needs only what the sheets score."""
    deductions = select(*_DEDUCTION_COLUMNS).join(SHEET, SHEET.c.id == DEDUCTION.c.sheet_id).where(*conditions)
    marks = select(*_MARK_COLUMNS).join(SHEET, SHEET.c.id == MARK.c.sheet_id).where(*conditions)
    if not decided:
        return _contents(session, rows, deductions, marks.where(MARK.c.kind.in_((NA, VETO, NOTE, UNCERTAIN))))
    aggregate = _AGGREGATES.get(session.get_bind().dialect.name)
    if aggregate is None:  # pragma: no cover - other servers: every mark as a row
        return _contents(session, rows, deductions, marks)
    # Grouped by the sheet in the order the sheets are read, so SQLite needs no sort of the marks.
    decided = (select(SHEET.c.id, aggregate(MARK.c.code, _SEP)).select_from(SHEET)
               .join(MARK, MARK.c.sheet_id == SHEET.c.id).where(*conditions, MARK.c.kind == DECIDED)
               .group_by(SHEET.c.id))
    return _contents(session, rows, deductions, marks.where(MARK.c.kind.in_((NA, VETO, NOTE, UNCERTAIN))), decided)


def activity_sheets(session: Session, activity_id: int,
                    decided: bool = True) -> tuple[list[SheetRow], dict[int, Sheet]]:
    """Every sheet of the activity and what each says, in four queries (``decided=False``: without the items
    confirmed as nothing to deduct, which change no score: most of an activity's rows, never read)."""
    condition = SHEET.c.activity_id == activity_id
    rows = _rows(session, select(*_COLUMNS).where(condition))
    return rows, _contents_where(session, rows, condition, decided=decided)


def _requests(session: Session, *conditions) -> dict[int, dict[str, str]]:
    """The 请组长确认 marks on the sheets matching ``conditions``: sheet id → {code: reason}."""
    found: dict[int, dict[str, str]] = defaultdict(dict)
    for sheet_id, code, reason in session.execute(
            select(MARK.c.sheet_id, MARK.c.code, MARK.c.note).join(SHEET, SHEET.c.id == MARK.c.sheet_id)
            .where(*conditions, MARK.c.kind == UNCERTAIN)):
        found[sheet_id][code] = reason
    return found


class ScoreRow(NamedTuple):
    """What a file's outcome needs of one score_sheet row (``SheetRow`` has these fields too)."""

    id: int
    case_file_id: int
    evaluator_id: int
    status: str
    kind: str
    submitted_at: datetime | None
    score: Decimal | None
    vetoes: tuple[str, ...]


_SCORE_COLUMNS = (SHEET.c.id, SHEET.c.case_file_id, SHEET.c.evaluator_id, SHEET.c.status, SHEET.c.status_kind,
                  type_coerce(SHEET.c.submitted_at, String), SHEET.c.score, SHEET.c.vetoes)


def _score_rows(session: Session, query) -> list[ScoreRow]:
    found = []
    scores, vetoed = _decoders()
    rows = session.execute(query).all()
    for sheet_id, case_id, person_id, status, kind, submitted, score, vetoes in paced(rows, 4096):
        found.append(ScoreRow(sheet_id, case_id, person_id, status, kind, _moment(submitted), scores[score],
                              vetoed[vetoes]))
    return found


def activity_scores(session: Session, activity_id: int) -> tuple[list[ScoreRow], dict[int, dict[str, str]]]:
    """Every sheet row of the activity, each with its stored score, and the 请组长确认 marks on them (sheet id →
    {code: reason}): what files' outcomes are decided from, in two queries, none of the rows that say what the
    sheets found."""
    condition = SHEET.c.activity_id == activity_id
    return _score_rows(session, select(*_SCORE_COLUMNS).where(condition)), _requests(session, condition)


def case_scores(session: Session, case_file_ids: Iterable[int]) -> tuple[list[ScoreRow], dict[int, dict[str, str]]]:
    """``activity_scores`` of the sheets on the given files (evaluations and 复核), queried in chunks of files."""
    rows, requests = [], {}
    for chunk in chunked(sorted(set(case_file_ids))):
        condition = SHEET.c.case_file_id.in_(chunk)
        rows += _score_rows(session, select(*_SCORE_COLUMNS).where(condition))
        requests.update(_requests(session, condition))
    return rows, requests


def case_sheets(session: Session, case_file_ids: Iterable[int],
                decided: bool = True) -> tuple[list[SheetRow], dict[int, Sheet]]:
    """Every sheet (evaluations and 复核) on the given files and what each says, queried in chunks of files
    (``decided`` as for ``activity_sheets``)."""
    rows, contents = [], {}
    for chunk in chunked(sorted(set(case_file_ids))):
        condition = SHEET.c.case_file_id.in_(chunk)
        found = _rows(session, select(*_COLUMNS).where(condition))
        rows += found
        if found:
            contents.update(_contents_where(session, found, condition, decided=decided))
    return rows, contents


def evaluator_sheets(session: Session, evaluator_id: int, kind: str = SheetKind.EVALUATION,
                     with_contents: bool = True) -> tuple[list[SheetRow], dict[int, Sheet]]:
    """One person's own sheets of ``kind`` (and, ``with_contents``, what they say): nobody else's are read."""
    conditions = (SHEET.c.evaluator_id == evaluator_id, SHEET.c.status_kind == kind)
    rows = _rows(session, select(*_COLUMNS).where(*conditions))
    return rows, (_contents_where(session, rows, *conditions) if with_contents and rows else {})


def sheets_on_cases(session: Session, case_file_ids: Iterable[int], kind: str = SheetKind.EVALUATION,
                    lock: bool = False, evaluator_ids: Iterable[int] | None = None) -> list[SheetRow]:
    """The sheets of ``kind`` on the given files, optionally only those of ``evaluator_ids`` (queried in
    chunks, whatever their number; ``lock``: hold their rows until the transaction ends)."""
    people = sorted(set(evaluator_ids)) if evaluator_ids is not None else None
    in_query = people is not None and len(people) <= CHUNK // 2  # else filtered below, keeping IN lists short
    found = []
    for chunk in chunked(sorted(set(case_file_ids)), CHUNK - (len(people) if in_query else 0)):
        query = select(*_COLUMNS).where(SHEET.c.case_file_id.in_(chunk), SHEET.c.status_kind == kind)
        if in_query:
            query = query.where(SHEET.c.evaluator_id.in_(people))
        if lock:
            query = query.order_by(SHEET.c.id).with_for_update()
        found.extend(_rows(session, query))
    if people is not None and not in_query:
        wanted = set(people)
        found = [row for row in found if row.evaluator_id in wanted]
    return found


def contents_of(session: Session, rows: list[SheetRow]) -> dict[int, Sheet]:
    """What each of ``rows`` says (queried in chunks of ids)."""
    found: dict[int, Sheet] = {}
    for chunk in chunked(rows):
        ids = [row.id for row in chunk]
        found.update(_contents(
            session, chunk,
            select(*_DEDUCTION_COLUMNS).where(DEDUCTION.c.sheet_id.in_(ids)),
            select(*_MARK_COLUMNS).where(MARK.c.sheet_id.in_(ids)),
        ))
    return found


def submitted_counts(session: Session, activity_id: int, excluding: Iterable[int] = ()) -> dict[int, int]:
    """How many evaluation sheets each person has submitted, by evaluator id (``excluding``: files not
    counted, 样卷)."""
    query = select(SHEET.c.evaluator_id, func.count()).where(
        SHEET.c.activity_id == activity_id, SHEET.c.status_kind == SheetKind.EVALUATION,
        SHEET.c.status != SheetStatus.DRAFT,
    )
    excluded = sorted(set(excluding))
    if excluded:
        query = query.where(SHEET.c.case_file_id.not_in(excluded))
    return dict(session.execute(query.group_by(SHEET.c.evaluator_id)).all())


def scoring_started(session: Session, activity_id: int, excluding: Iterable[int] = ()) -> bool:
    """Whether any sheet of the activity exists (``excluding``: sheets on these files not counted, 样卷)."""
    query = select(SHEET.c.id).where(SHEET.c.activity_id == activity_id)
    excluded = sorted(set(excluding))
    if excluded:
        query = query.where(SHEET.c.case_file_id.not_in(excluded))
    return session.execute(query.limit(1)).first() is not None


def delete_activity_sheets(session: Session, activity_id: int, keeping: Iterable[int] = ()) -> None:
    """Remove every sheet of the activity with its rows (a forced redraw or reassignment), but those on the
    files ``keeping`` (样卷, which no draw touches)."""
    conditions = [SHEET.c.activity_id == activity_id]
    kept = sorted(set(keeping))
    if kept:
        conditions.append(SHEET.c.case_file_id.not_in(kept))
    ids = select(SHEET.c.id).where(*conditions).scalar_subquery()
    session.execute(delete(DEDUCTION).where(DEDUCTION.c.sheet_id.in_(ids)))
    session.execute(delete(MARK).where(MARK.c.sheet_id.in_(ids)))
    session.execute(delete(SHEET).where(*conditions))


_UPSERT_STATEMENTS: dict[tuple, object] = {}


def _upsert(session: Session, table, keys: dict, values: dict) -> None:
    """Insert the row, or set ``values`` on it where it exists: one statement (INSERT … ON CONFLICT DO UPDATE on
    the table's unique key, ``keys``), built once per database. The caller holds the sheet's row lock, so no one
    else writes it meanwhile."""
    dialect = session.get_bind().dialect.name
    if dialect not in _UPSERTS:  # pragma: no cover - other servers: update, else insert
        where = [table.c[key] == value for key, value in keys.items()]
        if session.execute(update(table).where(*where).values(**values)).rowcount == 0:
            session.execute(insert(table).values(**keys, **values))
        return
    key = (dialect, table.name, *keys, "", *values)
    statement = _UPSERT_STATEMENTS.get(key)
    if statement is None:
        inserting = _UPSERTS[dialect](table).inline().values({column: bindparam(column) for column in (*keys, *values)})
        statement = _UPSERT_STATEMENTS[key] = inserting.on_conflict_do_update(
            index_elements=list(keys), set_={column: inserting.excluded[column] for column in values})
    session.execute(statement, {**keys, **values}, execution_options=DEFERRED)


_DELETE_DEDUCTION = delete(DEDUCTION).where(DEDUCTION.c.sheet_id == bindparam("sheet_id"),
                                            DEDUCTION.c.code == bindparam("code"))
_DELETE_MARK = delete(MARK).where(MARK.c.sheet_id == bindparam("sheet_id"), MARK.c.kind == bindparam("kind"),
                                  MARK.c.code == bindparam("code"))


def save_deduction(session: Session, sheet_id: int, code: str, count: int, note: str) -> None:
    """Store one deduction's count and note; a deduction with neither has no row."""
    if not count and not note:
        session.execute(_DELETE_DEDUCTION, {"sheet_id": sheet_id, "code": code}, execution_options=DEFERRED)
        return
    _upsert(session, DEDUCTION, {"sheet_id": sheet_id, "code": code}, {"count": count, "note": note})


def save_mark(session: Session, sheet_id: int, kind: str, code: str, present: bool, note: str = "") -> None:
    """Set or clear one mark (``kind`` na, veto, decided, note or uncertain) on a sheet."""
    if not present:
        session.execute(_DELETE_MARK, {"sheet_id": sheet_id, "kind": kind, "code": code}, execution_options=DEFERRED)
        return
    _upsert(session, MARK, {"sheet_id": sheet_id, "kind": kind, "code": code}, {"note": note})


def _content_rows(sheet_id: int, sheet: Sheet, order: Mapping[str, int], deductions: list[tuple],
                  marks: list[tuple]) -> None:
    """Append the rows that say ``sheet`` to ``deductions`` (sheet_id, code, count, note) and ``marks``
    (sheet_id, kind, code, note), in the rubric's order of deductions (``order``: code → position)."""
    counts, notes = sheet.deductions, sheet.notes
    found = [code for code in counts if code in order]
    found += [code for code in notes if code in order and code not in counts]
    for code in sorted(found, key=order.__getitem__):
        count, note = counts.get(code, 0), notes.get(code, "")
        if count or note:
            deductions.append((sheet_id, code, count, note))
    for kind, codes in ((NA, sheet.na), (VETO, sheet.veto), (DECIDED, sheet.decided)):
        if codes:  # dozens of 确认无扣分 codes a sheet, millions in a province: tuples built in C
            marks.extend(zip(repeat(sheet_id), repeat(kind), sorted(codes), repeat("")))
    marks.extend((sheet_id, NOTE, code, note) for code, note in notes.items() if note and code not in order)
    marks.extend((sheet_id, UNCERTAIN, code, reason) for code, reason in sorted(sheet.uncertain.items()))


_DEDUCTION_INSERT = ("sheet_id", "code", "count", "note")
_MARK_INSERT = ("sheet_id", "kind", "code", "note")


def replace_contents(session: Session, contents_by_sheet: Mapping[int, Sheet], deduction_codes: Mapping | frozenset,
                     scores: Mapping[int, Scored], fresh: Iterable[int] = (), submitted: bool = False) -> None:
    """Make each sheet's rows say exactly its ``Sheet`` (and set its comment and its score, from ``scores``), in
    bulk statements. ``deduction_codes`` are the rubric's deduction codes (a note on any other code is an item's note);
    sheets in ``fresh`` were just created and have no rows to clear; ``submitted``: the same statement that sets
    their comments submits them (status 已提交, submitted now)."""
    fresh = set(fresh)
    stale = [sheet_id for sheet_id in contents_by_sheet if sheet_id not in fresh]
    for chunk in chunked(stale):
        session.execute(delete(DEDUCTION).where(DEDUCTION.c.sheet_id.in_(chunk)))
        session.execute(delete(MARK).where(MARK.c.sheet_id.in_(chunk)))
    deductions: list[tuple] = []
    marks: list[tuple] = []
    order = {code: position for position, code in enumerate(deduction_codes)}
    for sheet_id, sheet in contents_by_sheet.items():
        _content_rows(sheet_id, sheet, order, deductions, marks)
    insert_tuples(session, DEDUCTION, _DEDUCTION_INSERT, deductions)
    insert_tuples(session, MARK, _MARK_INSERT, marks)
    moment = driver_value(session, SHEET.c.updated_at, now())
    stored = {sheet_id: scored_values(scores[sheet_id]) for sheet_id in contents_by_sheet}
    if submitted:
        status = SheetStatus.SUBMITTED.value
        update_tuples(session, SHEET, ("comment", "score", "vetoes", "status", "submitted_at", "updated_at"), "id",
                      [(sheet.comment, stored[sheet_id]["score"], stored[sheet_id]["vetoes"], status, moment, moment,
                        sheet_id) for sheet_id, sheet in contents_by_sheet.items()])
    else:
        update_tuples(session, SHEET, ("comment", "score", "vetoes", "updated_at"), "id",
                      [(sheet.comment, stored[sheet_id]["score"], stored[sheet_id]["vetoes"], moment, sheet_id)
                       for sheet_id, sheet in contents_by_sheet.items()])


def _update_many(session: Session, params: list[dict], **columns: str) -> None:
    """One UPDATE per sheet, sent as a single executemany (``params`` carry ``sheet``)."""
    statement = update(SHEET).where(SHEET.c.id == bindparam("sheet")).values(
        **{column: bindparam(key) for column, key in columns.items()})
    session.connection().execute(statement, params)


_DRAFT_INSERT = ("activity_id", "case_file_id", "evaluator_id", "status", "status_kind", "comment", "updated_at",
                 "score", "vetoes")


def create_drafts(session: Session, activity_id: int, pairs: Iterable[tuple[int, int]], blank: Scored) -> None:
    """New draft evaluation sheets for (case_file_id, evaluator_id) pairs (scoring ``blank``, what an empty sheet
    scores), in bulk inserts of plain tuples. A pair whose sheet another transaction created meanwhile is skipped,
    not an error; read them back with ``sheets_on_cases``. (No RETURNING, which SQLite before 3.35 lacks.)"""
    moment = driver_value(session, SHEET.c.updated_at, now())
    draft, kind = SheetStatus.DRAFT.value, SheetKind.EVALUATION.value
    score, vetoes = scored_values(blank).values()
    rows = [(activity_id, case_id, person_id, draft, kind, "", moment, score, vetoes)
            for case_id, person_id in sorted(set(pairs))]  # one order for everyone: no deadlock between imports
    insert_tuples(session, SHEET, _DRAFT_INSERT, rows, suffix=" ON CONFLICT DO NOTHING")


def mark_submitted(session: Session, sheet_ids: Iterable[int]) -> datetime:
    """Submit the given sheets (status 已提交, submitted now); the moment used."""
    moment = now()
    params = [{"sheet": sheet_id, "new_status": SheetStatus.SUBMITTED, "moment": moment} for sheet_id in sheet_ids]
    if params:
        _update_many(session, params, status="new_status", submitted_at="moment", updated_at="moment")
    return moment


def settle_review(session: Session, sheet_id: int, leader_id: int) -> None:
    """Make a 复核 sheet the file's settled result, held by ``leader_id``, confirmed now."""
    moment = now()
    update_sheet(session, sheet_id, evaluator_id=leader_id, status=SheetStatus.RECONCILED, submitted_at=moment,
                 updated_at=moment)


def notes_for_code(session: Session, code: str, case_file_id: int | None = None, evaluator_id: int | None = None,
                   activity_ids: Iterable[int] | None = None) -> list[str]:
    """Every note written for ``code`` (a deduction, or an item or veto), on any sheet of any activity (or of
    ``activity_ids``), except the other evaluators' sheets on the file ``case_file_id`` (blind scoring)."""
    deduction_where = [DEDUCTION.c.code == code, DEDUCTION.c.note != ""]
    mark_where = [MARK.c.code == code, MARK.c.kind == NOTE, MARK.c.note != ""]
    if case_file_id is not None:
        same_file_others = select(SHEET.c.id).where(SHEET.c.case_file_id == case_file_id,
                                                    SHEET.c.evaluator_id != evaluator_id)
        deduction_where.append(DEDUCTION.c.sheet_id.not_in(same_file_others))
        mark_where.append(MARK.c.sheet_id.not_in(same_file_others))
    if activity_ids is not None:
        of_activities = select(SHEET.c.id).where(SHEET.c.activity_id.in_(list(activity_ids)))
        deduction_where.append(DEDUCTION.c.sheet_id.in_(of_activities))
        mark_where.append(MARK.c.sheet_id.in_(of_activities))
    notes = list(session.execute(select(DEDUCTION.c.note).where(*deduction_where)).scalars())
    notes += session.execute(select(MARK.c.note).where(*mark_where)).scalars()
    return notes
