"""A reporting unit's return workbook: summary sheet, cooperative listing, group listing (spec §3)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache, partial

from kttt_pipeline.core import fields
from kttt_pipeline.core.admin_units import AdminUnit, UnitMatcher, kind_tier, unit_label
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.numfmt import format_date_vn
from kttt_pipeline.core.periods import Period, last_closed_quarter, period_of_date
from kttt_pipeline.core.text import clean_text, fold
from kttt_pipeline.core.values import find_date_in_text, money_factor, parse_date, parse_number
from kttt_pipeline.core.vocabulary import (
    indicators,
    listing_sheet_kind,
    read_vocab_csv,
    sector_lookup,
    summary_label_lookup,
    title_words,
)
from kttt_pipeline.ingest.headers import MAX_HEADER_ROWS, Table, locate_table
from kttt_pipeline.ingest.merged_cells import rows_with_merges_filled
from kttt_pipeline.ingest.records import (
    RowContext,
    parse_records,
    scrub_cell,
    unstorable_finding,
)
from kttt_pipeline.ingest.result import ReadResult, SheetRead, body_rows
from kttt_pipeline.ingest.row_classes import BLANK, ENTITY, HEADING, NOTE, TOTAL, RowClass, row_classes
from kttt_pipeline.ingest.row_features import strong_evidence
from kttt_pipeline.ingest.row_labels import GRAND, PLAIN, SUB, heading_sector
from kttt_pipeline.ingest.workbook import Grid, Workbook

LISTING_TYPES = ("cooperative", "group")
#: the record types this reader stages
RECORD_TYPES = (*LISTING_TYPES, "summary")
_LABEL_NUMBERING = re.compile(r"^\s*(?:(?:[0-9]+(?:\.[0-9]+)*\.?)|(?:[a-zđ]\s*[\).])|[-+•*–])\s*", re.IGNORECASE)
_PREFIX_IN_WHICH = re.compile(r"^(trong do|trd)\s*:?\s*")


def _texts(grid: Grid, upto: int) -> list[tuple[int, list[str | None]]]:
    out = []
    for i, row in enumerate(grid.rows[:upto]):
        out.append(
            (
                i,
                [
                    clean_text(int(v) if isinstance(v, float) and v.is_integer() else v) if v is not None else None
                    for v in row
                ],
            )
        )
    return out


def _title_block(grid: Grid, table: Table | None) -> list[tuple[int, list[str | None]]]:
    upto = table.header_index if table else min(len(grid.rows), 12)
    return _texts(grid, upto)


@dataclass(frozen=True)
class Identity:
    """Who a return says it is: the unit (None when unknown or contradicted) and the text it was read from;
    ``conflict_vi``/``conflict_en``: two readings of the title block that name different units."""

    unit: AdminUnit | None
    evidence: str | None
    conflict_vi: str | None = None
    conflict_en: str | None = None


def _code_readings(
    blocks: list[list[tuple[int, list[str | None]]]], matcher: UnitMatcher
) -> list[tuple[AdminUnit, str]]:
    """Every "Mã đơn vị" reading of the title blocks (06688, or 6688 typed as a number, in the cell or the next
    one), with its text, in reading order. A code that is no unit's is no reading."""
    out = []
    for block in blocks:
        for _, cells in block:
            for j, t in enumerate(cells):
                if not t:
                    continue
                unit = matcher.code_in_text(t)
                text = t
                if unit is None and fold(t).startswith(title_words("unit_code_label")):
                    nxt = next((c for c in cells[j + 1 :] if c), None)
                    unit = matcher.unit_of_code(nxt) if nxt else None
                    text = f"{t} {nxt}"
                if unit is not None:
                    out.append((unit, text))
    return out


def _name_reading(
    blocks: list[list[tuple[int, list[str | None]]]], matcher: UnitMatcher
) -> tuple[AdminUnit | None, str | None]:
    """The unit the title blocks name (a qualified name; "UBND …" headings before other texts; of a two-level
    heading the lower unit), or None with the texts seen when none or several fit."""
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


def _named(unit: AdminUnit) -> str:
    return f"{unit_label(unit)} (mã {unit.unit_code})"


