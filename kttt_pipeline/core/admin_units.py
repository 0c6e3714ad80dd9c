"""Administrative units and identifying the reporting unit of a workbook (spec §2).

The units come from ``vocab/provinces/<code>/admin_units.csv`` (or ``<raw dir>/admin_units.csv`` when a province
ships its own register, e.g. the communes and special zones in force since 1/7/2025). A workbook names its unit in
its title block ("ỦY BAN NHÂN DÂN THÀNH PHỐ HẠ LONG", "UBND huyện Bình Liêu", "UBND TP Uông Bí",
"UBND H. Ba Chẽ") or in a cell "Mã đơn vị: 193".
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.text import fold
from kttt_pipeline.core.vocabulary import read_vocab_csv


@lru_cache(maxsize=256)
def _kind_alternatives(words: tuple[str, ...]) -> str:
    """A regex alternation of kind words, each refusing to be the tail of a longer kind word: "xa" does not match
    inside "thi xa" ("UBND thị xã Đông Triều" is not a xã Đông Triều)."""
    every = {f for fs in _kind_forms().values() for f in fs}
    alts = []
    for w in words:
        heads = sorted({o[: -len(w)] for o in every if o != w and o.endswith(" " + w)})
        alts.append("".join(f"(?<!{re.escape(h)})" for h in heads) + re.escape(w))
    return "|".join(alts)


_WORD = re.compile(r"\w+")  # the words of a name (UnitMatcher's index)


_UNIT_CODE = re.compile(r"\bma (?:don vi|dv)\s*(?:bao cao)?\s*:?\s*([0-9a-z]+)\b")


@dataclass(frozen=True)
class UnitKind:
    """A kind of unit (``vocab/unit_kinds.csv``): its folded name, tier and the folded forms clerks write."""

    kind: str  # folded kind_vi, e.g. "thanh pho"
    tier: str  # province, district, commune; "council" for the People's Committee words
    tier_vi: str
    forms: tuple[str, ...]
    kind_vi: str = ""  # as written in the register ("Phường")
    kind_order: int = 99  # where the kind's units stand in the by-unit sheet
    group_by_kind: bool = False  # the by-unit sheet groups this tier's units by kind (communes) or not (districts)


@lru_cache(maxsize=1)
def unit_kinds() -> tuple[UnitKind, ...]:
    out = []
    for r in read_vocab_csv("unit_kinds.csv"):
        forms = tuple(dict.fromkeys(f for f in (fold(x) for x in r["forms"].split("|")) if f))
        order = (r.get("kind_order") or "").strip()
        out.append(
            UnitKind(
                fold(r["kind_vi"]),
                r["tier"].strip(),
                (r.get("tier_vi") or "").strip(),
                forms,
                r["kind_vi"].strip(),
                int(order) if order else 99,
                (r.get("group_by_kind") or "").strip() == "1",
            )
        )
    return tuple(out)


def _kind_forms() -> dict[str, tuple[str, ...]]:
    return {k.kind: k.forms for k in unit_kinds() if k.tier != "council"}


def _council_forms() -> tuple[str, ...]:
    return tuple(f for k in unit_kinds() if k.tier == "council" for f in k.forms)


def kind_tier(kind_vi: str | None) -> str | None:
    """The tier (district, commune, province) of a kind of unit ("Phường" → commune)."""
    folded = fold(kind_vi)
    return next((k.tier for k in unit_kinds() if k.kind == folded), None)


def tier_vi(tier: str | None) -> str:
    """Vietnamese name of a tier ("cấp xã")."""
    return next((k.tier_vi for k in unit_kinds() if k.tier == tier and k.tier_vi), tier or "")


def _tier_kinds(tier: str) -> tuple[str, ...]:
    return tuple(k.kind for k in unit_kinds() if k.tier == tier)


def in_force(valid_from: dt.date | None, valid_to: dt.date | None, day: dt.date) -> bool:
    """The one in-force rule (spec §11): a unit is in force on ``day`` from its first day to its last, both
    included; an open end (None) is since before the data / still in force."""
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


def unit_sort_key(code: object) -> tuple[int, int, str]:
    """The one order of unit codes ("code order", spec §7.2): numeric codes by their number (193 < 205 < 06688),
    then any other code as text."""
    text = str(code).strip()
    return (0, int(text), text) if text.isdigit() else (1, 0, text)


def commonest_level(levels) -> str:
    """The tier of a period's units: the commonest ``level`` among them ("district" until 30/6/2025, "commune"
    since), the province and former communes left out; ties go to the first in alphabetical order."""
    counts: dict[str, int] = {}
    for level in levels:
        text = "" if level is None else str(level).strip()
        if text and text not in ("province", FORMER_COMMUNE):
            counts[text] = counts.get(text, 0) + 1
    return min(counts, key=lambda lv: (-counts[lv], lv)) if counts else ""


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
        return in_force(self.valid_from, self.valid_to, day)


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
    code = str(province).strip() if province is not None and str(province).strip() else default_province()
    if code not in packaged_provinces():
        raise ValueError(
            f"no packaged register for province {code!r} (packaged: {', '.join(packaged_provinces())}); "
            f"place admin_units.csv and {CROSSWALK_FILE} in the raw folder"
        )
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


def load_register_rows(raw_dir: Path | None = None, province: str | None = None) -> list[AdminUnit]:
    """Every row of the register as written: a unit whose kind or name changed has one row per validity interval
    with the same ``unit_code`` (docs/decisions.md, "Registers of all provinces")."""
    path = register_path(raw_dir, province)
    with path.open(encoding="utf-8-sig") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return _units_from_rows(df.to_dict("records"))


def load_admin_units(
    raw_dir: Path | None = None, province: str | None = None, day: dt.date | None = None
) -> list[AdminUnit]:
    """The province's units, one per code: ``<raw_dir>/admin_units.csv`` when present, else the packaged register
    of ``province`` (default :func:`default_province`). A unit with several dated rows takes the kind and name of
    the row in force on ``day`` (a period's end; None: its newest row) and spans all its rows (:func:`units_on`)."""
    return units_on(load_register_rows(raw_dir, province), day)


def units_on(rows: list[AdminUnit], day: dt.date | None = None) -> list[AdminUnit]:
    """One unit per code from a register whose codes may repeat (one row per validity interval, which must not
    overlap): the attributes of the row in force on ``day`` (else the last row ended before it, else the first;
    ``day`` None: the newest row), valid from the first row's start to the last row's end. A code that appears
    once is kept as it is. The order is that of each code's first row."""
    by_code: dict[str, list[AdminUnit]] = {}
    for r in rows:
        by_code.setdefault(r.unit_code, []).append(r)
    out = []
    for code, group in by_code.items():
        if len(group) == 1:
            out.append(group[0])
            continue
        group = sorted(group, key=lambda u: u.valid_from or dt.date.min)
        for a, b in zip(group, group[1:]):
            if a.valid_to is None or b.valid_from is None or a.valid_to >= b.valid_from:
                raise ValueError(f"the register's rows of unit {code} overlap: {a.valid_to} ≥ {b.valid_from}")
        if day is None:
            chosen = group[-1]
        else:
            chosen = next(
                (u for u in group if u.in_force(day)),
                next((u for u in reversed(group) if u.valid_to is not None and u.valid_to < day), group[0]),
            )
        out.append(
            AdminUnit(
                unit_code=code,
                level=chosen.level,
                name_vi=chosen.name_vi,
                kind_vi=chosen.kind_vi,
                parent_code=chosen.parent_code,
                valid_from=group[0].valid_from,
                valid_to=group[-1].valid_to,
            )
        )
    return out


def load_crosswalk(raw_dir: Path | None = None, province: str | None = None) -> pd.DataFrame:
    """The 2025 commune crosswalk (spec §11.1): old_code, old_name, old_kind, old_district_code → new_code,
    share (full/partial), is_main. Codes are kept as text (leading zeros)."""
    path = crosswalk_path(raw_dir, province)
    with path.open(encoding="utf-8-sig") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return df.apply(lambda c: c.str.strip())


CROSSWALK_COLUMNS = [
    "old_province_code",
    "old_code",
    "old_name",
    "old_kind",
    "old_district_code",
    "new_code",
    "new_name",
    "new_kind",
    "share",
    "is_main",
]


def load_province_crosswalk(raw_dir: Path | None, province: str | None, units: list[AdminUnit]) -> pd.DataFrame:
    """The crosswalk that belongs to the register ``units``: ``<raw_dir>/commune_crosswalk_2025.csv`` when
    present, else the packaged crosswalk of the register's province (not of ``province`` when a raw register
    overrides it). Only rows that lead to a unit of the register are kept; none (a province without a packaged
    crosswalk, a synthetic register): an empty frame, and history is not restated."""
    del province  # the register decides which province this is
    empty = pd.DataFrame(columns=CROSSWALK_COLUMNS)
    if raw_dir is not None and (Path(raw_dir) / CROSSWALK_FILE).is_file():
        walk = load_crosswalk(raw_dir)
    else:
        code = province_of(units).unit_code
        if code not in packaged_provinces():
            return empty
        walk = load_crosswalk(None, code)
    codes = {u.unit_code for u in units if u.level != "province"}
    walk = walk[walk["new_code"].isin(codes)].reset_index(drop=True)
    return walk if not walk.empty else empty


def province_of(units: list[AdminUnit]) -> AdminUnit:
    provinces = [u for u in units if u.level == "province"]
    if len(provinces) != 1:
        raise ValueError("the admin unit register must hold exactly one province row")
    return provinces[0]


def province_word(units: list[AdminUnit]) -> str:
    """How a sentence names the province's kind: its own kind in the register ``units`` in lower case ("tỉnh",
    "thành phố"), as in force on the day the units were dated at (:func:`load_admin_units`: a period's end);
    the first province kind of ``vocab/unit_kinds.csv`` when the register gives none. The one source of "toàn
    tỉnh" / "toàn thành phố", "của tỉnh" / "của thành phố" in findings and published texts."""
    provinces = [u for u in units if u.level == "province"]
    kind = provinces[0].kind_vi.strip() if len(provinces) == 1 else ""
    return (kind or next((k.kind_vi for k in unit_kinds() if k.tier == "province"), "")).lower()


#: ``level`` of a former commune (from the crosswalk): a unit that existed, never a reporting unit
FORMER_COMMUNE = "former_commune"


def reporting_units(units: list[AdminUnit], period: Period) -> list[AdminUnit]:
    """Units expected to send a return for the period (in force at its end), in code order."""
    out = [u for u in units if u.level not in ("province", FORMER_COMMUNE) and u.in_force(period.end)]
    return sorted(out, key=lambda u: unit_sort_key(u.unit_code))


def former_communes(crosswalk: pd.DataFrame, units: list[AdminUnit]) -> list[AdminUnit]:
    """The communes the crosswalk maps from, as units that ended the day before the units they went to began
    (e.g. xã Hải Lạng 06886 of huyện Tiên Yên, until 30/6/2025). Their codes are reused by new units: a unit is
    (code, period in force), never the code alone."""
    if crosswalk is None or crosswalk.empty:
        return []
    starts = {u.unit_code: u.valid_from for u in units if u.valid_from is not None}
    records = crosswalk.to_dict("records")
    new_codes_of: dict[str, list[str]] = {}  # old code → the codes it went to, in the crosswalk's order
    for x in records:
        new_codes_of.setdefault(str(x.get("old_code")).strip(), []).append(str(x.get("new_code")).strip())
    out: dict[str, AdminUnit] = {}
    for r in records:
        code = str(r.get("old_code") or "").strip()
        if not code or code in out:
            continue
        new_codes = new_codes_of.get(code, [])
        begin = min((starts[c] for c in new_codes if c in starts), default=None)
        out[code] = AdminUnit(
            unit_code=code,
            level=FORMER_COMMUNE,
            name_vi=str(r.get("old_name") or "").strip(),
            kind_vi=str(r.get("old_kind") or "").strip(),
            parent_code=str(r.get("old_district_code") or "").strip() or None,
            valid_from=None,
            valid_to=begin - dt.timedelta(days=1) if begin else None,
        )
    return list(out.values())


def admin_units_frame(units: list[AdminUnit]) -> pd.DataFrame:
    return pd.DataFrame([u.__dict__ for u in units])


def unit_label(unit: AdminUnit) -> str:
    """'Phường Hạ Long' (kind and name, as a title names it)."""
    return f"{unit.kind_vi} {unit.name_vi}".strip()


def _code_key(code: object) -> str:
    """A unit code compared without leading zeros and without a spreadsheet's '.0' (6688, 6688.0 → '6688')."""
    text = str(code).strip().lower()
    if re.fullmatch(r"[0-9]+\.0+", text):
        text = text.split(".")[0]
    return text.lstrip("0") or text


class UnitMatcher:
    """Finds a unit named in free text (title blocks, tax offices, addresses) or by its code.

    ``units`` are the candidates (the register's units and, for titles, the former communes of the crosswalk).
    ``period``: the period being read. Several units may carry one name (a former district and the ward that
    took its name) or one code (a new unit reuses the code of one of the communes merged into it): when the
    text or the code fits several equally well, the one that reports for the period wins (the unit in force
    at its end). A text that names a unit unambiguously by its kind ("UBND thành phố Hạ Long") finds that
    unit even when it is not in force: the caller decides what a unit not in force means.
    """

    def __init__(self, units: list[AdminUnit], period: Period | None = None):
        self.units = [u for u in units if u.level != "province"]
        self.period = period
        register = [u for u in self.units if u.level != FORMER_COMMUNE]
        self.reporting = set(reporting_units(register, period)) if period is not None else set(register)
        self._by_code: dict[str, list[AdminUnit]] = {}
        for u in self.units:
            self._by_code.setdefault(_code_key(u.unit_code), []).append(u)
        kinds = _kind_forms()
        council = _council_forms()
        # looked up by a unit's tier, None when its kind word is of no tier (no family)
        families: dict[str | None, tuple[str, ...]] = {tier: _tier_kinds(tier) for tier in ("district", "commune")}
        # (folded name, pattern, unit, strength) — strength 3: kind- or council-qualified, 2: qualified by another
        # kind of the same tier, 1: bare name. A pattern can only match a text that contains the folded name, which
        # is checked first (a substring test instead of a regex search per unit: a national register has hundreds
        # of units and tens of thousands of addresses).
        # the patterns are compiled when first searched (:meth:`_search`): a text reaches only the few units whose
        # name it contains, and a national register would otherwise compile ten thousand patterns per matcher
        self._patterns: list[tuple[str, str, AdminUnit, int]] = []
        self._compiled: dict[str, re.Pattern[str]] = {}
        self._tier: dict[AdminUnit, str | None] = {}
        for u in self.units:
            name = fold(u.name_vi)
            own = fold(u.kind_vi)
            tier = kind_tier(u.kind_vi)
            self._tier[u] = tier
            forms = kinds.get(own, (own,) if own else ())
            # the other kind words of the same tier: a town that became a city ("UBND thành phố Đông Triều" for
            # the register's thị xã), a clerk's "TP" for a thị xã
            family = tuple(f for kind in families.get(tier, ()) if kind != own for f in kinds.get(kind, (kind,)))
            own_alt = "|".join(
                x
                for x in (_kind_alternatives(tuple(k for k in forms if k)), "|".join(re.escape(c) for c in council))
                if x
            )
            kinds_alt = _kind_alternatives(tuple(k for k in forms if k)) or "x^"
            self._patterns.append((name, rf"(?:^|\b)(?:{own_alt})\s+(?:(?:{kinds_alt})\s+)?{re.escape(name)}\b", u, 3))
            if family:
                fam_alt = _kind_alternatives(family)
                self._patterns.append(
                    (
                        name,
                        rf"(?:^|\b)(?:(?:{'|'.join(map(re.escape, council))})\s+)?(?:{fam_alt})\s+"
                        rf"{re.escape(name)}\b",
                        u,
                        2,
                    )
                )
            self._patterns.append((name, rf"(?:^|\b){re.escape(name)}\b", u, 1))
        # a pattern can match only where its name stands between non-word characters (each pattern puts ^, \b or
        # \s+ before the name and \b after it): the words of a name that starts with a word character are then
        # consecutive whole words of the text, so the patterns are indexed by their name's words
        self._by_words: dict[tuple[str, ...], list[int]] = {}
        self._unindexed: list[int] = []  # names that do not start with a word character: always tried
        for i, (name, _, _, _) in enumerate(self._patterns):
            if _WORD.match(name):
                self._by_words.setdefault(tuple(_WORD.findall(name)), []).append(i)
            else:
                self._unindexed.append(i)
        self._name_lengths = sorted({len(words) for words in self._by_words})
        # names without their spaces, for titles typed with a stray space inside a word ("HẠ LO NG")
        self._compact = {u: fold(u.name_vi).replace(" ", "") for u in self.units}
        self._kind_words = {
            tier: tuple(f for kind in families.get(tier, ()) for f in kinds.get(kind, (kind,))) for tier in families
        }
        self._council = council
        self._found: dict[tuple[str, bool, bool], AdminUnit | None] = {}
        # folded texts that fit several units whose names differ only by diacritics (:meth:`_by_marks`)
        self._tied: dict[tuple[str, bool, bool], list[AdminUnit]] = {}
        self._in_address: dict[str, AdminUnit | None] = {}  # a register repeats its addresses

    # ------------------------------------------------------------------------------------------ codes

    @property
    def by_code(self) -> dict[str, AdminUnit]:
        """Code → the unit of that code that reports for the period (else the only unit of that code)."""
        return {code: u for code in self._by_code if (u := self.unit_of_code(code)) is not None}

    def unit_of_code(self, code: object) -> AdminUnit | None:
        """The unit a code names in the period: '06688', '6688' or 6688.0 alike. A reused code names the unit
        that reports for the period, else the one in force at its end, else the only unit with that code."""
        if code is None:
            return None
        hits = self._by_code.get(_code_key(code), [])
        return self._prefer(hits, by_day=True)

    def code_in_text(self, text: object) -> AdminUnit | None:
        m = _UNIT_CODE.search(fold(text))
        return self.unit_of_code(m.group(1)) if m else None

    def _prefer(self, hits: list[AdminUnit], by_day: bool = False) -> AdminUnit | None:
        distinct = list(dict.fromkeys(hits))
        if len(distinct) == 1:
            return distinct[0]
        reporting = [u for u in distinct if u in self.reporting]
        if len(reporting) == 1:
            return reporting[0]
        if by_day and self.period is not None:
            in_force = [u for u in distinct if u.in_force(self.period.end)]
            if len(in_force) == 1:
                return in_force[0]
        return None

    # ------------------------------------------------------------------------------------------ names

    def find(self, text: object, *, allow_bare: bool = False, allow_compact: bool = True) -> AdminUnit | None:
        """The unit named in ``text``: kind/council-qualified names first; bare names only if allowed."""
        folded = fold(text)
        if not folded:
            return None
        key = (folded, allow_bare, allow_compact)
        if key not in self._found:
            self._found[key] = self._find(folded, allow_bare, allow_compact)
        found = self._found[key]
        if found is None and key in self._tied:
            found = self._by_marks(text, self._tied[key])
        return found

    @staticmethod
    def _marked(value: object) -> str:
        """Lower case with the diacritics kept (NFC, whitespace collapsed)."""
        return " ".join(unicodedata.normalize("NFC", str(value)).lower().split())

    def _by_marks(self, text: object, tied: list[AdminUnit]) -> AdminUnit | None:
        """Units whose names fold alike ("Văn Lang", "Văn Lăng" of one province) told apart by the diacritics the
        text writes: the one whose name is written as such in it."""
        marked = self._marked(text)
        fits = [u for u in tied if re.search(rf"(?<!\w){re.escape(self._marked(u.name_vi))}(?!\w)", marked)]
        return self._prefer(fits, by_day=True) if fits else None

    def _find(self, folded: str, allow_bare: bool, allow_compact: bool) -> AdminUnit | None:
        hits: list[tuple[int, int, AdminUnit]] = []
        for i in self._candidates(folded):
            name, pattern, unit, strength = self._patterns[i]
            if (strength == 1 and not allow_bare) or name not in folded:
                continue
            m = self._search(pattern, folded)
            if m:
                hits.append((strength, len(m.group(0)), unit))
        if not hits:
            return self._find_compact(folded) if allow_compact else None
        hits.sort(key=lambda h: (-h[0], -h[1]))
        best = [h[2] for h in hits if h[:2] == hits[0][:2]]
        found = self._prefer(best, by_day=True)
        if found is None and len({fold(u.name_vi) for u in best}) == 1 and len({u.name_vi for u in best}) > 1:
            self._tied[(folded, allow_bare, allow_compact)] = best
        return found

    def _candidates(self, folded: str) -> list[int]:
        """The patterns (indices, in order) that can match the folded text: those whose name's words are
        consecutive words of the text, and the unindexed ones."""
        candidates = set(self._unindexed)
        words = _WORD.findall(folded)
        for n in self._name_lengths:
            for k in range(len(words) - n + 1):
                candidates.update(self._by_words.get(tuple(words[k : k + n]), ()))
        return sorted(candidates)

    def _search(self, pattern: str, folded: str) -> re.Match[str] | None:
        compiled = self._compiled.get(pattern)
        if compiled is None:
            compiled = self._compiled[pattern] = re.compile(pattern)
        return compiled.search(folded)

    def _find_compact(self, folded: str) -> AdminUnit | None:
        """Last resort for a title that names a unit with a stray space inside a word: "UBND THÀNH PHỐ HẠ LO NG".
        Only a text that names a council or a kind of unit, only units of the tier its kind word names (a
        'thành phố' is never a 'phường'), and only when exactly one unit's name fits."""
        words = f" {folded} "
        if not any(
            f" {k} " in words
            for k in (*self._council, *(f for fs in self._kind_words.values() for f in fs if len(f) > 2))
        ):
            return None
        tiers = {
            tier for tier, forms in self._kind_words.items() if any(f" {k} " in words for k in forms if len(k) > 1)
        }
        compact = folded.replace(" ", "")
        # a name written whole is no stray-space case: its kind word did not fit ("UBND thị xã Đông Triều" is not
        # Phường Đông Triều), so the compact form must not bring it back
        fits = [
            u
            for u in self.units
            if len(self._compact[u]) >= 5
            and self._compact[u] in compact
            and (not tiers or self._tier[u] in tiers)
            and not re.search(rf"\b{re.escape(fold(u.name_vi))}\b", folded)
        ]
        if not fits:
            return None
        longest = max(len(self._compact[u]) for u in fits)
        return self._prefer([u for u in fits if len(self._compact[u]) == longest], by_day=True)

    def names_council(self, text: object) -> bool:
        """The text names a People's Committee ("UBND …", "Ủy ban nhân dân …"): a heading, not an address."""
        words = f" {fold(text)} "
        return any(f" {c} " in words for c in self._council)

    def find_in_address(self, text: object) -> AdminUnit | None:
        """In an address "xã Quảng Tân, huyện Đầm Hà, tỉnh Quảng Ninh" the unit is a qualified part."""
        if isinstance(text, str):
            if text not in self._in_address:
                self._in_address[text] = self._find_in_address(text)
            return self._in_address[text]
        return self._find_in_address(text)

    def _find_in_address(self, text: object) -> AdminUnit | None:
        folded = fold(text)
        if not folded:
            return None
        found = None
        for part in re.split(r",|;| - ", str(text)):
            unit = self.find(part, allow_compact=False)  # addresses and tax offices are typed by the register
            if unit is not None:
                found = unit
        return found
