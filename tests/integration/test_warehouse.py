"""The warehouse (issue 6): migrations, one-transaction period loads, views, dictionary — on SQLite and on a real
PostgreSQL server (``warehouse_url`` is parametrized over both; see tests/conftest.py and scripts/test.sh)."""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import re
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from kttt_pipeline.reconcile.dimensions import crosswalk_frame, indicator_frame, unit_version_frame
from kttt_pipeline.run import run_period
from kttt_pipeline.warehouse import (
    FrameMismatch,
    WarehouseUnavailable,
    current_revision,
    dictionary,
    head_revision,
    load_period,
    make_engine,
    period_row_counts,
    upgrade,
)
from kttt_pipeline.warehouse.migrate import downgrade
from kttt_pipeline.warehouse.models import ALL_TABLES, PERIOD_TABLES, VIEW_DOCS, Base

from ..specimen import SPECIMEN_RAW, needs_specimen

ROOT = Path(__file__).resolve().parents[2]
NaT = pd.NaT


# ------------------------------------------------------------------------------------ a synthetic result


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def make_result(period: str = "2024-Q3", scale: int = 1, *, with_admin: bool = True, province_htx: float = 10.0):
    """A small hand-built period result with the exact frames and columns of docs/architecture.md.

    ``scale`` changes the number of rows (so that two periods differ)."""
    year = int(period[:4])
    units = ["193", "198"]
    audit = _frame(
        [
            {
                "period": period,
                "source_file": f"{period}/districts/u{u}.xlsx",
                "file_kind": "unit_return",
                "sha256": "ab" * 32,
                "size_bytes": 12345 + i,
                "modified_at": pd.Timestamp("2024-10-15 08:30:00"),
                "unit_code": u,
                "report_date": dt.date(2024, 10, 15),
                "sheets": "Tổng hợp,Danh sách HTX",
                "rows_read": 5 * scale,
                "rows_loaded": 4 * scale,
                "rows_quarantined": 1,
                "rows_non_entity": 0,
                "status": "LOADED",
                "error": None,
            }
            for i, u in enumerate(units)
        ]
        + [
            {
                "period": period,
                "source_file": f"{period}/tax/thue.csv",
                "file_kind": "tax",
                "sha256": "cd" * 32,
                "size_bytes": 999,
                "modified_at": NaT,
                "unit_code": None,
                "report_date": NaT,
                "sheets": "",
                "rows_read": 7,
                "rows_loaded": 7,
                "rows_quarantined": 0,
                "rows_non_entity": 0,
                "status": "LOADED",
                "error": None,
            }
        ],
        [
            "period",
            "source_file",
            "file_kind",
            "sha256",
            "size_bytes",
            "modified_at",
            "unit_code",
            "report_date",
            "sheets",
            "rows_read",
            "rows_loaded",
            "rows_quarantined",
            "rows_non_entity",
            "status",
            "error",
        ],
    )
    coop_cols = [
        "period",
        "unit_code",
        "source_file",
        "sheet",
        "row_number",
        "name",
        "tax_code_raw",
        "tax_code",
        "tax_code_valid",
        "registered_on",
        "dissolved_on",
        "commune",
        "sector_text",
        "sector",
        "status_text",
        "status",
        "grade_text",
        "grade",
        "members",
        "workers",
        "member_workers",
        "managers",
        "managers_primary_secondary",
        "managers_college_plus",
        "charter_capital",
        "revenue",
        "profit",
        "avg_income",
        "ocop_products",
        "hightech",
        "value_chain",
    ]
    stg_coop, coops = [], []
    for u in units:
        for i in range(2 * scale):
            code = f"57{u}{i:05d}"[:10]
            stg_coop.append(
                {
                    "period": period,
                    "unit_code": u,
                    "source_file": f"{period}/districts/u{u}.xlsx",
                    "sheet": "Danh sách HTX",
                    "row_number": 6 + i,
                    "name": f"HTX dịch vụ {u}-{i}",
                    "tax_code_raw": code,
                    "tax_code": code,
                    "tax_code_valid": True,
                    "registered_on": dt.date(2020, 1, 1 + i),
                    "dissolved_on": NaT,
                    "commune": "Hoành Bồ",
                    "sector_text": "Nông nghiệp",
                    "sector": "AGRI",
                    "status_text": "Đang hoạt động",
                    "status": "ACTIVE",
                    "grade_text": "Tốt" if i else None,
                    "grade": "GOOD" if i else None,
                    "members": float(7 + i),
                    "workers": float(5 + i),
                    "member_workers": np.nan,
                    "managers": 3.0,
                    "managers_primary_secondary": 1.0,
                    "managers_college_plus": 1.0,
                    "charter_capital": 500.5,
                    "revenue": 1200.25,
                    "profit": -3.5,
                    "avg_income": 48.0,
                    "ocop_products": np.nan,
                    "hightech": bool(i % 2),
                    "value_chain": False,
                }
            )
            coops.append(
                {
                    "period": period,
                    "coop_key": code,
                    "unit_code": u,
                    "name": f"HTX dịch vụ {u}-{i}",
                    "tax_code": code,
                    "tax_code_written": code,
                    "match_method": "tax_code",
                    "sector": "AGRI",
                    "status_reported": "ACTIVE",
                    "status": "ACTIVE",
                    "grade": "GOOD" if i else None,
                    "registered_on": dt.date(2020, 1, 1 + i),
                    "dissolved_on": None,
                    "members": float(7 + i),
                    "workers": float(5 + i),
                    "member_workers": np.nan,
                    "managers": 3.0,
                    "managers_primary_secondary": 1.0,
                    "managers_college_plus": 1.0,
                    "charter_capital": 500.5,
                    "revenue": 1200.25,
                    "profit": -3.5,
                    "avg_income": 48.0,
                    "ocop_products": 1.0,
                    "hightech": np.bool_(i % 2 == 1),
                    "value_chain": False,
                    "tax_status_code": "00",
                    "declared_revenue": 0.5,
                    "in_total": True,
                    "is_active": True,
                    "source_file": f"{period}/districts/u{u}.xlsx",
                    "sheet": "Danh sách HTX",
                    "row_number": 6 + i,
                }
            )
    groups = [
        {
            "period": period,
            "unit_code": "193",
            "name": f"THT {i}",
            "sector": "AGRI",
            "members": 6.0,
            "revenue": 300.0,
            "avg_income_month": 4.3,
            "source_file": f"{period}/districts/u193.xlsx",
            "sheet": "Danh sách THT",
            "row_number": 5 + i,
        }
        for i in range(scale)
    ]
    stg_group = [
        {
            "period": period,
            "unit_code": g["unit_code"],
            "source_file": g["source_file"],
            "sheet": g["sheet"],
            "row_number": g["row_number"],
            "name": g["name"],
            "representative": "Tô Liên",
            "commune": "Lê Lợi",
            "sector_text": "Nông nghiệp",
            "sector": "AGRI",
            "members": 6.0,
            "revenue": 300.0,
            "avg_income_month": 4.3,
        }
        for g in groups
    ]
    tax = [
        {
            "period": period,
            "source_file": f"{period}/tax/thue.csv",
            "row_number": 2 + i,
            "tax_code": c["tax_code"],
            "tax_code_valid": True,
            "name": c["name"].upper(),
            "address": "Hạ Long",
            "tax_office": "Chi cục Thuế",
            "entity_type": "Hợp tác xã",
            "status_code": "00",
            "status_changed_on": NaT,
            "declared_revenue": 0.5,
            "tax_incurred": 0.0,
            "unit_code": c["unit_code"],
        }
        for i, c in enumerate(coops)
    ]
    summary = [
        {
            "period": period,
            "unit_code": "193",
            "source_file": f"{period}/districts/u193.xlsx",
            "sheet": "Tổng hợp",
            "row_number": 5,
            "label": "Tổng số HTX",
            "indicator_code": "HTX_TOTAL",
            "value": 4.0,
        }
    ]
    quarantine = [
        {
            "period": period,
            "unit_code": "193",
            "source_file": f"{period}/districts/u193.xlsx",
            "sheet": "Danh sách HTX",
            "row_number": 40,
            "record_type": "cooperative",
            "entity_key": "5796132263",
            "rule": "member_workers_le_workers",
            "reason_vi": "Lao động là thành viên lớn hơn tổng số lao động",
            "raw_values": '{"members": 10, "workers": 5, "member_workers": 9}',
        }
    ]
    unions = [
        {
            "period": period,
            "name": "Liên hiệp HTX A",
            "tax_code": "5730191571",
            "sector": "AGRI",
            "member_htx": 5.0,
            "workers": 32.0,
            "charter_capital": 30000.0,
            "source_file": f"{period}/province/tinh.xlsx",
            "row_number": 2,
        }
    ]
    funds = [
        {
            "period": period,
            "name": "QTDND Hưng Đạo",
            "tax_code": "5713625645",
            "members": 1234.0,
            "workers": 10.0,
            "managers": 4.0,
            "total_capital": 130112.0,
            "equity": 11203.0,
            "mobilised": 115302.0,
            "loans": 90210.0,
            "source_file": f"{period}/province/tinh.xlsx",
            "row_number": 2,
        }
    ]
    n_by_unit = {u: float(sum(1 for c in coops if c["unit_code"] == u)) for u in units}
    rpt = []
    for u, v in [("22", province_htx), *n_by_unit.items()]:
        rpt += [
            {"period": period, "unit_code": u, "indicator_code": "HTX_TOTAL", "value": v, "is_complete": True},
            {
                "period": period,
                "unit_code": u,
                "indicator_code": "HTX_AVG_INCOME",
                "value": np.nan,
                "is_complete": True,
            },
        ]
    dq = _frame(
        [
            {
                "period": period,
                "kind": "DUPLICATE",
                "severity": "warning",
                "unit_code": "193",
                "entity_key": "5729543363",
                "source_file": f"{period}/districts/u193.xlsx",
                "sheet": "Danh sách HTX",
                "row_number": 7,
                "detail": "HTX kê khai trùng",
                "value_reported": None,
                "value_computed": None,
                "rule": "7.2",
            },
            {
                "period": period,
                "kind": "DUPLICATE",
                "severity": "warning",
                "unit_code": "193",
                "entity_key": "5729543364",
                "source_file": None,
                "sheet": None,
                "row_number": None,
                "detail": "HTX kê khai trùng",
                "value_reported": None,
                "value_computed": None,
                "rule": "7.2",
            },
            {
                "period": period,
                "kind": "UNIT_MISSING",
                "severity": "error",
                "unit_code": None,
                "entity_key": "194",
                "source_file": None,
                "sheet": None,
                "row_number": None,
                "detail": "Móng Cái chưa gửi báo cáo",
                "value_reported": None,
                "value_computed": None,
                "rule": "7.7",
            },
        ]
        + [
            {
                "period": period,
                "kind": "GRADE_MISSING",
                "severity": "warning",
                "unit_code": "198",
                "entity_key": str(i),
                "source_file": None,
                "sheet": None,
                "row_number": None,
                "detail": "chưa xếp loại",
                "value_reported": None,
                "value_computed": None,
                "rule": "8",
            }
            for i in range(scale)
        ],
        [
            "period",
            "kind",
            "severity",
            "unit_code",
            "entity_key",
            "source_file",
            "sheet",
            "row_number",
            "detail",
            "value_reported",
            "value_computed",
            "rule",
            "current_unit_code",
            "former_unit_code",
        ],
    )
    dq["row_number"] = dq["row_number"].astype("Int64")
    result = types.SimpleNamespace(
        period=period,
        dim_indicator=indicator_frame(),
        unit_crosswalk=crosswalk_frame(None),
        admin_unit_version=unit_version_frame(None),
        load_audit=audit,
        stg_cooperative=_frame(stg_coop, coop_cols),
        stg_group=_frame(
            stg_group,
            [
                "period",
                "unit_code",
                "source_file",
                "sheet",
                "row_number",
                "name",
                "representative",
                "commune",
                "sector_text",
                "sector",
                "members",
                "revenue",
                "avg_income_month",
            ],
        ),
        stg_tax_register=_frame(
            tax,
            [
                "period",
                "source_file",
                "row_number",
                "tax_code",
                "tax_code_valid",
                "name",
                "address",
                "tax_office",
                "entity_type",
                "status_code",
                "status_changed_on",
                "declared_revenue",
                "tax_incurred",
                "unit_code",
            ],
        ),
        stg_summary_figure=_frame(
            summary, ["period", "unit_code", "source_file", "sheet", "row_number", "label", "indicator_code", "value"]
        ),
        quarantine=_frame(
            quarantine,
            [
                "period",
                "unit_code",
                "source_file",
                "sheet",
                "row_number",
                "record_type",
                "entity_key",
                "rule",
                "reason_vi",
                "raw_values",
            ],
        ),
        cooperative=_frame(coops, list(coops[0])),
        cooperative_group=_frame(
            groups,
            [
                "period",
                "unit_code",
                "name",
                "sector",
                "members",
                "revenue",
                "avg_income_month",
                "source_file",
                "sheet",
                "row_number",
            ],
        ),
        cooperative_union=_frame(unions, list(unions[0])),
        credit_fund=_frame(funds, list(funds[0])),
        rpt_indicator=_frame(rpt, ["period", "unit_code", "indicator_code", "value", "is_complete"]),
        rpt_indicator_restated=_frame(
            [
                {"period": period, "unit_code": "22", "indicator_code": "HTX_TOTAL", "value": province_htx},
                {"period": period, "unit_code": "06688", "indicator_code": "HTX_TOTAL", "value": 2.0 * scale},
            ],
            ["period", "unit_code", "indicator_code", "value"],
        ),
        rpt_breakdown=_frame(
            [
                {
                    "period": period,
                    "unit_code": u,
                    "breakdown": "sector_status",
                    "row_key": "AGRI",
                    "col_key": "ACTIVE",
                    "value": v,
                }
                for u, v in [("22", province_htx), *n_by_unit.items()]
            ],
            ["period", "unit_code", "breakdown", "row_key", "col_key", "value"],
        ),
        dq_issue=dq,
        target=_frame(
            [{"year": year, "indicator_code": "HTX_TOTAL", "value": 12.0, "source_file": f"targets/{year}.xlsx"}],
            ["year", "indicator_code", "value", "source_file"],
        ),
        period_status=_frame(
            [
                {
                    "period": period,
                    "units_expected": 3,
                    "units_present": 2,
                    "units_missing": "194",
                    "is_complete": False,
                    "files_seen": 3,
                    "files_rejected": 0,
                    "compared_with": None,
                }
            ],
            [
                "period",
                "units_expected",
                "units_present",
                "units_missing",
                "is_complete",
                "files_seen",
                "files_rejected",
                "compared_with",
            ],
        ),
    )
    if with_admin:
        from kttt_pipeline.core.admin_units import admin_units_frame, load_admin_units

        result.admin_unit = admin_units_frame(load_admin_units())
    return result


