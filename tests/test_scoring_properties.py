"""Properties of the scoring core over random rubrics and sheets (hypothesis).

The oracle recomputes §2 with exact fractions, so any float rounding or off-by-one in the engine shows.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from pingcha.results import SheetView
from pingcha.rubric.loader import rubric_from_data
from pingcha.scoring import Sheet, SheetScore, combine, graded, item_losses, score_sheet

HALVES = st.integers(min_value=2, max_value=40).map(lambda n: n / 2)


@st.composite
def rubrics(draw):
    categories = []
    total = Fraction(0)
    serial = 0
    for c in range(draw(st.integers(1, 4))):
        items = []
        for _ in range(draw(st.integers(1, 5))):
            serial += 1
            points = draw(HALVES)
            total += Fraction(points)
            deductions = []
            for k in range(draw(st.integers(0, 3))):
                d_points = draw(st.integers(1, int(points * 2)).map(lambda n: n / 2))
                deductions.append(
                    {"code": f"D{serial}{'abc'[k]}", "text": "扣分", "points": d_points, "max_times": draw(st.integers(1, 4))}
                )
            items.append(
                {"code": f"I{serial}", "title": "项目", "points": points, "na_allowed": draw(st.booleans()), "deductions": deductions}
            )
        categories.append({"code": f"C{c}", "title": "类别", "item": items})
    high = draw(st.integers(1, int(total)))
    low = draw(st.integers(0, high - 1)) if high > 1 else 0
    grades = [{"name": "优秀", "min": high}]
    if low:
        grades.append({"name": "合格", "min": low})
    grades.append({"name": "不合格", "min": 0})
    data = {
        "rubric": {"id": "p", "version": "1", "title": "随机标准", "total": float(total)},
        "grades": grades,
        "veto": [
            {"code": "VZ", "title": "归零", "effect": "zero"},
            {"code": "VC", "title": "封顶", "effect": "cap", "cap": grades[-2]["name"] if len(grades) > 1 else "不合格"},
        ],
        "category": categories,
    }
    return rubric_from_data(data, "random.toml", lambda path: "1")


@st.composite
def rubric_and_sheet(draw, with_vetoes=True):
    rubric = draw(rubrics())
    na_candidates = [item.code for item in rubric.items if item.na_allowed]
    na = set(draw(st.lists(st.sampled_from(na_candidates), unique=True))) if na_candidates else set()
    if len(na) == len(rubric.items):
        na.discard(next(iter(na)))
    counts = {}
    for item in rubric.items:
        if item.code in na:
            continue
        for deduction in item.deductions:
            count = draw(st.integers(0, deduction.max_times))
            if count:
                counts[deduction.code] = count
    vetoes = set(draw(st.lists(st.sampled_from(["VZ", "VC"]), unique=True))) if with_vetoes else set()
    return rubric, Sheet(deductions=counts, na=frozenset(na), veto=frozenset(vetoes))


def round_half_up(value: Fraction) -> Fraction:
    tenths = value * 10
    floor = tenths.numerator // tenths.denominator
    return Fraction(floor + (1 if tenths - floor >= Fraction(1, 2) else 0), 10)


def oracle(rubric, sheet: Sheet) -> Fraction:
    raw = applicable = Fraction(0)
    for item in rubric.items:
        if item.code in sheet.na:
            continue
        lost = sum(Fraction(d.points) * sheet.deductions.get(d.code, 0) for d in item.deductions)
        raw += Fraction(item.points) - min(Fraction(item.points), lost)
        applicable += Fraction(item.points)
    if "VZ" in sheet.veto:
        return Fraction(0)
    return round_half_up(raw * Fraction(rubric.total) / applicable)


@settings(max_examples=300, deadline=None)
@given(rubric_and_sheet())
def test_score_equals_exact_fraction_oracle(case):
    rubric, sheet = case
    assert Fraction(score_sheet(rubric, sheet).score) == oracle(rubric, sheet)


@settings(max_examples=200, deadline=None)
@given(rubric_and_sheet())
def test_score_is_between_zero_and_total_and_grade_is_the_rubrics(case):
    rubric, sheet = case
    result = score_sheet(rubric, sheet)
    assert 0 <= result.score <= rubric.total
    assert result.grade in {grade.name for grade in rubric.grades}
    assert result.score == result.score.quantize(Decimal("0.1"))


@settings(max_examples=200, deadline=None)
@given(rubric_and_sheet(), st.data())
def test_adding_a_deduction_never_raises_the_score(case, data):
    rubric, sheet = case
    open_deductions = [
        d for item in rubric.items if item.code not in sheet.na
        for d in item.deductions if sheet.deductions.get(d.code, 0) < d.max_times
    ]
    if not open_deductions:
        return
    extra = data.draw(st.sampled_from(open_deductions))
    more = dict(sheet.deductions)
    more[extra.code] = more.get(extra.code, 0) + 1
    before = score_sheet(rubric, sheet)
    after = score_sheet(rubric, Sheet(deductions=more, na=sheet.na, veto=sheet.veto))
    assert after.score <= before.score
    assert rubric.grade_rank[after.grade] >= rubric.grade_rank[before.grade]


@settings(max_examples=200, deadline=None)
@given(rubric_and_sheet(with_vetoes=False))
def test_na_on_a_clean_sheet_keeps_full_marks(case):
    rubric, sheet = case
    result = score_sheet(rubric, Sheet(na=sheet.na))
    assert result.score == rubric.total


@settings(max_examples=200, deadline=None)
@given(rubric_and_sheet())
def test_zero_veto_always_gives_zero(case):
    rubric, sheet = case
    result = score_sheet(rubric, Sheet(deductions=sheet.deductions, na=sheet.na, veto=sheet.veto | {"VZ"}))
    assert result.score == 0
    assert result.grade == rubric.grades[-1].name


@settings(max_examples=150, deadline=None)
@given(rubric_and_sheet(with_vetoes=False))
def test_combined_final_score_lies_between_the_sheets(case):
    rubric, sheet = case
    a = score_sheet(rubric, sheet)
    b = score_sheet(rubric, Sheet(na=sheet.na))
    outcome = combine(rubric, [a, b], spread=Decimal(1000))
    assert outcome.status == "final"
    assert min(a.score, b.score) <= outcome.score <= max(a.score, b.score)


@given(rubric_and_sheet())
def test_the_items_that_lose_points_are_those_the_exact_oracle_finds(case):
    # item_losses is what score_sheet deducts and what the 通报's 主要成效 reads of a stored sheet.
    rubric, sheet = case
    losses = item_losses(rubric, sheet.deductions)
    assert losses == score_sheet(rubric, sheet).deducted
    for item in rubric.items:
        lost = sum(Fraction(d.points) * sheet.deductions.get(d.code, 0) for d in item.deductions)
        assert Fraction(losses.get(item.code, Decimal(0))) == min(Fraction(item.points), lost)


@given(rubric_and_sheet())
def test_a_stored_sheets_losses_are_its_details_without_scoring_it(case):
    # What the agreement figures and the 通报 read of each counted sheet: a view holding the stored score
    # (a SheetScore) says what the full per-item score says, and one holding the full score says the same.
    rubric, sheet = case
    full = score_sheet(rubric, sheet)
    stored = SheetView("甲", "已提交", sheet, SheetScore(full.score, graded(rubric, full.score, full.vetoes), full.vetoes),
                       rubric=rubric)
    scored = SheetView("甲", "已提交", None, full, rubric=rubric)
    for view in (stored, scored):
        assert view.losses == full.deducted == view.detail.deducted
        assert view.not_applicable == full.na == frozenset(sheet.na)
