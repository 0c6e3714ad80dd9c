"""Stage 2: the written rules of §7 applied; indicators and findings computed once."""

import dagster as dg

from kttt_pipeline.core.admin_units import province_of
from kttt_pipeline.ingest.period import StagedPeriod
from kttt_pipeline.orchestration.headline import frame_markdown, headline_markdown
from kttt_pipeline.orchestration.memory import compact, release_free_memory
from kttt_pipeline.orchestration.partitions import period_partitions
from kttt_pipeline.orchestration.resources import Warehouse
from kttt_pipeline.reconcile.period import PeriodResult, reconcile_period, reporting_level


@dg.asset(
    partitions_def=period_partitions,
    group_name="reconciled",
    kinds={"pandas"},
    owners=["team:kttt-data"],
    description="Reconciled cooperatives, groups, unions and credit funds; rpt_indicator for the province and "
    "every reporting unit; rpt_indicator_restated on the units in force since the 2025 reform (§11.1); "
    "dq_issue findings; quarantine; period completeness.",
)
def reconciled_period(
    context: dg.AssetExecutionContext, staged_returns: StagedPeriod, warehouse: Warehouse
) -> PeriodResult:
    if not staged_returns.winners:
        reasons = "; ".join(
            f"{r.source_file}: {r.error}" for r in staged_returns.load_audit.itertuples() if r.error
        ) or ("không có tệp nào trong thư mục districts/, communes/ hoặc units/ (no returns of the reporting units)")
        raise dg.Failure(
            description=f"Kỳ {staged_returns.period.key}: không có báo cáo nào của đơn vị đọc được — nothing to "
            f"publish ({reasons})",
            metadata={
                "files": dg.MetadataValue.md(
                    frame_markdown(staged_returns.load_audit[["source_file", "status", "error"]])
                )
            },
        )
    from kttt_pipeline.warehouse.history import compared_previous_quarter

    # the previous quarter as the warehouse holds it (COOP_VANISHED, PERIOD_JUMP); none on a first load. What was
    # compared goes with the result: the load compares again if that quarter was loaded or replaced since
    history, compared = compared_previous_quarter(
        warehouse.engine(),
        staged_returns.period,
        reporting_level(staged_returns),
        province_of(staged_returns.units).unit_code,
    )
    result = reconcile_period(staged_returns, history)
    result.compared_with = compared
    staged_returns.release_rows()  # an in-process run keeps every step's output: not the staged rows twice
    release_free_memory()
    compact(result, list(result.frames()))  # in few pages, for the rest of the run (orchestration/memory.py)
    kinds = result.dq_issue["kind"].value_counts().to_dict()
    context.log.info(
        f"reconciled_period: {len(result.cooperative)} cooperatives, {len(result.dq_issue)} findings, "
        f"{len(result.quarantine)} rows quarantined; compared with "
        f"{history.period.key if history is not None else 'no earlier quarter'}"
    )
    context.add_output_metadata(
        {
            "cooperatives": len(result.cooperative),
            "quarantined_rows": len(result.quarantine),
            "findings": len(result.dq_issue),
            "findings_by_kind": dg.MetadataValue.json({k: int(v) for k, v in kinds.items()}),
            "complete": bool(result.period_status["is_complete"].iloc[0]),
            "compared_with": history.period.key if history is not None else "—",
            # §11.1: the period's figures on the units in force since the reform (rpt_indicator_restated)
            "restated_rows": len(result.rpt_indicator_restated),
            "restated_unplaced": int((result.dq_issue["kind"] == "COMMUNE_UNPLACED").sum()),
            "headline": dg.MetadataValue.md(headline_markdown(result)),
        }
    )
    return result
