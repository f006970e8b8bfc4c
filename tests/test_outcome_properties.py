"""Properties of the outcome and ranking rules (pingcha.outcome), §2, over random sheets and means."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pingcha.outcome import BY_COMBINATION, BY_REVIEW, competition_ranks, file_outcome, ranked
from pingcha.paths import scoring_rules_dir
from pingcha.rubric import load_rubric_file
from pingcha.scoring import Sheet, round1, score_sheet
from pingcha.vocabulary import FileStatus

RUBRIC = load_rubric_file(scoring_rules_dir() / "xiqu-xzcf-2024.1.toml")
DEDUCTIONS = sorted(RUBRIC.deduction_by_code.values(), key=lambda d: d.code)
VETOES = [v.code for v in RUBRIC.vetoes]


@st.composite
def results(draw):
    """One scored sheet: some deductions, rarely a veto."""
    chosen = draw(st.lists(st.sampled_from(DEDUCTIONS), max_size=12, unique_by=lambda d: d.code))
    counts = {d.code: draw(st.integers(1, d.max_times)) for d in chosen}
    vetoes = draw(st.one_of(st.just(frozenset()), st.frozensets(st.sampled_from(VETOES), max_size=1)))
    return score_sheet(RUBRIC, Sheet(deductions=counts, veto=vetoes))


SPREADS = st.decimals(min_value=0, max_value=30, places=1)
MEANS = st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=1))


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 4), st.lists(results(), max_size=4), SPREADS, st.booleans())
def test_a_file_is_pending_until_every_assigned_evaluator_has_submitted(assigned, submitted, spread, band):
    outcome = file_outcome(RUBRIC, assigned, submitted, None, spread, band)
    if len(submitted) < assigned:
        assert outcome.status == FileStatus.PENDING and outcome.score is None and outcome.grade is None
    else:
        assert outcome.status in (FileStatus.FINAL, FileStatus.NEEDS_REVIEW)


@settings(max_examples=150, deadline=None)
@given(st.lists(results(), min_size=1, max_size=4), results(), SPREADS, st.booleans(), st.integers(0, 4))
def test_a_confirmed_review_settles_the_file_whatever_the_sheets_say(submitted, review, spread, band, assigned):
    outcome = file_outcome(RUBRIC, assigned, submitted, review, spread, band)
    assert (outcome.status, outcome.score, outcome.grade, outcome.settled_by) == (
        FileStatus.FINAL, review.score, review.grade, BY_REVIEW)


@settings(max_examples=200, deadline=None)
@given(st.lists(results(), min_size=1, max_size=4), SPREADS)
def test_sheets_that_agree_combine_into_their_rounded_mean(submitted, spread):
    outcome = file_outcome(RUBRIC, len(submitted), submitted, None, spread)
    scores = [r.score for r in submitted]
    agree = len({frozenset(r.vetoes) for r in submitted}) == 1 and max(scores) - min(scores) <= spread
    assert (outcome.status == FileStatus.FINAL) == agree
    if agree:
        assert outcome.settled_by == BY_COMBINATION
        assert outcome.score == round1(sum(scores, Decimal(0)) / len(scores))
        assert min(scores) <= outcome.score <= max(scores)
        assert RUBRIC.grade_rank[outcome.grade] >= RUBRIC.grade_rank[RUBRIC.grade_for(outcome.score)]
    else:
        assert outcome.score is None and outcome.reasons


@settings(max_examples=200, deadline=None)
@given(st.lists(results(), min_size=2, max_size=4), SPREADS)
def test_the_band_rule_only_ever_sends_more_files_to_review(submitted, spread):
    plain = file_outcome(RUBRIC, len(submitted), submitted, None, spread, band_review=False)
    banded = file_outcome(RUBRIC, len(submitted), submitted, None, spread, band_review=True)
    bands = {RUBRIC.grade_for(r.score) for r in submitted}
    if banded.status == FileStatus.FINAL:
        assert plain == banded and len(bands) == 1
    if plain.status == FileStatus.FINAL and len(bands) > 1:
        assert banded.status == FileStatus.NEEDS_REVIEW and any("等次" in r for r in banded.reasons)


def test_an_average_of_a_yes_and_a_no_goes_to_review_with_the_band_rule():
    good = score_sheet(RUBRIC, Sheet(deductions={"A2a": 1}))  # 优秀
    fair = score_sheet(RUBRIC, Sheet(deductions={"D12a": 1, "F3a": 4, "B2a": 2, "C2a": 2}))  # 合格, 14 points below
    assert (good.grade, fair.grade) == ("优秀", "合格")
    assert file_outcome(RUBRIC, 2, [good, fair], spread=Decimal(20)).status == FileStatus.FINAL
    banded = file_outcome(RUBRIC, 2, [good, fair], spread=Decimal(20), band_review=True)
    assert banded.status == FileStatus.NEEDS_REVIEW
    assert banded.reasons == ("各评查表得分分属不同等次（优秀 / 合格）",)


def test_equal_means_share_a_rank_and_the_next_rank_skips():
    assert competition_ranks([Decimal("90"), Decimal("85"), Decimal("85"), Decimal("80")]) == [1, 2, 2, 4]
    assert competition_ranks([Decimal("85"), None, Decimal("85")]) == [1, None, 1]


@given(st.lists(MEANS, max_size=12))
def test_ranks_are_one_plus_the_number_of_better_means(means):
    ranks = competition_ranks(means)
    for mean, rank in zip(means, ranks):
        if mean is None:
            assert rank is None
        else:
            assert rank == 1 + sum(1 for other in means if other is not None and other > mean)


@given(st.lists(st.tuples(st.text("甲乙丙丁", min_size=1, max_size=3), MEANS), max_size=12))
def test_ranked_lists_every_agency_ranked_first_unranked_last(agencies):
    listing = ranked(agencies, mean=lambda a: a[1], name=lambda a: a[0])
    assert [rank for rank, _ in listing] == competition_ranks([a[1] for _, a in listing])
    assert sorted(map(repr, (a for _, a in listing))) == sorted(map(repr, agencies))
    ranks = [rank for rank, _ in listing]
    known = [r for r in ranks if r is not None]
    assert ranks == known + [None] * (len(ranks) - len(known))
    assert known == sorted(known)
