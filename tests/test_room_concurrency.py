"""Evaluators' sheet changes run beside each other; the audit chain is written at commit.

A sheet change (``change_sheet``, ``submit_sheet``) takes the writers' lock shared on PostgreSQL and relies on
its sheet's row lock, so two evaluators' changes overlap in time, while a turn-taking writer (an import, a draw)
still waits for them and they for it. Audit rows are chained and inserted when the transaction commits, under
the chain's own lock: ids follow the commits, and a rolled-back transaction leaves none.
PostgreSQL tests are skipped without PINGCHA_TEST_POSTGRES, like tests/test_postgres.py.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text

from pingcha.services import sheets as sheet_service
from pingcha.store import open_store
from pingcha.store.audit import data_version, entries, record, verify_chain
from pingcha.store.engine import PG_WRITERS_LOCK
from pingcha.store.models import AuditEntry
from tests.helpers import Cli, prepared
from tests.test_postgres import SERVER, pg_url  # noqa: F401 - the fixture
from tests.test_postgres_races import _run, activity  # noqa: F401 - the fixture

on_postgres = pytest.mark.skipif(not SERVER, reason="没有可用的 PostgreSQL（设置 PINGCHA_TEST_POSTGRES 后运行）")

HELD = "held"  # the thread whose change stops inside its transaction, after its writes, before its commit


@pytest.fixture
def hold(monkeypatch):
    """Changes made on the thread named HELD stop just before they commit, until ``release`` is set."""
    inside, release = threading.Event(), threading.Event()
    real = sheet_service.record

    def pausing(session, *args, **kwargs):
        real(session, *args, **kwargs)
        if threading.current_thread().name == HELD and not release.is_set():
            inside.set()
            release.wait(60)

    monkeypatch.setattr(sheet_service, "record", pausing)
    yield inside, release
    release.set()


class Background(threading.Thread):
    """Run ``work`` on its own thread; ``done`` is set when it ended, ``error`` holds what it raised."""

    def __init__(self, work, name: str = "other") -> None:
        super().__init__(name=name, daemon=True)
        self.work, self.done, self.error, self.value = work, threading.Event(), None, None
        self.start()

    def run(self) -> None:
        try:
            self.value = self.work()
        except BaseException as exc:  # noqa: BLE001 - the test shows it
            self.error = exc
        finally:
            self.done.set()

    def result(self):
        assert self.done.wait(60), "没有在 60 秒内结束"
        if self.error is not None:
            raise self.error
        return self.value


def _waiting_for_writers_lock(store) -> bool:
    """Whether some transaction of this database waits for the writers' lock (pg_locks, not granted)."""
    return _waiting_for(store, PG_WRITERS_LOCK)


def _waiting_for(store, key: int) -> bool:
    with store.read() as session:
        return bool(session.execute(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = :key "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
            {"key": key}).scalar())


