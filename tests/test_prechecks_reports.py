"""系统预检 in the documents: the 评查表's section with each evaluator's decision, the 通报's paragraph by agency."""

from __future__ import annotations

import pytest
from docx import Document

from pingcha.services.prechecks import accept_finding, dismiss_finding
from tests.helpers import Cli
from tests.test_prechecks_flow import RUBRIC_2024_2, _assigned_finding


@pytest.fixture
def cli(tmp_path, capsys) -> Cli:
    return Cli(tmp_path / "pc.db", capsys)


def text_of(path) -> str:
    return "\n".join(p.text for p in Document(path).paragraphs)


def test_the_sheet_says_what_each_evaluator_decided_and_the_bulletin_gives_the_figures(cli, tmp_path):
    name = "预检文书"
    cli.ok("activity", "create", name, "--rubric", RUBRIC_2024_2)
    store, ref, finding = _assigned_finding(cli, name)
    accept_finding(store, ref, finding["check"], ref.evaluator)
    cli.ok("report", "sheets", name, "--out", tmp_path / "sheets")
    sheet = next((tmp_path / "sheets").glob(f"*{finding['case_no']}*.docx"))
    text = text_of(sheet)
    assert "系统预检提示" in text
    assert f"{finding['check']}（建议{finding['suggests']}）" in text and finding["detail"] in text
    assert f"{ref.evaluator}：采纳" in text and "未处理" in text  # the other evaluator has not decided
    clean = next(p for p in (tmp_path / "sheets").glob("*.docx") if finding["case_no"] not in p.name
                 and "系统预检提示" not in text_of(p))
    assert clean.exists()

    other = [e for e in cli.json("results", name, "--json")["files"] if e["case_no"] == finding["case_no"]][0]
    second = [e for e in other["evaluators"] if e != ref.evaluator][0]
    from pingcha.services.sheets import sheet_ref

    dismiss_finding(store, sheet_ref(store, name, second, finding["case_no"]), finding["check"], second, "卷内有说明")
    cli.ok("report", "sheets", name, "--out", tmp_path / "again")
    text = text_of(next((tmp_path / "again").glob(f"*{finding['case_no']}*.docx")))
    assert f"{second}：不采纳（卷内有说明）" in text

    cli.ok("report", "bulletin", name, "--out", tmp_path / "通报.docx", "--allow-pending")
    bulletin = text_of(tmp_path / "通报.docx")
    assert "12项预检规则，对案卷目录中的75件案卷逐件预检，发现17件案卷有19处提示" in bulletin
    assert "区综合执法局3件（3处）" in bulletin and "陶家渡街道办事处未发现问题" in bulletin
    assert "采纳1人次、不采纳1人次" in bulletin


def test_without_checks_the_documents_say_nothing_of_pre_checks(cli, tmp_path):
    from tests.helpers import prepared

    name = prepared(cli)  # 2024.1: no [[check]]
    cli.ok("report", "bulletin", name, "--out", tmp_path / "通报.docx", "--allow-pending")
    assert "预检" not in text_of(tmp_path / "通报.docx")
    cli.ok("report", "sheets", name, "--out", tmp_path / "sheets")
    assert all("系统预检提示" not in text_of(p) for p in (tmp_path / "sheets").glob("*.docx"))
