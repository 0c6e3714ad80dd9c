"""What a row classification asks of a table body's cells, for all its rows at once (spec §3).

Each question (is a cell empty, a text, a column number, a header's text, a status, a tax code, a number) is
asked once per distinct value of each column and only of the rows that still need the answer; the answers are
counted over the body as arrays (:func:`row_features`). The rules that read a single row
(:func:`strong_evidence`, :func:`is_numbering_row`) ask the same cell predicates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import TYPE_CHECKING

import numpy as np

from kttt_pipeline.core.text import clean_text, fold
from kttt_pipeline.core.values import parse_number
from kttt_pipeline.core.vocabulary import header_vocabulary, status_lookup
from kttt_pipeline.ingest.row_labels import breakdown_line, sector_heading, total_label

if TYPE_CHECKING:
    from kttt_pipeline.ingest.headers import Table

#: a name cell that only numbers its column ("1", "(12)")
COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
#: a text cell numbering a column: "(1)", "1", "(A)", "(5)=(6)+(7)"
NUMBERING_TOKEN = re.compile(r"^\(?\s*(\d{1,2}|[A-Za-z])\s*\)?(?:\s*=.*)?$")


# ------------------------------------------------------------------ one cell


def numbering_cell(value: object) -> bool:
    """A cell that may number a column: "(1)", "1", 1.0, "(A)", "(5)=(6)+(7)"."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return float(value).is_integer() and 0 < value < 100
    return NUMBERING_TOKEN.match(clean_text(value) or "") is not None


def _written(value: object) -> bool:
    """A text cell that is not blank (a row's texts)."""
    return isinstance(value, str) and bool(clean_text(value))


def _status_cell(value: object) -> bool:
    """A status of the vocabulary ."""
    return isinstance(value, str) and fold(value) in status_lookup()


def _tax_code_cell(value: object) -> bool:
    """At least nine digits of a tax code."""
    return len(re.sub(r"\D", "", str(int(value) if isinstance(value, float) and value.is_integer() else value))) >= 9


def _number_cell(value: object) -> bool:
    return parse_number(value).value is not None


def _column_number(value: object) -> int | None:
    """The number a :func:`numbering_cell` gives its column (None for a letter: "A", "(B)")."""
    if isinstance(value, (int, float)):
        return int(value)
    m = NUMBERING_TOKEN.match(clean_text(value) or "")
    return int(m.group(1)) if m and m.group(1).isdigit() else None


def _numbering_cells_needed(n_columns: int) -> float:
    """The cells a numbering row fills: most of the table's columns, at least three."""
    return max(3, 0.6 * n_columns)


def _numbers_ascend(cells: list[object]) -> bool:
    """Column numbers that run in order, at least two of them ("A B 1 2 …" too)."""
    numbers = [n for n in map(_column_number, cells) if n is not None]
    return len(numbers) >= 2 and all(b > a for a, b in zip(numbers, numbers[1:]))


@lru_cache(maxsize=1 << 16)
def _header_field(record_type: str, text: str) -> str | None:
    return header_vocabulary().match(record_type, text, None)


def _may_head(text: str) -> bool:
    """A name cell's text that may make its row a breakdown line or a sector heading; the STT cell only sets a
    heading's level, never whether the row is one."""
    return breakdown_line(text) or sector_heading(text, None) is not None


# ------------------------------------------------------------------ one row


def is_numbering_row(row: list[object], n_columns: int = 0) -> bool:
    """A row numbering the columns: "(1) (2) (3) …", "1 2 3 …" (numbers or text), "A B 1 2 …", over most of
    the table's columns."""
    cells = [v for v in row if v is not None]
    return (
        len(cells) >= _numbering_cells_needed(n_columns) and all(map(numbering_cell, cells)) and _numbers_ascend(cells)
    )


def strong_evidence(row: list[object], idx: dict[str, int]) -> bool:
    """The row describes an entity: its status is one of the statuses, or it carries a tax code."""
    j = idx.get("status")
    if j is not None and j < len(row) and _status_cell(row[j]):
        return True
    j = idx.get("tax_code")
    return j is not None and j < len(row) and row[j] is not None and _tax_code_cell(row[j])


