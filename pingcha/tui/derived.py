"""The activity's results as the 组长's pages show them: computed once per data version, off the event loop.

An activity of 50,000 files takes seconds to turn into results; the 进度, 复核 and 结果 pages (and the reports)
share one computation, and the views built from it, kept until a change is committed (the data version of
``results_version``). Workers call ``get`` from their threads; the event loop calls ``current`` to learn, with
one cheap query, whether what a page shows is still current.
"""

from __future__ import annotations

import threading
from typing import Callable

from pingcha.results import ActivityResults
from pingcha.services.queries import progress_of
from pingcha.services.results import activity_results, results_version
from pingcha.store import Store

VIEWS: dict[str, Callable[[ActivityResults], object]] = {"results": lambda results: results, "progress": progress_of}


class DerivedViews:
    """Results and the views built from them, for one activity, valid while the data version stays the same."""

    def __init__(self, store: Store, activity_ref: str) -> None:
        self.store = store
        self.activity_ref = activity_ref
        self._lock = threading.Lock()  # one computation at a time; only workers wait for it
        # (version, views), replaced whole, so the event loop reads it without ever waiting for a worker.
        self._state: tuple[tuple[int, ...] | None, dict[str, object]] = (None, {})

    def current(self, name: str) -> object | None:
        """The view if it is computed and the data has not changed since (one cheap query); else None."""
        version, views = self._state
        if name not in views:
            return None
        return views[name] if results_version(self.store) == version else None

    def get(self, name: str) -> object:
        """The view, computed now if the data changed since it was last computed (call from a worker thread)."""
        with self._lock:
            version, views = self._state
            now = results_version(self.store)
            if now != version:
                version, views = now, {"results": activity_results(self.store, self.activity_ref)}
            if name not in views:
                views = {**views, name: VIEWS[name](views["results"])}
            self._state = (version, views)
            return views[name]
