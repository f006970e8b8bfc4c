"""The terminal UI (Textual). ``run_app(store, activity=..., user=...)`` is the entry point the CLI calls."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pingcha.store import Store


def run_app(store: Store, *, activity: str | None = None, user: str | None = None) -> None:
    """Run the app on an open Store; ``activity`` (name or number) and ``user`` preselect where they fit."""
    from pingcha.tui.app import run_app as run

    run(store, activity=activity, user=user)


__all__ = ["run_app"]
