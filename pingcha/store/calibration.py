"""样卷试评 in SQL: which files are calibration files, their reference sheets, the activity's setting."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session

from pingcha.store.models import CalibrationFile, CalibrationRound, CaseFile, now

CALIBRATION = CalibrationFile.__table__
ROUND = CalibrationRound.__table__
CASE = CaseFile.__table__


@dataclass(frozen=True)
class CalibrationRecord:
    """One 样卷: its file, who set it aside, and its reference sheet (a §3 sheet as a dict, or None)."""

    case_file_id: int
    case_no: str
    marked_at: datetime
    marked_by: str
    reference: dict | None
    reference_by: str | None
    reference_at: datetime | None


_CALIBRATION_IDS = select(CALIBRATION.c.case_file_id).where(CALIBRATION.c.activity_id == bindparam("activity_id"))


def calibration_case_ids(session: Session, activity_id: int) -> set[int]:
    """The ids of the activity's calibration files (one query, read on every sheet change: built once)."""
    return set(session.execute(_CALIBRATION_IDS, {"activity_id": activity_id}).scalars())


def calibration_files(session: Session, activity_id: int) -> list[CalibrationRecord]:
    """The activity's calibration files, by 案号."""
    query = (select(CALIBRATION.c.case_file_id, CASE.c.case_no, CALIBRATION.c.marked_at, CALIBRATION.c.marked_by,
                    CALIBRATION.c.reference, CALIBRATION.c.reference_by, CALIBRATION.c.reference_at)
             .join(CASE, CASE.c.id == CALIBRATION.c.case_file_id)
             .where(CALIBRATION.c.activity_id == activity_id).order_by(CASE.c.case_no))
    return [CalibrationRecord(case_id, case_no, at, by, json.loads(reference) if reference else None, ref_by, ref_at)
            for case_id, case_no, at, by, reference, ref_by, ref_at in session.execute(query)]


def add_calibration_files(session: Session, activity_id: int, case_file_ids: list[int], actor: str) -> None:
    moment = now()
    if case_file_ids:
        session.execute(insert(CALIBRATION), [
            {"activity_id": activity_id, "case_file_id": case_id, "marked_at": moment, "marked_by": actor}
            for case_id in case_file_ids])


def save_reference(session: Session, case_file_id: int, reference: dict, actor: str) -> None:
    session.execute(update(CALIBRATION).where(CALIBRATION.c.case_file_id == case_file_id).values(
        reference=json.dumps(reference, ensure_ascii=False, sort_keys=True), reference_by=actor, reference_at=now()))


def live_first(session: Session, activity_id: int) -> bool:
    """Whether live files open before an evaluator's calibration sheets are submitted (default: no)."""
    value = session.execute(select(ROUND.c.live_first).where(ROUND.c.activity_id == activity_id)).scalar()
    return bool(value)


def set_live_first(session: Session, activity_id: int, value: bool, actor: str) -> None:
    found = session.execute(select(ROUND.c.id).where(ROUND.c.activity_id == activity_id).with_for_update()).first()
    if found is None:
        session.execute(insert(ROUND).values(activity_id=activity_id, live_first=value, changed_at=now(),
                                             changed_by=actor))
    else:
        session.execute(update(ROUND).where(ROUND.c.id == found[0]).values(live_first=value, changed_at=now(),
                                                                            changed_by=actor))
