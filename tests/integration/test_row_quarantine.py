"""One row never stops a period (issue 13): a row that cannot be classified is quarantined with its reason, the
identities hold by construction, and the period publishes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kttt_pipeline.core.periods import Period
from kttt_pipeline.reconcile.indicators import check_identity
from kttt_pipeline.reconcile.plausibility import quarantine_rows
from kttt_pipeline.run import run_period

from .. import small_period as sp
from ..workbook_factory import coop_row

Q3 = Period(2024, 3)


def _coop(**kw):
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
        status_text="Đang hoạt động",
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
        values_unreadable=None,
    )
    base.update(kw)
    return base


def test_unreadable_status_and_counts_quarantine_the_row_with_the_text_quoted():
    rows = pd.DataFrame(
        [
            _coop(),
            _coop(row_number=11, status_text="Ngưng hẳn", status=None),
            _coop(row_number=12, status_text=None, status=None),
            _coop(row_number=13, members=None, values_unreadable={"members": "nhiều"}),
            _coop(row_number=14, revenue=None, values_unreadable={"revenue": "chưa có"}),  # money: left empty, loads
        ]
    )
    rows["entity_key"] = rows["name"]
    kept, q, findings = quarantine_rows(rows, "cooperative", Q3)
    assert list(kept["row_number"]) == [10, 14]
    reasons = dict(zip(q["row_number"], q["reason_vi"]))
    assert reasons[11] == "không đọc được tình trạng hoạt động 'Ngưng hẳn' (không có trong danh mục tình trạng)"
    assert reasons[12].startswith("không ghi tình trạng hoạt động")
    assert reasons[13] == "số thành viên ghi 'nhiều', không phải là số"
    assert dict(zip(q["row_number"], q["rule"])) == {
        11: "status_unreadable",
        12: "status_unreadable",
        13: "count_unreadable",
    }
    assert "nhiều" in q.set_index("row_number").at[13, "raw_values"]
    assert sorted(f.row_number for f in findings) == [11, 12, 13]
    assert all(f.kind == "ROW_QUARANTINED" and f.sheet == "HTX" and f.source_file == "a.xlsx" for f in findings)


def test_a_group_with_an_unreadable_member_count_is_quarantined():
    rows = pd.DataFrame(
        [
            dict(
                unit_code="193",
                source_file="a.xlsx",
                sheet="THT",
                row_number=5,
                name="THT A",
                sector="AGRI",
                members=None,
                revenue=1.0,
                avg_income_month=2.0,
                values_unreadable={"members": "#REF!"},
            )
        ]
    )
    rows["entity_key"] = rows["name"]
    kept, q, _ = quarantine_rows(rows, "group", Q3)
    assert kept.empty and q["reason_vi"].iloc[0] == "số thành viên ghi '#REF!', không phải là số"


@pytest.fixture()
def messy_rows_period(tmp_path, monkeypatch):
    coops = sp.HL_COOPS + [
        coop_row(6, "HTX tình trạng lạ", None, status="Ngưng hẳn"),
        coop_row(7, "HTX không ghi tình trạng", None, status=None),
        coop_row(8, "HTX số người bằng chữ", None, members="nhiều"),
        coop_row(9, None, None, members=12),  # numbers but no name
    ]
    monkeypatch.setattr(sp, "HL_COOPS", coops)
    return sp.make_small_period(tmp_path / "raw")


def test_unclassifiable_rows_are_quarantined_and_the_identity_holds(messy_rows_period):
    result = run_period(messy_rows_period, sp.PERIOD)
    q = result.quarantine
    hl = q[q["source_file"].str.endswith("HL.xlsx")]
    # listing rows 5..9 sit at Excel rows 10..14 (three title rows, two header rows)
    by_row = dict(zip(hl["row_number"], hl["rule"]))
    assert by_row == {
        10: "mw_gt_workers",
        11: "status_unreadable",
        12: "status_unreadable",
        13: "count_unreadable",
        14: "missing_name",
    }
    found = result.dq_issue[result.dq_issue["kind"] == "ROW_QUARANTINED"]
    assert {(r.source_file.split("/")[-1], r.sheet, int(r.row_number)) for r in found.itertuples()} == {
        ("HL.xlsx", "Danh sách HTX", n) for n in (10, 11, 12, 13, 14)
    }
    audit = result.load_audit.set_index("source_file").loc[f"{sp.PERIOD}/districts/HL.xlsx"]
    assert audit["rows_quarantined"] == 5
    assert audit["rows_read"] == audit["rows_loaded"] + audit["rows_quarantined"] + audit["rows_non_entity"]
    values: dict[str, dict] = {}
    for r in result.rpt_indicator.itertuples():
        values.setdefault(r.unit_code, {})[r.indicator_code] = r.value
    assert values and all(check_identity(v) for v in values.values())
    # nothing of the quarantined rows is counted: Hạ Long keeps its four good cooperatives
    assert result.indicator("193", "HTX_TOTAL") == 4


def test_the_period_with_unclassifiable_rows_publishes(messy_rows_period, tmp_path, capsys):
    from kttt_pipeline.cli import main

    rc = main(
        [
            "materialize",
            "--period",
            sp.PERIOD,
            "--raw-dir",
            str(messy_rows_period),
            "--warehouse",
            f"sqlite:///{tmp_path / 'w.db'}",
            "--reports-dir",
            str(tmp_path / "reports"),
        ]
    )
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert "đã công bố" in out.out
    assert (tmp_path / "reports" / sp.PERIOD / f"phu_bieu_{sp.PERIOD}.xlsx").is_file()


# ---------------------------------------------------------------- if the identity still breaks, say where


@pytest.fixture()
def status_rule_switched_off(monkeypatch):
    """The state before issue 13: a row with an unreadable status reaches the indicators."""
    import kttt_pipeline.ingest.schemas as schemas

    monkeypatch.setattr(schemas, "_status_readable", lambda df: pd.Series(True, index=df.index))


def test_identity_break_names_the_unit_the_figures_and_the_rows(messy_rows_period, status_rule_switched_off):
    from kttt_pipeline.reconcile.identities import breaks_description_vi, breaks_markdown, identity_breaks

    r = run_period(messy_rows_period, sp.PERIOD)
    breaks = identity_breaks(r.rpt_indicator, r.cooperative, r.admin_unit, r.stg_cooperative)
    assert sorted(b.unit_code for b in breaks) == ["193", "22"]
    hl = next(b for b in breaks if b.unit_code == "193")
    assert hl.total == 6 and hl.parts_sum == 4  # four countable cooperatives and two without a status class
    assert [(r["sheet"], r["row_number"], r["status_text"]) for r in hl.rows] == [
        ("Danh sách HTX", 11, "Ngưng hẳn"),
        ("Danh sách HTX", 12, None),
    ]
    text = breaks_description_vi(breaks)
    assert "Thành phố Hạ Long (mã 193)" in text and "Tổng số HTX 6 ≠" in text and "= 4" in text
    assert "dòng 11 ('HTX tình trạng lạ', tình trạng ghi 'Ngưng hẳn')" in text
    assert "dòng 12 ('HTX không ghi tình trạng', không ghi tình trạng)" in text
    md = breaks_markdown(breaks)
    assert "| 193 Thành phố Hạ Long | 6 | 3 | 0 | 1 | 0 | 0 | 4 | 2 |" in md
    assert (
        f"| 193 Thành phố Hạ Long | {sp.PERIOD}/districts/HL.xlsx | Danh sách HTX | 11 | HTX tình trạng lạ "
        "| Ngưng hẳn |" in md
    )


def test_identity_holds_without_breaks():
    from kttt_pipeline.reconcile.identities import identity_breaks

    rpt = pd.DataFrame(
        [
            dict(unit_code="193", indicator_code=c, value=v)
            for c, v in [
                ("HTX_TOTAL", 3.0),
                ("HTX_ACTIVE", 1.0),
                ("HTX_WEAK", 1.0),
                ("HTX_SUSPENDED", 1.0),
                ("HTX_NOT_STARTED", 0.0),
                ("HTX_DISSOLVING", 0.0),
                ("HTX_INACTIVE", 2.0),
            ]
        ]
    )
    empty = pd.DataFrame(columns=["unit_code", "status", "in_total", "source_file", "sheet", "row_number", "name"])
    assert identity_breaks(rpt, empty, pd.DataFrame(columns=["unit_code", "level", "name_vi", "kind_vi"])) == []
    broken = rpt.assign(value=rpt["value"].where(rpt["indicator_code"] != "HTX_TOTAL", 4.0))
    assert [
        b.unit_code
        for b in identity_breaks(broken, empty, pd.DataFrame(columns=["unit_code", "level", "name_vi", "kind_vi"]))
    ] == ["193"]


def test_a_blocked_run_says_which_unit_figures_and_rows_in_the_cli_and_the_check(
    messy_rows_period, status_rule_switched_off, tmp_path, capsys
):
    from kttt_pipeline.cli import main

    rc = main(
        [
            "materialize",
            "--period",
            sp.PERIOD,
            "--raw-dir",
            str(messy_rows_period),
            "--warehouse",
            f"sqlite:///{tmp_path / 'w.db'}",
            "--reports-dir",
            str(tmp_path / "reports"),
        ]
    )
    err = capsys.readouterr().err
    assert rc == 1
    assert "status_identity: Đẳng thức tình trạng HTX" in err
    assert "Thành phố Hạ Long (mã 193): Tổng số HTX 6 ≠" in err
    assert f"tệp '{sp.PERIOD}/districts/HL.xlsx', sheet 'Danh sách HTX', dòng 11" in err
    assert not (tmp_path / "reports" / sp.PERIOD / f"phu_bieu_{sp.PERIOD}.xlsx").exists()


def test_the_identity_check_metadata_is_a_table_of_figures_and_rows(
    messy_rows_period, status_rule_switched_off, tmp_path
):
    from kttt_pipeline.orchestration.definitions import make_resources, period_job

    result = period_job(
        make_resources(str(messy_rows_period), f"sqlite:///{tmp_path / 'w.db'}", str(tmp_path / "r"))
    ).execute_in_process(partition_key=sp.PERIOD, raise_on_error=False)
    ev = next(e for e in result.get_asset_check_evaluations() if e.check_name == "status_identity")
    assert ev.asset_key.to_user_string() == "rpt_indicator"
    assert not ev.passed
    md = ev.metadata["identity"].value
    assert "| 193 Thành phố Hạ Long | 6 | 3 | 0 | 1 | 0 | 0 | 4 | 2 |" in md and "| Danh sách HTX | 12 |" in md
    assert sorted(ev.metadata["units_broken"].value) == ["193", "22"]
    assert "dòng 11" in ev.description


def test_a_staging_schema_failure_names_the_rows():
    from kttt_pipeline.reconcile.identities import schema_failures, schema_failures_text_vi
    from kttt_pipeline.schema.frames import staging_schemas

    NAN = float("nan")
    frame = pd.DataFrame(
        [
            dict(
                period="2024-Q3",
                unit_code="193",
                source_file="2024-Q3/districts/HL.xlsx",
                sheet="DS HTX",
                row_number=n,
                name="HTX A",
                tax_code=None,
                tax_code_valid=False,
                sector=s,
                status="ACTIVE",
                grade=None,
                members=1.0,
                workers=1.0,
                member_workers=NAN,
                managers=NAN,
                charter_capital=NAN,
                revenue=NAN,
                profit=NAN,
                avg_income=NAN,
                hightech=False,
                value_chain=False,
            )
            for n, s in ((7, "AGRI"), (8, "FISHING"))
        ]
    )
    failures = schema_failures(frame, staging_schemas()["stg_cooperative"], "stg_cooperative")
    assert [(f["column"], f["value"], f["sheet"], f["row_number"]) for f in failures] == [
        ("sector", "FISHING", "DS HTX", 8)
    ]
    text = schema_failures_text_vi(failures)
    assert "bảng stg_cooperative, cột sector: 'FISHING'" in text and "dòng 8" in text and "HL.xlsx" in text
    assert schema_failures(frame.iloc[:1], staging_schemas()["stg_cooperative"], "stg_cooperative") == []


def test_failed_expectations_are_described_in_vietnamese():
    from kttt_pipeline.quality.warehouse_suite import failures_text_vi

    text = failures_text_vi(
        [
            {
                "table": "rpt_indicator",
                "expectation": "expect_column_values_to_not_be_null",
                "kwargs": {"column": "value"},
                "unexpected_count": 3,
                "partial_unexpected_list": [None],
            }
        ]
    )
    assert text.startswith("Kiểm tra dữ liệu kho") and "bảng rpt_indicator" in text and "cột value" in text
    assert "3 dòng sai" in text
