"""§7.5 Detail over summary: every figure computable from listing rows is computed from them; the unit's
summary sheet and the listings' total rows are compared with the detail and each difference is recorded."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kttt_pipeline.core import fields
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.numfmt import format_number
from kttt_pipeline.core.vocabulary import record_type_label


def plain_number(value: float | None) -> str:
    """A figure as stored in ``dq_issue.value_reported`` / ``value_computed`` ("5500", "3030.6"): plain text a
    machine reads back; the findings sheet shows it the Vietnamese way, and the detail uses ``format_number``."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value)}"
    # twelve significant digits: the figure as read (".6g" wrote 123456.7 as "123457"), without float noise
    return f"{value:.12g}"


def differs(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) > 0.05 + 1e-9 * max(abs(a), abs(b))


def compare_summary(summary: pd.DataFrame, unit_values: dict[str, dict[str, float | None]]) -> list[Finding]:
    """Summary-sheet figures (unit_code, indicator_code, value, …) against the unit's computed indicators."""
    findings = []
    for rec in summary.itertuples(index=False):
        code = rec.indicator_code
        if not isinstance(code, str) or rec.unit_code not in unit_values:
            continue
        computed = unit_values[rec.unit_code].get(code)
        if differs(rec.value, computed):
            findings.append(
                Finding(
                    "SUMMARY_MISMATCH",
                    f"Biểu tổng hợp ghi '{rec.label}' = {format_number(rec.value, 2)}, "
                    f"số tính từ danh sách chi tiết là {format_number(computed, 2)}: dùng số chi tiết",
                    unit_code=rec.unit_code,
                    entity_key=code,
                    source_file=rec.source_file,
                    sheet=rec.sheet,
                    row_number=int(rec.row_number),
                    value_reported=plain_number(rec.value),
                    value_computed=plain_number(computed),
                    rule="7.5",
                )
            )
    return findings


def _has_scope(value: object) -> bool:
    return isinstance(value, (tuple, list))


Detail = dict[tuple[str, str, str], pd.DataFrame]


def _with_field(detail: Detail, rt: str, fld: str) -> list[tuple[object, object, pd.DataFrame]]:
    """(file, sheet, rows) of every sheet of the period listing record type ``rt`` with column ``fld``."""
    return [(s_src, s_sheet, rows) for (s_src, s_sheet, s_rt), rows in detail.items() if s_rt == rt and fld in rows]


def _numbers(parts: list[tuple[object, object, pd.DataFrame]], fld: str) -> pd.Series:
    """The figure ``fld`` of the rows of ``parts`` (0 when not a number), converted once over all of them."""
    return pd.to_numeric(pd.concat([rows[fld] for _, _, rows in parts], ignore_index=True), errors="coerce").fillna(0)


