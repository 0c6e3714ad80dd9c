"""Vietnamese tax codes (mã số thuế, MST) of cooperatives (spec §6).

10 digits identify an enterprise/cooperative; the 10th digit is a check digit. ``10 digits-3 digits``
is a branch of the 10-digit parent. Anything else is invalid: kept as written, flagged, matched by name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from operator import mul

import numpy as np
from stdnum.vn import mst as _mst

from kttt_pipeline.core.values import read_once

_DIGITS = re.compile(r"\d+")
_NOISE = re.compile(r"[\s.]")
#: stdnum.vn.mst's weights of the first nine digits; an ASCII digit's byte is 48 more than the digit
_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_ASCII_ZERO_TOTAL = 48 * sum(_WEIGHTS)


@dataclass(frozen=True)
class TaxCode:
    written: str | None  # as written in the return
    code: str | None  # normalised: 10 digits, or 10-3 for a branch; None when invalid/missing
    parent: str | None  # the 10-digit parent (== code for a head office)
    valid: bool
    reason: str | None  # why invalid (English code) or None


def check_digit_ok(ten_digits: str) -> bool:
    """Ten digits whose tenth is the check digit of the first nine (python-stdnum's ``stdnum.vn.mst``)."""
    if len(ten_digits) != 10 or not ten_digits.isdigit():
        return False
    if ten_digits.isascii():  # stdnum's sum of weighted digits, over the digits' bytes
        total = sum(map(mul, _WEIGHTS, ten_digits[:9].encode())) - _ASCII_ZERO_TOTAL
        return str(10 - total % 11) == ten_digits[9]
    return _mst.calc_check_digit(ten_digits[:9]) == ten_digits[9]


def parse_tax_code(value: object) -> TaxCode:
    if type(value) is str and value.isascii() and value.isdigit():  # digits only, as most codes are written
        return _read_digits(value, [value])
    if value is None or (isinstance(value, float) and value != value):
        return TaxCode(None, None, None, False, "missing")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    written = str(value).strip()
    if not written:
        return TaxCode(None, None, None, False, "missing")
    # keep digits: spaces and dots inside a code are typing noise ("57 6585 9316"); '-' or '/' marks a branch
    groups = _DIGITS.findall(_NOISE.sub("", written))
    # a number read from Excel loses a leading zero: 10-digit codes may start with 0
    if len(groups) == 1 and len(groups[0]) == 9 and isinstance(value, int):
        groups = ["0" + groups[0]]
    return _read_digits(written, groups)


def _read_digits(written: str, groups: list[str]) -> TaxCode:
    """The tax code written as ``written``, whose groups of digits are ``groups``."""
    if len(groups) == 1 and len(groups[0]) == 10:
        head = groups[0]
        if check_digit_ok(head):
            return TaxCode(written, head, head, True, None)
        return TaxCode(written, None, None, False, "check_digit")
    if len(groups) == 1 and len(groups[0]) == 13:
        head, branch = groups[0][:10], groups[0][10:]
        if check_digit_ok(head):
            return TaxCode(written, f"{head}-{branch}", head, True, None)
        return TaxCode(written, None, None, False, "check_digit")
    if len(groups) == 2 and len(groups[0]) == 10 and len(groups[1]) == 3:
        if check_digit_ok(groups[0]):
            return TaxCode(written, f"{groups[0]}-{groups[1]}", groups[0], True, None)
        return TaxCode(written, None, None, False, "check_digit")
    return TaxCode(written, None, None, False, "length")


@dataclass(frozen=True)
class TaxCodes:
    """A column of tax-code cells read: cell ``i`` reads as ``TaxCode(written[i], code[i], parent[i], valid[i],
    reason[i])`` (``codes[i]``), what :func:`parse_tax_code` reads in it."""

    written: list[str | None]
    code: list[str | None]
    parent: list[str | None]
    valid: list[bool]
    reason: list[str | None]

    def __getitem__(self, i: int) -> TaxCode:
        return TaxCode(self.written[i], self.code[i], self.parent[i], self.valid[i], self.reason[i])

    def __len__(self) -> int:
        return len(self.written)


_WEIGHTS_ARRAY = np.array(_WEIGHTS, dtype=np.int64)


def parse_tax_codes(values: Sequence[object]) -> TaxCodes:
    """:func:`parse_tax_code` of every cell of a column, in order. The codes written as ten plain digits (most
    of them) have their check digits computed at once, as one numpy array; the other cells are read one by
    one, a value written twice (a blank, a code on two rows) once."""
    n = len(values)
    written: list[str | None] = [None] * n
    code: list[str | None] = [None] * n
    parent: list[str | None] = [None] * n
    valid = [False] * n
    reason: list[str | None] = [None] * n
    plain: list[int] = []
    texts: list[str] = []  # the plain cells' texts
    others: list[int] = []
    for i, v in enumerate(values):
        if type(v) is str and len(v) == 10 and v.isascii() and v.isdigit():
            plain.append(i)
            texts.append(v)
        else:
            others.append(i)
    if plain:
        digits = np.frombuffer("".join(texts).encode("ascii"), dtype=np.uint8).reshape(-1, 10).astype(np.int64) - 48
        ok = (10 - digits[:, :9] @ _WEIGHTS_ARRAY % 11) == digits[:, 9]  # stdnum.vn.mst's check digit
        for i, text, good in zip(plain, texts, ok.tolist()):
            written[i] = text
            if good:
                code[i] = parent[i] = text
                valid[i] = True
            else:
                reason[i] = "check_digit"
    seen: dict[tuple[type, object], TaxCode] = {}
    for i in others:
        tc = read_once(parse_tax_code, values[i], seen)
        written[i], code[i], parent[i], valid[i], reason[i] = tc.written, tc.code, tc.parent, tc.valid, tc.reason
    return TaxCodes(written, code, parent, valid, reason)
