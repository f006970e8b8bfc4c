"""What a page builds on the main thread is frozen once built (memory.settle), out of the collector's full passes,
and still freed by reference counting; while a computation has the collector paused, it freezes at its end."""

from __future__ import annotations

import gc
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
