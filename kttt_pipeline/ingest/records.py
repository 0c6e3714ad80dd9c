"""Turning a classified table row into a typed record, with the findings reading it raised."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from kttt_pipeline.core import fields
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.tax_codes import parse_tax_codes
from kttt_pipeline.core.text import clean_text, clean_texts, fold, has_unstorable, storable, visible
from kttt_pipeline.core.values import (
    parse_dates,
    parse_marks,
    parse_number,
    parse_numbers,
)
from kttt_pipeline.core.vocabulary import grade_lookup, sector_lookup, status_lookup
from kttt_pipeline.ingest.headers import Table

#: the finding of a grade text not in vocab/grades.csv: the cooperative counts as not graded (§7.8)
_GRADE_UNKNOWN = "xếp loại '{}' không có trong danh mục: coi như chưa xếp loại"


@dataclass(slots=True)
class RowContext:
    source_file: str
    sheet: str
    row_number: int
    unit_code: str | None


@dataclass(slots=True)
class ParsedRow:
    values: dict[str, object]
    findings: list[Finding] = field(default_factory=list)


def scrub_cell(value: object) -> tuple[object, str | None]:
    """A cell with the characters no warehouse can store removed (:func:`kttt_pipeline.core.text.storable`: NUL
    and the other control characters, lone surrogates, Excel's ``_x0000_`` escapes), and the cell as written,
    shown visibly, when some were (else None). Every reader cleans its cells with this before reading them."""
    if isinstance(value, str) and has_unstorable(value):
        return storable(value), visible(value)
    return value, None


def scrub_column(cells: list[object]) -> tuple[list[object], dict[int, str]]:
    """:func:`scrub_cell` of every cell of a column: the cleaned cells, and row → the cell as written (shown
    visibly) for the rows where characters were removed. A column without any is returned as it is."""
    texts = [v for v in cells if isinstance(v, str)]
    # joined by a space: printable, and no escape is made or hidden across two cells
    if not texts or not has_unstorable(" ".join(texts)):
        return cells, {}
    out, shown = list(cells), {}
    for i, v in enumerate(cells):
        out[i], written = scrub_cell(v)
        if written is not None:
            shown[i] = written
    return out, shown


def unstorable_detail(label: str, written: str, kept: object) -> str:
    """The finding's sentence for a cell whose unstorable characters were removed (``kept``: the value read)."""
    kept = clean_text(kept)
    what = f"đọc là '{kept}'" if kept is not None else "ô để trống"
    return (
        f"{label}: ô ghi '{written}' có ký tự không lưu được (ký tự điều khiển hoặc mã _xHHHH_ của Excel), "
        f"đã bỏ các ký tự đó, {what}"
    )


def unstorable_finding(label: str, written: str, kept: object, **where) -> Finding:
    """The finding of a cell cleaned by :func:`scrub_cell` (``where``: unit, file, sheet, row …)."""
    return Finding(
        "UNSTORABLE_REMOVED",
        unstorable_detail(label, written, kept),
        value_reported=written,
        value_computed=clean_text(kept),
        rule="6.1",
        **where,
    )


def _column(rows: Sequence[list[object]], idx: dict[str, int], fld: str, shortest: int) -> list[object]:
    """The cells of a field's column, ``_cell`` of every row (None where the field has no column or the row
    stops before it)."""
    j = idx.get(fld)
    if j is None:
        return [None] * len(rows)
    if j < shortest:
        return list(map(itemgetter(j), rows))
    return [r[j] if j < len(r) else None for r in rows]


def _text_cell(v: object) -> object:
    """A text field's cell as a text: a whole float is written as an integer ("12")."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def map_codes(texts: Sequence[str | None], lookup: dict[str, str]) -> list[str | None]:
    """The code of every text of a column, in order: the code of its folded text, else of the first key written
    the same without spaces ("Khá" for "K há"), else None. Each distinct text is looked up once."""
    compact: dict[str, str] | None = None
    seen: dict[str | None, str | None] = {}
    out = []
    for text in texts:
        if text in seen:
            out.append(seen[text])
            continue
        f = fold(text)
        if not f:
            code = None
        elif f in lookup:
            code = lookup[f]
        else:
            if compact is None:
                compact = {}
                for k, v in lookup.items():
                    compact.setdefault(k.replace(" ", ""), v)
            code = compact.get(f.replace(" ", ""))
        seen[text] = code
        out.append(code)
    return out


def parse_records(
    rows: Sequence[list[object]],
    table: Table,
    contexts: Sequence[RowContext],
    provisional_keys: Sequence[str | None] | None = None,
    *,
    latest_year: int | None = None,
) -> list[ParsedRow]:
    """The entity rows of one table read into typed records, column by column: for row ``i`` its values (the
    same keys in the same order for every row of a record type) and the findings reading it raised, in order.

    Contract for a reader: collect the ENTITY rows of a sheet's table (``rows[i]`` the row's cells as the grid
    holds them, rows may be shorter than the header; ``contexts[i]`` its :class:`RowContext`;
    ``provisional_keys[i]`` the key its findings carry, or ``provisional_keys=None`` for none), call this once
    with the table they are read under, and use ``result[i]`` for row ``i``. The table must be complete (its
    columns and unit line) before the call; the rows are not changed. A reader's loop is::

        entities = [i for i, rc in body_rows(...) if rc.kind == ENTITY]   # body_rows only counts the rows
        rows = [grid.rows[i] for i in entities]
        contexts = [RowContext(source_file, grid.name, grid.excel_row(i), unit_code) for i in entities]
        for i, parsed in zip(entities, parse_records(rows, table, contexts, keys)):
            ...  # in row order: findings extended, record appended

    Each column's converter is chosen once, from the table's field index and the fields' kinds
    (vocab/fields.csv): numbers are read by :func:`parse_numbers` (real numbers as a numpy array, a money
    column's unit applied to the whole column), dates by :func:`parse_dates`, tax codes by
    :func:`parse_tax_codes`, marks by :func:`parse_marks`, texts by :func:`clean_texts`, codes by
    :func:`map_codes`; a value written in many rows (a status, a sector, a grade, a date, "-") is read once."""
    n = len(rows)
    if len(contexts) != n or (provisional_keys is not None and len(provisional_keys) != n):
        raise ValueError("parse_records: one context (and one provisional key) per row")
    if n == 0:
        return []
    keys = provisional_keys if provisional_keys is not None else [None] * n
    rt = table.record_type
    idx = table.field_index()
    shortest = min(map(len, rows))
    names: list[str] = []  # the values' keys, in order
    columns: list[list[object]] = []
    findings: list[list[Finding]] = [[] for _ in range(n)]

    def finding(i: int, kind: str, detail: str, **kw: object) -> None:
        ctx = contexts[i]
        findings[i].append(
            Finding(
                kind,
                detail,
                unit_code=ctx.unit_code,
                entity_key=keys[i],
                source_file=ctx.source_file,
                sheet=ctx.sheet,
                row_number=ctx.row_number,
                **kw,
            )
        )

    def column(fld: str) -> list[object]:
        """The field's cells, cleaned (:func:`scrub_column`); a finding for each cell cleaned."""
        cells, written = scrub_column(_column(rows, idx, fld, shortest))
        for i in sorted(written):
            finding(
                i,
                "UNSTORABLE_REMOVED",
                unstorable_detail(fields.label_in_text(rt, fld), written[i], cells[i]),
                value_reported=written[i],
                value_computed=clean_text(cells[i]),
                rule="6.1",
            )
        return cells

    for fld in fields.text_fields(rt):
        names.append(fld)
        columns.append(clean_texts([v if type(v) is str else _text_cell(v) for v in column(fld)]))
    if rt in ("cooperative", "union", "credit_fund", "tax"):
        codes = parse_tax_codes(column("tax_code"))
        names += ["tax_code_raw", "tax_code", "tax_code_parent", "tax_code_valid"]
        columns += [codes.written, codes.code, codes.parent, codes.valid]
    unreadable: list[dict[str, str] | None] = [None] * n  # numeric cells holding text that is not a number (§7.6)
    money = set(fields.money_fields(rt))
    for fld in fields.numeric_fields(rt):
        raw = column(fld)
        numbers = parse_numbers(raw, table.factor_for(fld) if fld in money else 1.0)
        for i in sorted(numbers.errors.keys() | numbers.words_dropped.keys()):
            written = clean_text(raw[i])
            if i in numbers.errors:
                row_unreadable = unreadable[i]
                if row_unreadable is None:
                    row_unreadable = unreadable[i] = {}
                row_unreadable[fld] = written or str(raw[i])
                finding(
                    i,
                    "VALUE_UNREADABLE",
                    f"{fields.label_in_text(rt, fld)}: không đọc được '{written}' (để trống)",
                    value_reported=written,
                    rule="6",
                )
            else:  # the value as read, before the column's unit
                value = parse_number(raw[i]).value
                finding(
                    i,
                    "WORDS_DROPPED",
                    f"{fields.label_in_text(rt, fld)} ghi '{written}', đọc là {value:g}",
                    value_reported=written,
                    value_computed=f"{value:g}",
                    rule="6",
                )
        names.append(fld)
        columns.append(numbers.values)
    if rt != "tax":
        names.append("values_unreadable")
        columns.append(unreadable)
    for fld in fields.date_fields(rt):
        raw = column(fld)
        dates = parse_dates(raw, latest_year)
        for i in sorted(dates.errors):
            written = clean_text(raw[i])
            finding(
                i,
                "VALUE_UNREADABLE",
                f"{fields.label_in_text(rt, fld)}: không đọc được ngày '{written}'",
                value_reported=written,
                rule="6",
            )
        names.append(fld)
        columns.append(dates.values)
    for fld in fields.mark_fields(rt):
        raw = column(fld)
        read = parse_marks(raw)
        for i, m in enumerate(read):
            if m is None:
                written = clean_text(raw[i])
                finding(
                    i,
                    "VALUE_UNREADABLE",
                    f"{fields.label_in_text(rt, fld)}: đánh dấu '{written}' không rõ (coi là không)",
                    value_reported=written,
                    rule="6",
                )
                read[i] = False
        names.append(fld)
        columns.append(read)
    if rt in ("cooperative", "group", "union"):
        texts = clean_texts(column("sector"))
        names += ["sector_text", "sector"]
        columns += [texts, map_codes(texts, sector_lookup())]
    if rt == "cooperative":
        statuses = clean_texts(column("status"))
        status_codes = map_codes(statuses, status_lookup())
        grades = clean_texts(column("grade"))
        grade_codes = map_codes(grades, grade_lookup())
        names += ["status_text", "status", "grade_text", "grade"]
        columns += [statuses, status_codes, grades, grade_codes]
        for i, (st, code, gr, grade) in enumerate(zip(statuses, status_codes, grades, grade_codes)):
            if st and code is None:
                finding(i, "STATUS_UNKNOWN", f"tình trạng '{st}' không có trong danh mục", value_reported=st, rule="3")
            if gr and grade is None:
                finding(i, "GRADE_UNKNOWN", _GRADE_UNKNOWN.format(gr), value_reported=gr, rule="3")
    if rt == "tax":
        names.append("status_raw")
        columns.append(clean_texts(column("status")))
    if not columns:
        return [ParsedRow({}, found) for found in findings]
    return [ParsedRow(dict(zip(names, values)), found) for values, found in zip(zip(*columns), findings)]
