"""Properties of a calibration sheet's gaps from its reference (pingcha.calibration), over random rubrics and sheets."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pingcha.calibration import compare
from pingcha.scoring import Sheet, score_sheet
from test_scoring_properties import rubrics


@st.composite
def sheet_for(draw, rubric, with_vetoes=True):
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
    return Sheet(deductions=counts, na=frozenset(na), veto=frozenset(vetoes))


@st.composite
def two_sheets(draw, with_vetoes=True):
    rubric = draw(rubrics())
    return rubric, draw(sheet_for(rubric, with_vetoes)), draw(sheet_for(rubric, with_vetoes))


def obtained(rubric, sheet: Sheet) -> dict[str, Decimal | None]:
    result = score_sheet(rubric, sheet)
    return {i.code: None if i.na else i.obtained for i in result.items}


@settings(max_examples=300, deadline=None)
@given(two_sheets())
def test_gaps_are_the_items_obtained_minus_the_references(case):
    rubric, mine, reference = case
    gaps = compare(rubric, mine, reference)
    ours, theirs = obtained(rubric, mine), obtained(rubric, reference)
    listed = {g.code: g for g in gaps.items}
    for item in rubric.items:
        code = item.code
        found = {d.code: mine.deductions.get(d.code, 0) for d in item.deductions if mine.deductions.get(d.code)}
        wanted = {d.code: reference.deductions.get(d.code, 0) for d in item.deductions
                  if reference.deductions.get(d.code)}
        differs = ours[code] != theirs[code] or found != wanted
        assert (code in listed) == differs
        if code in listed:
            gap = listed[code].gap
            if ours[code] is None or theirs[code] is None:
                assert gap is None
            else:
                assert gap == ours[code] - theirs[code]
    assert gaps.score_gap == score_sheet(rubric, mine).score - score_sheet(rubric, reference).score
    assert set(gaps.vetoes_missed) == reference.veto - mine.veto
    assert set(gaps.vetoes_extra) == mine.veto - reference.veto


@settings(max_examples=200, deadline=None)
@given(two_sheets(with_vetoes=False))
def test_without_na_or_vetoes_the_item_gaps_add_up_to_the_score_gap(case):
    rubric, mine, reference = case
    mine, reference = Sheet(deductions=mine.deductions), Sheet(deductions=reference.deductions)
    gaps = compare(rubric, mine, reference)
    assert sum((g.gap for g in gaps.items), Decimal(0)) == gaps.score_gap


@settings(max_examples=200, deadline=None)
@given(two_sheets())
def test_a_sheet_agrees_with_itself_and_gaps_change_sign_when_swapped(case):
    rubric, mine, reference = case
    assert compare(rubric, mine, mine).agrees
    forward, backward = compare(rubric, mine, reference), compare(rubric, reference, mine)
    assert [g.code for g in forward.items] == [g.code for g in backward.items]
    assert all((f.gap is None and b.gap is None) or f.gap == -b.gap for f, b in zip(forward.items, backward.items))
    assert forward.vetoes_missed == backward.vetoes_extra


@given(st.sampled_from(["评查员", "组长", None]), st.booleans(), st.booleans())
def test_the_reference_is_seen_after_submitting_or_by_a_leader(role, protected, submitted):
    from pingcha import policy

    reason = policy.reference_refusal("某人", role, protected, submitted, "案号")
    assert (reason is None) == (submitted or role == "组长" or (role is None and not protected))


@given(st.lists(st.text(min_size=1, max_size=6), max_size=9, unique=True))
def test_live_files_are_closed_exactly_while_samples_are_pending(pending):
    from pingcha import policy

    reason = policy.calibration_refusal("某人", pending)
    assert (reason is None) == (not pending)
    if pending:
        assert pending[0] in reason and (len(pending) <= 5 or f"等 {len(pending)} 件" in reason)
