"""The band rule (§2, ``activity create --band-review``): sheets in different grade bands need 复核."""

from __future__ import annotations

import json
import sqlite3

import pytest
from alembic import command

from pingcha.store import open_store
from pingcha.store.engine import make_engine
from pingcha.store.migrate import HEAD, alembic_config, current_revision
from tests.helpers import REGISTER, ROSTER, RUBRIC, Cli

# 100 − 8 = 92 (优秀) and 100 − 12 = 88 (合格): 4 points apart, within the default spread of 5.
EXCELLENT = {"D12a": 1, "B1b": 1, "A2a": 2}
PASSING = {"D12a": 1, "A1a": 1, "B1b": 1, "A2a": 3}


@pytest.fixture
def cli(tmp_path, capsys) -> Cli:
    return Cli(tmp_path / "p.db", capsys)


def run_activity(cli: Cli, tmp_path, name: str, *options: str) -> dict:
    out = cli.ok("activity", "create", name, "--rubric", RUBRIC, *options)
    cli.ok("cases", "import", name, REGISTER)
    cli.ok("evaluators", "import", name, ROSTER)
    cli.ok("sample", name, "--seed", "7", "--per-agency", "1")
    cli.ok("assign", name, "--seed", "7")
    first = cli.json("results", name, "--json")["files"][0]
    sheets = [{"case_no": first["case_no"], "evaluator": who, "deductions": found}
              for who, found in zip(first["evaluators"], (EXCELLENT, PASSING))]
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(sheets, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", name, path, "--submit", "--allow-undecided")
    result = next(f for f in cli.json("results", name, "--json")["files"] if f["case_no"] == first["case_no"])
    return {"created": out, "file": result}


def test_with_the_band_rule_sheets_in_different_bands_go_to_review(cli, tmp_path):
    banded = run_activity(cli, tmp_path, "分等次", "--band-review")
    assert "各评查表得分分属不同等次的也需复核" in banded["created"]
    file = banded["file"]
    assert (file["status"], file["score"], file["grade"]) == ("needs_review", None, None)
    assert file["reasons"] == ["各评查表得分分属不同等次（优秀 / 合格）"]
    assert "各评查表得分分属不同等次（优秀 / 合格）" in cli.ok("review", "分等次")
    assert "是" in cli.ok("activity", "list")


def test_without_it_the_mean_of_the_two_stands(cli, tmp_path):
    plain = run_activity(cli, tmp_path, "不分等次")
    assert "分属不同等次" not in plain["created"]
    assert (plain["file"]["status"], plain["file"]["score"], plain["file"]["grade"]) == ("final", 90.0, "优秀")


def test_an_activity_of_an_older_database_keeps_the_rule_it_was_created_under(tmp_path, capsys):
    db = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{db}")
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    engine.dispose()
    with sqlite3.connect(db) as connection:
        connection.execute("INSERT INTO rubric_version (id, rubric_id, version, title, content, sha256, loaded_at, "
                           "loaded_by) VALUES (1, 'x', '1', 't', '', '', '2024-01-01 00:00:00', '某')")
        connection.execute("INSERT INTO activity (id, name, rubric_version_id, per_file, spread, settings, created_at,"
                           " created_by) VALUES (1, '旧活动', 1, 2, '5.0', '{}', '2024-01-01 00:00:00', '某')")
    connection.close()
    store = open_store(str(db))  # migrates 0002 → 0003 and on
    assert current_revision(store.engine) == HEAD
    with store.read() as session:
        from pingcha.store.activities import activity_named

        old = activity_named(session, "旧活动")
    store.dispose()
    assert (old.name, old.spread, old.band_review) == ("旧活动", "5.0", False)
