"""The plausibility rules of spec §7.6 as a pandera schema.

``plausibility_schema`` holds the row rules whose failures send a row to quarantine. The shape of each staging
frame (columns, types, value sets) is the schema layer's (:mod:`kttt_pipeline.schema.frames`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from kttt_pipeline.core import fields
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.vocabulary import sector_codes, status_codes

#: the canonical codes (vocab/sector_codes.csv, status_codes.csv)
SECTORS = list(sector_codes("cooperative"))
STATUSES = list(status_codes())

RULE_REASONS_VI = {
    "mw_gt_workers": "số lao động là thành viên lớn hơn tổng số lao động",
    "managers_breakdown_gt_total": "số CBQL theo trình độ (sơ cấp, trung cấp + cao đẳng, đại học) lớn hơn tổng số CBQL",
    "negative_value": "có số âm (số người hoặc số tiền không được âm)",
    "registered_after_period": "ngày thành lập sau ngày kết thúc kỳ báo cáo",
    "dissolved_before_registered": "ngày giải thể trước ngày thành lập",
    "missing_name": "thiếu tên",
    "implausible_number": "số người không phải số nguyên hoặc quá lớn, hoặc số tiền không xác định (ví dụ mã số "
    "thuế ghi nhầm vào cột số thành viên)",
    # the two below are worded per row by reconcile.plausibility.reason_vi (they quote what was written)
    "status_unreadable": "không đọc được tình trạng hoạt động",
    "count_unreadable": "ô số người/số sản phẩm ghi chữ, không phải số",
}

#: counts of people and products (``fields.count_fields``) are whole numbers that fit the warehouse's INTEGER columns
COUNT_MAX = 2**31 - 1


def _no_negative(cols: list[str]):
    def check(df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for c in cols:
            if c in df:
                ok &= ~(pd.to_numeric(df[c], errors="coerce") < 0)
        return ok

    return check


def _plausible_numbers(record_type: str):
    counts = fields.count_fields(record_type)
    money = fields.money_fields(record_type)

    def check(df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for c in counts:
            if c in df:
                v = pd.to_numeric(df[c], errors="coerce")
                whole = np.isfinite(v) & (v == np.floor(v)) & (v.abs() <= COUNT_MAX)
                ok &= v.isna() | whole
        for c in money:
            if c in df:
                v = pd.to_numeric(df[c], errors="coerce")
                ok &= v.isna() | np.isfinite(v)
        return ok

    return check


def _le(a: str, b: str):
    def check(df: pd.DataFrame) -> pd.Series:
        x, y = pd.to_numeric(df[a], errors="coerce"), pd.to_numeric(df[b], errors="coerce")
        return ~(x > y)

    return check


def _breakdown(df: pd.DataFrame) -> pd.Series:
    ps = pd.to_numeric(df["managers_primary_secondary"], errors="coerce")
    cp = pd.to_numeric(df["managers_college_plus"], errors="coerce")
    total = pd.to_numeric(df["managers"], errors="coerce")
    return ~(ps.fillna(0) + cp.fillna(0) > total)


def _dates_le(a: str, b: str | None, bound=None):
    def check(df: pd.DataFrame) -> pd.Series:
        x = pd.to_datetime(df[a], errors="coerce")
        y = (
            pd.Series(pd.Timestamp(bound), index=df.index)
            if bound is not None
            else pd.to_datetime(df[b], errors="coerce")
        )
        return ~(x > y)

    return check


def _status_readable(df: pd.DataFrame) -> pd.Series:
    """A cooperative is counted under exactly one status (HTX_TOTAL = ACTIVE + WEAK + SUSPENDED + …): a row
    whose status is empty or not in the vocabulary cannot be counted anywhere."""
    return df["status"].isin(STATUSES)


def _counts_readable(record_type: str):
    """A count cell holding text that is not a number ("nhiều", "#REF!") is not read as empty: the row waits."""
    counts = set(fields.count_fields(record_type))

    def check(df: pd.DataFrame) -> pd.Series:
        if "values_unreadable" not in df:
            return pd.Series(True, index=df.index)
        return df["values_unreadable"].map(lambda d: not (isinstance(d, dict) and bool(counts & d.keys())))

    return check


def _has_name(df: pd.DataFrame) -> pd.Series:
    return df["name"].notna() & (df["name"].astype(str).str.strip() != "")


def plausibility_schema(record_type: str, period: Period) -> pa.DataFrameSchema:
    checks = [
        pa.Check(_has_name, name="missing_name"),
        pa.Check(_no_negative(fields.non_negative_fields(record_type)), name="negative_value"),
        pa.Check(_plausible_numbers(record_type), name="implausible_number"),
        pa.Check(_counts_readable(record_type), name="count_unreadable"),
    ]
    if record_type == "cooperative":
        checks += [
            pa.Check(_status_readable, name="status_unreadable"),
            pa.Check(_le("member_workers", "workers"), name="mw_gt_workers"),
            pa.Check(_breakdown, name="managers_breakdown_gt_total"),
            pa.Check(_dates_le("registered_on", None, period.end), name="registered_after_period"),
            pa.Check(_dates_le("registered_on", "dissolved_on"), name="dissolved_before_registered"),
        ]
    return pa.DataFrameSchema(checks=checks)
