"""Give the memory a step freed back to the system before the next step grows the process again.

CPython keeps freed objects' memory in its allocator's arenas and glibc keeps freed heap pages; a run that
reads a national period frees hundreds of thousands of row dicts after staging them. ``malloc_trim`` returns the
free heap pages to the system (a no-op where glibc is absent)."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc


def release_free_memory() -> None:
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = getattr(libc, "malloc_trim", None)
    except OSError:
        return
    if trim is not None:
        trim(0)
