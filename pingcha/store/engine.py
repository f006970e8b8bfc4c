"""Opening the database: SQLite by default in the user's data folder, any SQLAlchemy URL otherwise.

SQLite connections get WAL, foreign keys, a busy timeout, and write transactions that take the
write lock up front (BEGIN IMMEDIATE), so several evaluators' processes on one file wait their
turn instead of failing with "database is locked". Commits are synced to disk (synchronous=FULL),
and closing a Store folds the WAL back into the main file, so the .db alone holds all work.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import cache
from pathlib import Path
from weakref import WeakKeyDictionary

from urllib.parse import quote, unquote

from platformdirs import user_data_dir
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlmodel import Session, create_engine

from pingcha.errors import Refused, UserError, os_error_text

BUSY_TIMEOUT_MS = 30_000


def default_db_path() -> Path:
    return Path(user_data_dir("pingcha", appauthor=False)) / "pingcha.db"


def database_url(db: str | None) -> str:
    """``--db`` / ``PINGCHA_DB`` / the default file, as an SQLAlchemy URL."""
    db = db or os.environ.get("PINGCHA_DB") or str(default_db_path())
    if "://" in db:
        try:
            make_url(db)
        except ArgumentError:
            raise UserError(f"数据库地址无效：{db}") from None
        return db
    path = Path(db).expanduser()
    if path.is_dir():
        raise UserError(f"数据库路径是一个文件夹：{db}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法创建数据库所在的文件夹 {path.parent}：{os_error_text(exc)}") from None
    return _read_only_url(path) or f"sqlite:///{path}"


def _read_only_url(path: Path) -> str | None:
    """A database in a folder the user may not write (a CD, a read-only share) opens read-only, so it can still be
    listed and read: SQLite could not create the -shm file WAL mode needs beside it. Where no WAL content waits
    either, nobody can be writing, so the file is opened as immutable."""
    if not path.is_file() or os.access(path.parent, os.W_OK):
        return None
    wal = Path(f"{path}-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    options = "mode=ro" if pending else "mode=ro&immutable=1"
    return f"sqlite:///file:{quote(str(path.resolve()))}?{options}&uri=true"


def sqlite_file(url: str) -> Path | None:
    """The file behind an SQLite URL (None for other databases)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    database = parsed.database
    if database.startswith("file:"):
        database = unquote(database.removeprefix("file:"))
    return Path(database)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:  # pragma: no branch - sqlite only
        # Let SQLAlchemy's "begin" event, not the driver, open transactions, so we can say IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not _opened_read_only(engine) and _ours_or_new(cursor):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # FULL: a change the UI reports as saved survives a power cut, not only a killed process (NORMAL).
        cursor.execute("PRAGMA synchronous = FULL")
        # Checkpoint the WAL every ~16 MB rather than SQLite's 4 MB: a key press that lands on a checkpoint
        # waits for it, and four times fewer of them took the 99th-percentile save from 5.5 ms to 2.3 ms.
        cursor.execute("PRAGMA wal_autocheckpoint = 4000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        # Reads take no lock (WAL gives them a consistent snapshot); writes take the write lock at once.
        read_only = connection.get_execution_options().get("pingcha_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _ours_or_new(cursor) -> bool:
    """Switching to WAL rewrites the file's header: never do it to another program's database (it is refused)."""
    if cursor.execute("PRAGMA page_count").fetchone()[0] == 0:
        return True
    return cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone() is not None


def _opened_read_only(engine: Engine) -> bool:
    return "mode=ro" in str(engine.url)


# pg_advisory_xact_lock keys on PostgreSQL: the writers' lock ("ping" in ASCII), taken at the start of every write
# transaction, and the audit chain's lock ("audt"), taken at commit by a transaction that writes audit rows.
PG_WRITERS_LOCK = 0x70696E67
PG_CHAIN_LOCK = 0x61756474


_WRITERS_LOCKED = "pingcha_writers_locked"
_LOCK_FUNCTIONS = {False: "pg_advisory_xact_lock", True: "pg_advisory_xact_lock_shared"}
_TAKE_WRITERS_LOCK = {shared: text(f"SELECT {function}(:key)").bindparams(key=PG_WRITERS_LOCK)
                      for shared, function in _LOCK_FUNCTIONS.items()}
# The execution option of a Store's writing engines on PostgreSQL: the writers' lock (shared: True) is taken in
# the message that begins the transaction.
_BEGIN_LOCKED = "pingcha_begin_locked"


def _begins_locked(engine: Engine) -> bool:
    """Whether ``_tune_postgres`` applies: PostgreSQL through psycopg (3)."""
    return engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"


# On PostgreSQL through psycopg, what a transaction has not yet sent to the server (``_Unsent``): its BEGIN and
# writers' lock, then its writes whose outcome it does not read (executed with ``DEFERRED``). They go in one
# pipeline (psycopg's: several statements sent together, answered together) with the next statement whose result
# is read, or with the commit, so each costs no round trip of its own. Kept by psycopg connection.
_UNSENT: WeakKeyDictionary = WeakKeyDictionary()
# The execution option of a write nobody reads the outcome of (no rows, no row count): ``session.execute(statement,
# params, execution_options=DEFERRED)``. Elsewhere (SQLite, other drivers) it runs at once, as any statement.
DEFERRED = {"pingcha_deferred": True}


class _Unsent:
    """A transaction's statements not yet sent: ``begin`` (None once sent), then the deferred ``writes``."""

    __slots__ = ("begin", "writes")

    def __init__(self, begin: list[str]) -> None:
        self.begin: list[str] | None = begin
        self.writes: list[tuple[str, object]] = []

    def statements(self) -> list[tuple[str, object]]:
        return [(sql, None) for sql in self.begin or ()] + self.writes

    def sent(self) -> None:
        self.begin, self.writes = None, []


def _send(driver, unsent: _Unsent | None, *then: tuple[object, str, object]) -> None:
    """Send what is unsent and then ``then`` ((cursor, SQL, parameters) each, in order) in one pipeline: one
    message to the server and one answer. The server runs them in order, each statement with a snapshot taken after
    the one before it finished (so a statement after a lock sees whatever committed before the lock was granted);
    after a failing one the rest are skipped and the transaction is aborted (nothing of it is written). The cursors
    of ``then`` hold their results afterwards."""
    statements = unsent.statements() if unsent is not None else []
    side = driver.cursor()
    try:
        with driver.pipeline() if _pipelines() else nullcontext():
            for sql, parameters in statements:
                side.execute(sql, parameters)
            for cursor, sql, parameters in then:
                cursor.execute(sql, parameters)
    finally:
        side.close()
        if unsent is not None:
            unsent.sent()


def _send_alone(driver, unsent: _Unsent | None, *then: tuple[object, str, object]) -> None:
    """``_send`` outside SQLAlchemy's execution (at a commit, for the chain): the driver's error raised as
    SQLAlchemy's (an IntegrityError, an OperationalError…), as every other statement's is."""
    from psycopg import Error

    try:
        _send(driver, unsent, *then)
    except Error as error:
        sql = "; ".join(str(statement) for _, statement, _ in then)
        raise DBAPIError.instance(sql, None, error, Error) from None


@cache
def _pipelines() -> bool:
    from psycopg import Pipeline

    return Pipeline.is_supported()


def _tune_postgres(engine: Engine) -> None:
    """psycopg sends BEGIN on its own before a transaction's first statement, a round trip of its own. Instead,
    the driver is left in autocommit and the transaction begun here, as SQLite's is: the BEGIN (with a writing
    transaction's writers' lock) waits and goes in one pipeline with the transaction's first statement (or,
    without pipelines, in one message of its own). Writes executed with ``DEFERRED`` wait likewise for the next
    statement or the commit. Commits and rollbacks go through the driver as before."""
    pipelines = _pipelines()

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.autocommit = True

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        shared = connection.get_execution_options().get(_BEGIN_LOCKED)
        begin = ["BEGIN"] if shared is None else ["BEGIN", f"SELECT {_LOCK_FUNCTIONS[shared]}({PG_WRITERS_LOCK})"]
        driver = connection.connection.driver_connection
        if pipelines:
            _UNSENT[driver] = _Unsent(begin)
            return
        cursor = driver.cursor()
        try:
            cursor.execute("; ".join(begin).encode())
        finally:
            cursor.close()

    if not pipelines:  # pragma: no cover - psycopg built against libpq < 14
        return
    from psycopg import ServerCursor

    @event.listens_for(engine, "do_execute")
    def do_execute(cursor, statement, parameters, context) -> bool | None:
        unsent = _UNSENT.get(cursor.connection)
        if unsent is None:
            return None
        if context.execution_options.get("pingcha_deferred") and not _returns(context):
            unsent.writes.append((statement, parameters))
            return True
        if unsent.begin is None and not unsent.writes:
            return None
        if isinstance(cursor, ServerCursor):  # a streamed result is read outside any pipeline
            _send(cursor.connection, unsent)
            return None
        _send(cursor.connection, unsent, (cursor, statement, parameters))
        return True

    @event.listens_for(engine, "do_execute_no_params")
    def do_execute_no_params(cursor, statement, context) -> bool | None:
        unsent = _UNSENT.get(cursor.connection)
        if unsent is None or (unsent.begin is None and not unsent.writes):
            return None
        if isinstance(cursor, ServerCursor):
            _send(cursor.connection, unsent)
            return None
        _send(cursor.connection, unsent, (cursor, statement, None))
        return True

    @event.listens_for(engine, "do_executemany")
    def do_executemany(cursor, statement, parameters, context) -> None:
        unsent = _UNSENT.get(cursor.connection)
        if unsent is not None and (unsent.begin is not None or unsent.writes):
            _send(cursor.connection, unsent)  # then the driver's executemany, as always

    @event.listens_for(engine, "commit")
    def on_commit(connection) -> None:
        driver = connection.connection.driver_connection
        unsent = _UNSENT.pop(driver, None)
        if unsent is not None and unsent.writes:  # the writes and the COMMIT in one message
            commit = driver.cursor()
            try:
                _send_alone(driver, unsent, (commit, "COMMIT", None))
            finally:
                commit.close()
        # Otherwise the driver's commit: COMMIT, or nothing where no statement ever began the transaction.

    @event.listens_for(engine, "rollback")
    def on_rollback(connection) -> None:
        _UNSENT.pop(connection.connection.driver_connection, None)  # never sent: nothing to undo on the server


def _returns(context) -> bool:
    """Whether a statement returns rows (RETURNING): its result is read, so it is never deferred."""
    compiled = context.compiled
    return compiled is not None and bool(getattr(compiled, "effective_returning", None))


def _driver(session: Session):
    """The transaction's psycopg connection and what it has not yet sent (``_Unsent`` or None)."""
    driver = session.connection().connection.driver_connection
    return driver, _UNSENT.get(driver)


def lock_writers(session: Session, row_locked: bool = False) -> None:
    """Writers take turns, as SQLite's BEGIN IMMEDIATE makes them: on PostgreSQL a transaction-scoped advisory
    lock, taken before any row lock. ``row_locked``: the lock is taken shared, so such transactions run beside
    each other (their conflicts are settled by the row locks they take) while a writer taking it exclusively
    waits for them all, and they for it. Taken once per transaction (a second request costs no round trip)."""
    if session.get_bind().dialect.name == "postgresql" and not session.info.get(_WRITERS_LOCKED):
        # A Store's writing transaction took it as it began (``_tune_postgres``); any other takes it now.
        if session.connection().get_execution_options().get(_BEGIN_LOCKED) is not row_locked:
            session.execute(_TAKE_WRITERS_LOCK[row_locked])
        session.info[_WRITERS_LOCKED] = True


def lock_chain(session: Session, then: str) -> object:
    """Take the audit chain's lock, then run the query ``then`` (SQL text, no parameters) and return the first
    column of its first row. The chain has one end at a time: on PostgreSQL a transaction-scoped advisory lock of
    its own, taken when a transaction writes its audit rows at commit, so it is the last lock the transaction takes
    and is held only until the commit; SQLite's BEGIN IMMEDIATE holds the write lock already. On PostgreSQL through
    psycopg both go in one round trip with whatever the transaction has not sent yet (``_send``): ``then`` has a
    snapshot taken after the lock was granted, so it sees whatever committed before."""
    if session.get_bind().dialect.name != "postgresql":
        return session.execute(text(then)).scalar()
    if not _begins_locked(session.get_bind()):  # pragma: no cover - another driver: two statements, in turn
        session.execute(text(f"SELECT pg_advisory_xact_lock({PG_CHAIN_LOCK})"))
        return session.execute(text(then)).scalar()
    driver, unsent = _driver(session)
    lock, cursor = driver.cursor(), driver.cursor()
    try:
        _send_alone(driver, unsent, (lock, f"SELECT pg_advisory_xact_lock({PG_CHAIN_LOCK})", None),
                    (cursor, then, None))
        row = cursor.fetchone()
    finally:
        lock.close()
        cursor.close()
    return row[0] if row else None


def commit_chained(session: Session, write: str, values: tuple) -> None:
    """PostgreSQL through psycopg: send what the transaction has not sent yet (its deferred writes), take the audit
    chain's lock, run ``write`` (one statement, ``%s`` placeholders for ``values``, which reads the end of the chain
    itself) and commit, all in one pipeline (``_send``): one message to the server, so the lock is held only while
    the server runs them, never while this process waits to be scheduled or for a round trip (on a busy machine a
    holder descheduled mid-transaction made every other change wait behind it). ``write`` has a snapshot taken
    after the lock was granted, so it sees whatever committed before. The transaction ends here; the commit that
    follows finds nothing left to do."""
    driver, unsent = _driver(session)
    lock, cursor = driver.cursor(), driver.cursor()
    try:
        _send_alone(driver, unsent, (lock, f"SELECT pg_advisory_xact_lock({PG_CHAIN_LOCK})", None),
                    (cursor, write, values), (lock, "COMMIT", None))
    finally:
        lock.close()
        cursor.close()


@event.listens_for(Session, "after_transaction_end")
def _locks_released(session: Session, transaction) -> None:
    """The advisory lock is transaction-scoped: it ends with the outermost transaction."""
    if transaction.parent is None:
        session.info.pop(_WRITERS_LOCKED, None)


DRIVERS = {"postgresql": "pip install \".[postgres]\"（psycopg）", "mysql": "pip install pymysql，并在地址中写 mysql+pymysql://",
           "mssql": "pip install pyodbc", "oracle": "pip install oracledb"}


def make_engine(url: str) -> Engine:
    try:
        engine = create_engine(url)
    except ImportError as exc:
        backend = url.split(":", 1)[0].split("+", 1)[0]
        hint = DRIVERS.get(backend, "请安装该数据库的 Python 驱动")
        raise UserError(f"无法连接数据库：没有安装 {backend} 数据库的驱动（{hint}）\n  详细信息：{exc}") from None
    except NoSuchModuleError:
        raise UserError(f"数据库地址无效：不支持“{url.split(':', 1)[0]}”这种数据库") from None
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)
    elif _begins_locked(engine):
        _tune_postgres(engine)
    return engine


class Store:
    """The database behind one activity or many: an engine and short transactions on it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._reader = self.engine.execution_options(pingcha_read_only=True)
        self._writers = {shared: self.engine.execution_options(**{_BEGIN_LOCKED: shared})
                         if _begins_locked(self.engine) else self.engine for shared in (False, True)}
        # Things that never change once written (an activity's pinned rubric), kept for this
        # Store's lifetime so a key press does not re-read and re-parse them.
        self.memo: dict = {}

    @contextmanager
    def transaction(self, row_locked: bool = False) -> Iterator[Session]:
        """One short unit of work: committed when the block ends, rolled back on any error. A refusal
        (``errors.Refused``) is then audited in a transaction of its own.

        Writers take turns (``lock_writers``), unless ``row_locked``: a use case whose every conflict with
        another is settled by the row locks it takes (a sheet's change: its row, SELECT … FOR UPDATE, created
        under a unique constraint) runs beside other such ones, and only turn-taking writers wait for it."""
        try:
            with Session(self._writers[row_locked], expire_on_commit=False) as session:
                with session.begin():
                    lock_writers(session, row_locked)
                    yield session
        except Refused as refusal:
            self.audit_refusal(refusal)
            raise

    def audit_refusal(self, refusal: Refused) -> None:
        from pingcha.store.audit import record

        with Session(self.engine, expire_on_commit=False) as session:
            with session.begin():  # writes only its audit row: the chain's lock at commit is all it needs
                record(session, refusal.actor, "access", "拒绝", activity_id=refusal.activity_id,
                       after={"action": refusal.action, "reason": str(refusal)})

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work: it never waits for a writer, and sees one consistent snapshot."""
        with Session(self._reader, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def rehearsal(self) -> Rehearsal:
        """This database, with writes that are always rolled back (see ``Rehearsal``)."""
        return Rehearsal(self)

    def dispose(self) -> None:
        """Close the database. On SQLite, first fold the WAL into the main file and empty it (TRUNCATE), so
        whoever copies or backs up the .db file afterwards has every change made through this Store."""
        if self.engine.dialect.name == "sqlite":
            try:
                with self.engine.connect() as connection:
                    driver = connection.connection.driver_connection
                    # Never wait at close: if another process is writing, the last one to close folds the WAL in.
                    driver.execute("PRAGMA busy_timeout = 0")
                    driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except (sqlite3.Error, SQLAlchemyError):
                pass  # read-only, or another process is reading: SQLite checkpoints when the last one closes
        self.engine.dispose()


class Rehearsal:
    """A Store whose transactions always roll back: a use case run through it changes nothing, but the
    statements it needs are compiled, so the first real one of a session costs what later ones do."""

    def __init__(self, store: Store) -> None:
        self.engine, self.memo, self._store = store.engine, store.memo, store

    @contextmanager
    def transaction(self, row_locked: bool = False) -> Iterator[Session]:
        from pingcha.store.audit import flush_pending

        with Session(self.engine, expire_on_commit=False) as session:
            session.begin()
            try:
                lock_writers(session, row_locked)
                yield session
                session.flush()
                flush_pending(session)  # what a commit would do: the audit insert is rehearsed too
            finally:
                session.rollback()

    def read(self):
        return self._store.read()


def open_store(db: str | None = None, migrate: bool = True) -> Store:
    """Open (and, where needed, create or upgrade) the database named by ``db``."""
    store = Store(database_url(db))
    if migrate:
        from pingcha.store.migrate import upgrade

        upgrade(store.engine)
    return store
