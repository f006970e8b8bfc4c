"""Issue 9 gone through once more as a user: what the second pass found, each with the test that holds it."""

from __future__ import annotations

import argparse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingcha.cli import build_parser, main
from pingcha.rubric.diff import marked_changes
from pingcha.tui.app import PingchaApp
from test_tui_fixtures import ACTIVITY, EVALUATOR, db, screen_text, store, sync, template_db  # noqa: F401


def _commands(parser: argparse.ArgumentParser, path: list[str]):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield [*path, name], sub
                yield from _commands(sub, [*path, name])


def test_every_command_describes_every_argument_and_lines_its_chinese_help_up(capsys, monkeypatch):
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", "80")
    for command, parser in _commands(build_parser(), []):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"pingcha {' '.join(command)}: {action.option_strings or action.dest} has no help"
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        out = capsys.readouterr().out
        assert all(cell_len(line) <= 80 for line in out.splitlines()), (command, out)
        starts = set()
        for section in ("位置参数:", "选项:"):
            if section not in out:
                continue
            body = out.split(section, 1)[1].split("\n\n", 1)[0]
            for line in body.splitlines():
                if not line.startswith("  ") or line.startswith("   "):
                    continue
                name, gap, described = line[2:].partition("  ")
                if gap and described.strip() and not line[2:].startswith("{"):
                    starts.add(cell_len(line) - cell_len(described.lstrip()))
        assert len(starts) <= 1, (command, out)


@given(st.text(alphabet="送达回证文书名称号码页【】的", max_size=40), st.text(alphabet="送达回证文书名称号码页的", max_size=40))
def test_marked_changes_only_add_marks_around_what_changed(old, new):
    old = old.replace("【", "").replace("】", "")
    marked_old, marked_new = marked_changes(old, new)
    assert marked_old.replace("【", "").replace("】", "") == old
    assert marked_new.replace("【", "").replace("】", "") == new
    if old == new:
        assert "【" not in marked_old + marked_new


@sync
async def test_at_80_by_24_the_first_line_says_who_is_signed_in(store):
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert EVALUATOR in screen_text(app).splitlines()[0]


def _disputed_file_with_notes(store):
    """A fresh file both of whose evaluators submit far apart, each with a note on D12a or D12c."""
    from pingcha.results import PENDING
    from pingcha.services.results import activity_results
    from pingcha.services.sheets import change_sheet, sheet_ref, submit_sheet
    from test_tui_fixtures import LEADER

    file = next(f for f in activity_results(store, ACTIVITY).files if f.status == PENDING and not f.sheets
                and EVALUATOR not in f.evaluators and LEADER not in f.evaluators)
    first, second = sorted(file.evaluators)
    for evaluator, changes in ((first, [("D12a", 1, "第31页送达回证无签名")]),
                               (second, [("D12c", 1, "第32页送达回证缺送达方式"), ("V13", None, "")])):
        ref = sheet_ref(store, ACTIVITY, evaluator, file.case.case_no)
        for code, count, note in changes:
            if count is None:
                change_sheet(store, ref, evaluator, code=code, marked=True)
            else:
                change_sheet(store, ref, evaluator, code=code, count=count)
            if note:
                change_sheet(store, ref, evaluator, code=code, note=note)
        submit_sheet(store, ref, evaluator)
    return next(f for f in activity_results(store, ACTIVITY).files if f.case.case_no == file.case.case_no), first, second


@sync
async def test_review_shows_every_evaluators_notes(store):
    from textual.widgets import DataTable

    from pingcha.results import NEEDS_REVIEW
    from pingcha.tui.screens.review import ReviewScreen
    from pingcha.tui.screens.scoring import ScoringScreen
    from test_tui_fixtures import LEADER

    file, first, second = _disputed_file_with_notes(store)
    assert file.status == NEEDS_REVIEW
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(ReviewScreen(file))
        await pilot.pause()
        table = app.screen.query_one("#compare", DataTable)
        table.move_cursor(row=table.get_row_index("D12"))
        await pilot.pause()
        text = screen_text(app)
        assert f"1 {first}的说明：D12a 第31页送达回证无签名" in text
        assert f"2 {second}的说明：D12c 第32页送达回证缺送达方式" in text
        await pilot.press("1")
        assert isinstance(app.screen, ScoringScreen)
        await pilot.press("D", "1", "2")
        text = screen_text(app)
        assert "说明：第31页送达回证无签名" in text  # the 组长's draft started from the first sheet
        assert f"{second}的说明：第32页" in text


@sync
async def test_the_note_line_names_its_deduction_and_80_by_24_keeps_the_facts_and_keys(store):
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        text = screen_text(app)
        for shown in ("当事人", "立案", "决定", "送达", "执法人员", f"评查人 {EVALUATOR}", "s 提交", "? 帮助"):
            assert shown in text, shown
        await pilot.press("D", "1", "2", "c", "n")
        assert "D12c 送达回证记载内容不全" in screen_text(app)


@pytest.mark.parametrize("line", ["title = 测试", "effective = 2024-13-01", "total = 1 00", 'id = "x'])
def test_toml_syntax_errors_read_in_chinese(tmp_path, line):
    from pingcha.rubric import RubricError, load_rubric_file

    path = tmp_path / "bad.toml"
    path.write_text(f'[rubric]\nid = "x"\n{line}\n', encoding="utf-8")
    with pytest.raises(RubricError) as raised:
        load_rubric_file(path)
    said = str(raised.value)
    assert "TOML 语法错误" in said and "Invalid" not in said and "line" not in said and "(" not in said
