"""What every reader of a raw file returns (:class:`ReadResult`), and the one rule by which readers count rows.

The row-counting rule (docs/decisions.md, "One row-counting rule"): a table's body runs from its first data row
to its last non-blank row. A row of the signature block (END) is not read; below it only a row that plainly is
an entity is read. Every other body row is read, and is either *loaded* (a record: an entity, a taxpayer, a
target) or *non-entity* (a blank row inside the body, a heading, a total, a note): ``rows_read = rows_loaded +
rows_non_entity`` for every sheet. The summary sheet's labelled figures are staged as figures, not counted as
rows. Quarantine (§7.6) later moves rows from loaded to quarantined (``reconcile.plausibility``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kttt_pipeline.core.admin_units import AdminUnit
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.ingest.headers import Table
from kttt_pipeline.ingest.row_classes import END, ENTITY, RowClass

#: columns of the total rows kept aside while reading (``scope``: the (sheet, row) of the entity rows a total
#: covers; ``alt_scope``: the other reading of a bare "Cộng"; ``label``: the row's written label)
TOTAL_ROW_COLUMNS = [
    "source_file",
    "record_type",
    "sheet",
    "row_number",
    "field",
    "value",
    "scope",
    "alt_scope",
    "label",
]


@dataclass
class SheetRead:
    """One sheet of a file: its kind (a record type, "hidden", "unknown"), its table and its row counts."""

    sheet: str
    kind: str
    table: Table | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_non_entity: int = 0


@dataclass
class ReadResult:
    """One raw file read: staged records by record type, total rows, findings, sheets with their row counts,
    and what the file says about itself (its reporting unit, report date, data date, plan year).

    ``error_vi`` set: the file holds no table its reader can use; the reader loop rejects it with this reason
    (``error_en``: the same for developers, shown beside it in load_audit)."""

    source_file: str
    path: Path | None = None
    records: dict[str, list[dict]] = field(default_factory=dict)
    #: total rows kept aside for §7.5: record_type, sheet, row_number, field, value (and for listings the scope)
    totals: list[dict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sheets: list[SheetRead] = field(default_factory=list)
    unit: AdminUnit | None = None
    unit_evidence: str | None = None
    report_date: dt.date | None = None
    data_until: dt.date | None = None
    year: int | None = None
    error_vi: str | None = None
    error_en: str | None = None
    #: the finding kind of that rejection: FILE_REJECTED, or UNIT_CONFLICT / PERIOD_CONFLICT for a return whose title
    #: block contradicts itself or its period (docs/decisions.md, "Identifying a return")
    error_kind: str = "FILE_REJECTED"

    def rows(self, record_type: str) -> list[dict]:
        """The staged records of one record type (cooperative, group, summary, tax, union, credit_fund, target)."""
        return self.records[record_type]

    def sheet(self, name: str, kind: str, table: Table | None = None) -> SheetRead:
        """A new sheet of the file, in reading order."""
        s = SheetRead(name, kind, table)
        self.sheets.append(s)
        return s

    @property
    def has_tables(self) -> bool:
        return any(s.table is not None for s in self.sheets)

    @property
    def sheet_names(self) -> list[str]:
        """The sheets a table was read from, each once (a sheet holding both listings is two entries of
        :attr:`sheets`)."""
        return list(dict.fromkeys(s.sheet for s in self.sheets if s.table is not None))

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.sheets)

    @property
    def rows_loaded(self) -> int:
        return sum(s.rows_loaded for s in self.sheets)

    @property
    def rows_non_entity(self) -> int:
        return sum(s.rows_non_entity for s in self.sheets)


def body_rows(
    rows: list[list[object]],
    start: int,
    classes_of: Callable[[list[list[object]]], list[RowClass]],
    sheet: SheetRead,
    plainly_entity: Callable[[list[object]], bool] | None = None,
) -> Iterator[tuple[int, RowClass]]:
    """The rows of a table body that are read, by the one counting rule (module docstring), each with its class;
    ``sheet``'s counts are kept as they go. The caller stages one record for every ENTITY row it is given.

    ``classes_of``: the classes of the body's rows, all at once, in order
    (:func:`kttt_pipeline.ingest.row_classes.row_classes`).
    ``plainly_entity``: whether a row below the signature block is still an entity (without it, none is)."""
    last = len(rows) - 1
    while last >= start and all(v is None for v in rows[last]):
        last -= 1
    classes = classes_of(rows[start : last + 1])
    ended = False
    for i in range(start, last + 1):
        row = rows[i]
        rc = classes[i - start]
        if rc.kind == END:
            ended = True
            continue
        if ended and not (rc.kind == ENTITY and plainly_entity is not None and plainly_entity(row)):
            continue
        sheet.rows_read += 1
        if rc.kind == ENTITY:
            sheet.rows_loaded += 1
        else:
            sheet.rows_non_entity += 1
        yield i, rc
