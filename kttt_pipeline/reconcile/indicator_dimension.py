"""The indicator dimension (table ``dim_indicator``, a frame of every period result): the rows of
``vocab/indicators.csv`` with each indicator's kind.

The kind follows from the unit of measure: a number of entities or people (``core.numfmt.COUNT_UNITS``) is a count,
a percentage a share, a rate ('triệu đồng/người/tháng', 'triệu đồng/năm') an average, an amount of money a sum.
"""

from __future__ import annotations

import pandas as pd

from kttt_pipeline.core.numfmt import COUNT_UNITS
from kttt_pipeline.core.vocabulary import Indicator, indicators

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
    """One row of table ``dim_indicator`` per indicator of ``vocab/indicators.csv``, in its order."""
    return [
        {
            "indicator_code": i.code,
            "indicator_group": i.group,
            "name_vi": i.name_vi,
            "unit_vi": i.unit,
            "kind": indicator_kind(i),
            "definition": i.definition,
        }
        for i in indicators()
    ]


def indicator_frame() -> pd.DataFrame:
    """The ``dim_indicator`` frame."""
    return pd.DataFrame(indicator_rows(), columns=list(_COLUMNS))


_COLUMNS = ("indicator_code", "indicator_group", "name_vi", "unit_vi", "kind", "definition")
