"""The register and the draw in SQL: agencies, case files, draws and assignments, as plain records."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import String, delete, func, insert, select, type_coerce, update
from sqlmodel import Session

from pingcha.pacing import paced
from pingcha.records import Decoded, record
from pingcha.results import CaseFile as CaseRecord
from pingcha.store.chunks import chunked
from pingcha.store.models import Agency, Assignment, CaseFile, Draw, now

AGENCY = Agency.__table__
CASE = CaseFile.__table__
DRAW = Draw.__table__
ASSIGNMENT = Assignment.__table__


@record
class StoredCase:
    """A register row as stored: its ids and draw, and its facts as the core's ``CaseFile`` record."""

    id: int
    activity_id: int
    agency_id: int
    draw_id: int | None
    row_no: int
    facts: CaseRecord

    @property
    def case_no(self) -> str:
        return self.facts.case_no

    @property
    def agency(self) -> str:
        return self.facts.agency

    @property
    def procedure(self) -> str:
        return self.facts.procedure


class CaseKey(NamedTuple):
    """What the draw and the assignment need of a register row, without its facts."""

    id: int
    case_no: str
    agency: str
    procedure: str
    draw_id: int | None


@dataclass(frozen=True)
class DrawRecord:
    id: int
    activity_id: int
    seed: str
    mode: str
    quota: int
    forced: bool
    drawn_at: datetime
    drawn_by: str


# The dates as the driver returns them (SQLite: text), made dates here by one C call each: SQLAlchemy's own
# conversion (a regular expression a value) was most of reading a province's register.
_CASE_COLUMNS = (CASE.c.id, CASE.c.activity_id, CASE.c.agency_id, CASE.c.draw_id, CASE.c.row_no, CASE.c.case_no,
                 AGENCY.c.name, CASE.c.cause, CASE.c.party, CASE.c.party_type, CASE.c.procedure, CASE.c.decision,
                 *(type_coerce(column, String) for column in (CASE.c.filed_on, CASE.c.decided_on, CASE.c.served_on,
                                                              CASE.c.closed_on)),
                 CASE.c.officers, CASE.c.extra)


def _day(value) -> date | None:
    """A stored date as a date (SQLite keeps text; PostgreSQL gives dates)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _officers(text: str) -> tuple[str, ...]:
    return tuple(filter(None, text.split("、")))


def _decoders() -> tuple[Decoded, Decoded]:
    """The dates and the officers of one read, each text decoded once: a register's files share them."""
    return Decoded(_day), Decoded(_officers)


def _case(row, decoders: tuple[Decoded, Decoded]) -> StoredCase:
    (case_id, activity_id, agency_id, draw_id, row_no, case_no, agency, cause, party, party_type, procedure,
     decision, filed_on, decided_on, served_on, closed_on, officers, extra) = row
    days, crews = decoders
    facts = CaseRecord(  # in the order of its fields: positional arguments bind faster (50,000 a province)
        case_no, agency, cause, party, party_type, procedure, decision, days[filed_on], days[decided_on],
        days[served_on], days[closed_on], crews[officers], json.loads(extra) if extra and extra != "{}" else {},
    )
    return StoredCase(case_id, activity_id, agency_id, draw_id, row_no, facts)


def _cases(session: Session, *conditions) -> list[StoredCase]:
    query = select(*_CASE_COLUMNS).join(AGENCY, AGENCY.c.id == CASE.c.agency_id).where(*conditions)
    decoders = _decoders()
    found = []
    for row in paced(session.execute(query).all(), 4096):
        found.append(_case(row, decoders))
    return found


def cases(session: Session, activity_id: int, drawn: bool = False) -> list[StoredCase]:
    """The activity's register (``drawn``: only the files in the current draw)."""
    conditions = [CASE.c.activity_id == activity_id]
    if drawn:
        conditions.append(CASE.c.draw_id.is_not(None))
    return _cases(session, *conditions)


def register_rows(session: Session, activity_id: int, drawn: bool = False) -> list[CaseRecord]:
    """The register's facts in register order (``drawn``: the current draw's files only), for the pre-checks."""
    conditions = [CASE.c.activity_id == activity_id]
    if drawn:
        conditions.append(CASE.c.draw_id.is_not(None))
    query = (select(*_CASE_COLUMNS).join(AGENCY, AGENCY.c.id == CASE.c.agency_id).where(*conditions)
             .order_by(CASE.c.row_no, CASE.c.id))
    decoders = _decoders()
    return [_case(row, decoders).facts for row in session.execute(query)]


