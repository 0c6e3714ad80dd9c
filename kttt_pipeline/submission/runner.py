"""Each check in a child process of its own, so that no upload can take the server down.

A 10 kB workbook that places one cell at a far address makes python-calamine allocate the whole rectangle: a Rust
allocation failure aborts the process that reads it (docs/decisions.md, "Resource bounds", residual risk). Run in
the server, one such upload would end the page for every clerk. Each check therefore runs in a child forked by a
fork server that imported the check once (a child starts at once, without importing pandas again), limited in
address space (``KTTT_SERVE_CHECK_MEMORY_BYTES``, 4 GiB) and time (``KTTT_SERVE_CHECK_SECONDS``, 120 s); a child that
dies or overruns is killed and the clerk told the file cannot be read. The fork server ends with the server, and
each child with the fork server, even when the server is killed (processes/forked.py).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import tempfile
from multiprocessing.connection import Connection
from pathlib import Path

from kttt_pipeline.processes.forked import PARENT_PID_ENV, die_with_parent, fork_server_pid

#: a check's child: its address space and its time
MEMORY_ENV, DEFAULT_MEMORY_BYTES = "KTTT_SERVE_CHECK_MEMORY_BYTES", 4 * 2**30
SECONDS_ENV, DEFAULT_SECONDS = "KTTT_SERVE_CHECK_SECONDS", 120
#: what the fork server imports once: its guard (it ends with the server) and the check
PRELOAD = ["kttt_pipeline.submission.forkserver_guard", "kttt_pipeline.submission.verdict"]


class CheckFailed(Exception):
    """The child reading the file died or overran its time: ``reason_vi`` for the clerk."""

    def __init__(self, reason_vi: str):
        super().__init__(reason_vi)
        self.reason_vi = reason_vi


def _whole(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip().replace("_", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


def _child(conn: Connection, memory: int, env: dict[str, str], args: tuple) -> None:
    """The check in the child: the server's settings as they are now (``KTTT_*``: the fork server's environment is
    the one it started with), bounded, its answer (or its Python error's name) sent back."""
    import resource

    die_with_parent(fork_server_pid())
    for key in [k for k in os.environ if k.startswith("KTTT_")]:
        del os.environ[key]
    os.environ.update(env)
    # the check's throw-away folders inside the upload's own folder, which the server removes even when this child
    # is killed before it could clean up
    tempfile.tempdir = str(Path(args[0]).parent)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    from kttt_pipeline.submission.verdict import check_upload

    try:
        conn.send(("ok", check_upload(*args)))
    except Exception as exc:  # noqa: BLE001  the server logs it; the clerk reads a Vietnamese sentence
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_check(path: Path, name_sent: str, period: str | None, raw_dir: Path | None, province: str | None) -> dict:
    """``verdict.check_upload`` in a child process (blocking: call it from a worker thread)."""
    os.environ[PARENT_PID_ENV] = str(os.getpid())  # the fork server's guard ends it with this process
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_child,
        args=(
            send,
            _whole(MEMORY_ENV, DEFAULT_MEMORY_BYTES),
            {k: v for k, v in os.environ.items() if k.startswith("KTTT_")},
            (path, name_sent, period, raw_dir, province),
        ),
        daemon=True,
    )
    child.start()
    send.close()
    answer = None
    try:
        if receive.poll(_whole(SECONDS_ENV, DEFAULT_SECONDS)):
            answer = receive.recv()
    except EOFError:
        answer = None  # the child died without answering
    finally:
        receive.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()
    if answer is None:
        raise CheckFailed(
            "không đọc được tệp: việc đọc tệp dừng bất thường hoặc quá lâu (tệp hỏng, hoặc có ô ở địa chỉ quá xa "
            "làm vùng dữ liệu quá lớn); hãy mở tệp bằng Excel, xóa các dòng, cột trống thừa, lưu lại rồi gửi lại"
        )
    if answer[0] == "error":
        raise RuntimeError(answer[1])
    return answer[1]
