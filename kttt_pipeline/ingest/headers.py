"""Finding the table on a sheet: its header and columns (spec §3).

A table starts after a title block of any height, under a header of one or two rows (merged cells:
"Cán bộ quản lý" over "Tổng số | Sơ cấp, trung cấp | …"). Columns come in any order, extra columns may
appear, a column may be missing. What the rows below the header are is :mod:`kttt_pipeline.ingest.row_classes`'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kttt_pipeline.core import fields
from kttt_pipeline.core.text import clean_text, fold
from kttt_pipeline.core.values import money_factor, parse_number
from kttt_pipeline.core.vocabulary import header_key, header_vocabulary, title_words
from kttt_pipeline.ingest.row_features import COLUMN_NUMBER, is_numbering_row
from kttt_pipeline.ingest.workbook import Grid

MAX_HEADER_SEARCH_ROWS = 60

REQUIRED_FIELDS = {
    "cooperative": {"name"},
    "group": {"name"},
    "summary": {"label", "value"},
    "tax": {"tax_code", "name"},
    "union": {"name"},
    "credit_fund": {"name"},
    "target": {"indicator_code", "value"},
}
MIN_FIELDS = {"cooperative": 4, "group": 3, "summary": 2, "tax": 3, "union": 3, "credit_fund": 3, "target": 2}


@dataclass
class Column:
    index: int
    field: str | None
    header: str  # "parent / child" as written (NFC)
    money_factor: float | None = None  # to triệu đồng, from the column's own header
    #: a column without a header text of its own, under a group header written over its neighbours (a blank
    #: spacer column under a merged "Lao động"): not a column of the table, never a field nor an unmapped header
    under_group: bool = False


@dataclass
class Table:
    record_type: str
    header_index: int  # grid index of the first header row
    header_rows: int  # 1 to 3 text rows, plus a column-numbering row under them (0: a continued listing)
    columns: list[Column]
    unit_line_factor: float | None  # from the "Đơn vị tính" line above the table
    title_cells: list[str] = field(default_factory=list)  # texts above the header (unit name, dates…)
    unmapped: list[str] = field(default_factory=list)
    header_texts: list[list[str | None]] = field(default_factory=list)  # folded header rows, column by column

    @property
    def data_start(self) -> int:
        return self.header_index + self.header_rows

    def field_index(self) -> dict[str, int]:
        """Canonical field → column index (first column of a field wins). Computed once per table: it is asked
        for every row."""
        cached = self.__dict__.get("_field_index")
        if cached is not None and cached[0] == len(self.columns):
            return cached[1]
        out: dict[str, int] = {}
        for c in self.columns:
            if c.field and c.field != "_ignore" and c.field not in out:
                out[c.field] = c.index
        self.__dict__["_field_index"] = (len(self.columns), out)
        return out

    def factor_for(self, fld: str) -> float:
        """Money factor of a field's column: its own header's unit wins, then the Đơn vị tính line, else 1.
        The headers' own factors are gathered once per table (it is asked for every money cell)."""
        cached = self.__dict__.get("_own_factors")
        if cached is None or cached[0] != len(self.columns):
            own: dict[str, float | None] = {}
            for c in self.columns:
                if c.field not in own:
                    own[c.field] = c.money_factor
            cached = self.__dict__["_own_factors"] = (len(self.columns), own)
        factor = cached[1].get(fld)
        if factor is not None:
            return factor
        return self.unit_line_factor if self.unit_line_factor is not None else 1.0

    def continued(self, grid_start: int = 0) -> "Table":
        """The same columns for a listing continued on another sheet without its own header."""
        return Table(self.record_type, grid_start, 0, self.columns, self.unit_line_factor, [], [], self.header_texts)


def cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(value)


def _row(grid: Grid, i: int) -> list[object]:
    return grid.rows[i] if 0 <= i < len(grid.rows) else []


def _is_subheader_row(row: list[object], parent: list[object]) -> bool:
    """A further header row: only text cells (or nothing), lying under header columns."""
    non_empty = [(j, v) for j, v in enumerate(row) if v is not None]
    if not non_empty:
        return True  # an empty row under vertically merged header cells
    for j, v in non_empty:
        if not isinstance(v, str) or parse_number(v).value is not None and not COLUMN_NUMBER.match(v.strip()):
            return False
    return True


