"""The allowed values of a code vocabulary (status, sector, grade) and the one nearest a text that is not one of
them, for the clerk's message: "ghi tình trạng hoạt động là một trong các giá trị: Đang hoạt động, … (gần nhất với
'Đang hoạt độngg': 'Đang hoạt động')".

The nearest is looked for among every text the reader accepts (``vocab/statuses.csv``, ``sectors.csv``,
``grades.csv``: "Đang HĐ", "Thủy sản", "TB", …), compared without diacritics (``fold``), and shown as the
canonical label of its code (``vocab/*_codes.csv``); none is offered below :data:`MIN_SCORE`.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from kttt_pipeline.core.text import fold
from kttt_pipeline.core.vocabulary import (
    Code,
    grade_lookup,
    grade_table,
    sector_lookup,
    sector_table,
    status_lookup,
    status_table,
)

#: the least similarity (rapidfuzz ``ratio`` of the folded texts, 0–100) at which a value is offered as nearest
MIN_SCORE = 70.0

_VOCABULARIES = {
    "status": (status_table, status_lookup),
    "sector": (sector_table, sector_lookup),
    "grade": (grade_table, grade_lookup),
}


def allowed_labels(vocabulary: str, record_type: str = "cooperative") -> list[str]:
    """The canonical labels of a vocabulary's codes, in their order (a sector's: those of the record type)."""
    table, _ = _VOCABULARIES[vocabulary]
    return [c.label_vi for c in table().values() if _applies(c, record_type)]


def _applies(code: Code, record_type: str) -> bool:
    return not code.record_types or record_type in code.record_types


def nearest_label(vocabulary: str, text: object, record_type: str = "cooperative") -> str | None:
    """The canonical label of the code whose accepted text is nearest ``text``, or None when none is near."""
    table, lookup = _VOCABULARIES[vocabulary]
    written = fold(text)
    if not written:
        return None
    codes = table()
    accepted = {k: v for k, v in lookup().items() if v in codes and _applies(codes[v], record_type)}
    best = process.extractOne(written, list(accepted), scorer=fuzz.ratio, score_cutoff=MIN_SCORE)
    return codes[accepted[best[0]]].label_vi if best else None


def hint_vi(vocabulary: str, text: object, record_type: str = "cooperative") -> str:
    """What the clerk may write instead: "một trong các giá trị: A, B, C (gần nhất với 'X': 'A')" (the nearest
    left out when none is near)."""
    out = f"một trong các giá trị: {', '.join(allowed_labels(vocabulary, record_type))}"
    near = nearest_label(vocabulary, text, record_type)
    return f"{out} (gần nhất với '{text}': '{near}')" if near else out
