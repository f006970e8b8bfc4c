"""Switching pages redraws only what changed: a table's drawn rows survive going to another page and back, the key
bar is one widget that draws the page's keys and runs a clicked one; and what changes is still drawn anew (new rows, a new look)."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.widgets import DataTable

import pingcha.tui.app as app_module

from pingcha.tui.app import PingchaApp
from pingcha.tui.widgets.key_bar import KeyBar
from test_tui_fixtures import ACTIVITY, LEADER, db, screen_text, settled, store, sync, template_db  # noqa: F401


def count_calls(monkeypatch, cls, name: str) -> list[int]:
    """How many times ``cls.name`` was called from now on, as a one-item list."""
    calls = [0]
    real = getattr(cls, name)

    def counting(self, *args, **kwargs):
        calls[0] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, counting)
    return calls


def count_drawn_rows(monkeypatch) -> list[int]:
    """How many table rows were drawn from scratch (DataTable's row renderer called), as a one-item list."""
    return count_calls(monkeypatch, DataTable, "_render_line_in_row")


def table_lines(app, table_id: str) -> list[str]:
    """The table's lines as the terminal shows them, with their styles (so a change of colour shows)."""
    table = app.screen.query_one(f"#{table_id}", DataTable)
    strips = app.screen._compositor.render_strips()
    region = table.region
    return [repr(list(strip.crop(region.x, region.right)))[:2000] for strip in strips[region.y:region.bottom]]


@sync
async def test_the_reports_page_comes_back_without_redrawing_its_tables(store, monkeypatch):
    drawn = count_drawn_rows(monkeypatch)
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        for key in "7575":  # each table drawn once with and once without focus
            await pilot.press(key)
            await pilot.pause()
        shown = screen_text(app)
        assert "发文机关" not in shown and "评分标准" in shown
        await pilot.press("7")
        await pilot.pause()
        before = drawn[0]
        lines = table_lines(app, "settings-table")
        for key in "57575":
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("7")
        await pilot.pause()
        assert "发文机关" in screen_text(app)
        assert table_lines(app, "settings-table") == lines
        assert drawn[0] == before  # every row of both tables came from what was drawn before


class MarkingApp(PingchaApp):
    CSS_PATH = str(Path(app_module.__file__).with_name(PingchaApp.CSS_PATH))
    CSS = "#settings-table.-marked > .datatable--header { color: red; }"


@sync
async def test_changed_rows_and_a_changed_look_are_drawn_anew(store, monkeypatch):
    from pingcha.services.activities import update_settings

    drawn = count_drawn_rows(monkeypatch)
    app = MarkingApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("7")
        await pilot.pause()
        lines = table_lines(app, "settings-table")
        await pilot.press("5")
        await pilot.pause()
        update_settings(store, str(app.who.activity.id), {"title": "二〇二五年案卷评查通报"}, LEADER)
        before = drawn[0]
        await pilot.press("7")
        await pilot.pause()
        assert "二〇二五年案卷评查通报" in screen_text(app)
        assert drawn[0] > before

        for key in "5757":  # drawn in every state: what follows would come from what was drawn
            await pilot.press(key)
            await pilot.pause()
        lines = table_lines(app, "settings-table")
        table = app.screen.query_one("#settings-table")
        table.add_class("-marked")  # only its header's colour changes
        await pilot.pause()
        marked = table_lines(app, "settings-table")
        assert marked != lines  # the red header
        table.remove_class("-marked")
        await pilot.pause()
        assert table_lines(app, "settings-table") == lines  # not the red header drawn a moment ago
        table.add_class("-marked")
        await pilot.pause()
        assert table_lines(app, "settings-table") == marked
        assert "二〇二五年案卷评查通报" in screen_text(app)


@sync
async def test_the_key_bar_is_one_widget_showing_the_pages_keys(store, monkeypatch):
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("7")
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        assert not bar.children  # no widget per key, mounted again at every focus change
        assert "w 切换人员" in screen_text(app).splitlines()[-1]
        assert bar.keys[-1] == "^p 命令"
        drawn = count_calls(monkeypatch, KeyBar, "render")
        await pilot.press("3")  # 复核: the same keys at the foot, so the bar is not drawn again
        await settled(pilot)
        await pilot.press("7")
        await pilot.pause()
        assert drawn[0] == 0
        await pilot.press("5")  # 评分标准 has its own key: the bar shows it, and drops it again on 7
        await pilot.pause()
        assert "w 规范表述" in screen_text(app).splitlines()[-1] and drawn[0] == 1
        await pilot.press("7")
        await pilot.pause()
        foot = screen_text(app).splitlines()[-1]
        assert "规范表述" not in foot and "w 切换人员" in foot


@sync
async def test_a_click_on_the_key_bar_runs_that_key(store):
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        home = app.screen
        foot = screen_text(app).splitlines()[-1]
        gap = cell_len(foot.rstrip().rsplit("▏", 1)[0].rstrip()) + 2  # between the last key and ^p 命令
        await pilot.click(KeyBar, offset=(gap, 0))
        await pilot.pause()
        assert app.screen is home
        await pilot.click(KeyBar, offset=(cell_len(foot[:foot.index("? 帮助")]) + 1, 0))
        await pilot.pause()
        assert app.screen is not home and "按键" in screen_text(app)
