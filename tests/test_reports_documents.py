"""评查表 (one per file) and 整改通知书 (one per agency with failing files)."""

from __future__ import annotations

import pytest
from docx import Document
from test_reports_data import ID_NUMBER, PERSONS, PHONE, RUBRIC, all_files, build_results, document_text, package_parts

from pingcha.errors import UserError
from pingcha.reports import render_notices, render_sheets
from pingcha.reports.engine import safe_filename


@pytest.fixture
def results():
    return build_results()


@pytest.fixture
def sheets(results, tmp_path):
    return {path.name: path for path in render_sheets(results, tmp_path / "评查表")}


def test_one_sheet_per_file_named_safely(results, sheets):
    assert len(sheets) == len(results.files)
    assert "区综合执法局_川攀西综执罚〔2024〕31号_评查表.docx" in sheets


def test_file_names_survive_any_file_system():
    assert safe_filename('川攀西/市监罚〔2024〕1号:*?"<>|') == "川攀西_市监罚〔2024〕1号_______"
    assert safe_filename("con") == "_con"
    assert safe_filename("  . ") == "未命名"


def test_a_sheet_shows_facts_every_item_and_each_evaluators_findings(sheets):
    path = sheets["区综合执法局_川攀西综执罚〔2024〕10号_评查表.docx"]
    doc = Document(path)
    facts = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert facts[0] == ["案号", "川攀西综执罚〔2024〕10号", "执法部门", "区综合执法局"]
    assert facts[2][:2] == ["当事人", "张某某"]
    assert doc.tables[1].rows[0].cells[3].text == "87.8"
    items_tables = doc.tables[2:]
    assert len(items_tables) == 2  # one per evaluator's sheet
    for table in items_tables:
        codes = [row.cells[0].text for row in table.rows[1:-1]]
        expected = [code for c in RUBRIC.categories for code in (c.code, *(i.code for i in c.items))]
        assert codes == expected
    text = document_text(path)
    assert "评查人员：董文（区市场监管局）" in text and "评查人员：罗敏（区应急管理局）" in text
    assert "D12c 送达回证记载内容不全（文书名称、文号、受送达人、送达时间、地点、方式），每缺一项扣1分（3次，扣3分）：第15页送达回证未写送达地点" in text
    assert "签名：" in text and "评查员：董文（区市场监管局）" in text


def test_not_applicable_items_vetoes_and_review_are_shown(sheets):
    excellent = Document(sheets["区综合执法局_川攀西综执罚〔2024〕3号_评查表.docx"])
    hearing = next(row for row in excellent.tables[2].rows if row.cells[0].text == "D7")
    assert [cell.text for cell in hearing.cells[3:5]] == ["—", "不适用"]
    assert "适用项目分值" in document_text(sheets["区综合执法局_川攀西综执罚〔2024〕3号_评查表.docx"])
    vetoed = document_text(sheets["区综合执法局_川攀西综执罚〔2024〕31号_评查表.docx"])
    assert "否决项：V9 违反法定程序" in vetoed and "否决项成立，总分计为0分" in vetoed
    reviewed = document_text(sheets["区应急管理局_川攀西应急罚〔2024〕6号_评查表.docx"])
    assert "本案卷经复核，以复核结果为最终结果（复核人：皇甫婷）" in reviewed
    assert "复核结果（复核人：皇甫婷（区司法局））" in reviewed and "复核人：皇甫婷（区司法局）" in reviewed
    waiting = document_text(sheets["区市场监管局_川攀西市监罚〔2024〕15号_评查表.docx"])
    assert "需复核原因：分差 7.0 超过允许的 5.0" in waiting
    pending = document_text(sheets["区应急管理局_川攀西应急罚〔2024〕9号_评查表.docx"])
    assert "草稿（未提交，不计入结果）" in pending


def test_sheets_mask_names_and_numbers_everywhere(sheets):
    for path in sheets.values():
        packed = "".join(package_parts(path).values())
        for secret in (*PERSONS, ID_NUMBER, PHONE):
            assert secret not in packed, f"{secret} in {path.name}"
    vetoed = document_text(sheets["区综合执法局_川攀西综执罚〔2024〕31号_评查表.docx"])
    assert "未告知欧阳某某陈述申辩权利，身份证号510402********1234，电话138****5678" in vetoed


