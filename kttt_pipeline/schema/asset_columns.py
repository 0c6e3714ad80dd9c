"""The Dagster column schema (``dagster/column_schema``) of a warehouse table, from the table the schema builds.

Each warehouse asset shows its columns with their types, descriptions, nullability, keys, references and value
sets (:mod:`kttt_pipeline.schema.value_sets`); the
orchestration puts it in the asset's metadata (:mod:`kttt_pipeline.orchestration.assets.warehouse`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Table as SqlTable
from sqlalchemy import UniqueConstraint

from kttt_pipeline.core.text import markdown_safe

if TYPE_CHECKING:
    import dagster as dg


def table_schema(table: SqlTable) -> dg.TableSchema:
    """The Dagster column schema of a warehouse table (dagster is imported on the first call)."""
    import dagster as dg

    columns = [
        dg.TableColumn(
            name=c.name,
            type=str(c.type),
            description=markdown_safe(c.comment),
            constraints=dg.TableColumnConstraints(
                nullable=bool(c.nullable),
                unique=bool(c.unique) or (c.primary_key and len(table.primary_key) == 1),
                other=[f"references {fk.target_fullname}" for fk in c.foreign_keys]
                + ([f"values {c.info['values'].text}"] if "values" in c.info else []),
            ),
        )
        for c in table.columns
    ]
    keys = [f"primary key ({', '.join(c.name for c in table.primary_key)})"] if len(table.primary_key) > 1 else []
    keys += [
        f"unique ({', '.join(c.name for c in u.columns)})" for u in table.constraints if isinstance(u, UniqueConstraint)
    ]
    return dg.TableSchema(columns=columns, constraints=dg.TableConstraints(other=keys) if keys else None)
