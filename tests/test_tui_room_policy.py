"""§10 in the terminal UI (Pilot), for the rules the services added for a room: a 组长's keys on an evaluator's
sheet are refused, 预检 decisions only on one's own sheet, an evaluator reaches none of the 组长's pages (where
agreement and the register's 预检 are shown), and the scoring screen stays blind until the file is final.

The scoring screens here are built on a sheet that is not the person's own: no page of the UI offers one, so the
test puts it in front of the services as a face that tried would; the services refuse, the screen says why."""

from __future__ import annotations

from pingcha.services.activities import get_activity
from pingcha.services.audit import history
from pingcha.services.queries import case_facts
from pingcha.services.results import activity_results, colleagues_sheets
from pingcha.services.sheets import read_sheet, sheet_ref, submit_sheet
from pingcha.tui.app import PingchaApp
from pingcha.tui.editing import StoredSheetEditor
from pingcha.tui.screens.home import HomeScreen
from pingcha.tui.screens.scoring import ScoringScreen
from test_prechecks_tui import ACTIVITY, open_file_with, store  # noqa: F401 - the fixture
from test_tui_fixtures import screen_text, sync

LEADER = "皇甫婷"
SIZE = (120, 40)


def refusals(store, actor: str) -> int:
    return sum(1 for line in history(store, ACTIVITY) if line.action == "拒绝" and line.actor == actor)


def errors(app) -> str:
    return "\n".join(n.message for n in app._notifications)


@sync
async def test_a_leaders_keys_on_an_evaluators_sheet_are_refused(store):
    file = next(f for f in activity_results(store, ACTIVITY).files if LEADER not in f.evaluators)
    ref = sheet_ref(store, ACTIVITY, file.evaluators[0], file.case.case_no)
    editor = StoredSheetEditor(store, get_activity(store, ACTIVITY).rubric, ref, LEADER)
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        mine = app.screen.files_pane.files
        assert mine and all(f.ref.evaluator == LEADER for f in mine)  # 我的案卷: the 组长's own files only
        app.push_screen(ScoringScreen(editor, case_facts(store, ref.case_file_id), LEADER))
        await pilot.pause()
        await pilot.press("D", "1", "2", "c", "x", "s")
        await pilot.pause()
        assert "组长不能修改其他评查人员的评查表" in errors(app)
    assert read_sheet(store, ref).sheet.deductions == {} and read_sheet(store, ref).status != "已提交"
    assert refusals(store, LEADER) >= 1


@sync
async def test_precheck_keys_on_someone_elses_sheet_are_refused(store):
    finding, ref, own_screen = open_file_with(store, "P1")
    other = next(p for p in ("董文", "林静", "贾丽萍", LEADER) if p != ref.evaluator)
    editor = StoredSheetEditor(store, get_activity(store, ACTIVITY).rubric, ref, other)
    app = PingchaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(ScoringScreen(editor, case_facts(store, ref.case_file_id), other))
        await pilot.pause()
        await pilot.press("D", "1", "0", "y")
        await pilot.pause()
        assert "不能处理" in errors(app) and ref.evaluator in errors(app)
        await pilot.press("w", "enter")
        await pilot.pause()
    assert read_sheet(store, ref).sheet.deductions == {}
    assert refusals(store, other) == 2
    assert not [line for line in history(store, ACTIVITY, ref.case_no) if "预检" in line.action]


@sync
async def test_an_evaluator_reaches_none_of_the_leaders_pages(store):
    evaluator = "董文"
    app = PingchaApp(store, activity=ACTIVITY, user=evaluator)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        for key in "234567":
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.query_one("#tabs").active == "files"
        text = screen_text(app)
    assert "进度" not in text and "评查尺度" not in text and "预检提示及评查人员的处理" not in text


@sync
async def test_the_scoring_screen_stays_blind_until_the_file_is_final(store):
    file = next(f for f in activity_results(store, ACTIVITY).files if LEADER not in f.evaluators)
    mine, theirs = file.evaluators
    ref = sheet_ref(store, ACTIVITY, mine, file.case.case_no)
    submit_sheet(store, ref, mine)  # submitted, the other sheet not yet: the file is still being scored
    assert colleagues_sheets(store, ACTIVITY, file.case.case_no, mine) == ()
    app = PingchaApp(store, activity=ACTIVITY, user=mine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.screen.files_pane
        row = [f.case.case_no for f in pane.shown].index(file.case.case_no)
        await pilot.press(*["down"] * row, "enter")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert theirs not in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
    submit_sheet(store, sheet_ref(store, ACTIVITY, theirs, file.case.case_no), theirs)  # final now
    app = PingchaApp(store, activity=ACTIVITY, user=mine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*["down"] * row, "enter")
        await pilot.pause()
        assert theirs in screen_text(app)  # side by side, for learning
