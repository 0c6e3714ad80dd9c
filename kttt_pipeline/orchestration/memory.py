"""Give the memory a step freed back to the system before the next step grows the process again.

glibc keeps the heap pages that freed objects leave; a run that reads a national period frees hundreds of thousands
of row dicts after staging them. ``malloc_trim`` returns the free heap pages to the system (a no-op where glibc is
absent). No ``gc.collect()``: the rows are freed by reference counting, and a full collection over the run's heap
costs a quarter of a second each time. The caches of cleaned and folded texts are emptied first: a period of
200,000 cooperatives fills them with half a million names, kept for nothing once the step that read them ends."""

from __future__ import annotations

import ctypes
import ctypes.util
import pickle
import tempfile
from functools import cache

from kttt_pipeline.core import values, vocabulary
from kttt_pipeline.core.text import forget_texts
from kttt_pipeline.ingest import row_features, row_labels
from kttt_pipeline.reconcile import entity_resolution


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


#: the caches keyed by a period's cells or names (up to 65,536 or 262,144 entries each): they serve the step that
#: reads or resolves them, and hold a large period's texts for nothing after it
_PERIOD_CACHES = (
    row_labels.total_label,
    row_labels.sector_heading,
    row_labels.note_line,
    row_labels.signature_line,
    row_features._header_field,
    values._parse_number_str,
    values._parse_date_str,
    vocabulary._header_key,
    entity_resolution.folded_name,
    entity_resolution.distinctive_part,
)


def release_free_memory() -> None:
    """The text caches emptied (``core/text.forget_texts``: a large period's distinct names) and the other caches
    of a period's cells and names, then the free heap pages given back."""
    forget_texts()
    for cached in _PERIOD_CACHES:
        cached.cache_clear()
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


def compact(holder: object, names: tuple[str, ...] | list[str]) -> None:
    """The named attributes of ``holder`` (a step's output: its frames) moved to fresh memory: written to a
    temporary file, dropped, the memory given back, read again. Python keeps a heap page while one object on it
    lives: a step that built 200,000 rows from millions of short-lived cells leaves its output scattered over
    pages that are mostly free (≈ 190 MiB for a 200,000-row return), which the next steps cannot give back. Read
    again, the same values (pickle keeps the objects shared between cells shared) fill few pages. The file is
    anonymous (nothing is left on disk, even after a kill); when it cannot be made or written (no temporary folder,
    a full disk), the output is left where it is."""
    try:
        fh = tempfile.TemporaryFile(prefix="kttt-step-output-")
    except OSError:  # no temporary folder to write in: the output is left where it is
        return
    with fh:
        try:
            pickle.dump({name: getattr(holder, name) for name in names}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:  # a full disk: likewise
            return
        for name in names:
            setattr(holder, name, None)
        release_free_memory()
        fh.seek(0)
        moved = pickle.load(fh)
    for name, value in moved.items():
        setattr(holder, name, value)
