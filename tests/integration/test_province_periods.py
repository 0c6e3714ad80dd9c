"""A period belongs to a province (issue 23): two provinces' periods of the same quarter live side by side in one
warehouse; loading (or re-loading) one replaces exactly that province's period and targets, on SQLite and
PostgreSQL; an existing warehouse of revision 0004 is migrated with every row kept and its province filled in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import MetaData, func, insert, select, text

from kttt_pipeline.demo import write_demo_period
from kttt_pipeline.run import run_period
from kttt_pipeline.warehouse import load_period, make_engine, period_row_counts, upgrade
from kttt_pipeline.warehouse.models import ALL_TABLES, PERIOD_TABLES, Base

PERIOD = "2025-Q4"
QN, BN = "22", "24"  # Quảng Ninh and Bắc Ninh, the two packaged registers
KTTT = str(Path(sys.executable).parent / "kttt")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """The same quarter of two provinces, read and reconciled from their own raw folders (demo returns)."""
    base = tmp_path_factory.mktemp("provinces")
    out = {}
    for code in (QN, BN):
        raw = base / f"raw_{code}"
        write_demo_period(raw, PERIOD, units=4, rows_per_unit=8, province=code)
        out[code] = run_period(raw, PERIOD, province=code)
    return out


def _members(conn, province: str) -> set[str]:
    """The province's own unit code and its units' (admin_unit)."""
    return {province} | set(
        conn.execute(text("SELECT unit_code FROM admin_unit WHERE parent_code = :p"), {"p": province}).scalars()
    )


def _unit_rows(engine, table: str, province: str) -> int:
    """Rows of the period in ``table`` whose unit_code is the province or one of its units: a count that does not
    need the province_code column."""
    with engine.connect() as conn:
        units = _members(conn, province)
        codes = conn.execute(text(f"SELECT unit_code FROM {table} WHERE period = :p"), {"p": PERIOD}).scalars()  # noqa: S608
        return sum(1 for c in codes if c in units)


def _snapshot(engine, province: str) -> dict[str, list[tuple]]:
    """Every row of the province (per-period tables and targets), without surrogate ids, sorted."""
    out = {}
    with engine.connect() as conn:
        for name in (*PERIOD_TABLES, "target"):
            table = Base.metadata.tables[name]
            cols = [c for c in table.columns if c.name != "id"]
            rows = conn.execute(select(*cols).where(table.c.province_code == province))
            out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def test_two_provinces_of_one_quarter_stay_whole_through_loads_and_reruns(results, warehouse_url):
    engine = make_engine(warehouse_url)
    try:
        qn = load_period(engine, PERIOD, results[QN])
        qn_units = _unit_rows(engine, "rpt_indicator", QN)
        assert qn_units == qn["rpt_indicator"] == len(results[QN].rpt_indicator) > 0
        bn = load_period(engine, PERIOD, results[BN])
        # Bắc Ninh's load left every row of Quảng Ninh's quarter in place (it used to delete them: only the
        # period decided what a load replaces)
        assert _unit_rows(engine, "rpt_indicator", QN) == qn_units
        assert _unit_rows(engine, "rpt_indicator", BN) == bn["rpt_indicator"] == len(results[BN].rpt_indicator)
        assert _unit_rows(engine, "cooperative", QN) == len(results[QN].cooperative) > 0
        counts = {p: period_row_counts(engine, PERIOD, p) for p in (QN, BN)}
        assert counts[QN] == {k: qn[k] for k in PERIOD_TABLES}
        assert counts[BN] == {k: bn[k] for k in PERIOD_TABLES}
        assert counts[QN]["period_status"] == counts[BN]["period_status"] == 1
        bn_before, qn_before = _snapshot(engine, BN), _snapshot(engine, QN)
        assert bn_before["target"] and qn_before["target"]  # each province's plan of the year

        # Quảng Ninh re-run: its own rows are replaced by the same rows, Bắc Ninh's are byte-equal
        again = load_period(engine, PERIOD, results[QN])
        assert again == qn
        assert _snapshot(engine, BN) == bn_before
        assert _snapshot(engine, QN) == qn_before
        assert {p: period_row_counts(engine, PERIOD, p) for p in (QN, BN)} == counts
        with engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(Base.metadata.tables["rpt_indicator"])).scalar_one()
            # the views join within a province: each unit beside its own province's figure
            by_unit = conn.execute(
                text(
                    "SELECT v.province_code, v.unit_code, v.province_value, p.value FROM v_indicator_by_unit v "
                    "JOIN rpt_indicator p ON p.province_code = v.province_code AND p.period = v.period "
                    " AND p.indicator_code = v.indicator_code AND p.unit_code = v.province_code "
                    "WHERE v.period = :p AND v.indicator_code = 'HTX_TOTAL'"
                ),
                {"p": PERIOD},
            ).all()
            history = conn.execute(
                text(
                    "SELECT province_code, COUNT(*) FROM v_indicator_history WHERE period = :p GROUP BY province_code "
                    "ORDER BY province_code"
                ),
                {"p": PERIOD},
            ).all()
        assert total == qn["rpt_indicator"] + bn["rpt_indicator"]
        assert {r[0] for r in by_unit} == {QN, BN}
        assert all(r[2] == r[3] for r in by_unit)
        assert all(r[1] in results[r[0]].rpt_indicator["unit_code"].values for r in by_unit)
        assert [tuple(h) for h in history] == [(QN, qn["rpt_indicator"]), (BN, bn["rpt_indicator"])]
    finally:
        engine.dispose()


def _appendix_text(path: Path) -> str:
    """Every text cell of the appendix workbook (its sheet titles name the province)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return "\n".join(
            str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)
        )
    finally:
        wb.close()


