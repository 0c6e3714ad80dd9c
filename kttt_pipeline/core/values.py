"""Reading cell values the way a Vietnamese clerk writes them (spec §6).

* numbers: real numbers, or text in Vietnamese style ("3.030,6", "58.500"), sometimes with words
  ("khoảng 58.500", "trên 3,5"): the words are dropped and that is reported;
* dates: Excel dates/serials (also a serial typed as text), or text ``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``,
  ``yyyy.mm.dd``, ``yyyy-mm-dd``, ``yyyy/mm/dd``;
* money units: đồng, nghìn đồng, triệu đồng, tỷ đồng → a factor to triệu đồng;
* marks: "x", "X", "Có", "1" mean yes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, TypeVar

from kttt_pipeline.core.text import clean_text, fold
from kttt_pipeline.core.vocabulary import marks, money_units

T = TypeVar("T")

EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class ParsedNumber:
    value: float | None
    words_dropped: str | None = None  # the words removed, when any
    error: str | None = None  # why the text could not be read as a number


_NUMBER_TOKEN = re.compile(r"[-+]?\s*\d[\d.,\s]*")  # a sign may stand apart: "- 5"
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-"})
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
#: ASCII digits, perhaps in groups of three after dots ("58500", "58.500", "1.234.567"): a whole number
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]{3})*")


def _to_float(token: str) -> float | None:
    token = token.replace(" ", "").strip(".,")
    if not token:
        return None
    dots, commas = token.count("."), token.count(",")
    if dots and commas:
        # the separator that comes last is the decimal one
        if token.rfind(",") > token.rfind("."):
            token = token.replace(".", "").replace(",", ".")
        else:
            token = token.replace(",", "")
    elif commas:
        parts = token.split(",")
        if commas == 1:
            token = token.replace(",", ".")  # Vietnamese decimal comma
        elif all(len(p) == 3 for p in parts[1:]):
            token = token.replace(",", "")  # 1,234,567 written the English way
        else:
            return None
    elif dots:
        parts = token.split(".")
        if all(len(p) == 3 for p in parts[1:]) and parts[0] not in ("", "-", "+"):
            token = token.replace(".", "")  # a dot followed by exactly three digits: thousands
        elif dots == 1:
            pass  # a decimal point ("3.5")
        else:
            return None
    try:
        return float(token)
    except ValueError:
        return None


def parse_number(value: object) -> ParsedNumber:
    """Read a numeric cell. Empty → value None without error."""
    if type(value) is str:
        return _parse_number_str(value)
    if value is None:
        return _EMPTY_NUMBER
    if isinstance(value, bool):
        return ParsedNumber(None, error="not_a_number")
    if isinstance(value, (int, float)):
        number = float(value)  # (a float's own value: float(x) is x)
        return ParsedNumber(number) if number - number == 0.0 else _EMPTY_NUMBER  # nan, ±inf: x - x is nan
    if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return ParsedNumber(None, error="not_a_number")
    return _parse_number_text(value)


_EMPTY_NUMBER = ParsedNumber(None)


@lru_cache(maxsize=1 << 16)
def _parse_number_str(value: str) -> ParsedNumber:
    # cached: the same texts come back in every listing ("-", "khoảng 50", "0")
    return _parse_number_text(value)


def _parse_number_text(value: object) -> ParsedNumber:
    """A numeric cell holding text (or anything else that is not a number, a date or a bool)."""
    text = clean_text(value)
    if text is not None and _PLAIN_NUMBER.fullmatch(text):  # what the steps below read as the digits alone
        return ParsedNumber(float(text.replace(".", "")))
    if text is not None:
        text = text.translate(_MINUS_SIGNS)  # "−5" (minus sign), "–5" (en dash) as typed or pasted
    if text is None or text in marks().empty_number:  # "-": nothing written (vocab/marks.csv)
        return ParsedNumber(None)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    tokens = _NUMBER_TOKEN.findall(text)
    if len(tokens) != 1:
        return ParsedNumber(None, error="not_a_number" if not tokens else "several_numbers")
    token = tokens[0].strip()
    number = _to_float(token)
    if number is None:
        return ParsedNumber(None, error="not_a_number")
    rest = text.replace(tokens[0], " ", 1)
    rest = re.sub(r"[%\s]", "", rest)
    words = None
    if rest:
        if _LETTERS.search(rest) or rest.strip("~≈<>"):
            words = clean_text(text.replace(tokens[0], " … ", 1))
        else:
            words = rest
    if negative:
        number = -number
    return ParsedNumber(number, words_dropped=words)


@dataclass(frozen=True)
class ParsedNumbers:
    """A column of numeric cells read: cell ``i`` reads as ``ParsedNumber(values[i], words_dropped.get(i),
    errors.get(i))`` (``numbers[i]``), what :func:`parse_number` reads in it. Words and errors are rare: kept by
    the cells' positions."""

    values: list[float | None]
    words_dropped: dict[int, str]
    errors: dict[int, str]

    def __getitem__(self, i: int) -> ParsedNumber:
        return ParsedNumber(self.values[i], self.words_dropped.get(i), self.errors.get(i))

    def __len__(self) -> int:
        return len(self.values)


