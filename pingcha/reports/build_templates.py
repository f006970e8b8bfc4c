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
from docx.enum.section import WD_SECTION_START
from docx.shared import Pt

from pingcha.paths import templates_dir
from pingcha.reports import docx_kit as kit
from pingcha.reports import gb_layout as gb
from pingcha.reports.sheet_layout import build_sheet

P = kit.add_paragraph


def build_bulletin() -> Document:
    """通报: 红头, 发文字号, title, 主送, body in five parts, 附件说明, signature, annexes, 版记.

    The body stays short at any size: counts, shares, agency figures and a few named files; the
    full lists go to the annexes, whose tables are filled in by ``long_tables`` at the markers.
    """
    doc = Document()
    gb.setup_document(doc)
    P(doc, "{{ issuer_mark }}", gb.ISSUER_MARK)
    P(doc, "{{ doc_number }}", gb.DOC_NUMBER)
    P(doc, "{{ title }}", gb.TITLE)
    P(doc, "{{ recipients }}：", gb.RECIPIENTS)
    P(doc, "为进一步规范行政执法行为，提高行政处罚案卷质量，{{ period }}，我局组织开展了{{ activity }}。现将有关情况通报如下。")

    P(doc, "一、基本情况", gb.HEADING_1)
    P(doc, "本次评查采取{{ method }}的方式进行。{% if register_size %}{{ register_agencies }}个执法部门共报送"
           "{{ scope }}{{ register_size }}件，{% endif %}随机抽取了{{ agency_count }}个执法部门的{{ file_count }}件案卷进行评查"
           "{% if register_size %}，抽取比例为{{ drawn_share }}%{% endif %}。{{ draw_text }}")
    P(doc, "评查工作由{{ evaluator_count }}名评查人员承担，评查人员分别来自{{ evaluator_units }}。每件案卷由{{ per_file }}名"
           "评查人员依据《{{ rubric_title }}》独立评分，评查人员不评查本单位的案卷；评分分歧较大的案卷经复核后确定结果。")
    P(doc, "{% if unfinished %}截至{{ issue_date }}，已完成评查{{ final_count }}件，另有{{ unfinished }}，其结果不计入本次通报的统计，"
           "待评查完成后另行通报。{% else %}截至{{ issue_date }}，抽取的{{ file_count }}件案卷已全部完成评查。{% endif %}")
    precheck_paragraph(doc)
    objection_paragraph(doc)

    P(doc, "{% if final_count %}在已完成评查的{{ final_count }}件案卷中，{% for g in grades %}{{ g.name }}{{ g.n }}件，"
           "占{{ g.share }}%{% if not loop.last %}；{% endif %}{% endfor %}，平均得分{{ mean_score }}分。"
           "各执法部门评查情况如下（按已完成评查案卷的平均得分排名）：{% else %}本次抽取的案卷均未完成评查，暂无评查结果。{% endif %}")
    gb.data_table(doc, [
        ("排名", 14, "{{ a.rank }}"), ("执法部门", 50, "{{ a.agency }}"), ("抽查案卷数", 24, "{{ a.files }}"),
        ("已完成评查", 24, "{{ a.final }}"), ("平均分", 22, "{{ a.mean }}"), ("等次", 22, "{{ a.grade }}"),
    ], "a in agencies")
    P(doc, "{%p if partial_agencies %}")
    P(doc, "注：{{ partial_agencies }}尚有案卷未完成评查，平均分按已完成评查的案卷计算"
           "{% if unranked_agencies %}；{{ unranked_agencies }}暂无已完成评查的案卷，暂不排名{% endif %}。", gb.TABLE_NOTE)
    P(doc, "{%p endif %}")

    P(doc, "二、主要成效", gb.HEADING_1)
    P(doc, "{% if strengths %}从评查情况看，各执法部门在{% for s in strengths %}{{ s.title }}（满分率{{ s.rate }}%）"
           "{% if not loop.last %}、{% endif %}{% endfor %}等方面总体较为规范。{% endif %}"
           "{% if best_agencies %}{{ best_agencies }}的案卷平均得分位居前列。{% endif %}"
           "{% if best_count %}评为{{ best_grade }}的案卷共{{ best_count }}件，予以通报表扬{% if best_files %}"
           "{% if best_more %}，其中得分较高的有{% else %}：{% endif %}{% for f in best_files %}{{ f.agency }}{{ f.case_no }}"
           "（{{ f.score }}分）{% if not loop.last %}、{% endif %}{% endfor %}{% if best_more %}等{% endif %}{% endif %}"
           "（名单见附件{{ best_annex }}）。{% else %}本次评查未评出{{ best_grade }}案卷。{% endif %}")

    P(doc, "三、存在的主要问题", gb.HEADING_1)
    P(doc, "{% if problem_groups %}评查发现的主要问题如下：{% else %}本次评查未发现扣分问题和否决情形。{% endif %}")
    P(doc, "{%p for g in problem_groups %}")
    P(doc, "（{{ g.number }}）{{ g.heading }}", gb.HEADING_2)
    P(doc, "{%p for p in g.problems %}")
    P(doc, "{{ p.number }}．{{ p.text }}，涉及{{ p.files }}件案卷{% if p.examples %}，如{{ p.examples }}{% endif %}。")
    P(doc, "{%p endfor %}")
    P(doc, "{%p endfor %}")
    P(doc, "{% if worst_count %}评为{{ worst_grade }}的案卷共{{ worst_count }}件，予以通报批评{% if worst_files %}"
           "{% if worst_more %}，其中得分较低的有{% else %}：{% endif %}{% for f in worst_files %}{{ f.agency }}"
           "{{ f.case_no }}（{{ f.score }}分）{% if not loop.last %}、{% endif %}{% endfor %}{% if worst_more %}等{% endif %}"
           "{% endif %}（名单见附件{{ worst_annex }}）。{% endif %}")

    P(doc, "四、原因分析", gb.HEADING_1)
    P(doc, "{{ analysis }}")

    P(doc, "五、整改要求", gb.HEADING_1)
    gb.heading_2_lead(doc.add_paragraph(), "（一）认真抓好整改。",
                      "各执法部门主要负责人要对照本通报指出的问题，组织开展自查自纠，举一反三，逐项整改，切实提高行政处罚案卷质量。")
    gb.heading_2_lead(doc.add_paragraph(), "（二）按时报送整改情况。",
                      "{% if worst_count %}案卷被评为{{ worst_grade }}的执法部门要逐案分析原因，明确整改措施和责任人。{% endif %}"
                      "各执法部门须于{{ deadline }}前将整改情况书面报送{{ report_to }}。")
    gb.heading_2_lead(doc.add_paragraph(), "（三）开展“回头看”。",
                      "{{ report_to }}将在整改期限届满后对整改情况进行抽查，对整改不到位的予以督办。")
    gb.heading_2_lead(doc.add_paragraph(), "（四）强化结果运用。",
                      "本次评查结果将纳入年度法治政府建设考核，作为评价各执法部门依法行政工作的重要依据。")
    gb.heading_2_lead(doc.add_paragraph(style=gb.CLOSING), "（五）加强执法能力建设。",
                      "各执法部门要加强执法人员业务培训，严格落实行政执法公示、执法全过程记录、重大执法决定法制审核制度，"
                      "不断提高行政执法规范化水平。")
    P(doc, "{%p if contact %}")
    P(doc, "联系人：{{ contact }}{% if phone %}，联系电话：{{ phone }}{% endif %}。", gb.CLOSING)
    P(doc, "{%p endif %}")

    P(doc, "{%p for a in annexes %}")
    P(doc, "{% if loop.first %}附件：{% endif %}{{ a.number }}．{{ a.title }}", gb.ATTACHMENT_NOTE)
    P(doc, "{%p endfor %}")
    gb.signature_block(doc)

    P(doc, "{%p for a in annexes %}")
    P(doc, "附件{{ a.number }}", gb.ATTACHMENT_LABEL)
    P(doc, "{{ a.title }}", gb.ATTACHMENT_TITLE)
    P(doc, "{%p if a.empty %}")
    P(doc, "{{ a.empty }}")
    P(doc, "{%p else %}")
    P(doc, "【附表：{{ a.key }}】", gb.LIST_TEXT)
    P(doc, "{%p endif %}")
    P(doc, "{%p endfor %}")
    colophon(doc)
    return doc


