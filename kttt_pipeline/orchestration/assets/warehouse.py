"""Stage 3: the period loaded into the warehouse in one transaction, one Dagster asset per warehouse table.

The tables are those of :data:`kttt_pipeline.warehouse.models.ALL_TABLES` (a table added there becomes an asset
here); each asset's column schema comes from the schema layer (schema/asset_columns.py), its row count from the
load. The one step (``warehouse_period``) first runs the checks on the reconciled frames (status identity on
``rpt_indicator``, staging schemas on the ``stg_*`` tables, completeness on ``period_status``), loads the period in
ONE transaction only when no blocking check failed, then runs the Great Expectations suite on the loaded tables. A
failed blocking check fails the step itself, so that nothing downstream (the reports) runs (docs/decisions.md, "The
quality gate").
"""

import time

import dagster as dg

from kttt_pipeline.core.text import markdown_safe
from kttt_pipeline.orchestration.checks import TABLE_CHECK_SPECS
from kttt_pipeline.orchestration.checks.reconciliation import frame_check_results
from kttt_pipeline.orchestration.checks.warehouse_quality import suite_check_results
from kttt_pipeline.orchestration.memory import LOADED_STAGING_FRAMES, release_frames, release_free_memory
from kttt_pipeline.orchestration.partitions import period_partitions
from kttt_pipeline.orchestration.resources import KtttPaths, Warehouse
from kttt_pipeline.reconcile.period import PeriodResult
from kttt_pipeline.schema.asset_columns import table_schema
from kttt_pipeline.warehouse.models import ALL_TABLES, Base

#: the warehouse tables, one asset each (the models' list: kept once)
WAREHOUSE_TABLES: tuple[str, ...] = ALL_TABLES
#: the asset whose materialization carries the load's own metadata (stale reports, warehouse URL)
STALE_REPORTS_TABLE = "rpt_indicator"
#: the words of the step failure a failed blocking check raises (the CLI prints the checks themselves instead)
GATE_FAILED = "kiểm tra chặn không đạt"


def table_metadata(name: str, row_count: int | None = None) -> dict:
    """The standard table metadata of one warehouse table asset: its name, column schema and (after a load) the
    rows written for the period (``dagster/row_count``)."""
    meta: dict = {
        "dagster/table_name": name,
        "dagster/column_schema": dg.MetadataValue.table_schema(table_schema(Base.metadata.tables[name])),
    }
    if row_count is not None:
        meta["dagster/row_count"] = dg.MetadataValue.int(int(row_count))
    return meta


def _spec(name: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        name,
        group_name="warehouse",
        kinds={"sqlite", "postgres", "table"},
        owners=["team:kttt-data"],
        deps=["reconciled_period"],
        partitions_def=period_partitions,
        description=markdown_safe(Base.metadata.tables[name].comment),
        metadata=table_metadata(name),
    )


@dg.multi_asset(
    name="warehouse_period",
    specs=[_spec(name) for name in WAREHOUSE_TABLES],
    check_specs=TABLE_CHECK_SPECS,
    partitions_def=period_partitions,
    can_subset=False,  # one transaction writes every table of the period
    description="The period's rows in the analysts' warehouse, one transaction per period: re-materialising "
    "replaces exactly this period; later periods already published whose comparisons read it are "
    "listed as stale (metadata stale_reports on rpt_indicator).",
)
def warehouse_period(
    context: dg.AssetExecutionContext, reconciled_period: PeriodResult, warehouse: Warehouse, paths: KtttPaths
):
    from kttt_pipeline.publish.report import staged_data_docs_dir, stale_reports
    from kttt_pipeline.warehouse.load import load_period
    from kttt_pipeline.warehouse.province import load_province

    place = paths.place(context.partition_key)  # the period and the reports folder of the run's province
    period = place.period
    province = load_province(reconciled_period)  # whose period this is: the one place it is decided
    started = time.perf_counter()
    before = frame_check_results(reconciled_period)
    yield from before
    _stop_on_failure(period, before, "nothing was loaded")

    engine = warehouse.engine()
    checked = time.perf_counter()
    counts = load_period(engine, period, reconciled_period, province)
    for earlier in reconciled_period.recompared:
        context.log.warning(
            f"{earlier} was loaded or replaced after {period} was reconciled: its comparison "
            f"findings were computed again against {earlier} as loaded"
        )
    release_frames(reconciled_period, LOADED_STAGING_FRAMES)  # loaded: and the load's converted columns
    context.log.info(
        f"warehouse_period: {period} loaded in one transaction, {sum(counts.values())} rows in "
        f"{sum(1 for n in counts.values() if n)} tables ({warehouse.shown_url()})"
    )
    loaded = time.perf_counter()
    # later published periods compared with this one are now stale unless re-published (docs/decisions.md)
    stale = stale_reports(engine, place.reports_dir, changed=period, province=province)
    for later, periods in stale.items():
        context.log.warning(
            f"reports of {later} compare with {', '.join(periods)}, changed since they were "
            f"published: re-materialise {later} (the whole period when {period} is its previous quarter: its "
            f"comparison findings are reconciled)"
        )
    url = warehouse.shown_url()  # the password masked (core/secrets.py)
    for name in WAREHOUSE_TABLES:
        meta = {**table_metadata(name, counts.get(name, 0)), "warehouse": url}
        if name == STALE_REPORTS_TABLE:
            meta |= {
                "stale_reports": dg.MetadataValue.json(stale),
                "stale_report_periods": dg.MetadataValue.int(len(stale)),
            }
            if reconciled_period.compared_with is not None:  # what the comparisons read, at this load
                meta |= {
                    "compared_with": dg.MetadataValue.json(reconciled_period.compared_with),
                    "recompared": dg.MetadataValue.json(list(reconciled_period.recompared)),
                }
        yield dg.MaterializeResult(asset_key=name, metadata=meta)

    suite_started = time.perf_counter()
    # the Data Docs beside the published set: the next publication copies them in, checked (publish/report.py)
    after = suite_check_results(engine, period, staged_data_docs_dir(place.reports_dir, period), province)
    context.log.info(
        f"warehouse_period timings: frame checks {checked - started:.2f} s, load {loaded - checked:.2f} s, "
        f"Great Expectations suite {time.perf_counter() - suite_started:.2f} s"
    )
    release_free_memory()  # the suite's batches
    yield from after
    _stop_on_failure(period, after, "the period is loaded, the reports are not published")


def _stop_on_failure(period: str, results: list[dg.AssetCheckResult], consequence: str) -> None:
    """Fail the step when a blocking check failed (ERROR): the gate does not rest on Dagster's preview blocking
    of partitioned checks (docs/decisions.md). The message is each failed check's own description."""
    blocking = {(s.asset_key, s.name) for s in TABLE_CHECK_SPECS if s.blocking}
    failed = [
        r
        for r in results
        if not r.passed and r.severity == dg.AssetCheckSeverity.ERROR and (r.asset_key, r.check_name) in blocking
    ]
    if not failed:
        return
    lines = [
        f"{r.check_name} ({r.asset_key.to_user_string()}): {r.description or 'không đạt (failed)'}" for r in failed
    ]
    raise dg.Failure(
        description=f"Kỳ {period}: {GATE_FAILED} ({consequence}) — " + " | ".join(lines),
        metadata={
            "failed_checks": dg.MetadataValue.json([f"{r.asset_key.to_user_string()}:{r.check_name}" for r in failed])
        },
    )
