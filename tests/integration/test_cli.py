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
            total = conn.execute(
                text(
                    "select value from rpt_indicator where period = '2024-Q3' "
                    "and unit_code = '22' and indicator_code = 'HTX_TOTAL'"
                )
            ).scalar_one()
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


# ------------------------------------------------------------------ errors say kttt's reason (issue 23)


def _no_traceback(run: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in run.stdout + run.stderr and "Error:" not in run.stderr


@pytest.mark.parametrize(
    "args, words",
    [
        (["demo-data", "--period", "2025-Q5"], ["tham số --period", "'2025-Q5'", "YYYY-Qn"]),
        (["materialize", "--period", "2024-Q9"], ["tham số --period", "'2024-Q9'"]),
        (["check", "bao_cao.xlsx", "--period", "2026-Q0"], ["tham số --period", "'2026-Q0'"]),
        (["demo-data", "--units", "nhiều"], ["tham số --units", "'nhiều'", "không phải là số nguyên"]),
        (["materialize", "--khong-co"], ["không hiểu tham số: --khong-co"]),
        ([], ["thiếu tham số bắt buộc"]),
    ],
)
def test_argument_errors_are_vietnamese_and_name_the_argument(tmp_path, args, words):
    run = _kttt(tmp_path, *args)
    assert run.returncode == 2
    _no_traceback(run)
    error = [ln for ln in run.stderr.splitlines() if ln.startswith("Lỗi: ")]
    assert len(error) == 1, run.stderr
    for w in words:
        assert w in error[0], run.stderr
    assert "error:" not in run.stderr and "invalid" not in run.stderr and "argument" not in error[0]


def _small_raw(tmp_path: Path) -> Path:
    from ..small_period import make_small_period

    make_small_period(tmp_path / "raw")
    return tmp_path / "raw"


def _materialize(tmp_path: Path, warehouse: str, **env: str) -> subprocess.CompletedProcess:
    raw = _small_raw(tmp_path)
    base = {k: v for k, v in os.environ.items() if not k.startswith("KTTT_")}
    return subprocess.run(
        [
            KTTT,
            "materialize",
            "--period",
            "2024-Q3",
            "--raw-dir",
            str(raw),
            "--warehouse",
            warehouse,
            "--reports-dir",
            str(tmp_path / "reports"),
        ],
        cwd=tmp_path,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_postgresql_server_not_running_is_said_naming_the_database_masked(tmp_path):
    url = "postgresql+psycopg://kttt:Mat-khau-42@127.0.0.1:9/kttt_warehouse"  # port 9: nothing listens
    run = _materialize(tmp_path, url, KTTT_WAREHOUSE_RETRY_DELAY="0.05")
    assert run.returncode == 3, run.stderr
    _no_traceback(run)
    assert "máy chủ PostgreSQL không chạy" in run.stderr
    assert "postgresql+psycopg://kttt:***@127.0.0.1:9/kttt_warehouse" in run.stderr
    assert "Mat-khau-42" not in run.stdout + run.stderr and "Is the server running" not in run.stderr
    assert not (tmp_path / "reports" / "2024-Q3").exists()


def test_a_locked_sqlite_warehouse_is_said_naming_it(tmp_path):
    import sqlite3

    db = tmp_path / "kho.db"
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("create table other_run (x)")
        holder.execute("BEGIN EXCLUSIVE")  # another run writing
        run = _materialize(tmp_path, f"sqlite:///{db}", KTTT_SQLITE_BUSY_TIMEOUT="0.2", KTTT_WAREHOUSE_RETRIES="1")
    finally:
        holder.close()
    assert run.returncode == 3, run.stderr
    _no_traceback(run)
    assert f"kho dữ liệu sqlite:///{db} đang bị khóa" in run.stderr
    lines = run.stderr.splitlines()  # the steps' progress lines, then "Lỗi: …" and the reasons
    reason = lines[next(i for i, line in enumerate(lines) if line.startswith("Lỗi: ")) + 1]
    assert "database is locked" not in reason and "đang bị khóa" in reason


def test_a_sqlite_warehouse_that_cannot_be_opened_is_said_naming_it(tmp_path):
    folder = tmp_path / "kho"
    folder.mkdir()  # the URL names a folder: SQLite cannot open it as a database file
    run = _materialize(tmp_path, f"sqlite:///{folder}")
    assert run.returncode == 3, run.stderr
    _no_traceback(run)
    assert f"không mở được tệp kho dữ liệu sqlite:///{folder}" in run.stderr


def test_a_folder_that_cannot_be_written_is_said_naming_it(tmp_path):
    (tmp_path / "tep").write_text("a file where the demo folder should be")
    run = _kttt(tmp_path, "demo-data", "--period", "2024-Q3", "--out", "tep/raw")
    assert run.returncode == 3, run.stderr
    _no_traceback(run)
    assert run.stderr.startswith("Lỗi: ") and "tep" in run.stderr.splitlines()[0]


@pytest.mark.parametrize(
    "url, words",
    [
        ("postgresql+psycopg://kttt:Mat-khau-42@db:cong/kho", "không đúng dạng"),
        ("mysqlx://kttt:Mat-khau-42@db/kho", "không hỗ trợ loại cơ sở dữ liệu này"),
    ],
)
def test_a_warehouse_url_that_cannot_be_used_is_refused_before_the_run(tmp_path, url, words):
    run = _materialize(tmp_path, url)
    assert run.returncode == 2, run.stderr
    _no_traceback(run)
    assert (
        run.stderr.startswith(f"Lỗi: địa chỉ kho dữ liệu '{url.replace('Mat-khau-42', '***')}'") and words in run.stderr
    )
    assert "Mat-khau-42" not in run.stdout + run.stderr
