"""Properties of masking (hypothesis): numbers in any spacing, names in any split across runs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pingcha.reports.engine import _mask_paragraph
from pingcha.reports.masking import COMPOUND_SURNAMES, Masker, mask_numbers
from pingcha.results import CaseFile

SEPARATORS = st.sampled_from(["", "", "", " ", "-", "\u3000"])
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@settings(max_examples=200, deadline=None)
@given(
    digits=st.text("0123456789", min_size=17, max_size=17).filter(lambda d: d[0] != "0"),
    check=st.sampled_from("0123456789X"),
    separators=st.lists(SEPARATORS, min_size=17, max_size=17),
)
def test_an_id_number_in_any_spacing_keeps_only_its_ends(digits, check, separators):
    number = digits + check
    written = "".join(ch + (separators[i] if i < 17 else "") for i, ch in enumerate(number))
    masked = mask_numbers(f"当事人身份证号{written}，住址某某。")
    assert masked == f"当事人身份证号{number[:6]}{'*' * 8}{number[-4:]}，住址某某。"


@settings(max_examples=200, deadline=None)
@given(
    rest=st.text("0123456789", min_size=9, max_size=9),
    second=st.sampled_from("3456789"),
    separators=st.lists(SEPARATORS, min_size=10, max_size=10),
)
def test_a_mobile_number_in_any_spacing_keeps_only_its_ends(rest, second, separators):
    number = "1" + second + rest
    written = "".join(ch + (separators[i] if i < 10 else "") for i, ch in enumerate(number))
    assert mask_numbers(f"电话{written}。") == f"电话{number[:3]}****{number[-4:]}。"


NAMES = st.one_of(
    st.tuples(st.sampled_from("王李张刘陈杨赵黄周吴"), st.text("建国明强华文军燕秀丽", min_size=1, max_size=2)),
    st.tuples(st.sampled_from(sorted(COMPOUND_SURNAMES)), st.text("明辉文军燕", min_size=1, max_size=2)),
).map("".join)


@settings(max_examples=200, deadline=None)
@given(name=NAMES, before=st.text("经查，当事人于某日", max_size=6), cuts=st.lists(st.integers(0, 12), max_size=4))
def test_a_name_split_across_runs_anyhow_is_masked(name, before, cuts):
    masker = Masker([CaseFile("x", "y", "z", name, "个人")])
    text = f"{before}{name}未到场。"
    points = sorted(set(c for c in cuts if 0 < c < len(text)))
    pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)])]
    paragraph = etree.fromstring(f'<w:p xmlns:w="{W}">' + "".join(
        f"<w:r><w:t>{piece}</w:t></w:r>" for piece in pieces) + "</w:p>")
    _mask_paragraph(paragraph, masker)
    result = "".join(t.text or "" for t in paragraph.iter(f"{{{W}}}t"))
    assert result == masker.text(text) and name not in result
    assert len(list(paragraph.iter(f"{{{W}}}r"))) == len(pieces)  # the runs (and their formatting) stay
