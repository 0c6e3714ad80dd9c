"""Stage 4: the published documents, built from the warehouse (never from raw files)."""


import dagster as dg

from ..partitions import period_partitions
from ..resources import KtttPaths, Warehouse


@dg.asset(
    partitions_def=period_partitions,
    group_name="reports",
    kinds={"excel", "markdown", "matplotlib"},
    owners=["team:kttt-data"],
    deps=["warehouse_period"],
    description="Appendix workbook (Phụ biểu), the Vietnamese figures paragraph of Part One §1.1, charts and "
                "the findings list for the signer, under KTTT_REPORTS_DIR/<period>/.",
)
def published_reports(context: dg.AssetExecutionContext, warehouse: Warehouse, paths: KtttPaths) -> dict:
    from ..publish.report import publish_period

    outputs = publish_period(warehouse.engine(), context.partition_key, paths.reports_path())
    paths_str = {k: str(v) for k, v in outputs.items()}
    context.add_output_metadata({k: dg.MetadataValue.path(v) for k, v in paths_str.items()})
    return paths_str
