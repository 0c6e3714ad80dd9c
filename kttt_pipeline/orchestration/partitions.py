"""Quarterly period partitions keyed ``YYYY-Qn``.

The keys run from ``FIRST_YEAR``-Q1 to the quarter in progress when the code location loads: every closed quarter
(:func:`~kttt_pipeline.core.periods.last_closed_quarter`) can be materialised or backfilled, and the quarter in
progress is there so that the schedule's next tick (the 20th after it closes) requests a key the loaded
definitions know, even on a code server started before the quarter closed. Nothing fixes the end: a code
location loaded in a later year has later keys (see docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt

import dagster as dg

from kttt_pipeline.core.periods import Period, period_of_date, quarters_between

FIRST_YEAR = 2015


def quarter_keys(first_year: int = FIRST_YEAR, today: dt.date | None = None) -> list[str]:
    """``YYYY-Qn`` keys from ``first_year``-Q1 to the quarter in progress on ``today`` (default: the system
    date); the last closed quarter is the one before it."""
    today = today or dt.date.today()
    in_progress = period_of_date(today)  # the quarter after last_closed_quarter(today)
    return [p.key for p in quarters_between(Period(first_year, 1), in_progress)]


def period_partitions_def(today: dt.date | None = None) -> dg.StaticPartitionsDefinition:
    return dg.StaticPartitionsDefinition(quarter_keys(today=today))


period_partitions = period_partitions_def()
