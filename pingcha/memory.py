"""Building results for a province (millions of small objects) without Python's cyclic garbage collector
walking them again and again: ``paused_collection`` switches it off for the duration and afterwards moves
what was built out of its reach (``gc.freeze``), since results live until the data changes and are freed by
reference counting, which freezing does not stop.

Measured on 50,000 files / 100,000 sheets: the collector's full passes were 40 % of computing the results, and
in the terminal UI each pass, taken in the worker thread with the GIL held, stalled key presses for up to half
a second. Freeing such results at once stalls them the same way (150–400 ms): results that newer ones replace
are ``retire``d, and freed a chunk at a time by a thread of their own once nobody holds them.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from pingcha.pacing import release

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused_collection() -> Iterator[None]:
    """Run the block with the cyclic collector off (nested and concurrent uses are counted, the collector comes
    back when the last one ends), then freeze the objects that survived it."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.freeze()
                if _was_enabled:
                    gc.enable()


def settle() -> None:
    """Freeze what a page has just built on the main thread (its table's rows and cells, its widgets), after
    collecting the young generations' garbage (a millisecond or two).

    Textual allocates thousands of short-lived objects per repaint, so the collector passes over the older
    generation every few key presses, and such a pass walks every object not frozen: at 5,000 files, after the
    home screen had built its 500 rows, 78,000 objects and 26 ms a pass, a page switch now and then taking 60
    to 80 ms instead of 25. Frozen, they are still freed by reference counting when the page is rebuilt. While a
    computation has the collector paused (``paused_collection``), it freezes at its end instead."""
    with _lock:
        if _depth:
            return
        gc.collect(1)
        gc.freeze()


# Replaced results waiting to be freed a piece at a time (``retire``): [whole, its parts], swept by one thread.
_retired: list[list] = []
_retired_lock = threading.Lock()
_sweeper: threading.Thread | None = None
SWEEP_EVERY = 0.2  # seconds between the sweeper's looks at what is retired


def retire(whole: object, parts: Iterable[object]) -> None:
    """Let go of ``whole`` (a province's results that newer ones have just replaced) without freeing it at once.

    Freeing 50,000 files' results is one C call of 150–400 ms that lets no other thread in: in whichever thread
    drops the last reference (a page showing the new results, a worker), every key pressed meanwhile waits for
    it. So ``whole`` is kept here, with references to its ``parts``, until nobody else holds it; then a thread of
    its own drops ``whole`` (freeing only its container) and ``parts`` a chunk at a time (``pacing.release``),
    the event loop taking its turn between chunks. Parts that newer results share simply stay."""
    global _sweeper
    with _retired_lock:
        if any(entry[0] is whole for entry in _retired):
            return  # retired already (its slot here is counted once)
        _retired.append([whole, list(parts)])
        if _sweeper is None or not _sweeper.is_alive():
            _sweeper = threading.Thread(target=_sweep, name="pingcha-retired", daemon=True)
            _sweeper.start()


def _sweep() -> None:
    global _sweeper
    while True:
        time.sleep(SWEEP_EVERY)
        with _retired_lock:
            kept, free = [], []
            for entry in _retired:  # held by its slot here and getrefcount's argument only: nobody else's
                (free if sys.getrefcount(entry[0]) <= 2 else kept).append(entry)
            _retired[:] = kept
            if not kept and not free:
                _sweeper = None
                return
        for entry in free:
            whole, parts = entry
            entry.clear()
            del whole
            release(parts, 1024)
