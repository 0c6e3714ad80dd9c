"""A pool of worker processes that shares a stage's jobs with this process, each worker dying with it.

* :func:`worker_pool` opens the pool. Where this process may fork (``processes/forked.py``) the workers are forked
  from it: they start at once, with the stage's state and every module already imported, the pages shared. Else
  they come from a fork server, a clean process that imported the ``preload`` modules once (not a fork of a
  threaded process), and each worker rebuilds the state by ``build(*build_args)``. The workers, and the fork
  server, end with this process even when it is killed with SIGKILL; the fork server is stopped when the pool
  closes. A job run by a worker finds the state by :func:`worker_state`.
* :func:`share_jobs` runs a list of jobs with a pool: the jobs named go in batches to the workers while this process
  runs the others, then takes over the batches no worker has started, from the last.

The stage gives the jobs and the functions that run them; nothing here knows what a job is.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from kttt_pipeline.processes.collector import collector_frozen
from kttt_pipeline.processes.forked import PARENT_PID_ENV, die_with_parent, fork_available, fork_server_pid

J = TypeVar("J")
R = TypeVar("R")

#: the state of the stage's workers: set in this process for the forked ones (they inherit it), by the initializer
#: in a fork server's
_worker_state: dict[str, Any] = {}


def worker_state() -> Any:
    """The state of the pool this worker belongs to (the one given to :func:`worker_pool`, or rebuilt from it)."""
    return _worker_state["state"]


def _init_forked(parent: int) -> None:
    """A forked worker: it has the state already; it only ends with its parent (``processes/forked.py``)."""
    die_with_parent(parent)


def _init_served(build: Callable[..., Any], build_args: tuple) -> None:
    """A fork server's worker: it ends with the server (which ends with the pool's process), then rebuilds the
    state. The server's pid is its environment's, not ``getppid()``: a worker whose server was killed while
    forking it already belongs to another process."""
    die_with_parent(fork_server_pid())
    _worker_state["state"] = build(*build_args)


@contextmanager
def worker_pool(
    workers: int,
    state: Any,
    build: Callable[..., Any],
    build_args: tuple = (),
    preload: Sequence[str] = (),
) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` worker processes that share ``state`` (forked) or rebuild it by ``build(*build_args)``
    (from a fork server that imported ``preload``); ``build`` must be a module-level function of a preloaded module."""
    import multiprocessing as mp

    ctx: mp.context.BaseContext
    if fork_available():
        ctx = mp.get_context("fork")
        setup: dict[str, Any] = {"initializer": _init_forked, "initargs": (os.getpid(),)}
        _worker_state["state"] = state
    else:
        ctx = mp.get_context("forkserver")
        os.environ[PARENT_PID_ENV] = str(os.getpid())
        ctx.set_forkserver_preload(["kttt_pipeline.processes.forkserver_guard", __name__, *preload])
        setup = {"initializer": _init_served, "initargs": (build, build_args)}
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, **setup) as pool:
            yield pool
    finally:
        _worker_state.pop("state", None)  # set for the forked workers: never left behind
        if ctx.get_start_method() == "forkserver":
            stop_fork_server()


def stop_fork_server() -> None:
    """The fork server of the workers outlives the pool; stop it (its memory) once the work is done. The next pool
    starts another."""
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)  # CPython's own (private) way; absent: left running
    if stop is not None:
        stop()


def share_jobs(
    pool: ProcessPoolExecutor,
    jobs: Sequence[J],
    pooled: Sequence[int],
    run: Callable[[J], R],
    run_batch: Callable[[list[J]], list[R]],
    batch_size: int,
) -> list[R]:
    """Each job's result, in the order of ``jobs``. The jobs at the indices ``pooled`` go in batches of
    ``batch_size`` to the pool's workers (``run_batch``, a module-level function, runs a batch there); meanwhile
    this process runs the other jobs (``run``), then takes over the batches no worker has started, from the last."""
    batches = [list(pooled[i : i + batch_size]) for i in range(0, len(pooled), batch_size)]
    got: dict[int, R] = {}
    with collector_frozen():  # the workers fork at the first submit
        futures = [pool.submit(run_batch, [jobs[n] for n in batch]) for batch in batches]
    in_pool = set(pooled)
    for n in range(len(jobs)):
        if n not in in_pool:
            got[n] = run(jobs[n])
    for batch, future in zip(reversed(batches), reversed(futures)):
        if not future.cancel():
            break  # this batch and the earlier ones are a worker's
        got.update((n, run(jobs[n])) for n in batch)
    for batch, future in zip(batches, futures):
        if not future.cancelled():
            got.update(zip(batch, future.result()))
    return [got[n] for n in range(len(jobs))]
