"""The 评查表 template (templates/sheet.docx): a form, one per file, not a 公文.

The file's facts, then one section per evaluator's sheet (and the 复核 sheet) listing every
category and item with its points, deductions, 不适用 marks and vetoes, then the signature lines.
"""

from __future__ import annotations

from docx import Document
from docx.enum.text import WD_UNDERLINE
from docx.shared import Pt

from pingcha.reports import docx_kit as kit

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"

FORM_TITLE = "评查表标题"
FORM_SUBTITLE = "评查表副标题"
SECTION = "评查表小节"
LABEL = "表格项目"
CELL = "表格内容"
CELL_LEFT = "表格内容左对齐"
FORM_HEADER = "评查表页眉"
FORM_FOOTER = "评查表页脚"


def define_styles(doc) -> None:
    style = kit.paragraph_style
    style(doc, "Normal", font=FANGSONG, size=12, base=None, line_exact=22)
    style(doc, FORM_TITLE, font=XIAOBIAOSONG, size=20, align="center", line_exact=32, after=6)
    style(doc, FORM_SUBTITLE, font=FANGSONG, size=12, align="center", line_exact=22, after=6)
    style(doc, SECTION, font=HEITI, size=14, line_exact=26, before=10, after=4, keep_with_next=True)
    style(doc, LABEL, font=HEITI, size=10.5, align="center", line_exact=16)
    style(doc, CELL, font=FANGSONG, size=10.5, align="center", line_exact=16)
    style(doc, CELL_LEFT, font=FANGSONG, size=10.5, align="left", line_exact=16)
    style(doc, FORM_HEADER, font=SONGTI, size=9, align="right")
    style(doc, FORM_FOOTER, font=SONGTI, size=10.5, align="center")


def build_sheet():
    doc = Document()
    section = doc.sections[0]
    kit.a4_section(section, top=25, bottom=22, left=25, right=20, footer=12, header=12)
    kit.set_defaults(doc, FANGSONG, 12)
    kit.drop_thumbnail(doc)
    kit.neutral_metadata(doc, "pingcha")
    define_styles(doc)
    kit.template_properties(doc, "行政处罚案卷评查表（{{ case_no }}）")
    header = section.header.paragraphs[0]
    header.style = doc.styles[FORM_HEADER]
    kit.add_text(header, "{{ activity }}　{{ case_no }}")
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles[FORM_FOOTER]
    footer.add_run("第 ")
    kit.page_field(footer)
    footer.add_run(" 页　共 ")
    kit.page_field(footer, "NUMPAGES")
    footer.add_run(" 页")

    P = kit.add_paragraph
    P(doc, "行政处罚案卷评查表", FORM_TITLE)
    P(doc, "{{ activity }}", FORM_SUBTITLE)
    facts_table(doc)
    P(doc, "", FORM_SUBTITLE).paragraph_format.space_after = Pt(0)
    result = kit.table(doc, [24, 31, 24, 31, 24, 31], rows=1)
    kit.fill_row(result.rows[0], ["评查状态", "{{ status }}", "最终得分", "{{ score }}", "等次", "{{ grade }}"], CELL)
    for index in (0, 2, 4):
        result.rows[0].cells[index].paragraphs[0].style = LABEL
    P(doc, "{%p if reasons %}")
    P(doc, "需复核原因：{{ reasons }}")
    P(doc, "{%p endif %}")
    P(doc, "{%p if reviewer %}")
    P(doc, "本案卷经复核，以复核结果为最终结果（复核人：{{ reviewer }}）。")
    P(doc, "{%p endif %}")

    P(doc, "{%p for s in sheets %}")
    P(doc, "{{ s.heading }}", SECTION)
    P(doc, "状态：{{ s.status }}　得分：{{ s.score }}　等次：{{ s.grade }}{% if s.rescaled %}"
           "（适用项目分值{{ s.applicable }}分，实得{{ s.raw }}分，按满分{{ total }}分折算）{% endif %}")
    P(doc, "否决项：{{ s.vetoes }}")
    items_table(doc)
    P(doc, "评查意见：{{ s.comment }}")
    P(doc, "{%p endfor %}")
    P(doc, "{%p if not sheets %}")
    P(doc, "本案卷尚未开始评分。")
    P(doc, "{%p endif %}")
    precheck_section(doc)

    P(doc, "签名", SECTION)
    P(doc, "{%p for e in signers %}")
    P(doc, "{{ e.role }}：{{ e.name }}{% if e.unit %}（{{ e.unit }}）{% endif %}").paragraph_format.space_before = Pt(12)
    line = P(doc, "签名：")
    line.paragraph_format.first_line_indent = Pt(24)
    blank = line.add_run("\u3000" * 8)
    blank.font.underline = WD_UNDERLINE.SINGLE
    line.add_run("　　日期：　　　　年　　月　　日")
    P(doc, "{%p endfor %}")
    return doc


