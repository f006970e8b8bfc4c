"""通报: GB/T 9704 form and content computed from the results, opened back with python-docx."""

from __future__ import annotations

import re

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from test_reports_data import ID_NUMBER, PERSONS, PHONE, all_files, build_results, document_text, package_parts

from pingcha.reports import render_bulletin
from pingcha.results import FINAL


@pytest.fixture
def results():
    return build_results()


@pytest.fixture
def bulletin(results, tmp_path):
    return render_bulletin(results, tmp_path / "通报.docx")


def east_asian_font(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def paragraphs_with_style(doc, name):
    return [p for p in doc.paragraphs if p.style.name == name]


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_page_is_a4_with_the_official_margins(bulletin):
    section = Document(bulletin).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]


def test_title_and_body_fonts_sit_on_the_east_asian_slot(bulletin):
    doc = Document(bulletin)
    body, title = doc.styles["Normal"], doc.styles["公文标题"]
    assert east_asian_font(body) == "仿宋_GB2312" and body.font.size.pt == 16
    assert body.font.name == "仿宋_GB2312"  # the Latin slots too
    assert east_asian_font(title) == "方正小标宋简体" and title.font.size.pt == 22
    assert title.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert east_asian_font(doc.styles["一级标题"]) == "黑体"
    assert east_asian_font(doc.styles["二级标题"]) == "楷体_GB2312"
    spacing = body.paragraph_format
    assert spacing.line_spacing_rule == WD_LINE_SPACING.EXACTLY and round(spacing.line_spacing.pt, 1) == 28.9
    [heading] = paragraphs_with_style(doc, "公文标题")
    assert heading.text == "关于2024年度行政处罚案卷评查结果的通报"
    assert [p.text for p in paragraphs_with_style(doc, "一级标题")] == ["一、基本情况", "二、评查结果", "三、存在的主要问题", "四、整改要求"]


def test_red_head_number_and_separator(bulletin):
    doc = Document(bulletin)
    [mark] = paragraphs_with_style(doc, "发文机关标志")
    assert mark.text == "攀枝花市西区司法局文件"
    assert str(doc.styles["发文机关标志"].font.color.rgb) == "FF0000"
    [number] = paragraphs_with_style(doc, "发文字号")
    assert number.text == "西司发〔2024〕12号"
    separator = doc.styles["发文字号"].element.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert separator.get(qn("w:color")) == "FF0000"
    [recipients] = paragraphs_with_style(doc, "主送机关")
    assert recipients.text == "格里坪镇人民政府、各街道办事处，区级各行政执法部门："


def test_page_numbers_are_fields_on_the_outer_side_of_odd_and_even_pages(bulletin):
    doc = Document(bulletin)
    parts = package_parts(bulletin)
    assert "<w:evenAndOddHeaders" in parts["word/settings.xml"]
    section = doc.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for footer in (odd, even):
        assert footer.text == "— 1 —"  # the field's cached result between the dashes
        assert " PAGE " in "".join(t.text for t in footer._p.iter(qn("w:instrText")))
        assert east_asian_font(footer.style) == "宋体" and footer.style.font.size.pt == 14
    assert odd.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT


def test_colophon_and_signature_close_the_document(bulletin):
    doc = Document(bulletin)
    colophon = doc.tables[-1]
    assert table_rows(colophon) == [["抄送：攀枝花市司法局，区委依法治区办。"] * 2,
                                    ["攀枝花市西区司法局办公室", "2024年3月21日印发"]]
    assert colophon._tbl.tblPr.find(qn("w:tblpPr")).get(qn("w:tblpYSpec")) == "bottom"
    [issuer] = paragraphs_with_style(doc, "发文机关署名")
    [issued] = paragraphs_with_style(doc, "成文日期")
    assert (issuer.text, issued.text) == ("攀枝花市西区司法局", "2024年3月21日")
    [note] = paragraphs_with_style(doc, "附件说明")
    assert note.text == "附件：评查结果汇总表"


def files_table(doc, heading):
    """The table printed after the paragraph introducing ``heading`` files."""
    body = list(doc.element.body.iterchildren())
    for index, element in enumerate(body):
        text = "".join(t.text or "" for t in element.iter(qn("w:t")))
        if element.tag == qn("w:p") and text.startswith(f"评为{heading}的案卷共"):
            following = body[index + 1]
            assert following.tag == qn("w:tbl")
            return [row for row in table_rows(next(t for t in doc.tables if t._tbl is following))[1:]]
    return None


def test_excellent_and_failing_files_are_listed_as_in_the_results(results, bulletin):
    doc = Document(bulletin)
    for grade in ("优秀", "不合格"):
        expected = sorted((f.case.agency, f.case.case_no, str(f.score)) for f in results.files_with_grade(grade))
        rows = files_table(doc, grade)
        assert sorted((agency, case_no, score) for _, agency, case_no, _, score in rows) == expected
    failing = files_table(doc, "不合格")
    assert [row[3] for row in failing if row[2] == "川攀西综执罚〔2024〕31号"] == ["欧阳某某未经批准擅自搭建建筑物"]


