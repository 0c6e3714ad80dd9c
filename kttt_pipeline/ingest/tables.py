"""Finding the table on a sheet and classifying its rows (spec §3).

A table starts after a title block of any height, under a header of one or two rows (merged cells:
"Cán bộ quản lý" over "Tổng số | Sơ cấp, trung cấp | …"). Columns come in any order, extra columns may
appear, a column may be missing. Below the header: entity rows, blank rows, group headings ("I. Nông
nghiệp"), total rows ("Cộng", "Tổng cộng", "Tổng số") and, after the table, a signature block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import clean_text, fold
from ..values import money_factor, parse_number
from ..vocabulary import header_vocabulary, read_vocab_csv, sector_lookup
from .workbook import Grid

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

_TOTAL_WORDS = {"cong", "tong cong", "tong so", "tong", "toan tinh", "toan huyen", "cong toan huyen",
                "tong cong toan huyen", "tong so toan huyen", "cong chung", "tong cong chung"}
#: a row labelled with the whole of a unit ("Toàn thành phố", "Toàn xã" since 1/7/2025, "Cộng toàn thị xã") or
#: "Tổng số/Tổng cộng …" of any length is a total row; "Cộng …" only when short (a name could start "Cộng đồng")
_TOTAL_PREFIXES = ("tong cong", "tong so ", "toan tinh", "toan huyen", "toan thanh pho", "toan thi xa",
                   "toan quan", "toan xa", "toan phuong", "toan thi tran", "toan dac khu", "cong toan ")
#: the only text of a row in an empty listing: a commune with no cooperative or group writes "Không có" (§11);
#: the words are vocab/empty_listing_words.csv
_NO_ENTRY_WORDS = frozenset(fold(r["text"]) for r in read_vocab_csv("empty_listing_words.csv"))
_ROMAN_START = re.compile(r"^\s*[IVXLCivxlc]+\b")  # cheap test on the raw name before folding it


def _is_total_label(folded: str) -> bool:
    return folded in _TOTAL_WORDS or folded.startswith(_TOTAL_PREFIXES) or (folded.startswith("cong ")
                                                                             and len(folded) < 40)


def _is_sector_heading(folded_name: str, fseq: str) -> bool:
    """A group heading by sector: "I. Nông nghiệp" in the name column, or "II" | "Phi nông nghiệp"."""
    sectors = sector_lookup()
    if fseq and _ROMAN.match(fseq) and (folded_name in sectors or folded_name.startswith("phi ")):
        return True
    first, _, rest = folded_name.partition(" ")
    return bool(rest) and _ROMAN.match(first) is not None and (rest in sectors or rest.startswith("phi "))
_ROMAN = re.compile(r"^(?=[ivxlc]+\b)(?:c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})(?:\s.*)?$")
_LETTER_HEADING = re.compile(r"^[a-e]\s*$")
_SIGNATURE = re.compile(
    r"nguoi lap bieu|nguoi lap\b|^tm\b|\btm ubnd\b|\btm uy ban\b|^kt\b|kt chu tich|chu tich\b|thu truong|"
    r"ngay \d{1,2} thang \d{1,2} nam \d{4}|xac nhan cua|ky ten|ky ghi ro ho ten|\bnoi nhan\b"
)
_COLUMN_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


@dataclass
class Column:
    index: int
    field: str | None
    header: str  # "parent / child" as written (NFC)
    money_factor: float | None = None  # to triệu đồng, from the column's own header


@dataclass
class Table:
    record_type: str
    header_index: int  # grid index of the first header row
    header_rows: int  # 1 or 2
    columns: list[Column]
    unit_line_factor: float | None  # from the "Đơn vị tính" line above the table
    title_cells: list[str] = field(default_factory=list)  # texts above the header (unit name, dates…)
    unmapped: list[str] = field(default_factory=list)

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
        """Money factor of a field's column: its own header's unit wins, then the Đơn vị tính line, else 1."""
        for c in self.columns:
            if c.field == fld:
                if c.money_factor is not None:
                    return c.money_factor
                break
        return self.unit_line_factor if self.unit_line_factor is not None else 1.0


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(value)


def _row(grid: Grid, i: int) -> list[object]:
    return grid.rows[i] if 0 <= i < len(grid.rows) else []


def _is_subheader_row(row: list[object], parent: list[object]) -> bool:
    """A second header row: only text cells (or nothing), lying under header columns."""
    non_empty = [(j, v) for j, v in enumerate(row) if v is not None]
    if not non_empty:
        return True  # an empty row under vertically merged header cells
    for j, v in non_empty:
        if not isinstance(v, str) or parse_number(v).value is not None and not _COLUMN_NUMBERING.match(v.strip()):
            return False
    return True


def _parents(grid: Grid, i: int, width: int) -> list[str | None]:
    parents = [_text(v) for v in _row(grid, i)] + [None] * width
    parents = parents[:width]
    for (r1, c1), (r2, c2) in grid.merged:
        if r1 == i and c2 > c1:
            for c in range(c1 + 1, min(c2, width - 1) + 1):
                parents[c] = parents[c1]
    return parents


def _map_columns(grid: Grid, i: int, record_type: str, two_rows: bool) -> list[Column]:
    vocab = header_vocabulary()
    width = grid.width
    parents = _parents(grid, i, width)
    children = ([_text(v) for v in _row(grid, i + 1)] + [None] * width)[:width] if two_rows else [None] * width
    # without merge information a parent spans the children to its right until the next parent
    last_parent = None
    for c in range(width):
        if parents[c]:
            last_parent = parents[c]
        elif children[c] and last_parent and c > 0 and children[c - 1]:
            parents[c] = last_parent
    columns = []
    for c in range(width):
        p, ch = parents[c], children[c]
        if p and ch and p == ch:
            ch = None  # a vertically merged cell read twice
        if not p and not ch:
            continue
        fld = vocab.match(record_type, p, ch) if ch else vocab.match(record_type, p, None)
        header = " / ".join(x for x in (p, ch) if x)
        factor = money_factor(_paren_unit(ch)) if ch else None
        if factor is None:
            factor = money_factor(_paren_unit(p))
        columns.append(Column(c, fld, header, factor))
    return columns


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


def locate_table(grid: Grid, record_type: str) -> Table | None:
    """Find the header of a ``record_type`` table on the sheet; None when there is no recognisable table."""
    best: tuple[int, int, int, list[Column]] | None = None
    for i in range(min(len(grid.rows), MAX_HEADER_SEARCH_ROWS)):
        row = grid.rows[i]
        if sum(1 for v in row if isinstance(v, str)) < 2:
            continue
        single = _map_columns(grid, i, record_type, False)
        candidates = [(1, single)]
        # a second header row only refines a row that is itself a header (not a title line above the header)
        if _score(single, record_type) and i + 1 < len(grid.rows) and _is_subheader_row(grid.rows[i + 1], row):
            candidates.append((2, _map_columns(grid, i, record_type, True)))
        for n, cols in candidates:
            s = _score(cols, record_type)
            if s and (best is None or s > best[0]):
                best = (s, i, n, cols)
        if best is not None and best[1] == i:
            break  # the first row that forms a header wins
    if best is None:
        return None
    _, i, n, cols = best
    # a one-row header may still be followed by an empty (vertically merged) row: skip it as non-entity
    title_cells = [t for r in grid.rows[:i] for t in (_text(v) for v in r) if t]
    unit_factor = None
    for r in grid.rows[:i]:
        texts = [_text(v) for v in r]
        for j, t in enumerate(texts):
            if t and fold(t).startswith(("don vi tinh", "dvt")):
                unit_factor = money_factor(t)
                if unit_factor is None:
                    rest = " ".join(x for x in texts[j + 1:] if x)
                    unit_factor = money_factor(rest)
    unmapped = [c.header for c in cols if c.field is None]
    return Table(record_type, i, n, cols, unit_factor, title_cells, unmapped)


# ---------------------------------------------------------------- row classification

ENTITY, BLANK, HEADING, TOTAL, NOTE, END = "entity", "blank", "heading", "total", "note", "end"


def classify_row(row: list[object], table: Table, numeric_fields: set[str]) -> str:
    idx = table.field_index()
    if all(v is None for v in row):
        return BLANK
    seq = _text(row[idx["seq"]]) if "seq" in idx and idx["seq"] < len(row) else None
    name = _text(row[idx["name"]]) if "name" in idx and idx["name"] < len(row) else None
    lead = [t for t in (_text(v) for v in row[: max(4, (idx.get("name", 0) + 1))]) if t]
    folded_lead = [fold(t) for t in lead]
    if any(_is_total_label(f) for f in folded_lead[:2]):
        # "Tổng số" as the first texts of the row (STT/name columns): a total row
        if not name or _is_total_label(fold(name)):
            return TOTAL
    if not seq and not name and any(_SIGNATURE.search(fold(t)) for t in (_text(v) for v in row) if t):
        return END
    if name and _SIGNATURE.search(fold(name)) and not seq:
        return END
    has_numbers = any(
        f in idx and idx[f] < len(row) and parse_number(row[idx[f]]).value is not None for f in numeric_fields
    )
    fseq = fold(seq) if seq else ""
    if not has_numbers and all(fold(t) in _NO_ENTRY_WORDS for t in (_text(v) for v in row) if t):
        return NOTE  # "Không có": the listing is empty, the unit is present with zeros
    if fseq and (_ROMAN.match(fseq) or _LETTER_HEADING.match(fseq)) and not has_numbers:
        return HEADING
    if name and ((fseq and _ROMAN.match(fseq)) or (not fseq and _ROMAN_START.match(name))) \
            and _is_sector_heading(fold(name), fseq):
        return HEADING  # a sector's heading, even when it carries the sector's subtotals
    if not name:
        if fseq and not has_numbers and not fseq.replace(" ", "").isdigit():
            return NOTE
        return ENTITY if has_numbers else NOTE
    if _COLUMN_NUMBERING.match(name):
        return NOTE  # a row of column numbers "(1) (2) (3)…" under the header
    if not has_numbers and not seq:
        others = [v for j, v in enumerate(row) if v is not None and j != idx.get("name")]
        if not others and fold(name) in sector_lookup():
            return HEADING
    return ENTITY
