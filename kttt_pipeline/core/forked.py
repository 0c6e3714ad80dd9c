"""Work handed to a forked child process while this process goes on with its own.

Publishing draws the charts (matplotlib: its import and the text layout, ≈ 1 s) while it could be writing the
appendix. :class:`ForkedWorker` starts a child forked from this process, which therefore sees everything this
process holds at that moment (the loaded modules, the configuration) without copying it; only the arguments of
the calls and their results travel, pickled. The child's imports and allocations are its own and go when it
ends, so a module it imports never grows this process.

A fork is cheap in time, not always in memory: every page that either process writes afterwards is copied, and
a child that allocates much fills the free slots of a fragmented heap it shares (each such page copied). Hand a
child small work on small data; measured in docs/performance.md (the Great Expectations suite, run in a child
forked from a national-scale run, cost 120 MiB more than in the process).

Where ``fork`` is missing (Windows, and macOS where it is unsafe) or not wanted (``KTTT_FORKED_WORK=0``), or when
this process has threads besides the main one (a fork of a threaded process may inherit a lock another thread
held), every call simply runs here, when its result is asked for: the results are the same, only the overlap is
lost. A child that dies (killed, out of memory) is reported in the log and the call is run here instead; an
exception the called function raises in the child is raised here, as it would have been in this process.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from kttt_pipeline.core.collector import collector_frozen

log = logging.getLogger(__name__)

#: environment variable that turns forked work off (``0``): every call then runs in this process
FORKED_WORK_ENV = "KTTT_FORKED_WORK"


def fork_available() -> bool:
    """Whether work can be handed to a forked child here (Linux-like system, only the main thread running, not
    turned off by :data:`FORKED_WORK_ENV`)."""
    if os.environ.get(FORKED_WORK_ENV, "1").strip() in {"0", "false", "no", "off"}:
        return False
    if not hasattr(os, "fork") or sys.platform == "darwin" or sys.platform.startswith("win"):
        return False
    return threading.active_count() == 1


class ForkedWorker:
    """One forked child that runs calls in order, started when the worker is made.

    ``warm_up`` (no arguments) runs in the child at once, for instance the import of a heavy module that a later
    call needs; :meth:`submit` hands ``fn(*args)`` to the child and returns at once, the :class:`Pending`
    result's ``result()`` waits for it. :meth:`close` ends the child (also on ``with``
    exit). Without fork (:func:`fork_available`), or with ``fork=False`` (the caller's own reasons to keep the
    work here), ``warm_up`` is skipped and each call runs here when its result is asked for."""

    def __init__(self, warm_up: Callable[[], Any] | None = None, *, fork: bool = True) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if not fork or not fork_available():
            return
        import multiprocessing as mp

        with collector_frozen():
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
            # the first submit forks the child (with fork, Python starts the workers before its manager thread)
            self._pool.submit(warm_up if warm_up is not None else _nothing)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Pending:
        """``fn(*args)`` handed to the child (run after the warm-up and the calls before it), or, without one,
        to be run here by ``result()``."""
        return Pending(self, fn, args, self._pool.submit(fn, *args) if self._pool is not None else None)

    def close(self, wait: bool = True) -> None:
        """End the child: calls not started are dropped; ``wait`` for the one running (else it ends alone)."""
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ForkedWorker:
        return self

    def __exit__(self, exc_type: type | None, *exc: object) -> None:
        # leaving on an error (a failed check before the load, say) does not wait for the warm-up to finish
        self.close(wait=exc_type is None)


class Pending:
    """The result of a call handed to a :class:`ForkedWorker`."""

    def __init__(self, worker: ForkedWorker, fn: Callable[..., Any], args: tuple, future: Future | None) -> None:
        self._worker, self._fn, self._args, self._future = worker, fn, args, future

    def result(self) -> Any:
        """The call's value (its exception raised here); run here when there is no child, or when the child
        died before answering (logged)."""
        if self._future is not None:
            try:
                return self._future.result()
            except BrokenProcessPool as exc:
                log.warning("the forked child running %s ended abnormally (%s); running it in this process",
                            getattr(self._fn, "__name__", self._fn), exc)
                self._worker.close()
        return self._fn(*self._args)


def _nothing() -> None:
    return None
