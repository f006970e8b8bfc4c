"""Keys on the scoring screen as people press them: codes in any case or width, every rule key reachable,
Enter's 无扣分 kept with the sheet, ctrl+z undoing change after change."""

from __future__ import annotations

import json

from pingcha.services.audit import history
from pingcha.services.sheets import read_sheet, sheet_ref
from pingcha.store import open_store
from pingcha.tui.app import PingchaApp
from pingcha.tui.screens.scoring import ScoringScreen
from test_tui_fixtures import ACTIVITY, EVALUATOR, db, screen_text, store, sync, template_db  # noqa: F401
from test_tui_flows import first_file, messages, sheet
from tests.helpers import REGISTER, ROSTER, RUBRIC, Cli

SIZE = (120, 40)


async def open_first(pilot, app) -> ScoringScreen:
    await pilot.press("enter")
    assert isinstance(app.screen, ScoringScreen)
    return app.screen


@sync
async def test_lowercase_and_full_width_codes_record_the_deduction_typed(store):
    case_no = first_file(store)
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first(pilot, app)
        await pilot.press("B", "6")
        await pilot.press("d", "1", "2", "c")  # on B6, which has a rule d: still D12c, not B6d + B6c
        assert sheet(store, case_no).sheet.deductions == {"D12c": 1}
        assert screen.item.code == "D12"
        await pilot.press("ｆ", "３", "ａ")
        await pilot.press("E", "2", "B")  # caps lock on
        assert sheet(store, case_no).sheet.deductions == {"D12c": 1, "F3a": 1, "E2b": 1}
        assert "扣分 3 处" in screen_text(app)


@sync
async def test_a_code_that_does_not_exist_says_so_and_stays_put(store):
    case_no = first_file(store)
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first(pilot, app)
        await pilot.press("C", "2")
        await pilot.press("b", "9", "9")
        assert any("没有编号“B99”" in m for m in messages(app))
        assert screen.item.code == "C2"
        assert sheet(store, case_no).sheet.deductions == {}


@sync
async def test_enter_is_remembered_with_the_sheet(store):
    case_no = first_file(store)
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        await open_first(pilot, app)
        await pilot.press("enter", "enter", "enter")
        assert "未定 44 项" in screen_text(app)
        await pilot.press("escape")
        await open_first(pilot, app)
        assert "未定 44 项" in screen_text(app)
    assert sheet(store, case_no).sheet.decided == {"A1", "A2", "A3"}


@sync
async def test_ctrl_z_undoes_change_after_change_and_each_is_audited(store):
    case_no = first_file(store)
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first(pilot, app)
        await pilot.press("A", "2", "a", "a", "n", *"第3页", "enter", "D", "7", "x")
        state = sheet(store, case_no).sheet
        assert state.deductions == {"A2a": 2} and state.notes == {"A2a": "第3页"} and state.na == {"D7"}
        await pilot.press("ctrl+z", "ctrl+z")
        state = sheet(store, case_no).sheet
        assert state.na == frozenset() and state.notes == {} and state.deductions == {"A2a": 2}
        assert "不适用 1 项" not in screen_text(app)
        await pilot.press("ctrl+z", "ctrl+z", "ctrl+z")
        assert sheet(store, case_no).sheet.deductions == {} and sheet(store, case_no).sheet.notes == {}
        assert "实得 100 / 100" in screen_text(app)
        assert any("没有可撤销的修改" in m for m in messages(app))
        assert screen.undo == []
    actions = [line.action for line in history(store, ACTIVITY, case_no)]
    assert actions.count("修改评查表") == 4 and actions.count("撤销修改") == 4


def nine_rule_rubric(tmp_path):
    text = RUBRIC.read_text(encoding="utf-8").replace('version = "2024.1"', 'version = "2024.9"', 1)
    extra = "".join(f'  {{ code = "B1{c}", text = "第{i}种情形", points = 1 }},\n' for i, c in enumerate("defghi", start=4))
    anchor = '  { code = "B1c", text = "委托代理人参与调查、陈述申辩或者听证，未附授权委托书", points = 1 },\n'
    path = tmp_path / "nine.toml"
    path.write_text(text.replace(anchor, anchor + extra), encoding="utf-8")
    return path


@sync
async def test_the_eighth_rule_has_its_key(tmp_path, capsys):
    cli = Cli(tmp_path / "nine.db", capsys)
    activity = "九种情形"
    cli.ok("activity", "create", activity, "--rubric", nine_rule_rubric(tmp_path))
    cli.ok("cases", "import", activity, REGISTER)
    cli.ok("evaluators", "import", activity, ROSTER)
    cli.ok("sample", activity, "--seed", "7", "--per-agency", 1)
    cli.ok("assign", activity, "--seed", "7")
    files = cli.json("results", activity, "--json")["files"]
    store = open_store(str(cli.db))
    evaluator = files[0]["evaluators"][0]
    app = PingchaApp(store, activity=activity, user=evaluator)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first(pilot, app)
        case_no = screen.case.case_no
        await pilot.press("B", "1", "h", "i")
        assert "B1h" in screen_text(app)
    ref = sheet_ref(store, activity, evaluator, case_no)
    assert read_sheet(store, ref).sheet.deductions == {"B1h": 1, "B1i": 1}
    store.dispose()


