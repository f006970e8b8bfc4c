"""Build the shipped templates of the loop after the 通报 (run through ``build_templates``): the 整改情况通报
(templates/rectification.docx) and each agency's 评查结果反馈单 before it (templates/feedback.docx)."""

from __future__ import annotations

from docx import Document
from docx.shared import Pt

from pingcha.reports import docx_kit as kit
from pingcha.reports import gb_layout as gb

P = kit.add_paragraph


def build_rectification() -> Document:
    """整改情况通报: 红头, 发文字号, title, 主送; the items by agency (done, awaiting review, pending, overdue), the
    overdue files named, the requirements; signature; the annex listing every item."""
    doc = Document()
    gb.setup_document(doc)
    P(doc, "{{ issuer_mark }}", gb.ISSUER_MARK)
    P(doc, "{{ doc_number }}", gb.DOC_NUMBER)
    P(doc, "{{ title }}", gb.TITLE)
    P(doc, "{{ recipients }}：", gb.RECIPIENTS)
    P(doc, "{{ bulletin_date }}，我局印发《{{ bulletin_title }}》，对{{ activity }}中评为{{ worst_grade }}的{{ total }}件案卷，"
           "要求有关执法部门于{{ deadline }}前完成整改并报送整改情况。截至{{ as_of }}，已整改销号{{ done }}件"
           "{% if pending %}，尚未销号{{ pending }}件（已报送整改情况、正在审核{{ replied }}件，尚未报送或被退回重新整改"
           "{{ open }}件）{% if overdue %}，其中逾期未完成{{ overdue }}件{% endif %}{% endif %}。现将整改情况通报如下。")

    P(doc, "一、整改进展", gb.HEADING_1)
    P(doc, "{% if total %}各执法部门整改情况如下（按逾期未完成件数排列）：{% else %}本次评查没有评为{{ worst_grade }}的案卷，"
           "无需整改。{% endif %}")
    P(doc, "{%p if total %}")
    gb.data_table(doc, [
        ("执法部门", 48, "{{ a.agency }}"), ("整改事项", 22, "{{ a.count }}"), ("已销号", 20, "{{ a.done }}"),
        ("正在审核", 22, "{{ a.replied }}"), ("未完成", 20, "{{ a.pending }}"), ("其中逾期", 22, "{{ a.overdue }}"),
    ], "a in agencies")
    P(doc, "{%p endif %}")
    P(doc, "{% if done_agencies %}{{ done_agencies }}已全部完成整改。{% endif %}", gb.TABLE_NOTE)

    P(doc, "二、逾期未完成整改的案卷", gb.HEADING_1)
    P(doc, "{% if overdue %}截至{{ as_of }}，下列{{ overdue }}件案卷逾期未完成整改：{% else %}截至{{ as_of }}，"
           "没有逾期未完成整改的案卷。{% endif %}")
    P(doc, "{%p for o in overdue_files %}")
    P(doc, "{{ o.number }}．{{ o.agency }}{{ o.case_no }}（{{ o.cause }}），整改期限{{ o.deadline }}，"
           "已逾期{{ o.days }}日，{{ o.state }}。")
    P(doc, "{%p endfor %}")

    P(doc, "三、下一步要求", gb.HEADING_1)
    gb.heading_2_lead(doc.add_paragraph(), "（一）限期完成整改。",
                      "{% if overdue_agencies %}{{ overdue_agencies }}要高度重视，逐案查找原因，"
                      "于本通报印发之日起十日内完成整改并报送整改情况。{% else %}尚未完成整改的执法部门要按期完成整改。{% endif %}")
    gb.heading_2_lead(doc.add_paragraph(), "（二）逐件审核销号。",
                      "{{ report_to }}对报送的整改情况逐件审核，整改到位的予以销号，整改不到位的退回重新整改。"
                      "{% if sent_back %}目前已退回重新整改{{ sent_back }}件。{% endif %}")
    gb.heading_2_lead(doc.add_paragraph(style=gb.CLOSING), "（三）开展“回头看”。",
                      "整改情况将纳入年度法治政府建设考核，对整改不力、问题反复出现的执法部门予以督办。")
    P(doc, "{%p if contact %}")
    P(doc, "联系人：{{ contact }}{% if phone %}，联系电话：{{ phone }}{% endif %}。", gb.CLOSING)
    P(doc, "{%p endif %}")
    P(doc, "{%p if total %}")
    P(doc, "附件：整改事项明细表", gb.ATTACHMENT_NOTE)
    P(doc, "{%p endif %}")
    gb.signature_block(doc)

    P(doc, "{%p if total %}")
    P(doc, "附件", gb.ATTACHMENT_LABEL)
    P(doc, "整改事项明细表", gb.ATTACHMENT_TITLE)
    gb.data_table(doc, [
        ("序号", 10, "{{ i.number }}"), ("执法部门", 30, "{{ i.agency }}"), ("案号", 40, "{{ i.case_no }}"),
        ("整改期限", 25, "{{ i.deadline }}"), ("状态", 16, "{{ i.status }}"), ("逾期", 10, "{{ i.overdue }}"),
        ("反馈日期", 25, "{{ i.replied_on }}"),
    ], "i in rows", text=gb.LIST_TEXT, head=gb.LIST_HEAD)
    P(doc, "{%p endif %}")
    doc.add_paragraph(style=gb.TABLE_NOTE).paragraph_format.line_spacing = Pt(1)
    return doc


