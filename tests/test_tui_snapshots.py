"""Snapshots of the scoring screen and the 组长's dashboard at 80×24 and 120×40, so CJK alignment regressions show.

Fixed data (the seeded demo activity), no clock on screen. Update with ``pytest --snapshot-update`` after a
deliberate change, and look at the pictures before committing them.
"""

from __future__ import annotations

import pytest

from pingcha.tui.app import PingchaApp
from test_tui_fixtures import ACTIVITY, EVALUATOR, LEADER, db, settled, store, template_db  # noqa: F401

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_scoring_screen(snap_compare, store, size):
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)

    async def score_a_little(pilot):
        await pilot.press("enter")  # the first assigned file
        await pilot.press("enter", "enter")  # A1, A2: nothing to deduct
        await pilot.press("D", "7", "x")  # 听证 不适用: the total is rescaled
        await pilot.press("B", "6", "b", "b", "n", *"p12", "enter")
        await pilot.press("right", "right")

    assert snap_compare(app, terminal_size=size, run_before=score_a_little)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_progress_dashboard(snap_compare, store, size):
    app = PingchaApp(store, activity=ACTIVITY, user=LEADER)

    async def open_dashboard(pilot):
        await pilot.press("2")
        await settled(pilot)  # computed in a worker behind a loading indicator

    assert snap_compare(app, terminal_size=size, run_before=open_dashboard)
