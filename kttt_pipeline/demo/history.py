"""The periods `make demo` writes and loads (``kttt demo-periods``): enough quarters of the demo world for the
published documents to compare.

For a last period P: the same quarter a year earlier, the quarter before P, and P; when the year-earlier quarter
is the first one reported by the current units (or P's tier otherwise starts within the year), also the last
quarter reported by the former tier, so the trend chart and the restated history cross the reform. A quarter in
which none of the province's units reports is left out.
"""

from __future__ import annotations

from kttt_pipeline.core.admin_units import commonest_level, load_admin_units, reporting_units
from kttt_pipeline.core.periods import Period


def _tier(units, period: Period) -> str | None:
    in_force = reporting_units(units, period)
    return commonest_level(u.level for u in in_force) if in_force else None


def demo_periods(last: Period, province: str | None = None) -> list[Period]:
    """The demo's periods ending with ``last``, oldest first (see the module's docstring)."""
    units = load_admin_units(None, province)
    year_ago = Period(last.year - 1, last.quarter)
    wanted = {year_ago, last.previous(), last}
    tiers = {p: _tier(units, p) for p in wanted}
    before = year_ago.previous()
    tier_before = _tier(units, before)
    if tier_before is not None and tier_before != tiers[year_ago] and tiers[year_ago] == tiers[last]:
        wanted.add(before)
        tiers[before] = tier_before
    return sorted(p for p in wanted if tiers[p] is not None)
