"""Administrative units and identifying the reporting unit of a workbook (spec §2).

The units come from ``vocab/provinces/<code>/admin_units.csv`` (or ``<raw dir>/admin_units.csv`` when a province ships its
own register, e.g. the communes and special zones in force since 1/7/2025). A workbook names its unit in
its title block ("ỦY BAN NHÂN DÂN THÀNH PHỐ HẠ LONG", "UBND huyện Bình Liêu", "UBND TP Uông Bí",
"UBND H. Ba Chẽ") or in a cell "Mã đơn vị: 193".
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from .periods import Period
from .text import fold
from .vocabulary import read_vocab_csv

# folded unit-kind words and their abbreviations
KIND_PREFIXES: dict[str, tuple[str, ...]] = {
    "thanh pho": ("thanh pho", "tp"),
    "thi xa": ("thi xa", "tx"),
    "huyen": ("huyen", "h"),
    "quan": ("quan", "q"),
    "thi tran": ("thi tran", "tt"),
    "xa": ("xa",),
    "phuong": ("phuong", "p"),
    "dac khu": ("dac khu",),
    "tinh": ("tinh",),
}
_COUNCIL = ("uy ban nhan dan", "ubnd")
# kinds of one administrative tier
_KIND_FAMILIES = (("thanh pho", "thi xa", "huyen", "quan"), ("xa", "phuong", "thi tran", "dac khu"))


def _kind_alternatives(words) -> str:
    """A regex alternation of kind words, each refusing to be the tail of a longer kind word: "xa" does not match
    inside "thi xa" ("UBND thị xã Đông Triều" is not a xã Đông Triều)."""
    every = {p for ps in KIND_PREFIXES.values() for p in ps}
    alts = []
    for w in words:
        heads = sorted({o[: -len(w)] for o in every if o != w and o.endswith(" " + w)})
        alts.append("".join(f"(?<!{re.escape(h)})" for h in heads) + re.escape(w))
    return "|".join(alts)


_UNIT_CODE = re.compile(r"\bma (?:don vi|dv)\s*(?:bao cao)?\s*:?\s*([0-9a-z]+)\b")


@dataclass(frozen=True)
class AdminUnit:
    unit_code: str
    level: str
    name_vi: str
    kind_vi: str
    parent_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None

    def in_force(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _units_from_rows(rows: list[dict[str, str]]) -> list[AdminUnit]:
    return [
        AdminUnit(
            unit_code=str(r["unit_code"]).strip(),
            level=r["level"].strip(),
            name_vi=r["name_vi"].strip(),
            kind_vi=(r.get("kind_vi") or "").strip(),
            parent_code=(r.get("parent_code") or "").strip() or None,
            valid_from=_date((r.get("valid_from") or "").strip() or None),
            valid_to=_date((r.get("valid_to") or "").strip() or None),
        )
        for r in rows
    ]


#: environment variable naming the province whose packaged register and crosswalk are used
PROVINCE_ENV = "KTTT_PROVINCE"
REGISTER_FILE = "admin_units.csv"
CROSSWALK_FILE = "commune_crosswalk_2025.csv"


def _packaged(province: str, name: str):
    return resources.files("kttt_pipeline.vocab").joinpath("provinces").joinpath(province).joinpath(name)


def _province_rows() -> list[dict[str, str]]:
    with _packaged_list().open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _packaged_list():
    return resources.files("kttt_pipeline.vocab").joinpath("provinces").joinpath("provinces.csv")


def packaged_provinces() -> list[str]:
    """Province codes with a packaged register (``vocab/provinces/<code>/admin_units.csv``)."""
    return [r["province_code"].strip() for r in _province_rows()]


def default_province() -> str:
    """The province used when none is given: ``KTTT_PROVINCE``, else the row of ``vocab/provinces/provinces.csv``
    marked ``is_default``."""
    env = os.environ.get(PROVINCE_ENV, "").strip()
    if env:
        return env
    rows = _province_rows()
    marked = [r["province_code"].strip() for r in rows if (r.get("is_default") or "").strip() == "1"]
    if len(marked) != 1:
        raise ValueError("vocab/provinces/provinces.csv must mark exactly one province is_default=1")
    return marked[0]


def resolve_province(province: str | None = None) -> str:
    """The province code asked for (``--province``), else :func:`default_province`; it must be packaged."""
    code = (str(province).strip() if province is not None and str(province).strip() else default_province())
    if code not in packaged_provinces():
        raise ValueError(f"no packaged register for province {code!r} (packaged: {', '.join(packaged_provinces())}); "
                         f"place admin_units.csv and {CROSSWALK_FILE} in the raw folder")
    return code


def register_path(raw_dir: Path | None = None, province: str | None = None):
    """Where the register comes from: ``<raw_dir>/admin_units.csv`` when present, else the packaged one."""
    if raw_dir is not None and (Path(raw_dir) / REGISTER_FILE).is_file():
        return Path(raw_dir) / REGISTER_FILE
    return _packaged(resolve_province(province), REGISTER_FILE)


def crosswalk_path(raw_dir: Path | None = None, province: str | None = None):
    """Where the commune crosswalk comes from: ``<raw_dir>/commune_crosswalk_2025.csv`` when present, else the
    packaged one of the province."""
    if raw_dir is not None and (Path(raw_dir) / CROSSWALK_FILE).is_file():
        return Path(raw_dir) / CROSSWALK_FILE
    return _packaged(resolve_province(province), CROSSWALK_FILE)


def load_admin_units(raw_dir: Path | None = None, province: str | None = None) -> list[AdminUnit]:
    """The province's units: ``<raw_dir>/admin_units.csv`` when present, else the packaged register of
    ``province`` (default :func:`default_province`)."""
    path = register_path(raw_dir, province)
    with path.open(encoding="utf-8-sig") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return _units_from_rows(df.to_dict("records"))


def load_crosswalk(raw_dir: Path | None = None, province: str | None = None) -> pd.DataFrame:
    """The 2025 commune crosswalk (spec §11.1): old_code, old_name, old_kind, old_district_code → new_code,
    share (full/partial), is_main. Codes are kept as text (leading zeros)."""
    path = crosswalk_path(raw_dir, province)
    with path.open(encoding="utf-8-sig") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return df.apply(lambda c: c.str.strip())


def province_of(units: list[AdminUnit]) -> AdminUnit:
    provinces = [u for u in units if u.level == "province"]
    if len(provinces) != 1:
        raise ValueError("the admin unit register must hold exactly one province row")
    return provinces[0]


def reporting_units(units: list[AdminUnit], period: Period) -> list[AdminUnit]:
    """Units expected to send a return for the period (in force at its end), in code order."""
    out = [u for u in units if u.level != "province" and u.in_force(period.end)]
    return sorted(out, key=lambda u: (len(u.unit_code), u.unit_code))


def admin_units_frame(units: list[AdminUnit]) -> pd.DataFrame:
    return pd.DataFrame([u.__dict__ for u in units])


class UnitMatcher:
    """Finds a reporting unit named in free text (title blocks, tax offices, addresses)."""

    def __init__(self, units: list[AdminUnit]):
        self.units = [u for u in units if u.level != "province"]
        self.by_code = {u.unit_code.lower(): u for u in self.units}
        # (folded name, pattern, unit, strength) — strength 2: kind-qualified or council-qualified, 1: bare name.
        # A pattern can only match a text that contains the folded name, which is checked first (a substring test
        # instead of a regex search per unit: a national register has hundreds of units and tens of thousands of
        # addresses).
        self._patterns: list[tuple[str, re.Pattern[str], AdminUnit, int]] = []
        for u in self.units:
            name = fold(u.name_vi)
            own = fold(u.kind_vi)
            kinds = KIND_PREFIXES.get(own, (own,) if u.kind_vi else ())
            # the other kind words of the same tier: a town that became a city ("UBND thành phố Đông Triều" for
            # the register's thị xã), a clerk's "TP" for a thị xã
            family = tuple(k for fam in _KIND_FAMILIES if own in fam for kind in fam if kind != own
                           for k in KIND_PREFIXES.get(kind, (kind,)))
            own_alt = "|".join(x for x in (_kind_alternatives([k for k in kinds if k]),
                                           "|".join(re.escape(c) for c in _COUNCIL)) if x)
            kinds_alt = _kind_alternatives([k for k in kinds if k]) or "x^"
            self._patterns.append((name, re.compile(
                rf"(?:^|\b)(?:{own_alt})\s+(?:(?:{kinds_alt})\s+)?{re.escape(name)}\b"), u, 3))
            if family:
                fam_alt = _kind_alternatives(family)
                self._patterns.append((name, re.compile(
                    rf"(?:^|\b)(?:(?:{'|'.join(_COUNCIL)})\s+)?(?:{fam_alt})\s+{re.escape(name)}\b"), u, 2))
            self._patterns.append((name, re.compile(rf"(?:^|\b){re.escape(name)}\b"), u, 1))
        # names without their spaces, for titles typed with a stray space inside a word ("HẠ LO NG")
        self._compact = {u.unit_code: fold(u.name_vi).replace(" ", "") for u in self.units}
        self._found: dict[tuple[str, bool, bool], AdminUnit | None] = {}

    def by_code_text(self, text: object) -> AdminUnit | None:
        """The unit of a code as written: "06688", or typed as a number that lost its leading zeros (6688, §11)."""
        code = fold(text).replace(" ", "")
        if not code:
            return None
        unit = self.by_code.get(code)
        if unit is None and code.isdigit():
            padded = [u for u in self.units if u.unit_code.isdigit() and len(u.unit_code) > len(code)
                      and u.unit_code.lstrip("0") == code.lstrip("0")]
            unit = padded[0] if len(padded) == 1 else None
        return unit

    def code_in_text(self, text: object) -> AdminUnit | None:
        m = _UNIT_CODE.search(fold(text))
        return self.by_code_text(m.group(1)) if m else None

    def find(self, text: object, *, allow_bare: bool = False, allow_compact: bool = True) -> AdminUnit | None:
        """The unit named in ``text``: kind/council-qualified names first; bare names only if allowed."""
        folded = fold(text)
        if not folded:
            return None
        key = (folded, allow_bare, allow_compact)
        if key not in self._found:
            self._found[key] = self._find(folded, allow_bare, allow_compact)
        return self._found[key]

    def _find(self, folded: str, allow_bare: bool, allow_compact: bool) -> AdminUnit | None:
        hits: list[tuple[int, int, AdminUnit]] = []
        for name, pattern, unit, strength in self._patterns:
            if (strength == 1 and not allow_bare) or name not in folded:
                continue
            m = pattern.search(folded)
            if m:
                hits.append((strength, len(m.group(0)), unit))
        if not hits:
            return self._find_compact(folded) if allow_compact else None
        hits.sort(key=lambda h: (-h[0], -h[1]))
        best = [h for h in hits if h[:2] == hits[0][:2]]
        distinct = {h[2].unit_code for h in best}
        return best[0][2] if len(distinct) == 1 else None

    def _find_compact(self, folded: str) -> AdminUnit | None:
        """Last resort for a title that names a unit with a stray space inside a word: "UBND THÀNH PHỐ HẠ LO NG".
        Only a text that names a council or a kind of unit, and only when exactly one unit's name fits."""
        words = f" {folded} "
        if not any(f" {k} " in words for k in (*_COUNCIL, *(p for ps in KIND_PREFIXES.values() for p in ps if len(p) > 2))):
            return None
        compact = folded.replace(" ", "")
        # a name written whole is no stray-space case: its kind word did not fit ("UBND thị xã Đông Triều" is not
        # Phường Đông Triều), so the compact form must not bring it back
        fits = [u for u in self.units if len(self._compact[u.unit_code]) >= 5 and self._compact[u.unit_code] in compact
                and not re.search(rf"\b{re.escape(fold(u.name_vi))}\b", folded)]
        codes = {u.unit_code for u in fits}
        if len(codes) == 1:
            return fits[0]
        longest = max((len(self._compact[u.unit_code]) for u in fits), default=0)
        best = {u.unit_code: u for u in fits if len(self._compact[u.unit_code]) == longest}
        return next(iter(best.values())) if len(best) == 1 else None

    def find_in_address(self, text: object) -> AdminUnit | None:
        """In an address "xã Quảng Tân, huyện Đầm Hà, tỉnh Quảng Ninh" the unit is a qualified part."""
        folded = fold(text)
        if not folded:
            return None
        found = None
        for part in re.split(r",|;| - ", str(text)):
            unit = self.find(part, allow_compact=False)  # addresses and tax offices are typed by the register
            if unit is not None:
                found = unit
        return found
