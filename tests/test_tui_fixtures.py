"""Shared data for the terminal UI tests: one demo activity built once through the CLI and services, copied per test.

The sample activity (seed 1) gets a few files fully scored so that the dashboard has grades, the 复核 queue has
files whose sheets disagree, and 董文's own files stay untouched for the evaluator flows.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from pathlib import Path

import pytest

from pingcha.cli import main as cli
from pingcha.results import FileResult
from pingcha.services.results import activity_results
from pingcha.services.sheets import change_sheet, sheet_ref, submit_sheet
from pingcha.store import Store, open_store

REPO = Path(__file__).resolve().parent.parent
ACTIVITY = "演示"
EVALUATOR = "董文"
LEADER = "皇甫婷"
SETUP_ACTOR = "测试"

# (deductions, vetoes) for the two evaluators of each scored file; what each file ends as is in the comment.
SCORED = [
    (({"E2b": 1}, ()), ({"E2b": 1}, ())),  # 99 优秀, final
    (({"D12a": 1, "B3a": 2, "F1b": 2}, ()), ({"D12a": 1, "B3a": 2}, ())),  # 90 / 91 → 90.5 优秀
    (({"D12a": 1, "D5b": 2, "C2a": 2, "B2b": 2}, ()), ({"D12a": 1, "D5b": 2, "C2a": 2, "B2b": 1}, ())),  # 合格
    (({}, ("V4",)), ({"A1a": 1}, ("V4",))),  # 0 不合格 (veto), final
    (({}, ()), ({"D12a": 1, "D5b": 2, "B3a": 2}, ())),  # 100 vs 87: spread → 复核
    (({}, ("V13",)), ({}, ())),  # differing vetoes → 复核
]


def _setup_activity(db: Path) -> None:
    base = ["--db", str(db), "--as", SETUP_ACTOR]
    steps = [
        ["rubric", "load", str(REPO / "scoring_rules" / "xiqu-xzcf-2024.1.toml")],
        ["activity", "create", ACTIVITY, "--rubric", "xiqu-xzcf@2024.1"],
        ["cases", "import", ACTIVITY, str(REPO / "sample_cases" / "register.csv")],
        ["evaluators", "import", ACTIVITY, str(REPO / "sample_cases" / "roster.csv")],
        ["sample", ACTIVITY, "--seed", "1", "--per-agency", "4"],
        ["assign", ACTIVITY, "--seed", "1"],
    ]
    for step in steps:
        assert cli([*base, *step]) == 0, step


def score(store: Store, case_no: str, evaluator: str, deductions: dict[str, int], vetoes=(), submit=True) -> None:
    ref = sheet_ref(store, ACTIVITY, evaluator, case_no)
    for code, count in deductions.items():
        change_sheet(store, ref, evaluator, code=code, count=count)
    for code in vetoes:
        change_sheet(store, ref, evaluator, code=code, marked=True)
    if submit:
        submit_sheet(store, ref, evaluator)


def scored_files(store: Store) -> list[FileResult]:
    """The drawn files scored by the setup: the first ones with neither 董文 nor the leader among their evaluators."""
    files = activity_results(store, ACTIVITY).files
    return [f for f in files if EVALUATOR not in f.evaluators and LEADER not in f.evaluators][: len(SCORED) + 1]


def build_template(db: Path) -> None:
    _setup_activity(db)
    store = open_store(str(db))
    files = scored_files(store)
    for file, sheets in zip(files, SCORED):
        for evaluator, (deductions, vetoes) in zip(file.evaluators, sheets):
            score(store, file.case.case_no, evaluator, deductions, vetoes)
    pending = files[len(SCORED)]
    score(store, pending.case.case_no, pending.evaluators[0], {"G3a": 1})
    score(store, pending.case.case_no, pending.evaluators[1], {"G3a": 1}, submit=False)
    store.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("tui-template") / "template.db"
    build_template(db)
    return db


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database for one test."""
    copy = tmp_path / "pingcha.db"
    # The backup API reads through the template's write-ahead log, which a plain file copy would miss.
    with sqlite3.connect(template_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    target.close()
    return copy


@pytest.fixture
def store(db: Path):
    store = open_store(str(db))
    yield store
    store.dispose()


def screen_text(app) -> str:
    """What the terminal shows, as plain text (styles dropped), for asserting on visible words."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip).rstrip() for strip in strips)


async def settled(pilot) -> None:
    """Wait until the pages computing in worker threads have shown what they computed."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def sync(test):
    """Run an async Pilot test with asyncio.run (the suite needs no async plugin)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run
