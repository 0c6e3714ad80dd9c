"""A readable oracle of the row classification (spec §3), row by row, for the tests only: every decision of
:func:`kttt_pipeline.ingest.row_classes.row_classes` written as one sequence of questions about one row. The
package decides most rows from features counted over the whole body at once (``ingest/row_features.py``) and
reads the rest by their labels; tests/unit/test_sheet_classification.py holds it equal to this oracle on random
sheets. The predicates of single cells and texts (total labels, headings, signatures…) are the package's own."""

from __future__ import annotations

import re

from kttt_pipeline.core.text import clean_text, fold
from kttt_pipeline.core.values import parse_number
from kttt_pipeline.core.vocabulary import header_vocabulary, row_labels, sector_lookup, status_lookup
from kttt_pipeline.ingest.headers import cell_text
from kttt_pipeline.ingest.row_classes import BLANK, END, ENTITY, HEADING, NOTE, TOTAL, RowClass
from kttt_pipeline.ingest.row_features import COLUMN_NUMBER, NUMBERING_TOKEN
from kttt_pipeline.ingest.row_labels import (
    PART,
    SECTION_NUMBER,
    breakdown_line,
    count_text,
    note_line,
    number_level,
    plain_letters,
    sector_heading,
    signature_line,
    total_label,
)


def is_numbering_row(row: list[object], n_columns: int = 0) -> bool:
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
        m = NUMBERING_TOKEN.match(clean_text(v) or "")
        if not m:
            return False
        if m.group(1).isdigit():
            numbers.append(int(m.group(1)))
    return len(numbers) >= 2 and all(b > a for a, b in zip(numbers, numbers[1:]))


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


def is_repeated_header(row: list[object], table) -> bool:
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
    named = sum(1 for _, t in cells if record_type and header_vocabulary().match(record_type, t, None))
    return named >= 3 and named >= 0.6 * len(cells)


def has_numbers(row: list[object], idx: dict[str, int], numeric_fields: set[str]) -> bool:
    return any(f in idx and idx[f] < len(row) and parse_number(row[idx[f]]).value is not None for f in numeric_fields)


def classify(row: list[object], table, numeric_fields: set[str]) -> RowClass:
    """What a table row is (spec §3), by its meaning, in any column order."""
    if all(v is None for v in row):
        return RowClass(BLANK)
    idx = table.field_index()
    name_j = idx.get("name")
    seq_j = idx.get("seq")
    name = cell_text(row[name_j]) if name_j is not None and name_j < len(row) else None
    seq = cell_text(row[seq_j]) if seq_j is not None and seq_j < len(row) else None
    texts = [(j, clean_text(v)) for j, v in enumerate(row) if isinstance(v, str) and clean_text(v)]
    numbers = has_numbers(row, idx, numeric_fields)
    strong = strong_evidence(row, idx)
    if is_numbering_row(row, len(getattr(table, "columns", ()))):
        return RowClass(NOTE, reason="numbering")
    if is_repeated_header(row, table):
        return RowClass(NOTE, reason="header")
    if not strong:
        # a total: a total label in any text cell, the name cell empty or itself the label
        for j, t in texts:
            lab = total_label(t)
            if lab and (not name or j == name_j or total_label(name) or count_text(name)):
                if lab[0] == PART:
                    return RowClass(NOTE, reason="breakdown", label=t, has_numbers=numbers)
                return RowClass(TOTAL, scope=lab[0], level=lab[1], label=t, has_numbers=numbers)
        first = texts[0][1] if texts else None
        if first and breakdown_line(name or first) and (not name or name == first or breakdown_line(name)):
            return RowClass(NOTE, reason="breakdown", label=name or first, has_numbers=numbers)
        # a sector heading, even when it carries the section's subtotals
        for j, t in texts:
            if j == seq_j and name:
                continue
            heading = sector_heading(t, seq if j != seq_j else None)
            if heading is None or not (not name or j == name_j):
                continue
            level, numbered = heading
            if numbered or j in (name_j, seq_j) or not numbers:  # an unnamed row with a sector is an entity
                return RowClass(HEADING, level=level, label=t, has_numbers=numbers)
        if not numbers and texts:
            label = name if name else texts[0][1]
            m = re.match(r"^\s*([IVXLC]+|[A-Z])\s*[.)]\s*\S", plain_letters(label))
            if m and number_level(m.group(1)) is not None and (not name or label == name):
                return RowClass(HEADING, level=number_level(m.group(1)), label=label)  # "I. HTX đang hoạt động"
        if seq and not numbers:
            m = SECTION_NUMBER.match(plain_letters(seq))
            if m and not m.group(2) and not m.group(1).isdigit() and number_level(m.group(1)) is not None:
                return RowClass(HEADING, level=number_level(m.group(1)), label=" ".join(t for _, t in texts))
        if any(signature_line(t) for _, t in texts) and not (name and numbers):
            return RowClass(END, reason="signature", label=next(t for _, t in texts if signature_line(t)))
        if first and note_line(first) and not numbers:
            return RowClass(NOTE, reason="note", label=first)
        if texts and not numbers and all(fold(t) in row_labels().none_marker for _, t in texts):
            return RowClass(NOTE, reason="none", label=texts[0][1])  # "Không có": an empty listing (§11)
    if not name:
        if numbers or strong:
            return RowClass(ENTITY, has_numbers=numbers)
        return RowClass(NOTE, reason="text", label=texts[0][1] if texts else None)
    if COLUMN_NUMBER.match(name) and not strong and not numbers:
        return RowClass(NOTE, reason="numbering")
    if not numbers and not seq and not strong:
        others = [v for j, v in enumerate(row) if v is not None and j != name_j]
        if not others and fold(name) in sector_lookup():
            return RowClass(HEADING, level=1, label=name)
    return RowClass(ENTITY, has_numbers=numbers)
