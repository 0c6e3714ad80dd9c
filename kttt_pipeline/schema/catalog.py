"""The warehouse's tables and views as data: ``vocab/tables.csv``, ``vocab/columns.csv``, ``vocab/table_indexes.csv``
and the fields of ``vocab/fields.csv`` stored in each table, resolved into one :class:`WarehouseSchema`.

A column of a table is what its row of ``columns.csv`` says, and what that row leaves blank comes from:

* its type, nullability, key and reference: the shared column of the same name (``columns.csv`` rows whose table
  is ``*``: the surrogate ``id``, ``province_code``, ``period``, ``unit_code``, ``source_file``, ``sheet``,
  ``row_number``: one meaning in every table), else the field's ``kind`` (a count is an INTEGER …);
* its description and its value set (``values``, :mod:`kttt_pipeline.schema.value_sets`): the field's, else the
  shared column's.

A table's columns are its rows of ``columns.csv`` in order, then the fields ``fields.csv`` stores in it that those
rows do not name, in the order of ``fields.csv``: adding a field to a table is one row of ``fields.csv``.
Everything built from the schema (the SQLAlchemy metadata, the pandera schemas, the Dagster column schemas, the
Great Expectations expectations, the data dictionary) reads this object, never the CSVs.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kttt_pipeline.core import fields as field_vocab
from kttt_pipeline.core.fields import Field
from kttt_pipeline.schema.value_sets import ValueSet, parse_value_set

#: the column types of columns.csv (SQLAlchemy's names; ``String(n)`` gives a length)
SQL_TYPES = ("String", "Text", "Integer", "BigInteger", "Float", "Boolean", "Date", "DateTime")
#: the warehouse type of a field by its kind (vocab/fields.csv)
KIND_TYPES: dict[str, str] = {
    "count": "Integer",
    "money": "Float",
    "number": "Float",
    "integer": "Integer",
    "date": "Date",
    "text": "Text",
    "code": "String",
    "mark": "Boolean",
    "flag": "Boolean",
}
#: what the rows of tables.csv describe; when a table's rows are replaced by a load
TABLE_KINDS = ("table", "view")
#: what a table holds: the units, the files seen, the rows as read, the reconciled entities, the published
#: figures, the plan (``staging`` tables are the extract stage's frames and have a pandera schema)
LAYERS = ("dimension", "audit", "staging", "entity", "published", "plan", "view")
REPLACED_PER = ("", "period", "year")
#: the table name of the shared columns in columns.csv
SHARED = "*"


@dataclass(frozen=True)
class Column:
    """One column of a warehouse table (or view: only ``name`` and ``description`` are meaningful)."""

    name: str
    type: str
    nullable: bool
    primary_key: bool
    references: str | None
    description: str
    field: Field | None = None
    values: ValueSet | None = None

    @property
    def length(self) -> int | None:
        """The length of a ``String(n)`` column."""
        if self.type.startswith("String(") and self.type.endswith(")"):
            return int(self.type[len("String(") : -1])
        return None

    @property
    def base_type(self) -> str:
        return self.type.split("(", 1)[0]


@dataclass(frozen=True)
class Index:
    """An index or unique constraint; ``name`` only where the naming convention's would be too long."""

    columns: tuple[str, ...]
    unique: bool
    name: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    kind: str
    layer: str
    replaced_per: str
    description: str
    columns: tuple[Column, ...]
    indexes: tuple[Index, ...] = ()

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name}.{name} is not a column")

    @property
    def primary_key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.primary_key)


@dataclass(frozen=True)
class WarehouseSchema:
    """Every table and view of the warehouse, in the order of tables.csv (dimension first, then the tables a period
    load replaces in insert order)."""

    tables: dict[str, Table]
    views: dict[str, Table]
    fields: tuple[Field, ...]

    @property
    def all_tables(self) -> tuple[str, ...]:
        return tuple(self.tables)

    def layer(self, layer: str) -> tuple[str, ...]:
        """The tables of one layer (``staging``: the stg_* tables), in order."""
        return tuple(n for n, t in self.tables.items() if t.layer == layer)

    @property
    def period_tables(self) -> tuple[str, ...]:
        """The tables a period load replaces, in insert order (the reverse is the delete order)."""
        return tuple(n for n, t in self.tables.items() if t.replaced_per == "period")

    def table(self, name: str) -> Table:
        return self.tables[name]


# ------------------------------------------------------------------------------------------------ reading


def _read(name: str) -> list[dict[str, str]]:
    with resources.files("kttt_pipeline.vocab").joinpath(name).open(encoding="utf-8-sig") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _yes_no(value: str, where: str) -> bool | None:
    """``yes`` / ``no``; blank: inherited (None)."""
    if value not in ("", "yes", "no"):
        raise ValueError(f"{where}: expected 'yes', 'no' or empty, got {value!r}")
    return None if value == "" else value == "yes"


def _check_type(value: str, where: str) -> str:
    base = value.split("(", 1)[0]
    if value and (base not in SQL_TYPES or (value != base and not (base == "String" and value[7:-1].isdigit()))):
        raise ValueError(f"{where}: unknown type {value!r} (one of {', '.join(SQL_TYPES)}, or String(n))")
    return value