def precheck_paragraph(doc) -> None:
    """系统预检: the machine's findings over the whole register, by agency (present only with pre-checks)."""
    P(doc, "{%p if precheck %}")
    P(doc, "评查前，系统依据评分标准设定的{{ precheck.checks }}项预检规则，对案卷目录中的{{ precheck.files }}件案卷逐件预检，"
           "{% if precheck.findings %}发现{{ precheck.files_with_findings }}件案卷有{{ precheck.findings }}处提示，其中"
           "{{ precheck.by_agency }}{% if precheck.clean_agencies %}，{{ precheck.clean_agencies }}未发现问题{% endif %}；"
           "抽查案卷中的提示由评查人员逐一核实{% if precheck.decided %}，采纳{{ precheck.accepted }}人次、不采纳"
           "{{ precheck.dismissed }}人次{% endif %}。{% else %}未发现问题。{% endif %}"
           "{% if precheck.unreadable %}另有{{ precheck.unreadable }}件案卷的罚款金额无法识别，未作罚款数额的预检。{% endif %}")
    P(doc, "{%p endif %}")


def objection_paragraph(doc) -> None:
    """异议: how many objections the agencies raised to the results sent to them, and how many were upheld."""
    P(doc, "{%p if objections %}")
    P(doc, "通报前，我局将评查结果书面反馈各执法部门，听取意见。各执法部门共提出异议{{ objections.received }}条，"
           "{% if objections.upheld %}经审核采纳{{ objections.upheld }}条，{% if objections.reviewed == objections.upheld %}"
           "相关案卷已重新复核{% else %}相关案卷正在重新复核{% endif %}{% else %}经审核均未采纳{% endif %}"
           "{% if objections.upheld and objections.dismissed %}；未采纳{{ objections.dismissed }}条{% endif %}"
           "{% if objections.dismissed %}，已逐条说明理由{% endif %}"
           "{% if objections.open %}；另有{{ objections.open }}条尚在办理{% endif %}。")
    P(doc, "{%p endif %}")


