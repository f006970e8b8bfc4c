"""Splitting long lists of values for ``IN (…)``: SQLite allows 32,766 variables in one statement
(PostgreSQL 65,535), and a province-sized draw has more files than that."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

# Well under both limits, leaving room for the statement's other parameters.
CHUNK = 5_000


def chunked(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """``values`` in consecutive slices of at most ``size``."""
    values = list(values) if not isinstance(values, Sequence) else values
    for start in range(0, len(values), size):
        yield values[start:start + size]