def identify_return(blocks: list[list[tuple[int, list[str | None]]]], matcher: UnitMatcher) -> Identity:
    """The unit of a return from its title blocks (docs/decisions.md, "Identifying a return"): the code and the
    name are read each on its own. One reading alone names the unit; the code and the name agree when they name
    the same unit, or units of one code (a reused code: the code's unit of the period, as before); a code of
    another unit than the one the heading names, or two codes of different units, contradict, and the return
    names no unit (the reader loop rejects it, UNIT_CONFLICT). A name that fits several units is no reading.
    The unit found may not be in force for the period ("UBND thành phố Hạ Long" after 1/7/2025): the caller rejects
    such a return (spec §11); it is never exchanged for the unit in force of the same name."""
    codes = list(dict.fromkeys(_code_readings(blocks, matcher)))
    titled, title_text = _name_reading(blocks, matcher)
    if not codes:
        return Identity(titled, title_text)
    (unit, code_text), others = codes[0], [(u, t) for u, t in codes[1:] if u != codes[0][0]]
    if others:
        other, other_text = others[0]
        return Identity(
            None,
            f"{code_text}; {other_text}",
            f"ô '{code_text}' là mã của {_named(unit)} nhưng ô '{other_text}' là mã của {_named(other)}"
            ": tệp không được tính cho đơn vị nào",
            f"two unit codes: {unit.unit_code} and {other.unit_code}",
        )
    if titled is not None and titled != unit and titled.unit_code != unit.unit_code:
        return Identity(
            None,
            f"{title_text}; {code_text}",
            f"tiêu đề '{title_text}' ghi {_named(titled)} nhưng ô '{code_text}' là mã của {_named(unit)}"
            ": tệp không được tính cho đơn vị nào",
            f"the title names unit {titled.unit_code}, the code cell unit {unit.unit_code}",
        )
    return Identity(unit, code_text)


#: tiers from the lowest: the issuing unit of a two-level heading is the lower one
_TIER_ORDER = {"commune": 0, "district": 1, "province": 2}


def _labelled_dates(
    block: list[tuple[int, list[str | None]]], grid: Grid, label_prefixes: tuple[str, ...]
) -> list[tuple[dt.date, str]]:
    """The dates of the cells labelled so ("Ngày báo cáo: 15/10/2024", or the date in a cell after the label),
    each with its text, in reading order."""
    out = []
    for i, cells in block:
        for j, t in enumerate(cells):
            if t and fold(t).startswith(label_prefixes):
                d = find_date_in_text(t)
                if d:
                    out.append((d, t))
                    continue
                for v in grid.rows[i][j + 1 :]:
                    if v is not None:
                        p = parse_date(v)
                        d = p.value or find_date_in_text(v)
                        if d:
                            out.append((d, f"{t} {format_date_vn(d)}"))
                            break
    return out


def _data_untils(block: list[tuple[int, list[str | None]]]) -> list[tuple[dt.date, str]]:
    """The date lines ("(Số liệu lũy kế đến 30/9/2024)") of a title block, each with its text."""
    out = []
    for _, cells in block:
        for t in cells:
            if t and any(p in fold(t) for p in title_words("data_until_phrase")):
                d = find_date_in_text(t)
                if d:
                    out.append((d, t))
    return out


def period_conflict(
    data_until: list[tuple[dt.date, str]], report_dates: list[tuple[dt.date, str]], period: Period
) -> tuple[str, str] | None:
    """Why a return's own dates say it is not of ``period``, the period it is filed under (docs/decisions.md,
    "Identifying a return"), in Vietnamese and English, or None. A date line ("lũy kế đến 30/6/2026") names the
    quarter of its date. A report date names the quarter last closed on that day, or (an early return) its own
    quarter: it contradicts the period when it is neither; when a date line of the period is there, only a
    report date before the period's start does (a late resubmission is still the period's)."""
    filed = f"tệp nằm trong kỳ {period.key} (số liệu lũy kế đến {format_date_vn(period.end)})"
    for day, text in data_until:
        read = period_of_date(day)
        if read != period:
            return (
                f"dòng '{text}' ghi số liệu đến {format_date_vn(day)}, là số liệu kỳ {read.key}, nhưng {filed}",
                f"the date line reads {day:%Y-%m-%d} (period {read.key}), the file is filed under {period.key}",
            )
    for day, text in report_dates:
        read = last_closed_quarter(day)
        if day < period.start:
            return (
                f"'{text}': ngày báo cáo {format_date_vn(day)} có trước ngày đầu kỳ {period.key} "
                f"({format_date_vn(period.start)}), là ngày của báo cáo một kỳ trước, nhưng {filed}",
                f"the report date {day:%Y-%m-%d} is before {period.key} began, the file is filed under {period.key}",
            )
        if not data_until and period not in (read, period_of_date(day)):
            return (
                f"'{text}': ngày báo cáo {format_date_vn(day)} là ngày lập báo cáo kỳ {read.key}, nhưng {filed}",
                f"the report date {day:%Y-%m-%d} is of a return of {read.key}, the file is filed under {period.key}",
            )
    return None


