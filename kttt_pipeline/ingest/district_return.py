"""A reporting unit's return workbook: summary sheet, cooperative listing, group listing (spec §3)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..admin_units import AdminUnit, UnitMatcher, kind_tier
from ..findings import Finding
from ..text import clean_text, fold
from ..values import find_date_in_text, money_factor, parse_date, parse_number
from ..vocabulary import indicators, sheet_kind, summary_label_lookup
from .records import NUMERIC_FIELDS, RowContext, parse_record
from .tables import BLANK, END, HEADING, NOTE, TOTAL, Table, classify_row, locate_table
from .workbook import Grid, Workbook

LISTING_TYPES = ("cooperative", "group")
_LABEL_NUMBERING = re.compile(r"^\s*(?:(?:[0-9]+(?:\.[0-9]+)*\.?)|(?:[a-zđ]\s*[\).])|[-+•*–])\s*", re.IGNORECASE)
_PREFIX_IN_WHICH = re.compile(r"^(trong do|trd)\s*:?\s*")


@dataclass
class SheetResult:
    sheet: str
    kind: str
    table: Table | None
    rows_read: int = 0
    rows_non_entity: int = 0


@dataclass
class DistrictReturn:
    path: Path
    source_file: str
    unit: AdminUnit | None = None
    unit_evidence: str | None = None
    report_date: dt.date | None = None
    data_until: dt.date | None = None
    sheets: list[SheetResult] = field(default_factory=list)
    cooperatives: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    summary: list[dict] = field(default_factory=list)
    totals: list[dict] = field(default_factory=list)  # listing total rows: record_type, sheet, row_number, field, value
    findings: list[Finding] = field(default_factory=list)
    error_vi: str | None = None

    @property
    def has_tables(self) -> bool:
        return any(s.table is not None for s in self.sheets)

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.sheets)

    @property
    def rows_non_entity(self) -> int:
        return sum(s.rows_non_entity for s in self.sheets)


def _texts(grid: Grid, upto: int) -> list[tuple[int, list[str | None]]]:
    out = []
    for i, row in enumerate(grid.rows[:upto]):
        out.append((i, [clean_text(int(v) if isinstance(v, float) and v.is_integer() else v) if v is not None else None for v in row]))
    return out


def _title_block(grid: Grid, table: Table | None) -> list[tuple[int, list[str | None]]]:
    upto = table.header_index if table else min(len(grid.rows), 12)
    return _texts(grid, upto)


def identify_unit(blocks: list[list[tuple[int, list[str | None]]]], matcher: UnitMatcher) -> tuple[AdminUnit | None, str | None]:
    """The unit named in the title blocks: a "Mã đơn vị" cell first (06688, or 6688 typed as a number), then a
    qualified name. The unit found may not be in force for the period ("UBND thành phố Hạ Long" after 1/7/2025):
    the caller rejects such a return (spec §11); it is never exchanged for the unit in force of the same name."""
    for block in blocks:
        for _, cells in block:
            for j, t in enumerate(cells):
                if not t:
                    continue
                unit = matcher.code_in_text(t)
                if unit is None and fold(t).startswith(("ma don vi", "ma dv")):
                    nxt = next((c for c in cells[j + 1:] if c), None)
                    unit = matcher.unit_of_code(nxt) if nxt else None
                if unit is not None:
                    return unit, t
    found: dict[AdminUnit, str] = {}
    titled: dict[AdminUnit, str] = {}  # named after "UBND" / "Ủy ban nhân dân": the heading, not an address
    for block in blocks:
        for _, cells in block:
            for t in cells:
                if t:
                    unit = matcher.find(t)
                    if unit is not None:
                        found.setdefault(unit, t)
                        if matcher.names_council(t):
                            titled.setdefault(unit, t)
    candidates = titled or found
    if len(candidates) > 1:
        # a two-level heading names the superior body first ("UBND HUYỆN TIÊN YÊN" / "UBND XÃ ĐÔNG NGŨ"): the
        # return is the lower unit's, whatever the period (a unit not in force is then rejected by the caller)
        lowest = min(_TIER_ORDER.get(kind_tier(u.kind_vi), 99) for u in candidates)
        candidates = {u: t for u, t in candidates.items() if _TIER_ORDER.get(kind_tier(u.kind_vi), 99) == lowest}
    if len(candidates) == 1:
        unit, evidence = next(iter(candidates.items()))
        return unit, evidence
    return None, ("; ".join(found.values()) or None)


#: tiers from the lowest: the issuing unit of a two-level heading is the lower one
_TIER_ORDER = {"commune": 0, "district": 1, "province": 2}


def _labelled_date(block: list[tuple[int, list[str | None]]], grid: Grid, label_prefixes: tuple[str, ...]) -> dt.date | None:
    for i, cells in block:
        for j, t in enumerate(cells):
            if t and fold(t).startswith(label_prefixes):
                d = find_date_in_text(t)
                if d:
                    return d
                for v in grid.rows[i][j + 1:]:
                    if v is not None:
                        p = parse_date(v)
                        if p.value:
                            return p.value
                        d = find_date_in_text(v)
                        if d:
                            return d
    return None


def _data_until(block: list[tuple[int, list[str | None]]]) -> dt.date | None:
    for _, cells in block:
        for t in cells:
            if t and ("luy ke den" in fold(t) or "so lieu den" in fold(t) or "tinh den" in fold(t)):
                d = find_date_in_text(t)
                if d:
                    return d
    return None


def _sheet_kind(grid: Grid) -> str | None:
    kind = sheet_kind(grid.name)
    if kind in ("summary", "cooperative", "group"):
        return kind
    return None


def _read_listing(grid: Grid, table: Table, ret: DistrictReturn, sres: SheetResult, unit_code: str | None) -> None:
    rt = table.record_type
    numeric = set(NUMERIC_FIELDS[rt])
    idx = table.field_index()
    # the table body ends at the signature block or after the last non-empty row
    last = len(grid.rows) - 1
    while last >= table.data_start and all(v is None for v in grid.rows[last]):
        last -= 1
    for i in range(table.data_start, last + 1):
        row = grid.rows[i]
        kind = classify_row(row, table, numeric)
        if kind == END:
            break
        sres.rows_read += 1
        excel_row = grid.excel_row(i)
        if kind in (BLANK, HEADING, NOTE):
            sres.rows_non_entity += 1
            continue
        if kind == TOTAL:
            sres.rows_non_entity += 1
            for fld in NUMERIC_FIELDS[rt]:  # in the vocabulary's order: the same order in every process
                if fld in idx and idx[fld] < len(row):
                    p = parse_number(row[idx[fld]])
                    if p.value is not None:
                        value = p.value * (table.factor_for(fld) if fld in {"charter_capital", "revenue", "profit", "avg_income", "avg_income_month"} else 1.0)
                        ret.totals.append({"record_type": rt, "sheet": grid.name, "row_number": excel_row,
                                           "field": fld, "value": value})
            continue
        ctx = RowContext(ret.source_file, grid.name, excel_row, unit_code)
        name = clean_text(row[idx["name"]]) if "name" in idx and idx["name"] < len(row) else None
        tax_raw = clean_text(row[idx["tax_code"]]) if "tax_code" in idx and idx["tax_code"] < len(row) else None
        parsed = parse_record(row, table, ctx, provisional_key=tax_raw or name)
        record = {"unit_code": unit_code, "source_file": ret.source_file, "sheet": grid.name,
                  "row_number": excel_row, **parsed.values}
        ret.findings.extend(parsed.findings)
        (ret.cooperatives if rt == "cooperative" else ret.groups).append(record)


def _read_summary(grid: Grid, table: Table, ret: DistrictReturn, sres: SheetResult, unit_code: str | None) -> None:
    idx = table.field_index()
    lookup = summary_label_lookup()
    for i in range(table.data_start, len(grid.rows)):
        row = grid.rows[i]
        label = clean_text(row[idx["label"]]) if idx["label"] < len(row) else None
        if not label:
            continue
        stripped = _LABEL_NUMBERING.sub("", label)
        key = _PREFIX_IN_WHICH.sub("", fold(stripped))
        code = lookup.get(key) or lookup.get(fold(stripped))
        raw = row[idx["value"]] if idx["value"] < len(row) else None
        p = parse_number(raw)
        if p.value is None:
            continue
        value = p.value
        unit_text = clean_text(row[idx["unit"]]) if "unit" in idx and idx["unit"] < len(row) else None
        factor = money_factor(unit_text) if code is None or code in _MONEY_INDICATORS else None
        if factor is not None:
            value *= factor
        ret.summary.append({"unit_code": unit_code, "source_file": ret.source_file, "sheet": grid.name,
                            "row_number": grid.excel_row(i), "label": label, "indicator_code": code, "value": value})
        if p.words_dropped:
            ret.findings.append(Finding("WORDS_DROPPED", f"chỉ tiêu '{label}' ghi '{clean_text(raw)}', đọc là {value:g}",
                                        unit_code=unit_code, entity_key=code or label, source_file=ret.source_file,
                                        sheet=grid.name, row_number=grid.excel_row(i), value_reported=clean_text(raw), rule="6"))


#: indicators measured in money (their unit in indicators.csv names đồng): only these take a money unit factor
_MONEY_INDICATORS = {i.code for i in indicators() if "đồng" in i.unit}


def read_district_return(workbook: Workbook, source_file: str, matcher: UnitMatcher) -> DistrictReturn:
    """Read a district return: find its tables, identify the unit, stage every row."""
    ret = DistrictReturn(path=workbook.path, source_file=source_file)
    located: list[tuple[Grid, str, Table | None]] = []
    for grid in workbook.sheets:
        kind = _sheet_kind(grid)
        kinds = [kind] if kind else ["cooperative", "group", "summary"]
        table = None
        for k in kinds:
            table = locate_table(grid, k)
            if table is not None:
                kind = k
                break
        located.append((grid, kind or "unknown", table))
        ret.sheets.append(SheetResult(grid.name, kind or "unknown", table))
    blocks = [_title_block(grid, table) for grid, _, table in located]
    ret.unit, ret.unit_evidence = identify_unit(blocks, matcher)
    for (grid, _, table), block in zip(located, blocks):
        ret.report_date = ret.report_date or _labelled_date(block, grid, ("ngay bao cao",))
        ret.data_until = ret.data_until or _data_until(block)
    unit_code = ret.unit.unit_code if ret.unit else None
    for (grid, kind, table), sres in zip(located, ret.sheets):
        if table is None:
            continue
        if table.record_type in LISTING_TYPES:
            _read_listing(grid, table, ret, sres, unit_code)
        elif table.record_type == "summary":
            _read_summary(grid, table, ret, sres, unit_code)
        for header in table.unmapped:
            ret.findings.append(Finding("HEADER_UNMAPPED", f"cột '{header}' không nhận diện được, bỏ qua",
                                        unit_code=unit_code, entity_key=source_file, source_file=source_file,
                                        sheet=grid.name, row_number=grid.excel_row(table.header_index)))
    return ret
