"""The things a demo population is made of: the province, its reporting units and the places their addresses
name, the cooperatives and groups they list, and the seeded draws that make them. Pure data, shared by the
population of a period (:mod:`.population`) and the province's world (:mod:`.world`); nothing here chooses which
cooperatives a period lists.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from stdnum.vn import mst as _mst

from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.text import strip_diacritics
from kttt_pipeline.core.vocabulary import tax_status_codes
from kttt_pipeline.demo.words import draw, keyed, words

#: tax status codes whose taxpayer is active; the others override a unit's "Đang hoạt động" (spec §7.4)
TAX_ACTIVE = frozenset(c for c, r in tax_status_codes().items() if r["maps_to"] == "active")
OVERRIDE_STATUS = {c: r["maps_to"].upper() for c, r in tax_status_codes().items() if r["maps_to"] != "active"}
#: the first digits of the codes the province's tax office issues to the demo's cooperatives (synthetic units
#: draw theirs at random)
TAX_CODE_PREFIX = words("tax_code_prefix")[0]
#: the first quarter of the demo's continuity: a period's cooperatives are those of this quarter (or of the first
#: quarter its units are all in force, when later), changed by a few dissolutions and registrations a quarter
FIRST_QUARTER = Period(2023, 1)


# ----------------------------------------------------------------------------------------------- helpers


def pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def rand_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    if hi <= lo:
        return lo
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def valid_tax_code(rng: random.Random, prefix: str, used: set[str]) -> str:
    """A new ten-digit code with a valid check digit, not in ``used`` (added to it)."""
    while True:
        first9 = prefix + "".join(str(rng.randint(0, 9)) for _ in range(9 - len(prefix)))
        check = _mst.calc_check_digit(first9)
        if len(check) != 1:
            continue  # Σ ≡ 0 (mod 11): no valid tenth digit
        code = first9 + check
        if code not in used:
            used.add(code)
            return code


def invalid_variant(code: str) -> str:
    """The same code with a wrong check digit."""
    return code[:9] + str((int(code[9]) + 3) % 10)


def person(rng: random.Random) -> str:
    return f"{rng.choice(words('family'))} {rng.choice(words('middle'))} {rng.choice(words('given'))}"


def propers(rng: random.Random, n: int) -> list[str]:
    """n distinct proper names ("An Bình"), distinct once folded ("Thanh Trung" and "Thành Trung" read as one
    name to the pipeline, as to a clerk)."""
    pool = list(
        {
            strip_diacritics(f"{a} {b}").lower(): f"{a} {b}"
            for a in words("name_first")
            for b in words("name_second")
            if a != b
        }.values()
    )
    if n <= len(pool):
        return rng.sample(pool, n)
    return [f"{rng.choice(pool)} {i}" for i in range(n)]  # only for absurdly large units


# ----------------------------------------------------------------------------------------------- units


@dataclass(frozen=True)
class Province:
    code: str
    name: str  # from the register's province row
    kind: str = "Tỉnh"  # the province row's kind in force at the period end ("Tỉnh", "Thành phố")

    @property
    def words(self) -> dict[str, str]:
        """The placeholders of the layout's texts that name the province ("tỉnh Quảng Ninh", "THÀNH PHỐ HÀ NỘI")."""
        return {
            "province": self.name,
            "province_upper": self.name.upper(),
            "province_kind": self.kind.lower(),
            "province_kind_upper": self.kind.upper(),
        }


@dataclass(frozen=True)
class Place:
    """A commune an address may name: a former commune of the crosswalk (with its former district, when the
    register knows it) or, since the reform, the reporting unit itself."""

    kind: str  # lower case: "xã", "phường", "thị trấn", "đặc khu"
    name: str
    district: str = ""  # "huyện <name>" for a former commune, "" for the unit in force
    former: bool = True


