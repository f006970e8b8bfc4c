"""Build the shipped templates (templates/*.docx) with python-docx, so their layout is exact.

Run ``python -m pingcha.reports.build_templates [DIR]`` after changing this file and commit the
.docx files it writes. Clerks then edit copies of those files in Word or WPS; nothing here runs
when a report is rendered. Tags follow docxtpl's rules: one tag per run, ``{%tr %}`` on a row of
its own for row loops, ``{%p %}`` on a paragraph of its own for paragraph-level blocks.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.shared import Pt

from pingcha.paths import templates_dir
from pingcha.reports import docx_kit as kit
from pingcha.reports import gb_layout as gb
from pingcha.reports.sheet_layout import build_sheet

P = kit.add_paragraph


def build_bulletin() -> Document:
    """通报: 红头, 发文字号, title, 主送, body in four parts, 附件 table, 版记."""
    doc = Document()
    gb.setup_document(doc)
    P(doc, "{{ issuer_mark }}", gb.ISSUER_MARK)
    P(doc, "{{ doc_number }}", gb.DOC_NUMBER)
    P(doc, "{{ title }}", gb.TITLE)
    P(doc, "{{ recipients }}：", gb.RECIPIENTS)
    P(doc, "为进一步规范行政执法行为，提高行政处罚案卷质量，{{ period }}，我局组织开展了{{ activity }}。现将有关情况通报如下。")

    P(doc, "一、基本情况", gb.HEADING_1)
    P(doc, "本次评查采取{{ method }}的方式进行。{% if register_size %}在{{ register_agencies }}个执法部门报送的"
           "{{ register_size }}件{{ scope }}中，{% endif %}随机抽取了{{ agency_count }}个执法部门的{{ file_count }}件案卷进行评查。{{ draw_text }}")
    P(doc, "评查工作由{{ evaluator_count }}名评查人员承担，评查人员分别来自{{ evaluator_units }}。每件案卷由{{ per_file }}名"
           "评查人员依据《{{ rubric_title }}》独立评分，评查人员不评查本单位的案卷；评分分歧较大的案卷经复核后确定结果。")
    P(doc, "{% if unfinished %}截至{{ issue_date }}，已完成评查{{ final_count }}件，另有{{ unfinished }}，其结果不计入本次通报的统计，"
           "待评查完成后另行通报。{% else %}截至{{ issue_date }}，抽取的{{ file_count }}件案卷已全部完成评查。{% endif %}")

    P(doc, "二、评查结果", gb.HEADING_1)
    P(doc, "（一）总体情况", gb.HEADING_2)
    P(doc, "{% if final_count %}在已完成评查的{{ final_count }}件案卷中，{% for g in grades %}{{ g.name }}{{ g.n }}件，"
           "占{{ g.share }}%{% if not loop.last %}；{% endif %}{% endfor %}。平均得分{{ mean_score }}分。"
           "{% else %}本次抽取的案卷均未完成评查，暂无评查结果。{% endif %}")
    file_columns = [
        ("序号", 12, "{{ f.n }}"), ("执法部门", 32, "{{ f.agency }}"), ("案号", 58, "{{ f.case_no }}"),
        ("案由", 40, "{{ f.cause }}"), ("得分", 14, "{{ f.score }}"),
    ]
    for number, files, grade, verdict in (("二", "best_files", "best_grade", "予以通报表扬"),
                                          ("三", "worst_files", "worst_grade", "予以通报批评")):
        P(doc, f"（{number}）{{{{ {grade} }}}}案卷", gb.HEADING_2)
        P(doc, f"{{%p if {files} %}}")
        P(doc, f"评为{{{{ {grade} }}}}的案卷共{{{{ {files}|length }}}}件，{verdict}：")
        gb.data_table(doc, file_columns, f"f in {files}")
        P(doc, "{%p else %}")
        P(doc, f"本次评查未发现{{{{ {grade} }}}}案卷。")
        P(doc, "{%p endif %}")
    P(doc, "（四）各执法部门评查情况", gb.HEADING_2)
    P(doc, "按各执法部门已完成评查案卷的平均得分排名如下：")
    gb.data_table(doc, [
        ("排名", 14, "{{ a.rank }}"), ("执法部门", 50, "{{ a.agency }}"), ("抽查案卷数", 24, "{{ a.files }}"),
        ("已完成评查", 24, "{{ a.final }}"), ("平均分", 22, "{{ a.mean }}"), ("等次", 22, "{{ a.grade }}"),
    ], "a in agencies")
    P(doc, "{%p if partial_agencies %}")
    P(doc, "注：{{ partial_agencies }}尚有案卷未完成评查，平均分按已完成评查的案卷计算"
           "{% if unranked_agencies %}；{{ unranked_agencies }}暂无已完成评查的案卷，暂不排名{% endif %}。", gb.TABLE_NOTE)
    P(doc, "{%p endif %}")

    P(doc, "三、存在的主要问题", gb.HEADING_1)
    P(doc, "{% if problem_groups %}评查发现的主要问题如下：{% else %}本次评查未发现扣分问题和否决情形。{% endif %}")
    P(doc, "{%p for g in problem_groups %}")
    P(doc, "（{{ g.number }}）{{ g.heading }}", gb.HEADING_2)
    P(doc, "{%p for p in g.problems %}")
    P(doc, "{{ p.number }}．{{ p.text }}，{{ p.files }}件案卷存在此问题{% if p.examples %}，如{{ p.examples }}{% endif %}。")
    P(doc, "{%p endfor %}")
    P(doc, "{%p endfor %}")

    P(doc, "四、整改要求", gb.HEADING_1)
    gb.heading_2_lead(doc.add_paragraph(), "（一）认真抓好整改。",
                      "各执法部门要对照本通报指出的问题，认真开展自查自纠，举一反三，逐项整改，切实提高行政处罚案卷质量。")
    gb.heading_2_lead(doc.add_paragraph(), "（二）按时报送整改情况。",
                      "{% if worst_files %}案卷被评为{{ worst_grade }}的执法部门要逐案分析原因，明确整改措施和责任人。{% endif %}"
                      "各执法部门须于{{ deadline }}前将整改情况书面报送{{ report_to }}。")
    gb.heading_2_lead(doc.add_paragraph(style=gb.CLOSING), "（三）加强执法能力建设。",
                      "各执法部门要加强执法人员业务培训，严格落实行政执法公示、执法全过程记录、重大执法决定法制审核制度，"
                      "不断提高行政执法规范化水平。")
    P(doc, "{%p if contact %}")
    P(doc, "联系人：{{ contact }}{% if phone %}，联系电话：{{ phone }}{% endif %}。", gb.CLOSING)
    P(doc, "{%p endif %}")

    P(doc, "附件：{{ attachment_title }}", gb.ATTACHMENT_NOTE)
    gb.signature_block(doc)

    P(doc, "附件", gb.ATTACHMENT_LABEL)
    P(doc, "{{ attachment_title }}", gb.ATTACHMENT_TITLE)
    gb.data_table(doc, [
        ("序号", 11, "{{ r.n }}"), ("执法部门", 37, "{{ r.agency }}"), ("案号", 52, "{{ r.case_no }}"),
        ("案由", 29, "{{ r.cause }}"), ("得分", 13, "{{ r.score }}"), ("等次", 14, "{{ r.grade }}"),
    ], "r in attachment", text=gb.LIST_TEXT, head=gb.LIST_HEAD)
    gb.spacer(doc, 6)
    colophon(doc)
    return doc


def colophon(doc) -> None:
    """版记: 抄送 and 印发机关/印发日期 between a thick, a thin and a thick rule, at the page bottom."""
    table = kit.table(doc, [78, 78], rows=4)
    cc_open, cc_row, cc_close, printed = table.rows
    kit.tag_row(cc_open, "{%tr if cc %}", gb.COLOPHON)
    kit.merge_row(cc_row)
    kit.add_text(cc_row.cells[0].paragraphs[0], "抄送：{{ cc }}")
    cc_row.cells[0].paragraphs[0].style = gb.COLOPHON
    kit.tag_row(cc_close, "{%tr endif %}", gb.COLOPHON)
    kit.fill_row(printed, ["{{ printer }}", "{{ print_date }}印发"], gb.COLOPHON)
    printed.cells[1].paragraphs[0].alignment = kit.ALIGN["right"]
    # 0.35 mm rules (about 1 pt) outside, a 0.25 mm rule (about 0.75 pt) between the two lines.
    kit.table_borders(table, top=("single", 8), bottom=("single", 8), insideH=("single", 6))
    kit.float_to_page_bottom(table, doc.sections[0].left_margin.mm)
    # A floating table needs a paragraph after it to anchor to.
    doc.add_paragraph(style=gb.TABLE_NOTE).paragraph_format.line_spacing = Pt(1)


def build_notice() -> Document:
    """整改通知书: one agency's files, each with its problems, and the deadline."""
    doc = Document()
    gb.setup_document(doc)
    doc.core_properties.title = "{{ notice_title }}"
    title = P(doc, "{{ notice_title }}", gb.TITLE)
    title.paragraph_format.space_before = Pt(0)
    P(doc, "{{ agency }}：", gb.RECIPIENTS)
    P(doc, "在{{ activity }}中，你单位被抽查的{{ drawn }}件行政处罚案卷中，有{{ listed|length }}件{{ criterion }}。"
           "现将存在的问题通知如下：")
    P(doc, "{%p for f in listed %}")
    P(doc, "（{{ f.number }}）{{ f.case_no }}（{{ f.cause }}）", gb.HEADING_2)
    P(doc, "当事人：{{ f.party }}；评查得分：{{ f.score }}分；等次：{{ f.grade }}。")
    P(doc, "{%p for p in f.problems %}")
    P(doc, "{{ p.number }}．{{ p.text }}")
    P(doc, "{%p endfor %}")
    P(doc, "{%p endfor %}")
    P(doc, "{%p if contact %}")
    P(doc, "请你单位对上述问题逐案分析原因，认真整改，并于{{ deadline }}前将整改情况书面报送{{ report_to }}。")
    P(doc, "联系人：{{ contact }}{% if phone %}，联系电话：{{ phone }}{% endif %}。", gb.CLOSING)
    P(doc, "{%p else %}")
    P(doc, "请你单位对上述问题逐案分析原因，认真整改，并于{{ deadline }}前将整改情况书面报送{{ report_to }}。", gb.CLOSING)
    P(doc, "{%p endif %}")
    gb.signature_block(doc)
    return doc


def build_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in (("bulletin.docx", build_bulletin), ("sheet.docx", build_sheet), ("notice.docx", build_notice)):
        path = folder / name
        build().save(path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else templates_dir()
    for path in build_all(folder):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
