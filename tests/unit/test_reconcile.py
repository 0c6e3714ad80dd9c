"""Each rule of spec §7 on tiny hand-made frames, including the cases where it must NOT fire."""

import datetime as dt

import pandas as pd
import pytest

from kttt_pipeline.core.periods import Period
from kttt_pipeline.ingest.resubmissions import Submission, choose_winners
from kttt_pipeline.reconcile import entity_resolution as er
from kttt_pipeline.reconcile.indicators import (
    check_identity,
    classify_cooperatives,
    cooperative_indicators_by_unit,
    group_indicators_by_unit,
    plan_indicators,
    prepare_cooperatives,
    prepare_groups,
)
from kttt_pipeline.reconcile.plausibility import quarantine_rows
from kttt_pipeline.reconcile.status import reconcile_status
from kttt_pipeline.reconcile.summary_compare import compare_summary, compare_total_rows

Q3 = Period(2024, 3)


def coop(**kw):
    base = dict(
        unit_code="193",
        source_file="a.xlsx",
        sheet="HTX",
        row_number=10,
        name="HTX A",
        tax_code_raw=None,
        tax_code=None,
        tax_code_parent=None,
        tax_code_valid=False,
        registered_on=dt.date(2015, 1, 1),
        dissolved_on=None,
        sector="AGRI",
        status="ACTIVE",
        grade="AVERAGE",
        members=10.0,
        workers=10.0,
        member_workers=5.0,
        managers=3.0,
        managers_primary_secondary=2.0,
        managers_college_plus=1.0,
        charter_capital=100.0,
        revenue=500.0,
        profit=50.0,
        avg_income=60.0,
        ocop_products=0.0,
        hightech=False,
        value_chain=False,
    )
    base.update(kw)
    if base["tax_code"] and base["tax_code_parent"] is None:
        base["tax_code_parent"] = base["tax_code"].split("-")[0]
        base["tax_code_valid"] = True
    return base


def tax(**kw):
    base = dict(
        tax_code="5770125871",
        tax_code_parent="5770125871",
        tax_code_valid=True,
        name="Hợp tác xã dịch vụ nông nghiệp Xuân Thành",
        address="",
        tax_office="",
        entity_type="Hợp tác xã",
        status_code="00",
        status_changed_on=None,
        declared_revenue=100.0,
        unit_code="193",
    )
    base.update(kw)
    return base


# ---------------------------------------------------------------- §7.1 identity


def test_resolution_by_code_branch_by_parent_and_by_name():
    register = pd.DataFrame(
        [
            tax(),
            tax(
                tax_code="5768341963",
                tax_code_parent="5768341963",
                name="HỢP TÁC XÃ NÔNG NGHIỆP TUYỀN HIỀN",
                unit_code="206",
            ),
        ]
    )
    rows = pd.DataFrame(
        [
            coop(name="HTX dịch vụ nông nghiệp Xuân Thành", tax_code="5770125871", tax_code_raw="5770125871"),
            coop(name="Chi nhánh", tax_code="5770125871-001", tax_code_raw="5770125871-001", row_number=11),
            coop(name="HTX nông nghiệp Tuyền Huyền", unit_code="206", row_number=12),
        ]
    )
    out, findings = er.resolve_identities(rows, register)
    assert list(out["coop_key"]) == ["5770125871", "5770125871", "5768341963"]
    assert list(out["match_method"]) == ["tax_code", "tax_code", "name"]
    assert [(f.kind, f.entity_key) for f in findings] == [("NAME_MATCH", "5768341963")]


