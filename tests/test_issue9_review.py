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
