"""The documents a 组长 issues as use cases that both faces call (``pingcha report bulletin|quality|stats|cases|
rectification|feedback`` and the terminal UI's 报告 page): the access check,
gathering the view from the services, and the renderer, in one place.

Each function takes the store, the activity (or activities), the person acting and the output path, and returns
what it wrote together with the figures the faces tell the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pingcha.policy import LeaderAction
from pingcha.services.access import check_leader
from pingcha.store import Store


def leader_results(store: Store, activity_ref: str, actor: str):
    """An activity's results for a document: issuing one is for its 组长 (§10)."""
    from pingcha.services.results import activity_results

    check_leader(store, activity_ref, actor, LeaderAction.REPORT)
    return activity_results(store, activity_ref)


def bulletin(store: Store, activity_ref: str, actor: str, out: str | Path, *, templates=None,
             overrides: dict | None = None, mask_companies: bool = False, allow_pending: bool = False):
    """通报 (.docx), then its issue recorded: its 不合格 files become 整改 items, due by the 整改截止日期 the document
    states. Refused while files are unfinished unless ``allow_pending``. Returns (path, deadline, the new items' 案号).

    The 预检 paragraph is worked out only when the rubric has checks (without any, the 通报 has none to report), and
    before the results, so that the register it reads is let go before they are built."""
    from pingcha.reports import render_bulletin
    from pingcha.services.activities import get_activity
    from pingcha.services.prechecks import precheck_activity
    from pingcha.services.rectification import issue_with_settings
    from pingcha.services.results import activity_results

    check_leader(store, activity_ref, actor, LeaderAction.REPORT)
    checked = get_activity(store, activity_ref).rubric.checks
    prechecks = precheck_activity(store, activity_ref).summary if checked else None
    results = activity_results(store, activity_ref)
    path = render_bulletin(results, out, templates=templates, overrides=overrides, mask_companies=mask_companies,
                           prechecks=prechecks, allow_pending=allow_pending)
    deadline, items = issue_with_settings(store, activity_ref, actor, results, overrides)
    return path, deadline, items


def quality_report(store: Store, activity_ref: str, actor: str, out: str | Path, *, flag_at="3.0") -> Path:
    """评查质量分析 (internal): it names evaluators as 偏严 or 偏宽, so it is for the 组长 only."""
    from pingcha.reports.quality import render_quality_report
    from pingcha.services.agreement import activity_agreement
    from pingcha.services.calibration import overview

    check_leader(store, activity_ref, actor, LeaderAction.REPORT)
    return render_quality_report(activity_agreement(store, activity_ref, flag_at), out,
                                 calibration=overview(store, activity_ref, actor))


def stats_report(store: Store, activity_refs: Sequence[str], actor: str, out: str | Path):
    """统计分析 over the activities named (default: every activity in the database). Returns (path, statistics)."""
    from pingcha.reports.stats_report import render_stats_report
    from pingcha.services.stats import statistics_report

    stats = statistics_report(store, activity_refs, actor)
    return render_stats_report(stats, out), stats


def session_scope(store: Store, activity_ref: str) -> tuple[list[str], int]:
    """The activities a session signed in to one activity may count in the statistics: its own and every activity
    without passphrases. Another protected activity needs its own passphrase (the command line asks for it), so it
    is left out; the second value is how many were."""
    from pingcha.services.access import is_protected
    from pingcha.services.stats import chosen_activities

    current = chosen_activities(store, [activity_ref])[0][0]
    refs: list[str] = []
    left_out = 0
    for number, _name, _year in chosen_activities(store):
        if number == current or not is_protected(store, f"#{number}"):
            refs.append(f"#{number}")
        else:
            left_out += 1
    return refs, left_out


def typical_cases_for(store: Store, activity_ref: str, actor: str, top: int = 10, warnings: int | None = None):
    """The proposed 典型案例 and 警示案例 (with the stored pins), for the 组长."""
    from pingcha.services.typical_cases import typical_cases

    check_leader(store, activity_ref, actor, LeaderAction.REPORT)
    return typical_cases(store, activity_ref, top, warnings)


def cases_report(store: Store, activity_ref: str, actor: str, out: str | Path, *, top: int = 10,
                 warnings: int | None = None, mask_companies: bool = False):
    """典型案例 (.docx) with the stored pins. Returns (path, cases)."""
    from pingcha.reports.cases_report import render_cases_report
    from pingcha.services.results import activity_results

    cases = typical_cases_for(store, activity_ref, actor, top, warnings)
    path = render_cases_report(activity_results(store, activity_ref), cases, out, mask_companies=mask_companies)
    return path, cases


def rectification_report(store: Store, activity_ref: str, actor: str, out: str | Path, *, templates=None,
                         overrides: dict | None = None, mask_companies: bool = False):
    """整改情况通报 (.docx), once the 通报 is issued. Returns (path, the rectification view)."""
    from pingcha.reports.rectification import render_rectification
    from pingcha.services import rectification as service

    results = leader_results(store, activity_ref, actor)
    view = service.require_issued(service.rectification(store, activity_ref))
    path = render_rectification(results, view, out, templates=templates, overrides=overrides or {},
                                mask_companies=mask_companies)
    return path, view


def feedback_report(store: Store, activity_ref: str, actor: str, out_dir: str | Path, *, templates=None,
                    overrides: dict | None = None, mask_companies: bool = False):
    """Each agency's 评查结果反馈单 into ``out_dir``, noted as sent. Returns (paths, the date objections are due)."""
    from pingcha.services.objections import send_feedback

    results = leader_results(store, activity_ref, actor)
    return send_feedback(store, activity_ref, actor, results, out_dir, templates=templates,
                         overrides=overrides or {}, mask_companies=mask_companies)
