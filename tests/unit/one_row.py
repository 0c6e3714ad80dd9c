"""One row classified as the reader classifies a sheet: the production :func:`row_classes` over a body of that row
alone (the tests' shorthand; the package classifies whole bodies)."""

from __future__ import annotations

from kttt_pipeline.ingest.headers import Table
from kttt_pipeline.ingest.row_classes import RowClass, row_classes


def row_class(row: list[object], table: Table, numeric_fields: set[str]) -> RowClass:
    return row_classes([row], table, numeric_fields)[0]
