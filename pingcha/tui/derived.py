"""The activity's results as the 组长's pages show them: computed once per data version, off the event loop.

An activity of 50,000 files takes seconds to turn into results; the 进度, 复核 and 结果 pages share one computation
(without the sheets' contents), the reports another (with them), and the views built from them, kept until a
change is committed (the data version of ``results_version``). Workers call ``get`` from their threads; the event
loop calls ``current`` to learn, with one cheap query, whether what a page shows is still current.
"""

from __future__ import annotations

import threading
from typing import Callable

from pingcha.results import ActivityResults
from pingcha.services.queries import progress_of
from pingcha.services.results import activity_results, results_version
from pingcha.store import Store

# A view and the results it is built from: without the sheets' contents for the pages, with them for the reports.
VIEWS: dict[str, tuple[bool, Callable[[ActivityResults], object]]] = {
    "results": (False, lambda results: results), "progress": (False, progress_of), "full": (True, lambda results: results),
}


class DerivedViews:
    """Results and the views built from them, for one activity, valid while the data version stays the same."""

    def __init__(self, store: Store, activity_ref: str) -> None:
        self.store = store
        self.activity_ref = activity_ref
        # One computation of each kind at a time (only workers wait for it): the pages never wait for the
        # results with contents the dashboard's agreement chart computes meanwhile.
        self._computing = {False: threading.Lock(), True: threading.Lock()}
        self._merging = threading.Lock()
        # (version, views), replaced whole, so the event loop reads it without ever waiting for a worker.
        self._state: tuple[tuple[int, ...] | None, dict[object, object]] = (None, {})

    def current(self, name: str) -> object | None:
        """The view if it is computed and the data has not changed since (one cheap query); else None."""
        version, views = self._state
        if name not in views:
            return None
        return views[name] if results_version(self.store) == version else None

    def get(self, name: str) -> object:
        """The view, computed now if the data changed since it was last computed (call from a worker thread)."""
        contents, build = VIEWS[name]
        base = ("computed", contents)  # the results the views of this kind are built from, computed once
        with self._computing[contents]:
            now = results_version(self.store)
            version, views = self._state
            if version == now and name in views:
                return views[name]
            results = views.get(base) if version == now else None
            if results is None:
                # The Store keeps the last results of each kind and brings them up to date change by change.
                results = activity_results(self.store, self.activity_ref, contents=contents)
            view = build(results)
            with self._merging:
                version, views = self._state
                views = {**views, base: results, name: view} if version == now else {base: results, name: view}
                self._state = (now, views)
            return view
