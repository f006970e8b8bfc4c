"""Long lists (附件 tables of thousands of rows) written straight into the rendered document.

docxtpl renders a ``{%tr for %}`` row loop by re-walking the document tree for every row, which
costs time growing with the square of the rows (a 50,000-row annex would take hours). The
template therefore holds only a marker paragraph — ``【附表：KEY】`` — where a list goes, and the
table is built here as one piece of XML, in time proportional to its rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from xml.sax.saxutils import escape

from docx.document import Document as DocumentObject

from pingcha.reports.engine import clean_text

# The marker as it stands in the XML: its text may be spread over runs (the tag that wrote the key is one).
_MARKER_TEXT = re.compile(r"【附表：(?:<[^>]*>)*(\w+)(?:<[^>]*>)*】")
_TWIPS_PER_MM = 56.7


def _cell_opening(width: int, style_id: str) -> str:
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>')


def _cell_text(value: object) -> str:
    text = clean_text(value if isinstance(value, str) else str(value))
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>' if text else "</w:p></w:tc>"


def table_xml(columns: Sequence[tuple[str, float]], rows: Iterable[Sequence[object]], *, text_style: str,
              head_style: str) -> str:
    """A bordered, centred, fixed-layout table as XML text (the ``w`` prefix declared by the
    document); the header row repeats on every page, rows never split across pages."""
    return "".join(table_chunks(columns, rows, text_style=text_style, head_style=head_style))


def table_chunks(columns: Sequence[tuple[str, float]], rows: Iterable[Sequence[object]], *, text_style: str,
                 head_style: str, rows_per_chunk: int = 500, cells: CellTexts | None = None) -> Iterator[str]:
    """``table_xml`` in pieces of a few hundred rows, so a 50,000-row table is never one string (``cells``: the
    cell texts made so far, for tables of one document that list the same values)."""
    widths = [round(width * _TWIPS_PER_MM) for _, width in columns]
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    parts = [
        f"<w:tbl><w:tblPr><w:tblW w:w=\"{sum(widths)}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>"
        f"<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="0"/></w:tblPr><w:tblGrid>',
        "".join(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
        '<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>',
        "".join(_cell_opening(w, head_style) + _cell_text(title) for (title, _), w in zip(columns, widths)),
        "</w:tr>",
    ]
    yield "".join(parts)
    if rows_per_chunk < 1:
        raise ValueError(f"rows_per_chunk must be at least 1, not {rows_per_chunk}")
    # One format for a whole row, its cells' text put in by position.
    row_format = ('<w:tr><w:trPr><w:cantSplit/></w:trPr>'
                  + "".join(_cell_opening(w, text_style).replace("%", "%%") + "%s" for w in widths) + "</w:tr>")
    cells = CellTexts() if cells is None else cells
    texts = cells.__getitem__
    rows = iter(rows)
    for chunk in iter(lambda: list(islice(rows, rows_per_chunk)), []):
        yield "".join([row_format % tuple(map(texts, row)) if len(row) == len(widths)
                       else _uneven_row(row, widths, text_style, cells) for row in chunk])
    yield "</w:tbl>"


class CellTexts(dict):
    """A cell's XML after its opening, by the cell's value: a text is cleaned and escaped the first time it is seen
    (agencies, causes, scores and grades repeat from row to row, 案号 from table to table); other values are
    written each time, so that 1, 1.0 and True, equal as keys, still read as written."""

    def __missing__(self, value: object) -> str:
        if type(value) is str:
            text = self[value] = _cell_text(value)
            return text
        if type(value) is int:  # a row number: nothing to clean or escape
            return f'<w:r><w:t xml:space="preserve">{value}</w:t></w:r></w:p></w:tc>'
        return _cell_text(value)


def _uneven_row(row: Sequence[object], widths: Sequence[int], text_style: str, cells: CellTexts) -> str:
    """A row with fewer (or more) values than the table has columns: as many cells as both have."""
    return ('<w:tr><w:trPr><w:cantSplit/></w:trPr>'
            + "".join(_cell_opening(w, text_style) + cells[value] for w, value in zip(widths, row)) + "</w:tr>")


def _paragraph_around(xml: str, position: int) -> tuple[int, int]:
    """Start and end of the w:p element holding ``position`` (paragraphs of the body do not nest)."""
    starts = [xml.rfind(opening, 0, position) for opening in ("<w:p>", "<w:p ")]
    start = max(starts)
    end = xml.find("</w:p>", position) + len("</w:p>")
    return start, end


def fill_markers(document_xml: str, document: DocumentObject,
                 tables: dict[str, tuple[Sequence[tuple[str, float]], Iterable]], *, text_style: str,
                 head_style: str) -> Iterator[str]:
    """``word/document.xml``, in pieces, with each ``【附表：KEY】`` paragraph replaced by the table
    ``tables[KEY]``.

    Done on the serialised text, not the element tree: moving a large subtree into the document's
    tree costs lxml time growing with the square of its size; and in pieces, so the memory used
    stays well below the size of the finished XML.
    """
    text_id = document.styles[text_style].style_id
    head_id = document.styles[head_style].style_id
    position = 0
    cells = CellTexts()
    for match in _MARKER_TEXT.finditer(document_xml):
        key = match.group(1)
        if key not in tables:
            continue
        start, end = _paragraph_around(document_xml, match.start())
        if start < position or end < len("</w:p>"):
            continue
        columns, rows = tables[key]
        yield document_xml[position:start]
        yield from table_chunks(columns, rows, text_style=text_id, head_style=head_id, cells=cells)
        position = end
    yield document_xml[position:]
