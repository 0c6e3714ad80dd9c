"""§7.5 Detail over summary: every figure computable from listing rows is computed from them; the unit's
summary sheet and the listings' total rows are compared with the detail and each difference is recorded."""

from __future__ import annotations

import pandas as pd

from ..findings import Finding

# listing total-row field → how the detail is summed (the rows written in that sheet, as read)
TOTAL_FIELDS = {
    "cooperative": ["members", "workers", "member_workers", "managers", "managers_primary_secondary",
                    "managers_college_plus", "charter_capital", "revenue", "profit", "ocop_products"],
    "group": ["members", "revenue"],
    "union": ["member_htx", "workers", "charter_capital"],
    "credit_fund": ["members", "workers", "managers", "total_capital", "equity", "mobilised", "loans"],
}
TOTAL_ROW_INDICATOR = {
    ("union", "member_htx"): "LHHTX_MEMBER_HTX", ("union", "workers"): "LHHTX_WORKERS",
    ("union", "charter_capital"): "LHHTX_CHARTER_CAPITAL", ("credit_fund", "members"): "QTDND_MEMBERS",
    ("credit_fund", "workers"): "QTDND_WORKERS", ("credit_fund", "managers"): "QTDND_MANAGERS",
    ("credit_fund", "total_capital"): "QTDND_TOTAL_CAPITAL", ("credit_fund", "equity"): "QTDND_EQUITY",
    ("credit_fund", "mobilised"): "QTDND_MOBILISED", ("credit_fund", "loans"): "QTDND_LOANS",
    ("cooperative", "members"): "HTX_MEMBERS", ("cooperative", "workers"): "HTX_WORKERS",
    ("cooperative", "member_workers"): "HTX_MEMBER_WORKERS", ("cooperative", "managers"): "HTX_MANAGERS",
    ("cooperative", "managers_primary_secondary"): "HTX_MANAGERS_PRIMARY_SECONDARY",
    ("cooperative", "managers_college_plus"): "HTX_MANAGERS_COLLEGE_PLUS",
    ("cooperative", "charter_capital"): "HTX_CHARTER_CAPITAL", ("group", "members"): "THT_MEMBERS",
}
LISTING_LABEL_VI = {"cooperative": "Danh sách HTX", "group": "Danh sách THT", "union": "LHHTX", "credit_fund": "QTDND"}


def fmt_number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.1f}"


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
            findings.append(Finding(
                "SUMMARY_MISMATCH",
                f"Biểu tổng hợp ghi '{rec.label}' = {fmt_number(rec.value)}, số tính từ danh sách chi tiết là "
                f"{fmt_number(computed)}: dùng số chi tiết",
                unit_code=rec.unit_code, entity_key=code, source_file=rec.source_file, sheet=rec.sheet,
                row_number=int(rec.row_number), value_reported=fmt_number(rec.value),
                value_computed=fmt_number(computed), rule="7.5"))
    return findings


def compare_total_rows(totals: pd.DataFrame, detail: dict[tuple[str, str, str], pd.DataFrame],
                       unit_of_file: dict[str, str | None]) -> list[Finding]:
    """Listing total rows against the sum of the rows written in that sheet.

    ``totals``: source_file, record_type, sheet, row_number, field, value. ``detail`` maps
    (source_file, sheet, record_type) to the rows read from that sheet (quarantined rows included).
    """
    findings = []
    sums: dict[tuple[str, str, str, str], float] = {}
    for rec in totals.itertuples(index=False):
        if rec.field not in TOTAL_FIELDS.get(rec.record_type, ()):
            continue  # an average (income per worker, revenue per group) is not the sum of its rows
        rows = detail.get((rec.source_file, rec.sheet, rec.record_type))
        if rows is None or rec.field not in rows:
            continue
        key4 = (rec.source_file, rec.sheet, rec.record_type, rec.field)
        if key4 not in sums:
            sums[key4] = float(pd.to_numeric(rows[rec.field], errors="coerce").fillna(0).sum())
        computed = sums[key4]
        if differs(rec.value, computed):
            unit = unit_of_file.get(rec.source_file)
            key = TOTAL_ROW_INDICATOR.get((rec.record_type, rec.field), rec.field)
            label = LISTING_LABEL_VI.get(rec.record_type, rec.record_type)
            findings.append(Finding(
                "SUMMARY_MISMATCH",
                f"Dòng tổng cộng của '{label}' ghi {fmt_number(rec.value)}, cộng các dòng chi tiết được "
                f"{fmt_number(computed)}: dùng số chi tiết",
                unit_code=unit, entity_key=key, source_file=rec.source_file, sheet=rec.sheet,
                row_number=int(rec.row_number), value_reported=fmt_number(rec.value),
                value_computed=fmt_number(computed), rule="7.5"))
    return findings
