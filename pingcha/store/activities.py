"""Activities and the people on them, in SQL, as plain records."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from pingcha.store.chunks import chunked
from pingcha.store.models import Activity, Evaluator, now

ACTIVITY = Activity.__table__
PERSON = Evaluator.__table__


@dataclass(frozen=True)
class ActivityRecord:
    id: int
    name: str
    rubric_version_id: int
    per_file: int
    spread: str  # a Decimal as text
    created_at: datetime
    created_by: str
    settings: dict = field(default_factory=dict)
    band_review: bool = False  # §2's band rule
    year: int | None = None  # the year it belongs to (§12)


@dataclass(frozen=True)
class PersonRecord:
    """评查人员 on one activity's roster."""

    id: int
    activity_id: int
    name: str
    unit: str
    role: str  # a Role value


_ACTIVITY_COLUMNS = (ACTIVITY.c.id, ACTIVITY.c.name, ACTIVITY.c.rubric_version_id, ACTIVITY.c.per_file,
                     ACTIVITY.c.spread, ACTIVITY.c.created_at, ACTIVITY.c.created_by, ACTIVITY.c.settings,
                     ACTIVITY.c.band_review, ACTIVITY.c.year)


def _activities(session: Session, query) -> list[ActivityRecord]:
    return [ActivityRecord(*row[:-3], settings=json.loads(row[-3] or "{}"), band_review=bool(row[-2]), year=row[-1])
            for row in session.execute(query)]


def activity_named(session: Session, name: str) -> ActivityRecord | None:
    found = _activities(session, select(*_ACTIVITY_COLUMNS).where(ACTIVITY.c.name == name))
    return found[0] if found else None


def activity_by_id(session: Session, activity_id: int, lock: bool = False) -> ActivityRecord | None:
    """One activity (``lock``: hold its row until the transaction ends, to change it from what was read)."""
    query = select(*_ACTIVITY_COLUMNS).where(ACTIVITY.c.id == activity_id)
    found = _activities(session, query.with_for_update() if lock else query)
    return found[0] if found else None


def all_activities(session: Session) -> list[ActivityRecord]:
    return _activities(session, select(*_ACTIVITY_COLUMNS).order_by(ACTIVITY.c.id))


def add_activity(session: Session, name: str, rubric_version_id: int, per_file: int, spread: str,
                 actor: str, band_review: bool = False, year: int | None = None) -> ActivityRecord:
    moment = now()
    activity_id = session.execute(insert(ACTIVITY).values(
        name=name, rubric_version_id=rubric_version_id, per_file=per_file, spread=spread, settings="{}",
        created_at=moment, created_by=actor, band_review=band_review, year=year if year is not None else moment.year,
    )).inserted_primary_key[0]
    return activity_by_id(session, activity_id)


def save_settings(session: Session, activity_id: int, settings: dict) -> None:
    session.execute(update(ACTIVITY).where(ACTIVITY.c.id == activity_id).values(
        settings=json.dumps(settings, ensure_ascii=False, sort_keys=True)))


def activity_counts(session: Session) -> dict[int, int]:
    """How many activities are pinned to each stored rubric version, by version id."""
    return dict(session.execute(
        select(ACTIVITY.c.rubric_version_id, func.count()).group_by(ACTIVITY.c.rubric_version_id)).all())


_PERSON_COLUMNS = (PERSON.c.id, PERSON.c.activity_id, PERSON.c.name, PERSON.c.unit, PERSON.c.role)


def people(session: Session, activity_id: int) -> list[PersonRecord]:
    """The activity's roster, by name."""
    return [PersonRecord(*row) for row in session.execute(
        select(*_PERSON_COLUMNS).where(PERSON.c.activity_id == activity_id).order_by(PERSON.c.name))]


def person_named(session: Session, activity_id: int, name: str) -> PersonRecord | None:
    row = session.execute(
        select(*_PERSON_COLUMNS).where(PERSON.c.activity_id == activity_id, PERSON.c.name == name).limit(1)).first()
    return PersonRecord(*row) if row is not None else None


def person_by_id(session: Session, person_id: int) -> PersonRecord | None:
    row = session.execute(select(*_PERSON_COLUMNS).where(PERSON.c.id == person_id)).first()
    return PersonRecord(*row) if row is not None else None


def people_named(session: Session, activity_id: int, names: Iterable[str]) -> dict[str, PersonRecord]:
    """The people with these names (only those; queried in chunks), by name."""
    found: dict[str, PersonRecord] = {}
    for chunk in chunked(sorted(set(names))):
        for row in session.execute(
            select(*_PERSON_COLUMNS).where(PERSON.c.activity_id == activity_id, PERSON.c.name.in_(chunk))
        ):
            found[row.name] = PersonRecord(*row)
    return found


def person_names(session: Session, activity_id: int) -> set[str]:
    return set(session.execute(select(PERSON.c.name).where(PERSON.c.activity_id == activity_id)).scalars())


def add_people(session: Session, activity_id: int, entries: Iterable[tuple[str, str, str]]) -> None:
    """Add (name, unit, role) rows to the roster, in one bulk insert."""
    rows = [{"activity_id": activity_id, "name": name, "unit": unit, "role": role} for name, unit, role in entries]
    if rows:
        session.execute(insert(PERSON), rows)
