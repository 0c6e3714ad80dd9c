"""The demo's world: one seeded population of a province's cooperatives and groups that lives from the province's
first demo quarter to the period asked for, whichever tier reports it.

Its places are the former communes of the province's 2025 crosswalk (each in its former district, and placed by
the crosswalk in one current unit: its ``is_main`` unit when it was split) and, since the reform, the current
units themselves. Every cooperative and group lives at one place for its whole life and keeps its tax code: a
period reported by the former districts lists a district's places, a period reported by the current units lists
a unit's, so the cooperatives of 2025-Q2 are those of 2025-Q3 (less the few dissolved, plus the few registered)
and the restated history of a current unit is its own.

The sizes are drawn per current unit: a size class (``draws.csv``: commune_size) scaled by the unit's weight, the
number of former communes it took whole (a part of a split commune counts a half), relative to the province's
mean, so that a unit of one small commune is never one of the largest. A unit that took no commune whole is
tiny (the restated history, which places a split commune's cooperatives in its main unit, has nothing there).
Each quarter a few cooperatives register, start, are suspended, resume, wind up and dissolve, at the rates of
``draws.csv`` (quarter_rate, per 10 000 a quarter), every change dated within its quarter. A cooperative
dissolved in an earlier year is no longer listed.

Nothing here names a province or a unit: the world is drawn from the province's packaged register and crosswalk;
a province without a crosswalk or without commune-level units has no world (:func:`build_world` returns None)
and its periods are drawn per tier as before (:mod:`.population`). Streams: ``<seed>/<province>/world/…``, one per
purpose, cell and quarter, so a period's world is a prefix of every later period's.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from kttt_pipeline.core.periods import Period, period_of_date, quarters_between
from kttt_pipeline.core.text import strip_diacritics
from kttt_pipeline.demo.entities import (
    FIRST_QUARTER,
    TAX_CODE_PREFIX,
    Coop,
    Group,
    Place,
    Unit,
    make_coop,
    make_group,
    package_units,
    pick,
    rand_date,
    registered_within,
    size_counts,
    valid_tax_code,
)
from kttt_pipeline.demo.words import draw, words


@dataclass(frozen=True)
class Atom:
    """A place of the world: a former commune (in its former district) or a current unit's own name."""

    place: Place  # with its former district's label (``Place.district``) for a former commune
    district: str | None  # the former district's code (None: the unit's own name, or a district not registered)
    cell: str  # the current unit the crosswalk places it in

    def place_in(self, level: str) -> Place:
        """The place as a return of ``level`` names it: a district's return names its own communes bare."""
        if level == "district":
            return Place(self.place.kind, self.place.name)
        return self.place


@dataclass
class Cell:
    unit: Unit  # the current unit
    atoms: list[Atom]  # the former communes its cooperatives live in (weighted by ``weights``)
    weights: list[float]
    own: Atom  # the unit's own name: where a cooperative registered since the reform may say it is
    whole: bool  # it took at least one former commune whole (or as the main unit of a split one)
    weight: float = 0.0
    size: str = "small"
    spares: list[str] = field(default_factory=list)


@dataclass
class World:
    key: str
    first: Period
    reform: dt.date
    cells: dict[str, Cell]
    coops: dict[str, list[Coop]]  # by current unit, in order of registration
    groups: dict[str, list[Group]]
    used_codes: set[str]

    def district_spares(self, district: str) -> list[str]:
        out: list[str] = []
        for cell in self.cells.values():
            if any(a.district == district for a in cell.atoms):
                out.extend(n for n in cell.spares if n not in out)
        return out


class NamePool:
    """Proper names ("An Bình") drawn without repeating within a scope (a former district, a current unit): the
    names of a reporting unit's cooperatives and groups stay distinct once folded, in either tier."""

    def __init__(self, rng: random.Random):
        pool = {
            strip_diacritics(f"{a} {b}").lower(): f"{a} {b}"
            for a in words("name_first")
            for b in words("name_second")
            if a != b
        }
        self.pool = list(pool.values())
        rng.shuffle(self.pool)
        self.next = 0
        self.used: dict[str, set[str]] = {}

    def take(self, scopes: tuple[str | None, ...]) -> str:
        sets = [self.used.setdefault(s, set()) for s in scopes if s is not None]
        n = len(self.pool)
        for i in range(n):
            name = self.pool[(self.next + i) % n]
            if not any(name in s for s in sets):
                self.next = (self.next + i + 1) % n
                break
        else:  # every name used in a scope (an absurdly large unit): numbered
            k = 2
            while any(f"{self.pool[self.next]} {k}" in s for s in sets):
                k += 1
            name = f"{self.pool[self.next]} {k}"
        for s in sets:
            s.add(name)
        return name


