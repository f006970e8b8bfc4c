"""The quick paths that make a province-sized activity affordable give exactly what the plain ones give
(issue 8): the set-based sheet check against the rule-by-rule one, on random (often invalid) sheets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pingcha.scoring import Sheet, check_sheet, sheet_problems
from tests.test_scoring_properties import rubrics


@st.composite
def any_sheet(draw):
    """A rubric and a sheet naming its codes and a few it does not know, with counts up to past the limit."""
    rubric = draw(rubrics())
    deductions = list(rubric.deduction_by_code.values())
    items = [item.code for item in rubric.items]
    codes = st.sampled_from(items + ["X9", "d1a", "VZ", "VC"] + [d.code for d in deductions])
    counts = {}
    for deduction in draw(st.lists(st.sampled_from(deductions), unique=True)) if deductions else []:
        counts[deduction.code] = draw(st.integers(0, deduction.max_times + 1))
    if draw(st.booleans()):
        counts[draw(st.sampled_from(["X1a", "D1a", "VZ"]))] = draw(st.integers(0, 2))
    na = frozenset(draw(st.lists(st.sampled_from(items + ["X2"]), unique=True, max_size=len(items) + 1)))
    veto = frozenset(draw(st.lists(st.sampled_from(["VZ", "VC", "V7"]), unique=True)))
    decided = frozenset(draw(st.lists(st.sampled_from(items + ["X3", "VZ"]), unique=True)))
    notes = {code: "第1页" for code in draw(st.lists(codes, unique=True, max_size=3))}
    uncertain = {code: "看不清" for code in draw(st.lists(codes, unique=True, max_size=2))}
    return rubric, Sheet(deductions=counts, na=na, veto=veto, notes=notes, decided=decided, uncertain=uncertain)


@settings(max_examples=400, deadline=None)
@given(any_sheet())
def test_quick_check_finds_what_the_full_check_finds(case):
    rubric, sheet = case
    assert check_sheet(rubric, sheet) == sheet_problems(rubric, sheet)
