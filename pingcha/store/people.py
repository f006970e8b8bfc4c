"""Passphrases, roster units mapped to agencies, and an activity's seed fixed in advance, in SQL (plain records)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, exists, insert, select, update
from sqlmodel import Session

from pingcha.store.models import Activity, Credential, Evaluator, UnitAlias, now

CREDENTIAL = Credential.__table__
ALIAS = UnitAlias.__table__
ACTIVITY = Activity.__table__
PERSON = Evaluator.__table__


@dataclass(frozen=True)
class CredentialRecord:
    evaluator_id: int
    secret_hash: str
    failures: int
    locked_until: datetime | None


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; every moment pingcha writes is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def is_protected(session: Session, activity_id: int) -> bool:
    """Protected once any passphrase has been issued for the activity (§10)."""
    return bool(session.execute(select(exists().where(CREDENTIAL.c.activity_id == activity_id))).scalar())


def protected_activities(session: Session) -> set[int]:
    return set(session.execute(select(CREDENTIAL.c.activity_id).distinct()).scalars())


def credential(session: Session, evaluator_id: int, lock: bool = False) -> CredentialRecord | None:
    query = select(CREDENTIAL.c.evaluator_id, CREDENTIAL.c.secret_hash, CREDENTIAL.c.failures,
                   CREDENTIAL.c.locked_until).where(CREDENTIAL.c.evaluator_id == evaluator_id)
    row = session.execute(query.with_for_update() if lock else query).first()
    return CredentialRecord(row[0], row[1], row[2], _aware(row[3])) if row is not None else None


def set_credentials(session: Session, activity_id: int, hashes: dict[int, str], issued_by: str) -> None:
    """Give each evaluator id its new passphrase hash (replacing any older one), failures cleared."""
    ids = list(hashes)
    if not ids:
        return
    session.execute(delete(CREDENTIAL).where(CREDENTIAL.c.evaluator_id.in_(ids)))
    session.execute(insert(CREDENTIAL), [
        {"evaluator_id": person_id, "activity_id": activity_id, "secret_hash": secret, "issued_at": now(),
         "issued_by": issued_by, "failures": 0, "locked_until": None}
        for person_id, secret in hashes.items()
    ])


def note_try(session: Session, evaluator_id: int, failures: int, locked_until: datetime | None,
             secret_hash: str | None = None) -> None:
    values: dict = {"failures": failures, "locked_until": locked_until}
    if secret_hash is not None:
        values["secret_hash"] = secret_hash
    session.execute(update(CREDENTIAL).where(CREDENTIAL.c.evaluator_id == evaluator_id).values(**values))


def leaders_named(session: Session, name: str, activity_ids: Iterable[int]) -> list[int]:
    """Ids of the roster rows naming ``name`` as 组长 on any of these activities."""
    ids = list(activity_ids)
    if not ids:
        return []
    return list(session.execute(select(PERSON.c.id).where(
        PERSON.c.name == name, PERSON.c.role == "组长", PERSON.c.activity_id.in_(ids))).scalars())


def unit_aliases(session: Session, activity_id: int) -> dict[str, str]:
    return dict(session.execute(select(ALIAS.c.unit, ALIAS.c.agency).where(ALIAS.c.activity_id == activity_id)).all())


def add_unit_aliases(session: Session, activity_id: int, aliases: dict[str, str]) -> None:
    known = unit_aliases(session, activity_id)
    for unit, agency in aliases.items():
        if unit in known:
            session.execute(update(ALIAS).where(ALIAS.c.activity_id == activity_id, ALIAS.c.unit == unit)
                            .values(agency=agency))
        else:
            session.execute(insert(ALIAS).values(activity_id=activity_id, unit=unit, agency=agency))


def fixed_seed(session: Session, activity_id: int) -> tuple[str | None, datetime | None]:
    row = session.execute(select(ACTIVITY.c.fixed_seed, ACTIVITY.c.seed_fixed_at)
                          .where(ACTIVITY.c.id == activity_id)).first()
    return (row[0], _aware(row[1])) if row is not None else (None, None)


def fix_seed(session: Session, activity_id: int, seed: str) -> None:
    session.execute(update(ACTIVITY).where(ACTIVITY.c.id == activity_id).values(fixed_seed=seed, seed_fixed_at=now()))
