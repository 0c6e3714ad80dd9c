"""Readable definitions of rules whose production code is vectorised, written row by row from the contract (spec
§7, vocab/indicators.csv) for the tests to hold the production code to on generated inputs. Nothing in the
package calls them."""

from __future__ import annotations

import datetime as dt
import math

from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.vocabulary import sector_codes
from kttt_pipeline.reconcile.status import tax_maps_to


def _number(v: object) -> float | None:
    """A figure as the indicators read it: a number, else nothing."""
    if v is None or isinstance(v, bool):
        return None
    try:
        x = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _day(v: object) -> dt.date | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return None


def classify_cooperative(row: dict, period: Period) -> tuple[bool, bool]:
    """(in_total, is_active) of one cooperative: HTX_TOTAL counts it unless founded after the period's end or
    dissolved by then (a dissolution without a date counts as by then); HTX_ACTIVE when counted, 'Đang hoạt
    động', not graded weak, active in the tax register and with revenue declared there."""
    reg, dis = _day(row["registered_on"]), _day(row["dissolved_on"])
    dissolved = row["status"] == "DISSOLVED" and (dis is None or dis <= period.end)
    in_total = (reg is None or reg <= period.end) and not dissolved
    active = (
        in_total
        and row["status"] == "ACTIVE"
        and row["grade"] != "WEAK"
        and tax_maps_to(row["tax_status_code"]) == "active"
        and (_number(row["declared_revenue"]) or 0) > 0
    )
    return in_total, active


def status_of(row: dict) -> str | None:
    """The one part of HTX_TOTAL a classified cooperative is counted in (None: not counted)."""
    if not row["in_total"]:
        return None
    status = "DISSOLVING" if row["status"] == "DISSOLVED" else row["status"]
    if status in ("SUSPENDED", "NOT_STARTED", "DISSOLVING"):
        return status
    if status == "ACTIVE":
        return "ACTIVE" if row["is_active"] else "WEAK"
    return None


def grade_of(row: dict) -> str | None:
    """GOOD (good, fair) or AVERAGE (average, not graded) for a cooperative counted as active."""
    if status_of(row) != "ACTIVE":
        return None
    if row["grade"] in ("GOOD", "FAIR"):
        return "GOOD"
    if row["grade"] == "AVERAGE" or row["grade"] is None:
        return "AVERAGE"
    return None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _weighted(pairs: list[tuple[float, float]]) -> float | None:
    weight = sum(w for _v, w in pairs)
    return sum(v * w for v, w in pairs) / weight if weight > 0 else None


def _pct(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole else None


def cooperative_indicators(rows: list[dict], period: Period, sums: list[tuple[str, str]]) -> dict[str, float | None]:
    """The HTX_* indicators of one unit's classified cooperatives (``in_total``, ``is_active``), row by row;
    ``sums``: (indicator, field) of the indicators that are a field's sum over the cooperatives counted."""
    start, end = period.year_start, period.end
    counted = [r for r in rows if r["in_total"]]
    active = [r for r in rows if r["is_active"]]
    total = float(len(counted))
    out: dict[str, float | None] = {"HTX_TOTAL": total}
    for cls in ("ACTIVE", "WEAK", "SUSPENDED", "NOT_STARTED", "DISSOLVING"):
        out[f"HTX_{cls}"] = float(sum(status_of(r) == cls for r in rows))
    for cls in ("GOOD", "AVERAGE"):
        out[f"HTX_{cls}"] = float(sum(grade_of(r) == cls for r in rows))
    out["HTX_INACTIVE"] = total - len(active)
    out["HTX_NEW"] = float(sum(start <= d <= end for d in (_day(r["registered_on"]) for r in rows) if d))
    out["HTX_DISSOLVED"] = float(
        sum(
            r["status"] == "DISSOLVED" and d is not None and start <= d <= end
            for r, d in ((r, _day(r["dissolved_on"])) for r in rows)
        )
    )
    for sector in sector_codes("cooperative"):
        n = float(sum(r["sector"] == sector for r in counted))
        out[f"HTX_SECTOR_{sector}"] = n
        out[f"HTX_SECTOR_{sector}_PCT"] = _pct(n, total)
    for code, fld in sums:
        out[code] = sum(x for x in (_number(r[fld]) for r in counted) if x is not None)
    for code, fld in (("HTX_AVG_REVENUE", "revenue"), ("HTX_AVG_PROFIT", "profit")):
        out[code] = _mean([x for x in (_number(r[fld]) for r in active) if x is not None])
    out["HTX_AVG_INCOME"] = _weighted(
        [
            (v, w)
            for v, w in ((_number(r["avg_income"]), _number(r["workers"])) for r in active)
            if v is not None and w is not None and w > 0
        ]
    )
    ocop = [r for r in counted if (_number(r["ocop_products"]) or 0) >= 1]
    out["HTX_OCOP"] = float(len(ocop))
    out["HTX_OCOP_AGRI"] = float(sum(r["sector"] == "AGRI" for r in ocop))
    out["HTX_HIGHTECH"] = float(sum(r["hightech"] is True for r in counted))
    out["HTX_IN_CHAINS"] = float(sum(r["value_chain"] is True for r in counted))
    return out


def group_indicators(rows: list[dict], sums: list[tuple[str, str]]) -> dict[str, float | None]:
    """The THT_* indicators of one unit's cooperative groups, row by row."""
    total = float(len(rows))
    out: dict[str, float | None] = {"THT_TOTAL": total}
    for sector in sector_codes("group"):
        n = float(sum(r["sector"] == sector for r in rows))
        out[f"THT_SECTOR_{sector}"] = n
        out[f"THT_SECTOR_{sector}_PCT"] = _pct(n, total)
    for code, fld in sums:
        out[code] = sum(x for x in (_number(r[fld]) for r in rows) if x is not None)
    out["THT_AVG_REVENUE"] = _mean([x for x in (_number(r["revenue"]) for r in rows) if x is not None])
    out["THT_AVG_INCOME_MONTH"] = _weighted(
        [
            (v, w)
            for v, w in ((_number(r["avg_income_month"]), _number(r["members"])) for r in rows)
            if v is not None and w is not None and w > 0
        ]
    )
    return out
