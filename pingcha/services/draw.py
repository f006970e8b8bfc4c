"""双随机: drawing the files to evaluate, and giving each to evaluators from other agencies.

Both are seeded: the same seed, register and roster always give the same draw and assignment.
"""

from __future__ import annotations

import random
from bisect import bisect_left, insort
from collections import defaultdict
from dataclasses import dataclass

from pingcha.errors import Refused, UserError
from pingcha.policy import LeaderAction
from pingcha.text import name_key
from pingcha.services import access
from pingcha.services.activities import find_activity, info_of
from pingcha.services.calibration import calibration_ids, ensure_assignments as ensure_calibration
from pingcha.store import Store, Transaction
from pingcha.store import activities as people
from pingcha.store import register
from pingcha.store import people as stored_people
from pingcha.store import sheets as rows
from pingcha.store.audit import record
from pingcha.store.register import CaseKey


@dataclass(frozen=True)
class DrawOutcome:
    drawn: int
    by_agency: dict[str, int]
    short: dict[str, int]  # agencies with fewer eligible files than the quota: how many they had
    excluded: int  # register files of procedures the rubric does not cover


MAX_QUOTA = 10**6  # stored as a database integer; no register comes near


def draw_files(
    store: Store, activity_ref: str, seed: str, actor: str, *, per_agency: int | None = None,
    total: int | None = None, force: bool = False,
) -> DrawOutcome:
    """Draw files at random (per agency or in total) among those whose procedure the rubric covers."""
    if (per_agency is None) == (total is None):
        raise UserError("请给出 --per-agency N（每个单位抽 N 件）或 --total N（共抽 N 件）中的一个")
    quota = per_agency if per_agency is not None else total
    if quota < 1:
        raise UserError(f"抽取数量应至少为 1，实际为 {quota}")
    if quota > MAX_QUOTA:
        raise UserError(f"抽取数量 {quota} 过大（应不超过 {MAX_QUOTA:,}）")
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        access.require_leader(session, activity.id, actor, LeaderAction.DRAW)
        fixed, fixed_at = stored_people.fixed_seed(session, activity.id)
        if fixed is not None and seed != fixed:
            raise Refused(f"评查活动“{activity.name}”的随机种子已于 {fixed_at:%Y-%m-%d %H:%M} 事先确定为 {fixed}，"
                          f"抽取只能使用这个种子（--seed {fixed}）。", actor, "抽取案卷", activity.id)
        rubric = info_of(session, activity).rubric
        calibration = calibration_ids(session, activity.id)
        if rows.scoring_started(session, activity.id, excluding=calibration) and not force:
            raise UserError("本次评查已经开始打分，不能重新抽取；确需重抽请加 --force（已有评查表和分配将作废，并记入日志）")
        # 样卷 are set aside for the calibration round: never drawn.
        files = [f for f in register.case_keys(session, activity.id) if f.id not in calibration]
        if not files:
            raise UserError(f"评查活动“{activity.name}”还没有导入案卷目录")
        eligible = sorted((f for f in files if f.procedure in rubric.procedures), key=lambda f: f.case_no)
        excluded = len(files) - len(eligible)
        rng = random.Random(f"draw:{seed}")
        short: dict[str, int] = {}
        if total is not None:
            if total > len(eligible):
                raise UserError(
                    f"要求抽取 {total} 件，但可抽的案卷（{'、'.join(rubric.procedures)}）只有 {len(eligible)} 件"
                )
            chosen = rng.sample(eligible, total)
        else:
            by_agency: dict[str, list[CaseKey]] = defaultdict(list)
            for f in eligible:
                by_agency[f.agency].append(f)
            chosen = []
            for agency in sorted(by_agency):
                pool = by_agency[agency]
                if len(pool) < per_agency:
                    short[agency] = len(pool)
                chosen.extend(rng.sample(pool, min(per_agency, len(pool))))
        previous = register.latest_draw(session, activity.id)
        before = None
        if previous is not None:
            before = {"seed": previous.seed, "mode": previous.mode, "quota": previous.quota,
                      "files": sorted(f.case_no for f in files if f.draw_id == previous.id)}
            _discard_scoring(session, activity.id)
        mode = "per_agency" if per_agency else "total"
        draw_id = register.add_draw(session, activity.id, seed, mode, quota, force and previous is not None, actor)
        register.set_draw(session, activity.id, draw_id, [f.id for f in chosen])
        counts: dict[str, int] = defaultdict(int)
        for f in chosen:
            counts[f.agency] += 1
        record(
            session, actor, "draw", "重新抽取案卷（强制）" if before else "抽取案卷", activity_id=activity.id,
            before=before,
            after={"seed": seed, "mode": mode, "quota": quota, "files": sorted(f.case_no for f in chosen)},
        )
        return DrawOutcome(len(chosen), dict(sorted(counts.items())), short, excluded)


