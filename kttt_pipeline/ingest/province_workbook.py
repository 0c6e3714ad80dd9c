"""The province workbook on cooperative unions (LHHTX) and people's credit funds (QTDND) (spec §5)."""

from __future__ import annotations

from functools import partial

from kttt_pipeline.core import fields
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.values import parse_number
from kttt_pipeline.core.vocabulary import sector_codes, sector_labels, sheet_kind
from kttt_pipeline.ingest.headers import locate_table
from kttt_pipeline.ingest.records import (
    RowContext,
    parse_records,
    scrub_cell,
    unstorable_finding,
)
from kttt_pipeline.ingest.result import ReadResult, body_rows
from kttt_pipeline.ingest.row_classes import ENTITY, TOTAL, row_classes
from kttt_pipeline.ingest.row_features import strong_evidence
from kttt_pipeline.ingest.workbook import Workbook

#: the record types this reader stages
RECORD_TYPES = ("union", "credit_fund")


#: a union's sector is agricultural or not (vocab/sector_codes.csv): every other sector is the second code
_UNION_AGRI, _UNION_OTHER = sector_codes("union")


def _union_sector(rec: dict) -> list[Finding]:
    """A union's sector as one of its two codes: a cooperative's non-agricultural sector (transport, trade…) is
    non-agricultural; a sector not in the vocabulary or not written counts as non-agricultural with a
    SECTOR_UNKNOWN finding, as a cooperative's counts as OTHER."""
    if rec.get("sector") in (_UNION_AGRI, _UNION_OTHER):
        return []
    known = rec.get("sector") is not None
    rec["sector"] = _UNION_OTHER
    if known:
        return []
    text = rec.get("sector_text")
    what = f"lĩnh vực '{text}' không có trong danh mục" if text else "không ghi lĩnh vực"
    return [
        Finding(
            "SECTOR_UNKNOWN",
            f"{what}: tính vào lĩnh vực {sector_labels('union')[_UNION_OTHER]}",
            entity_key=rec.get("tax_code_raw") or rec.get("name"),
            source_file=rec["source_file"],
            sheet=rec["sheet"],
            row_number=rec["row_number"],
            value_reported=text,
            value_computed=sector_labels("union")[_UNION_OTHER],
            rule="3",
        )
    ]


def read_province_workbook(workbook: Workbook, source_file: str, latest_year: int | None = None) -> ReadResult:
    """The unions (record type ``union``) and credit funds (``credit_fund``) of the province's sheets; their
    total rows kept aside for §7.5. Two-digit years are read by ``latest_year`` (the period's year)."""
    out = ReadResult(source_file, workbook.path, {rt: [] for rt in RECORD_TYPES})
    for grid in workbook.sheets:
        kinds = (
            [sheet_kind(grid.name)] if sheet_kind(grid.name) in ("union", "credit_fund") else ["union", "credit_fund"]
        )
        table = None
        for k in kinds:
            table = locate_table(grid, k)
            if table is not None:
                break
        if table is None:
            continue
        rt = table.record_type
        sheet = out.sheet(grid.name, rt, table)
        numeric = set(fields.numeric_fields(rt))
        idx = table.field_index()
        entities: list[int] = []  # the entity rows, read at once after the totals
        for i, rc in body_rows(
            grid.rows,
            table.data_start,
            partial(row_classes, table=table, numeric_fields=numeric),
            sheet,
            partial(strong_evidence, idx=idx),
        ):
            row = grid.rows[i]
            if rc.kind == TOTAL:
                for fld in fields.numeric_fields(rt):  # in the vocabulary's order: the same in every process
                    if fld in idx and idx[fld] < len(row):
                        cell, written = scrub_cell(row[idx[fld]])  # the one cleaning of every reader
                        if written is not None:
                            out.findings.append(
                                unstorable_finding(
                                    fields.label_in_text(rt, fld),
                                    written,
                                    cell,
                                    source_file=source_file,
                                    sheet=grid.name,
                                    row_number=grid.excel_row(i),
                                )
                            )
                        p = parse_number(cell)
                        if p.value is not None:
                            factor = table.factor_for(fld) if fld in fields.money_fields(rt) else 1.0
                            out.totals.append(
                                {
                                    "record_type": rt,
                                    "sheet": grid.name,
                                    "row_number": grid.excel_row(i),
                                    "field": fld,
                                    "value": p.value * factor,
                                }
                            )
                continue
            if rc.kind != ENTITY:
                continue
            entities.append(i)
        rows = [grid.rows[i] for i in entities]
        contexts = [RowContext(source_file, grid.name, grid.excel_row(i), None) for i in entities]
        for i, parsed in zip(entities, parse_records(rows, table, contexts, latest_year=latest_year)):
            rec = {**parsed.values, "source_file": source_file, "sheet": grid.name, "row_number": grid.excel_row(i)}
            out.findings.extend(parsed.findings)
            if rt == "union":
                out.findings.extend(_union_sector(rec))
            out.rows(rt).append(rec)
    if not out.has_tables:
        out.error_vi = "không tìm thấy sheet LHHTX hoặc QTDND có bảng số liệu"
    return out
