"""UnitMatcher tries only the patterns whose unit name's words stand in the text (an index, issue 17): on random
texts made of the registers' names, kind words, council words, punctuation and junk, joined with or without
separators, no pattern left out of the candidates matches, and a matcher's answer is that of a scan of every
pattern (the reference)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kttt_pipeline.core.admin_units import (
    UnitMatcher,
    _council_forms,
    _kind_forms,
    former_communes,
    load_admin_units,
    load_crosswalk,
)
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.text import fold


def _matchers() -> list[UnitMatcher]:
    out = []
    for province, period in (("22", "2024-Q3"), ("22", "2025-Q4"), ("24", "2025-Q4")):
        units = load_admin_units(None, province)
        out.append(UnitMatcher(units + former_communes(load_crosswalk(None, province), units), Period.parse(period)))
    return out


MATCHERS = _matchers()
NAMES = sorted({u.name_vi for m in MATCHERS for u in m.units})
KIND_WORDS = sorted({f for forms in _kind_forms().values() for f in forms} | set(_council_forms()))
JUNK = ["thôn 3", "số 12", "tổ 5", "tỉnh", "Việt Nam", "đường 18A", "12", "a", "x", "khu", "(cũ)", "II"]

pieces = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(NAMES).map(str.upper),
    st.sampled_from(NAMES).map(fold),
    st.sampled_from(KIND_WORDS),
    st.sampled_from(JUNK),
    st.text(alphabet="abcdđ0123 ", max_size=6),
)
texts = st.lists(
    st.tuples(pieces, st.sampled_from([" ", ", ", " - ", "; ", "", ".", "(", ")"])), min_size=1, max_size=6
).map(lambda parts: "".join(p + sep for p, sep in parts))


def _scan_every_pattern(m: UnitMatcher, folded: str, allow_bare: bool, allow_compact: bool):
    """The reference: every pattern of the matcher tried on the text."""
    hits = []
    for name, pattern, unit, strength in m._patterns:
        if (strength == 1 and not allow_bare) or name not in folded:
            continue
        found = re.search(pattern, folded)
        if found:
            hits.append((strength, len(found.group(0)), unit))
    if not hits:
        return m._find_compact(folded) if allow_compact else None
    hits.sort(key=lambda h: (-h[0], -h[1]))
    return m._prefer([h[2] for h in hits if h[:2] == hits[0][:2]], by_day=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, which=st.integers(0, len(MATCHERS) - 1), allow_bare=st.booleans())
def test_no_pattern_outside_the_candidates_matches(text, which, allow_bare):
    m = MATCHERS[which]
    folded = fold(text)
    candidates = set(m._candidates(folded))
    for i, (name, pattern, _, _) in enumerate(m._patterns):
        if i not in candidates:
            assert not (name in folded and re.search(pattern, folded)), (text, name, pattern)
    assert m._find(folded, allow_bare, True) == _scan_every_pattern(m, folded, allow_bare, True)


def test_the_index_leaves_most_patterns_out():
    """The index is an index: a title naming one unit tries a handful of the register's patterns."""
    m = MATCHERS[0]
    unit = next(u for u in m.units if u.level == "district")
    folded = fold(f"UBND {unit.kind_vi} {unit.name_vi}")
    assert 0 < len(m._candidates(folded)) <= 12 < len(m._patterns)
    assert m.find(f"UBND {unit.kind_vi} {unit.name_vi}") == unit
