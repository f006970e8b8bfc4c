"""Bulk inserts of plain rows: hundreds of thousands of sheet rows in one import cost what SQLite's C code
costs, not a SQLAlchemy parameter dictionary per row (which was most of a province import's time).

Rows go in as multi-row ``INSERT … VALUES (…), (…), …`` statements of up to ``PARAMETERS`` values each: the
driver binds and steps one statement per few hundred rows instead of one per row, which on SQLite costs about
a third of an ``executemany`` of single rows (4.4 million 确认无扣分 marks in a province import)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain

from sqlalchemy import Column, Table, bindparam
from sqlmodel import Session

_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}

# Values bound in one statement: well under SQLite's 32,766 and PostgreSQL's 65,535.
PARAMETERS = 4_000


def insert_tuples(session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple],
                  suffix: str = "") -> None:
    """INSERT ``rows`` (tuples in the order of ``columns``) into ``table`` in list order, in multi-row statements
    (all full ones sent as one executemany, then the rest as one statement). Only for columns whose Python values
    the driver stores as they are (numbers, text): no type conversion happens here. ``suffix`` ends each
    statement (``ON CONFLICT DO NOTHING``)."""
    if not rows:
        return
    connection, mark, quote, table_name = _driver_sql(session, table)
    if mark is None:  # pragma: no cover - named or numeric styles: let SQLAlchemy bind them
        connection.execute(table.insert(), [dict(zip(columns, row)) for row in rows])
        return
    head = f"INSERT INTO {table_name} ({', '.join(quote(c) for c in columns)}) VALUES "
    one = f"({', '.join([mark] * len(columns))})"
    per_statement = max(1, PARAMETERS // len(columns))
    full = len(rows) - len(rows) % per_statement
    if full:
        sql = head + ", ".join([one] * per_statement) + suffix
        connection.exec_driver_sql(sql, [tuple(chain.from_iterable(rows[start:start + per_statement]))
                                         for start in range(0, full, per_statement)])
    if full < len(rows):
        rest = rows[full:]
        connection.exec_driver_sql(head + ", ".join([one] * len(rest)) + suffix, tuple(chain.from_iterable(rest)))


def _driver_sql(session: Session, table: Table):
    """The transaction's connection, its driver's placeholder (None: a style bound only by SQLAlchemy), the
    identifier quoting and ``table``'s quoted name: what a statement written for the driver needs."""
    connection = session.connection()
    preparer = connection.dialect.identifier_preparer
    return connection, _PLACEHOLDER.get(connection.dialect.paramstyle), preparer.quote, preparer.format_table(table)


def to_driver(session: Session, column: Column) -> Callable[[object], object]:
    """What SQLAlchemy does to a value for ``column`` before the driver gets it (a datetime becomes SQLite's
    text), as one function to apply to plain tuples' values for ``insert_tuples`` or ``update_tuples``."""
    dialect = session.get_bind().dialect
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor if processor is not None else _same


def _same(value: object) -> object:
    return value


def driver_value(session: Session, column: Column, value: object) -> object:
    """``value`` as SQLAlchemy would hand it to the driver for ``column`` (see ``to_driver``)."""
    return to_driver(session, column)(value)


def update_tuples(session: Session, table: Table, columns: Sequence[str], key: str, rows: Sequence[tuple]) -> None:
    """``UPDATE table SET column = … WHERE key = …`` once per row (the values of ``columns``, then the key's), sent
    as one executemany of plain tuples; values as the driver stores them (see ``driver_value``)."""
    if not rows:
        return
    connection, mark, quote, table_name = _driver_sql(session, table)
    if mark is None:  # pragma: no cover - named or numeric styles: let SQLAlchemy bind them
        statement = table.update().where(table.c[key] == bindparam("_key")).values(
            {column: bindparam(f"_{column}") for column in columns})
        connection.execute(statement, [{"_key": row[-1], **{f"_{c}": v for c, v in zip(columns, row)}}
                                       for row in rows])
        return
    sql = (f"UPDATE {table_name} SET "
           f"{', '.join(f'{quote(c)} = {mark}' for c in columns)} WHERE {quote(key)} = {mark}")
    connection.exec_driver_sql(sql, list(rows))