@sync
async def test_the_palette_finds_case_numbers_and_codes_and_says_so_in_chinese(store):
    case_no = first_file(store)
    # [ ] for 〔〕 and full-width digits, as people type a 案号
    typed = case_no.translate({ord("〔"): "[", ord("〕"): "]", **{ord(d): chr(0xFF10 + int(d)) for d in "0123456789"}})
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"zzzz")
        await pilot.pause(0.8)
        assert "没有找到匹配的命令、案号或编号" in screen_text(app) and "No matches" not in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p", *typed)
        await pilot.pause(0.5)
        assert f"打开 {case_no}" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen) and app.screen.case.case_no == case_no
        await pilot.press("ctrl+p", *"d12c")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.item.code == "D12" and app.screen.rule == 2


@sync
async def test_a_submitted_sheet_shows_no_editing_keys_and_a_grade_that_is_not_provisional(store):
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        await open_first(pilot, app)
        assert "暂定等次" in screen_text(app) and "s 提交" in screen_text(app)
        await pilot.press("s", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "已提交 · 只读" in text and "暂定等次" not in text and "等次 优秀" in text
        footer = text.splitlines()[-1]
        assert "提交" not in footer and "不适用" not in footer and "说明" not in footer and "返回" in footer


@sync
async def test_the_comment_takes_several_lines(store):
    case_no = first_file(store)
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        await open_first(pilot, app)
        await pilot.press("m", *"证据较充分", "enter", *"送达不规范", "ctrl+s")
        await pilot.pause()
        assert sheet(store, case_no).sheet.comment == "证据较充分\n送达不规范"
        assert "评语：证据较充分……" in screen_text(app)
        await pilot.press("m", *"又一行", "escape")
        await pilot.pause()
        assert sheet(store, case_no).sheet.comment == "证据较充分\n送达不规范"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert sheet(store, case_no).sheet.comment == ""


@sync
async def test_once_final_my_colleagues_sheet_is_shown_beside_mine(store):
    from pingcha.services.results import activity_results
    from test_tui_fixtures import score

    case_no = first_file(store)
    partner = next(f for f in activity_results(store, ACTIVITY).files if f.case.case_no == case_no).evaluators
    partner = next(name for name in partner if name != EVALUATOR)
    score(store, case_no, EVALUATOR, {"A2a": 1})
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        await open_first(pilot, app)
        assert partner not in screen_text(app)  # not final yet: the colleague stays unseen
        await pilot.press("escape")
        score(store, case_no, partner, {"A2a": 2})
        await pilot.press("f5")
        await open_first(pilot, app)
        await pilot.press("A", "2")
        text = screen_text(app)
        assert f"各评查人：{partner} 98" in text and partner in text.split("键 编号")[1].splitlines()[0]
        assert "≠− A2" in text  # where we differ is marked in the list


@sync
async def test_notes_written_before_are_offered_but_not_a_colleagues_on_the_same_file(store):
    from pingcha.services.results import activity_results
    from pingcha.services.sheets import change_sheet

    case_no = first_file(store)
    files = activity_results(store, ACTIVITY).files
    here = next(f for f in files if f.case.case_no == case_no)
    partner = next(name for name in here.evaluators if name != EVALUATOR)
    elsewhere = next(f for f in files if EVALUATOR not in f.evaluators and not f.sheets)
    for _ in range(2):  # the most used note comes first
        change_sheet(store, sheet_ref(store, ACTIVITY, elsewhere.evaluators[0], elsewhere.case.case_no),
                     elsewhere.evaluators[0], code="B6b", note="询问笔录未逐页签名")
    other = elsewhere.evaluators[1]
    change_sheet(store, sheet_ref(store, ACTIVITY, other, elsewhere.case.case_no), other, code="B6b", note="第2页")
    change_sheet(store, sheet_ref(store, ACTIVITY, partner, case_no), partner, code="B6b", note="同一案卷的发现")
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first(pilot, app)
        await pilot.press("B", "6", "b", "n")
        await pilot.pause()
        note = screen.query_one("#note")
        assert note.suggestions == ["询问笔录未逐页签名", "第2页"]
        await pilot.press("up")
        assert note.value == "询问笔录未逐页签名"
        await pilot.press("up", "enter")
        await pilot.pause()
    assert sheet(store, case_no).sheet.notes == {"B6b": "第2页"}
