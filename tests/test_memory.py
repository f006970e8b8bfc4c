"""What a page builds on the main thread is frozen once built (memory.settle), out of the collector's full passes,
and still freed by reference counting; while a computation has the collector paused, it freezes at its end."""

from __future__ import annotations

import gc
import time
import weakref

from pingcha import memory


class Row:
    """Stands for a row a page built (a plain object the collector tracks)."""


def test_settle_freezes_what_was_built_and_reference_counting_still_frees_it():
    rows = [Row() for _ in range(1000)]
    try:
        memory.settle()
        tracked = {id(o) for o in gc.get_objects()}
        assert not any(id(row) in tracked for row in rows)  # out of the collector's passes
        gone = weakref.ref(rows[0])
        del rows
        assert gone() is None  # freed at once, as before
    finally:
        gc.unfreeze()


def test_settle_during_a_paused_computation_leaves_the_freeze_to_its_end():
    try:
        with memory.paused_collection():
            rows = [Row() for _ in range(100)]
            frozen = gc.get_freeze_count()
            memory.settle()
            assert gc.get_freeze_count() == frozen and not gc.isenabled()
        assert gc.get_freeze_count() > frozen and gc.isenabled()
        tracked = {id(o) for o in gc.get_objects()}
        assert not any(id(row) in tracked for row in rows)
    finally:
        gc.unfreeze()


class Results:
    """Stands for a province's results: a container of many parts."""

    def __init__(self, parts):
        self.parts = tuple(parts)


def _wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_retired_results_live_while_someone_holds_them_then_are_freed_part_by_part():
    results = Results(Row() for _ in range(3000))
    first, last = weakref.ref(results.parts[0]), weakref.ref(results.parts[-1])
    shown = results  # a page still showing the old results
    released = []
    real = memory.release
    memory.release = lambda parts, every: (  # this test's parts only (other tests may have retired some too)
        released.append((len(parts), every)) if parts and parts[0] is first() else None, real(parts, every))
    try:
        memory.retire(results, results.parts)
        del results
        time.sleep(3 * memory.SWEEP_EVERY)
        assert first() is not None and not released  # the page holds them: nothing is freed
        del shown  # the page shows the new results: nobody else holds the old ones
        assert first() is not None  # dropping the last outside reference freed nothing at once
        assert _wait_for(lambda: first() is None and last() is None)
        assert released == [(3000, 1024)]  # the parts, freed a chunk at a time by the sweeper
    finally:
        memory.release = real


def test_results_retired_twice_are_still_freed():
    results = Results(Row() for _ in range(10))
    part = weakref.ref(results.parts[0])
    memory.retire(results, results.parts)
    memory.retire(results, results.parts)  # kept, then replaced again: one slot, counted once
    del results
    assert _wait_for(lambda: part() is None)
