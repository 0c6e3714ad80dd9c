"""Vietnamese number formatting, for text (paragraph, chart labels) and for workbook cells.

Text: ``format_vn(1234.5, decimals=1) == "1.234,5"``, ``format_vn(58500) == "58.500"``,
``format_pct(74.748) == "74,7%"`` — a dot groups thousands, a comma marks decimals; every figure is rounded half
away from zero (as a reader rounds; Python's ``round`` and ``format`` round half to even). Dates: ``dd/mm/yyyy``.

Cells: figures are written as real numbers (so a reader can sum them) with an Excel number format carrying
the Vietnamese locale tag ``[$-42A]`` (LCID 0x042A, vi-VN). The format code itself is stored in the file
format's invariant syntax (``#,##0.0``: comma = grouping, dot = decimal); the locale tag tells the reader to
display it with Vietnamese separators (``_)`` keeps a small gap before the cell's right border), so LibreOffice
shows ``1.234,5`` whatever the reader's own locale (checked in the rendered PDF by
``tests/integration/test_publish_render.py``). Desktop Excel displays the locale tag's
separators only when its "use system separators" setting follows a Vietnamese Windows locale — the usual
set-up in the province's offices; elsewhere it still shows the right number with the reader's separators.
"""

from __future__ import annotations

import datetime as dt
import math
from numbers import Real

VI_LOCALE_TAG = "[$-42A]"

#: whole numbers: 58.500
NF_INT = f"{VI_LOCALE_TAG}#,##0_)"
#: one decimal: 3.030,6
NF_DEC1 = f"{VI_LOCALE_TAG}#,##0.0_)"
#: a percentage stored as a number of percent (74.7, not 0.747), shown 74,7 — the column header says "(%)"
NF_PCT1 = f"{VI_LOCALE_TAG}#,##0.0_)"
#: a change in percent, an increase with its sign: +12,5 / -3,0 / 0,0 (the header says "Tăng (+), giảm (-)")
NF_CHANGE1 = f"{VI_LOCALE_TAG}+#,##0.0_);-#,##0.0_);0.0_)"

#: units whose figures are counts (no decimals)
COUNT_UNITS = frozenset({"HTX", "THT", "LHHTX", "QTDND", "người"})

MISSING = "—"


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, Real):
        return math.isnan(float(value)) or math.isinf(float(value))
    return False


def format_vn(value: float | int | None, decimals: int = 0, *, strip_zero_decimals: bool = False) -> str:
    """``1234.5 → "1.234,5"`` with ``decimals`` digits after the comma (half away from zero).

    ``strip_zero_decimals`` drops a decimal part that rounds to zero (``870.0 → "870"``). ``None``/NaN → "—".
    """
    if _is_missing(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]
    rounded = _round_half_away(number, decimals)
    if strip_zero_decimals and decimals and rounded == round(rounded):
        decimals = 0
    text = f"{abs(rounded):,.{decimals}f}"
    text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    if rounded < 0 and any(ch not in "0.," for ch in text):
        text = "-" + text
    return text


def format_number(value: float | int | None, max_decimals: int = 1, *, missing: str = MISSING) -> str:
    """A figure of any kind in a message (a finding's detail): whole numbers without decimals, others with up to
    ``max_decimals`` decimals, half away from zero, a decimal part that rounds to zero dropped
    (``5500.0 → "5.500"``, ``3030.64 → "3.030,6"``, ``2.04 → "2"``)."""
    if _is_missing(value):
        return missing
    return format_vn(value, max_decimals, strip_zero_decimals=True)


def format_date_vn(day: dt.date | None, missing: str = "") -> str:
    """A date as the clerk writes it: ``dd/mm/yyyy`` (``30/09/2024``); ``missing`` for no date."""
    return f"{day:%d/%m/%Y}" if day else missing


def format_pct(value: float | None, decimals: int = 1) -> str:
    """A share already in percent: ``74.748 → "74,7%"``."""
    if _is_missing(value):
        return MISSING
    return format_vn(value, decimals) + "%"


def share(part: float | None, whole: float | None) -> float | None:
    """``100 × part / whole``, or ``None`` when either is missing or the whole is zero."""
    if _is_missing(part) or _is_missing(whole) or not whole:
        return None
    return 100.0 * float(part) / float(whole)  # type: ignore[arg-type]


def number_format_for(unit: str) -> str:
    """The cell number format of a figure in ``unit`` (from ``indicators.csv``)."""
    if unit in COUNT_UNITS:
        return NF_INT
    return NF_DEC1


def _round_half_away(number: float, decimals: int) -> float:
    """Round half away from zero, as a reader rounds (Python's round() is banker's rounding)."""
    factor = 10**decimals
    scaled = abs(number) * factor
    # guard against binary representation error (74.85 stored as 74.8499999…)
    rounded = math.floor(scaled + 0.5 + 1e-9)
    return math.copysign(rounded / factor, number)
