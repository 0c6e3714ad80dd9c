"""The demo's synthetic population of one period: reporting units, their cooperatives and groups, and the
deliberate reconciliation cases planted among them. Pure data: nothing here writes a workbook.

Every draw comes from a ``random.Random`` seeded with a string derived from the seed, the province and the
period (``<seed>/<province>/<period>/<purpose>``), one stream per purpose, so the same arguments give the same
population. The cooperatives of a province's own units come from its world (:mod:`.world`): one population that
lives from the province's first demo quarter to the period, across the 1/7/2025 reform, so consecutive quarters,
restated history and year-on-year comparisons are meaningful. Synthetic units (``units`` above the province's)
and fixed sizes (``rows_per_unit``) keep a population per tier: drawn for its units at the first quarter of the
continuity (:func:`first_quarter`, streams ``<seed>/<province>/<level>/<first>/…``) and changed by each quarter
since (a few dissolve, a few register; :func:`_evolve`). The planted cases are drawn afresh for each period. The
distributions and word pools are data (``demo/data/draws.csv``, ``words.csv``); the names and codes of the
province, its units and their communes come from its packaged register and crosswalk
(:mod:`kttt_pipeline.core.admin_units`).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from kttt_pipeline.core.admin_units import commonest_level
from kttt_pipeline.core.periods import Period, period_of_date, quarters_between
from kttt_pipeline.demo.entities import (
    FIRST_QUARTER,
    OVERRIDE_STATUS,
    TAX_ACTIVE,
    TAX_CODE_PREFIX,
    Coop,
    Group,
    Province,
    Unit,
    invalid_variant,
    make_coop,
    make_group,
    package_units,
    pick,
    propers,
    rand_date,
    registered_within,
    size_counts,
    synthetic_units,
    valid_tax_code,
)
from kttt_pipeline.demo.words import draw, keyed, words
from kttt_pipeline.demo.world import build_world, listed_in

# ----------------------------------------------------------------------------------------------- the province


def province_entities(rng: random.Random, n_units: int, used: set[str]) -> tuple[list[tuple], list[tuple]]:
    """The province's cooperative unions (name, code, sector text, member HTX, workers, capital) and people's
    credit funds (name, code, members, workers, managers, total, equity, mobilised, loans)."""
    n_unions = max(3, min(60, n_units // 8)) if n_units > 13 else rng.randint(3, 5)
    n_funds = max(2, min(120, n_units // 5)) if n_units > 13 else rng.randint(2, 4)
    names = propers(rng, n_unions + n_funds)
    unions = []
    for i in range(n_unions):
        agri = rng.random() < 0.6
        act = rng.choice(words("union_activity", "agri" if agri else "other"))
        unions.append(
            (
                f"Liên hiệp hợp tác xã {act} {names[i]}",
                valid_tax_code(rng, TAX_CODE_PREFIX, used),
                "Nông nghiệp" if agri else "Phi nông nghiệp",
                rng.randint(3, 9),
                rng.randint(12, 60),
                float(rng.randint(30, 400) * 100),
            )
        )
    funds = []
    for i in range(n_funds):
        total = rng.randint(40_000, 160_000)
        equity = round(total * rng.uniform(0.07, 0.12))
        mobilised = round(total * rng.uniform(0.8, 0.9))
        funds.append(
            (
                f"Quỹ tín dụng nhân dân {names[n_unions + i]}",
                valid_tax_code(rng, TAX_CODE_PREFIX, used),
                rng.randint(600, 2500),
                rng.randint(6, 14),
                rng.randint(3, 6),
                total,
                equity,
                mobilised,
                round(total * rng.uniform(0.6, 0.75)),
            )
        )
    return unions, funds


# ----------------------------------------------------------------------------------------------- the period


@dataclass
class Plants:
    """The deliberate reconciliation cases, as population changes (the oracle turns them into findings)."""

    resubmit_unit: str = ""  # its first submission is superseded by a resubmission
    duplicate: tuple[Coop, str] | None = None  # (cooperative, the other unit that lists it too)
    invalid_code: Coop | None = None  # written with a wrong check digit
    name_only: Coop | None = None  # no code in the return, a spelling variant in the register
    quarantined: Coop | None = None  # more member workers than workers
    unknown_sector: Coop | None = None
    no_grade: Coop | None = None
    no_tax_record: Coop | None = None
    overrides: list[Coop] = field(default_factory=list)  # tax status overrides an active status
    #: summary-sheet disagreements to plant: (unit, indicator, signed share of the true figure)
    summary_mismatches: list[tuple[str, str, float]] = field(default_factory=list)
    #: how many member HTX the LHHTX total row overstates
    union_total_excess: int = 0


@dataclass
class NotInForceReturn:
    """A workbook titled with a unit of the register not in force for the period (spec §11)."""

    unit: Unit
    coops: list[Coop]
    rng: random.Random  # its stream goes on into the rendering (report date, layout choices)


@dataclass
class Population:
    key: str  # "<seed>/<province>/<period>": the root of every stream's seed
    period: Period
    province: Province
    units: list[Unit]
    synthetic: bool
    commune_level: bool
    sizes: dict[str, str]  # commune periods: unit code -> empty/tiny/small/medium/large
    coops: dict[str, list[Coop]]  # by home unit (tax address)
    groups: dict[str, list[Group]]
    listed: dict[str, list[Coop]]  # what each unit's winning return lists (a duplicate twice)
    spare_propers: dict[str, list[str]]  # proper names left over per unit (for the register's own rows)
    used_codes: set[str]  # every tax code drawn so far (the register's own rows and the province's draw more)
    plants: Plants
    number_code_unit: str | None = None  # the unit whose return types its code as a number ("0NNNN" → NNNN)
    not_in_force: NotInForceReturn | None = None
    base: str = ""  # the root of the persistent streams (cooperatives, unit sizes, the province's entities)
    entity_scale: int = 0  # how many units the province's unions and credit funds are drawn for (0: len(units))
    from_world: bool = False  # drawn from the province's world (demo/world.py)

    @property
    def codes(self) -> list[str]:
        return [u.code for u in self.units]

    def stream(self, purpose: str) -> random.Random:
        return random.Random(f"{self.key}/{purpose}")


def build_population(
    period: str,
    units: int | None = None,
    seed: int = 20240930,
    rows_per_unit: int | None = None,
    province: str | None = None,
) -> Population:
    """The seeded population of a period (arguments as :func:`kttt_pipeline.demo.write_demo_period`)."""
    per = Period.parse(period)
    if units is not None and units < 1:
        raise ValueError("units must be at least 1")
    if rows_per_unit is not None and rows_per_unit < 1:
        raise ValueError("rows_per_unit must be at least 1")
    prov, base_units, gone_units = package_units(per, province)
    synthetic = units is not None and units > len(base_units)
    if synthetic:  # of the tier that reports for the period (the province's units in force then)
        tier = commonest_level(u.level for u in base_units) if base_units else "district"
        unit_list = synthetic_units(units, tier, min((u.since for u in base_units if u.since), default=None))
    else:
        unit_list = base_units[:units] if units is not None else base_units
    if not unit_list:
        raise ValueError(
            f"no reporting unit of province {prov.code} is in force for {per.key} in its packaged "
            "admin_units.csv; pass units=N to generate N synthetic units"
        )
    commune_level = all(u.level == "commune" for u in unit_list)
    key = f"{seed}/{prov.code}/{per.key}"
    if not synthetic and rows_per_unit is None:
        world = build_world(seed, prov.code, per, province)
        if world is not None:
            return _world_population(world, key, per, prov, unit_list, commune_level, gone_units)
    # the units' cooperatives persist from quarter to quarter: drawn once for the units (from the first quarter
    # of the continuity) and changed quarter by quarter since; the returns' layouts are drawn afresh each period
    first = first_quarter(unit_list, per)
    base = f"{seed}/{prov.code}/{unit_list[0].level}/{first.key}"
    used_codes: set[str] = set()
    # commune-level units are of very different sizes (spec §11): some have no cooperative or group at all
    sizes: dict[str, str] = {}
    if commune_level and rows_per_unit is None:
        srng = random.Random(f"{base}/sizes")
        sizes = {u.code: pick(srng, draw("commune_size")) for u in unit_list}
        if len(unit_list) >= 3:  # at least one of each: empty, without groups, large
            a, b, c = srng.sample([u.code for u in unit_list], 3)
            sizes[a], sizes[b], sizes[c] = "empty", "tiny", "large"

    coops: dict[str, list[Coop]] = {}
    groups: dict[str, list[Group]] = {}
    spare: dict[str, list[str]] = {}
    for u in unit_list:
        rng = random.Random(f"{base}/population/{u.code}")
        if u.code in sizes:
            n_coops, n_groups = size_counts(rng, sizes[u.code])
        else:
            n_coops = rows_per_unit if rows_per_unit is not None else rng.randint(30, 150)
            n_groups = max(1, rows_per_unit // 3) if rows_per_unit is not None else rng.randint(10, 30)
        names = propers(rng, n_coops + n_groups + max(10, n_coops // 4))
        prefix = TAX_CODE_PREFIX if not u.synthetic else f"{rng.randint(1, 99):02d}"
        coops[u.code] = [
            make_coop(rng, u, names[i], valid_tax_code(rng, prefix, used_codes), first) for i in range(n_coops)
        ]
        groups[u.code] = [make_group(rng, u, names[n_coops + i]) for i in range(n_groups)]
        spare[u.code] = names[n_coops + n_groups :]
        if rows_per_unit is None and sizes.get(u.code) != "empty":  # a given size stays exact; empty stays empty
            for q in quarters_between(first.next(), per):
                _evolve(
                    random.Random(f"{base}/evolve/{u.code}/{q.key}"),
                    u,
                    q,
                    coops[u.code],
                    spare[u.code],
                    prefix,
                    used_codes,
                )

    pop = Population(
        key,
        per,
        prov,
        unit_list,
        synthetic,
        commune_level,
        sizes,
        coops,
        groups,
        {},
        spare,
        used_codes,
        Plants(),
        base=base,
    )
    _plant(pop)
    if commune_level:  # one return gives its code as a number, leading zero lost (§11)
        zeros = [u.code for u in unit_list if u.code.startswith("0")]
        pop.number_code_unit = pop.stream("number-code").choice(zeros) if zeros else None
    if commune_level and gone_units and not synthetic:
        pop.not_in_force = _not_in_force(pop, gone_units)
    return pop


def _world_population(world, key, per, prov, unit_list, commune_level, gone_units) -> Population:
    """A period of the province's world (:mod:`.world`): each reporting unit lists the cooperatives and groups
    whose place it covers (a former district its former communes, a current unit the places the crosswalk puts in
    it), as of the period."""
    level = "commune" if commune_level else "district"
    coops: dict[str, list[Coop]] = {u.code: [] for u in unit_list}
    groups: dict[str, list[Group]] = {u.code: [] for u in unit_list}
    spare: dict[str, list[str]] = {}
    for cell_code, cell in world.cells.items():
        for c in world.coops.get(cell_code, []):
            home = cell_code if commune_level else c.atom.district
            if home in coops and listed_in(c, per):
                c.unit, c.commune = home, c.atom.place_in(level)
                coops[home].append(c)
        for g in world.groups.get(cell_code, []):
            home = cell_code if commune_level else g.atom.district
            if home in groups:
                g.unit, g.commune = home, g.atom.place_in(level)
                groups[home].append(g)
    for u in unit_list:
        cell = world.cells.get(u.code)
        spare[u.code] = list(cell.spares) if commune_level and cell else world.district_spares(u.code)
        spare[u.code] = spare[u.code] or propers(random.Random(f"{key}/spares/{u.code}"), 10)
    sizes = {u.code: world.cells[u.code].size for u in unit_list if u.code in world.cells} if commune_level else {}
    pop = Population(
        key,
        per,
        prov,
        unit_list,
        False,
        commune_level,
        sizes,
        coops,
        groups,
        {},
        spare,
        set(world.used_codes),
        Plants(),
        base=world.key,
        entity_scale=len(world.cells),
        from_world=True,
    )
    _plant(pop)
    if commune_level:  # one return gives its code as a number, leading zero lost (§11)
        zeros = [u.code for u in unit_list if u.code.startswith("0")]
        pop.number_code_unit = pop.stream("number-code").choice(zeros) if zeros else None
    if commune_level and gone_units:
        pop.not_in_force = _not_in_force(pop, gone_units)
    return pop


def first_quarter(units: list[Unit], period: Period) -> Period:
    """The quarter a period's cooperatives descend from: :data:`FIRST_QUARTER`, or the first quarter all its units
    are in force when later, never after the period itself."""
    since = max((u.since for u in units if u.since is not None), default=None)
    first = max(FIRST_QUARTER, period_of_date(since)) if since else FIRST_QUARTER
    return min(first, period)


def _evolve(
    rng: random.Random, unit: Unit, q: Period, coops: list[Coop], spare: list[str], prefix: str, used: set[str]
) -> None:
    """One quarter of a unit's cooperatives: a few active ones dissolve, a few register (named from ``spare``,
    which they consume). Registered and dissolved within ``q``, so every period's figures follow from its dates."""
    active = [c for c in coops if c.status == "ACTIVE"]
    for c in rng.sample(active, min(len(active), int(pick(rng, draw("quarter_dissolutions"))))):
        c.status, c.grade = "DISSOLVED", None
        c.dissolved_on = c.tax_date = rand_date(rng, q.start, q.end)
        c.tax_status, c.declared_revenue, c.tax_incurred = "01", 0, 0
    for _ in range(min(len(spare), int(pick(rng, draw("quarter_registrations"))))):
        c = make_coop(rng, unit, spare.pop(0), valid_tax_code(rng, prefix, used), q)
        registered_within(rng, c, q)
        coops.append(c)