def precheck_section(doc) -> None:
    """系统预检提示: the machine's findings from the register and what each evaluator decided."""
    P = kit.add_paragraph
    P(doc, "{%p if prechecks %}")
    P(doc, "系统预检提示", SECTION)
    P(doc, "以下提示由系统根据案卷目录自动生成，仅供评查人员核实，采纳的才计入扣分。")
    P(doc, "{%p for p in prechecks %}")
    P(doc, "{{ p.code }}（建议{{ p.suggests }}）{{ p.text }}：{{ p.detail }}。处理情况：{{ p.decisions }}。")
    P(doc, "{%p endfor %}")
    P(doc, "{%p endif %}")


def facts_table(doc) -> None:
    rows = [
        ("案号", "{{ case_no }}", "执法部门", "{{ agency }}"),
        ("案由", "{{ cause }}", None, None),
        ("当事人", "{{ party }}", "当事人类型", "{{ party_type }}"),
        ("程序类型", "{{ procedure }}", "处罚决定", "{{ decision }}"),
        ("立案日期", "{{ filed_on }}", "决定日期", "{{ decided_on }}"),
        ("送达日期", "{{ served_on }}", "结案日期", "{{ closed_on }}"),
        ("执法人员", "{{ officers }}", None, None),
        ("评分标准", "{{ rubric_title }}（{{ rubric_key }}）", None, None),
    ]
    table = kit.table(doc, [24, 58, 24, 59], rows=len(rows))
    for row, (label, value, label2, value2) in zip(table.rows, rows):
        if label2 is None:
            merged = row.cells[1].merge(row.cells[3])
            kit.fill_row(row, [label], LABEL)
            merged.paragraphs[0].style = CELL_LEFT
            kit.add_text(merged.paragraphs[0], value)
        else:
            kit.fill_row(row, [label, value, label2, value2], CELL_LEFT)
            row.cells[0].paragraphs[0].style = LABEL
            row.cells[2].paragraphs[0].style = LABEL
        kit.cell_vcenter(row)


def items_table(doc) -> None:
    """Every category and item: a category row (shaded) or an item row per entry of ``s.rows``."""
    widths = [12, 40, 12, 12, 14, 75]
    table = kit.table(doc, widths, rows=9)
    header, opening, branch, category, otherwise, item, end_branch, closing, total = table.rows
    kit.fill_row(header, ["编号", "评查项目", "分值", "扣分", "得分", "扣分情形及说明"], LABEL)
    kit.repeat_header(header)
    kit.tag_row(opening, "{%tr for r in s.rows %}", CELL)
    kit.tag_row(branch, "{%tr if r.category %}", CELL)
    scores = ["{{ r.points }}", "{{ r.deducted }}", "{{ r.obtained }}"]
    kit.fill_row(category, ["{{ r.code }}", "{{ r.title }}", *scores, ""], LABEL)
    category.cells[1].paragraphs[0].style = doc.styles[LABEL]
    kit.shade_row(category, "E7E6E6")
    kit.tag_row(otherwise, "{%tr else %}", CELL)
    kit.fill_row(item, ["{{ r.code }}", "{{ r.title }}", *scores, "{{ r.findings }}"], CELL)
    item.cells[1].paragraphs[0].style = doc.styles[CELL_LEFT]
    item.cells[5].paragraphs[0].style = doc.styles[CELL_LEFT]
    kit.tag_row(end_branch, "{%tr endif %}", CELL)
    kit.tag_row(closing, "{%tr endfor %}", CELL)
    totals = ["{{ s.applicable }}", "{{ s.deducted }}", "{{ s.raw }}", "{{ s.total_note }}"]
    kit.fill_row(total, ["合计", "", *totals], LABEL)
    total.cells[5].paragraphs[0].style = doc.styles[CELL_LEFT]
    for row in (header, category, item, total):
        kit.cant_split(row)
        kit.cell_vcenter(row)
