"""Every province of the 2025 reform works with no file to write (issue 27): `kttt demo-data --province CODE`
then `kttt materialize --province CODE` publish all of the province's units from its packaged register. Hà Nội
(01) always, and three other provinces drawn per day (distinct, the seed is the date, printed in the test ids), so
that the 34 registers are exercised over time."""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kttt_pipeline.core.admin_units import load_admin_units, packaged_provinces, reporting_units
from kttt_pipeline.core.periods import Period

KTTT = str(Path(sys.executable).parent / "kttt")
PERIOD = "2025-Q4"
CAPITAL = "01"  # Hà Nội: 126 commune-level units since 1/7/2025 (issue 27; 3,321 in the nation)
TODAY = dt.date.today().isoformat()
#: three other provinces, distinct, drawn with the date as the seed (the same all day, another set tomorrow)
DRAWN = random.Random(TODAY).sample(sorted(set(packaged_provinces()) - {CAPITAL}), 3)


def _kttt(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KTTT_")}  # the province comes from --province
    return subprocess.run([KTTT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)


@pytest.mark.slow
@pytest.mark.parametrize("province", [CAPITAL, *DRAWN], ids=[CAPITAL, *(f"{code}-drawn-{TODAY}" for code in DRAWN)])
def test_demo_then_materialize_publishes_every_unit_of_the_province(tmp_path, province):
    units = reporting_units(load_admin_units(None, province, Period.parse(PERIOD).end), Period.parse(PERIOD))
    if province == CAPITAL:
        assert len(units) == 126
    demo = _kttt(tmp_path, "demo-data", "--province", province, "--period", PERIOD, "--out", "raw/",
                 "--rows-per-unit", "3")  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    run = _kttt(tmp_path, "materialize", "--province", province, "--period", PERIOD)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"({len(units)}/{len(units)} đơn vị báo cáo)" in run.stdout, run.stdout
    engine = create_engine(f"sqlite:///{tmp_path / 'warehouse' / 'kttt.db'}")
    try:
        with engine.connect() as conn:
            published = set(
                conn.execute(
                    text("SELECT DISTINCT unit_code FROM rpt_indicator WHERE period = :p AND province_code = :c"),
                    {"p": PERIOD, "c": province},
                ).scalars()
            )
    finally:
        engine.dispose()
    assert published == {province} | {u.unit_code for u in units}
    assert (tmp_path / "warehouse" / "reports" / PERIOD / f"phu_bieu_{PERIOD}.xlsx").is_file()


@pytest.mark.parametrize(
    "province, period, title",
    [
        ("01", "2025-Q4", "THUẾ THÀNH PHỐ HÀ NỘI"),
        ("22", "2026-Q2", "THUẾ TỈNH QUẢNG NINH"),
        ("22", "2026-Q3", "THUẾ THÀNH PHỐ QUẢNG NINH"),  # a thành phố from 1/9/2026 (its register's dated row)
    ],
)
def test_demo_tax_register_names_the_province_by_its_kind_at_the_period_end(tmp_path, province, period, title):
    import openpyxl

    from kttt_pipeline.demo import write_demo_period

    write_demo_period(tmp_path, period, province=province, rows_per_unit=1, units=2, tax_format="xlsx")
    (path,) = (tmp_path / period / "tax").glob("*.xlsx")
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        first = next(wb.worksheets[0].iter_rows(min_row=1, max_row=1, values_only=True))[0]
    finally:
        wb.close()
    assert first == title


def _province_with_namesakes(period: Period) -> tuple[str, list]:
    """The first packaged province with two reporting units of one kind and name in the period (a merged
    province's 2025-Q2: each former province had its own "huyện Châu Thành")."""
    for code in packaged_provinces():
        units = reporting_units(load_admin_units(None, code, period.end), period)
        labels = [(u.kind_vi, u.name_vi) for u in units]
        if len(set(labels)) < len(labels):
            return code, units
    pytest.skip("no packaged province has two reporting units of one kind and name")


def test_units_that_share_their_kind_and_name_are_told_apart_by_their_codes(tmp_path):
    from kttt_pipeline.demo import write_demo_period
    from kttt_pipeline.run import run_period

    period = Period.parse("2025-Q2")
    province, units = _province_with_namesakes(period)
    write_demo_period(tmp_path / "raw", period.key, province=province, rows_per_unit=2)
    result = run_period(tmp_path / "raw", period.key, province=province)
    assert set(result.rpt_indicator["unit_code"]) == {province} | {u.unit_code for u in units}
