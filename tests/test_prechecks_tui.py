"""预检 on the scoring screen, driven with Pilot: the mark, the detail, one key to accept, one to dismiss."""

from __future__ import annotations

import pytest

from pingcha.cli import main as cli
from pingcha.services.activities import get_activity
from pingcha.services.prechecks import file_findings, precheck_activity
from pingcha.services.queries import case_facts
from pingcha.services.results import activity_results
from pingcha.services.sheets import read_sheet, sheet_ref
from pingcha.store import open_store
from pingcha.tui.app import PingchaApp
from pingcha.tui.editing import StoredSheetEditor
from pingcha.tui.screens.scoring import ScoringScreen
from test_tui_fixtures import REPO, screen_text, sync

ACTIVITY = "预检界面"


@pytest.fixture
def store(tmp_path):
    db = tmp_path / "pc.db"
    base = ["--db", str(db), "--as", "测试"]
    for step in (
        ["activity", "create", ACTIVITY, "--rubric", str(REPO / "scoring_rules" / "xiqu-xzcf-2024.2.toml")],
        ["cases", "import", ACTIVITY, str(REPO / "sample_cases" / "register.csv")],
        ["evaluators", "import", ACTIVITY, str(REPO / "sample_cases" / "roster.csv")],
        ["sample", ACTIVITY, "--seed", "2024", "--per-agency", "4"],
        ["assign", ACTIVITY, "--seed", "2024"],
    ):
        assert cli([*base, *step]) == 0, step
    store = open_store(str(db))
    yield store
    store.dispose()


def open_file_with(store, check: str):
    """A scoring screen on a drawn file that has a finding of ``check``, as its first evaluator."""
    finding = next(f for f in precheck_activity(store, ACTIVITY, drawn=True).run.findings if f.check == check)
    file = next(f for f in activity_results(store, ACTIVITY).files if f.case.case_no == finding.case_no)
    evaluator = file.evaluators[0]
    ref = sheet_ref(store, ACTIVITY, evaluator, finding.case_no)
    editor = StoredSheetEditor(store, get_activity(store, ACTIVITY).rubric, ref, evaluator)
    return finding, ref, ScoringScreen(editor, case_facts(store, ref.case_file_id), evaluator)


@sync
async def test_a_finding_is_marked_shown_and_accepted_with_one_key(store):
    finding, ref, screen = open_file_with(store, "P1")
    app = PingchaApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(screen)
        await pilot.pause()
        text = screen_text(app)
        assert "!· D10 办案期限" in text and "预检 1 待处理" in text
        await pilot.press("D", "1", "0")  # go to the marked item
        text = screen_text(app)
        assert "系统预检提示" in text and finding.detail in text and "y 采纳" in text
        assert read_sheet(store, ref).sheet.deductions == {}  # shown, not recorded
        presses = ["y"]
        await pilot.press(*presses)
        assert len(presses) == 1
        sheet = read_sheet(store, ref).sheet
        assert sheet.deductions == {"D10a": 1} and sheet.notes == {"D10a": finding.detail}
        text = screen_text(app)
        assert "已采纳" in text and "预检 1 已处理" in text and "− D10 办案期限" in text


@sync
async def test_dismissing_asks_for_an_optional_reason_and_records_nothing_on_the_sheet(store):
    finding, ref, screen = open_file_with(store, "P1")
    app = PingchaApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(screen)
        await pilot.pause()
        await pilot.press("w")  # away from the finding: moves to it first
        assert screen.line.code == "D10"
        await pilot.press("w", *"卷内有延期批准", "enter")
        assert read_sheet(store, ref).sheet.deductions == {}
        decision = next(v for v in file_findings(store, ref) if v.check == "P1").decision
        assert decision.label == "不采纳（卷内有延期批准）"
        assert "已不采纳（卷内有延期批准）" in screen_text(app)
        await pilot.press("y")  # nothing left to decide
        assert read_sheet(store, ref).sheet.deductions == {}


@sync
async def test_a_veto_finding_is_accepted_on_the_veto(store):
    finding, ref, screen = open_file_with(store, "P3")
    app = PingchaApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(screen)
        await pilot.pause()
        await pilot.press("V", "3")
        assert "系统预检提示" in screen_text(app)
        await pilot.press("y")
        sheet = read_sheet(store, ref).sheet
        assert sheet.veto == {"V3"} and sheet.notes["V3"] == finding.detail


@sync
async def test_register_import_in_the_ui_says_how_many_findings(store, tmp_path):
    register = tmp_path / "more.csv"
    register.write_text("案号,执法部门,案由,当事人,执法人员\n新〔2024〕01号,区综合执法局,占道经营,张三,王强\n", encoding="utf-8")
    app = PingchaApp(store, activity=ACTIVITY, user="皇甫婷")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        app.screen.query_one("#register-path").value = str(register)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
    assert "已导入 1 件案卷" in text and "预检：18 件案卷有 25 处提示" in text and f"pingcha precheck {ACTIVITY}" in text


@sync
async def test_arriving_at_a_finding_points_at_the_suggested_deduction(store):
    finding, ref, screen = open_file_with(store, "P2")
    app = PingchaApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(screen)
        await pilot.pause()
        await pilot.press("D", "1", "2")
        assert "▶b D12b" in screen_text(app)
        await pilot.press("y")
        assert read_sheet(store, ref).sheet.deductions == {"D12b": 1}


@sync
async def test_the_leader_sees_how_each_check_fared(store):
    from textual.widgets import DataTable

    from pingcha.services.prechecks import accept_finding as accept

    finding, ref, _ = open_file_with(store, "P1")
    accept(store, ref, "P1", ref.evaluator)
    app = PingchaApp(store, activity=ACTIVITY, user="皇甫婷")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        checks = app.screen.query_one("#by-check", DataTable)
        rows = {checks.get_row_at(i)[0]: checks.get_row_at(i) for i in range(checks.row_count)}
    assert len(rows) == 12
    assert [str(cell) for cell in rows["P1"][1:5]] == ["1", "1", "0", "100%"]


@sync
async def test_my_files_show_how_many_findings_each_has(store):
    finding, ref, _ = open_file_with(store, "P2")
    app = PingchaApp(store, activity=ACTIVITY, user=ref.evaluator)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
    line = next(row for row in text.splitlines() if finding.case_no in row)
    assert "预检" in text and "! 1 处" in line
