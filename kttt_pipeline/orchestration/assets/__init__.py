"""Dagster assets, one module per stage: raw files → staging → reconciled → warehouse tables → reports."""

from kttt_pipeline.orchestration.assets.raw_files import raw_return_files
from kttt_pipeline.orchestration.assets.reconciled import reconciled_period
from kttt_pipeline.orchestration.assets.reports import published_reports
from kttt_pipeline.orchestration.assets.staging import staged_returns
from kttt_pipeline.orchestration.assets.warehouse import WAREHOUSE_TABLES, warehouse_period

ALL_ASSETS = [raw_return_files, staged_returns, reconciled_period, warehouse_period, published_reports]

__all__ = [
    "ALL_ASSETS",
    "WAREHOUSE_TABLES",
    "published_reports",
    "raw_return_files",
    "reconciled_period",
    "staged_returns",
    "warehouse_period",
]