def _resolve(table: str, name: str, row: dict[str, str] | None, shared: dict[str, str] | None, f: Field | None):
    where = f"columns.csv {table}.{name}"
    row, shared_row = row or {}, shared or {}

    def first(key: str) -> str:
        return row.get(key) or shared_row.get(key) or ""

    type_ = _check_type(first("type"), where) or (KIND_TYPES.get(f.kind, "") if f else "")
    if not type_:
        raise ValueError(f"{where}: no type (give one, or store a field of a kind that has one)")
    nullable = _yes_no(row.get("nullable", ""), where)
    if nullable is None:
        nullable = _yes_no(shared_row.get("nullable", ""), where)
    primary_key = bool(_yes_no(first("primary_key"), where))
    references = first("references") or None
    if references == f"{table}.{name}":  # the key others refer to does not refer to itself
        references = None
    description = row.get("description") or (f.description if f else "") or shared_row.get("description", "")
    if not description:
        raise ValueError(f"{where}: no description (in columns.csv or the field's description in fields.csv)")
    values = row.get("values") or (f.values if f else "") or shared_row.get("values", "")
    return Column(
        name,
        type_,
        nullable=(not primary_key) if nullable is None else nullable and not primary_key,
        primary_key=primary_key,
        references=references,
        description=description,
        field=f,
        values=parse_value_set(values, f.record_type if f else None, where),
    )


def build_schema(
    table_rows: Iterable[dict[str, str]],
    column_rows: Iterable[dict[str, str]],
    index_rows: Iterable[dict[str, str]],
    fields: Iterable[Field],
) -> WarehouseSchema:
    """The schema from the rows of the three CSVs and the fields (a malformed row raises ValueError naming it)."""
    fields = tuple(fields)
    shared: dict[str, dict[str, str]] = {}
    by_table: dict[str, list[dict[str, str]]] = {}
    for row in column_rows:
        if row["table"] == SHARED:
            shared[row["column"]] = row
        else:
            by_table.setdefault(row["table"], []).append(row)
    indexes: dict[str, list[Index]] = {}
    for row in index_rows:
        unique = bool(_yes_no(row.get("unique", ""), f"table_indexes.csv {row['table']}"))
        indexes.setdefault(row["table"], []).append(
            Index(tuple(row["columns"].split()), unique, row.get("name") or None)
        )

    tables: dict[str, Table] = {}
    views: dict[str, Table] = {}
    for trow in table_rows:
        name, kind, layer = trow["table"], trow.get("kind") or "table", trow.get("layer", "")
        if kind not in TABLE_KINDS or layer not in LAYERS or trow.get("replaced_per", "") not in REPLACED_PER:
            raise ValueError(
                f"tables.csv {name}: kind one of {TABLE_KINDS}, layer one of {LAYERS}, "
                f"replaced_per one of {REPLACED_PER}"
            )
        if name in tables or name in views:
            raise ValueError(f"tables.csv: {name} is listed twice")
        rows = by_table.pop(name, [])
        if kind == "view":
            view_cols = tuple(Column(r["column"], "", True, False, None, r.get("description", "")) for r in rows)
            views[name] = Table(name, kind, layer, "", trow["description"], view_cols)
            continue
        stored = {f.field: f for f in fields if name in f.stored_in}
        listed = [r["column"] for r in rows]
        if len(set(listed)) != len(listed):
            raise ValueError(f"columns.csv: a column of {name} is listed twice")
        cols = [_resolve(name, r["column"], r, shared.get(r["column"]), stored.get(r["column"])) for r in rows]
        cols += [_resolve(name, n, None, shared.get(n), f) for n, f in stored.items() if n not in listed]
        known = {c.name for c in cols}
        for ix in indexes.get(name, []):
            if not set(ix.columns) <= known:
                raise ValueError(f"table_indexes.csv: {name} ({' '.join(ix.columns)}) names a column it does not have")
        tables[name] = Table(
            name,
            kind,
            layer,
            trow.get("replaced_per", ""),
            trow["description"],
            tuple(cols),
            tuple(indexes.pop(name, [])),
        )
    unknown = set(by_table) | set(indexes) | {t for f in fields for t in f.stored_in if t not in tables}
    if unknown:
        raise ValueError(f"not a table of tables.csv: {', '.join(sorted(unknown))}")
    return WarehouseSchema(tables, views, fields)


def load_schema(fields: Iterable[Field] | None = None) -> WarehouseSchema:
    """The packaged tables, columns and indexes with ``fields`` (default: :func:`core.fields.all_fields`, which
    honours ``KTTT_FIELDS_CSV``)."""
    return build_schema(
        _read("tables.csv"),
        _read("columns.csv"),
        _read("table_indexes.csv"),
        field_vocab.all_fields() if fields is None else fields,
    )


@lru_cache(maxsize=1)
def warehouse_schema() -> WarehouseSchema:
    """The warehouse's schema, read once (:func:`reload_schema` forgets it with the fields)."""
    return load_schema()


def reload_schema() -> None:
    field_vocab.reload_fields()
    warehouse_schema.cache_clear()