@dataclass(frozen=True)
class Unit:
    code: str
    name: str  # the register's name_vi, without its kind word
    kind: str  # "Thành phố", "Phường", "Xã", "Đặc khu"
    synthetic: bool
    level: str = "district"  # or "commune" (spec §11)
    places: tuple[Place, ...] = ()
    tax_office: int = 0  # "Thuế cơ sở N" since the reform
    since: dt.date | None = None  # in force from (the register's valid_from)

    @property
    def commune_kind(self) -> str:
        if self.level == "commune":
            return self.kind.lower()
        return "xã" if self.kind == "Huyện" else "phường"

    @property
    def full_name(self) -> str:
        return f"{self.kind.lower()} {self.name}"

    def place_pool(self) -> list[Place]:
        return list(self.places) or [Place(self.commune_kind, n) for n in words("generic_commune")]


def _register(province: str | None, day: dt.date | None = None) -> tuple[Province, list, object]:
    """The packaged register and crosswalk of the province (never the raw folder's: the demo writes that), its
    units as they are on ``day`` (kind and name of a unit that changed them)."""
    from kttt_pipeline.core.admin_units import (
        load_admin_units,
        load_crosswalk,
        province_of,
    )

    units = load_admin_units(None, province, day)
    prov = province_of(units)
    return Province(prov.unit_code, prov.name_vi, prov.kind_vi or "Tỉnh"), units, load_crosswalk(None, province)