# ------------------------------------------------------------------------------------------------ helpers


@pytest.fixture
def engine(warehouse_url):
    eng = make_engine(warehouse_url)
    yield eng
    eng.dispose()


def snapshot(engine, period: str | None = None) -> dict[str, list[tuple]]:
    """Rows (without surrogate ids), sorted, for 'untouched' comparisons: of every table, or of the per-period
    tables for one period."""
    out = {}
    with engine.connect() as conn:
        for name in ALL_TABLES if period is None else PERIOD_TABLES:
            table = Base.metadata.tables[name]
            cols = [c for c in table.columns if c.name != "id"]
            stmt = select(*cols)
            if period is not None:
                stmt = stmt.where(table.c.period == period)
            out[name] = sorted((tuple(r) for r in conn.execute(stmt)), key=repr)
    return out


def total_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(Base.metadata.tables[name])).scalar_one()
            for name in ALL_TABLES
        }


# ------------------------------------------------------------------------------------------------- tests


def test_migrations_create_every_table_and_view_matching_the_models(engine):
    assert upgrade(engine) == head_revision()
    insp = inspect(engine)
    assert set(insp.get_table_names()) == set(ALL_TABLES) | {"alembic_version"}
    assert set(insp.get_view_names()) == set(VIEW_DOCS)
    with engine.connect() as conn:
        for view, (_, columns) in VIEW_DOCS.items():
            keys = list(conn.execute(text(f"SELECT * FROM {view} WHERE 1 = 0")).keys())  # noqa: S608 - constant names
            assert keys == [c for c, _ in columns], view
        # the migrated schema is exactly the models (types, nullability, keys, indexes, comments)
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    # foreign keys to admin_unit where they hold
    for name in ("rpt_indicator", "cooperative", "cooperative_group"):
        fks = insp.get_foreign_keys(name)
        assert any(fk["referred_table"] == "admin_unit" and fk["constrained_columns"] == ["unit_code"] for fk in fks)
    uniques = {
        name: [tuple(u["column_names"]) for u in insp.get_unique_constraints(name)]
        for name in ("rpt_indicator", "load_audit", "cooperative")
    }
    assert uniques == {
        "rpt_indicator": [("province_code", "period", "unit_code", "indicator_code")],
        "load_audit": [("province_code", "period", "source_file")],
        "cooperative": [("province_code", "period", "coop_key")],
    }
    assert insp.get_pk_constraint("period_status")["constrained_columns"] == ["province_code", "period"]


