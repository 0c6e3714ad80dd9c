"""The demo world (issue 28): one seeded population per province that lives across quarters and across the
1/7/2025 reform. Built in memory from the packaged registers (nothing is written or read back here; the pipeline's
view of consecutive demo quarters is tests/integration/test_demo_world.py).

Bands (docs/decisions.md, "A demo world across quarters"): across the reform the later quarter lists at least
95% of the earlier quarter's cooperatives by tax code, between any two consecutive quarters at least 95% of those
the earlier counts; a current unit's 2025-Q2 figure restated the pipeline's way is within 30% or 5 cooperatives
(whichever is larger) of its 2025-Q3 figure; no former district lists more than three times the province's
cooperatives per former commune.
"""

from __future__ import annotations

import functools

import pytest

from kttt_pipeline.core.admin_units import load_admin_units, load_crosswalk, packaged_provinces
from kttt_pipeline.core.periods import Period, last_closed_quarter, quarters_between
from kttt_pipeline.demo.oracle import expected_figures
from kttt_pipeline.demo.population import build_population
from kttt_pipeline.demo.world import first_world_quarter
from kttt_pipeline.reconcile.restate import CommunePlacer

SHARED_AT_LEAST = 0.95
BAND_SHARE, BAND_COOPS = 0.30, 5


def _with_districts(province: str) -> bool:
    return any(u.level == "district" for u in load_admin_units(None, province))


