"""The Dagster wiring: definitions load, and materialize() runs the real assets on real small data."""

import dagster as dg

from kttt_pipeline.orchestration.assets import raw_return_files, reconciled_period, staged_returns
from kttt_pipeline.orchestration.checks import RECONCILIATION_CHECKS
from kttt_pipeline.orchestration.definitions import defs, make_resources
from kttt_pipeline.orchestration.partitions import quarter_keys

from .small_period import PERIOD, make_small_period


def test_definitions_load_with_every_stage():
    repo = defs.get_repository_def()
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    assert keys == {"raw_return_files", "staged_returns", "reconciled_period", "warehouse_period", "published_reports"}
    groups = {repo.assets_defs_by_key[dg.AssetKey(k)].group_names_by_key[dg.AssetKey(k)] for k in keys}
    assert groups == {"raw_files", "staging", "reconciled", "warehouse", "reports"}
    assert defs.resolve_job_def("kttt_period_job").partitions_def is not None


def test_quarter_partition_keys_run_to_the_quarter_in_progress():
    import datetime as dt

    keys = quarter_keys(2024, today=dt.date(2025, 11, 3))
    assert keys == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    # the end is computed from the date: a day later in the next quarter adds its key
    assert quarter_keys(2024, today=dt.date(2026, 1, 1))[-2:] == ["2025-Q4", "2026-Q1"]


def test_materialize_staging_and_reconciliation_on_small_data(tmp_path):
    raw = make_small_period(tmp_path / "raw")
    result = dg.materialize(
        [raw_return_files, staged_returns, reconciled_period, *RECONCILIATION_CHECKS],
        partition_key=PERIOD,
        resources=make_resources(str(raw), f"sqlite:///{tmp_path}/w.db", str(tmp_path / "reports")),
    )
    assert result.success
    files = result.output_for_node("raw_return_files")
    assert set(files["file_kind"]) == {"district", "tax", "province", "targets"} and len(files) == 5
    reconciled = result.output_for_node("reconciled_period")
    assert reconciled.indicator("22", "HTX_TOTAL") == 5
    checks = {e.asset_check_key.name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {"status_identity": True, "staging_schemas": True, "period_complete": False}
    mats = result.asset_materializations_for_node("reconciled_period")
    assert mats[0].metadata["quarantined_rows"].value == 1


def test_a_period_without_any_readable_return_fails_clearly(tmp_path):
    raw = tmp_path / "raw"
    (raw / PERIOD / "districts").mkdir(parents=True)
    (raw / PERIOD / "districts" / "broken.xlsx").write_bytes(b"not a workbook")
    result = dg.materialize([raw_return_files, staged_returns, reconciled_period], partition_key=PERIOD,
                            resources=make_resources(str(raw), "sqlite://", str(tmp_path)), raise_on_error=False)
    assert not result.success
    failure = [e for e in result.all_events if e.is_step_failure][0]
    assert "không có báo cáo nào" in failure.step_failure_data.error.message
