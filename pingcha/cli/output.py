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


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A plain text table whose columns line up with CJK characters (two cells wide)."""
    from rich.cells import cell_len

    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(cell_len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        lines.append("  ".join(v + " " * (widths[i] - cell_len(v)) for i, v in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("─" * w for w in widths))
    return "\n".join(lines)