def _sheet_kind(grid: Grid) -> tuple[str | None, bool]:
    """(kind, continued): the sheet's kind by its name, and whether the name marks a continued listing."""
    kind, continued = listing_sheet_kind(grid.name)
    if kind in ("summary", "cooperative", "group"):
        return kind, continued
    return None, False


# ---------------------------------------------------------------- a sheet holding more than one listing
#
# Commune clerks often write the groups under the cooperatives on one sheet, each listing with its own header row
# and usually its own title line ("DANH SÁCH TỔ HỢP TÁC"). The sheet is split at each listing's own header; each
# part is read as its kind, exactly as it would be on a sheet of its own (docs/decisions.md, "Both listings on
# one sheet"). A part keeps the sheet's row numbers: the rows of the other parts are left out of its grid as
# empty rows, never renumbered.


@lru_cache(maxsize=1)
def _listing_titles() -> tuple[tuple[str, str], ...]:
    """(folded phrase, kind) of the names a listing goes by (vocab/sheet_names.csv), longest first."""
    out = {
        (fold(r["name"]), r["sheet_kind"])
        for r in read_vocab_csv("sheet_names.csv")
        if r["sheet_kind"] in LISTING_TYPES and fold(r["name"])
    }
    return tuple(sorted(out, key=lambda p: len(p[0]), reverse=True))


def _title_kinds(text: str) -> set[str]:
    """The listings a title line names ("DANH SÁCH TỔ HỢP TÁC" → group; "… HTX VÀ THT" → both)."""
    f = f" {fold(text)} "
    return {kind for phrase, kind in _listing_titles() if f" {phrase} " in f}


def _title_line(row: list[object], idx: dict[str, int]) -> bool:
    """A row that may stand between two listings as the second one's title: blank, or one or two texts that name a
    listing, give the unit ("Đơn vị tính"), or stand outside the name column."""
    cells = [(j, v) for j, v in enumerate(row) if v is not None]
    if not cells:
        return True
    if len(cells) > 2 or not all(isinstance(v, str) for _, v in cells):
        return False
    for j, v in cells:
        t = clean_text(v) or ""
        if _title_kinds(t) or fold(t).startswith(title_words("unit_line_label")) or j != idx.get("name"):
            continue
        return False
    return True


def _title_start(rows: list[list[object]], lo: int, h: int, idx: dict[str, int]) -> int:
    """The first of the title lines right above the header at ``h`` (not above ``lo``); blank lines before them
    end the listing above."""
    start = h
    while start > lo and _title_line(rows[start - 1], idx):
        start -= 1
    while start < h and not any(v is not None for v in rows[start]):
        start += 1
    return start


def _part_grid(grid: Grid, lo: int, hi: int) -> Grid:
    """The rows lo..hi-1 of ``grid`` at their own places (the rows above left empty: row numbers kept)."""
    merged = [((r1, c1), (min(r2, hi - 1), c2)) for (r1, c1), (r2, c2) in grid.merged if lo <= r1 < hi]
    return Grid(grid.name, [[] for _ in range(lo)] + grid.rows[lo:hi], grid.first_row, merged, grid.hidden)


_FIGURE = re.compile(r"[\d.,\s]+")


