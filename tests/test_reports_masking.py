"""脱敏: names, ID-card and phone numbers, companies."""

from __future__ import annotations

import pytest

from pingcha.reports.masking import Masker, mask_company, mask_numbers, mask_person
from pingcha.results import CaseFile


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张某某"),
        ("张三丰", "张某某"),
        ("欧阳明辉", "欧阳某某"),
        ("欧阳秀", "欧阳某某"),
        ("司马强", "司马某某"),
        ("诸葛文军", "诸葛某某"),
        ("上官燕", "上官某某"),
        ("皇甫婷婷", "皇甫某某"),
        ("万俟德", "万俟某某"),
        ("欧阳", "欧某某"),  # two characters: surname 欧 and given name 阳
        ("买买提·艾力", "买某某"),
    ],
)
def test_a_person_becomes_surname_and_mouxmou(name, masked):
    assert mask_person(name) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身份证号510402199001011234。", "身份证号510402********1234。"),
        ("证号51040219900101123X", "证号510402********123X"),
        ("旧证510402900101123", "旧证510402*****1123"),
        ("电话13812345678", "电话138****5678"),
        ("电话 +86 138-1234-5678", "电话 +86 138****5678"),
        ("座机0812-3335678", "座机0812-***5678"),
        ("罚款3000元，〔2024〕12号，20240315", "罚款3000元，〔2024〕12号，20240315"),
        ("身份证510402 19800101 123X", "身份证510402********123X"),
        ("身份证 5104 0219 8001 0112 3X 号", "身份证 510402********123X 号"),
        ("身份证510402-19800101-1234", "身份证510402********1234"),
        ("电话138 1234 5678", "电话138****5678"),
        ("电话１３８", "电话１３８"),
    ],
)
def test_id_and_phone_numbers_keep_only_their_ends(text, masked):
    assert mask_numbers(text) == masked


@pytest.mark.parametrize(
    ("company", "masked"),
    [
        ("攀枝花市西区某某商贸有限公司", "攀枝花市某某有限公司"),
        ("攀枝花市西区农贸市场管理有限公司", "攀枝花市某某有限公司"),
        ("四川省攀枝花市宏达五金有限责任公司", "四川省攀枝花市某某有限责任公司"),
        ("西区河门口顺发建材经营部", "西区某某经营部"),
    ],
)
def test_a_company_keeps_its_region_and_legal_form(company, masked):
    assert mask_company(company) == masked


def case(party: str, party_type: str) -> CaseFile:
    return CaseFile("川攀西综执罚〔2024〕1号", "区综合执法局", "案由", party, party_type)


def test_every_party_name_is_masked_in_free_text():
    masker = Masker([case("欧阳明辉", "个人"), case("张三", "个人"), case("攀枝花市西区恒基建筑劳务有限公司", "单位")])
    note = "欧阳明辉称张三不在场，恒基公司未到，身份证510402199001011234"
    assert masker.text(note) == "欧阳某某称张某某不在场，恒基公司未到，身份证510402********1234"
    assert masker.leaks(note) == ["张三", "欧阳明辉"]
    assert masker.leaks(masker.text(note)) == []


def test_companies_are_named_unless_asked_to_mask_them():
    company = case("攀枝花市西区恒基建筑劳务有限公司", "单位")
    assert Masker([company]).party(company) == "攀枝花市西区恒基建筑劳务有限公司"
    masking = Masker([company], mask_companies=True)
    assert masking.party(company) == "攀枝花市某某有限公司"
    assert masking.text("当事人攀枝花市西区恒基建筑劳务有限公司") == "当事人攀枝花市某某有限公司"


def test_a_party_of_unknown_type_is_a_person_unless_its_name_is_a_company():
    person, company = case("吴国强", ""), case("攀枝花市西区通畅管道工程有限公司", "")
    masker = Masker([person, company])
    assert masker.party(person) == "吴某某"
    assert masker.party(company) == "攀枝花市西区通畅管道工程有限公司"


def test_several_people_in_one_party_field_are_each_masked():
    party = case("张三、李四（委托代理人）", "个人")
    assert Masker([party]).party(party) == "张某某、李某某（委托代理人）"


def test_the_longer_name_wins_where_one_contains_another():
    masker = Masker([case("王刚", "个人"), case("王刚强", "个人")])
    assert masker.text("王刚强与王刚") == "王某某与王某某"


def test_a_party_of_the_register_who_was_not_drawn_is_masked_too():
    drawn = case("张三", "个人")
    masker = Masker([drawn], register=[("欧阳明辉", "个人"), ("攀枝花市西区恒基建筑劳务有限公司", "单位")])
    assert masker.text("与欧阳明辉案系同一当事人") == "与欧阳某某案系同一当事人"
    assert masker.text("恒基建筑劳务有限公司") == "恒基建筑劳务有限公司"


def test_the_bureaus_own_number_stays_when_declared_public():
    masker = Masker([case("张三", "个人")])
    masker.allow_numbers("0812-3335678")
    assert masker.text("联系电话：0812-3335678；当事人电话0812-3334455") == "联系电话：0812-3335678；当事人电话0812-***4455"
