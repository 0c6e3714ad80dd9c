"""Whole jobs shared out to forked worker processes that each keep their state warm: a national run's provinces.

:func:`run_in_workers` forks ``workers - 1`` children of this process (it must be single-threaded then:
``processes/forked.py``) once everything heavy is imported, so that they share its imported modules (copy-on-write,
the cyclic collector frozen around the fork); this process is the last worker, and a thread of it hands the
children their jobs. Each worker opens its own state once (``open_state``: e.g. a Dagster
instance), then asks for the next job until none is left: the jobs go out in the
order given (give the largest first), so a worker that finished early takes the next, and the cores stay busy to
the end. Each child runs with its share of the cores (``processes/cores.py``) in its environment, dies with this
process even when it is killed with SIGKILL, and sends what it prints back to this process, which prints each
job's output whole once the job is done (stdout and stderr in the order written): the output reads as one
program's running the jobs one after another, and it goes where this process's output goes (a terminal, a log
file, a test's captured streams).

A job's result is what ``run`` returned, or :class:`WorkerLost` when its child died while running it (killed, out
of memory): the other jobs still run, in the children that are left.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing as mp
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from kttt_pipeline.processes.collector import collector_frozen
from kttt_pipeline.processes.cores import CORES_ENV, cores_share, split_cores
from kttt_pipeline.processes.forked import die_with_parent

J = TypeVar("J")
R = TypeVar("R")
S = TypeVar("S")


@dataclass(frozen=True)
class WorkerLost(Generic[J]):
    """The job's worker process ended while running it (``exitcode``: negative for a signal, as multiprocessing
    reports it; None: no worker was left to take it). ``partial``: what the job had reported done before
    (:func:`report_partial`), in order."""

    job: Any
    exitcode: int | None
    partial: tuple = ()


#: in a worker: sends a part of the running job's result to the parent (set by _child)
_partial_sender: Callable[[Any], None] | None = None


def report_partial(value: Any) -> None:
    """In a worker, a part of the running job's result known done (e.g. one quarter of a province's): kept by the
    parent, with what the job printed so far, should the worker die before the job ends. Elsewhere: nothing."""
    if _partial_sender is not None:
        _partial_sender(value)


class _HeldText(io.TextIOBase):
    """A child's stdout or stderr: what is written is held (with the other stream's, in order) until the job is
    done, then sent to the parent with its result."""

    def __init__(self, held: list[tuple[str, str]], stream: str):
        self._held, self._stream = held, stream

    def writable(self) -> bool:
        return True

    def write(self, text: str | bytes) -> int:
        # some libraries write bytes to the stream they were given
        shown = text.decode("utf-8", "replace") if isinstance(text, bytes | bytearray) else str(text)
        self._held.append((self._stream, shown))
        return len(text)


def _child(
    conn: Connection,
    inherited: list[Connection],
    cores: int,
    open_state: Callable[[], AbstractContextManager[S]],
    run: Callable[[J, S], R],
    jobs: Sequence[J],
    parent: int,
) -> None:
    global _partial_sender
    for other in inherited:  # the parent's ends of the earlier workers' pipes: theirs to close, not ours to hold
        other.close()
    die_with_parent(parent)
    os.environ[CORES_ENV] = str(cores)
    held: list[tuple[str, str]] = []
    sys.stdout = _HeldText(held, "stdout")
    sys.stderr = _HeldText(held, "stderr")
    running: list[int] = []

    def send_partial(value: Any) -> None:
        conn.send(("partial", held[:], running[0], value))
        held.clear()

    _partial_sender = send_partial
    try:
        with open_state() as state:
            while True:
                conn.send(("next", held[:]))
                held.clear()
                try:
                    n = conn.recv()
                except EOFError:  # the parent is gone or gave up on this worker
                    break
                if n is None:
                    break
                running[:] = [n]
                result = run(jobs[n], state)
                conn.send(("done", held[:], n, result))
                held.clear()
    except KeyboardInterrupt:  # stopped (Ctrl-C, or the parent's SIGTERM ending a run): no traceback to print
        with contextlib.suppress(OSError):
            conn.send(("print", held[:]))
        raise SystemExit(130) from None
    except BaseException:  # what went wrong is printed by the parent, with what the job had printed
        import traceback

        held.append(("stderr", traceback.format_exc()))
        with contextlib.suppress(OSError):
            conn.send(("print", held[:]))
        raise
    with contextlib.suppress(OSError):
        conn.send(("print", held[:]))  # what closing the state printed


def _print(held: list[tuple[str, str]]) -> None:
    for stream, text in held:
        (sys.stdout if stream == "stdout" else sys.stderr).write(text)
    sys.stdout.flush()
    sys.stderr.flush()


def run_in_workers(
    jobs: Sequence[J],
    run: Callable[[J, S], R],
    open_state: Callable[[], AbstractContextManager[S]],
    workers: int,
) -> list[R | WorkerLost]:
    """Each job's result (in the order of ``jobs``), the jobs run by ``run(job, state)`` in ``workers`` processes:
    this one and ``workers - 1`` forked children, each with the state ``open_state()`` opened once for all its
    jobs. This process is a worker too (an idle parent would hold, privately, every page its children have
    written since the fork); a thread of it hands the children their jobs and prints their output. ``run``'s
    results must pickle."""
    workers = max(1, min(workers, len(jobs)))
    ctx = mp.get_context("fork")
    shares = split_cores(workers)
    children: dict[Connection, tuple[Any, int | None]] = {}  # connection → (process, job running)
    with collector_frozen():
        for cores in shares[1:]:
            ours, theirs = ctx.Pipe()
            earlier = list(children)
            proc = ctx.Process(
                target=_child, args=(theirs, earlier, cores, open_state, run, jobs, os.getpid()), name="kttt-worker"
            )
            proc.start()
            theirs.close()
            children[ours] = (proc, None)
    results: dict[int, R | WorkerLost] = {}
    partial: dict[int, list] = {}
    queue = list(range(len(jobs)))
    lock = threading.Lock()  # the queue, the results and the output
    out, err = sys.stdout, sys.stderr

    def emit(held: list[tuple[str, str]]) -> None:
        with lock:
            for stream, text in held:
                (out if stream == "stdout" else err).write(text)
            out.flush()
            err.flush()

    def take() -> int | None:
        with lock:
            return queue.pop(0) if queue else None

    coordinator = threading.Thread(
        target=_coordinate, args=(children, jobs, results, partial, take, emit), name="kttt-workers", daemon=True
    )
    coordinator.start()
    held: list[tuple[str, str]] = []
    sys.stdout, sys.stderr = _HeldText(held, "stdout"), _HeldText(held, "stderr")
    try:
        with cores_share(shares[0]), open_state() as state:
            while (n := take()) is not None:
                try:
                    results[n] = run(jobs[n], state)
                finally:
                    emit(held[:])
                    held.clear()
    except BaseException:  # interrupted, or this process's own error: no child outlives it
        _stop(children)
        raise
    finally:
        sys.stdout, sys.stderr = out, err
        emit(held[:])
        coordinator.join()
    for n in queue:  # every child died before taking these
        results[n] = WorkerLost(jobs[n], None)
    return [results[n] for n in range(len(jobs))]


def _coordinate(
    children: dict[Connection, tuple[Any, int | None]],
    jobs: Sequence[Any],
    results: dict[int, Any],
    partial: dict[int, list],
    take: Callable[[], int | None],
    emit: Callable[[list[tuple[str, str]]], None],
) -> None:
    """The children's side of :func:`run_in_workers`, in a thread of the parent: their next jobs, their results
    and their output, until every child has ended."""
    while children:
        try:
            ready = wait(list(children), timeout=0.5)
        except (OSError, ValueError):  # the connections were closed: the run is being stopped
            return
        for conn in ready:
            assert isinstance(conn, Connection)
            proc, running = children[conn]
            try:
                message = conn.recv()
            except (EOFError, OSError):  # the child ended: whatever it was running is lost
                proc.join()
                if running is not None:
                    results[running] = WorkerLost(jobs[running], proc.exitcode, tuple(partial.get(running, ())))
                del children[conn]
                continue
            emit(message[1])
            if message[0] == "partial":
                partial.setdefault(message[2], []).append(message[3])
            elif message[0] == "next":
                n = take()
                children[conn] = (proc, n)
                with contextlib.suppress(OSError):  # it has ended meanwhile: the next receive says so
                    conn.send(n)
            elif message[0] == "done":
                results[message[2]] = message[3]
                children[conn] = (proc, None)


def _stop(children: dict[Connection, tuple[Any, int | None]], grace_s: float = 5.0) -> None:
    """The workers still running stopped: their pipes closed (a worker waiting for its next job then ends), asked
    to stop (SIGTERM: Dagster ends a run it interrupts as failed), then, after ``grace_s``, killed."""
    running = list(children.items())  # the coordinating thread may remove those that end meanwhile
    for conn, _ in running:
        conn.close()
    for _, (proc, _) in running:
        proc.terminate()
    deadline = time.monotonic() + grace_s
    for _, (proc, _) in running:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join()
