"""Equal means share a rank in every output: the CLI, its JSON, the UI's 结果 page, the 通报 and the 汇总表."""

from __future__ import annotations

import json

import pytest
from docx import Document
from openpyxl import load_workbook

from pingcha.tui.format import grade_markup, grade_marks
from tests.helpers import Cli, prepared
from tests.test_reports_data import RUBRIC
from tests.test_tui_fixtures import sync


@pytest.fixture
def tied(tmp_path, capsys):
    """Two agencies whose every file scores 100 (tied first), a third at 95, the rest not started."""
    cli = Cli(tmp_path / "tied.db", capsys)
    name = prepared(cli)
    files = cli.json("results", name, "--json")["files"]
    agencies = sorted({f["agency"] for f in files})
    first, second, third = agencies[:3]
    sheets = []
    for f in files:
        if f["agency"] in (first, second, third):
            deductions = {"D12a": 1} if f["agency"] == third else {}
            sheets += [{"case_no": f["case_no"], "evaluator": e, "deductions": deductions} for e in f["evaluators"]]
    (tmp_path / "s.json").write_text(json.dumps(sheets, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", name, tmp_path / "s.json", "--submit")
    return cli, name, (first, second, third), len(agencies)


def test_the_json_and_the_text_results_rank_ties_alike(tied):
    cli, name, (first, second, third), count = tied
    agencies = cli.json("results", name, "--json")["agencies"]
    assert [(a["agency"], a["rank"]) for a in agencies[:3]] == [(first, 1), (second, 1), (third, 3)]
    assert [a["rank"] for a in agencies[3:]] == [None] * (count - 3)
    table = cli.ok("results", name).split("排名")[1].splitlines()[2:5]
    assert [line.split()[:2] for line in table] == [["1", first], ["1", second], ["3", third]]


def test_the_summary_and_the_bulletin_rank_ties_alike(tied, tmp_path):
    cli, name, (first, second, third), _ = tied
    cli.ok("report", "summary", name, "--out", tmp_path / "汇总表.xlsx")
    rows = list(load_workbook(tmp_path / "汇总表.xlsx")["单位结果"].iter_rows(min_row=2, max_row=4, values_only=True))
    assert [row[:2] for row in rows] == [(1, first), (1, second), (3, third)]
    cli.ok("report", "bulletin", name, "--out", tmp_path / "通报.docx")
    table = next(t for t in Document(tmp_path / "通报.docx").tables if t.rows[0].cells[0].text == "排名")
    assert [(r.cells[0].text, r.cells[1].text) for r in table.rows[1:4]] == [("1", first), ("1", second), ("3", third)]


@sync
async def test_the_results_page_ranks_ties_alike(tied):
    from pingcha.store import open_store
    from pingcha.tui.app import PingchaApp

    cli, name, (first, second, third), _ = tied
    app = PingchaApp(open_store(str(cli.db)), activity=name, user="皇甫婷")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        table = app.screen.query_one("#results-agencies")
        cells = [(str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1])) for i in range(3)]
    assert cells == [("1", first), ("1", second), ("3", third)]


def test_grade_marks_follow_the_rubrics_bands_whatever_their_names():
    from dataclasses import replace

    from pingcha.rubric.model import Grade

    four = replace(RUBRIC, grades=(Grade("好", 95), Grade("较好", 80), Grade("一般", 60), Grade("差", 0)))
    assert grade_markup(four, "好") == "[bold green]★ 好[/]"
    assert grade_markup(four, "差") == "[bold red]✗ 差[/]"
    assert grade_markup(four, "较好") == "较好" and grade_markup(four, "一般") == "一般"
    assert grade_markup(four, "优秀") == "优秀"  # not a band of this rubric: no mark
    assert grade_marks(four) == "（★ 好  ✗ 差）"
