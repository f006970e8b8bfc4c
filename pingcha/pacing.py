"""Long computations stepping aside for a person at the keyboard.

The terminal UI computes the 组长's pages in a worker thread beside its event loop. Python gives threads no
priorities: while the worker computes, a key press shares the interpreter half and half with it and takes twice
its own time to repaint. So a face calls ``step_aside`` when a key arrives, and computations call ``pause``
between small steps (a few milliseconds of work apart): in a thread other than the main one, ``pause`` sleeps
until the time given has passed, leaving the interpreter to the event loop meanwhile. Where no face asks (the
command line, a test), ``pause`` returns at once; on the main thread it never waits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import TypeVar

T = TypeVar("T")

_until = 0.0  # time.monotonic() until which computations in other threads wait


def step_aside(seconds: float) -> None:
    """Computations in other threads wait at their next ``pause`` for ``seconds`` from now."""
    global _until
    _until = max(_until, time.monotonic() + seconds)


def pause() -> None:
    """Wait while a face has asked computations to step aside (never on the main thread)."""
    wait = _until - time.monotonic()
    if wait <= 0 or threading.current_thread() is threading.main_thread():
        return
    while wait > 0:
        time.sleep(min(wait, 0.02))
        wait = _until - time.monotonic()


def paced(items: Iterable[T], every: int = 1024) -> Iterator[T]:
    """``items``, pausing (``pause``) before every ``every`` of them: a long loop over a province's rows in a few
    milliseconds' steps (taken a chunk at a time: a check per item cost as much as the loop's own work, and the
    items are handed on by ``chain``, in C, not by a generator's frame each)."""
    def chunks() -> Iterator[list[T]]:
        iterator = iter(items)
        while chunk := list(islice(iterator, every)):
            pause()
            yield chunk

    return chain.from_iterable(chunks())


def release(items: list, every: int = 2048) -> None:
    """Empty ``items`` ``every`` at a time from the end, pausing (``pause``) between: freeing a province's
    objects at once is one C call that never lets another thread in (50 ms for the agreement's 100,000 rated
    sheets, more on a busy machine), and a key pressed meanwhile would wait for all of it."""
    while items:
        del items[-every:]
        pause()
