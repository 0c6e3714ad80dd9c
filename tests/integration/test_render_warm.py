"""The appendix PDFs of a run of many provinces, by one LibreOffice kept running for the run and shared by the
workers it forks (publish/appendix/render.py, ``warm_office``): the same PDF as a LibreOffice started for it (but
for the time it was made), each conversion by the office kept running, a gone or hung office replaced (and the
workers finding the new one), nothing left running afterwards.
Without soffice the test is skipped, except under `make test` / CI (strict_tools)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from pathlib import Path

import openpyxl
import pytest

from kttt_pipeline.publish.appendix import render

from .test_national_partitions import BN, PERIOD, QN, _demo
from .test_publish_render import _soffice

#: what differs between two conversions of one workbook: the time of the conversion and what is derived from it
_MADE_AT = re.compile(rb"/(CreationDate\(D:[^)]*\)|ID \[[^\]]*\]|DocChecksum /[0-9A-F]+)")


def _workbook(path: Path, rows: int) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Biểu 01"
    ws.append(["Đơn vị", "Số hợp tác xã", "Thành viên"])
    for i in range(rows):
        ws.append([f"Xã Hòa Bình {i + 1}", i * 3 + 1, i * 17 + 5])
    wb.save(path)
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(autouse=True)
def _pdf_wanted(monkeypatch):
    _soffice()
    monkeypatch.setenv("KTTT_APPENDIX_PDF", "1")


def test_each_pdf_by_the_office_kept_running_is_the_pdf_a_start_makes(tmp_path):
    books = [_workbook(tmp_path / f"phu_bieu_{n}.xlsx", rows) for n, rows in enumerate((5, 40, 90))]
    cold = [render.render_pdf(b, tmp_path / "cold" / f"{b.stem}.pdf").read_bytes() for b in books]
    with render.warm_office():
        warm = render._WARM
        assert warm is not None
        made = [render.render_pdf(b, tmp_path / "warm" / f"{b.stem}.pdf").read_bytes() for b in books]
        assert warm.served == len(books)  # every conversion by the office kept running, none by a start of its own
        assert warm.started == 1 and warm.proc is not None and warm.proc.poll() is None  # one office, still there
        pids = [warm.proc.pid]
        root = warm.root
    for c, w in zip(cold, made):
        assert w.startswith(b"%PDF") and _MADE_AT.sub(b"", w) == _MADE_AT.sub(b"", c)
    assert render._WARM is None and not root.exists()
    assert pids and not any(_alive(pid) for pid in pids)


def test_a_warm_office_gone_is_replaced_by_a_start_and_the_next_is_warm_again(tmp_path):
    book = _workbook(tmp_path / "phu_bieu.xlsx", 10)
    with render.warm_office():
        warm = render._WARM
        assert warm is not None
        proc = warm.proc
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        first = render.render_pdf(book, tmp_path / "a.pdf")
        assert first.read_bytes().startswith(b"%PDF") and warm.served == 0 and warm.started == 2
        second = render.render_pdf(book, tmp_path / "b.pdf")
        assert warm.served == 1 and warm.started == 2
    assert _MADE_AT.sub(b"", first.read_bytes()) == _MADE_AT.sub(b"", second.read_bytes())


def test_an_office_never_ready_ends_the_warm_offices_without_a_wait_per_pdf(tmp_path, monkeypatch):
    book = _workbook(tmp_path / "phu_bieu.xlsx", 10)
    monkeypatch.setattr(render, "WARM_READY_S", 0.5)
    monkeypatch.setattr(render, "_ipc_pipe", lambda profile: tmp_path / "no-such-pipe")  # its pipe is not found
    with render.warm_office():
        warm = render._WARM
        assert warm is not None
        render.render_pdf(book, tmp_path / "a.pdf")
        assert warm.given_up and warm.served == 0 and warm.proc is None
        render.render_pdf(book, tmp_path / "b.pdf")  # by a LibreOffice of its own, as without the warm office
        assert warm.proc is None and warm.started == 1
    for name in ("a.pdf", "b.pdf"):
        assert (tmp_path / name).read_bytes().startswith(b"%PDF")


def _convert_in_child(book: Path, pdf: Path, answer) -> None:
    render.render_pdf(book, pdf)
    answer.send((render._WARM.served, render._WARM.started))
    answer.close()


def test_workers_forked_from_the_run_hand_their_pdfs_to_its_one_office(tmp_path):
    """A national run's workers (forked after the office was started) convert by the run's office: no office of
    their own, the PDF a start makes, the office left running for the others and stopped by its owner only."""
    import multiprocessing as mp

    books = [_workbook(tmp_path / f"phu_bieu_{n}.xlsx", rows) for n, rows in enumerate((5, 60))]
    cold = [render.render_pdf(b, tmp_path / "cold" / f"{b.stem}.pdf").read_bytes() for b in books]
    ctx = mp.get_context("fork")
    with render.warm_office():
        warm = render._WARM
        assert warm is not None
        answers = []
        children = []
        for book in books:
            mine, theirs = ctx.Pipe(duplex=False)
            child = ctx.Process(target=_convert_in_child, args=(book, tmp_path / "warm" / f"{book.stem}.pdf", theirs))
            child.start()
            children.append(child)
            answers.append(mine)
        got = [answer.recv() for answer in answers]
        for child in children:
            child.join(timeout=120)
            assert child.exitcode == 0
        assert got == [(1, 1), (1, 1)]  # each child's conversion by the run's office, no office started by it
        assert warm.proc is not None and warm.proc.poll() is None and warm.started == 1  # still the one office
        render.render_pdf(books[0], tmp_path / "after.pdf")
        assert warm.served == 1
        pid = warm.proc.pid
    assert not _alive(pid)
    for book, c in zip(books, cold):
        w = (tmp_path / "warm" / f"{book.stem}.pdf").read_bytes()
        assert w.startswith(b"%PDF") and _MADE_AT.sub(b"", w) == _MADE_AT.sub(b"", c)


def _convert_when_told(book: Path, pdf: Path, go, answer) -> None:
    go.recv()
    started = time.monotonic()
    render.render_pdf(book, pdf)
    answer.send((render._WARM.served, time.monotonic() - started, render._WARM.given_up))
    answer.close()


def _child(target, *args):
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    go_mine, go_theirs = ctx.Pipe()
    answer_mine, answer_theirs = ctx.Pipe(duplex=False)
    child = ctx.Process(target=target, args=(*args, go_theirs, answer_theirs))
    child.start()
    return child, go_mine, answer_mine


def test_a_worker_uses_the_office_that_replaced_a_gone_one(tmp_path):
    """A worker forked before its starter replaced a dead office hands its conversions to the new one (it finds it
    by the process id its starter wrote), not a LibreOffice of its own for each PDF."""
    book = _workbook(tmp_path / "phu_bieu.xlsx", 10)
    with render.warm_office():
        warm = render._WARM
        assert warm is not None
        child, go, answer = _child(_convert_when_told, book, tmp_path / "child.pdf")
        os.killpg(warm.proc.pid, signal.SIGKILL)
        warm.proc.wait()
        render.render_pdf(book, tmp_path / "owner.pdf")  # by a start of its own; a new office for the next
        assert warm.started == 2 and warm.served == 0
        # the new office ready first: what is tested is that the worker finds it, not how fast a loaded machine
        # starts LibreOffice (a worker that comes sooner waits up to WARM_READY_S, then converts on its own)
        assert warm._ready()
        go.send(True)
        served, seconds, given_up = answer.recv()
        child.join(timeout=120)
        assert child.exitcode == 0 and served == 1, f"served {served} in {seconds:.1f} s, given up: {given_up}"
    assert (tmp_path / "child.pdf").read_bytes().startswith(b"%PDF")


def test_an_office_hung_is_stopped_by_the_worker_that_waited_and_its_pdf_made_all_the_same(tmp_path, monkeypatch):
    """A hung office (stopped) costs the worker that handed it a conversion the hand-over's time limit, not the
    run: that worker stops the office and makes its PDF itself; the starter then replaces the office."""
    book = _workbook(tmp_path / "phu_bieu.xlsx", 10)
    monkeypatch.setattr(render, "HANDOVER_TIMEOUT_S", 3.0)
    with render.warm_office():
        warm = render._WARM
        assert warm is not None
        render.render_pdf(book, tmp_path / "first.pdf")
        assert warm.served == 1
        pid = warm.proc.pid
        os.killpg(pid, signal.SIGSTOP)  # hung
        try:
            child, go, answer = _child(_convert_when_told, book, tmp_path / "child.pdf")
            go.send(True)
            served, took, _given_up = answer.recv()
            child.join(timeout=120)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGCONT)
        assert child.exitcode == 0 and served == 1 and took < 60  # 1: the first, before the fork; not by the office
        assert (tmp_path / "child.pdf").read_bytes().startswith(b"%PDF")
        render.render_pdf(book, tmp_path / "after.pdf")  # the owner sees the office gone: a new one started
        assert warm.started == 2 and warm.proc.pid != pid
    assert not _alive(pid)


def test_an_office_given_up_is_not_waited_for_again(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "WARM_READY_S", 30.0)
    with render.warm_office():
        warm = render._WARM
        assert warm is not None
        warm.given_up = True  # as after an office never ready (test above)
        started = time.monotonic()
        assert not warm._ready()
        assert time.monotonic() - started < 1


def test_no_office_is_started_when_no_pdf_is_wanted(monkeypatch):
    monkeypatch.setenv("KTTT_APPENDIX_PDF", "0")
    with render.warm_office():
        assert render._WARM is None


@pytest.mark.usefixtures("no_kttt_env")
def test_a_many_province_materialize_prints_every_appendix_by_the_office_kept_running(
    tmp_path, warehouse_url, monkeypatch
):
    """`kttt materialize --province A --province B … --jobs 1` (one process): each province's appendix PDF
    published, the second by the office kept running (the first too when it was ready in time), nothing left
    running."""
    from kttt_pipeline.cli import main

    monkeypatch.setenv("KTTT_APPENDIX_PDF", "1")
    offices: list = []
    original = render._WarmOffice.__init__

    def recording_init(self, exe):
        original(self, exe)
        offices.append(self)

    monkeypatch.setattr(render._WarmOffice, "__init__", recording_init)
    raw, reports = tmp_path / "raw", tmp_path / "reports"
    for code in (QN, BN):
        _demo(raw, code)
    args = ["--period", PERIOD, "--province", QN, "--province", BN, "--raw-dir", str(raw), "--jobs", "1"]
    assert main(["materialize", *args, "--reports-dir", str(reports), "--warehouse", warehouse_url]) == 0
    for code in (QN, BN):
        assert (reports / code / PERIOD / f"phu_bieu_{PERIOD}.pdf").read_bytes().startswith(b"%PDF")
    assert len(offices) == 1 and offices[0].served >= 1
    assert not offices[0].root.exists() and offices[0].proc is None


def test_a_warm_office_dies_with_its_process_killed(tmp_path):
    """`kill -9` of a run holding a warm office (idle, waiting for its conversion) leaves no LibreOffice behind:
    its guard kills the office's process group once the run is gone, and removes the office's folder and pipe."""
    import subprocess
    import sys
    import time

    script = (
        "import sys, time\n"
        "from kttt_pipeline.publish.appendix import render\n"
        "with render.warm_office():\n"
        "    print(render._WARM.proc.pid, render._WARM.root, render._ipc_pipe(render._WARM.profile), flush=True)\n"
        "    time.sleep(600)\n"
    )
    env = {**os.environ, "KTTT_APPENDIX_PDF": "1"}
    run = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    pid, root, pipe = run.stdout.readline().split()
    office = int(pid)
    assert _alive(office) and Path(root).is_dir()
    run.kill()
    run.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.killpg(office, 0)
        except ProcessLookupError:
            break  # the office's whole group is gone
        time.sleep(0.2)
    else:
        os.killpg(office, signal.SIGKILL)
        pytest.fail("the warm office outlived the process that started it")
    deadline = time.monotonic() + 10
    while (Path(root).exists() or Path(pipe).exists()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Path(root).exists() and not Path(pipe).exists()
