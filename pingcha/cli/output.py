"""Small helpers the command modules share for reading input files and printing results."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pingcha.files import write_file


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def write_text_out(text: str, out: str | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    write_file(Path(out), text.encode("utf-8"))


def store_for(args):
    """The database named by --db / PINGCHA_DB / the default, opened once per command."""
    from pingcha.store import open_store

    store = getattr(args, "_store", None)
    if store is None:
        store = open_store(args.db)
        args._store = store
    return store


NARROWEST = 8  # a column is never cut below this many cells


def terminal_width() -> int | None:
    """The width to fit output to: the terminal's (or $COLUMNS); None when writing to a file or a pipe."""
    import os
    import shutil

    if "COLUMNS" not in os.environ and not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


def _cut(text: str, width: int) -> str:
    from rich.cells import cell_len, set_cell_size

    return text if cell_len(text) <= width else set_cell_size(text, width - 1).rstrip() + "…"


def cell_widths(texts: set[str]) -> dict[str, int]:
    """How many terminal cells each text takes (a CJK character two, a combining mark none), as rich measures
    them: each distinct character is measured once, and each text by one C call (str.translate) that writes a
    wide character as two and drops a zero-width one (a province's table holds 100,000 distinct texts)."""
    from rich.cells import get_character_cell_size

    table: dict[int, str] = {}
    for character in set().union(*texts):
        size = get_character_cell_size(character)
        if size != 1:
            table[ord(character)] = "  " * (size // 2) + " " * (size % 2)
    return {text: len(text.translate(table)) for text in texts}


def table(headers: list[str], rows: list[list[object]], width: int | None = None) -> str:
    """A plain text table whose columns line up with CJK characters (two cells wide), fitted to ``width``
    (default: the terminal's) by shortening the widest columns after the first with “…”; not fitted when
    written to a file or pipe, where every character is kept."""
    from pingcha.text import printable

    def shown(value: object) -> str:  # an ANSI escape in a value from a register must not clear the terminal
        text = "" if value is None else str(value)
        return text if text.isprintable() else printable(text)

    # Worked column by column: a column repeats its values (agencies, statuses, grades), and each distinct
    # value is turned into text, measured and padded once (a province's table has 50,000 rows).
    columns = []
    for header, values in zip(headers, zip(*rows) if rows else [()] * len(headers)):
        texts = {value: shown(value) for value in set(values)}
        columns.append([shown(header), *map(texts.__getitem__, values)])
    measured = [cell_widths(set(column)) for column in columns]
    widths = [max(sizes.values()) for sizes in measured]
    limit = width if width is not None else terminal_width()
    if limit is not None:
        while sum(widths) + 2 * (len(widths) - 1) > limit:
            widest = max(range(1, len(widths)), key=lambda i: widths[i], default=None)
            if widest is None or widths[widest] <= NARROWEST:
                break
            widths[widest] -= 1
        for i, column in enumerate(columns):
            if max(measured[i].values()) > widths[i]:
                cut = {text: _cut(text, widths[i]) for text in measured[i]}
                columns[i] = column = [cut[text] for text in column]
                measured[i] = cell_widths(set(column))
    # A text padded to its column's width in cells: ljust counts characters, so a text is given as many more
    # characters as it is narrower in cells than its column.
    padded = []
    for column, sizes, width_ in zip(columns, measured, widths):
        pad = {text: text.ljust(width_ - size + len(text)) for text, size in sizes.items()}
        padded.append(map(pad.__getitem__, column))
    lines = [line.rstrip() for line in map("  ".join, zip(*padded))]
    lines.insert(1, "  ".join("─" * w for w in widths))
    return "\n".join(lines)
