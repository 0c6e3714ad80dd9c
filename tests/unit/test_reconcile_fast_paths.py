"""The vectorised paths of the reconciliation held to readings of the same rules written row by row here (the
package keeps one implementation of each): §7.2 duplicates, the register's facts of a resolved row, the
whole-name prefilter of §7.1 name matching and the sums of the detail rows a total covers (§7.5)."""

from __future__ import annotations

import math
from dataclasses import asdict
from unittest import mock

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from kttt_pipeline.core.vocabulary import tax_status_codes
from kttt_pipeline.reconcile import entity_resolution as er
from kttt_pipeline.reconcile.status import tax_maps_to
from kttt_pipeline.reconcile.summary_compare import ScopeSums, _numbers, _with_field, detail_of

SETTINGS = settings(max_examples=150, deadline=None)

# ---------------------------------------------------------------- §7.2 duplicates

_UNITS = ["193", "194", "195", "206"]
_FILES = ["a.xlsx", "b.xlsx", "c.xlsx"]


@st.composite
def _resolved_rows(draw):
    """Resolved cooperative rows (coop_key, tax_index, …) with few keys, so that keys repeat, and the register."""
    n_tax = draw(st.integers(0, 4))
    tax = pd.DataFrame({"unit_code": [draw(st.sampled_from(_UNITS)) for _ in range(n_tax)]})
    n = draw(st.integers(0, 14))
    rows = []
    for i in range(n):
        tidx = draw(st.one_of(st.none(), st.integers(0, n_tax - 1))) if n_tax else None
        rows.append(
            {
                "coop_key": draw(st.sampled_from(["k1", "k2", "k3", "name:193:x", f"u{i}"])),
                "tax_index": tidx,
                "unit_code": draw(st.sampled_from(_UNITS)),
                "source_file": draw(st.sampled_from(_FILES)),
                "sheet": "HTX",
                "row_number": draw(st.integers(5, 9)),
                "name": draw(st.sampled_from(["HTX A", "HTX B"])),
                "tax_code": draw(st.sampled_from([None, "", "5770125871"])),
            }
        )
    coops = pd.DataFrame(
        rows, columns=["coop_key", "tax_index", "unit_code", "source_file", "sheet", "row_number", "name", "tax_code"]
    )
    labels = draw(st.permutations(range(100, 100 + n)))  # an index that is not 0..n-1 and not sorted
    return coops.set_axis(list(labels)), tax


