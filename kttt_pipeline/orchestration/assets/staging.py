"""Stage 1: every workbook read once into typed staging rows; unreadable files rejected (recorded)."""

import dagster as dg

from kttt_pipeline.ingest.period import REJECTED_STATUSES, StagedPeriod, extract_period
from kttt_pipeline.orchestration.headline import frame_markdown
from kttt_pipeline.orchestration.memory import compact, release_free_memory
from kttt_pipeline.orchestration.partitions import period_partitions
from kttt_pipeline.orchestration.resources import KtttPaths

#: what the staged period holds of the period's rows (the rest is small)
STAGED_OUTPUT = ("stg_cooperative", "stg_group", "stg_tax_register", "total_rows", "findings")


@dg.asset(
    partitions_def=period_partitions,
    group_name="staging",
    kinds={"pandas", "pandera"},
    owners=["team:kttt-data"],
    deps=["raw_return_files"],
    description="Staging rows read from the period's returns: cooperatives, groups, tax register, summary "
    "figures, unions, credit funds, targets; plus the load audit of every file seen.",
)
def staged_returns(context: dg.AssetExecutionContext, paths: KtttPaths) -> StagedPeriod:
    place = paths.place(context.partition_key)  # the period and the folder of the run's province
    staged = extract_period(place.raw_dir, place.period, province=place.province_code)
    release_free_memory()  # the files' row records, now staged frames
    compact(staged, STAGED_OUTPUT)  # the staged rows in few pages, for the rest of the run (orchestration/memory.py)
    audit = staged.load_audit
    context.log.info(
        f"staged_returns: {len(audit)} files seen, {int(audit['status'].isin(REJECTED_STATUSES).sum())} rejected, "
        f"{int((audit['status'] == 'SUPERSEDED').sum())} superseded; {int(audit['rows_read'].sum())} rows read "
        f"({len(staged.stg_cooperative)} cooperative rows)"
    )
    context.add_output_metadata(
        {
            "files_seen": len(audit),
            "files_rejected": int(audit["status"].isin(REJECTED_STATUSES).sum()),
            "files_superseded": int((audit["status"] == "SUPERSEDED").sum()),
            "rows_read": int(audit["rows_read"].sum()),
            "cooperative_rows": len(staged.stg_cooperative),
            "group_rows": len(staged.stg_group),
            "tax_register_rows": len(staged.stg_tax_register),
            # the files with a problem first: the table is cut at 50 rows in a national run
            "load_audit": dg.MetadataValue.md(
                frame_markdown(
                    audit.assign(_ok=audit["status"] == "LOADED").sort_values(["_ok", "source_file"], kind="stable")[
                        ["source_file", "unit_code", "status", "rows_read", "error"]
                    ]
                )
            ),
        }
    )
    return staged
