"""Quarterly period partitions keyed ``YYYY-Qn``."""

from __future__ import annotations

import datetime as dt

import dagster as dg

FIRST_YEAR = 2015


def quarter_keys(first_year: int = FIRST_YEAR, last_year: int | None = None) -> list[str]:
    last_year = last_year or dt.date.today().year + 1
    return [f"{y}-Q{q}" for y in range(first_year, last_year + 1) for q in range(1, 5)]


period_partitions = dg.StaticPartitionsDefinition(quarter_keys())
