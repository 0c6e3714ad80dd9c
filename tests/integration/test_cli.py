"""The `kttt` console script as a user runs it: in a working directory, with the default relative paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

KTTT = str(Path(sys.executable).parent / "kttt")


def _kttt(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KTTT_")}  # the defaults, not the tests' settings
    return subprocess.run([KTTT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_demo_then_materialize_with_the_default_relative_paths(tmp_path):
    """What `make demo` does: ./raw, sqlite:///warehouse/kttt.db and warehouse/reports, all relative."""
    demo = _kttt(tmp_path, "demo-data", "--period", "2024-Q3", "--out", "raw/")
    assert demo.returncode == 0, demo.stderr
    run = _kttt(tmp_path, "materialize", "--period", "2024-Q3")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "đã công bố / published" in run.stdout and "Tổng số HTX" in run.stdout
    reports = tmp_path / "warehouse" / "reports" / "2024-Q3"
    assert (reports / "phu_bieu_2024-Q3.xlsx").is_file() and (reports / "data_docs" / "index.html").is_file()
    engine = create_engine(f"sqlite:///{tmp_path / 'warehouse' / 'kttt.db'}")
    try:
        with engine.connect() as conn:
            total = conn.execute(text("select value from rpt_indicator where period = '2024-Q3' "
                                      "and unit_code = '22' and indicator_code = 'HTX_TOTAL'")).scalar_one()
    finally:
        engine.dispose()
    # the headline printed is the warehouse's figure, in Vietnamese number format
    line = next(ln for ln in run.stdout.splitlines() if "Tổng số HTX" in ln)
    assert line.split()[-1] == f"{int(total):,}".replace(",", ".")


def test_materialize_without_returns_fails_with_a_clear_message(tmp_path):
    run = _kttt(tmp_path, "materialize", "--period", "2024-Q3")
    assert run.returncode == 1
    assert "raw/2024-Q3" in run.stderr and "Lỗi" in run.stderr


def test_materialize_with_only_unreadable_returns_names_the_file(tmp_path):
    (tmp_path / "raw" / "2024-Q3" / "districts").mkdir(parents=True)
    (tmp_path / "raw" / "2024-Q3" / "districts" / "bao cao.xlsx").write_bytes(b"not a workbook")
    run = _kttt(tmp_path, "materialize", "--period", "2024-Q3")
    assert run.returncode == 1
    assert "bao cao.xlsx" in run.stderr and "Traceback" not in run.stderr
    assert "DagsterExecutionStepExecutionError" not in run.stderr  # the reason, not Dagster's wrapper


def test_bad_period_is_refused(tmp_path):
    run = _kttt(tmp_path, "materialize", "--period", "2024-Q5")
    assert run.returncode == 2 and "Lỗi" in run.stderr