def _rates() -> dict[str, float]:
    return {k: w / 10_000 for k, w in draw("quarter_rate")}


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _cells(province: str | None) -> tuple[dict[str, Cell], dt.date] | None:
    """The current units with their places, and the reform day; None without a crosswalk or commune units."""
    from kttt_pipeline.core.admin_units import load_admin_units, load_crosswalk

    units = load_admin_units(None, province)
    commune = [u for u in units if u.level == "commune" and u.valid_from is not None]
    crosswalk = load_crosswalk(None, province)
    if not commune or crosswalk is None or crosswalk.empty:
        return None
    reform = min(u.valid_from for u in commune)
    _, current, _ = package_units(period_of_date(reform), province)
    current = [u for u in current if u.level == "commune"]
    if not current:
        return None
    districts = {u.unit_code: f"{u.kind_vi.lower()} {u.name_vi}" for u in units if u.level == "district"}
    rows: dict[tuple[str, str], list[dict]] = {}
    for r in crosswalk.to_dict("records"):
        rows.setdefault((str(r["old_district_code"]), str(r["old_code"])), []).append(r)
    main: dict[str, list[Atom]] = {u.code: [] for u in current}
    part: dict[str, list[Atom]] = {u.code: [] for u in current}
    for (district, _code), rs in rows.items():
        mains = [str(r["new_code"]) for r in rs if str(r.get("is_main", "")).strip() in ("1", "1.0", "true", "True")]
        to = mains[0] if mains else str(rs[0]["new_code"])
        place = Place(str(rs[0]["old_kind"]).lower(), str(rs[0]["old_name"]), districts.get(district, ""))
        known = district if district in districts else None
        if to in main:
            main[to].append(Atom(place, known, to))
        for r in rs:
            other = str(r["new_code"])
            if other != to and other in part:
                part[other].append(Atom(place, known, other))
    cells = {}
    for u in current:
        atoms = main[u.code] or part[u.code]
        weight = len(main[u.code]) + 0.5 * len(part[u.code])
        own = Atom(Place(u.kind.lower(), u.name, former=False), None, u.code)
        cells[u.code] = Cell(u, atoms, [1.0] * len(atoms), own, bool(main[u.code]), weight)
    return cells, reform


