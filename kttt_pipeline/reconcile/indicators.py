"""Indicator maths (``vocab/indicators.csv``): counts exact, shares and means computed, never typed."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kttt_pipeline.core import fields
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.vocabulary import sector_codes
from kttt_pipeline.ingest.schemas import SECTORS
from kttt_pipeline.reconcile.status import tax_maps_to

THT_SECTORS = list(sector_codes("group"))
#: indicators defined over HTX_ACTIVE, i.e. over the tax register's activity: without the register (a clerk's
#: check of one return) they cannot be compared with a summary sheet
ACTIVITY_INDICATORS = frozenset(
    {
        "HTX_ACTIVE",
        "HTX_GOOD",
        "HTX_AVERAGE",
        "HTX_WEAK",
        "HTX_INACTIVE",
        "HTX_AVG_REVENUE",
        "HTX_AVG_PROFIT",
        "HTX_AVG_INCOME",
    }
)


def classify_cooperatives(coops: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Add ``in_total`` and ``is_active`` (definitions of HTX_TOTAL and HTX_ACTIVE)."""
    coops = coops.copy()
    end = pd.Timestamp(period.end)
    reg = pd.to_datetime(coops["registered_on"], errors="coerce")
    dis = pd.to_datetime(coops["dissolved_on"], errors="coerce")
    dissolved_by_end = (coops["status"] == "DISSOLVED") & (dis.isna() | (dis <= end))
    coops["in_total"] = (reg.isna() | (reg <= end)) & ~dissolved_by_end
    tax_active = coops["tax_status_code"].map(lambda c: tax_maps_to(c) == "active")
    revenue = pd.to_numeric(coops["declared_revenue"], errors="coerce").fillna(0)
    coops["is_active"] = (
        coops["in_total"] & (coops["status"] == "ACTIVE") & (coops["grade"] != "WEAK") & tax_active & (revenue > 0)
    )
    return coops


#: the parts of HTX_TOTAL: every cooperative counted in the total is in exactly one (indicators.csv's identity)
STATUS_CLASSES = ("ACTIVE", "WEAK", "SUSPENDED", "NOT_STARTED", "DISSOLVING")
#: the grade classes of an active cooperative (HTX_GOOD, HTX_AVERAGE: parts of HTX_ACTIVE)
GRADE_CLASSES = ("GOOD", "AVERAGE")


def status_class(coops: pd.DataFrame) -> pd.Series:
    """The status class of each cooperative (needs in_total, is_active, status): the one part of HTX_TOTAL it is
    counted in, ``HTX_<class>``; None when not counted in HTX_TOTAL (or, should a status escape the row rules of
    §7.6, in no part: the identity check then names the row).

    * ACTIVE: is_active (status ACTIVE, not graded weak, active in the tax register, revenue declared);
    * WEAK: status ACTIVE but not is_active;
    * SUSPENDED, NOT_STARTED, DISSOLVING: that status; a cooperative 'Đã giải thể' counted in the total
      (dissolved after the period end) is DISSOLVING.

    The one definition of the status indicators, of the sector × status breakdown and of the identity check."""
    t = coops["in_total"].astype(bool).to_numpy()
    a = coops["is_active"].astype(bool).to_numpy() & t
    status = coops["status"].where(coops["status"] != "DISSOLVED", "DISSOLVING")
    out = np.full(len(coops), None, dtype=object)  # (numpy arrays: a masked assignment to a Series is slow)
    for cls in ("SUSPENDED", "NOT_STARTED", "DISSOLVING"):
        out[t & (status == cls).to_numpy()] = cls
    out[t & (status == "ACTIVE").to_numpy() & ~a] = "WEAK"
    out[a] = "ACTIVE"
    return pd.Series(out, index=coops.index, dtype=object)


def grade_class(coops: pd.DataFrame, status: pd.Series | None = None) -> pd.Series:
    """GOOD (graded good or fair) or AVERAGE (graded average, or not graded: §7.8) for an ACTIVE cooperative
    (:func:`status_class`, or ``status`` when the caller has it), None otherwise."""
    active = ((status_class(coops) if status is None else status) == "ACTIVE").to_numpy()
    grade = coops["grade"]
    out = np.full(len(coops), None, dtype=object)
    out[active & grade.isin(["GOOD", "FAIR"]).to_numpy()] = "GOOD"
    out[active & (grade.isin(["AVERAGE"]) | grade.isna()).to_numpy()] = "AVERAGE"
    return pd.Series(out, index=coops.index, dtype=object)