#: the cell types a column reader remembers a value's reading for, keyed by (type, value): as dict keys 1, 1.0
#: and True are one key, as cells they are not
_MEMO_TYPES = frozenset({str, float, int, bool, type(None)})


def read_once(read: Callable[[object], T], value: object, seen: dict[tuple[type, object], T]) -> T:
    """``read(value)``, computed once per distinct (type, value) of a column (``seen``, the column's memo);
    values of other types (dates, formulas' results) are read every time."""
    t = type(value)
    if t not in _MEMO_TYPES:
        return read(value)
    key = (t, value)
    try:
        return seen[key]
    except KeyError:
        got = seen[key] = read(value)
        return got


def parse_numbers(values: Sequence[object], factor: float = 1.0) -> ParsedNumbers:
    """:func:`parse_number` of every cell of a column, in order, each value read multiplied by ``factor`` (a
    money column's unit; 1.0 leaves every value as read). A real number is checked and scaled in place; a text
    written twice is read once. (A numpy pass over the real numbers was measured slower: the cells arrive as
    Python objects, and boxing them into an array and back costs more than the check.)"""
    n = len(values)
    out: list[float | None] = [None] * n
    words: dict[int, str] = {}
    errors: dict[int, str] = {}
    by_text: dict[str, ParsedNumber] = {}
    v: Any  # a cell, told apart by its exact type: only a plain float is taken as it is
    for i, v in enumerate(values):
        t = type(v)
        if t is float:
            if v - v == 0.0:
                out[i] = v * factor if factor != 1.0 else v
        elif v is None:
            continue
        else:
            if t is str:
                p = by_text.get(v)
                if p is None:
                    p = by_text[v] = _parse_number_str(v)
            else:
                p = parse_number(v)
            if p.value is not None:
                out[i] = p.value * factor if factor != 1.0 else p.value
            if p.words_dropped is not None:
                words[i] = p.words_dropped
            if p.error is not None:
                errors[i] = p.error
    return ParsedNumbers(out, words, errors)


_DATE_TEXT = re.compile(r"^\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2,4})\s*$")
_YEAR_FIRST_DATE = re.compile(
    r"^\s*(\d{4})\s*([/\-.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$"
)
_SERIAL_TEXT = re.compile(r"^\s*(\d{5})(?:[.,]0+)?\s*$")

#: an Excel serial day number is read as a date only inside this range (1/1/1950 … 31/12/2100): a cooperative
#: registered or dissolved outside it is not plausible, and a bare year (2015) or a count is not a date
SERIAL_FIRST = dt.date(1950, 1, 1)
SERIAL_LAST = dt.date(2100, 12, 31)


@dataclass(frozen=True)
class ParsedDate:
    value: dt.date | None
    error: str | None = None


def excel_serial_date(serial: float) -> dt.date | None:
    """The date of an Excel serial day number (1900 date system), None outside the plausible range."""
    day = EXCEL_EPOCH + dt.timedelta(days=int(serial))
    return day if SERIAL_FIRST <= day <= SERIAL_LAST else None


