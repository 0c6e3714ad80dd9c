"""processes/workers.py and processes/cores.py: whole jobs shared out to forked workers that keep their state
(a national run's provinces, cli.py), each job's output printed whole, a worker that dies losing only its job."""

from __future__ import annotations

import contextlib
import os
import signal
import time

import pytest

from kttt_pipeline.processes.cores import (
    CORES_ENV,
    cores_share,
    cpu_quota_cores,
    machine_cores,
    split_cores,
    usable_cores,
)
from kttt_pipeline.processes.forked import fork_available
from kttt_pipeline.processes.workers import WorkerLost, report_partial, run_in_workers

needs_fork = pytest.mark.skipif(not fork_available(), reason="no fork on this system or in this process")


@contextlib.contextmanager
def _state():
    yield {"opened_by": os.getpid(), "runs": 0}


def _run(job, state):
    state["runs"] += 1
    for line in range(3):
        print(f"job {job} line {line}", flush=True)
        time.sleep(0.01)
    return job * job, os.getpid(), state["opened_by"], state["runs"], os.environ.get(CORES_ENV)


@needs_fork
def test_every_job_runs_once_in_a_worker_and_the_results_come_in_order(capsys):
    jobs = list(range(9))
    got = run_in_workers(jobs, _run, _state, workers=2)
    assert [g[0] for g in got] == [j * j for j in jobs]
    pids = {g[1] for g in got}
    assert 1 <= len(pids) <= 2  # this process and its one child
    for pid in pids:  # the state is opened once per worker, in the worker, and kept for all its jobs
        runs = sorted(g[3] for g in got if g[1] == pid)
        assert {g[2] for g in got if g[1] == pid} == {pid}
        assert runs == list(range(1, len(runs) + 1))


@needs_fork
def test_each_jobs_output_is_printed_whole(capsys):
    run_in_workers(list(range(6)), _run, _state, workers=2)
    lines = capsys.readouterr().out.splitlines()
    assert sorted(lines) == sorted(f"job {j} line {n}" for j in range(6) for n in range(3))
    for start in range(0, len(lines), 3):  # the two workers printed at the same time; each job's lines together
        assert len({line.split(" line ")[0] for line in lines[start : start + 3]}) == 1


_TEST_PID = os.getpid()


def _child_dies_at_its_second_job(job, state):
    state["runs"] += 1
    time.sleep(0.05)
    if os.getpid() != _TEST_PID and state["runs"] == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return job


@needs_fork
def test_a_worker_that_dies_loses_only_its_job():
    got = run_in_workers(list(range(8)), _child_dies_at_its_second_job, _state, workers=2)
    lost = [n for n, g in enumerate(got) if isinstance(g, WorkerLost)]
    assert len(lost) == 1 and got[lost[0]].job == lost[0] and got[lost[0]].exitcode == -signal.SIGKILL
    assert [g for n, g in enumerate(got) if n != lost[0]] == [n for n in range(8) if n != lost[0]]


@needs_fork
def test_each_worker_gets_its_share_of_the_cores(monkeypatch):
    monkeypatch.setenv(CORES_ENV, "1")  # this process may use one core: its two workers get one each
    got = run_in_workers([1, 2, 3, 4], _run, _state, workers=2)
    assert {g[4] for g in got} == {"1"}


def test_usable_cores_is_the_share_given_at_most_the_machines(monkeypatch):
    monkeypatch.delenv(CORES_ENV, raising=False)
    assert usable_cores() == machine_cores() >= 1
    monkeypatch.setenv(CORES_ENV, "1")
    assert usable_cores() == 1
    monkeypatch.setenv(CORES_ENV, str(machine_cores() + 5))
    assert usable_cores() == machine_cores()
    for bad in ("0", "-2", "two", ""):
        monkeypatch.setenv(CORES_ENV, bad)
        assert usable_cores() == machine_cores()


@pytest.mark.parametrize("before", [None, "3"])
def test_a_cores_share_holds_for_its_block_then_the_one_before_is_back(monkeypatch, before):
    if before is None:
        monkeypatch.delenv(CORES_ENV, raising=False)
    else:
        monkeypatch.setenv(CORES_ENV, before)
    with pytest.raises(RuntimeError), cores_share(1):
        assert os.environ[CORES_ENV] == "1" and usable_cores() == 1
        raise RuntimeError("the block failed")
    assert os.environ.get(CORES_ENV) == before
    # the workers' own process gives its share back too
    run_in_workers([1, 2], _run, _state, workers=2)
    assert os.environ.get(CORES_ENV) == before


