"""Reporting periods: ``YYYY-Qn``, figures cumulative from 1 January to the quarter's end (lũy kế)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_PERIOD = re.compile(r"^(\d{4})-Q([1-4])$")
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> "Period":
        m = _PERIOD.match(text.strip())
        if not m:
            raise ValueError(f"period must look like 2024-Q3, got {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def start(self) -> dt.date:
        """First day of the quarter."""
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        month, day = _QUARTER_END[self.quarter]
        return dt.date(self.year, month, day)

    def previous(self) -> "Period":
        return Period(self.year, self.quarter - 1) if self.quarter > 1 else Period(self.year - 1, 4)

    def next(self) -> "Period":
        return Period(self.year + 1, 1) if self.quarter == 4 else Period(self.year, self.quarter + 1)

    def __str__(self) -> str:
        return self.key


def period_of_date(day: dt.date) -> Period:
    return Period(day.year, (day.month - 1) // 3 + 1)


def last_closed_quarter(today: dt.date | None = None) -> Period:
    """The latest quarter that has ended before ``today`` (default: the system date): the one whose returns are
    due or in. The single place where "the current period" is decided (``make demo``, ``kttt demo-data`` /
    ``kttt materialize`` defaults, the partitions' end, the quarterly schedule)."""
    return period_of_date(today or dt.date.today()).previous()


def quarters_between(first: Period, last: Period) -> list[Period]:
    """Every quarter from ``first`` to ``last`` inclusive, in order (empty when ``last`` is earlier)."""
    out = []
    p = first
    while p <= last:
        out.append(p)
        p = p.next()
    return out