def test_invalid_code_is_flagged_and_matched_by_name_within_the_unit_only():
    register = pd.DataFrame([tax()])
    rows = pd.DataFrame(
        [
            coop(name="HTX dịch vụ nông nghiệp Xuân Thành", tax_code_raw="5750125871"),
            coop(name="HTX dịch vụ nông nghiệp Xuân Thành", tax_code_raw="5750125871", unit_code="194", row_number=11),
        ]
    )
    out, findings = er.resolve_identities(rows, register)
    kinds = [(f.kind, f.unit_code, f.entity_key) for f in findings]
    assert ("TAX_CODE_INVALID", "193", "5770125871") in kinds and ("NAME_MATCH", "193", "5770125871") in kinds
    # the same name in another unit is not matched to 193's register record
    assert ("NO_TAX_RECORD", "194", "HTX dịch vụ nông nghiệp Xuân Thành") in kinds
    assert out.iloc[1]["coop_key"].startswith("name:194:")


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("HTX nông nghiệp Tuyền Huyền", "HỢP TÁC XÃ NÔNG NGHIỆP TUYỀN HIỀN", True),
        ("HTX DV NN Đồng Tâm", "Hợp tác xã dịch vụ nông nghiệp Đồng Tâm", True),
        ("HTX dịch vụ nông nghiệp Xuân Thành", "HTX dịch vụ nông nghiệp Yên Thành", False),
        ("HTX chè Nà Pá", "HTX chăn nuôi Nà Pá", False),
        ("HTX dịch vụ nông nghiệp Ánh Dương", "HTX dịch vụ nông nghiệp Hồng Quang", False),
        # one syllable of the proper name replaced by another: two cooperatives, not a slip of the pen
        ("HTX nông nghiệp Thịnh Anh", "HỢP TÁC XÃ NÔNG NGHIỆP THỊNH QUANG", False),
        ("HTX thủy sản Hưng Thịnh", "HTX thủy sản Hưng Thịch", True),
    ],
)
def test_name_matching_tolerates_spelling_but_not_shared_generic_words(a, b, same):
    register = pd.DataFrame([tax(name=b)])
    match, _ = er.best_name_match(a, er.prepare_register(register))
    assert (match is not None) is same


def test_one_syllable_may_be_misspelt_not_two():
    assert er.syllables_compatible("tuyen hien", "tuyen huyen")  # one syllable, two edits, same first letter
    assert not er.syllables_compatible("tuyen hien", "tuyan hian")  # two syllables, one edit each
    assert not er.syllables_compatible("tuyen hien", "tuyen kien")  # another first letter


def test_ambiguous_name_match_is_not_made():
    register = er.prepare_register(
        pd.DataFrame([tax(name="HTX Tuyền Hiền"), tax(name="HTX Tuyền Hiền", tax_code="5768341963")])
    )
    match, reason = er.best_name_match("HTX Tuyền Hiền", register)
    assert match is None and reason == "ambiguous"


# ---------------------------------------------------------------- §7.2 duplicates


def test_duplicate_attributed_to_the_unit_of_the_tax_address_else_first_unit():
    register = pd.DataFrame([tax(unit_code="195")])
    rows = pd.DataFrame(
        [coop(tax_code="5770125871", unit_code="193"), coop(tax_code="5770125871", unit_code="195", row_number=20)]
    )
    resolved, _ = er.resolve_identities(rows, register)
    kept, findings = er.drop_duplicates(resolved, register)
    assert list(kept["unit_code"]) == ["195"]
    assert [(f.kind, f.unit_code, f.entity_key) for f in findings] == [("DUPLICATE", "195", "5770125871")]
    register2 = pd.DataFrame([tax(unit_code="207")])
    resolved, _ = er.resolve_identities(rows, register2)
    kept, _ = er.drop_duplicates(resolved, register2)
    assert list(kept["unit_code"]) == ["193"]


def test_distinct_cooperatives_are_not_duplicates():
    register = pd.DataFrame([tax(), tax(tax_code="5768341963", tax_code_parent="5768341963", name="HTX B")])
    rows = pd.DataFrame([coop(tax_code="5770125871"), coop(tax_code="5768341963", row_number=11)])
    kept, findings = er.drop_duplicates(er.resolve_identities(rows, register)[0], register)
    assert len(kept) == 2 and findings == []


# ---------------------------------------------------------------- §7.3 resubmissions


def test_latest_report_date_wins_then_latest_modification():
    t = dt.datetime(2024, 10, 1)
    subs = [
        Submission("a.xlsx", "200", dt.date(2024, 10, 3), t + dt.timedelta(days=9)),
        Submission("b.xlsx", "200", dt.date(2024, 10, 9), t),
        Submission("c.xlsx", "201", dt.date(2024, 10, 9), t),
        Submission("d.xlsx", "201", dt.date(2024, 10, 9), t + dt.timedelta(hours=1)),
    ]
    winners, findings = choose_winners(subs)
    assert winners["200"].source_file == "b.xlsx" and winners["201"].source_file == "d.xlsx"
    assert sorted((f.unit_code, f.entity_key) for f in findings) == [("200", "a.xlsx"), ("201", "c.xlsx")]
    assert choose_winners([Submission("only.xlsx", "193", None, t)])[1] == []
    why = {f.entity_key: f.detail for f in findings}
    assert "sớm hơn 09/10/2024" in why["a.xlsx"]  # an earlier report date lost
    assert "cùng 'Ngày báo cáo' 09/10/2024" in why["c.xlsx"] and "sớm hơn" not in why["c.xlsx"]  # then the later edit


