"""The analysts' warehouse: its SQLAlchemy metadata (spec §8, docs/architecture.md), built by the schema layer.

No column is declared here: every table, column, key, index and comment is data (``vocab/tables.csv``,
``vocab/columns.csv``, ``vocab/table_indexes.csv`` and the fields of ``vocab/fields.csv``), made into tables by
:mod:`kttt_pipeline.schema`. The data dictionary ``docs/warehouse.md`` is generated from the same schema by
:mod:`kttt_pipeline.warehouse.dictionary`.

The schema itself is created and changed only by the Alembic migrations in ``migrations/versions``; this metadata is
the reference a test compares the migrated schema with (``alembic.autogenerate.compare_metadata``) and the target of
``alembic revision --autogenerate``.

Conventions
* Per-period tables carry ``province_code`` and ``period`` (``YYYY-Qn``, figures cumulative from 1 January to the
  quarter's end) and a surrogate integer ``id``: a period belongs to a province, and loading it replaces exactly
  that province's period (the targets: exactly that province's years). One warehouse holds several provinces.
* Money is in triệu đồng (million VND); counts of people/cooperatives are integers.
* ``unit_code`` refers to ``admin_unit`` (the province row's unit_code is the row's ``province_code``, e.g. ``'22'``).
"""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from kttt_pipeline.schema import warehouse_schema
from kttt_pipeline.schema.sql import NAMING_CONVENTION, build_metadata

__all__ = ["ALL_TABLES", "NAMING_CONVENTION", "PERIOD_TABLES", "VIEW_DOCS", "Base"]

_SCHEMA = warehouse_schema()


class Base(DeclarativeBase):
    metadata = build_metadata(_SCHEMA)


#: tables replaced per period, in insert order (the reverse is the delete order)
PERIOD_TABLES: tuple[str, ...] = _SCHEMA.period_tables

#: every table, dimension first
ALL_TABLES: tuple[str, ...] = _SCHEMA.all_tables

#: the views (created by the migrations, SQL frozen there): view → (what it shows, [(column, description)]),
#: checked against the database by the tests and written into the data dictionary
VIEW_DOCS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    name: (view.description, [(c.name, c.description) for c in view.columns]) for name, view in _SCHEMA.views.items()
}