def build_feedback() -> Document:
    """评查结果反馈单: one agency's files with their scores and every deduction (with the item codes an objection
    names), and the date by which to object."""
    doc = Document()
    gb.setup_document(doc)
    doc.core_properties.title = "{{ feedback_title }}"
    title = P(doc, "{{ feedback_title }}", gb.TITLE)
    title.paragraph_format.space_before = Pt(0)
    P(doc, "{{ agency }}：", gb.RECIPIENTS)
    P(doc, "在{{ activity }}中，你单位被抽查{{ drawn }}件行政处罚案卷{% if listed %}，其中{{ listed|length }}件已完成评查"
           "{% endif %}。现将评查结果反馈你单位，请核对。")
    P(doc, "{%p if listed %}")
    gb.data_table(doc, [
        ("序号", 13, "{{ f.index }}"), ("案号", 62, "{{ f.case_no }}"), ("案由", 43, "{{ f.cause }}"),
        ("得分", 16, "{{ f.score }}"), ("等次", 20, "{{ f.grade }}"),
    ], "f in listed")
    gb.spacer(doc, 10)
    P(doc, "{%p endif %}")
    P(doc, "{%p for f in listed %}")
    P(doc, "（{{ f.number }}）{{ f.case_no }}（{{ f.cause }}）", gb.HEADING_2)
    P(doc, "当事人：{{ f.party }}；评查得分：{{ f.score }}分；等次：{{ f.grade }}。{% if not f.problems %}未发现扣分问题。{% endif %}")
    P(doc, "{%p for p in f.problems %}")
    P(doc, "{{ p.number }}．{{ p.text }}")
    P(doc, "{%p endfor %}")
    P(doc, "{%p endfor %}")
    P(doc, "{%p if unfinished %}")
    P(doc, "你单位另有{{ unfinished|length }}件案卷尚未完成评查：{{ unfinished_list }}，其结果确定后另行反馈。")
    P(doc, "{%p endif %}")
    P(doc, "如对上述评查结果有异议，请于{{ reply_by }}前书面向{{ report_to }}提出，逐条写明案号、评查项目编号（如上文"
           "各条之前的编号）和理由，并附相关证明材料；逾期未提出的，视为无异议。", gb.CLOSING)
    P(doc, "{%p if contact %}")
    P(doc, "联系人：{{ contact }}{% if phone %}，联系电话：{{ phone }}{% endif %}。", gb.CLOSING)
    P(doc, "{%p endif %}")
    gb.signature_block(doc)
    return doc
