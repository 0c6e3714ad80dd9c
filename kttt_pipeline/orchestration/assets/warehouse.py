"""Stage 3: the period loaded into the warehouse in one transaction (replacing exactly that period)."""


import dagster as dg

from kttt_pipeline.orchestration.partitions import period_partitions
from kttt_pipeline.reconcile.period import PeriodResult
from kttt_pipeline.orchestration.resources import KtttPaths, Warehouse


@dg.asset(
    partitions_def=period_partitions,
    group_name="warehouse",
    kinds={"sqlite", "postgres", "sql"},
    owners=["team:kttt-data"],
    description="The period's rows in the analysts' warehouse (rpt_indicator, dq_issue, load_audit, "
                "dimensions and facts). Re-materialising replaces exactly this period; later periods already "
                "published whose comparisons read it are listed as stale (metadata stale_reports).",
)
def warehouse_period(context: dg.AssetExecutionContext, reconciled_period: PeriodResult, warehouse: Warehouse,
                     paths: KtttPaths) -> dict:
    from kttt_pipeline.publish.report import stale_reports
    from kttt_pipeline.warehouse.load import load_period

    engine = warehouse.engine()
    counts = load_period(engine, context.partition_key, reconciled_period)
    # later published periods compared with this one are now stale unless re-published (docs/decisions.md)
    stale = stale_reports(engine, paths.reports_path(), changed=context.partition_key)
    for later, periods in stale.items():
        context.log.warning(f"reports of {later} compare with {', '.join(periods)}, changed since they were "
                            f"published: re-materialise published_reports for {later}")
    context.add_output_metadata({
        "warehouse": engine.url.render_as_string(hide_password=True),
        "rows_by_table": dg.MetadataValue.json({k: int(v) for k, v in counts.items()}),
        # one number per table, so the UI can plot them across partitions
        **{f"rows_{k}": dg.MetadataValue.int(int(v)) for k, v in counts.items()},
        "stale_reports": dg.MetadataValue.json(stale),
        "stale_report_periods": dg.MetadataValue.int(len(stale)),
    })
    return {k: int(v) for k, v in counts.items()}
