"""§7.6 quarantine as the pipeline runs it: the rules a row fails (pandera's lazy validation), the quarantine
rows and findings made of them, the keys a quarantined row is known by, and the load audit's row counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kttt_pipeline.ingest.schemas import plausibility_schema
from kttt_pipeline.reconcile.plausibility import (
    count_quarantined,
    failed_rules,
    quarantine_listings,
    quarantine_rows,
    reason_vi,
)

from .test_reconcile import Q3, coop


def _rows(*rows: dict) -> pd.DataFrame:
    df = pd.DataFrame(list(rows))
    df["entity_key"] = df["name"]
    return df


def test_a_row_breaking_several_rules_is_quarantined_once_with_each_rule_once():
    df = _rows(
        coop(),
        coop(row_number=11, name=None, members=-1.0, charter_capital=-2.0, member_workers=12.0, workers=10.0),
        dict.fromkeys(coop()),  # a row of empty cells: nothing written, nothing to quarantine
        coop(row_number=13, registered_on=dt.date(2024, 10, 1), members=5e9),
    )
    kept, quarantine, findings = quarantine_rows(df, "cooperative", Q3)
    assert list(kept.index) == [0, 2]
    assert list(quarantine["row_number"]) == [11, 13]
    rules = [r.split(",") for r in quarantine["rule"]]
    assert sorted(rules[0]) == ["missing_name", "mw_gt_workers", "negative_value"]  # negative twice: named once
    assert sorted(rules[1]) == ["implausible_number", "registered_after_period"]
    assert quarantine["reason_vi"].iloc[0].count("; ") == 2
    assert [f.rule for f in findings] == ["7.6:" + r for r in quarantine["rule"]]
    assert [f.row_number for f in findings] == [11, 13] and all(f.kind == "ROW_QUARANTINED" for f in findings)
    assert failed_rules(df.iloc[0:0], plausibility_schema("cooperative", Q3)) == {}


def test_the_last_day_of_the_period_is_not_after_it():
    df = _rows(coop(registered_on=dt.date(2024, 9, 30)), coop(row_number=11, registered_on=dt.date(2024, 10, 1)))
    _kept, quarantine, _ = quarantine_rows(df, "cooperative", Q3)
    assert list(quarantine["row_number"]) == [11] and list(quarantine["rule"]) == ["registered_after_period"]


def test_the_reasons_quote_what_was_written():
    assert "'Đang HĐ lạ'" in reason_vi("status_unreadable", {"status_text": " Đang HĐ lạ "}, "cooperative")
    assert reason_vi("status_unreadable", {"status_text": "  "}, "cooperative").startswith("không ghi")
    count = reason_vi("count_unreadable", {"values_unreadable": {"members": "nhiều", "revenue": "x"}}, "cooperative")
    assert "'nhiều'" in count and "'x'" not in count  # revenue is money, not a count


def test_a_quarantined_row_is_known_by_its_valid_code_else_its_name():
    coops = pd.DataFrame(
        [
            coop(tax_code="5770125871", members=-1.0),
            coop(row_number=11, tax_code_raw="123", tax_code_parent="123", name="HTX B", members=-1.0),
        ]
    )
    unions = pd.DataFrame(
        [
            dict(name="LH A", tax_code="5770125871", workers=-1.0, source_file="p.xlsx", sheet="LH", row_number=7),
            dict(name="LH B", tax_code=None, workers=-1.0, source_file="p.xlsx", sheet="LH", row_number=8),
        ]
    )
    _kept, quarantine, findings = quarantine_listings({"cooperative": coops, "union": unions}, Q3, "22")
    assert list(quarantine["entity_key"]) == ["5770125871", "HTX B", "5770125871", "LH B"]
    assert list(quarantine["unit_code"]) == ["193", "193", "22", "22"]  # unions belong to the province
    assert [f.entity_key for f in findings] == list(quarantine["entity_key"])


def test_quarantined_rows_move_from_loaded_to_quarantined_in_the_load_audit():
    audit = pd.DataFrame(
        {
            "source_file": ["a.xlsx", "b.xlsx", "c.xlsx"],
            "status": ["LOADED", "LOADED", "REJECTED"],
            "rows_loaded": [10, 5, 0],
            "rows_quarantined": [0, 0, 0],
        }
    )
    quarantine = pd.DataFrame({"source_file": ["a.xlsx", "a.xlsx", "c.xlsx"]})
    out = count_quarantined(audit, quarantine)
    assert list(out["rows_loaded"]) == [8, 5, 0] and list(out["rows_quarantined"]) == [2, 0, 0]


@st.composite
def _listing_rows(draw):
    """Cooperative rows as staged, many of them breaking one or several rules, some wholly empty."""
    n = draw(st.integers(1, 20))
    rows = []
    for i in range(n):
        row = coop(row_number=10 + i, entity_key=f"k{i}", values_unreadable=None, status_text=None)
        for field, values in (
            ("name", ["HTX A", "", None, "  "]),
            ("members", [10.0, -1.0, 12.5, None, 5e9]),
            ("status", ["ACTIVE", None, "ODD", "SUSPENDED"]),
            ("member_workers", [5.0, 50.0, None]),
            ("managers_college_plus", [1.0, 9.0]),
            ("registered_on", [dt.date(2015, 1, 1), dt.date(2030, 1, 1), None]),
            ("dissolved_on", [None, dt.date(2010, 1, 1)]),
            ("revenue", [500.0, float("inf")]),
            ("values_unreadable", [None, {"members": "nhiều"}, {"revenue": "x"}]),
        ):
            if draw(st.booleans()):
                row[field] = draw(st.sampled_from(values))
        if draw(st.integers(0, 9)) == 0:
            row = dict.fromkeys(row)
        rows.append(row)
    labels = draw(st.permutations(range(500, 500 + n)))  # an index that is neither 0..n-1 nor sorted
    return pd.DataFrame(rows).set_axis(list(labels))


@settings(max_examples=25, deadline=None)
@given(_listing_rows())
def test_the_rules_a_row_fails_do_not_depend_on_the_other_rows(df):
    schema = plausibility_schema("cooperative", Q3)
    together = failed_rules(df, schema)
    alone = {}
    for label in df.index:
        alone.update(failed_rules(df.loc[[label]], schema))
    assert {k: sorted(v) for k, v in together.items()} == {k: sorted(v) for k, v in alone.items()}
    assert all(len(v) == len(set(v)) for v in together.values())
