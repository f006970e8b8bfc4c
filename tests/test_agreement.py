"""Agreement between evaluators (§9), against figures worked out by hand and published examples."""

from __future__ import annotations

import math
import statistics
from datetime import datetime, timedelta
from decimal import Decimal as D

import pytest

from pingcha.agreement import RatedSheet, agreement, rounded

T_975_DF2 = 4.302652729749464  # t(0.975, 2), from the printed tables


def sheet(name, score, vetoes="", deducted=None, na=(), at=None):
    return RatedSheet(name, D(str(score)), frozenset(v for v in vetoes.split(",") if v),
                      {k: D(str(v)) for k, v in (deducted or {}).items()}, frozenset(na), at)


PANEL = [
    [sheet("甲", 90, deducted={"A1": 1}), sheet("乙", 80, deducted={"A1": 2})],
    [sheet("甲", 85, na=["E4"]), sheet("丙", 80)],
    [sheet("乙", 70, "V9", deducted={"B2": 1}), sheet("丙", 76, deducted={"B2": 1})],
    [sheet("甲", 60), sheet("乙", 60), sheet("丙", 66, deducted={"A1": 1})],
    [sheet("乙", 75)],  # one sheet only: left out of everything
]


def test_counts_leave_out_files_with_one_sheet():
    result = agreement(PANEL, ["A1", "B2", "E4"]).to_json("活动")
    assert (result["activity"], result["files"], result["sheets"]) == ("活动", 4, 9)


def test_item_disagreement_is_the_share_of_files_whose_sheets_differ():
    items = agreement(PANEL, ["E4", "B2", "A1", "C1"]).to_json("活动")["items"]
    # A1 differs on files 1 (1 vs 2) and 4 (0, 0, 1); E4 on file 2 (不适用 vs applicable); B2 agrees (1 = 1).
    assert items == [
        {"code": "A1", "files": 4, "disagreement": 0.5},
        {"code": "E4", "files": 4, "disagreement": 0.25},
        {"code": "B2", "files": 4, "disagreement": 0.0},
        {"code": "C1", "files": 4, "disagreement": 0.0},
    ]


def test_offsets_against_the_mean_of_the_others_with_a_t_interval():
    evaluators = {e["name"]: e for e in agreement(PANEL, ["A1"]).to_json("活动")["evaluators"]}
    # 甲: +10, +5, 60 − 63 = −3 → mean 4, s² = (36 + 1 + 49)/2 = 43
    half = T_975_DF2 * math.sqrt(43) / math.sqrt(3)
    assert evaluators["甲"] == {"name": "甲", "sheets": 3, "offset": 4.0, "low": round(4 - half, 1),
                                "high": round(4 + half, 1), "flag": None}
    # 乙: −10, −6, −3 → mean −19/3 = −6.33…
    differences = [-10, -6, -3]
    half = T_975_DF2 * statistics.stdev(differences) / math.sqrt(3)
    assert evaluators["乙"]["offset"] == -6.3
    assert evaluators["乙"]["low"] == pytest.approx(round(-19 / 3 - half, 1))
    assert evaluators["乙"]["high"] == pytest.approx(round(-19 / 3 + half, 1))


def test_evaluators_ordered_by_offset_lowest_first():
    names = [e["name"] for e in agreement(PANEL, ["A1"]).to_json("活动")["evaluators"]]
    # 乙 −6.33, 丙 (−5 + 6 + 6)/3 = 2.33, 甲 4
    assert names == ["乙", "丙", "甲"]


def harsh_panel(gap: int, noise=(0, 1, -1, 2, -2, 0)):
    """严某 always scores ``gap`` (plus a little noise) below a partner who agrees with everyone."""
    files = []
    for i, wobble in enumerate(noise):
        files.append([sheet("严某", 80 - gap + wobble), sheet(f"评查员{i % 2}", 80)])
    return files


def test_a_harsh_evaluator_is_flagged_and_a_near_one_is_not():
    flagged = {e["name"]: e["flag"] for e in agreement(harsh_panel(8), []).to_json("x")["evaluators"]}
    assert flagged["严某"] == "偏严"
    assert flagged["评查员0"] == "偏宽"
    mild = {e["name"]: e["flag"] for e in agreement(harsh_panel(2), []).to_json("x")["evaluators"]}
    assert mild["严某"] is None  # the interval lies below zero, but 2 < 3 points


