"""Across the reform in one warehouse, through every asset (dagster.materialize), on SQLite and PostgreSQL: a
district period (2025-Q2) restated on the current units and a commune period (2025-Q3), and the analysts' view
that gives one comparable series per current unit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kttt_pipeline.orchestration.definitions import make_resources, period_job
from kttt_pipeline.reconcile.restate import restated_indicator_codes

from ..reform_periods import (
    COMMUNE_PERIOD,
    DISTRICT_COOPS,
    DISTRICT_GROUPS,
    DISTRICT_PERIOD,
    make_commune_period,
    make_district_period,
)

pytestmark = pytest.mark.slow


def _materialize(raw: Path, url: str, reports: Path, period: str, province: str | None = None):
    result = period_job(make_resources(str(raw), url, str(reports), province)).execute_in_process(
        partition_key=period, raise_on_error=False
    )
    failures = [e.step_failure_data.error.message for e in result.all_events if e.is_step_failure]
    assert result.success, failures
    return result


def _rows(url: str, sql: str, **params) -> list[dict]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def test_both_sides_of_the_reform_in_one_warehouse(tmp_path, warehouse_url):
    raw = tmp_path / "raw"
    make_district_period(raw)
    make_commune_period(raw)
    for period in (DISTRICT_PERIOD, COMMUNE_PERIOD):
        _materialize(raw, warehouse_url, tmp_path / "reports", period)

    # 2025-Q2: the restated units add up to the province less the rows that could not be placed, each named
    restated = {
        (r["unit_code"], r["indicator_code"]): r["value"]
        for r in _rows(
            warehouse_url,
            "SELECT unit_code, indicator_code, value FROM rpt_indicator_restated WHERE period = :p",
            p=DISTRICT_PERIOD,
        )
    }
    province = {
        r["indicator_code"]: r["value"]
        for r in _rows(
            warehouse_url,
            "SELECT indicator_code, value FROM rpt_indicator WHERE period = :p AND unit_code = '22'",
            p=DISTRICT_PERIOD,
        )
    }
    unplaced = _rows(
        warehouse_url,
        "SELECT entity_key, unit_code, detail FROM dq_issue WHERE period = :p AND kind = 'COMMUNE_UNPLACED'",
        p=DISTRICT_PERIOD,
    )
    n_coops = sum(1 for *_, new, _ in DISTRICT_COOPS if new is None)
    n_groups = sum(1 for *_, new in DISTRICT_GROUPS if new is None)
    assert len(unplaced) == n_coops + n_groups and all(r["unit_code"] is None for r in unplaced)
    for code, left_out in (("HTX_TOTAL", n_coops), ("THT_TOTAL", n_groups)):
        units = sum(v for (u, c), v in restated.items() if c == code and u != "22")
        assert units + left_out == province[code] == restated[("22", code)]
    assert {c for _, c in restated} == set(restated_indicator_codes())

    # 2025-Q3: the restated rows are the reported ones
    q3 = _rows(
        warehouse_url,
        "SELECT s.unit_code, s.indicator_code, s.value, r.value AS reported "
        "FROM rpt_indicator_restated s LEFT JOIN rpt_indicator r ON r.period = s.period "
        "AND r.unit_code = s.unit_code AND r.indicator_code = s.indicator_code "
        "WHERE s.period = :p",
        p=COMMUNE_PERIOD,
    )
    assert q3 and all(r["value"] == r["reported"] for r in q3)

    # the analysts' view: both quarters for the same current unit, restated then reported
    series = _rows(
        warehouse_url,
        "SELECT period, unit_name, value, source, is_complete FROM v_indicator_comparable "
        "WHERE unit_code = '06688' AND indicator_code = 'HTX_TOTAL' ORDER BY period",
    )
    assert [(r["period"], r["value"], r["source"]) for r in series] == [
        (DISTRICT_PERIOD, 1.0, "restated"),
        (COMMUNE_PERIOD, 2.0, "reported"),
    ]
    assert series[0]["unit_name"] == "Phường Hạ Long" and not series[0]["is_complete"]
    province_series = _rows(
        warehouse_url,
        "SELECT period, source FROM v_indicator_comparable "
        "WHERE unit_code = '22' AND indicator_code = 'HTX_TOTAL' ORDER BY period",
    )
    assert [r["source"] for r in province_series] == ["reported", "reported"]
    # the rejected return of the former city and the ward's own return
    audit = _rows(
        warehouse_url,
        "SELECT status, unit_code FROM load_audit WHERE period = :p AND source_file LIKE '%TP Ha Long%'",
        p=COMMUNE_PERIOD,
    )
    assert audit == [{"status": "UNIT_NOT_IN_FORCE", "unit_code": None}]

    # re-materialising the district period replaces its restated rows, the commune period untouched
    before = _rows(
        warehouse_url, "SELECT COUNT(*) AS n FROM rpt_indicator_restated WHERE period = :p", p=COMMUNE_PERIOD
    )
    _materialize(raw, warehouse_url, tmp_path / "reports", DISTRICT_PERIOD)
    counts = _rows(
        warehouse_url, "SELECT period, COUNT(*) AS n FROM rpt_indicator_restated GROUP BY period ORDER BY period"
    )
    assert [(r["period"], r["n"]) for r in counts] == [
        (DISTRICT_PERIOD, len(restated)),
        (COMMUNE_PERIOD, before[0]["n"]),
    ]


KTTT = str(Path(sys.executable).parent / "kttt")


def test_materialize_with_province_24_publishes_a_bac_ninh_period(tmp_path):
    """`kttt materialize --province 24`: Bắc Ninh's units, code and name in the warehouse and the reports."""
    from kttt_pipeline.core.admin_units import load_admin_units, province_of, reporting_units
    from kttt_pipeline.core.periods import Period

    from .test_reform import make_bac_ninh_period

    register = load_admin_units(province="24")
    units = reporting_units(register, Period.parse(COMMUNE_PERIOD))
    make_bac_ninh_period(tmp_path / "raw", units[:2])
    env = {k: v for k, v in os.environ.items() if not k.startswith("KTTT_")}
    run = subprocess.run(
        [KTTT, "materialize", "--province", "24", "--period", COMMUNE_PERIOD, "--raw-dir", "raw"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"2/{len(units)} đơn vị báo cáo" in run.stdout
    url = f"sqlite:///{tmp_path / 'warehouse' / 'kttt.db'}"
    province = province_of(register)
    rows = _rows(
        url,
        "SELECT unit_code, value FROM rpt_indicator WHERE period = :p AND indicator_code = 'HTX_TOTAL'",
        p=COMMUNE_PERIOD,
    )
    assert {r["unit_code"] for r in rows} == {province.unit_code, units[0].unit_code, units[1].unit_code}
    names = _rows(url, "SELECT name_vi FROM admin_unit WHERE level = 'province'")
    assert names == [{"name_vi": province.name_vi}]
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "warehouse" / "reports" / COMMUNE_PERIOD / f"phu_bieu_{COMMUNE_PERIOD}.xlsx")
    texts = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(f"TỈNH {province.name_vi.upper()}" in t for t in texts)
    other = [province_of(load_admin_units(province=p)).name_vi for p in ("22",)]
    assert not any(name in t or name.upper() in t for name in other for t in texts)
    # an unknown province is refused before anything runs
    bad = subprocess.run(
        [KTTT, "materialize", "--province", "99", "--period", COMMUNE_PERIOD, "--raw-dir", "raw"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert bad.returncode == 2 and "99" in bad.stderr
