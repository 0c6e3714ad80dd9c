"""Whether this process may fork children that run its own code (the workers of ``processes/pool.py``: the reading
workers of ingest/period.py), and how such children die with their parent.

A child forked from this process starts at once, with every module imported and the period's context shared
(copy-on-write), where a fork server must first be started and import the readers, and each of its children
build the period's context: on the 54-unit demo period the reading took 0.3 s with forked workers against
0.9 s with a fork server's.

A fork is cheap in time, not always in memory: every page either process writes afterwards is copied, and a
child that allocates much fills the free slots of the heap it shares, each such page copied. Measured
(docs/performance.md): the Great Expectations suite run in a forked child cost 120 MiB more than in the
process on the province period (135 MiB at national scale), the charts drawn in one 37 MiB more on the demo
period for 0.1 s; both stay in the process. The reading workers allocate what they read in their own pages and
end with the reading.

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


# ------------------------------------------------------------------ children die with their parent

#: environment variable naming the process a fork server must not outlive (set by the pool that starts it)
PARENT_PID_ENV = "KTTT_FORK_PARENT_PID"
#: set by a fork server in its own environment: the pid its workers' parent must have (a worker forked just as the
#: server was killed is adopted before it can set its parent-death signal, and must notice it)
FORK_SERVER_PID_ENV = "KTTT_FORK_SERVER_PID"
#: how often the portable fallback looks at the parent, in seconds
PARENT_POLL_S = 0.5

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _set_parent_death_signal(sig: int) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent exits (``prctl(PR_SET_PDEATHSIG)``); False where
    there is no such call."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(1)  # the parent is gone (this process was handed to init or a subreaper)


def die_with_parent(parent: int | None = None, *, use_prctl: bool = True) -> None:
    """Make this process (a reading worker, the fork server) end when its parent does, even when the parent is
    killed with SIGKILL and can clean nothing up: Linux's parent-death signal (SIGKILL), else a daemon thread that
    watches ``os.getppid()``. ``parent``: the pid the parent must have (a parent that died before the signal was
    set is then noticed too: this process already belongs to init); default: the current one."""
    import signal

    expected = os.getppid() if parent is None else parent
    if use_prctl and _set_parent_death_signal(signal.SIGKILL):
        # the parent may have died before the call (the signal is then never sent): look again, after setting it
        if os.getppid() != expected:
            os._exit(1)
        return
    if os.getppid() != expected:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(expected,), name="kttt-parent-watch", daemon=True).start()


def fork_server_parent_guard() -> None:
    """Run in the fork server when it imports its preloaded modules (``forkserver_guard``): the server ends with
    the process that started it (named by :data:`PARENT_PID_ENV`), and with it the workers it forked (each of
    which dies with the server, :func:`die_with_parent`)."""
    try:
        parent = int(os.environ.get(PARENT_PID_ENV, ""))
    except ValueError:
        parent = None
    die_with_parent(parent)
    os.environ[FORK_SERVER_PID_ENV] = str(os.getpid())


def fork_server_pid() -> int | None:
    """In a worker forked by a fork server: the server's pid (:data:`FORK_SERVER_PID_ENV`), else None."""
    try:
        return int(os.environ.get(FORK_SERVER_PID_ENV, ""))
    except ValueError:
        return None
