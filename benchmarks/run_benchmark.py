"""Performance benchmark (not a test): national scale, the naive-reader baseline, scaling and a profile.

    .venv/bin/python benchmarks/run_benchmark.py [--units 700] [--rows-per-unit 47] [--scaling 13,26,65,130]

Writes docs/performance.md. Every run happens in a subprocess so that wall time and peak memory (max RSS) are
those of a real `kttt materialize`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PERIOD = "2024-Q3"


def _tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants (the reading workers included), from /proc."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total / 1024


def run_measured(args: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(seconds, peak resident memory of the whole process tree in MiB, stdout) of a command."""
    t = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env or os.environ.copy())
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mib(proc.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - t
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{out[-3000:]}\n{err[-3000:]}")
    return seconds, peak, out + err


def make_data(raw: Path, units: int, rows_per_unit: int | None) -> float:
    """Write a demo period (seconds taken)."""
    from kttt_pipeline.demo_data import write_demo_period

    t = time.perf_counter()
    kwargs = {"units": units}
    if rows_per_unit:
        kwargs["rows_per_unit"] = rows_per_unit
    make_data.summary = write_demo_period(raw, PERIOD, **kwargs)
    return time.perf_counter() - t


def materialize(raw: Path, work: Path) -> tuple[float, float]:
    env = os.environ.copy()
    env["DAGSTER_HOME"] = str(work / "dagster_home")
    (work / "dagster_home").mkdir(parents=True, exist_ok=True)
    seconds, rss, out = run_measured([str(ROOT / ".venv/bin/kttt"), "materialize", "-v", "--period", PERIOD,
                                      "--raw-dir", str(raw), "--warehouse", f"sqlite:///{work}/bench.db",
                                      "--reports-dir", str(work / "reports")], env)
    steps = re.findall(r' - (\w+) - STEP_SUCCESS - Finished execution of step "\w+" in ([\d.]+)(ms|s)', out)
    materialize.steps = [(name, float(v) / (1000 if unit == "ms" else 1)) for name, v, unit in steps]
    return seconds, rss


def naive_read(raw: Path) -> tuple[float, float]:
    code = ("import pandas as pd, pathlib, sys\n"
            "for f in sorted(pathlib.Path(sys.argv[1]).rglob('*.xlsx')):\n"
            "    pd.read_excel(f, sheet_name=None, engine='openpyxl')\n")
    seconds, rss, _ = run_measured([PY, "-c", code, str(raw / PERIOD)])
    return seconds, rss


def profile_run(raw: Path) -> str:
    from kttt_pipeline.pipeline import run_period

    prof = cProfile.Profile()
    prof.enable()
    run_period(raw, PERIOD)  # large periods read district files in worker processes: their time shows as waiting
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(25)
    return buf.getvalue()


def _reading_lines(steps: list[tuple[str, float]], naive_seconds: float) -> list[str]:
    staged = dict(steps).get("staged_returns")
    if not staged:
        return []
    return [f"Reading alone (the `staged_returns` step: every workbook and the tax register read once, tables "
            f"located, values parsed, units identified) takes {staged:.1f} s, {naive_seconds / staged:.1f}× faster than "
            f"the naive read of the same files. The rest of the run is reconciliation, the warehouse transaction, the "
            f"Great Expectations suite with its Data Docs and the published documents, plus a fixed start-up cost "
            f"(Python, Dagster, Great Expectations imports) that the scaling series below measures.", ""]


def _scaling_lines(series: list[tuple[int, int, float, float]]) -> list[str]:
    if len(series) < 2:
        return []
    import numpy as np

    units = np.array([u for u, *_ in series], dtype=float)
    secs = np.array([s for _, _, s, _ in series])
    mem = np.array([m for *_, m in series])
    (t_slope, t_fixed), (m_slope, m_fixed) = np.polyfit(units, secs, 1), np.polyfit(units, mem, 1)
    t_fit = t_slope * units + t_fixed
    r2 = 1 - float(((secs - t_fit) ** 2).sum()) / float(((secs - secs.mean()) ** 2).sum() or 1)
    return [f"A straight line fits the series (least squares, R² = {r2:.3f}): time ≈ {t_fixed:.1f} s + "
            f"{t_slope * 100:.2f} s per 100 units, memory ≈ {m_fixed:.0f} MiB + {m_slope * 100:.1f} MiB per 100 units. "
            f"Growth is linear; the intercept is the fixed start-up cost.", ""]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=700)
    ap.add_argument("--rows-per-unit", type=int, default=47)
    ap.add_argument("--scaling", default="70,140,350,700", help="unit counts for the scaling series (1×…10×)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix="kttt_bench_"))
    lines = []
    try:
        raw = work / "national"
        gen = make_data(raw, args.units, args.rows_per_unit)
        national = make_data.summary
        files = list((raw / PERIOD).rglob("*.*"))
        size_mb = sum(f.stat().st_size for f in files) / 2**20
        m_s, m_rss = materialize(raw, work / "national_run")
        steps = list(materialize.steps)
        n_s, n_rss = naive_read(raw)
        series = []
        for u in [int(x) for x in args.scaling.split(",") if x]:
            r = work / f"scale_{u}"
            make_data(r, u, args.rows_per_unit)
            s, rss = materialize(r, work / f"scale_{u}_run")
            rows = make_data.summary.cooperatives
            series.append((u, rows, s, rss))
        prof = profile_run(raw)
        cpu = platform.processor() or platform.machine()
        lines += [
            "# Performance", "",
            f"Measured by `benchmarks/run_benchmark.py` on {platform.node()} ({cpu}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}).", "",
            "## National scale", "",
            f"{args.units} reporting units × {args.rows_per_unit} cooperatives per unit: {national.cooperatives:,} "
            f"cooperative rows, {national.groups:,} group rows, a tax register of {national.tax_rows:,} rows "
            f"({national.tax_format}); {len(files)} files, {size_mb:.1f} MiB (generated in {gen:.1f} s). Peak memory is "
            "the resident memory of the whole process tree (the reading workers included), sampled every 50 ms.", "",
            "| run | wall time (s) | peak memory (MiB) |", "|---|---:|---:|",
            f"| `kttt materialize` (read → reconcile → SQLite warehouse → reports) | {m_s:.1f} | {m_rss:.0f} |",
            f"| naive `pandas.read_excel(engine='openpyxl')` of the same files, reading only | {n_s:.1f} | {n_rss:.0f} |",
            "", f"Ratio kttt / naive read: **{m_s / n_s:.2f}** (target ≤ 1.0). Target for the whole run: < 120 s and "
            f"< 1024 MiB: **{'met' if m_s < 120 and m_rss < 1024 else 'NOT met'}**.", "",
            "Where a national run spends its time (Dagster step durations of that run):", "",
            "| step | seconds |", "|---|---:|", *[f"| `{n}` | {v:.1f} |" for n, v in steps], "",
            *_reading_lines(steps, n_s),
            "## Scaling", "", "| units | cooperative rows | wall time (s) | peak memory (MiB) |", "|---:|---:|---:|---:|",
            *[f"| {u} | {rows} | {s:.1f} | {rss:.0f} |" for u, rows, s, rss in series], "",
            *_scaling_lines(series),
            "## Where the time goes (cProfile of the plain pipeline at national scale, cumulative)", "", "```",
            *prof.splitlines()[:60], "```", "",
            "## Past one machine", "",
            "kttt's unit of work is one period partition of one province. Beyond one machine: run Dagster with a "
            "PostgreSQL instance (`dagster.yaml.example`), a Docker or Kubernetes run launcher so that each run is its "
            "own container, and one partition per province-quarter (a multi-partition of province × quarter); the "
            "warehouse on PostgreSQL takes concurrent period loads because each load replaces only its own period in "
            "one transaction. Reading is per file and embarrassingly parallel; within one run the time is dominated by "
            "reading workbooks, so a province's run scales with its file count, not with the country's.",
        ]
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print("\n".join(lines[:20]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
