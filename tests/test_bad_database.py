"""Databases pingcha cannot or must not use as given: each a Chinese message, exit 1, no traceback, nothing
half-written."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.helpers import REGISTER, REPO, RUBRIC, Cli, prepared, write_csv
from test_tui_fixtures import db, template_db  # noqa: F401


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_database_of_a_newer_pingcha_is_left_alone(tmp_path, capsys):
    db = tmp_path / "newer.db"
    cli = Cli(db, capsys)
    cli.ok("activity", "list")
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    connection.close()
    before = _digest(db)
    for command in (("activity", "list"), ("rubric", "load", RUBRIC)):
        status, _, err = cli(*command)
        assert status == 1 and "“0099”不是本程序认识的版本" in err and "请升级 pingcha" in err
        assert "Traceback" not in err
    assert _digest(db) == before


@pytest.mark.parametrize("table", ["audit_log", "notes"])
def test_another_programs_sqlite_file_is_left_alone(tmp_path, capsys, table):
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as connection:
        connection.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, text TEXT)")
        connection.execute(f"INSERT INTO {table} (text) VALUES ('别人的数据')")
    connection.close()
    before = _digest(db)
    status, _, err = Cli(db, capsys)("activity", "list")
    assert status == 1 and "不是 pingcha 的数据库" in err and f"（{table}）" in err
    assert "already exists" not in err and "Traceback" not in err
    assert _digest(db) == before


def _as_someone_without_write_access(args: list[str]) -> subprocess.CompletedProcess:
    """Run ``pingcha ARGS`` as a user whom file permissions bind (root ignores them unless its
    capabilities are dropped)."""
    command = [sys.executable, "-m", "pingcha", *args]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("以 root 运行且没有 setpriv，无法模拟只读文件")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.parametrize("folder_writable", [True, False], ids=["read-only file", "read-only folder"])
def test_a_read_only_database_can_be_read_but_not_written(tmp_path, capsys, folder_writable):
    folder = tmp_path / "share"
    folder.mkdir()
    db = folder / "ro.db"
    activity = prepared(Cli(db, capsys))
    another = write_csv(tmp_path / "more.csv", "案号,执法部门,案由,当事人\n新1号,某局,某事,某公司\n")
    db.chmod(0o444)
    if not folder_writable:
        folder.chmod(0o555)
    try:
        before = _digest(db)
        listed = _as_someone_without_write_access(["--db", str(db), "results", activity])
        assert listed.returncode == 0, listed.stderr
        assert activity in listed.stdout
        for change in (["activity", "create", "另一次", "--rubric", "xiqu-xzcf@2024.1"],
                       ["cases", "import", activity, str(another)]):
            refused = _as_someone_without_write_access(["--db", str(db), *change])
            assert refused.returncode == 1
            assert "数据库文件只读" in refused.stderr and "Traceback" not in refused.stderr
        checked = _as_someone_without_write_access(["--db", str(db), "check"])
        assert checked.returncode == 0, checked.stderr
        assert _digest(db) == before
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)


def test_a_full_disk_says_so_and_writes_nothing(tmp_path, capsys):
    db = tmp_path / "full.db"
    cli = Cli(db, capsys)
    cli.ok("activity", "create", "满盘", "--rubric", RUBRIC)
    with sqlite3.connect(db) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        wanted = connection.execute("SELECT count(*) FROM case_file").fetchone()[0]
    connection.close()

    def no_room_to_grow(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(Engine, "connect", no_room_to_grow)
    try:
        status, _, err = cli("cases", "import", "满盘", REGISTER)
    finally:
        event.remove(Engine, "connect", no_room_to_grow)
    assert status == 1 and "磁盘已满" in err and "此前保存的数据不受影响" in err and "Traceback" not in err
    assert "（数据库报告：database or disk is full）" in err
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM case_file").fetchone()[0] == wanted == 0
    connection.close()
    assert "未发现问题" in cli.ok("check")


def test_a_folder_given_as_the_database(tmp_path, capsys):
    status, _, err = Cli(tmp_path, capsys)("activity", "list")
    assert status == 1 and "是一个文件夹" in err and "Traceback" not in err


def test_the_ui_on_a_read_only_database_shows_it_and_says_why_a_change_is_refused(db):  # noqa: F811
    """In-process, a read-only open stands for a file the user may not write (root ignores permissions)."""
    import asyncio

    from pingcha.store import open_store
    from pingcha.tui.app import PingchaApp
    from test_tui_fixtures import ACTIVITY, EVALUATOR, screen_text

    store = open_store(f"sqlite:///file:{db}?mode=ro&uri=true")

    async def run() -> list[str]:
        app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert "我的案卷" in screen_text(app)
            await pilot.press("enter")
            assert "评查要点" in screen_text(app)
            await pilot.press("B", "6", "b")
            await pilot.pause()
            return [n.message for n in app._notifications]

    shown = asyncio.run(run())
    store.dispose()
    assert any("数据库文件只读" in message for message in shown), shown