# ------------------------------------------------------------------ a table body at once


#: cell types whose values can key a cache by value alone (no two of them compare equal across types the way
#: True == 1 does)
_VALUE_KEYED = frozenset({type(None), str, int, float, dt.date, dt.datetime, dt.time, dt.timedelta})


def _tested(values: list[object], test) -> list[bool]:
    """``test`` of each of ``values``, computed once per distinct value."""
    if set(map(type, values)) <= _VALUE_KEYED:
        known = {v: bool(test(v)) for v in set(values)}
        return list(map(known.__getitem__, values))
    keyed: dict[tuple[type, object], bool] = {}
    out = []
    for v in values:
        key = (type(v), v)
        try:
            if key not in keyed:
                keyed[key] = bool(test(v))
        except TypeError:  # a value that cannot key a dict
            out.append(bool(test(v)))
            continue
        out.append(keyed[key])
    return out


def _cell_test(column: tuple[object, ...], rows: np.ndarray, test) -> np.ndarray:
    """``test`` of the cells of ``column`` on ``rows`` (a mask), once per distinct value; False on the other rows."""
    out = np.zeros(len(column), dtype=bool)
    where = np.flatnonzero(rows).tolist()
    if where:
        out[where] = _tested([column[i] for i in where], test)
    return out


def _text_test(column: tuple[object, ...], rows: np.ndarray, test) -> np.ndarray:
    """``test`` of the cleaned text of the cells of ``column`` on ``rows`` (a mask of rows whose cell there is a
    text), once per distinct text; False on the other rows."""
    return _cell_test(column, rows, lambda v: test(clean_text(v)))