def test_reload_is_idempotent_and_leaves_other_periods_untouched(engine):
    first = load_period(engine, "2024-Q3", make_result("2024-Q3", scale=2))
    counts_q3 = period_row_counts(engine, "2024-Q3")
    assert counts_q3 == {k: first[k] for k in PERIOD_TABLES}
    assert counts_q3["cooperative"] == 8 and counts_q3["rpt_indicator"] == 6 and counts_q3["period_status"] == 1

    second = load_period(engine, "2024-Q4", make_result("2024-Q4", scale=3))
    assert second["cooperative"] == 12
    q4_before = snapshot(engine, "2024-Q4")
    totals_before = total_counts(engine)
    q3_before = snapshot(engine, "2024-Q3")

    again = load_period(engine, "2024-Q3", make_result("2024-Q3", scale=2))
    assert again == first
    assert period_row_counts(engine, "2024-Q3") == counts_q3
    assert snapshot(engine, "2024-Q3") == q3_before
    assert snapshot(engine, "2024-Q4") == q4_before
    assert total_counts(engine) == totals_before

    # a smaller re-run replaces the period exactly (no leftovers), still leaving 2024-Q4 alone
    load_period(engine, "2024-Q3", make_result("2024-Q3", scale=1))
    assert period_row_counts(engine, "2024-Q3")["cooperative"] == 4
    assert snapshot(engine, "2024-Q4") == q4_before


