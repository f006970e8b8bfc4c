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


class RectificationStatus(StrEnum):
    """整改事项的状态 (§11)."""

    OPEN = "待整改"
    REPLIED = "已反馈"
    CLOSED = "已销号"


class RectificationAction(StrEnum):
    """A step in an item's history."""

    LISTED = "列入"  # the 通报 made the file an item
    REPLY = "反馈"  # the agency's reply, recorded by a 组长
    ACCEPT = "销号"
    REJECT = "退回"  # back to 待整改, with a reason


class ObjectionStatus(StrEnum):
    """异议的状态."""

    OPEN = "待答复"
    UPHELD = "已采纳"  # the file goes to 复核 with the objection as its reason
    DISMISSED = "未采纳"