def _sizes(rng: random.Random, cells: dict[str, Cell]) -> None:
    """Each cell's size class: drawn, then one of each of empty, tiny and large (the heaviest unit); tiny for a
    unit that took no commune whole, at most medium for a unit of fewer communes than the mean."""
    codes = list(cells)
    for c in codes:
        cells[c].size = pick(rng, draw("commune_size"))
    if len(codes) >= 3:
        heaviest = max(codes, key=lambda c: (cells[c].weight, c))
        light = sorted((c for c in codes if c != heaviest), key=lambda c: (cells[c].weight, c))
        light = light[: max(2, len(light) // 2)]
        empty, tiny = rng.sample(light, 2)
        cells[heaviest].size, cells[empty].size, cells[tiny].size = "large", "empty", "tiny"
    mean = sum(cells[c].weight for c in codes) / len(codes) if codes else 0.0
    for c in codes:
        if cells[c].size != "empty" and not cells[c].whole:
            cells[c].size = "tiny"
        elif cells[c].size == "large" and cells[c].weight < mean:  # a unit of few communes is not among the largest
            cells[c].size = "medium"


def _counts(rng: random.Random, size: str, scale: float) -> tuple[int, int]:
    n_coops, n_groups = size_counts(rng, size)
    if size in ("small", "medium", "large"):
        n_coops, n_groups = max(3, round(n_coops * scale)), round(n_groups * scale)
    return n_coops, n_groups


def _densest(cells: dict[str, Cell], counts: dict[str, int]) -> dict[str, int]:
    """The cells' cooperatives once no cell is denser than ``draws.csv`` unit_density (per 100) times the province's
    cooperatives per place (a former commune its cooperatives live in) for each of its places: a unit of a few
    communes drawn large (and so a former district of such units) is not several times as dense as the province.
    What a cell has above its bound goes to the cells of the province that have room (neither empty nor tiny, in
    proportion to their places), so the province keeps the total its size classes drew and its rate."""
    factor = dict(draw("unit_density"))["most"] / 100
    places = {code: max(1, len(cell.atoms)) for code, cell in cells.items()}
    rate = sum(counts.values()) / sum(places.values()) if places else 0.0
    bound = {code: max(3, math.floor(factor * rate * places[code])) for code in cells}
    out = {code: min(n, bound[code]) for code, n in counts.items()}
    excess = sum(counts.values()) - sum(out.values())
    takers = [c for c, cell in cells.items() if cell.size not in ("empty", "tiny") and cell.whole and cell.atoms]
    while excess > 0:
        room = {c: bound[c] - out[c] for c in takers if out[c] < bound[c]}
        if not room:
            break
        share, spread = excess, sum(places[c] for c in room)
        for c in room:
            give = min(room[c], excess, math.ceil(share * places[c] / spread))
            out[c] += give
            excess -= give
    return out


def first_world_quarter(province: str | None = None) -> Period:
    """The world's first quarter: :data:`FIRST_QUARTER`, or the first quarter a unit of the province reports."""
    from kttt_pipeline.core.admin_units import load_admin_units, reporting_units

    units = load_admin_units(None, province)
    q = FIRST_QUARTER
    for _ in range(40):
        if reporting_units(units, q):
            return q
        q = q.next()
    return q


def build_world(seed: int, province_code: str, period: Period, province: str | None = None) -> World | None:
    """The world of ``province`` from its first quarter to ``period`` (None: the province has no crosswalk or no
    commune-level units; a period before the first quarter starts its own world)."""
    found = _cells(province)
    if found is None:
        return None
    cells, reform = found
    usual = first_world_quarter(province)
    first = min(usual, period)
    key = f"{seed}/{province_code}/world" + ("" if first == usual else f"/{first.key}")
    _sizes(random.Random(f"{key}/sizes"), cells)
    names = NamePool(random.Random(f"{key}/names"))
    used: set[str] = set()
    mean = sum(c.weight for c in cells.values()) / len(cells)
    coops: dict[str, list[Coop]] = {}
    groups: dict[str, list[Group]] = {}
    drawn: dict[str, tuple[random.Random, int, int]] = {}
    for code, cell in cells.items():
        rng = random.Random(f"{key}/population/{code}")
        scale = min(2.0, max(0.5, cell.weight / mean)) if mean else 1.0
        n_coops, n_groups = _counts(rng, cell.size, scale)
        if not cell.atoms:
            n_coops = n_groups = 0
        drawn[code] = (rng, n_coops, n_groups)
    most = _densest(cells, {code: n for code, (_, n, _) in drawn.items()})
    for code, cell in cells.items():
        rng, n_coops, n_groups = drawn[code]
        n_coops = most[code]
        for _ in range(n_coops):
            atom = rng.choices(cell.atoms, weights=cell.weights)[0]
            c = make_coop(
                rng, cell.unit, names.take((atom.district, code)), valid_tax_code(rng, TAX_CODE_PREFIX, used), first
            )
            c.atom, c.commune = atom, atom.place
            coops.setdefault(code, []).append(c)
        for _ in range(n_groups):
            atom = rng.choices(cell.atoms, weights=cell.weights)[0]
            g = make_group(rng, cell.unit, names.take((atom.district, code)))
            g.atom, g.commune = atom, atom.place
            groups.setdefault(code, []).append(g)
        districts = {a.district for a in cell.atoms} or {None}
        cell.spares = [names.take((*districts, code)) for _ in range(max(10, n_coops // 4))]
    world = World(key, first, reform, cells, coops, groups, used)
    rates = _rates()
    for q in quarters_between(first.next(), period):
        for code, cell in cells.items():
            if cell.size != "empty":
                _evolve(random.Random(f"{key}/evolve/{code}/{q.key}"), world, cell, q, names, rates)
    return world


def _evolve(rng: random.Random, world: World, cell: Cell, q: Period, names: NamePool, rates: dict[str, float]) -> None:
    """One quarter of a cell: each of its cooperatives may change status (dated within ``q``), a few register
    (about ``register`` per listed cooperative, at least a small chance in a unit with few); a few groups end and
    a few form."""
    mine = world.coops.setdefault(cell.unit.code, [])
    for c in mine:
        r = rng.random()
        day = rand_date(rng, q.start, q.end)
        if c.status == "ACTIVE":
            if r < rates["dissolve"]:
                _dissolve(c, day)
            elif r < rates["dissolve"] + rates["suspend"]:
                c.status, c.grade = "SUSPENDED", None
                c.tax_status, c.tax_date, c.declared_revenue, c.tax_incurred = "05", day, 0, 0
        elif c.status == "NOT_STARTED" and r < rates["start"]:
            _activate(rng, c)
        elif c.status == "SUSPENDED":
            if r < rates["resume"]:
                _activate(rng, c)
            elif r < rates["resume"] + rates["wind_up"]:
                c.status = "DISSOLVING"
                c.tax_status, c.tax_date, c.declared_revenue, c.tax_incurred = rng.choice(["03", "06"]), day, 0, 0
        elif c.status == "DISSOLVING" and r < rates["wound_up"]:
            _dissolve(c, day)
    alive = sum(1 for c in mine if c.status != "DISSOLVED")
    since_reform = q.start >= world.reform
    for _ in range(_poisson(rng, max(alive, 3) * rates["register"])):
        atoms = cell.atoms + ([cell.own] if since_reform else [])
        weights = cell.weights + ([float(len(cell.atoms) or 1)] if since_reform else [])
        if not atoms:
            continue
        atom = rng.choices(atoms, weights=weights)[0]
        c = make_coop(
            rng,
            cell.unit,
            names.take((atom.district, cell.unit.code)),
            valid_tax_code(rng, TAX_CODE_PREFIX, world.used_codes),
            q,
        )
        c.atom, c.commune = atom, atom.place
        registered_within(rng, c, q)
        mine.append(c)
    # cooperative groups (no tax code, no dates: a group that ends is no longer listed), none in a tiny unit
    groups = world.groups.setdefault(cell.unit.code, [])
    groups[:] = [g for g in groups if rng.random() >= rates["group_end"]]
    if cell.size == "tiny" or not cell.atoms:
        return
    for _ in range(_poisson(rng, max(len(groups), 3) * rates["group_form"])):
        atom = rng.choice(cell.atoms)
        g = make_group(rng, cell.unit, names.take((atom.district, cell.unit.code)))
        g.atom, g.commune = atom, atom.place
        groups.append(g)


def _dissolve(c: Coop, day: dt.date) -> None:
    c.status, c.grade = "DISSOLVED", None
    c.dissolved_on = c.tax_date = day
    c.tax_status, c.declared_revenue, c.tax_incurred = "01", 0, 0


def _activate(rng: random.Random, c: Coop) -> None:
    """A cooperative starts (or resumes) its business: graded, with a turnover the tax office sees."""
    c.status, c.grade, c.tax_date = "ACTIVE", pick(rng, draw("grade")), None
    if not c.revenue:
        c.revenue = float(round(rng.lognormvariate(6.2, 1.0)))
        c.profit = float(round(c.revenue * rng.uniform(-0.05, 0.3)))
        c.avg_income = float(rng.randint(38, 110))
    c.tax_status = pick(rng, draw("active_tax_status"))
    c.declared_revenue = 0 if rng.random() < 0.08 else int(round(c.revenue * 1e6 * rng.uniform(0.5, 0.9), -3))
    c.tax_incurred = int(round(c.declared_revenue * rng.uniform(0.005, 0.02), -3)) if c.declared_revenue else 0


def listed_in(c: Coop, period: Period) -> bool:
    """Whether a period's returns list the cooperative: registered by its end, and not dissolved in an earlier
    year (a return lists the cooperatives dissolved since 1 January: HTX_DISSOLVED is cumulative)."""
    if c.registered_on > period.end:
        return False
    return not (c.status == "DISSOLVED" and c.dissolved_on is not None and c.dissolved_on < period.year_start)
