"""Give the memory a step freed back to the system before the next step grows the process again.

glibc keeps the heap pages that freed objects leave; a run that reads a national period frees hundreds of thousands
of row dicts after staging them. ``malloc_trim`` returns the free heap pages to the system (a no-op where glibc is
absent). No ``gc.collect()``: the rows are freed by reference counting, and a full collection over the run's heap
costs a quarter of a second each time. The caches of cleaned and folded texts are emptied first: a period of
200,000 cooperatives fills them with half a million names, kept for nothing once the step that read them ends."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

from kttt_pipeline.core.text import forget_texts


@cache
def _malloc_trim():
    """glibc's ``malloc_trim``, looked up once, or None. First among the symbols this process has loaded (no
    child process: ``find_library`` runs ``ldconfig`` in one, a fork of a run that may hold a gigabyte by then)."""
    try:
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
        if trim is not None:
            return trim
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), "malloc_trim", None)
    except OSError:
        return None


def release_free_memory() -> None:
    """The text caches emptied (``core/text.forget_texts``: a large period's distinct names), then the free heap
    pages given back."""
    forget_texts()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


#: the reconciled period's frames of the staging tables: loaded into the warehouse, read by nothing after the load
#: (the documents and the suite read the warehouse); an in-process run would keep them until it ends
LOADED_STAGING_FRAMES = ("stg_cooperative", "stg_group", "stg_tax_register")


def release_frames(holder: object, names: tuple[str, ...]) -> None:
    """Empty the named frames of ``holder`` (their columns kept), then give the memory back."""
    for name in names:
        setattr(holder, name, getattr(holder, name).iloc[0:0].copy())
    release_free_memory()
