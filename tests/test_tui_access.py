"""§10 in the terminal UI (Pilot): the person picker asks for the passphrase on a protected activity, and the
results an evaluator sees are blind where a file is still being scored."""

from __future__ import annotations

import csv

from pingcha.services.access import issue_credentials
from pingcha.services.audit import history
from pingcha.services.results import activity_results
from pingcha.tui.app import PingchaApp
from pingcha.tui.screens.dialogs import PassphraseScreen
from pingcha.tui.screens.home import HomeScreen
from pingcha.tui.screens.who import WhoScreen
from test_tui_fixtures import ACTIVITY, EVALUATOR, db, screen_text, store, sync, template_db  # noqa: F401

SIZE = (120, 40)


def slips(store, tmp_path) -> dict[str, str]:
    out = tmp_path / "slips.csv"
    issue_credentials(store, ACTIVITY, [], out, "测试")
    with open(out, encoding="utf-8-sig", newline="") as handle:
        return {row["姓名"]: row["口令"] for row in csv.DictReader(handle)}


@sync
async def test_the_person_picker_asks_for_the_passphrase(store, tmp_path):
    passphrases = slips(store, tmp_path)
    app = PingchaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        who = app.screen
        row = [p.name for p in who.people].index(EVALUATOR)
        await pilot.press(*["down"] * row, "enter")
        await pilot.pause()
        assert isinstance(app.screen, PassphraseScreen) and "受口令保护" in screen_text(app)
        await pilot.press(*"wrong", "enter")
        await pilot.pause()
        assert isinstance(app.screen, WhoScreen)
        assert any("口令不正确" in n.message for n in app._notifications)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*passphrases[EVALUATOR], "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert any(line.action == "拒绝" and line.actor == EVALUATOR for line in history(store, ACTIVITY))


@sync
async def test_starting_as_a_person_still_needs_their_passphrase(store, tmp_path):
    slips(store, tmp_path)
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PassphraseScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WhoScreen)


@sync
async def test_an_evaluator_sees_no_other_names_on_a_file_being_scored(store):
    """A guard: an evaluator's pages (我的案卷; the results are the 组长's) name no co-evaluator."""
    pending = [f for f in activity_results(store, ACTIVITY).files
               if f.status == "pending" and EVALUATOR in f.evaluators and len(f.evaluators) > 1]
    assert pending
    other = next(e for e in pending[0].evaluators if e != EVALUATOR)
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)  # 我的案卷 (no passphrases here: unprotected)
        lines = [line for line in screen_text(app).splitlines() if pending[0].case.case_no in line]
    assert lines and all(other not in line for line in lines)
