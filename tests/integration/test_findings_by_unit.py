"""The analyst's questions (issue 28). "All findings of a unit in a period", answered by unit code: every finding a
text search of dq_issue.detail for the unit's name finds is among the findings the view v_finding gives for the
unit's code (unit_code, or current_unit_code for findings about its former units and restated rows). "A unit's
indicators with labels": v_indicator gives each count as an integer, with its label and the unit's name."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kttt_pipeline.core.admin_units import load_admin_units, load_crosswalk, unit_label
from kttt_pipeline.core.vocabulary import indicators
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
            figures = conn.execute(
                text(
                    "SELECT indicator_code, indicator_name, kind, count_value, value, unit_name FROM v_indicator "
                    "WHERE province_code = :province AND period = :period AND unit_code = :unit"
                ),
                {"province": province, "period": PERIODS[-1], "unit": code},
            ).all()
            province_total = conn.execute(
                text(
                    "SELECT count_value, value FROM v_indicator WHERE province_code = :province AND period = :period "
                    "AND unit_code = province_code AND indicator_code = 'HTX_TOTAL'"
                ),
                {"province": province, "period": PERIODS[-1]},
            ).one()
            walk = conn.execute(
                text(
                    "SELECT c.old_name, c.is_main, c.share FROM unit_crosswalk c "
                    "WHERE c.province_code = :province AND c.new_unit_code = :unit"
                ),
                {"province": province, "unit": code},
            ).all()
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
    # the crosswalk of the ward: the register's rows that lead to it, one of them its namesake's split commune
    register = load_crosswalk(None, province)
    want = register[register["new_code"] == code]
    assert sorted(r[0] for r in walk) == sorted(want["old_name"]) and len(walk) > 1
    assert [bool(r[1]) for r in sorted(walk)] == [m == "1" for _, m in sorted(zip(want["old_name"], want["is_main"]))]
    labels = {i.code: i.name_vi for i in indicators()}
    by_code = {f[0]: f for f in figures}
    total = by_code["HTX_TOTAL"]
    assert total[1] == labels["HTX_TOTAL"] and total[2] == "count" and total[5] == f"{UNIT_KIND} {UNIT_NAME}"
    assert isinstance(total[3], int) and not isinstance(total[3], bool) and total[3] == total[4]
    assert isinstance(province_total[0], int) and province_total[0] == province_total[1] > 0
    counts = [f for f in figures if f[2] == "count"]
    assert counts and all(isinstance(f[3], int) and f[3] == f[4] for f in counts if f[4] is not None)
    assert all(f[3] is None for f in figures if f[2] != "count")
    # the text search finds something (a restated row placed in the ward), so the comparison says something
    assert sum(len(ids) for ids in named.values()) > 0
    assert {p: named[p] - found[p] for p in PERIODS} == {p: set() for p in PERIODS}


def test_a_cooperative_vanished_across_the_reform_is_found_by_its_current_unit(sqlite_url, tmp_path):
    """A cooperative counted in 2025-Q2 (a former district's return) and listed nowhere in 2025-Q3: its COOP_VANISHED
    finding names the former unit and, as current_unit_code, the unit its address places it in now (where this
    quarter's tax register places it), so "all findings of a unit" by code finds it."""
    import openpyxl

    raw = tmp_path / "raw"
    engine = make_engine(sqlite_url)
    try:
        for period in PERIODS:
            write_demo_period(raw, period)
        load_period(engine, PERIODS[0], run_period(raw, PERIODS[0], history=engine))
        with engine.connect() as conn:
            province = conn.execute(text("SELECT DISTINCT province_code FROM cooperative")).scalar_one()
            before = dict(
                conn.execute(
                    text("SELECT tax_code, unit_code FROM cooperative WHERE period = :p AND in_total"),
                    {"p": PERIODS[0]},
                ).all()
            )
        # a cooperative counted the quarter before, listed by the unit the tax register places it in
        first = run_period(raw, PERIODS[1], history=engine)
        placed = dict(zip(first.stg_tax_register["tax_code"], first.stg_tax_register["unit_code"]))
        coops = first.cooperative[
            first.cooperative["tax_code"].isin(before)
            & first.cooperative["tax_code"].map(placed).eq(first.cooperative["unit_code"])
            & first.cooperative["source_file"].str.endswith(".xlsx")
        ]
        assert not coops.empty
        gone = coops.iloc[0]
        code = gone["unit_code"]
        name = next(u for u in load_admin_units(None, province) if u.unit_code == code)
        assert not any(f == "COOP_VANISHED" for f in first.dq_issue["kind"])  # the demo keeps its cooperatives
        book = openpyxl.load_workbook(raw / gone["source_file"])
        book[gone["sheet"]].delete_rows(int(gone["row_number"]))
        book.save(raw / gone["source_file"])
        load_period(engine, PERIODS[1], run_period(raw, PERIODS[1], history=engine))
        with engine.connect() as conn:
            vanished = (
                conn.execute(
                    text(
                        "SELECT id, unit_code, current_unit_code, former_unit_code, current_unit_name, detail "
                        "FROM v_finding WHERE period = :p AND kind = 'COOP_VANISHED' AND entity_key = :tax"
                    ),
                    {"p": PERIODS[1], "tax": gone["tax_code"]},
                )
                .mappings()
                .one()
            )
            found = _ids(conn, BY_CODE, province=province, period=PERIODS[1], unit=code)
    finally:
        engine.dispose()
    assert vanished["unit_code"] is None and vanished["former_unit_code"] == before[gone["tax_code"]]
    assert vanished["current_unit_code"] == code and vanished["current_unit_name"] == unit_label(name)
    assert vanished["id"] in found and unit_label(name) in vanished["detail"]