def _next_listing(grid: Grid, table: Table) -> tuple[int, Table] | None:
    """(first row, table) of the first listing of ANOTHER kind below ``table``'s header on the sheet: a row that
    is a header of a listing (its fields), of one kind by its fields or by the title line above it; the title
    lines right above the header belong to it. None when the sheet holds one listing."""
    idx = table.field_index()
    rows = grid.rows
    for h in range(table.data_start, len(rows)):
        row = rows[h]
        cells = [v for v in row if v is not None]
        if (
            len(cells) < 2
            or not all(isinstance(v, str) for v in cells)
            or strong_evidence(row, idx)
            or any(_FIGURE.fullmatch(v.strip()) for v in cells)
        ):
            continue  # a header row holds words only
        probe = Grid(grid.name, rows[h : h + MAX_HEADER_ROWS + 1], grid.first_row + h)
        kinds = {k for k in LISTING_TYPES if (t := locate_table(probe, k)) is not None and t.header_index == 0}
        if not kinds:
            continue
        start = _title_start(rows, table.data_start, h, idx)
        named = set().union(
            *(_title_kinds(clean_text(v) or "") for r in rows[start:h] for v in r if isinstance(v, str))
        )
        kind = (
            next(iter(named & kinds))
            if len(named & kinds) == 1
            else next(iter(kinds))
            if len(kinds) == 1 and not named - kinds
            else None
        )
        if kind is None or kind == table.record_type:
            continue  # the listing's own header repeated, or a header of no one kind
        part = Grid(
            grid.name,
            rows[start:],
            grid.first_row + start,
            [((r1 - start, c1), (r2 - start, c2)) for (r1, c1), (r2, c2) in grid.merged if r1 >= start],
        )
        found = locate_table(part, kind)
        if found is None or found.header_index != h - start:
            continue
        return start, dataclasses.replace(found, header_index=h)
    return None


def split_listings(grid: Grid, table: Table) -> list[tuple[Grid, Table]]:
    """The listings a sheet holds, each with its rows and its table: one part per listing's own header."""
    parts: list[tuple[Grid, Table]] = []
    lo = 0
    while True:
        nxt = _next_listing(grid, table)
        if nxt is None:
            parts.append((_part_grid(grid, lo, len(grid.rows)) if lo else grid, table))
            return parts
        start, following = nxt
        parts.append((_part_grid(grid, lo, start), table))
        lo, table = start, following


@dataclass
class _Item:
    """One meaningful row of a listing (entities, headings, totals), in the order of the sheets."""

    kind: str  # ENTITY | HEADING | TOTAL
    sheet: str
    row_number: int
    rc: RowClass | None = None
    values: list[tuple[str, float]] = field(default_factory=list)


def _row_values(row: list[object], table: Table) -> list[tuple[str, float]]:
    idx = table.field_index()
    out = []
    for fld in fields.numeric_fields(table.record_type):  # in the vocabulary's order: the same order in every process
        if fld in idx and idx[fld] < len(row):
            p = parse_number(row[idx[fld]])
            if p.value is not None:
                money = fld in fields.money_fields(table.record_type)
                out.append((fld, p.value * (table.factor_for(fld) if money else 1.0)))
    return out


def _read_listing(
    grid: Grid,
    table: Table,
    ret: ReadResult,
    sres: SheetRead,
    unit_code: str | None,
    items: list[_Item],
    latest_year: int | None = None,
) -> None:
    rt = table.record_type
    numeric = set(fields.numeric_fields(rt))
    idx = table.field_index()
    rows = rows_with_merges_filled(grid, table, numeric)  # vertical merges of sectors/statuses filled down
    start = table.data_start
    if table.header_rows == 0:  # a listing continued without its header: skip its title lines
        start = _first_entity_row(rows, start, table, numeric)
    entity_rows: list[list[object]] = []  # the entity rows, read at once after the loop
    contexts: list[RowContext] = []
    keys: list[str | None] = []
    sections: list[tuple[str | None, str | None]] = []
    section_sector: str | None = None  # the sector the current heading names ("I. Nông nghiệp")
    section_label: str | None = None
    # below the signature only a row that plainly is a cooperative is read (strong_evidence)
    for i, rc in body_rows(
        rows,
        start,
        partial(row_classes, table=table, numeric_fields=numeric),
        sres,
        partial(strong_evidence, idx=idx),
    ):
        row = rows[i]
        excel_row = grid.excel_row(i)
        if rc.kind == HEADING:
            section_sector, section_label = heading_sector(rc.label), rc.label
        elif rc.kind == TOTAL and rc.scope == GRAND:
            section_sector = None
        if rc.kind in (BLANK, NOTE) or rc.kind == HEADING and not rc.has_numbers:
            if rc.kind == HEADING:
                items.append(_Item(HEADING, grid.name, excel_row, rc))
            continue
        if rc.kind in (TOTAL, HEADING):
            items.append(_Item(rc.kind, grid.name, excel_row, rc, _row_values(row, table)))
            continue
        name = clean_text(row[idx["name"]]) if "name" in idx and idx["name"] < len(row) else None
        tax_raw = clean_text(row[idx["tax_code"]]) if "tax_code" in idx and idx["tax_code"] < len(row) else None
        entity_rows.append(row)
        contexts.append(RowContext(ret.source_file, grid.name, excel_row, unit_code))
        keys.append(tax_raw or name)
        sections.append((section_sector, section_label))
        items.append(_Item(ENTITY, grid.name, excel_row))
    for ctx, (section_sector, section_label), parsed in zip(
        contexts, sections, parse_records(entity_rows, table, contexts, keys, latest_year=latest_year)
    ):
        if section_sector and not parsed.values.get("sector_text") and rt in LISTING_TYPES:
            # no sector written on the row: the heading it stands under names it (as a merged cell would)
            parsed.values["sector_text"] = section_label
            parsed.values["sector"] = sector_lookup()[section_sector]
        record = {
            "unit_code": unit_code,
            "source_file": ret.source_file,
            "sheet": grid.name,
            "row_number": ctx.row_number,
            **parsed.values,
        }
        ret.findings.extend(parsed.findings)
        ret.rows(rt).append(record)


