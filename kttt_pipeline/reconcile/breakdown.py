"""Breakdown tables (``rpt_breakdown``): figures a published sheet shows that are not single indicators, computed
here by the indicators' own definitions so that a sheet only places them.

``sector_status``: cooperatives counted in HTX_TOTAL by sector (``row_key``: HTX_SECTOR_<row_key>) and by status
and grade class (``col_key``: HTX_<col_key>), from :func:`~kttt_pipeline.reconcile.indicators.status_class` and
:func:`~kttt_pipeline.reconcile.indicators.grade_class` — the classification HTX_TOTAL, HTX_ACTIVE, HTX_WEAK …
are counted by. So, for the province and every unit, a row's status classes add up to its sector's indicator and
a column adds up to its status indicator (:func:`breakdown_mismatches`; the identity check reports any break).
Every cell of the grid is a row (zeros included), for every unit that has indicators.
"""

from __future__ import annotations

import pandas as pd

from kttt_pipeline.core.periods import Period
from kttt_pipeline.ingest.schemas import SECTORS
from kttt_pipeline.reconcile.indicators import GRADE_CLASSES, STATUS_CLASSES, grade_class, status_class

BREAKDOWN_COLUMNS = ["period", "unit_code", "breakdown", "row_key", "col_key", "value"]
SECTOR_STATUS = "sector_status"
#: the columns of the sector × status breakdown: the status classes and, beside ACTIVE, its grade classes
SECTOR_STATUS_COLS = ("ACTIVE", *GRADE_CLASSES, *STATUS_CLASSES[1:])


def sector_status_breakdown(coops: pd.DataFrame, period: Period, units: list[str], province_code: str) -> pd.DataFrame:
    """The sector × status counts of ``units`` (each unit's own cooperatives) and of the province (all of
    ``coops``). ``coops``: the reconciled cooperatives with unit_code, sector, status, grade, in_total, is_active."""
    cls = status_class(coops) if len(coops) else pd.Series(dtype=object)
    grade = grade_class(coops, cls) if len(coops) else pd.Series(dtype=object)
    marks = pd.DataFrame(
        {
            "unit_code": coops["unit_code"].astype(str) if len(coops) else pd.Series(dtype=str),
            "sector": coops["sector"] if len(coops) else pd.Series(dtype=object),
        }
    )
    for key in SECTOR_STATUS_COLS:
        marks[key] = ((grade if key in GRADE_CLASSES else cls) == key).astype(float)
    cols = list(SECTOR_STATUS_COLS)
    by_unit = marks.groupby(["unit_code", "sector"])[cols].sum()
    by_province = marks.assign(unit_code=province_code).groupby(["unit_code", "sector"])[cols].sum()
    grid = pd.concat(
        [
            by_unit.reindex(pd.MultiIndex.from_product([list(units), SECTORS], names=["unit_code", "sector"])),
            by_province.reindex(pd.MultiIndex.from_product([[province_code], SECTORS], names=["unit_code", "sector"])),
        ]
    ).fillna(0.0)
    grid.columns.name = "col_key"
    out = grid.stack().rename("value").reset_index().rename(columns={"sector": "row_key"})
    out.insert(0, "period", period.key)
    out.insert(2, "breakdown", SECTOR_STATUS)
    out["value"] = out["value"].astype(float)
    return out[BREAKDOWN_COLUMNS]


def breakdown_cells(
    rpt_breakdown: pd.DataFrame, breakdown: str = SECTOR_STATUS
) -> dict[str, dict[tuple[str, str], float | None]]:
    """unit_code → (row_key, col_key) → value of one breakdown."""
    out: dict[str, dict[tuple[str, str], float | None]] = {}
    if rpt_breakdown is None or rpt_breakdown.empty:
        return out
    sub = rpt_breakdown[rpt_breakdown["breakdown"] == breakdown]
    for unit, row, col, value in zip(sub["unit_code"], sub["row_key"], sub["col_key"], sub["value"]):
        out.setdefault(str(unit), {})[(str(row), str(col))] = None if value is None or value != value else float(value)
    return out


def breakdown_mismatches(
    values: dict[str, float | None], cells: dict[tuple[str, str], float | None]
) -> list[tuple[str, str, str, float, float | None]]:
    """Where one unit's sector × status breakdown disagrees with its indicators: (``"row"``/``"col"``, key,
    indicator code, the breakdown's sum, the indicator's value). A row's status classes add up to
    HTX_SECTOR_<sector>; a column's sectors add up to HTX_<class>."""
    out = []
    for sector in SECTORS:
        got = sum(cells.get((sector, key)) or 0.0 for key in STATUS_CLASSES)
        code = f"HTX_SECTOR_{sector}"
        if code in values and abs(got - float(values.get(code) or 0.0)) > 1e-9:
            out.append(("row", sector, code, got, values.get(code)))
    for key in SECTOR_STATUS_COLS:
        got = sum(cells.get((sector, key)) or 0.0 for sector in SECTORS)
        code = f"HTX_{key}"
        if code in values and abs(got - float(values.get(code) or 0.0)) > 1e-9:
            out.append(("col", key, code, got, values.get(code)))
    return out
