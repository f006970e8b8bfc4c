"""样卷试评: how one evaluator's calibration sheet differs from the 组长's reference, item by item.

Pure rules, no database: a gap is (the evaluator's figure − the reference's), so a positive gap means the
evaluator was more lenient than the reference (more points obtained), a negative one stricter.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pingcha.rubric import Rubric
from pingcha.scoring import Sheet, SheetResult, score_sheet


@dataclass(frozen=True)
class ItemGap:
    """One item on which the sheet and the reference differ: points obtained (None where 不适用), the
    deductions each found, and the reference's notes on the item and its deductions."""

    code: str
    title: str
    points: Decimal
    obtained: Decimal | None
    reference: Decimal | None
    deductions: dict[str, int]
    reference_deductions: dict[str, int]
    reference_notes: tuple[str, ...]

    @property
    def gap(self) -> Decimal | None:
        """Obtained − the reference's obtained; None where one side is 不适用 and the other is not."""
        if self.obtained is None or self.reference is None:
            return None
        return self.obtained - self.reference


@dataclass(frozen=True)
class CalibrationGaps:
    """A calibration sheet against its reference: the scores, the items that differ, the vetoes that differ."""

    score: Decimal
    reference_score: Decimal
    grade: str
    reference_grade: str
    items: tuple[ItemGap, ...]
    vetoes_missed: tuple[str, ...]  # in the reference, not on the sheet
    vetoes_extra: tuple[str, ...]  # on the sheet, not in the reference
    reference_comment: str = ""

    @property
    def score_gap(self) -> Decimal:
        return self.score - self.reference_score

    @property
    def differing(self) -> int:
        return len(self.items)

    @property
    def agrees(self) -> bool:
        return not self.items and not self.vetoes_missed and not self.vetoes_extra


def _obtained(result: SheetResult, code: str, points: Decimal) -> Decimal | None:
    if code in result.na:
        return None
    return points - result.deducted.get(code, Decimal(0))


def _found(sheet: Sheet, item) -> dict[str, int]:
    return {d.code: sheet.deductions[d.code] for d in item.deductions if sheet.deductions.get(d.code)}


def compare(rubric: Rubric, sheet: Sheet, reference: Sheet) -> CalibrationGaps:
    """Where ``sheet`` differs from ``reference``: an item differs when the points obtained differ, when one
    marks it 不适用 and the other not, or when the deductions found differ (the same points lost for
    another reason is still another reading of the file)."""
    mine, theirs = score_sheet(rubric, sheet), score_sheet(rubric, reference)
    items = []
    for item in rubric.items:
        obtained, expected = _obtained(mine, item.code, item.points), _obtained(theirs, item.code, item.points)
        found, wanted = _found(sheet, item), _found(reference, item)
        if obtained == expected and found == wanted:
            continue
        notes = [reference.notes[code] for code in [item.code, *(d.code for d in item.deductions)]
                 if reference.notes.get(code)]
        items.append(ItemGap(item.code, item.title, item.points, obtained, expected, found, wanted, tuple(notes)))
    return CalibrationGaps(
        mine.score, theirs.score, mine.grade, theirs.grade, tuple(items),
        tuple(sorted(reference.veto - sheet.veto)), tuple(sorted(sheet.veto - reference.veto)), reference.comment,
    )
