"""The national quarter of the benchmark (``benchmarks/run_benchmark.py --mode national-34``): its writer puts each
province's units in force into the national layout ROOT/<province code>/<period>/, and the mode runs end to end
on a tiny subset (two small provinces, three units each, no subset for the fit) and prints the section it writes
into the doc."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

from kttt_pipeline.core.admin_units import load_admin_units, reporting_units
from kttt_pipeline.core.periods import Period

ROOT = Path(__file__).resolve().parents[2]
PERIOD = "2026-Q2"
SMALL = ["12", "46", "11"]  # the three provinces with the fewest units in force in 2026-Q2 (38, 40, 45)


def _bench():
    spec = importlib.util.spec_from_file_location("run_benchmark", ROOT / "benchmarks" / "run_benchmark.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _in_force(code: str) -> list[str]:
    per = Period.parse(PERIOD)
    return [u.unit_code for u in reporting_units(load_admin_units(None, code, per.end), per)]


def test_the_national_writer_gives_each_province_its_register_units_in_the_national_layout(tmp_path):
    bench = _bench()
    summ = bench.write_national_quarter(tmp_path / "a", PERIOD, SMALL, rows_per_unit=1, seed=7)
    assert list(summ) == SMALL
    for code in SMALL:
        want = _in_force(code)
        assert want, code
        assert summ[code].province == code
        assert summ[code].units == want
        returns = tmp_path / "a" / code / PERIOD / "communes"
        # every unit's return, plus the return of a unit not in force that the demo plants
        assert len(list(returns.glob("*.xlsx"))) >= len(want)
        assert (tmp_path / "a" / code / PERIOD / "tax").is_dir()
    assert not (tmp_path / "a" / PERIOD).exists()  # no province-less period folder at the root
    # deterministic by seed: the same seed writes the same files with the same planted figures
    again = bench.write_national_quarter(tmp_path / "b", PERIOD, SMALL[:1], rows_per_unit=1, seed=7)
    manifest = f"{SMALL[0]}/{PERIOD}/.kttt_demo_manifest.json"
    assert json.loads((tmp_path / "a" / manifest).read_text()) == json.loads((tmp_path / "b" / manifest).read_text())
    assert again[SMALL[0]].expected == summ[SMALL[0]].expected
    other = bench.write_national_quarter(tmp_path / "c", PERIOD, SMALL[:1], rows_per_unit=1, seed=8)
    assert other[SMALL[0]].expected != summ[SMALL[0]].expected


def test_the_national_mode_runs_end_to_end_and_prints_the_section_it_writes(tmp_path):
    bench = _bench()
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nWritten by hand, kept.\n", encoding="utf-8")
    codes, per_province, rows = SMALL[:2], 3, 2
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run_benchmark.py"),
            "--mode",
            "national-34",
            "--provinces",
            ",".join(codes),
            "--units-per-province",
            str(per_province),
            "--rows-per-unit",
            str(rows),
            "--fit",  # no smaller subset (a run more): the fit's subsets and line are tests/unit/test_benchmark_fit.py
            "",
            "--out",
            str(doc),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    # what the writer makes of the same arguments, in process
    summ = bench.write_national_quarter(tmp_path / "raw", PERIOD, codes, rows, 20240930, per_province)
    units = sum(len(s.units) for s in summ.values())
    coops = sum(s.cooperatives for s in summ.values())
    assert units == per_province * len(codes)
    assert f"## National quarter ({len(codes)} provinces)" in out
    assert f": {units:,} reporting units" in out and f"{coops:,} cooperative rows" in out
    # which path ran, as the command's parser allows
    multi = bench.multi_province_command()
    assert ("every province in one command" in out) is multi
    assert ("one `kttt materialize --period P --raw-dir ROOT/<code>" in out) is not multi

    def table(header: str) -> list[list[str]]:
        lines = out.splitlines()
        at = lines.index(header)
        body = []
        for line in lines[at + 2 :]:
            if not line.startswith("|"):
                break
            body.append([c.strip() for c in line.strip("|").split("|")])
        return body

    main = table(
        "| what | seconds | peak memory of the process tree, MiB: proportional (resident sum) | load before → after |"
    )
    assert [r[0].split(" ")[0] for r in main] == ["kttt", "naive", "every"]
    for r in main:
        assert float(r[1]) > 0
        assert re.fullmatch(r"\d+ \(\d+\)", r[2]), r
    targets = table("| target | measured | verdict |")
    assert [r[0] for r in targets] == [
        "whole national quarter ≤ 1.0× the naive read",
        "whole national quarter ≤ 5× the bare calamine read",
        "peak memory of the process tree ≤ 1 GiB (proportional)",
        "cost linear in units",
    ]
    kttt, naive, floor = (float(r[1]) for r in main)
    # the ratios of the whole to the reads (from unrounded seconds: within the rounding of the table's)
    assert abs(float(targets[0][1].rstrip("×")) - kttt / naive) <= 0.02 * kttt / naive
    assert float(targets[1][1].rstrip("×")) > 1
    assert targets[3][1:] == ["not measured (one point)", "not judged"]
    fit = table(
        "| provinces | units | cooperative rows | seconds | peak memory (MiB, proportional) | load before → after |"
    )
    assert [(r[0], r[1], r[2]) for r in fit] == [(str(len(codes)), str(units), f"{coops:,}")]
    assert fit[-1][3] == main[0][1]  # the whole run, once
    steps = table("| step | seconds |")
    assert "`staged_returns`" in [r[0] for r in steps] and "`warehouse_period`" in [r[0] for r in steps]
    # the doc: what was there is kept, the section is what the script printed, between its markers
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n\nWritten by hand, kept.\n")
    block = text[text.index(bench.N_BEGIN) + len(bench.N_BEGIN) : text.index(bench.N_END)].strip("\n")
    assert block and block in out
