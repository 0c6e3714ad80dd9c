"""Imported only by a fork server of the reading workers (listed in its preload by ``ingest/period.py``): the
server then ends with the process that started it, even one killed with SIGKILL (core/forked.py)."""

from kttt_pipeline.core.forked import fork_server_parent_guard

fork_server_parent_guard()
