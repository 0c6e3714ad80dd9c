"""The schema layer against the database: the Alembic migrations produce exactly the tables the schema layer
defines (kttt_pipeline/schema), on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from kttt_pipeline.schema import load_schema
from kttt_pipeline.schema.sql import build_metadata
from kttt_pipeline.warehouse.engine import make_engine
from kttt_pipeline.warehouse.migrate import head_revision, upgrade


def test_the_migrated_database_is_the_schema_layer(warehouse_url):
    """``alembic upgrade head`` on an empty database, then the autogenerate comparison (what ``alembic revision
    --autogenerate`` runs) finds no difference with the metadata built from the schema's data: tables, columns,
    types, nullability, keys, indexes, unique constraints and comments; and the views have the schema's columns."""
    schema = load_schema()
    metadata = build_metadata(schema)
    engine = make_engine(warehouse_url)
    try:
        assert upgrade(engine) == head_revision()
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
            assert compare_metadata(context, metadata) == []
            insp = inspect(conn)
            assert set(insp.get_table_names()) == set(schema.tables) | {"alembic_version"}
            assert set(insp.get_view_names()) == set(schema.views)
            for name, view in schema.views.items():
                keys = list(conn.execute(text(f"SELECT * FROM {name} WHERE 1 = 0")).keys())  # noqa: S608 - names
                assert keys == [c.name for c in view.columns], name
            for name, table in schema.tables.items():  # (the order of columns added by a later migration differs)
                assert {c["name"] for c in insp.get_columns(name)} == {c.name for c in table.columns}, name
    finally:
        engine.dispose()
