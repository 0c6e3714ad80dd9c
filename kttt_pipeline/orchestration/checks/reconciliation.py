"""Checks on the reconciled frames, each on the warehouse table it checks, evaluated by the warehouse step before
it writes anything: the status identities of indicators.csv on ``rpt_indicator``, the pandera schema of each
staging table on that ``stg_*`` table, and completeness (§7.7) on ``period_status``.

The logic is in plain functions (:mod:`kttt_pipeline.reconcile.identities`); this module only turns their
answers into Dagster check results.

A blocking check holds the pipeline's own invariants only: every value a raw file can hold is a finding or a
quarantined row before these run (docs/decisions.md, "One bad value never stops a quarter"), so a failure is a
bug of the pipeline, never a clerk's value.
"""

from __future__ import annotations

import dagster as dg
import pandas as pd

from kttt_pipeline.ingest.period import REJECTED_STATUSES
from kttt_pipeline.orchestration.headline import frame_markdown
from kttt_pipeline.reconcile.identities import (
    breaks_description_vi,
    breaks_markdown,
    identity_breaks,
    schema_failures,
    schema_failures_text_vi,
)
from kttt_pipeline.reconcile.period import PeriodResult
from kttt_pipeline.schema import warehouse_schema
from kttt_pipeline.schema.frames import staging_schemas

STATUS_IDENTITY = dg.AssetCheckSpec(
    "status_identity",
    asset="rpt_indicator",
    blocking=True,
    description="HTX_TOTAL = ACTIVE + WEAK + SUSPENDED + NOT_STARTED + DISSOLVING and HTX_INACTIVE = TOTAL - ACTIVE, "
    "and the sector × status breakdown (rpt_breakdown) adds up to the sector and status indicators, "
    "for the province and every unit; checked on the reconciled rows before the load (a break loads "
    "nothing and publishes nothing).",
)
PERIOD_COMPLETE = dg.AssetCheckSpec(
    "period_complete",
    asset="period_status",
    blocking=False,
    description="Every reporting unit in force for the period sent a return (§7.7); a missing unit marks the "
    "province totals incomplete (a warning: the period is still published).",
)
REJECTED_FILES = dg.AssetCheckSpec(
    "rejected_files",
    asset="load_audit",
    blocking=False,
    description="No file of the period was rejected (unreadable, not a return, a return of a unit not in force or "
    "of another period, over a size bound…). A warning listing each rejected file with its reason: the rest of "
    "the period is still loaded and published.",
)
STAGING_SCHEMA = {
    table: dg.AssetCheckSpec(
        "staging_schema",
        asset=table,
        blocking=True,
        description=f"pandera schema of {table} (types, value sets, tax-code shape): the pipeline's invariants, "
        f"which no value of a raw file can break (a bad value is a finding or a quarantined row); "
        f"checked before the load.",
    )
    for table in warehouse_schema().layer("staging")
}

FRAME_CHECK_SPECS: list[dg.AssetCheckSpec] = [
    STATUS_IDENTITY,
    *STAGING_SCHEMA.values(),
    PERIOD_COMPLETE,
    REJECTED_FILES,
]


def status_identity(r: PeriodResult) -> dg.AssetCheckResult:
    breaks = identity_breaks(r.rpt_indicator, r.cooperative, r.admin_unit, r.stg_cooperative, r.rpt_breakdown)
    return dg.AssetCheckResult(
        asset_key=STATUS_IDENTITY.asset_key,
        check_name=STATUS_IDENTITY.name,
        passed=not breaks,
        description=breaks_description_vi(breaks),
        metadata={
            "units_broken": dg.MetadataValue.json([b.unit_code for b in breaks]),
            "identity": dg.MetadataValue.md(breaks_markdown(breaks)),
            "rows": dg.MetadataValue.json([row for b in breaks for row in b.rows]),
        },
    )


def period_complete(r: PeriodResult) -> dg.AssetCheckResult:
    st = r.period_status.iloc[0]
    return dg.AssetCheckResult(
        asset_key=PERIOD_COMPLETE.asset_key,
        check_name=PERIOD_COMPLETE.name,
        passed=bool(st["is_complete"]),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "units_missing": st["units_missing"] or "",
            "units_present": int(st["units_present"]),
            "units_expected": int(st["units_expected"]),
        },
    )


def rejected_files(r: PeriodResult) -> dg.AssetCheckResult:
    """A warning naming every rejected file of the period and why (the load audit's Vietnamese reason)."""
    audit = r.load_audit
    rejected = audit[audit["status"].isin(REJECTED_STATUSES)]
    text = None
    if len(rejected):
        text = f"Kỳ {r.period}: {len(rejected)} tệp bị từ chối (không nạp) — " + "; ".join(
            f"{rec.source_file}: {rec.error}" for rec in rejected.itertuples()
        )
    return dg.AssetCheckResult(
        asset_key=REJECTED_FILES.asset_key,
        check_name=REJECTED_FILES.name,
        passed=rejected.empty,
        severity=dg.AssetCheckSeverity.WARN,
        description=text,
        metadata={
            "files_rejected": len(rejected),
            "files_seen": len(audit),
            "rejected": dg.MetadataValue.md(frame_markdown(rejected[["source_file", "status", "error"]])),
        },
    )


def staging_schema(r: PeriodResult, table: str, schemas: dict | None = None) -> dg.AssetCheckResult:
    """``schemas``: :func:`staging_schemas` built once for the period's tables (default: built here)."""
    frame = getattr(r, table)
    # no rows, nothing to check (an empty column has no meaningful dtype: a period without summary sheets)
    failures = [] if frame.empty else schema_failures(frame, (schemas or staging_schemas())[table], table)
    cases = pd.DataFrame(
        failures, columns=["table", "column", "check", "value", "unit_code", "source_file", "sheet", "row_number"]
    )
    spec = STAGING_SCHEMA[table]
    return dg.AssetCheckResult(
        asset_key=spec.asset_key,
        check_name=spec.name,
        passed=not failures,
        description=schema_failures_text_vi(failures) if failures else None,
        metadata={
            "rows_checked": len(frame),
            "errors": len(failures),
            "failure_cases": dg.MetadataValue.md(frame_markdown(cases.drop(columns="table"))),
        },
    )


def frame_check_results(r: PeriodResult) -> list[dg.AssetCheckResult]:
    """Every check of :data:`FRAME_CHECK_SPECS` on the reconciled period, in that order."""
    schemas = staging_schemas()  # once for the period (each build makes every staging table's schema)
    return [
        status_identity(r),
        *(staging_schema(r, t, schemas) for t in STAGING_SCHEMA),
        period_complete(r),
        rejected_files(r),
    ]
