"""The demo's workbook primitives: a sheet's rows and merges, saved in openpyxl's write-only (streaming) mode
with fixed document properties (no wall-clock value in a file), and the ways a clerk's typing makes values
messy (numbers and dates as Vietnamese text, upper case, no diacritics, NFD, stray spaces)."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from pathlib import Path

import openpyxl
from openpyxl.worksheet.cell_range import CellRange

from kttt_pipeline.core.text import strip_diacritics


class Sheet:
    """Rows and merges of one sheet, appended to a write-only workbook at the end."""

    def __init__(self, name: str):
        self.name = name
        self.rows: list[list[object]] = []
        self.merges: list[str] = []

    def add(self, row: list[object] | None = None) -> int:
        self.rows.append(list(row or []))
        return len(self.rows)  # Excel row number

    def put(self, width: int, cells: dict[int, object]) -> int:
        row: list[object] = [None] * width
        for c, v in cells.items():
            row[c] = v
        return self.add(row)

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        self.merges.append(CellRange(min_row=r1, min_col=c1 + 1, max_row=r2, max_col=c2 + 1).coord)


def save(path: Path, sheets: list[Sheet]) -> None:
    wb = openpyxl.Workbook(write_only=True)
    fixed = dt.datetime(2000, 1, 1)
    wb.properties.creator = "kttt demo-data"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    for s in sheets:
        ws = wb.create_sheet(s.name)
        for row in s.rows:
            ws.append(row)
        for m in s.merges:
            ws.merged_cells.add(m)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def typed_number(x: float) -> str:
    """A number the way a Vietnamese clerk types it into a cell: '3.030,6', '58.500', '45' (at most two
    decimals, trailing zeros dropped). Not :func:`kttt_pipeline.core.numfmt.format_vn`, which formats published
    figures to a fixed number of decimals: this is input mess the readers must understand."""
    neg = x < 0
    x = abs(x)
    whole = int(x)
    frac = round(x - whole, 2)
    if frac >= 1:  # rounding carried
        whole, frac = whole + 1, 0.0
    text = f"{whole:,}".replace(",", ".")
    if frac:
        text += "," + f"{frac:.2f}"[2:].rstrip("0")
    return ("-" if neg else "") + text


def typed_date(d: dt.date, style: int) -> str:
    return d.strftime(("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")[style % 3])


def messy_text(rng: random.Random, text: str, p: float = 0.12) -> str:
    """Vocabulary texts (sector, status, grade) sometimes upper-case, without diacritics or NFD."""
    r = rng.random()
    if r < p / 3:
        return text.upper()
    if r < 2 * p / 3:
        return strip_diacritics(text)
    if r < p:
        return unicodedata.normalize("NFD", text)
    return text


def messy_name(rng: random.Random, text: str) -> str:
    r = rng.random()
    if r < 0.05:
        return unicodedata.normalize("NFD", text)
    if r < 0.08:
        return text + " "
    if r < 0.10:
        return text.replace(" ", "  ", 1)
    return text
