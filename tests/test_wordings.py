"""规范表述: the 组长 curates standard wordings per deduction; the note line offers them first, the 通报's 典型问题
uses them; only a 组长 changes them, every change audited; they belong to the rubric, across activities."""

from __future__ import annotations

import json

import pytest
from textual.widgets import DataTable

from pingcha.errors import Refused, UserError
from pingcha.services import wordings
from pingcha.services.access import issue_credentials
from pingcha.services.notes import note_bank
from pingcha.services.queries import assigned_files
from pingcha.services.results import activity_results
from pingcha.services.sheets import change_sheet, sheet_ref
from pingcha.tui.app import PingchaApp
from pingcha.tui.screens.scoring import ScoringScreen
from pingcha.tui.widgets.scoring_inputs import NoteInput
from pingcha.tui.wordings import WordingsScreen
from helpers import Cli
from test_tui_fixtures import (  # noqa: F401
    ACTIVITY, EVALUATOR, LEADER, REPO, db, screen_text, settled, store, sync, template_db,
)

WORDING = "送达回证未载明受送达人签名或者盖章"


@pytest.fixture
def cli(db, capsys):
    return Cli(db, capsys)


def test_the_leader_adds_edits_and_retires_wordings_from_the_command_line(cli, store):
    out = cli.ok("wordings", ACTIVITY, "--add", "ｄ１２ａ", WORDING + "。", user=LEADER)
    assert "已新增第 1 号规范表述（D12a）" in out  # any case and width; the full stop is the 通报's to add
    cli.ok("wordings", ACTIVITY, "--add", "D12a", "送达回证无受送达人签名", user=LEADER)
    listed = cli.ok("wordings", ACTIVITY)
    assert "D12a" in listed and WORDING in listed and "送达回证无受送达人签名" in listed

    cli.ok("wordings", ACTIVITY, "--edit", "2", "送达回证无受送达人签名且未注明原因", user=LEADER)
    cli.ok("wordings", ACTIVITY, "--retire", "1", user=LEADER)
    data = json.loads(cli.ok("wordings", ACTIVITY, "--json"))
    d12a = next(d for d in data["deductions"] if d["code"] == "D12a")
    assert [w["text"] for w in d12a["wordings"]] == ["送达回证无受送达人签名且未注明原因"]
    assert "已停用" in cli.ok("wordings", ACTIVITY, "--all")

    log = cli.ok("audit", ACTIVITY)
    assert "新增规范表述" in log and "修改规范表述" in log and "停用规范表述" in log


@pytest.mark.parametrize("args, message", [
    (["--add", "D99z", "某表述"], "没有扣分情形“D99z”"),
    (["--add", "D12a", "  \u200b "], "规范表述不能为空"),
    (["--add", "D12a", "长" * 201], "最多 200 字"),
    (["--retire", "7"], "没有第 7 号规范表述"),
    (["--retire", "二"], "编号应是数字"),
])
def test_bad_wordings_are_refused_in_chinese_and_nothing_is_written(cli, store, args, message):
    status, _, err = cli("wordings", ACTIVITY, *args, user=LEADER)
    assert status == 1 and message in err and "Traceback" not in err
    assert wordings.wording_book(store, ACTIVITY, LEADER).deduction("D12a").wordings == ()


def test_the_same_wording_twice_is_refused(cli):
    cli.ok("wordings", ACTIVITY, "--add", "D12a", WORDING, user=LEADER)
    status, _, err = cli("wordings", ACTIVITY, "--add", "d12a", WORDING, user=LEADER)
    assert status == 1 and "已有相同的规范表述（第 1 号）" in err


def test_an_unknown_activity_or_rubric_is_named(cli):
    status, _, err = cli("wordings", "无此活动")
    assert status == 1 and "没有找到评查活动或评分标准“无此活动”" in err


def test_only_a_leader_curates_on_a_protected_activity_and_the_refusal_is_audited(store, tmp_path):
    issue_credentials(store, ACTIVITY, [], tmp_path / "口令.csv", LEADER)
    with pytest.raises(Refused, match="只有组长可以维护规范表述"):
        wordings.add_wording(store, ACTIVITY, "D12a", WORDING, EVALUATOR)
    with pytest.raises(Refused):
        wordings.add_wording(store, "xiqu-xzcf", "D12a", WORDING, EVALUATOR)
    assert wordings.wording_book(store, ACTIVITY, LEADER).deduction("D12a").wordings == ()
    added = wordings.add_wording(store, ACTIVITY, "D12a", WORDING, LEADER)
    with pytest.raises(Refused):
        wordings.retire_wording(store, ACTIVITY, added.number, EVALUATOR)
    from pingcha.services.audit import history

    refusals = [line for line in history(store, ACTIVITY) if line.action == "拒绝" and line.actor == EVALUATOR]
    assert len(refusals) == 2 and all("维护规范表述" in line.detail for line in refusals)


def test_evaluators_do_not_see_other_evaluators_notes_in_the_book(store, tmp_path):
    issue_credentials(store, ACTIVITY, [], tmp_path / "口令.csv", LEADER)
    assert wordings.wording_book(store, ACTIVITY, LEADER).notes_shown
    assert not wordings.wording_book(store, ACTIVITY, EVALUATOR).notes_shown
    assert all(d.notes == () for d in wordings.wording_book(store, ACTIVITY, EVALUATOR).deductions)