# ---------------------------------------------------------------- §7.4 status


@pytest.mark.parametrize(
    "district, code, changed, expected, fires",
    [
        ("ACTIVE", "03", None, "DISSOLVING", True),
        ("ACTIVE", "06", None, "DISSOLVING", True),
        ("ACTIVE", "07", None, "DISSOLVING", True),
        ("ACTIVE", "05", None, "SUSPENDED", True),
        ("ACTIVE", "01", dt.date(2024, 5, 1), "DISSOLVED", True),
        ("ACTIVE", "01", dt.date(2024, 9, 30), "DISSOLVED", True),  # on the period's last day: by its end
        ("ACTIVE", "01", dt.date(2024, 10, 1), "ACTIVE", False),
        ("ACTIVE", "01", dt.date(2024, 11, 1), "ACTIVE", False),
        ("ACTIVE", "00", None, "ACTIVE", False),
        ("ACTIVE", "04", None, "ACTIVE", False),
        ("NOT_STARTED", "03", None, "NOT_STARTED", False),
        ("SUSPENDED", "05", None, "SUSPENDED", False),
    ],
)
def test_tax_status_overrides_only_a_district_active(district, code, changed, expected, fires):
    rows = pd.DataFrame(
        [coop(status=district, tax_code="5770125871", tax_status_code=code, tax_status_changed_on=changed)]
    )
    out, findings = reconcile_status(rows, Q3)
    assert out.iloc[0]["status"] == expected
    assert (len(findings) == 1) is fires
    if expected == "DISSOLVED":
        assert out.iloc[0]["dissolved_on"] == changed


# ---------------------------------------------------------------- §7.6 plausibility


@pytest.mark.parametrize(
    "kw, rule",
    [
        (dict(member_workers=12.0, workers=10.0), "mw_gt_workers"),
        (dict(managers=2.0, managers_primary_secondary=2.0, managers_college_plus=1.0), "managers_breakdown_gt_total"),
        (dict(members=-1.0), "negative_value"),
        (dict(charter_capital=-5.0), "negative_value"),
        (dict(registered_on=dt.date(2024, 10, 1)), "registered_after_period"),
        (dict(registered_on=dt.date(2020, 1, 1), dissolved_on=dt.date(2019, 1, 1)), "dissolved_before_registered"),
        (dict(name=None), "missing_name"),
    ],
)
def test_plausibility_quarantines_with_a_reason(kw, rule):
    rows = pd.DataFrame([coop(), coop(row_number=11, **kw)])
    rows["entity_key"] = rows["name"]
    kept, quarantine, findings = quarantine_rows(rows, "cooperative", Q3)
    assert list(kept["row_number"]) == [10]
    assert list(quarantine["rule"]) == [rule] and quarantine.iloc[0]["reason_vi"]
    assert [f.kind for f in findings] == ["ROW_QUARANTINED"] and findings[0].row_number == 11


def test_plausible_rows_are_not_quarantined():
    rows = pd.DataFrame([coop(member_workers=10.0, workers=10.0, profit=-20.0, registered_on=dt.date(2024, 9, 30))])
    rows["entity_key"] = rows["name"]
    kept, quarantine, findings = quarantine_rows(rows, "cooperative", Q3)
    assert len(kept) == 1 and quarantine.empty and findings == []


# ---------------------------------------------------------------- indicators


def classified(rows):
    rows = [{"tax_status_code": "00", "declared_revenue": 10.0, **r} for r in rows]
    return classify_cooperatives(pd.DataFrame(rows), Q3)


def cooperative_indicators(coops: pd.DataFrame, period: Period) -> dict:
    """The indicators of the one unit of ``coops`` (every row's unit) as the pipeline computes them."""
    (unit,) = set(coops["unit_code"])
    return cooperative_indicators_by_unit(prepare_cooperatives(coops), period, [unit])[unit]


def group_indicators(groups: pd.DataFrame) -> dict:
    return group_indicators_by_unit(prepare_groups(groups.assign(unit_code="193")), ["193"])["193"]


