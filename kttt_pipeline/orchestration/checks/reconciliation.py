"""Checks on the reconciled period: the identities of indicators.csv and completeness (§7.7)."""

import dagster as dg
import pandas as pd

from kttt_pipeline.orchestration.headline import frame_markdown
from kttt_pipeline.orchestration.partitions import period_partitions
from kttt_pipeline.reconcile.period import PeriodResult
from kttt_pipeline.reconcile.identities import (breaks_description_vi, breaks_markdown, identity_breaks,
                                                schema_failures, schema_failures_text_vi)
from kttt_pipeline.ingest.schemas import STAGING_SCHEMAS


@dg.asset_check(asset="reconciled_period", partitions_def=period_partitions, blocking=True,
                description="HTX_TOTAL = ACTIVE + WEAK + SUSPENDED + NOT_STARTED + DISSOLVING and "
                            "HTX_INACTIVE = TOTAL - ACTIVE, and the sector × status breakdown (rpt_breakdown) "
                            "adds up to the sector and status indicators, for the province and every unit.")
def status_identity(reconciled_period: PeriodResult) -> dg.AssetCheckResult:
    r = reconciled_period
    breaks = identity_breaks(r.rpt_indicator, r.cooperative, r.admin_unit, r.stg_cooperative, r.rpt_breakdown)
    return dg.AssetCheckResult(
        passed=not breaks, description=breaks_description_vi(breaks),
        metadata={"units_broken": dg.MetadataValue.json([b.unit_code for b in breaks]),
                  "identity": dg.MetadataValue.md(breaks_markdown(breaks)),
                  "rows": dg.MetadataValue.json([row for b in breaks for row in b.rows])})


@dg.asset_check(asset="reconciled_period", partitions_def=period_partitions, blocking=False,
                description="Every reporting unit in force for the period sent a return (§7.7); a missing unit "
                            "marks the province totals incomplete.")
def period_complete(reconciled_period: PeriodResult) -> dg.AssetCheckResult:
    st = reconciled_period.period_status.iloc[0]
    return dg.AssetCheckResult(
        passed=bool(st["is_complete"]), severity=dg.AssetCheckSeverity.WARN,
        metadata={"units_missing": st["units_missing"] or "", "units_present": int(st["units_present"]),
                  "units_expected": int(st["units_expected"])})


@dg.asset_check(asset="reconciled_period", partitions_def=period_partitions, blocking=True,
                description="pandera schemas of the staging tables (types, value sets, tax-code shape).")
def staging_schemas(reconciled_period: PeriodResult) -> dg.AssetCheckResult:
    failures = []
    for name, schema in STAGING_SCHEMAS.items():
        frame = getattr(reconciled_period, name)
        if frame.empty:
            continue  # no rows, nothing to check (an empty column has no meaningful dtype: a period without summary sheets)
        failures += schema_failures(frame, schema, name)
    errors: dict[str, int] = {}
    for f in failures:
        errors[f["table"]] = errors.get(f["table"], 0) + 1
    cases = pd.DataFrame(failures, columns=["table", "column", "check", "value", "unit_code", "source_file", "sheet",
                                            "row_number"])
    return dg.AssetCheckResult(
        passed=not failures, description=schema_failures_text_vi(failures) if failures else None,
        metadata={"errors": dg.MetadataValue.json(errors), "failure_cases": dg.MetadataValue.md(frame_markdown(cases))})


RECONCILIATION_CHECKS = [status_identity, period_complete, staging_schemas]