def _own_file(store) -> str:
    return assigned_files(store, ACTIVITY, EVALUATOR)[0].case.case_no


def test_wordings_belong_to_the_rubric_and_are_offered_first_in_every_activity_it_scores(cli, store):
    cli.ok("activity", "create", "次年评查", "--rubric", "xiqu-xzcf@2024.1")
    wordings.add_wording(store, ACTIVITY, "D12a", WORDING, LEADER)
    assert [w.text for w in wordings.wording_book(store, "次年评查", LEADER).deduction("D12a").wordings] == [WORDING]
    assert [w.text for w in wordings.wording_book(store, "xiqu-xzcf@2024.1", LEADER).deduction("D12a").wordings] \
        == [WORDING]

    ref = sheet_ref(store, ACTIVITY, EVALUATOR, _own_file(store))
    change_sheet(store, ref, EVALUATOR, code="D12a", count=1, note="第31页送达回证")
    bank = note_bank(store, ref, "D12a")
    assert bank.standard == (WORDING,)
    assert bank.all[0] == WORDING and "第31页送达回证" in bank.used

    retired = wordings.add_wording(store, ACTIVITY, "D12a", "另一说法", LEADER)
    wordings.retire_wording(store, ACTIVITY, retired.number, LEADER)
    assert note_bank(store, ref, "D12a").standard == (WORDING,)


def test_the_results_carry_the_wordings_for_the_bulletin(store):
    wordings.add_wording(store, ACTIVITY, "D12a", WORDING, LEADER)
    assert activity_results(store, ACTIVITY).wordings == {"D12a": (WORDING,)}


@sync
async def test_the_note_line_offers_the_standard_wording_first(store):
    wordings.add_wording(store, ACTIVITY, "D12a", WORDING, LEADER)
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, ScoringScreen)
        await pilot.press("D", "1", "2", "a", "n")
        note = app.screen.query_one("#note", NoteInput)
        assert note.has_focus
        await pilot.press("up")
        assert note.value == WORDING
        assert "规范表述 1/1" in screen_text(app)
        await pilot.press("enter")
    case_no = _own_file(store)
    from pingcha.services.sheets import read_sheet

    assert read_sheet(store, sheet_ref(store, ACTIVITY, EVALUATOR, case_no)).sheet.notes == {"D12a": WORDING}


@sync
async def test_the_leader_curates_wordings_on_their_screen(store):
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("5")
        await settled(pilot)
        await pilot.press("w")
        assert isinstance(app.screen, WordingsScreen)
        deductions = app.screen.query_one("#wording-deductions", DataTable)
        codes = [d.code for d in app.screen.book.deductions]
        await pilot.press(*["down"] * codes.index("D12a"))
        assert app.screen.deduction.code == "D12a"
        await pilot.press("a", *WORDING, "enter")
        assert [w.text for w in wordings.wording_book(store, ACTIVITY, LEADER).deduction("D12a").wordings] == [WORDING]
        assert WORDING[:8] in screen_text(app)
        assert deductions.has_focus

        await pilot.press("tab", "e", *"且未注明原因", "enter")
        assert [w.text for w in wordings.wording_book(store, ACTIVITY, LEADER).deduction("D12a").wordings] == \
            [WORDING + "且未注明原因"]
        await pilot.press("tab", "r")
        assert wordings.wording_book(store, ACTIVITY, LEADER).deduction("D12a").wordings == ()
        await pilot.press("escape")
        assert not isinstance(app.screen, WordingsScreen)


@sync
async def test_the_leader_adopts_a_note_written_before_as_a_wording(store):
    ref = sheet_ref(store, ACTIVITY, EVALUATOR, _own_file(store))
    change_sheet(store, ref, EVALUATOR, code="D12a", count=1, note="送达回证无签名")
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        app.push_screen(WordingsScreen(ACTIVITY))
        await pilot.pause()
        codes = [d.code for d in app.screen.book.deductions]
        await pilot.press(*["down"] * codes.index("D12a"), "tab", "enter", *"或者盖章", "enter")
    assert [w.text for w in wordings.wording_book(store, ACTIVITY, LEADER).deduction("D12a").wordings] == \
        ["送达回证无签名或者盖章"]


def test_a_retired_wording_cannot_be_edited(store):
    added = wordings.add_wording(store, ACTIVITY, "D12a", WORDING, LEADER)
    wordings.retire_wording(store, ACTIVITY, added.number, LEADER)
    with pytest.raises(UserError, match="已停用"):
        wordings.edit_wording(store, ACTIVITY, added.number, "新说法", LEADER)


def test_wordings_on_postgres(capsys):
    from test_postgres import SERVER

    if not SERVER:
        pytest.skip("没有可用的 PostgreSQL（设置 PINGCHA_TEST_POSTGRES 后运行）")
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from helpers import prepared

    name = f"pingcha_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        cli = Cli(make_url(SERVER).set(database=name).render_as_string(hide_password=False), capsys)
        activity = prepared(cli)
        assert "已新增第 1 号规范表述（D12a）" in cli.ok("wordings", activity, "--add", "d12a", WORDING)
        cli.ok("wordings", activity, "--retire", "1")
        data = json.loads(cli.ok("wordings", "xiqu-xzcf", "--json", "--all"))
        d12a = next(d for d in data["deductions"] if d["code"] == "D12a")
        assert [(w["text"], w["retired"]) for w in d12a["wordings"]] == [(WORDING, True)]
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
