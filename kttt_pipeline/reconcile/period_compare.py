"""Comparisons of a period with the one before it (issue 16): cooperatives that vanished, and figures that jumped.

Pure functions over frames; the caller fetches the earlier period (from the warehouse) and, across the
1/7/2025 reform, passes unit-level figures of the former period restated on the current units.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

from ..periods import Period


@dataclass(frozen=True)
class JumpThreshold:
    indicator_code: str
    relative: float  # share of the previous figure
    absolute: float  # and at least this much, in the indicator's own unit
    explained_by: tuple[tuple[int, str], ...]  # (+1/-1, cumulative indicator) whose quarterly change explains a move


def _explanation(text: str) -> tuple[tuple[int, str], ...]:
    out: list[tuple[int, str]] = []
    sign = 1
    token = ""
    for ch in (text or "").replace(" ", "") + "+":
        if ch in "+-":
            if token:
                out.append((sign, token))
            sign, token = (1 if ch == "+" else -1), ""
        else:
            token += ch
    return tuple(out)


@lru_cache(maxsize=1)
def jump_thresholds() -> tuple[JumpThreshold, ...]:
    """``vocab/period_jump_thresholds.csv`` (defaults justified in docs/decisions.md)."""
    with resources.files("kttt_pipeline.vocab").joinpath("period_jump_thresholds.csv").open(encoding="utf-8-sig") as fh:
        return tuple(JumpThreshold(r["indicator_code"].strip(), float(r["relative"]), float(r["absolute"]),
                                   _explanation(r.get("explained_by") or "")) for r in csv.DictReader(fh))


def quarter_change(current: float, previous: float | None, period: Period) -> float:
    """The change within the quarter of a figure cumulative from 1 January (HTX_NEW, HTX_DISSOLVED): in a first
    quarter the cumulative figure is the quarter's own; otherwise the difference from the previous quarter."""
    if period.quarter == 1 or previous is None:
        return current
    return current - previous


@dataclass(frozen=True)
class Jump:
    unit_code: str
    indicator_code: str
    previous: float
    current: float
    explained: float  # the move the explaining indicators account for

    @property
    def unexplained(self) -> float:
        return (self.current - self.previous) - self.explained


def period_jumps(previous: pd.DataFrame, current: pd.DataFrame, period: Period,
                 thresholds: tuple[JumpThreshold, ...] | None = None) -> list[Jump]:
    """Units whose figure moved against the previous quarter by more than its threshold, net of what the
    explaining indicators account for. ``previous`` and ``current`` are ``rpt_indicator``-shaped frames
    (unit_code, indicator_code, value) of the previous quarter and of ``period``; units present in only one are
    not compared (a missing return is UNIT_MISSING, not a jump)."""
    thresholds = jump_thresholds() if thresholds is None else thresholds

    def table(df: pd.DataFrame) -> dict[tuple[str, str], float]:
        df = df.dropna(subset=["value"])
        return {(str(u), str(c)): float(v) for u, c, v in zip(df["unit_code"], df["indicator_code"], df["value"])}

    prev, cur = table(previous), table(current)
    units = sorted({u for u, _ in prev} & {u for u, _ in cur}, key=lambda u: (len(u), u))
    out: list[Jump] = []
    for unit in units:
        for th in thresholds:
            if (unit, th.indicator_code) not in prev or (unit, th.indicator_code) not in cur:
                continue
            before, after = prev[(unit, th.indicator_code)], cur[(unit, th.indicator_code)]
            explained = sum(sign * quarter_change(cur.get((unit, code), 0.0), prev.get((unit, code)), period)
                            for sign, code in th.explained_by)
            unexplained = abs((after - before) - explained)
            if unexplained > th.absolute and unexplained > th.relative * abs(before):
                out.append(Jump(unit, th.indicator_code, before, after, explained))
    return out


@dataclass(frozen=True)
class Vanished:
    tax_code: str
    unit_code_before: str
    name: str
    source_file_before: str | None


def vanished_cooperatives(previous: pd.DataFrame, current: pd.DataFrame,
                          tax_register: pd.DataFrame | None = None) -> list[Vanished]:
    """Cooperatives counted in the previous quarter (``in_total``, a valid tax code) that this quarter neither
    lists (in any unit, with any status: the identity is the tax code, the unit may differ across the reform)
    nor reports dissolved (the tax register of this quarter with status mapping to dissolved).

    ``previous`` / ``current``: ``cooperative``-shaped frames (tax_code, in_total, unit_code, name, …);
    ``tax_register``: ``stg_tax_register``-shaped (tax_code, status_code)."""
    from .status import tax_maps_to

    counted = previous[previous["in_total"].fillna(False).astype(bool) & previous["tax_code"].notna()]
    listed = {str(c) for c in current["tax_code"].dropna()}
    dissolved: set[str] = set()
    if tax_register is not None and len(tax_register):
        for code, status in zip(tax_register["tax_code"], tax_register["status_code"]):
            if code is not None and not pd.isna(code) and tax_maps_to(status) == "dissolved":
                dissolved.add(str(code))
    out = []
    for rec in counted.itertuples(index=False):
        code = str(rec.tax_code)
        if code in listed or code in dissolved:
            continue
        out.append(Vanished(code, str(rec.unit_code), str(rec.name),
                            getattr(rec, "source_file", None)))
    return sorted(out, key=lambda v: (len(v.unit_code_before), v.unit_code_before, v.tax_code))