def _entities_above(grid: Grid, table: Table, previous: Table) -> bool:
    """Rows above a sheet's header that, under the listing's columns so far, plainly are entities."""
    idx = previous.field_index()
    above = grid.rows[: table.header_index]
    classes = row_classes(above, previous, set(fields.numeric_fields(previous.record_type)))
    return any(rc.kind == ENTITY and strong_evidence(row, idx) for row, rc in zip(above, classes))


def _plainly_continues(grid: Grid, previous: Table) -> bool:
    """A row that, under the listing's columns, plainly is one of its entities: named, with a status or a tax
    code where the listing has them (a note or a chart's data does not pass)."""
    idx = previous.field_index()
    name_j = idx.get("name")
    if name_j is None:
        return False
    named = [
        row
        for row in grid.rows[:MAX_CONTINUATION_PROBE]
        if name_j < len(row) and isinstance(row[name_j], str) and strong_evidence(row, idx)
    ]
    classes = row_classes(named, previous, set(fields.numeric_fields(previous.record_type)))
    return any(rc.kind == ENTITY for rc in classes)


MAX_CONTINUATION_PROBE = 200


def _looks_like_entity(rc: RowClass, row: list[object], idx: dict[str, int]) -> bool:
    name_j = idx.get("name")
    named = name_j is not None and name_j < len(row) and row[name_j] is not None
    return rc.kind == ENTITY and (strong_evidence(row, idx) or (named and rc.has_numbers))


def _first_entity_row(rows: list[list[object]], start: int, table: Table, numeric: set[str]) -> int:
    """The first row from ``start`` that plainly is an entity under ``table``'s columns (``len(rows)``: none),
    the rows classed a block at a time."""
    idx = table.field_index()
    while start < len(rows):
        block = rows[start : start + _PROBE_BLOCK]
        for k, rc in enumerate(row_classes(block, table, numeric)):
            if _looks_like_entity(rc, block[k], idx):
                return start + k
        start += len(block)
    return start


#: rows classed at once while looking for a continued listing's first entity (most start within a few rows)
_PROBE_BLOCK = 32


