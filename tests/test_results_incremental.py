"""Results kept by a Store are brought up to date by computing again only the files whose sheets changed:
whatever happens in between, they equal results computed from scratch (a fresh Store on the same database)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingcha.errors import UserError
from pingcha.services.activities import update_settings
from pingcha.services.results import activity_results
from pingcha.services.review import confirm_review, open_review
from pingcha.services.sheets import change_sheet, sheet_ref, submit_sheet
from pingcha.store import open_store
from test_tui_fixtures import ACTIVITY, LEADER, db, store, template_db  # noqa: F401

CODES = ["A1a", "B2a", "D7a", "D12c", "G3a"]


def picture(results) -> list:
    """Everything the results say, sheet by sheet."""
    return [results.to_json(), results.settings, [a.rank for a in results.agencies], [
        (f.status, f.score, f.grade, f.reasons, f.review and f.review.result.score,
         [(v.evaluator, v.status, v.sheet, v.result and (v.result.score, v.result.grade, v.result.vetoes))
          for v in f.sheets]) for f in results.files]]


def outcomes(results) -> list:
    """What decides and shows each file's outcome, sheet by sheet, without what the sheets say (the lighter
    results, ``contents=False``, hold only the scores stored beside the sheets)."""
    return [results.to_json(), [a.rank for a in results.agencies], [
        (f.status, f.score, f.grade, f.reasons, f.review and (f.review.result.score, f.review.result.grade),
         [(v.evaluator, v.status, v.submitted_at, v.result and (v.result.score, v.result.grade, v.result.vetoes))
          for v in f.sheets]) for f in results.files]]


step = st.one_of(
    st.tuples(st.just("change"), st.integers(0, 40), st.integers(0, 1), st.sampled_from(CODES), st.integers(0, 2)),
    st.tuples(st.just("submit"), st.integers(0, 40), st.integers(0, 1)),
    st.tuples(st.just("review"), st.integers(0, 40)),
    st.tuples(st.just("refused"), st.integers(0, 40)),
    st.tuples(st.just("setting"), st.sampled_from(["区司法局", "西区司法局"])),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(step, min_size=1, max_size=8))
def test_kept_results_brought_up_to_date_equal_results_computed_afresh(db, steps):
    kept = open_store(str(db))
    light = open_store(str(db))  # keeps the results without contents, brought up to date the same way
    try:
        activity_results(kept, ACTIVITY)  # remembered from here on
        activity_results(light, ACTIVITY, contents=False)
        for kind, *args in steps:
            files = activity_results(kept, ACTIVITY).files
            try:
                if kind == "setting":
                    update_settings(kept, ACTIVITY, {"issuer": args[0]}, LEADER)
                    continue
                file = files[args[0] % len(files)]
                if kind == "review":
                    state = open_review(kept, ACTIVITY, file.case.case_no, LEADER)
                    change_sheet(kept, state.ref, LEADER, code="G3a", count=1)
                    change_sheet(kept, state.ref, LEADER, comment="经集体评议，按复核意见认定")
                    confirm_review(kept, state.ref, LEADER)
                    continue
                if kind == "refused":  # an evaluator not on the file: refused, and the refusal audited
                    other = next(e.name for e in activity_results(kept, ACTIVITY).evaluators
                                 if e.name not in file.evaluators)
                    change_sheet(kept, sheet_ref(kept, ACTIVITY, file.evaluators[0], file.case.case_no), other,
                                 code="A1a", count=1)
                    continue
                evaluator = file.evaluators[args[1] % len(file.evaluators)]
                ref = sheet_ref(kept, ACTIVITY, evaluator, file.case.case_no)
                if kind == "change":
                    change_sheet(kept, ref, evaluator, code=args[2], count=args[3])
                else:
                    submit_sheet(kept, ref, evaluator)
            except UserError:
                pass  # refused (a submitted sheet, a file not in 复核…): nothing changed, or the refusal audited
            fresh = open_store(str(db))
            try:
                afresh = activity_results(fresh, ACTIVITY)
                assert picture(activity_results(kept, ACTIVITY)) == picture(afresh)
                lighter = activity_results(light, ACTIVITY, contents=False)
                assert outcomes(lighter) == outcomes(afresh)
                assert all(v.sheet is None for f in lighter.files for v in f.sheets)
                # Outcomes are decided from the scores stored at each write: what the sheets' rows score.
                views = [v for f in afresh.files for v in (*f.sheets, *([f.review] if f.review else []))]
                assert all(v.result is not None and v.result == (v.detail.score, v.detail.grade, v.detail.vetoes)
                           for v in views)
            finally:
                fresh.dispose()
    finally:
        kept.dispose()
        light.dispose()


def test_a_file_settled_by_review_is_final_in_the_kept_results(store, db):
    before = activity_results(store, ACTIVITY)
    file = next(f for f in before.files if f.status == "needs_review" and LEADER not in f.evaluators)
    state = open_review(store, ACTIVITY, file.case.case_no, LEADER)
    change_sheet(store, state.ref, LEADER, code="G3a", count=1)
    change_sheet(store, state.ref, LEADER, comment="经集体评议，按复核意见认定")
    confirm_review(store, state.ref, LEADER)
    after = activity_results(store, ACTIVITY)
    settled = next(f for f in after.files if f.case.case_no == file.case.case_no)
    assert (settled.status, settled.review.evaluator) == ("final", LEADER)
    fresh = open_store(str(db))
    try:
        assert picture(after) == picture(activity_results(fresh, ACTIVITY))
    finally:
        fresh.dispose()


def test_one_files_result_read_alone_equals_that_file_in_the_results_with_contents(store):
    from pingcha.services.results import file_result

    whole = activity_results(store, ACTIVITY)
    for file in whole.files:
        alone = file_result(store, ACTIVITY, file.case.case_no)
        assert alone == file and [v.sheet for v in alone.sheets] == [v.sheet for v in file.sheets]
        assert all(v.sheet is not None for v in alone.sheets)
    assert file_result(store, ACTIVITY, "不在抽查范围内的案号") is None


def test_replaced_results_are_let_go_of_by_the_sweeper_not_by_whoever_drops_them_last(store):
    """Freeing a province's results at once holds the interpreter for tenths of a second in whichever thread
    drops them last (a page, a worker): kept results that a change replaces are freed by memory's sweeper."""
    import time
    import weakref

    before = activity_results(store, ACTIVITY)
    first_file = weakref.ref(before.files[0].sheets[0])
    update_settings(store, ACTIVITY, {"issuer": "西区司法局"}, LEADER)  # not one file's change: computed afresh
    after = activity_results(store, ACTIVITY)
    assert after.settings["issuer"] == "西区司法局" and after.files[0].sheets[0] is not first_file()
    del before  # the page that showed the old results shows the new ones
    assert first_file() is not None  # not freed here, at once
    deadline = time.monotonic() + 5
    while first_file() is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first_file() is None  # freed by the sweeper
