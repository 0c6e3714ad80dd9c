"""The Great Expectations suite on the period's warehouse rows: one blocking check on each table it validates,
evaluated by the warehouse step right after the load (one suite run, one Data Docs site). Its expectations are
the pipeline's invariants: no value of a raw file can fail one (a negative figure is quarantined, a negative
plan target is no target; docs/decisions.md, "One bad value never stops a quarter")."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from sqlalchemy.engine import Engine

from kttt_pipeline.quality.warehouse_suite import SUITE_TABLES, failures_text_vi, run_warehouse_suite

SUITE_CHECK_SPECS: list[dg.AssetCheckSpec] = [
    dg.AssetCheckSpec(
        "warehouse_expectations",
        asset=table,
        blocking=True,
        description=f"Great Expectations suite on the period's {table} rows, as loaded; Data Docs "
        f"under the reports folder. A failure stops the reports.",
    )
    for table in SUITE_TABLES
]


def suite_check_results(
    engine: Engine, period: str, docs_dir: Path, province: str | None = None
) -> list[dg.AssetCheckResult]:
    """The suite run once on the province's loaded period; one result per table of :data:`SUITE_CHECK_SPECS`."""
    result = run_warehouse_suite(engine, period, docs_dir, province)
    out = []
    for spec in SUITE_CHECK_SPECS:
        table = spec.asset_key.to_user_string()
        failures = [f for f in result.failures if f["table"] == table]
        out.append(
            dg.AssetCheckResult(
                asset_key=spec.asset_key,
                check_name=spec.name,
                passed=not failures,
                description=failures_text_vi(failures) if failures else None,
                metadata={
                    "expectations_evaluated": result.evaluated.get(table, 0),
                    "failures": dg.MetadataValue.json(failures),
                    "data_docs": dg.MetadataValue.path(str(result.docs_index)) if result.docs_index else "",
                },
            )
        )
    return out
