"""Dagster resources: configured once in ``definitions.py`` from the environment."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from sqlalchemy.engine import Engine

from kttt_pipeline.core import config
from kttt_pipeline.core.deployment import RunPlace, run_place
from kttt_pipeline.orchestration.partitions import split_partition_key


class KtttPaths(dg.ConfigurableResource):
    """Where the raw returns are read from and the reports are written to, and whose they are.

    ``province``: the province code whose packaged unit register and crosswalk are used ('' = ``KTTT_PROVINCE``,
    else the packaged default); an ``admin_units.csv`` in the raw folder overrides it.

    In a national deployment (partitions by province and quarter) ``raw_dir`` and ``reports_dir`` are the roots
    holding one folder per province, and the run's province is its partition key's (:meth:`place`)."""

    raw_dir: str = config.DEFAULT_RAW_DIR
    reports_dir: str = config.DEFAULT_REPORTS_DIR
    province: str = ""

    def province_code(self) -> str | None:
        return self.province.strip() or None

    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    def reports_path(self) -> Path:
        return Path(self.reports_dir)

    def place(self, partition_key: object) -> RunPlace:
        """What the run of ``partition_key`` reads and writes: its period, province and folders (a (province,
        quarter) key: the province's folders under the roots; a quarter: the roots and ``province``)."""
        province, period = split_partition_key(partition_key)
        return run_place(period, province, self.raw_dir, self.reports_dir, self.province.strip())


class Warehouse(dg.ConfigurableResource):
    """The analysts' warehouse (SQLite by default, PostgreSQL in production).

    ``url``: a SQLAlchemy URL; in the deployed definitions ``EnvVar("KTTT_WAREHOUSE_URL")`` (definitions.py), so
    that its password is read when a run starts and never shown in the UI. Show it only through
    :meth:`shown_url` (the password masked)."""

    url: str = config.DEFAULT_WAREHOUSE_URL

    def engine(self) -> Engine:
        from kttt_pipeline.warehouse.engine import make_engine

        config.ensure_sqlite_parent(self.url)
        return make_engine(self.url)

    def shown_url(self) -> str:
        """The URL as it may be printed, logged or stored: its password masked."""
        from kttt_pipeline.core.secrets import masked_url

        return masked_url(self.url)
