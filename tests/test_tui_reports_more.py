"""The 报告 page writes the documents the CLI also writes (评查质量分析, 统计分析, 典型案例, 整改情况通报, 评查结果反馈单),
through the same service functions, so a 组长 in the browser (``pingcha serve``) has them too."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from pingcha.tui.app import PingchaApp
from pingcha.tui.widgets.panes_admin import REPORTS
from test_tui_fixtures import ACTIVITY, LEADER, db, screen_text, settled, store, sync, template_db  # noqa: F401

SIZE = (120, 40)


def text_of(path) -> str:
    doc = Document(str(path))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


async def choose(pilot, key: str) -> int:
    """Choose the report's row and press Enter; the row."""
    reports = pilot.app.screen.query_one("#reports-table")
    reports.focus()
    row = [k for k, *_ in REPORTS].index(key)
    reports.move_cursor(row=row)
    await pilot.press("enter")
    await settled(pilot)
    return row


async def generate(pilot, key: str) -> str:
    """Generate one report from its row; what the page then says of it."""
    row = await choose(pilot, key)
    return pilot.app.screen.query_one("#reports-table").get_row_at(row)[2]


@sync
async def test_the_leader_generates_the_further_documents_from_the_reports_page(store, tmp_path):
    out = tmp_path / "out"
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        app.screen.query_one("#report-dir").value = str(out)
        assert "评查质量分析" in screen_text(app) and "评查结果反馈单" in screen_text(app)

        before = await generate(pilot, "rectification")  # nothing to follow up before the 通报 is issued
        assert before.startswith("失败：") and not (out / "整改情况通报.docx").exists()
        assert "Traceback" not in screen_text(app)

        feedback = await generate(pilot, "feedback")  # sent to the agencies before the 通报
        assert feedback.startswith("已生成") and "异议请于" in feedback

        await choose(pilot, "bulletin")
        await pilot.press("y")  # some files are unfinished: issue it all the same
        await settled(pilot)
        assert (out / "通报.docx").exists()

        states = {key: await generate(pilot, key) for key in ("quality", "stats", "cases", "rectification")}
        text = screen_text(app)
    assert all(state.startswith("已生成") for state in states.values()), states
    assert "1 个评查活动" in states["stats"] and "整改事项" in states["rectification"]
    assert "已生成" in text

    agencies = sorted((out / "评查结果反馈单").glob("*.docx"))
    assert agencies and all("评查结果" in text_of(p) for p in agencies)
    assert f"“{ACTIVITY}”评查质量分析" in text_of(out / "评查质量分析.docx")
    assert "行政处罚案卷评查统计分析" in text_of(out / "统计分析.docx")
    assert f"“{ACTIVITY}”典型案例" in text_of(out / "典型案例.docx")
    assert f"关于{ACTIVITY}发现问题整改情况的通报" in text_of(out / "整改情况通报.docx").replace("\n", "")


@sync
async def test_a_document_that_cannot_be_written_says_why_in_chinese(store, tmp_path):
    blocker = tmp_path / "文件"
    blocker.write_text("不是文件夹", encoding="utf-8")
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        app.screen.query_one("#report-dir").value = str(blocker / "下面")
        state = await generate(pilot, "stats")
    assert state.startswith("失败：无法写入"), state


def test_statistics_from_a_session_leave_out_other_activities_protected_by_passphrases(store, tmp_path):
    """A session signed in to one activity counts its own and the unprotected ones; an activity with passphrases of
    its own needs them (the command line asks), so the page leaves it out and says so."""
    from pingcha.services.access import issue_credentials
    from pingcha.services.activities import create_activity
    from pingcha.services.documents import session_scope
    from pingcha.services.registers import import_roster
    from pingcha.services.stats import chosen_activities

    roster = Path(__file__).resolve().parent.parent / "sample_cases" / "roster.csv"
    for name in ("另一活动（设口令）", "另一活动（未设口令）"):
        create_activity(store, name, "xiqu-xzcf@2024.1", LEADER)
        import_roster(store, name, roster, LEADER)
    issue_credentials(store, "另一活动（设口令）", [], tmp_path / "slips.csv", LEADER)
    numbers = {name: number for number, name, _ in chosen_activities(store)}
    refs, left_out = session_scope(store, ACTIVITY)
    assert refs == [f"#{numbers[ACTIVITY]}", f"#{numbers['另一活动（未设口令）']}"] and left_out == 1
