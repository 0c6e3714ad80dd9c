"""The Dagster wiring: definitions load with one asset per warehouse table, and the period job runs the real
assets and checks on real small data."""

import dagster as dg
import pandas as pd
import pytest
from sqlalchemy import create_engine, inspect

from kttt_pipeline.orchestration.assets import raw_return_files, reconciled_period, staged_returns
from kttt_pipeline.orchestration.definitions import JOB_NAME, defs, make_resources, period_job
from kttt_pipeline.orchestration.partitions import quarter_keys
from kttt_pipeline.orchestration.results import failed_checks, materialization, published_documents
from kttt_pipeline.quality.warehouse_suite import SUITE_TABLES
from kttt_pipeline.warehouse import period_row_counts
from kttt_pipeline.warehouse.models import ALL_TABLES, PERIOD_TABLES, Base

from ..small_period import PERIOD, make_small_period

STAGES = {"raw_return_files", "staged_returns", "reconciled_period", "published_reports"}


def _engine(url: str):
    return create_engine(url)


def test_definitions_show_each_warehouse_table_as_an_asset():
    repo = defs.get_repository_def()
    graph = repo.asset_graph
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == STAGES | set(ALL_TABLES)
    assert {"rpt_indicator", "dq_issue", "cooperative", "stg_cooperative", "period_status"} <= keys
    group = {k: repo.assets_defs_by_key[dg.AssetKey(k)].group_names_by_key[dg.AssetKey(k)] for k in keys}
    assert {group[t] for t in ALL_TABLES} == {"warehouse"}
    assert {group[s] for s in STAGES} == {"raw_files", "staging", "reconciled", "reports"}
    # the tables come from one op (one transaction): the step cannot be split
    node = repo.assets_defs_by_key[dg.AssetKey("rpt_indicator")]
    assert node.keys == {dg.AssetKey(t) for t in ALL_TABLES} and not node.can_subset
    # every table's column schema is its model's, before any run
    for name in ALL_TABLES:
        schema = graph.get(dg.AssetKey(name)).metadata["dagster/column_schema"].schema
        assert [c.name for c in schema.columns] == [c.name for c in Base.metadata.tables[name].columns]
    cols = {c.name: c for c in graph.get(dg.AssetKey("rpt_indicator")).metadata["dagster/column_schema"].schema.columns}
    assert cols["value"].type == "FLOAT" and cols["period"].constraints.nullable is False
    assert cols["value"].description == Base.metadata.tables["rpt_indicator"].c.value.comment
    # the reports depend on the tables they read
    upstream = {k.to_user_string() for k in graph.get(dg.AssetKey("published_reports")).parent_keys}
    assert {"rpt_indicator", "dq_issue", "cooperative", "admin_unit", "period_status"} <= upstream
    assert upstream <= set(ALL_TABLES)
    assert defs.resolve_job_def(JOB_NAME).partitions_def is not None


def test_each_check_sits_on_the_table_it_checks():
    from kttt_pipeline.quality.warehouse_suite import SUITE_TABLES, expectations
    from kttt_pipeline.schema.frames import staging_schemas

    checks = {(k.asset_key.to_user_string(), k.name) for k in defs.get_repository_def().asset_graph.asset_check_keys}
    assert ("rpt_indicator", "status_identity") in checks
    assert ("period_status", "period_complete") in checks
    assert {t for t, n in checks if n == "staging_schema"} == set(staging_schemas())
    assert all(t.startswith("stg_") for t in staging_schemas())
    assert {t for t, n in checks if n == "warehouse_expectations"} == set(expectations()) == set(SUITE_TABLES)
    # no check sits on a bundle of frames any more
    assert not {t for t, _ in checks} & STAGES


def test_quarter_partition_keys_run_to_the_quarter_in_progress():
    import datetime as dt

    keys = quarter_keys(2024, today=dt.date(2025, 11, 3))
    assert keys == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    # the end is computed from the date: a day later in the next quarter adds its key
    assert quarter_keys(2024, today=dt.date(2026, 1, 1))[-2:] == ["2025-Q4", "2026-Q1"]


