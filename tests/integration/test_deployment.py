"""The production Dagster instance of dagster.yaml.example works: its storage on a real PostgreSQL server.

The example file is used as shipped (copied into a fresh DAGSTER_HOME), with only the environment variables
it documents set to the test server. A partitioned run of the real assets is recorded in that storage.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kttt_pipeline.orchestration.definitions import make_resources, period_job

from ..small_period import PERIOD, make_small_period

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.postgres


@pytest.fixture
def dagster_database(postgres_url):
    """A fresh database for Dagster's own storage on the test server; yields its URL."""
    base = make_url(postgres_url)
    name = f"dagster_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(query={}), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))  # identifier made here, not from input
        yield base.set(database=name, query={})
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def test_example_instance_stores_runs_on_postgres(tmp_path, monkeypatch, dagster_database):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml.example", home / "dagster.yaml")
    url = dagster_database
    for var, value in {
        "DAGSTER_PG_HOST": url.host,
        "DAGSTER_PG_PORT": str(url.port or 5432),
        "DAGSTER_PG_DB": url.database,
        "DAGSTER_PG_USER": url.username or "postgres",
        "DAGSTER_PG_PASSWORD": url.password or "",
        "DAGSTER_COMPUTE_LOG_DIR": str(tmp_path / "compute_logs"),
    }.items():
        monkeypatch.setenv(var, value)

    instance = dg.DagsterInstance.from_config(str(home))
    try:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        raw = make_small_period(tmp_path / "raw")
        # the job the UI launches: every stage, one asset per warehouse table
        job = period_job(make_resources(str(raw), f"sqlite:///{tmp_path}/w.db", str(tmp_path / "reports")))
        result = job.execute_in_process(partition_key=PERIOD, instance=instance)
        assert result.success
        runs = instance.get_runs()
        assert [r.run_id for r in runs] == [result.run_id]
        assert runs[0].tags.get("dagster/partition") == PERIOD
        for asset in ("reconciled_period", "rpt_indicator", "dq_issue", "published_reports"):
            mat = instance.get_latest_materialization_event(dg.AssetKey(asset))
            assert mat is not None and mat.run_id == result.run_id, asset
        # the check results are stored too, on the table they check
        record = instance.event_log_storage.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(dg.AssetKey("rpt_indicator"), "status_identity")]
        )
        assert record[dg.AssetCheckKey(dg.AssetKey("rpt_indicator"), "status_identity")].run_id == result.run_id
    finally:
        instance.dispose()

    # the rows really are in PostgreSQL
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from runs")).scalar_one() == 1
    finally:
        engine.dispose()


def test_the_examples_bind_the_ui_to_loopback():
    """Dagster OSS has no login: the example instance and the docs start the UI on 127.0.0.1 only, and say how to
    put it behind an authenticating proxy."""
    import re

    for name in ("dagster.yaml.example", "docs/deployment.md", "Makefile"):
        text = (ROOT / name).read_text(encoding="utf-8")
        starts = re.findall(r"dagster(?:-webserver| dev)[^\n]*", text)
        assert starts, name
        for line in starts:
            if " -w " in line or line.endswith("-w workspace.yaml"):
                assert "-h 127.0.0.1" in line, (name, line)
        for line in text.splitlines():  # 0.0.0.0 only where it is forbidden
            assert "0.0.0.0" not in line or "ever bind it to" in line, (name, line)
    assert "reverse proxy" in (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
