"""Agreement between evaluators (评查尺度一致性), exactly as interfaces.md §9 says. Pure: no database.

Computed over the files that at least two evaluators have submitted a sheet on, from those sheets:
Krippendorff's alpha on scores (interval) and on veto sets (nominal), how often the sheets disagree on each
item, and each evaluator's offset from their co-evaluators with a 95 % t-interval and a 偏严/偏宽 flag.
Exact arithmetic (Fraction) wherever the figure is a ratio of the sheets' Decimal scores; floats only
where a square root or a quantile is irrational anyway. Rounding is half up, as everywhere in pingcha.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from fractions import Fraction

from pingcha.pacing import paced
from pingcha.rubric import Rubric
from pingcha.student_t import t_quantile

DEFAULT_FLAG_AT = Decimal("3.0")
STRICT = "偏严"
LENIENT = "偏宽"
NA = "na"  # an item's state on a sheet where it is marked 不适用
Difference = tuple[int, int]  # an exact difference in points: numerator, denominator

@dataclass(frozen=True)
class RatedSheet:
    """One evaluator's submitted evaluation sheet on one file, as agreement sees it."""

    evaluator: str
    score: Decimal
    vetoes: frozenset[str] = frozenset()
    deducted: Mapping[str, Decimal] = field(default_factory=dict)  # item code → points lost (absent: none)
    na: frozenset[str] = frozenset()  # items marked 不适用
    submitted_at: datetime | None = None

    @property
    def veto_value(self) -> str:
        """The sheet's triggered vetoes as one nominal value, e.g. "" or "V1,V9"."""
        return ",".join(sorted(self.vetoes))


@dataclass(frozen=True)
class ItemDisagreement:
    code: str
    files: int
    disagreeing: int  # files whose sheets do not all give the item the same obtained points

    @property
    def disagreement(self) -> Fraction | None:
        return Fraction(self.disagreeing, self.files) if self.files else None

    def to_json(self) -> dict:
        return {"code": self.code, "files": self.files, "disagreement": rounded(self.disagreement, 3)}


@dataclass(frozen=True)
class Offset:
    """The mean of n differences (an evaluator's score − the mean of the others' on the same file) with
    its 95 % t-interval; ``low``/``high`` are None when n < 2."""

    sheets: int
    offset: Fraction
    low: Fraction | None
    high: Fraction | None
    variance: Fraction | None = None  # the sample variance s² of the differences (None when n < 2)

    @classmethod
    def of(cls, differences: Sequence[Difference]) -> Offset:
        """From exact differences, each ``numerator / denominator`` in integers: summed per denominator
        (there are only a few: one per number of sheets on a file) so thousands stay cheap and exact."""
        n = len(differences)
        sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for numerator, denominator in differences:
            pair = sums[denominator]
            pair[0] += numerator
            pair[1] += numerator * numerator
        mean = sum((Fraction(s, d) for d, (s, _) in sums.items()), Fraction(0)) / n
        if n < 2:
            return cls(n, mean, None, None)
        squares = sum((Fraction(q, d * d) for d, (_, q) in sums.items()), Fraction(0))
        variance = (squares - n * mean * mean) / (n - 1)
        half = Fraction(t_quantile(0.975, n - 1) * math.sqrt(variance) / math.sqrt(n))
        return cls(n, mean, mean - half, mean + half, variance)


@dataclass(frozen=True)
class EvaluatorOffset:
    name: str
    figures: Offset
    flag: str | None  # 偏严, 偏宽 or None

    @property
    def sheets(self) -> int:
        return self.figures.sheets

    @property
    def offset(self) -> Fraction:
        return self.figures.offset

    @property
    def low(self) -> Fraction | None:
        return self.figures.low

    @property
    def high(self) -> Fraction | None:
        return self.figures.high

    def to_json(self) -> dict:
        return {
            "name": self.name, "sheets": self.sheets, "offset": rounded(self.offset, 1),
            "low": rounded(self.low, 1), "high": rounded(self.high, 1), "flag": self.flag,
        }


