"""Vietnamese tax codes (mã số thuế, MST) of cooperatives (spec §6).

10 digits identify an enterprise/cooperative; the 10th digit is a check digit. ``10 digits-3 digits``
is a branch of the 10-digit parent. Anything else is invalid: kept as written, flagged, matched by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.vn import mst as _mst

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class TaxCode:
    written: str | None  # as written in the return
    code: str | None  # normalised: 10 digits, or 10-3 for a branch; None when invalid/missing
    parent: str | None  # the 10-digit parent (== code for a head office)
    valid: bool
    reason: str | None  # why invalid (English code) or None


def check_digit_ok(ten_digits: str) -> bool:
    return len(ten_digits) == 10 and ten_digits.isdigit() and _mst.calc_check_digit(ten_digits[:9]) == ten_digits[9]


def parse_tax_code(value: object) -> TaxCode:
    if value is None or (isinstance(value, float) and value != value):
        return TaxCode(None, None, None, False, "missing")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    written = str(value).strip()
    if not written:
        return TaxCode(None, None, None, False, "missing")
    # keep digits: spaces and dots inside a code are typing noise ("57 6585 9316"); '-' or '/' marks a branch
    groups = _DIGITS.findall(re.sub(r"[\s.]", "", written))
    # a number read from Excel loses a leading zero: 10-digit codes may start with 0
    if len(groups) == 1 and len(groups[0]) == 9 and isinstance(value, int):
        groups = ["0" + groups[0]]
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
