"""Text normalisation and name folding (spec §6).

Returns arrive in NFC and NFD, with stray spaces and in any case. Everything read is normalised to NFC;
names are compared after *folding*: lower case, diacritics removed (đ→d), punctuation and whitespace
collapsed, and the usual abbreviations expanded (HTX → hợp tác xã, ...).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)



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


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """Folded abbreviation → folded expansion ('HTX' → 'hợp tác xã'), from ``vocab/abbreviations.csv`` (spec §6).
    Read here rather than through :mod:`kttt_pipeline.core.vocabulary`, which folds with this module."""
    with resources.files("kttt_pipeline.vocab").joinpath("abbreviations.csv").open(encoding="utf-8-sig") as fh:
        return {fold(r["abbreviation"]): fold(r["expansion"]) for r in csv.DictReader(fh) if fold(r["abbreviation"])}


def fold_name(value: object) -> str:
    """Fold a cooperative/unit name and expand the usual abbreviations."""
    table = abbreviations()
    return " ".join(table.get(w, w) for w in fold(value).split())