def test_values_round_trip_with_types(engine):
    load_period(engine, "2024-Q3", make_result("2024-Q3"))
    with engine.connect() as conn:
        coop = conn.execute(text("SELECT * FROM cooperative WHERE coop_key = :k"), {"k": "5719300001"}).mappings().one()
        audit = conn.execute(text("SELECT * FROM load_audit WHERE file_kind = 'tax'")).mappings().one()
        audit_d = conn.execute(text("SELECT * FROM load_audit WHERE unit_code = '193'")).mappings().one()
        status = conn.execute(text("SELECT * FROM period_status")).mappings().one()
        avg = conn.execute(
            text("SELECT value FROM rpt_indicator WHERE unit_code = '22' AND indicator_code = 'HTX_AVG_INCOME'")
        ).scalar_one()
        dq_rows = sorted(
            conn.execute(text("SELECT row_number FROM dq_issue WHERE kind = 'DUPLICATE'")).scalars(),
            key=lambda v: (v is None, v),
        )
    assert coop["members"] == 8 and isinstance(coop["members"], int)
    assert coop["member_workers"] is None
    assert coop["hightech"] in (True, 1) and coop["value_chain"] in (False, 0)
    assert coop["charter_capital"] == 500.5 and coop["profit"] == -3.5
    assert str(coop["registered_on"]) == "2020-01-02" and coop["dissolved_on"] is None
    assert audit["modified_at"] is None and audit["report_date"] is None and audit["unit_code"] is None
    assert str(audit_d["modified_at"]).startswith("2024-10-15 08:30:00") and str(audit_d["report_date"]) == "2024-10-15"
    assert status["is_complete"] in (False, 0) and status["units_missing"] == "194"
    assert avg is None
    assert dq_rows == [7, None]


