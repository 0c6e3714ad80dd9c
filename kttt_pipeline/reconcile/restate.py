"""Restated history (spec §11.1): a period reported by the former districts, re-counted on the units in force
since the reform, so that an analyst can compare quarters across it.

Each reconciled cooperative and group of the period is placed in one current unit:

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

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from kttt_pipeline.core.admin_units import AdminUnit, kind_tier, unit_kinds, unit_label, unit_sort_key
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.text import fold
from kttt_pipeline.core.vocabulary import indicators
from kttt_pipeline.reconcile import indicators as ind

RESTATED_COLUMNS = ["period", "unit_code", "indicator_code", "value"]
#: what placing a listing row and its finding read of it
_ROW_COLUMNS = ["unit_code", "source_file", "sheet", "row_number", "name"]
#: groups of indicators.csv counted over cooperatives and groups
_ENTITY_GROUPS = ("HTX", "THT")
_PARTS = re.compile(r",|;|\s-\s|\n")


@lru_cache(maxsize=1)
def restated_indicator_codes() -> tuple[str, ...]:
    """The count and sum indicators of ``indicators.csv`` over cooperatives and groups: those whose unit is a
    number of entities or people or an amount of money, not a rate ('triệu đồng/năm', '…/người/tháng') or a
    percentage. Shares (<CODE>_PCT) and % of plan are never restated; averages are not additive."""
    return tuple(i.code for i in indicators() if i.group in _ENTITY_GROUPS and "/" not in i.unit and "%" not in i.unit)


# ---------------------------------------------------------------------------------------------- placing


@dataclass(frozen=True)
class FormerCommune:
    code: str
    name: str
    kind: str
    district: str
    new_codes: tuple[str, ...]  # every unit it went to
    main: str  # the unit a cooperative goes to when nothing more precise is known (is_main)

    @property
    def split(self) -> bool:
        return len(self.new_codes) > 1


@dataclass(frozen=True)
class Placement:
    new_unit: str | None
    how: str  # district, address, register, unplaced
    commune: FormerCommune | None = None
    reason_vi: str = ""

    @property
    def noteworthy(self) -> bool:
        """Whether the placement is a finding: the commune was split (COMMUNE_SPLIT) or the row is not placed
        (COMMUNE_UNPLACED)."""
        return (self.commune is not None and self.commune.split) or self.new_unit is None


def _commune_forms() -> tuple[str, ...]:
    """Folded kind words of the commune tier and their abbreviations, longest first ('thi tran' before 'tt')."""
    forms = {f for k in unit_kinds() if k.tier == "commune" for f in (*k.forms, k.kind)}
    return tuple(sorted(forms, key=len, reverse=True))


def _upper_forms() -> tuple[str, ...]:
    forms = {f for k in unit_kinds() if k.tier in ("district", "province") for f in (*k.forms, k.kind)}
    return tuple(sorted(forms, key=len, reverse=True))


def _strip_kind(folded: str, forms: tuple[str, ...]) -> tuple[str | None, str]:
    for f in forms:
        if folded.startswith(f + " "):
            return f, folded[len(f) + 1 :]
    return None, folded


class CommunePlacer:
    """Former communes of each former district (from the crosswalk), and where they went."""

    def __init__(self, crosswalk: pd.DataFrame, units: list[AdminUnit]):
        self.units = {u.unit_code: u for u in units if u.level != "province"}
        self.district_units = {u.unit_code: u for u in units if kind_tier(u.kind_vi) == "district"}
        by_code: dict[tuple[str, str], list[dict]] = {}
        for r in crosswalk.to_dict("records") if crosswalk is not None else []:
            by_code.setdefault((str(r["old_district_code"]), str(r["old_code"])), []).append(r)
        self.by_district: dict[str, dict[str, list[FormerCommune]]] = {}
        targets: dict[str, set[str]] = {}
        for (district, code), rows in by_code.items():
            new_codes = tuple(dict.fromkeys(str(r["new_code"]) for r in rows))
            mains = [
                str(r["new_code"]) for r in rows if str(r.get("is_main", "")).strip() in ("1", "1.0", "true", "True")
            ]
            commune = FormerCommune(
                code,
                str(rows[0]["old_name"]),
                str(rows[0].get("old_kind") or ""),
                district,
                new_codes,
                mains[0] if mains else new_codes[0],
            )
            self.by_district.setdefault(district, {}).setdefault(fold(commune.name), []).append(commune)
            targets.setdefault(district, set()).update(new_codes)
        #: a former district whose communes all went to one unit
        self.whole: dict[str, str] = {d: next(iter(t)) for d, t in targets.items() if len(t) == 1}
        self._commune_forms = _commune_forms()
        self._upper_forms = _upper_forms()
        #: (district, written address, register address) → its Placement: a period's rows repeat addresses
        self._placed: dict[tuple, Placement] = {}

    # -------------------------------------------------------------------------------------- one text

    def commune_named(self, district: str, text: object) -> tuple[FormerCommune | None, str]:
        """The former commune of ``district`` an address names (the first part of it that names one), and
        why not when none: ('', not found) or ('ambiguous', two communes of that name went to different units)."""
        names = self.by_district.get(str(district), {})
        if not names or text is None or (isinstance(text, float) and text != text):
            return None, ""
        why = ""
        for part in _PARTS.split(str(text)):
            folded = fold(part)
            if not folded:
                continue
            candidates = []
            kind, rest = _strip_kind(folded, self._commune_forms)
            if folded in names:  # a name that starts like a kind word ('Quan Lạn') is first a name
                candidates = names[folded]
                kind = None
            elif kind and rest in names:
                candidates = names[rest]
            else:
                upper, _ = _strip_kind(folded, self._upper_forms)
                if upper:
                    continue  # 'huyện Tiên Yên' names the district, not its thị trấn
                # 'thôn 2 xã Tân Dân' written without a comma: the words after the last commune kind word
                m = re.search(rf"\b({'|'.join(map(re.escape, self._commune_forms))})\s+(.+)$", folded)
                if m and m.group(2) in names:
                    kind, candidates = m.group(1), names[m.group(2)]
            if not candidates:
                continue
            if len(candidates) > 1 and kind:
                # 'thị trấn Đầm Hà' and 'xã Đầm Hà' in one district: the kind word written tells them apart
                same_kind = [c for c in candidates if kind in self._forms_of(c.kind)]
                candidates = same_kind or candidates
            if len({c.main for c in candidates}) == 1:
                return candidates[0], ""
            why = "ambiguous"
        return None, why

    def commune_anywhere(self, text: object) -> FormerCommune | None:
        """The former commune an address names with its kind word ("phường Suối Hoa"), in whichever former
        district; None when the name is not a former commune's, or communes of that name and kind went to
        different units."""
        if not isinstance(text, str):
            return None
        for part in _PARTS.split(text):
            kind, rest = _strip_kind(fold(part), self._commune_forms)
            if not kind or not rest:
                continue
            candidates = [
                c for names in self.by_district.values() for c in names.get(rest, []) if kind in self._forms_of(c.kind)
            ]
            if candidates and len({c.main for c in candidates}) == 1:
                return candidates[0]
        return None

    def _forms_of(self, kind_vi: str) -> tuple[str, ...]:
        folded = fold(kind_vi)
        for k in unit_kinds():
            if k.kind == folded:
                return (k.kind, *k.forms)
        return (folded,)

    def place(self, district: object, written: object, register_address: object) -> Placement:
        """Where a row of ``district`` goes (see the module's docstring); the same texts are placed once."""
        district = str(district) if district is not None else ""
        key = (district, written, register_address)
        try:
            return self._placed[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable cell: placed every time
            return self._place(district, written, register_address)
        placed = self._placed[key] = self._place(district, written, register_address)
        return placed

    def _place(self, district: str, written: object, register_address: object) -> Placement:
        if district in self.whole:
            return Placement(self.whole[district], "district")
        commune, why = self.commune_named(district, written)
        how = "address"
        if commune is None:
            commune, why2 = self.commune_named(district, register_address)
            how = "register"
            why = why or why2
        if commune is not None:
            return Placement(commune.main, how, commune)
        return Placement(None, "unplaced", None, why)

    def district_label(self, code: str) -> str:
        u = self.district_units.get(code) or self.units.get(code)
        return f"{unit_label(u)} ({code})" if u else code

    def unit_label(self, code: str) -> str:
        u = self.units.get(code)
        return f"{unit_label(u)} ({code})" if u else code


def place_old_addresses(
    addresses: pd.Series,
    units_in_force: pd.Series,
    period: Period,
    units: list[AdminUnit],
    crosswalk: pd.DataFrame | None,
) -> pd.Series:
    """The current unit of each tax-register address that names a former district (spec §11: "addresses may
    name the new or the former commune and district"): in a period reported by the current units, "xã Sơn
    Dương, thành phố Hạ Long" is the unit the former xã Sơn Dương went to (its ``is_main`` unit), never a unit in
    force that merely shares a name ("xã Hạ Long, huyện Vân Đồn" is not phường Hạ Long). Other addresses keep
    ``units_in_force`` (the unit found among the units in force); so does every address of an earlier period."""
    from kttt_pipeline.core.admin_units import UnitMatcher

    day = reform_day(crosswalk, units)
    out = units_in_force.copy()
    if day is None or period.end < day or addresses.empty:
        return out
    placer = CommunePlacer(crosswalk, units)
    districts = UnitMatcher([u for u in units if kind_tier(u.kind_vi) == "district" and not u.in_force(period.end)])
    for i, address in addresses.items():
        if not isinstance(address, str):
            continue
        district = None
        if districts.units:
            for part in _PARTS.split(address):
                district = districts.find(part, allow_compact=False) or district
        if district is None:
            # a register without its former districts (a province formed by a merger lists only its new units):
            # a former commune named with its kind word, where every commune of that name and kind went to one
            # unit, still says where the address is now; a unit in force found in the address stays as found
            if units_in_force.at[i] is None or pd.isna(units_in_force.at[i]):
                commune = placer.commune_anywhere(address)
                if commune is not None:
                    out.at[i] = commune.main
            continue
        commune, _ = placer.commune_named(district.unit_code, address)
        if commune is not None:
            out.at[i] = commune.main
        elif district.unit_code in placer.whole:  # a former district that went whole to one unit
            out.at[i] = placer.whole[district.unit_code]
    return out


# ------------------------------------------------------------------------------------------ the period


@dataclass
class RestatedPeriod:
    rpt_indicator_restated: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)


def reform_day(crosswalk: pd.DataFrame, units: list[AdminUnit]) -> dt.date | None:
    """The first day of the units the crosswalk maps to (1/7/2025); None without a crosswalk."""
    if crosswalk is None or crosswalk.empty:
        return None
    codes = set(crosswalk["new_code"].astype(str))
    starts = [u.valid_from for u in units if u.unit_code in codes and u.valid_from is not None]
    return min(starts) if starts else None


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
            "value": None if v.get(code) is None else float(v[code]),
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
    targets = [u.unit_code for u in current_units(crosswalk, units)]
    written = _written_addresses(stg_cooperative, stg_group)
    register = _register_addresses(tax_register)
    findings: list[Finding] = []

    coops = cooperatives.copy()
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
            findings.extend(_findings_of(p, placer, period, "HTX", rec.name, key, rec, text, addr, province_code))
    grp = groups.copy()
    group_units = []
    for rec in grp[_ROW_COLUMNS].itertuples(index=False):
        text = written.get((rec.source_file, rec.sheet, _int(rec.row_number)))
        p = placer.place(rec.unit_code, text, None)
        group_units.append(p.new_unit)
        if p.noteworthy:
            findings.extend(_findings_of(p, placer, period, "THT", rec.name, rec.name, rec, text, None, province_code))

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


def _int(v: object) -> int | None:
    try:
        return int(v)  # type: ignore[arg-type]
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
) -> list[Finding]:
    if not p.noteworthy:
        return []
    what = f"{kind} '{name}'"
    district = placer.district_label(str(rec.unit_code))
    loc = dict(source_file=rec.source_file, sheet=rec.sheet, row_number=_int(rec.row_number), rule="11.1")
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
                f"đăng ký thuế ({register}){why}; chỉ tính vào số liệu toàn tỉnh ({province_code})",
                entity_key=key,
                value_reported=text or addr,
                **loc,
            )
        ]
    return []
