"""Reading the audit log back as a history a person can follow (全过程留痕，可回溯)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from pingcha.services.activities import find_activity
from pingcha.store import Store
from pingcha.store.audit import AuditRecord, entries

_FIELD_LABELS = {
    "count": "次数", "note": "说明", "na": "不适用", "veto": "否决", "comment": "总体评价", "score": "得分",
    "grade": "等次", "decided": "确认无扣分", "overwrite": "覆盖", "seed": "随机种子", "quota": "数量", "mode": "方式", "rows": "行数", "file": "文件",
    "uncertain": "请组长确认", "reason": "理由",
    # 整改 and 异议
    "status": "状态", "text": "内容", "item": "评查项目", "number": "编号", "numbers": "异议编号", "agency": "执法部门",
    "deadline": "整改期限", "issue_date": "成文日期", "items": "整改事项", "on": "日期", "reply_by": "异议截止日期",
    "agencies": "执法部门",
    "rubric": "评分标准", "retired": "停用", "code": "扣分情形",
}


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str
    action: str
    case_no: str | None
    detail: str


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value in ("", None):
        return "（空）"
    if isinstance(value, list):
        return "、".join(map(str, value)) if len(value) <= 8 else f"{'、'.join(map(str, value[:8]))} 等 {len(value)} 项"
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items()) or "（无）"
    return str(value)


def _sheet_summary(data: dict) -> str:
    parts = []
    if data.get("deductions"):
        parts.append("扣分 " + "、".join(f"{code}×{n}" for code, n in data["deductions"].items()))
    if data.get("na"):
        parts.append("不适用 " + "、".join(data["na"]))
    if data.get("veto"):
        parts.append("否决项 " + "、".join(data["veto"]))
    return "，".join(parts) or "无扣分"


def _changes(before: dict, after: dict, skip: tuple[str, ...]) -> str:
    changes = []
    for key in sorted(set(before) | set(after)):
        if key in skip:
            continue
        old, new = before.get(key), after.get(key)
        label = _FIELD_LABELS.get(key, key)
        if not before:
            changes.append(f"{label}：{_value(new)}")
        elif old != new:
            changes.append(f"{label} {_value(old)} → {_value(new)}")
    return "，".join(changes)


def describe(entry: AuditRecord) -> str:
    """One audit row in words: whose sheet, which code, what it was and what it became."""
    before = json.loads(entry.before) if entry.before else {}
    after = json.loads(entry.after) if entry.after else {}
    sheet_keys = ("evaluator", "kind", "case_no", "deductions", "na", "veto", "notes", "comment", "file", "leader", "reasons")
    if entry.entity == "sheet":
        who = after.get("evaluator") or before.get("evaluator") or ""
        if "score" in after:
            return f"{who}：得分 {after['score']}，等次 {after['grade']}（{_sheet_summary(after)}）"
        if "file" in after:
            return f"{who}：从 {after['file']} 导入（{_sheet_summary(after)}）"
        code = after.get("code") or before.get("code")
        return f"{who} {code or ''}：" + _changes(before, after, ("evaluator", "code", "kind"))
    if entry.entity == "precheck":  # an evaluator's decision on a machine suggestion (预检)
        reason = f"，理由：{after['reason']}" if after.get("reason") else ""
        return (f"{after.get('evaluator', '')}：系统预检提示 {after.get('check')}（建议 {after.get('suggests')}，"
                f"{after.get('detail')}）{reason}")
    if entry.entity == "review":
        reasons = "；".join(after.get("reasons", []))
        replaced = f"（取代此前的复核结果：{_sheet_summary(before)}）" if before else ""
        return (f"组长{after.get('leader', '')}：最终得分 {after.get('score')}，等次 {after.get('grade')}"
                f"（{_sheet_summary(after)}）" + (f"；复核原因：{reasons}" if reasons else "") + replaced)
    if entry.entity == "calibration":  # 样卷试评: 样卷 set aside, a reference recorded, the setting changed
        if "files" in after:
            return f"样卷 {'、'.join(after['files'])}，分配给全部评查员（新增 {after.get('added', 0)} 项试评任务）"
        if "live_first" in after:
            return "正式案卷" + ("在样卷提交前即可评查" if after["live_first"] else "在提交全部样卷后才能评查")
        return f"参考评分：{_sheet_summary(after)}" + (f"（取代：{_sheet_summary(before)}）" if before else "")
    detail = _changes(before, after, sheet_keys + ("files", "assignments"))
    if "files" in after:
        detail += ("，" if detail else "") + f"案卷 {len(after['files'])} 件"
        if before.get("files"):
            detail += f"（原 {len(before['files'])} 件）"
    if "assignments" in after:
        detail += ("，" if detail else "") + f"分配 {len(after['assignments'])} 人次"
    return detail


def history(store: Store, activity_ref: str, case_no: str | None = None) -> list[HistoryLine]:
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        return [HistoryLine(_local(e.at), e.actor, e.action, e.case_no, describe(e))
                for e in entries(session, activity.id, case_no)]


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone()
