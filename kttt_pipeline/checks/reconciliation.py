"""Checks on the reconciled period: the identities of indicators.csv and completeness (§7.7)."""


import dagster as dg

from ..partitions import period_partitions
from ..pipeline import PeriodResult
from ..reconcile.indicators import check_identity
from ..schemas import STAGING_SCHEMAS


def _values_by_unit(result: PeriodResult) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    for unit, code, value in zip(result.rpt_indicator["unit_code"], result.rpt_indicator["indicator_code"],
                                 result.rpt_indicator["value"]):
        out.setdefault(unit, {})[code] = value
    return out


@dg.asset_check(asset="reconciled_period", partitions_def=period_partitions, blocking=True,
                description="HTX_TOTAL = ACTIVE + WEAK + SUSPENDED + NOT_STARTED + DISSOLVING and "
                            "HTX_INACTIVE = TOTAL - ACTIVE, for the province and every unit.")
def status_identity(reconciled_period: PeriodResult) -> dg.AssetCheckResult:
    broken = [u for u, values in _values_by_unit(reconciled_period).items() if not check_identity(values)]
    return dg.AssetCheckResult(passed=not broken, metadata={"units_broken": dg.MetadataValue.json(broken)})


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
    errors = {}
    for name, schema in STAGING_SCHEMAS.items():
        frame = getattr(reconciled_period, name)
        if frame.empty:
            continue  # no rows, nothing to check (an empty column has no meaningful dtype: a period without summary sheets)
        try:
            schema.validate(frame, lazy=True)
        except Exception as exc:  # pandera SchemaErrors: keep a short description per table
            errors[name] = str(exc).splitlines()[0][:500]
    return dg.AssetCheckResult(passed=not errors, metadata={"errors": dg.MetadataValue.json(errors)})


RECONCILIATION_CHECKS = [status_identity, period_complete, staging_schemas]