def case_keys(session: Session, activity_id: int, drawn: bool = False) -> list[CaseKey]:
    """The activity's register rows as ``CaseKey``s (``drawn``: only the current draw's)."""
    query = (select(CASE.c.id, CASE.c.case_no, AGENCY.c.name, CASE.c.procedure, CASE.c.draw_id)
             .join(AGENCY, AGENCY.c.id == CASE.c.agency_id).where(CASE.c.activity_id == activity_id))
    if drawn:
        query = query.where(CASE.c.draw_id.is_not(None))
    return [CaseKey(*row) for row in session.execute(query)]


def case_by_no(session: Session, activity_id: int, case_no: str) -> StoredCase | None:
    found = _cases(session, CASE.c.activity_id == activity_id, CASE.c.case_no == case_no)
    return found[0] if found else None


def case_by_id(session: Session, case_file_id: int) -> StoredCase | None:
    found = _cases(session, CASE.c.id == case_file_id)
    return found[0] if found else None


def cases_numbered(session: Session, activity_id: int, case_nos: Iterable[str]) -> dict[str, StoredCase]:
    """The files with these 案号 (only those; queried in chunks), by 案号."""
    found: dict[str, StoredCase] = {}
    for chunk in chunked(sorted(set(case_nos))):
        for case in _cases(session, CASE.c.activity_id == activity_id, CASE.c.case_no.in_(chunk)):
            found[case.case_no] = case
    return found


def case_ids_numbered(session: Session, activity_id: int, case_nos: Iterable[str]) -> dict[str, tuple[int, str]]:
    """(id, 案号) of the files with these 案号 (only those, and none of their facts; queried in chunks), by 案号."""
    found: dict[str, tuple[int, str]] = {}
    for chunk in chunked(sorted(set(case_nos))):
        for case_id, case_no in session.execute(
                select(CASE.c.id, CASE.c.case_no).where(CASE.c.activity_id == activity_id, CASE.c.case_no.in_(chunk))):
            found[case_no] = (case_id, case_no)
    return found


def case_numbers(session: Session, activity_id: int) -> set[str]:
    return set(session.execute(select(CASE.c.case_no).where(CASE.c.activity_id == activity_id)).scalars())


def register_size(session: Session, activity_id: int, excluding: Iterable[int] = ()) -> tuple[int, int]:
    """(files, agencies) in the activity's imported registers (``excluding``: files not counted, 样卷)."""
    query = select(func.count(), func.count(func.distinct(CASE.c.agency_id))).where(CASE.c.activity_id == activity_id)
    excluded = sorted(set(excluding))
    if excluded:
        query = query.where(CASE.c.id.not_in(excluded))
    files, agencies = session.execute(query).one()
    return files, agencies


def parties(session: Session, activity_id: int) -> list[tuple[str, str]]:
    """(当事人, 当事人类型) of the register's rows, each pair once: the whole register's individuals are masked in
    documents."""
    query = select(CASE.c.party, CASE.c.party_type).where(CASE.c.activity_id == activity_id).distinct()
    return [tuple(row) for row in session.execute(query).all()]


def agency_ids(session: Session, activity_id: int) -> dict[str, int]:
    return dict(session.execute(select(AGENCY.c.name, AGENCY.c.id).where(AGENCY.c.activity_id == activity_id)).all())


def add_agencies(session: Session, activity_id: int, names: Iterable[str]) -> dict[str, int]:
    """Add the agencies not yet known; every agency's id by name."""
    known = agency_ids(session, activity_id)
    new = [{"activity_id": activity_id, "name": name} for name in dict.fromkeys(names) if name not in known]
    if new:
        session.execute(insert(AGENCY), new)
        known = agency_ids(session, activity_id)
    return known


def insert_cases(session: Session, activity_id: int, rows: list[tuple[int, int, CaseRecord]]) -> None:
    """Add register rows, each (row number, agency id, facts), in one bulk insert."""
    session.execute(insert(CASE), [
        {
            "activity_id": activity_id, "agency_id": agency_id, "case_no": case.case_no, "cause": case.cause,
            "party": case.party, "party_type": case.party_type, "procedure": case.procedure,
            "decision": case.decision, "filed_on": case.filed_on, "decided_on": case.decided_on,
            "served_on": case.served_on, "closed_on": case.closed_on, "officers": "、".join(case.officers),
            "extra": json.dumps(case.extra, ensure_ascii=False), "row_no": row_no, "draw_id": None,
        }
        for row_no, agency_id, case in rows
    ])


