"""Bulk inserts of plain rows: hundreds of thousands of sheet rows in one import cost what SQLite's C code
costs, not a SQLAlchemy parameter dictionary per row (which was most of a province import's time)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table
from sqlmodel import Session

_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def insert_tuples(session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """INSERT ``rows`` (tuples in the order of ``columns``) into ``table`` as one executemany on the driver.
    Only for columns whose Python values the driver stores as they are (numbers, text): no type conversion
    happens here."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    mark = _PLACEHOLDER.get(dialect.paramstyle)
    if mark is None:  # pragma: no cover - named or numeric styles: let SQLAlchemy bind them
        connection.execute(table.insert(), [dict(zip(columns, row)) for row in rows])
        return
    quote = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
           f"({', '.join(quote(c) for c in columns)}) VALUES ({', '.join([mark] * len(columns))})")
    connection.exec_driver_sql(sql, list(rows))
