"""The one Dagster ``Definitions`` of kttt: assets (one per warehouse table), their checks, the period job, the
schedule and the sensor, with the resources configured once.

``defs`` is what the UI loads (workspace.yaml); ``kttt materialize`` and the tests run the same
``kttt_period_job`` through :func:`period_job`, with their own resources. With ``KTTT_PROVINCES`` set (a national
deployment, core/deployment.py) the assets are partitioned by province and quarter (partitions.py).
"""

from __future__ import annotations

import os

import dagster as dg

from kttt_pipeline.core import config
from kttt_pipeline.orchestration.assets import ALL_ASSETS
from kttt_pipeline.orchestration.automation import build_schedule, build_sensor
from kttt_pipeline.orchestration.national_job import build_national_job
from kttt_pipeline.orchestration.partitions import (
    PERIOD_DIM,
    deployment_partitions_def,
    partition_provinces,
    period_partitions,
    period_partitions_def,
    province_quarter_partitions_def,
)
from kttt_pipeline.orchestration.resources import KtttPaths, Warehouse

JOB_NAME = "kttt_period_job"

period_job_def = dg.define_asset_job(
    JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Raw returns → staging → reconciled → warehouse tables (checked, one transaction) → reports for "
    "one quarter.",
)


def make_resources(
    raw_dir: str | None = None,
    warehouse_url: str | None = None,
    reports_dir: str | None = None,
    province: str | None = None,
) -> dict:
    return {
        "paths": KtttPaths(
            raw_dir=raw_dir or config.raw_dir(),
            reports_dir=reports_dir or config.reports_dir(),
            province=province or config.province() or "",
        ),
        "warehouse": Warehouse(url=warehouse_url or warehouse_url_config()),
    }


def warehouse_url_config() -> str:
    """The warehouse URL as the resource is configured with it when none is given: ``EnvVar`` of
    ``KTTT_WAREHOUSE_URL`` when the variable is set (read when a run starts; the UI shows the variable's name,
    never its value, which may carry a password), else the default SQLite file."""
    if os.environ.get(config.WAREHOUSE_URL_ENV):
        return dg.EnvVar(config.WAREHOUSE_URL_ENV)
    return config.DEFAULT_WAREHOUSE_URL


def build_definitions(resources: dict, partitions_def: dg.PartitionsDefinition | None = None) -> dg.Definitions:
    """The project's definitions bound to ``resources`` (:func:`make_resources`, maybe an ``io_manager``), the
    assets partitioned by ``partitions_def`` (default: the quarters of ``KTTT_FIRST_PERIOD`` and ``KTTT_RAW_DIR``,
    partitions.py; the UI's ``defs``: the deployment's, by province and quarter with ``KTTT_PROVINCES``)."""
    assets = ALL_ASSETS
    if partitions_def is None or partitions_def.get_partition_keys() == period_partitions.get_partition_keys():
        partitions_def = period_partitions
    else:
        parts = partitions_def
        assets = [a.map_asset_specs(lambda spec: spec.replace_attributes(partitions_def=parts)) for a in ALL_ASSETS]
    jobs: list = [period_job_def]
    provinces = partition_provinces(partitions_def)
    if provinces and len(provinces) > 1:  # a national deployment: a quarter of every province in one run
        assert isinstance(partitions_def, dg.MultiPartitionsDefinition)
        quarters = partitions_def.get_partitions_def_for_dimension(PERIOD_DIM)
        jobs.append(build_national_job(provinces, quarters, _national_period_job))
    return dg.Definitions(
        assets=assets,
        jobs=jobs,
        schedules=[build_schedule(period_job_def, partitions_def)],
        sensors=[build_sensor(period_job_def, partitions_def)],
        resources=resources,
    )


def period_job(resources: dict | None = None, provinces: list[str] | None = None) -> dg.JobDefinition:
    """``kttt_period_job`` resolved with ``resources`` (default: from the environment, as the UI has it), its
    partitions those of the resources' raw folder (so ``kttt materialize --raw-dir`` can run any quarter that
    folder holds); with ``provinces``, (province, quarter) partitions over the provinces' folders under it (the
    national layout: one job runs every province's quarters)."""
    resources = make_resources() if resources is None else resources
    paths = resources.get("paths")
    raw_dir = paths.raw_dir if isinstance(paths, KtttPaths) else None
    if provinces:
        partitions: dg.PartitionsDefinition | None = province_quarter_partitions_def(provinces, raw_dir)
    else:
        partitions = period_partitions_def(raw_dir) if raw_dir is not None else None
    return build_definitions(resources, partitions).resolve_job_def(JOB_NAME)


def _national_period_job(raw_dir: str, warehouse_url: str, reports_dir: str, provinces: list[str]) -> dg.JobDefinition:
    """The period job a national run runs each province's key of, its step outputs in memory (national_job.py).
    The warehouse URL the deployment reads from ``KTTT_WAREHOUSE_URL`` stays that variable in the job (the URL,
    which may carry a password, would otherwise be stored with each province's run)."""
    if os.environ.get(config.WAREHOUSE_URL_ENV) == warehouse_url:
        warehouse_url = warehouse_url_config()
    resources = {**make_resources(raw_dir, warehouse_url, reports_dir), "io_manager": dg.mem_io_manager}
    return period_job(resources, provinces)


defs = build_definitions(make_resources(), deployment_partitions_def())
