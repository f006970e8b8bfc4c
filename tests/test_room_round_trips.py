"""A sheet change on PostgreSQL in few messages to the server (issue 10: p99 per change under 30 sessions).

A writing transaction begins with its writers' lock in the same message (``store.engine._tune_postgres``); its
one audit row is chained by the server in the commit's own message (``store.audit._commit_one``), so the chain's
lock is held across no round trip: the hash the server computes must be the one ``row_hash`` computes, for any
text, or ``pingcha check`` would report a break. Skipped without PINGCHA_TEST_POSTGRES, like tests/test_postgres.py.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from pingcha.store import open_store
from pingcha.store.audit import GENESIS, hash_of, record, verify_chain
from pingcha.store.engine import PG_WRITERS_LOCK
from pingcha.store.models import AuditEntry
from tests.test_postgres import SERVER, pg_url  # noqa: F401 - the fixture

pytestmark = pytest.mark.skipif(not SERVER, reason="没有可用的 PostgreSQL（设置 PINGCHA_TEST_POSTGRES 后运行）")

AWKWARD = ['引号"与\\反斜杠', "换行\n回车\r制表\t退格\b换页\f", "控制\x01\x1f\x7f字符", "百分号 %s %(x)s %%",
           "单引号 ' ; COMMIT; --", "全角　空格\u200b零宽", "行分隔\u2028段分隔\u2029", "表情😀与生僻字𠀀", ""]


def _statements(store) -> list[str]:
    from sqlalchemy import event

    seen: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_one_row_a_transaction_is_chained_by_the_server_as_row_hash_chains_it(pg_url):  # noqa: F811
    store = open_store(pg_url)
    try:
        seen = _statements(store)
        for n, awkward in enumerate(AWKWARD):
            with store.transaction(row_locked=True) as session:
                record(session, f"评查员{awkward}", "sheet", "修改评查表", activity_id=n if n % 2 else None,
                       case_no=awkward or None, before={"note": awkward, "n": n}, after=[awkward, None, 1.5])
        # Not one INSERT INTO audit_log went through SQLAlchemy: the server wrote and chained every row.
        assert not [s for s in seen if "audit_log" in s]
        with store.read() as session:
            rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
            assert verify_chain(session) == (len(AWKWARD), [])
        assert [r.actor for r in rows] == [f"评查员{a}" for a in AWKWARD]
        assert rows[0].prev_hash == GENESIS
        assert all(hash_of(r) == r.hash for r in rows)
        assert all(later.prev_hash == earlier.hash for earlier, later in zip(rows, rows[1:]))
        with store.engine.connect() as connection:  # the transaction ended with the commit
            assert connection.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == len(AWKWARD)
    finally:
        store.dispose()


def _writers_lock_modes(session) -> list[str]:
    return list(session.execute(text(
        "SELECT mode FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objid = :key"),
        {"key": PG_WRITERS_LOCK}).scalars())


def test_a_writing_transaction_holds_the_writers_lock_from_its_begin_without_a_statement_of_its_own(pg_url):  # noqa: F811
    store = open_store(pg_url)
    try:
        seen = _statements(store)
        with store.transaction(row_locked=True) as session:
            assert _writers_lock_modes(session) == ["ShareLock"]
        with store.transaction() as session:
            assert _writers_lock_modes(session) == ["ExclusiveLock"]
        with store.read() as session:
            assert _writers_lock_modes(session) == []
        assert not [s for s in seen if "pg_advisory" in s]
        with store.rehearsal().transaction(row_locked=True) as session:  # any other session takes it as before
            assert _writers_lock_modes(session) == ["ShareLock"]
        assert [s for s in seen if "pg_advisory" in s]
    finally:
        store.dispose()


def test_a_transaction_of_several_rows_is_chained_as_before(pg_url):  # noqa: F811
    store = open_store(pg_url)
    try:
        with store.transaction() as session:
            record(session, "甲", "sheet", "一")
        with store.transaction() as session:
            record(session, "乙", "sheet", "二")
            record(session, "丙", "sheet", "三")
        with store.transaction() as session:
            record(session, "丁", "sheet", "四")
        with store.read() as session:
            actions = [a for (a,) in session.execute(select(AuditEntry.action).order_by(AuditEntry.id))]
            assert verify_chain(session) == (4, [])
        assert actions == ["一", "二", "三", "四"]
    finally:
        store.dispose()


@pytest.fixture
def probe_store(pg_url):  # noqa: F811
    """A Store on the test database with a table ``probe`` whose CHECK refuses n ≤ 0."""
    store = open_store(pg_url)
    with store.transaction() as session:
        session.execute(text("CREATE TABLE probe (n integer CHECK (n > 0))"))
    yield store
    store.dispose()


def _kept(store) -> tuple[int, tuple]:
    """The rows in ``probe``, and the audit chain as ``verify_chain`` reads it (length, breaks)."""
    with store.read() as session:
        return session.execute(text("SELECT count(*) FROM probe")).scalar_one(), verify_chain(session)


def test_a_refused_write_leaves_neither_its_change_nor_its_row(probe_store):
    """The row and the change commit together: a failing statement of the transaction ends it with neither."""
    with pytest.raises(Exception):
        with probe_store.transaction(row_locked=True) as session:
            session.execute(text("INSERT INTO probe VALUES (1)"))
            record(session, "甲", "test", "写入")
            session.execute(text("INSERT INTO probe VALUES (-1)"))
    assert _kept(probe_store) == (0, (0, []))


_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40)


@pytest.fixture(scope="module")
def shared_store():
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"pingcha_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    store = open_store(make_url(SERVER).set(database=name).render_as_string(hide_password=False))
    yield store
    store.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actor=_TEXT, case_no=st.one_of(st.none(), _TEXT), note=_TEXT, activity_id=st.one_of(st.none(), st.integers(0, 2**31 - 1)))
def test_the_server_hashes_any_text_as_row_hash_does(shared_store, actor, case_no, note, activity_id):
    with shared_store.transaction(row_locked=True) as session:
        record(session, actor, "sheet", note, activity_id=activity_id, case_no=case_no,
               before={"note": note}, after={note: [note, activity_id]})
    with shared_store.read() as session:
        last = session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
        previous = session.execute(select(AuditEntry.hash).where(AuditEntry.id < last.id)
                                   .order_by(AuditEntry.id.desc()).limit(1)).scalar()
    assert (last.actor, last.case_no, last.action) == (actor, case_no, note)
    assert last.prev_hash == (previous if previous is not None else GENESIS)
    assert hash_of(last) == last.hash


class _CountingProxy:
    """A TCP relay between pingcha and the server that counts round trips: each time the client speaks again
    after the server answered (a pipeline of statements is one; a statement waiting for its answer is one)."""

    def __init__(self, host: str, port: int) -> None:
        import socket
        import threading

        self.target, self.trips, self._lock = (host, port), 0, threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            threading.Thread(target=self._relay, args=(client, server), daemon=True).start()

    def _relay(self, client, server) -> None:
        import select

        answered = True
        with client, server:
            while True:
                for end in select.select([client, server], [], [])[0]:
                    data = end.recv(65536)
                    if not data:
                        return
                    if end is client:
                        if answered:
                            with self._lock:
                                self.trips += 1
                        answered = False
                        server.sendall(data)
                    else:
                        answered = True
                        client.sendall(data)

    def close(self) -> None:
        self._listener.close()


def test_a_sheet_change_is_four_round_trips_its_writes_going_with_the_commit(pg_url, capsys):  # noqa: F811
    """BEGIN and the writers' lock go with the first read, the sheet's writes wait for the commit and go in its
    pipeline with the chain's lock and the audit row: a change is 4 round trips to the server (it was 7), the
    first change of a sheet 6 (10), a read 3 (4), and what they wrote is all there and chained."""
    from sqlalchemy.engine import make_url

    from pingcha.services.sheets import change_sheet, read_sheet, rehearse_change, sheet_ref
    from tests.helpers import Cli, prepared

    cli = Cli(pg_url, capsys)
    name = prepared(cli, per_agency=1)
    file = cli.json("results", name, "--json")["files"][0]
    evaluator = file["evaluators"][0]
    url = make_url(pg_url)
    proxy = _CountingProxy(url.host or "127.0.0.1", url.port or 5432)
    store = open_store(url.set(port=proxy.port).render_as_string(hide_password=False), migrate=False)
    try:
        ref = sheet_ref(store, name, evaluator, file["case_no"])
        rehearse_change(store, ref, evaluator)  # as the scoring screen does before the first key

        def trips(work) -> int:
            proxy.trips = 0
            work()
            return proxy.trips

        first = trips(lambda: change_sheet(store, ref, evaluator, code="A2a", count=1))
        later = [trips(lambda: change_sheet(store, ref, evaluator, code="A2b", count=1)),
                 trips(lambda: change_sheet(store, ref, evaluator, code="A2a", count=0))]  # a delete
        read = trips(lambda: read_sheet(store, ref))
        assert (first, later, read) == (6, [4, 4], 3)
        assert read_sheet(store, ref).sheet.deductions == {"A2b": 1}
        with store.read() as session:
            assert verify_chain(session)[1] == []
        assert cli.ok("check")
    finally:
        store.dispose()
        proxy.close()


def test_a_deferred_write_that_fails_fails_its_commit_and_leaves_nothing(probe_store):
    """A write sent with the commit that the server refuses aborts the transaction there: neither the writes
    before it nor the audit row are kept, and the error is raised by the commit."""
    from sqlalchemy.exc import IntegrityError

    from pingcha.store.engine import DEFERRED

    with pytest.raises(IntegrityError):
        with probe_store.transaction(row_locked=True) as session:
            session.execute(text("INSERT INTO probe VALUES (1)"), execution_options=DEFERRED)
            session.execute(text("INSERT INTO probe VALUES (-1)"), execution_options=DEFERRED)
            record(session, "甲", "test", "写入")
    assert _kept(probe_store) == (0, (0, []))
    with probe_store.transaction(row_locked=True) as session:  # a read after deferred writes sees them
        session.execute(text("INSERT INTO probe VALUES (2)"), execution_options=DEFERRED)
        assert session.execute(text("SELECT n FROM probe")).scalar_one() == 2
        record(session, "乙", "test", "写入")
    assert _kept(probe_store) == (1, (1, []))
