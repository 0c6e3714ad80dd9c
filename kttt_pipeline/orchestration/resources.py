"""Dagster resources: configured once in ``definitions.py`` from the environment."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from sqlalchemy.engine import Engine

from kttt_pipeline.core import config


class KtttPaths(dg.ConfigurableResource):
    """Where the raw returns are read from and the reports are written to, and whose they are.

    ``province``: the province code whose packaged unit register and crosswalk are used ('' = ``KTTT_PROVINCE``,
    else the packaged default); an ``admin_units.csv`` in the raw folder overrides it."""

    raw_dir: str = config.DEFAULT_RAW_DIR
    reports_dir: str = config.DEFAULT_REPORTS_DIR
    province: str = ""

    def province_code(self) -> str | None:
        return self.province.strip() or None

    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    def reports_path(self) -> Path:
        return Path(self.reports_dir)


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
