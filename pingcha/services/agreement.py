"""评查尺度一致性 (§9): the agreement figures of an activity, from its submitted evaluation sheets."""

from __future__ import annotations

from decimal import Decimal

from pingcha.agreement import DEFAULT_FLAG_AT, ActivityAgreement, RatedSheet, agreement
from pingcha.pacing import paced, release
from pingcha.results import ActivityResults
from pingcha.services.results import activity_results
from pingcha.services.sheets import SUBMITTED
from pingcha.store import Store
from pingcha.values import non_negative_decimal


def parse_flag_at(text: str | Decimal | float) -> Decimal:
    return non_negative_decimal(text, "偏严/偏宽的标记线")


def rated_files(results: ActivityResults) -> list[list[RatedSheet]]:
    """Each drawn file's submitted evaluation sheets (never the 复核 sheet), as agreement reads them."""
    files = []
    for file in paced(results.files, 64):  # computed in a worker of the UI: a key pressed meanwhile comes first
        files.append([
            RatedSheet(view.evaluator, view.result.score, frozenset(view.result.vetoes), view.losses,
                       view.not_applicable, view.submitted_at)
            for view in file.sheets
            if view.status == SUBMITTED and not view.reconciled and view.result is not None
        ])
    return files


def agreement_of(results: ActivityResults, flag_at: Decimal = DEFAULT_FLAG_AT) -> ActivityAgreement:
    files = rated_files(results)
    figures = agreement(files, [item.code for item in results.rubric.items], parse_flag_at(flag_at))
    release(files)  # in a worker of the UI: a key pressed meanwhile waits for a chunk, not for all of them
    return ActivityAgreement(results.activity, results.rubric, figures, results.created_at)


def activity_agreement(store: Store, activity_ref: str, flag_at: Decimal = DEFAULT_FLAG_AT) -> ActivityAgreement:
    flag_at = parse_flag_at(flag_at)
    return agreement_of(activity_results(store, activity_ref), flag_at)
