"""The quick paths that make a province-sized activity affordable give exactly what the plain ones give
(issue 8): the set-based sheet check against the rule-by-rule one, on random (often invalid) sheets."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingcha.scoring import Sheet, check_sheet, sheet_problems, stored_score
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


# ---------------------------------------------------------------- a whole activity's sheets read in bulk

from pingcha.cli import main as cli_main  # noqa: E402
from pingcha.rubric import load_rubric_file  # noqa: E402
from pingcha.services.activities import find_activity  # noqa: E402
from pingcha.store import open_store  # noqa: E402
from pingcha.store import register  # noqa: E402
from pingcha.store import sheets as rows  # noqa: E402
from tests.helpers import REGISTER, ROSTER, RUBRIC  # noqa: E402

SHIPPED = load_rubric_file(RUBRIC)
ITEMS = [item.code for item in SHIPPED.items]
NA_ALLOWED = [item.code for item in SHIPPED.items if item.na_allowed]
DEDUCTIONS = list(SHIPPED.deduction_by_code.values())
NOTE_CODES = sorted(SHIPPED.known_codes)


@pytest.fixture(scope="module")
def activity_store(tmp_path_factory):
    db = tmp_path_factory.mktemp("fast") / "fast.db"
    for argv in (["activity", "create", "快速", "--rubric", str(RUBRIC)], ["cases", "import", "快速", str(REGISTER)],
                 ["evaluators", "import", "快速", str(ROSTER)], ["sample", "快速", "--seed", "3", "--per-agency", "2"],
                 ["assign", "快速", "--seed", "3"]):
        assert cli_main(["--db", str(db), *argv]) == 0
    store = open_store(str(db))
    with store.read() as session:
        activity_id = find_activity(session, "快速").id
        pairs = sorted(register.assignments(session, activity_id))
    yield store, activity_id, pairs
    store.dispose()


@st.composite
def stored_sheet(draw):
    """Anything a sheet of the shipped rubric may hold: counts (0 with a note too), notes on deductions, items
    and vetoes, 不适用, vetoes, dozens of 确认无扣分 items, 请组长确认, a comment."""
    counts, notes = {}, {}
    for deduction in draw(st.lists(st.sampled_from(DEDUCTIONS), unique=True, max_size=6)):
        counts[deduction.code] = draw(st.integers(0, deduction.max_times))
    for code in draw(st.lists(st.sampled_from(NOTE_CODES), unique=True, max_size=4)):
        notes[code] = draw(st.text(st.sampled_from("第页12，,\x1f 送达"), min_size=1, max_size=6))
    na = frozenset(draw(st.lists(st.sampled_from(NA_ALLOWED), unique=True, max_size=3)))
    veto = frozenset(draw(st.lists(st.sampled_from([v.code for v in SHIPPED.vetoes]), unique=True, max_size=2)))
    decided = frozenset(draw(st.lists(st.sampled_from(ITEMS), unique=True)))
    uncertain = {code: "无法辨认" for code in draw(st.lists(st.sampled_from(ITEMS), unique=True, max_size=2))}
    return Sheet(deductions=counts, na=na, veto=veto, notes=notes, decided=decided, uncertain=uncertain,
                 comment=draw(st.sampled_from(["", "总体较好"])))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(stored_sheet(), min_size=1, max_size=12))
def test_activity_sheets_read_in_bulk_equal_each_sheet_read_alone(activity_store, sheets):
    store, activity_id, pairs = activity_store
    with store.rehearsal().transaction() as session:  # always rolled back: every example starts empty
        chosen = pairs[:len(sheets)]
        rows.create_drafts(session, activity_id, chosen, stored_score(SHIPPED, Sheet()))
        created = {(r.case_file_id, r.evaluator_id): r for r in rows.sheets_on_cases(session, {c for c, _ in chosen})}
        assert all((r.score, r.vetoes) == (SHIPPED.total, ()) for r in created.values())
        written = {created[pair].id: sheet for pair, sheet in zip(chosen, sheets)}
        rows.replace_contents(session, written, SHIPPED.deduction_by_code,
                              {sheet_id: stored_score(SHIPPED, sheet) for sheet_id, sheet in written.items()},
                              fresh=written)
        stored, bulk = rows.activity_sheets(session, activity_id)
        _, scored = rows.activity_sheets(session, activity_id, decided=False)
        assert {row.id for row in stored} == set(written)
        light, requests = rows.activity_scores(session, activity_id)
        assert [tuple(getattr(row, field) for field in rows.ScoreRow._fields) for row in stored] == [
            tuple(row) for row in light]  # the same rows, with the scores stored beside them
        for row in stored:
            assert (row.score, row.vetoes) == stored_score(SHIPPED, written[row.id])
            assert requests.get(row.id, {}) == written[row.id].uncertain
            alone = rows.contents(session, row)
            assert bulk[row.id] == alone
            assert scored[row.id] == replace(alone, decided=frozenset())  # what results read: all but 确认无扣分
            assert list(bulk[row.id].deductions.items()) == list(alone.deductions.items())  # the rubric's order
            assert bulk[row.id].to_json() == written[row.id].to_json()
