"""Imported only by the fork server of the page's checks (``runner.PRELOAD``): the server ends with the process of
``kttt serve``, watched by its pid. Not by Linux's parent-death signal (``processes/forkserver_guard.py``): that signal
follows the *thread* that started the fork server, and the page starts it from a worker thread, which ends when
idle; the fork server would be killed with it."""

import os

from kttt_pipeline.processes.forked import FORK_SERVER_PID_ENV, PARENT_PID_ENV, die_with_parent

try:
    _parent: int | None = int(os.environ.get(PARENT_PID_ENV, ""))
except ValueError:
    _parent = None
die_with_parent(_parent, use_prctl=False)
os.environ[FORK_SERVER_PID_ENV] = str(os.getpid())