def parse_date(value: object, latest_year: int | None = None) -> ParsedDate:
    """A date cell: an Excel date, an Excel serial (number, or five digits typed as text, "44256"), or text
    ``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy`` or ``yyyy.mm.dd``, ``yyyy-mm-dd``, ``yyyy/mm/dd``.

    A year written with two digits ("03/10/98") is the latest year with those last two digits not after
    ``latest_year`` (:func:`full_year`; the period's year, else the current year): 98 → 1998, 24 → 2024 read in
    2024 (docs/decisions.md, "Two-digit years")."""
    if value is None or value == "":
        return ParsedDate(None)
    if isinstance(value, dt.datetime):
        return ParsedDate(value.date())
    if isinstance(value, dt.date):
        return ParsedDate(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return ParsedDate(None)
        if not 1 <= value < 2958466:
            return ParsedDate(None, error="not_a_date")
        day = excel_serial_date(value)
        return ParsedDate(day) if day else ParsedDate(None, error="not_a_date")
    year = latest_year if latest_year is not None else dt.date.today().year
    return _parse_date_str(value, year) if type(value) is str else _parse_date_text(value, year)


def full_year(two_digits: int, latest_year: int) -> int:
    """The year a two-digit year stands for: the latest year ending in those two digits that is not after
    ``latest_year`` (98 → 1998 and 24 → 2024 when ``latest_year`` is 2024; 25 → 1925 then). A date read from a
    return cannot be after the period it reports on."""
    year = latest_year - (latest_year - two_digits) % 100
    return year


@lru_cache(maxsize=1 << 16)
def _parse_date_str(value: str, latest_year: int) -> ParsedDate:
    # cached: a listing's dates repeat (many cooperatives were registered on the same days)
    return _parse_date_text(value, latest_year)


def _parse_date_text(value: object, latest_year: int) -> ParsedDate:
    """A date cell holding text (or anything else that is not a date or a number)."""
    text = clean_text(value)
    if text is None:
        return ParsedDate(None)
    m = _DATE_TEXT.match(text)
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if len(m.group(3)) == 2:
            year = full_year(year, latest_year)
        try:
            return ParsedDate(dt.date(year, month, day))
        except ValueError:
            return ParsedDate(None, error="not_a_date")
    m = _YEAR_FIRST_DATE.match(text)
    if m:
        try:
            return ParsedDate(dt.date(int(m.group(1)), int(m.group(3)), int(m.group(4))))
        except ValueError:
            return ParsedDate(None, error="not_a_date")
    m = _SERIAL_TEXT.match(text)
    if m:
        serial_day = excel_serial_date(int(m.group(1)))
        return ParsedDate(serial_day) if serial_day else ParsedDate(None, error="not_a_date")
    return ParsedDate(None, error="not_a_date")


@dataclass(frozen=True)
class ParsedDates:
    """A column of date cells read: cell ``i`` reads as ``ParsedDate(values[i], errors.get(i))``
    (``dates[i]``), what :func:`parse_date` reads in it; errors are kept by the cells' positions."""

    values: list[dt.date | None]
    errors: dict[int, str]

    def __getitem__(self, i: int) -> ParsedDate:
        return ParsedDate(self.values[i], self.errors.get(i))

    def __len__(self) -> int:
        return len(self.values)


def parse_dates(values: Sequence[object], latest_year: int | None = None) -> ParsedDates:
    """:func:`parse_date` of every cell of a column, in order (two-digit years by ``latest_year``, as
    :func:`parse_date` reads them); a value written twice is read once."""
    year = latest_year if latest_year is not None else dt.date.today().year
    read = partial(parse_date, latest_year=year)
    out: list[dt.date | None] = []
    errors: dict[int, str] = {}
    seen: dict[tuple[type, object], ParsedDate] = {}
    v: Any  # a cell, told apart by its exact type (a datetime is also a date)
    for i, v in enumerate(values):
        t = type(v)
        if v is None:
            out.append(None)
            continue
        if t is dt.date:
            out.append(v)
            continue
        if t is dt.datetime:
            out.append(v.date())
            continue
        p = read_once(read, v, seen)
        out.append(p.value)
        if p.error is not None:
            errors[i] = p.error
    return ParsedDates(out, errors)


_DATE_IN_TEXT = re.compile(r"(\d{1,2}\s*[/\-.]\s*\d{1,2}\s*[/\-.]\s*\d{4})")


def find_date_in_text(text: object) -> dt.date | None:
    """The first dd/mm/yyyy-like date inside a longer text ("Ngày báo cáo: 15/10/2024")."""
    t = clean_text(text)
    if not t:
        return None
    m = _DATE_IN_TEXT.search(t)
    return parse_date(m.group(1)).value if m else None


def money_factor(text: object) -> float | None:
    """Factor converting an amount in the unit named in ``text`` to triệu đồng; None when no unit is named.

    The units and their abbreviations ("(tr.đ)", "(trđ)", "Tr.đồng", "(tỷ đ)", "ng.đ") are data:
    ``vocab/money_units.csv``; the longest unit named wins, phrases such as "lao động" are not "đồng"."""
    folded = fold(text)
    if not folded:
        return None
    units, not_units = money_units()
    padded = f" {folded} "
    for phrase in not_units:
        padded = padded.replace(f" {phrase} ", " ")
    for unit in units:
        if unit.whole:
            if folded == unit.folded:
                return unit.factor
        elif f" {unit.folded} " in padded:
            return unit.factor
    return None


def parse_mark(value: object) -> bool | None:
    """A yes/no mark: "x", "X", "Có", "1" → True; empty/"0"/"Không" → False; anything else → None."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return False
        return value >= 1
    f = fold(value)
    if f in marks().yes:  # vocab/marks.csv
        return True
    if f in marks().no:
        return False
    return None


def parse_marks(values: Sequence[object]) -> list[bool | None]:
    """:func:`parse_mark` of every cell of a column, in order; a value written twice is read once."""
    seen: dict[tuple[type, object], bool | None] = {}
    out: list[bool | None] = []
    for v in values:
        if v is None:
            out.append(False)
            continue
        out.append(read_once(parse_mark, v, seen))
    return out
