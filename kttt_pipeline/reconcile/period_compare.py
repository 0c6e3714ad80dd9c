"""Comparisons of a period with the one before it: cooperatives that vanished, and figures that jumped.

Pure functions over frames; the caller fetches the earlier period (from the warehouse) and, across the
1/7/2025 reform, passes unit-level figures of the former period restated on the current units.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from kttt_pipeline.core.admin_units import unit_sort_key
from kttt_pipeline.core.numfmt import format_number
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.placing import CommunePlacer


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
        return tuple(
            JumpThreshold(
                r["indicator_code"].strip(),
                float(r["relative"]),
                float(r["absolute"]),
                _explanation(r.get("explained_by") or ""),
            )
            for r in csv.DictReader(fh)
        )


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


def period_jumps(
    previous: pd.DataFrame, current: pd.DataFrame, period: Period, thresholds: tuple[JumpThreshold, ...] | None = None
) -> list[Jump]:
    """Units whose figure moved against the previous quarter by more than its threshold, net of what the
    explaining indicators account for. ``previous`` and ``current`` are ``rpt_indicator``-shaped frames
    (unit_code, indicator_code, value) of the previous quarter and of ``period``; units present in only one are
    not compared (a missing return is UNIT_MISSING, not a jump)."""
    thresholds = jump_thresholds() if thresholds is None else thresholds

    def table(df: pd.DataFrame) -> dict[tuple[str, str], float]:
        df = df.dropna(subset=["value"])
        return {(str(u), str(c)): float(v) for u, c, v in zip(df["unit_code"], df["indicator_code"], df["value"])}

    prev, cur = table(previous), table(current)
    units = sorted({u for u, _ in prev} & {u for u, _ in cur}, key=unit_sort_key)
    out: list[Jump] = []
    for unit in units:
        for th in thresholds:
            if (unit, th.indicator_code) not in prev or (unit, th.indicator_code) not in cur:
                continue
            before, after = prev[(unit, th.indicator_code)], cur[(unit, th.indicator_code)]
            explained = sum(
                sign * quarter_change(cur.get((unit, code), 0.0), prev.get((unit, code)), period)
                for sign, code in th.explained_by
            )
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


def vanished_cooperatives(
    previous: pd.DataFrame, current: pd.DataFrame, tax_register: pd.DataFrame | None = None
) -> list[Vanished]:
    """Cooperatives counted in the previous quarter (``in_total``, a valid tax code) that this quarter neither
    lists (in any unit, with any status: the identity is the tax code, the unit may differ across the reform)
    nor reports dissolved (the tax register of this quarter with status mapping to dissolved).

    ``previous`` / ``current``: ``cooperative``-shaped frames (tax_code, in_total, unit_code, name, …);
    ``tax_register``: ``stg_tax_register``-shaped (tax_code, status_code)."""
    from kttt_pipeline.reconcile.status import tax_maps_to

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
        out.append(Vanished(code, str(rec.unit_code), str(rec.name), getattr(rec, "source_file", None)))
    return sorted(out, key=lambda v: (unit_sort_key(v.unit_code_before), v.tax_code))


# ---- findings (COOP_VANISHED, PERIOD_JUMP) ------------------------------------------------------------------


def _placed_by_tax_register(tax_register: pd.DataFrame | None, reporting_units: set[str]) -> dict[str, str]:
    """Tax code → the unit of the period its tax-register address was placed in while reading (a former
    commune's address by the crosswalk: ``core.placing.place_old_addresses``), where that unit reports."""
    if tax_register is None or tax_register.empty or "unit_code" not in tax_register:
        return {}
    out: dict[str, str] = {}
    for code, unit in zip(tax_register["tax_code"], tax_register["unit_code"]):
        if isinstance(code, str) and isinstance(unit, str) and unit in reporting_units:
            out.setdefault(code, unit)
    return out


def current_unit_of(v: Vanished, placed: dict[str, str], placer: CommunePlacer | None) -> str | None:
    """The unit in force a cooperative that vanished across the reform belongs to now: where this quarter's tax
    register places its address, else the unit its former district went to whole (``CommunePlacer``); None when
    neither says."""
    if v.tax_code in placed:
        return placed[v.tax_code]
    if placer is None:
        return None
    return placer.place(v.unit_code_before, None, None).new_unit


@dataclass
class PreviousQuarter:
    """The previous quarter as the warehouse holds it: its cooperatives and its unit-level figures on the units
    of the period compared (``rpt_indicator_restated`` when it was reported by another tier, spec §11.1)."""

    period: Period
    cooperative: pd.DataFrame  # tax_code, in_total, unit_code, name, source_file
    indicators: pd.DataFrame  # unit_code, indicator_code, value
    restated: bool = False
    unit_names: dict[str, str] | None = None  # unit_code → "huyện Cô Tô" (the former units included)


def _vn(value: float) -> str:
    return format_number(value, 1)


def comparison_findings(
    previous: PreviousQuarter | None,
    period: Period,
    cooperative: pd.DataFrame,
    tax_register: pd.DataFrame | None,
    rpt_indicator: pd.DataFrame,
    reporting_units: set[str],
    unit_names: dict[str, str] | None = None,
    thresholds: tuple[JumpThreshold, ...] | None = None,
    missing_units: set[str] | None = None,
    placer: CommunePlacer | None = None,
) -> list:
    """COOP_VANISHED and PERIOD_JUMP findings of ``period`` against ``previous`` (none without it).

    * COOP_VANISHED: entity_key the tax code; unit_code the unit the cooperative was counted in when that unit
      reports for ``period`` too, else null (across the reform its current unit cannot be known) with the former
      unit named in the detail. value_reported = where it was counted before, value_computed = "không có".
      Across the reform, current_unit_code is the unit its address places it in (:func:`current_unit_of`).
      A unit that sent nothing this quarter (``missing_units``, UNIT_MISSING says so) loses no cooperative:
      within one tier its former cooperatives are not compared; across the reform (the former unit does not
      report any more) nothing is compared while any unit is missing, since the cooperative may be in it.
    * PERIOD_JUMP: unit_code the unit, entity_key the indicator code; value_reported = this quarter's figure,
      value_computed = the previous quarter's (both in the detail too).
    """
    from kttt_pipeline.core.findings import Finding
    from kttt_pipeline.core.vocabulary import indicators as vocab_indicators

    if previous is None:
        return []
    names = dict(previous.unit_names or {})
    names.update(unit_names or {})
    prev_key, cur_key = previous.period.key, period.key
    out: list[Finding] = []
    missing = set(missing_units or ())
    placed = _placed_by_tax_register(tax_register, reporting_units)
    for v in vanished_cooperatives(previous.cooperative, cooperative, tax_register):
        former = names.get(v.unit_code_before, f"đơn vị mã {v.unit_code_before}")
        same_unit = v.unit_code_before in reporting_units and not previous.restated
        if (same_unit and v.unit_code_before in missing) or (not same_unit and missing):
            continue
        current = None if same_unit else current_unit_of(v, placed, placer)
        now = f" (địa chỉ nay thuộc {names.get(current, current)}, mã {current})" if current else ""
        out.append(
            Finding(
                "COOP_VANISHED",
                f"HTX '{v.name}' (MST {v.tax_code}) được tính trong kỳ {prev_key} ({former}, mã {v.unit_code_before})"
                f"{now} nhưng kỳ {cur_key} không có trong danh sách của đơn vị nào và cơ quan thuế không ghi đã giải "
                "thể: đề nghị đơn vị kiểm tra, bổ sung hoặc báo cáo tình trạng",
                unit_code=v.unit_code_before if same_unit else None,
                current_unit_code=current,
                former_unit_code=None if same_unit else v.unit_code_before,
                entity_key=v.tax_code,
                source_file=v.source_file_before if isinstance(v.source_file_before, str) else None,
                value_reported=f"kỳ {prev_key}: {former}",
                value_computed=f"kỳ {cur_key}: không có",
                rule="so_sanh_ky",
            )
        )
    meta = {i.code: i for i in vocab_indicators()}
    thresholds = jump_thresholds() if thresholds is None else thresholds
    current = rpt_indicator[rpt_indicator["unit_code"].astype(str).isin(reporting_units)]
    where = " (số quy đổi theo đơn vị hiện nay)" if previous.restated else ""
    by_code = {t.indicator_code: t for t in thresholds}
    for j in period_jumps(previous.indicators, current, period, thresholds):
        th = by_code[j.indicator_code]
        m = meta.get(j.indicator_code)
        label = m.name_vi if m else j.indicator_code
        unit = names.get(j.unit_code, j.unit_code)
        move = j.current - j.previous
        pct = f" ({'+' if move > 0 else '-'}{_vn(round(abs(move) / abs(j.previous) * 100, 1))}%)" if j.previous else ""
        explained = (
            f"; số HTX thành lập mới trừ giải thể trong quý giải thích {_vn(j.explained)}" if th.explained_by else ""
        )
        out.append(
            Finding(
                "PERIOD_JUMP",
                f"{label} của {unit}: kỳ {cur_key} là {_vn(j.current)}, kỳ trước ({prev_key}) là {_vn(j.previous)}"
                f"{where}, thay đổi {'+' if move > 0 else ''}{_vn(move)}{pct}{explained}; phần không giải thích được "
                f"({_vn(abs(j.unexplained))}) vượt ngưỡng ({_vn(th.relative * 100)}% và {_vn(th.absolute)}): đề nghị "
                "kiểm tra lại danh sách của đơn vị",
                unit_code=j.unit_code,
                entity_key=j.indicator_code,
                value_reported=repr(float(j.current)).removesuffix(".0"),
                value_computed=repr(float(j.previous)).removesuffix(".0"),
                rule="so_sanh_ky",
            )
        )
    return out


# ---- the comparison again, at load (quarters run concurrently) -------------------------------------------

#: the finding kinds computed against an earlier period
COMPARISON_KINDS = ("COOP_VANISHED", "PERIOD_JUMP")


def recompared_findings(result, previous: PreviousQuarter | None) -> pd.DataFrame:
    """The ``dq_issue`` frame of a reconciled period (:class:`kttt_pipeline.reconcile.period.PeriodResult`) with
    its comparison findings computed again against ``previous`` (the previous quarter as the warehouse holds it
    now; None: not loaded), every other finding kept as it was. The inputs are those ``reconcile_period`` gave
    :func:`comparison_findings`, read back from the result's own frames: the listed tax codes (counted and
    staged rows), the tax register, the indicators, the units in force and the missing units (period_status)."""
    from kttt_pipeline.core.admin_units import reporting_units, unit_label
    from kttt_pipeline.core.findings import findings_frame

    period = Period.parse(result.period)
    units = result_units(result)
    status = result.period_status
    missing_text = (
        "" if status.empty or pd.isna(status["units_missing"].iloc[0]) else str(status["units_missing"].iloc[0])
    )
    listed = pd.concat([result.cooperative[["tax_code"]], result.stg_cooperative[["tax_code"]]], ignore_index=True)
    found = comparison_findings(
        previous,
        period,
        listed,
        result.stg_tax_register,
        result.rpt_indicator,
        {u.unit_code for u in reporting_units(units, period)},
        {u.unit_code: unit_label(u) for u in units},
        missing_units={c for c in missing_text.split(",") if c},
        placer=CommunePlacer(_register_crosswalk(getattr(result, "unit_crosswalk", None)), units),
    )
    kept = result.dq_issue[~result.dq_issue["kind"].isin(COMPARISON_KINDS)]
    again = findings_frame(found, period.key, {u.unit_code for u in units if u.valid_to is None})
    if again.empty:
        return kept.reset_index(drop=True)
    return pd.concat([kept, again], ignore_index=True)


def _register_crosswalk(frame: pd.DataFrame | None) -> pd.DataFrame:
    """A result's ``unit_crosswalk`` frame with the register's column names again (new_unit_code → new_code)."""
    if frame is None or frame.empty:
        return pd.DataFrame(columns=["old_district_code", "old_code", "old_name", "old_kind", "new_code", "is_main"])
    return frame.rename(columns={"new_unit_code": "new_code"}).assign(
        is_main=frame["is_main"].map(lambda m: "1" if m is True or str(m) in ("1", "True", "true") else "0")
    )


def result_units(result) -> list:
    """The units of a reconciled period (its ``admin_unit`` frame) as
    :class:`~kttt_pipeline.core.admin_units.AdminUnit`."""
    from kttt_pipeline.core.admin_units import AdminUnit

    units = []
    for rec in result.admin_unit[list(AdminUnit.__dataclass_fields__)].to_dict("records"):
        cells: dict[str, Any] = {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in rec.items()}
        units.append(AdminUnit(**cells))
    return units


def result_level(result) -> str:
    """The tier of the units that report for a reconciled period (as ``reconcile.period.reporting_level``)."""
    from kttt_pipeline.core.admin_units import commonest_level, reporting_units

    return commonest_level(u.level for u in reporting_units(result_units(result), Period.parse(result.period)))