#: the columns of a reconciled listing that its indicators read, besides its numeric and date fields
_INDICATOR_INPUTS = {
    "cooperative": ("unit_code", "in_total", "is_active", "status", "grade", "sector", "hightech", "value_chain"),
    "group": ("unit_code", "sector"),
}


def indicator_inputs(frame: pd.DataFrame, record_type: str, *also: str) -> pd.DataFrame:
    """The columns of ``frame`` (a listing of ``record_type``) that its indicators read, and ``also``, in the
    frame's order: what the conversions of :func:`prepare_cooperatives` and :func:`prepare_groups` copy (a
    reconciled listing of 200,000 rows has 45 columns, these 25)."""
    wanted = {
        *_INDICATOR_INPUTS[record_type],
        *fields.numeric_fields(record_type),
        *fields.date_fields(record_type),
        *also,
    }
    return frame[[c for c in frame.columns if c in wanted]]


def prepare_cooperatives(coops: pd.DataFrame) -> pd.DataFrame:
    """Convert the numeric and date columns once, before indicators are computed for many units."""
    coops = coops.copy()
    for col in fields.numeric_fields("cooperative"):  # vocab/fields.csv
        if col in coops:
            coops[col] = pd.to_numeric(coops[col], errors="coerce")
    for col in fields.date_fields("cooperative"):
        coops[col] = pd.to_datetime(coops[col], errors="coerce")
    return coops


def prepare_groups(groups: pd.DataFrame) -> pd.DataFrame:
    groups = groups.copy()
    for col in fields.numeric_fields("group"):
        if col in groups:
            groups[col] = pd.to_numeric(groups[col], errors="coerce")
    return groups


def _numeric(s: pd.Series) -> pd.Series:
    return s if pd.api.types.is_numeric_dtype(s) else pd.to_numeric(s, errors="coerce")


def _sum(s: pd.Series) -> float:
    return float(_numeric(s).sum())  # NaN skipped