class ScopeSums:
    """The sums of the detail rows the totals of a period cover (a total's ``scope``: (sheet, row_number) pairs,
    in order, of the file's detail rows; a row not in the detail adds 0, a cell that is not a number too), all at
    once. The detail rows with a field are numbered once (every sheet of the period; the fields of one listing
    share their sheets, hence their numbers); each field's figures are an array over those numbers, converted
    once; each scope becomes row numbers once (the figures of one total row share their scope); each sum is an
    ordered accumulation over the array (the rows added one by one in the scope's order, so the same float)."""

    def __init__(self, detail: Detail, origins: Origins | None = None):
        self.detail = detail
        #: where the sheets' rows are in their listings (:func:`detail_of`), when the caller knows
        self.origins = origins or {}
        #: the sheets with a field → the number of their numbering (a period has one or two sets of sheets)
        self._sheet_sets: dict[tuple, int] = {}
        #: numbering → (file → (sheet, row_number) → number, how many): a number not given is a 0
        self._rows: list[tuple[dict[str, dict[tuple[str, int], int]], int]] = []
        self._fields: dict[tuple[str, str], tuple[int, np.ndarray]] = {}
        self._scopes: dict[tuple[int, str, int], tuple[object, np.ndarray]] = {}

    def _listing_column(self, rt: str, parts: list, fld: str) -> pd.Series | None:
        """Column ``fld`` of every sheet of ``parts`` (file, sheet, rows of ``rt``), in order, read at once from
        the listing the sheets were cut from (the same values, of the same type); None when that is not known
        (the column is then read sheet by sheet)."""
        origin = self.origins.get(rt)
        if origin is None or not parts:
            return None
        listing, where = origin
        keys = [(s_src, s_sheet) for s_src, s_sheet, _rows in parts]
        if fld not in listing or not all(k in where for k in keys):
            return None
        return listing[fld].iloc[np.concatenate([where[k] for k in keys])]

    def _numbered(self, rt: str, parts: list) -> int:
        """The numbering of the detail rows of ``parts`` (file, sheet, rows of ``rt``), made once per set of
        sheets."""
        sheets = (rt, tuple((s_src, s_sheet) for s_src, s_sheet, _rows in parts))
        if sheets not in self._sheet_sets:
            position: dict[str, dict[tuple[str, int], int]] = {}
            n = 0
            column = self._listing_column(rt, parts, "row_number")
            numbers = None if column is None else iter(column)
            for s_src, s_sheet, rows in parts:
                of_file, sheet = position.setdefault(str(s_src), {}), str(s_sheet)
                for r in rows["row_number"] if numbers is None else (next(numbers) for _ in range(len(rows))):
                    of_file[(sheet, int(r))] = n
                    n += 1
            self._sheet_sets[sheets] = len(self._rows)
            self._rows.append((position, n))
        return self._sheet_sets[sheets]

    def _field(self, rt: str, fld: str) -> tuple[int, np.ndarray]:
        """The numbering of the sheets listing ``rt`` with ``fld`` and the figures over it, a last 0 for a row
        not in the detail."""
        key = (rt, fld)
        if key not in self._fields:
            parts = _with_field(self.detail, rt, fld)
            sheets = self._numbered(rt, parts)
            _position, n = self._rows[sheets]
            values = np.zeros(n + 1)
            if parts:
                column = self._listing_column(rt, parts, fld)
                nums = (
                    _numbers(parts, fld)
                    if column is None
                    else pd.to_numeric(column.reset_index(drop=True), errors="coerce").fillna(0)
                )  # as _numbers does
                values[:n] = (
                    nums.to_numpy(dtype=float)
                    if nums.dtype.kind in "biuf"
                    else np.fromiter((float(v) for v in nums), dtype=float, count=len(nums))
                )
            self._fields[key] = (sheets, values)
        return self._fields[key]

    def _positions(self, sheets: int, src: str, scope) -> np.ndarray:
        key = (sheets, src, id(scope))
        hit = self._scopes.get(key)
        if hit is None or hit[0] is not scope:
            position, n = self._rows[sheets]
            of_file = position.get(src, {})
            hit = (
                scope,
                np.fromiter((of_file.get((sh, int(r)), n) for sh, r in scope), dtype=np.intp, count=len(scope)),
            )
            self._scopes[key] = hit
        return hit[1]

    def total(self, src: str, rt: str, fld: str, scope) -> float:
        sheets, values = self._field(rt, fld)
        picked = values[self._positions(sheets, src, scope)]
        # 0.0 first, as sum() starts: then the same additions, left to right (overflowing to inf silently, as
        # sum() does)
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.cumsum(np.concatenate([np.zeros(1), picked]))[-1])


