"""The page and styles of an official document per GB/T 9704-2012 (党政机关公文格式).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (type area 156 × 225 mm);
body 3号 (16 pt) 仿宋_GB2312 at a fixed 28.9 pt so 22 lines fill the type area; title 2号
方正小标宋简体; 一、 headings 黑体, （一） headings 楷体_GB2312; page numbers "— N —" in 4号 宋体,
odd pages right and even pages left, one character in from the edge.
Everything is a named style, so a clerk adjusts the look in Word or WPS by modifying a style.
"""

from __future__ import annotations

import unicodedata

from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from pingcha.reports import docx_kit as kit

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
LINE_PT = 28.9  # 22 lines in the 225 mm type area
# 28 characters of 16 pt would need 448 pt; the type area is 442 pt wide. Word's 文档网格 squeezes
# them, but LibreOffice reads that grid differently, so the body styles condense by ¼ pt instead.
CONDENSE_PT = -0.25
TABLE_PT = 12  # 小四: tables may use a smaller size than the body
LIST_PT = 10.5  # 五号: the attachment's list of every file, which may run to thousands of rows
NOTE_PT = 14  # 4号: the 版记

# Style names (Chinese, as a clerk sees them in Word's style list).
BODY = "Normal"
TITLE = "公文标题"
HEADING_1 = "一级标题"
HEADING_2 = "二级标题"
HEADING_2_RUN = "二级标题字符"
RECIPIENTS = "主送机关"
ATTACHMENT_NOTE = "附件说明"
CLOSING = "结束语"
SIGNATURE = "发文机关署名"
SIGNATURE_DATE = "成文日期"
ISSUER_MARK = "发文机关标志"
DOC_NUMBER = "发文字号"
ATTACHMENT_LABEL = "附件标识"
ATTACHMENT_TITLE = "附件标题"
TABLE_TEXT = "表格文字"
TABLE_HEAD = "表格表头"
LIST_TEXT = "附表文字"
LIST_HEAD = "附表表头"
TABLE_NOTE = "表注"
COLOPHON = "版记"
PAGE_NUMBER = "页码"


def setup_document(doc: DocumentObject) -> None:
    """Page, grid, styles and odd/even page numbers of a GB/T 9704 document."""
    section = doc.sections[0]
    # The footer distance puts the page-number line about 7 mm below the type area.
    kit.a4_section(section, top=37, bottom=35, left=28, right=26, footer=22, header=15)
    kit.set_defaults(doc, FANGSONG, BODY_PT)
    kit.drop_thumbnail(doc)
    define_styles(doc)
    page_numbers(doc)
    kit.template_properties(doc, "{{ title }}")


def define_styles(doc: DocumentObject) -> None:
    style = kit.paragraph_style
    style(doc, BODY, font=FANGSONG, size=BODY_PT, base=None, first_line_chars=2, line_exact=LINE_PT)
    style(doc, TITLE, font=XIAOBIAOSONG, size=TITLE_PT, align="center", line_exact=LINE_PT + 6,
          before=2 * LINE_PT, after=LINE_PT)
    style(doc, HEADING_1, font=HEITI, size=BODY_PT, first_line_chars=2, line_exact=LINE_PT, keep_with_next=True)
    style(doc, HEADING_2, font=KAITI, size=BODY_PT, first_line_chars=2, line_exact=LINE_PT, keep_with_next=True)
    style(doc, RECIPIENTS, font=FANGSONG, size=BODY_PT, line_exact=LINE_PT)
    style(doc, ATTACHMENT_NOTE, font=FANGSONG, size=BODY_PT, first_line_chars=2, line_exact=LINE_PT, before=LINE_PT,
          keep_with_next=True)
    # Right indents of the signature block are set when rendering, from the issuer's and the date's widths.
    style(doc, SIGNATURE, font=FANGSONG, size=BODY_PT, align="right", right_chars=2, line_exact=LINE_PT,
          before=LINE_PT, keep_with_next=True)
    # The last body paragraph stays on the page of the signature, which must not stand alone.
    style(doc, CLOSING, font=FANGSONG, size=BODY_PT, first_line_chars=2, line_exact=LINE_PT, keep_with_next=True)
    style(doc, SIGNATURE_DATE, font=FANGSONG, size=BODY_PT, align="right", right_chars=2, line_exact=LINE_PT)
    # 发文机关标志: its top 35 mm below the top of the type area, red 小标宋.
    style(doc, ISSUER_MARK, font=XIAOBIAOSONG, size=36, color=kit.RED, align="center", line_exact=48, before=88)
    doc_number = style(doc, DOC_NUMBER, font=FANGSONG, size=BODY_PT, align="center", line_exact=LINE_PT,
                       before=2 * LINE_PT)
    # The red separator 4 mm under the 发文字号, as wide as the type area.
    kit.border(doc_number.element.get_or_add_pPr(), "bottom", size_eighths=12, color="FF0000", space=11)
    label = style(doc, ATTACHMENT_LABEL, font=HEITI, size=BODY_PT, line_exact=LINE_PT)
    label.paragraph_format.page_break_before = True
    style(doc, ATTACHMENT_TITLE, font=XIAOBIAOSONG, size=TITLE_PT, align="center", line_exact=LINE_PT + 6,
          before=LINE_PT, after=LINE_PT / 2)
    style(doc, TABLE_TEXT, font=FANGSONG, size=TABLE_PT, align="center", line_exact=18)
    style(doc, TABLE_HEAD, font=HEITI, size=TABLE_PT, align="center", line_exact=18)
    style(doc, LIST_TEXT, font=FANGSONG, size=LIST_PT, align="center", line_exact=15)
    style(doc, LIST_HEAD, font=HEITI, size=LIST_PT, align="center", line_exact=15)
    style(doc, TABLE_NOTE, font=FANGSONG, size=TABLE_PT, first_line_chars=2, line_exact=22, before=4)
    style(doc, COLOPHON, font=FANGSONG, size=NOTE_PT, align="left", left_chars=1, right_chars=1, line_exact=LINE_PT)
    style(doc, PAGE_NUMBER, font=SONGTI, size=PAGE_NUMBER_PT, align="right", right_chars=1)
    for name in (BODY, HEADING_1, HEADING_2, RECIPIENTS, ATTACHMENT_NOTE, CLOSING, SIGNATURE, SIGNATURE_DATE,
                 DOC_NUMBER, ATTACHMENT_LABEL):
        kit.character_spacing(doc.styles[name].element, CONDENSE_PT)
    run_style = doc.styles.add_style(HEADING_2_RUN, WD_STYLE_TYPE.CHARACTER)
    kit.set_fonts(run_style.element, KAITI)
    run_style.quick_style = True


