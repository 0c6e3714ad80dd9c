"""The dimensions a period result hands the warehouse beside its figures: the indicator dimension (table
``dim_indicator``): the rows of ``vocab/indicators.csv`` and the sector shares of ``vocab/indicator_shares.csv``
with each indicator's kind; and the crosswalk of the
register the period used (table ``unit_crosswalk``).

The kind follows from the unit of measure: a number of entities or people (``core.numfmt.COUNT_UNITS``) is a count,
a percentage a share, a rate ('triệu đồng/người/tháng', 'triệu đồng/năm') an average, an amount of money a sum.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kttt_pipeline.core.admin_units import AdminUnit
from kttt_pipeline.core.numfmt import COUNT_UNITS
from kttt_pipeline.core.vocabulary import Indicator, indicators, share_indicators

KINDS = ("count", "sum", "average", "share")


def indicator_kind(indicator: Indicator) -> str:
    unit = indicator.unit.strip()
    if unit in COUNT_UNITS:
        return "count"
    if "%" in unit:
        return "share"
    if "/" in unit:
        return "average"
    return "sum"


def indicator_rows() -> list[dict[str, str]]:
    """One row of table ``dim_indicator`` per indicator of ``vocab/indicators.csv``, in its order, then one per
    sector share (``<CODE>_PCT``, ``vocab/indicator_shares.csv``)."""
    return [
        {
            "indicator_code": i.code,
            "indicator_group": i.group,
            "name_vi": i.name_vi,
            "unit_vi": i.unit,
            "kind": indicator_kind(i),
            "definition": i.definition,
        }
        for i in (*indicators(), *share_indicators())
    ]


def indicator_frame() -> pd.DataFrame:
    """The ``dim_indicator`` frame."""
    return pd.DataFrame(indicator_rows(), columns=list(_COLUMNS))


_COLUMNS = ("indicator_code", "indicator_group", "name_vi", "unit_vi", "kind", "definition")


#: the columns of the ``unit_crosswalk`` frame (the crosswalk's new_code is the new unit's code)
CROSSWALK_FRAME_COLUMNS = (
    "old_province_code",
    "old_code",
    "old_name",
    "old_kind",
    "old_district_code",
    "new_unit_code",
    "share",
    "is_main",
)


def crosswalk_frame(crosswalk: pd.DataFrame | None) -> pd.DataFrame:
    """The ``unit_crosswalk`` frame of a crosswalk as ``core.admin_units.load_province_crosswalk`` gives it (text
    columns; is_main '1'/'0'); empty when there is none."""
    if crosswalk is None or crosswalk.empty:
        return pd.DataFrame(columns=list(CROSSWALK_FRAME_COLUMNS))
    out = crosswalk.rename(columns={"new_code": "new_unit_code"})
    out = out.assign(
        is_main=out["is_main"].astype(str).str.strip().isin(["1", "true", "True"]),
        **{c: out[c].where(out[c].astype(str).str.strip() != "") for c in ("old_kind", "old_district_code", "share")},
    )
    return out[list(CROSSWALK_FRAME_COLUMNS)].drop_duplicates(["old_code", "new_unit_code"]).reset_index(drop=True)


#: the columns of the ``admin_unit_version`` frame (the load stamps province_code)
UNIT_VERSION_COLUMNS = ("unit_code", "valid_from", "valid_to", "level", "name_vi", "kind_vi", "parent_code")
#: the first day of a version whose register row gives none ("since before the data")
OPEN_START = dt.date(1, 1, 1)


def unit_version_frame(rows: list[AdminUnit] | None) -> pd.DataFrame:
    """The ``admin_unit_version`` frame of a register's rows as written (``core.admin_units.load_register_rows``:
    one row per unit and validity interval, the province's own rows included); an open start is
    :data:`OPEN_START`."""
    records = [
        {
            "unit_code": u.unit_code,
            "valid_from": u.valid_from or OPEN_START,
            "valid_to": u.valid_to,
            "level": u.level,
            "name_vi": u.name_vi,
            "kind_vi": u.kind_vi or None,
            "parent_code": u.parent_code,
        }
        for u in rows or []
    ]
    return pd.DataFrame(records, columns=list(UNIT_VERSION_COLUMNS))
