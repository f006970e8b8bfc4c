"""The 组长's pages as a person uses them: Esc leaves a field, fields stay on screen at 80×24, what was generated
stays known after a change of person."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from pingcha.tui.app import PingchaApp
from test_tui_fixtures import ACTIVITY, LEADER, db, screen_text, store, sync, template_db  # noqa: F401


@sync
async def test_esc_leaves_a_field_so_page_keys_work_again(store):
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        assert isinstance(app.focused, Input) and app.focused.id == "register-path"
        await pilot.press(*"/tmp/a.csv")
        assert "Esc 离开输入框" in screen_text(app)
        await pilot.press("escape", "7")
        assert app.screen.query_one("#register-path", Input).value == "/tmp/a.csv"
        assert app.screen.query_one("#tabs").active == "reports"


@sync
async def test_the_setting_field_is_on_screen_at_80_by_24(store):
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("7")
        await pilot.pause()
        field = app.screen.query_one("#setting-value", Input)
        assert field.region.height > 0 and field.region.bottom <= 23
        app.screen.query_one("#settings-table").focus()
        await pilot.press("enter", *"12", "enter")
        await pilot.pause()
        assert "已保存：通报标题" in " ".join(n.message for n in app._notifications)


@sync
async def test_report_states_survive_a_change_of_person(store, tmp_path, monkeypatch):
    from datetime import date

    from pingcha.services import documents
    from pingcha.tui.widgets import panes_admin

    real = panes_admin.report_function

    def fake_function(name):
        if name == "pending_message":  # as if every file were finished: no confirmation asked
            return lambda results: ""
        return real(name)

    def fake_bulletin(store, activity, actor, out, **options):
        Path(out).write_text("通报", encoding="utf-8")
        return Path(out), date(2025, 1, 31), []

    monkeypatch.setattr(panes_admin, "report_function", fake_function)
    monkeypatch.setattr(documents, "bulletin", fake_bulletin)
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("7")
        app.screen.query_one("#report-dir").value = str(tmp_path / "out")
        app.screen.query_one("#reports-table").focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "已生成" in screen_text(app)
        app.action_change_person()
        await pilot.pause()
        people = [p.name for p in app.screen.people]
        await pilot.press(*["down"] * people.index(LEADER), "enter")
        await pilot.pause()
        await pilot.press("7")
        await pilot.pause()
        assert "已生成" in screen_text(app)


@sync
async def test_q_quits_from_the_first_screen_and_the_footer_says_so(store):
    app = PingchaApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "请选择评查活动和您本人" in screen_text(app)
        assert "q 退出" in screen_text(app).splitlines()[-1]
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


@sync
async def test_my_files_filter_sort_and_show_drafts_running_score_and_undecided(store):
    from pingcha.services.queries import assigned_files
    from pingcha.services.sheets import change_sheet, sheet_ref
    from test_tui_fixtures import EVALUATOR

    files = assigned_files(store, ACTIVITY, EVALUATOR)
    draft = files[2].case
    ref = sheet_ref(store, ACTIVITY, EVALUATOR, draft.case_no)
    change_sheet(store, ref, EVALUATOR, code="A2a", count=2)
    change_sheet(store, ref, EVALUATOR, code="A1", decided=True)
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        row = next(line for line in text.splitlines() if draft.case_no in line)
        assert "草稿" in row and "98.0（暂）" in row and " 45 " in row
        await pilot.press("slash", *draft.agency[:3])
        await pilot.pause()
        table = app.screen.query_one("#files-table")
        expected = [f for f in files if f.case.agency.startswith(draft.agency[:3])]
        assert table.row_count == len(expected) < len(files)
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert app.screen.case.case_no == expected[0].case.case_no


@sync
async def test_results_filter_by_grade_and_agency(store):
    from pingcha.services.results import activity_results

    results = activity_results(store, ACTIVITY)
    excellent = [f for f in results.files if f.grade == "优秀"]
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("slash", *"优秀")
        await pilot.pause()
        assert app.screen.query_one("#results-files").row_count == len(excellent) > 0
        assert f"显示 {len(excellent)}/{len(results.files)} 件" in str(app.screen.query_one("#results-files-title").render())


@sync
async def test_the_activity_picker_names_each_activity_s_year(store):
    from pingcha.services.activities import create_activity, get_activity

    create_activity(store, "2023年第二次评查", "xiqu-xzcf@2024.1", "管理员", year="２０２３")
    app = PingchaApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#activities")
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert shown[1] == "2023年第二次评查（2023年度，#2，xiqu-xzcf@2024.1）"  # ２０２３ typed full-width
        created = get_activity(store, ACTIVITY).year  # without --year: the year it was created in
        assert shown[0].startswith(f"{ACTIVITY}（{created}年度，#1，")
