"""The schema layer: every warehouse table defined once, from data (docs/architecture.md, "The schema layer").

``vocab/tables.csv``, ``vocab/columns.csv``, ``vocab/table_indexes.csv`` and the fields of ``vocab/fields.csv``
make one :class:`~kttt_pipeline.schema.catalog.WarehouseSchema` (:mod:`.catalog`); from it are built the
SQLAlchemy metadata (:mod:`.sql`). It sits above ``core`` and below the stages: it imports only ``core``.
"""

from kttt_pipeline.schema.catalog import WarehouseSchema, load_schema, reload_schema, warehouse_schema

__all__ = ["WarehouseSchema", "load_schema", "reload_schema", "warehouse_schema"]
