"""Properties of the public wording and of title breaking (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pingcha.reports.gb_layout import text_width, title_lines
from pingcha.reports.public_text import public_rule

PHRASES = st.text("案卷文书未记载送达地点执法人员签字当事人告知", min_size=2, max_size=20)
LAWS = st.sampled_from(["行政处罚法", "中华人民共和国行政处罚法", "食品安全法实施条例", "安全生产法"])
ARTICLES = st.sampled_from(["第六十七条", "第四十四条", "第5条"])
NOTES = st.sampled_from(["不得评为优秀", "扣2分", "总分计为0分", "评为不合格"])


@settings(max_examples=200, deadline=None)
@given(problem=PHRASES, law=LAWS, article=ARTICLES, note=NOTES, note_first=st.booleans())
def test_a_public_line_keeps_the_law_in_book_marks_and_drops_the_grading_note(problem, law, article, note, note_first):
    inside = f"{note}，违反{law}{article}" if note_first else f"违反{law}{article}，{note}"
    text = public_rule(f"{problem}（{inside}），每处扣1分")
    assert note not in text and "扣1分" not in text
    assert f"（违反《{law}》{article}）" in text and text.startswith(problem)


@settings(max_examples=200, deadline=None)
@given(problem=PHRASES)
def test_a_line_without_notes_or_laws_is_left_as_written(problem):
    assert public_rule(f"{problem}（含附件）") == f"{problem}（含附件）"


TITLE_PARTS = st.lists(st.sampled_from(["关于", "2024年度", "全市", "行政处罚", "案卷", "交叉评查", "（演示）", "（第二批）",
                                        "结果的", "情况的", "通报", "《评分标准》", "工作"]), min_size=3, max_size=12)


@settings(max_examples=300, deadline=None)
@given(parts=TITLE_PARTS)
def test_title_lines_keep_every_character_and_break_only_between_whole_groups(parts):
    title = "".join(parts)
    lines = title_lines(title, 20.09)
    assert "".join(lines) == title
    for line in lines[:-1]:
        assert text_width(line) <= 20.09
        assert line.count("（") == line.count("）") and line.count("《") == line.count("》")
    if text_width(title) <= 20.09:
        assert lines == [title]
