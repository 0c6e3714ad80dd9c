"""The annual plan targets ``targets/<year>.xlsx`` (spec §5)."""

from __future__ import annotations

import re
from functools import lru_cache, partial

from kttt_pipeline.core.text import clean_text, fold
from kttt_pipeline.core.values import parse_number
from kttt_pipeline.core.vocabulary import indicators, summary_label_lookup
from kttt_pipeline.ingest.result import ReadResult, body_rows
from kttt_pipeline.ingest.tables import BLANK, ENTITY, NOTE, RowClass, locate_table
from kttt_pipeline.ingest.workbook import Workbook


#: the record types this reader stages
RECORD_TYPES = ("target",)


@lru_cache(maxsize=1)
def _indicator_codes() -> tuple[frozenset[str], dict[str, str]]:
    """The indicators' codes, and folded indicator name → code (vocab/indicators.csv)."""
    return frozenset(i.code for i in indicators()), {fold(i.name_vi): i.code for i in indicators()}


def _target(row: list[object], idx: dict[str, int]) -> tuple[str | None, float | None]:
    """(indicator code, value) of a row naming a known indicator (by code, or by its name) with a value."""
    known, by_name = _indicator_codes()
    code = clean_text(row[idx["indicator_code"]]) if idx["indicator_code"] < len(row) else None
    code = code.upper() if code else None
    if code not in known and "label" in idx:
        label = fold(row[idx["label"]]) if idx["label"] < len(row) else ""
        code = by_name.get(label) or summary_label_lookup().get(label)
    value = parse_number(row[idx["value"]] if idx["value"] < len(row) else None).value
    return (code, value) if code in known and value is not None else (None, None)


def _class_of(row: list[object], target: tuple[str | None, float | None]) -> RowClass:
    """A target row (ENTITY: ``target`` names a known indicator), a blank row, or a row naming none (NOTE)."""
    if all(v is None for v in row):
        return RowClass(BLANK)
    return RowClass(ENTITY) if target[0] else RowClass(NOTE, reason="not a target")


def _classify_targets(body: list[list[object]], idx: dict[str, int], found: list) -> list[RowClass]:
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
        for i, rc in body_rows(grid.rows, table.data_start, None, sheet,
                               classify_body=partial(_classify_targets, idx=idx, found=found)):
            if rc.kind == ENTITY:
                code, value = found[i - table.data_start]
                out.rows("target").append({"year": out.year, "indicator_code": code, "value": value,
                                           "source_file": source_file})
    if not out.has_tables:
        out.error_vi = "không tìm thấy bảng chỉ tiêu kế hoạch (cần cột Mã chỉ tiêu và Kế hoạch năm)"
    return out