def _until(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def _change(url, name, evaluator, case_no, code):
    def work():
        store = open_store(url, migrate=False)
        try:
            ref = sheet_service.sheet_ref(store, name, evaluator, case_no)
            return sheet_service.change_sheet(store, ref, evaluator, code=code, count=1)
        finally:
            store.dispose()
    return work


def _change_rows(url, name):
    """(id, case_no, evaluator) of the activity's 修改评查表 audit rows, by id."""
    import json

    from pingcha.services.activities import find_activity

    store = open_store(url, migrate=False)
    with store.read() as session:
        rows = [(r.id, r.case_no, json.loads(r.after)["evaluator"])
                for r in entries(session, find_activity(session, name).id) if r.action == "修改评查表"]
    store.dispose()
    return rows


@on_postgres
def test_two_evaluators_changes_run_at_the_same_time(pg_url, activity, hold):  # noqa: F811
    cli, name, sheets = activity
    inside, release = hold
    (first_evaluator, first_case), (second_evaluator, second_case) = sheets[0], next(
        (e, c) for e, c in sheets if e != sheets[0][0] and c != sheets[0][1])
    held = Background(_change(pg_url, name, first_evaluator, first_case, "A2a"), HELD)
    assert inside.wait(30)
    # The first change holds its transaction open (its sheet written, not committed); the second goes through.
    other = Background(_change(pg_url, name, second_evaluator, second_case, "B1a"))
    finished_beside = other.done.wait(20)
    release.set()
    assert finished_beside, "第二位评查员的修改等到了第一位的事务结束"
    assert other.result().sheet.deductions == {"B1a": 1}
    assert held.result().sheet.deductions == {"A2a": 1}
    # Audit ids follow the commits, not the order the changes began in; the chain holds.
    assert [(case, who) for _, case, who in _change_rows(pg_url, name)] == [
        (second_case, second_evaluator), (first_case, first_evaluator)]
    assert "哈希链完整" in cli.ok("check")


@on_postgres
def test_a_turn_taking_writer_waits_for_a_change_in_progress(pg_url, activity, hold):  # noqa: F811
    cli, name, sheets = activity
    inside, release = hold
    evaluator, case_no = sheets[0]
    held = Background(_change(pg_url, name, evaluator, case_no, "A2a"), HELD)
    assert inside.wait(30)
    store = open_store(pg_url, migrate=False)
    try:
        def exclusive():
            with store.transaction() as session:
                record(session, "区司法局", "test", "独占写入")

        writer = Background(exclusive)
        assert _until(lambda: _waiting_for_writers_lock(store))
        assert not writer.done.is_set()
        release.set()
        held.result()
        writer.result()
        with store.read() as session:
            actions = [a for (a,) in session.execute(select(AuditEntry.action).order_by(AuditEntry.id))]
        assert actions[-2:] == ["修改评查表", "独占写入"]
    finally:
        store.dispose()


@on_postgres
def test_a_change_waits_for_a_turn_taking_writer(pg_url, activity):  # noqa: F811
    cli, name, sheets = activity
    evaluator, case_no = sheets[0]
    store = open_store(pg_url, migrate=False)
    inside, release = threading.Event(), threading.Event()
    try:
        def exclusive():
            with store.transaction() as session:
                session.execute(text("SELECT 1"))  # the writers' lock goes with the transaction's first statement
                record(session, "区司法局", "test", "独占写入")
                inside.set()
                release.wait(60)

        writer = Background(exclusive)
        assert inside.wait(30)
        change = Background(_change(pg_url, name, evaluator, case_no, "A2a"))
        assert _until(lambda: _waiting_for_writers_lock(store))
        assert not change.done.is_set()
        release.set()
        writer.result()
        assert change.result().sheet.deductions == {"A2a": 1}
    finally:
        release.set()
        store.dispose()


@on_postgres
def test_a_commit_waiting_for_the_chain_chains_onto_the_row_written_meanwhile(pg_url):  # noqa: F811
    from pingcha.store.audit import flush_pending
    from pingcha.store.engine import PG_CHAIN_LOCK

    store = open_store(pg_url)
    inside, release = threading.Event(), threading.Event()
    try:
        def first():
            with store.transaction(row_locked=True) as session:
                record(session, "甲", "test", "先写入")
                flush_pending(session)  # holds the chain's lock, its row written, not committed
                inside.set()
                release.wait(60)

        def second():
            with store.transaction(row_locked=True) as session:
                record(session, "乙", "test", "后提交")

        holder = Background(first)
        assert inside.wait(30)
        waiter = Background(second)
        assert _until(lambda: _waiting_for(store, PG_CHAIN_LOCK))  # its commit waits for the chain
        release.set()
        holder.result()
        waiter.result()
        with store.read() as session:
            assert [a for (a,) in session.execute(select(AuditEntry.action).order_by(AuditEntry.id))] == [
                "先写入", "后提交"]
            assert verify_chain(session) == (2, [])
    finally:
        release.set()
        store.dispose()


@on_postgres
def test_the_chain_holds_after_many_processes_change_their_sheets_at_once(pg_url, activity):  # noqa: F811
    cli, name, sheets = activity
    by_evaluator: dict[str, list[str]] = {}
    for evaluator, case_no in sheets:
        by_evaluator.setdefault(evaluator, []).append(case_no)
    codes = ["A2a", "B1a", "C1a", "D1a", "E1a", "F1a"]
    plans = []
    for evaluator, cases in list(by_evaluator.items())[:5]:
        counts: dict[tuple[str, str], int] = {}  # every change changes something: each is one audit row
        plan = []
        for n in range(24):
            key = (cases[n % len(cases)], codes[n % len(codes)])
            counts[key] = 1 - counts.get(key, 0)
            plan.append((evaluator, key[0], "change", {"code": key[1], "count": counts[key]}))
        plans.append(plan)
    outcomes = _run(pg_url, name, plans)
    assert [o for results in outcomes for o in results] == ["ok"] * (24 * len(plans))
    store = open_store(pg_url, migrate=False)
    with store.read() as session:
        rows, breaks = verify_chain(session)  # followed by id: the ids are in the chain's order
        hashes = session.execute(select(AuditEntry.id, AuditEntry.prev_hash, AuditEntry.hash)
                                 .order_by(AuditEntry.id)).all()
    store.dispose()
    assert breaks == [] and rows == len(hashes)
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(hashes, hashes[1:]))
    assert len(_change_rows(pg_url, name)) == 24 * len(plans)
    out = cli.ok("check")
    assert "哈希链完整" in out and "未发现问题" in out


def _audit_count(store) -> int:
    with store.read() as session:
        return session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=on_postgres)])
def test_a_rolled_back_transaction_leaves_no_audit_row(engine, tmp_path, request):
    url = request.getfixturevalue("pg_url") if engine == "postgres" else str(tmp_path / "r.db")
    store = open_store(url)
    try:
        with pytest.raises(RuntimeError):
            with store.transaction() as session:
                record(session, "区司法局", "test", "回滚前记录")
                raise RuntimeError("中途出错")
        assert _audit_count(store) == 0
        with store.transaction() as session:
            record(session, "区司法局", "test", "提交")
            record(session, "区司法局", "test", "再一条")
            assert session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == 0  # not yet
            # an audit read inside the transaction that recorded them writes them first, then reads
            assert data_version(session) == (2,) or engine == "postgres"
            assert session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == 2
        with store.read() as session:
            assert [a for (a,) in session.execute(select(AuditEntry.action).order_by(AuditEntry.id))] == ["提交", "再一条"]
            assert verify_chain(session) == (2, [])
    finally:
        store.dispose()


def test_a_change_on_sqlite_is_audited_once_in_the_chain(tmp_path, capsys):
    cli = Cli(tmp_path / "s.db", capsys)
    name = prepared(cli)
    files = cli.json("results", name, "--json")["files"]
    evaluator, case_no = files[0]["evaluators"][0], files[0]["case_no"]
    store = open_store(str(cli.db))
    try:
        ref = sheet_service.sheet_ref(store, name, evaluator, case_no)
        before = _audit_count(store)
        sheet_service.change_sheet(store, ref, evaluator, code="A2a", count=1)
        sheet_service.rehearse_change(store, ref, evaluator)  # rolled back: nothing written
        sheet_service.submit_sheet(store, ref, evaluator)
        assert _audit_count(store) == before + 2
    finally:
        store.dispose()
    assert "哈希链完整" in cli.ok("check")
