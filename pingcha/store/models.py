"""The tables (SQLModel). Totals are never stored: they are derived from the sheet rows by scoring."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import Boolean, CheckConstraint, Column, Index, Text, UniqueConstraint, false, text
from sqlmodel import Field, SQLModel


def now() -> datetime:
    return datetime.now(timezone.utc)


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK condition: ``column`` holds one of ``values`` (the vocabulary the services write)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# The vocabularies the database enforces (migration 0002 creates the same constraints).
SHEET_STATUSES = ("草稿", "已提交", "复核")
SHEET_KINDS = ("evaluation", "review")
ROLES = ("评查员", "组长")
MARK_KINDS = ("na", "veto", "note", "decided", "uncertain")  # uncertain: 请组长确认 (0003)
DRAW_MODES = ("per_agency", "total")
PARTY_TYPES = ("个人", "单位")
PROCEDURES = ("普通程序", "简易程序")


class RubricVersion(SQLModel, table=True):
    """A stored rubric version: its canonical TOML and a content hash; immutable once loaded."""

    __tablename__ = "rubric_version"
    __table_args__ = (UniqueConstraint("rubric_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    rubric_id: str = Field(index=True)
    version: str
    title: str
    replaces: str | None = None
    content: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str
    loaded_at: datetime = Field(default_factory=now)
    loaded_by: str


class Activity(SQLModel, table=True):
    """评查活动: pinned to one rubric version."""

    __table_args__ = (CheckConstraint("per_file >= 1", name="ck_activity_per_file"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    rubric_version_id: int = Field(foreign_key="rubric_version.id", index=True)
    per_file: int = 2
    spread: str = "5.0"  # a Decimal, kept as text so no database rounds it
    settings: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    created_at: datetime = Field(default_factory=now)
    created_by: str
    # §2's band rule (--band-review): sheets in different grade bands send the file to 复核 (migration 0003).
    band_review: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    fixed_seed: str | None = None  # a draw seed fixed in advance (§6 activity create --seed); sample takes only it
    seed_fixed_at: datetime | None = None


class Agency(SQLModel, table=True):
    """执法部门 holding files in an activity's register."""

    __table_args__ = (UniqueConstraint("activity_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    name: str


class Draw(SQLModel, table=True):
    """One random draw (抽查) of files: seed, quota, who and when."""

    __table_args__ = (
        CheckConstraint(one_of("mode", DRAW_MODES), name="ck_draw_mode"),
        CheckConstraint("quota >= 1", name="ck_draw_quota"),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    seed: str
    mode: str  # per_agency or total
    quota: int
    forced: bool = False
    drawn_at: datetime = Field(default_factory=now)
    drawn_by: str


class CaseFile(SQLModel, table=True):
    """案卷: a register row; ``draw_id`` is set while the file is in the current draw."""

    __tablename__ = "case_file"
    __table_args__ = (
        UniqueConstraint("activity_id", "case_no"),
        CheckConstraint(one_of("party_type", PARTY_TYPES), name="ck_case_file_party_type"),
        CheckConstraint(one_of("procedure", PROCEDURES), name="ck_case_file_procedure"),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    case_no: str
    cause: str
    party: str
    party_type: str
    procedure: str = "普通程序"
    decision: str = ""
    filed_on: date | None = None
    decided_on: date | None = None
    served_on: date | None = None
    closed_on: date | None = None
    officers: str = ""  # joined with 、
    extra: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    row_no: int = 0
    draw_id: int | None = Field(default=None, foreign_key="draw.id", index=True)


class Evaluator(SQLModel, table=True):
    """评查人员 of an activity; ``unit`` decides 回避."""

    __table_args__ = (
        UniqueConstraint("activity_id", "name"),
        CheckConstraint(one_of("role", ROLES), name="ck_evaluator_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    name: str
    unit: str
    role: str = "评查员"


class Assignment(SQLModel, table=True):
    """One evaluator given one drawn file."""

    __table_args__ = (UniqueConstraint("case_file_id", "evaluator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    case_file_id: int = Field(foreign_key="case_file.id", index=True)
    evaluator_id: int = Field(foreign_key="evaluator.id", index=True)
    assigned_at: datetime = Field(default_factory=now)


class ScoreSheet(SQLModel, table=True):
    """评查表: one evaluator's sheet on one file, or the 组长's reconciled sheet (status 复核)."""

    __tablename__ = "score_sheet"
    __table_args__ = (
        UniqueConstraint("case_file_id", "evaluator_id", "status_kind"),
        CheckConstraint(one_of("status", SHEET_STATUSES), name="ck_score_sheet_status"),
        CheckConstraint(one_of("status_kind", SHEET_KINDS), name="ck_score_sheet_status_kind"),
        # One 复核 sheet per file, whichever 组长 holds it.
        Index("uq_score_sheet_one_review", "case_file_id", unique=True,
              sqlite_where=text("status_kind = 'review'"), postgresql_where=text("status_kind = 'review'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    case_file_id: int = Field(foreign_key="case_file.id", index=True)
    evaluator_id: int = Field(foreign_key="evaluator.id", index=True)
    status: str = "草稿"  # 草稿, 已提交, 复核
    status_kind: str = "evaluation"  # evaluation or review: one of each per evaluator and file
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    updated_at: datetime = Field(default_factory=now)
    submitted_at: datetime | None = None


class SheetDeduction(SQLModel, table=True):
    """One deduction rule found on a sheet, with how many times and where (note)."""

    __tablename__ = "sheet_deduction"
    __table_args__ = (
        UniqueConstraint("sheet_id", "code"),
        # 0 is kept where the deduction carries only a note.
        CheckConstraint("count >= 0", name="ck_sheet_deduction_count"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sheet_id: int = Field(foreign_key="score_sheet.id", index=True)
    code: str
    count: int
    note: str = ""


class SheetMark(SQLModel, table=True):
    """A 不适用 item (kind na), a triggered veto (kind veto), a note on an item (kind note), or an item
    confirmed as having nothing to deduct (kind decided)."""

    __tablename__ = "sheet_mark"
    __table_args__ = (
        UniqueConstraint("sheet_id", "kind", "code"),
        CheckConstraint(one_of("kind", MARK_KINDS), name="ck_sheet_mark_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sheet_id: int = Field(foreign_key="score_sheet.id", index=True)
    kind: str
    code: str
    note: str = ""


class AuditEntry(SQLModel, table=True):
    """Append-only log (全过程留痕): who did what, when, with before and after values; each row carries the
    hash of the row before it and its own (see store/audit.py)."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now, index=True)
    actor: str
    activity_id: int | None = Field(default=None, index=True)
    case_no: str | None = Field(default=None, index=True)
    entity: str  # rubric, activity, register, roster, draw, assignment, sheet, review
    action: str
    before: str | None = Field(default=None, sa_column=Column(Text))
    after: str | None = Field(default=None, sa_column=Column(Text))
    prev_hash: str
    hash: str


class Credential(SQLModel, table=True):
    """A person's passphrase (§10), as a salted slow hash only; wrong tries in a row and the lock-out's end."""

    __table_args__ = (CheckConstraint("failures >= 0", name="ck_credential_failures"),)

    id: int | None = Field(default=None, primary_key=True)
    evaluator_id: int = Field(foreign_key="evaluator.id", unique=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    secret_hash: str
    issued_at: datetime = Field(default_factory=now)
    issued_by: str
    failures: int = 0
    locked_until: datetime | None = None


class UnitAlias(SQLModel, table=True):
    """A roster 单位 mapped once by the 组长 to an agency of the register, so 回避 holds whatever the spelling."""

    __tablename__ = "unit_alias"
    __table_args__ = (UniqueConstraint("activity_id", "unit"),)

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    unit: str
    agency: str


class Wording(SQLModel, table=True):
    """规范表述: a standard wording a 组长 curates for one deduction of a rubric. It belongs to the rubric's
    identity (``rubric_id``, every version and every activity scored by it), so what a team agreed last year is
    offered again this year. A retired wording is kept (the audit log and old documents cite it) but no longer
    offered."""

    __table_args__ = (
        CheckConstraint("text <> ''", name="ck_wording_text"),
        Index("ix_wording_rubric_code", "rubric_id", "code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    rubric_id: str
    code: str  # a deduction code of the rubric
    text: str
    created_at: datetime = Field(default_factory=now)
    created_by: str
    updated_at: datetime = Field(default_factory=now)
    retired_at: datetime | None = None
    retired_by: str | None = None
