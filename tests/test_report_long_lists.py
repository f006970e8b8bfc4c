"""The 通报's long lists, made fast, say exactly what the plain way of making them said: the annex table's XML, the
order of files by 案号, and the names the masker hunts for."""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from pingcha.reports import facts
from pingcha.reports.engine import clean_text
from pingcha.reports.long_tables import _TWIPS_PER_MM, table_chunks
from pingcha.reports.masking import Masker, is_individual, mask_company, mask_person, person_names
from pingcha.results import CaseFile


def plain_rows(columns, rows, text_style: str) -> str:
    """The table's body rows written cell by cell, as the first version of long_tables did."""
    widths = [round(width * _TWIPS_PER_MM) for _, width in columns]
    parts = []
    for row in rows:
        parts.append('<w:tr><w:trPr><w:cantSplit/></w:trPr>')
        for width, value in zip(widths, row):
            parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                         f'<w:p><w:pPr><w:pStyle w:val="{text_style}"/></w:pPr>')
            text = clean_text(value if isinstance(value, str) else str(value))
            parts.append(f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>' if text
                         else "</w:p></w:tc>")
        parts.append("</w:tr>")
    return "".join(parts) + "</w:tbl>"


COLUMNS = [("序号", 11), ("执法部门", 37), ("案号", 52), ("案由", 29), ("得分", 13), ("等次", 14)]
cell = st.one_of(st.integers(-5, 60_000), st.sampled_from([1, 1.0, True, False, 0, Decimal("1.0"), Decimal("85.0")]),
                 st.sampled_from(["区市场监管局", "占道经营", "85.0", "1", "True", "—", "", "不合格"]),
                 st.text(alphabet=st.sampled_from("A&<>\"'%s{}\x01\x0b\r\n\t号〔〕2 "), max_size=8))
row = st.lists(cell, min_size=len(COLUMNS), max_size=len(COLUMNS)).map(tuple)
uneven = st.lists(cell, min_size=0, max_size=len(COLUMNS) + 2).map(tuple)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.one_of(row, row, uneven), max_size=40), per_chunk=st.integers(1, 7))
def test_the_annex_table_is_the_xml_written_cell_by_cell(rows, per_chunk):
    chunks = list(table_chunks(COLUMNS, iter(rows), text_style="ListText", head_style="ListHead",
                               rows_per_chunk=per_chunk))
    header, body = chunks[0], "".join(chunks[1:])
    assert header.startswith("<w:tbl>") and header.endswith("</w:tr>") and "<w:tblHeader/>" in header
    assert body == plain_rows(COLUMNS, rows, "ListText")
    assert len(chunks) == 2 + (len(rows) + per_chunk - 1) // per_chunk  # never one string for the whole table


def test_fifty_thousand_rows_come_in_pieces_of_a_few_hundred():
    rows = ((n, "区综合行政执法局", f"西综执罚〔2024〕{n}号", "占道经营", "85.0", "合格") for n in range(1, 50_001))
    chunks = list(table_chunks(COLUMNS, rows, text_style="ListText", head_style="ListHead"))
    assert len(chunks) == 2 + 100 and max(len(c) for c in chunks) < 1_000_000
    assert "".join(chunks).count("<w:tr>") == 50_001


case_no = st.builds(lambda year, n, zero, tail: f"西综执罚〔{year}〕{'0' if zero else ''}{n}号{tail}",
                    st.sampled_from([2023, 2024]), st.integers(0, 30), st.booleans(), st.sampled_from(["", "-1", "之二"]))


@given(numbers=st.lists(case_no, max_size=40), scores=st.lists(st.integers(60, 100), min_size=40, max_size=40))
def test_sorting_by_place_orders_files_as_sorting_by_the_case_key(numbers, scores):
    files = [facts_file(no, score) for no, score in zip(numbers, scores)]
    places = facts.case_places(files)
    assert ([id(f) for f in sorted(files, key=lambda f: (-f.score, places[f.case.case_no]))]
            == [id(f) for f in sorted(files, key=lambda f: (-f.score, facts.case_key(f.case.case_no)))])


def facts_file(case_no: str, score: int):
    from pingcha.results import FINAL, FileResult

    return FileResult(CaseFile(case_no, "区市场监管局", "占道经营", "张三", "个人"), FINAL, Decimal(score), "合格", ())


def plain_replacements(cases, register, mask_companies: bool) -> dict[str, str]:
    """The names a Masker hunts for, as it found them when it went through every party it was given."""
    replacements = {}
    for party, party_type in [(c.party, c.party_type) for c in cases] + list(register):
        party = party.strip()
        if not party:
            continue
        if is_individual(CaseFile("", "", "", party, party_type)):
            for name in person_names(party):
                replacements[name] = mask_person(name)
        elif mask_companies:
            replacements[party] = mask_company(party)
    return {name: masked for name, masked in replacements.items() if len(name) >= 2}


party = st.tuples(st.sampled_from(["张三", "欧阳明辉", "张三、李四", "西区某商贸有限公司", "李四", " 王五 ", "诸葛",
                                   "攀枝花市张三", "张三商店", ""]),
                  st.sampled_from(["个人", "单位", ""]))


@given(drawn=st.lists(party, max_size=12), register=st.lists(party, max_size=12), mask_companies=st.booleans())
def test_the_masker_hunts_for_the_names_of_every_party_once(drawn, register, mask_companies):
    cases = [CaseFile(f"〔2024〕{n}号", "区市场监管局", "占道经营", p, t) for n, (p, t) in enumerate(drawn)]
    masker = Masker(cases, mask_companies=mask_companies, register=register)
    assert masker.replacements == plain_replacements(cases, register, mask_companies)
