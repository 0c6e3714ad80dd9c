"""The UI's national job (``kttt_national_quarter_job``): one run of a quarter for every province of a national
deployment, in a few processes, so that the start of a run (Python, Dagster, the stages, Great Expectations'
context) is paid once per process for the quarter, not once a province.

Launched from the UI (Jobs → kttt_national_quarter_job → a quarter, or a backfill of quarters), its run shares the
provinces out into one part per core (:func:`national_run.balanced_shares`, by the bytes of their raw files; at
most ``KTTT_CORES`` parts when that is set). Each part is a step that Dagster's multiprocess executor runs in a
process of its own, at the same time as the others; the step runs each of its provinces' (province, quarter) key
of ``kttt_period_job`` in that process, one after another (national_run.py, as ``kttt materialize --province …``
does), with one LibreOffice for their appendix PDFs. Each province is recorded in the instance as a run of that key,
with its steps, checks and materializations, tagged with the national run's id (:data:`NATIONAL_RUN_TAG`), so the
assets' partitions show what it loaded. A province whose folder lacks the quarter, or whose run fails, is named in
the national run's failure, with the run to open for the reason; the others are loaded all the same.
"""

import multiprocessing
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from kttt_pipeline.orchestration.national_run import (
    PairRun,
    balanced_shares,
    province_runs,
    raw_size,
    run_provinces,
)
from kttt_pipeline.orchestration.partitions import partition_key
from kttt_pipeline.orchestration.progress import execute_with_progress
from kttt_pipeline.orchestration.resources import KtttPaths, Warehouse
from kttt_pipeline.orchestration.results import failed_checks, interrupted
from kttt_pipeline.processes.collector import collector_slowed
from kttt_pipeline.processes.cores import cores_share, split_cores, usable_cores
from kttt_pipeline.publish.appendix.render import warm_office

NATIONAL_JOB_NAME = "kttt_national_quarter_job"
#: tag of each (province, quarter) run a national run starts: the national run's id
NATIONAL_RUN_TAG = "kttt/national_run"
#: the mapping key of the national run's n-th part (its step is ``national_part[phan_<n>]``)
PART_KEY = "phan_{n}"

#: imported once by the fork server the national run's steps are forked from, not by each step's process
PRELOAD = (
    "kttt_pipeline.orchestration.definitions",
    "kttt_pipeline.publish.report",
    "kttt_pipeline.publish.charts",
    "great_expectations",
)

#: the period job of ``provinces`` bound to (raw folder, warehouse URL, reports folder), step outputs in memory
PeriodJobFor = Callable[[str, str, str, list[str]], dg.JobDefinition]


def _no_folder(paths: KtttPaths, code: str, period: str) -> str:
    """Why a province of the deployment is not in the national run: no folder for the quarter."""
    return f"tỉnh mã {code}: không có thư mục {Path(paths.raw_dir) / code / period}"


