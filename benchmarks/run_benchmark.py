"""Performance benchmark (not a test): the ratios of issue 17 in one run, on a corpus it generates.

    .venv/bin/python benchmarks/run_benchmark.py [--units 700] [--rows-per-unit 47] [--repeat 3]
        [--province-units 4] [--province-rows 5000] [--postgres URL] [--scaling 70,140,350,700]
        [--post-reform 825,1650,3300] [--post-reform-rows 10] [--no-national] [--no-profile]

Generated periods: a province period (4 units × 5,000 cooperatives = 20,000 cooperative rows, with the demo
generator's small returns and bad files), a national one (700 district-level units × 47) and a post-reform
national series (commune-level units of 2025-Q4: 825, 1,650 and 3,300 units × 10 cooperatives, with its linear
fit). For the first two: `kttt materialize` in a subprocess (wall time, Dagster step durations, peak memory of the
whole process tree), the naive pandas read of the same files (`read_excel(engine="openpyxl")`, `read_csv`) and a
bare read of every cell (python-calamine; CSV by the csv module). Then, on the province period: the warehouse
write (`load_period`, SQLite, and PostgreSQL with --postgres or KTTT_TEST_POSTGRES_URL), the Great Expectations
suite with its Data Docs and the publishing step, each timed in a subprocess of its own (GX import reported
apart), and the fixed start-up of the commands. Every figure measured more than once is the median of --repeat
runs (the machine may be shared: timings are noisy). Writes the measured part of docs/performance.md (--out) with
the machine it ran on.

    .venv/bin/python benchmarks/run_benchmark.py --mode national-34 [--period 2026-Q2] [--provinces 01,22,…]
        [--units-per-province N] [--rows-per-unit 9] [--fit 0.25,0.5] [--seed S] [--out docs/performance.md]

A national quarter (`make benchmark-national`): the demo quarter of every packaged province (3,321 units, 9
cooperatives each, ≈ 30,000) written in the national layout ROOT/<province code>/<period>/… (not timed); then, in
one run, the naive read and the bare calamine read of every file, and kttt as a national deployment runs it (one
`kttt materialize` over all the provinces when it takes --province more than once, else one per province), on
all the provinces and on the first provinces that reach 25 % and 50 % of the units (the linear fit of seconds
against units). Writes the section "National quarter" of docs/performance.md (between its own markers) and
prints it.
"""

from __future__ import annotations

import argparse
import cProfile
import errno
import io
import json
import os
import platform
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PERIOD = "2024-Q3"


#: kcmp(2)'s number on the machines the benchmark runs on, and its KCMP_VM: whether two processes share memory
_KCMP = {"x86_64": 312, "aarch64": 272}
_KCMP_VM = 1


def _shares_memory(a: int, b: int) -> bool:
    """Whether processes ``a`` and ``b`` have one address space: a child spawned by ``vfork`` (Python's
    subprocess, posix_spawn) runs in its parent's memory until it executes its program, and /proc reports that
    memory for both. False when it cannot be told (no kcmp, another machine)."""
    import ctypes
    import platform

    number = _KCMP.get(platform.machine())
    if number is None:
        return False
    libc = _shares_memory.libc = getattr(_shares_memory, "libc", None) or ctypes.CDLL(None, use_errno=True)
    answer = libc.syscall(number, a, b, _KCMP_VM, 0, 0)
    if answer < 0 and ctypes.get_errno() != errno.ESRCH and not getattr(_shares_memory, "warned", False):
        _shares_memory.warned = True  # e.g. a container's seccomp refusing kcmp: said once
        print(
            f"warning: kcmp refused ({os.strerror(ctypes.get_errno())}): a child spawned but not yet running its "
            "program may be counted with its parent's memory",
            file=sys.stderr,
        )
    return answer == 0


