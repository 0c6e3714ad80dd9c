"""The one Dagster ``Definitions`` of kttt: assets, checks, jobs and resources configured once."""

from __future__ import annotations

import dagster as dg

from kttt_pipeline.core import config
from kttt_pipeline.orchestration.assets import ALL_ASSETS
from kttt_pipeline.orchestration.automation import build_schedule, build_sensor
from kttt_pipeline.orchestration.checks import ALL_CHECKS
from kttt_pipeline.orchestration.resources import KtttPaths, Warehouse

period_job = dg.define_asset_job(
    "kttt_period_job",
    selection=dg.AssetSelection.all(),
    description="Raw returns → staging → reconciled → warehouse → reports for one quarter.",
)


def make_resources(raw_dir: str | None = None, warehouse_url: str | None = None, reports_dir: str | None = None,
                   province: str | None = None) -> dict:
    return {
        "paths": KtttPaths(raw_dir=raw_dir or config.raw_dir(), reports_dir=reports_dir or config.reports_dir(),
                           province=province or config.province() or ""),
        "warehouse": Warehouse(url=warehouse_url or config.warehouse_url()),
    }


defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    jobs=[period_job],
    schedules=[build_schedule(period_job)],
    sensors=[build_sensor(period_job)],
    resources=make_resources(),
)
