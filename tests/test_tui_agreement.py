"""The 组长's dashboard shows how far the evaluators agree, with each one's offset as a bar either side of zero."""

from __future__ import annotations

from decimal import Decimal

from pingcha.agreement import ActivityAgreement, RatedSheet, agreement
from pingcha.rubric import load_rubric_file
from pingcha.tui.app import PingchaApp
from pingcha.tui.widgets.agreement_chart import AgreementChart, agreement_text, offset_bar
from test_tui_fixtures import ACTIVITY, LEADER, REPO, db, store, sync, template_db  # noqa: F401

RUBRIC = load_rubric_file(REPO / "scoring_rules" / "xiqu-xzcf-2024.1.toml")


def view_of(files) -> ActivityAgreement:
    return ActivityAgreement("某活动", RUBRIC, agreement(files, [i.code for i in RUBRIC.items]))


def test_bars_grow_left_for_low_and_right_for_high_offsets():
    left, right = offset_bar(-6.0, 6.0)
    assert left.strip() == "█" * 14 and right.strip() == ""
    left, right = offset_bar(1.5, 6.0)
    assert left.strip() == "" and right.strip() == "███▌"
    assert offset_bar(0.0, 6.0) == (" " * 14, " " * 14)


def test_the_chart_names_the_flagged_evaluator_and_shows_no_nan():
    files = [[RatedSheet("严某", Decimal(72 + n % 2)), RatedSheet(f"评查员{n % 3}", Decimal(80))] for n in range(6)]
    text = agreement_text(view_of(files)).plain
    lines = {line.split()[0]: line for line in text.splitlines() if line.startswith(("严某", "评查员"))}
    assert "偏严" in lines["严某"] and "█│" in lines["严某"] and "−7.5" in lines["严某"]
    assert "│█" in lines["评查员0"]
    assert "双评案卷 6 件" in text and "得分 α" in text and "nan" not in text.lower()


def test_without_double_scored_files_the_chart_says_so():
    assert "还没有由两名以上评查人员都提交了评查表的案卷" in agreement_text(view_of([])).plain
    one = agreement_text(view_of([[RatedSheet("甲", Decimal(80)), RatedSheet("乙", Decimal(70))]])).plain
    assert "至少需要 2 件双评案卷" in one and "（仅 1 张）" in one


@sync
async def test_the_dashboard_computes_agreement_in_a_worker(store):
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = str(app.screen.query_one(AgreementChart).render())
        assert "评查尺度一致性" in shown and "双评案卷" in shown and "评查人员偏差" in shown


@sync
async def test_the_agreement_is_computed_with_the_collectors_full_passes_paused(store, monkeypatch):
    # Scoring a province's sheets with the collector on stalled each key for its full passes (35–220 ms each).
    import gc

    import pingcha.tui.widgets.agreement_chart as chart_module

    collecting = []
    real = chart_module.agreement_of

    def recording(results):
        collecting.append(gc.isenabled())
        return real(results)

    monkeypatch.setattr(chart_module, "agreement_of", recording)
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert collecting and not any(collecting)
        assert gc.isenabled()  # and on again once done


@sync
async def test_an_evaluator_asks_the_leader_to_confirm_an_item(store):
    from pingcha.services.queries import assigned_files
    from pingcha.services.sheets import read_sheet, sheet_ref
    from pingcha.tui.screens.scoring import ScoringScreen
    from test_tui_fixtures import EVALUATOR, screen_text

    case_no = assigned_files(store, ACTIVITY, EVALUATOR)[0].case.case_no
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, ScoringScreen)
        await pilot.press("B", "6", "u", *"笔录未签名是否扣分", "enter")
        await pilot.pause()
        ref = sheet_ref(store, ACTIVITY, EVALUATOR, case_no)
        assert read_sheet(store, ref).sheet.uncertain == {"B6": "笔录未签名是否扣分"}
        assert "已请组长确认：笔录未签名是否扣分" in screen_text(app)
        await pilot.press("u", *["backspace"] * 9, "enter")
        await pilot.pause()
        assert read_sheet(store, ref).sheet.uncertain == {}
        assert "已请组长确认" not in screen_text(app)
