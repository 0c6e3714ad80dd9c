"""Secrets stay secret: the warehouse URL's password is never printed, logged, stored in metadata or shown in
the UI (the resource is configured with ``EnvVar("KTTT_WAREHOUSE_URL")``; every URL shown is masked)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.remote_representation.external_data import RepositorySnap
from dagster._serdes import serialize_value
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from kttt_pipeline.core import config
from kttt_pipeline.orchestration.definitions import JOB_NAME, build_definitions, make_resources

from ..small_period import PERIOD, make_small_period

SECRET = "Kttt-S3cret-pw-9z"  # the test server trusts its clients: a password it never checks
KTTT = str(Path(sys.executable).parent / "kttt")


def _ui_snapshot(defs: dg.Definitions) -> str:
    """What the UI receives of the code location (the resource page, the launchpad's config schema)."""
    return serialize_value(RepositorySnap.from_def(defs.get_repository_def()))


def test_the_ui_shows_the_variable_never_the_password(monkeypatch):
    monkeypatch.setenv("KTTT_WAREHOUSE_URL", f"postgresql+psycopg://kttt:{SECRET}@db.internal/kttt_warehouse")
    snap = RepositorySnap.from_def(build_definitions(make_resources()).get_repository_def())
    warehouse = next(r for r in snap.resources if r.name == "warehouse")
    assert warehouse.configured_values["url"].name == "KTTT_WAREHOUSE_URL"  # an EnvVar, read when a run starts
    assert SECRET not in serialize_value(snap)


def test_without_the_variable_the_default_warehouse_is_used(monkeypatch):
    monkeypatch.delenv("KTTT_WAREHOUSE_URL", raising=False)
    assert make_resources()["warehouse"].url == config.DEFAULT_WAREHOUSE_URL


@pytest.mark.postgres
def test_a_run_stores_and_prints_the_warehouse_only_masked(tmp_path, monkeypatch, postgres_url):
    url = make_url(postgres_url).set(password=SECRET).render_as_string(hide_password=False)
    monkeypatch.setenv("KTTT_WAREHOUSE_URL", url)
    raw = make_small_period(tmp_path / "raw")
    reports = tmp_path / "reports"
    defs = build_definitions(make_resources(str(raw), None, str(reports)))
    assert SECRET not in _ui_snapshot(defs)

    (tmp_path / "dagster_home").mkdir()
    instance = dg.DagsterInstance.local_temp(str(tmp_path / "dagster_home"))
    try:
        result = defs.resolve_job_def(JOB_NAME).execute_in_process(partition_key=PERIOD, instance=instance)
        assert result.success
        run = instance.get_run_by_id(result.run_id)
        stored = serialize_value([r.event_log_entry for r in instance.get_records_for_run(result.run_id).records])
        stored += serialize_value(run) + serialize_value(instance.get_job_snapshot(run.job_snapshot_id))
        # the run did use the warehouse of the variable, and its metadata names it, masked
        mat = instance.get_latest_materialization_event(dg.AssetKey("rpt_indicator")).asset_materialization
        assert mat.metadata["warehouse"].value == make_url(url).render_as_string(hide_password=True)
        assert "***" in mat.metadata["warehouse"].value
    finally:
        instance.dispose()
    assert SECRET not in stored
    for path in reports.rglob("*"):  # so_sanh.json, the Data Docs, the documents
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from rpt_indicator")).scalar_one() > 0
            for table in inspect(conn).get_table_names():  # load_audit, dq_issue, …: no row carries it
                rows = conn.execute(text(f'select * from "{table}"')).all()  # names from the schema itself
                assert SECRET not in repr(rows), table
    finally:
        engine.dispose()

    # the command line prints the warehouse masked, the run's output has no password
    env = {k: v for k, v in os.environ.items() if not k.startswith("KTTT_")} | {"KTTT_WAREHOUSE_URL": url}
    run = subprocess.run(
        [KTTT, "materialize", "--period", PERIOD, "--raw-dir", str(raw), "--reports-dir", str(tmp_path / "r2")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert "Kho dữ liệu (warehouse): postgresql+psycopg://postgres:***@" in run.stdout
    assert SECRET not in run.stdout + run.stderr