def _reform_pair(province: str) -> tuple[str, str]:
    """The last quarter reported by the former districts and the first reported by the current units."""
    units = load_admin_units(None, province)
    start = min(u.valid_from for u in units if u.level == "commune" and u.valid_from)
    after = Period(start.year, (start.month - 1) // 3 + 1)
    before = Period(after.year - 1, 4) if after.quarter == 1 else Period(after.year, after.quarter - 1)
    return before.key, after.key


@functools.cache
def _population(period: str, province: str | None = None):
    """A period of the demo world, built once per test session (the tests only read it)."""
    return build_population(period, province=province)


def _codes(pop) -> set[str]:
    return {c.tax_code for u in pop.codes for c in pop.coops[u]}


def _counted(pop) -> list:
    """The cooperatives the period's HTX_TOTAL counts (as demo/oracle.py counts them)."""
    per = pop.period
    out = []
    for u in pop.codes:
        for c in pop.coops[u]:
            st, dis = c.effective_status, c.effective_dissolved_on
            if c.quarantined or c.registered_on > per.end or (st == "DISSOLVED" and (dis is None or dis <= per.end)):
                continue
            out.append(c)
    return out


PROVINCES_ACROSS_THE_REFORM = [p for p in packaged_provinces() if _with_districts(p)]


@pytest.mark.parametrize("province", PROVINCES_ACROSS_THE_REFORM)
def test_the_reform_keeps_the_cooperatives_by_tax_code(province):
    before, after = (_population(p, province) for p in _reform_pair(province))
    assert not before.commune_level and after.commune_level
    a, b = _codes(before), _codes(after)
    assert len(a & b) >= SHARED_AT_LEAST * len(a), (len(a & b), len(a), len(b))
    # and nothing comes back: a cooperative dissolved before the reform is dissolved after it, on the same day
    was = {c.tax_code: c for u in before.codes for c in before.coops[u]}
    for u in after.codes:
        for c in after.coops[u]:
            old = was.get(c.tax_code)
            if old is not None and old.status == "DISSOLVED":
                assert c.status == "DISSOLVED" and c.dissolved_on == old.dissolved_on


def test_consecutive_quarters_keep_their_cooperatives():
    """Every pair of consecutive quarters from the world's first to the last closed one: the later quarter lists
    95% of the cooperatives the earlier one counts (a cooperative dissolved in an earlier year is no longer listed
    from 1 January), and the world changes: some register, some dissolve."""
    quarters = quarters_between(first_world_quarter(), last_closed_quarter())
    assert len(quarters) >= 8
    pops = [_population(q.key) for q in quarters]
    registered = dissolved = 0
    for prev, cur in zip(pops, pops[1:]):
        a, b = {c.tax_code for c in _counted(prev)}, _codes(cur)
        assert len(a & b) >= SHARED_AT_LEAST * len(a), (cur.period.key, len(a & b), len(a))
        registered += len(b - _codes(prev))
        dissolved += sum(
            1
            for u in cur.codes
            for c in cur.coops[u]
            if c.status == "DISSOLVED" and c.dissolved_on and cur.period.start <= c.dissolved_on <= cur.period.end
        )
    assert registered > 0 and dissolved > 0


@pytest.mark.parametrize("province", PROVINCES_ACROSS_THE_REFORM)
def test_restated_figures_of_the_last_district_quarter_match_the_current_units(province):
    """Each cooperative counted in 2025-Q2 is placed as the pipeline's restatement places it (its former district
    and the commune its address names, through the crosswalk); each current unit's count is then within the band
    of its 2025-Q3 HTX_TOTAL."""
    before_key, after_key = _reform_pair(province)
    before, after = _population(before_key, province), _population(after_key, province)
    placer = CommunePlacer(load_crosswalk(None, province), load_admin_units(None, province))
    restated: dict[str, int] = {}
    for c in _counted(before):
        placed = placer.place(c.unit, f"{c.commune.kind} {c.commune.name}", None)
        assert placed.new_unit is not None, (c.unit, c.commune)
        restated[placed.new_unit] = restated.get(placed.new_unit, 0) + 1
    figures = expected_figures(after)
    out_of_band = {
        u: (restated.get(u, 0), figures[u]["HTX_TOTAL"])
        for u in after.codes
        if abs(restated.get(u, 0) - figures[u]["HTX_TOTAL"]) > max(BAND_COOPS, BAND_SHARE * figures[u]["HTX_TOTAL"])
    }
    assert out_of_band == {}


@pytest.mark.parametrize("province", PROVINCES_ACROSS_THE_REFORM)
def test_district_sizes_follow_their_communes(province):
    """A former district lists about as many cooperatives per former commune as the province: none more than
    three times the province's rate (a small island district is not among the largest)."""
    pop = _population(_reform_pair(province)[0], province)
    crosswalk = load_crosswalk(None, province)
    communes = crosswalk.drop_duplicates(["old_district_code", "old_code"]).groupby("old_district_code").size()
    total = sum(len(pop.coops[u]) for u in pop.codes)
    rate = total / int(communes[[u for u in pop.codes if u in communes.index]].sum())
    heavy = {
        u: (len(pop.coops[u]), int(communes.get(u, 0)))
        for u in pop.codes
        if len(pop.coops[u]) > 3 * rate * max(1, int(communes.get(u, 0)))
    }
    assert heavy == {}


def test_commune_sizes_cover_the_classes_and_stay_with_the_unit():
    """Since the reform the units are of every size (one empty, one tiny, one large at least), the same unit keeps
    its size class from quarter to quarter, and an empty unit lists nothing."""
    a, b = _population("2025-Q3"), _population("2026-Q3")
    assert {"empty", "tiny", "large"} <= set(a.sizes.values())
    assert a.sizes == b.sizes
    for u, size in b.sizes.items():
        if size == "empty":
            assert b.coops[u] == [] and b.groups[u] == []


def test_cumulative_figures_never_fall_within_a_year():
    """HTX_NEW and HTX_DISSOLVED count from 1 January: quarter by quarter within a year the province's figures
    only grow, the planted cases included (a planted dissolution is one the world has)."""
    last = last_closed_quarter()
    for year in (last.year - 1, last.year):
        quarters = [q for q in quarters_between(Period(year, 1), Period(year, 4)) if q <= last]
        figures = []
        for q in quarters:
            pop = _population(q.key)
            figures.append(expected_figures(pop)[pop.province.code])
        for code in ("HTX_NEW", "HTX_DISSOLVED"):
            series = [f[code] for f in figures]
            assert series == sorted(series), (year, code, series)


def test_a_planted_dissolution_is_the_worlds():
    """The tax register's 'dissolved' (01) that overrides a unit's 'active' in a quarter is the world's dissolution
    of that quarter: the next quarter's return reports the cooperative dissolved on the same day."""
    last = last_closed_quarter()
    cur = Period(last.year, 2) if last.quarter >= 2 else Period(last.year - 1, 2)
    before, after = _population(cur.previous().key), _population(cur.key)
    planted = [c for c in before.plants.overrides if c.tax_status == "01"]
    assert planted
    later = {c.tax_code: c for u in after.codes for c in after.coops[u]}
    for c in planted:
        assert later[c.tax_code].status == "DISSOLVED" and later[c.tax_code].dissolved_on == c.tax_date


@pytest.mark.parametrize("province", PROVINCES_ACROSS_THE_REFORM)
def test_demo_periods_reach_a_year_back_and_across_the_reform(province):
    """`make demo`'s quarters for a last quarter P: a year earlier, the one before P and P; when the year-earlier
    quarter is the current units' first, also the former districts' last (the trend crosses the reform)."""
    from kttt_pipeline.demo.history import demo_periods

    before, after = (Period.parse(p) for p in _reform_pair(province))
    later = Period(after.year + 1, after.quarter)
    assert demo_periods(later, province) == [before, after, later.previous(), later]
    # a year later the year-earlier quarter is the current units' too, with no quarter of the former districts
    last = Period(later.year, later.quarter)
    much_later = Period(last.year + 1, last.quarter)
    assert demo_periods(much_later, province) == [last, much_later.previous(), much_later]
    # the current units' first quarter: its year-earlier quarter is the former districts', nothing added
    assert demo_periods(after, province) == [Period(after.year - 1, after.quarter), after.previous(), after]


def test_demo_periods_leave_out_quarters_no_unit_reports():
    """A province whose register starts with the current units has no quarter before them."""
    from kttt_pipeline.demo.history import demo_periods

    provinces = [p for p in packaged_provinces() if not _with_districts(p)]
    if not provinces:
        pytest.skip("every packaged province has former districts")
    first = first_world_quarter(provinces[0])
    last = Period(first.year + 1, first.quarter)
    assert demo_periods(last, provinces[0]) == [first, last.previous(), last]
    assert demo_periods(Period(first.year, 4) if first.quarter < 4 else first, provinces[0])[0] >= first
