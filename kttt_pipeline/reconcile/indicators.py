"""Indicator maths (``vocab/indicators.csv``): counts exact, shares and means computed, never typed."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..periods import Period
from ..schemas import SECTORS
from .status import tax_maps_to

THT_SECTORS = ["AGRI", "INDUSTRY", "OTHER"]


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


def _sum(s: pd.Series) -> float:
    return float(pd.to_numeric(s, errors="coerce").fillna(0).sum())


def _mean(s: pd.Series) -> float | None:
    v = pd.to_numeric(s, errors="coerce").dropna()
    return float(v.mean()) if len(v) else None


def _weighted(values: pd.Series, weights: pd.Series) -> float | None:
    v = pd.to_numeric(values, errors="coerce")
    w = pd.to_numeric(weights, errors="coerce")
    ok = v.notna() & w.notna() & (w > 0)
    total = float(w[ok].sum())
    return float((v[ok] * w[ok]).sum() / total) if total > 0 else None


def _pct(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole else None


def cooperative_indicators(coops: pd.DataFrame, period: Period) -> dict[str, float | None]:
    """HTX_* indicators over one unit's (or the province's) reconciled cooperatives (with in_total/is_active)."""
    t = coops[coops["in_total"]]
    a = coops[coops["is_active"]]
    start, end = pd.Timestamp(period.year_start), pd.Timestamp(period.end)
    reg = pd.to_datetime(coops["registered_on"], errors="coerce")
    dis = pd.to_datetime(coops["dissolved_on"], errors="coerce")
    status_in_total = t["status"].where(t["status"] != "DISSOLVED", "DISSOLVING")  # dissolved after the period end
    total = float(len(t))
    out: dict[str, float | None] = {
        "HTX_TOTAL": total,
        "HTX_ACTIVE": float(len(a)),
        "HTX_GOOD": float(a["grade"].isin(["GOOD", "FAIR"]).sum()),
        "HTX_AVERAGE": float((a["grade"].isin(["AVERAGE"]) | a["grade"].isna()).sum()),
        "HTX_WEAK": float(((status_in_total == "ACTIVE") & ~t["is_active"]).sum()),
        "HTX_SUSPENDED": float((status_in_total == "SUSPENDED").sum()),
        "HTX_NOT_STARTED": float((status_in_total == "NOT_STARTED").sum()),
        "HTX_DISSOLVING": float((status_in_total == "DISSOLVING").sum()),
        "HTX_INACTIVE": total - float(len(a)),
        "HTX_NEW": float(((reg >= start) & (reg <= end)).sum()),
        "HTX_DISSOLVED": float(((coops["status"] == "DISSOLVED") & (dis >= start) & (dis <= end)).sum()),
    }
    for sector in SECTORS:
        n = float((t["sector"] == sector).sum())
        out[f"HTX_SECTOR_{sector}"] = n
        out[f"HTX_SECTOR_{sector}_PCT"] = _pct(n, total)
    for code, col in [("HTX_MEMBERS", "members"), ("HTX_WORKERS", "workers"), ("HTX_MEMBER_WORKERS", "member_workers"),
                      ("HTX_MANAGERS", "managers"), ("HTX_MANAGERS_PRIMARY_SECONDARY", "managers_primary_secondary"),
                      ("HTX_MANAGERS_COLLEGE_PLUS", "managers_college_plus"), ("HTX_CHARTER_CAPITAL", "charter_capital")]:
        out[code] = _sum(t[col])
    out["HTX_AVG_REVENUE"] = _mean(a["revenue"])
    out["HTX_AVG_PROFIT"] = _mean(a["profit"])
    out["HTX_AVG_INCOME"] = _weighted(a["avg_income"], a["workers"])
    ocop = pd.to_numeric(t["ocop_products"], errors="coerce").fillna(0) >= 1
    out["HTX_OCOP"] = float(ocop.sum())
    out["HTX_OCOP_AGRI"] = float((ocop & (t["sector"] == "AGRI")).sum())
    out["HTX_HIGHTECH"] = float(t["hightech"].fillna(False).astype(bool).sum())
    out["HTX_IN_CHAINS"] = float(t["value_chain"].fillna(False).astype(bool).sum())
    return out


def group_indicators(groups: pd.DataFrame) -> dict[str, float | None]:
    total = float(len(groups))
    out: dict[str, float | None] = {"THT_TOTAL": total}
    for sector in THT_SECTORS:
        n = float((groups["sector"] == sector).sum())
        out[f"THT_SECTOR_{sector}"] = n
        out[f"THT_SECTOR_{sector}_PCT"] = _pct(n, total)
    out["THT_MEMBERS"] = _sum(groups["members"])
    out["THT_AVG_REVENUE"] = _mean(groups["revenue"])
    out["THT_AVG_INCOME_MONTH"] = _weighted(groups["avg_income_month"], groups["members"])
    return out


def union_indicators(unions: pd.DataFrame) -> dict[str, float | None]:
    return {
        "LHHTX_TOTAL": float(len(unions)),
        "LHHTX_AGRI": float((unions["sector"] == "AGRI").sum()) if len(unions) else 0.0,
        "LHHTX_MEMBER_HTX": _sum(unions["member_htx"]) if len(unions) else 0.0,
        "LHHTX_WORKERS": _sum(unions["workers"]) if len(unions) else 0.0,
        "LHHTX_CHARTER_CAPITAL": _sum(unions["charter_capital"]) if len(unions) else 0.0,
    }


def credit_fund_indicators(funds: pd.DataFrame) -> dict[str, float | None]:
    out: dict[str, float | None] = {"QTDND_TOTAL": float(len(funds))}
    for code, col in [("QTDND_MEMBERS", "members"), ("QTDND_WORKERS", "workers"), ("QTDND_MANAGERS", "managers"),
                      ("QTDND_TOTAL_CAPITAL", "total_capital"), ("QTDND_EQUITY", "equity"),
                      ("QTDND_MOBILISED", "mobilised"), ("QTDND_LOANS", "loans")]:
        out[code] = _sum(funds[col]) if len(funds) else 0.0
    return out


def plan_indicators(values: dict[str, float | None], targets: dict[str, float]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for code in ("HTX_TOTAL", "HTX_NEW"):
        target = targets.get(code)
        value = values.get(code)
        out[f"{code}_PCT_PLAN"] = 100.0 * value / target if target and value is not None else None
    return out


def indicator_frame(values_by_unit: dict[str, dict[str, float | None]], period: Period,
                    incomplete_units: set[str] | None = None) -> pd.DataFrame:
    rows = []
    for unit, values in values_by_unit.items():
        for code, value in values.items():
            v = None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
            rows.append({"period": period.key, "unit_code": unit, "indicator_code": code, "value": v,
                         "is_complete": unit not in (incomplete_units or set())})
    return pd.DataFrame(rows, columns=["period", "unit_code", "indicator_code", "value", "is_complete"])


def check_identity(values: dict[str, float | None]) -> bool:
    """HTX_TOTAL = ACTIVE + WEAK + SUSPENDED + NOT_STARTED + DISSOLVING."""
    parts = ["HTX_ACTIVE", "HTX_WEAK", "HTX_SUSPENDED", "HTX_NOT_STARTED", "HTX_DISSOLVING"]
    return values["HTX_TOTAL"] == sum(values[p] or 0 for p in parts) and np.isclose(
        values["HTX_INACTIVE"], values["HTX_TOTAL"] - values["HTX_ACTIVE"])
