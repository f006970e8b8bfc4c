"""The page and styles of an official document per GB/T 9704-2012 (党政机关公文格式).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (type area 156 × 225 mm);
body 3号 (16 pt) 仿宋_GB2312 at a fixed 28.9 pt so 22 lines fill the type area; title 2号
方正小标宋简体; 一、 headings 黑体, （一） headings 楷体_GB2312; page numbers "— N —" in 4号 宋体,
odd pages right and even pages left, one character in from the edge.
Everything is a named style, so a clerk adjusts the look in Word or WPS by modifying a style.
"""

from __future__ import annotations

import copy
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
    kit.neutral_metadata(doc, "pingcha")
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


def align_signature(document: DocumentObject, *, sealed: bool = True) -> None:
    """Lay out each 发文机关署名 + 成文日期 pair of the body.

    Sealed (GB/T 9704 7.3.5.1, the default): the date 右空四字; the issuer centred above it, on the
    date's centre; two blank lines above the issuer, so the seal's top stays within one line of the
    body while the issuer and the date sit just below the seal's centre.

    Unsealed (7.3.5.2): the issuer 右空二字 and the date's first character two characters right of
    the issuer's. The date is placed by a left indent from the issuer's width (Chinese characters,
    whose width is known) rather than from the date's own width, which depends on the digits of
    whatever font is installed. A date too long for that goes 右空二字 and the issuer moves left.
    """
    signature = document.styles[SIGNATURE].style_id
    signature_date = document.styles[SIGNATURE_DATE].style_id
    section = document.sections[0]
    area = (section.page_width - section.left_margin - section.right_margin) / 12700  # EMU → pt
    pitch = BODY_PT + CONDENSE_PT
    # The signature block is never inside a table, so only the body's own paragraphs are looked at.
    paragraphs = [Paragraph(p, document._body) for p in document.element.body.iterchildren(qn("w:p"))]
    for current, following in zip(paragraphs, paragraphs[1:]):
        if _style_id(current) != signature or _style_id(following) != signature_date:
            continue
        issuer, day = text_width(current.text.strip()), text_width(following.text.strip())
        if sealed:
            following.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            kit.set_indent_chars(following._p.get_or_add_pPr(), BODY_PT, right=4)
            current.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            kit.set_indent_chars(current._p.get_or_add_pPr(), BODY_PT, right=max(0.0, 4 + (day - issuer) / 2))
            current.paragraph_format.space_before = Pt(2 * LINE_PT)
            continue
        date_left = area - 2 * pitch - issuer * pitch + 2 * pitch
        if date_left + day * pitch <= area - 2 * pitch:
            following.alignment = WD_ALIGN_PARAGRAPH.LEFT
            kit.set_indent_chars(following._p.get_or_add_pPr(), BODY_PT, left=date_left / BODY_PT)
        else:
            kit.set_indent_chars(current._p.get_or_add_pPr(), BODY_PT, right=2 + day + 2 - issuer)


def align_attachment_note(document: DocumentObject) -> None:
    """附件说明 of several annexes (GB/T 9704 7.3.4): "附件：1．…" 左空二字, and each further line
    "2．…" under the first annex's number, with no space between the lines."""
    note = document.styles[ATTACHMENT_NOTE].style_id
    paragraphs = [Paragraph(p, document._body) for p in document.element.body.iterchildren(qn("w:p"))]
    for previous, current in zip(paragraphs, paragraphs[1:]):
        if _style_id(previous) == note and _style_id(current) == note:
            kit.set_indent_chars(current._p.get_or_add_pPr(), BODY_PT, left=2 + text_width("附件："))
            current.paragraph_format.space_before = Pt(0)


# Where a title may not break: inside brackets and quotes, inside a number or a Latin word, before
# closing punctuation or after opening punctuation. "|" or "｜" typed in a title forces a break.
_OPENING = "（(《“‘〔[【"
_CLOSING = "）)》”’〕]】，,。、；;：:！？"
_PAIRS = {"（": "）", "(": ")", "《": "》", "“": "”", "‘": "’", "〔": "〕", "[": "]", "【": "】"}
_GOOD_AFTER = "的于度和与及、"
# Words of a 通报's title that a line must not cut (no dictionary is at hand; these are the usual ones).
_WORDS = ("行政", "处罚", "执法", "案卷", "评查", "通报", "情况", "结果", "工作", "整改", "要求", "集中", "交叉", "专项",
          "年度", "全市", "全区", "全县", "司法", "关于", "检查", "考核", "开展", "规范", "质量", "部门", "单位", "通知")