def test_a_control_groups_cpu_quota_bounds_the_cores(tmp_path):
    """A container limited to 1.5 CPUs (cgroup v2 ``cpu.max``, or v1 ``cpu.cfs_quota_us``) on a larger host: 2 cores,
    the smallest quota of the group and those above it; none set: no bound."""
    root, membership = tmp_path / "cgroup", tmp_path / "self_cgroup"
    group = root / "kubepods" / "pod1"
    group.mkdir(parents=True)
    membership.write_text("0::/kubepods/pod1\n")
    assert cpu_quota_cores(root, membership) is None  # no cpu.max anywhere
    (root / "cpu.max").write_text("max 100000\n")
    (group / "cpu.max").write_text("150000 100000\n")
    assert cpu_quota_cores(root, membership) == 2
    (root / "kubepods" / "cpu.max").write_text("100000 100000\n")  # the group above allows one
    assert cpu_quota_cores(root, membership) == 1
    v1 = root / "cpu,cpuacct" / "docker" / "abc"
    v1.mkdir(parents=True)
    (v1 / "cpu.cfs_quota_us").write_text("300000\n")
    (v1 / "cpu.cfs_period_us").write_text("100000\n")
    membership.write_text("4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n")
    assert cpu_quota_cores(root, membership) == 3
    (v1 / "cpu.cfs_quota_us").write_text("-1\n")  # v1's "no quota"
    assert cpu_quota_cores(root, membership) is None
    assert cpu_quota_cores(root, tmp_path / "absent") is None


def test_machine_cores_is_at_most_the_quota(monkeypatch):
    monkeypatch.setattr("kttt_pipeline.processes.cores.cpu_quota_cores", lambda: 1)
    assert machine_cores() == 1
    monkeypatch.setattr("kttt_pipeline.processes.cores.cpu_quota_cores", lambda: None)
    assert machine_cores() >= 1


def test_split_cores_gives_each_worker_at_least_one_and_shares_all(monkeypatch):
    monkeypatch.setattr("kttt_pipeline.processes.cores.machine_cores", lambda: 8)
    monkeypatch.setenv(CORES_ENV, "5")
    assert split_cores(2) == [3, 2] and split_cores(5) == [1] * 5 and split_cores(1) == [5]
    monkeypatch.setenv(CORES_ENV, "1")
    assert split_cores(3) == [1, 1, 1]


@needs_fork
def test_a_worker_that_cannot_open_its_state_says_why_and_the_others_do_the_jobs(capsys):
    @contextlib.contextmanager
    def fails_in_a_child():
        if os.getpid() != _TEST_PID:
            raise RuntimeError("the instance could not be opened")
        yield {"opened_by": os.getpid(), "runs": 0}

    got = run_in_workers(list(range(5)), _run, fails_in_a_child, workers=2)
    assert [g[0] for g in got] == [j * j for j in range(5)] and {g[1] for g in got} == {os.getpid()}
    assert "RuntimeError: the instance could not be opened" in capsys.readouterr().err


def _dies_after_a_part(job, state):
    print(f"job {job} did its first part", flush=True)
    report_partial(f"{job} first part")  # sent with what was printed so far
    time.sleep(0.05)
    if os.getpid() != _TEST_PID:
        os.kill(os.getpid(), signal.SIGKILL)
    report_partial(f"{job} second part")
    return job


@needs_fork
def test_the_parts_a_dead_workers_job_reported_are_kept_with_what_it_printed(capsys):
    got = run_in_workers(list(range(4)), _dies_after_a_part, _state, workers=2)
    lost = [n for n, g in enumerate(got) if isinstance(g, WorkerLost)]  # the child's first job
    assert len(lost) == 1 and got[lost[0]].partial == (f"{lost[0]} first part",)
    assert [g for n, g in enumerate(got) if n != lost[0]] == [n for n in range(4) if n != lost[0]]
    assert f"job {lost[0]} did its first part" in capsys.readouterr().out
