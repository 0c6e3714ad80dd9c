"""Per-row against batch record parsing (issue 17), on the entity rows of a period's sheets.

    .venv/bin/python benchmarks/parse_records_bench.py [RAW_DIR] [PERIOD] [--repeat 5]

Runs ``extract_period`` once with the readers' ``parse_record`` wrapped, so as to collect every entity row each
reader parses (row, table, context, provisional key) sheet by sheet; then times parsing them again row by row
(``parse_record``) and sheet by sheet (``parse_records``), checks both give the same values and findings, and
prints the best and median of ``--repeat`` runs of each, in CPU time of the process: with the per-value
functions' caches (clean_text, fold, ...) warm from the extraction, and emptied before each run.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from pathlib import Path

from kttt_pipeline.ingest import (
    district_return,
    province_workbook,
    records,
    tax_register,
)


def collect(raw: Path, period: str) -> list[tuple[object, list, list, list]]:
    """The entity rows parsed while extracting the period: (table, rows, contexts, keys) per run of one sheet."""
    from kttt_pipeline.ingest.period import extract_period

    calls: list[tuple] = []
    original = records.parse_record

    def spy(row, table, ctx, *, provisional_key=None):
        calls.append((list(row), table, ctx, provisional_key))
        return original(row, table, ctx, provisional_key=provisional_key)

    modules = (district_return, province_workbook, tax_register)
    for m in modules:
        m.parse_record = spy
    try:
        extract_period(raw, period, workers=1)
    finally:
        for m in modules:
            m.parse_record = original
    groups: list[tuple[object, list, list, list]] = []
    for row, table, ctx, key in calls:
        if not groups or groups[-1][0] is not table or groups[-1][2][-1].sheet != ctx.sheet:
            groups.append((table, [], [], []))
        groups[-1][1].append(row)
        groups[-1][2].append(ctx)
        groups[-1][3].append(key)
    return groups


def per_row(groups):
    return [
        [records.parse_record(r, t, c, provisional_key=k) for r, c, k in zip(rows, ctxs, keys)]
        for t, rows, ctxs, keys in groups
    ]


def batch(groups):
    return [records.parse_records(rows, t, ctxs, keys) for t, rows, ctxs, keys in groups]


def clear_caches() -> None:
    """Empty the per-value functions' caches (those this checkout has), as at the start of an extraction."""
    from kttt_pipeline.core import tax_codes, text, values

    for module in (text, values, tax_codes):
        for name in ("_clean_str", "_fold_text", "_parse_number_str", "_parse_date_str"):
            fn = getattr(module, name, None)
            if fn is not None and hasattr(fn, "cache_clear"):
                fn.cache_clear()


def timed(fn, groups, repeat, cold=False):
    """Best and median of ``repeat`` runs, in CPU seconds of this process (the machine is shared)."""
    out = []
    for _ in range(repeat):
        if cold:
            clear_caches()
        t0 = time.process_time()
        fn(groups)
        out.append(time.process_time() - t0)
    return min(out), statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("raw", nargs="?", default="/work/golden/corpora/province")
    ap.add_argument("period", nargs="?", default="2024-Q3")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only-per-row", action="store_true")
    a = ap.parse_args()
    groups = collect(Path(a.raw), a.period)
    gc.collect()
    gc.freeze()  # the collected grids are not the parsers' garbage: keep the collector from walking them
    n = sum(len(g[1]) for g in groups)
    print(f"{n} entity rows in {len(groups)} sheet runs")
    if not a.only_per_row:

        def same(parsed):  # the values' keys in order too, each value to the bit (repr: -0.0 is not 0.0)
            return [[([(k, type(v), repr(v)) for k, v in p.values.items()], p.findings) for p in g] for g in parsed]

        assert same(per_row(groups)) == same(batch(groups)), "parse_records differs from parse_record"
        print("parse_records == parse_record: values and findings")
    for cold in (False, True):
        caches = "cold caches" if cold else "warm caches"
        best, med = timed(per_row, groups, a.repeat, cold)
        print(f"per row (parse_record), {caches}:  best {best:.3f} s, median {med:.3f} s (CPU)")
        if not a.only_per_row:
            best, med = timed(batch, groups, a.repeat, cold)
            print(f"batch (parse_records), {caches}:   best {best:.3f} s, median {med:.3f} s (CPU)")


if __name__ == "__main__":
    main()
