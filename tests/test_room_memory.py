"""What a UI process of ``pingcha serve`` holds (issue 10: < 120 MB a browser session): the command line's parser
and the UI, opened on an up-to-date database, load none of the libraries only a document, a workbook, a migration
or nothing at all needs (python-docx, docxtpl, openpyxl with lxml and numpy, Alembic, krippendorff)."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import REPO

HEAVY = ("docx", "docxtpl", "openpyxl", "lxml", "numpy", "alembic", "mako", "krippendorff", "selenium")

PROBE = """
import sys
from pingcha.cli import build_parser
from pingcha.store import open_store
from pingcha.agreement import agreement, RatedSheet
from decimal import Decimal
build_parser()
import pingcha.tui.app
open_store(sys.argv[1]).dispose()  # up to date: no migration
sheets = [[RatedSheet("甲", Decimal(s)), RatedSheet("乙", Decimal(s) - 2)] for s in (90, 80, 70)]
assert agreement(sheets, []).alpha_score is not None
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_a_ui_process_loads_no_library_it_does_not_use(tmp_path):
    db = str(tmp_path / "m.db")
    subprocess.run([sys.executable, "-c", "import sys; from pingcha.store import open_store; open_store(sys.argv[1]).dispose()", db],
                   check=True, cwd=REPO)
    loaded = subprocess.run([sys.executable, "-c", PROBE, db], capture_output=True, text=True, check=True,
                            cwd=REPO).stdout.split()
    assert "textual" in loaded and "sqlalchemy" in loaded
    assert [name for name in HEAVY if name in loaded] == []
