"""What each row of a table body is (spec §3), by what its cells MEAN, wherever the name column stands.

Below the header: entity rows, blank rows, group headings ("I. Nông nghiệp"), total rows ("Cộng", "Tổng cộng",
"Tổng số"), notes, the column-numbering row, a copied header and, after the table, a signature block.
:func:`row_classes` is the one classification: the rows its features decide (:mod:`.row_features`: a blank row,
a numbering row, a copied header, an entity with a status or a tax code, a named entity with figures and no
label) are decided at once; every other row is read by its written labels (:mod:`.row_labels`), one at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kttt_pipeline.core.text import clean_text, fold
from kttt_pipeline.core.vocabulary import row_labels, sector_lookup
from kttt_pipeline.ingest.headers import Table, cell_text
from kttt_pipeline.ingest.row_features import COLUMN_NUMBER, row_features
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

ENTITY, BLANK, HEADING, TOTAL, NOTE, END = "entity", "blank", "heading", "total", "note", "end"


@dataclass(frozen=True)
class RowClass:
    kind: str
    scope: str | None = None  # TOTAL: GRAND | SUB | PLAIN ("Cộng" alone)
    level: int | None = None  # HEADING, SUB: the section level (0 "A.", 1 "I.", 2 "1.", 3 "a)"), None: unstated
    label: str | None = None  # the written text that decided it
    has_numbers: bool = False
    reason: str | None = None  # NOTE: "header", "numbering", "note", "none"; END: "signature"


_BLANK_ROW = RowClass(BLANK)
_NUMBERING_ROW = RowClass(NOTE, reason="numbering")
_HEADER_ROW = RowClass(NOTE, reason="header")
_ENTITY_ROW = {False: RowClass(ENTITY), True: RowClass(ENTITY, has_numbers=True)}


def row_classes(rows: list[list[object]], table: Table, numeric_fields: set[str]) -> list[RowClass]:
    """The class of each of ``rows`` (rows of a table's body, or any rows read under its columns).

    The classes do not depend on each other: a row has the same class whatever rows it is given with."""
    if not any(rows):
        return [_BLANK_ROW] * len(rows)
    f = row_features(rows, table, numeric_fields)
    out = []
    for i, (n, numbering, header, entity, numbers) in enumerate(
        zip(
            f.filled.tolist(),
            f.numbering.tolist(),
            f.copied.tolist(),
            (f.strong | f.weak).tolist(),
            f.has_numbers.tolist(),
        )
    ):
        if n == 0:
            out.append(_BLANK_ROW)
        elif numbering:
            out.append(_NUMBERING_ROW)
        elif header:
            out.append(_HEADER_ROW)
        elif entity:
            out.append(_ENTITY_ROW[numbers])
        else:
            out.append(_labelled_row_class(rows[i], table, numbers))
    return out


def _labelled_row_class(row: list[object], table: Table, has_numbers: bool) -> RowClass:
    """The class of a row with a cell, neither a numbering row nor a copied header, without a status or a tax
    code (:func:`.row_features.strong_evidence`), by the labels written in it: a total label in any text cell,
    a breakdown line, a sector heading, a signature, a note; else an entity when it is named or has figures."""
    idx = table.field_index()
    name_j = idx.get("name")
    seq_j = idx.get("seq")
    name = cell_text(row[name_j]) if name_j is not None and name_j < len(row) else None
    seq = cell_text(row[seq_j]) if seq_j is not None and seq_j < len(row) else None
    texts = [(j, clean_text(v)) for j, v in enumerate(row) if isinstance(v, str) and clean_text(v)]
    # a total: a total label in any text cell, the name cell empty or itself the label
    for j, t in texts:
        lab = total_label(t)
        if lab and (not name or j == name_j or total_label(name) or count_text(name)):
            if lab[0] == PART:
                return RowClass(NOTE, reason="breakdown", label=t, has_numbers=has_numbers)
            return RowClass(TOTAL, scope=lab[0], level=lab[1], label=t, has_numbers=has_numbers)
    first = texts[0][1] if texts else None
    if first and breakdown_line(name or first) and (not name or name == first or breakdown_line(name)):
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
        m = re.match(r"^\s*([IVXLC]+|[A-Z])\s*[.)]\s*\S", plain_letters(label))
        if m and number_level(m.group(1)) is not None and (not name or label == name):
            return RowClass(HEADING, level=number_level(m.group(1)), label=label)  # "I. HTX đang hoạt động"
    if seq and not has_numbers:
        m = SECTION_NUMBER.match(plain_letters(seq))
        if m and not m.group(2) and not m.group(1).isdigit() and number_level(m.group(1)) is not None:
            return RowClass(HEADING, level=number_level(m.group(1)), label=" ".join(t for _, t in texts))
    if any(signature_line(t) for _, t in texts) and not (name and has_numbers):
        return RowClass(END, reason="signature", label=next(t for _, t in texts if signature_line(t)))
    if first and note_line(first) and not has_numbers:
        return RowClass(NOTE, reason="note", label=first)
    if texts and not has_numbers and all(fold(t) in row_labels().none_marker for _, t in texts):
        return RowClass(NOTE, reason="none", label=texts[0][1])  # "Không có": an empty listing (§11)
    if not name:
        if has_numbers:
            return RowClass(ENTITY, has_numbers=has_numbers)
        return RowClass(NOTE, reason="text", label=texts[0][1] if texts else None)
    if COLUMN_NUMBER.match(name) and not has_numbers:
        return RowClass(NOTE, reason="numbering")
    if not has_numbers and not seq:
        others = [v for j, v in enumerate(row) if v is not None and j != name_j]
        if not others and fold(name) in sector_lookup():
            return RowClass(HEADING, level=1, label=name)
    return RowClass(ENTITY, has_numbers=has_numbers)
