"""The command line's tables line up whatever the text: widths as the terminal (rich) counts them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from pingcha.cli.output import cell_widths, table
from pingcha.text import printable

# CJK, full-width forms, combining marks, zero-width and emoji beside ASCII: what registers and names hold.
TEXT = st.text(st.sampled_from("a1 -〔〕号罚第执法局ａ１\u0301\u200b\u3000😀é"), max_size=12)


@given(st.sets(TEXT, max_size=20))
def test_each_text_is_as_wide_as_rich_measures_it(texts):
    assert cell_widths(texts) == {text: cell_len(text) for text in texts}


@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=8))
def test_each_column_starts_where_the_widest_text_above_or_below_ends(rows):
    rows = [(printable(left), printable(right)) for left, right in rows]  # what a table prints of each value
    lines = table(["案号", "执法部门"], [list(row) for row in rows]).split("\n")
    first = max(cell_len(text) for text in ["案号", *(row[0] for row in rows)])
    assert lines[1].startswith("─" * first + "  ")
    for line, (left, right) in zip(lines[2:], rows):
        assert line == (left + " " * (first - cell_len(left)) + "  " + right).rstrip()
