"""The analyst's question "all findings of a unit in a period", answered by unit code (issue 28): every finding a
text search of dq_issue.detail for the unit's name finds is among the findings the view v_finding gives for the
unit's code (unit_code, or current_unit_code for findings about its former units and restated rows)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kttt_pipeline.demo import write_demo_period
from kttt_pipeline.run import run_period
from kttt_pipeline.warehouse.engine import make_engine
from kttt_pipeline.warehouse.load import load_period

PERIODS = ["2025-Q2", "2025-Q3"]
UNIT_KIND, UNIT_NAME = "Phường", "Đông Triều"

BY_CODE = """
SELECT id FROM v_finding
WHERE province_code = :province AND period = :period AND (unit_code = :unit OR current_unit_code = :unit)
"""


def _ids(conn, sql: str, **params) -> set[int]:
    return {r[0] for r in conn.execute(text(sql), params)}


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_all_findings_of_a_unit_by_its_code_include_every_finding_naming_it(db, tmp_path, request):
    url = request.getfixturevalue(f"{db}_url")
    raw = tmp_path / "raw"
    engine = make_engine(url)
    try:
        for period in PERIODS:
            write_demo_period(raw, period)
            load_period(engine, period, run_period(raw, period, history=engine))
        # the unit by its kind and name in the register the warehouse holds, in force since the reform
        with engine.connect() as conn:
            province = conn.execute(text("SELECT DISTINCT province_code FROM dq_issue")).scalar_one()
            code = conn.execute(
                text("SELECT unit_code FROM admin_unit WHERE kind_vi = :kind AND name_vi = :name AND valid_to IS NULL"),
                {"kind": UNIT_KIND, "name": UNIT_NAME},
            ).scalar_one()
            found, named = {}, {}
            for period in PERIODS:
                found[period] = _ids(conn, BY_CODE, province=province, period=period, unit=code)
                named[period] = _ids(
                    conn,
                    "SELECT id FROM dq_issue WHERE province_code = :province AND period = :period "
                    "AND detail LIKE :name",
                    province=province,
                    period=period,
                    name=f"%{UNIT_NAME}%",
                )
    finally:
        engine.dispose()
    # the text search finds something (a restated row placed in the ward), so the comparison says something
    assert sum(len(ids) for ids in named.values()) > 0
    assert {p: named[p] - found[p] for p in PERIODS} == {p: set() for p in PERIODS}