def _header_row_texts(grid: Grid, i: int, width: int) -> list[str | None]:
    """A header row's texts, a horizontally merged cell's text over every column of its range."""
    texts = ([cell_text(v) for v in _row(grid, i)] + [None] * width)[:width]
    for (r1, c1), (r2, c2) in grid.merged:
        if r1 <= i <= r2 and c2 > c1 and r1 == i:
            for c in range(c1 + 1, min(c2, width - 1) + 1):
                texts[c] = texts[c1]
    return texts


def _vertical_cover(grid: Grid, i: int) -> set[int]:
    """Columns whose cell on row ``i`` is covered by a vertical merge starting above it."""
    out = set()
    for (r1, c1), (r2, c2) in grid.merged:
        if r1 < i <= r2:
            out.update(range(c1, c2 + 1))
    return out


def _map_columns(grid: Grid, i: int, record_type: str, n_rows: int | bool) -> list[Column]:
    """Columns of a header of ``n_rows`` text rows starting at grid row ``i`` (parents over children)."""
    n_rows = 2 if n_rows is True else 1 if n_rows is False else n_rows
    width = grid.width
    levels = [_header_row_texts(grid, i + k, width) for k in range(n_rows)]
    # without merge information a parent spans the children to its right until the next parent
    for k in reversed(range(n_rows - 1)):  # bottom up: a middle parent first spans its children
        parents, children = levels[k], levels[k + 1]
        covered = _vertical_cover(grid, i + k + 1) | _vertical_cover(grid, i + k)
        last_parent = None
        for c in range(width):
            if parents[c]:
                last_parent = parents[c]
            elif (
                children[c]
                and last_parent
                and c > 0
                and children[c - 1]
                and c not in covered
                and header_key(children[c])
            ):  # a unit "(người)" under a title spans nothing
                parents[c] = last_parent
    columns = []
    for c in range(width):
        stack: list[str] = []
        for k in range(n_rows):
            t = levels[k][c]
            if t and (not stack or stack[-1] != t):  # a vertically merged cell read twice
                stack.append(t)
        if not stack:
            continue
        if n_rows > 1 and _under_group(levels, c):  # one header row has no group over its columns
            columns.append(Column(c, None, " / ".join(stack), None, under_group=True))
            continue
        fld, factor = _stack_meaning(record_type, tuple(stack), fields.version())
        columns.append(Column(c, fld, " / ".join(stack), factor))
    return columns


@lru_cache(maxsize=1 << 14)
def _stack_meaning(record_type: str, stack: tuple[str, ...], _fields_version: int) -> tuple[str | None, float | None]:
    """(field, money factor) of a ``record_type`` column headed by ``stack`` (top to bottom): the field its titles
    name, and the unit its lowest text naming one names. Once per distinct stack (and version of the fields, which
    the header vocabulary is built from): every return of a template repeats its headers, and a sheet's rows are
    tried as headers for each kind of listing."""
    titles = [t for t in stack if header_key(t)]  # "(người)", "(tr.đ)" only name a unit
    fld = _match_stack(header_vocabulary(), record_type, titles) if titles else None
    for t in reversed(stack):
        factor = money_factor(_paren_unit(t))
        if factor is not None:
            return fld, factor
    return fld, None


def _under_group(levels: list[list[str | None]], c: int) -> bool:
    """Column ``c`` has nothing of its own under a group header that has sub-headers over its neighbours (a blank
    spacer under a merged "Lao động" over "Tổng số | … | Là thành viên"): its deepest text is a group header (the
    same texts over the neighbouring columns of its run) and a neighbour of the run has a text under it."""
    deepest = max((k for k in range(len(levels)) if levels[k][c]), default=None)
    if deepest is None or deepest == len(levels) - 1:
        return False
    same = [levels[k][c] for k in range(deepest + 1)]
    for step in (-1, 1):
        j = c + step
        while 0 <= j < len(levels[0]) and [levels[k][j] for k in range(deepest + 1)] == same:
            if any(levels[k][j] for k in range(deepest + 1, len(levels))):
                return True
            j += step
    return False