def page_numbers(doc: DocumentObject) -> None:
    """"— N —" with a PAGE field: odd pages at the right, even pages at the left."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, outer in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = doc.styles[PAGE_NUMBER]
        if outer == "left":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            kit.set_indent_chars(paragraph._p.get_or_add_pPr(), PAGE_NUMBER_PT, left=1)
        paragraph.add_run("— ")
        kit.page_field(paragraph)
        paragraph.add_run(" —")
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False


def signature_block(doc: DocumentObject) -> None:
    kit.add_paragraph(doc, "{{ issuer }}", SIGNATURE)
    kit.add_paragraph(doc, "{{ issue_date }}", SIGNATURE_DATE)


def heading_2_lead(paragraph, lead: str, rest: str) -> None:
    """A body paragraph opening with a （一） lead sentence in 楷体 (the usual 公文 pattern)."""
    run = paragraph.add_run(lead)
    run.style = HEADING_2_RUN
    kit.add_text(paragraph, rest)


def data_table(doc: DocumentObject, columns: list[tuple[str, float, str]], loop: str, *,
               text: str = TABLE_TEXT, head: str = TABLE_HEAD):
    """A table with a header row repeated on each page and one docxtpl row loop.

    ``columns`` are (heading, width in mm, cell text with tags).
    """
    widths = [width for _, width, _ in columns]
    table = kit.table(doc, widths, rows=4)
    header, opening, body, closing = table.rows
    kit.fill_row(header, [title for title, _, _ in columns], head)
    kit.tag_row(opening, f"{{%tr for {loop} %}}", text)
    kit.fill_row(body, [cell for _, _, cell in columns], text)
    kit.tag_row(closing, "{%tr endfor %}", text)
    for row in (header, body):
        kit.cant_split(row)
        kit.cell_vcenter(row)
    kit.repeat_header(header)
    return table


def spacer(doc: DocumentObject, points: float) -> None:
    """An empty paragraph of a fixed height (keeps two tables from fusing into one)."""
    paragraph = doc.add_paragraph(style=TABLE_NOTE)
    paragraph.paragraph_format.line_spacing = Pt(points)


def text_width(text: str) -> float:
    """Width in characters of the body size: Chinese and full-width forms 1, the rest ½."""
    return sum(1 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def align_signature(document: DocumentObject) -> None:
    """GB/T 9704 7.3.5.2 (no seal): the issuer 右空二字 and the date's first character two
    characters right of the issuer's. The date is placed by a left indent from the issuer's width
    (Chinese characters, whose width is known) rather than from the date's own width, which
    depends on the digits of whatever font is installed. A date too long for that goes 右空二字
    and the issuer moves left instead.
    """
    signature = document.styles[SIGNATURE].style_id
    signature_date = document.styles[SIGNATURE_DATE].style_id
    section = document.sections[-1]
    area = (section.page_width - section.left_margin - section.right_margin) / 12700  # EMU → pt
    pitch = BODY_PT + CONDENSE_PT
    # The signature block is never inside a table, so only the body's own paragraphs are looked at.
    paragraphs = [Paragraph(p, document._body) for p in document.element.body.iterchildren(qn("w:p"))]
    for current, following in zip(paragraphs, paragraphs[1:]):
        if _style_id(current) != signature or _style_id(following) != signature_date:
            continue
        issuer, day = text_width(current.text.strip()), text_width(following.text.strip())
        date_left = area - 2 * pitch - issuer * pitch + 2 * pitch
        if date_left + day * pitch <= area - 2 * pitch:
            following.alignment = WD_ALIGN_PARAGRAPH.LEFT
            kit.set_indent_chars(following._p.get_or_add_pPr(), BODY_PT, left=date_left / BODY_PT)
        else:
            kit.set_indent_chars(current._p.get_or_add_pPr(), BODY_PT, right=2 + day + 2 - issuer)


def _style_id(paragraph: Paragraph) -> str | None:
    ppr = paragraph._p.pPr
    return ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
