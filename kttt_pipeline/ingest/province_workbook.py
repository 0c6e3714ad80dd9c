"""The province workbook on cooperative unions (LHHTX) and people's credit funds (QTDND) (spec §5)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.vocabulary import sheet_kind
from kttt_pipeline.ingest.records import MONEY_FIELDS, NUMERIC_FIELDS, RowContext, parse_record
from kttt_pipeline.ingest.tables import BLANK, END, HEADING, NOTE, TOTAL, classify_row, locate_table
from kttt_pipeline.ingest.workbook import Workbook
from kttt_pipeline.core.values import parse_number


@dataclass
class ProvinceRead:
    source_file: str
    unions: list[dict] = field(default_factory=list)
    credit_funds: list[dict] = field(default_factory=list)
    totals: list[dict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_non_entity: int = 0
    error_vi: str | None = None


def read_province_workbook(workbook: Workbook, source_file: str) -> ProvinceRead:
    out = ProvinceRead(source_file)
    for grid in workbook.sheets:
        kinds = [sheet_kind(grid.name)] if sheet_kind(grid.name) in ("union", "credit_fund") else ["union", "credit_fund"]
        table = None
        for k in kinds:
            table = locate_table(grid, k)
            if table is not None:
                break
        if table is None:
            continue
        rt = table.record_type
        out.sheets.append(grid.name)
        numeric = set(NUMERIC_FIELDS[rt])
        idx = table.field_index()
        for i in range(table.data_start, len(grid.rows)):
            row = grid.rows[i]
            kind = classify_row(row, table, numeric)
            if kind == END:
                break
            out.rows_read += 1
            if kind == TOTAL:
                out.rows_non_entity += 1
                for fld in numeric:
                    if fld in idx and idx[fld] < len(row):
                        p = parse_number(row[idx[fld]])
                        if p.value is not None:
                            factor = table.factor_for(fld) if fld in MONEY_FIELDS[rt] else 1.0
                            out.totals.append({"record_type": rt, "sheet": grid.name, "row_number": grid.excel_row(i),
                                               "field": fld, "value": p.value * factor})
                continue
            if kind in (BLANK, HEADING, NOTE):
                out.rows_non_entity += 1
                continue
            ctx = RowContext(source_file, grid.name, grid.excel_row(i), None)
            parsed = parse_record(row, table, ctx, provisional_key=None)
            rec = {**parsed.values, "source_file": source_file, "sheet": grid.name, "row_number": grid.excel_row(i)}
            out.findings.extend(parsed.findings)
            (out.unions if rt == "union" else out.credit_funds).append(rec)
    if not out.sheets:
        out.error_vi = "không tìm thấy sheet LHHTX hoặc QTDND có bảng số liệu"
    return out
