"""Text normalisation and name folding (spec §6).

Returns arrive in NFC and NFD, with stray spaces and in any case. Everything read is normalised to NFC;
names are compared after *folding*: lower case, diacritics removed (đ→d), punctuation and whitespace
collapsed, and the usual abbreviations expanded (HTX → hợp tác xã, ...).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
#: control characters a spreadsheet cell cannot hold (they corrupt the workbook's XML)
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: what a value read from a raw file may hold but a warehouse cannot store (PostgreSQL refuses NUL, a lone
#: surrogate cannot be encoded) nor a workbook hold: the C0 control characters but tab, newline and carriage
#: return (:data:`XML_ILLEGAL`), lone surrogates, and Excel's ``_xHHHH_`` escape of one of them left as text
#: (``_x0000_``; the escapes of tab, newline and carriage return are text like any other)
UNSTORABLE = re.compile(
    XML_ILLEGAL.pattern[:-1] + r"\ud800-\udfff]"
    r"|_x(?:00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])|[dD][89a-fA-F][0-9a-fA-F]{2})_"
)


def has_unstorable(text: str) -> bool:
    """Whether ``text`` holds a character of :data:`UNSTORABLE`. A printable text without ``_x`` holds none
    (control characters and surrogates are not printable): two scans in C, the regular expression only when one
    of them fails (a listing's column is tested joined, see ``ingest.records.scrub_column``)."""
    if text.isprintable() and "_x" not in text:
        return False
    return UNSTORABLE.search(text) is not None


def storable(text: str) -> str:
    """``text`` without the characters of :data:`UNSTORABLE` (the one cleaning every reader applies)."""
    return UNSTORABLE.sub("", text)


def _shown(m: re.Match) -> str:
    ch = m.group()
    code = int(ch[2:6], 16) if len(ch) > 1 else ord(ch)  # an Excel escape: the character it stands for
    return "<NUL>" if code == 0 else f"<U+{code:04X}>"


def visible(text: str) -> str:
    """``text`` with each character of :data:`UNSTORABLE` (or Excel's escape of one) shown as a visible mark,
    "<NUL>" or "<U+0001>": what a finding quotes, storable, readable by a clerk, and written to a workbook as it
    reads (an escape kept as text would be read back as the character)."""
    return UNSTORABLE.sub(_shown, text)


def clean_text(value: object) -> str | None:
    """NFC text with whitespace collapsed; None for empty cells."""
    if type(value) is str:  # the common case first: most cells and labels are text
        return _clean_str(value)
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    return _clean_str(value if isinstance(value, str) else str(value))


def clean_texts(values: Sequence[object]) -> list[str | None]:
    """:func:`clean_text` of every cell of a column, in order (one call for a whole column of a listing)."""
    return [_clean_str(v) if type(v) is str else clean_text(v) for v in values]


@lru_cache(maxsize=1 << 18)
def _clean_str(value: str) -> str | None:
    # normalize() returns an NFC string as it is; " ".join(text.split()) collapses the runs of whitespace
    # (str.isspace, what the regex \s matches) and strips the ends
    if has_unstorable(value):  # what no warehouse stores: never kept, whoever reads the cell
        value = storable(value)
    text = unicodedata.normalize("NFC", value)
    if "\u00a0" in text or "\u200b" in text:
        text = text.replace("\u00a0", " ").replace("\u200b", "")
    return " ".join(text.split()) or None


class _KeepUnlessMark(dict):
    """A ``str.translate`` table that drops the combining marks (Unicode category Mn) and keeps every other
    character, learning each code point's category the first time it is seen."""

    def __missing__(self, code_point: int) -> int | None:
        keep = None if unicodedata.category(chr(code_point)) == "Mn" else code_point
        self[code_point] = keep
        return keep


_DROP_MARKS = _KeepUnlessMark()


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics, mapping đ/Đ to d/D."""
    if text.isascii():  # no đ, nothing to decompose, no combining mark
        return text
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFD", text).translate(_DROP_MARKS)


def fold(value: object) -> str:
    """Fold for comparison: lower case, no diacritics, punctuation → space, whitespace collapsed."""
    if type(value) is str:
        return _fold_text(value)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return _fold_text(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=1 << 18)
def _fold_text(value: str) -> str:
    # cached: a period's workbooks repeat the same headers, sectors, statuses and place names many times. The text
    # is cleaned without filling clean_text's cache: a period's names folded would be kept twice
    text = _clean_str.__wrapped__(value)
    if not text:
        return ""
    text = strip_diacritics(text).lower()
    text = _PUNCT.sub(" ", text).replace("_", " ")
    return " ".join(text.split())  # whitespace collapsed


def forget_texts() -> None:
    """Empty the caches of cleaned and folded texts. A large period fills them with its distinct names (up to
    262,144 each, with their strings); they serve one stage, and a run empties them between its steps."""
    _clean_str.cache_clear()
    _fold_text.cache_clear()


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


# ---------------------------------------------------------------------------------- text shown as Markdown
# The Dagster UI renders descriptions as Markdown (with HTML): a placeholder such as ``<period>`` is taken for an
# HTML tag and vanishes ("under KTTT_REPORTS_DIR//."); descriptions taken from elsewhere (the warehouse tables' and
# columns' comments) pass through :func:`markdown_safe`.

# a <placeholder> not already inside a code span
_PLACEHOLDER = re.compile(r"(?<!`)<([A-Za-z_][^<>\n`]*)>(?!`)")


def markdown_safe(text: str | None) -> str | None:
    """``text`` with each ``<placeholder>`` put in a code span (``\\`<placeholder>\\```), which Markdown shows as
    written; None stays None."""
    return None if text is None else _PLACEHOLDER.sub(r"`<\1>`", text)
