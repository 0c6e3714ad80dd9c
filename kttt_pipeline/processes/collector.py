"""The cyclic garbage collector held back while a step builds millions of short-lived, acyclic containers.

Reading a period creates a list per sheet row, a dict per record and a tuple per cell run, hundreds of thousands
of them alive at once. CPython's cyclic collector runs every few hundred allocations and, as the heap grows,
traverses every container alive again and again: on the 20,000-row province period a third of the reading's
time (2.6 → 1.9 s with the collector paused), and 0.3 s of publishing. Those objects are freed by reference
counting; the little cyclic garbage a paused step leaves is collected once the collector runs again (measured:
< 10 MiB more at the peak).

* :func:`collector_paused`: no cyclic collection inside the block (the state before it is restored after).
* :func:`collector_frozen`: the objects alive are moved out of the collector's reach for the block, so that a
  child forked inside it does not copy this process's heap by collecting it (a collection writes to every
  object it traverses, and each page written is copied).
* :func:`collector_slowed`: for a run of many provinces, the youngest generation collected every
  :data:`YOUNG_THRESHOLD` allocations instead of 700 (and its forked workers likewise): the steps not paused
  (Dagster's events, the warehouse load, Great Expectations' suite) spent ≈ 0.16 CPU-s a province in collections
  (4 provinces: 15.7 → 15.0 CPU-s), for ≈ 15 MiB more at the peak.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def collector_frozen() -> Iterator[None]:
    if gc.get_freeze_count():  # frozen by someone else (an embedding application): left as it is
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


#: allocations between two collections of the youngest generation under :func:`collector_slowed` (CPython: 700)
YOUNG_THRESHOLD = 50_000


@contextmanager
def collector_slowed() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