def _pct(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole else None


def _sums(record_type: str) -> list[tuple[str, str]]:
    """(indicator, field) of the indicators that are a field summed over the rows counted (vocab/fields.csv)."""
    return [(code, fld) for (_rt, fld), code in fields.sum_indicators(record_type).items()]


def _unit_sums(terms: pd.DataFrame, unit_code: pd.Series, unit_codes: list[str]) -> dict[str, dict[str, float]]:
    """unit code → the sum of each per-row term over the unit's rows, for each of ``unit_codes`` (0 for a unit
    without rows)."""
    sums = terms.astype(float).groupby(unit_code.to_numpy(), sort=False).sum()
    by_unit = {str(u): row for u, row in zip(sums.index, sums.to_dict("records"))}
    zero = dict.fromkeys(terms.columns, 0.0)
    return {code: by_unit.get(code, zero) for code in unit_codes}


def cooperative_indicators_by_unit(
    coops: pd.DataFrame, period: Period, unit_codes: list[str]
) -> dict[str, dict[str, float | None]]:
    """The HTX_* indicators of each of ``unit_codes`` over its reconciled cooperatives (with in_total/is_active),
    all units in one pass; a unit without rows gets the indicators of an empty listing.

    Each indicator is a sum of a per-row term (a 0/1 flag, a number, or a weighted number) over the unit's rows;
    shares and means are ratios of such sums (a national run has hundreds of units)."""
    c = prepare_cooperatives(coops) if not pd.api.types.is_datetime64_any_dtype(coops["registered_on"]) else coops
    start, end = pd.Timestamp(period.year_start), pd.Timestamp(period.end)
    t = c["in_total"].astype(bool)
    a = c["is_active"].astype(bool)
    cls = status_class(c)
    grade = grade_class(c, cls)
    terms = pd.DataFrame(index=c.index)
    terms["HTX_TOTAL"] = t
    for key in STATUS_CLASSES:
        terms[f"HTX_{key}"] = cls == key
    for key in GRADE_CLASSES:
        terms[f"HTX_{key}"] = grade == key
    reg, dis = c["registered_on"], c["dissolved_on"]
    # founded, dissolved: from the start of the period's year to its end, both days included
    terms["HTX_NEW"] = (reg >= start) & (reg <= end)
    terms["HTX_DISSOLVED"] = (c["status"] == "DISSOLVED") & (dis >= start) & (dis <= end)
    for sector in SECTORS:
        terms[f"HTX_SECTOR_{sector}"] = t & (c["sector"] == sector)
    coop_sums = _sums("cooperative")
    for code, col in coop_sums:
        terms[code] = _numeric(c[col]).where(t, 0).fillna(0)
    for code, col in [("HTX_AVG_REVENUE", "revenue"), ("HTX_AVG_PROFIT", "profit")]:
        amount = _numeric(c[col])
        ok = a & amount.notna()
        terms[f"_{code}_sum"] = amount.where(ok, 0)
        terms[f"_{code}_n"] = ok
    income, w = _numeric(c["avg_income"]), _numeric(c["workers"])
    ok = a & income.notna() & w.notna() & (w > 0)
    terms["_inc_vw"] = (income * w).where(ok, 0)
    terms["_inc_w"] = w.where(ok, 0)
    ocop = t & (_numeric(c["ocop_products"]).fillna(0) >= 1)
    terms["HTX_OCOP"] = ocop
    terms["HTX_OCOP_AGRI"] = ocop & (c["sector"] == "AGRI")
    terms["HTX_HIGHTECH"] = t & c["hightech"].eq(True)
    terms["HTX_IN_CHAINS"] = t & c["value_chain"].eq(True)

    listed = set(c["unit_code"].astype(str))
    out: dict[str, dict[str, float | None]] = {}
    for unit, row in _unit_sums(terms, c["unit_code"], unit_codes).items():
        total, active = row["HTX_TOTAL"], row["HTX_ACTIVE"]
        # (the order of a unit's rows in rpt_indicator: a unit without rows lists its status classes first)
        counts = _COUNTS_IN_ORDER if unit in listed else _COUNTS_OF_AN_EMPTY_LISTING
        v: dict[str, float | None] = {k: row[k] for k in counts}
        v["HTX_INACTIVE"] = total - active
        v["HTX_NEW"], v["HTX_DISSOLVED"] = row["HTX_NEW"], row["HTX_DISSOLVED"]
        for sector in SECTORS:
            n = row[f"HTX_SECTOR_{sector}"]
            v[f"HTX_SECTOR_{sector}"] = n
            v[f"HTX_SECTOR_{sector}_PCT"] = _pct(n, total)
        for code, _col in coop_sums:
            v[code] = row[code]
        for code in ("HTX_AVG_REVENUE", "HTX_AVG_PROFIT"):
            n = row[f"_{code}_n"]
            v[code] = row[f"_{code}_sum"] / n if n else None
        v["HTX_AVG_INCOME"] = row["_inc_vw"] / row["_inc_w"] if row["_inc_w"] > 0 else None
        for code in ("HTX_OCOP", "HTX_OCOP_AGRI", "HTX_HIGHTECH", "HTX_IN_CHAINS"):
            v[code] = row[code]
        out[unit] = v
    return out


_COUNTS_IN_ORDER = (
    "HTX_TOTAL",
    "HTX_ACTIVE",
    *(f"HTX_{k}" for k in GRADE_CLASSES),
    *(f"HTX_{k}" for k in STATUS_CLASSES[1:]),
)
_COUNTS_OF_AN_EMPTY_LISTING = ("HTX_TOTAL", *(f"HTX_{k}" for k in STATUS_CLASSES + GRADE_CLASSES))


def listing_indicators_by_unit(
    coops: pd.DataFrame, groups: pd.DataFrame, period: Period, unit_codes
) -> dict[str, dict[str, float | None]]:
    """unit_code → the cooperative and group indicators of each of ``unit_codes`` (prepared frames, one grouped
    pass); a unit without rows gets the indicators of an empty listing."""
    unit_codes = list(unit_codes)
    by_coop = cooperative_indicators_by_unit(coops, period, unit_codes)
    by_group = group_indicators_by_unit(groups, unit_codes)
    return {code: {**by_coop[code], **by_group[code]} for code in unit_codes}


def group_indicators_by_unit(groups: pd.DataFrame, unit_codes: list[str]) -> dict[str, dict[str, float | None]]:
    """The THT_* indicators of each of ``unit_codes`` over its groups, all units in one pass (as
    :func:`cooperative_indicators_by_unit`)."""
    terms = pd.DataFrame(index=groups.index)
    terms["THT_TOTAL"] = 1.0
    for sector in THT_SECTORS:
        terms[f"THT_SECTOR_{sector}"] = groups["sector"] == sector
    group_sums = _sums("group")
    for code, col in group_sums:
        terms[code] = _numeric(groups[col]).fillna(0)
    members = _numeric(groups["members"])
    revenue = _numeric(groups["revenue"])
    terms["_rev_sum"] = revenue.fillna(0)
    terms["_rev_n"] = revenue.notna()
    v = _numeric(groups["avg_income_month"])
    ok = v.notna() & members.notna() & (members > 0)
    terms["_inc_vw"] = (v * members).where(ok, 0)
    terms["_inc_w"] = members.where(ok, 0)
    out: dict[str, dict[str, float | None]] = {}
    for unit, row in _unit_sums(terms, groups["unit_code"], unit_codes).items():
        total = row["THT_TOTAL"]
        o: dict[str, float | None] = {"THT_TOTAL": total}
        for sector in THT_SECTORS:
            o[f"THT_SECTOR_{sector}"] = row[f"THT_SECTOR_{sector}"]
            o[f"THT_SECTOR_{sector}_PCT"] = _pct(row[f"THT_SECTOR_{sector}"], total)
        for code, _col in group_sums:
            o[code] = row[code]
        o["THT_AVG_REVENUE"] = row["_rev_sum"] / row["_rev_n"] if row["_rev_n"] else None
        o["THT_AVG_INCOME_MONTH"] = row["_inc_vw"] / row["_inc_w"] if row["_inc_w"] > 0 else None
        out[unit] = o
    return out


def union_indicators(unions: pd.DataFrame) -> dict[str, float | None]:
    out: dict[str, float | None] = {
        "LHHTX_TOTAL": float(len(unions)),
        "LHHTX_AGRI": float((unions["sector"] == "AGRI").sum()) if len(unions) else 0.0,
    }
    for code, col in _sums("union"):
        out[code] = _sum(unions[col]) if len(unions) else 0.0
    return out


def credit_fund_indicators(funds: pd.DataFrame) -> dict[str, float | None]:
    out: dict[str, float | None] = {"QTDND_TOTAL": float(len(funds))}
    for code, col in _sums("credit_fund"):
        out[code] = _sum(funds[col]) if len(funds) else 0.0
    return out


def plan_indicators(values: dict[str, float | None], targets: dict[str, float]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for code in ("HTX_TOTAL", "HTX_NEW"):
        target = targets.get(code)
        value = values.get(code)
        out[f"{code}_PCT_PLAN"] = 100.0 * value / target if target and value is not None else None
    return out


def indicator_frame(
    values_by_unit: dict[str, dict[str, float | None]], period: Period, incomplete_units: set[str] | None = None
) -> pd.DataFrame:
    rows = []
    for unit, values in values_by_unit.items():
        for code, value in values.items():
            v = None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
            rows.append(
                {
                    "period": period.key,
                    "unit_code": unit,
                    "indicator_code": code,
                    "value": v,
                    "is_complete": unit not in (incomplete_units or set()),
                }
            )
    return pd.DataFrame(rows, columns=["period", "unit_code", "indicator_code", "value", "is_complete"])


#: indicator groups (``indicators.csv``) read from the province workbook, not from the reporting units' returns
PROVINCE_WORKBOOK_GROUPS = frozenset({"LHHTX", "QTDND"})


def province_workbook_codes() -> frozenset[str]:
    from kttt_pipeline.core.vocabulary import indicators

    return frozenset(i.code for i in indicators() if i.group in PROVINCE_WORKBOOK_GROUPS)


def mark_completeness(
    rpt: pd.DataFrame, province_code: str, *, units_complete: bool, province_workbook_read: bool
) -> pd.DataFrame:
    """``is_complete`` of the province's rows: the figures summed over the units are incomplete when a unit is
    missing (§7.7); the unions' and credit funds' figures come from the province workbook alone, so they are
    incomplete only when that workbook was not read, whatever the units sent. Unit rows stay complete."""
    rpt = rpt.copy()
    province = rpt["unit_code"] == province_code
    from_workbook = rpt["indicator_code"].isin(province_workbook_codes())
    rpt.loc[province & ~from_workbook, "is_complete"] = units_complete
    rpt.loc[province & from_workbook, "is_complete"] = province_workbook_read
    rpt["is_complete"] = rpt["is_complete"].astype(bool)
    return rpt


def check_identity(values: dict[str, float | None]) -> bool:
    """HTX_TOTAL = ACTIVE + WEAK + SUSPENDED + NOT_STARTED + DISSOLVING."""
    parts = ["HTX_ACTIVE", "HTX_WEAK", "HTX_SUSPENDED", "HTX_NOT_STARTED", "HTX_DISSOLVING"]
    total, active, inactive = values["HTX_TOTAL"], values["HTX_ACTIVE"], values["HTX_INACTIVE"]
    if total is None or active is None or inactive is None:
        return False
    return total == sum(values[p] or 0 for p in parts) and bool(np.isclose(inactive, total - active))