def test_activity_classes_and_identity():
    df = classified(
        [
            coop(grade="GOOD"),
            coop(grade="FAIR"),
            coop(grade=None),
            coop(grade="WEAK"),
            coop(grade="AVERAGE", declared_revenue=0.0),
            coop(status="SUSPENDED", grade=None),
            coop(status="NOT_STARTED", grade=None),
            coop(status="DISSOLVING", grade=None),
            coop(status="DISSOLVED", dissolved_on=dt.date(2024, 3, 1)),
            coop(status="DISSOLVED", dissolved_on=dt.date(2020, 3, 1)),
            coop(registered_on=dt.date(2024, 2, 1), grade="AVERAGE"),
            coop(tax_status_code=None, declared_revenue=None, grade="GOOD"),
        ]
    )
    v = cooperative_indicators(df, Q3)
    assert v["HTX_TOTAL"] == 10
    assert (v["HTX_ACTIVE"], v["HTX_GOOD"], v["HTX_AVERAGE"]) == (4, 2, 2)
    assert v["HTX_WEAK"] == 3  # graded weak, no declared revenue, no tax record
    assert (v["HTX_SUSPENDED"], v["HTX_NOT_STARTED"], v["HTX_DISSOLVING"]) == (1, 1, 1)
    assert v["HTX_INACTIVE"] == 6 and v["HTX_NEW"] == 1 and v["HTX_DISSOLVED"] == 1
    assert check_identity(v)
    assert v["HTX_SECTOR_AGRI_PCT"] == 100.0


def test_sums_means_and_weighted_means():
    df = classified(
        [
            coop(grade="GOOD", revenue=100.0, avg_income=50.0, workers=10.0, member_workers=1.0),
            coop(grade="GOOD", revenue=300.0, avg_income=80.0, workers=30.0, member_workers=2.0, sector="TRADE"),
            coop(
                status="NOT_STARTED",
                revenue=None,
                avg_income=None,
                workers=5.0,
                member_workers=0.0,
                ocop_products=2.0,
                hightech=True,
            ),
        ]
    )
    v = cooperative_indicators(df, Q3)
    assert v["HTX_WORKERS"] == 45 and v["HTX_MEMBER_WORKERS"] == 3
    assert v["HTX_AVG_REVENUE"] == pytest.approx(200.0)
    assert v["HTX_AVG_INCOME"] == pytest.approx((50 * 10 + 80 * 30) / 40)
    assert v["HTX_OCOP"] == 1 and v["HTX_OCOP_AGRI"] == 1 and v["HTX_HIGHTECH"] == 1
    assert v["HTX_SECTOR_TRADE_PCT"] == pytest.approx(100 / 3)


def test_group_indicators_and_plan():
    groups = pd.DataFrame(
        [
            dict(sector="AGRI", members=5.0, revenue=100.0, avg_income_month=3.0),
            dict(sector="OTHER", members=15.0, revenue=300.0, avg_income_month=4.0),
        ]
    )
    v = group_indicators(groups)
    assert v["THT_TOTAL"] == 2 and v["THT_MEMBERS"] == 20 and v["THT_SECTOR_AGRI_PCT"] == 50
    assert v["THT_AVG_INCOME_MONTH"] == pytest.approx((5 * 3 + 15 * 4) / 20)
    assert plan_indicators({"HTX_TOTAL": 895.0, "HTX_NEW": 148.0}, {"HTX_TOTAL": 747.0}) == {
        "HTX_TOTAL_PCT_PLAN": pytest.approx(119.8125836680),
        "HTX_NEW_PCT_PLAN": None,
    }


# ---------------------------------------------------------------- §7.5 detail over summary


