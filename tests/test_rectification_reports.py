"""The 整改情况通报 and the 评查结果反馈单: what they say, in the 通报's official form, individuals' names masked."""

from __future__ import annotations

import pytest
from docx import Document

from pingcha.reports.masking import mask_person
from pingcha.services.results import activity_results
from pingcha.store import open_store
from tests.helpers import Cli
from tests.rectify_setup import ACTIVITY, LEADER, build, copy_db


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rectify-reports")
    db = folder / "template.db"
    return db, build(db, folder)


@pytest.fixture
def cli(template, tmp_path, capsys, monkeypatch) -> Cli:
    monkeypatch.setenv("PINGCHA_TODAY", "2025-02-20")
    return Cli(copy_db(template[0], tmp_path / "p.db"), capsys)


@pytest.fixture
def facts(template) -> dict:
    return template[1]


def text_of(path) -> str:
    doc = Document(path)
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_rectification_bulletin_by_agency_with_the_overdue_files_named(cli, facts, tmp_path):
    cli.ok("activity", "settings", ACTIVITY, "--set", "doc_serial=12")
    cli.ok("report", "bulletin", ACTIVITY, "--out", tmp_path / "通报.docx")
    first, second = sorted(facts["failing"])
    cli.ok("rectify", ACTIVITY, first, "--reply", "已整改", "--on", "2025-01-20", user=LEADER)
    cli.ok("rectify", ACTIVITY, first, "--accept", "--on", "2025-01-25", user=LEADER)
    out = cli.ok("report", "rectification", ACTIVITY, "--out", tmp_path / "整改.docx")
    assert "整改事项 2 件，逾期 1 件" in out
    doc = Document(tmp_path / "整改.docx")
    text = text_of(tmp_path / "整改.docx")
    [title] = [p.text for p in doc.paragraphs if p.style.name == "公文标题"]
    assert title.replace("\n", "") == f"关于{ACTIVITY}发现问题整改情况的通报"
    assert "西司发〔2025〕\u3000\u3000号" in text  # a number of its own, not the 通报's 12
    assert "2025年1月10日，我局印发《关于整改测试行政处罚案卷评查结果的通报》" in text
    assert "截至2025年2月20日，已整改销号1件，尚未销号1件" in text and "其中逾期未完成1件" in text
    assert f"{facts['agencies'][second]}{second}" in text and "已逾期11日，尚未报送整改情况" in text
    assert "攀枝花市西区司法局" in text and "2025年2月20日" in text
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["执法部门", "整改事项", "已销号", "正在审核", "未完成", "其中逾期"]
    annex = [[c.text for c in row.cells] for row in doc.tables[-1].rows]
    assert [r[2] for r in annex[1:]] == sorted([first, second], key=lambda c: (facts["agencies"][c], c))
    assert {(r[4], r[5]) for r in annex[1:]} == {("已销号", ""), ("待整改", "是")}
    section = doc.sections[0]
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]


def test_no_rectification_bulletin_before_the_bulletin(cli, tmp_path):
    status, _, err = cli("report", "rectification", ACTIVITY, "--out", tmp_path / "整改.docx")
    assert status == 1 and "通报尚未印发" in err and not (tmp_path / "整改.docx").exists()


def test_feedback_masks_individual_parties(cli, tmp_path):
    cli.ok("report", "feedback", ACTIVITY, "--out", tmp_path / "反馈")
    store = open_store(str(cli.db))
    results = activity_results(store, ACTIVITY)
    store.dispose()
    texts = {p.name: text_of(p) for p in (tmp_path / "反馈").glob("*.docx")}
    individuals = [f for f in results.files if f.case.party_type == "个人"]
    assert individuals
    for file in individuals:
        text = texts[f"{file.case.agency}_评查结果反馈单.docx"]
        assert file.case.party not in text and mask_person(file.case.party) in text
    assert all("异议" in t and "评查项目编号" in t for t in texts.values())
