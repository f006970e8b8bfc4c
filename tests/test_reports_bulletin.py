"""通报: GB/T 9704 form and content computed from the results, opened back with python-docx."""

from __future__ import annotations

import re

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from test_reports_data import (
    ID_NUMBER, PERSONS, PHONE, all_files, build_results, document_text, file_result, package_parts, sheet,
)

from pingcha.reports import render_bulletin
from pingcha.results import FINAL


@pytest.fixture
def results():
    return build_results()


@pytest.fixture
def bulletin(results, tmp_path):
    return render_bulletin(results, tmp_path / "通报.docx", allow_pending=True)


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
    assert [p.text for p in paragraphs_with_style(doc, "一级标题")] == [
        "一、基本情况", "二、主要成效", "三、存在的主要问题", "四、原因分析", "五、整改要求"]


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


def indent(paragraph) -> dict[str, str]:
    ind = paragraph._p.pPr.find(qn("w:ind"))
    return {key.split("}")[1]: value for key, value in ind.attrib.items()} if ind is not None else {}


def test_colophon_and_signature_close_the_document(bulletin):
    doc = Document(bulletin)
    colophon = doc.tables[-1]
    assert table_rows(colophon) == [["抄送：攀枝花市司法局，区委依法治区办。"] * 2,
                                    ["攀枝花市西区司法局办公室", "2024年3月21日印发"]]
    assert colophon._tbl.tblPr.find(qn("w:tblpPr")).get(qn("w:tblpYSpec")) == "bottom"
    [issuer] = paragraphs_with_style(doc, "发文机关署名")
    [issued] = paragraphs_with_style(doc, "成文日期")
    assert (issuer.text, issued.text) == ("攀枝花市西区司法局", "2024年3月21日")
    assert [p.text for p in paragraphs_with_style(doc, "附件说明")] == [
        "附件：1．优秀案卷名单", "2．不合格案卷名单", "3．评查结果汇总表"]
    second = paragraphs_with_style(doc, "附件说明")[1]
    assert indent(second)["leftChars"] == "500"  # under the first annex's number: 左空二字 + "附件："


def test_the_sealed_signature_layout_is_the_default(bulletin):
    """GB/T 9704 7.3.5.1: 成文日期右空四字, the issuer centred on the date, room for the seal above."""
    doc = Document(bulletin)
    [issuer] = paragraphs_with_style(doc, "发文机关署名")
    [issued] = paragraphs_with_style(doc, "成文日期")
    assert issued.alignment == WD_ALIGN_PARAGRAPH.RIGHT and indent(issued)["rightChars"] == "400"
    # 攀枝花市西区司法局 is 9 characters, 2024年3月21日 6.5: centred, the issuer stands out 1.25 each side.
    assert issuer.alignment == WD_ALIGN_PARAGRAPH.RIGHT and indent(issuer)["rightChars"] == "275"
    assert round(issuer.paragraph_format.space_before.pt, 1) == round(2 * 28.9, 1)


def test_the_unsealed_layout_is_a_setting(results, tmp_path):
    doc = Document(render_bulletin(results, tmp_path / "通报.docx", overrides={"sealed": "否"}, allow_pending=True))
    [issuer] = paragraphs_with_style(doc, "发文机关署名")
    [issued] = paragraphs_with_style(doc, "成文日期")
    assert issued.alignment == WD_ALIGN_PARAGRAPH.LEFT and "leftChars" in indent(issued)  # 7.3.5.2
    assert indent(issued).get("rightChars", "0") == "0"


def body_text(doc) -> str:
    """The text before the annexes: what the 通报 itself says."""
    lines = []
    for paragraph in doc.paragraphs:
        if paragraph.style.name == "附件标识":
            break
        lines.append(paragraph.text)
    return "\n".join(lines)


def test_the_body_names_the_best_and_worst_files_and_the_annexes_list_them(results, bulletin):
    doc = Document(bulletin)
    text = body_text(doc)
    assert ("评为优秀的案卷共2件，予以通报表扬：区市场监管局川攀西市监罚〔2024〕8号（99.3分）、"
            "区综合执法局川攀西综执罚〔2024〕3号（98.8分）（名单见附件1）。") in text
    assert "各执法部门在执法主体资格（满分率100.0%）" in text and "区应急管理局的案卷平均得分位居前列" in text
    assert "评为不合格的案卷共2件，予以通报批评：" in text and "（名单见附件2）" in text
    labels = [p.text for p in paragraphs_with_style(doc, "附件标识")]
    titles = [p.text for p in paragraphs_with_style(doc, "附件标题")]
    assert labels == ["附件1", "附件2", "附件3"] and titles == ["优秀案卷名单", "不合格案卷名单", "评查结果汇总表"]
    best, worst = doc.tables[-4], doc.tables[-3]
    for table, grade in ((best, "优秀"), (worst, "不合格")):
        expected = sorted((f.case.agency, f.case.case_no, str(f.score)) for f in results.files_with_grade(grade))
        rows = table_rows(table)[1:]
        assert sorted((agency, case_no, score) for _, agency, case_no, _, score in rows) == expected
    assert [row[3] for row in table_rows(worst) if row[2] == "川攀西综执罚〔2024〕31号"] == ["欧阳某某未经批准擅自搭建建筑物"]