def test_summary_mismatch_only_when_values_differ():
    summary = pd.DataFrame(
        [
            dict(
                unit_code="193",
                indicator_code="HTX_MANAGERS",
                value=856.0,
                label="Tổng số CBQL",
                source_file="a",
                sheet="TH",
                row_number=16,
            ),
            dict(
                unit_code="193",
                indicator_code="HTX_TOTAL",
                value=140.0,
                label="Số HTX",
                source_file="a",
                sheet="TH",
                row_number=9,
            ),
        ]
    )
    findings = compare_summary(summary, {"193": {"HTX_MANAGERS": 896.0, "HTX_TOTAL": 140.0}})
    assert [(f.kind, f.entity_key, f.value_reported, f.value_computed) for f in findings] == [
        ("SUMMARY_MISMATCH", "HTX_MANAGERS", "856", "896")
    ]
    # an average the detail cannot compute (no active cooperative), or a figure left blank: nothing to compare
    no_average = summary.assign(indicator_code="HTX_AVG_REVENUE", value=[12.5, None])
    assert compare_summary(no_average, {"193": {"HTX_AVG_REVENUE": None}}) == []
    assert compare_summary(no_average.iloc[1:], {"193": {"HTX_AVG_REVENUE": 3.0}}) == []
    # within half a tenth: the same figure rounded
    close = compare_summary(summary.assign(value=[896.04, 139.9]), {"193": {"HTX_MANAGERS": 896.0, "HTX_TOTAL": 140.0}})
    assert [f.entity_key for f in close] == ["HTX_TOTAL"]


def test_total_row_compared_with_the_rows_written():
    detail = {
        ("p.xlsx", "LHHTX", "union"): pd.DataFrame({"member_htx": [5.0, 4.0, 4.0], "workers": [32.0, 26.0, 22.0]})
    }
    totals = pd.DataFrame(
        [
            dict(
                source_file="p.xlsx", record_type="union", sheet="LHHTX", row_number=9, field="member_htx", value=22.0
            ),
            dict(source_file="p.xlsx", record_type="union", sheet="LHHTX", row_number=9, field="workers", value=80.0),
        ]
    )
    findings = compare_total_rows(totals, detail, {"p.xlsx": "22"})
    assert [(f.entity_key, f.value_reported, f.value_computed) for f in findings] == [("LHHTX_MEMBER_HTX", "22", "13")]


def test_a_branch_record_listed_before_its_parent_does_not_stand_for_the_cooperative():
    """Branch 5770125871-001 is dissolved (01) and listed first; the cooperative's own record (00) decides."""
    register = pd.DataFrame(
        [
            tax(
                tax_code="5770125871-001",
                tax_code_parent="5770125871",
                name="Chi nhánh HTX Xuân Thành",
                status_code="01",
                entity_type="Hợp tác xã",
            ),
            tax(status_code="00"),
        ]
    )
    rows = pd.DataFrame(
        [coop(name="HTX dịch vụ nông nghiệp Xuân Thành", tax_code="5770125871", tax_code_raw="5770125871")]
    )
    out, _ = er.resolve_identities(rows, register)
    assert register.at[out.iloc[0]["tax_index"], "tax_code"] == "5770125871"
    # with no record of its own, the branch's record still identifies the parent cooperative
    out, findings = er.resolve_identities(rows, register.iloc[[0]])
    assert out.iloc[0]["tax_index"] == 0 and out.iloc[0]["tax_code"] == "5770125871"
    assert [f.kind for f in findings] == []


@pytest.mark.parametrize("members", [5700100256.0, 12.5, float("inf")])
def test_a_count_that_is_not_a_count_is_quarantined(members):
    """A tax code pasted into 'Số thành viên', a decimal read from '1,5', an overflowing cell."""
    rows = pd.DataFrame([coop(members=members, entity_key="k1"), coop(row_number=11, entity_key="k2")])
    kept, quarantine, findings = quarantine_rows(rows, "cooperative", Q3)
    assert list(kept["row_number"]) == [11]
    assert quarantine.iloc[0]["rule"] == "implausible_number" and "số người" in quarantine.iloc[0]["reason_vi"]
    assert [f.kind for f in findings] == ["ROW_QUARANTINED"]


def test_averages_on_a_total_row_are_not_compared_with_a_sum():
    detail = {("d.xlsx", "HTX", "cooperative"): pd.DataFrame({"avg_income": [60.0, 70.0], "members": [10.0, 5.0]})}
    totals = pd.DataFrame(
        [
            dict(
                source_file="d.xlsx",
                record_type="cooperative",
                sheet="HTX",
                row_number=20,
                field="avg_income",
                value=65.0,
            ),
            dict(
                source_file="d.xlsx", record_type="cooperative", sheet="HTX", row_number=20, field="members", value=16.0
            ),
        ]
    )
    findings = compare_total_rows(totals, detail, {"d.xlsx": "193"})
    assert [(f.entity_key, f.value_reported, f.value_computed) for f in findings] == [("HTX_MEMBERS", "16", "15")]