@dataclass(frozen=True)
class Drift:
    """An evaluator's offset on their earlier sheets against their later ones (by submission time):
    the first half against the second half (the middle sheet of an odd number is left out)."""

    name: str
    early: Offset
    late: Offset

    @property
    def change(self) -> Fraction:
        return self.late.offset - self.early.offset

    @property
    def interval(self) -> tuple[Fraction, Fraction] | None:
        """A 95 % interval for the change (Welch's, the halves' spreads may differ); None while either half
        has fewer than two sheets."""
        if self.early.sheets < 2 or self.late.sheets < 2:
            return None
        v1, v2 = self.early.variance / self.early.sheets, self.late.variance / self.late.sheets
        if v1 + v2 == 0:
            return self.change, self.change
        df = float((v1 + v2) ** 2 / (v1**2 / (self.early.sheets - 1) + v2**2 / (self.late.sheets - 1)))
        half = Fraction(t_quantile(0.975, df) * math.sqrt(v1 + v2))
        return self.change - half, self.change + half

    def notable(self, flag_at: Decimal) -> bool:
        """Whether the evaluator's standard moved: by at least ``flag_at`` points, with an interval clear of 0."""
        interval = self.interval
        if interval is None or abs(self.change) < Fraction(flag_at):
            return False
        return interval[0] > 0 or interval[1] < 0


@dataclass(frozen=True)
class DailyOffset:
    """An evaluator's offset on the sheets they submitted on one day (the local calendar date)."""

    name: str
    day: date
    figures: Offset


@dataclass(frozen=True)
class Agreement:
    files: int  # files with at least two submitted sheets
    sheets: int  # the submitted sheets on those files
    alpha_score: float | None
    alpha_vetoes: float | None
    items: tuple[ItemDisagreement, ...]  # most disagreement first, then code
    evaluators: tuple[EvaluatorOffset, ...]  # lowest offset first, then name
    drift: tuple[Drift, ...] = ()  # evaluators with at least two sheets, by name
    flag_at: Decimal = DEFAULT_FLAG_AT
    daily: tuple[DailyOffset, ...] = ()  # per evaluator and day of submission, by name then day

    @property
    def days(self) -> tuple[date, ...]:
        """The days on which sheets were submitted, in order."""
        return tuple(sorted({d.day for d in self.daily}))

    @property
    def computable(self) -> bool:
        """Whether there were enough double-scored files for an alpha (at least two)."""
        return self.files >= 2

    def to_json(self, activity: str) -> dict:
        return {
            "activity": activity,
            "files": self.files,
            "sheets": self.sheets,
            "alpha_score": rounded(self.alpha_score, 3),
            "alpha_vetoes": rounded(self.alpha_vetoes, 3),
            "items": [item.to_json() for item in self.items],
            "evaluators": [e.to_json() for e in self.evaluators],
        }


@dataclass(frozen=True)
class ActivityAgreement:
    """An activity's agreement figures, with what a screen or report needs to name things."""

    activity: str
    rubric: Rubric
    agreement: Agreement
    created_at: datetime | None = None

    def item_title(self, code: str) -> str:
        item = self.rubric.item_by_code.get(code)
        return item.title if item is not None else ""

    def to_json(self) -> dict:
        return self.agreement.to_json(self.activity)


def rounded(value: Fraction | float | Decimal | None, places: int) -> float | None:
    """``value`` rounded half up (away from zero on a tie) to ``places`` decimals, as a JSON number."""
    if value is None:
        return None
    exact = Fraction(value)
    scaled = abs(exact) * 10**places
    whole = math.floor(scaled + Fraction(1, 2))
    return float(Fraction(whole if exact >= 0 else -whole, 10**places))


