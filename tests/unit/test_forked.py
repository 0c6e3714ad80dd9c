"""core/forked.py: work handed to a forked child gives what it gives here; without fork it runs here."""

import logging
import os

import pytest

from kttt_pipeline.core import forked
from kttt_pipeline.core.forked import FORKED_WORK_ENV, ForkedWorker, fork_available

needs_fork = pytest.mark.skipif(not fork_available(), reason="no fork here (platform, threads or turned off)")

STATE = {"value": "before"}


def _call(worker: ForkedWorker, fn, *args):
    return worker.submit(fn, *args).result()


def _forked(worker: ForkedWorker) -> bool:
    return _call(worker, _pid) != os.getpid()


def _pid() -> int:
    return os.getpid()


def _state() -> str:
    return STATE["value"]


def _warm() -> None:
    STATE["warmed"] = f"warmed in {os.getpid()}"


def _warmed() -> str | None:
    return STATE.get("warmed")


def _fail(text: str) -> None:
    raise ValueError(text)


def _die_unless(pid: int) -> str:
    if os.getpid() != pid:
        os._exit(3)
    return "ran here"


def _add(a: int, b: int) -> int:
    return a + b


@needs_fork
def test_a_call_runs_in_a_child_that_sees_this_process_as_it_was_at_the_fork():
    STATE["value"] = "at the fork"
    with ForkedWorker() as worker:
        STATE["value"] = "changed after the fork"
        assert _forked(worker)
        assert _call(worker, _state) == "at the fork"
        assert _call(worker, _add, 2, 3) == 5
    STATE["value"] = "before"
    assert not _forked(worker)  # closed: calls run here


@needs_fork
def test_the_warm_up_runs_in_the_child_first_and_never_here():
    STATE.pop("warmed", None)
    with ForkedWorker(warm_up=_warm) as worker:
        child = _call(worker, _pid)
        assert _call(worker, _warmed) == f"warmed in {child}"
    assert "warmed" not in STATE


@needs_fork
def test_submit_returns_before_the_call_ends_and_results_come_in_order():
    with ForkedWorker() as worker:
        pending = [worker.submit(_add, n, n) for n in range(5)]
        assert [p.result() for p in pending] == [0, 2, 4, 6, 8]


@needs_fork
def test_an_exception_in_the_child_is_raised_here():
    with ForkedWorker() as worker, pytest.raises(ValueError, match="bad row 7"):
        _call(worker, _fail, "bad row 7")


@needs_fork
def test_a_child_that_dies_is_logged_and_the_call_runs_here(caplog):
    with caplog.at_level(logging.WARNING, logger=forked.__name__), ForkedWorker() as worker:
        assert _call(worker, _die_unless, os.getpid()) == "ran here"
        assert not _forked(worker)  # later calls run here too
    assert any("_die_unless" in r.getMessage() and "ended abnormally" in r.getMessage() for r in caplog.records)


def test_without_fork_the_calls_run_here_when_asked_and_the_warm_up_is_skipped():
    STATE.pop("warmed", None)
    with ForkedWorker(warm_up=_warm, fork=False) as worker:
        assert not _forked(worker)
        pending = worker.submit(_state)
        STATE["value"] = "changed before the result was asked for"
        assert pending.result() == "changed before the result was asked for"
        assert _call(worker, _pid) == os.getpid()
        with pytest.raises(ValueError, match="here"):
            _call(worker, _fail, "here")
    STATE["value"] = "before"
    assert "warmed" not in STATE


def test_the_environment_turns_forked_work_off(monkeypatch):
    monkeypatch.setenv(FORKED_WORK_ENV, "0")
    assert not fork_available()
    with ForkedWorker() as worker:
        assert not _forked(worker)


def _sleep_then_pid(seconds: float) -> int:
    import time

    time.sleep(seconds)
    return os.getpid()


@needs_fork
def test_leaving_on_an_error_does_not_wait_for_the_child():
    import time

    started = time.perf_counter()
    with pytest.raises(KeyError), ForkedWorker(warm_up=_warm) as worker:
        worker.submit(_sleep_then_pid, 0.2)
        worker.submit(_sleep_then_pid, 30)  # never started: dropped
        raise KeyError("a check failed")
    assert time.perf_counter() - started < 20