def colophon(doc) -> None:
    """版记: 抄送 and 印发机关/印发日期 between a thick, a thin and a thick rule, at the page bottom.

    It opens a section of its own that starts on an even page (w:type evenPage), so the 版记 is on
    the last page and that page is even: Word and LibreOffice insert a blank page when the annexes
    end on an even page. That section has empty footers: GB/T 9704 7.5 numbers neither the blank
    page nor the 版记 page.
    """
    section = doc.add_section(WD_SECTION_START.EVEN_PAGE)
    for footer in (section.footer, section.even_page_footer, section.header, section.even_page_header):
        footer.is_linked_to_previous = False
    # The section opens with a paragraph of its own: LibreOffice anchors a floating table that opens
    # a section to the previous section's last page.
    doc.add_paragraph(style=gb.TABLE_NOTE).paragraph_format.line_spacing = Pt(1)
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
    P(doc, "{%p if unfinished %}")
    P(doc, "你单位被抽查的案卷中另有{{ unfinished|length }}件尚未完成评查：{{ unfinished_list }}，其评查结果确定后另行通知。")
    P(doc, "{%p endif %}")
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
    from pingcha.reports.rectification_templates import build_feedback, build_rectification

    for name, build in (("bulletin.docx", build_bulletin), ("sheet.docx", build_sheet), ("notice.docx", build_notice),
                        ("rectification.docx", build_rectification), ("feedback.docx", build_feedback)):
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