def _executor() -> dg.ExecutorDefinition:
    """Dagster's multiprocess executor, its steps forked from a fork server that imported :data:`PRELOAD` once;
    where there is no fork server (Windows), each step's process started anew."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return dg.multiprocess_executor
    return dg.multiprocess_executor.configured({"start_method": {"forkserver": {"preload_modules": list(PRELOAD)}}})


def build_national_job(
    provinces: list[str], quarters: dg.PartitionsDefinition, period_job_for: PeriodJobFor
) -> dg.JobDefinition:
    """The national job of ``provinces``, partitioned by ``quarters``."""

    @dg.op(
        name="national_plan",
        out={"parts": dg.DynamicOut(dict), "absent": dg.Out(list)},
        description="The provinces of the quarter shared out into one part per core (by the size of their raw files); "
        "the provinces with no folder for the quarter.",
    )
    def national_plan(context: dg.OpExecutionContext, paths: KtttPaths) -> Iterator[dg.Output | dg.DynamicOutput]:
        period = context.partition_key
        present = [code for code in provinces if (Path(paths.raw_dir) / code / period).is_dir()]
        absent = [code for code in provinces if code not in present]
        if not present:
            raise dg.Failure(
                description=f"Kỳ {period}: 0/{len(provinces)} tỉnh, thành phố đã công bố; "
                + "; ".join(_no_folder(paths, code, period) for code in absent)
            )
        sizes = {code: raw_size(paths.raw_dir, [PairRun(0, period, code)]) for code in present}
        shares = balanced_shares(sizes, usable_cores())
        cores = split_cores(len(shares)) if shares else []
        for n, (share, share_cores) in enumerate(zip(shares, cores), 1):
            context.log.info(f"Phần {n}: tỉnh mã {', '.join(share)} ({share_cores} lõi)")
            yield dg.DynamicOutput(
                {"provinces": share, "cores": share_cores}, output_name="parts", mapping_key=PART_KEY.format(n=n)
            )
        yield dg.Output(absent, output_name="absent")

    @dg.op(
        name="national_part",
        description="One part of the quarter's provinces: each province's (province, quarter) run of "
        "kttt_period_job, one after another in this step's process.",
    )
    def national_part(context: dg.OpExecutionContext, paths: KtttPaths, warehouse: Warehouse, part: dict) -> dict:
        period = context.partition_key
        codes: list[str] = part["provinces"]
        job = period_job_for(paths.raw_dir, warehouse.url, paths.reports_dir, codes)
        runs: dict[str, str] = {}

        def run_one(pair: PairRun, instance: dg.DagsterInstance) -> int:
            assert job.partitions_def is not None  # partitioned by (province, quarter)
            key = partition_key(job.partitions_def, pair.province, pair.period)
            result = execute_with_progress(
                job, partition_key=key, instance=instance, raise_on_error=False, tags={NATIONAL_RUN_TAG: context.run_id}
            )
            runs[pair.province] = result.run_id
            if interrupted(result):  # Terminate in the UI: the national run stops, it does not go on
                raise dg.DagsterExecutionInterruptedError(f"dừng theo yêu cầu khi chạy tỉnh mã {pair.province}")
            if result.success:
                context.log.info(f"Tỉnh mã {pair.province}, kỳ {period}: đã công bố (lần chạy {result.run_id})")
                return 0
            checks = "; ".join(f"{name}: {text}" if text else name for _, name, text in failed_checks(result))
            context.log.error(
                f"Tỉnh mã {pair.province}, kỳ {period}: không công bố được (lần chạy {result.run_id})"
                + (f": {checks}" if checks else "")
            )
            return 1

        @contextmanager
        def state():
            # one LibreOffice for this part's appendix PDFs (publish/appendix/render.py), fewer collections; this
            # part's share of the cores (a province's reading does not fork a pool onto the other parts' cores)
            with warm_office(), collector_slowed(), cores_share(part["cores"]):
                yield context.instance

        # one after another in this step's process: Dagster's threads run in it, so it does not fork workers
        try:
            outcomes = run_provinces(province_runs([period], codes), run_one, state, paths.raw_dir, workers=1)
        except Exception:  # the part's own error (its job, its LibreOffice): its provinces are named, not lost
            context.log.error(
                f"Lỗi ngoài dự kiến của phần gồm tỉnh mã {', '.join(codes)}; các tỉnh chưa công bố được tính là không "
                f"công bố được:\n{traceback.format_exc()}"
            )
            return {code: {"status": 1, "run_id": runs.get(code)} for code in codes}
        return {pair.province: {"status": status, "run_id": runs.get(pair.province)} for pair, status in outcomes}

    @dg.op(
        name="national_outcome",
        description="Fails the national run when a province was not published or has no folder for the quarter, "
        "naming each and the run to open.",
    )
    def national_outcome(context: dg.OpExecutionContext, paths: KtttPaths, parts: list, absent: list) -> None:
        period = context.partition_key
        outcomes = {code: got for part in parts for code, got in part.items()}
        runs = {code: got["run_id"] for code, got in outcomes.items()}
        failed = [code for code in provinces if code in outcomes and outcomes[code]["status"]]
        if failed or absent:
            reasons = [
                f"tỉnh mã {code}: không công bố được, xem "
                + (f"lần chạy {runs[code]}" if runs[code] else "nhật ký của lần chạy này")
                for code in failed
            ]
            reasons += [_no_folder(paths, code, period) for code in absent]
            raise dg.Failure(
                description=f"Kỳ {period}: {len(outcomes) - len(failed)}/{len(provinces)} tỉnh, thành phố đã công "
                f"bố; " + "; ".join(reasons),
                metadata={"lần chạy của từng tỉnh": dg.MetadataValue.json(runs)},
            )
        context.log.info(f"Kỳ {period}: {len(outcomes)}/{len(provinces)} tỉnh, thành phố đã công bố")

    @dg.job(
        name=NATIONAL_JOB_NAME,
        partitions_def=quarters,
        description="One quarter of every province of the deployment in one run: the provinces shared out into one "
        "part per core, each part's provinces run one after another in its own process, each recorded as its "
        "(province, quarter) run of kttt_period_job.",
        tags={"kttt/national": "true"},
        executor_def=_executor(),  # the parts at once, each in its own process
    )
    def national_job() -> None:
        parts, absent = national_plan()
        national_outcome(parts.map(national_part).collect(), absent)

    return national_job
