"""A consistent copy of an SQLite database, taken with SQLite's online backup API while others keep working."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from pingcha.errors import UserError
from pingcha.files import os_problem, replace_synced, temporary_sibling
from pingcha.store.engine import Store, sqlite_file


def sqlite_path(store: Store) -> Path:
    if store.engine.dialect.name != "sqlite":
        raise UserError(
            "pingcha backup 只能备份 SQLite 数据库文件。PostgreSQL 数据库请用它自带的工具备份，例如："
            "pg_dump --format=custom --file=pingcha.dump 数据库名（恢复用 pg_restore）"
        )
    return sqlite_file(str(store.engine.url)).resolve()


def backup(store: Store, out: str | Path) -> Path:
    """Copy the database to ``out``: one snapshot (a read transaction, which in WAL mode blocks no writer), in a
    temporary file beside ``out``, checked, turned into a single self-contained file, then renamed into place."""
    source_path = sqlite_path(store)
    out = Path(out)
    if out.is_dir():
        raise UserError(f"备份路径 {out} 是一个文件夹，请给出文件名（如 {out / 'pingcha-备份.db'}）")
    if out.resolve() == source_path:
        raise UserError("备份文件不能就是数据库文件本身，请另给一个文件名")
    if not out.parent.is_dir():
        raise UserError(f"无法写入 {out}：所在文件夹不存在")
    temporary = temporary_sibling(out)
    try:
        with store.engine.connect() as connection:
            source = connection.connection.driver_connection  # opened as the Store opens it (read-only where so)
            target = sqlite3.connect(temporary)
            try:
                source.backup(target)  # all pages in one step: one consistent snapshot
                target.execute("PRAGMA journal_mode = DELETE")  # the copy needs no -wal file beside it
                verdict = target.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                target.close()
        if verdict != "ok":
            raise UserError(f"备份副本自检未通过（{verdict}），未写出备份；请先运行 pingcha check")
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        replace_synced(temporary, out)
    except OSError as error:
        raise UserError(f"无法写入 {out}：{os_problem(error)}") from None
    finally:
        temporary.unlink(missing_ok=True)
    return out
