"""The tax register's per-distinct-value look-ups (issue 17) give what the uncached functions give: the status code
of a status cell, the unit of an address, the former communes of the crosswalk (property-based, hypothesis)."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from kttt_pipeline.core.admin_units import (
    FORMER_COMMUNE,
    AdminUnit,
    UnitMatcher,
    former_communes,
    load_admin_units,
    load_province_crosswalk,
)
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.vocabulary import read_vocab_csv
from kttt_pipeline.ingest.tax_register import parse_tax_status

UNITS = load_admin_units()
CROSSWALK = load_province_crosswalk(None, None, UNITS)
STATUS_TEXTS = [r["text_vi"] for r in read_vocab_csv("tax_status_codes.csv")]

status_cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1, 120),
    st.floats(0, 99).map(float),
    st.integers(0, 12).map(float),
    st.sampled_from(STATUS_TEXTS),
    st.builds(lambda c, t: f"{c} - {t}", st.sampled_from(["00", "0", "03", "7"]), st.sampled_from(STATUS_TEXTS)),
    st.sampled_from(STATUS_TEXTS).map(lambda t: t[: len(t) // 2]),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(status_cells, min_size=1, max_size=8))
def test_cached_tax_status_is_the_uncached_one(cells):
    # True and 1, 1 and 1.0 are equal keys: the cache keeps them apart by type
    for v in cells:
        assert parse_tax_status(v) == parse_tax_status.__wrapped__(v)


units_named = st.sampled_from([u for u in UNITS if u.level != "province"])
address_parts = st.one_of(
    units_named.map(lambda u: f"{u.kind_vi} {u.name_vi}"),
    units_named.map(lambda u: u.name_vi),
    st.sampled_from(["thôn 5", "số 12 đường Trần Phú", "tỉnh Quảng Ninh", "TP Hạ Long", ""]),
)
addresses = st.one_of(st.lists(address_parts, min_size=1, max_size=4).map(", ".join), st.none(), st.integers(0, 99))


@settings(max_examples=200, deadline=None)
@given(st.lists(addresses, min_size=1, max_size=6))
def test_cached_address_unit_is_the_uncached_one(texts):
    matcher = UnitMatcher(UNITS, Period.parse("2024-Q3"))
    fresh = UnitMatcher(UNITS, Period.parse("2024-Q3"))
    for t in texts + texts:  # the second time from the cache
        assert matcher.find_in_address(t) == fresh._find_in_address(t)


def _former_communes_by_scan(crosswalk, units):
    """The reference: each old code's new codes found by scanning the whole crosswalk."""
    starts = {u.unit_code: u.valid_from for u in units if u.valid_from is not None}
    out = {}
    records = crosswalk.to_dict("records")
    for r in records:
        code = str(r.get("old_code") or "").strip()
        if not code or code in out:
            continue
        new_codes = [str(x.get("new_code")).strip() for x in records if str(x.get("old_code")).strip() == code]
        begin = min((starts[c] for c in new_codes if c in starts), default=None)
        out[code] = AdminUnit(
            code,
            FORMER_COMMUNE,
            str(r.get("old_name") or "").strip(),
            str(r.get("old_kind") or "").strip(),
            str(r.get("old_district_code") or "").strip() or None,
            None,
            begin - dt.timedelta(days=1) if begin else None,
        )
    return list(out.values())


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_former_communes_are_those_of_the_scan(data):
    rows = data.draw(st.lists(st.integers(0, len(CROSSWALK) - 1), max_size=40)) if len(CROSSWALK) else []
    walk = CROSSWALK.iloc[rows].reset_index(drop=True)
    assert former_communes(walk, UNITS) == _former_communes_by_scan(walk, UNITS)


def test_former_communes_of_the_whole_crosswalk():
    assert former_communes(CROSSWALK, UNITS) == _former_communes_by_scan(CROSSWALK, UNITS)
