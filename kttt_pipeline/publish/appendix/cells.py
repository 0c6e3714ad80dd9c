"""Safe cell writing: every text that comes from a return (names, tax codes, finding details and values) is
written as a *string cell*, with a quote prefix when a spreadsheet would read it as a formula, so
"=HYPERLINK(…)", "+1", "-x", "@SUM" never become formulas or links; control characters that corrupt the XML are
removed. Figures are real numbers with Vietnamese-locale number formats (:mod:`kttt_pipeline.core.numfmt`)."""

from __future__ import annotations

import math
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from kttt_pipeline.core.numfmt import NF_INT
from kttt_pipeline.core.text import XML_ILLEGAL
from kttt_pipeline.publish.appendix.styles import _style

#: characters that make a spreadsheet treat a text as a formula (or DDE/link) when typed
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def clean_text(value: Any) -> str:
    """Text for a cell: control characters removed (they corrupt the XML), never None."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return XML_ILLEGAL.sub("", str(value))


def write_text(ws: Worksheet, row: int, col: int, value: Any, **style: Any):
    """Write ``value`` as a string cell — never a formula, whatever its first character.

    openpyxl turns any str starting with "=" into a formula; the data type is forced back to a (shared)
    string, and a quote prefix is set for texts a spreadsheet would read as a formula when the cell is edited.
    """
    text = clean_text(value)
    cell = ws.cell(row=row, column=col)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True
    _style(cell, **style)
    return cell


def write_number(ws: Worksheet, row: int, col: int, value: float | None, fmt: str = NF_INT, **style: Any):
    cell = ws.cell(row=row, column=col)
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        cell.value = None
    else:
        number = float(value)
        cell.value = int(number) if fmt == NF_INT and number == int(number) else number
        cell.number_format = fmt
    style.setdefault("halign", "right")
    _style(cell, **style)
    return cell


def _f(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number