def test_failed_load_leaves_the_period_intact(engine):
    load_period(engine, "2024-Q3", make_result("2024-Q3", scale=2))
    load_period(engine, "2024-Q4", make_result("2024-Q4", scale=1))
    before = snapshot(engine)

    broken = make_result("2024-Q3", scale=3)  # more rows everywhere …
    broken.dq_issue.loc[len(broken.dq_issue) - 1, "kind"] = None  # … and a NOT NULL violation in the last table
    with pytest.raises(IntegrityError):
        load_period(engine, "2024-Q3", broken)
    assert snapshot(engine) == before

    dup = make_result("2024-Q3", scale=3)  # a unique-key violation in rpt_indicator
    dup.rpt_indicator = pd.concat([dup.rpt_indicator, dup.rpt_indicator.iloc[[0]]], ignore_index=True)
    with pytest.raises(IntegrityError):
        load_period(engine, "2024-Q3", dup)
    assert snapshot(engine) == before


def test_frames_that_do_not_fit_are_refused_before_touching_the_database(engine):
    load_period(engine, "2024-Q3", make_result("2024-Q3"))
    before = snapshot(engine)
    extra = make_result("2024-Q3")
    extra.cooperative = extra.cooperative.assign(surprise=1)
    with pytest.raises(FrameMismatch, match="surprise"):
        load_period(engine, "2024-Q3", extra)
    other = make_result("2024-Q4")
    with pytest.raises(FrameMismatch, match="2024-Q4"):
        load_period(engine, "2024-Q3", other)
    missing = make_result("2024-Q3")
    del missing.rpt_indicator
    with pytest.raises(FrameMismatch, match="rpt_indicator"):
        load_period(engine, "2024-Q3", missing)
    with pytest.raises(ValueError):
        load_period(engine, "Q3-2024", make_result("2024-Q3"))
    assert snapshot(engine) == before


