"""The terminal UI driven with Pilot as a person would: what is on screen, and what is in the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from pingcha.results import FINAL, NEEDS_REVIEW
from pingcha.services.activities import get_activity
from pingcha.services.queries import assigned_files
from pingcha.services.results import activity_results
from pingcha.services.sheets import read_sheet, sheet_ref, submit_sheet
from pingcha.tui.app import PingchaApp
from pingcha.tui.screens.home import HomeScreen
from pingcha.tui.screens.review import ReviewScreen
from pingcha.tui.screens.scoring import ScoringScreen
from test_tui_fixtures import (  # noqa: F401
    ACTIVITY, EVALUATOR, LEADER, REPO, db, screen_text, settled, store, sync, template_db,
)

SIZE = (120, 40)


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def first_file(store) -> str:
    return assigned_files(store, ACTIVITY, EVALUATOR)[0].case.case_no


def sheet(store, case_no: str, evaluator: str = EVALUATOR):
    return read_sheet(store, sheet_ref(store, ACTIVITY, evaluator, case_no))


@sync
async def test_evaluator_scores_a_file_from_choosing_themselves_to_submitting(store):
    case_no = first_file(store)
    app = PingchaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        who = app.screen
        assert "请选择评查活动和您本人" in screen_text(app)
        row = [p.name for p in who.people].index(EVALUATOR)
        await pilot.press(*["down"] * row, "enter")
        assert isinstance(app.screen, HomeScreen)
        assert "已提交 0/6" in screen_text(app)

        await pilot.press("enter")
        assert isinstance(app.screen, ScoringScreen)
        text = screen_text(app)
        assert case_no in text and "评查要点" in text and "未开始" in text

        await pilot.press("B", "6", "b", "b")  # jump to B6, two occurrences of B6b
        assert sheet(store, case_no).sheet.deductions == {"B6b": 2}
        assert sheet(store, case_no).status == "草稿"
        await pilot.press("minus")  # one was a mistake
        assert sheet(store, case_no).sheet.deductions == {"B6b": 1}
        await pilot.press("n", *"第12页", "enter")
        assert sheet(store, case_no).sheet.notes == {"B6b": "第12页"}
        assert "说明：第12页" in screen_text(app)
        assert "实得 99 / 100 → 得分 99" in screen_text(app)

        await pilot.press("D", "7", "x")  # 听证 may be 不适用
        assert sheet(store, case_no).sheet.na == {"D7"}
        assert "实得 96.5 / 适用 97.5 → 折算 99" in screen_text(app)

        await pilot.press("D", "1", "2", "x")  # 送达 may not
        assert any("不允许标记为不适用" in m for m in messages(app))
        assert sheet(store, case_no).sheet.na == {"D7"}

        await pilot.press("V", "1", "3", "a")  # a capping veto
        assert sheet(store, case_no).sheet.veto == {"V13"}
        assert "否决 V13" in screen_text(app)

        await pilot.press("s")
        summary = screen_text(app)
        assert "提交评查表" in summary and "B6b" in summary and "第12页" in summary and "V13" in summary
        await pilot.press("enter")
        state = sheet(store, case_no)
        assert state.status == "已提交"
        assert "已提交 · 只读" in screen_text(app)

        await pilot.press("a")  # a submitted sheet is read-only
        assert any("只读" in m for m in messages(app))
        assert sheet(store, case_no).sheet == state.sheet

        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert "已提交 1/6" in screen_text(app)


@sync
async def test_a_file_with_three_deductions_takes_at_most_sixteen_key_presses(store):
    """Counted from the file list to the confirmed submission; note text is content, not keys: a note is typed
    straight after its deduction (a Chinese character opens it) and saved with Enter."""
    case_no = first_file(store)
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        presses = 0

        async def keys(*pressed: str) -> None:
            nonlocal presses
            presses += len(pressed)
            await pilot.press(*pressed)

        async def note(text: str) -> None:
            await pilot.press(*text)
            await keys("enter")

        await keys("enter")
        assert isinstance(app.screen, ScoringScreen)
        await keys("b", "6", "b")
        await note("第8页")
        await keys("d", "1", "2", "c")
        await note("第31页送达回证")
        await keys("f", "3", "a")
        await note("第27及29页")
        await keys("s", "enter")
        assert presses <= 16, presses
        state = sheet(store, case_no)
    assert state.status == "已提交"
    assert state.sheet.deductions == {"B6b": 1, "D12c": 1, "F3a": 1}
    assert state.sheet.notes == {"B6b": "第8页", "D12c": "第31页送达回证", "F3a": "第27及29页"}


@sync
async def test_enter_confirms_no_deduction_and_walks_to_the_next_undecided_item(store):
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert screen.item.code == "A1"
        assert "未定 47 项" in screen_text(app)
        await pilot.press("enter", "enter")  # A1, A2: nothing to deduct
        assert screen.item.code == "A3"
        await pilot.press("a")  # A3 has a deduction: decided
        await pilot.press("tab")
        assert screen.item.code == "B1"
        assert "未定 44 项" in screen_text(app)
        await pilot.press("right", "plus", "space", "space")  # B1b: 1, 2, then wraps to 0 at max_times
        assert sheet(store, first_file(store)).sheet.deductions == {"A3a": 1}


@sync
async def test_leader_settles_a_file_in_review(store):
    before = activity_results(store, ACTIVITY)
    queue = [f for f in before.files if f.status == NEEDS_REVIEW]
    case_no = queue[0].case.case_no
    first, second = sorted(queue[0].evaluators)
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settled(pilot)
        text = screen_text(app)
        assert "待复核案卷  2 件" in text and case_no in text and "分差" in text
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        text = screen_text(app)
        assert f"1 {first}" in text and f"2 {second}" in text and "共 3 处不一致" in text
        await pilot.press("d")  # only the differing rows
        assert "D12" in screen_text(app) and "A1 " not in screen_text(app)

        await pilot.press("1")  # start from the first evaluator's sheet (100 points)
        assert isinstance(app.screen, ScoringScreen) and app.screen.editor.review
        await pilot.press("D", "1", "2", "a")  # the 组长 agrees with the second evaluator on D12a only
        assert "≠" in screen_text(app) and "得分 95" in screen_text(app)
        await pilot.press("escape")  # leaving keeps the draft: nothing is lost, nothing is settled yet
        assert isinstance(app.screen, ReviewScreen)
        assert next(f for f in activity_results(store, ACTIVITY).files if f.case.case_no == case_no).status == NEEDS_REVIEW
        await pilot.press("c")  # continue the draft where it was left
        assert isinstance(app.screen, ScoringScreen) and "得分 95" in screen_text(app)
        await pilot.press("s")  # no 集体评议意见 yet: it is asked for first
        await pilot.pause()
        assert any("集体评议意见" in m for m in messages(app))
        await pilot.press(*"经集体评议 D12a 扣分成立", "ctrl+s")
        await pilot.pause()
        await pilot.press("s")
        assert "确认复核结果" in screen_text(app)
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "待复核案卷  1 件" in screen_text(app)

    after = next(f for f in activity_results(store, ACTIVITY).files if f.case.case_no == case_no)
    assert after.status == FINAL and str(after.score) == "95.0"
    assert after.review.evaluator == LEADER and dict(after.review.sheet.deductions) == {"D12a": 1}
    assert after.review.sheet.comment == "经集体评议 D12a 扣分成立"


@sync
async def test_a_change_made_elsewhere_is_shown_not_crashed_on(store):
    case_no = first_file(store)
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "a")
        assert sheet(store, case_no).sheet.deductions == {"A1a": 1}
        submit_sheet(store, sheet_ref(store, ACTIVITY, EVALUATOR, case_no), EVALUATOR)  # e.g. from the CLI
        await pilot.press("b")
        assert any("已提交，不能再修改" in m for m in messages(app))
        assert "已提交 · 只读" in screen_text(app)
        await pilot.press("escape")
        other = assigned_files(store, ACTIVITY, EVALUATOR)[1].case.case_no
        submit_sheet(store, sheet_ref(store, ACTIVITY, EVALUATOR, other), EVALUATOR)
        await pilot.press("f5")
        assert "已提交 2/6" in screen_text(app)
    assert sheet(store, case_no).sheet.deductions == {"A1a": 1}


@sync
async def test_progress_dashboard_counts_and_grade_chart(store):
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settled(pilot)
        text = screen_text(app)
    assert "抽查案卷 41 件：评查中 35 · 待复核 2 · 已完成 4" in text
    assert "评查表已提交 13/82" in text
    counts = activity_results(store, ACTIVITY).grade_counts()
    assert "等次分布（4 件）" in text and "█" in text
    assert all(f"{grade} {count}" in text for grade, count in counts.items())
    assert text.count("等次分布") == 1  # one chart of the grades, not two


@sync
async def test_evaluators_see_no_leader_pages(store):
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        text = screen_text(app)
    assert "复核" not in text.splitlines()[1] and "我的案卷" in text


@sync
async def test_results_mark_excellent_and_failing_files(store):
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settled(pilot)
        app.screen.query_one("#results-files", DataTable).focus()
        text = screen_text(app)
    assert "★ 优秀" in text and "✗ 不合格" in text and "优秀 2 件  合格 1 件  不合格 1 件" in text


@sync
async def test_rubric_file_errors_are_listed_and_a_new_version_shows_its_diff(store, tmp_path: Path):
    broken = tmp_path / "broken.toml"
    source = (REPO / "scoring_rules" / "xiqu-xzcf-2024.1.toml").read_text(encoding="utf-8")
    broken.write_text(source.replace('total = 100', 'total = 100\ncolour = "red"'), encoding="utf-8")
    revised = tmp_path / "revised.toml"
    revised.write_text(source.replace('version = "2024.1"', 'version = "2024.2"')
                       .replace('replaces = "2021.1"', 'replaces = "2024.1"')
                       .replace("执法主体资格", "执法主体资格审查"), encoding="utf-8")
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        path_input = app.screen.query_one("#rubric-path")
        path_input.focus()
        path_input.value = str(broken)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "未通过检查" in text and "colour" in text
        path_input.value = str(revised)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "检查通过" in text and "2024.1" in text and "执法主体资格审查" in text
        await pilot.click("#rubric-load")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "xiqu-xzcf@2024.2" in screen_text(app)


@sync
async def test_register_import_runs_in_a_worker_and_lists_bad_rows(store, tmp_path: Path):
    register = tmp_path / "register.csv"
    register.write_text("案号,执法部门,案由,当事人\n新〔2024〕1号,区综合执法局,占道经营,张三\n新〔2024〕2号,,占道经营,李四\n",
                        encoding="utf-8")
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        app.screen.query_one("#register-path").value = str(register)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
    assert "未导入" in text and "第 3 行" in text


@sync
async def test_reports_run_in_a_worker_and_a_failing_report_says_why(store, tmp_path, monkeypatch):
    """The 通报 is written and issued by the service the command line uses; the other reports, made to fail,
    say why on the page."""
    from docx import Document

    from pingcha.services.rectification import rectification
    from pingcha.tui.widgets import panes_admin

    real = panes_admin.report_function

    def fake_function(name):
        if name.startswith("render_") or name == "write_summary":
            def broken(results, out, **options):
                raise panes_admin.UserError("模板有误（测试）")
            return broken
        return real(name)

    monkeypatch.setattr(panes_admin, "report_function", fake_function)
    out = tmp_path / "out" / "通报.docx"
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        app.screen.query_one("#report-dir").value = str(tmp_path / "out")
        app.screen.query_one("#reports-table").focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("y")  # files are unfinished: the 通报 asks first
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "已生成；新列入整改事项" in text and rectification(store, ACTIVITY).issue is not None
        out.unlink()
        await pilot.click("#reports-all")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
    assert ACTIVITY in "".join(p.text for p in Document(out).paragraphs)
    assert "失败：模板有误" in text


@sync
async def test_the_bulletin_asks_before_it_is_issued_with_unfinished_files(store, tmp_path):
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    unfinished = sum(1 for f in activity_results(store, ACTIVITY).files if f.status != FINAL)
    out = tmp_path / "out" / "通报.docx"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        app.screen.query_one("#report-dir").value = str(tmp_path / "out")
        app.screen.query_one("#reports-table").focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        question = screen_text(app)
        assert f"尚有{unfinished}件未完成评查" in question and "仍要现在生成通报吗" in question
        await pilot.press("escape")
        await pilot.pause()
        assert not out.exists() and "待确认" in screen_text(app)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert out.exists() and "已生成" in screen_text(app)


@sync
async def test_leader_sets_a_document_setting_on_the_reports_page(store):
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        settings = app.screen.query_one("#settings-table")
        settings.focus()
        settings.move_cursor(row=list(settings.rows).index(next(k for k in settings.rows if k.value == "doc_serial")))
        await pilot.press("enter")
        assert app.focused.id == "setting-value"
        await pilot.press("1", "2", "enter")
        assert get_activity(store, ACTIVITY).settings["doc_serial"] == "12"
        app.screen.query_one("#setting-value").value = "明天"
        settings.move_cursor(row=list(settings.rows).index(next(k for k in settings.rows if k.value == "issue_date")))
        settings.focus()
        await pilot.press("enter", "enter")
        assert any("issue_date" in m or "成文日期" in m for m in messages(app))
        assert "issue_date" not in get_activity(store, ACTIVITY).settings


@sync
async def test_mouse_adds_and_removes_a_deduction_with_the_plus_and_minus_on_its_row(store):
    case_no = first_file(store)
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "D", "1", "2")
        detail = app.screen.query_one("#detail")

        def where(code: str, mark: str) -> tuple[int, int]:
            for y, strip in enumerate(detail.lines):
                text = "".join(segment.text for segment in strip)
                if code in text:
                    from rich.cells import cell_len

                    return cell_len(text[: text.index(mark)]) + detail.styles.padding.left, y
            raise AssertionError(code)

        await pilot.click("#detail", offset=where("D12c", "＋"))
        await pilot.click("#detail", offset=where("D12c", "＋"))
        assert sheet(store, case_no).sheet.deductions == {"D12c": 2}
        await pilot.click("#detail", offset=where("D12c", "－"))
        assert sheet(store, case_no).sheet.deductions == {"D12c": 1}
        await pilot.click("#nav", offset=(5, 2))  # the list: A2 is the third line
        assert app.screen.item.code == "A2"


@sync
async def test_help_lists_the_keys_and_the_palette_jumps_to_an_item_by_name(store):
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "question_mark")
        text = screen_text(app)
        assert "按键说明" in text and "无扣分→下一项" in text and "D 1 2 c" in text and "Focus" not in text
        await pilot.press("escape", "ctrl+p")
        await pilot.press(*"送达")
        await pilot.pause(0.3)
        assert "转到 D12 送达" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.screen, ScoringScreen) and app.screen.item.code == "D12"
        await pilot.press("escape", "w")
        assert "请选择评查活动和您本人" in screen_text(app)
