"""Give the memory a step freed back to the system before the next step grows the process again.

glibc keeps the heap pages that freed objects leave; a run that reads a national period frees hundreds of thousands
of row dicts after staging them. ``malloc_trim`` returns the free heap pages to the system (a no-op where glibc is
absent). No ``gc.collect()``: the rows are freed by reference counting, and a full collection over the run's heap
costs a quarter of a second each time."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache


@cache
def _malloc_trim():
    """glibc's ``malloc_trim``, looked up once (``find_library`` runs ``ldconfig``), or None."""
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), "malloc_trim", None)
    except OSError:
        return None


def release_free_memory() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