def test_the_period_job_loads_every_table_with_its_row_count_and_checks(tmp_path):
    raw = make_small_period(tmp_path / "raw")
    url = f"sqlite:///{tmp_path}/w.db"
    result = period_job(make_resources(str(raw), url, str(tmp_path / "reports"))).execute_in_process(
        partition_key=PERIOD, raise_on_error=False
    )
    assert result.success, [e.step_failure_data.error.message for e in result.all_events if e.is_step_failure]
    files = result.output_for_node("raw_return_files")
    assert set(files["file_kind"]) == {"unit_return", "tax", "province", "targets"} and len(files) == 5
    reconciled = result.output_for_node("reconciled_period")
    assert reconciled.indicator("22", "HTX_TOTAL") == 5
    assert materialization(result, "reconciled_period").metadata["quarantined_rows"].value == 1

    engine = _engine(url)
    try:
        counts = period_row_counts(engine, PERIOD)
    finally:
        engine.dispose()
    for name in PERIOD_TABLES:  # the row count each table asset carries is what the warehouse holds
        mat = materialization(result, name)
        assert mat is not None and mat.partition == PERIOD, name
        assert mat.metadata["dagster/row_count"].value == counts[name], name
        assert [c.name for c in mat.metadata["dagster/column_schema"].schema.columns] == [
            c.name for c in Base.metadata.tables[name].columns
        ]
    assert counts["rpt_indicator"] > 0 and counts["cooperative"] == len(reconciled.cooperative)
    assert materialization(result, "quarantine").metadata["dagster/row_count"].value == 1
    assert materialization(result, "admin_unit").metadata["dagster/row_count"].value >= 3

    checks = {(e.asset_key.to_user_string(), e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    assert checks[("rpt_indicator", "status_identity")] is True
    assert checks[("period_status", "period_complete")] is False  # two of the province's units sent returns
    assert all(checks[(t, "staging_schema")] for t in ("stg_cooperative", "stg_group", "stg_tax_register"))
    assert all(checks[(t, "warehouse_expectations")] for t in ("rpt_indicator", "dq_issue", "cooperative"))
    evaluated = {
        e.asset_key.to_user_string(): e.metadata["expectations_evaluated"].value
        for e in result.get_asset_check_evaluations()
        if e.check_name == "warehouse_expectations"
    }
    assert set(evaluated) == set(SUITE_TABLES) and all(n > 0 for n in evaluated.values()), evaluated
    docs = published_documents(result)
    assert docs and all((tmp_path / "reports" / PERIOD).joinpath(p).is_file() for p in docs.values())


@pytest.fixture
def identity_broken(monkeypatch):
    """The reconciled period with one figure wrong: Hạ Long's HTX_TOTAL one more than its status classes."""
    import kttt_pipeline.orchestration.assets.reconciled as module

    real = module.reconcile_period

    def broken(*args, **kwargs):
        result = real(*args, **kwargs)
        rpt = result.rpt_indicator
        hit = (rpt["unit_code"] == "193") & (rpt["indicator_code"] == "HTX_TOTAL")
        assert hit.sum() == 1
        result.rpt_indicator = rpt.assign(value=rpt["value"].where(~hit, rpt["value"] + 1))
        return result

    monkeypatch.setattr(module, "reconcile_period", broken)


def test_a_broken_identity_stops_the_load_and_the_publication(tmp_path, identity_broken):
    raw = make_small_period(tmp_path / "raw")
    url = f"sqlite:///{tmp_path}/w.db"
    result = period_job(make_resources(str(raw), url, str(tmp_path / "reports"))).execute_in_process(
        partition_key=PERIOD, raise_on_error=False
    )
    assert not result.success
    failed = failed_checks(result)
    assert [(t, n) for t, n, _ in failed] == [("rpt_indicator", "status_identity")]
    assert "Hạ Long (mã 193)" in failed[0][2] and "Tổng số HTX" in failed[0][2]
    # the step itself failed (the gate does not rest on Dagster's blocking of partitioned checks) ...
    step_failures = [e.step_key for e in result.all_events if e.is_step_failure]
    assert step_failures == ["warehouse_period"]
    # ... before writing: no table was materialized, nothing is in the warehouse, no report was written
    assert all(materialization(result, t) is None for t in ALL_TABLES)
    assert materialization(result, "published_reports") is None and published_documents(result) == {}
    engine = _engine(url)
    try:
        if inspect(engine).has_table("rpt_indicator"):
            assert period_row_counts(engine, PERIOD)["rpt_indicator"] == 0
    finally:
        engine.dispose()
    assert not (tmp_path / "reports" / PERIOD / f"phu_bieu_{PERIOD}.xlsx").exists()


def test_the_cli_names_the_unit_and_the_figure_of_a_broken_identity(tmp_path, identity_broken, capsys):
    from kttt_pipeline.cli import main

    raw = make_small_period(tmp_path / "raw")
    rc = main(
        [
            "materialize",
            "--period",
            PERIOD,
            "--raw-dir",
            str(raw),
            "--warehouse",
            f"sqlite:///{tmp_path}/w.db",
            "--reports-dir",
            str(tmp_path / "reports"),
        ]
    )
    err = capsys.readouterr().err
    assert rc == 1
    assert "không công bố được" in err
    line = next(ln for ln in err.splitlines() if "status_identity" in ln)
    assert "Thành phố Hạ Long (mã 193)" in line and "Tổng số HTX 5 ≠" in line  # 4 counted, one added
    assert "Traceback" not in err and "kiểm tra chặn" not in err  # the check's own words, once


def test_a_period_without_any_readable_return_fails_clearly(tmp_path):
    raw = tmp_path / "raw"
    (raw / PERIOD / "districts").mkdir(parents=True)
    (raw / PERIOD / "districts" / "broken.xlsx").write_bytes(b"not a workbook")
    result = dg.materialize(
        [raw_return_files, staged_returns, reconciled_period],
        partition_key=PERIOD,
        resources=make_resources(str(raw), "sqlite://", str(tmp_path)),
        raise_on_error=False,
    )
    assert not result.success
    failure = [e for e in result.all_events if e.is_step_failure][0]
    assert "không có báo cáo nào" in failure.step_failure_data.error.message


def test_table_schema_is_built_from_the_model():
    from kttt_pipeline.orchestration.assets.warehouse import table_schema

    table = Base.metadata.tables["load_audit"]
    schema = table_schema(table)
    by_name = {c.name: c for c in schema.columns}
    assert list(by_name) == [c.name for c in table.columns]
    assert by_name["id"].constraints.unique is True  # the single-column primary key
    assert "references admin_unit.unit_code" in by_name["unit_code"].constraints.other
    assert any("source_file" in k for k in schema.constraints.other)  # UniqueConstraint(period, source_file)
    assert pd.Series([c.type for c in schema.columns]).str.len().min() > 0


def test_the_definitions_use_no_preview_feature_of_dagster():
    """The quality gate must not rest on a preview API (docs/decisions.md): loading the definitions the UI loads
    emits no PreviewWarning (in a fresh interpreter, as the code server imports them)."""
    import subprocess
    import sys

    code = (
        "import warnings, dagster as dg; warnings.simplefilter('error', dg.PreviewWarning); "
        "import kttt_pipeline.orchestration.definitions as d; d.defs.get_repository_def().asset_graph"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