def compare_total_rows(
    totals: pd.DataFrame,
    detail: dict[tuple[str, str, str], pd.DataFrame],
    unit_of_file: dict[str, str | None],
    origins: Origins | None = None,
) -> list[Finding]:
    """Listing total rows against the sum of the detail rows they cover.

    ``totals``: source_file, record_type, sheet, row_number, field, value and, from the readers of listings,
    scope (the (sheet, row_number) pairs of the entity rows the total covers: its section for a subtotal, the
    whole listing, over all its sheets, for a grand total), alt_scope and label. Without a scope a total covers
    the rows written in its sheet. ``detail`` maps (source_file, sheet, record_type) to the rows read from that
    sheet (quarantined rows included). A bare "Cộng" whose figures fit its other reading (alt_scope: the whole
    listing rather than its section, or the reverse) is taken in that reading.
    """
    findings = []
    sums: dict[tuple[str, str, str, str], float] = {}
    scope_sum = ScopeSums(detail, origins).total

    frame = totals.to_dict("records")
    rows_of_total: dict[tuple, list[dict]] = {}
    for rec in frame:
        rows_of_total.setdefault((rec["source_file"], rec["sheet"], rec["row_number"]), []).append(rec)
    # vocab/fields.csv: the figures a listing's total row carries as the sum of its rows (as read), and the
    # indicator each is the sum of (a difference is recorded under it)
    sum_indicators = fields.sum_indicators()
    for rec in frame:
        rt, fld, src = rec["record_type"], rec["field"], rec["source_file"]
        if fld not in fields.total_row_fields(rt):
            continue  # an average (income per worker, revenue per group) is not the sum of its rows
        scope = rec.get("scope")
        if _has_scope(scope):
            computed = scope_sum(src, rt, fld, scope)
            n_rows = len(scope)
        else:
            rows = detail.get((src, rec["sheet"], rt))
            if rows is None or fld not in rows:
                continue
            key4 = (src, rec["sheet"], rt, fld)
            if key4 not in sums:
                sums[key4] = float(pd.to_numeric(rows[fld], errors="coerce").fillna(0).sum())
            computed = sums[key4]
            n_rows = len(rows)
        if not differs(rec["value"], computed):
            continue
        alt = rec.get("alt_scope")
        if _has_scope(alt):
            # the other reading of a bare "Cộng" fits every figure of its row: that is what the clerk meant
            siblings = [
                r
                for r in rows_of_total[(src, rec["sheet"], rec["row_number"])]
                if r["field"] in fields.total_row_fields(rt)
            ]
            if all(not differs(r["value"], scope_sum(src, rt, r["field"], alt)) for r in siblings):
                continue
        unit = unit_of_file.get(src)
        key = sum_indicators.get((rt, fld), fld)
        listing = record_type_label(rt)
        label = rec.get("label")
        what = f"Dòng '{label}'" if isinstance(label, str) and label else "Dòng tổng cộng"
        findings.append(
            Finding(
                "SUMMARY_MISMATCH",
                f"{what} của '{listing}' ghi {format_number(rec['value'], 2)}, cộng {n_rows} dòng chi tiết được "
                f"{format_number(computed, 2)}: dùng số chi tiết",
                unit_code=unit,
                entity_key=key,
                source_file=src,
                sheet=rec["sheet"],
                row_number=int(rec["row_number"]),
                value_reported=plain_number(rec["value"]),
                value_computed=plain_number(computed),
                rule="7.5",
            )
        )
    return findings


def compare_with_detail(
    summary: pd.DataFrame,
    totals: pd.DataFrame,
    listings: dict[str, pd.DataFrame],
    load_audit: pd.DataFrame,
    values: dict[str, dict[str, float | None]],
) -> list[Finding]:
    """§7.5 for a period: each unit's summary sheet against its computed indicators (``values``), each total row
    against the rows it covers (``listings``: record type → the rows as read, quarantined rows included)."""
    detail, origins = detail_of(listings)
    unit_of_file = {r.source_file: r.unit_code for r in load_audit.itertuples()}
    return compare_summary(summary, values) + compare_total_rows(totals, detail, unit_of_file, origins)


#: record type → (its listing, (file, sheet) → the positions of that sheet's rows in the listing)
Origins = dict[str, tuple[pd.DataFrame, dict]]


def detail_of(listings: dict[str, pd.DataFrame]) -> tuple[Detail, Origins]:
    """The detail of :func:`compare_total_rows` (each sheet's rows of each listing) and where each sheet's rows
    are in their listing (to read a field of every sheet at once: a column of thousands of small frames is
    slow to read one frame at a time)."""
    detail: Detail = {}
    origins: Origins = {}
    for record_type, rows in listings.items():
        grouped = rows.groupby(["source_file", "sheet"])
        for (src, sheet), g in grouped:
            detail[(src, sheet, record_type)] = g
        origins[record_type] = (rows, grouped.indices)
    return detail, origins
