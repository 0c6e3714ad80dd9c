"""The demo's data files (``demo/data/*.csv``), read once: weighted draws, word lists and name pools, and the
layout choices of the rendered workbooks.

* ``draws.csv``: ``draw,value,weight``: the distributions the population is drawn from (sector, status, …);
* ``words.csv``: ``pool,key,text``: texts a pool offers, by key (a sector's activities) or unkeyed (name pools);
* ``layout.csv``: ``choice,text``: the texts a rendered workbook chooses among (headers, titles, labels), in
  order; an empty text is an empty cell. A choice with one text is a fixed label or a ``str.format`` template.

Repeated rows are deliberate: a text written twice is drawn twice as often. The order of the rows is part of a
seed's output (a draw picks by position), so reordering a file changes the generated data for every seed.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files("kttt_pipeline.demo").joinpath("data").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def _draws() -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {}
    for r in _rows("draws.csv"):
        out.setdefault(r["draw"], []).append((r["value"], int(r["weight"])))
    return out


def draw(name: str) -> list[tuple[str, int]]:
    """(value, weight) pairs of a weighted draw, in file order."""
    return _draws()[name]


@cache
def _words() -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for r in _rows("words.csv"):
        out.setdefault(r["pool"], {}).setdefault(r["key"], []).append(r["text"])
    return out


def words(pool: str, key: str = "") -> list[str]:
    """The texts of an (unkeyed, or keyed) word pool, in file order."""
    return _words()[pool][key]


def keyed(pool: str) -> dict[str, list[str]]:
    """A keyed word pool: key -> texts (keys in file order)."""
    return _words()[pool]


@cache
def _layout() -> dict[str, list[str | None]]:
    out: dict[str, list[str | None]] = {}
    for r in _rows("layout.csv"):
        out.setdefault(r["choice"], []).append(r["text"] or None)
    return out


def choices(name: str) -> list[str | None]:
    """The texts a layout choice offers, in file order (None: an empty cell)."""
    return _layout()[name]


def label(name: str) -> str:
    """A fixed label or template of the layout (a choice of exactly one text)."""
    texts = _layout()[name]
    if len(texts) != 1 or texts[0] is None:
        raise KeyError(f"layout.csv: {name!r} is not a single label")
    return texts[0]
