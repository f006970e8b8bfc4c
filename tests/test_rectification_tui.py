"""整改与异议 in the terminal UI (key 8 for a 组长): objections recorded and upheld before the 通报, and after it the
items listed overdue first, replies recorded, accepted and sent back — each through the services, as the CLI."""

from __future__ import annotations

import pytest

from pingcha.services import objections, rectification
from pingcha.store import open_store
from pingcha.tui.app import PingchaApp
from test_tui_fixtures import screen_text, settled, sync
from tests.rectify_setup import ACTIVITY, EVALUATOR, LEADER, build, copy_db, run


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rectify-tui")
    db = folder / "template.db"
    return db, build(db, folder)


@pytest.fixture
def store(template, tmp_path, monkeypatch):
    monkeypatch.setenv("PINGCHA_TODAY", "2025-02-20")  # after the deadline (2025-02-09)
    store = open_store(str(copy_db(template[0], tmp_path / "p.db")))
    yield store
    store.dispose()


@pytest.fixture
def facts(template) -> dict:
    return template[1]


async def type_text(pilot, text: str) -> None:
    pilot.app.screen.query_one("Input").value = text
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
@sync
async def test_items_overdue_first_and_reply_accept_reject_by_keys(store, facts, tmp_path, size):
    run(store.url.removeprefix("sqlite:///"), "report", "bulletin", ACTIVITY, "--out", tmp_path / "通报.docx")
    first, second = sorted(facts["failing"])
    rectification.decide(store, ACTIVITY, first, LEADER, rectification.RectificationAction.REPLY, "已整改")
    rectification.decide(store, ACTIVITY, first, LEADER, rectification.RectificationAction.ACCEPT)
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=size) as pilot:
        await settled(pilot)
        await pilot.press("9")
        await pilot.pause()
        shown = screen_text(app)
        assert "整改事项 2 件" in shown and "逾期 1 件" in shown
        lines = [line for line in shown.splitlines() if first in line or second in line]
        assert second in lines[0] and "⚠ 11 天" in lines[0] and "⚠" not in lines[1]

        await pilot.press("a")  # accept before any reply: refused, nothing changes
        await pilot.pause()
        assert rectification.rectification(store, ACTIVITY).items[0].status == "待整改"

        await pilot.press("r")
        await type_text(pilot, "已重新送达并归档")
        assert rectification.rectification(store, ACTIVITY).items[0].status == "已反馈"
        await pilot.press("x")
        await type_text(pilot, "")  # a reason is required
        assert rectification.rectification(store, ACTIVITY).items[0].status == "已反馈"
        await pilot.press("x")
        await type_text(pilot, "未附整改后的文书")
        item = rectification.rectification(store, ACTIVITY).items[0]
        assert (item.status, item.history[-1].text) == ("待整改", "未附整改后的文书")
        assert "退回：未附整改" in screen_text(app) or size[0] < 120  # the last column, beyond 80 cells
        await pilot.press("r")
        await type_text(pilot, "已补充")
        await pilot.press("a")
        await pilot.pause()
        assert {i.status for i in rectification.rectification(store, ACTIVITY).items} == {"已销号"}
        assert "逾期 1 件" not in screen_text(app) and "已销号 2" in screen_text(app)


@sync
async def test_objections_recorded_and_answered_by_keys_before_the_bulletin(store, facts):
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("9")
        await pilot.pause()
        assert "通报尚未印发" in screen_text(app)
        await pilot.press("n")
        await type_text(pilot, f"{facts['fair']} d12 送达回证第13页已签字")
        await pilot.press("n")
        await type_text(pilot, f"{facts['clean'][0]} A1 另有一名执法人员")
        assert [o.state for o in objections.objection_list(store, ACTIVITY)] == ["待答复", "待答复"]
        await pilot.press("tab", "u")  # the first objection
        await pilot.pause()
        await pilot.press("down", "d")
        await type_text(pilot, "笔录中只有一名执法人员签名")
        found = objections.objection_list(store, ACTIVITY)
        assert [(o.state, o.answer) for o in found] == [("已采纳，待复核", ""), ("未采纳", "笔录中只有一名执法人员签名")]
        assert "已采纳，待复核" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("3")
        await settled(pilot)
        assert "执法部门异议（第 1 号，D12" in screen_text(app)


@sync
async def test_an_evaluator_has_no_rectification_page(store):
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("9")
        await pilot.pause()
        assert "整改与异议" not in screen_text(app)
