"""What ``pingcha check`` reads: SQLite's own integrity check, the schema version, stored rubrics, and every
sheet's rows next to the audit entries that made them (plain records; the comparison is in services/check.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlmodel import Session, select

from pingcha.store.engine import Store
from pingcha.store.migrate import current_revision
from pingcha.store.models import (
    Activity, AuditEntry, CaseFile, Evaluator, RubricVersion, ScoreSheet, SheetDeduction, SheetMark,
)

# The audit entities whose entries make or void sheets.
SHEET_ENTITIES = ("sheet", "review", "draw", "assignment", "calibration")


def sqlite_integrity(store: Store) -> list[str]:
    """``PRAGMA integrity_check`` and ``foreign_key_check`` findings (empty when the file is sound, or not SQLite)."""
    if store.engine.dialect.name != "sqlite":
        return []
    with store.read() as session:
        connection = session.connection()
        found = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check(20)")]
        problems = [] if found == ["ok"] else found
        for table, rowid, parent, _ in connection.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(20):
            problems.append(f"{table} 第 {rowid} 行引用的 {parent} 记录不存在")
        return problems


AUDIT_TRIGGERS = {"sqlite": ("audit_log_no_update", "audit_log_no_delete"), "postgresql": ("audit_log_append_only",)}


def missing_audit_triggers(store: Store) -> list[str]:
    """The triggers that keep the audit log append-only (migrations 0001, 0002) that are no longer there."""
    expected = AUDIT_TRIGGERS.get(store.engine.dialect.name, ())
    if not expected:
        return []
    query = ("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
             if store.engine.dialect.name == "sqlite" else
             "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal")
    with store.read() as session:
        present = {row[0] for row in session.connection().exec_driver_sql(query)}
    return [name for name in expected if name not in present]


def schema_revision(store: Store) -> str | None:
    return current_revision(store.engine)


@dataclass(frozen=True)
class StoredRubricContent:
    key: str
    content: str
    sha256: str


def rubric_contents(session: Session) -> list[StoredRubricContent]:
    return [
        StoredRubricContent(f"{v.rubric_id}@{v.version}", v.content, v.sha256)
        for v in session.exec(select(RubricVersion).order_by(RubricVersion.id))
    ]


@dataclass
class StoredSheet:
    """One score_sheet row with its deduction and mark rows."""

    activity_id: int
    activity: str
    case_no: str
    evaluator: str
    kind: str  # evaluation or review
    status: str
    comment: str
    score: str | None  # the stored score (text of its Decimal; None: stored as unscorable)
    vetoes: str  # the stored vetoes, joined as store/sheets.py joins them
    deductions: dict[str, tuple[int, str]] = field(default_factory=dict)  # code → (count, note)
    marks: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, code) → note


def stored_sheets(session: Session) -> list[StoredSheet]:
    rows = session.exec(
        select(ScoreSheet.id, Activity.id, Activity.name, CaseFile.case_no, Evaluator.name, ScoreSheet.status_kind,
               ScoreSheet.status, ScoreSheet.comment, ScoreSheet.score, ScoreSheet.vetoes)
        .join(Activity, Activity.id == ScoreSheet.activity_id)
        .join(CaseFile, CaseFile.id == ScoreSheet.case_file_id)
        .join(Evaluator, Evaluator.id == ScoreSheet.evaluator_id)
        .order_by(ScoreSheet.id)
    ).all()
    sheets = {row[0]: StoredSheet(*row[1:]) for row in rows}
    for sheet_id, code, count, note in session.exec(
        select(SheetDeduction.sheet_id, SheetDeduction.code, SheetDeduction.count, SheetDeduction.note)
    ):
        if sheet_id in sheets:
            sheets[sheet_id].deductions[code] = (count, note)
    for sheet_id, kind, code, note in session.exec(
        select(SheetMark.sheet_id, SheetMark.kind, SheetMark.code, SheetMark.note)
    ):
        if sheet_id in sheets:
            sheets[sheet_id].marks[(kind, code)] = note
    return list(sheets.values())


def activity_names(session: Session) -> dict[int, str]:
    return dict(session.exec(select(Activity.id, Activity.name)).all())


@dataclass(frozen=True)
class SheetEvent:
    """An audit entry that changed, replaced, settled or voided sheets."""

    entry_id: int
    activity_id: int | None
    entity: str
    action: str
    case_no: str | None
    before: dict
    after: dict


def sheet_events(session: Session) -> Iterator[SheetEvent]:
    query = (
        select(AuditEntry.id, AuditEntry.activity_id, AuditEntry.entity, AuditEntry.action, AuditEntry.case_no,
               AuditEntry.before, AuditEntry.after)
        .where(AuditEntry.entity.in_(SHEET_ENTITIES))
        .order_by(AuditEntry.id)
        .execution_options(yield_per=5000)
    )
    for entry_id, activity_id, entity, action, case_no, before, after in session.exec(query):
        yield SheetEvent(entry_id, activity_id, entity, action, case_no, _loads(before), _loads(after))


def _loads(value: str | None) -> dict:
    if not value:
        return {}
    try:
        loaded = json.loads(value)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}