def listing_total_scopes(items: list[_Item]) -> list[tuple[_Item, tuple, tuple | None]]:
    """Each total row of one listing (all its sheets, in order) with the entity rows it covers, and for a bare
    "Cộng" the other reading's rows (section or whole listing).

    * a grand total covers the entity rows since the previous grand total; one that stands above every entity
      row (under the header) covers the rows after it, to the next grand total;
    * a subtotal ("Cộng I", "Cộng lĩnh vực nông nghiệp", a bare "Cộng" closing a section) covers the rows since
      the previous heading of its level or higher, the previous subtotal of its level, or the previous grand
      total; a heading carrying figures ("I. Nông nghiệp | 12 | 340 …") covers the rows under it to the next
      heading of its level or higher, subtotal or grand total."""

    def entities(lo: int, hi: int) -> tuple:
        return tuple((it.sheet, it.row_number) for it in items[lo:hi] if it.kind == ENTITY)

    resolved: dict[int, str] = {}  # index → GRAND | SUB for totals
    levels: dict[int, int] = {}
    current_level = None
    for p, it in enumerate(items):
        if it.kind == HEADING:
            current_level = it.rc.level if it.rc.level is not None else 1
            levels[p] = current_level
        elif it.kind == TOTAL:
            scope = it.rc.scope
            if scope == PLAIN:
                open_section = False
                for q in range(p - 1, -1, -1):
                    if items[q].kind == HEADING:
                        open_section = True
                        break
                    if items[q].kind == TOTAL:
                        break
                scope = SUB if open_section else GRAND
            resolved[p] = scope
            if scope == SUB:
                levels[p] = it.rc.level if it.rc.level is not None else (current_level or 1)

    def grand_scope(p: int) -> tuple:
        start = 0
        for q in range(p - 1, -1, -1):
            if resolved.get(q) == GRAND:
                start = q + 1
                break
        before = entities(start, p)
        if before:
            return before
        end = next((q for q in range(p + 1, len(items)) if resolved.get(q) == GRAND), len(items))
        return entities(p + 1, end)

    def sub_scope(p: int, level: int) -> tuple:
        start = 0
        for q in range(p - 1, -1, -1):
            it = items[q]
            if (
                resolved.get(q) == GRAND
                or (it.kind == HEADING and levels[q] <= level)
                or (resolved.get(q) == SUB and levels[q] == level)
            ):
                start = q + 1
                break
        return entities(start, p)

    def heading_scope(p: int, level: int) -> tuple:
        end = len(items)
        for q in range(p + 1, len(items)):
            it = items[q]
            if (
                resolved.get(q) == GRAND
                or (it.kind == HEADING and levels[q] <= level)
                or (resolved.get(q) == SUB and levels[q] <= level)
            ):
                end = q
                break
        return entities(p + 1, end)

    out = []
    for p, it in enumerate(items):
        if it.kind == HEADING and it.values:
            out.append((it, heading_scope(p, levels[p]), None))
        elif it.kind == TOTAL:
            if resolved[p] == GRAND:
                scope = grand_scope(p)
                alt = None  # a bare "Cộng" with no open section: the whole listing only
            else:
                scope = sub_scope(p, levels[p])
                if not scope:  # a subtotal placed under its heading
                    scope = heading_scope(p, levels[p])
                alt = grand_scope(p) if it.rc.scope == PLAIN else None
            out.append((it, scope, alt))
    return out


def _record_totals(items: list[_Item], record_type: str, ret: ReadResult) -> None:
    for it, scope, alt in listing_total_scopes(items):
        for fld, value in it.values:
            ret.totals.append(
                {
                    "record_type": record_type,
                    "sheet": it.sheet,
                    "row_number": it.row_number,
                    "field": fld,
                    "value": value,
                    "scope": scope,
                    "alt_scope": alt,
                    "label": it.rc.label,
                }
            )


def _read_summary(grid: Grid, table: Table, ret: ReadResult, unit_code: str | None) -> None:
    """The summary sheet's labelled figures, staged as figures (not counted as rows: see ``ingest.result``)."""
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
        raw, written = scrub_cell(row[idx["value"]] if idx["value"] < len(row) else None)
        if written is not None:  # the one cleaning of every reader (ingest.records.scrub_cell), with its finding
            ret.findings.append(
                unstorable_finding(
                    f"chỉ tiêu '{label}'",
                    written,
                    raw,
                    unit_code=unit_code,
                    entity_key=code or label,
                    source_file=ret.source_file,
                    sheet=grid.name,
                    row_number=grid.excel_row(i),
                )
            )
        p = parse_number(raw)
        if p.value is None:
            continue
        value = p.value
        unit_text = clean_text(row[idx["unit"]]) if "unit" in idx and idx["unit"] < len(row) else None
        factor = money_factor(unit_text) if code is None or code in _MONEY_INDICATORS else None
        if factor is not None:
            value *= factor
        ret.rows("summary").append(
            {
                "unit_code": unit_code,
                "source_file": ret.source_file,
                "sheet": grid.name,
                "row_number": grid.excel_row(i),
                "label": label,
                "indicator_code": code,
                "value": value,
            }
        )
        if p.words_dropped:
            ret.findings.append(
                Finding(
                    "WORDS_DROPPED",
                    f"chỉ tiêu '{label}' ghi '{clean_text(raw)}', đọc là {value:g}",
                    unit_code=unit_code,
                    entity_key=code or label,
                    source_file=ret.source_file,
                    sheet=grid.name,
                    row_number=grid.excel_row(i),
                    value_reported=clean_text(raw),
                    rule="6",
                )
            )


