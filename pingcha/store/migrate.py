"""Create or upgrade the schema with Alembic, from the first version on (CONTRIBUTING.md: adding a migration).

Alembic is imported only to migrate: opening an up-to-date database reads its version itself (7 MB less in every
UI process of ``pingcha serve``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from pingcha.errors import UserError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions; a test keeps the two in step. Knowing it here lets
# an up-to-date database open without Alembic reading its scripts (start-up time of the UI).
HEAD = "0009"
# pg_advisory_xact_lock key: one process migrates a PostgreSQL database at a time.
_PG_MIGRATION_LOCK = 0x70696E68


def alembic_config(url: str | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def current_revision(engine: Engine) -> str | None:
    # A read: it must not wait for the write lock (see engine.py), or every command would wait for any writer.
    with engine.execution_options(pingcha_read_only=True).connect() as connection:
        return _revision(connection)


def _revision(connection: Connection) -> str | None:
    """The schema version Alembic recorded (None in a database it never migrated), as Alembic reads it."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    versions = [row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))]
    if len(versions) > 1:
        raise UserError(f"数据库的表结构版本记录有 {len(versions)} 条（{'、'.join(versions)}），应只有一条；数据库未作任何改动。")
    return versions[0] if versions else None


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _refuse_foreign(connection: Connection, revision: str | None) -> None:
    """A database pingcha must not touch: of a newer pingcha, or of another program altogether."""
    if revision is None:
        tables = sorted(name for name in inspect(connection).get_table_names() if name != "alembic_version")
        if tables:
            shown = "、".join(tables[:5]) + (" 等" if len(tables) > 5 else "")
            raise UserError(
                f"这个数据库不是 pingcha 的数据库：其中已有其他程序的数据表（{shown}），但没有 pingcha 的版本记录。"
                "pingcha 不会改动它；请用 --db 指定 pingcha 自己的数据库文件，或一个新文件名。"
            )
    elif revision not in known_revisions():
        raise UserError(
            f"数据库的表结构版本“{revision}”不是本程序认识的版本（本程序最高为 {HEAD}）：它可能由更新版本的 pingcha "
            "创建，请升级 pingcha 后再打开；也可能是其他程序的数据库。数据库未作任何改动。"
        )


def upgrade(engine: Engine) -> None:
    if current_revision(engine) == HEAD:
        return
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # Rebuilding a table (batch mode) drops and renames tables that others refer to; SQLite wants foreign
            # keys off for that, which it only accepts outside a transaction. They are checked before commit.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
                # Re-read under the write lock: another process may have migrated meanwhile.
                revision = _revision(connection)
                if revision == HEAD:
                    return
                _refuse_foreign(connection, revision)
                from alembic import command

                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise UserError("升级数据库表结构时发现外键不一致，已放弃升级，数据库未作改动")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")
