"""Scoring one sheet and combining several, per interfaces.md §2."""

from decimal import Decimal

import pytest

from pingcha.scoring import Sheet, SheetError, agency_mean, combine, score_sheet, sheet_from_json

D = Decimal


def score(rubric, **kwargs):
    return score_sheet(rubric, Sheet(**kwargs))


def test_clean_sheet_scores_full_marks(mini):
    result = score(mini)
    assert (result.score, result.grade, result.raw, result.applicable) == (D(20), "优秀", D(20), D(20))


def test_deductions_count_and_cap_at_item_points(mini):
    # A1a ×3 = 3 of 4; B2a 5 + B2b 2×2.5 + B2c 6×0.5 = 13 capped at B2's 10
    result = score(mini, deductions={"A1a": 3, "B2a": 1, "B2b": 2, "B2c": 6})
    items = {i.code: i for i in result.items}
    assert items["A1"].deducted == D(3) and items["A1"].obtained == D(1)
    assert items["B2"].deducted == D(10) and items["B2"].obtained == D(0)
    assert result.score == D(7)
    assert result.grade == "不合格"


def test_na_rescales_over_applicable_points(mini):
    # B1 (6) not applicable: applicable 14; A1a ×1 → raw 13; 13 × 20 / 14 = 18.571… → 18.6
    result = score(mini, deductions={"A1a": 1}, na=frozenset({"B1"}))
    assert (result.raw, result.applicable, result.score, result.grade) == (D(13), D(14), D("18.6"), "优秀")
    b1 = next(i for i in result.items if i.code == "B1")
    assert b1.na and b1.obtained == 0


def test_rounding_is_half_up_not_bankers(mini):
    from pingcha.scoring import round1

    assert round1(D("0.25")) == D("0.3")
    assert round1(D("0.35")) == D("0.4")
    assert round1(D("84.45")) == D("84.5")


def test_zero_veto_makes_score_zero_and_worst_grade(mini):
    result = score(mini, veto=frozenset({"V1"}))
    assert result.score == 0 and result.grade == "不合格" and result.vetoes == ("V1",)
    assert result.raw == D(20)


def test_cap_veto_lowers_grade_but_not_score(mini):
    result = score(mini, veto=frozenset({"V2"}))
    assert (result.score, result.grade) == (D(20), "合格")
    worse = score(mini, deductions={"B2a": 1, "B1a": 1}, veto=frozenset({"V2"}))
    assert (worse.score, worse.grade) == (D(9), "不合格")


def test_result_json_shape(mini):
    data = score(mini, deductions={"A1a": 2}, na=frozenset({"B1"}), veto=frozenset({"V2"})).to_json()
    assert data["score"] == 17.1  # 12 × 20 / 14 = 17.142…
    assert data["grade"] == "合格"
    assert data["raw"] == 12.0 and data["applicable"] == 14.0 and data["vetoes"] == ["V2"]
    assert data["items"][0] == {"code": "A1", "points": 4.0, "deducted": 2.0, "obtained": 2.0, "na": False}
    assert data["categories"] == [
        {"code": "A", "points": 4.0, "obtained": 2.0},
        {"code": "B", "points": 10.0, "obtained": 10.0},
    ]


@pytest.mark.parametrize(
    "sheet, expected",
    [
        ({"deductions": {"Z9": 1}}, "Z9"),
        ({"deductions": {"A1a": 5}}, "A1a 最多计 4 次"),
        ({"deductions": {"A1a": -1}}, "非负整数"),
        ({"deductions": {"A1a": 1.5}}, "非负整数"),
        ({"na": ["A1"]}, "A1“执法人员资格”不允许标记为不适用"),
        ({"na": ["Q1"]}, "Q1"),
        ({"veto": ["V7"]}, "V7"),
        ({"notes": {"X1": "第3页"}}, "X1"),
        ({"na": ["B1"], "deductions": {"B1a": 1}}, "B1 已标记为不适用"),
        ({"deduction": {"A1a": 1}}, "未知的字段“deduction”"),
        ([], "JSON 对象"),
    ],
)
def test_bad_sheets_are_rejected_naming_the_code(mini, sheet, expected):
    with pytest.raises(SheetError) as caught:
        score_sheet(mini, sheet_from_json(sheet))
    assert expected in str(caught.value)


def test_sheet_with_every_item_na_cannot_be_scored(mini_file):
    from pingcha.rubric import parse_rubric_text

    text = mini_file.read_text(encoding="utf-8")
    text = text.replace('title = "执法人员资格"\npoints = 4', 'title = "执法人员资格"\npoints = 4\nna_allowed = true')
    text = text.replace('title = "送达"\npoints = 10', 'title = "送达"\npoints = 10\nna_allowed = true')
    rubric = parse_rubric_text(text, "all-na.toml")
    with pytest.raises(SheetError, match="所有评查项目都标记为不适用"):
        score_sheet(rubric, Sheet(na=frozenset({"A1", "B1", "B2"})))


def test_combine_agreeing_sheets_takes_rounded_mean(mini):
    a = score(mini, deductions={"A1a": 1})  # 19
    b = score(mini, deductions={"B2c": 5})  # 17.5
    outcome = combine(mini, [a, b])
    assert (outcome.status, outcome.score, outcome.grade) == ("final", D("18.3"), "优秀")


def test_combine_spread_exactly_at_limit_is_final(mini):
    a = score(mini)  # 20
    b = score(mini, deductions={"B2a": 1})  # 15
    assert combine(mini, [a, b], spread=D(5)).status == "final"
    assert combine(mini, [a, b], spread=D("4.9")).status == "needs_review"


def test_combine_differing_vetoes_needs_review(mini):
    a = score(mini, veto=frozenset({"V2"}))
    b = score(mini)
    outcome = combine(mini, [a, b])
    assert outcome.status == "needs_review" and outcome.score is None
    assert "否决项认定不一致" in outcome.reasons[0]


def test_combine_shared_cap_veto_caps_final_grade(mini):
    a = score(mini, veto=frozenset({"V2"}))
    b = score(mini, deductions={"A1a": 1}, veto=frozenset({"V2"}))
    outcome = combine(mini, [a, b])
    assert (outcome.score, outcome.grade) == (D("19.5"), "合格")


def test_agency_mean_is_rounded_and_graded(mini):
    assert agency_mean(mini, [D("18.3"), D("11.9"), D("17")]) == (D("15.7"), "合格")
    assert agency_mean(mini, []) == (None, None)
