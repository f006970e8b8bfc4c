"""样卷试评 in the terminal UI: 样卷 first in 我的案卷, live files closed until it is submitted, the feedback screen
after submitting, and the 组长's 样卷 page with everyone's gaps, marking and the setting."""

from __future__ import annotations

import csv
import json

from textual.widgets import DataTable, Input

from pingcha.services import calibration
from pingcha.services.queries import assigned_files
from pingcha.services.results import activity_results
from pingcha.tui.app import PingchaApp
from pingcha.tui.calibration import CalibrationFeedbackScreen
from pingcha.tui.screens.scoring import ScoringScreen
from test_tui_fixtures import (ACTIVITY, EVALUATOR, LEADER, REPO, db, screen_text, settled, store, sync,  # noqa: F401
                               template_db)

REFERENCE = {"deductions": {"D12a": 1}, "notes": {"D12a": "第5页送达回证无签收日期"}, "comment": "以本卷为准"}


def undrawn(store, count: int = 1) -> list[str]:
    drawn = {f.case.case_no for f in activity_results(store, ACTIVITY).files}
    with open(REPO / "sample_cases" / "register.csv", encoding="utf-8-sig", newline="") as handle:
        register = [row["案号"] for row in csv.DictReader(handle) if row["程序类型"] == "普通程序"]
    return [no for no in register if no not in drawn][:count]


def with_sample(store, tmp_path) -> str:
    sample = undrawn(store)[0]
    calibration.mark_files(store, ACTIVITY, [sample], LEADER)
    path = tmp_path / "ref.json"
    path.write_text(json.dumps(REFERENCE, ensure_ascii=False), encoding="utf-8")
    calibration.record_reference(store, ACTIVITY, sample, path, LEADER)
    return sample


@sync
async def test_live_files_wait_for_the_sample_then_feedback_shows_the_gaps(store, tmp_path):
    sample = with_sample(store, tmp_path)
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert f"样卷 {sample}" in shown and "请先完成样卷试评" in shown
        await pilot.press("down", "enter")  # a live file: refused, with the reason
        await pilot.pause()
        assert not isinstance(app.screen, ScoringScreen)
        assert "请先完成样卷试评" in "".join(str(n.message) for n in app._notifications)
        await pilot.press("up", "enter")  # the 样卷 opens
        assert isinstance(app.screen, ScoringScreen)
        await pilot.press("A", "1", "a", "s")
        await pilot.pause()
        await pilot.press("enter")  # confirm the submission
        await pilot.pause()
        assert isinstance(app.screen, CalibrationFeedbackScreen)
        text = screen_text(app)
        assert "第5页送达回证无签收日期" in text and "以本卷为准" in text
        assert "A1" in text and "D12" in text and "参考评分" in text
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("down", "enter")  # now the live file opens
        assert isinstance(app.screen, ScoringScreen)


@sync
async def test_the_leaders_page_shows_everyones_gaps_and_marks_samples(store, tmp_path):
    sample = with_sample(store, tmp_path)
    another = undrawn(store, 2)[1]
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("8")
        await settled(pilot)
        text = screen_text(app)
        assert "样卷试评" in text and "提交全部样卷后才能评查" in text and sample in text
        rows = app.screen.query_one("#calibration-table", DataTable).row_count
        assert rows == sum(1 for p in calibration.overview(store, ACTIVITY, LEADER).files[0].evaluators)
        await pilot.press("l")
        await pilot.pause()
        assert "样卷提交前即可评查" in screen_text(app)
        assert calibration.overview(store, ACTIVITY, LEADER).live_first
        await pilot.press("m")
        field = app.screen.query_one("#calibration-mark", Input)
        assert app.focused is field
        field.value = another  # typed: Pilot presses keys by name, not CJK characters
        await pilot.press("enter")
        await pilot.pause()
        assert another in {f.case_no for f in calibration.overview(store, ACTIVITY, LEADER).files}
        assert any(f.calibration for f in assigned_files(store, ACTIVITY, EVALUATOR) if f.case.case_no == another)
        path = tmp_path / "another.json"
        path.write_text(json.dumps({"deductions": {"A1a": 1}, "notes": {"A1a": "笔录无证号"}}, ensure_ascii=False),
                        encoding="utf-8")
        await pilot.press("f")
        app.screen.query_one("#calibration-reference", Input).value = f"{another} {path}"
        await pilot.press("enter")
        await pilot.pause()
        second = next(f for f in calibration.overview(store, ACTIVITY, LEADER).files if f.case_no == another)
        assert second.reference is not None and second.reference.notes == {"A1a": "笔录无证号"}
        assert "未录入" not in screen_text(app)


@sync
async def test_the_leaders_page_fits_a_small_terminal(store, tmp_path):
    with_sample(store, tmp_path)
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("8")
        await settled(pilot)
        text = screen_text(app)
        assert "8 样卷" in text and "样卷试评" in text and "Traceback" not in text
