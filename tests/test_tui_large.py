"""The 组长's pages stay usable on a large activity: computed in a worker behind a loading indicator, once per
data version, with tables that add their rows a chunk at a time."""

from __future__ import annotations

import threading

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

import pingcha.tui.derived as derived
from pingcha.services.queries import assigned_files
from pingcha.services.sheets import sheet_ref, submit_sheet
from pingcha.tui.app import STEP_ASIDE, PingchaApp
from pingcha.tui.widgets.panes import LazyTable, ProgressPane, table_rows
from test_tui_fixtures import (  # noqa: F401
    ACTIVITY, EVALUATOR, LEADER, db, screen_text, settled, store, sync, template_db,
)

SIZE = (120, 40)


class Counted:
    """The real ``activity_results``, counting its calls for the pages (results without the sheets' contents)
    and, while ``hold`` is clear, waiting before it runs."""

    def __init__(self, monkeypatch) -> None:
        self.real = derived.activity_results
        self.calls = 0
        self.full = 0  # with the contents: the dashboard's agreement chart
        self.hold = threading.Event()
        self.hold.set()
        monkeypatch.setattr(derived, "activity_results", self)

    def __call__(self, *args, contents: bool = True):
        if contents:
            self.full += 1
        else:
            self.calls += 1
        assert self.hold.wait(timeout=20)
        return self.real(*args, contents=contents)


@sync
async def test_progress_page_shows_a_loading_indicator_then_the_table_and_keys_work_meanwhile(store, monkeypatch):
    results = Counted(monkeypatch)
    prepared = []  # each worker that computed the page's rows
    real_prepare = ProgressPane.prepare
    monkeypatch.setattr(ProgressPane, "prepare", lambda pane, view: prepared.append(view) or real_prepare(pane, view))
    results.hold.clear()  # the computation takes as long as the test wants
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        pane = app.screen.query_one(ProgressPane)
        assert pane.loading
        assert "● ● ●" in screen_text(app) and "抽查案卷" not in screen_text(app)  # the indicator, no figures yet
        await pilot.press("1")  # the screen still answers keys while the page computes
        assert app.screen.query_one("#tabs").active == "files" and "我的案卷" in screen_text(app)
        await pilot.press("2")  # back while it computes: the same worker goes on, no second one starts beside it
        assert pane.loading
        results.hold.set()
        await settled(pilot)
        text = screen_text(app)
        assert not pane.loading and "● ● ●" not in text
        assert "抽查案卷 41 件：评查中 35 · 待复核 2 · 已完成 4" in text
        assert app.screen.query_one("#by-evaluator", DataTable).row_count == 15  # the roster
        assert results.calls == 1 and len(prepared) == 1


@sync
async def test_results_are_computed_once_per_data_version_not_on_every_tab_switch(store, monkeypatch):
    results = Counted(monkeypatch)
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        for key in ("2", "3", "4", "2", "4", "f5"):
            await pilot.press(key)
            await settled(pilot)
        assert (results.calls, results.full) == (1, 1)
        # Another person submits a sheet (e.g. from the CLI): the next visit computes again and shows it.
        case_no = assigned_files(store, ACTIVITY, EVALUATOR)[0].case.case_no
        submit_sheet(store, sheet_ref(store, ACTIVITY, EVALUATOR, case_no), EVALUATOR)
        await pilot.press("2")
        await settled(pilot)
        assert (results.calls, results.full) == (2, 2)
        assert "评查表已提交 14/82" in screen_text(app)


@sync
async def test_a_page_is_shown_at_once_while_another_page_is_still_computing(store, monkeypatch):
    results = Counted(monkeypatch)
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settled(pilot)
        case_no = assigned_files(store, ACTIVITY, EVALUATOR)[0].case.case_no
        submit_sheet(store, sheet_ref(store, ACTIVITY, EVALUATOR, case_no), EVALUATOR)
        results.hold.clear()
        await pilot.press("4")  # its worker computes the new results, and waits
        await pilot.press("2")  # the event loop must not wait for that worker
        assert app.screen.query_one("#tabs").active == "progress"
        assert app.screen.query_one(ProgressPane).loading and "● ● ●" in screen_text(app)
        results.hold.set()
        await settled(pilot)
        assert "评查表已提交 14/82" in screen_text(app)
        assert results.calls == 2


class OneTable(App):
    def compose(self) -> ComposeResult:
        table = LazyTable(id="t", cursor_type="row")
        table.add_columns("案号", "当事人")
        yield table


@sync
async def test_a_long_table_adds_rows_as_the_cursor_nears_the_end_with_widths_from_every_row():
    rows = [(f"罚〔2024〕{n}号", "张三") for n in range(1, 1001)]
    rows[900] = ("罚〔2024〕901号", "[b]某某有限责任公司第九百零一分公司[/b]")  # the widest, and not markup
    app = OneTable()
    async with app.run_test(size=(100, 30)) as pilot:
        widget = app.query_one(LazyTable)
        widget.set_rows(table_rows(rows))
        await pilot.pause()
        assert widget.row_count == LazyTable.CHUNK and widget.total_rows == 1000
        assert widget.ordered_columns[1].width == Text("[b]某某有限责任公司第九百零一分公司[/b]").cell_len
        widget.focus()
        for _ in range(12):  # a page at a time, to the rows loaded so far and on
            await pilot.press("pagedown")
        assert LazyTable.CHUNK < widget.row_count < 1000
        for _ in range(10):  # Ctrl+End: the last row loaded, which loads the next chunk
            await pilot.press("ctrl+end")
        assert widget.row_count == 1000 and widget.cursor_row == 999
        await pilot.pause()
        assert "[b]某某有限责任公司第九百零一分公司[/b]" not in screen_text(app)  # row 901 is off screen at the end
        widget.move_cursor(row=900)
        await pilot.pause()
        assert "[b]某某有限责任公司第九百零一分公司[/b]" in screen_text(app)


@sync
async def test_a_key_press_makes_a_computing_worker_step_aside(store):
    import time

    from pingcha import pacing

    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        before = time.monotonic()
        await pilot.press("2")
        # A worker's next pause (pingcha.pacing) waits until STEP_ASIDE after the key.
        assert pacing._until >= before + STEP_ASIDE
        await settled(pilot)
