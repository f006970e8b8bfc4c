"""十大典型案例 as use cases: the 组长 pins and unpins files (audited), and the proposal is made from the
activity's results with the pinned files always in."""

from __future__ import annotations

from pingcha.cases import TypicalCases, propose
from pingcha.errors import UserError
from pingcha.policy import LeaderAction
from pingcha.services import access
from pingcha.services.activities import find_activity
from pingcha.services.results import activity_results
from pingcha.store import Store
from pingcha.store import pins
from pingcha.store import register
from pingcha.store.audit import record

MAX_TOP = 100


def pinned(store: Store, activity_ref: str) -> list[str]:
    with store.read() as session:
        return pins.pinned_case_nos(session, find_activity(session, activity_ref).id)


def set_pinned(store: Store, activity_ref: str, case_no: str, pin: bool, actor: str) -> bool:
    """Pin (or unpin) a file for the typical cases; False when it already was (or was not) pinned."""
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        access.require_leader(session, activity.id, actor, LeaderAction.REPORT)
        case = register.case_by_no(session, activity.id, case_no.strip())
        if case is None or case.draw_id is None:
            raise UserError(f"评查活动“{activity.name}”的抽查案卷中没有“{case_no}”")
        if pins.is_pinned(session, case.id) == pin:
            return False
        if pin:
            pins.pin(session, activity.id, case.id, actor)
        else:
            pins.unpin(session, case.id)
        record(session, actor, "typical_case", "选定典型案例" if pin else "取消选定典型案例",
               activity_id=activity.id, case_no=case.case_no, after={"pinned": pin})
        return True


def toggle_pinned(store: Store, activity_ref: str, case_no: str, actor: str) -> bool:
    """Pin an unpinned file, unpin a pinned one; whether it is pinned now."""
    now_pinned = case_no not in pinned(store, activity_ref)
    set_pinned(store, activity_ref, case_no, now_pinned, actor)
    return now_pinned


def typical_cases(store: Store, activity_ref: str, top: int = 10, warnings: int | None = None) -> TypicalCases:
    if not 1 <= top <= MAX_TOP:
        raise UserError(f"典型案例件数应在 1 到 {MAX_TOP} 之间，实际为 {top}")
    if warnings is not None and not 0 <= warnings <= MAX_TOP:
        raise UserError(f"警示案例件数应在 0 到 {MAX_TOP} 之间，实际为 {warnings}")
    return propose(activity_results(store, activity_ref), top, pinned(store, activity_ref), warnings)
