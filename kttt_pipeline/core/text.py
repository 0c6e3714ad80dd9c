"""Text normalisation and name folding (spec §6).

Returns arrive in NFC and NFD, with stray spaces and in any case. Everything read is normalised to NFC;
names are compared after *folding*: lower case, diacritics removed (đ→d), punctuation and whitespace
collapsed, and the usual abbreviations expanded (HTX → hợp tác xã, ...).
"""

from __future__ import annotations

import re
from functools import lru_cache
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)

# Abbreviations expanded before comparing names (spec §6); keys are folded words.
ABBREVIATIONS: dict[str, str] = {
    "htx": "hop tac xa",
    "tht": "to hop tac",
    "sxkd": "san xuat kinh doanh",
    "dv": "dich vu",
    "nn": "nong nghiep",
    "tm": "thuong mai",
    "lhhtx": "lien hiep hop tac xa",
    "qtdnd": "quy tin dung nhan dan",
}


def clean_text(value: object) -> str | None:
    """NFC text with whitespace collapsed; None for empty cells."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    return _clean_str(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=1 << 18)
def _clean_str(value: str) -> str | None:
    text = unicodedata.normalize("NFC", value)
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    text = _SPACES.sub(" ", text).strip()
    return text or None


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics, mapping đ/Đ to d/D."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def fold(value: object) -> str:
    """Fold for comparison: lower case, no diacritics, punctuation → space, whitespace collapsed."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return _fold_text(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=1 << 18)
def _fold_text(value: str) -> str:
    # cached: a period's workbooks repeat the same headers, sectors, statuses and place names many times
    text = clean_text(value)
    if not text:
        return ""
    text = strip_diacritics(text).lower()
    text = _PUNCT.sub(" ", text).replace("_", " ")
    return _SPACES.sub(" ", text).strip()


def fold_compact(value: object) -> str:
    """Fold and drop all spaces (stray spaces inside words: 'Hạ Lo ng' ~ 'Hạ Long')."""
    return fold(value).replace(" ", "")


def fold_name(value: object) -> str:
    """Fold a cooperative/unit name and expand the usual abbreviations."""
    words = fold(value).split()
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)