def _tree_memory_mib(pid: int) -> tuple[float, float]:
    """(resident, proportional) memory of a process and all its descendants (the reading workers and their
    server included), from /proc, in MiB. The resident sums count a page shared by several processes (a forked
    worker's libraries) once per process; the proportional set size (Pss) shares it among them. A child still in
    its parent's memory (spawned, not yet running its program: Dagster's log watchers, each ``soffice`` call) is
    not counted again: /proc gives it the parent's whole memory for that instant (seen as a peak of 1,150 MiB in a
    run whose processes held 850)."""
    rss = pss = 0
    stack, seen = [(pid, None)], set()
    while stack:
        p, parent = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            if parent is None or not _shares_memory(parent, p):  # asked first: after it, /proc is the child's
                with open(f"/proc/{p}/smaps_rollup") as fh:
                    for line in fh:
                        if line.startswith("Rss:"):
                            rss += int(line.split()[1])
                        elif line.startswith("Pss:"):
                            pss += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack += [(int(c), p) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return rss / 1024, pss / 1024


def run_measured(args: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(seconds, peak memory of the whole process tree in MiB, stdout) of a command; the peaks of both measures
    (resident sum, proportional sum) are kept in ``run_measured.peaks``."""
    t = time.perf_counter()
    # the output goes to files, not pipes: a long log (-v, many provinces) would fill a pipe nobody reads while
    # the loop samples memory, and block the command
    with tempfile.TemporaryFile("w+") as out_f, tempfile.TemporaryFile("w+") as err_f:
        proc = subprocess.Popen(args, stdout=out_f, stderr=err_f, text=True, env=env or os.environ.copy())
        peak_rss = peak_pss = 0.0
        while proc.poll() is None:
            rss, pss = _tree_memory_mib(proc.pid)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.05)
        seconds = time.perf_counter() - t
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{out[-3000:]}\n{err[-3000:]}")
    run_measured.peaks = (peak_rss, peak_pss)
    return seconds, peak_pss, out + err


def make_data(raw: Path, units: int, rows_per_unit: int | None, period: str = PERIOD) -> float:
    """Write a demo period (seconds taken)."""
    from kttt_pipeline.demo import write_demo_period

    t = time.perf_counter()
    kwargs = {"units": units}
    if rows_per_unit:
        kwargs["rows_per_unit"] = rows_per_unit
    make_data.summary = write_demo_period(raw, period, **kwargs)
    return time.perf_counter() - t


_STEP = re.compile(r' - (\w+) - STEP_SUCCESS - Finished execution of step "\w+" in (?:(\d+)m)?([\d.]+)(ms|s)')
_PARTS = re.compile(
    r"warehouse_period timings: frame checks ([\d.]+) s, load ([\d.]+) s, "
    r"Great Expectations suite ([\d.]+) s"
)


def materialize(
    raw: Path, work: Path, period: str = PERIOD, provinces: list[str] | None = None, reports: Path | None = None
) -> tuple[float, float]:
    """`kttt materialize` of a period as a user runs it: (seconds, peak proportional memory of the process tree);
    the Dagster step durations (and the warehouse step's parts) in ``materialize.steps``, each summed over the
    runs of the command (one per province when it runs several). ``provinces``: a ``--province`` each (none: the
    default province); ``reports``: the reports folder (default ``work/reports``). The warehouse is
    ``work/bench.db`` and the Dagster instance ``work/dagster_home``: commands given the same ``work`` share them."""
    env = os.environ.copy()
    env["DAGSTER_HOME"] = str(work / "dagster_home")
    (work / "dagster_home").mkdir(parents=True, exist_ok=True)
    seconds, pss, out = run_measured(
        [
            str(ROOT / ".venv/bin/kttt"),
            "materialize",
            "-v",
            "--period",
            period,
            "--raw-dir",
            str(raw),
            "--warehouse",
            f"sqlite:///{work}/bench.db",
            "--reports-dir",
            str(reports or work / "reports"),
            *[a for code in provinces or [] for a in ("--province", code)],
        ],
        env,
    )
    steps: dict[str, float] = {}
    for name, mins, v, unit in _STEP.findall(out):
        steps[name] = steps.get(name, 0.0) + 60 * float(mins or 0) + float(v) / (1000 if unit == "ms" else 1)
    parts = [sum(float(m.group(i)) for m in _PARTS.finditer(out)) for i in (1, 2, 3)]
    listed = list(steps.items())
    if _PARTS.search(out):  # listed under the warehouse step
        at = next((i + 1 for i, (name, _) in enumerate(listed) if name == "warehouse_period"), len(listed))
        listed[at:at] = [
            ("  of which: frame checks", parts[0]),
            ("  of which: load (SQLite)", parts[1]),
            ("  of which: Great Expectations suite + Data Docs", parts[2]),
        ]
    materialize.steps = listed
    materialize.peaks = run_measured.peaks
    return seconds, pss


def naive_read(raw: Path, period: str = PERIOD, dirs: list[Path] | None = None) -> tuple[float, float]:
    """Every file of the period read by pandas the naive way: workbooks by `read_excel(engine="openpyxl")`, CSV
    files by `read_csv`; a file pandas cannot read is skipped (its time counted). ``dirs``: the period folders to
    read, in one process (default ``raw/period``)."""
    code = (
        "import pandas as pd, pathlib, sys\n"
        "for f in [f for d in sys.argv[1:] for f in sorted(pathlib.Path(d).rglob('*.*'))]:\n"
        "    try:\n"
        "        if f.suffix.lower() in ('.xlsx', '.xlsm'):\n"
        "            pd.read_excel(f, sheet_name=None, engine='openpyxl')\n"
        "        elif f.suffix.lower() == '.csv':\n"
        "            pd.read_csv(f, encoding='utf-8-sig', dtype=str)\n"
        "    except Exception:\n"
        "        pass\n"
    )
    seconds, pss, _ = run_measured([PY, "-c", code, *map(str, dirs or [raw / period])])
    return seconds, pss


def calamine_read(raw: Path, period: str = PERIOD, dirs: list[Path] | None = None) -> tuple[float, float]:
    """Every cell of every sheet of every workbook read by python-calamine, and every CSV row by the csv module,
    nothing else (the floor). ``dirs`` as for :func:`naive_read`."""
    code = (
        "import csv, pathlib, sys\n"
        "from python_calamine import CalamineWorkbook\n"
        "for f in [f for d in sys.argv[1:] for f in sorted(pathlib.Path(d).rglob('*.*'))]:\n"
        "    if f.suffix.lower() == '.csv':\n"
        "        with open(f, encoding='utf-8-sig', newline='') as fh:\n"
        "            list(csv.reader(fh))\n"
        "        continue\n"
        "    try:\n"
        "        wb = CalamineWorkbook.from_path(str(f))\n"
        "    except Exception:\n"
        "        continue\n"
        "    for name in wb.sheet_names:\n"
        "        try:\n"
        "            wb.get_sheet_by_name(name).to_python(skip_empty_area=False)\n"
        "        except Exception:\n"
        "            pass\n"
    )
    seconds, pss, _ = run_measured([PY, "-c", code, *map(str, dirs or [raw / period])])
    return seconds, pss


_COMPONENTS = r"""
import json, os, pickle, sys, time
from pathlib import Path
what, pkl, out, url = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4]
res = pickle.load(open(pkl, "rb"))
from kttt_pipeline.warehouse.engine import make_engine
from kttt_pipeline.warehouse.load import load_period
from kttt_pipeline.warehouse.migrate import upgrade
eng = make_engine(url)
upgrade(eng)
fig = {}
if what == "load":
    t = time.perf_counter(); load_period(eng, res.period, res); fig["seconds"] = time.perf_counter() - t
else:
    load_period(eng, res.period, res)
    if what == "gx":
        t = time.perf_counter(); import great_expectations; fig["import"] = time.perf_counter() - t
        from kttt_pipeline.quality.warehouse_suite import run_warehouse_suite
        t = time.perf_counter(); r = run_warehouse_suite(eng, res.period, out / "data_docs")
        fig["seconds"] = time.perf_counter() - t
        assert r.success and r.docs_index is not None, r.failures
    else:
        from kttt_pipeline.publish.report import publish_period
        # as in the run, matplotlib is not imported beforehand: publish_period imports it for the charts
        t = time.perf_counter(); publish_period(eng, res.period, out / "reports")
        fig["seconds"] = time.perf_counter() - t
print("FIGURES " + json.dumps(fig))
"""


def component(what: str, pkl: Path, work: Path, url: str) -> dict:
    """One component timed inside a fresh process (what a run pays), on the pickled period result."""
    _, _, out = run_measured(
        [PY, "-c", _COMPONENTS, what, str(pkl), str(work), url], {**os.environ, "PYTHONPATH": str(ROOT)}
    )
    return json.loads(out.split("FIGURES ", 1)[1].splitlines()[0])


def _median(xs: list[float]) -> float:
    import statistics

    return statistics.median(xs)


def _fmt_runs(xs: list[float]) -> str:
    return f"{_median(xs):.2f} ({', '.join(f'{x:.2f}' for x in xs)})"


def startup(raw: Path, work: Path, repeat: int) -> dict[str, list[float]]:
    """Wall time of the commands whose cost is fixed: --help, last-period, check FILE, and the start of
    materialize (everything it imports and checks before Dagster runs, measured on a period without returns)."""
    kttt = str(ROOT / ".venv/bin/kttt")
    f = sorted((raw / PERIOD).rglob("*.xlsx"), key=lambda p: p.stat().st_size)[0]
    empty = work / "empty_raw"
    (empty / "2030-Q1").mkdir(parents=True, exist_ok=True)
    cmds = {
        "kttt --help": [kttt, "--help"],
        "kttt last-period": [kttt, "last-period"],
        f"kttt check FILE (smallest return, {f.stat().st_size // 1024} KiB)": [
            kttt,
            "check",
            str(f),
            "--period",
            PERIOD,
        ],
        "start of kttt materialize (imports, Dagster definitions, no returns)": [
            kttt,
            "materialize",
            "--period",
            "2030-Q2",
            "--raw-dir",
            str(empty),
            "--warehouse",
            f"sqlite:///{work}/empty.db",
            "--reports-dir",
            str(work / "empty_reports"),
        ],
    }
    (work / "dh").mkdir(exist_ok=True)
    out: dict[str, list[float]] = {}
    for name, cmd in cmds.items():
        out[name] = []
        for _ in range(repeat):
            t = time.perf_counter()
            rc = subprocess.run(
                cmd,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "DAGSTER_HOME": str(work / "dh")},
            ).returncode
            out[name].append(time.perf_counter() - t)
            if rc not in (0, 1):  # 1: check found problems / materialize found no returns, as intended
                raise RuntimeError(f"{' '.join(cmd)} exited with {rc}")
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal")) / 2**20
        mem_s = f", {mem:.1f} GiB RAM"
    except (OSError, StopIteration):
        mem_s = ""
    load = ", load average {:.1f} {:.1f} {:.1f} at the start".format(*os.getloadavg())
    return (
        f"{platform.node()} ({cpu}, {os.cpu_count()} cores{mem_s}{load}; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M %Z')})"
    )


def profile_run(raw: Path, period: str = PERIOD) -> str:
    from kttt_pipeline.run import run_period

    prof = cProfile.Profile()
    prof.enable()
    run_period(raw, period)  # large periods read district files in worker processes: their time shows as waiting
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(25)
    return buf.getvalue()


def _reading_lines(steps: list[tuple[str, float]], naive_seconds: float) -> list[str]:
    staged = dict(steps).get("staged_returns")
    if not staged:
        return []
    return [
        f"Reading alone (the `staged_returns` step: every workbook and the tax register read once, tables "
        f"located, values parsed, units identified) takes {staged:.1f} s, {naive_seconds / staged:.1f}× faster than "
        f"the naive read of the same files. The rest of the run is reconciliation, the warehouse transaction, the "
        f"Great Expectations suite with its Data Docs and the published documents, plus a fixed start-up cost "
        f"(Python, Dagster, Great Expectations imports) that the scaling series below measures.",
        "",
    ]


def linear_fit(series: list[tuple[int, int, float, float]]) -> tuple[float, float, float, float, float]:
    """The least-squares lines through (units, seconds) and (units, memory) of (units, rows, seconds, memory)
    points: (fixed seconds, seconds per unit, R² of the time line, fixed MiB, MiB per unit)."""
    import numpy as np

    units = np.array([u for u, *_ in series], dtype=float)
    secs = np.array([s for _, _, s, _ in series])
    mem = np.array([m for *_, m in series])
    (t_slope, t_fixed), (m_slope, m_fixed) = np.polyfit(units, secs, 1), np.polyfit(units, mem, 1)
    t_fit = t_slope * units + t_fixed
    r2 = 1 - float(((secs - t_fit) ** 2).sum()) / float(((secs - secs.mean()) ** 2).sum() or 1)
    return float(t_fixed), float(t_slope), r2, float(m_fixed), float(m_slope)


def _linearity(series: list, r2: float) -> str:
    if len(series) < 3:
        return "too few points to judge linearity"
    return "growth is linear" if r2 >= 0.97 else "growth is NOT linear"


def _scaling_lines(series: list[tuple[int, int, float, float]]) -> list[str]:
    """The least-squares line through (units, seconds) and (units, memory), with its R²."""
    if len(series) < 2:
        return []
    t_fixed, t_slope, r2, m_fixed, m_slope = linear_fit(series)
    return [
        f"Least-squares line through the series: time ≈ {t_fixed:.1f} s + {t_slope * 100:.2f} s per 100 units "
        f"(R² = {r2:.3f}: {_linearity(series, r2)}), memory ≈ {m_fixed:.0f} MiB + {m_slope * 100:.1f} MiB per 100 "
        "units. The intercept is the fixed cost (start-up, imports, the Dagster run).",
        "",
    ]


BEGIN, END = "<!-- benchmark:begin (written by benchmarks/run_benchmark.py) -->", "<!-- benchmark:end -->"


def write_doc(path: Path, lines: list[str], begin: str = BEGIN, end: str = END) -> None:
    """Replace the benchmark's part of the doc (between the markers), keeping what is written around it; a doc
    without the markers gets the part appended at its end."""
    block = "\n".join([begin, *lines, end])
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    if begin in old and end in old:
        new = old[: old.index(begin)] + block + old[old.index(end) + len(end) :]
    elif old:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    else:
        new = "# Performance\n\n" + block + "\n"
    path.write_text(new, encoding="utf-8")


def measure_period(name: str, raw: Path, work: Path, repeat: int, period: str = PERIOD) -> dict:
    files = [f for f in (raw / period).rglob("*.*")]
    fig = {
        "name": name,
        "summary": make_data.summary,
        "files": len(files),
        "mib": sum(f.stat().st_size for f in files) / 2**20,
        "runs": [],
        "naive": [],
        "calamine": [],
    }
    for i in range(repeat):
        s, pss = materialize(raw, work / f"{name}_run{i}", period)
        fig["runs"].append((s, pss, dict(materialize.steps), materialize.peaks[0]))
        fig["naive"].append(naive_read(raw, period))
        fig["calamine"].append(calamine_read(raw, period))
        print(
            f"  {name} run {i + 1}: materialize {s:.1f} s ({pss:.0f} MiB Pss, {materialize.peaks[0]:.0f} MiB Rss), "
            f"naive {fig['naive'][-1][0]:.1f} s, calamine {fig['calamine'][-1][0]:.2f} s",
            flush=True,
        )
    return fig


def period_lines(fig: dict) -> list[str]:
    runs = fig["runs"]
    m = [r[0] for r in runs]
    pss = max(r[1] for r in runs)
    rss = max(r[3] for r in runs)
    n = [x[0] for x in fig["naive"]]
    c = [x[0] for x in fig["calamine"]]
    steps = {k: _median([r[2].get(k, 0.0) for r in runs]) for k in runs[0][2]}
    in_steps = sum(v for k, v in steps.items() if not k.startswith(" "))  # indented: a part of the step above
    staged = steps.get("staged_returns", 0.0)
    ratios = [a / b for a, b in zip(m, n)]  # each run against the naive read measured right after it
    summ = fig["summary"]
    out = [
        f"{summ.cooperatives:,} cooperative rows, {summ.groups:,} group rows, a tax register of {summ.tax_rows:,} "
        f"rows ({summ.tax_format}); {fig['files']} files, {fig['mib']:.1f} MiB. Medians of {len(runs)} run(s), "
        "the individual runs in brackets.",
        "",
        "| what | seconds | peak memory of the process tree, MiB: proportional (resident sum) |",
        "|---|---:|---:|",
        f"| `kttt materialize` (read → reconcile → SQLite warehouse → checks → reports) | {_fmt_runs(m)} | "
        f"{pss:.0f} ({rss:.0f}) |",
        f"| naive pandas read of every file (`read_excel(engine='openpyxl')`, `read_csv`), reading only | "
        f"{_fmt_runs(n)} | {max(x[1] for x in fig['naive']):.0f} |",
        f"| every cell of every sheet read by python-calamine (CSV by the csv module) | {_fmt_runs(c)} | "
        f"{max(x[1] for x in fig['calamine']):.0f} |",
        "",
        f"* whole run / naive read: **{_median(ratios):.2f}×** (target ≤ 1.0×)",
        f"* reading step (`staged_returns`, {staged:.2f} s) / bare calamine read: **{staged / _median(c):.1f}×** "
        "(target ≤ 3×)",
        "",
        "Dagster step durations (median):",
        "",
        "| step | seconds |",
        "|---|---:|",
        *[f"| {k if k.startswith(' ') else f'`{k}`'} | {v:.2f} |" for k, v in steps.items()],
        f"| fixed cost outside the steps (start-up, imports, Dagster run) | {_median(m) - in_steps:.2f} |",
        "",
    ]
    return out


def scaling_series(label: str, period: str, units: list[int], rows_per_unit: int, work: Path) -> list[str]:
    """`kttt materialize` of demo periods of growing size (one run each), with the linear fit."""
    series = []
    for u in units:
        r = work / f"{label}_{u}"
        gen = make_data(r, u, rows_per_unit, period)
        s, pss = materialize(r, work / f"{label}_{u}_run", period)
        series.append((u, make_data.summary.cooperatives, s, pss))
        print(f"  {label} {u} units: generated in {gen:.0f} s, materialize {s:.1f} s ({pss:.0f} MiB)", flush=True)
        shutil.rmtree(r, ignore_errors=True)
    return [
        "| units | cooperative rows | wall time (s) | peak memory (MiB, proportional) |",
        "|---:|---:|---:|---:|",
        *[f"| {u:,} | {rows:,} | {s:.1f} | {m:.0f} |" for u, rows, s, m in series],
        "",
        *_scaling_lines(series),
    ]


# ---- national-34: a national quarter, every province, the national layout -------------------------------------

NATIONAL_PERIOD = "2026-Q2"  # after the reform: the commune-level units of all 34 provinces (3,321)
NATIONAL_ROWS_PER_UNIT = 9  # 3,321 units × 9 ≈ 29,900 cooperatives (the demo world's own sizes make ≈ 13 a unit)
N_BEGIN = "<!-- benchmark national-34:begin (written by benchmarks/run_benchmark.py --mode national-34) -->"
N_END = "<!-- benchmark national-34:end -->"
MEMORY_TARGET_MIB = 1024


def write_national_quarter(
    root: Path,
    period: str = NATIONAL_PERIOD,
    provinces: list[str] | None = None,
    rows_per_unit: int | None = NATIONAL_ROWS_PER_UNIT,
    seed: int = 20240930,
    units_per_province: int | None = None,
) -> dict:
    """A demo quarter of every province (default: all packaged) in the national layout ``root/<code>/<period>/…``
    (each province's folder is the raw folder of its own period: returns, tax register, province workbook, and
    its ``targets/``): each province's reporting units in force at the period end (or the first
    ``units_per_province``), ``rows_per_unit`` cooperatives each (None: the demo world's sizes), all from one
    seed (same arguments, same files). Province code → its :class:`~kttt_pipeline.demo.DemoSummary`."""
    from kttt_pipeline.core.admin_units import packaged_provinces
    from kttt_pipeline.demo import write_demo_period

    return {
        code: write_demo_period(
            root / code, period, units=units_per_province, seed=seed, rows_per_unit=rows_per_unit, province=code
        )
        for code in provinces or packaged_provinces()
    }


def multi_province_command() -> bool:
    """Whether `kttt materialize` takes ``--province`` more than once (several provinces of the national layout
    in one process), read from the command's own argument parser (what its --help shows)."""
    import argparse

    from kttt_pipeline.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    province = next(a for a in sub.choices["materialize"]._actions if "--province" in a.option_strings)
    return isinstance(province, argparse._AppendAction) or province.nargs in ("+", "*")


def kttt_national(root: Path, work: Path, period: str, codes: list[str], multi: bool) -> dict:
    """The provinces' quarter through kttt into one SQLite warehouse, as a national deployment runs it: one
    ``kttt materialize --raw-dir ROOT --province A --province B …`` when the command takes several provinces
    (``multi``), else one ``kttt materialize --raw-dir ROOT/<code> --province <code>`` per province in turn.
    Wall time of the whole, peak memory of the process tree (the largest of the commands'), step durations summed
    over the provinces."""
    load = os.getloadavg()[0]
    t = time.perf_counter()
    if multi:
        _, pss = materialize(root, work, period, codes, reports=work / "reports")
        rss, steps = materialize.peaks[0], dict(materialize.steps)
    else:
        pss = rss = 0.0
        steps: dict[str, float] = {}
        for code in codes:
            _, p = materialize(root / code, work, period, [code], reports=work / "reports" / code)
            pss, rss = max(pss, p), max(rss, materialize.peaks[0])
            for k, v in materialize.steps:
                steps[k] = steps.get(k, 0.0) + v
    return {
        "seconds": time.perf_counter() - t,
        "pss": pss,
        "rss": rss,
        "steps": steps,
        "load": (load, os.getloadavg()[0]),
    }


def fit_subsets(codes: list[str], units: dict[str, int], fractions: list[float]) -> list[list[str]]:
    """The provinces (in the order given) whose units first reach each fraction of the total, smallest first,
    and all of them last; a subset equal to a smaller one or to the whole is left out."""
    total = sum(units[c] for c in codes)
    out: list[list[str]] = []
    for f in sorted(fractions):
        acc, sub = 0, []
        for c in codes:
            sub.append(c)
            acc += units[c]
            if acc >= f * total:
                break
        if sub != codes and sub not in out:
            out.append(sub)
    return [*out, codes]


def _read_measured(fn) -> dict:
    load = os.getloadavg()[0]
    seconds, pss = fn()
    return {"seconds": seconds, "pss": pss, "rss": run_measured.peaks[0], "load": (load, os.getloadavg()[0])}


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def national_34(args: argparse.Namespace, work: Path) -> list[str]:
    """Write the national quarter (not timed), then, in one run: the naive read of every file, the bare calamine
    read of every file, the kttt national path on all the provinces and on smaller subsets (the fit of cost
    against units); the Markdown of the doc's section."""
    from kttt_pipeline.core.admin_units import packaged_provinces

    period = args.period
    codes = [c.strip() for c in args.provinces.split(",") if c.strip()] if args.provinces else packaged_provinces()
    rows = args.rows_per_unit or NATIONAL_ROWS_PER_UNIT
    host = machine()
    root = work / "national"
    print(f"writing the national quarter {period} ({len(codes)} provinces) …", flush=True)
    t = time.perf_counter()
    summ = write_national_quarter(root, period, codes, rows, args.seed, args.units_per_province)
    written = time.perf_counter() - t
    units = {c: len(summ[c].units) for c in codes}
    coops = {c: summ[c].cooperatives for c in codes}
    dirs = [root / c / period for c in codes]
    files = [f for d in dirs for f in d.rglob("*.*") if not f.name.startswith(".")]
    mib = sum(f.stat().st_size for f in files) / 2**20
    print(
        f"  {sum(units.values()):,} units, {sum(coops.values()):,} cooperatives, {len(files)} files, "
        f"{mib:.1f} MiB, written in {written:.0f} s",
        flush=True,
    )

    naive = _read_measured(lambda: naive_read(root, period, dirs))
    print(f"  naive read {naive['seconds']:.1f} s ({naive['pss']:.0f} MiB)", flush=True)
    floor = _read_measured(lambda: calamine_read(root, period, dirs))
    print(f"  calamine read {floor['seconds']:.1f} s ({floor['pss']:.0f} MiB)", flush=True)

    multi = multi_province_command()
    from kttt_pipeline.processes.cores import usable_cores

    path = (
        "one `kttt materialize --period P --raw-dir ROOT --province A --province B …` (every province in one "
        f"command: {usable_cores()} worker processes forked from it, one per core, `--jobs` by default)"
        if multi
        else "one `kttt materialize --period P --raw-dir ROOT/<code> --province <code>` per province, in turn "
        "(this branch's `kttt materialize` takes one province)"
    )
    print(f"  kttt path: {path}", flush=True)
    subsets = fit_subsets(codes, units, [float(x) for x in args.fit.split(",") if x.strip()])
    runs: dict[int, dict] = {}
    for sub in [subsets[-1], *subsets[:-1]]:  # the whole first, beside the reads; then the smaller subsets
        r = kttt_national(root, work / f"kttt_{len(sub)}", period, sub, multi)
        r.update(provinces=len(sub), units=sum(units[c] for c in sub), coops=sum(coops[c] for c in sub))
        runs[len(sub)] = r
        print(
            f"  kttt, {len(sub)} provinces ({r['units']:,} units): {r['seconds']:.1f} s ({r['pss']:.0f} MiB)",
            flush=True,
        )
    whole = runs[len(codes)]
    series = [(r["units"], r["coops"], r["seconds"], r["pss"]) for _, r in sorted(runs.items())]

    def row(what: str, r: dict) -> str:
        return (
            f"| {what} | {r['seconds']:.2f} | {r['pss']:.0f} ({r['rss']:.0f}) | {r['load'][0]:.1f} → "
            f"{r['load'][1]:.1f} |"
        )

    v_naive, v_floor = whole["seconds"] / naive["seconds"], whole["seconds"] / floor["seconds"]
    lines = [
        f"## National quarter ({len(codes)} provinces)",
        "",
        f"Measured by `benchmarks/run_benchmark.py --mode national-34` on {host} (the load average is "
        "`uptime`'s: the machine is shared; each command's 1-minute load before → after is in the tables). One "
        "run of each figure.",
        "",
        f"Data: the demo quarter {period} of {len(codes)} provinces in the national layout `ROOT/<province "
        f"code>/{period}/…`: {sum(units.values()):,} reporting units (each province's units in force at the quarter "
        f"end{'' if args.units_per_province is None else f', at most {args.units_per_province} a province'}), "
        f"{sum(coops.values()):,} cooperative rows ({rows} a unit), "
        f"{sum(summ[c].groups for c in codes):,} group rows, {sum(summ[c].tax_rows for c in codes):,} tax register "
        f"rows; {len(files):,} files, {mib:.1f} MiB (written in {written:.0f} s by seed {args.seed}, not timed).",
        "",
        f"kttt path: {path}; one SQLite warehouse for all the provinces.",
        "",
        "| what | seconds | peak memory of the process tree, MiB: proportional (resident sum) | load before → after |",
        "|---|---:|---:|---:|",
        row("kttt national path (read → reconcile → warehouse → checks → reports, every province)", whole),
        row("naive pandas read of every file (`read_excel(engine='openpyxl')`, `read_csv`), reading only", naive),
        row("every cell of every sheet read by python-calamine (CSV by the csv module)", floor),
        "",
    ]
    if len(series) >= 2:
        a, b, r2, m_a, m_b = linear_fit(series)
        fit = f"seconds ≈ {a:.1f} + {b:.4f} × units (R² = {r2:.3f}, {len(series)} points)"
        linear = f"{_met(r2 >= 0.97)}: {_linearity(series, r2)}" if len(series) >= 3 else "not judged (< 3 points)"
    else:
        fit, linear = "not measured (one point)", "not judged"
    lines += [
        "| target | measured | verdict |",
        "|---|---:|---|",
        f"| whole national quarter ≤ 1.0× the naive read | {v_naive:.2f}× | {_met(v_naive <= 1.0)} |",
        f"| whole national quarter ≤ 5× the bare calamine read | {v_floor:.1f}× | {_met(v_floor <= 5.0)} |",
        f"| peak memory of the process tree ≤ 1 GiB (proportional) | {whole['pss']:.0f} MiB | "
        f"{_met(whole['pss'] <= MEMORY_TARGET_MIB)} |",
        f"| cost linear in units | {fit} | {linear} |",
        "",
        "Cost against units: the kttt path on the first provinces (in code order) that reach each share of the "
        "units, one run each.",
        "",
        "| provinces | units | cooperative rows | seconds | peak memory (MiB, proportional) | load before → after |",
        "|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {r['provinces']} | {r['units']:,} | {r['coops']:,} | {r['seconds']:.2f} | {r['pss']:.0f} | "
            f"{r['load'][0]:.1f} → {r['load'][1]:.1f} |"
            for _, r in sorted(runs.items())
        ],
        "",
    ]
    if len(series) >= 2:
        lines += [
            f"Fit: time ≈ {a:.1f} s + {b * 100:.2f} s per 100 units (R² = {r2:.3f}), memory ≈ {m_a:.0f} MiB + "
            f"{m_b * 100:.1f} MiB per 100 units.",
            "",
        ]
    in_steps = sum(v for k, v in whole["steps"].items() if not k.startswith(" "))
    lines += [
        f"Dagster step durations of the whole run, summed over the {len(codes)} provinces (the workers run at "
        "the same time: the sum is more than the wall time):",
        "",
        "| step | seconds |",
        "|---|---:|",
        *[f"| {k if k.startswith(' ') else f'`{k}`'} | {v:.1f} |" for k, v in whole["steps"].items()],
        f"| the wall time less the steps' sum (process start-up, imports, Dagster run set-up; negative when the "
        f"workers overlap) | {whole['seconds'] - in_steps:.1f} |",
        "",
    ]
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--mode",
        choices=("issue-17", "national-34"),
        default="issue-17",
        help="issue-17: the province period, the 700-unit national period and the post-reform series; "
        "national-34: a national quarter of every province in the national layout (section 'National quarter')",
    )
    ap.add_argument("--units", type=int, default=700, help="national period: reporting units")
    ap.add_argument(
        "--rows-per-unit",
        type=int,
        default=None,
        help=f"cooperatives per unit: of the national period (default 47), of the national quarter "
        f"(default {NATIONAL_ROWS_PER_UNIT})",
    )
    ap.add_argument("--province-units", type=int, default=4)
    ap.add_argument("--province-rows", type=int, default=5000, help="province period: cooperatives per unit")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (medians are reported)")
    ap.add_argument("--national-repeat", type=int, default=1, help="runs of the national period")
    ap.add_argument(
        "--postgres",
        default=os.environ.get("KTTT_TEST_POSTGRES_URL"),
        help="PostgreSQL URL for the warehouse write (default: KTTT_TEST_POSTGRES_URL)",
    )
    ap.add_argument("--scaling", default="", help="unit counts for a scaling series, e.g. 70,140,350,700")
    ap.add_argument(
        "--post-reform",
        default="825,1650,3300",
        help="unit counts of the post-reform national series (commune-level units, 2025-Q4); '' skips it",
    )
    ap.add_argument("--post-reform-rows", type=int, default=10, help="post-reform series: cooperatives per unit")
    ap.add_argument("--no-national", action="store_true", help="skip the national period")
    ap.add_argument("--no-profile", action="store_true", help="skip the cProfile of the national period")
    national = ap.add_argument_group("national-34")
    national.add_argument("--period", default=NATIONAL_PERIOD, help="the quarter (default %(default)s)")
    national.add_argument("--provinces", default="", help="province codes, comma-separated (default: all packaged)")
    national.add_argument(
        "--units-per-province", type=int, default=None, help="at most N units a province (default: all in force)"
    )
    national.add_argument(
        "--fit", default="0.25,0.5", help="shares of the units run besides the whole, for the fit (default %(default)s)"
    )
    national.add_argument("--seed", type=int, default=20240930, help="demo seed (default %(default)s)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "performance.md"), help="the doc to write ('' : none)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix="kttt_bench_"))
    if args.mode == "national-34":
        try:
            lines = national_34(args, work)
            if args.out:
                write_doc(Path(args.out), lines, N_BEGIN, N_END)
            print("\n".join(lines))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    args.rows_per_unit = args.rows_per_unit or 47
    lines = [
        f"Measured by `benchmarks/run_benchmark.py` on {machine()}. The machine is shared; every figure is a "
        "median of repeated runs (individual runs in brackets). Memory is the peak of the whole process tree "
        "(the command, its reading workers and their fork server), as the proportional set size (a page shared "
        "by n processes counts 1/n in each) and, in brackets, as the sum of the processes' resident sizes "
        "(which counts a shared page once per process).",
        "",
    ]
    try:
        print("province period …", flush=True)
        raw_p = work / "province"
        make_data(raw_p, args.province_units, args.province_rows)
        prov = measure_period("province", raw_p, work, args.repeat)
        lines += [
            f"## Province period ({args.province_units} units × {args.province_rows:,} cooperatives)",
            "",
            *period_lines(prov),
        ]

        import pickle

        from kttt_pipeline.run import run_period

        pkl = work / "province.pkl"
        pkl.write_bytes(pickle.dumps(run_period(raw_p, PERIOD)))
        comp: dict[str, list] = {"load_sqlite": [], "load_pg": [], "gx": [], "gx_import": [], "publish": []}
        for i in range(args.repeat):
            comp["load_sqlite"].append(component("load", pkl, work / f"c{i}", f"sqlite:///{work}/c{i}.db")["seconds"])
            if args.postgres:
                comp["load_pg"].append(component("load", pkl, work / f"c{i}", args.postgres)["seconds"])
            g = component("gx", pkl, work / f"g{i}", f"sqlite:///{work}/g{i}.db")
            comp["gx"].append(g["seconds"])
            comp["gx_import"].append(g["import"])
            comp["publish"].append(component("publish", pkl, work / f"p{i}", f"sqlite:///{work}/p{i}.db")["seconds"])
            print(f"  components {i + 1}: " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in comp.items() if v), flush=True)
        su = startup(raw_p, work, args.repeat)
        coops = prov["summary"].cooperatives
        lines += [
            "### Steps timed alone (province period, each in a fresh process)",
            "",
            "| what | seconds | target |",
            "|---|---:|---:|",
            f"| warehouse write, SQLite (`load_period`, {coops:,} cooperatives, one transaction) | "
            f"{_fmt_runs(comp['load_sqlite'])} | ≤ 1 |",
            *(
                [f"| warehouse write, PostgreSQL | {_fmt_runs(comp['load_pg'])} | (reported) |"]
                if comp["load_pg"]
                else ["| warehouse write, PostgreSQL | not measured (no --postgres / KTTT_TEST_POSTGRES_URL) | |"]
            ),
            f"| Great Expectations suite with its Data Docs (after the import) | {_fmt_runs(comp['gx'])} | ≤ 1 |",
            f"| `import great_expectations` (paid once by the check) | {_fmt_runs(comp['gx_import'])} | |",
            f"| publishing (`publish_period`: appendix, paragraph, charts, with the import of matplotlib) | "
            f"{_fmt_runs(comp['publish'])} | ≤ 1.5 |",
            "",
            "### Fixed start-up (wall time of the command)",
            "",
            "| command | seconds | target |",
            "|---|---:|---:|",
            *[f"| {k} | {_fmt_runs(v)} | ≤ 2 |" for k, v in su.items()],
            "",
        ]
        if not args.no_national:
            print("national period …", flush=True)
            raw_n = work / "national"
            make_data(raw_n, args.units, args.rows_per_unit)
            nat = measure_period("national", raw_n, work, args.national_repeat)
            peak = max(r[1] for r in nat["runs"])
            lines += [
                f"## National scale ({args.units} units × {args.rows_per_unit} cooperatives)",
                "",
                *period_lines(nat),
                f"Peak memory of the process tree: **{peak:.0f} MiB** proportional, "
                f"{max(r[3] for r in nat['runs']):.0f} MiB as the sum of resident sizes (target ≤ 512 MiB).",
                "",
            ]
        if args.scaling:
            lines += [
                "## Scaling (national, before the reform: district-level units, 2024-Q3)",
                "",
                *scaling_series(
                    "scale", PERIOD, [int(x) for x in args.scaling.split(",") if x], args.rows_per_unit, work
                ),
            ]
        if args.post_reform:
            print("post-reform national series …", flush=True)
            counts = [int(x) for x in args.post_reform.split(",") if x]
            lines += [
                f"## Post-reform national scale (commune-level units, 2025-Q4, {args.post_reform_rows} "
                f"cooperatives each; one run each; target < 60 s at {max(counts):,} units)",
                "",
                *scaling_series("post_reform", "2025-Q4", counts, args.post_reform_rows, work),
            ]
        if not args.no_national and not args.no_profile:
            prof = profile_run(raw_n)
            lines += [
                "## Where the time goes (cProfile of the plain pipeline at national scale, cumulative)",
                "",
                "```",
                *prof.splitlines()[:60],
                "```",
                "",
            ]
        if args.out:
            write_doc(Path(args.out), lines)
        print("\n".join(lines))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
