"""Stage 3: the period loaded into the warehouse in one transaction (replacing exactly that period)."""


import dagster as dg

from ..partitions import period_partitions
from ..pipeline import PeriodResult
from ..resources import Warehouse


@dg.asset(
    partitions_def=period_partitions,
    group_name="warehouse",
    kinds={"sqlite", "postgres", "sql"},
    owners=["team:kttt-data"],
    description="The period's rows in the analysts' warehouse (rpt_indicator, dq_issue, load_audit, "
                "dimensions and facts). Re-materialising replaces exactly this period.",
)
def warehouse_period(context: dg.AssetExecutionContext, reconciled_period: PeriodResult, warehouse: Warehouse) -> dict:
    from ..warehouse.load import load_period

    engine = warehouse.engine()
    counts = load_period(engine, context.partition_key, reconciled_period)
    context.add_output_metadata({
        "warehouse": engine.url.render_as_string(hide_password=True),
        "rows_by_table": dg.MetadataValue.json({k: int(v) for k, v in counts.items()}),
        # one number per table, so the UI can plot them across partitions
        **{f"rows_{k}": dg.MetadataValue.int(int(v)) for k, v in counts.items()},
    })
    return {k: int(v) for k, v in counts.items()}
