"""Random key sequences through the scoring screen: whatever is pressed, the sheet stored in the database is the
sheet the screen shows (counts, 不适用, vetoes, notes, decided), and so is its score."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingcha.scoring import score_sheet
from pingcha.services.sheets import read_sheet
from pingcha.tui.app import PingchaApp
from pingcha.tui.format import score_text
from pingcha.tui.screens.scoring import ScoringScreen
from test_tui_fixtures import ACTIVITY, EVALUATOR, db, screen_text, store, template_db  # noqa: F401

KEYS = ["a", "b", "c", "d", "e", "h", "minus", "plus", "space", "x", "enter", "tab", "down", "up", "right",
        "left", "ctrl+z", "D", "1", "2", "B", "6", "V", "n", "第", "3", "页", "ｃ", "escape", "s", "y"]


async def drive(store, keys: list[str]) -> None:
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        for key in keys:
            await pilot.press(key)
            if isinstance(app.screen, ScoringScreen):  # Esc, then Enter on 我的案卷, opens a file anew
                screen = app.screen
        if screen.note_code is not None and app.screen is screen:
            await pilot.press("enter")
        await pilot.pause()
        shown = screen.editor.sheet
        stored = read_sheet(store, screen.editor.ref)
        assert stored.sheet.to_json() == shown.to_json()
        if app.screen is not screen:  # Esc left the file: what it last showed is what is stored, checked above
            return
        text = screen_text(app)
        result = score_sheet(screen.rubric, stored.sheet)
        assert f"→ 得分 {score_text(result.score)}" in text or f"→ 折算 {score_text(result.score)}" in text
        if stored.locked:  # submitted (s, y): read-only, nothing is left to decide
            assert "已提交 · 只读" in text
            return
        undecided = sum(1 for item in screen.rubric.items if not stored.sheet.is_decided(item))
        assert f"未定 {undecided} 项" in text


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys=st.lists(st.sampled_from(KEYS), min_size=1, max_size=30))
def test_the_stored_sheet_is_always_the_sheet_on_screen(store, keys):
    asyncio.run(drive(store, keys))