def _plant(pop: Population) -> None:
    """Choose the cooperatives of the deliberate cases and change them accordingly (the "plants" stream)."""
    per, codes = pop.period, pop.codes
    prng = pop.stream("plants")
    plants = pop.plants

    def candidate(unit_code: str | None = None) -> Coop | None:
        pool = [
            c
            for c in (pop.coops[unit_code] if unit_code else [c for u in codes for c in pop.coops[u]])
            if not c.planted
            and c.status == "ACTIVE"
            and c.tax_status in TAX_ACTIVE
            and (c.declared_revenue or 0) > 0
            and c.registered_on < per.year_start
            and c.grade not in (None, "WEAK")
        ]
        if not pool:
            return None
        c = prng.choice(pool)
        c.planted = True
        return c

    # the planted cases need units with something to list (a commune may have nothing)
    busy = [u for u in codes if len(pop.coops[u]) >= 3 and pop.groups[u]] or codes

    def unit_pick() -> str:
        return prng.choice(busy)

    plants.resubmit_unit = unit_pick()
    dup_pair = prng.sample(busy, 2) if len(busy) >= 2 else None
    if dup_pair:
        c = candidate(dup_pair[0])
        if c:
            plants.duplicate = (c, dup_pair[1])
    invalid = plants.invalid_code = candidate(unit_pick())
    if invalid:
        invalid.written_code = invalid_variant(invalid.tax_code)
    nomatch = plants.name_only = candidate(unit_pick())
    if nomatch:
        act = prng.choice(keyed("sector_activity")[nomatch.sector])
        nomatch.name = f"HTX {act} {words('name_match', 'written')[0]}"
        nomatch.register_name = f"Hợp tác xã {act} {words('name_match', 'register')[0]}".upper()
        nomatch.written_code = None
    quarantined = plants.quarantined = candidate(unit_pick())
    if quarantined:
        quarantined.workers = max(3, quarantined.workers // 2)
        quarantined.member_workers = quarantined.workers + prng.randint(2, 9)
        quarantined.members = max(quarantined.members, quarantined.member_workers)
        quarantined.quarantined = True
    unknown = plants.unknown_sector = candidate(unit_pick())
    if unknown:
        unknown.sector, unknown.sector_text = "OTHER", words("unknown_sector")[0]
    no_grade = plants.no_grade = candidate(unit_pick())
    if no_grade:
        no_grade.grade = None
    no_tax = plants.no_tax_record = candidate(unit_pick())
    if no_tax:
        no_tax.tax_status = None
        no_tax.declared_revenue = no_tax.tax_incurred = None

    def changed_this_quarter(code: str) -> Coop | None:
        """A cooperative the world moved to the tax status's meaning within the period, which its unit's return
        still reports active (the unit has not heard yet): the override agrees with the quarters around it."""
        status = OVERRIDE_STATUS[code]
        pool = [
            c
            for u in codes
            for c in pop.coops[u]
            if not c.planted
            and c.status == status
            and c.tax_date is not None
            and per.start <= c.tax_date <= per.end
            and c.registered_on < per.year_start
        ]
        return prng.choice(pool) if pool else None

    for code in ("03", "05", "06", "07", "01"):
        if pop.from_world:
            c = changed_this_quarter(code)
            if c is not None:
                c.planted, c.status, c.tax_status = True, "ACTIVE", code
                c.grade = c.grade or pick(prng, [(g, w) for g, w in draw("grade") if g != "WEAK"])
                plants.overrides.append(c)
                continue
            if code == "01":
                continue  # never a dissolution the world does not have (HTX_DISSOLVED is cumulative from 1 January)
        c = candidate(unit_pick())
        if c is None:
            continue
        c.tax_status = code
        if code == "01":
            c.tax_date = rand_date(prng, per.start, per.end)
            c.declared_revenue = c.tax_incurred = 0
        else:
            c.tax_date = rand_date(prng, per.year_start - dt.timedelta(days=400), per.end)
            if code != "05":
                c.declared_revenue = c.tax_incurred = 0
        plants.overrides.append(c)

    # HTX_NEW is cumulative from 1 January (§11): since the reform a commune's return lists cooperatives registered
    # earlier in the year (with a district office, before 1/7/2025) among its new ones
    # (the world has them: a cooperative keeps its registration date across the reform)
    if pop.commune_level and per.quarter > 1 and not pop.from_world:
        pool = [c for u in busy for c in pop.coops[u] if not c.planted and c.status == "ACTIVE"]
        if pool:
            early = prng.choice(pool)
            early.registered_on = rand_date(prng, per.year_start, per.start - dt.timedelta(days=1))

    # what each unit's winning return lists: its own cooperatives, and the duplicate once more at the other unit
    pop.listed = {u: list(cs) for u, cs in pop.coops.items()}
    if plants.duplicate:
        c, other = plants.duplicate
        pos = prng.randint(0, len(pop.listed[other]))
        pop.listed[other].insert(pos, c)

    # deliberate summary disagreements (sized by the oracle from the true figure)
    shares = (("HTX_MANAGERS", -prng.uniform(0.03, 0.1)), ("THT_MEMBERS", prng.uniform(0.1, 0.5)))
    plants.summary_mismatches = [(unit_pick(), code, share) for code, share in shares]
    plants.union_total_excess = pop.stream("province-render").randint(3, 9)


def _not_in_force(pop: Population, gone_units: list[Unit]) -> NotInForceReturn:
    """The workbook of a unit not in force: preferably one whose name a unit in force also carries (a former
    district "huyện X" in a commune period where "xã X" is in force is not that commune)."""
    from kttt_pipeline.core.text import fold

    nrng = pop.stream("not-in-force")
    names_in_force = {fold(u.name) for u in pop.units}
    same_name = [g for g in gone_units if fold(g.name) in names_in_force]
    gone = nrng.choice(same_name or gone_units)
    coops = [
        make_coop(nrng, gone, p, valid_tax_code(nrng, TAX_CODE_PREFIX, pop.used_codes), pop.period)
        for p in propers(nrng, 4)
    ]
    return NotInForceReturn(gone, coops, nrng)


def target_figures(rng: random.Random, province: dict[str, float]) -> list[tuple[str, int]]:
    """The year's targets the province set, a little above the figures it reaches (indicator, target)."""
    return [
        ("HTX_TOTAL", round(province["HTX_TOTAL"] * rng.uniform(1.02, 1.10))),
        ("HTX_NEW", max(1, round(province["HTX_NEW"] * rng.uniform(1.1, 1.4)))),
        ("THT_TOTAL", round(province["THT_TOTAL"] * rng.uniform(1.02, 1.15))),
    ]
