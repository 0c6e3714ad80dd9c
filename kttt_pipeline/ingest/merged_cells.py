"""Vertically merged cells of a table body, filled down (spec §3): a sector or status written once in a cell merged
over several rows belongs to every row of the run."""

from __future__ import annotations

from kttt_pipeline.core.fields import fill_down_fields
from kttt_pipeline.ingest.headers import Table
from kttt_pipeline.ingest.row_classes import ENTITY, row_classes
from kttt_pipeline.ingest.workbook import Grid


def rows_with_merges_filled(grid: Grid, table: Table, numeric_fields: set[str] = frozenset()) -> list[list[object]]:
    """The sheet's rows with vertically merged cells of the data area filled down in the columns of
    ``fill_down`` in vocab/fields.csv (every row of a merged run has the run's value). A total, heading or note row
    the run passes over is left as written (a status filled in would make a total row look like a cooperative)."""
    merge_fill = fill_down_fields()
    fill_cols = {c.index for c in table.columns if c.field in merge_fill}
    if not grid.merged or not fill_cols:
        return grid.rows
    rows = grid.rows
    runs = []  # (column, value, the rows below the run's first that it may fill)
    for (r1, c1), (r2, c2) in grid.merged:
        if r2 <= r1 or r1 < table.data_start or c1 not in fill_cols or r1 >= len(rows):
            continue
        value = rows[r1][c1] if c1 < len(rows[r1]) else None
        if value is None:
            continue
        below = [r for r in range(r1 + 1, min(r2, len(rows) - 1) + 1) if c1 >= len(rows[r]) or rows[r][c1] is None]
        runs.append((c1, value, below))
    if not runs:
        return rows
    # only an entity row is filled, by its class as written
    asked = sorted({r for _, _, below in runs for r in below})
    entity = {
        r for r, rc in zip(asked, row_classes([rows[r] for r in asked], table, numeric_fields)) if rc.kind == ENTITY
    }
    rows = [list(r) for r in rows]
    for c1, value, below in runs:
        for r in below:
            if r in entity:
                while len(rows[r]) <= c1:
                    rows[r].append(None)
                rows[r][c1] = value
    return rows
