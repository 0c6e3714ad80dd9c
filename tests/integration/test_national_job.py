"""The UI's national job (issue 27, orchestration/national_job.py): one run of a quarter runs every province of a
national deployment in its one process, each province recorded as its own (province, quarter) run; a province
that fails or has no folder fails the national run by name, and the others are loaded all the same."""

from __future__ import annotations

import os

import dagster as dg
import pytest

from kttt_pipeline.cli import main
from kttt_pipeline.orchestration.definitions import JOB_NAME, build_definitions, make_resources
from kttt_pipeline.orchestration.national_job import NATIONAL_JOB_NAME, NATIONAL_RUN_TAG
from kttt_pipeline.orchestration.partitions import province_quarter_partitions_def, split_partition_key
from kttt_pipeline.processes.cores import CORES_ENV
from kttt_pipeline.warehouse import make_engine, period_row_counts

from .conftest import assert_provinces_published

PERIOD = "2026-Q3"
QN, BN, HN = "22", "24", "01"


def _demo(root, code: str) -> None:
    args = ["--period", PERIOD, "--province", code, "--out", str(root / code), "--units", "3", "--rows-per-unit", "3"]
    assert main(["demo-data", *args]) == 0


def _national_job(raw, url: str, reports, provinces: list[str]) -> dg.JobDefinition:
    parts = province_quarter_partitions_def(provinces, str(raw))
    return build_definitions(make_resources(str(raw), url, str(reports)), parts).resolve_job_def(NATIONAL_JOB_NAME)


def _province_runs(instance: dg.DagsterInstance, national_run_id: str) -> dict[str, dg.DagsterRun]:
    runs = instance.get_runs(dg.RunsFilter(job_name=JOB_NAME, tags={NATIONAL_RUN_TAG: national_run_id}))
    return {split_partition_key(r.tags["dagster/partition"])[0] or "": r for r in runs}


def test_one_national_run_loads_every_province_each_as_its_own_run(tmp_path, no_kttt_env, warehouse_url):
    raw, reports = tmp_path / "raw", tmp_path / "reports"
    for code in (QN, BN):
        _demo(raw, code)
    job = _national_job(raw, warehouse_url, reports, [QN, BN])
    assert PERIOD in job.partitions_def.get_partition_keys()  # partitioned by quarter alone
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(partition_key=PERIOD, instance=instance)
        assert result.success
        assert CORES_ENV not in os.environ  # a part run in this process gave its share of the cores back
        runs = _province_runs(instance, result.run_id)
        assert set(runs) == {QN, BN}
        assert all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs.values())
        # the assets' (province, quarter) partitions show what the national run loaded
        key = dg.AssetKey("published_reports")
        assert instance.get_materialized_partitions(key) == {f"{PERIOD}|{QN}", f"{PERIOD}|{BN}"}
    assert_provinces_published(warehouse_url, reports, PERIOD, (QN, BN))


def test_a_failed_or_missing_province_fails_the_national_run_by_name(tmp_path, no_kttt_env):
    raw, reports, url = tmp_path / "raw", tmp_path / "reports", f"sqlite:///{tmp_path}/w.db"
    _demo(raw, BN)
    (raw / QN / PERIOD / "communes").mkdir(parents=True)  # Quảng Ninh's folder holds no return: its run fails
    (raw / HN / "2026-Q2").mkdir(parents=True)  # Hà Nội has another quarter only: no folder for this one
    job = _national_job(raw, url, reports, [QN, BN, HN])
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(partition_key=PERIOD, instance=instance, raise_on_error=False)
        assert not result.success
        failure = next(e for e in result.all_events if e.is_step_failure)
        text = failure.event_specific_data.error.message
        runs = _province_runs(instance, result.run_id)
        assert set(runs) == {QN, BN}
        assert runs[BN].status == dg.DagsterRunStatus.SUCCESS and runs[QN].status == dg.DagsterRunStatus.FAILURE
        assert f"tỉnh mã {QN}" in text and runs[QN].run_id in text and f"tỉnh mã {HN}" in text
        assert f"tỉnh mã {BN}" not in text and "1/3" in text
    engine = make_engine(url)
    try:
        assert period_row_counts(engine, PERIOD, BN)["cooperative"] > 0
    finally:
        engine.dispose()


def test_a_part_that_fails_on_its_own_still_names_its_provinces(tmp_path, no_kttt_env, monkeypatch):
    """A part whose own set-up fails (here its LibreOffice) loads none of its provinces; the national run's outcome
    still names each of them, not only the part's error."""
    from contextlib import contextmanager

    raw, reports, url = tmp_path / "raw", tmp_path / "reports", f"sqlite:///{tmp_path}/w.db"
    _demo(raw, BN)

    @contextmanager
    def broken_office():
        raise OSError("soffice: không khởi động được")
        yield

    monkeypatch.setattr("kttt_pipeline.orchestration.national_job.warm_office", broken_office)
    job = _national_job(raw, url, reports, [BN, QN])
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(partition_key=PERIOD, instance=instance, raise_on_error=False)
        assert not result.success
        failure = next(e for e in result.all_events if e.is_step_failure)
        assert failure.step_key == "national_outcome"
        text = failure.event_specific_data.error.message
        assert f"tỉnh mã {BN}: không công bố được, xem nhật ký của lần chạy này" in text and "0/2" in text
        assert f"tỉnh mã {QN}: không có thư mục" in text
        logs = [e.message for e in instance.all_logs(result.run_id) if "Lỗi ngoài dự kiến" in (e.message or "")]
        assert logs and "soffice: không khởi động được" in logs[0]


