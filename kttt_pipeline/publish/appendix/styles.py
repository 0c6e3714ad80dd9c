"""The appendix's look: the plan's font, fills and borders, and the cached style assignment (openpyxl hashes a
style object into the workbook's lists on every assignment: ~100,000 cells at national scale)."""

from __future__ import annotations

from copy import copy
from functools import lru_cache

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

FONT_NAME = "Times New Roman"  # the plan's font; LibreOffice substitutes the metric-compatible Liberation Serif
BODY_SIZE = 11
LINE_PT = 15.0  # height of one text line at BODY_SIZE

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
WARN_FILL = PatternFill("solid", fgColor="FDE9D9")
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")


@lru_cache(maxsize=None)
def _font(size: float, bold: bool, italic: bool, color: str | None) -> Font:
    # style objects are immutable in openpyxl: one per combination (a national sheet has ~100,000 cells)
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic, color=color)


@lru_cache(maxsize=None)
def _alignment(halign: str, valign: str, wrap: bool, indent: int) -> Alignment:
    return Alignment(horizontal=halign, vertical=valign, wrap_text=wrap, indent=indent)


def _style(
    cell,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = BODY_SIZE,
    color: str | None = None,
    halign: str = "left",
    valign: str = "center",
    wrap: bool = True,
    border: bool = True,
    fill: PatternFill | None = None,
    indent: int = 0,
) -> None:
    # assigning a style object makes openpyxl hash it into the workbook's style lists (slow: ~100,000 cells);
    # the resulting style indices depend only on the cell's previous ones and these arguments, so they are
    # computed once per combination and workbook and copied onto the next cells
    base = cell._style  # None: never styled (all defaults)
    cache = _style_cache(cell.parent.parent)
    key = (
        tuple(base) if base is not None else None,
        bold,
        italic,
        size,
        color,
        halign,
        valign,
        wrap,
        border,
        id(fill),
        indent,
    )
    hit = cache.get(key)
    if hit is not None:
        cell._style = copy(hit[0])
        return
    cell.font = _font(size, bold, italic, color)
    cell.alignment = _alignment(halign, valign, wrap, indent)
    if border:
        cell.border = BORDER
    if fill is not None:
        cell.fill = fill
    cache[key] = (copy(cell._style), fill)  # the fill is kept so that its id is not reused


def _style_cache(wb: Workbook) -> dict:
    cache = getattr(wb, "_kttt_style_cache", None)
    if cache is None:
        cache = wb._kttt_style_cache = {}
    return cache
