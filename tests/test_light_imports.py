"""What the UI loads on the event loop stays light: the document libraries come with the first document."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("docx", "docxtpl", "openpyxl", "lxml")


def loaded_after(code: str) -> set[str]:
    shown = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    return {name for name in shown if name.split(".")[0] in HEAVY}


def test_the_document_settings_load_without_the_document_libraries():
    # The 报告 page shows the settings as soon as it opens: that must not import python-docx on the event loop.
    assert loaded_after("from pingcha.reports import LABELS, default_text, check_settings") == set()


def test_a_document_function_still_comes_from_the_package():
    assert "docx" in loaded_after("from pingcha.reports import render_bulletin")