def _copied_headers(
    columns: list[tuple[object, ...]], strings: np.ndarray, candidates: np.ndarray, table: Table
) -> np.ndarray:
    """Which rows of ``candidates`` (rows whose filled cells are all strings, at least two) copy the header
    inside the table (print titles): every cell a text (not blank), and at least two (and 60 %) of them the
    texts of one header row in their columns, or at least three (and 60 %) naming a field. ``strings``:
    (column, row) whether the cell holds a string.

    Column by column (those where a candidate holds a text), the cheapest first (cleaning and folding a text
    costs by its length, once per distinct text); a row is dropped as soon as it shows a blank cell or the columns
    left cannot bring it to either count."""
    record_type = getattr(table, "record_type", None)
    headers = list(getattr(table, "header_texts", ()))
    width = len(columns)
    texts = strings.sum(axis=0)  # a candidate that stays one is texts only
    need_named = np.maximum(3, 0.6 * texts)
    need_same = np.maximum(2, 0.6 * texts)
    targets = [[h[j] if j < len(h) and h[j] else None for h in headers] for j in range(width)]
    named = np.zeros(texts.shape, dtype=np.int64)
    named_left = texts.copy() if record_type else np.zeros(texts.shape, dtype=np.int64)
    same = [np.zeros(texts.shape, dtype=np.int64) for _ in headers]
    same_left = [
        strings[[j for j in range(width) if targets[j][k] is not None]].sum(axis=0) for k in range(len(headers))
    ]
    alive = candidates.copy()
    blank = np.zeros(texts.shape, dtype=bool)
    sample = np.flatnonzero(candidates).tolist()
    sample = sample[:: max(1, len(sample) // 256)]

    def cost(j: int) -> int:
        column = columns[j]
        return sum(len(v) for v in {column[i] for i in sample} if isinstance(v, str))

    # a column in which no candidate holds a text changes no candidate's counts, nor whether it can still reach
    # them: not visited (a candidate is mostly a heading of two or three texts in a table of thirty columns)
    visited = np.flatnonzero((strings & candidates).any(axis=1)).tolist()
    for j in sorted(visited, key=cost) if sample else ():
        rows = alive & strings[j]
        written = _cell_test(columns[j], rows, _written)
        blank |= rows & ~written
        rows &= written
        if record_type:
            named += _text_test(columns[j], rows, partial(_header_field, record_type))
            named_left -= strings[j]
        for k, target in enumerate(targets[j]):
            if target is not None:
                same[k] += _text_test(columns[j], rows, lambda t, target=target: fold(t) == target)
                same_left[k] -= strings[j]
        reachable = named + named_left >= need_named
        for k in range(len(headers)):
            reachable |= same[k] + same_left[k] >= need_same
        alive &= reachable & ~blank
        if not alive.any():
            break
    copied = named >= need_named
    for k in range(len(headers)):
        copied |= same[k] >= need_same
    return candidates & ~blank & copied


@dataclass
class RowFeatures:
    """What the row classification asks of each row of a table body, for all of them at once (one array item a
    row): ``filled`` its filled cells; ``numbering`` it numbers the columns (:func:`is_numbering_row`);
    ``copied`` it copies the header (print titles), on the rows that do not number the columns; ``strong``
    :func:`strong_evidence`; ``has_numbers`` a numeric field holds a number; ``weak`` an entity without
    evidence: named, with figures, no total label in any of its texts, a name that neither heads a sector nor
    opens a breakdown."""

    filled: np.ndarray
    numbering: np.ndarray
    copied: np.ndarray
    strong: np.ndarray
    has_numbers: np.ndarray
    weak: np.ndarray


def row_features(rows: list[list[object]], table: Table, numeric_fields: set[str]) -> RowFeatures:
    """The :class:`RowFeatures` of a table body (``rows``, at least one row with a cell).

    A cell is asked only what its row still needs: whether it may number the columns while every cell before
    it may (the name column first), whether it is a text while its row holds only texts, a number while its
    row has none yet."""
    width = max(map(len, rows))
    padded = [r if len(r) == width else list(r) + [None] * (width - len(r)) for r in rows]
    columns = list(zip(*padded))
    idx = table.field_index()
    name_j = idx.get("name") if idx.get("name") is not None and idx["name"] < width else None
    kind = np.array([[0 if v is None else 2 if isinstance(v, str) else 1 for v in c] for c in columns], dtype=np.int8)
    filled_cell, str_cell = kind != 0, kind == 2
    filled = filled_cell.sum(axis=0)
    # is_numbering_row: enough cells, every one a column number, asked column by column; then, on the rows left,
    # whether their numbers run in order
    n_columns = len(getattr(table, "columns", ()))
    numbering = filled >= _numbering_cells_needed(n_columns)
    for j in ([name_j] if name_j is not None else []) + [j for j in range(width) if j != name_j]:
        if not numbering.any():
            break
        on = numbering & filled_cell[j]
        numbering &= ~on | _cell_test(columns[j], on, numbering_cell)
    for i in np.flatnonzero(numbering).tolist():
        numbering[i] = _numbers_ascend([v for v in rows[i] if v is not None])
    plain = (filled > 0) & ~numbering
    # a copied header holds texts only
    copied = _copied_headers(columns, str_cell, plain & (str_cell.sum(axis=0) == filled) & (filled >= 2), table)
    strong = np.zeros(len(rows), dtype=bool)
    j = idx.get("status")
    if j is not None and j < width:
        strong |= _cell_test(columns[j], str_cell[j], _status_cell)
    j = idx.get("tax_code")
    if j is not None and j < width:
        strong |= _cell_test(columns[j], filled_cell[j] & ~strong, _tax_code_cell)
    has_numbers = np.zeros(len(rows), dtype=bool)
    for j in sorted({idx[f] for f in numeric_fields if f in idx and idx[f] < width}):
        has_numbers |= _cell_test(columns[j], filled_cell[j] & ~has_numbers, _number_cell)
    weak = plain & ~copied & ~strong & has_numbers
    if name_j is not None and weak.any():
        weak &= _cell_test(columns[name_j], weak & str_cell[name_j], _written)
        weak &= ~_text_test(columns[name_j], weak, _may_head)
        for j in range(width):
            weak &= ~_text_test(columns[j], weak & str_cell[j], total_label)
    else:
        weak[:] = False
    return RowFeatures(filled, numbering, copied, strong, has_numbers, weak)
