"""Templates a clerk edits: changes show up without code, mistakes are explained, input cannot break a file."""

from __future__ import annotations

import shutil

import pytest
from docx import Document
from test_reports_data import all_files, build_results, case, document_text, file_result, package_parts, sheet

from pingcha.errors import UserError
from pingcha.paths import templates_dir
from pingcha.reports import render_bulletin, render_notices, render_sheets


@pytest.fixture
def results():
    return build_results()


@pytest.fixture
def user_templates(tmp_path):
    folder = tmp_path / "我的模板"
    folder.mkdir()
    shutil.copy(templates_dir() / "bulletin.docx", folder / "bulletin.docx")
    return folder


def edit(path, change) -> None:
    doc = Document(path)
    change(doc)
    doc.save(path)


def test_shipped_templates_are_word_files_with_tags():
    for name in ("bulletin.docx", "sheet.docx", "notice.docx"):
        doc = Document(templates_dir() / name)
        assert "{{" in "".join(p.text for p in doc.paragraphs)


def test_a_changed_template_changes_the_output_without_code(results, user_templates, tmp_path):
    def reword(doc):
        run = next(r for p in doc.paragraphs for r in p.runs if r.text == "一、基本情况")
        run.text = "一、评查工作基本情况"

    edit(user_templates / "bulletin.docx", reword)
    text = document_text(render_bulletin(results, tmp_path / "通报.docx", templates=user_templates, allow_pending=True))
    assert "一、评查工作基本情况" in text and "一、基本情况" not in text


def test_files_missing_from_the_users_folder_fall_back_to_the_shipped_ones(results, user_templates, tmp_path):
    paths = render_sheets(results, tmp_path / "评查表", templates=user_templates)
    assert len(paths) == len(results.files)
    with pytest.raises(UserError, match="模板目录不存在"):
        render_sheets(results, tmp_path / "x", templates=tmp_path / "没有这个目录")


def test_the_templates_setting_points_at_the_users_folder(user_templates, tmp_path):
    edit(user_templates / "bulletin.docx", lambda doc: doc.add_paragraph("本通报由区司法局法制股起草。"))
    results = build_results(templates=str(user_templates))
    assert "本通报由区司法局法制股起草。" in document_text(render_bulletin(results, tmp_path / "通报.docx", allow_pending=True))


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("{{ unclosed", "未闭合的标签“{{ unclosed”"),
        ("{% for x in %}{% endfor %}", "错误的标签"),
        ("{% if final_count %}没有结尾", "“{% if %}”没有结尾（所在段落：“补充说明：{% if final_count %}没有结尾”）"),
        ("{% include 'other.docx' %}", "不支持的标签“{% include %}”"),
        ("{% extends 'other.docx' %}", "不支持的标签“{% extends %}”"),
        ("{% import 'macros' as m %}", "不支持的标签“{% import %}”"),
        ("{% for i in range(10000000) %}{% endfor %}", "循环次数过多"),
        ("{{ 'x' * 100000000 }}", "生成的文字过长"),
        ("{{ no_such_name }}", "no_such_name"),
        ("{{ ''.__class__.__mro__ }}", "无法生成文书"),
    ],
)
def test_a_broken_template_names_the_file_and_the_tag(results, user_templates, tmp_path, broken, expected):
    edit(user_templates / "bulletin.docx", lambda doc: doc.add_paragraph(f"补充说明：{broken}"))
    with pytest.raises(UserError) as caught:
        render_bulletin(results, tmp_path / "通报.docx", templates=user_templates, allow_pending=True)
    message = str(caught.value)
    assert "bulletin.docx" in message and expected in message


def test_an_unclosed_block_in_the_middle_points_at_its_open_tag(results, user_templates, tmp_path):
    def insert(doc):
        doc.paragraphs[5].insert_paragraph_before("其他说明：{% if final_count %}此处漏写了结尾")

    edit(user_templates / "bulletin.docx", insert)
    with pytest.raises(UserError) as caught:
        render_bulletin(results, tmp_path / "通报.docx", templates=user_templates, allow_pending=True)
    assert "“{% if %}”没有结尾（所在段落：“其他说明：{% if final_count %}此处漏写了结尾”）" in str(caught.value)


def test_a_file_that_is_not_a_docx_is_refused(results, user_templates, tmp_path):
    (user_templates / "bulletin.docx").write_text("不是 Word 文档", encoding="utf-8")
    with pytest.raises(UserError, match="不是有效的 Word 文档"):
        render_bulletin(results, tmp_path / "通报.docx", templates=user_templates, allow_pending=True)