def test_readers_read_the_province_asked_for(results, sqlite_url, tmp_path):
    """The published documents, the earlier-period reads and the quality suite of one province see its rows only,
    whatever else the warehouse holds for the quarter."""
    from kttt_pipeline.publish.report import publish_period
    from kttt_pipeline.publish.warehouse_reader import load_period_data
    from kttt_pipeline.quality.warehouse_suite import read_period_table
    from kttt_pipeline.warehouse.history import fingerprint, loaded_periods, period_figures

    engine = make_engine(sqlite_url)
    try:
        for code in (QN, BN):
            load_period(engine, PERIOD, results[code])
        for code in (QN, BN):
            data = load_period_data(engine, PERIOD, code)
            rpt = results[code].rpt_indicator
            want = rpt[rpt["unit_code"] == code].set_index("indicator_code")["value"]
            assert data.province_code == code
            assert data.value("HTX_TOTAL") == want["HTX_TOTAL"]
            assert {u["unit_code"] for u in data.units} <= set(results[code].admin_unit["unit_code"])
            assert set(rpt["unit_code"]) - {code} <= {u["unit_code"] for u in data.units}
            assert len(data.findings) == len(results[code].dq_issue)
            assert data.targets == {
                r.indicator_code: r.value for r in results[code].target.itertuples() if r.value == r.value
            }
            figures = period_figures(engine, PERIOD, province=code)
            assert figures.province["HTX_TOTAL"] == want["HTX_TOTAL"]
            assert set(figures.units) == set(rpt["unit_code"]) - {code}
            assert loaded_periods(engine, code) == [data.period]
            frame = read_period_table(engine, "cooperative", PERIOD, ["coop_key"], code)
            assert len(frame) == len(results[code].cooperative)
        assert fingerprint(engine, PERIOD, QN) != fingerprint(engine, PERIOD, BN)
        out = publish_period(engine, PERIOD, tmp_path / "reports_bn", BN)
        assert json.loads(out["comparisons"].read_text(encoding="utf-8"))["province_code"] == BN
        titles = _appendix_text(out["appendix"])
        assert "TỈNH BẮC NINH" in titles and "QUẢNG NINH" not in titles
    finally:
        engine.dispose()


def test_targets_of_two_provinces_of_one_year_coexist(results, warehouse_url):
    engine = make_engine(warehouse_url)
    try:
        for code in (QN, BN):
            load_period(engine, PERIOD, results[code])
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT province_code, year, indicator_code, value FROM target")).all()
        year = int(PERIOD[:4])
        for code in (QN, BN):
            want = sorted((year, r.indicator_code, r.value) for r in results[code].target.itertuples())
            assert sorted((y, c, v) for p, y, c, v in rows if p == code) == want
        # Bắc Ninh's plan changed and reloaded: Quảng Ninh's plan of the same year is untouched
        changed = results[BN]
        target = changed.target.copy()
        target["value"] = target["value"] + 1
        saved, changed.target = changed.target, target
        try:
            load_period(engine, PERIOD, changed)
        finally:
            changed.target = saved
        with engine.connect() as conn:
            after = conn.execute(text("SELECT province_code, year, indicator_code, value FROM target")).all()
        assert sorted(r for r in after if r[0] == QN) == sorted(r for r in rows if r[0] == QN)
        assert sorted(r[3] for r in after if r[0] == BN) == sorted(r[3] + 1 for r in rows if r[0] == BN)
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------------------- the migration


def _old_rows(result, name: str, province: str) -> list[dict]:
    """The rows a 0004 warehouse held for a frame: the load's own conversion, without the new column."""
    from kttt_pipeline.warehouse.load import _frame, frame_rows

    table = Base.metadata.tables[name]
    rows = frame_rows(
        table, _frame(result, name), period=result.period if name != "target" else None, province=province
    )
    return [{k: v for k, v in r.items() if k != "province_code"} for r in rows]


