"""Finding the table on a sheet and classifying its rows (spec §3).

A table starts after a title block of any height, under a header of one or two rows (merged cells:
"Cán bộ quản lý" over "Tổng số | Sơ cấp, trung cấp | …"). Columns come in any order, extra columns may
appear, a column may be missing. Below the header: entity rows, blank rows, group headings ("I. Nông
nghiệp"), total rows ("Cộng", "Tổng cộng", "Tổng số") and, after the table, a signature block.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache, partial

import numpy as np

from kttt_pipeline.core.fields import fill_down_fields
from kttt_pipeline.core.text import clean_text, fold, strip_diacritics
from kttt_pipeline.core.values import money_factor, parse_number
from kttt_pipeline.core.vocabulary import (
    header_key,
    header_vocabulary,
    row_labels,
    sector_lookup,
    status_lookup,
    title_words,
)
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

_COLUMN_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


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


def _text(value: object) -> str | None:
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
        if not isinstance(v, str) or parse_number(v).value is not None and not _COLUMN_NUMBERING.match(v.strip()):
            return False
    return True


def _header_row_texts(grid: Grid, i: int, width: int) -> list[str | None]:
    """A header row's texts, a horizontally merged cell's text over every column of its range."""
    texts = ([_text(v) for v in _row(grid, i)] + [None] * width)[:width]
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
    vocab = header_vocabulary()
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
        if _under_group(levels, c):
            columns.append(Column(c, None, " / ".join(stack), None, under_group=True))
            continue
        titles = [t for t in stack if header_key(t)]  # "(người)", "(tr.đ)" only name a unit
        fld = _match_stack(vocab, record_type, titles) if titles else None
        header = " / ".join(stack)
        factor = None
        for t in reversed(stack):
            factor = money_factor(_paren_unit(t))
            if factor is not None:
                break
        columns.append(Column(c, fld, header, factor))
    return columns


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
                or _is_numbering_row(grid.rows[below], len(single))
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
        [fold(t) if t else None for t in ([_text(v) for v in _row(grid, i + k)] + [None] * width)[:width]]
        for k in range(n)
    ]
    if i + n < len(grid.rows) and _is_numbering_row(grid.rows[i + n], len(cols)):
        n += 1  # "(1) (2) (3) …" under the header
    title_cells = [t for r in grid.rows[:i] for t in (_text(v) for v in r) if t]
    unit_factor = None
    for r in grid.rows[:i]:
        texts = [_text(v) for v in r]
        for j, t in enumerate(texts):
            if t and fold(t).startswith(title_words("unit_line_label")):
                unit_factor = money_factor(t)
                if unit_factor is None:
                    rest = " ".join(x for x in texts[j + 1 :] if x)
                    unit_factor = money_factor(rest)
    unmapped = [c.header for c in cols if c.field is None and not c.under_group]
    return Table(record_type, i, n, cols, unit_factor, title_cells, unmapped, header_texts)


# ---------------------------------------------------------------- row classification
#
# A row is classified by what its cells MEAN, wherever the name column stands: a label ("Tổng cộng", "Cộng I",
# "I. Nông nghiệp", "Người lập biểu", "Ghi chú: …") may stand in any text cell (the STT column, the name column,
# a cell merged across several columns). Words are data: vocab/row_labels.csv.

ENTITY, BLANK, HEADING, TOTAL, NOTE, END = "entity", "blank", "heading", "total", "note", "end"
GRAND, SUB, PLAIN = "grand", "sub", "plain"  # a total row's scope: the whole listing, its section, undecided
PART = "part"  # "Tổng số HTX đang hoạt động", "Trong đó: …": a part of the listing, neither entity nor compared


@dataclass(frozen=True)
class RowClass:
    kind: str
    scope: str | None = None  # TOTAL: GRAND | SUB | PLAIN ("Cộng" alone)
    level: int | None = None  # HEADING, SUB: the section level (0 "A.", 1 "I.", 2 "1.", 3 "a)"), None: unstated
    label: str | None = None  # the written text that decided it
    has_numbers: bool = False
    reason: str | None = None  # NOTE: "header", "numbering", "note", "none"; END: "signature"


_SECTION_NUMBER = re.compile(r"^\s*\(?\s*([IVXLCivxlc]+|[A-Za-z]|\d{1,2})\s*\)?\s*(?:[.):/\-–]\s*|\s+|$)(.*)$")
_ROMAN_TOKEN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")
_NUMBERING_TOKEN = re.compile(r"^\(?\s*(\d{1,2}|[A-Za-z])\s*\)?(?:\s*=.*)?$")  # "(1)", "1", "(A)", "(5)=(6)+(7)"


def _number_level(token: str) -> int | None:
    """Section level of a numbering token: 'A' 0, 'I'/'II' 1, '1' 2, 'a' 3."""
    if token.isdigit():
        return 2
    low = token.lower()
    if _ROMAN_TOKEN.match(low) and (token.isupper() or len(token) > 1):
        return 1
    if len(token) == 1 and token.isalpha():
        return 0 if token.isupper() else 3
    return None


def _strip_section_words(folded: str, words: tuple[str, ...] | None = None) -> str:
    """``folded`` without the section words it starts with ("lĩnh vực", "ngành", …; after a total word also the
    section leads "các", "hợp tác xã", …)."""
    words = row_labels().section_word if words is None else words
    changed = True
    while changed:
        changed = False
        for w in words:
            if folded == w:
                return ""
            if folded.startswith(w + " "):
                folded, changed = folded[len(w) + 1 :], True
    return folded


def _is_sector_text(folded: str) -> bool:
    sectors = sector_lookup()
    return folded in sectors or (folded.startswith("phi ") and folded[4:] in sectors)


def _section_ref(rest_folded: str, rest_tokens: list[str]) -> tuple[bool, int | None]:
    """Is what follows a total word a section reference ("I", "(II)", "lĩnh vực nông nghiệp", "các HTX phi nông
    nghiệp", "a")? Returns (is_ref, level)."""
    bare = _strip_section_words(rest_folded, row_labels().section_lead)
    if not bare:
        return False, None
    if len(bare.split()) == 1 and rest_tokens and fold(rest_tokens[-1]) == bare:
        level = _number_level(rest_tokens[-1])
        if level is not None:
            return True, level
    if _is_sector_text(bare):
        return True, None
    return False, None


def _starts_with_sector(folded: str) -> bool:
    """Wording that opens with a sector ("thương mại, dịch vụ và khác", "phi nông nghiệp và khác")."""
    if folded.startswith("phi "):
        folded = folded[4:]
    return any(folded == k or folded.startswith(k + " ") for k in sector_lookup())


def _section_wording(rest_folded: str, rest_written: str, free: bool) -> tuple[bool, int | None]:
    """Is what follows a total word the wording of a section (a subtotal's label), whatever it says? It is when it
    opens with a section word ("lĩnh vực …", "ngành …", "nhóm …", "loại hình …"), a sector ("thương mại, dịch vụ
    và khác") or a section number ("III - …", its level); after "Cộng" (``free``) also when it is written in
    lower case ("Cộng trồng trọt, chăn nuôi"): a capitalised word there is a proper name ("Cộng Lạc"), never a
    section's wording. Returns (is_wording, level)."""
    if any(rest_folded.startswith(w + " ") for w in row_labels().subtotal_lead) or _starts_with_sector(rest_folded):
        return True, None
    first = re.match(r"[^\W_]+", rest_written)
    if first is None:
        return False, None
    token = first.group(0)
    level = _number_level(token)
    if level is not None and (token.isdigit() or token.isupper()) and re.match(r"[^\W_]+\s*[.):\-–]", rest_written):
        return True, level  # "Cộng III - thương mại", "Cộng 2. trồng trọt"
    return free and token[0].islower(), None


def _plain(text: str) -> str:
    """The written text without diacritics, its case kept (to tell "A." from "a)" and Roman numerals)."""
    return strip_diacritics(text)


@lru_cache(maxsize=1 << 16)
def total_label(text: object) -> tuple[str, int | None] | None:
    """(scope, level) when a cell's text is a total label, else None. A total is known by its FORM, never by the
    section names it may carry (docs/decisions.md, "What is a total label").

    A cell is a total when its whole folded text is a total word ("Cộng", "Tổng cộng", "Tổng số", "Tổng"), or
    it starts with a total prefix ("Tổng cộng …", "Tổng số …", "Toàn huyện", "Cộng toàn …"), or it is a total
    word followed by a section reference ("Cộng I", "Cộng lĩnh vực nông nghiệp": a subtotal), by a whole-listing
    qualifier ("Cộng chung", "Tổng HTX", "Cộng các HTX") or by a section's own wording ("Cộng lĩnh vực thương mại,
    dịch vụ và khác", "Cộng các HTX trồng trọt", "Tổng ngành …", "Cộng trồng trọt, chăn nuôi": a subtotal whose
    level is the section it closes). "Cộng đồng …", "Cộng Hòa", "Cộng Lạc", "Tổng hợp …", "Tổng công ty …",
    "HTX … tổng cộng" are not."""
    written = clean_text(text) if isinstance(text, str) else None
    if not written:
        return None
    f = fold(written)
    labels = row_labels()
    if not f:
        return None
    if f in labels.total:
        return (PLAIN if f == "cong" else GRAND), None
    if f in labels.total_prefix:
        return GRAND, None
    if f.startswith(labels.not_total_prefix):
        return None
    for w in _total_starters():
        if not f.startswith(w + " "):
            continue
        rest = f[len(w) + 1 :]
        n_words = len(w.split())
        rest_written = _plain(written)
        for _ in range(n_words):  # the written text after the total word(s)
            rest_written = re.sub(r"^[\W_]*[^\W_]+", "", rest_written, count=1)
        rest_written = re.sub(r"^[\W_]+", "", rest_written)
        rest_tokens = re.findall(r"[^\W_]+", rest_written)
        is_ref, level = _section_ref(rest, rest_tokens)
        if is_ref:
            return SUB, level
        if _names_a_status(rest):
            return PART, None  # "Tổng số HTX đang hoạt động": a part of the listing, not a section
        prefix = w in labels.total_prefix
        if prefix and not any(rest.startswith(q + " ") for q in labels.subtotal_lead):
            return GRAND, None  # "Tổng số HTX trên địa bàn", "Tổng cộng toàn huyện"
        if any(rest == q or rest.startswith(q + " ") for q in labels.grand_qualifier):
            return GRAND, None
        tokens = rest.split()
        if len(tokens) >= 2 and all(_ROMAN_TOKEN.match(t) or (len(t) == 1 and t.isalpha()) for t in tokens):
            return GRAND, None  # "Tổng cộng (I+II)", "Cộng A+B"
        if not _strip_section_words(rest, labels.section_lead):
            return GRAND, None  # "Cộng các HTX", "Tổng các hợp tác xã": the listing's entities, all of them
        if any(rest.startswith(q + " ") for q in labels.listing_lead):
            return PLAIN, None  # "Cộng các HTX trên địa bàn": the open section's, else the listing's
        wording, level = _section_wording(rest, rest_written, w in labels.free_total)
        if wording:
            return SUB, level
        if w in labels.total_prefix:
            return GRAND, None
        return None
    return None


def _names_a_status(folded: str) -> bool:
    bare = _strip_section_words(folded, row_labels().section_lead)
    statuses = status_lookup()
    return bool(bare) and (bare in statuses or any(bare.startswith(s + " ") for s in statuses))


def _breakdown_line(written: str) -> bool:
    f = fold(written)
    return any(f == p or f.startswith(p + " ") for p in row_labels().breakdown_prefix)


@lru_cache(maxsize=1)
def _total_starters() -> tuple[str, ...]:
    labels = row_labels()
    return tuple(sorted(set(labels.total) | set(labels.total_prefix), key=len, reverse=True))


@lru_cache(maxsize=1 << 16)
def sector_heading(written: str | None, seq_written: str | None = None) -> tuple[int, bool] | None:
    """(section level, numbered) when a label is a sector heading: "I. Nông nghiệp", "A. NÔNG NGHIỆP",
    "1. Lĩnh vực nông nghiệp", "Lĩnh vực phi nông nghiệp", "II" | "Phi nông nghiệp" (the number in the STT
    cell); None otherwise."""
    if not written:
        return None
    level, body = None, written
    m = _SECTION_NUMBER.match(_plain(written))
    if m and m.group(2):
        token = m.group(1)
        if not token.isdigit() or re.match(r"^\s*\(?\d{1,2}\s*[.)]", written):
            level, body = _number_level(token), m.group(2)
    numbered_label = level is not None
    if level is None and seq_written:
        sm = _SECTION_NUMBER.match(_plain(seq_written))
        if sm and not sm.group(2) and not sm.group(1).isdigit():  # "II" in the STT cell; "1" is a row number
            level = _number_level(sm.group(1))
    f = fold(body)
    bare = _strip_section_words(f)
    if not bare or not _is_sector_text(bare):
        return None
    if not numbered_label and bare != f and f.startswith(title_words("name_entity_word")):
        return None  # "HTX nông nghiệp" without a number of its own: a name, not a heading
    return (level if level is not None else 1), level is not None


def heading_sector(label: str | None) -> str | None:
    """The sector a heading names ("I. Nông nghiệp" → "nong nghiep", folded), None for a heading of no single
    sector ("II. Phi nông nghiệp", "I. HTX đang hoạt động")."""
    if not label:
        return None
    m = _SECTION_NUMBER.match(_plain(label))
    body = m.group(2) if m and m.group(2) else label
    bare = _strip_section_words(fold(body))
    code = sector_lookup().get(bare)
    return bare if code and code != "NON_AGRI" else None


def _is_numbering_row(row: list[object], n_columns: int = 0) -> bool:
    """A row numbering the columns: "(1) (2) (3) …", "1 2 3 …" (numbers or text), "A B 1 2 …", over most of
    the table's columns."""
    tokens = [v for v in row if v is not None]
    if len(tokens) < max(3, 0.6 * n_columns):
        return False
    numbers = []
    for v in tokens:
        if isinstance(v, bool):
            return False
        if isinstance(v, (int, float)):
            if float(v).is_integer() and 0 < v < 100:
                numbers.append(int(v))
                continue
            return False
        t = clean_text(v) or ""
        m = _NUMBERING_TOKEN.match(t)
        if not m:
            return False
        if m.group(1).isdigit():
            numbers.append(int(m.group(1)))
    return len(numbers) >= 2 and all(b > a for a, b in zip(numbers, numbers[1:]))


def _is_repeated_header(row: list[object], table: Table) -> bool:
    """A header row copied inside the table (print titles): its texts are the header's, column by column, or
    its cells name table fields."""
    cells = [(j, clean_text(v)) for j, v in enumerate(row) if isinstance(v, str) and clean_text(v)]
    if len(cells) < 2 or len(cells) < sum(1 for v in row if v is not None):
        return False  # a header row holds nothing but texts
    for header in getattr(table, "header_texts", ()):
        same = sum(1 for j, t in cells if j < len(header) and header[j] and fold(t) == header[j])
        if same >= 2 and same >= 0.6 * len(cells):
            return True
    record_type = getattr(table, "record_type", None)
    named = sum(1 for _, t in cells if record_type and _header_field(record_type, t))
    return named >= 3 and named >= 0.6 * len(cells)


def _is_count_text(text: str) -> bool:
    """ "12", "(12 HTX)", "12 hợp tác xã": the count a total row may write in the name column."""
    return re.fullmatch(r"\d+( (htx|tht|hop tac xa|to hop tac|don vi))?", fold(text)) is not None


@lru_cache(maxsize=1 << 16)
def _header_field(record_type: str, text: str) -> str | None:
    return header_vocabulary().match(record_type, text, None)


def strong_evidence(row: list[object], idx: dict[str, int]) -> bool:
    """The row describes an entity: its status is one of the statuses, or it carries a tax code."""
    j = idx.get("status")
    if j is not None and j < len(row) and isinstance(row[j], str) and fold(row[j]) in status_lookup():
        return True
    j = idx.get("tax_code")
    if j is not None and j < len(row) and row[j] is not None:
        digits = re.sub(r"\D", "", str(int(row[j]) if isinstance(row[j], float) and row[j].is_integer() else row[j]))
        if len(digits) >= 9:
            return True
    return False


@lru_cache(maxsize=1 << 16)
def _note_line(written: str) -> bool:
    labels = row_labels()
    if written.startswith(labels.note_symbol):
        return True
    f = fold(written)
    return any(f == p or f.startswith(p + " ") for p in labels.note_prefix)


@lru_cache(maxsize=1 << 16)
def _signature(written: str) -> bool:
    """A line of the signature block: "Người lập biểu", "TM. UBND", "KT. CHỦ TỊCH", "…, ngày … tháng … năm …"."""
    f = fold(written)
    if re.search(r"\bngay\s+(?:\d{1,2}\s+)?thang\s+(?:\d{1,2}\s+)?nam\b", f):
        return True
    if re.search(r",\s*ng[àa]y\s*\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}\s*$", written, re.IGNORECASE):
        return True  # "Bình Liêu, ngày 14/10/2024"
    if re.match(r"^(tm|kt|tl|tuq)\s+(ubnd|uy ban|chu tich|giam doc|thu truong|truong|pho|ban|phong|so|cuc)\b", f):
        return True
    return any(f == s or f.startswith(s + " ") for s in row_labels().signature)


def classify(row: list[object], table: Table, numeric_fields: set[str]) -> RowClass:
    """What a table row is (spec §3), by its meaning, in any column order."""
    if all(v is None for v in row):
        return RowClass(BLANK)
    idx = table.field_index()
    name_j = idx.get("name")
    seq_j = idx.get("seq")
    name = _text(row[name_j]) if name_j is not None and name_j < len(row) else None
    seq = _text(row[seq_j]) if seq_j is not None and seq_j < len(row) else None
    texts = [(j, clean_text(v)) for j, v in enumerate(row) if isinstance(v, str) and clean_text(v)]
    has_numbers = any(
        f in idx and idx[f] < len(row) and parse_number(row[idx[f]]).value is not None for f in numeric_fields
    )
    strong = strong_evidence(row, idx)
    if _is_numbering_row(row, len(getattr(table, "columns", ()))):
        return RowClass(NOTE, reason="numbering")
    if _is_repeated_header(row, table):
        return RowClass(NOTE, reason="header")
    if not strong:
        # a total: a total label in any text cell, the name cell empty or itself the label
        for j, t in texts:
            lab = total_label(t)
            if lab and (not name or j == name_j or total_label(name) or _is_count_text(name)):
                if lab[0] == PART:
                    return RowClass(NOTE, reason="breakdown", label=t, has_numbers=has_numbers)
                return RowClass(TOTAL, scope=lab[0], level=lab[1], label=t, has_numbers=has_numbers)
        first = texts[0][1] if texts else None
        if first and _breakdown_line(name or first) and (not name or name == first or _breakdown_line(name)):
            return RowClass(NOTE, reason="breakdown", label=name or first, has_numbers=has_numbers)
        # a sector heading, even when it carries the section's subtotals
        for j, t in texts:
            if j == seq_j and name:
                continue
            heading = sector_heading(t, seq if j != seq_j else None)
            if heading is None or not (not name or j == name_j):
                continue
            level, numbered = heading
            if numbered or j in (name_j, seq_j) or not has_numbers:  # an unnamed row with a sector is an entity
                return RowClass(HEADING, level=level, label=t, has_numbers=has_numbers)
        if not has_numbers and texts:
            label = name if name else texts[0][1]
            m = re.match(r"^\s*([IVXLC]+|[A-Z])\s*[.)]\s*\S", _plain(label))
            if m and _number_level(m.group(1)) is not None and (not name or label == name):
                return RowClass(HEADING, level=_number_level(m.group(1)), label=label)  # "I. HTX đang hoạt động"
        if seq and not has_numbers:
            m = _SECTION_NUMBER.match(_plain(seq))
            if m and not m.group(2) and not m.group(1).isdigit() and _number_level(m.group(1)) is not None:
                return RowClass(HEADING, level=_number_level(m.group(1)), label=" ".join(t for _, t in texts))
        if any(_signature(t) for _, t in texts) and not (name and has_numbers):
            return RowClass(END, reason="signature", label=next(t for _, t in texts if _signature(t)))
        first = texts[0][1] if texts else None
        if first and _note_line(first) and not has_numbers:
            return RowClass(NOTE, reason="note", label=first)
        if texts and not has_numbers and all(fold(t) in row_labels().none_marker for _, t in texts):
            return RowClass(NOTE, reason="none", label=texts[0][1])  # "Không có": an empty listing (§11)
    if not name:
        if has_numbers or strong:
            return RowClass(ENTITY, has_numbers=has_numbers)
        return RowClass(NOTE, reason="text", label=texts[0][1] if texts else None)
    if _COLUMN_NUMBERING.match(name) and not strong and not has_numbers:
        return RowClass(NOTE, reason="numbering")
    if not has_numbers and not seq and not strong:
        others = [v for j, v in enumerate(row) if v is not None and j != name_j]
        if not others and fold(name) in sector_lookup():
            return RowClass(HEADING, level=1, label=name)
    return RowClass(ENTITY, has_numbers=has_numbers)


# ---------------------------------------------------------------- a sheet's rows at once
#
# :func:`classify` is the reference, row by row. :func:`classify_rows` gives the same class to every row of a
# table body, faster: what classify asks of a cell (is it empty, a text, a numbering token, a header's text, a
# status, a tax code, a number) is asked once per distinct value of each column and only of the rows that still
# need the answer, the answers are counted over the sheet as arrays, and the plain rows are decided from them: a
# blank row, a copied header, an entity with a status or a tax code, a named entity with figures and no label.
# Any other row (a total, a heading, a note, a signature, a row that could number the columns) is classified by
# :func:`classify` itself.
# tests/unit/test_sheet_classification.py holds the two equal on random sheets.

#: cell types whose values can key a cache by value alone (no two of them compare equal across types the way
#: True == 1 does)
_VALUE_KEYED = frozenset({type(None), str, int, float, dt.date, dt.datetime, dt.time, dt.timedelta})

_BLANK_ROW = RowClass(BLANK)
_HEADER_ROW = RowClass(NOTE, reason="header")
_ENTITY_ROW = {False: RowClass(ENTITY), True: RowClass(ENTITY, has_numbers=True)}


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


# what classify asks of one filled cell (the reference's own expressions)


def _numbering_cell(value: object) -> bool:
    """A column number (:func:`_is_numbering_row`)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return float(value).is_integer() and 0 < value < 100
    return _NUMBERING_TOKEN.match(clean_text(value) or "") is not None


def _written(value: object) -> bool:
    """A text cell that is not blank (the texts of :func:`classify` and :func:`_is_repeated_header`)."""
    return isinstance(value, str) and bool(clean_text(value))


def _status_cell(value: object) -> bool:
    """A status of the vocabulary (:func:`strong_evidence`)."""
    return isinstance(value, str) and fold(value) in status_lookup()


def _tax_code_cell(value: object) -> bool:
    """At least nine digits of a tax code (:func:`strong_evidence`)."""
    return len(re.sub(r"\D", "", str(int(value) if isinstance(value, float) and value.is_integer() else value))) >= 9


def _number_cell(value: object) -> bool:
    return parse_number(value).value is not None


def _copied_headers(
    columns: list[tuple[object, ...]], strings: np.ndarray, candidates: np.ndarray, table: Table
) -> np.ndarray:
    """:func:`_is_repeated_header` for the rows of ``candidates`` (rows whose filled cells are all strings, at
    least two): every cell a text (not blank), and at least two (and 60 %) of them the texts of one header row
    in their columns, or at least three (and 60 %) naming a field. ``strings``: (column, row) whether the cell
    holds a string.

    Column by column, the cheapest first (cleaning and folding a text costs by its length, once per distinct
    text); a row is dropped as soon as it shows a blank cell or the columns left cannot bring it to either
    count."""
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

    for j in sorted(range(width), key=cost) if sample else ():
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


def _may_head(text: str) -> bool:
    """A name cell's text that may make its row a breakdown line or a sector heading (:func:`classify`); the STT
    cell only sets a heading's level, never whether the row is one."""
    return _breakdown_line(text) or sector_heading(text, None) is not None


@dataclass
class SheetRows:
    """What :func:`classify` asks of each row of a table body, for all of them at once (one array item a row):
    ``filled`` its filled cells; ``maybe_numbering`` it may number the columns (enough cells, each a column
    number; whether they run in order is left to :func:`classify`); ``copied`` it copies the header
    (:func:`_is_repeated_header`, exactly, on the rows that cannot number the columns); ``strong``
    :func:`strong_evidence`; ``has_numbers`` a numeric field holds a number; ``weak`` an entity without
    evidence: named, with figures, no total label in any of its texts, a name that neither heads a sector nor
    opens a breakdown."""

    filled: np.ndarray
    maybe_numbering: np.ndarray
    copied: np.ndarray
    strong: np.ndarray
    has_numbers: np.ndarray
    weak: np.ndarray


def sheet_rows(rows: list[list[object]], table: Table, numeric_fields: set[str]) -> SheetRows:
    """The row features of :class:`SheetRows` over a table body (``rows``, at least one row with a cell).

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
    # _is_numbering_row: enough cells, every one a column number; whether they run in order is left to classify
    maybe_numbering = filled >= max(3, 0.6 * len(getattr(table, "columns", ())))
    for j in ([name_j] if name_j is not None else []) + [j for j in range(width) if j != name_j]:
        if not maybe_numbering.any():
            break
        on = maybe_numbering & filled_cell[j]
        maybe_numbering &= ~on | _cell_test(columns[j], on, _numbering_cell)
    plain = (filled > 0) & ~maybe_numbering
    # _is_repeated_header: rows of texts only
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
    return SheetRows(filled, maybe_numbering, copied, strong, has_numbers, weak)


def classify_rows(rows: list[list[object]], table: Table, numeric_fields: set[str]) -> list[RowClass]:
    """The class of each of ``rows`` (a table's body), exactly as :func:`classify` gives it row by row: the plain
    rows decided from :func:`sheet_rows` (a blank row, a copied header, an entity with a status or a tax code, a
    named entity with figures), every other row by :func:`classify`."""
    if not any(rows):
        return [_BLANK_ROW] * len(rows)
    f = sheet_rows(rows, table, numeric_fields)
    plain = ~f.maybe_numbering & (f.strong | f.weak)
    out = []
    for i, (n, header, sure, numbers) in enumerate(
        zip(f.filled.tolist(), f.copied.tolist(), plain.tolist(), f.has_numbers.tolist())
    ):
        if n == 0:
            out.append(_BLANK_ROW)
        elif header:
            out.append(_HEADER_ROW)
        elif sure:
            out.append(_ENTITY_ROW[numbers])
        else:
            out.append(classify(rows[i], table, numeric_fields))
    return out


def data_rows(grid: Grid, table: Table, numeric_fields: set[str] = frozenset()) -> list[list[object]]:
    """The sheet's rows with vertically merged cells of the data area filled down in the columns of
    ``fill_down`` in vocab/fields.csv (every row of a merged run has the run's value). A total, heading or note row
    the run passes over is left as written (a status filled in would make a total row look like a cooperative)."""
    merge_fill = fill_down_fields()
    fill_cols = {c.index for c in table.columns if c.field in merge_fill}
    if not grid.merged or not fill_cols:
        return grid.rows
    rows = grid.rows
    originals = grid.rows
    copied = False
    kinds: dict[int, str] = {}

    def fillable(r: int) -> bool:
        if r not in kinds:
            kinds[r] = classify(originals[r], table, numeric_fields).kind
        return kinds[r] == ENTITY

    for (r1, c1), (r2, c2) in grid.merged:
        if r2 <= r1 or r1 < table.data_start or c1 not in fill_cols or r1 >= len(rows):
            continue
        value = rows[r1][c1] if c1 < len(rows[r1]) else None
        if value is None:
            continue
        if not copied:
            rows, copied = [list(r) for r in rows], True
        for r in range(r1 + 1, min(r2, len(rows) - 1) + 1):
            while len(rows[r]) <= c1:
                rows[r].append(None)
            if rows[r][c1] is None and fillable(r):
                rows[r][c1] = value
    return rows
