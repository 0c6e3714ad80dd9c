"""Stage 0: the files that arrived for the period (an inventory; the files themselves are never modified)."""

import dagster as dg
import pandas as pd

from kttt_pipeline.ingest.raw_inventory import inventory
from kttt_pipeline.orchestration.partitions import period_partitions
from kttt_pipeline.orchestration.resources import KtttPaths


@dg.asset(
    partitions_def=period_partitions,
    group_name="raw_files",
    kinds={"excel", "python"},
    owners=["team:kttt-data"],
    description="Inventory of the returns that arrived for the period under `KTTT_RAW_DIR/YYYY-Qn/` "
    "(a national deployment: `KTTT_RAW_DIR/PROVINCE/YYYY-Qn/`) "
    "(unit returns, tax register, province workbook) and the year's targets, with sha256.",
)
def raw_return_files(context: dg.AssetExecutionContext, paths: KtttPaths) -> pd.DataFrame:
    place = paths.place(context.partition_key)  # the period and the folder of the run's province
    files = inventory(place.raw_dir, place.period)
    kinds = files["file_kind"].value_counts().to_dict() if len(files) else {}
    context.log.info(
        f"raw_return_files: {len(files)} files for {context.partition_key} in "
        f"{place.raw_dir / place.period} ({', '.join(f'{k}: {n}' for k, n in kinds.items()) or 'none'})"
    )
    context.add_output_metadata(
        {
            "files": len(files),
            "by_kind": dg.MetadataValue.json(files["file_kind"].value_counts().to_dict() if len(files) else {}),
            "raw_dir": str(place.raw_dir / place.period),
        }
    )
    return files
