"""Imported only by a fork server of the worker pool (listed in its preload by ``processes/pool.py``): the
server then ends with the process that started it, even one killed with SIGKILL (processes/forked.py)."""

from kttt_pipeline.processes.forked import fork_server_parent_guard

fork_server_parent_guard()