def package_units(period: Period, province: str | None = None) -> tuple[Province, list[Unit], list[Unit]]:
    """The province, its units in force at the period end (code order) with the places their addresses name, and
    the units of the register that are not in force then (for the workbook of a unit not in force)."""
    from kttt_pipeline.core.admin_units import reporting_units

    prov, units, crosswalk = _register(province, period.end)
    in_force = reporting_units(units, period)
    district_label = {u.unit_code: f"{u.kind_vi.lower()} {u.name_vi}" for u in units if u.level == "district"}
    rows = crosswalk.to_dict("records") if len(crosswalk) else []
    out = []
    for i, u in enumerate(in_force):
        if u.level == "commune":
            seen: dict[tuple[str, str], Place] = {}
            for r in rows:
                if r["new_code"] == u.unit_code and (r.get("share") != "partial" or r.get("is_main") == "1"):
                    seen.setdefault(
                        (r["old_kind"], r["old_name"]),
                        Place(r["old_kind"].lower(), r["old_name"], district_label.get(r["old_district_code"], "")),
                    )
            own = Place(u.kind_vi.lower(), u.name_vi, former=False)
            places = tuple(seen.values()) + (own,) * max(1, len(seen) // 2)
        else:
            seen = {}
            for r in rows:
                if r["old_district_code"] == u.unit_code:
                    seen.setdefault((r["old_kind"], r["old_name"]), Place(r["old_kind"].lower(), r["old_name"]))
            places = tuple(seen.values())
        out.append(Unit(u.unit_code, u.name_vi, u.kind_vi, False, u.level, places, 1 + i // 6, u.valid_from))
    gone = [
        Unit(u.unit_code, u.name_vi, u.kind_vi, False, u.level)
        for u in units
        if u.level != "province" and not u.in_force(period.end)
    ]
    return prov, out, gone


def synthetic_units(n: int, level: str = "district", since: dt.date | None = None) -> list[Unit]:
    """N synthetic units of a tier: districts ("Huyện Demo 1"…), or commune-level units ("Xã Demo 1"…, in force
    ``since``, six to a grassroots tax office) for a period after the reform."""
    kind = words("synthetic_unit_kind", level)[0]
    if level == "commune":
        return [
            Unit(str(1000 + i), f"Demo {i + 1}", kind, True, "commune", tax_office=1 + i // 6, since=since)
            for i in range(n)
        ]
    return [Unit(str(1000 + i), f"Demo {i + 1}", kind, True) for i in range(n)]


# ----------------------------------------------------------------------------------------------- entities


@dataclass
class Coop:
    # the figures are named as the cooperative fields of vocab/fields.csv (the listing writes getattr(coop, field))
    unit: str
    name: str  # as written in the return
    register_name: str  # as the tax register spells it
    tax_code: str  # the true, valid code
    written_code: str | None  # as written in the return
    registered_on: dt.date
    dissolved_on: dt.date | None
    commune: Place
    sector: str
    sector_text: str
    status: str
    grade: str | None
    members: int
    workers: int
    member_workers: int
    managers: int
    managers_primary_secondary: int
    managers_college_plus: int
    charter_capital: float  # triệu đồng
    revenue: float
    profit: float
    avg_income: float  # triệu đồng/người/năm
    ocop_products: int | None
    hightech: bool
    value_chain: bool
    tax_status: str | None = "00"  # None: not in the tax register
    tax_date: dt.date | None = None
    declared_revenue: int | None = 0  # đồng
    tax_incurred: int | None = 0
    quarantined: bool = False
    planted: bool = False
    atom: object = field(default=None, compare=False, repr=False)  # its place in the world (demo/world.py)

    @property
    def effective_status(self) -> str:
        if self.status == "ACTIVE" and self.tax_status in OVERRIDE_STATUS:
            return OVERRIDE_STATUS[self.tax_status]
        return self.status

    @property
    def effective_dissolved_on(self) -> dt.date | None:
        if self.status == "ACTIVE" and self.tax_status == "01":
            return self.tax_date
        return self.dissolved_on


@dataclass
class Group:
    # the figures are named as the group fields of vocab/fields.csv
    unit: str
    name: str
    representative: str
    commune: Place
    sector: str
    sector_text: str
    members: int
    revenue: float  # triệu đồng/năm
    avg_income_month: float  # triệu đồng/người/tháng
    atom: object = field(default=None, compare=False, repr=False)  # its place in the world (demo/world.py)


def _coop_name(rng: random.Random, sector: str, proper: str) -> tuple[str, str]:
    """(name as the unit writes it, name as the tax register writes it)."""
    act = rng.choice(keyed("sector_activity")[sector])
    long = f"Hợp tác xã {act} {proper}"
    written = rng.choice([f"HTX {act} {proper}", f"HTX {act} {proper}", long])
    register = long.upper() if rng.random() < 0.6 else long
    return written, register


def make_coop(rng: random.Random, unit: Unit, proper: str, code: str, period: Period) -> Coop:
    sector = pick(rng, draw("sector"))
    status = pick(rng, draw("status"))
    year_start, end = period.year_start, period.end
    if status in ("ACTIVE", "NOT_STARTED") and rng.random() < (0.07 if status == "ACTIVE" else 0.5):
        registered = rand_date(rng, year_start, end)
    else:
        # more recent registrations are more frequent (re-registration under the 2012 and 2023 laws)
        lo = dt.date(1997, 1, 1)
        span = (year_start - lo).days - 1
        registered = lo + dt.timedelta(days=int(span * rng.triangular(0, 1, 0.85)))
    dissolved = rand_date(rng, year_start, end) if status == "DISSOLVED" else None
    grade = pick(rng, draw("grade")) if status == "ACTIVE" else None
    members = max(7, min(900, int(rng.lognormvariate(3.6, 0.8))))
    workers = max(3, int(members * rng.uniform(0.4, 1.5)))
    member_workers = min(workers, members, max(1, int(workers * rng.uniform(0.45, 1.0))))
    managers = rng.randint(3, 9)
    ps = rng.randint(0, managers)
    cp = rng.randint(0, managers - ps)
    capital = round(rng.lognormvariate(6.8, 0.9), 1 if rng.random() < 0.3 else 0)
    if status == "NOT_STARTED":
        workers = min(workers, rng.randint(3, 8))
        member_workers = min(member_workers, workers)
        revenue = profit = 0.0
        avg_income = 0.0
    else:
        revenue = round(rng.lognormvariate(6.2, 1.0), 1 if rng.random() < 0.3 else 0)
        if status != "ACTIVE":
            revenue = round(revenue * rng.uniform(0, 0.3))
        profit = round(revenue * rng.uniform(-0.05, 0.3), 1 if rng.random() < 0.3 else 0)
        avg_income = float(rng.randint(38, 110))
    ocop = (
        (rng.randint(1, 4) if rng.random() < 0.12 else (0 if rng.random() < 0.3 else None))
        if sector == "AGRI"
        else None
    )
    communes = unit.place_pool()
    written, register = _coop_name(rng, sector, proper)
    c = Coop(
        unit.code,
        written,
        register,
        code,
        code,
        registered,
        dissolved,
        rng.choice(communes),
        sector,
        rng.choice(keyed("sector_text")[sector]),
        status,
        grade,
        members,
        workers,
        member_workers,
        managers,
        ps,
        cp,
        capital,
        revenue,
        profit,
        avg_income,
        ocop,
        rng.random() < 0.05,
        rng.random() < 0.15,
    )
    # the tax register's view
    if status == "ACTIVE":
        c.tax_status = pick(rng, draw("active_tax_status"))
        c.declared_revenue = 0 if rng.random() < 0.08 else int(round(revenue * 1e6 * rng.uniform(0.5, 0.9), -3))
    elif status == "SUSPENDED":
        c.tax_status, c.tax_date = "05", rand_date(rng, year_start - dt.timedelta(days=700), end)
    elif status == "NOT_STARTED":
        c.tax_status, c.declared_revenue = "00", 0
    elif status == "DISSOLVING":
        c.tax_status = rng.choice(["03", "06"])
        c.tax_date = rand_date(rng, year_start - dt.timedelta(days=900), end)
    else:
        c.tax_status, c.tax_date, c.declared_revenue = "01", dissolved, 0
    if c.declared_revenue:
        c.tax_incurred = int(round(c.declared_revenue * rng.uniform(0.005, 0.02), -3))
    if c.tax_status in ("01",) and rng.random() < 0.5:
        c.declared_revenue = c.tax_incurred = None
    return c


def registered_within(rng: random.Random, c: Coop, q: Period) -> None:
    """A cooperative made for quarter ``q`` registers within it: dated in the quarter, and not yet stopped (a new
    cooperative is active or not started)."""
    c.registered_on = rand_date(rng, q.start, q.end)
    if c.status not in ("ACTIVE", "NOT_STARTED"):
        c.status, c.grade, c.dissolved_on, c.tax_date = "NOT_STARTED", None, None, None
        c.tax_status, c.declared_revenue, c.tax_incurred = "00", 0, 0
        c.revenue = c.profit = c.avg_income = 0.0


def make_group(rng: random.Random, unit: Unit, proper: str) -> Group:
    sector = pick(rng, draw("group_sector"))
    act = rng.choice(keyed("group_activity")[sector])
    name = rng.choice([f"Tổ hợp tác {act} {proper}", f"THT {act} {proper}"])
    communes = unit.place_pool()
    return Group(
        unit.code,
        name,
        person(rng),
        rng.choice(communes),
        sector,
        rng.choice(keyed("group_sector_text")[sector]),
        rng.randint(5, 15),
        float(rng.randint(40, 650)),
        round(rng.uniform(1.8, 6.5), 1),
    )


def size_counts(rng: random.Random, size: str) -> tuple[int, int]:
    """(cooperatives, groups) of a commune-level unit of a size class. Every class's counts are drawn, whatever
    the size (the stream's draws, and so a seed's output, do not depend on it)."""
    counts = {
        "empty": (0, 0),
        "tiny": (rng.randint(1, 2), 0),
        "small": (rng.randint(3, 12), rng.randint(0, 4)),
        "medium": (rng.randint(13, 30), rng.randint(2, 8)),
        "large": (rng.randint(40, 80), rng.randint(6, 15)),
    }
    return counts[size]
