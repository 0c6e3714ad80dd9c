"""Restated history (spec §11.1): a period reported by the former districts, re-counted on the units in force
since the reform, so that an analyst can compare quarters across it.

Each reconciled cooperative and group of the period is placed in one current unit (``core/placing.py``):

1. its former district went whole to one unit (Vân Đồn → Đặc khu Vân Đồn): that unit, no address needed;
2. else the commune its listing address names, matched against the crosswalk's former communes *of the row's
   district* (folded as §6; kind words such as 'xã', 'P.', 'thị trấn' optional: 'xã Hà Tu' is phường Hà Tu);
3. else the commune of its tax-register address, matched the same way.

A former commune that was split goes to its ``is_main`` unit (finding ``COMMUNE_SPLIT``); a row that cannot be
placed counts in the province row only (finding ``COMMUNE_UNPLACED``). The restated indicators are the count
and sum indicators of ``indicators.csv`` over cooperatives and groups (not averages, shares or % of plan),
computed with the same definitions as ``rpt_indicator``; the province row is ``rpt_indicator``'s. For a period
reported by the current units themselves, the restated rows are ``rpt_indicator``'s.

Everything here is plain pandas over the period's frames; nothing names a province, a district or a commune.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import SupportsInt

import pandas as pd

from kttt_pipeline.core.admin_units import AdminUnit, province_word, unit_sort_key
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.placing import CommunePlacer, Placement, reform_day
from kttt_pipeline.core.vocabulary import indicators
from kttt_pipeline.reconcile import indicators as ind

RESTATED_COLUMNS = ["period", "unit_code", "indicator_code", "value"]
#: what placing a listing row and its finding read of it
_ROW_COLUMNS = ["unit_code", "source_file", "sheet", "row_number", "name"]
#: groups of indicators.csv counted over cooperatives and groups
_ENTITY_GROUPS = ("HTX", "THT")


@lru_cache(maxsize=1)
def restated_indicator_codes() -> tuple[str, ...]:
    """The count and sum indicators of ``indicators.csv`` over cooperatives and groups: those whose unit is a
    number of entities or people or an amount of money, not a rate ('triệu đồng/năm', '…/người/tháng') or a
    percentage. Shares (<CODE>_PCT) and % of plan are never restated; averages are not additive."""
    return tuple(i.code for i in indicators() if i.group in _ENTITY_GROUPS and "/" not in i.unit and "%" not in i.unit)


# ------------------------------------------------------------------------------------------ the period


@dataclass
class RestatedPeriod:
    rpt_indicator_restated: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)


def current_units(crosswalk: pd.DataFrame, units: list[AdminUnit]) -> list[AdminUnit]:
    """The units history is restated on: those in force on the reform day, in code order."""
    day = reform_day(crosswalk, units)
    if day is None:
        return []
    out = [u for u in units if u.level != "province" and u.in_force(day)]
    return sorted(out, key=lambda u: unit_sort_key(u.unit_code))


def _rows(values: dict[str, dict[str, float | None]], period: Period) -> pd.DataFrame:
    codes = restated_indicator_codes()
    rows = [
        {
            "period": period.key,
            "unit_code": unit,
            "indicator_code": code,
            "value": None if (value := v.get(code)) is None else float(value),
        }
        for unit, v in values.items()
        for code in codes
        if code in v
    ]
    return pd.DataFrame(rows, columns=RESTATED_COLUMNS)


def _counts(coops: pd.DataFrame, period: Period) -> pd.Series:
    """Rows that count in some restated indicator: in HTX_TOTAL, or registered or dissolved this year."""
    if coops.empty:
        return pd.Series([], dtype=bool)
    start, end = pd.Timestamp(period.year_start), pd.Timestamp(period.end)
    reg = pd.to_datetime(coops["registered_on"], errors="coerce")
    dis = pd.to_datetime(coops["dissolved_on"], errors="coerce")
    new = (reg >= start) & (reg <= end)
    gone = (coops["status"] == "DISSOLVED") & (dis >= start) & (dis <= end)
    return coops["in_total"].astype(bool) | new | gone


def restate_period(
    period: Period,
    cooperatives: pd.DataFrame,
    groups: pd.DataFrame,
    tax_register: pd.DataFrame,
    rpt_indicator: pd.DataFrame,
    crosswalk: pd.DataFrame | None,
    units: list[AdminUnit],
    province_code: str,
    stg_cooperative: pd.DataFrame | None = None,
    stg_group: pd.DataFrame | None = None,
) -> RestatedPeriod:
    """``rpt_indicator_restated`` of one period and its COMMUNE_SPLIT / COMMUNE_UNPLACED findings.

    ``cooperatives`` / ``groups``: the reconciled frames of the period (``unit_code`` = the reporting unit);
    ``stg_*``: the staging rows, for the address written in each listing row (``commune``)."""
    codes = restated_indicator_codes()
    crosswalk = crosswalk if crosswalk is not None else pd.DataFrame()
    day = reform_day(crosswalk, units)
    if day is None or period.end >= day:
        # reported by the current units (or nothing to restate on): the restated rows are the published ones
        rows = rpt_indicator[rpt_indicator["indicator_code"].isin(codes)][RESTATED_COLUMNS]
        return RestatedPeriod(rows.reset_index(drop=True) if day is not None else rows.iloc[0:0])

    placer = CommunePlacer(crosswalk, units)
    word = province_word(units)
    targets = [u.unit_code for u in current_units(crosswalk, units)]
    written = _written_addresses(stg_cooperative, stg_group)
    register = _register_addresses(tax_register)
    findings: list[Finding] = []

    coops = ind.indicator_inputs(cooperatives, "cooperative", *_ROW_COLUMNS, "tax_code")
    counts = _counts(coops, period)
    coop_units = []
    # only the columns used: a row tuple of every column of a wide frame costs more than placing it
    for rec, count in zip(coops[_ROW_COLUMNS + ["tax_code"]].itertuples(index=False), counts):
        text = written.get((rec.source_file, rec.sheet, _int(rec.row_number)))
        addr = register.get(rec.tax_code) if isinstance(rec.tax_code, str) else None
        p = placer.place(rec.unit_code, text, addr)
        coop_units.append(p.new_unit)
        if count and p.noteworthy:
            key = rec.tax_code if isinstance(rec.tax_code, str) and rec.tax_code else rec.name
            findings.extend(_findings_of(p, placer, period, "HTX", rec.name, key, rec, text, addr, province_code, word))
    grp = ind.indicator_inputs(groups, "group", *_ROW_COLUMNS)
    group_units = []
    for rec in grp[_ROW_COLUMNS].itertuples(index=False):
        text = written.get((rec.source_file, rec.sheet, _int(rec.row_number)))
        p = placer.place(rec.unit_code, text, None)
        group_units.append(p.new_unit)
        if p.noteworthy:
            findings.extend(
                _findings_of(p, placer, period, "THT", rec.name, rec.name, rec, text, None, province_code, word)
            )

    coops = coops.assign(unit_code=coop_units)
    grp = grp.assign(unit_code=group_units)
    placed_coops = ind.prepare_cooperatives(coops[coops["unit_code"].notna()])
    placed_groups = ind.prepare_groups(grp[grp["unit_code"].notna()])
    values = ind.listing_indicators_by_unit(placed_coops, placed_groups, period, targets)
    unit_rows = _rows(values, period)
    province_rows = rpt_indicator[
        (rpt_indicator["unit_code"] == province_code) & rpt_indicator["indicator_code"].isin(codes)
    ][RESTATED_COLUMNS]
    restated = pd.concat([province_rows, unit_rows], ignore_index=True)
    return RestatedPeriod(restated, findings)


def _int(v: SupportsInt | str | None) -> int | None:
    if v is None:
        return None
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _written_addresses(*frames: pd.DataFrame | None) -> dict[tuple, str | None]:
    out: dict[tuple, str | None] = {}
    for df in frames:
        if df is None or df.empty or "commune" not in df:
            continue
        for src, sheet, row, commune in zip(df["source_file"], df["sheet"], df["row_number"], df["commune"]):
            out[(src, sheet, _int(row))] = commune if isinstance(commune, str) else None
    return out


def _register_addresses(tax: pd.DataFrame) -> dict[str, str]:
    out: dict[str, str] = {}
    if tax is None or tax.empty:
        return out
    for code, addr in zip(tax["tax_code"], tax["address"]):
        if isinstance(code, str) and isinstance(addr, str) and code not in out:
            out[code] = addr
    return out


def _findings_of(
    p: Placement,
    placer: CommunePlacer,
    period: Period,
    kind: str,
    name: str,
    key: str,
    rec,
    text: str | None,
    addr: str | None,
    province_code: str,
    word: str,
) -> list[Finding]:
    """The finding of a noteworthy placement; ``word``: the province's kind at the period's end ("tỉnh")."""
    if not p.noteworthy:
        return []
    what = f"{kind} '{name}'"
    district = placer.district_label(str(rec.unit_code))
    # unit_code stays empty (the contract's expected_restated.json): the former district and the current unit are
    # former_unit_code and current_unit_code
    loc = dict(
        source_file=rec.source_file,
        sheet=rec.sheet,
        row_number=_int(rec.row_number),
        rule="11.1",
        former_unit_code=str(rec.unit_code),
    )
    if p.commune is not None and p.commune.split:
        c = p.commune
        went = ", ".join(placer.unit_label(n) for n in c.new_codes)
        return [
            Finding(
                "COMMUNE_SPLIT",
                f"Quy đổi kỳ {period.key} theo đơn vị hành chính mới: {what} ghi địa chỉ "
                f"'{text if p.how == 'address' else addr}' thuộc {c.kind.lower()} {c.name} cũ ({district}), đã được "
                f"chia cho {went}; tính vào đơn vị chính {placer.unit_label(c.main)}",
                entity_key=key,
                value_reported=text if p.how == "address" else addr,
                value_computed=c.main,
                current_unit_code=c.main,
                **loc,
            )
        ]
    if p.new_unit is None:
        why = " (tên xã trùng nhau, không phân biệt được)" if p.reason_vi == "ambiguous" else ""
        written = f"'{text}'" if text else "không ghi"
        register = f"'{addr}'" if addr else "không có"
        return [
            Finding(
                "COMMUNE_UNPLACED",
                f"Quy đổi kỳ {period.key} theo đơn vị hành chính mới: {what} của {district}: không xác định "
                f"được xã/phường cũ trong bảng chuyển đổi từ địa chỉ trong danh sách ({written}) và địa chỉ "
                f"đăng ký thuế ({register}){why}; chỉ tính vào số liệu toàn {word} ({province_code})",
                entity_key=key,
                value_reported=text or addr,
                **loc,
            )
        ]
    return []
