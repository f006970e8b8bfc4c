"""The first key press of a session costs what later ones do (< 50 ms target, benchmarks/bench_tui.py): it does not
lay the screen out again, and what it first draws was rehearsed off screen while the person read the file."""

from __future__ import annotations

from pingcha.services.queries import assigned_files
from pingcha.services.sheets import read_sheet, sheet_ref
from pingcha.tui.app import PingchaApp
from pingcha.tui.screens.scoring import ScoringScreen
from test_tui_fixtures import ACTIVITY, EVALUATOR, db, screen_text, store, sync, template_db  # noqa: F401


@sync
async def test_the_first_change_of_a_session_does_not_relayout_the_screen(store):
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        await pilot.pause(0.2)
        assert "未开始" in screen_text(app)
        layouts = []
        original = screen._refresh_layout
        screen._refresh_layout = lambda *a, **k: (layouts.append(1), original(*a, **k))[1]
        await pilot.press("a")
        await pilot.pause()
        assert "草稿" in screen_text(app) and "扣分 1 处" in screen_text(app)
        assert layouts == []


@sync
async def test_the_rehearsed_drawing_never_reaches_the_screen_or_the_sheet(store):
    case_no = assigned_files(store, ACTIVITY, EVALUATOR)[0].case.case_no
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    painted = []
    async with app.run_test(size=(80, 24)) as pilot:
        display = app._display
        def recording(screen, update):  # what the scoring screen writes (the list before it says 草稿 0)
            if isinstance(screen, ScoringScreen):
                painted.append(update)
            display(screen, update)

        app._display = recording
        await pilot.press("enter")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "未开始" in text and "扣分 0 处" in text and "草稿" not in text
        # Every update written to the terminal shows the sheet as it is: no 草稿, no deduction.
        written = "".join(u.render_segments(app.console) for u in painted if hasattr(u, "render_segments"))
        assert written and "草稿" not in written
    assert read_sheet(store, sheet_ref(store, ACTIVITY, EVALUATOR, case_no)).sheet.deductions == {}
