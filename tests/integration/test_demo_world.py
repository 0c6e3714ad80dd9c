"""The demo world through the pipeline (issue 28): consecutive demo quarters, the reform among them, raise almost
no COOP_VANISHED and restate the former districts' figures close to the current units'; and `make demo` loads the
quarters the published documents compare, recording its runs in the Dagster instance `make ui` opens.

Bands (docs/decisions.md, "A demo world across quarters"): the warehouse's 2025-Q3 cooperatives carry at least
95% of its 2025-Q2 cooperatives' tax codes; COOP_VANISHED under 2% of the previous quarter's counted cooperatives;
a current unit's restated 2025-Q2 HTX_TOTAL within 30% or 5 cooperatives (the larger) of its 2025-Q3 figure.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from kttt_pipeline.demo import write_demo_period
from kttt_pipeline.run import run_period
from kttt_pipeline.warehouse.engine import make_engine
from kttt_pipeline.warehouse.load import load_period

ROOT = Path(__file__).resolve().parents[2]
VANISHED_AT_MOST = 0.02
SHARED_AT_LEAST = 0.95
BAND_SHARE, BAND_COOPS = 0.30, 5


def _sql(engine, query: str, **params) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(query), params)]


def test_consecutive_demo_quarters_raise_almost_no_vanished_cooperative(tmp_path):
    """2025-Q1 → Q2 (former districts), Q2 → Q3 (across the reform), Q3 → Q4 (current units), each compared by
    the pipeline with the quarter the warehouse holds before it; the cooperatives of 2025-Q2 and 2025-Q3 as the
    warehouse holds them (written, read and reconciled) share their tax codes."""
    periods = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    raw = tmp_path / "raw"
    engine = make_engine(f"sqlite:///{tmp_path / 'kttt.db'}")
    vanished: dict[str, tuple[int, int]] = {}
    try:
        for prev, period in zip([None, *periods], periods):
            write_demo_period(raw, period)
            result = run_period(raw, period, history=engine)
            load_period(engine, period, result)
            if prev is not None:
                counted = _sql(
                    engine, "SELECT count(*) FROM cooperative WHERE period = :p AND in_total = :t", p=prev, t=True
                )[0][0]
                n = int((result.dq_issue["kind"] == "COOP_VANISHED").sum())
                vanished[period] = (n, counted)
        restated = dict(
            _sql(
                engine,
                "SELECT unit_code, value FROM rpt_indicator_restated WHERE period = '2025-Q2' "
                "AND indicator_code = 'HTX_TOTAL'",
            )
        )
        tax_codes = {
            p: {c for (c,) in _sql(engine, "SELECT tax_code FROM cooperative WHERE period = :p", p=p) if c}
            for p in ("2025-Q2", "2025-Q3")
        }
        current = _sql(
            engine,
            "SELECT r.unit_code, r.value FROM rpt_indicator r JOIN admin_unit a ON a.unit_code = r.unit_code "
            "WHERE r.period = '2025-Q3' AND r.indicator_code = 'HTX_TOTAL' AND a.level = 'commune'",
        )
    finally:
        engine.dispose()
    before, after = tax_codes["2025-Q2"], tax_codes["2025-Q3"]
    assert len(before) > 500 and len(before & after) >= SHARED_AT_LEAST * len(before), (
        len(before & after),
        len(before),
        len(after),
    )
    assert set(vanished) == {"2025-Q2", "2025-Q3", "2025-Q4"}
    assert all(counted > 500 for _, counted in vanished.values()), vanished
    assert {p: n for p, (n, counted) in vanished.items() if n >= VANISHED_AT_MOST * counted} == {}, vanished
    assert len(current) > 20
    out_of_band = {
        u: (restated.get(u), v)
        for u, v in current
        if restated.get(u) is None or abs(restated[u] - v) > max(BAND_COOPS, BAND_SHARE * v)
    }
    assert out_of_band == {}


# ---------------------------------------------------------------------------------------------- make demo


def _make_demo(cwd: Path, period: str) -> subprocess.CompletedProcess:
    """`make demo` as a user runs it, in a fresh folder (raw/, warehouse/, .dagster_home/ there), with this
    interpreter's scripts as the virtual environment's (``-o``: not reinstalled)."""
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("KTTT_") and k != "DAGSTER_HOME"}
    env["KTTT_APPENDIX_PDF"] = "0"  # LibreOffice's PDF is tests/integration/test_appendix_print.py's
    return subprocess.run(
        ["make", "-f", str(ROOT / "Makefile"), "demo", f"PERIOD={period}", f"BIN={bin_dir}", "-o", f"{bin_dir}/kttt"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )


@pytest.mark.slow
def test_make_demo_loads_the_quarters_the_documents_compare(tmp_path):
    import dagster as dg

    from kttt_pipeline.core.periods import Period
    from kttt_pipeline.demo.history import demo_periods
    from kttt_pipeline.publish.appendix import FIGURE_ROWS, SHEET_FIGURES
    from kttt_pipeline.publish.charts import trend_series
    from kttt_pipeline.publish.warehouse_reader import load_period_data

    last = "2026-Q3"
    periods = [p.key for p in demo_periods(Period.parse(last))]
    assert periods == ["2025-Q2", "2025-Q3", "2026-Q2", "2026-Q3"]  # the year before, across the reform
    run = _make_demo(tmp_path, last)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert " ".join(periods) in run.stdout  # it says what it does
    for p in periods:
        assert f"Kỳ {p}: đã công bố" in run.stdout

    # the runs are in the instance `make ui` opens: every demo quarter materialized
    home = tmp_path / ".dagster_home"
    old = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        with dg.DagsterInstance.get() as instance:
            runs = instance.get_runs()
            assert sorted(r.tags.get("dagster/partition") for r in runs) == periods
            assert all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs)
            for asset in ("raw_return_files", "rpt_indicator", "published_reports"):
                assert instance.get_materialized_partitions(dg.AssetKey(asset)) == set(periods), asset
    finally:
        if old is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = old

    # the latest appendix compares with the same quarter a year earlier, and its trend has the loaded quarters
    engine = make_engine(f"sqlite:///{tmp_path / 'warehouse' / 'kttt.db'}")
    try:
        prov = _sql(engine, "SELECT unit_code FROM admin_unit WHERE level = 'province'")[0][0]
        ws = openpyxl.load_workbook(tmp_path / "warehouse" / "reports" / last / f"phu_bieu_{last}.xlsx")[SHEET_FIGURES]
        hdr = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "STT")
        assert ws.cell(hdr, 7).value == "Cùng kỳ năm trước (đến 30/9/2025)"
        row = hdr + 2 + next(i for i, (_n, code, _l, _v) in enumerate(FIGURE_ROWS) if code == "HTX_TOTAL")
        year_ago = _sql(
            engine,
            "SELECT value FROM rpt_indicator WHERE period = '2025-Q3' AND unit_code = :u "
            "AND indicator_code = 'HTX_TOTAL'",
            u=prov,
        )[0][0]
        assert ws.cell(row, 7).value == pytest.approx(year_ago) and year_ago > 0
        assert ws.cell(row, 8).value is not None
        labels, series, marks = trend_series(load_period_data(engine, last))
    finally:
        engine.dispose()
    assert (tmp_path / "warehouse" / "reports" / last / "bieu_do_xu_huong.png").is_file()  # drawn from the series
    drawn = [v for v in series["HTX_TOTAL"] if v is not None]
    assert len(drawn) == len(periods), (labels, series["HTX_TOTAL"])
    assert marks and "1/7/2025" in marks[0][1]  # the reform is among the quarters drawn
