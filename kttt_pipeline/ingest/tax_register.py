"""The tax authority's register of cooperative-type taxpayers (spec §4). Money in đồng → triệu đồng."""

from __future__ import annotations

import re
from functools import lru_cache, partial

from kttt_pipeline.core import fields
from kttt_pipeline.core.admin_units import UnitMatcher
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.text import clean_text, fold, visible
from kttt_pipeline.core.vocabulary import tax_status_codes
from kttt_pipeline.ingest.headers import locate_table
from kttt_pipeline.ingest.records import RowContext, parse_records
from kttt_pipeline.ingest.result import ReadResult, body_rows
from kttt_pipeline.ingest.row_classes import ENTITY, row_classes
from kttt_pipeline.ingest.row_features import strong_evidence
from kttt_pipeline.ingest.workbook import Workbook

_STATUS_CODE = re.compile(r"^\s*0?([0-9])\b|^\s*([0-9]{2})\b")


@lru_cache(maxsize=1 << 12, typed=True)  # a register writes a handful of statuses, tens of thousands of times
def parse_tax_status(value: object) -> str | None:
    """'00 - NNT đang hoạt động …', '00', 0, or the text alone → the two-digit code of
    ``vocab/tax_status_codes.csv``; None for a status that names none of its codes (a code such as '09')."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        code = f"{int(value):02d}" if value == value and abs(value) < 100 else None
        return code if code in tax_status_codes() else None
    text = str(value).strip()
    m = re.match(r"^\s*(\d{1,2})\b", text)
    if m:
        code = f"{int(m.group(1)):02d}"
        return code if code in tax_status_codes() else None
    folded = fold(text)
    for code, row in tax_status_codes().items():
        if fold(row["text_vi"]) == folded or (folded and fold(row["text_vi"]).startswith(folded)):
            return code
    return None


#: the record types this reader stages
RECORD_TYPES = ("tax",)


def read_tax_register(workbook: Workbook, source_file: str, matcher: UnitMatcher) -> ReadResult:
    """Every taxpayer of the register's tables (record type ``tax``), placed in a unit in force by its address
    or its tax office (``matcher``)."""
    out = ReadResult(source_file, workbook.path, {rt: [] for rt in RECORD_TYPES})
    records = out.rows("tax")
    numeric = set(fields.numeric_fields("tax"))
    for grid in workbook.sheets:
        table = locate_table(grid, "tax")
        if table is None:
            continue
        name = visible(grid.name)  # a CSV's sheet is its file's name, which may hold a byte no encoding decodes
        sheet = out.sheet(name, "tax", table)
        # money: the header names the unit (đồng); without one, the register is in đồng (spec §4)
        if table.unit_line_factor is None:
            table.unit_line_factor = 0.000001
        idx = table.field_index()
        entities = [
            i
            for i, rc in body_rows(
                grid.rows,
                table.data_start,
                partial(row_classes, table=table, numeric_fields=numeric),
                sheet,
                partial(strong_evidence, idx=idx),
            )
            if rc.kind == ENTITY
        ]
        rows = [grid.rows[i] for i in entities]
        contexts = [RowContext(source_file, name, grid.excel_row(i), None) for i in entities]
        codes_raw = [
            clean_text(row[idx["tax_code"]]) if "tax_code" in idx and idx["tax_code"] < len(row) else None
            for row in rows
        ]
        for i, row, parsed in zip(
            entities,
            rows,
            parse_records(
                rows, table, contexts, codes_raw, latest_year=matcher.period.year if matcher.period else None
            ),
        ):
            rec = parsed.values
            # the status as parse_records read it (cleaned); a status naming no code of the vocabulary is unknown
            rec["status_code"] = parse_tax_status(rec["status_raw"])
            if rec["status_raw"] is not None and rec["status_code"] is None:
                out.findings.append(
                    Finding(
                        "TAX_STATUS_UNKNOWN",
                        f"Trạng thái '{rec['status_raw']}' không có trong danh mục trạng thái của cơ "
                        f"quan thuế: coi như chưa rõ trạng thái, không dùng để xác định tình trạng HTX",
                        entity_key=rec.get("tax_code") or rec.get("tax_code_raw") or rec.get("name"),
                        source_file=source_file,
                        sheet=name,
                        row_number=grid.excel_row(i),
                        value_reported=rec["status_raw"],
                        rule="7.4",
                    )
                )
            unit = matcher.find_in_address(rec.get("address")) or matcher.find(
                rec.get("tax_office"), allow_compact=False
            )
            rec["unit_code"] = unit.unit_code if unit else None
            rec.update({"source_file": source_file, "sheet": name, "row_number": grid.excel_row(i)})
            records.append(rec)
            out.findings.extend(parsed.findings)
    if not out.has_tables:
        out.error_vi = "không tìm thấy bảng danh sách người nộp thuế (cần cột Mã số thuế và Tên người nộp thuế)"
    return out
