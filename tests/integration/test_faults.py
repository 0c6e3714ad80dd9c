"""Faults: a load killed mid-transaction leaves the previous content of the period intact.

The load runs in a child process. A SQLAlchemy event in the child writes a marker file and then stops the
child in the middle of its transaction (after the period's old rows were deleted and some new rows
inserted). The test kills the child with SIGKILL: no Python clean-up, no rollback by our code. Whatever the
database does on its own (SQLite: the rollback journal/WAL on next open; PostgreSQL: the dropped connection
aborts the transaction) must leave the period exactly as it was before.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from kttt_pipeline.demo import write_demo_period
from kttt_pipeline.run import run_period
from kttt_pipeline.warehouse import load_period, make_engine, period_row_counts
from kttt_pipeline.warehouse.models import PERIOD_TABLES, Base

PERIOD = "2024-Q3"

CHILD = textwrap.dedent("""
    import os, pickle, sys, time
    from pathlib import Path
    from sqlalchemy import event
    from kttt_pipeline.warehouse import load_period, make_engine

    url, frames_file, marker = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    result = pickle.loads(frames_file.read_bytes())
    engine = make_engine(url)

    @event.listens_for(engine, "after_cursor_execute")
    def stall_mid_load(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT") and "rpt_indicator" in statement.lower():
            marker.write_text(str(os.getpid()))
            time.sleep(600)  # killed here, inside the open transaction

    load_period(engine, sys.argv[4], result)
    print("the load finished: the test's hook never fired", file=sys.stderr)
    sys.exit(3)
""")


def _snapshot(engine, period: str) -> dict[str, list[tuple]]:
    out = {}
    with engine.connect() as conn:
        for name in PERIOD_TABLES:
            table = Base.metadata.tables[name]
            cols = [c for c in table.columns if c.name != "id"]
            out[name] = sorted(
                (tuple(r) for r in conn.execute(select(*cols).where(table.c.period == period))), key=repr
            )
    return out


@pytest.mark.slow
def test_killing_a_load_mid_transaction_keeps_the_previous_period(tmp_path, warehouse_url):
    first = run_period(write_demo_period(tmp_path / "a", PERIOD, seed=21).out_dir, PERIOD)
    second = run_period(write_demo_period(tmp_path / "b", PERIOD, seed=22).out_dir, PERIOD)
    assert first.indicator("22", "HTX_TOTAL") != second.indicator("22", "HTX_TOTAL")

    engine = make_engine(warehouse_url)
    try:
        load_period(engine, PERIOD, first)
        before = _snapshot(engine, PERIOD)
        counts_before = period_row_counts(engine, PERIOD)
    finally:
        engine.dispose()

    import pickle

    frames_file = tmp_path / "second.pickle"
    frames_file.write_bytes(pickle.dumps(SimpleNamespace(**second.frames())))  # what load_period reads
    marker = tmp_path / "mid_load"
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, str(script), warehouse_url, str(frames_file), str(marker), PERIOD],
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            if child.poll() is not None:
                pytest.fail(f"the child ended before the hook fired: {child.stderr.read()}")
            assert time.monotonic() < deadline, "the child never reached the middle of the load"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL

    engine = make_engine(warehouse_url)
    try:
        assert period_row_counts(engine, PERIOD) == counts_before
        assert _snapshot(engine, PERIOD) == before
        # and the warehouse is usable: the second load now goes through
        load_period(engine, PERIOD, second)
        with engine.connect() as conn:
            total = conn.execute(
                select(Base.metadata.tables["rpt_indicator"].c.value).where(
                    Base.metadata.tables["rpt_indicator"].c.period == PERIOD,
                    Base.metadata.tables["rpt_indicator"].c.unit_code == "22",
                    Base.metadata.tables["rpt_indicator"].c.indicator_code == "HTX_TOTAL",
                )
            ).scalar_one()
        assert total == second.indicator("22", "HTX_TOTAL")
    finally:
        engine.dispose()