MANUAL_BREAK = ("|", "｜")


def _break_points(text: str) -> list[tuple[int, int]]:
    """(position, preference) where a line may end before ``text[position]``."""
    points, depth, closers = [], 0, []
    inside_word = set()
    for word in _WORDS:
        start = text.find(word)
        while start >= 0:
            inside_word.update(range(start + 1, start + len(word)))
            start = text.find(word, start + 1)
    for position, char in enumerate(text):
        if position and depth == 0 and position not in inside_word:
            before = text[position - 1]
            whole_word = not (before.isascii() and before.isalnum() and char.isascii() and char.isalnum())
            if whole_word and char not in _CLOSING and before not in _OPENING:
                points.append((position, 1 if before in _GOOD_AFTER else 0))
        if char in _PAIRS:
            closers.append(_PAIRS[char])
            depth += 1
        elif closers and char == closers[-1]:
            closers.pop()
            depth -= 1
    return points


def title_lines(text: str, per_line: float) -> list[str]:
    """A title cut into lines of balanced width that keep words and bracketed groups whole."""
    for mark in MANUAL_BREAK:
        if mark in text:
            return [part.strip() for part in text.replace("｜", "|").split("|") if part.strip()]
    width = text_width(text)
    if width <= per_line:
        return [text]
    count = int(-(-width // per_line))
    lines, rest = [], text
    while count > 1:
        target = text_width(rest) / count
        fitting = [(p, pref) for p, pref in _break_points(rest) if text_width(rest[:p]) <= per_line]
        if not fitting:
            break
        position = min(fitting, key=lambda pp: abs(text_width(rest[:pp[0]]) - target) - 1.5 * pp[1])[0]
        lines.append(rest[:position])
        rest = rest[position:]
        count -= 1
    return lines + [rest]


def break_titles(document: DocumentObject, styles: tuple[str, ...] = (TITLE, ATTACHMENT_TITLE)) -> None:
    """Put explicit line breaks into each title paragraph (see ``title_lines``)."""
    section = document.sections[0]
    area = (section.page_width - section.left_margin - section.right_margin) / 12700
    ids = {document.styles[name].style_id: name for name in styles if name in [s.name for s in document.styles]}
    for element in document.element.body.iterchildren(qn("w:p")):
        paragraph = Paragraph(element, document._body)
        if _style_id(paragraph) not in ids:
            continue
        style = document.styles[ids[_style_id(paragraph)]]
        size = style.font.size.pt if style.font.size is not None else TITLE_PT
        text = paragraph.text
        lines = title_lines(text, area / size)
        if len(lines) == 1 and lines[0] == text:
            continue
        runs = paragraph.runs
        properties = runs[0]._r.rPr if runs and runs[0]._r.rPr is not None else None
        for run in runs:
            run._r.getparent().remove(run._r)
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            if properties is not None:
                run._r.insert(0, copy.deepcopy(properties))
            if index < len(lines) - 1:
                run.add_break()


def _style_id(paragraph: Paragraph) -> str | None:
    ppr = paragraph._p.pPr
    return ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None


def plain_document(title: str, subject: str):
    """A new document in the 公文 page layout (A4, GB/T 9704 margins, 仿宋 body, page numbers), its title and
    subject set as properties; writing the title on the page is the caller's."""
    from docx import Document

    doc = Document()
    kit.a4_section(doc.sections[0], top=37, bottom=35, left=28, right=26, footer=22, header=15)
    kit.set_defaults(doc, FANGSONG, BODY_PT)
    kit.drop_thumbnail(doc)
    define_styles(doc)
    page_numbers(doc)
    doc.core_properties.title = title
    doc.core_properties.subject = subject
    return doc


def finish_plain_document(doc: DocumentObject, dated: str) -> bytes:
    """A plain_document's last line, its date (落款日期), then the document as .docx bytes."""
    import io

    kit.add_paragraph(doc, dated, SIGNATURE_DATE)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