def _match_stack(vocab, record_type: str, stack: list[str]) -> str | None:
    """The field of a column headed by ``stack`` (top to bottom): the innermost text under its nearest
    ancestor first ("Lao động / Trong đó / Là thành viên" is tried as "Trong đó / Là thành viên", then
    "Lao động / Là thành viên", then "Lao động / Trong đó là thành viên")."""
    if len(stack) == 1:
        return vocab.match(record_type, stack[0], None)
    child = stack[-1]
    for parent in reversed(stack[:-1]):
        fld = vocab.match(record_type, parent, child)
        if fld:
            return fld
    if len(stack) == 3:
        fld = vocab.match(record_type, stack[0], f"{stack[1]} {stack[2]}")
        if fld:
            return fld
    return None


def _paren_unit(text: str | None) -> str | None:
    """The part of a header that names its unit: the first bracketed group naming a money unit ("Vốn điều lệ
    (đăng ký) (tỷ đồng)"), else what follows the last comma or dash ("Vốn điều lệ, tỷ đồng"), else the first
    bracketed group."""
    if not text:
        return None
    groups = re.findall(r"\(([^)]*)\)", text)
    for g in groups:
        if money_factor(g) is not None:
            return g
    tail = re.split(r",|\s[-–]\s", re.sub(r"\([^)]*\)", "", text))
    if len(tail) > 1 and money_factor(tail[-1]) is not None:
        return tail[-1]
    return groups[0] if groups else None


def _score(columns: list[Column], record_type: str) -> int:
    fields = {c.field for c in columns if c.field and c.field != "_ignore"}
    if not REQUIRED_FIELDS[record_type] <= fields:
        return 0
    return len(fields) if len(fields) >= MIN_FIELDS[record_type] else 0


MAX_HEADER_ROWS = 3


def _is_unit_row(row: list[object]) -> bool:
    """A header row of units under the column titles: "(người)", "(HTX)", "(tr.đ)", "triệu đồng"."""
    texts = [clean_text(v) for v in row if v is not None]
    return bool(texts) and all(
        isinstance(t, str) and (re.fullmatch(r"\(.*\)", t) or money_factor(t) is not None) for t in texts
    )


def locate_table(grid: Grid, record_type: str) -> Table | None:
    """Find the header of a ``record_type`` table on the sheet; None when there is no recognisable table.

    The header is one to three text rows (the lower ones only when they refine the mapping), and a row
    numbering the columns under it is part of it."""
    best: tuple[int, int, int, list[Column]] | None = None
    for i in range(min(len(grid.rows), MAX_HEADER_SEARCH_ROWS)):
        row = grid.rows[i]
        if sum(1 for v in row if isinstance(v, str)) < 2:
            continue
        single = _map_columns(grid, i, record_type, 1)
        s1 = _score(single, record_type)
        if not s1:
            continue
        best = (s1, i, 1, single)
        # further header rows only refine a row that is itself a header (not a title line above the header)
        for n in range(2, MAX_HEADER_ROWS + 1):
            below = i + n - 1
            if (
                below >= len(grid.rows)
                or not _is_subheader_row(grid.rows[below], row)
                or is_numbering_row(grid.rows[below], len(single))
            ):
                break
            cols = _map_columns(grid, i, record_type, n)
            s = _score(cols, record_type)
            if s > best[0] or (
                s == best[0] and (all(v is None for v in grid.rows[below]) or _is_unit_row(grid.rows[below]))
            ):
                best = (s, i, n, cols)
        break  # the first row that forms a header wins
    if best is None:
        return None
    _, i, n, cols = best
    width = grid.width
    header_texts = [
        [fold(t) if t else None for t in ([cell_text(v) for v in _row(grid, i + k)] + [None] * width)[:width]]
        for k in range(n)
    ]
    if i + n < len(grid.rows) and is_numbering_row(grid.rows[i + n], len(cols)):
        n += 1  # "(1) (2) (3) …" under the header
    title_cells = [t for r in grid.rows[:i] for t in (cell_text(v) for v in r) if t]
    unit_factor = None
    for r in grid.rows[:i]:
        texts = [cell_text(v) for v in r]
        for j, t in enumerate(texts):
            if t and fold(t).startswith(title_words("unit_line_label")):
                unit_factor = money_factor(t)
                if unit_factor is None:
                    rest = " ".join(x for x in texts[j + 1 :] if x)
                    unit_factor = money_factor(rest)
    unmapped = [c.header for c in cols if c.field is None and not c.under_group]
    return Table(record_type, i, n, cols, unit_factor, title_cells, unmapped, header_texts)
