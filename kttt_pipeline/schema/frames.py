"""The pandera schemas of the staging tables (the extract stage's frames), built from the schema.

A staging column is what its field says (vocab/fields.csv): its type from ``kind``, empty cells unless
``not_null``, and the checks of its value set (:mod:`kttt_pipeline.schema.value_sets`). They back the Dagster
asset checks ``staging_schema``. The row rules of spec §7.6 are not the shape of a frame: they are reconcile's.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa

from kttt_pipeline.schema.catalog import Column, Table, WarehouseSchema, warehouse_schema


def _float_or_empty(s: pd.Series) -> bool:
    """A figure's column is float; a column no return of the period filled holds only None."""
    return bool(pd.api.types.is_float_dtype(s) or s.isna().all())


def value_checks(column: Column) -> list[pa.Check]:
    """The pandera checks of a column's value set (none without one; empty cells pass)."""
    vs = column.values
    if vs is None:
        return []
    if vs.vocabulary:
        return [pa.Check.isin(vs.codes())]
    if vs.pattern is not None:
        return [pa.Check.str_matches(vs.pattern)]
    return [pa.Check.ge(vs.min_value)]


def _column(column: Column) -> pa.Column:
    f = column.field
    assert f is not None, column.name  # frame_schema passes only the columns that are fields
    checks = value_checks(column)
    kw: dict[str, Any] = {"nullable": not f.not_null, "required": False, "coerce": False}
    if f.kind in ("count", "money", "number"):
        if f.not_null:
            return pa.Column(float, checks=checks, **kw)
        return pa.Column(None, checks=[pa.Check(_float_or_empty, name="float_or_empty"), *checks], **kw)
    if f.kind == "integer":
        return pa.Column("int64", checks=checks, **kw)
    if f.kind in ("flag", "mark"):
        return pa.Column(bool, checks=checks, **kw)
    if f.kind in ("text", "code") and f.not_null:
        return pa.Column(str, checks=checks, **kw)
    if f.kind in ("text", "code"):
        return pa.Column(object, checks=checks, **kw)
    return pa.Column(None, checks=checks, **kw)  # dates, cells: presence only


def frame_schema(table: Table) -> pa.DataFrameSchema:
    """The pandera schema of a table's frame: its columns that are fields (the surrogate ``id`` and the province,
    stamped by the loader, are not in the frame)."""
    return pa.DataFrameSchema({c.name: _column(c) for c in table.columns if c.field is not None}, strict=False)


def build_staging_schemas(schema: WarehouseSchema) -> dict[str, pa.DataFrameSchema]:
    return {name: frame_schema(schema.table(name)) for name in schema.layer("staging")}


def staging_schemas() -> dict[str, pa.DataFrameSchema]:
    """The staging tables' pandera schemas (table → schema), of the warehouse's schema (built at each call: a
    reloaded schema gives new ones)."""
    return build_staging_schemas(warehouse_schema())
