"""The quarterly schedule and the raw-folder sensor."""

import datetime as dt
import logging
import os
import time

import dagster as dg

from kttt_pipeline.core.periods import last_closed_quarter
from kttt_pipeline.orchestration.partitions import partition_key, partition_provinces
from kttt_pipeline.orchestration.raw_watch import dump_hashes, load_hashes, scan, scan_provinces
from kttt_pipeline.orchestration.resources import KtttPaths

TIMEZONE = "Asia/Ho_Chi_Minh"
# returns are due by the 15th of the month after the quarter; run on the 20th at 06:00 local time
QUARTERLY_CRON = "0 6 20 1,4,7,10 *"
SENSOR_INTERVAL_SECONDS = 60
#: a deployment's own sensor interval in seconds (a large raw folder hashed less often, a test's quick ticks)
SENSOR_INTERVAL_ENV = "KTTT_SENSOR_INTERVAL_SECONDS"
DEBOUNCE_SECONDS = 120
#: the key, in the Dagster instance's key-value store, of the raw files' hashes the sensor keeps between ticks
#: (``/<province code>`` appended in a national deployment); the cursor, stored with every tick, holds none
HASHES_KEY = "kttt/raw_file_hashes"

log = logging.getLogger(__name__)


def sensor_interval_seconds() -> int:
    """The raw-folder sensor's minimum interval: ``KTTT_SENSOR_INTERVAL_SECONDS`` when set, else 60 s."""
    raw = os.environ.get(SENSOR_INTERVAL_ENV, "").strip()
    if not raw:
        return SENSOR_INTERVAL_SECONDS
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{SENSOR_INTERVAL_ENV}: a whole number of seconds (1 or more), not {raw!r}")
    return int(raw)


def closed_quarter(when: dt.datetime) -> str:
    """The quarter that ended before ``when`` (the one whose returns are now due)."""
    return last_closed_quarter(when.date()).key


def build_schedule(job, partitions_def: dg.PartitionsDefinition | None = None) -> dg.ScheduleDefinition:
    """The quarterly schedule; with (province, quarter) partitions, one run per province of the deployment."""
    provinces = partition_provinces(partitions_def) if partitions_def is not None else None

    @dg.schedule(
        job=job,
        cron_schedule=QUARTERLY_CRON,
        execution_timezone=TIMEZONE,
        description="Materialise the quarter that just closed, after the returns' due date (20th of "
        "Jan/Apr/Jul/Oct, 06:00 Asia/Ho_Chi_Minh).",
    )
    def quarterly_schedule(context: dg.ScheduleEvaluationContext):
        period = closed_quarter(context.scheduled_execution_time)
        if provinces is None:
            return dg.RunRequest(run_key=f"schedule:{period}", partition_key=period, tags={"kttt/trigger": "schedule"})
        return [
            dg.RunRequest(
                run_key=f"schedule:{code}:{period}",
                partition_key=partition_key(partitions_def, code, period),
                tags={"kttt/trigger": "schedule"},
            )
            for code in provinces
        ]

    return quarterly_schedule


def build_sensor(job, partitions_def: dg.PartitionsDefinition) -> dg.SensorDefinition:
    """The raw-folder sensor; with (province, quarter) partitions it watches each province's folder."""
    provinces = partition_provinces(partitions_def)

    @dg.sensor(
        job=job,
        minimum_interval_seconds=sensor_interval_seconds(),
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Starts a run for a period when its files in the raw folder of the paths resource change "
        f"(sha256 digests in the cursor; settled for {DEBOUNCE_SECONDS} s). The run key is the period, "
        "its files' digest and the number of the change (a national deployment: the province too, whose "
        "own folder in the raw folder it watches): each change runs once, and files changed back "
        "after a failed run (a good file restored) start a new run. The runs wait in the run queue "
        "(its concurrency limit: dagster.yaml).",
    )
    def raw_files_sensor(context: dg.SensorEvaluationContext, paths: KtttPaths):
        # the same raw folder as the runs it starts read (the resource), not a second reading of the environment
        codes = [""] if provinces is None else provinces
        keys = {code: f"{HASHES_KEY}/{code}" if code else HASHES_KEY for code in codes}
        kept = _kept_values(context, set(keys.values()))
        hashes = {code: load_hashes(kept.get(key)) for code, key in keys.items()}
        found: list[tuple[str | None, str, str]]
        if provinces is None:
            changes, cursor = scan(paths.raw_path(), context.cursor, time.time(), DEBOUNCE_SECONDS, hashes[""])
            found = [(None, c.period, c.run_key) for c in changes]
        else:  # a national deployment: every province's folder <raw_dir>/<code>
            national, cursor = scan_provinces(
                paths.raw_path(), provinces, context.cursor, time.time(), DEBOUNCE_SECONDS, hashes
            )
            found = [(c.province, c.change.period, c.run_key) for c in national]
        now_kept = {key: dump_hashes(hashes[code]) for code, key in keys.items()}
        _keep_values(context, {k: v for k, v in now_kept.items() if v != kept.get(k)})  # only what changed
        known = set(partitions_def.get_partition_keys())
        requests = []
        for province, period, run_key in found:
            key = partition_key(partitions_def, province, period)
            if key in known:
                requests.append(dg.RunRequest(run_key=run_key, partition_key=key, tags={"kttt/trigger": "sensor"}))
            else:  # a folder of a quarter the loaded definitions do not have (earlier, or not begun)
                context.log.warning(
                    f"{key}: not a partition of the loaded definitions ({min(known)} … {max(known)}); "
                    f"reload the code location to run it"
                )
        context.update_cursor(cursor)
        if not requests:
            return dg.SkipReason("no period's files changed")
        return requests

    return raw_files_sensor


def _kept_values(context: dg.SensorEvaluationContext, keys: set[str]) -> dict[str, str]:
    """The values of ``keys`` in the instance's key-value store (none without an instance, or unreadable: the
    sensor then hashes every file, which changes no run)."""
    try:
        return dict(context.instance.run_storage.get_cursor_values(keys))
    except Exception as exc:  # noqa: BLE001 (a cache: never a failed tick)
        log.warning("raw_files_sensor: the files' hashes could not be read (%s); hashing every file", exc)
        return {}


def _keep_values(context: dg.SensorEvaluationContext, pairs: dict[str, str]) -> None:
    if not pairs:
        return
    try:
        context.instance.run_storage.set_cursor_values(pairs)
    except Exception as exc:  # noqa: BLE001 (a cache: never a failed tick)
        log.warning("raw_files_sensor: the files' hashes could not be kept (%s)", exc)