def agreement(
    files: Sequence[Sequence[RatedSheet]], item_codes: Sequence[str], flag_at: Decimal = DEFAULT_FLAG_AT
) -> Agreement:
    """§9 over ``files`` (each the submitted evaluation sheets on one file); files with fewer than two
    sheets are left out. ``item_codes`` are the rubric's items, every one reported."""
    double = [tuple(sheets) for sheets in files if len(sheets) >= 2]
    sheets = sum(len(f) for f in double)
    differences = _differences(double)
    return Agreement(
        files=len(double),
        sheets=sheets,
        alpha_score=score_alpha(double),
        alpha_vetoes=veto_alpha(double),
        items=item_disagreements(double, item_codes),
        evaluators=evaluator_offsets(double, flag_at, differences),
        drift=drifts(double, differences),
        flag_at=flag_at,
        daily=daily_offsets(double, differences),
    )


def score_alpha(files: Sequence[Sequence[RatedSheet]]) -> float | None:
    """Krippendorff's alpha, interval metric, on the sheets' scores (None: fewer than two files, or no
    variation at all)."""
    units = [[sheet.score for sheet in f] for f in files if len(f) >= 2]
    domain = {score for unit in units for score in unit}
    if len(units) < 2 or len(domain) < 2:
        return None
    return _finite(_interval_alpha_by_sums(units))


def veto_alpha(files: Sequence[Sequence[RatedSheet]]) -> float | None:
    """Krippendorff's alpha, nominal metric, on each sheet's set of vetoes taken as one value."""
    units = [[sheet.veto_value for sheet in f] for f in files if len(f) >= 2]
    domain = {value for unit in units for value in unit}
    if len(units) < 2 or len(domain) < 2:
        return None
    return _finite(_nominal_alpha_by_counts(units))


# Both alphas come from closed forms over sums and counts, in plain Python: no values × values coincidence
# matrix, so 50,000 files stay fast, and no numpy in the process (10 MB in every UI process of ``pingcha serve``).
# The tests check them against the krippendorff package.

def _interval_alpha_by_sums(units: list[list[Decimal]]) -> float:
    """Interval alpha = 1 − D_o/D_e from sums, without the values × values coincidence matrix:
    Σ over pairs i ≠ j of (v_i − v_j)² is 2(m·Σv² − (Σv)²) over any m values."""
    floats = [[float(v) for v in unit] for unit in units]
    n = sum(len(unit) for unit in floats)
    mean = math.fsum(v for unit in floats for v in unit) / n  # centred: the sums of squares lose nothing
    observed = total = total_squares = 0.0
    for unit in floats:
        s1 = s2 = 0.0
        for v in unit:
            c = v - mean
            s1 += c
            s2 += c * c
        m = len(unit)
        observed += 2.0 * (m * s2 - s1 * s1) / (m - 1.0)
        total += s1
        total_squares += s2
    expected = 2.0 * (n * total_squares - total * total) / (n * (n - 1))
    return 1.0 - (observed / n) / expected


def _nominal_alpha_by_counts(units: list[list]) -> float:
    """Nominal alpha = 1 − D_o/D_e from counts: a unit of m values, n_c of value c, puts (m² − Σ n_c²)/(m − 1)
    pairable disagreements into the coincidences; by chance, n values disagree in (n² − Σ n_c²)/(n − 1)."""
    totals: dict = defaultdict(int)
    observed_terms = []
    for unit in units:
        counts: dict = defaultdict(int)
        for value in unit:
            counts[value] += 1
            totals[value] += 1
        m = len(unit)
        observed_terms.append((m * m - sum(c * c for c in counts.values())) / (m - 1))
    n = sum(totals.values())
    observed = math.fsum(observed_terms) / n
    expected = (n * n - sum(c * c for c in totals.values())) / (n * (n - 1))
    return 1.0 - observed / expected


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def item_disagreements(files: Sequence[Sequence[RatedSheet]], item_codes: Sequence[str]) -> tuple[ItemDisagreement, ...]:
    """For each item, on how many of the files the sheets do not all give it the same obtained points."""
    known = set(item_codes)
    disagreeing: dict[str, int] = defaultdict(int)
    zero = Decimal(0)
    for sheets in paced(files, 128):  # a province's files, in a worker of the UI: a key pressed comes first
        # Only an item that some sheet deducts on or marks 不适用 can differ between the sheets.
        touched = set()
        for s in sheets:
            touched.update(s.na)
            touched.update(code for code, lost in s.deducted.items() if lost)
        first, rest = sheets[0], sheets[1:]
        for code in touched:
            if code not in known:
                continue
            # Equal points lost on an applicable item means equal points obtained; 不适用 differs from both.
            state = NA if code in first.na else first.deducted.get(code, zero)
            if any((NA if code in o.na else o.deducted.get(code, zero)) != state for o in rest):
                disagreeing[code] += 1
    items = [ItemDisagreement(code, len(files), disagreeing[code]) for code in item_codes]
    return tuple(sorted(items, key=lambda i: (-(i.disagreement or 0), i.code)))


