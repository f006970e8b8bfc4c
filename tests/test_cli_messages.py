"""What the command line says when things go wrong or could: Chinese, exit 1, nothing written."""

from __future__ import annotations

import pytest

from pingcha.services.demo import DEMO_ACTIVITY
from tests.helpers import Cli, prepared


@pytest.fixture
def cli(tmp_path, capsys) -> Cli:
    return Cli(tmp_path / "p.db", capsys)


def test_demo_refuses_a_real_database_and_names_its_own_activity(cli, tmp_path, capsys):
    activity = prepared(cli)
    status, _, err = cli("demo", "--no-ui")
    assert status == 1 and "正式的评查活动" in err and activity in err
    assert DEMO_ACTIVITY not in cli.ok("activity", "list")

    fresh = Cli(tmp_path / "demo.db", capsys)
    out = fresh.ok("demo", "--no-ui")
    assert f"results 1（1 即演示活动“{DEMO_ACTIVITY}”的编号）" in out
    assert "直接使用" in fresh.ok("demo", "--no-ui")  # the demo database itself: fine again
