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

A national deployment (``KTTT_PROVINCES``, core/deployment.py) partitions by province and quarter: a
``MultiPartitionsDefinition`` of the dimensions ``province`` and ``period``, its quarters from the earliest quarter of
any of its provinces' raw folders (``KTTT_RAW_DIR/<code>/YYYY-Qn``). A run's key says both
(:func:`split_partition_key`); the assets read the province and the period from it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import dagster as dg

from kttt_pipeline.core import config
from kttt_pipeline.core.deployment import configured_provinces
from kttt_pipeline.core.periods import Period, last_closed_quarter, period_of_date, quarters_between

#: the environment variable of the deployment's first quarter (``YYYY-Qn``)
FIRST_PERIOD_ENV = "KTTT_FIRST_PERIOD"
_PERIOD_DIR = re.compile(r"^\d{4}-Q[1-4]$")
#: the dimensions of the (province, quarter) partitions of a national deployment
PROVINCE_DIM, PERIOD_DIM = "province", "period"


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


def first_period(
    raw_dir: str | Path | None = None, today: dt.date | None = None, provinces: list[str] | None = None
) -> Period:
    """The deployment's first quarter: the earlier of ``KTTT_FIRST_PERIOD`` and the earliest period folder of
    ``raw_dir`` (default: ``KTTT_RAW_DIR``), or of any of ``<raw_dir>/<province>`` for ``provinces`` (the national
    layout); with neither, the last closed quarter on ``today``."""
    root = raw_dir or config.raw_dir()
    folders = [Path(root) / code for code in provinces] if provinces else [Path(root)]
    known = [p for p in (configured_first_period(), *(earliest_raw_period(f) for f in folders)) if p]
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


def province_quarter_partitions_def(
    provinces: list[str], raw_dir: str | Path | None = None, today: dt.date | None = None
) -> dg.MultiPartitionsDefinition:
    """The (province, quarter) partitions of a national deployment whose provinces' folders are under ``raw_dir``
    (default: ``KTTT_RAW_DIR``)."""
    quarters = quarter_keys(first_period(raw_dir, today, provinces), today=today)
    return dg.MultiPartitionsDefinition(
        {
            PROVINCE_DIM: dg.StaticPartitionsDefinition(list(provinces)),
            PERIOD_DIM: dg.StaticPartitionsDefinition(quarters),
        }
    )


def deployment_partitions_def(
    raw_dir: str | Path | None = None, today: dt.date | None = None, provinces: list[str] | None = None
) -> dg.PartitionsDefinition:
    """The partitions of the deployment: by province and quarter for ``provinces`` (default: ``KTTT_PROVINCES``),
    else by quarter (one province per deployment)."""
    provinces = provinces if provinces is not None else configured_provinces(raw_dir or config.raw_dir())
    if provinces:
        return province_quarter_partitions_def(provinces, raw_dir, today)
    return period_partitions_def(raw_dir, today)


def split_partition_key(key: object) -> tuple[str | None, str]:
    """(province, period) of a partition key: ``2026-Q3`` → (None, "2026-Q3"); a (province, quarter) key
    (``2026-Q3|22``, a ``MultiPartitionKey``) → ("22", "2026-Q3")."""
    if isinstance(key, dg.MultiPartitionKey):
        dims = key.keys_by_dimension
        return dims[PROVINCE_DIM], dims[PERIOD_DIM]
    parts = str(key).split("|")
    if len(parts) == 1:
        return None, parts[0]
    periods = [p for p in parts if _PERIOD_DIR.match(p)]
    others = [p for p in parts if not _PERIOD_DIR.match(p)]
    if len(parts) != 2 or len(periods) != 1:
        raise ValueError(f"not a (province, quarter) partition key: {key!r}")
    return others[0], periods[0]


def partition_key(partitions_def: dg.PartitionsDefinition, province: str | None, period: str) -> str:
    """The key of ``period`` (and ``province``, in a national deployment) in ``partitions_def``."""
    if isinstance(partitions_def, dg.MultiPartitionsDefinition):
        if not province:
            raise ValueError(f"{period}: a national deployment's key needs a province")
        return dg.MultiPartitionKey({PROVINCE_DIM: province, PERIOD_DIM: period})
    return period


def partition_provinces(partitions_def: dg.PartitionsDefinition) -> list[str] | None:
    """The provinces of a (province, quarter) partitions definition; None for quarters alone."""
    if isinstance(partitions_def, dg.MultiPartitionsDefinition):
        return list(partitions_def.get_partitions_def_for_dimension(PROVINCE_DIM).get_partition_keys())
    return None


period_partitions = period_partitions_def()
