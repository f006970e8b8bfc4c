"""Commits that survive: synced in full, folded back into the .db file when a command or the UI closes, and
files read before the write lock is taken."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import struct
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from pingcha.store import open_store
from tests.helpers import REPO, Cli, prepared, write_csv

pty = pytest.importorskip("pty")


def _exported(cli: Cli, activity: str, evaluator: str) -> dict[str, dict]:
    out = cli.db.parent / f"{evaluator}.json"
    cli.ok("sheets", "export", activity, "--evaluator", evaluator, "--out", out)
    return {s["case_no"]: s for s in json.loads(out.read_text(encoding="utf-8"))}


def _wal_is_empty(db: Path) -> bool:
    wal = Path(f"{db}-wal")
    return not wal.exists() or wal.stat().st_size == 0


def test_commits_are_synced_to_disk_in_full(tmp_path):
    store = open_store(str(tmp_path / "f.db"))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.dispose()


def test_after_a_command_the_db_file_alone_holds_the_change(tmp_path, capsys):
    db = tmp_path / "work.db"
    cli = Cli(db, capsys)
    activity = prepared(cli)
    file = cli.json("results", activity, "--json")["files"][0]
    sheet = {"case_no": file["case_no"], "evaluator": file["evaluators"][0], "deductions": {"A2a": 2}}
    (tmp_path / "s.json").write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
    held = sqlite3.connect(db)  # someone else has the database open meanwhile (the UI, say)
    held.execute("SELECT count(*) FROM audit_log").fetchone()
    cli.ok("sheets", "import", activity, tmp_path / "s.json")
    assert _wal_is_empty(db)
    held.close()
    mailed = tmp_path / "mailed"
    mailed.mkdir()
    shutil.copy(db, mailed / "work.db")  # only the main file, as people copy "the database"
    exported = _exported(Cli(mailed / "work.db", capsys), activity, sheet["evaluator"])
    assert exported[sheet["case_no"]]["deductions"] == {"A2a": 2}


class CommandTerminal:
    """``pingcha ARGS`` as a person starts it, on a pseudo-terminal (the UI when ARGS names no command)."""

    def __init__(self, args: list[str]) -> None:
        from tests.test_tui_kill import Terminal

        script = f"import sys; from pingcha.cli import main; sys.exit(main({args!r}))"
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(REPO)
            os.environ["TERM"] = "xterm-256color"
            os.execv(sys.executable, [sys.executable, "-c", script])
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.output = bytearray()
        self.shows = lambda text: text.encode() in self.output
        self.type = lambda keys: Terminal.type(self, keys)
        threading.Thread(target=Terminal._drain, args=(self,), daemon=True).start()

    def exited(self, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                return True
            time.sleep(0.1)
        return False

    def close(self) -> None:
        try:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_after_the_ui_quits_the_db_file_alone_holds_the_change(tmp_path, capsys):
    from pingcha.services.queries import assigned_files
    from tests.test_tui_kill import wait_for

    db = tmp_path / "ui.db"
    cli = Cli(db, capsys)
    cli.ok("demo", "--no-ui")
    evaluator = "董文"

    store = open_store(str(db))
    listed = [f.case.case_no for f in assigned_files(store, "1", evaluator)]  # as the UI lists them
    draft = next(f.case.case_no for f in assigned_files(store, "1", evaluator) if f.status == "草稿")
    store.dispose()
    found = _exported(cli, "1", evaluator)[draft]
    code = next(c for c in ("A2b", "A2c", "B1b", "G6a") if c not in found["deductions"])
    # `pingcha demo` on the demo database opens the UI on the demo activity (the database holds three years).
    terminal = CommandTerminal(["--db", str(db), "--as", evaluator, "demo"])
    try:
        wait_for(lambda: terminal.shows("我的案卷"), "the file list")
        terminal.type("\x1b[B" * listed.index(draft) + "\r")
        wait_for(lambda: terminal.shows("评查要点"), "the scoring screen")
        terminal.type(code)
        wait_for(lambda: not _wal_is_empty(db), "the change saved")
        terminal.type("\x1b")
        time.sleep(1.0)
        terminal.type("q")
        assert terminal.exited(), "the UI did not quit on q"
    finally:
        terminal.close()
    assert _wal_is_empty(db)
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(db, copy / "ui.db")
    after = _exported(Cli(copy / "ui.db", capsys), "1", evaluator)
    assert after[draft]["deductions"].get(code) == 1


def test_a_bad_register_is_reported_without_waiting_for_the_write_lock(tmp_path, capsys):
    db = tmp_path / "l.db"
    cli = Cli(db, capsys)
    activity = prepared(cli)
    bad = write_csv(tmp_path / "bad.csv", "案号,执法部门,案由,当事人,立案日期\nX1,某局,某事,张三,2024-13-45\n")
    roster = write_csv(tmp_path / "bad_roster.csv", "姓名,单位,角色\n某人,,观察员\n")
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another evaluator's save in progress, or a long import
    try:
        for command, expected in ((("cases", "import", activity, bad), "不是有效日期"),
                                  (("evaluators", "import", activity, roster), "“角色”应为")):
            started = time.monotonic()
            status, _, err = cli(*command)
            assert status == 1 and expected in err
            assert time.monotonic() - started < 5  # not the 30 s the write lock would have kept it waiting
    finally:
        writer.execute("ROLLBACK")
        writer.close()
