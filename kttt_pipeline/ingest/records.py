"""Turning a classified table row into a typed record, with the findings reading it raised."""

from __future__ import annotations

from dataclasses import dataclass, field

from kttt_pipeline.core import fields
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.tax_codes import parse_tax_code
from kttt_pipeline.core.text import clean_text, fold
from kttt_pipeline.core.values import parse_date, parse_mark, parse_number
from kttt_pipeline.core.vocabulary import grade_lookup, sector_lookup, status_lookup
from kttt_pipeline.ingest.tables import Table

# generated from vocab/fields.csv (kttt_pipeline.core.fields): the fields each record type reads, by kind
NUMERIC_FIELDS: dict[str, list[str]] = {rt: fields.numeric_fields(rt) for rt in fields.record_types()}
MONEY_FIELDS: dict[str, set[str]] = {rt: set(fields.money_fields(rt)) for rt in fields.record_types()}
TEXT_FIELDS: dict[str, list[str]] = {rt: fields.text_fields(rt) for rt in fields.record_types()}
DATE_FIELDS: dict[str, list[str]] = {rt: fields.date_fields(rt) for rt in fields.record_types()}
MARK_FIELDS: dict[str, list[str]] = {rt: fields.mark_fields(rt) for rt in fields.record_types()}
#: field → its label inside a sentence, whatever the record type (the labels of one field agree)
FIELD_LABEL_VI: dict[str, str] = {f.field: f.label_in_text for f in reversed(fields.all_fields())}


@dataclass
class RowContext:
    source_file: str
    sheet: str
    row_number: int
    unit_code: str | None


@dataclass
class ParsedRow:
    values: dict[str, object]
    findings: list[Finding] = field(default_factory=list)


def _cell(row: list[object], idx: dict[str, int], fld: str) -> object:
    j = idx.get(fld)
    return row[j] if j is not None and j < len(row) else None


def map_code(text: object, lookup: dict[str, str]) -> str | None:
    f = fold(text)
    if not f:
        return None
    if f in lookup:
        return lookup[f]
    compact = f.replace(" ", "")
    for k, v in lookup.items():
        if k.replace(" ", "") == compact:
            return v
    return None


def parse_record(row: list[object], table: Table, ctx: RowContext, *, provisional_key: str | None = None) -> ParsedRow:
    rt = table.record_type
    idx = table.field_index()
    out: dict[str, object] = {}
    findings: list[Finding] = []

    def finding(kind: str, detail: str, **kw: object) -> None:
        findings.append(Finding(kind, detail, unit_code=ctx.unit_code, entity_key=provisional_key,
                                source_file=ctx.source_file, sheet=ctx.sheet, row_number=ctx.row_number, **kw))

    for fld in TEXT_FIELDS.get(rt, []):
        v = _cell(row, idx, fld)
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        out[fld] = clean_text(v)
    if rt in ("cooperative", "union", "credit_fund", "tax"):
        tc = parse_tax_code(_cell(row, idx, "tax_code"))
        out["tax_code_raw"] = tc.written
        out["tax_code"] = tc.code
        out["tax_code_parent"] = tc.parent
        out["tax_code_valid"] = tc.valid
    unreadable: dict[str, str] = {}  # numeric cells holding text that is not a number (§7.6 decides)
    for fld in NUMERIC_FIELDS.get(rt, []):
        raw = _cell(row, idx, fld)
        p = parse_number(raw)
        value = p.value
        if p.error:
            unreadable[fld] = clean_text(raw) or str(raw)
            finding("VALUE_UNREADABLE", f"{fields.label_in_text(rt, fld)}: không đọc được '{clean_text(raw)}' (để trống)",
                    value_reported=clean_text(raw), rule="6")
        elif p.words_dropped:
            finding("WORDS_DROPPED", f"{fields.label_in_text(rt, fld)} ghi '{clean_text(raw)}', đọc là {value:g}",
                    value_reported=clean_text(raw), value_computed=f"{value:g}", rule="6")
        if value is not None and fld in MONEY_FIELDS.get(rt, set()):
            value = value * table.factor_for(fld)
        out[fld] = value
    if rt != "tax":
        out["values_unreadable"] = unreadable or None
    for fld in DATE_FIELDS.get(rt, []):
        raw = _cell(row, idx, fld)
        d = parse_date(raw)
        if d.error:
            finding("VALUE_UNREADABLE", f"{fields.label_in_text(rt, fld)}: không đọc được ngày '{clean_text(raw)}'",
                    value_reported=clean_text(raw), rule="6")
        out[fld] = d.value
    for fld in MARK_FIELDS.get(rt, []):
        raw = _cell(row, idx, fld)
        m = parse_mark(raw)
        if m is None:
            finding("VALUE_UNREADABLE", f"{fields.label_in_text(rt, fld)}: đánh dấu '{clean_text(raw)}' không rõ (coi là không)",
                    value_reported=clean_text(raw), rule="6")
            m = False
        out[fld] = m
    if rt in ("cooperative", "group", "union"):
        text = clean_text(_cell(row, idx, "sector"))
        out["sector_text"] = text
        out["sector"] = map_code(text, sector_lookup())
    if rt == "cooperative":
        st = clean_text(_cell(row, idx, "status"))
        out["status_text"] = st
        out["status"] = map_code(st, status_lookup())
        gr = clean_text(_cell(row, idx, "grade"))
        out["grade_text"] = gr
        out["grade"] = map_code(gr, grade_lookup())
        if st and out["status"] is None:
            finding("STATUS_UNKNOWN", f"tình trạng '{st}' không có trong danh mục", value_reported=st, rule="3")
    if rt == "tax":
        out["status_raw"] = clean_text(_cell(row, idx, "status"))
    return ParsedRow(out, findings)
