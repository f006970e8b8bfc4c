"""The store: schema from migrations, an append-only audit log, concurrent writers, a killed process."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import SQLModel

from pingcha.store import open_store
from pingcha.store.migrate import HEAD, alembic_config
from tests.helpers import REPO, Cli, prepared


def test_migrations_produce_exactly_the_models_schema(tmp_path):
    store = open_store(str(tmp_path / "m.db"))
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


def test_audit_log_refuses_update_and_delete(tmp_path, capsys):
    cli = Cli(tmp_path / "a.db", capsys)
    cli.ok("rubric", "load", REPO / "scoring_rules" / "xiqu-xzcf-2024.1.toml")
    connection = sqlite3.connect(tmp_path / "a.db")
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute(statement)
    assert connection.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 1


def test_stored_rubric_version_is_immutable(tmp_path, capsys):
    cli = Cli(tmp_path / "r.db", capsys)
    original = REPO / "scoring_rules" / "xiqu-xzcf-2024.1.toml"
    cli.ok("rubric", "load", original)
    assert "内容相同" in cli.ok("rubric", "load", original)
    changed = tmp_path / "changed.toml"
    changed.write_text(original.read_text(encoding="utf-8").replace("本项", "本评查项", 1), encoding="utf-8")
    status, _, err = cli("rubric", "load", changed)
    assert status == 1 and "已载入的版本不能修改" in err


WRITER = """
import sys
from pingcha.store import open_store
from pingcha.services.sheets import change_sheet, sheet_ref
db, activity, evaluator, case_no, rounds = sys.argv[1:6]
store = open_store(db)
ref = sheet_ref(store, activity, evaluator, case_no)
codes = ["A1a", "B1a", "C1a", "D1a", "F1a", "G1a"]
for n in range(int(rounds)):
    code = codes[n % len(codes)]
    change_sheet(store, ref, evaluator, code=code, note=f"第{n}页")
    print(n, flush=True)
"""


def _assignments(cli: Cli, activity: str) -> list[tuple[str, str]]:
    files = cli.json("results", activity, "--json")["files"]
    return [(f["case_no"], name) for f in files for name in f["evaluators"]]


def test_four_processes_saving_at_once_lose_nothing(tmp_path, capsys):
    db = tmp_path / "c.db"
    cli = Cli(db, capsys)
    activity = prepared(cli)
    targets = _assignments(cli, activity)[:4]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), activity, evaluator, case_no, "25"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for case_no, evaluator in targets
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert out.split()[-1] == "24"
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    notes = connection.execute("SELECT count(*) FROM sheet_deduction").fetchone()[0]
    assert notes == 4 * 6
    changes = connection.execute("SELECT count(*) FROM audit_log WHERE action = '修改评查表'").fetchone()[0]
    assert changes == 4 * 25


def test_killed_process_keeps_every_committed_change(tmp_path, capsys):
    db = tmp_path / "k.db"
    cli = Cli(db, capsys)
    activity = prepared(cli)
    case_no, evaluator = _assignments(cli, activity)[0]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(db), activity, evaluator, case_no, "100000"],
                               stdout=subprocess.PIPE, text=True, env=env)
    confirmed = -1
    deadline = time.monotonic() + 60
    while confirmed < 40 and time.monotonic() < deadline:
        confirmed = int(process.stdout.readline())
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    audited = connection.execute("SELECT after FROM audit_log WHERE action = '修改评查表' ORDER BY id").fetchall()
    # every change reported as done before the kill is there, in order, with its audit row
    assert len(audited) >= confirmed + 1
    assert [json.loads(a)["note"] for (a,) in audited[: confirmed + 1]] == [f"第{n}页" for n in range(confirmed + 1)]
    store = open_store(str(db))
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM score_sheet")).scalar() == 1


def test_reads_do_not_wait_for_a_writer(tmp_path, capsys):
    """The UI keeps showing results while another process holds the write lock."""
    from pingcha.services.results import activity_results

    db = tmp_path / "r.db"
    cli = Cli(db, capsys)
    activity = prepared(cli)
    store = open_store(str(db))
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        assert len(activity_results(store, activity).files) > 0
        assert time.monotonic() - started < 5
    finally:
        writer.execute("ROLLBACK")
