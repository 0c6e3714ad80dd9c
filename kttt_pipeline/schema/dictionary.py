"""The data-dictionary entry of each warehouse table and view (docs/warehouse.md), from the schema.

An entry is the table's description, its keys and indexes, and one line per column (type, key, null, description)
of the SQLAlchemy table the schema builds (:mod:`kttt_pipeline.schema.sql`): what the migrations must create is
what the dictionary says. The page around the entries is :mod:`kttt_pipeline.warehouse.dictionary`'s.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKeyConstraint, Integer, Text, UniqueConstraint
from sqlalchemy import Column as SqlColumn
from sqlalchemy import Table as SqlTable

from kttt_pipeline.schema.catalog import Table


def type_name(col: SqlColumn) -> str:
    """The column's type as the dictionary writes it (SQL words an analyst knows)."""
    t = col.type
    if isinstance(t, Boolean):
        return "boolean"
    if isinstance(t, DateTime):
        return "timestamp"
    if isinstance(t, Date):
        return "date"
    if isinstance(t, Integer):
        return "integer"
    if isinstance(t, Float):
        return "float"
    if isinstance(t, Text):
        return "text"
    length = getattr(t, "length", None)
    return f"varchar({length})" if length else "varchar"


def _key_notes(col: SqlColumn) -> str:
    notes = []
    if col.primary_key:
        notes.append("PK")
    for fk in col.foreign_keys:
        notes.append(f"→ {fk.target_fullname}")
    notes.append("null" if col.nullable else "not null")
    return ", ".join(notes)


def constraints(table: SqlTable) -> list[str]:
    """The unique constraints, indexes and foreign keys of a table, in words."""
    out = []
    for c in sorted(table.constraints, key=lambda c: str(c.name)):
        if isinstance(c, UniqueConstraint):
            out.append(f"unique ({', '.join(col.name for col in c.columns)})")
    for ix in sorted(table.indexes, key=lambda i: str(i.name)):
        out.append(f"index ({', '.join(col.name for col in ix.columns)})")
    fks = [c for c in table.constraints if isinstance(c, ForeignKeyConstraint)]
    if fks:
        out.append(
            "foreign keys: "
            + "; ".join(f"{', '.join(c.column_keys)} → {c.elements[0].target_fullname.rsplit('.', 1)[0]}" for c in fks)
        )
    return out


def cell(text: str | None) -> str:
    """Text inside a Markdown table cell."""
    return (text or "").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def table_entry(table: SqlTable) -> list[str]:
    """The dictionary's section of one table (Markdown lines)."""
    lines = [f"### {table.name}", "", cell(table.comment), ""]
    cons = constraints(table)
    if cons:
        lines += ["Keys and indexes: " + "; ".join(cons) + ".", ""]
    lines += ["| column | type | keys / null | description |", "|---|---|---|---|"]
    for col in table.columns:
        lines.append(f"| `{col.name}` | {type_name(col)} | {_key_notes(col)} | {cell(col.comment)} |")
    lines.append("")
    return lines


def view_entry(view: Table) -> list[str]:
    """The dictionary's section of one view (Markdown lines)."""
    lines = [f"### {view.name}", "", cell(view.description), "", "| column | description |", "|---|---|"]
    lines += [f"| `{c.name}` | {cell(c.description)} |" for c in view.columns]
    lines.append("")
    return lines
