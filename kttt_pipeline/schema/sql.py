"""The warehouse's SQLAlchemy metadata, built from the schema (:mod:`kttt_pipeline.schema.catalog`).

The database itself is created and changed only by the Alembic migrations (``warehouse/migrations``); this
metadata is what they must produce: a test compares the migrated database with it
(``alembic.autogenerate.compare_metadata``), and ``alembic revision --autogenerate`` diffs against it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Column as SqlColumn
from sqlalchemy import Index as SqlIndex
from sqlalchemy import Table as SqlTable
from sqlalchemy.types import TypeEngine

from kttt_pipeline.schema.catalog import Column, Table, WarehouseSchema

#: constraint and index names (the migrations use the same convention)
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: the SQLAlchemy type classes by name (their constructors differ: String takes a length, Integer nothing)
_TYPES: dict[str, Any] = {
    "String": String,
    "Text": Text,
    "Integer": Integer,
    "BigInteger": BigInteger,
    "Float": Float,
    "Boolean": Boolean,
    "Date": Date,
    "DateTime": DateTime,
}


def sql_type(column: Column) -> TypeEngine:
    kind = _TYPES[column.base_type]
    return kind(column.length) if column.length else kind()


def _column(table: Table, column: Column) -> SqlColumn:
    args: list = [ForeignKey(column.references)] if column.references else []
    # a lone integer key is a surrogate key the database numbers
    surrogate = column.primary_key and len(table.primary_key) == 1 and column.base_type == "Integer"
    return SqlColumn(
        column.name,
        sql_type(column),
        *args,
        primary_key=column.primary_key,
        nullable=column.nullable,
        autoincrement=True if surrogate else "auto",
        comment=column.description,
        # what the schema knows beyond SQL (the Dagster column schema shows the value set)
        info={k: v for k, v in (("field", column.field), ("values", column.values)) if v is not None},
    )


def add_table(metadata: MetaData, table: Table) -> SqlTable:
    items: list = [_column(table, c) for c in table.columns]
    for ix in table.indexes:
        if ix.unique:
            items.append(UniqueConstraint(*ix.columns, name=ix.name))
        else:
            items.append(SqlIndex(ix.name, *ix.columns))
    return SqlTable(table.name, metadata, *items, comment=table.description)


def build_metadata(schema: WarehouseSchema) -> MetaData:
    """A new MetaData holding every table of ``schema`` (views are the migrations' SQL, not tables here)."""
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    for table in schema.tables.values():
        add_table(metadata, table)
    return metadata