def test_flag_at_moves_the_threshold_and_is_judged_unrounded():
    # Offsets of exactly −3 on every sheet: a zero-width interval at −3, flagged at the default 3.0.
    files = [[sheet("严某", 77), sheet("张三", 80)], [sheet("严某", 67), sheet("李四", 70)]]
    strict = agreement(files, []).evaluators[0]
    assert (strict.name, strict.flag, rounded(strict.low, 1), rounded(strict.high, 1)) == ("严某", "偏严", -3.0, -3.0)
    assert agreement(files, [], flag_at=D("3.05")).evaluators[0].flag is None
    # −2.96 rounds to −3.0 but lies short of 3.0 points: not flagged.
    files = [[sheet("严某", "77.04"), sheet("张三", 80)], [sheet("严某", "67.04"), sheet("李四", 70)]]
    near = agreement(files, []).to_json("x")["evaluators"][0]
    assert (near["offset"], near["flag"]) == (-3.0, None)


def test_a_single_sheet_has_no_interval_and_no_flag():
    files = [[sheet("严某", 60), sheet("张三", 90)], [sheet("张三", 80), sheet("李四", 80)]]
    first = agreement(files, []).to_json("x")["evaluators"][0]
    assert first == {"name": "严某", "sheets": 1, "offset": -30.0, "low": None, "high": None, "flag": None}


# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the example with three observers and
# missing values: nominal 0.691, interval 0.811.
OBSERVERS = [
    [None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
    [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
    [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
]
VETO_OF = {1: "", 2: "V1", 3: "V2", 4: "V1,V2"}


def krippendorff_example():
    files = []
    for unit in range(15):
        files.append([sheet(f"观察者{c}", OBSERVERS[c][unit], VETO_OF[OBSERVERS[c][unit]])
                      for c in range(3) if OBSERVERS[c][unit] is not None])
    return files


def test_alpha_reproduces_krippendorffs_published_example():
    result = agreement(krippendorff_example(), []).to_json("x")
    assert result["alpha_score"] == 0.811
    assert result["alpha_vetoes"] == 0.691


def test_too_few_files_give_null_figures():
    one = [[sheet("甲", 80), sheet("乙", 70)]]
    result = agreement(one, ["A1"]).to_json("x")
    assert (result["files"], result["alpha_score"], result["alpha_vetoes"]) == (1, None, None)
    none = agreement([[sheet("甲", 80)]], ["A1"]).to_json("x")
    assert none == {"activity": "x", "files": 0, "sheets": 0, "alpha_score": None, "alpha_vetoes": None,
                    "items": [{"code": "A1", "files": 0, "disagreement": None}], "evaluators": []}


def test_no_variation_at_all_gives_null_alpha():
    same = [[sheet("甲", 80), sheet("乙", 80)], [sheet("甲", 80), sheet("丙", 80)]]
    result = agreement(same, []).to_json("x")
    assert (result["alpha_score"], result["alpha_vetoes"]) == (None, None)


def test_perfect_agreement_across_varied_files_is_one():
    files = [[sheet("甲", 80), sheet("乙", 80)], [sheet("甲", 60, "V1"), sheet("丙", 60, "V1")]]
    result = agreement(files, []).to_json("x")
    assert (result["alpha_score"], result["alpha_vetoes"]) == (1.0, 1.0)


def test_rounding_is_half_up():
    assert rounded(D("0.0625"), 3) == 0.063
    assert rounded(D("-4.25"), 1) == -4.3
    assert rounded(D("2.25"), 1) == 2.3


def test_drift_compares_early_and_late_sheets_by_submission_time():
    start = datetime(2024, 9, 1, 9)
    files = []
    for day, gap in enumerate([0, 1, 0, 6, 7, 6]):  # 严某 tires: harsher later
        at = start + timedelta(days=day)
        files.append([sheet("严某", 80 - gap, at=at), sheet(["张三", "李四", "王五"][day % 3], 80, at=at)])
    files.reverse()  # file order must not matter, only submission times
    drift = {d.name: d for d in agreement(files, []).drift}
    assert float(drift["严某"].early.offset) == pytest.approx(-1 / 3)
    assert float(drift["严某"].late.offset) == pytest.approx(-19 / 3)
    assert float(drift["严某"].change) == pytest.approx(-6)
    # Welch: each half has s² = 1/3 over 3 sheets, so ν = 4 and the half-width is t(0.975, 4)·√(2/9).
    low, high = drift["严某"].interval
    half = 2.7764451051977987 * math.sqrt(2 / 9)
    assert (float(low), float(high)) == (pytest.approx(-6 - half), pytest.approx(-6 + half))
    assert drift["严某"].notable(D("3.0")) and not drift["严某"].notable(D("6.5"))
    # Each partner has one early and one late sheet: too few to say their standard moved.
    assert drift["张三"].interval is None and not drift["张三"].notable(D("3.0"))
