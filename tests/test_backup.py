"""`pingcha backup`: a consistent copy while others write; and files written whole or not at all."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys

import pytest

from pingcha import files
from tests.helpers import REPO, Cli, prepared

WRITER = """
import sys
from pingcha.store import open_store
from pingcha.services.sheets import change_sheet, sheet_ref
db, activity, evaluator, case_no = sys.argv[1:5]
store = open_store(db)
ref = sheet_ref(store, activity, evaluator, case_no)
codes = ["A2a", "A2b", "A2c", "B1b"]
n = 0
while True:
    change_sheet(store, ref, evaluator, code=codes[n % 4], count=n % 2, note=f"第{n}页")
    if n == 0:
        print("ready", flush=True)  # writing from now on
    n += 1
"""


def test_a_backup_taken_while_others_write_is_one_consistent_whole(tmp_path, capsys):
    db = tmp_path / "live.db"
    cli = Cli(db, capsys)
    activity = prepared(cli)
    files_ = cli.json("results", activity, "--json")["files"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), activity, f["evaluators"][0], f["case_no"]],
                                stdout=subprocess.PIPE, text=True, env=env) for f in files_[:2]]
    try:
        for writer in writers:
            assert writer.stdout.readline().strip() == "ready"
        copies = []
        for n in range(3):
            out = tmp_path / f"copy{n}.db"
            assert "已备份到" in cli.ok("backup", "--out", out)
            copies.append(out)
    finally:
        for writer in writers:
            writer.kill()
            writer.wait()
    for copy in copies:
        assert not (tmp_path / f"{copy.name}-wal").exists()  # one self-contained file
        connection = sqlite3.connect(copy)
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        changes = connection.execute("SELECT count(*) FROM audit_log WHERE action = '修改评查表'").fetchone()[0]
        connection.close()
        assert changes > 0
        # every sheet in the copy is exactly what the copy's own audit log says: no change half in
        out = Cli(copy, capsys).ok("check")
        assert "未发现问题" in out and "评查表 2 张" in out


def test_backup_refuses_a_folder_and_the_database_itself(tmp_path, capsys):
    cli = Cli(tmp_path / "b.db", capsys)
    cli.ok("activity", "list")
    status, _, err = cli("backup", "--out", tmp_path)
    assert status == 1 and "是一个文件夹" in err
    status, _, err = cli("backup", "--out", tmp_path / "b.db")
    assert status == 1 and "不能就是数据库文件本身" in err
    status, _, err = cli("backup", "--out", tmp_path / "no" / "such" / "x.db")
    assert status == 1 and "所在文件夹不存在" in err


@pytest.mark.skipif(not os.environ.get("PINGCHA_TEST_POSTGRES"), reason="没有可用的 PostgreSQL")
def test_backup_of_postgres_points_to_pg_dump(tmp_path, capsys):
    status, _, err = Cli(os.environ["PINGCHA_TEST_POSTGRES"], capsys)("backup", "--out", tmp_path / "x.db")
    assert status == 1 and "pg_dump" in err and "Traceback" not in err
    assert not (tmp_path / "x.db").exists()


def _disk_fills_up(monkeypatch) -> None:
    """The disk is full by the time the written bytes are synced."""
    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(files.os, "fsync", full)


def test_a_full_disk_leaves_the_previous_report_whole(tmp_path, capsys, monkeypatch):
    cli = Cli(tmp_path / "r.db", capsys)
    activity = prepared(cli)
    out = tmp_path / "汇总表.xlsx"
    cli.ok("report", "summary", activity, "--out", out)
    good = out.read_bytes()
    _disk_fills_up(monkeypatch)
    status, _, err = cli("report", "summary", activity, "--out", out)
    assert status == 1 and "磁盘空间已满" in err and "Traceback" not in err
    assert out.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left


def test_a_full_disk_leaves_the_previous_export_and_backup_whole(tmp_path, capsys, monkeypatch):
    cli = Cli(tmp_path / "e.db", capsys)
    activity = prepared(cli)
    evaluator = cli.json("results", activity, "--json")["files"][0]["evaluators"][0]
    export, backup = tmp_path / "sheets.json", tmp_path / "backup.db"
    cli.ok("sheets", "export", activity, "--evaluator", evaluator, "--out", export)
    cli.ok("backup", "--out", backup)
    before = export.read_bytes(), backup.read_bytes()
    _disk_fills_up(monkeypatch)
    for command in (("sheets", "export", activity, "--evaluator", evaluator, "--out", export),
                    ("backup", "--out", backup)):
        status, _, err = cli(*command)
        assert status == 1 and "磁盘空间已满" in err, command
    assert (export.read_bytes(), backup.read_bytes()) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
