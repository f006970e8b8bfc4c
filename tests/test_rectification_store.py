"""Migration 0006 (整改 and 异议 tables): a database of revision 0004 with work in it upgrades keeping every row,
the new tables refuse statuses the rules do not know, and the whole loop runs on PostgreSQL too."""

from __future__ import annotations

import json
import os
import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, make_url, text

from pingcha.store import open_store
from pingcha.store.migrate import HEAD, alembic_config
from tests.helpers import Cli
from tests.rectify_setup import ACTIVITY, LEADER, build

SERVER = os.environ.get("PINGCHA_TEST_POSTGRES")
NEW_TABLES = {"bulletin_issue", "rectification_item", "rectification_event", "objection"}
KEPT = ("activity", "case_file", "evaluator", "score_sheet", "sheet_deduction", "sheet_mark", "audit_log")


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = {name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() for name in KEPT}
    engine.dispose()
    return found


def test_a_0004_database_upgrades_keeping_its_rows_and_the_loop_then_runs(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PINGCHA_TODAY", "2025-01-20")
    db = tmp_path / "p.db"
    facts = build(db, tmp_path)
    url = f"sqlite:///{db}"
    config = alembic_config(url)
    command.downgrade(config, "0004")
    engine = create_engine(url)
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    engine.dispose()
    before = counts(url)

    cli = Cli(db, capsys)
    assert f"表结构为最新版本 {HEAD}" in cli.ok("check")  # opening it migrated it
    assert counts(url) == before
    cli.ok("report", "bulletin", ACTIVITY, "--out", tmp_path / "通报.docx")
    cli.ok("rectify", ACTIVITY, facts["failing"][0], "--reply", "已整改", user=LEADER)
    assert {i["status"] for i in cli.json("rectify", ACTIVITY, "--json")["items"]} == {"已反馈", "待整改"}


FORBIDDEN = [
    "UPDATE rectification_item SET status = '已完成'",
    "UPDATE rectification_event SET action = '撤销'",
    "UPDATE objection SET status = '已撤回'",
    # a second item for a file that is one already
    "INSERT INTO rectification_item (activity_id, case_file_id, issue_id, status, deadline)"
    " SELECT activity_id, case_file_id, issue_id, status, deadline FROM rectification_item LIMIT 1",
    # a second objection under a number taken
    "INSERT INTO objection (activity_id, number, case_file_id, item_code, text, status, recorded_at, recorded_by,"
    " answer, reviewed) SELECT activity_id, number, case_file_id, item_code, text, status, recorded_at, recorded_by,"
    " answer, reviewed FROM objection LIMIT 1",
]


def test_the_database_refuses_what_the_rules_do_not_allow(tmp_path, capsys):
    db = tmp_path / "p.db"
    facts = build(db, tmp_path)
    cli = Cli(db, capsys)
    cli.ok("objection", ACTIVITY, facts["fair"], "--item", "D12", "--text", "已签字", user=LEADER)
    cli.ok("report", "bulletin", ACTIVITY, "--out", tmp_path / "通报.docx")
    store = open_store(str(db))
    for statement in FORBIDDEN:
        with pytest.raises(Exception, match="(?i)constraint|unique"):
            with store.engine.begin() as connection:
                connection.execute(text(statement))
    store.dispose()
    assert [o["status"] for o in cli.json("objection", ACTIVITY, "--json")["objections"]] == ["待答复"]


@pytest.mark.skipif(not SERVER, reason="没有可用的 PostgreSQL（设置 PINGCHA_TEST_POSTGRES 后运行）")
def test_the_loop_on_postgres(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PINGCHA_TODAY", "2025-01-20")
    name = f"pingcha_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
        facts = build(url, tmp_path)
        cli = Cli(url, capsys)
        cli.ok("objection", ACTIVITY, facts["fair"], "--item", "D12", "--text", "已签字", user=LEADER)
        cli.ok("objection", ACTIVITY, "--uphold", "1", user=LEADER)
        assert "执法部门异议（第 1 号" in cli.ok("review", ACTIVITY)
        cli.ok("report", "bulletin", ACTIVITY, "--out", tmp_path / "通报.docx", "--allow-pending")
        first = facts["failing"][0]
        cli.ok("rectify", ACTIVITY, first, "--reply", "已整改", user=LEADER)
        cli.ok("rectify", ACTIVITY, first, "--accept", user=LEADER)
        items = {i["case_no"]: i for i in json.loads(cli.ok("rectify", ACTIVITY, "--json"))["items"]}
        assert items[first]["status"] == "已销号" and len(items) == 2
        assert "哈希链完整" in cli.ok("check")
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
