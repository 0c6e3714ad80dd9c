"""orchestration/national_run.py with the workers of processes/workers.py (issue 27): a province's error does not
stop the others, a worker that dies keeps the quarters it had published, and Ctrl-C stops `kttt materialize
--jobs 2` at once (it does not hang, it does not go on with the other provinces)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest

from kttt_pipeline.cli import main
from kttt_pipeline.orchestration.national_run import province_runs, run_provinces
from kttt_pipeline.processes.forked import fork_available

PERIOD = "2026-Q3"


@contextlib.contextmanager
def _state():
    yield None


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_in_one_province_does_not_stop_the_others(tmp_path, workers, capsys):
    def run_one(pair, _state) -> int:
        if pair.province == "B":
            raise RuntimeError("a bug met in province B")
        return 0

    done = run_provinces(province_runs([PERIOD], ["A", "B", "C"]), run_one, _state, tmp_path, workers)
    assert [(pair.province, status) for pair, status in done] == [("A", 0), ("B", 1), ("C", 0)]
    err = capsys.readouterr().err
    assert "tỉnh mã B, kỳ 2026-Q3" in err and "RuntimeError: a bug met in province B" in err


@pytest.mark.skipif(not fork_available(), reason="no fork in this process")
def test_a_worker_that_dies_keeps_the_quarters_it_had_done(tmp_path):
    test_pid = os.getpid()

    def run_one(pair, _state) -> int:  # the forked worker dies in its province's second quarter
        time.sleep(0.3)  # long enough for the child to take the other province
        if pair.period == "2026-Q3" and os.getpid() != test_pid:
            os.kill(os.getpid(), signal.SIGKILL)
        return 0

    lost = []
    runs = province_runs(["2026-Q2", "2026-Q3"], ["A", "B"])
    done = run_provinces(runs, run_one, _state, tmp_path, 2, on_lost=lambda pair, code: lost.append(code) or 7)
    status = {(p.province, p.period): s for p, s in done}
    dead = [code for code in "AB" if status[(code, "2026-Q3")] == 7]
    assert len(dead) == 1 and lost == [-signal.SIGKILL]  # the child's province; this process did the other
    assert status[(dead[0], "2026-Q2")] == 0  # its first quarter, published before the worker died, kept
    assert all(s == 0 for (code, _), s in status.items() if code != dead[0])


def test_ctrl_c_stops_a_run_of_many_provinces_in_workers(tmp_path, no_kttt_env):
    raw = tmp_path / "raw"
    codes = ("22", "24", "01")
    for code in codes:
        args = ["--period", PERIOD, "--province", code, "--out", str(raw / code), "--units", "3"]
        assert main(["demo-data", *args, "--rows-per-unit", "3"]) == 0
    cmd = [sys.executable, "-m", "kttt_pipeline.cli", "materialize", "--period", PERIOD, "--jobs", "2"]
    cmd += ["--province", ",".join(codes), "--raw-dir", str(raw), "--reports-dir", str(tmp_path / "reports")]
    cmd += ["--warehouse", f"sqlite:///{tmp_path}/w.db"]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: Ctrl-C reaches the command and its workers
        env={**os.environ, "KTTT_APPENDIX_PDF": "0"},
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # the workers are running
            if "song song" in line:
                break
        time.sleep(1.0)
        os.killpg(proc.pid, signal.SIGINT)
        started = time.monotonic()
        out, err = proc.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err[-3000:]
    assert time.monotonic() - started < 60
    assert "đã dừng theo yêu cầu" in err
    assert "Đã công bố 3/3" not in out  # it did not go on to publish every province


@pytest.mark.parametrize("raised, stops", [(KeyboardInterrupt, True), (ValueError, False)])
def test_a_run_interrupted_is_told_from_a_run_that_failed(raised, stops):
    """execute_in_process(raise_on_error=False) returns for both: only the interrupted one stops a national run
    (orchestration/results.interrupted)."""
    import dagster as dg

    from kttt_pipeline.orchestration.results import interrupted

    @dg.op
    def step() -> None:
        raise raised()

    @dg.job
    def one_step() -> None:
        step()

    result = one_step.execute_in_process(raise_on_error=False)
    assert not result.success and interrupted(result) is stops
