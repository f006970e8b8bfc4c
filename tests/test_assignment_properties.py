"""The cross-check assignment (回避, balance, reproducibility) over random registers and rosters."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pingcha.errors import UserError
from pingcha.services import draw
from pingcha.services.draw import plan_assignment

AGENCIES = ["区市场监管局", "区综合执法局", "区应急管理局", "清香坪街道办事处", "格里坪镇人民政府"]
OUTSIDERS = ["区司法局", "西区人民检察院", "某律师事务所"]


@st.composite
def cases(draw):
    files = [(f"F{n}", draw(st.sampled_from(AGENCIES))) for n in range(draw(st.integers(1, 60)))]
    people = [(f"P{n}", draw(st.sampled_from(AGENCIES + OUTSIDERS))) for n in range(draw(st.integers(2, 14)))]
    return files, people, draw(st.integers(1, 3)), draw(st.text(min_size=1, max_size=5))


@settings(max_examples=200, deadline=None)
@given(cases())
def test_every_file_gets_distinct_outside_evaluators_and_the_same_seed_gives_the_same_plan(case):
    files, people, per_file, seed = case
    unit = dict(people)
    try:
        plan = plan_assignment(files, people, per_file, seed)
    except UserError as exc:
        agency = next(a for _, a in files if sum(u != a for _, u in people) < per_file)
        assert agency in str(exc)
        return
    agency_of = dict(files)
    assert set(plan) == set(agency_of)
    for case_no, team in plan.items():
        assert len(team) == per_file == len(set(team))
        assert all(unit[name] != agency_of[case_no] for name in team)
    assert plan == plan_assignment(files, people, per_file, seed)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 80), st.integers(2, 12), st.integers(1, 2), st.text(max_size=4))
def test_loads_differ_by_at_most_one_when_avoidance_does_not_bind(files, people, per_file, seed):
    register = [(f"F{n}", AGENCIES[n % len(AGENCIES)]) for n in range(files)]
    roster = [(f"P{n}", OUTSIDERS[n % len(OUTSIDERS)] if n % 2 else AGENCIES[n % len(AGENCIES)]) for n in range(people)]
    try:
        plan = plan_assignment(register, roster, per_file, seed)
    except UserError:
        return  # too few outside evaluators; the message is checked above
    loads = {name: 0 for name, _ in roster}
    for team in plan.values():
        for name in team:
            loads[name] += 1
    # with at least per_file outsiders who may take any file, the loads can always be made even
    outsiders = sum(1 for _, unit in roster if unit in OUTSIDERS)
    if outsiders >= per_file:
        assert max(loads.values()) - min(loads.values()) <= 1, loads


def greedy_by_sorting(files, people, per_file, seed):
    """The greedy step as first written (each file sorting its eligible evaluators by load, then tiebreak), from
    the same eligibility and seeded order: the faster walk must choose exactly the same evaluators."""
    outside, _ = draw._eligible(files, people, per_file)
    names = [name for name, _ in people]
    tiebreak, order = draw._seeded_order(files, names, outside, seed)
    load = {name: 0 for name in names}
    plan = {}
    for case_no, agency in order:
        plan[case_no] = sorted(outside[agency], key=lambda n: (load[n], tiebreak[n]))[:per_file]
        for name in plan[case_no]:
            load[name] += 1
    return plan, load


@settings(max_examples=200, deadline=None)
@given(cases())
def test_the_plan_chooses_as_sorting_each_files_eligible_evaluators_by_load_would(case):
    files, people, per_file, seed = case
    balanced = []
    real = draw._balance
    draw._balance = lambda plan, agency_of, outside, load: balanced.append(({k: list(v) for k, v in plan.items()},
                                                                            dict(load)))
    try:
        plan_assignment(files, people, per_file, seed)
    except UserError:
        return
    finally:
        draw._balance = real
    assert balanced == [greedy_by_sorting(files, people, per_file, seed)]  # what the balancing starts from