def _is_figure(value: object) -> bool:
    """A cell holding a number, written as a number or as a text that is only a number ("3.030,6")."""
    if value is None or isinstance(value, bool):
        return False
    p = parse_number(value)
    return p.value is not None and not p.words_dropped


def _note_columns_not_understood(grid: Grid, table: Table, ret: ReadResult, unit_code: str | None) -> None:
    """The columns of a sheet's table that no header word names: a note that the column is left out
    (HEADER_UNMAPPED), or, when the rows read from the sheet hold figures in it, a warning that those figures
    are not read (COLUMN_NOT_READ: `kttt check` asks the clerk to fix the header). A spacer column under a group
    header is no column: nothing is said of it unless it holds figures."""
    unknown = [col for col in table.columns if col.field is None]
    if not table.header_rows or not unknown:
        return  # a listing continued without its header: its columns were spoken of on its first sheet
    staged = [r["row_number"] - grid.first_row for r in ret.rows(table.record_type) if r.get("sheet") == grid.name]
    for col in unknown:
        figures = sum(
            1
            for i in staged
            if 0 <= i < len(grid.rows) and col.index < len(grid.rows[i]) and _is_figure(grid.rows[i][col.index])
        )
        if figures:
            ret.findings.append(
                Finding(
                    "COLUMN_NOT_READ",
                    f"cột '{col.header}' có số liệu ở {figures} dòng nhưng tiêu "
                    "đề cột không nhận diện được: số liệu của cột không được đọc",
                    unit_code=unit_code,
                    entity_key=ret.source_file,
                    source_file=ret.source_file,
                    sheet=grid.name,
                    row_number=grid.excel_row(table.header_index),
                    value_reported=col.header,
                )
            )
        elif not col.under_group:
            ret.findings.append(
                Finding(
                    "HEADER_UNMAPPED",
                    f"cột '{col.header}' không nhận diện được, bỏ qua",
                    unit_code=unit_code,
                    entity_key=ret.source_file,
                    source_file=ret.source_file,
                    sheet=grid.name,
                    row_number=grid.excel_row(table.header_index),
                )
            )


#: indicators measured in money (their unit in indicators.csv names đồng): only these take a money unit factor
_MONEY_INDICATORS = {i.code for i in indicators() if "đồng" in i.unit}


