"""The demo's loop after the results (``pingcha demo``): the results fed back to the agencies, one objection upheld
and settled by a 复核, one dismissed, the 通报 issued, and its 不合格 files rectified: one reply accepted (已销号),
one sent back and now overdue. Everything goes through the services a 组长 uses."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pingcha.services import activities, objections, rectification, review
from pingcha.services.results import activity_results
from pingcha.store import Store
from pingcha.vocabulary import FileStatus, RectificationAction

FEEDBACK_DUE = date(2024, 12, 13)
ISSUE_DATE = date(2024, 12, 20)
DEADLINE_DAYS = 30


def _free_leader(leaders: list[str], file) -> str | None:
    """A 组长 who scored no sheet on the file (§10), to record its 复核."""
    return next((name for name in leaders if name not in file.evaluators), None)


def run_after_results(store: Store, activity: str, leaders: list[str], actor: str) -> None:
    if not leaders:
        return
    leader = leaders[0]
    activities.update_settings(store, activity, {"reply_by": FEEDBACK_DUE.isoformat(),
                                                 "issue_date": ISSUE_DATE.isoformat(),
                                                 "deadline_days": str(DEADLINE_DAYS)}, actor)
    results = activity_results(store, activity)
    worst = results.rubric.grades[-1].name
    objections.record_feedback(store, activity, leader, FEEDBACK_DUE, sorted({f.case.agency for f in results.files}))

    # Files with deductions an agency would argue about: final, not 不合格, with a reviewer free of them.
    disputed = [f for f in results.files if f.status == FileStatus.FINAL and f.grade != worst
                and any(v.sheet.deductions for v in f.counted_sheets) and _free_leader(leaders, f)]
    if disputed:
        file = disputed[0]
        view = next(v for v in file.counted_sheets if v.sheet.deductions)
        code = sorted(view.sheet.deductions)[0]
        item = results.rubric.item_of_deduction[code].code
        made = objections.record_objection(store, activity, file.case.case_no, item,
                                           "该项所指文书在卷，评查时漏看，已附卷内目录页码", leader)
        objections.answer(store, activity, made.number, leader, uphold=True, reason="经核对卷宗，该文书确在卷内")
        kept = {c: n for c, n in view.sheet.deductions.items() if results.rubric.item_of_deduction[c].code != item}
        sheet = replace(view.sheet, deductions=kept, notes={c: t for c, t in view.sheet.notes.items() if c in kept},
                        comment=f"经集体评议，采纳执法部门第 {made.number} 号异议，{item} 不予扣分。")
        review.reconcile(store, activity, file.case.case_no, sheet, _free_leader(leaders, file))
    if len(disputed) > 1:
        file = disputed[1]
        code = sorted(next(v for v in file.counted_sheets if v.sheet.deductions).sheet.deductions)[0]
        item = results.rubric.item_of_deduction[code].code
        made = objections.record_objection(store, activity, file.case.case_no, item, "认为该项扣分过重", leader)
        objections.answer(store, activity, made.number, leader, uphold=False,
                          reason="扣分依据评分标准，与卷内情况相符")

    results = activity_results(store, activity)
    rectification.issue_with_settings(store, activity, leader, results)
    items = rectification.rectification(store, activity).items
    steps = [
        [(RectificationAction.REPLY, "已重新制作送达回证并归档，组织全体执法人员学习行政处罚法", date(2025, 1, 10)),
         (RectificationAction.ACCEPT, "", date(2025, 1, 15))],
        [(RectificationAction.REPLY, "已整改", date(2025, 1, 12)),
         (RectificationAction.REJECT, "未附整改后的法律文书，整改措施不具体", date(2025, 1, 16))],
    ]
    for item, plan in zip(sorted(items, key=lambda i: i.case_no), steps):
        for action, text, day in plan:
            rectification.decide(store, activity, item.case_no, leader, action, text, day)
