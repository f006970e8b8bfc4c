"""整改 and 异议 as pure rules (§11): where an item may go next, when it is overdue, what an objection may say.

Each rule returns the next state or raises ``UserError`` with the Chinese reason; nothing here reads a database.
"""

from __future__ import annotations

from datetime import date

from pingcha.errors import UserError
from pingcha.vocabulary import ObjectionStatus, RectificationAction, RectificationStatus

OPEN, REPLIED, CLOSED = RectificationStatus.OPEN, RectificationStatus.REPLIED, RectificationStatus.CLOSED


def is_overdue(deadline: date, status: RectificationStatus | str, today: date) -> bool:
    """Overdue: the deadline has passed (the deadline day itself still counts as in time) and the item is not 已销号."""
    return today > deadline and status != CLOSED


def next_status(case_no: str, status: RectificationStatus | str, action: RectificationAction,
                text: str = "") -> RectificationStatus:
    """待整改 → 已反馈 (a reply) → 已销号 (accepted), or 已反馈 → 待整改 (sent back with a reason)."""
    text = text.strip()
    if action == RectificationAction.REPLY:
        if not text:
            raise UserError(f"请写明“{case_no}”所在单位的整改反馈内容（--reply 后的文字不能为空）")
        if status == REPLIED:
            raise UserError(f"“{case_no}”的整改反馈已经录入，正待组长审核：请先销号（--accept）或退回（--reject 理由）")
        if status == CLOSED:
            raise UserError(f"“{case_no}”已经销号，不能再录入整改反馈")
        return REPLIED
    if action == RectificationAction.ACCEPT:
        if status == OPEN:
            raise UserError(f"“{case_no}”还没有录入整改反馈，不能销号：请先录入执法部门报送的整改情况（命令行 --reply，界面中按 r）")
        if status == CLOSED:
            raise UserError(f"“{case_no}”已经销号")
        return CLOSED
    if action == RectificationAction.REJECT:
        if not text:
            raise UserError(f"退回“{case_no}”的整改须写明理由（--reject 理由）")
        if status == OPEN:
            raise UserError(f"“{case_no}”还没有录入整改反馈，没有可以退回的反馈")
        if status == CLOSED:
            raise UserError(f"“{case_no}”已经销号，不能退回")
        return OPEN
    raise UserError(f"未知的整改操作“{action}”")


def check_reply_date(case_no: str, on: date, issued: date, today: date) -> None:
    """A date given for a step: not before the 通报 was issued, not in the future."""
    if on < issued:
        raise UserError(f"“{case_no}”的日期 {on.isoformat()} 早于通报的成文日期 {issued.isoformat()}")
    if on > today:
        raise UserError(f"“{case_no}”的日期 {on.isoformat()} 晚于今天（{today.isoformat()}），不能预先录入")


def answer_objection(number: int, status: ObjectionStatus | str, uphold: bool, reason: str) -> ObjectionStatus:
    """An objection is answered once: upheld (the file goes to 复核), or dismissed with the reason why."""
    if status != ObjectionStatus.OPEN:
        raise UserError(f"第 {number} 号异议已经答复（{status}），不能再次答复")
    if not uphold and not reason.strip():
        raise UserError(f"不采纳第 {number} 号异议须写明理由（--reason 理由）")
    return ObjectionStatus.UPHELD if uphold else ObjectionStatus.DISMISSED


def objection_reason(number: int, item_code: str, item_title: str, text: str) -> str:
    """What the 复核 queue shows for an upheld objection."""
    title = f"“{item_title}”" if item_title else ""
    return f"执法部门异议（第 {number} 号，{item_code}{title}）已采纳：{' '.join(text.split())}"
