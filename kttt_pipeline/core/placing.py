"""Placing what the former era names (a commune or district before the 2025 reform, spec §11) in a unit in force:
the crosswalk's former communes of each former district, and where each went.

Used while reading (a tax-register address of the former era, :func:`place_old_addresses`) and while restating
history (a listing row of a former district, ``reconcile/restate.py``). Nothing here names a province, a district
or a commune: the register and the crosswalk say it all.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from kttt_pipeline.core.admin_units import AdminUnit, UnitMatcher, kind_tier, unit_kinds, unit_label
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.text import fold

_PARTS = re.compile(r",|;|\s-\s|\n")


def _spelt(text: str) -> str:
    """A name as spelt, diacritics kept (NFC, lower case, single spaces): what tells apart names that fold alike."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


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
            if len({c.main for c in candidates}) > 1:
                # 'xã Minh Quán' and 'xã Minh Quân' in one district fold alike: the diacritics written tell them apart
                written = _spelt(part)
                candidates = [c for c in candidates if written.endswith(_spelt(c.name))] or candidates
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


def reform_day(crosswalk: pd.DataFrame, units: list[AdminUnit]) -> dt.date | None:
    """The first day of the units the crosswalk maps to (1/7/2025); None without a crosswalk."""
    if crosswalk is None or crosswalk.empty:
        return None
    codes = set(crosswalk["new_code"].astype(str))
    starts = [u.valid_from for u in units if u.unit_code in codes and u.valid_from is not None]
    return min(starts) if starts else None
