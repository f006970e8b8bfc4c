"""The words the rules are written in: a sheet's status and kind, a person's role, a file's status.

Enums of ``str`` (StrEnum) whose values are exactly what the database stores and what JSON and the
CHECK constraints name, so existing databases still match and a member compares equal to its text.
"""

from __future__ import annotations

from enum import StrEnum


class SheetStatus(StrEnum):
    """评查表的状态."""

    DRAFT = "草稿"
    SUBMITTED = "已提交"
    RECONCILED = "复核"  # the 组长's settled 复核 sheet


class SheetKind(StrEnum):
    """An evaluator's own sheet, or the one 复核 sheet of a file."""

    EVALUATION = "evaluation"
    REVIEW = "review"


class Role(StrEnum):
    """A person's role on an activity's roster (角色)."""

    EVALUATOR = "评查员"
    LEADER = "组长"


class FileStatus(StrEnum):
    """Where a drawn file stands (§4 ``status``)."""

    PENDING = "pending"  # a sheet is not yet submitted
    NEEDS_REVIEW = "needs_review"  # all submitted, but they disagree per §2
    FINAL = "final"


# Shown where a file was assigned but its sheet has no row yet; never stored.
NOT_STARTED = "未开始"

FILE_STATUS_LABELS = {FileStatus.PENDING: "评查中", FileStatus.NEEDS_REVIEW: "待复核", FileStatus.FINAL: "已完成"}
