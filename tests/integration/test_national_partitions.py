"""Dagster at national scale (issue 27): with ``KTTT_PROVINCES`` the assets are partitioned by province and
quarter, a run of one (province, quarter) key reads that province's folder and loads only it, the schedule and the
sensor request (province, quarter) keys for every province's folder, a province office sees only its own, and one
`kttt materialize` with several provinces loads them all in one command."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
import yaml

from kttt_pipeline.cli import main
from kttt_pipeline.core.deployment import PROVINCES_ENV
from kttt_pipeline.orchestration.definitions import JOB_NAME, build_definitions, make_resources, period_job
from kttt_pipeline.orchestration.partitions import FIRST_PERIOD_ENV, deployment_partitions_def, split_partition_key
from kttt_pipeline.warehouse import make_engine, period_row_counts

from .conftest import assert_provinces_published

ROOT = Path(__file__).resolve().parents[2]
PERIOD = "2026-Q3"
QN, BN = "22", "24"


def _write(path: Path, content: bytes, age_seconds: float = 600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    t = time.time() - age_seconds
    os.utime(path, (t, t))


def _demo(root: Path, code: str, period: str = PERIOD) -> None:
    args = ["--period", period, "--province", code, "--out", str(root / code), "--units", "3", "--rows-per-unit", "3"]
    assert main(["demo-data", *args]) == 0


def _pairs(keys) -> set[tuple[str | None, str]]:
    return {split_partition_key(k) for k in keys}


# ---- the partitions -------------------------------------------------------------------------------------------


def test_the_loaded_definitions_of_a_national_deployment_are_province_by_quarter(tmp_path):
    """The definitions the UI loads (workspace.yaml's module, in a fresh process) with KTTT_PROVINCES=two codes:
    every (province, quarter) key, the quarters from the earliest folder of either province."""
    raw = tmp_path / "raw"
    (raw / QN / "2026-Q1").mkdir(parents=True)
    (raw / BN / "2025-Q4").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != FIRST_PERIOD_ENV and k != "KTTT_PROVINCE"}
    env |= {"KTTT_RAW_DIR": str(raw), PROVINCES_ENV: f"{QN},{BN}"}
    code = (
        "from kttt_pipeline.orchestration.definitions import defs, JOB_NAME;"
        "print(' '.join(defs.resolve_job_def(JOB_NAME).partitions_def.get_partition_keys()))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    pairs = _pairs(out.stdout.split())
    assert {p for p, _ in pairs} == {QN, BN}
    quarters = sorted({q for _, q in pairs})
    assert quarters[0] == "2025-Q4"  # Bắc Ninh's earliest folder, also for Quảng Ninh
    assert pairs == {(p, q) for p in (QN, BN) for q in quarters}


def test_without_kttt_provinces_the_partitions_are_quarters(tmp_path, no_kttt_env):
    (tmp_path / "2025-Q2").mkdir()
    keys = deployment_partitions_def(tmp_path).get_partition_keys()
    assert keys[0] == "2025-Q2" and all(split_partition_key(k)[0] is None for k in keys)


def test_a_province_office_sees_only_its_own(tmp_path, no_kttt_env, monkeypatch):
    raw = tmp_path / "raw"
    _write(raw / QN / "2026-Q2" / "communes" / "a.xlsx", b"qn")
    _write(raw / BN / "2026-Q2" / "communes" / "b.xlsx", b"bn")  # another province's folder on the same disk
    monkeypatch.setenv(PROVINCES_ENV, BN)
    monkeypatch.setenv("KTTT_RAW_DIR", str(raw))
    loaded = build_definitions(make_resources(), deployment_partitions_def())
    keys = loaded.resolve_job_def(JOB_NAME).partitions_def.get_partition_keys()
    assert {p for p, _ in _pairs(keys)} == {BN}
    with dg.instance_for_test() as instance:
        repo = loaded.get_repository_def()
        ctx = dg.build_sensor_context(
            instance=instance, cursor=None, repository_def=repo, resources=repo.get_top_level_resources()
        )
        result = repo.get_sensor_def("raw_files_sensor").evaluate_tick(ctx)
    assert _pairs(r.partition_key for r in result.run_requests) == {(BN, "2026-Q2")}


# ---- the schedule and the sensor ------------------------------------------------------------------------------


def test_the_sensor_requests_a_key_for_each_provinces_folder(tmp_path, no_kttt_env, monkeypatch):
    raw = tmp_path / "raw"
    _write(raw / QN / "2026-Q2" / "communes" / "a.xlsx", b"qn")
    _write(raw / BN / "2026-Q3" / "communes" / "b.xlsx", b"bn")
    monkeypatch.setenv(PROVINCES_ENV, f"{QN},{BN}")
    monkeypatch.setenv("KTTT_RAW_DIR", str(raw))
    loaded = build_definitions(make_resources(), deployment_partitions_def())
    repo = loaded.get_repository_def()
    sensor = repo.get_sensor_def("raw_files_sensor")

    def tick(instance, cursor):
        ctx = dg.build_sensor_context(
            instance=instance, cursor=cursor, repository_def=repo, resources=repo.get_top_level_resources()
        )
        return sensor.evaluate_tick(ctx)

    with dg.instance_for_test() as instance:
        first = tick(instance, None)
        assert _pairs(r.partition_key for r in first.run_requests) == {(QN, "2026-Q2"), (BN, "2026-Q3")}
        assert len({r.run_key for r in first.run_requests}) == 2
        assert tick(instance, first.cursor).run_requests == []  # nothing changed
        _write(raw / BN / "2026-Q3" / "communes" / "b.xlsx", b"bn, corrected")
        again = tick(instance, first.cursor)
        assert _pairs(r.partition_key for r in again.run_requests) == {(BN, "2026-Q3")}


def test_the_schedule_requests_the_closed_quarter_for_every_province(tmp_path, no_kttt_env, monkeypatch):
    import datetime as dt

    monkeypatch.setenv(PROVINCES_ENV, f"{QN},{BN}")
    monkeypatch.setenv("KTTT_RAW_DIR", str(tmp_path))
    monkeypatch.setenv(FIRST_PERIOD_ENV, "2024-Q1")
    loaded = build_definitions(make_resources(), deployment_partitions_def())
    schedule = loaded.get_schedule_def("quarterly_schedule")
    ctx = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2024, 10, 20, 6, 0), repository_def=loaded.get_repository_def()
    )
    requests = schedule.evaluate_tick(ctx).run_requests
    assert _pairs(r.partition_key for r in requests) == {(QN, "2024-Q3"), (BN, "2024-Q3")}


# ---- runs ----------------------------------------------------------------------------------------------------


def test_a_run_of_one_province_quarter_key_loads_only_that_province(tmp_path, no_kttt_env, warehouse_url):
    raw, reports = tmp_path / "raw", tmp_path / "reports"
    for code in (QN, BN):
        _demo(raw, code)
    job = period_job(
        {**make_resources(str(raw), warehouse_url, str(reports)), "io_manager": dg.mem_io_manager}, [QN, BN]
    )
    key = dg.MultiPartitionKey({"province": BN, "period": PERIOD})
    assert key in job.partitions_def.get_partition_keys()
    result = job.execute_in_process(partition_key=key, raise_on_error=False)
    assert result.success
    engine = make_engine(warehouse_url)
    try:
        assert period_row_counts(engine, PERIOD, BN)["cooperative"] > 0
        assert period_row_counts(engine, PERIOD, QN)["cooperative"] == 0
    finally:
        engine.dispose()
    assert (reports / BN / PERIOD).is_dir() and not (reports / QN).exists() and not (reports / PERIOD).exists()


def test_one_materialize_loads_several_provinces_in_one_process(tmp_path, no_kttt_env, warehouse_url, capsys):
    """The command a national run calls: `kttt materialize --period P --province A --province B --raw-dir ROOT
    --reports-dir ROOT2 --warehouse URL`, ROOT/<code>/P/ holding each province's files; one call of main() (one
    process, one import of Dagster and the stages) loads both."""
    raw, reports = tmp_path / "raw", tmp_path / "reports"
    for code in (QN, BN):
        _demo(raw, code)
    capsys.readouterr()
    args = ["--period", PERIOD, "--province", QN, "--province", BN, "--raw-dir", str(raw)]
    assert main(["materialize", *args, "--reports-dir", str(reports), "--warehouse", warehouse_url]) == 0
    printed = capsys.readouterr().out
    assert "2/2" in printed
    assert_provinces_published(warehouse_url, reports, PERIOD, (QN, BN))


def test_kttt_provinces_gives_the_national_layout_to_materialize(tmp_path, no_kttt_env, monkeypatch, capsys):
    """With KTTT_PROVINCES set and no --province, `kttt materialize` runs every province of the deployment; a
    province whose folder lacks the period is named before anything runs."""
    raw, reports, url = tmp_path / "raw", tmp_path / "reports", f"sqlite:///{tmp_path}/w.db"
    _demo(raw, QN)
    monkeypatch.setenv(PROVINCES_ENV, f"{QN},{BN}")
    capsys.readouterr()
    args = ["--period", PERIOD, "--raw-dir", str(raw), "--reports-dir", str(reports), "--warehouse", url]
    assert main(["materialize", *args]) == 1
    assert str(raw / BN / PERIOD) in capsys.readouterr().err
    monkeypatch.setenv(PROVINCES_ENV, QN)  # a province office: its own folder under the root
    assert main(["materialize", *args]) == 0
    assert (reports / QN / PERIOD / f"phu_bieu_{PERIOD}.xlsx").is_file()


def test_a_province_that_fails_does_not_stop_the_others(tmp_path, no_kttt_env, capsys):
    raw, reports, url = tmp_path / "raw", tmp_path / "reports", f"sqlite:///{tmp_path}/w.db"
    _demo(raw, BN)
    (raw / QN / PERIOD / "communes").mkdir(parents=True)  # Quảng Ninh's folder holds no return: its run fails
    capsys.readouterr()
    args = ["--period", PERIOD, "--province", f"{QN},{BN}", "--raw-dir", str(raw), "--reports-dir", str(reports)]
    assert main(["materialize", *args, "--warehouse", url]) != 0
    err = capsys.readouterr().err
    assert f"{QN} {PERIOD}" in err and f"{BN} {PERIOD}" not in err.split("not published:")[-1]
    engine = make_engine(url)
    try:
        assert period_row_counts(engine, PERIOD, BN)["cooperative"] > 0  # run after the failed one
    finally:
        engine.dispose()


# ---- the run queue ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dagster_dev.yaml", "dagster.yaml.example"])
def test_the_run_queue_limits_a_provinces_runs_and_a_partitions_runs(tmp_path, name):
    config = yaml.safe_load((ROOT / name).read_text())
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        yaml.safe_dump({k: config[k] for k in ("run_coordinator", "concurrency")}), encoding="utf-8"
    )
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        queue = instance.get_concurrency_config().run_queue_config
        limits = {(t["key"], yaml.safe_dump(t.get("value"))): t["limit"] for t in queue.tag_concurrency_limits}
    finally:
        instance.dispose()
    per_value = yaml.safe_dump({"applyLimitPerUniqueValue": True})
    assert limits[("dagster/partition", per_value)] == 1  # never two runs of the same (province, quarter)
    assert limits[("dagster/partition/province", per_value)] == 1  # a province's quarters one at a time
    assert queue.max_concurrent_runs >= 1


def test_provinces_run_in_worker_processes_load_what_one_process_loads(tmp_path, no_kttt_env):
    """`kttt materialize --jobs 2` over three provinces (a fresh process, as a user runs it: forked workers) loads
    the same warehouse rows and publishes the same figures as `--jobs 1` (one after another in this process), and
    prints each province's output whole under its own heading."""
    raw = tmp_path / "raw"
    codes = (QN, BN, "01")
    for code in codes:
        _demo(raw, code)
    common = ["--period", PERIOD, "--province", ",".join(codes), "--raw-dir", str(raw)]
    urls = {jobs: f"sqlite:///{tmp_path}/w{jobs}.db" for jobs in (1, 2)}
    reports = {jobs: tmp_path / f"reports{jobs}" for jobs in (1, 2)}
    assert main(["materialize", *common, "--jobs", "1", "--warehouse", urls[1], "--reports-dir", str(reports[1])]) == 0
    home = tmp_path / "dagster_home"  # a new instance, its storage made by the command before the workers open it
    env = {**os.environ, "KTTT_APPENDIX_PDF": "0", "DAGSTER_HOME": str(home)}
    cmd = [sys.executable, "-m", "kttt_pipeline.cli", "materialize", *common, "--jobs", "2"]
    out = subprocess.run(
        [*cmd, "--warehouse", urls[2], "--reports-dir", str(reports[2])],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "trong 2 tiến trình song song" in out.stdout and "Traceback" not in out.stderr, out.stderr[-3000:]
    with dg.DagsterInstance.from_config(str(home)) as instance:  # every province recorded as its run
        assert len(instance.get_runs()) == 3
    headings = [line for line in out.stdout.splitlines() if line.startswith("[")]
    assert sorted(h.split("]")[0] for h in headings) == ["[1/3", "[2/3", "[3/3"]
    blocks = out.stdout.split("\n[")[1:]  # each province's output runs from its heading to the next
    assert len(blocks) == 3 and all("đã công bố" in b for b in blocks)
    rows = {}
    for jobs, url in urls.items():
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                rows[jobs] = sorted(
                    tuple(r)
                    for r in conn.exec_driver_sql(
                        "SELECT province_code, period, unit_code, indicator_code, value FROM v_indicator"
                    )
                )
        finally:
            engine.dispose()
    assert rows[1] and rows[1] == rows[2]
    assert {r[0] for r in rows[2]} == set(codes)
    for code in codes:  # the comparisons and the figures paragraph, byte for byte
        for name in ("so_sanh.json", "muc_1_1.txt"):
            one, two = (reports[j] / code / PERIOD / name for j in (1, 2))
            assert one.read_bytes() == two.read_bytes()
