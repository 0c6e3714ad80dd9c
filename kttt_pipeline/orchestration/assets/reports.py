"""Stage 4: the published documents, built from the warehouse tables (never from raw files)."""

import json

import dagster as dg

from kttt_pipeline.orchestration.partitions import period_partitions
from kttt_pipeline.orchestration.resources import KtttPaths, Warehouse
from kttt_pipeline.publish.warehouse_reader import TABLES as TABLES_READ

#: metadata entry of the materialization: {document name: path} (orchestration/results.published_documents)
DOCUMENTS = "documents"
#: metadata entry: {earlier period: Vietnamese note} of the comparisons that do not match the warehouse (so_sanh.json)
STALE_COMPARISONS = "stale_comparisons"
#: metadata entry: {indicator group: why its figures could not be derived} (publish/figure_gaps.py); {} when none
INSUFFICIENT = "insufficient_data"


@dg.asset(
    partitions_def=period_partitions,
    group_name="reports",
    kinds={"excel", "markdown", "matplotlib"},
    owners=["team:kttt-data"],
    deps=list(TABLES_READ),  # the warehouse tables the documents read (publish/warehouse_reader.py)
    description="Appendix workbook (Phụ biểu), the Vietnamese figures paragraph of Part One §1.1, charts and "
    "the findings list for the signer, under `KTTT_REPORTS_DIR/YYYY-Qn/` (a national deployment: "
    "`KTTT_REPORTS_DIR/PROVINCE/YYYY-Qn/`).",
)
def published_reports(
    context: dg.AssetExecutionContext, warehouse: Warehouse, paths: KtttPaths
) -> dg.MaterializeResult:
    from kttt_pipeline.publish.report import publish_period
    from kttt_pipeline.warehouse.province import run_province

    # the run's province (its unit register's): a warehouse may hold other provinces' periods
    place = paths.place(context.partition_key)  # the period and the folders of the run's province
    province = run_province(place.raw_dir, place.province_code)
    outputs = publish_period(warehouse.engine(), place.period, place.reports_dir, province, place.raw_dir)
    context.log.info(f"published_reports: {len(outputs)} documents in {place.reports_dir / place.period}")
    metadata: dict = {
        DOCUMENTS: dg.MetadataValue.json({name: str(path) for name, path in outputs.items()}),
        **{name: dg.MetadataValue.path(str(path)) for name, path in outputs.items()},
    }
    if "paragraph_md" in outputs:
        # the figures paragraph as the signer will read it, previewed in the UI
        metadata["paragraph_preview"] = dg.MetadataValue.md(outputs["paragraph_md"].read_text(encoding="utf-8"))
    if "comparisons" in outputs:
        # the earlier periods these documents compare with, and the digest of their figures at publication
        manifest = json.loads(outputs["comparisons"].read_text(encoding="utf-8"))
        metadata["compared_with"] = dg.MetadataValue.json(manifest["compared_with"])
        # comparisons made with an earlier period loaded or replaced since (a concurrent run): marked
        stale = manifest.get("stale") or {}
        metadata[STALE_COMPARISONS] = dg.MetadataValue.json(stale)
        metadata["comparisons_current"] = dg.MetadataValue.bool(not stale)
        for note in stale.values():
            context.log.warning(note)
        # groups of figures derived from nothing (file missing, every row excluded): the text says so instead
        metadata[INSUFFICIENT] = dg.MetadataValue.json(manifest.get("insufficient") or {})
    docs = place.reports_dir / place.period / "data_docs" / "index.html"
    if docs.is_file():
        metadata["data_docs"] = dg.MetadataValue.path(str(docs))
    return dg.MaterializeResult(metadata=metadata)
