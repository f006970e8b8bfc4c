"""The reports from the command line, on the demo activity: right content, masked names."""

from __future__ import annotations

import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from pingcha.services.demo import DEMO_ACTIVITY, build_demo
from pingcha.services.results import activity_results
from pingcha.store import open_store
from tests.helpers import Cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(open_store(str(db)))
    return db


def all_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))


def test_bulletin_lists_the_failing_files_and_masks_individuals(demo, tmp_path, capsys):
    cli = Cli(demo, capsys)
    out = tmp_path / "通报.docx"
    assert "已生成通报" in cli.ok("report", "bulletin", DEMO_ACTIVITY, "--out", out, "--set", "doc_serial=12", "--allow-pending")
    results = activity_results(open_store(str(demo)), DEMO_ACTIVITY)
    text = "\n".join(p.text for p in Document(out).paragraphs)
    xml = all_xml(out)
    assert "西司发〔" in xml and "〕12号" in xml
    failing = results.files_with_grade("不合格")
    assert failing, "the demo should have failing files"
    for file in failing:
        assert file.case.case_no in xml
    for file in results.files:
        if file.case.party_type == "个人":
            assert file.case.party not in xml, file.case.party
    assert "一、基本情况" in text


def test_notices_one_per_agency_with_failing_files(demo, tmp_path, capsys):
    cli = Cli(demo, capsys)
    cli.ok("report", "notices", DEMO_ACTIVITY, "--out", tmp_path / "notices")
    results = activity_results(open_store(str(demo)), DEMO_ACTIVITY)
    agencies = {f.case.agency for f in results.files_with_grade("不合格")}
    written = sorted(p.name for p in (tmp_path / "notices").glob("*.docx"))
    assert len(written) == len(agencies) and all(any(a in name for name in written) for a in agencies)


def test_summary_has_a_row_per_file_with_numeric_scores(demo, tmp_path, capsys):
    cli = Cli(demo, capsys)
    cli.ok("report", "summary", DEMO_ACTIVITY, "--out", tmp_path / "汇总表.xlsx")
    results = activity_results(open_store(str(demo)), DEMO_ACTIVITY)
    sheet = load_workbook(tmp_path / "汇总表.xlsx").worksheets[0]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len([r for r in rows if r[0] is not None]) == len(results.files)
    scores = [c for r in rows for c in r if isinstance(c, float)]
    assert scores and all(0 <= s <= 100 for s in scores)


def test_bad_settings_and_unwritable_output_are_clear(demo, tmp_path, capsys):
    cli = Cli(demo, capsys)
    status, _, err = cli("report", "bulletin", DEMO_ACTIVITY, "--out", tmp_path / "x.docx", "--set", "isue_date=2024-01-01")
    assert status == 1 and "未知的文书设置“isue_date”" in err
    status, _, err = cli("report", "bulletin", DEMO_ACTIVITY, "--out", tmp_path / "x.docx", "--set", "issue_date=明天")
    assert status == 1 and "Traceback" not in err
    status, _, err = cli("report", "summary", DEMO_ACTIVITY, "--out", tmp_path)
    assert status == 1 and "Traceback" not in err


def test_a_bulletin_with_unfinished_files_is_refused_unless_allowed(demo, tmp_path, capsys):
    cli = Cli(demo, capsys)
    out = tmp_path / "通报.docx"
    status, _, err = cli("report", "bulletin", DEMO_ACTIVITY, "--out", out)
    assert status == 1 and "Traceback" not in err
    assert "抽取的41件案卷中尚有15件未完成评查（6件待复核、9件正在评查），已完成26件" in err and "--allow-pending" in err
    assert not out.exists()
    assert "已生成通报" in cli.ok("report", "bulletin", DEMO_ACTIVITY, "--out", out, "--allow-pending")


def test_the_bulletin_states_how_the_files_were_drawn(demo, tmp_path, capsys):
    cli = Cli(demo, capsys)
    out = tmp_path / "通报.docx"
    cli.ok("report", "bulletin", DEMO_ACTIVITY, "--out", out, "--allow-pending")
    text = "\n".join(p.text for p in Document(out).paragraphs)
    assert "12个执法部门共报送2024年办结的行政处罚案卷75件，随机抽取了" in text and "抽取比例为54.7%。" in text
    assert "抽取按每个执法部门随机抽取不超过4件的方式，以随机种子“2024”" in text and "可复现同一结果" in text


def test_the_sheet_of_a_reconciled_file_prints_the_leaders_reason(demo, tmp_path, capsys):
    cli = Cli(demo, capsys)
    reconciled = next(f for f in activity_results(open_store(str(demo)), DEMO_ACTIVITY).files if f.review)
    cli.ok("report", "sheets", DEMO_ACTIVITY, "--out", tmp_path / "sheets")
    printed = [all_xml(path) for path in (tmp_path / "sheets").iterdir() if path.suffix == ".docx"]
    assert any(reconciled.review.sheet.comment in xml and "集体评议意见：" in xml for xml in printed)