def test_migration_from_0004_keeps_every_row_and_fills_in_the_province(results, warehouse_url, monkeypatch):
    """A 0004 warehouse holding Bắc Ninh's quarter (with both provinces' units in admin_unit) and a stray finding
    of a quarter without indicators: upgraded to head, every row is kept, Bắc Ninh's rows and targets say 24 (read
    from their own province row, not the configured province) and the stray row the configured province."""
    from kttt_pipeline.warehouse.load import admin_unit_rows

    monkeypatch.delenv("KTTT_PROVINCE", raising=False)  # the configured province: the packaged default (22)
    engine = make_engine(warehouse_url)
    try:
        assert upgrade(engine, "0004") == "0004"
        md = MetaData()
        md.reflect(engine)
        assert "province_code" not in md.tables["rpt_indicator"].c
        bn = results[BN]
        with engine.begin() as conn:
            units = {u["unit_code"]: u for code in (QN, BN) for u in admin_unit_rows(results[code].admin_unit)}
            conn.execute(insert(md.tables["admin_unit"]), [dict(u, parent_code=None) for u in units.values()])
            for u in units.values():
                conn.execute(
                    md.tables["admin_unit"]
                    .update()
                    .where(md.tables["admin_unit"].c.unit_code == u["unit_code"])
                    .values(parent_code=u["parent_code"])
                )
            for name in (*PERIOD_TABLES, "target"):
                rows = _old_rows(bn, name, BN)
                if rows:
                    conn.execute(insert(md.tables[name]), rows)
            stray = dict(_old_rows(bn, "dq_issue", BN)[0], period="2025-Q1")
            conn.execute(insert(md.tables["dq_issue"]), [stray])
            before = {
                name: sorted((tuple(r) for r in conn.execute(select(md.tables[name]))), key=repr)
                for name in ALL_TABLES
                if name in md.tables  # the tables of 0004 (later migrations add dimensions)
            }
        assert before["rpt_indicator"] and before["target"] and before["period_status"]

        upgrade(engine)
        after_md = MetaData()
        after_md.reflect(engine)
        with engine.connect() as conn:
            for name in before:
                t = after_md.tables[name]
                old_cols = [t.c[c.name] for c in md.tables[name].columns]
                rows = sorted((tuple(r) for r in conn.execute(select(*old_cols))), key=repr)
                assert rows == before[name], name  # every row, every value (ids included) kept
                if name == "admin_unit":
                    continue
                by_province = dict(
                    conn.execute(select(t.c.province_code, func.count()).group_by(t.c.province_code)).all()
                )
                if name == "dq_issue":
                    assert by_province == {BN: len(before[name]) - 1, QN: 1}, name
                    assert conn.execute(select(t.c.province_code).where(t.c.period == "2025-Q1")).scalar_one() == QN
                elif before[name]:
                    assert by_province == {BN: len(before[name])}, name
        # the migrated warehouse takes the other province's quarter beside it, and a re-run of either
        load_period(engine, PERIOD, results[QN])
        bn_rows = _snapshot(engine, BN)
        load_period(engine, PERIOD, results[QN])
        assert _snapshot(engine, BN) == bn_rows
        assert period_row_counts(engine, PERIOD, BN)["rpt_indicator"] == len(bn.rpt_indicator)
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------------------- the command line


def _kttt(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KTTT_")}
    return subprocess.run([KTTT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_kttt_materialize_of_two_provinces_into_one_warehouse(tmp_path, warehouse_url):
    """What the issue reproduced: `kttt demo-data` and `kttt materialize` of Quảng Ninh, then of Bắc Ninh
    (`--province 24`) into one warehouse, then Quảng Ninh again: both provinces whole, each published from its own
    rows."""
    for code in (QN, BN):
        demo = _kttt(
            tmp_path,
            "demo-data",
            "--period",
            PERIOD,
            "--province",
            code,
            "--out",
            f"raw_{code}",
            "--units",
            "3",
            "--rows-per-unit",
            "6",
        )
        assert demo.returncode == 0, demo.stderr

    def materialize(code: str) -> None:
        run = _kttt(
            tmp_path,
            "materialize",
            "--period",
            PERIOD,
            "--province",
            code,
            "--raw-dir",
            f"raw_{code}",
            "--warehouse",
            warehouse_url,
            "--reports-dir",
            f"reports_{code}",
        )
        assert run.returncode == 0, run.stdout + run.stderr

    engine = make_engine(warehouse_url)
    try:
        materialize(QN)
        qn = period_row_counts(engine, PERIOD, QN)
        materialize(BN)
        bn = period_row_counts(engine, PERIOD, BN)
        assert period_row_counts(engine, PERIOD, QN) == qn
        bn_rows = _snapshot(engine, BN)
        materialize(QN)
        assert period_row_counts(engine, PERIOD, QN) == qn and qn["rpt_indicator"] > 0
        assert period_row_counts(engine, PERIOD, BN) == bn and bn["rpt_indicator"] > 0
        assert _snapshot(engine, BN) == bn_rows
    finally:
        engine.dispose()
    for code, name, other in ((QN, "QUẢNG NINH", "BẮC NINH"), (BN, "BẮC NINH", "QUẢNG NINH")):
        titles = _appendix_text(tmp_path / f"reports_{code}" / PERIOD / f"phu_bieu_{PERIOD}.xlsx")
        assert f"TỈNH {name}" in titles and other not in titles
        manifest = json.loads((tmp_path / f"reports_{code}" / PERIOD / "so_sanh.json").read_text(encoding="utf-8"))
        assert manifest["province_code"] == code
