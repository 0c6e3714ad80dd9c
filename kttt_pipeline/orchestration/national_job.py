"""The UI's national job (``kttt_national_quarter_job``): one run of a quarter for every province of a national
deployment, in one process, so that the start of a run (Python, Dagster, the stages, Great Expectations' context)
is paid once for the quarter, not once a province.

Launched from the UI (Jobs → kttt_national_quarter_job → a quarter, or a backfill of quarters), its one op runs
each province's (province, quarter) key of ``kttt_period_job`` in its own process, one after another
(national_run.py, as ``kttt materialize --province …`` does); each is recorded in the instance as a run of that
key, with its steps, checks and materializations, tagged with the national run's id (:data:`NATIONAL_RUN_TAG`),
so the assets' partitions show what it loaded. A province whose folder lacks the quarter, or whose run fails, is
named in the national run's failure, with the run to open for the reason; the others are loaded all the same.
"""

from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from kttt_pipeline.orchestration.national_run import PairRun, province_runs, run_provinces
from kttt_pipeline.orchestration.partitions import partition_key
from kttt_pipeline.orchestration.progress import execute_with_progress
from kttt_pipeline.orchestration.resources import KtttPaths, Warehouse
from kttt_pipeline.orchestration.results import failed_checks, interrupted
from kttt_pipeline.processes.collector import collector_slowed
from kttt_pipeline.publish.appendix.render import warm_office

NATIONAL_JOB_NAME = "kttt_national_quarter_job"
#: tag of each (province, quarter) run a national run starts: the national run's id
NATIONAL_RUN_TAG = "kttt/national_run"

#: the period job of ``provinces`` bound to (raw folder, warehouse URL, reports folder), step outputs in memory
PeriodJobFor = Callable[[str, str, str, list[str]], dg.JobDefinition]


def build_national_job(
    provinces: list[str], quarters: dg.PartitionsDefinition, period_job_for: PeriodJobFor
) -> dg.JobDefinition:
    """The national job of ``provinces``, partitioned by ``quarters``."""

    @dg.op(
        name="national_quarter",
        description="Every province's (province, quarter) run of kttt_period_job, in this one process.",
    )
    def national_quarter(context: dg.OpExecutionContext, paths: KtttPaths, warehouse: Warehouse) -> None:
        period = context.partition_key
        present = [code for code in provinces if (Path(paths.raw_dir) / code / period).is_dir()]
        absent = [code for code in provinces if code not in present]
        job = period_job_for(paths.raw_dir, warehouse.url, paths.reports_dir, present or provinces)
        runs: dict[str, str] = {}

        def run_one(pair: PairRun, instance: dg.DagsterInstance) -> int:
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
            # one LibreOffice for every province's appendix PDF (publish/appendix/render.py), fewer collections
            with warm_office(), collector_slowed():
                yield context.instance

        # one after another in this run's process: its run worker already runs Dagster's threads
        outcomes = run_provinces(province_runs([period], present), run_one, state, paths.raw_dir, workers=1)
        failed = [pair.province for pair, status in outcomes if status]
        if failed or absent:
            reasons = [f"tỉnh mã {code}: không công bố được, xem lần chạy {runs[code]}" for code in failed]
            reasons += [f"tỉnh mã {code}: không có thư mục {Path(paths.raw_dir) / code / period}" for code in absent]
            raise dg.Failure(
                description=f"Kỳ {period}: {len(outcomes) - len(failed)}/{len(provinces)} tỉnh, thành phố đã công "
                f"bố; " + "; ".join(reasons),
                metadata={"lần chạy của từng tỉnh": dg.MetadataValue.json(runs)},
            )

    @dg.job(
        name=NATIONAL_JOB_NAME,
        partitions_def=quarters,
        description="One quarter of every province of the deployment in one run (one process): each province's "
        "(province, quarter) run of kttt_period_job, recorded as such.",
        tags={"kttt/national": "true"},
    )
    def national_job() -> None:
        national_quarter()

    return national_job
