"""python-docx helpers for building the templates: fonts on both slots, styles, borders, fields.

python-docx's ``font.name`` writes only the Latin slots (w:ascii, w:hAnsi); Word and WPS take
Chinese glyphs from w:eastAsia, so every font here is set on all slots.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

RED = RGBColor(0xFF, 0x00, 0x00)
# A Jinja2 tag, so each one can be given a run of its own (docxtpl: one tag per run).
_TAG = re.compile(r"({{.*?}}|{%.*?%})")

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def set_fonts(rpr_owner, font: str) -> None:
    """Put ``font`` on every slot of the w:rFonts under ``rpr_owner`` (a style or run element)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), font)


# What follows w:spacing in CT_RPr's sequence (w:color and the toggles come before it).
_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
                  "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout")


def character_spacing(style_element, points: float) -> None:
    """Expand (positive) or condense (negative) the characters of a style by ``points``."""
    rpr = style_element.get_or_add_rPr()
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        anchor = next((rpr.find(qn(t)) for t in _AFTER_SPACING if rpr.find(qn(t)) is not None), None)
        if anchor is not None:
            anchor.addprevious(spacing)
        else:
            rpr.append(spacing)
    spacing.set(qn("w:val"), str(round(points * 20)))


def drop_thumbnail(doc: DocumentObject) -> None:
    """python-docx's own template carries a preview picture of itself; a file browser would show it."""
    package_rels = doc.part.package.rels
    for key, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package_rels[key]


def template_properties(doc: DocumentObject, title: str) -> None:
    """Document properties of a template: filled from the activity when rendered, nobody's name left in them."""
    properties = doc.core_properties
    properties.author = "{{ issuer }}"
    properties.title = title
    properties.subject = "{{ activity }}"
    properties.keywords = "行政处罚案卷评查"
    properties.comments = ""
    properties.last_modified_by = ""


def set_defaults(doc: DocumentObject, font: str, size: float) -> None:
    """Document-wide default font, replacing the theme fonts of python-docx's own template."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), font)
    for tag in ("w:sz", "w:szCs"):
        element = rpr.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            rpr.append(element)
        element.set(qn("w:val"), str(round(size * 2)))
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def paragraph_style(
    doc: DocumentObject,
    name: str,
    *,
    font: str,
    size: float,
    base: str | None = "Normal",
    bold: bool = False,
    color: RGBColor | None = None,
    align: str = "justify",
    first_line_chars: int = 0,
    left_chars: int = 0,
    right_chars: int = 0,
    line_exact: float | None = None,
    before: float = 0,
    after: float = 0,
    keep_with_next: bool = False,
):
    """A paragraph style; ``*_chars`` are in characters of this style's size (Word's 字符 unit)."""
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base is not None and name != base:
        style.base_style = styles[base]
    style.quick_style = True
    set_fonts(style.element, font)
    style.font.size = Pt(size)
    style.font.bold = bold
    if color is not None:
        style.font.color.rgb = color
    pf = style.paragraph_format
    pf.alignment = ALIGN[align]
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.keep_with_next = keep_with_next
    pf.widow_control = False
    if line_exact is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line_exact)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    set_indent_chars(style.element.get_or_add_pPr(), size, first_line_chars, left_chars, right_chars)
    return style


def set_indent_chars(ppr, size: float, first_line: float = 0, left: float = 0, right: float = 0) -> None:
    """Indents in characters (w:*Chars) with the twips equivalent for readers that ignore them."""
    ind = ppr.get_or_add_ind()
    for name in list(ind.attrib):
        del ind.attrib[name]
    twips_per_char = size * 20
    for key, chars in (("firstLine", first_line), ("left", left), ("right", right)):
        ind.set(qn(f"w:{key}Chars"), str(round(chars * 100)))
        ind.set(qn(f"w:{key}"), str(round(chars * twips_per_char)))


def add_paragraph(doc_or_cell, text: str = "", style: str | None = None) -> Paragraph:
    """A paragraph whose Jinja2 tags each sit in a run of their own."""
    paragraph = doc_or_cell.add_paragraph(style=style)
    add_text(paragraph, text)
    return paragraph


def add_text(paragraph: Paragraph, text: str, *, bold: bool | None = None) -> None:
    for piece in _TAG.split(text):
        if piece:
            run = paragraph.add_run(piece)
            if bold is not None:
                run.bold = bold


def border(paragraph_or_ppr, side: str, *, size_eighths: int, color: str = "000000", space: int = 0) -> None:
    """A paragraph border (``side``: top/bottom); size in eighths of a point, space in points."""
    ppr = paragraph_or_ppr._p.get_or_add_pPr() if isinstance(paragraph_or_ppr, Paragraph) else paragraph_or_ppr
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # pBdr must come before spacing/ind/jc in CT_PPr's sequence.
        followers = ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc")
        anchor = next((ppr.find(qn(t)) for t in followers if ppr.find(qn(t)) is not None), None)
        if anchor is not None:
            anchor.addprevious(borders)
        else:
            ppr.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), str(space))
    line.set(qn("w:color"), color)
    borders.append(line)


def page_field(paragraph: Paragraph, field: str = "PAGE", placeholder: str = "1") -> None:
    """A complex field (begin / instruction / separate / result / end) at the end of ``paragraph``."""
    def fld_char(kind: str):
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    fld_char("begin")
    instruction = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {field} "
    instruction._r.append(text)
    fld_char("separate")
    paragraph.add_run(placeholder)
    fld_char("end")


def a4_section(section, *, top: float, bottom: float, left: float, right: float, footer: float,
               header: float = 15) -> None:
    """A4 portrait with margins and header/footer distances in millimetres."""
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance, section.footer_distance = Mm(header), Mm(footer)


def table(doc_or_cell, widths_mm: Sequence[float], rows: int, *, style: str = "Table Grid") -> Table:
    """A fixed-layout table with exact column widths, centred, narrow cell margins."""
    tbl = doc_or_cell.add_table(rows=rows, cols=len(widths_mm))
    tbl.style = style
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    set_table_property(tbl, layout)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "57")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    set_table_property(tbl, margins)
    for row in tbl.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)
    for column, width in zip(tbl.columns, widths_mm):
        column.width = Mm(width)
    return tbl


def fill_row(row, texts: Sequence[str], style: str) -> None:
    """Write one text per cell (replacing the empty first paragraph python-docx leaves)."""
    for cell, text in zip(row.cells, texts):
        paragraph = cell.paragraphs[0]
        paragraph.style = style
        add_text(paragraph, text)


def tag_row(row, tag: str, style: str) -> None:
    """A row holding only a docxtpl row tag ({%tr …%}): docxtpl drops the row and keeps the tag."""
    fill_row(row, [tag] + [""] * (len(row.cells) - 1), style)


def repeat_header(row) -> None:
    """Repeat this row at the top of every page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


def cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def cell_vcenter(row) -> None:
    for cell in row.cells:
        valign = OxmlElement("w:vAlign")
        valign.set(qn("w:val"), "center")
        set_cell_property(cell, valign)


def table_borders(tbl: Table, **sides: tuple[str, int]) -> None:
    """Replace the table's borders: ``sides`` maps top/bottom/insideH/… to (val, size in eighths)."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        val, size = sides.get(side, ("nil", 0))
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), val)
        if val != "nil":
            edge.set(qn("w:sz"), str(size))
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
        borders.append(edge)
    set_table_property(tbl, borders)


def float_to_page_bottom(tbl: Table, left_margin_mm: float) -> None:
    """Float the table to the bottom of the type area (for the 版记 on the last page).

    Horizontally it is placed against the page at the left margin: LibreOffice keeps a floating
    table as wide as the type area inline unless it is positioned relative to the page.
    """
    position = OxmlElement("w:tblpPr")
    for key, value in (
        ("leftFromText", "0"), ("rightFromText", "0"), ("topFromText", "0"), ("bottomFromText", "0"),
        ("vertAnchor", "margin"), ("horzAnchor", "page"), ("tblpX", str(round(left_margin_mm * 56.7))),
        ("tblpYSpec", "bottom"),
    ):
        position.set(qn(f"w:{key}"), value)
    set_table_property(tbl, position)
    # Word ignores w:jc on a floating table and LibreOffice may not; the position above decides.
    alignment = tbl._tbl.tblPr.find(qn("w:jc"))
    if alignment is not None:
        tbl._tbl.tblPr.remove(alignment)
    overlap = OxmlElement("w:tblOverlap")
    overlap.set(qn("w:val"), "never")
    set_table_property(tbl, overlap)


# CT_TblPr's child order; Word rejects a file whose table properties are out of order.
_TBLPR_ORDER = [
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
    "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
]


def set_table_property(tbl: Table, element) -> None:
    """Put ``element`` into the table's w:tblPr at its schema position, replacing one of its kind."""
    tbl_pr = tbl._tbl.tblPr
    name = element.tag.split("}")[1]
    old = tbl_pr.find(element.tag)
    if old is not None:
        tbl_pr.remove(old)
    rank = _TBLPR_ORDER.index(name)
    for child in tbl_pr:
        child_name = child.tag.split("}")[1]
        if child_name in _TBLPR_ORDER and _TBLPR_ORDER.index(child_name) > rank:
            child.addprevious(element)
            return
    tbl_pr.append(element)


def merge_row(row) -> None:
    """Merge every cell of ``row`` into the first."""
    first, last = row.cells[0], row.cells[-1]
    if first is not last:
        first.merge(last)


# CT_TcPr's child order.
_TCPR_ORDER = [
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar", "textDirection",
    "tcFitText", "vAlign", "hideMark",
]


def set_cell_property(cell, element) -> None:
    """Put ``element`` into the cell's w:tcPr at its schema position, replacing one of its kind."""
    tc_pr = cell._tc.get_or_add_tcPr()
    old = tc_pr.find(element.tag)
    if old is not None:
        tc_pr.remove(old)
    rank = _TCPR_ORDER.index(element.tag.split("}")[1])
    for child in tc_pr:
        name = child.tag.split("}")[1]
        if name in _TCPR_ORDER and _TCPR_ORDER.index(name) > rank:
            child.addprevious(element)
            return
    tc_pr.append(element)


def shade_row(row, fill: str) -> None:
    for cell in row.cells:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), fill)
        set_cell_property(cell, shading)


_APP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
# What a template's app.xml may carry that would be false of a rendered file: the program and
# template that made the template, and its page and word counts.
_APP_STALE = ("Template", "TotalTime", "Pages", "Words", "Characters", "Lines", "Paragraphs",
              "CharactersWithSpaces", "AppVersion", "TitlesOfParts", "HeadingPairs", "Manager", "Company")


def neutral_metadata(doc: DocumentObject, application: str | None = None) -> None:
    """app.xml without stale counts or a foreign template name; the theme's East Asian language Chinese.

    python-docx's own template says "Microsoft Macintosh Word", Normal.dotm and ja-JP.
    """
    from lxml import etree

    for part in doc.part.package.iter_parts():
        if str(part.partname) != "/docProps/app.xml":
            continue
        root = etree.fromstring(part.blob)
        for name in _APP_STALE:
            for element in root.findall(f"{{{_APP_NS}}}{name}"):
                root.remove(element)
        if application is not None:
            for element in root.findall(f"{{{_APP_NS}}}Application"):
                element.text = application
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    settings = doc.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
