"""Whether this process may fork children that run its own code (the reading workers, ingest/period.py).

A child forked from this process starts at once, with every module imported and the period's context shared
(copy-on-write), where a fork server must first be started and import the readers, and each of its children
build the period's context: on the 54-unit demo period the reading took 0.3 s with forked workers against
0.9 s with a fork server's.

A fork is cheap in time, not always in memory: every page either process writes afterwards is copied, and a
child that allocates much fills the free slots of the heap it shares, each such page copied. Measured
(docs/performance.md): the Great Expectations suite run in a forked child cost 120 MiB more than in the
process on the province period (135 MiB at national scale), the charts drawn in one 37 MiB more on the demo
period for 0.1 s; both stay in the process. The reading workers allocate what they read in their own pages and end with the reading.

No fork where it is missing (Windows) or unsafe (macOS), where ``KTTT_FORKED_WORK=0`` turns it off, or while this
process runs Python threads besides the main one (a fork of a threaded process may inherit a lock another
thread held; native library threads such as OpenBLAS's are not counted: they install their own fork handlers):
the callers then use a fork server.
"""

from __future__ import annotations

import os
import sys
import threading

#: environment variable that turns forking off (``0``)
FORKED_WORK_ENV = "KTTT_FORKED_WORK"


def fork_available() -> bool:
    """Whether children may be forked from this process now (a Linux-like system, only the main thread
    running, not turned off by :data:`FORKED_WORK_ENV`)."""
    if os.environ.get(FORKED_WORK_ENV, "1").strip() in {"0", "false", "no", "off"}:
        return False
    if not hasattr(os, "fork") or sys.platform == "darwin" or sys.platform.startswith("win"):
        return False
    return threading.active_count() == 1
