"""文书设置: defaults < the activity's settings < per-report overrides."""

from __future__ import annotations

from datetime import date

import pytest

from pingcha.errors import UserError
from pingcha.reports.settings import LABELS, check_settings, resolve


def settings(stored=None, overrides=None):
    return resolve(stored, overrides, activity="2024年度行政处罚案卷评查", period="2024年3月",
                   scope="2024年办结的行政处罚案卷", today=date(2024, 3, 21))


def test_district_defaults_follow_the_issue_date():
    s = settings()
    assert s.issuer == "攀枝花市西区司法局"
    assert s.issuer_mark == "攀枝花市西区司法局文件"
    assert s.doc_number == "西司发〔2024〕\u3000\u3000号"  # a draft: the serial is written in at issue
    assert s.recipients == "格里坪镇人民政府、各街道办事处，区级各行政执法部门"
    assert s.method == "交叉检查、集中评查"
    assert s.issue_date == date(2024, 3, 21) and s.print_date == date(2024, 3, 21)
    assert s.deadline == date(2024, 4, 20)
    assert s.title == "关于2024年度行政处罚案卷评查结果的通报"
    assert s.printer == "攀枝花市西区司法局办公室"


def test_overrides_win_over_stored_settings_which_win_over_defaults():
    s = settings({"doc_serial": "12", "issue_date": "2025-01-10", "cc": "市司法局。"},
                 {"cc": "区人大法工委。", "deadline_days": 15})
    assert s.doc_number == "西司发〔2025〕12号"
    assert s.cc == "区人大法工委。"
    assert s.deadline == date(2025, 1, 25)


def test_keys_that_follow_from_others_change_with_them():
    s = settings({"issuer": "某某县司法局", "issue_date": "2024年12月30日"})
    assert (s.issuer_mark, s.printer, s.report_to) == ("某某县司法局文件", "某某县司法局办公室", "某某县司法局")
    assert s.deadline == date(2025, 1, 29)
    assert s.doc_number.startswith("西司发〔2024〕")


def test_an_explicit_document_number_is_used_as_given():
    assert settings(overrides={"doc_number": "西司发〔2024〕7号"}).doc_number == "西司发〔2024〕7号"


def test_bad_values_and_unknown_keys_are_explained_in_chinese():
    with pytest.raises(UserError, match="成文日期"):
        settings(overrides={"issue_date": "下周一"})
    with pytest.raises(UserError, match="未知的文书设置“colour”"):
        settings(overrides={"colour": "红"})
    assert check_settings({"deadline_days": "三十"}) == ["文书设置“整改期限（天）”（deadline_days）应为正整数，实际为“三十”"]
    assert check_settings({"cc": "市司法局。"}) == []


def test_every_key_has_a_chinese_label():
    assert all(label and not label.isascii() for label in LABELS.values())


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("doc_serial", "012", "不编虚位"),
        ("doc_serial", "第12", "不加“第”字"),
        ("doc_year", "24", "四位年份"),
        ("deadline_days", "99999999999", "应在 1 至 3650 之间"),
        ("deadline_days", "0", "应在 1 至 3650 之间"),
        ("sealed", "也许", "应为“是”或“否”"),
    ],
)
def test_settings_that_would_print_a_wrong_number_are_refused(key, value, message):
    problems = check_settings({key: value})
    assert len(problems) == 1 and message in problems[0] and LABELS[key] in problems[0]
    with pytest.raises(UserError, match=message):
        settings(overrides={key: value})


def test_a_bad_value_stored_before_the_checks_existed_is_explained_not_a_crash():
    with pytest.raises(UserError, match="整改期限"):
        settings({"deadline_days": "99999999999"})


def test_dates_that_contradict_each_other_are_refused():
    with pytest.raises(UserError, match="印发日期"):
        settings(overrides={"issue_date": "2024-03-21", "print_date": "2024-03-01"})
    with pytest.raises(UserError, match="整改截止日期"):
        settings(overrides={"issue_date": "2024-03-21", "deadline": "2024-03-20"})


def test_a_well_formed_serial_and_year_make_the_number():
    assert settings(overrides={"doc_serial": "12", "doc_year": "2025"}).doc_number == "西司发〔2025〕12号"
