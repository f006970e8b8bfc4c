"""Who may do what (interfaces.md §10), as pure rules: the services apply them, every face goes through them.

Each rule returns the Chinese reason for a refusal, or None when the action is allowed. ``protected`` says whether
the activity has passphrases (then the person is signed in); ``role`` is the person's role on the activity's roster,
or None when the name given is not on it.
"""

from __future__ import annotations

from enum import StrEnum

from pingcha.vocabulary import Role

LOCK_AFTER = 5  # wrong passphrases in a row
LOCK_MINUTES = 5


class LeaderAction(StrEnum):
    """What only a 组长 may do; the value names it in a refusal and in the audit log."""

    LOAD_RUBRIC = "载入评分标准"
    CREATE_ACTIVITY = "创建评查活动"
    CHANGE_SETTINGS = "修改评查活动设置"
    IMPORT_REGISTER = "导入案卷目录"
    IMPORT_ROSTER = "导入人员名单"
    DRAW = "抽取案卷"
    ASSIGN = "分配评查人员"
    ISSUE_CREDENTIALS = "发放口令"
    REVIEW = "录入复核结果"
    RECTIFY = "录入整改决定"
    REPORT = "出具报告"
    CURATE_WORDINGS = "维护规范表述"


def leader_refusal(action: LeaderAction, actor: str, role: Role | str | None, protected: bool) -> str | None:
    """组长-only actions: open to whoever runs them on an unprotected activity (one trusted seat)."""
    if not protected or role == Role.LEADER:
        return None
    return f"只有组长可以{action.value}；“{actor}”不是本次评查活动的组长。"


def sheet_refusal(actor: str, role: Role | str | None, owner: str, verb: str) -> str | None:
    """A 评查员 reads and changes only the sheets assigned to them (on any activity, for the name given)."""
    if role != Role.EVALUATOR or actor == owner:
        return None
    return f"评查员只能{verb}自己的评查表：“{actor}”不能{verb}“{owner}”的评查表。"


def review_refusal(actor: str, case_no: str, submitted_by: set[str]) -> str | None:
    """Nobody records the 复核 of a file on which they submitted a sheet."""
    if actor not in submitted_by:
        return None
    return f"“{actor}”提交过案卷“{case_no}”的评查表，不能复核自己评查过的案卷，请由其他组长复核。"


def sees_other_sheets(actor: str, role: Role | str | None, protected: bool, file_settled: bool) -> bool:
    """Blind scoring: until a file is final or needs 复核, an evaluator sees neither the other evaluators'
    sheets on it nor their names. A 组长 sees them; on an unprotected activity so does whoever is not on the roster
    (the organiser at their own machine)."""
    if file_settled or role == Role.LEADER:
        return True
    return role is None and not protected


