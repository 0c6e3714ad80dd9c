"""Periods built by another author: four complete raw periods written by two independent testers from the data
contract alone (tests/contract_periods/README.md), published exactly as a user would publish them.

Each test generates its period with the testers' own generator (deterministic, seeded) into a temporary folder,
runs `kttt materialize --period P --raw-dir … --warehouse sqlite:///… --reports-dir …` as a subprocess, and compares
rpt_indicator, dq_issue (and rpt_indicator_restated) with the oracle's expected files through the testers' own
compare logic (tests/contract_periods/compare.py, compare2.py). The list of mismatches must be empty.

The generators of p1, p3 and p4 write .xls/.ods/.xlsm and formula workbooks through LibreOffice: without soffice
those tests are skipped, except under CI / `make test` (conftest.strict_tools()), where they fail.
Generation is the slow part (LibreOffice, one start per workbook): a session fixture starts the generators of all
selected periods at once, in parallel, each with its own LibreOffice profile.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import strict_tools

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent / "contract_periods"
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


@pytest.fixture(scope="session")
def generated(request, tmp_path_factory):
    """Start the generators of every selected period in parallel; return {pid: (process, output dir, log)}.
    Periods whose generator needs a missing soffice are left out (the test then skips, or fails under CI)."""
    base = tmp_path_factory.mktemp("contract_periods")
    started = {}
    for pid in _selected(request.session):
        gen, _cmp, _period, _extra, needs_soffice = PERIODS[pid]
        if needs_soffice and not shutil.which("soffice"):
            continue
        home = base / f"{pid}_home"  # a private LibreOffice profile: parallel generators do not share one
        home.mkdir()
        out = base / pid
        log = open(base / f"{pid}_generate.log", "w")
        env = {**os.environ, "HOME": str(home)}
        proc = subprocess.Popen([sys.executable, str(HERE / gen), str(out)], cwd=HERE, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        started[pid] = (proc, out, log)
    yield started
    for proc, _out, log in started.values():
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()


def _load_compare(name: str):
    spec = importlib.util.spec_from_file_location(f"contract_periods_{Path(name).stem}", HERE / name)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("pid", list(PERIODS))
def test_contract_period_publishes_exactly(pid, generated, tmp_path):
    gen, compare, period, extra, needs_soffice = PERIODS[pid]
    if needs_soffice:
        reason = _soffice_missing()
        if reason:
            pytest.skip(reason)
    proc, out, log = generated[pid]
    rc = proc.wait(timeout=GENERATE_TIMEOUT)
    log.flush()
    gen_log = Path(log.name).read_text(errors="replace")
    assert rc == 0, f"{gen} failed ({rc}):\n{gen_log}"
    raw = out / "raw"  # generated in place: the resubmissions' modification times are the generator's
    assert (out / "expected.json").is_file() and raw.is_dir(), gen_log

    db = tmp_path / "w.db"
    run = subprocess.run(
        [KTTT, "materialize", "--period", period, "--raw-dir", str(raw), "--warehouse", f"sqlite:///{db}",
         "--reports-dir", str(tmp_path / "reports"), *extra],
        cwd=tmp_path, capture_output=True, text=True, timeout=900,
        env={k: v for k, v in os.environ.items() if not k.startswith("KTTT_")},
    )
    assert run.returncode == 0, f"kttt materialize failed ({run.returncode}):\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}"
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