def test_admin_units_from_the_register_with_placeholders_and_upserts(engine):
    from kttt_pipeline.core.admin_units import admin_units_frame, load_admin_units

    register = len(load_admin_units())
    result = make_result("2024-Q3", with_admin=False)  # → the packaged register
    result.cooperative.loc[0, "unit_code"] = "999"  # a code the register lacks
    counts = load_period(engine, "2024-Q3", result)
    assert counts["cooperative"] == len(result.cooperative)
    with engine.connect() as conn:
        units = {r.unit_code: r for r in conn.execute(text("SELECT * FROM admin_unit"))}
    assert len(units) == register + 1 and units["999"].level == "unknown"
    assert units["193"].name_vi == "Hạ Long" and str(units["193"].valid_to) == "2025-06-30"
    assert units["22"].parent_code is None and units["193"].parent_code == "22"

    # the register of 1/7/2025: a renamed unit, a new commune under the province; nothing is deleted
    frame = admin_units_frame(load_admin_units())
    frame.loc[frame["unit_code"] == "193", "name_vi"] = "Hạ Long (cũ)"
    frame = pd.concat(
        [
            frame,
            pd.DataFrame(
                [
                    {
                        "unit_code": "25001",
                        "level": "commune",
                        "name_vi": "Hà Lầm",
                        "kind_vi": "Phường",
                        "parent_code": "22",
                        "valid_from": dt.date(2025, 7, 1),
                        "valid_to": None,
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    result = make_result("2025-Q3")
    result.admin_unit = frame
    load_period(engine, "2025-Q3", result)
    with engine.connect() as conn:
        units = {r.unit_code: r for r in conn.execute(text("SELECT * FROM admin_unit"))}
    assert len(units) == register + 2 and units["193"].name_vi == "Hạ Long (cũ)"
    assert str(units["25001"].valid_from) == "2025-07-01" and units["25001"].parent_code == "22"


def test_targets_are_replaced_by_year(engine):
    load_period(engine, "2024-Q3", make_result("2024-Q3"))
    load_period(engine, "2025-Q1", make_result("2025-Q1"))
    r = make_result("2024-Q4")
    r.target = pd.DataFrame(
        [
            {"year": 2024, "indicator_code": c, "value": 1.0, "source_file": "targets/2024.xlsx"}
            for c in ("HTX_TOTAL", "HTX_NEW")
        ]
    )
    load_period(engine, "2024-Q4", r)
    with engine.connect() as conn:
        rows = sorted(conn.execute(text("SELECT year, indicator_code, value FROM target")).all())
    assert rows == [(2024, "HTX_NEW", 1.0), (2024, "HTX_TOTAL", 1.0), (2025, "HTX_TOTAL", 12.0)]


def test_views_return_the_expected_rows(engine):
    load_period(engine, "2024-Q3", make_result("2024-Q3", scale=1, province_htx=10.0))
    load_period(engine, "2024-Q4", make_result("2024-Q4", scale=2, province_htx=8.0))
    with engine.connect() as conn:
        by_unit = conn.execute(
            text(
                "SELECT unit_code, unit_name, value, province_value, share_of_province, province_is_complete "
                "FROM v_indicator_by_unit WHERE period = '2024-Q3' AND indicator_code = 'HTX_TOTAL' ORDER BY unit_code"
            )
        ).all()
        null_share = conn.execute(
            text(
                "SELECT value, province_value, share_of_province FROM v_indicator_by_unit "
                "WHERE period = '2024-Q3' AND indicator_code = 'HTX_AVG_INCOME' AND unit_code = '193'"
            )
        ).one()
        history = conn.execute(
            text(
                "SELECT period, value, previous_period, previous_value, change FROM v_indicator_history "
                "WHERE indicator_code = 'HTX_TOTAL' AND unit_code = '22' ORDER BY period"
            )
        ).all()
        findings = conn.execute(
            text(
                "SELECT unit_code, unit_name, kind, severity, count FROM v_findings_by_unit "
                "WHERE period = '2024-Q4' ORDER BY kind, unit_code"
            )
        ).all()
    assert [(u, n, v, p) for u, n, v, p, _, _ in by_unit] == [
        ("193", "Thành phố Hạ Long", 2.0, 10.0),
        ("198", "Huyện Bình Liêu", 2.0, 10.0),
    ]
    assert all(math.isclose(s, 20.0) for *_, s, _ in by_unit)
    assert all(c in (True, 1) for *_, c in by_unit)
    assert tuple(null_share) == (None, None, None)
    assert [tuple(h) for h in history] == [("2024-Q3", 10.0, None, None, None), ("2024-Q4", 8.0, "2024-Q3", 10.0, -2.0)]
    assert [tuple(f) for f in findings] == [
        ("193", "Thành phố Hạ Long", "DUPLICATE", "warning", 2),
        ("198", "Huyện Bình Liêu", "GRADE_MISSING", "warning", 2),
        (None, None, "UNIT_MISSING", "error", 1),
    ]


def test_example_queries_of_the_dictionary_run(engine):
    load_period(engine, "2024-Q3", make_result("2024-Q3"))
    with engine.connect() as conn:
        for title, _, sql in dictionary.EXAMPLE_QUERIES:
            for statement in (s.strip() for s in sql.split(";") if s.strip()):
                rows = conn.execute(text(statement)).all()
                assert rows is not None, title
        headline = conn.execute(text(dictionary.EXAMPLE_QUERIES[0][2].rstrip(";"))).mappings().all()
    assert [(r["indicator_code"], r["value"], r["target"]) for r in headline] == [("HTX_TOTAL", 10.0, 12.0)]
    assert math.isclose(headline[0]["pct_of_plan"], 100 * 10 / 12)


def test_upgrade_from_the_first_revision_is_a_no_op_to_head(engine):
    assert current_revision(engine) is None
    assert upgrade(engine, "0001") == "0001"
    load_period(engine, "2024-Q3", make_result("2024-Q3"))
    before = snapshot(engine)
    assert upgrade(engine) == head_revision()
    assert upgrade(engine) == head_revision()  # again: nothing to do
    assert current_revision(engine) == head_revision()
    assert snapshot(engine) == before
    # and the first revision can be undone and redone (an empty warehouse again)
    assert downgrade(engine, "base") is None
    assert not (set(inspect(engine).get_table_names()) & set(ALL_TABLES))
    assert upgrade(engine) == head_revision()


def test_unreachable_warehouse_raises_a_clear_error(monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    eng = make_engine(f"postgresql+psycopg://kttt:secret@127.0.0.1:{port}/nowhere?connect_timeout=2")
    monkeypatch.setattr("kttt_pipeline.warehouse.engine.RETRY_DELAY_S", 0.01)
    with pytest.raises(WarehouseUnavailable) as err:
        load_period(eng, "2024-Q3", make_result("2024-Q3"))
    message = str(err.value)
    assert "Không kết nối được kho dữ liệu" in message and "unavailable" in message
    assert "secret" not in message and err.value.attempts == 3


def test_locked_sqlite_warehouse_is_retried_then_reported(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'kttt.db'}"
    upgrade(url)
    holder = make_engine(url)
    eng = make_engine(url, connect_args={"timeout": 0.05})
    monkeypatch.setattr("kttt_pipeline.warehouse.engine.RETRY_DELAY_S", 0.01)
    try:
        with holder.execution_options(sqlite_begin="IMMEDIATE").connect() as conn:
            conn.begin()  # holds the write lock
            with pytest.raises(WarehouseUnavailable, match="database is locked"):
                load_period(eng, "2024-Q3", make_result("2024-Q3"))
            conn.rollback()
        assert load_period(eng, "2024-Q3", make_result("2024-Q3"))["cooperative"] == 4  # free again
    finally:
        holder.dispose()
        eng.dispose()


def test_sqlite_engine_settings(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'kttt.db'}")
    try:
        with eng.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    finally:
        eng.dispose()


def _open_new_warehouse(url: str, start, results) -> None:  # noqa: ANN001
    start.wait()
    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            results.put(conn.exec_driver_sql("PRAGMA journal_mode").scalar())
    except Exception as exc:  # noqa: BLE001 (reported to the test)
        results.put(f"{type(exc).__name__}: {exc}")
    finally:
        eng.dispose()


def test_two_processes_opening_a_new_sqlite_warehouse_at_once_both_get_it(tmp_path):
    """The workers of `kttt materialize --jobs 2` open a new warehouse at the same moment: both switch it to WAL
    at once, and SQLite answers "database is locked" to one of them without waiting (no busy timeout). The
    connection tries again instead of failing that province's run."""
    ctx = multiprocessing.get_context("fork")
    answers = []
    for trial in range(20):
        url = f"sqlite:///{tmp_path / f'kttt{trial}.db'}"
        start, results = ctx.Barrier(2), ctx.Queue()
        workers = [ctx.Process(target=_open_new_warehouse, args=(url, start, results)) for _ in range(2)]
        try:
            for w in workers:
                w.start()
            answers += [results.get(timeout=60) for _ in workers]
        finally:
            for w in workers:
                w.join(timeout=60)
                if w.is_alive():  # hung: never left behind the test
                    w.kill()
    assert answers == ["wal"] * 40, sorted(set(answers))


# ---------------------------------------------------------------------------------------- documentation


def test_every_frame_of_a_reconciled_period_has_exactly_its_tables_columns(tmp_path):
    """The frames handed to the warehouse are its tables (docs/architecture.md): a real period's frames and the
    synthetic result of these tests carry exactly the columns of the models, no more, no fewer."""
    from ..small_period import PERIOD as SMALL
    from ..small_period import make_small_period

    real = run_period(make_small_period(tmp_path / "raw"), SMALL).frames()
    synthetic = make_result()
    assert set(real) == set(ALL_TABLES)
    for name in ALL_TABLES:
        # province_code is not a frame's: the load stamps every row with the run's province
        cols = {c.name for c in Base.metadata.tables[name].columns if c.name not in ("id", "province_code")}
        assert set(real[name].columns) == cols, name
        assert set(getattr(synthetic, name).columns) == cols, name


def test_dictionary_explains_every_table_and_column_and_is_up_to_date():
    text_ = dictionary.render()
    for name, table in Base.metadata.tables.items():
        assert f"### {name}\n" in text_ and table.comment
        for col in table.columns:
            assert col.comment, f"{name}.{col.name} has no comment"
            assert re.search(
                rf"^\| `{col.name}` \| .+ \| .+ \| .+ \|$", text_.split(f"### {name}\n")[1].split("### ")[0], flags=re.M
            ), f"{name}.{col.name}"
    for view, (_, columns) in VIEW_DOCS.items():
        section = text_.split(f"### {view}\n")[1].split("### ")[0]
        for col, _ in columns:
            assert f"| `{col}` |" in section
    assert text_.count("```sql") == len(dictionary.EXAMPLE_QUERIES)
    committed = (ROOT / "docs" / "warehouse.md").read_text(encoding="utf-8")
    assert committed == text_, "docs/warehouse.md is stale: run `python -m kttt_pipeline.warehouse.dictionary`"


# ------------------------------------------------------------------------------------------- the specimen


@pytest.fixture(scope="module")
def specimen_result():
    return run_period(SPECIMEN_RAW, "2024-Q3")


@needs_specimen
@pytest.mark.specimen
@pytest.mark.postgres
def test_specimen_loads_identically_on_sqlite_and_postgres(specimen_result, sqlite_url, postgres_url):
    figures = {}
    for url in (sqlite_url, postgres_url):
        eng = make_engine(url)
        try:
            first = load_period(eng, "2024-Q3", specimen_result)
            other = make_result("2024-Q4", scale=2)
            load_period(eng, "2024-Q4", other)
            q4 = snapshot(eng, "2024-Q4")
            again = load_period(eng, "2024-Q3", specimen_result)
            assert again == first
            assert period_row_counts(eng, "2024-Q3") == {k: first[k] for k in PERIOD_TABLES}
            assert first["rpt_indicator"] == len(specimen_result.rpt_indicator)
            assert first["cooperative"] == len(specimen_result.cooperative)
            assert snapshot(eng, "2024-Q4") == q4
            with eng.connect() as conn:
                figures[url] = sorted(
                    tuple(r)
                    for r in conn.execute(
                        text(
                            "SELECT unit_code, indicator_code, value, is_complete FROM rpt_indicator "
                            "WHERE period = '2024-Q3'"
                        )
                    )
                )
                figures[url + "#counts"] = period_row_counts(eng, "2024-Q3")
        finally:
            eng.dispose()
    sqlite_rows = [(u, c, v, bool(b)) for u, c, v, b in figures[sqlite_url]]
    pg_rows = [(u, c, v, bool(b)) for u, c, v, b in figures[postgres_url]]
    assert sqlite_rows == pg_rows  # bit-identical floats
    assert figures[sqlite_url + "#counts"] == figures[postgres_url + "#counts"]
    expected = {(r.unit_code, r.indicator_code): r.value for r in specimen_result.rpt_indicator.itertuples()}
    for u, c, v, _ in sqlite_rows:
        e = expected[(u, c)]
        assert (v is None and pd.isna(e)) or v == e


def test_a_staged_value_too_big_for_a_count_does_not_stop_the_load(engine):
    """A tax code pasted into 'Số thành viên' reads as 5,700,100,256: too big for INTEGER on PostgreSQL. The row
    is quarantined by §7.6 with its raw values; the staging column holds NULL and the period loads."""
    result = make_result("2024-Q3", scale=1)
    result.stg_cooperative.loc[0, "members"] = 5700100256.0
    result.stg_cooperative.loc[1, "workers"] = float("inf")
    load_period(engine, "2024-Q3", result)
    stg = Base.metadata.tables["stg_cooperative"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(stg.c.row_number, stg.c.members, stg.c.workers).where(stg.c.period == "2024-Q3").order_by(stg.c.id)
        ).all()
    assert rows[0].members is None and rows[1].workers is None
    assert len(rows) == len(result.stg_cooperative)


@pytest.mark.postgres
def test_two_periods_loaded_at_once_into_a_new_postgres_warehouse(postgres_url):
    """A backfill loads quarters concurrently. Both loads find no admin units and insert the same ones; the
    insert of a unit another load has just added is skipped, so both periods load. A barrier holds both loads
    just before their admin_unit insert, so the race happens every time."""
    import threading

    from sqlalchemy import event

    engine = make_engine(postgres_url)
    try:
        upgrade(engine)
        barrier = threading.Barrier(2, timeout=30)

        @event.listens_for(engine, "before_cursor_execute")
        def both_at_the_insert(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("INSERT INTO ADMIN_UNIT"):
                barrier.wait()

        errors: list[BaseException] = []

        def load(period: str) -> None:
            try:
                load_period(engine, period, make_result(period, scale=1))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=load, args=(p,)) for p in ("2024-Q1", "2024-Q2")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == []
        assert period_row_counts(engine, "2024-Q1") == period_row_counts(engine, "2024-Q2")
        with engine.connect() as conn:
            codes = conn.execute(select(Base.metadata.tables["admin_unit"].c.unit_code)).scalars().all()
        assert len(codes) == len(set(codes)) and {"193", "198"} <= set(codes)
    finally:
        engine.dispose()
