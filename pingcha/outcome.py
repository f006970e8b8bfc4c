"""The rules that turn sheets into a file's outcome and agencies' means into ranks (§2). Pure Python.

Every face and report takes a file's status from ``file_outcome`` and an agency's rank from
``competition_ranks`` (through ``pingcha.results``), so the CLI, the UI, the 通报 and the 汇总表
can never disagree about which file is final or who ranks where.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from pingcha.rubric import Rubric
from pingcha.scoring import DEFAULT_SPREAD, SheetResult, SheetScore, combine
from pingcha.vocabulary import FileStatus

BY_COMBINATION = "combination"
BY_REVIEW = "review"

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    """A file's outcome: pending, needing 复核, or final (by combining its sheets, or by 复核)."""

    status: FileStatus
    score: Decimal | None = None
    grade: str | None = None
    reasons: tuple[str, ...] = ()  # why 复核 is needed
    settled_by: str | None = None  # BY_COMBINATION or BY_REVIEW once final

    @property
    def final(self) -> bool:
        return self.status == FileStatus.FINAL


def file_outcome(
    rubric: Rubric,
    assigned: int,
    submitted: Sequence[SheetResult | SheetScore],
    review: SheetResult | SheetScore | None = None,
    spread: Decimal = DEFAULT_SPREAD,
    band_review: bool = False,
    confirmations: Sequence[str] = (),
    reopened: Sequence[str] = (),
) -> Outcome:
    """Decide one drawn file's outcome.

    ``assigned`` is how many evaluators the file was given, ``submitted`` the results of their submitted
    sheets, ``review`` the result of the confirmed 复核 sheet if any. A confirmed 复核 settles the file;
    until every assigned evaluator has submitted it is pending; then the sheets combine when they agree
    (same vetoes, scores within ``spread``, and with ``band_review`` the same grade band), else 复核.
    ``confirmations`` are the 请组长确认 requests on the submitted sheets (each its reason, in words): any of them
    sends the file to 复核 even when the sheets agree. ``reopened`` are the reasons (in words) an upheld 异议 gives
    for settling the file again: they send a file that was final to 复核, until a 复核 since settles it.
    """
    if reopened and assigned >= 1 and len(submitted) >= assigned:
        return Outcome(FileStatus.NEEDS_REVIEW, reasons=tuple(reopened))
    if review is not None:
        return Outcome(FileStatus.FINAL, review.score, review.grade, settled_by=BY_REVIEW)
    if assigned < 1 or len(submitted) < assigned:
        return Outcome(FileStatus.PENDING)
    combined = combine(rubric, submitted, spread)
    reasons = list(combined.reasons)
    if band_review:
        bands = {rubric.grade_for(r.score) for r in submitted}
        if len(bands) > 1:
            shown = " / ".join(sorted(bands, key=lambda name: rubric.grade_rank[name]))
            reasons.append(f"各评查表得分分属不同等次（{shown}）")
    reasons.extend(confirmations)
    if reasons:
        return Outcome(FileStatus.NEEDS_REVIEW, reasons=tuple(reasons))
    return Outcome(FileStatus.FINAL, combined.score, combined.grade, settled_by=BY_COMBINATION)


def competition_ranks(means: Sequence[Decimal | None]) -> list[int | None]:
    """Ranks for ``means`` in the order given: highest first, equal means share a rank and the next
    rank skips (1, 2, 2, 4); None (no final file) has no rank."""
    known = sorted((m for m in means if m is not None), reverse=True)
    first: dict[Decimal, int] = {}
    for position, mean in enumerate(known, start=1):
        first.setdefault(mean, position)
    return [None if m is None else first[m] for m in means]


def ranked(items: Iterable[T], mean: Callable[[T], Decimal | None], name: Callable[[T], str]) -> list[tuple[int | None, T]]:
    """``items`` with their ranks, ranked ones by mean (highest first, then name), unranked ones last by name."""
    ordered = sorted(items, key=lambda item: (mean(item) is None, -(mean(item) or 0), name(item)))
    return list(zip(competition_ranks([mean(item) for item in ordered]), ordered))
