"""Many provinces' quarters run by one process: the national run of ``kttt materialize --province A --province B …``
(cli.py) and of the UI's national job (national_job.py), written once.

Each (province, quarter) pair is one run of ``kttt_period_job`` at its (province, quarter) key, recorded as such;
a province's quarters run oldest first, in one process (its earlier quarter is loaded before its next one compares
with it). The imports, Dagster's definitions and Great Expectations' context are paid once for all the pairs, not
once a pair. Where this process may fork (``processes/forked.py``) and more than one worker is asked for, the
provinces go to forked workers, the largest (in bytes of raw files) first, each worker with its state (a Dagster
instance) for all its provinces (``processes/workers.py``), all of them handing their appendix PDFs to the one
LibreOffice the caller keeps running (``publish/appendix/render.py``); else they run here, one after another. A
pair that fails does not stop the others.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kttt_pipeline.processes.forked import fork_available
from kttt_pipeline.processes.workers import WorkerLost, report_partial, run_in_workers


@dataclass(frozen=True)
class PairRun:
    """One (province, quarter) of a national run; ``number`` counts from 1 in the order asked (the quarters oldest
    first, each for every province)."""

    number: int
    period: str
    province: str

    @property
    def name(self) -> str:
        return f"{self.province} {self.period}"


def province_runs(periods: list[str], provinces: list[str]) -> list[list[PairRun]]:
    """Each province's pairs, its quarters oldest first (``periods`` are given oldest first)."""
    number = {(p, code): i for i, (p, code) in enumerate(((p, c) for p in periods for c in provinces), 1)}
    return [[PairRun(number[(p, code)], p, code) for p in periods] for code in provinces]


def raw_size(raw_root: str | Path, runs: list[PairRun]) -> int:
    """The bytes of a province's raw files for its pairs (``raw_root/<code>/<period>/``): its share of the work."""
    return sum(
        f.stat().st_size for r in runs for f in (Path(raw_root) / r.province / r.period).rglob("*") if f.is_file()
    )


def balanced_shares(sizes: dict[str, int], parts: int) -> list[list[str]]:
    """``sizes``' keys (provinces, by their work: :func:`raw_size`) shared into at most ``parts`` lists of about
    equal work: the largest first, each to the list with the least work so far (ties: the one with fewer
    provinces, then the first); each list keeps that order. Empty lists are left out."""
    shares: list[list[str]] = [[] for _ in range(max(1, parts))]
    load = [0] * len(shares)
    for key in sorted(sizes, key=lambda k: (-sizes[k], k)):
        i = min(range(len(shares)), key=lambda j: (load[j], len(shares[j]), j))
        shares[i].append(key)
        load[i] += sizes[key]
    return [share for share in shares if share]


def prepare_for_workers() -> None:
    """What every run imports or builds on its first use (Great Expectations and its suite's context, the
    publishing modules and matplotlib), done before the workers are forked: they share it instead of each paying
    for it, in time and in memory."""
    from kttt_pipeline.publish import charts, report  # noqa: F401  (matplotlib, openpyxl, the appendix)
    from kttt_pipeline.quality import warehouse_suite

    warehouse_suite.prepare()


def run_provinces(
    runs: list[list[PairRun]],
    run_one: Callable[[PairRun, Any], int],
    open_state: Callable[[], AbstractContextManager[Any]],
    raw_root: str | Path,
    workers: int,
    on_workers: Callable[[int], None] = lambda n: None,
    on_lost: Callable[[PairRun, int | None], int] = lambda pair, exitcode: 1,
) -> list[tuple[PairRun, int]]:
    """Every pair of ``runs`` (each province's list) run by ``run_one(pair, state)`` (its exit status: 0 when
    published), in ``workers`` forked workers when this process may fork and more than one is asked for (told to
    ``on_workers(n)`` first), else here; the state is ``open_state()``, opened once per process. A pair whose
    worker died is ``on_lost(pair, exitcode)``'s status. Returns (pair, status) in the pairs' order."""
    workers = max(1, min(workers, len(runs)))

    def run_province(province: list[PairRun], state: Any) -> list[tuple[PairRun, int]]:
        done = []
        for pair in province:
            try:
                status = run_one(pair, state)
            except Exception:  # a pair's error: said, counted as not published; the next pairs still run
                print(
                    f"Lỗi ngoài dự kiến khi chạy tỉnh mã {pair.province}, kỳ {pair.period}; hãy báo cho người quản "
                    f"trị kèm nội dung sau / unexpected error:\n{traceback.format_exc()}",
                    file=sys.stderr,
                )
                status = 1
            done.append((pair, status))
            report_partial((pair, status))  # in a worker: kept by the parent should the worker die later
        return done

    if workers > 1:
        prepare_for_workers()  # before asking whether this process may fork: what it imports counts
    if workers > 1 and fork_available():
        by_size = sorted(runs, key=lambda r: -raw_size(raw_root, r))
        on_workers(workers)
        done = []
        got_all = run_in_workers(by_size, run_province, open_state, workers)
        for province, got in zip(by_size, got_all):
            if isinstance(got, WorkerLost):
                finished = dict(got.partial)  # the quarters it had done before its worker died
                done += [
                    (pair, finished[pair] if pair in finished else on_lost(pair, got.exitcode)) for pair in province
                ]
            else:
                done += got
    else:
        with open_state() as state:
            done = [outcome for province in runs for outcome in run_province(province, state)]
    return sorted(done, key=lambda outcome: outcome[0].number)
