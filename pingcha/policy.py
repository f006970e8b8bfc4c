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
    OBJECTION = "录入和答复异议"
    REPORT = "出具报告"
    CALIBRATE = "设定样卷和参考评分"
    CALIBRATION_GAPS = "查看全体样卷试评差异"
    READ_AGREEMENT = "查看评查尺度一致性"
    READ_PRECHECKS = "查看全部案卷的预检结果"
    CURATE_WORDINGS = "维护规范表述"


def leader_refusal(action: LeaderAction, actor: str, role: Role | str | None, protected: bool) -> str | None:
    """组长-only actions: open to whoever runs them on an unprotected activity (one trusted seat)."""
    if not protected or role == Role.LEADER:
        return None
    return f"只有组长可以{action.value}；“{actor}”不是本次评查活动的组长。"


def sheet_refusal(actor: str, role: Role | str | None, owner: str, verb: str, writes: bool = True) -> str | None:
    """A 评查员 reads and changes only the sheets assigned to them; a 组长 reads every sheet but changes only their
    own, since a disagreement is settled by recording the 复核, never by changing an evaluator's sheet (on any
    activity, for the name given). Whoever is not on the roster (the organiser at an unprotected activity's one
    seat, e.g. importing the sheets handed in on paper or as files) is not held to a sheet."""
    if role is None or actor == owner:
        return None
    if role == Role.LEADER:
        if not writes:
            return None
        return (f"组长不能{verb}其他评查人员的评查表：“{actor}”不能{verb}“{owner}”的评查表"
                "（评查意见不一致的，请通过复核录入结果）。")
    return f"评查员只能{verb}自己的评查表：“{actor}”不能{verb}“{owner}”的评查表。"


def review_sheet_refusal(actor: str, holder: str, case_no: str) -> str | None:
    """A 复核 draft is changed only by the 组长 holding it (who opened it, and was checked then)."""
    if actor == holder:
        return None
    return f"案卷“{case_no}”的复核评查表由“{holder}”录入，“{actor}”不能修改；请先在复核页面中接手这件案卷。"


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




def calibration_refusal(owner: str, pending: list[str]) -> str | None:
    """样卷试评 first: while ``owner`` has calibration files not yet submitted (``pending``, their 案号), their live
    files stay closed (where the activity's setting says so)."""
    if not pending:
        return None
    shown = "、".join(pending[:5]) + (f" 等 {len(pending)} 件" if len(pending) > 5 else "")
    return (f"请先完成样卷试评：“{owner}”还有样卷 {shown} 的评查表未提交。本次评查活动设定为先试评样卷、"
            "后评查正式案卷，提交全部样卷后即可评查其他案卷。")


def reference_refusal(actor: str, role: Role | str | None, protected: bool, submitted: bool, case_no: str) -> str | None:
    """An evaluator sees a 样卷's reference sheet (and their gaps from it) only once their own calibration sheet
    on it is submitted; a 组长 always, and on an unprotected activity whoever is not on the roster."""
    if submitted or role == Role.LEADER or (role is None and not protected):
        return None
    return f"提交样卷“{case_no}”的评查表之后，才能看到参考评分和差异；“{actor}”尚未提交。"