def _drop_duplicates_group_by_group(coops: pd.DataFrame, tax: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    """§7.2 read as written: each key's rows together, in the order of the keys' first rows; a key listed once
    keeps its row, a repeated key keeps one row and reports the others."""
    findings, keep_index = [], []
    for _key, group in coops.groupby("coop_key", sort=False):
        if len(group) == 1:
            keep_index.append(group.index[0])
            continue
        kept, unit, why = er._keep_one(group, tax)
        keep_index.append(kept)
        findings += er._duplicate_findings(group, kept, unit, why)
    return coops.loc[keep_index], findings


@SETTINGS
@given(_resolved_rows())
def test_drop_duplicates_equals_the_group_by_group_reading(case):
    coops, tax = case
    fast, fast_findings = er.drop_duplicates(coops, tax)
    ref, ref_findings = _drop_duplicates_group_by_group(coops, tax)
    pd.testing.assert_frame_equal(fast, ref)
    assert [asdict(f) for f in fast_findings] == [asdict(f) for f in ref_findings]
    # rows are told apart by position: the same rows kept under an index that repeats its labels
    same_labels, same_findings = er.drop_duplicates(coops.set_axis([7] * len(coops)), tax)
    assert list(same_labels["row_number"]) == list(fast["row_number"]) and same_findings == fast_findings


# ---------------------------------------------------------------- §7.1 the register's facts of a row


@SETTINGS
@given(
    st.lists(st.one_of(st.none(), st.floats(allow_nan=True), st.text(max_size=3)), min_size=1, max_size=6),
    st.lists(st.floats(allow_nan=True), min_size=6, max_size=6),
    st.lists(st.one_of(st.none(), st.floats(0, 5)), max_size=8),
    st.data(),
)
def test_register_facts_are_what_at_gives(objects, numbers, picks, data):
    n = len(objects)
    labels = data.draw(st.permutations(range(n)))
    tax = pd.DataFrame(
        {
            "status_code": objects,
            "declared_revenue": numbers[:n],
            "status_changed_on": pd.to_datetime(pd.Series(["2024-01-02"] * n)).where(
                pd.Series([i % 2 == 0 for i in range(n)])
            ),
        }
    ).set_axis(list(labels))
    # tax_index as resolve_identities leaves it: labels, None or NaN where no record was found
    index = pd.Series([None if p is None or p != p else float(int(p) % n) for p in picks], dtype=object)
    for column in tax.columns:
        want = [tax.at[i, column] if i is not None and i == i else None for i in index]
        got = er._register_facts(tax, column, index)
        assert [type(x) for x in got] == [type(x) for x in want]
        assert all((a is b) or (a == b) or (a != a and b != b) for a, b in zip(got, want))


# ---------------------------------------------------------------- §7.1 the whole-name prefilter

_SYLLABLES = [
    "hop tac xa",
    "dich vu",
    "nong nghiep",
    "tuyen",
    "hien",
    "huyen",
    "xuan",
    "thanh",
    "yen",
    "hung",
    "thinh",
    "thich",
    "dong",
    "tam",
    "tien",
    "a",
    "an",
]


@SETTINGS
@given(
    st.lists(st.sampled_from(_SYLLABLES), min_size=1, max_size=5),
    st.lists(st.lists(st.sampled_from(_SYLLABLES), min_size=0, max_size=5), max_size=30),
)
def test_the_whole_name_prefilter_keeps_every_record_the_exact_score_keeps(written, register):
    folded = " ".join(written)
    names = [" ".join(r) for r in register]
    kept = er._close_by_whole_name(folded, names)
    assert kept == sorted(set(kept))  # in the register's order
    assert {i for i, other in enumerate(names) if fuzz.ratio(folded, other) >= er.FULL_NAME_MIN} <= set(kept)


@SETTINGS
@given(
    st.lists(st.sampled_from(_SYLLABLES), min_size=1, max_size=5),
    st.lists(st.lists(st.sampled_from(_SYLLABLES), min_size=0, max_size=5), max_size=12),
)
def test_best_name_match_equals_scoring_every_record(written, register):
    """best_name_match (prefiltered) against the loop over every record it replaced."""
    candidates = pd.DataFrame(
        {"name_folded": [" ".join(r) for r in register]}, index=[f"r{i}" for i in range(len(register))]
    )
    name = " ".join(written)
    match, reason = er.best_name_match(name, candidates)
    folded = er.fold_name(name)
    scored = []
    for idx, other in zip(candidates.index, candidates["name_folded"]):
        full, distinct = er.name_similarity(folded, other)
        if full >= er.FULL_NAME_MIN and distinct >= er.DISTINCT_MIN:
            scored.append(er.NameMatch(idx, full, distinct))
    if scored:
        scored.sort(key=lambda m: m.score + m.distinct_score, reverse=True)
        ambiguous = (
            len(scored) > 1
            and (scored[0].score + scored[0].distinct_score) - (scored[1].score + scored[1].distinct_score)
            < er.AMBIGUITY_MARGIN
        )
        assert (match, reason) == ((None, "ambiguous") if ambiguous else (scored[0], None))
    else:  # no record by score: the one record of a common spelling confusion, if only one
        confused = er.confusion_candidates(folded, candidates) if folded and len(candidates) else []
        if len(confused) > 1:
            assert (match, reason) == (None, "ambiguous")
        elif confused:
            assert reason is None and match.index == confused[0] and match.confusion is not None
        else:
            assert (match, reason) == (None, None)


# ---------------------------------------------------------------- §7.5 sums of the rows a total covers


def detail_values(detail: dict, rt: str, fld: str) -> dict[str, dict[tuple[str, int], float]]:
    """file → (sheet, row_number) → the figure ``fld`` of that detail row of record type ``rt`` (a cell that is
    not a number is 0: the clerk's total added nothing for it)."""
    parts = _with_field(detail, rt, fld)
    by_file: dict[str, dict[tuple[str, int], float]] = {}
    if parts:
        sizes = [len(rows) for _, _, rows in parts]
        row_numbers = pd.concat([rows["row_number"] for _, _, rows in parts], ignore_index=True)
        for s_src, s_sheet, r, v in zip(
            np.repeat([p[0] for p in parts], sizes),
            np.repeat([p[1] for p in parts], sizes),
            row_numbers,
            _numbers(parts, fld),
        ):
            by_file.setdefault(str(s_src), {})[(str(s_sheet), int(r))] = float(v)
    return by_file


def scope_sum_reference(values: dict[tuple[str, int], float], scope) -> float:
    """The sum of the detail rows a total covers, added one by one in the scope's order (a row not in the
    detail adds 0): what ScopeSums computes at once."""
    return float(sum(values.get((sh, int(r)), 0.0) for sh, r in scope))


#: cells as read: numbers whose sum depends on the order of the additions, zeros of either sign, text
_CELLS = st.one_of(
    st.sampled_from([0.0, -0.0, 1e16, -1e16, 1.0, 0.1, 0.2, 0.3, 123456.7, 1e-300, 3.0]),
    st.none(),
    st.floats(allow_nan=True, allow_infinity=False),
    st.integers(-(10**6), 10**6),
    st.sampled_from(["", "x", "1,5", "12"]),
)
_SHEETS = ["HTX", "HTX 2", "THT"]


@st.composite
def _detail_and_scope(draw):
    detail = {}
    for src in ("a.xlsx", "b.xlsx"):
        for sheet in draw(st.lists(st.sampled_from(_SHEETS), unique=True, max_size=3)):
            for rt in draw(st.lists(st.sampled_from(["cooperative", "group"]), unique=True, min_size=1)):
                n = draw(st.integers(1, 24))  # (a sheet of the detail has rows: groupby makes it)
                rows = {"row_number": draw(st.lists(st.integers(5, 14), min_size=n, max_size=n))}
                for fld in draw(st.lists(st.sampled_from(["members", "revenue"]), unique=True)):
                    rows[fld] = draw(st.lists(_CELLS, min_size=n, max_size=n))
                detail[(src, sheet, rt)] = pd.DataFrame(rows)
    scopes = draw(
        st.lists(
            st.lists(st.tuples(st.sampled_from(_SHEETS), st.integers(4, 15)), max_size=40).map(tuple),
            min_size=1,
            max_size=3,
        )
    )
    return detail, scopes


@settings(max_examples=80, deadline=None)
@given(_detail_and_scope(), st.data())
def test_scope_sums_equal_adding_the_rows_one_by_one(case, data):
    detail, scopes = case
    sums = ScopeSums(detail)
    for _ in range(6):  # several fields over the same scopes, as the figures of one total row
        src = data.draw(st.sampled_from(["a.xlsx", "b.xlsx", "c.xlsx"]))
        rt = data.draw(st.sampled_from(["cooperative", "group"]))
        fld = data.draw(st.sampled_from(["members", "revenue"]))
        scope = data.draw(st.sampled_from(scopes))
        want = scope_sum_reference(detail_values(detail, rt, fld).get(src, {}), scope)
        got = sums.total(src, rt, fld, scope)
        assert type(got) is float
        assert (got == want and math.copysign(1, got) == math.copysign(1, want)) or (np.isnan(got) and np.isnan(want))


# ---------------------------------------------------------------- §7.4 the register's status codes, read once


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.sampled_from(sorted(tax_status_codes())), st.text(max_size=3), st.none(), st.floats()))
def test_tax_maps_to_reads_the_vocabulary_as_before(code):
    row = tax_status_codes().get(code) if isinstance(code, str) else None
    assert tax_maps_to(code) == (row["maps_to"] if row else None)


