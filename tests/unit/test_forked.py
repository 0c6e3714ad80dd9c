"""core/forked.py: children are forked only where it is safe and not turned off."""

import sys
import threading

import pytest

from kttt_pipeline.core.forked import FORKED_WORK_ENV, fork_available

linux_like = pytest.mark.skipif(sys.platform == "darwin" or sys.platform.startswith("win"), reason="no safe fork")


@linux_like
def test_a_process_with_only_its_main_thread_may_fork(monkeypatch):
    monkeypatch.delenv(FORKED_WORK_ENV, raising=False)
    # as in a `kttt materialize` process (the test session itself may keep idle threads of other tests)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert fork_available()


@linux_like
def test_no_fork_while_another_thread_runs(monkeypatch):
    monkeypatch.delenv(FORKED_WORK_ENV, raising=False)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert not fork_available()
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize("value", ["0", "off", "false", " no "])
def test_the_environment_turns_forking_off(monkeypatch, value):
    monkeypatch.setenv(FORKED_WORK_ENV, value)
    assert not fork_available()