def read_unit_return(workbook: Workbook, source_file: str, matcher: UnitMatcher) -> ReadResult:
    """Read a unit return: find its tables, identify the unit, stage every row.

    A listing may continue on further sheets ("DS HTX (tiếp)", with or without its header): all its sheets are
    one listing. A hidden sheet is read only when no visible sheet holds a table of its kind. A return without a
    listing table is not loadable (``error_vi``); whether its unit is the period's is the reader loop's to say."""
    ret = ReadResult(source_file, workbook.path, {rt: [] for rt in RECORD_TYPES})
    located: list[tuple[Grid, str, Table | None]] = []
    last_table: dict[str, Table] = {}
    for grid in workbook.sheets:
        kind, continued = _sheet_kind(grid)
        lead: list[tuple[Grid, Table]] = []  # a part continuing the previous listing above this sheet's header
        kinds = [kind] if kind else ["cooperative", "group", "summary"]
        table = None
        for k in kinds:
            table = locate_table(grid, k)
            if table is not None:
                kind = k
                break
        if (
            kind == "cooperative"
            and len(kinds) > 1
            and (groups := locate_table(grid, "group")) is not None
            and groups.header_index < table.header_index
        ):
            kind, table = "group", groups  # a sheet named anyhow: its first listing is the one read first
        if table is None and continued and kind in last_table:
            table = last_table[kind].continued()
        elif (
            table is None
            and not grid.hidden
            and kind is None
            and located
            and located[-1][2] is not None
            and located[-1][2].record_type in LISTING_TYPES
            and _plainly_continues(grid, last_table[located[-1][2].record_type])
        ):
            # a sheet named anyhow ("Sheet2") right after a listing, holding more of its rows without a header
            kind = located[-1][2].record_type
            table = last_table[kind].continued()
        elif (
            table is not None
            and table.record_type in LISTING_TYPES
            and located
            and located[-1][2] is not None
            and located[-1][2].record_type in LISTING_TYPES
            and located[-1][2].record_type != table.record_type
            and _entities_above(grid, table, previous := last_table[located[-1][2].record_type])
        ):
            # the previous listing continued without its header, then the other listing under its own header
            start = _title_start(grid.rows, 0, table.header_index, previous.field_index())
            lead = [(_part_grid(grid, 0, start), previous.continued())]
            grid = _part_grid(grid, start, len(grid.rows))
        elif (
            table is not None
            and table.record_type in last_table
            and _entities_above(grid, table, last_table[table.record_type])
        ):
            # a continued sheet whose first header is a print title repeated further down
            table = last_table[table.record_type].continued()
        elif table is not None and table.unit_line_factor is None and table.record_type in last_table:
            # a further sheet of the listing without its own "Đơn vị tính" line keeps the listing's unit
            table.unit_line_factor = last_table[table.record_type].unit_line_factor
        parts = lead + (
            split_listings(grid, table) if table is not None and table.record_type in LISTING_TYPES else [(grid, table)]
        )
        for part, (grid, table) in enumerate(parts):
            if part and table.header_rows and table.unit_line_factor is None and table.record_type in last_table:
                table.unit_line_factor = last_table[table.record_type].unit_line_factor
            if table is not None and table.record_type in LISTING_TYPES:
                last_table[table.record_type] = table
            located.append((grid, (table.record_type if part or lead else kind) or "unknown", table))
    visible_kinds = {t.record_type for g, _, t in located if t is not None and not g.hidden}
    for n, (grid, kind, table) in enumerate(located):
        if grid.hidden and table is not None and table.record_type in visible_kinds:
            located[n] = (grid, "hidden", None)  # an old or helper copy behind a visible listing
    for grid, kind, table in located:
        ret.sheet(grid.name, kind, table)
    blocks = [_title_block(grid, table) if table is None or table.header_rows else [] for grid, _, table in located]
    identity = identify_return(blocks, matcher)
    ret.unit, ret.unit_evidence = identity.unit, identity.evidence
    report_dates = [
        r
        for (grid, _, _), block in zip(located, blocks)
        for r in _labelled_dates(block, grid, title_words("report_date_label"))
    ]
    data_until = [d for block in blocks for d in _data_untils(block)]
    ret.report_date = report_dates[0][0] if report_dates else None
    ret.data_until = data_until[0][0] if data_until else None
    unit_code = ret.unit.unit_code if ret.unit else None
    items: dict[str, list[_Item]] = {rt: [] for rt in LISTING_TYPES}
    for (grid, kind, table), sres in zip(located, ret.sheets):
        if table is None:
            continue
        if table.record_type in LISTING_TYPES:
            _read_listing(
                grid,
                table,
                ret,
                sres,
                unit_code,
                items[table.record_type],
                matcher.period.year if matcher.period else None,
            )
        elif table.record_type == "summary":
            _read_summary(grid, table, ret, unit_code)
        _note_columns_not_understood(grid, table, ret, unit_code)
    for rt in LISTING_TYPES:
        _record_totals(items[rt], rt, ret)
    if not any(s.table is not None and s.kind in LISTING_TYPES for s in ret.sheets):
        ret.error_vi = (
            "không tìm thấy bảng danh sách HTX/THT nhận diện được (cần dòng tiêu đề có cột 'Tên HTX'/"
            "'Tên THT' và các cột số liệu)"
        )
        ret.error_en = "no recognisable listing table"
    # a return whose title block contradicts itself or the period it is filed under is rejected naming both
    # readings (docs/decisions.md, "Identifying a return"); it never stands for another unit or quarter
    conflict = None
    if identity.conflict_vi:
        conflict = ("UNIT_CONFLICT", identity.conflict_vi, identity.conflict_en)
    elif matcher.period is not None and (dates := period_conflict(data_until, report_dates, matcher.period)):
        conflict = ("PERIOD_CONFLICT", *dates)
    if conflict is not None and ret.error_vi is None:
        ret.error_kind, ret.error_vi, ret.error_en = conflict
    return ret