def latest_draw(session: Session, activity_id: int) -> DrawRecord | None:
    row = session.execute(
        select(DRAW.c.id, DRAW.c.activity_id, DRAW.c.seed, DRAW.c.mode, DRAW.c.quota, DRAW.c.forced, DRAW.c.drawn_at,
               DRAW.c.drawn_by).where(DRAW.c.activity_id == activity_id).order_by(DRAW.c.id.desc()).limit(1)
    ).first()
    return DrawRecord(*row) if row is not None else None


def draw_count(session: Session, activity_id: int) -> int:
    return session.execute(select(func.count()).select_from(DRAW).where(DRAW.c.activity_id == activity_id)).scalar_one()


def add_draw(session: Session, activity_id: int, seed: str, mode: str, quota: int, forced: bool, actor: str) -> int:
    """A new draw row; its id."""
    return session.execute(insert(DRAW).values(
        activity_id=activity_id, seed=seed, mode=mode, quota=quota, forced=forced, drawn_at=now(), drawn_by=actor,
    )).inserted_primary_key[0]


def set_draw(session: Session, activity_id: int, draw_id: int, case_file_ids: Iterable[int]) -> None:
    """Make ``case_file_ids`` the activity's current draw: one UPDATE clears the old draw, then the
    drawn files are marked in chunks, each IN list well under the databases' variable limits."""
    session.execute(update(CASE).where(CASE.c.activity_id == activity_id, CASE.c.draw_id.is_not(None))
                    .values(draw_id=None))
    for chunk in chunked(sorted(case_file_ids)):
        session.execute(update(CASE).where(CASE.c.id.in_(chunk)).values(draw_id=draw_id))


def assignments(session: Session, activity_id: int) -> list[tuple[int, int]]:
    """Every (case_file_id, evaluator_id) assignment of the activity."""
    return [tuple(row) for row in session.execute(
        select(ASSIGNMENT.c.case_file_id, ASSIGNMENT.c.evaluator_id).where(ASSIGNMENT.c.activity_id == activity_id)
    ).all()]


def is_assigned(session: Session, case_file_id: int, evaluator_id: int) -> bool:
    return session.execute(select(ASSIGNMENT.c.id).where(
        ASSIGNMENT.c.case_file_id == case_file_id, ASSIGNMENT.c.evaluator_id == evaluator_id).limit(1)
    ).first() is not None


def assignments_of(session: Session, evaluator_ids: Iterable[int]) -> set[tuple[int, int]]:
    """The (case_file_id, evaluator_id) assignments of these people only (queried in chunks)."""
    found: set[tuple[int, int]] = set()
    for chunk in chunked(sorted(set(evaluator_ids))):
        found.update(tuple(row) for row in session.execute(
            select(ASSIGNMENT.c.case_file_id, ASSIGNMENT.c.evaluator_id).where(ASSIGNMENT.c.evaluator_id.in_(chunk))))
    return found


def assigned_cases(session: Session, evaluator_id: int) -> list[StoredCase]:
    """The files assigned to one person."""
    query = (select(*_CASE_COLUMNS).join(AGENCY, AGENCY.c.id == CASE.c.agency_id)
             .join(ASSIGNMENT, ASSIGNMENT.c.case_file_id == CASE.c.id).where(ASSIGNMENT.c.evaluator_id == evaluator_id))
    decoders = _decoders()
    return [_case(row, decoders) for row in session.execute(query).all()]


def assignment_counts(session: Session, activity_id: int, excluding: Iterable[int] = ()) -> dict[int, int]:
    """How many files each person was given, by evaluator id (``excluding``: files not counted, 样卷)."""
    query = select(ASSIGNMENT.c.evaluator_id, func.count()).where(ASSIGNMENT.c.activity_id == activity_id)
    excluded = sorted(set(excluding))
    if excluded:
        query = query.where(ASSIGNMENT.c.case_file_id.not_in(excluded))
    return dict(session.execute(query.group_by(ASSIGNMENT.c.evaluator_id)).all())


def add_assignments(session: Session, activity_id: int, pairs: Iterable[tuple[int, int]]) -> None:
    """Assign (case_file_id, evaluator_id) pairs, in one bulk insert."""
    moment = now()
    rows = [{"activity_id": activity_id, "case_file_id": case_id, "evaluator_id": person_id, "assigned_at": moment}
            for case_id, person_id in pairs]
    if rows:
        session.execute(insert(ASSIGNMENT), rows)


def delete_assignments(session: Session, activity_id: int, keeping: Iterable[int] = ()) -> None:
    """Remove the activity's assignments, but those on the files ``keeping`` (样卷)."""
    query = delete(ASSIGNMENT).where(ASSIGNMENT.c.activity_id == activity_id)
    kept = sorted(set(keeping))
    if kept:
        query = query.where(ASSIGNMENT.c.case_file_id.not_in(kept))
    session.execute(query)
