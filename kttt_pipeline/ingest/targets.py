"""The annual plan targets ``targets/<year>.xlsx`` (spec §5)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kttt_pipeline.core.text import clean_text, fold
from kttt_pipeline.core.values import parse_number
from kttt_pipeline.core.vocabulary import indicators, summary_label_lookup
from kttt_pipeline.ingest.tables import locate_table
from kttt_pipeline.ingest.workbook import Workbook


@dataclass
class TargetsRead:
    source_file: str
    year: int | None
    targets: list[dict] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    rows_read: int = 0
    error_vi: str | None = None


def read_targets(workbook: Workbook, source_file: str, year: int | None) -> TargetsRead:
    out = TargetsRead(source_file, year)
    known = {i.code for i in indicators()}
    names = {fold(i.name_vi): i.code for i in indicators()}
    for grid in workbook.sheets:
        table = locate_table(grid, "target")
        if table is None:
            continue
        out.sheets.append(grid.name)
        idx = table.field_index()
        value_header = next((c.header for c in table.columns if c.field == "value"), "")
        m = re.search(r"(20\d\d)", value_header or "")
        if m and out.year is None:
            out.year = int(m.group(1))
        for i in range(table.data_start, len(grid.rows)):
            row = grid.rows[i]
            if all(v is None for v in row):
                continue
            out.rows_read += 1
            code = clean_text(row[idx["indicator_code"]]) if idx["indicator_code"] < len(row) else None
            code = code.upper() if code else None
            if code not in known and "label" in idx:
                label = fold(row[idx["label"]]) if idx["label"] < len(row) else ""
                code = names.get(label) or summary_label_lookup().get(label)
            value = parse_number(row[idx["value"]] if idx["value"] < len(row) else None).value
            if code in known and value is not None:
                out.targets.append({"year": out.year, "indicator_code": code, "value": value,
                                    "source_file": source_file})
    if not out.sheets:
        out.error_vi = "không tìm thấy bảng chỉ tiêu kế hoạch (cần cột Mã chỉ tiêu và Kế hoạch năm)"
    return out
