"""The annual plan targets ``targets/<year>.xlsx`` (spec §5)."""

from __future__ import annotations

import re
from functools import lru_cache, partial

from kttt_pipeline.core import fields
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.text import clean_text, fold
from kttt_pipeline.core.values import parse_number
from kttt_pipeline.core.vocabulary import indicators, summary_label_lookup
from kttt_pipeline.ingest.headers import locate_table
from kttt_pipeline.ingest.records import scrub_cell, unstorable_finding
from kttt_pipeline.ingest.result import ReadResult, body_rows
from kttt_pipeline.ingest.row_classes import BLANK, ENTITY, NOTE, RowClass
from kttt_pipeline.ingest.workbook import Workbook

#: the record types this reader stages
RECORD_TYPES = ("target",)


@lru_cache(maxsize=1)
def _indicator_codes() -> tuple[frozenset[str], dict[str, str]]:
    """The indicators' codes, and folded indicator name → code (vocab/indicators.csv)."""
    return frozenset(i.code for i in indicators()), {fold(i.name_vi): i.code for i in indicators()}


#: the cells a target row is read from
_READ = ("indicator_code", "label", "value")


def _cell(row: list[object], idx: dict[str, int], fld: str) -> object:
    """A cell of the row, cleaned as every reader cleans it (:func:`kttt_pipeline.ingest.records.scrub_cell`)."""
    j = idx.get(fld)
    return scrub_cell(row[j])[0] if j is not None and j < len(row) else None


def _named(row: list[object], idx: dict[str, int]) -> str | None:
    """The known indicator a row names, by its code or by its name."""
    known, by_name = _indicator_codes()
    code = clean_text(_cell(row, idx, "indicator_code"))
    code = code.upper() if code else None
    if code not in known and "label" in idx:
        label = fold(_cell(row, idx, "label"))
        code = by_name.get(label) or summary_label_lookup().get(label)
    return code if code in known else None


def _target(row: list[object], idx: dict[str, int]) -> tuple[str | None, float | None]:
    """(indicator code, value) of a row naming a known indicator (by code, or by its name) with a value: a
    number, not negative (a plan is a count of cooperatives or an amount; 100 * figure / target is a share)."""
    code = _named(row, idx)
    value = parse_number(_cell(row, idx, "value")).value if code else None
    return (code, value) if code and value is not None and value >= 0 else (None, None)


def _row_findings(
    row: list[object],
    idx: dict[str, int],
    target: tuple[str | None, float | None],
    source_file: str,
    sheet: str,
    row_number: int,
) -> list[Finding]:
    """A body row's findings: each cell whose unstorable characters were removed, and a row naming a known
    indicator whose value is written but cannot be read or is negative (the target is not kept: never silently)."""
    out = []
    where = {"source_file": source_file, "sheet": sheet, "row_number": row_number}
    for fld in _READ:
        j = idx.get(fld)
        kept, written = scrub_cell(row[j]) if j is not None and j < len(row) else (None, None)
        if written is not None:
            out.append(unstorable_finding(fields.label_in_text("target", fld), written, kept, **where))
    value = _cell(row, idx, "value")
    shown = clean_text(int(value) if isinstance(value, float) and value.is_integer() else value)  # empty: no target set
    if target[0] is None and shown is not None and (code := _named(row, idx)) is not None:
        out.append(
            Finding(
                "TARGET_UNREADABLE",
                f"Chỉ tiêu {code}: giá trị kế hoạch '{shown}' không đọc được hoặc "
                f"không hợp lệ (phải là số không âm), chỉ tiêu này không có kế hoạch",
                entity_key=code,
                value_reported=shown,
                rule="6",
                **where,
            )
        )
    return out


def _class_of(row: list[object], target: tuple[str | None, float | None]) -> RowClass:
    """A target row (ENTITY: ``target`` names a known indicator), a blank row, or a row naming none (NOTE)."""
    if all(v is None for v in row):
        return RowClass(BLANK)
    return RowClass(ENTITY) if target[0] else RowClass(NOTE, reason="not a target")


def _target_classes(body: list[list[object]], idx: dict[str, int], found: list) -> list[RowClass]:
    """The class of each row of a targets table's body; ``found`` receives each row's target (read once)."""
    found.extend(_target(r, idx) if any(v is not None for v in r) else (None, None) for r in body)
    return [_class_of(r, t) for r, t in zip(body, found)]


def read_targets(workbook: Workbook, source_file: str, year: int | None) -> ReadResult:
    """The plan targets (record type ``target``): a row is a target when it names a known indicator and carries a
    value; any other row of the table is non-entity. ``year``: the plan year, else the year the value column's
    header names."""
    out = ReadResult(source_file, workbook.path, {rt: [] for rt in RECORD_TYPES}, year=year)
    for grid in workbook.sheets:
        table = locate_table(grid, "target")
        if table is None:
            continue
        sheet = out.sheet(grid.name, "target", table)
        idx = table.field_index()
        value_header = next((c.header for c in table.columns if c.field == "value"), "")
        m = re.search(r"(20\d\d)", value_header or "")
        if m and out.year is None:
            out.year = int(m.group(1))
        found: list[tuple[str | None, float | None]] = []  # the body's targets, row by row
        for i, rc in body_rows(grid.rows, table.data_start, partial(_target_classes, idx=idx, found=found), sheet):
            out.findings += _row_findings(
                grid.rows[i], idx, found[i - table.data_start], source_file, grid.name, grid.excel_row(i)
            )
            if rc.kind == ENTITY:
                code, value = found[i - table.data_start]
                out.rows("target").append(
                    {"year": out.year, "indicator_code": code, "value": value, "source_file": source_file}
                )
    if not out.has_tables:
        out.error_vi = "không tìm thấy bảng chỉ tiêu kế hoạch (cần cột Mã chỉ tiêu và Kế hoạch năm)"
    return out
