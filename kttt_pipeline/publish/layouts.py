"""Sheet layouts as data (``kttt_pipeline/vocab/layouts/*.csv``, described in its README.md): which indicator sits
on which row or column of a published sheet, in which order, under which label. A layout only places figures of
``rpt_indicator``; every code it names must be an indicator of ``vocab/indicators.csv`` (checked on reading).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from typing import NamedTuple


class LayoutError(ValueError):
    """A layout file names an unknown indicator or has a malformed row."""


class FigureRow(NamedTuple):
    """A row of Biểu 01: numbering, indicator code (None: a heading), label override (None: the indicator's
    name), level (0 section, 1 numbered line, 2 "trong đó" line, 3 "-" line)."""

    numbering: str
    indicator_code: str | None
    label: str | None
    level: int


class StatusRow(NamedTuple):
    """A row of Biểu 02 part B: numbering, indicator code, label, bold (a class) or not (one of its parts)."""

    numbering: str
    indicator_code: str
    label: str
    bold: bool


def _read(name: str) -> list[dict[str, str]]:
    with resources.files("kttt_pipeline.vocab").joinpath("layouts").joinpath(name).open(encoding="utf-8-sig") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _known(name: str, codes: list[str]) -> None:
    from kttt_pipeline.core.vocabulary import indicators

    known = {i.code for i in indicators()}
    unknown = [c for c in codes if c and c not in known]
    if unknown:
        raise LayoutError(f"vocab/layouts/{name}: unknown indicator codes {unknown} (not in vocab/indicators.csv)")


@lru_cache(maxsize=None)
def figure_rows() -> tuple[FigureRow, ...]:
    """Biểu 01's rows (``bieu_01_rows.csv``), in the plan's order."""
    rows = []
    for i, r in enumerate(_read("bieu_01_rows.csv"), 2):
        try:
            level = int(r["level"])
        except ValueError:
            raise LayoutError(f"vocab/layouts/bieu_01_rows.csv, row {i}: level '{r['level']}' is not 0-3") from None
        if level not in (0, 1, 2, 3) or not (r["indicator_code"] or r["label"]):
            raise LayoutError(f"vocab/layouts/bieu_01_rows.csv, row {i}: a row needs level 0-3 and a code or a label")
        rows.append(FigureRow(r["numbering"], r["indicator_code"] or None, r["label"] or None, level))
    _known("bieu_01_rows.csv", [r.indicator_code for r in rows if r.indicator_code])
    return tuple(rows)


def _width(name: str, i: int, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise LayoutError(f"vocab/layouts/{name}, row {i}: width '{text}' is not a number") from None


@lru_cache(maxsize=None)
def sector_status_columns() -> tuple[tuple[str, str], ...]:
    """Biểu 02 part A's status columns (``bieu_02_columns.csv``): (col_key of rpt_breakdown's 'sector_status',
    header); the total row shows the indicator HTX_<col_key>."""
    rows = tuple((r["col_key"], r["header"]) for r in _read("bieu_02_columns.csv"))
    _known("bieu_02_columns.csv", [f"HTX_{key}" for key, _ in rows])
    return rows


@lru_cache(maxsize=None)
def sector_status_widths() -> tuple[float, ...]:
    """The column widths of :func:`sector_status_columns` (in character widths)."""
    return tuple(_width("bieu_02_columns.csv", i, r["width"]) for i, r in enumerate(_read("bieu_02_columns.csv"), 2))


@lru_cache(maxsize=None)
def status_rows() -> tuple[StatusRow, ...]:
    """Biểu 02 part B's rows (``bieu_02_status_rows.csv``)."""
    rows = tuple(
        StatusRow(r["numbering"], r["indicator_code"], r["label"], r["bold"] == "1")
        for r in _read("bieu_02_status_rows.csv")
    )
    _known("bieu_02_status_rows.csv", [r.indicator_code for r in rows])
    return rows


@lru_cache(maxsize=None)
def unit_columns() -> tuple[tuple[str, str], ...]:
    """Biểu 03's figure columns (``bieu_03_columns.csv``): (header, indicator code)."""
    rows = tuple((r["header"], r["indicator_code"]) for r in _read("bieu_03_columns.csv"))
    _known("bieu_03_columns.csv", [code for _, code in rows])
    return rows


@lru_cache(maxsize=None)
def unit_column_widths() -> tuple[float, ...]:
    """The column widths of :func:`unit_columns` (in character widths)."""
    return tuple(_width("bieu_03_columns.csv", i, r["width"]) for i, r in enumerate(_read("bieu_03_columns.csv"), 2))


@lru_cache(maxsize=None)
def national_columns() -> tuple[tuple[str, str, float], ...]:
    """The national summary's figure columns (``national_columns.csv``): (header, indicator code, width)."""
    rows = _read("national_columns.csv")
    _known("national_columns.csv", [r["indicator_code"] for r in rows])
    return tuple(
        (r["header"], r["indicator_code"], _width("national_columns.csv", i, r["width"])) for i, r in enumerate(rows, 2)
    )


@lru_cache(maxsize=None)
def headline() -> tuple[tuple[str, str], ...]:
    """The headline figures of a period (``headline.csv``): (indicator code, label)."""
    rows = tuple((r["indicator_code"], r["label"]) for r in _read("headline.csv"))
    _known("headline.csv", [code for code, _ in rows])
    return rows