@st.composite
def _listings_and_scopes(draw):
    """Listings as staged (rows of several files and sheets, interleaved), cut into sheets as §7.5 cuts them."""
    listings = {}
    for rt in ("cooperative", "group"):
        n = draw(st.integers(1, 40))
        rows = {
            "source_file": draw(st.lists(st.sampled_from(["a.xlsx", "b.xlsx"]), min_size=n, max_size=n)),
            "sheet": draw(st.lists(st.sampled_from(_SHEETS), min_size=n, max_size=n)),
            "row_number": draw(st.lists(st.integers(5, 14), min_size=n, max_size=n)),
        }
        for fld in draw(st.lists(st.sampled_from(["members", "revenue"]), unique=True)):
            rows[fld] = draw(st.lists(_CELLS, min_size=n, max_size=n))
        listings[rt] = pd.DataFrame(rows)
    scopes = draw(
        st.lists(
            st.lists(st.tuples(st.sampled_from(_SHEETS), st.integers(4, 15)), max_size=40).map(tuple),
            min_size=1,
            max_size=3,
        )
    )
    return listings, scopes


@settings(max_examples=60, deadline=None)
@given(_listings_and_scopes(), st.data())
def test_scope_sums_read_from_the_listings_equal_adding_the_rows_one_by_one(case, data):
    listings, scopes = case
    detail, origins = detail_of(listings)
    sums = ScopeSums(detail, origins)
    read_from_the_listing = ScopeSums._listing_column

    def from_the_listing_only(self, rt, parts, fld):
        column = read_from_the_listing(self, rt, parts, fld)
        assert column is not None or not parts, "a sheet read on its own although its listing is known"
        return column

    for _ in range(6):
        src = data.draw(st.sampled_from(["a.xlsx", "b.xlsx", "c.xlsx"]))
        rt = data.draw(st.sampled_from(["cooperative", "group"]))
        fld = data.draw(st.sampled_from(["members", "revenue"]))
        scope = data.draw(st.sampled_from(scopes))
        want = scope_sum_reference(detail_values(detail, rt, fld).get(src, {}), scope)
        with mock.patch.object(ScopeSums, "_listing_column", from_the_listing_only):
            got = sums.total(src, rt, fld, scope)
        assert (got == want and math.copysign(1, got) == math.copysign(1, want)) or (np.isnan(got) and np.isnan(want))