def test_notices_go_to_agencies_with_failing_files(results, tmp_path):
    paths = render_notices(results, tmp_path / "通知")
    assert sorted(p.name for p in paths) == ["区市场监管局_整改通知书.docx", "区综合执法局_整改通知书.docx"]
    text = document_text(tmp_path / "通知" / "区综合执法局_整改通知书.docx")
    assert "区综合执法局：" in text
    assert "你单位被抽查的3件行政处罚案卷中，有1件评查结果为不合格" in text
    assert "（一）川攀西综执罚〔2024〕31号（欧阳某某未经批准擅自搭建建筑物）" in text
    assert "1．否决项：违反法定程序" in text
    assert "行政处罚事先告知：告知书记载内容不全" in text
    assert "并于2024年4月20日前将整改情况书面报送攀枝花市西区司法局" in text
    for path in paths:
        packed = "".join(package_parts(path).values())
        assert not [secret for secret in (*PERSONS, ID_NUMBER, PHONE) if secret in packed]


def test_a_threshold_chooses_the_files_instead_of_the_grade(results, tmp_path):
    paths = render_notices(results, tmp_path / "通知", threshold=90)
    assert len(paths) == 3
    text = document_text(tmp_path / "通知" / "区应急管理局_整改通知书.docx")
    assert "有1件评查得分低于90分" in text and "川攀西应急罚〔2024〕6号" in text
    with pytest.raises(UserError, match="分数线"):
        render_notices(results, tmp_path / "x", threshold="九十")


def test_no_failing_files_means_no_notices(tmp_path):
    passing = [f for f in all_files() if f.grade != "不合格"]
    assert render_notices(build_results(passing), tmp_path) == []


def test_a_notice_says_which_of_the_agencys_files_are_still_unfinished(results, tmp_path):
    render_notices(results, tmp_path / "通知")
    text = document_text(tmp_path / "通知" / "区市场监管局_整改通知书.docx")
    assert "你单位被抽查的案卷中另有1件尚未完成评查：川攀西市监罚〔2024〕15号（待复核），其评查结果确定后另行通知。" in text
    settled = document_text(tmp_path / "通知" / "区综合执法局_整改通知书.docx")
    assert "尚未完成评查" not in settled


def test_notices_state_problems_in_public_wording(tmp_path):
    from test_reports_data import case, file_result, sheet

    failing = file_result(case("川攀西综执罚〔2024〕50号", "区综合执法局", "违规收费", "王五"),
                          [sheet("董文", {"D5a": 3}, veto={"V1", "V14"}), sheet("罗敏", veto={"V1", "V14"})])
    paths = render_notices(build_results(all_files() + [failing]), tmp_path / "通知")
    text = document_text(next(p for p in paths if "综合执法局" in p.name))
    assert "否决项：执法人员自行收缴罚款且不属于依法当场收缴情形，违反罚缴分离规定（违反《行政处罚法》第六十七条）。" in text
    assert "不得评为优秀" not in text


def test_titles_break_between_words_and_a_manual_mark_decides(results, tmp_path):
    from pingcha.reports import render_bulletin

    path = render_bulletin(results, tmp_path / "a.docx", allow_pending=True,
                           overrides={"title": "关于2024年度行政处罚案卷交叉评查（演示）结果的通报"})
    [title] = [p for p in Document(path).paragraphs if p.style.name == "公文标题"]
    assert title.text == "关于2024年度行政处罚案卷\n交叉评查（演示）结果的通报"
    path = render_bulletin(results, tmp_path / "b.docx", allow_pending=True,
                           overrides={"title": "关于2024年度行政处罚案卷评查结果的通报｜（第二批）"})
    [title] = [p for p in Document(path).paragraphs if p.style.name == "公文标题"]
    assert title.text == "关于2024年度行政处罚案卷评查结果的通报\n（第二批）"


def test_documents_carry_no_foreign_program_or_language_in_their_metadata(results, tmp_path):
    from pingcha.reports import render_bulletin

    paths = [render_bulletin(results, tmp_path / "通报.docx", allow_pending=True),
             render_sheets(results, tmp_path / "表")[0], render_notices(results, tmp_path / "通知")[0]]
    for path in paths:
        parts = package_parts(path)
        assert "Macintosh" not in parts["docProps/app.xml"] and "Normal.dotm" not in parts["docProps/app.xml"]
        assert "ja-JP" not in "".join(parts.values())
        assert 'w:eastAsia="zh-CN"' in parts["word/settings.xml"]
