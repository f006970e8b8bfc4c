"""The ``pingcha`` command ends its process without freeing its objects one by one (``pingcha.cli.run``): what
it printed still arrives whole, in a file or a pipe, with the command's exit code, and the database is whole."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from test_tui_fixtures import ACTIVITY, LEADER, db, template_db  # noqa: F401


# Output to a pipe buffered, as it is for most people (this machine's PYTHONUNBUFFERED would hide a lost buffer).
BUFFERED = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


def pingcha(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pingcha", *argv], capture_output=True, timeout=120, env=BUFFERED)


def test_everything_printed_arrives_and_the_exit_code_is_the_commands(db, tmp_path):
    done = pingcha("--db", str(db), "results", ACTIVITY, "--json")
    assert done.returncode == 0, done.stderr.decode()
    results = json.loads(done.stdout)  # all of it, to the last brace
    assert len(results["files"]) == 41 and results["agencies"]
    refused = pingcha("--db", str(db), "results", "没有这个活动")
    assert refused.returncode == 1 and "错误：" in refused.stderr.decode() and not refused.stdout


def test_a_reader_that_stops_early_gets_no_traceback(db):
    with subprocess.Popen([sys.executable, "-m", "pingcha", "--db", str(db), "audit", ACTIVITY],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=BUFFERED) as shell:
        shell.stdout.readline()  # like `| head -1`
        shell.stdout.close()
        errors = shell.stderr.read().decode()
        assert shell.wait(timeout=120) == 0
    assert "Traceback" not in errors and "BrokenPipe" not in errors


def test_a_command_that_wrote_leaves_its_work_in_the_main_file(db):
    done = pingcha("--db", str(db), "--as", LEADER, "activity", "settings", ACTIVITY, "--set", "issuer=某区司法局")
    assert done.returncode == 0, done.stderr.decode()
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # folded into the .db before the process ended
    with sqlite3.connect(db) as connection:
        (settings,) = connection.execute("SELECT settings FROM activity WHERE name = ?", (ACTIVITY,)).fetchone()
    assert json.loads(settings)["issuer"] == "某区司法局"