def _discard_scoring(session: Transaction, activity_id: int) -> None:
    """A forced redraw voids the assignments and sheets of the old draw (they stay in the audit log); the
    calibration round (样卷 and their sheets) is no part of a draw and stays."""
    calibration = calibration_ids(session, activity_id)
    rows.delete_activity_sheets(session, activity_id, keeping=calibration)
    register.delete_assignments(session, activity_id, keeping=calibration)


@dataclass(frozen=True)
class AssignOutcome:
    files: int
    loads: dict[str, int]


def plan_assignment(
    files: list[tuple[str, str]], evaluators: list[tuple[str, str]], per_file: int, seed: str
) -> dict[str, list[str]]:
    """Give each file (case_no, agency) ``per_file`` evaluators (name, unit), none from its agency,
    with loads differing by at most one. Pure function; raises UserError when impossible."""
    outside, barred = _eligible(files, evaluators, per_file)
    names = [name for name, _ in evaluators]
    load = {name: 0 for name in names}
    tiebreak, order = _seeded_order(files, names, outside, seed)
    # Each file takes the ``per_file`` least loaded evaluators not of its agency (ties by the seeded tiebreak,
    # then by roster order). Everyone is kept in that order, so a file walks past the few of its own agency and
    # two evaluators move: sorting each file's choice afresh cost files × evaluators (3.8 s at 50,000 files).
    ranked = sorted((0, tiebreak[name], index) for index, name in enumerate(names))
    plan: dict[str, list[str]] = {}
    for case_no, agency in order:
        own = barred[agency]
        team = []
        for entry in ranked:
            if names[entry[2]] not in own:
                team.append(entry)
                if len(team) == per_file:
                    break
        plan[case_no] = [names[index] for _, _, index in team]
        for entry in team:
            del ranked[bisect_left(ranked, entry)]
            insort(ranked, (entry[0] + 1, *entry[1:]))
            load[names[entry[2]]] += 1
    _balance(plan, dict(files), outside, load)
    return plan


def _eligible(files: list[tuple[str, str]], evaluators: list[tuple[str, str]],
              per_file: int) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """By agency of ``files``: the evaluators who may check its files (roster order) and those of the agency
    itself; UserError where fewer than ``per_file`` may."""
    outside: dict[str, list[str]] = {}
    barred: dict[str, set[str]] = {}
    units = [(name, name_key(unit)) for name, unit in evaluators]  # each unit's name read once, not once an agency
    for _, agency in files:
        if agency not in outside:
            own = name_key(agency)
            outside[agency] = [name for name, unit in units if unit != own]
            barred[agency] = {name for name, unit in units if unit == own}
            if len(outside[agency]) < per_file:
                raise UserError(
                    f"无法分配：{agency}的案卷每件需要 {per_file} 名其他单位的评查人员，"
                    f"但名单中不属于{agency}的评查人员只有 {len(outside[agency])} 名"
                )
    return outside, barred


def _seeded_order(files: list[tuple[str, str]], names: list[str], outside: dict[str, list[str]],
                  seed: str) -> tuple[dict[str, float], list[tuple[str, str]]]:
    """The seed's tiebreak between evaluators of equal load, and the order files are given theirs in: shuffled
    by the seed, then the most constrained first (those whose agency leaves the fewest evaluators)."""
    rng = random.Random(f"assign:{seed}")
    tiebreak = {name: rng.random() for name in names}
    order = sorted(files, key=lambda f: f[0])
    rng.shuffle(order)
    order.sort(key=lambda f: len(outside[f[1]]))
    return tiebreak, order


