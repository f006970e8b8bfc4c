"""A computation in a worker steps aside for a key press: it waits at its next pause, the event loop never does."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from hypothesis import given
from hypothesis import strategies as st

from pingcha import pacing


def test_a_worker_waits_at_its_pause_while_a_face_asks_and_goes_on_afterwards():
    pacing.step_aside(0.2)
    waited = []
    worker = threading.Thread(target=lambda: (start := time.monotonic(), pacing.pause(),
                                              waited.append(time.monotonic() - start)))
    worker.start()
    worker.join()
    assert 0.1 < waited[0] < 1.0
    start = time.monotonic()
    pacing.pause()  # the main thread (the event loop) never waits
    assert time.monotonic() - start < 0.05


def test_a_pause_costs_nothing_when_no_face_asked():
    time.sleep(max(0.0, pacing._until - time.monotonic()))  # an earlier request has run out
    waited = []
    worker = threading.Thread(target=lambda: (start := time.monotonic(), pacing.pause(),
                                              waited.append(time.monotonic() - start)))
    worker.start()
    worker.join()
    assert waited[0] < 0.01


@contextmanager
def pauses_noting(what):
    """``pacing.pause`` replaced by one that notes ``what()`` at each pause: the list of notes."""
    notes = []
    real = pacing.pause
    pacing.pause = lambda: notes.append(what())
    try:
        yield notes
    finally:
        pacing.pause = real


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=7))
def test_a_paced_loop_gives_every_item_in_order_and_pauses_once_a_chunk(items, every):
    seen = []
    with pauses_noting(lambda: len(seen)) as pauses:
        for item in pacing.paced(iter(items), every):
            seen.append(item)
    assert seen == items
    assert pauses == list(range(0, len(items), every))  # before each chunk, none after the last


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=7))
def test_a_released_list_is_emptied_a_chunk_at_a_time_with_a_pause_after_each(items, every):
    kept = list(items)
    with pauses_noting(lambda: len(kept)) as left:
        pacing.release(kept, every)
    assert kept == []
    chunks = -(-len(items) // every)
    assert left == [max(len(items) - every * k, 0) for k in range(1, chunks + 1)]  # what was left at each pause