HOSTILE_CAUSE = "A&B <w:p> </w:t> \"引号\" {{ 7*7 }} {% if %}\x00\x01\x0b\x1f\ufffe结束"
HOSTILE_NOTE = "第3页 & <b>粗体</b>\x0c\r\n第4页"


def hostile_results():
    files = all_files()
    files.append(file_result(
        case("川攀西综执罚〔2024〕41号", "区综合执法局", HOSTILE_CAUSE, "王<五>&"),
        [sheet("董文", {"D12a": 1, "F4a": 3}, veto={"V4"}, notes={"D12a": HOSTILE_NOTE}, comment="]]><!-- x -->"),
         sheet("罗敏", {"D12a": 1}, veto={"V4"})],
    ))
    return build_results(files, cc="市司法局 & 区委办 <抄送>")


def test_user_text_is_escaped_and_control_characters_dropped(tmp_path):
    results = hostile_results()
    bulletin = render_bulletin(results, tmp_path / "通报.docx", allow_pending=True)
    sheets = render_sheets(results, tmp_path / "评查表")
    notices = render_notices(results, tmp_path / "通知")
    expected = "A&B <w:p> </w:t> \"引号\" {{ 7*7 }} {% if %}结束"
    assert expected in document_text(bulletin)
    assert "抄送：市司法局 & 区委办 <抄送>" in document_text(bulletin)
    sheet_text = document_text(next(p for p in sheets if "41号" in p.name))
    assert expected in sheet_text and "当事人\n王某某" in sheet_text and "第3页 & <b>粗体</b>" in sheet_text
    assert expected in document_text(next(p for p in notices if "综合执法局" in p.name))
    for path in (bulletin, *sheets, *notices):
        Document(path)  # opens: the XML is well formed
        assert "\x00" not in "".join(package_parts(path).values())


def test_a_name_typed_into_the_template_is_masked_too(results, user_templates, tmp_path):
    def leak(doc):
        doc.sections[0].header.paragraphs[0].text = "经办：上官燕"
        doc.add_paragraph("欧阳明辉案另行处理。")
        doc.core_properties.keywords = "司马强"
        doc.core_properties.comments = "诸葛文军"
        doc.core_properties.subject = "张建华"

    edit(user_templates / "bulletin.docx", leak)
    path = render_bulletin(results, tmp_path / "通报.docx", templates=user_templates, allow_pending=True)
    packed = "".join(package_parts(path).values())
    for name in ("上官燕", "欧阳明辉", "司马强", "诸葛文军", "张建华"):
        assert name not in packed
    doc = Document(path)
    assert doc.sections[0].header.paragraphs[0].text == "经办：上官某某"
    assert doc.core_properties.keywords == "司马某某"


def test_a_name_split_across_runs_and_an_id_typed_into_a_header_are_masked(results, user_templates, tmp_path):
    def leak(doc):
        paragraph = doc.add_paragraph("另查，")
        paragraph.add_run("欧阳")
        paragraph.add_run("明辉").bold = True
        paragraph.add_run("的身份证号为510402 19800101 123X。")
        doc.sections[0].header.paragraphs[0].text = "当事人电话138 1234 5678"

    edit(user_templates / "bulletin.docx", leak)
    path = render_bulletin(results, tmp_path / "通报.docx", templates=user_templates, allow_pending=True)
    text = document_text(path)
    assert "另查，欧阳某某的身份证号为510402********123X。" in text
    assert "明辉" not in "".join(package_parts(path).values())
    assert Document(path).sections[0].header.paragraphs[0].text == "当事人电话138****5678"


def test_a_register_party_who_was_not_drawn_is_masked_in_notes(tmp_path):
    files = all_files()
    files[1] = file_result(files[1].case, [
        sheet("董文", {"D12c": 3}, notes={"D12c": "与慕容复案的送达回证相同"}), sheet("罗敏", {"D12c": 3})])
    results = build_results(files)
    results = type(results)(**{**vars(results), "register_parties": (("慕容复", "个人"),)})
    text = document_text(render_notices(results, tmp_path / "通知", threshold=100)[0]) + "".join(
        document_text(p) for p in render_sheets(results, tmp_path / "表"))
    assert "慕容某某" in text and "慕容复" not in text


def test_an_output_that_cannot_be_written_is_explained(results, tmp_path):
    with pytest.raises(UserError, match="是一个文件夹"):
        render_bulletin(results, tmp_path, allow_pending=True)