def _balance(plan: dict[str, list[str]], agency_of: dict[str, str], outside: dict[str, list[str]], load: dict[str, int]) -> None:
    """Even out the loads by moving files along chains of evaluators (A gives a file to B, B one to C…):
    each chain takes one file off a busy evaluator and gives one to an idle one, whatever the 回避 rule
    forbids a direct swap. Stops when loads differ by at most one, or no chain can lower the spread."""
    eligible = {agency: set(names) for agency, names in outside.items()}
    while max(load.values()) - min(load.values()) > 1:
        chain = _improving_chain(plan, agency_of, eligible, load)
        if chain is None:
            return  # the 回避 rule allows no evener assignment
        for case_no, giver, taker in chain:
            team = plan[case_no]
            team[team.index(giver)] = taker
        load[chain[0][1]] -= 1
        load[chain[-1][2]] += 1


def _improving_chain(plan, agency_of, eligible, load) -> list[tuple[str, str, str]] | None:
    """A shortest chain of moves from an evaluator to one with at least two files fewer (BFS), busiest first."""
    held: dict[str, list[str]] = {name: [] for name in load}
    for case_no in sorted(plan):
        for name in plan[case_no]:
            held[name].append(case_no)
    for level in sorted(set(load.values()), reverse=True):
        starts = sorted(name for name in load if load[name] == level)
        came_from: dict[str, tuple[str, str] | None] = {name: None for name in starts}
        queue = list(starts)
        while queue:
            giver = queue.pop(0)
            for case_no in held[giver]:
                team = plan[case_no]
                for taker in sorted(eligible[agency_of[case_no]] - set(team)):
                    if taker in came_from:
                        continue
                    came_from[taker] = (giver, case_no)
                    if load[taker] <= level - 2:
                        chain = []
                        node = taker
                        while came_from[node] is not None:
                            previous, moved = came_from[node]
                            chain.append((moved, previous, node))
                            node = previous
                        return chain[::-1]
                    queue.append(taker)
    return None


def assign(store: Store, activity_ref: str, seed: str, actor: str, force: bool = False) -> AssignOutcome:
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        access.require_leader(session, activity.id, actor, LeaderAction.ASSIGN)
        aliases = stored_people.unit_aliases(session, activity.id)
        drawn = register.case_keys(session, activity.id, drawn=True)
        if not drawn:
            raise UserError("还没有抽取案卷，请先运行 pingcha sample")
        persons = people.people(session, activity.id)
        if not persons:
            raise UserError("还没有导入评查人员名单，请先运行 pingcha evaluators import")
        from pingcha.services.registers import unit_problems

        problems = unit_problems([(p.name, p.unit, p.role) for p in persons],
                                 list(register.agency_ids(session, activity.id)), aliases)
        if problems:  # a roster imported before the register was not checked then
            raise UserError("无法分配（回避需要认清每个人的单位）：\n" + "\n".join(
                problem.replace("请用 --map", f"请用 pingcha evaluators import {activity.name} --map")
                for problem in problems))
        if rows.scoring_started(session, activity.id, excluding=calibration_ids(session, activity.id)) and not force:
            raise UserError("已有评查表，不能重新分配；确需重新分配请加 --force（已有评查表将作废，并记入日志）")
        by_id = {p.id: p for p in persons}
        file_by_id = {f.id: f for f in drawn}
        before = sorted(
            f"{file_by_id[case_id].case_no}:{by_id[person_id].name}"
            for case_id, person_id in register.assignments(session, activity.id)
            if case_id in file_by_id and person_id in by_id
        ) or None
        plan = plan_assignment(
            [(f.case_no, f.agency) for f in drawn],
            [(p.name, aliases.get(name_key(p.unit), p.unit)) for p in persons],
            activity.per_file,
            seed,
        )
        _discard_scoring(session, activity.id)
        id_of_person = {p.name: p.id for p in persons}
        id_of_file = {f.case_no: f.id for f in drawn}
        register.add_assignments(session, activity.id, [
            (id_of_file[case_no], id_of_person[name]) for case_no, team in plan.items() for name in team])
        ensure_calibration(session, activity.id)  # a roster changed since the 样卷 were set aside
        loads = {p.name: 0 for p in persons}
        for team in plan.values():
            for name in team:
                loads[name] += 1
        record(
            session, actor, "assignment", "分配评查人员", activity_id=activity.id, before=before,
            after={"seed": seed, "per_file": activity.per_file, "assignments": sorted(f"{c}:{n}" for c, t in plan.items() for n in t)},
        )
        return AssignOutcome(len(plan), loads)