def test_the_annex_tables_repeat_their_header_and_keep_rows_whole(bulletin):
    table = Document(bulletin).tables[-2]
    rows = table._tbl.findall(qn("w:tr"))
    assert rows[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    assert all(row.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None for row in rows)
    assert table._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:insideH")).get(qn("w:val")) == "single"


def test_a_long_list_stays_in_the_annex_and_the_body_names_a_few(tmp_path):
    files = all_files()
    best = next(f for f in files if f.grade == "优秀")
    many = [type(best)(**{**vars(best), "case": type(best.case)(**{**vars(best.case), "case_no": f"川攀西综执罚〔2024〕{200 + n}号"})})
            for n in range(30)]
    doc = Document(render_bulletin(build_results(files + many), tmp_path / "通报.docx",
                                   overrides={"listed_in_body": "3"}, allow_pending=True))
    text = body_text(doc)
    assert "评为优秀的案卷共32件，予以通报表扬，其中得分较高的有" in text
    named = re.search(r"其中得分较高的有(.*?)等（名单见附件1）", text).group(1)
    assert named.count("号（") == 3
    assert len(table_rows(doc.tables[-4])) == 33


def test_counts_add_up_and_unfinished_files_are_not_counted_as_zero(results, bulletin):
    text = document_text(bulletin)
    assert "随机抽取了3个执法部门的8件案卷进行评查，抽取比例为10.7%" in text
    assert "12个执法部门共报送2024年办结的行政处罚案卷75件" in text
    assert "评查工作由5名评查人员承担" in text
    assert "已完成评查6件，另有1件待复核、1件正在评查，其结果不计入本次通报的统计" in text
    counts = results.grade_counts()
    assert sum(counts.values()) == 6
    shares = re.search(r"在已完成评查的6件案卷中，(.*?)，平均得分", text).group(1)
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


def test_main_problems_are_grouped_by_stage_with_typical_cases_named(results, bulletin):
    text = body_text(Document(bulletin))
    assert "（一）存在否决情形的问题" in text
    assert "1．违反法定程序：作出处罚决定前未告知当事人" in text
    assert "（二）实体方面" in text and "（三）程序方面" in text and "（四）文书和立卷归档方面" in text
    # the price "每处扣2分" is dropped; the example names the agency, the 案号 and the page
    assert "依据没有准确到条、款、项、目，涉及3件案卷" in text
    assert "区综合执法局川攀西综执罚〔2024〕10号案卷（第15页送达回证未写送达地点）" in text


def test_problem_counts_come_from_final_files_only(results, bulletin):
    """15号 (待复核) has E2a on a sheet; the 通报 says it leaves unfinished files out, so E2a is two files."""
    text = body_text(Document(bulletin))
    rule = results.rubric.deduction_by_code["E2a"].text
    line = next(line for line in text.splitlines() if rule[:10] in line)
    assert "涉及2件案卷" in line and "川攀西市监罚〔2024〕15号" not in text


def test_public_text_drops_the_rubrics_grading_notes_and_cites_laws_with_book_marks(tmp_path):
    files = all_files()
    files[0] = file_result(files[0].case, [sheet("董文", veto={"V14"}), sheet("周正衡", veto={"V14"})])
    text = body_text(Document(render_bulletin(build_results(files), tmp_path / "通报.docx", allow_pending=True)))
    assert "违反罚缴分离规定（违反《行政处罚法》第六十七条）" in text
    assert "不得评为优秀" not in text and "违反行政处罚法" not in text


def test_the_body_stays_short_whatever_the_rubric_finds(results, bulletin):
    text = body_text(Document(bulletin))
    problems = re.findall(r"^\d+．", text, flags=re.MULTILINE)
    assert len(problems) <= 4 * 5  # vetoes and three stages, five problems each at most


def test_without_failing_or_excellent_files_the_text_says_so(tmp_path):
    middling = [f for f in all_files() if f.grade not in ("优秀", "不合格")]
    path = render_bulletin(build_results(middling), tmp_path / "通报.docx", allow_pending=True)
    text = document_text(path)
    assert "本次评查未评出优秀案卷。" in text
    assert "本次评查未发现不合格案卷。" in text
    assert "评为不合格的案卷共" not in text and "案卷被评为不合格的执法部门" not in text


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
    path = render_bulletin(results, tmp_path / "通报.docx", mask_companies=True, allow_pending=True)
    assert "攀枝花市西区恒基建筑劳务有限公司" not in "".join(package_parts(path).values())


def test_overrides_change_the_document_settings(results, tmp_path):
    overrides = {"doc_serial": "3", "deadline": "2024-05-01", "contact": "王老师", "phone": "0812-3335678"}
    path = render_bulletin(results, tmp_path / "通报.docx", overrides=overrides, allow_pending=True)
    text = document_text(path)
    assert "西司发〔2024〕3号" in text
    assert "须于2024年5月1日前将整改情况书面报送攀枝花市西区司法局" in text
    assert "联系人：王老师，联系电话：0812-3335678。" in text  # the bureau's own number is not masked


def test_without_cc_the_colophon_keeps_only_the_printing_line(results, tmp_path):
    path = render_bulletin(results, tmp_path / "通报.docx", overrides={"cc": ""}, allow_pending=True)
    assert table_rows(Document(path).tables[-1]) == [["攀枝花市西区司法局办公室", "2024年3月21日印发"]]


def test_naming_no_file_in_the_body_still_counts_them_and_points_at_the_annex(results, tmp_path):
    path = render_bulletin(results, tmp_path / "通报.docx", overrides={"listed_in_body": "0"}, allow_pending=True)
    text = body_text(Document(path))
    assert "评为优秀的案卷共2件，予以通报表扬（名单见附件1）。" in text
    assert "评为不合格的案卷共2件，予以通报批评（名单见附件2）。" in text
    assert "案卷被评为不合格的执法部门要逐案分析原因" in text
