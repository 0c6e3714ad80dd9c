"""The benchmark's memory of a process tree (benchmarks/run_benchmark.py): a child still running in its parent's
memory (spawned by vfork, not yet running its program) is not counted again; a forked child, with memory of its
own, is."""

from __future__ import annotations

import contextlib
import os
import platform
import threading
from pathlib import Path

import pytest

from .test_benchmark_fit import bench  # noqa: F401 (the fixture loading the benchmark's module)

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/smaps_rollup").exists() or platform.machine() not in ("x86_64", "aarch64"),
    reason="needs Linux's /proc and kcmp",
)


def test_a_task_in_the_same_memory_is_told_from_a_forked_child(bench):  # noqa: F811
    me = os.getpid()
    assert bench._shares_memory(me, me)
    ready, done = threading.Event(), threading.Event()
    tid: list[int] = []

    def run() -> None:
        tid.append(threading.get_native_id())
        ready.set()
        done.wait(10)

    thread = threading.Thread(target=run)
    thread.start()
    ready.wait(10)
    try:
        assert bench._shares_memory(me, tid[0])  # a thread: one address space, as a vfork child before it runs
    finally:
        done.set()
        thread.join()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child
        os.read(read, 1)
        os._exit(0)
    try:
        assert not bench._shares_memory(me, child)
    finally:
        os.write(write, b"x")
        os.waitpid(child, 0)


def test_a_forked_child_with_memory_of_its_own_is_counted(bench):  # noqa: F811
    read, write = os.pipe()
    back_r, back_w = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child
        held = bytearray(64 * 1024 * 1024)
        held[::4096] = b"x" * len(held[::4096])  # 64 MiB of its own, touched
        os.write(back_w, b"r")
        os.read(read, 1)
        os._exit(0)
    try:
        os.read(back_r, 1)
        _, alone = bench._tree_memory_mib(child)
        _, both = bench._tree_memory_mib(os.getpid())
        assert alone >= 64
        assert both >= alone + 1  # the parent counted too, the child once
    finally:
        os.write(write, b"x")
        os.waitpid(child, 0)


_SPAWNER = """
import os, sys
held = bytearray(96 * 1024 * 1024)
held[::4096] = b"x" * len(held[::4096])
print(os.getpid(), flush=True)
sys.stdin.readline()
# posix_spawn's child (clone with CLONE_VM|CLONE_VFORK) opens the fifo before it runs its program: it waits there,
# in this process's memory, until the test opens the fifo's other end
os.posix_spawn("/bin/true", ["true"], {}, file_actions=[(os.POSIX_SPAWN_OPEN, 0, sys.argv[1], os.O_RDONLY, 0)])
sys.stdin.readline()
"""


def test_a_child_still_in_its_parents_memory_is_not_counted_twice(bench, tmp_path):  # noqa: F811
    import subprocess
    import sys
    import time

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    spawner = subprocess.Popen(
        [sys.executable, "-c", _SPAWNER, str(fifo)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        pid = int(spawner.stdout.readline())
        _, alone = bench._tree_memory_mib(pid)
        spawner.stdin.write("\n")
        spawner.stdin.flush()
        children: list[str] = []
        deadline = time.monotonic() + 20
        while not children and time.monotonic() < deadline:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            time.sleep(0.05)
        assert children, "the spawned child did not appear"
        time.sleep(0.2)
        assert bench._shares_memory(pid, int(children[0]))  # still in the spawner's memory, waiting on the fifo
        _, tree = bench._tree_memory_mib(pid)
        assert alone >= 96
        assert tree < alone + 48  # the spawner once, not twice (counted twice: ≥ 2 × 96 MiB)
    finally:
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # lets the child go
        spawner.kill()
        spawner.wait(timeout=20)