def _differences(files: Sequence[Sequence[RatedSheet]]) -> dict[str, list[tuple[datetime | None, int, Difference]]]:
    """Per evaluator: (submitted at, file position, their score − the mean of the others' on that file).

    With scores scaled to integers S (tenths, or finer if some score has more decimals) and T their sum on a
    file of k sheets, the difference is (k·S − T) / ((k − 1)·scale), kept as that pair of integers."""
    places = max((-s.score.as_tuple().exponent for f in files for s in f if s.score.as_tuple().exponent < 0),
                 default=0)
    scale = 10**places
    found: dict[str, list[tuple[datetime | None, int, Difference]]] = defaultdict(list)
    for position, sheets in enumerate(paced(files, 256)):
        scaled = [int(s.score.scaleb(places)) for s in sheets]
        total = sum(scaled)
        k = len(sheets)
        for sheet, value in zip(sheets, scaled):
            found[sheet.evaluator].append((sheet.submitted_at, position, (k * value - total, (k - 1) * scale)))
    return found


def flag_of(figures: Offset, flag_at: Decimal) -> str | None:
    """偏严 when the whole interval lies below zero and the offset is at least ``flag_at`` points low;
    偏宽 likewise above; judged on the unrounded figures."""
    limit = Fraction(flag_at)
    if figures.high is not None and figures.high < 0 and figures.offset <= -limit:
        return STRICT
    if figures.low is not None and figures.low > 0 and figures.offset >= limit:
        return LENIENT
    return None


def evaluator_offsets(
    files: Sequence[Sequence[RatedSheet]], flag_at: Decimal = DEFAULT_FLAG_AT, differences: dict | None = None
) -> tuple[EvaluatorOffset, ...]:
    offsets = []
    for name, found in (differences if differences is not None else _differences(files)).items():
        figures = Offset.of([d for _, _, d in found])
        offsets.append(EvaluatorOffset(name, figures, flag_of(figures, flag_at)))
    return tuple(sorted(offsets, key=lambda e: (e.offset, e.name)))


def drifts(files: Sequence[Sequence[RatedSheet]], differences: dict | None = None) -> tuple[Drift, ...]:
    result = []
    for name, found in sorted((differences if differences is not None else _differences(files)).items()):
        if len(found) < 2:
            continue
        # Sheets without a submission time (imported from elsewhere) keep their file order, after the timed ones.
        timed = sorted((f for f in found if f[0] is not None), key=lambda f: (f[0], f[1]))
        ordered = [d for _, _, d in timed] + [d for at, _, d in found if at is None]
        half = len(ordered) // 2
        result.append(Drift(name, Offset.of(ordered[:half]), Offset.of(ordered[len(ordered) - half:])))
    return tuple(result)


def daily_offsets(files: Sequence[Sequence[RatedSheet]], differences: dict | None = None) -> tuple[DailyOffset, ...]:
    """Each evaluator's offset per day of submission (local date; sheets without a submission time are left
    out): how a standard moves over the activity's days, fatigue at the end of a long day showing as a slide."""
    result = []
    for name, found in sorted((differences if differences is not None else _differences(files)).items()):
        by_day: dict[date, list[Difference]] = defaultdict(list)
        for at, _, difference in paced(found, 1024):
            if at is not None:
                by_day[(at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)).astimezone().date()].append(
                    difference)
        result.extend(DailyOffset(name, day, Offset.of(by_day[day])) for day in sorted(by_day))
    return tuple(result)
