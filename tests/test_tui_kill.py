"""Killing the terminal mid-scoring loses nothing but the key press in flight.

The app runs as a real process on a pseudo-terminal; keys are typed into it, each change is seen in the database,
then a burst of keys is typed and the process is SIGKILLed at once. What was committed must all be there, the burst
must have landed as a prefix (no half change, every change with its audit row) and the file must be intact.
"""

from __future__ import annotations

import fcntl
import os
import signal
import sqlite3
import struct
import sys
import termios
import threading
import time

import pytest
from sqlmodel import select

from pingcha.services.sheets import read_sheet, sheet_ref
from pingcha.store import open_store
from pingcha.store.models import AuditEntry
from test_tui_fixtures import ACTIVITY, EVALUATOR, REPO, db, template_db  # noqa: F401

pty = pytest.importorskip("pty")
TIMEOUT = 30.0


def wait_for(predicate, what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Terminal:
    """The app in a child process on a pty, its output drained so it never blocks."""

    def __init__(self, db) -> None:
        script = ("from pingcha.store import open_store; from pingcha.tui import run_app; "
                  f"run_app(open_store({str(db)!r}), activity={ACTIVITY!r}, user={EVALUATOR!r})")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the app
            os.chdir(REPO)
            os.environ["TERM"] = "xterm-256color"
            os.execv(sys.executable, [sys.executable, "-c", script])
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.output = bytearray()
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def shows(self, text: str) -> bool:
        return text.encode() in self.output

    def type(self, keys: str) -> None:
        for key in keys:
            os.write(self.fd, key.encode())
            time.sleep(0.02)

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_sigkill_mid_scoring_keeps_every_committed_change(db):
    store = open_store(str(db))
    case_no = read_first_case(store)
    ref = sheet_ref(store, ACTIVITY, EVALUATOR, case_no)

    def sheet():
        return read_sheet(store, ref).sheet

    terminal = Terminal(db)
    try:
        wait_for(lambda: terminal.shows("我的案卷"), "the file list")
        terminal.type("\r")
        wait_for(lambda: terminal.shows("评查要点"), "the scoring screen")
        steps = [
            ("B6b", {"B6b": 1}, set()),
            ("b", {"B6b": 2}, set()),
            ("D12c", {"B6b": 2, "D12c": 1}, set()),
            ("V13a", {"B6b": 2, "D12c": 1}, {"V13"}),
        ]
        for keys, deductions, vetoes in steps:
            terminal.type(keys)
            wait_for(lambda: dict(sheet().deductions) == deductions and set(sheet().veto) == vetoes,
                     f"the change from {keys!r}")
        terminal.type("F3aaa")  # a burst, killed while it is being worked through
        time.sleep(0.05)
    finally:
        terminal.kill()
    store.dispose()

    after = open_store(str(db))
    kept = read_sheet(after, ref).sheet
    assert kept.deductions["B6b"] == 2 and kept.deductions["D12c"] == 1 and kept.veto == {"V13"}
    burst = kept.deductions.get("F3a", 0)
    assert 0 <= burst <= 3
    with after.transaction() as session:
        changes = len(session.exec(select(AuditEntry).where(
            AuditEntry.case_no == case_no, AuditEntry.action == "修改评查表")).all())
    assert changes == 4 + burst  # every change committed together with its audit row, none half-done
    after.dispose()
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def read_first_case(store) -> str:
    from pingcha.services.queries import assigned_files

    return assigned_files(store, ACTIVITY, EVALUATOR)[0].case.case_no
