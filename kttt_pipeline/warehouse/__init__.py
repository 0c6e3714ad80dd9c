"""The analysts' SQL warehouse: SQLAlchemy 2 models, Alembic migrations, and the one-transaction period load.

* :func:`make_engine` — SQLite (default ``sqlite:///warehouse/kttt.db``) or PostgreSQL (``postgresql+psycopg://…``)
* :func:`upgrade` — create or upgrade the schema to the newest migration (called by every load)
* :func:`load_period` — replace one province's period (its ``province_code``, ``period`` rows) in one transaction
* :class:`WarehouseUnavailable` — the database stayed locked or unreachable after retries
* docs/warehouse.md — the data dictionary, written by :mod:`kttt_pipeline.warehouse.dictionary`
"""

from kttt_pipeline.warehouse.engine import WarehouseUnavailable, check_connection, make_engine
from kttt_pipeline.warehouse.load import FrameMismatch, delete_period, load_period, period_row_counts
from kttt_pipeline.warehouse.migrate import current_revision, head_revision, upgrade

__all__ = [
    "FrameMismatch",
    "WarehouseUnavailable",
    "check_connection",
    "current_revision",
    "delete_period",
    "head_revision",
    "load_period",
    "make_engine",
    "period_row_counts",
    "upgrade",
]
