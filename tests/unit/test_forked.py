"""processes/forked.py: children are forked only where it is safe and not turned off."""

import os
import subprocess
import sys
import threading

import pytest

from kttt_pipeline.processes.forked import FORKED_WORK_ENV, fork_available

linux_like = pytest.mark.skipif(sys.platform == "darwin" or sys.platform.startswith("win"), reason="no safe fork")


@linux_like
def test_a_process_with_only_its_main_thread_may_fork():
    """In a fresh process (this test session may keep idle threads of other tests), as `kttt materialize`."""
    env = {k: v for k, v in os.environ.items() if k != FORKED_WORK_ENV}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kttt_pipeline.processes.forked import fork_available as f; "
            "import threading; print(f(), threading.active_count())",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout.split()
    assert out == ["True", "1"]


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
