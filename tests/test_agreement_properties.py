"""Property tests for the agreement rules (§9): invariants that hold for any panel."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pingcha import agreement as ag
from pingcha.agreement import RatedSheet, agreement

NAMES = ["欧阳明", "司马静", "王芳", "李强", "张伟", "诸葛亮"]
ITEMS = ["A1", "A2", "B1", "D12"]
# Panels are large inputs; on a busy machine generating them is slow, which is not a failure.
relaxed = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
scores = st.integers(min_value=0, max_value=1000).map(lambda tenths: D(tenths) / 10)


@st.composite
def panels(draw, min_files=0):
    files = []
    for _ in range(draw(st.integers(min_value=min_files, max_value=10))):
        names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
        files.append([
            RatedSheet(
                name, draw(scores), frozenset(draw(st.sets(st.sampled_from(["V1", "V9"])))),
                {code: D(draw(st.integers(1, 4))) for code in draw(st.sets(st.sampled_from(ITEMS)))},
                frozenset(draw(st.sets(st.sampled_from(ITEMS), max_size=1))),
            )
            for name in names
        ])
    return files


@relaxed
@given(panels())
def test_offsets_weighted_by_sheets_sum_to_zero(files):
    # On every file the differences from the others' mean cancel out, so they do over the panel.
    result = agreement(files, ITEMS)
    assert sum((e.sheets * e.offset for e in result.evaluators), Fraction(0)) == 0


@relaxed
@given(panels())
def test_intervals_hold_the_offset_and_flags_follow_the_rule(files):
    result = agreement(files, ITEMS)
    for e in result.evaluators:
        if e.sheets < 2:
            assert e.low is None and e.high is None and e.flag is None
        else:
            assert e.low <= e.offset <= e.high
        if e.flag == "偏严":
            assert e.high < 0 and e.offset <= -3
        if e.flag == "偏宽":
            assert e.low > 0 and e.offset >= 3
    assert [e.offset for e in result.evaluators] == sorted(e.offset for e in result.evaluators)


@relaxed
@given(panels())
def test_items_cover_the_rubric_in_order_of_disagreement(files):
    items = agreement(files, ITEMS).to_json("x")["items"]
    assert sorted(i["code"] for i in items) == sorted(ITEMS)
    keys = [(-(i["disagreement"] or 0), i["code"]) for i in items]
    assert keys == sorted(keys)
    for item in items:
        assert item["disagreement"] is None or 0 <= item["disagreement"] <= 1


@relaxed
@given(panels(), st.randoms(use_true_random=False))
def test_the_order_of_files_and_sheets_does_not_matter(files, random):
    shuffled = [random.sample(f, len(f)) for f in files]
    random.shuffle(shuffled)
    assert agreement(files, ITEMS).to_json("x") == agreement(shuffled, ITEMS).to_json("x")


@relaxed
@given(panels(min_files=2), st.integers(min_value=-50, max_value=50))
def test_shifting_every_score_changes_neither_alpha_nor_offsets(files, shift):
    moved = [[RatedSheet(s.evaluator, s.score + shift, s.vetoes, s.deducted, s.na) for s in f] for f in files]
    before, after = agreement(files, ITEMS), agreement(moved, ITEMS)
    assert [e.offset for e in before.evaluators] == [e.offset for e in after.evaluators]
    if before.alpha_score is None:
        assert after.alpha_score is None
    else:
        assert after.alpha_score == pytest.approx(before.alpha_score, abs=1e-9)


@given(st.lists(st.lists(st.integers(min_value=0, max_value=200), min_size=2, max_size=5), min_size=2, max_size=30))
@settings(max_examples=200)
def test_the_closed_form_gives_the_packages_interval_alpha(units):
    values = [[D(v) / 2 for v in unit] for unit in units]
    domain = sorted({v for unit in values for v in unit})
    if len(domain) < 2:
        return
    reference = krippendorff.alpha(
        value_counts=np.array([[unit.count(v) for v in domain] for unit in values]),
        value_domain=[float(v) for v in domain], level_of_measurement="interval",
    )
    assert ag._interval_alpha_by_sums(values) == pytest.approx(float(reference), abs=1e-9)


@given(st.lists(st.lists(st.sampled_from(["", "V1", "V2", "V1,V2"]), min_size=2, max_size=5), min_size=2, max_size=30))
@settings(max_examples=200)
def test_the_counts_give_the_packages_nominal_alpha(units):
    domain = sorted({v for unit in units for v in unit})
    if len(domain) < 2:
        return
    reference = krippendorff.alpha(
        value_counts=np.array([[unit.count(v) for v in domain] for unit in units]),
        value_domain=list(range(len(domain))), level_of_measurement="nominal",
    )
    assert ag._nominal_alpha_by_counts(units) == pytest.approx(float(reference), abs=1e-9)
