"""The pre-check rules on register rows, and the fine read from a 处罚决定 (property tests)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import cn2an
from hypothesis import given
from hypothesis import strategies as st

from pingcha.prechecks import findings_for, parse_fine, run_checks
from pingcha.results import CaseFile
from pingcha.rubric import parse_rubric_text
from tests.test_prechecks_rubric import WITH_CHECKS

RUBRIC = parse_rubric_text(WITH_CHECKS, "mini.toml")


def case(**changes) -> CaseFile:
    base = dict(case_no="甲罚〔2024〕1号", agency="区市场监管局", cause="虚假宣传", party="张三", party_type="个人",
                procedure="普通程序", decision="罚款5000元", filed_on=date(2024, 1, 2), decided_on=date(2024, 3, 1),
                served_on=date(2024, 3, 3), closed_on=date(2024, 4, 1), officers=("王强", "李明"))
    base.update(changes)
    return CaseFile(**base)


def codes(c: CaseFile) -> list[str]:
    return [f.check for f in findings_for(RUBRIC.checks, c)]


def test_a_clean_row_gives_no_finding():
    assert codes(case()) == []


def test_days_between_counts_calendar_days_beyond_the_limit():
    assert codes(case(served_on=date(2024, 3, 8))) == []  # 7 days
    found = findings_for(RUBRIC.checks, case(served_on=date(2024, 3, 9)))
    assert [(f.check, f.suggests, f.detail) for f in found] == [("P1", "B2b", "决定 2024-03-01，送达 2024-03-09，相隔 8 日")]
    assert codes(case(served_on=None)) == []  # a missing date is left to `required`


def test_min_count_and_procedure():
    assert codes(case(officers=("王强",))) == ["P2"]
    assert findings_for(RUBRIC.checks, case(officers=()))[0].detail == "执法人员 0 人，少于 2 人"
    assert codes(case(officers=("王强",), procedure="简易程序", decision="警告")) == []  # P2: 普通程序 only


def test_pattern_full_match_and_empty_left_alone():
    assert codes(case(case_no="甲罚〔2024〕01号")) == ["P3"]
    assert codes(case(case_no="甲罚〔2024〕第1号")) == ["P3"]
    assert codes(case(case_no="甲罚[2024]1号")) == ["P3"]
    assert codes(case(case_no="甲罚〔2024〕10号")) == []


def test_date_order_names_the_dates_out_of_order():
    found = findings_for(RUBRIC.checks, case(decided_on=date(2023, 12, 30), served_on=date(2024, 1, 1)))
    assert [(f.check, f.detail) for f in found] == [("P5", "决定 2023-12-30 早于 立案 2024-01-02")]


def test_fine_above_only_for_the_procedure_and_party_type():
    simple = dict(procedure="简易程序")
    assert codes(case(decision="罚款200元", **simple)) == []
    assert codes(case(decision="罚款201元", **simple)) == ["P4"]
    assert codes(case(decision="罚款3000元", party_type="单位", **simple)) == []
    found = findings_for(RUBRIC.checks, case(decision="罚款人民币叁仟伍佰元", party_type="单位", **simple))
    assert found[0].detail == "简易程序罚款 3500 元（单位），超过 3000 元"
    assert codes(case(decision="警告", **simple)) == []
    assert codes(case(decision="罚款若干元", **simple)) == []  # unreadable: no finding


def test_run_orders_by_row_then_code_and_lists_every_agency():
    rows = [
        case(case_no="甲罚〔2024〕2号", officers=("王强",), served_on=date(2024, 4, 1)),
        case(case_no="甲罚〔2024〕3号", agency="区应急管理局"),
        case(case_no="甲罚〔2024〕04号", agency="区文广旅局", decision="罚款五千多元"),
    ]
    run = run_checks(list(reversed(RUBRIC.checks)), rows)
    assert [(f.case_no, f.check) for f in run.findings] == [
        ("甲罚〔2024〕2号", "P1"), ("甲罚〔2024〕2号", "P2"), ("甲罚〔2024〕04号", "P3")]
    assert [a.to_json() for a in run.agencies] == [
        {"agency": "区市场监管局", "files": 1, "files_with_findings": 1, "findings": 2},
        {"agency": "区应急管理局", "files": 1, "files_with_findings": 0, "findings": 0},
        {"agency": "区文广旅局", "files": 1, "files_with_findings": 1, "findings": 1},
    ]
    assert run.unreadable_fines == ("甲罚〔2024〕04号",)


# -- the fine ----------------------------------------------------------------------------------------
def test_fine_examples():
    assert parse_fine("罚款5000元").amount == 5000
    assert parse_fine("罚款人民币伍仟元").amount == 5000
    assert parse_fine("罚款3万元").amount == 30000
    assert parse_fine("罚款1.5万元").amount == 15000
    assert parse_fine("没收违法所得2000元并罚款10000元").amount == 10000
    assert parse_fine("责令限期拆除并处建设工程造价5%罚款计6000元").amount == 6000
    assert parse_fine("罚款5000元，并处罚款贰仟元整").amount == 7000
    assert parse_fine("警告").amount is None and not parse_fine("警告").unreadable
    assert parse_fine("不予罚款").amount is None and not parse_fine("不予罚款").unreadable
    assert parse_fine("罚款若干元").unreadable and parse_fine("罚款若干元").amount is None


amounts = st.integers(min_value=1, max_value=99_999_999)


@given(amounts, st.sampled_from(["low", "up"]), st.sampled_from(["", "人民币", "：人民币", "计"]))
def test_chinese_numerals_read_as_their_value(amount, style, lead):
    assert parse_fine(f"罚款{lead}{cn2an.an2cn(amount, style)}元").amount == amount


@given(amounts, st.sampled_from(["", "人民币"]))
def test_arabic_numerals_and_wan(amount, lead):
    assert parse_fine(f"罚款{lead}{amount}元").amount == amount
    tenth = Decimal(amount) / 10
    assert parse_fine(f"罚款{tenth}万元").amount == tenth * 10000


@given(st.lists(amounts, min_size=1, max_size=4), st.text(alphabet="责令改正没收违法所得并处，。警告", max_size=8))
def test_the_fine_is_the_sum_after_every_fine_word(parts, filler):
    text = filler.join(f"罚款{n}元" for n in parts)
    assert parse_fine(f"{filler}{text}{filler}").amount == sum(parts)


@given(st.text(alphabet="责令改正没收违法所得警告0123456789元万", max_size=30))
def test_no_fine_word_no_fine(text):
    fine = parse_fine(text)
    assert fine.amount is None and not fine.unreadable


@given(st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400), st.integers(0, 200))
def test_days_between_finding_exactly_when_beyond(days_to_decide, days_to_serve, limit):
    decided = date(2024, 1, 1) + timedelta(days=days_to_decide)
    row = case(decided_on=decided, served_on=decided + timedelta(days=days_to_serve), closed_on=None, filed_on=None)
    assert ("P1" in codes(row)) == (days_to_serve > 7)


@given(st.lists(st.sampled_from(["王强", "李明", "欧阳明辉", "张三"]), unique=True, max_size=4))
def test_min_count_exactly_when_fewer(names):
    assert ("P2" in codes(case(officers=tuple(names)))) == (len(names) < 2)


@given(st.lists(st.tuples(st.sampled_from(["甲罚〔2024〕1号", "甲罚〔2024〕01号", "甲罚[2024]1号"]),
                          st.integers(0, 3), st.integers(0, 20), st.sampled_from(["罚款5000元", "警告", "罚款300元"]),
                          st.sampled_from(["普通程序", "简易程序"])), max_size=12),
       st.permutations(range(5)))
def test_findings_are_ordered_by_row_then_code_and_do_not_depend_on_check_order(rows, order):
    cases = [case(case_no=f"{no}-{i}", officers=("王强", "李明")[:officers], served_on=date(2024, 3, 1) + timedelta(days=days),
                  decision=decision, procedure=procedure)
             for i, (no, officers, days, decision, procedure) in enumerate(rows)]
    checks = [RUBRIC.checks[i] for i in order]
    run = run_checks(checks, cases)
    assert run == run_checks(RUBRIC.checks, cases)
    position = {c.case_no: i for i, c in enumerate(cases)}
    keys = [(position[f.case_no], f.check) for f in run.findings]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)  # at most one finding per check and file
    assert sum(a.findings for a in run.agencies) == len(run.findings) and run.files == len(cases)
