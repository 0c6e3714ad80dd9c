"""Periods built by another author: four complete raw periods written by two independent testers from the data
contract alone (tests/contract_periods/README.md), published exactly as a user would publish them.

Each test generates its period with the testers' own generator (deterministic, seeded) into a temporary folder,
runs `kttt materialize --period P --raw-dir … --warehouse sqlite:///… --reports-dir …` as a subprocess, and compares
rpt_indicator, dq_issue (and rpt_indicator_restated) with the oracle's expected files through the testers' own
compare logic (tests/contract_periods/compare.py, compare2.py). The list of mismatches must be empty.

The generators of p1, p3 and p4 write .xls/.ods/.xlsm and formula workbooks through LibreOffice: without soffice
those tests are skipped, except under CI / `make test` (conftest.strict_tools()), where they fail.
Generation is the slow part (LibreOffice, one start per workbook, mostly waiting): a session fixture generates and
publishes all selected periods at once, in parallel, each generator with its own LibreOffice profile; each test
then waits for its period and compares.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ..conftest import strict_tools

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parents[1] / "contract_periods"
KTTT = str(Path(sys.executable).parent / "kttt")

# period id -> (generator, compare module, period, extra materialize arguments, needs LibreOffice)
PERIODS = {
    "p1": ("gen_p1.py", "compare.py", "2024-Q2", [], True),
    "p2": ("gen_p2.py", "compare.py", "2026-Q2", [], False),
    "p3": ("gen_p3.py", "compare2.py", "2025-Q1", [], True),
    "p4": ("gen_p4.py", "compare2.py", "2025-Q3", ["--province", "24"], True),
}
GENERATE_TIMEOUT = 900


def _soffice_missing() -> str | None:
    if shutil.which("soffice"):
        return None
    reason = "LibreOffice (soffice) is not installed: run scripts/install_libreoffice.sh (as root)"
    if strict_tools():
        pytest.fail(f"{reason}; under CI the contract periods that need it must run, not skip", pytrace=False)
    return reason


def _selected(session) -> list[str]:
    out = []
    for item in session.items:
        if item.module.__name__.endswith("test_contract_periods") and hasattr(item, "callspec"):
            pid = item.callspec.params.get("pid")
            if pid and pid not in out:
                out.append(pid)
    return out


def _generate_and_publish(pid: str, base: Path) -> dict:
    """Generate period pid into base/pid, then publish it with `kttt materialize` into base/pid_run."""
    gen, _cmp, period, extra, _needs = PERIODS[pid]
    home = base / f"{pid}_home"  # a private LibreOffice profile: parallel generators do not share one
    home.mkdir()
    out, work = base / pid, base / f"{pid}_run"
    work.mkdir()
    result = {"out": out, "db": work / "w.db"}
    g = subprocess.run(
        [sys.executable, str(HERE / gen), str(out)],
        cwd=HERE,
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=GENERATE_TIMEOUT,
    )
    result["generate"] = g
    if g.returncode != 0:
        return result
    # generated in place: the resubmissions' modification times are the generator's
    result["materialize"] = subprocess.run(
        [
            KTTT,
            "materialize",
            "--period",
            period,
            "--raw-dir",
            str(out / "raw"),
            "--warehouse",
            f"sqlite:///{result['db']}",
            "--reports-dir",
            str(work / "reports"),
            *extra,
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=GENERATE_TIMEOUT,
        env={k: v for k, v in os.environ.items() if not k.startswith("KTTT_")},
    )
    return result


@pytest.fixture(scope="session")
def published(request, tmp_path_factory):
    """Generate and publish every selected period, all at once (threads running subprocesses): {pid: future}.
    Periods whose generator needs a missing soffice are left out (the test then skips, or fails under CI)."""
    base = tmp_path_factory.mktemp("contract_periods")
    pids = [p for p in _selected(request.session) if not (PERIODS[p][4] and not shutil.which("soffice"))]
    pool = ThreadPoolExecutor(max_workers=max(1, len(pids)))
    futures = {pid: pool.submit(_generate_and_publish, pid, base) for pid in pids}
    pool.shutdown(wait=False)  # its threads end with their last period, not with the session
    yield futures


def _load_compare(name: str):
    spec = importlib.util.spec_from_file_location(f"contract_periods_{Path(name).stem}", HERE / name)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("pid", list(PERIODS))
def test_contract_period_publishes_exactly(pid, published):
    gen, compare, period, extra, needs_soffice = PERIODS[pid]
    if needs_soffice:
        reason = _soffice_missing()
        if reason:
            pytest.skip(reason)
    res = published[pid].result(timeout=2 * GENERATE_TIMEOUT)
    g = res["generate"]
    assert g.returncode == 0, f"{gen} failed ({g.returncode}):\n{g.stdout[-4000:]}\n{g.stderr[-4000:]}"
    out, db = res["out"], res["db"]
    assert (out / "expected.json").is_file() and (out / "raw").is_dir(), g.stdout
    run = res["materialize"]
    assert run.returncode == 0, (
        f"kttt materialize failed ({run.returncode}):\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}"
    )
    assert db.is_file(), run.stdout[-4000:]

    args = [str(db), str(out / "expected.json"), period]
    if compare == "compare2.py":
        args.append(str(out / "expected_restated.json"))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = _load_compare(compare).main(*args)
    report = printed.getvalue()
    mismatches = [line for line in report.splitlines() if line.startswith(("INDICATOR", "FINDING", "RESTATED"))]
    assert status == 0 and not mismatches, f"{len(mismatches)} mismatches with the oracle of {pid}:\n{report}"
    assert report.strip().splitlines()[-1].startswith("0 indicator mismatches, 0 finding mismatches"), report

    # completeness (§7.7), which the testers' compare scripts only print a note about (and never for kttt's columns)
    exp = json.loads((out / "expected.json").read_text(encoding="utf-8"))
    with contextlib.closing(sqlite3.connect(db)) as con:
        status = con.execute(
            "select is_complete, units_missing from period_status where period = ?", (period,)
        ).fetchone()
        province_flags = {
            bool(v)
            for (v,) in con.execute(
                "select is_complete from rpt_indicator "
                "where period = ? and unit_code = ? and indicator_code = 'HTX_TOTAL'",
                (period, exp.get("province", "22")),
            )
        }
    assert status is not None, f"no period_status row for {period}"
    assert bool(status[0]) is (not exp["province_incomplete"]), status
    assert sorted(filter(None, (status[1] or "").split(","))) == sorted(exp["missing_units"]), status
    assert province_flags == {not exp["province_incomplete"]}, province_flags