def test_counts_add_up_and_unfinished_files_are_not_counted_as_zero(results, bulletin):
    text = document_text(bulletin)
    assert "随机抽取了3个执法部门的8件案卷进行评查" in text
    assert "在12个执法部门报送的75件2024年办结的行政处罚案卷中" in text
    assert "评查工作由5名评查人员承担" in text
    assert "已完成评查6件，另有1件待复核、1件正在评查，其结果不计入本次通报的统计" in text
    counts = results.grade_counts()
    assert sum(counts.values()) == 6
    shares = re.search(r"在已完成评查的6件案卷中，(.*?)。平均得分", text).group(1)
    assert shares == "优秀2件，占33.3%；合格2件，占33.3%；不合格2件，占33.3%"
    finals = [f.score for f in results.files if f.status == FINAL]
    assert f"平均得分{sum(finals) / len(finals):.1f}分" in text


def test_the_attachment_lists_every_file_with_its_status(results, bulletin):
    doc = Document(bulletin)
    attachment = table_rows(doc.tables[-2])
    assert attachment[0] == ["序号", "执法部门", "案号", "案由", "得分", "等次"]
    rows = {row[2]: row for row in attachment[1:]}
    assert len(rows) == len(results.files) == 8
    assert [row[0] for row in attachment[1:]] == [str(n) for n in range(1, 9)]
    assert rows["川攀西市监罚〔2024〕15号"][4:] == ["—", "待复核"]
    assert rows["川攀西应急罚〔2024〕9号"][4:] == ["—", "评查中"]
    assert rows["川攀西综执罚〔2024〕31号"][4:] == ["0.0", "不合格"]


def test_agencies_are_ranked_by_mean(results, bulletin):
    doc = Document(bulletin)
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "排名")
    rows = table_rows(table)[1:]
    assert [row[1] for row in rows] == [a.agency for a in results.agencies]
    means = [float(row[4]) for row in rows]
    assert means == sorted(means, reverse=True)
    assert "注：区应急管理局、区市场监管局尚有案卷未完成评查" in document_text(bulletin)


def test_main_problems_come_from_the_deduction_tallies_grouped_by_category(results, bulletin):
    text = document_text(bulletin)
    assert "（一）存在否决情形" in text
    assert "1．违反法定程序：作出处罚决定前未告知当事人" in text
    assert "（四）法律适用方面" in text
    assert "依据没有准确到条、款、项、目，3件案卷存在此问题" in text  # the price "每处扣2分" is dropped
    assert "如“第15页送达回证未写送达地点”" in text


def test_without_failing_or_excellent_files_the_text_says_so(tmp_path):
    middling = [f for f in all_files() if f.grade not in ("优秀", "不合格")]
    path = render_bulletin(build_results(middling), tmp_path / "通报.docx")
    text = document_text(path)
    assert "本次评查未发现不合格案卷。" in text
    assert "本次评查未发现优秀案卷。" in text
    assert "评为不合格的案卷共" not in text and "案卷被评为不合格的执法部门" not in text
    assert not [t for t in Document(path).tables if t.rows[0].cells[0].text == "序号" and len(t.columns) == 5]


def test_no_unmasked_name_or_number_anywhere_in_the_package(bulletin):
    parts = package_parts(bulletin)
    assert {"word/document.xml", "docProps/core.xml", "word/footer1.xml"} <= parts.keys()
    for name, xml in parts.items():
        for secret in (*PERSONS, ID_NUMBER, PHONE):
            assert secret not in xml, f"{secret} in {name}"
    properties = Document(bulletin).core_properties
    assert properties.title == "关于2024年度行政处罚案卷评查结果的通报"
    assert properties.author == properties.last_modified_by == "攀枝花市西区司法局"


def test_companies_can_be_masked_too(results, tmp_path):
    path = render_bulletin(results, tmp_path / "通报.docx", mask_companies=True)
    assert "攀枝花市西区恒基建筑劳务有限公司" not in "".join(package_parts(path).values())


def test_overrides_change_the_document_settings(results, tmp_path):
    overrides = {"doc_serial": "3", "deadline": "2024-05-01", "contact": "王老师", "phone": "0812-3335678"}
    path = render_bulletin(results, tmp_path / "通报.docx", overrides=overrides)
    text = document_text(path)
    assert "西司发〔2024〕3号" in text
    assert "须于2024年5月1日前将整改情况书面报送攀枝花市西区司法局" in text
    assert "联系人：王老师，联系电话：0812-3335678。" in text  # the bureau's own number is not masked


def test_without_cc_the_colophon_keeps_only_the_printing_line(results, tmp_path):
    path = render_bulletin(results, tmp_path / "通报.docx", overrides={"cc": ""})
    assert table_rows(Document(path).tables[-1]) == [["攀枝花市西区司法局办公室", "2024年3月21日印发"]]
