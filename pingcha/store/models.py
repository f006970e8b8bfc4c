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
    year: int | None = None  # the year the activity belongs to, for §12's statistics (migration 0005)


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
    # What the sheet's rows score, stored by every write that changes them (pingcha check recomputes it): the
    # score as text of its Decimal (None where the rows cannot be scored) and the vetoes found, joined by \x1f.
    # Results read these instead of scoring every sheet again.
    score: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    vetoes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


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


class CalibrationFile(SQLModel, table=True):
    """样卷: a register file the 组长 set aside for the calibration round (样卷试评), with the reference sheet
    (a §3 sheet as JSON, its notes explaining the reference). Never drawn, never in results (migration 0007)."""

    __tablename__ = "calibration_file"

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    case_file_id: int = Field(foreign_key="case_file.id", unique=True)
    marked_at: datetime = Field(default_factory=now)
    marked_by: str
    reference: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reference_by: str | None = None
    reference_at: datetime | None = None


class CalibrationRound(SQLModel, table=True):
    """An activity's calibration setting: whether live files open before the evaluator's 样卷 are submitted
    (no row: they do not)."""

    __tablename__ = "calibration_round"

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", unique=True)
    live_first: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    changed_at: datetime = Field(default_factory=now)
    changed_by: str


# 整改 and 异议 (migration 0006): the vocabularies the database enforces.
RECTIFICATION_STATUSES = ("待整改", "已反馈", "已销号")
RECTIFICATION_ACTIONS = ("列入", "反馈", "销号", "退回")
OBJECTION_STATUSES = ("待答复", "已采纳", "未采纳")


class BulletinIssue(SQLModel, table=True):
    """One issue of an activity's 通报: its 成文日期 and the 整改 deadline it set (§11)."""

    __tablename__ = "bulletin_issue"

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    issue_date: date
    deadline: date
    issued_at: datetime = Field(default_factory=now)
    issued_by: str


class RectificationItem(SQLModel, table=True):
    """整改: a file graded 不合格 in an issued 通报, with its deadline and where its rectification stands."""

    __tablename__ = "rectification_item"
    __table_args__ = (
        UniqueConstraint("case_file_id", name="uq_rectification_item_case_file"),
        CheckConstraint(one_of("status", RECTIFICATION_STATUSES), name="ck_rectification_item_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    case_file_id: int = Field(foreign_key="case_file.id")
    issue_id: int = Field(foreign_key="bulletin_issue.id")
    status: str = "待整改"
    deadline: date
    replied_on: date | None = None


class RectificationEvent(SQLModel, table=True):
    """One step of an item's history: listed, a reply recorded, accepted (销号) or sent back with a reason."""

    __tablename__ = "rectification_event"
    __table_args__ = (CheckConstraint(one_of("action", RECTIFICATION_ACTIONS), name="ck_rectification_event_action"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="rectification_item.id", index=True)
    action: str
    on_date: date
    at: datetime = Field(default_factory=now)
    actor: str
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class Objection(SQLModel, table=True):
    """异议: an agency's objection to one item of a file's result before the 通报, recorded by a 组长, and its
    answer; an upheld one sends the file to 复核 until a 复核 is recorded (``reviewed``)."""

    __table_args__ = (
        UniqueConstraint("activity_id", "number", name="uq_objection_number"),
        CheckConstraint(one_of("status", OBJECTION_STATUSES), name="ck_objection_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    number: int
    case_file_id: int = Field(foreign_key="case_file.id", index=True)
    item_code: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str = "待答复"
    recorded_at: datetime = Field(default_factory=now)
    recorded_by: str
    answer: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    answered_at: datetime | None = None
    answered_by: str | None = None
    reviewed: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))


class CasePin(SQLModel, table=True):
    """A file the 组长 pinned for the 十大典型案例 (migration 0005): always included when the cases are written."""

    __tablename__ = "case_pin"
    __table_args__ = (UniqueConstraint("case_file_id"),)

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    case_file_id: int = Field(foreign_key="case_file.id")
    pinned_at: datetime = Field(default_factory=now)
    pinned_by: str


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
