"""Quarterly period partitions keyed ``YYYY-Qn``.

The keys run from the deployment's first quarter to the quarter in progress when the code location loads. The
first quarter is the earlier of ``KTTT_FIRST_PERIOD`` (e.g. ``2023-Q1``: the first quarter the deployment collects)
and the earliest ``YYYY-Qn`` folder of the raw folder (a quarter with returns is always one the UI can
materialise); with neither, the last closed quarter
(:func:`~kttt_pipeline.core.periods.last_closed_quarter`). So the UI lists no decade of "Missing" quarters that
have no data, and "materialise missing" launches no run that can only fail.

The quarter in progress is there so that the schedule's next tick (the 20th after it closes) requests a key the
loaded definitions know, even on a code server started before the quarter closed. Nothing fixes the end: a code
location loaded in a later year has later keys (see docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import dagster as dg

from kttt_pipeline.core import config
from kttt_pipeline.core.periods import Period, last_closed_quarter, period_of_date, quarters_between

#: the environment variable of the deployment's first quarter (``YYYY-Qn``)
FIRST_PERIOD_ENV = "KTTT_FIRST_PERIOD"
_PERIOD_DIR = re.compile(r"^\d{4}-Q[1-4]$")


def configured_first_period() -> Period | None:
    """``KTTT_FIRST_PERIOD`` as a period, None when unset; a value that is no quarter stops the code location
    from loading, naming the variable."""
    text = os.environ.get(FIRST_PERIOD_ENV, "").strip()
    if not text:
        return None
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise ValueError(f"{FIRST_PERIOD_ENV}: {exc}") from None


def earliest_raw_period(raw_dir: str | Path) -> Period | None:
    """The earliest ``YYYY-Qn`` folder of the raw folder, None when it has none (or does not exist)."""
    raw = Path(raw_dir)
    if not raw.is_dir():
        return None
    periods = [Period.parse(p.name) for p in raw.iterdir() if _PERIOD_DIR.match(p.name) and p.is_dir()]
    return min(periods, default=None)


def first_period(raw_dir: str | Path | None = None, today: dt.date | None = None) -> Period:
    """The deployment's first quarter: the earlier of ``KTTT_FIRST_PERIOD`` and the earliest period folder of
    ``raw_dir`` (default: ``KTTT_RAW_DIR``); with neither, the last closed quarter on ``today``."""
    known = [p for p in (configured_first_period(), earliest_raw_period(raw_dir or config.raw_dir())) if p]
    return min(known) if known else last_closed_quarter(today)


def quarter_keys(first: Period | str | int | None = None, today: dt.date | None = None) -> list[str]:
    """``YYYY-Qn`` keys from ``first`` (a period, a key, or a year's first quarter; default :func:`first_period`)
    to the quarter in progress on ``today`` (default: the system date); the last closed quarter is the one
    before it."""
    today = today or dt.date.today()
    if first is None:
        start = first_period(today=today)
    elif isinstance(first, int):
        start = Period(first, 1)
    elif isinstance(first, str):
        start = Period.parse(first)
    else:
        start = first
    in_progress = period_of_date(today)  # the quarter after last_closed_quarter(today)
    return [p.key for p in quarters_between(start, in_progress)]


def period_partitions_def(
    raw_dir: str | Path | None = None, today: dt.date | None = None
) -> dg.StaticPartitionsDefinition:
    """The partitions of a deployment whose raw folder is ``raw_dir`` (default: ``KTTT_RAW_DIR``)."""
    return dg.StaticPartitionsDefinition(quarter_keys(first_period(raw_dir, today), today=today))


period_partitions = period_partitions_def()
