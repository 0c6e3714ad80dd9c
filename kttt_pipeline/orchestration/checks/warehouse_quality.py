"""The Great Expectations suite on the period's warehouse rows, as a blocking check before publishing."""

import dagster as dg

from kttt_pipeline.orchestration.partitions import period_partitions
from kttt_pipeline.quality.warehouse_suite import failures_text_vi, run_warehouse_suite
from kttt_pipeline.orchestration.resources import KtttPaths, Warehouse


@dg.asset_check(asset="warehouse_period", partitions_def=period_partitions, blocking=True,
                description="Great Expectations suite on rpt_indicator, dq_issue, load_audit and cooperative for the "
                            "period; Data Docs under the reports folder. A failure stops the reports.")
def warehouse_expectations(context: dg.AssetCheckExecutionContext, warehouse: Warehouse, paths: KtttPaths) -> dg.AssetCheckResult:
    period = context.partition_key
    docs = paths.reports_path() / period / "data_docs"
    result = run_warehouse_suite(warehouse.engine(), period, docs)
    return dg.AssetCheckResult(
        passed=result.success, description=failures_text_vi(result.failures) if result.failures else None,
        metadata={
            "expectations_evaluated": result.evaluated,
            "failures": dg.MetadataValue.json(result.failures),
            "data_docs": dg.MetadataValue.path(str(result.docs_index)) if result.docs_index else "",
        },
    )
