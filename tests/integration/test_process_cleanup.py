"""Processes clean up: the reading workers (and the fork server that may start them) die with the run's process,
even when it is killed with SIGKILL in the middle of reading (processes/forked.py, ingest/period.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kttt_pipeline.processes.forked import FORKED_WORK_ENV

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to list processes")

#: the run's process: the production pool of reading workers, busy, and this process busy reading too
PARENT = textwrap.dedent("""
    import sys, time
    from kttt_pipeline.core.admin_units import UnitMatcher
    from kttt_pipeline.core.periods import Period
    from kttt_pipeline.ingest.period import reading_pool
    from kttt_pipeline.ingest.registry import ReadContext

    period = Period.parse("2024-Q3")
    context = ReadContext(period, UnitMatcher([], period), UnitMatcher([]))
    with reading_pool(context, 2) as pool:
        futures = [pool.submit(time.sleep, 600) for _ in range(4)]
        print("reading", flush=True)
        time.sleep(600)  # killed here, its workers busy
""")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in {"Z", "X"}  # a zombie is dead, waiting to be reaped by whoever adopted it


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:200]
    except OSError:
        return "?"


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return {p for p in out if _alive(p)}


@linux_only
@pytest.mark.parametrize("forked, expected", [("1", 2), ("0", 3)], ids=["forked-workers", "fork-server"])
def test_killing_the_run_kills_its_reading_workers(forked, expected):
    env = {**os.environ, FORKED_WORK_ENV: forked}
    parent = subprocess.Popen([sys.executable, "-c", PARENT], env=env, stdout=subprocess.PIPE, text=True)
    workers: set[int] = set()
    try:
        assert parent.stdout.readline().strip() == "reading"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # two workers (and the fork server) started
            workers = _descendants(parent.pid)
            if len(workers) >= expected:
                break
            time.sleep(0.1)
        assert len(workers) >= expected, workers
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(p) for p in workers):
            time.sleep(0.1)
        left = {p for p in workers if _alive(p)}
        assert not left, (
            f"reading workers left running after the run was killed: {[(p, _cmdline(p)) for p in sorted(left)]}"
        )
    finally:
        for pid in workers | {parent.pid}:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
        parent.stdout.close()


@linux_only
@pytest.mark.parametrize("use_prctl", [True, False], ids=["prctl", "watching-thread"])
def test_die_with_parent_ends_a_child_whose_parent_is_killed(use_prctl):
    """The helper itself, both ways (the portable fallback where Linux's parent-death signal is missing)."""
    script = textwrap.dedent(f"""
        import os, sys, time
        from kttt_pipeline.processes.forked import die_with_parent
        pid = os.fork()
        if pid == 0:
            die_with_parent(use_prctl={use_prctl})
            time.sleep(600)
            os._exit(0)
        print(pid, flush=True)
        time.sleep(600)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    try:
        time.sleep(0.5)  # the child has set its guard
        assert _alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _alive(child):
            time.sleep(0.1)
        assert not _alive(child)
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)
        parent.stdout.close()


@linux_only
@pytest.mark.parametrize("use_prctl", [True, False], ids=["prctl", "watching-thread"])
def test_a_child_whose_parent_died_before_the_guard_ends_at_once(use_prctl):
    """The parent may die between the fork and the guard (the signal is then never sent): the child sees that its
    parent is no longer the one it was started by, and ends."""
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    ).stdout.strip()  # a pid that was a process and is no more
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kttt_pipeline.processes.forked import die_with_parent; "
            f"die_with_parent({gone}, use_prctl={use_prctl}); print('still running')",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1 and "still running" not in run.stdout