@pytest.mark.parametrize("provinces, has_national", [([QN, BN], True), ([QN], False)])
def test_the_national_job_is_defined_for_a_deployment_of_several_provinces(tmp_path, provinces, has_national):
    parts = province_quarter_partitions_def(provinces, str(tmp_path))
    defs = build_definitions(make_resources(str(tmp_path), f"sqlite:///{tmp_path}/w.db", str(tmp_path)), parts)
    names = {j.name for j in defs.resolve_all_job_defs()}
    assert (NATIONAL_JOB_NAME in names) is has_national and JOB_NAME in names


def test_the_province_runs_do_not_store_the_warehouse_password(tmp_path, monkeypatch):
    """The national job hands each province's run the warehouse as the deployment configured it: the variable
    KTTT_WAREHOUSE_URL, not its value (a password), which Dagster would store with every run's job snapshot."""
    from dagster._serdes import serialize_value

    from kttt_pipeline.core.config import WAREHOUSE_URL_ENV
    from kttt_pipeline.orchestration.definitions import _national_period_job

    url = "postgresql+psycopg://kttt:S3CRETPW@db.example/kttt"
    monkeypatch.setenv(WAREHOUSE_URL_ENV, url)
    job = _national_period_job(str(tmp_path), url, str(tmp_path / "reports"), [QN, BN])
    assert "S3CRETPW" not in serialize_value(job.get_job_snapshot())


def deployment_national_job() -> dg.JobDefinition:
    """The national job as the UI's code location builds it, from the environment: what Dagster's multiprocess
    executor rebuilds in each step's process (``dg.reconstructable``)."""
    from kttt_pipeline.orchestration.partitions import deployment_partitions_def

    return build_definitions(make_resources(), deployment_partitions_def()).resolve_job_def(NATIONAL_JOB_NAME)


def test_the_national_run_shares_its_provinces_out_to_one_process_per_core(tmp_path, no_kttt_env, monkeypatch, request):
    """Launched as the UI launches it (Dagster's multiprocess executor, its steps forked from a fork server, a
    persistent instance): the provinces are shared out into one part per core, each part a step in its own
    process, at the same time; each province is
    still its own (province, quarter) run, and the national run succeeds once every one is published."""
    from kttt_pipeline.core.config import WAREHOUSE_URL_ENV
    from kttt_pipeline.core.deployment import PROVINCES_ENV
    from kttt_pipeline.processes.cores import usable_cores
    from kttt_pipeline.processes.pool import stop_fork_server

    raw, reports, url = tmp_path / "raw", tmp_path / "reports", f"sqlite:///{tmp_path}/w.db"
    codes = (QN, BN, HN)
    for code in codes:
        _demo(raw, code)
    for name, value in {
        PROVINCES_ENV: ",".join(codes),
        "KTTT_RAW_DIR": str(raw),
        "KTTT_REPORTS_DIR": str(reports),
        WAREHOUSE_URL_ENV: url,
        CORES_ENV: "2",
    }.items():
        monkeypatch.setenv(name, value)
    parts = min(2, usable_cores())
    home = tmp_path / "dagster_home"
    home.mkdir()
    # the steps are forked from a fork server, which keeps the environment it started with: one started by an
    # earlier test of this process would hand them that test's folders (a run worker starts its own)
    stop_fork_server()
    request.addfinalizer(stop_fork_server)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        result = dg.execute_job(
            dg.reconstructable(deployment_national_job), instance=instance, tags={"dagster/partition": PERIOD}
        )
        assert result.success
        runs = _province_runs(instance, result.run_id)
        assert set(runs) == set(codes)
        assert all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs.values())
        # each part a step of its own, in a process of its own (the executor's engine events name each step's pid)
        steps = {e.step_key for e in result.all_events if e.is_step_success}
        assert {s for s in steps if s.startswith("national_part[")} == {
            f"national_part[phan_{n}]" for n in range(1, parts + 1)
        }
        pids = {
            e.step_key: e.event_specific_data.metadata["pid"].value
            for e in result.all_events
            if e.event_type_value == "STEP_WORKER_STARTED" and e.step_key.startswith("national_part[")
        }
        assert len(pids) == parts and len(set(pids.values())) == parts
    assert_provinces_published(url, reports, PERIOD, codes)


def test_the_national_runs_steps_are_forked_from_a_server_that_imported_kttt_where_there_is_one(monkeypatch):
    from kttt_pipeline.orchestration import national_job

    executor = national_job._executor()
    assert executor is not dg.multiprocess_executor  # configured: the fork server, with kttt preloaded
    assert "kttt_pipeline.orchestration.definitions" in national_job.PRELOAD
    monkeypatch.setattr(national_job.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert national_job._executor() is dg.multiprocess_executor  # no fork server (Windows): spawned steps
