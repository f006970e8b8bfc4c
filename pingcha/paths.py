"""Where the shipped, user-editable data folders are.

In a wheel they sit inside the package (``pingcha/_shipped/``); in a source checkout or an
editable install they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped(name: str) -> Path:
    """The shipped folder ``name`` (scoring_rules, templates or sample_cases)."""
    inside = _PACKAGE / "_shipped" / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def scoring_rules_dir() -> Path:
    return shipped("scoring_rules")


def templates_dir() -> Path:
    return shipped("templates")


def sample_cases_dir() -> Path:
    return shipped("sample_cases")
