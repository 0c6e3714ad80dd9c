"""The quarterly schedule and the raw-folder sensor, evaluated with Dagster's build contexts."""

import datetime as dt
import os
import time

import dagster as dg
import pytest

from kttt_pipeline.orchestration.automation import closed_quarter
from kttt_pipeline.orchestration.definitions import defs
from kttt_pipeline.orchestration.raw_watch import scan


@pytest.mark.parametrize(
    "when, period",
    [
        (dt.datetime(2024, 10, 20, 6), "2024-Q3"),
        (dt.datetime(2025, 1, 20, 6), "2024-Q4"),
        (dt.datetime(2025, 4, 20, 6), "2025-Q1"),
    ],
)
def test_closed_quarter(when, period):
    assert closed_quarter(when) == period


def test_schedule_requests_the_closed_quarter_in_vietnam_time():
    schedule = defs.get_schedule_def("quarterly_schedule")
    assert schedule.execution_timezone == "Asia/Ho_Chi_Minh"
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2024, 10, 20, 6, 0), repository_def=defs.get_repository_def()
    )
    request = schedule.evaluate_tick(context).run_requests[0]
    assert request.partition_key == "2024-Q3"


def _write(path, content: bytes, age_seconds: float = 600):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    t = time.time() - age_seconds
    os.utime(path, (t, t))


def test_scan_cursor_debounce_and_change(tmp_path):
    raw = tmp_path
    _write(raw / "2024-Q3" / "districts" / "a.xlsx", b"one")
    changes, cursor = scan(raw, None, time.time(), debounce_seconds=120)
    assert [c.period for c in changes] == ["2024-Q3"]
    # unchanged folder: never re-triggers
    assert scan(raw, cursor, time.time(), 120)[0] == []
    # touched but identical content: no trigger either (hashes, not mtimes)
    _write(raw / "2024-Q3" / "districts" / "a.xlsx", b"one", age_seconds=300)
    assert scan(raw, cursor, time.time(), 120)[0] == []
    # a file still arriving (too new): wait
    _write(raw / "2024-Q3" / "districts" / "b.xlsx", b"two", age_seconds=5)
    changes, cursor2 = scan(raw, cursor, time.time(), 120)
    assert changes == []
    # settled: one run for the change, with a new run key
    changes, cursor3 = scan(raw, cursor2, time.time() + 300, 120)
    assert [c.period for c in changes] == ["2024-Q3"] and changes[0].run_key.startswith("2024-Q3:")
    # another period is independent
    _write(raw / "2024-Q4" / "tax" / "t.csv", b"x")
    assert [c.period for c in scan(raw, cursor3, time.time() + 300, 120)[0]] == ["2024-Q4"]


def test_sensor_reads_the_raw_folder_of_the_paths_resource_and_keeps_its_cursor(tmp_path, monkeypatch):
    from kttt_pipeline.orchestration.resources import KtttPaths

    watched, elsewhere = tmp_path / "watched", tmp_path / "elsewhere"
    _write(watched / "2024-Q3" / "districts" / "a.xlsx", b"one")
    _write(elsewhere / "2024-Q4" / "districts" / "b.xlsx", b"two")
    monkeypatch.setenv("KTTT_RAW_DIR", str(elsewhere))  # the environment is not what the sensor reads
    sensor = defs.get_repository_def().get_sensor_def("raw_files_sensor")
    paths = KtttPaths(raw_dir=str(watched))
    with dg.instance_for_test() as instance:
        ctx = dg.build_sensor_context(
            instance=instance, cursor=None, resources={"paths": paths}, repository_def=defs.get_repository_def()
        )
        result = sensor.evaluate_tick(ctx)
        assert [r.partition_key for r in result.run_requests] == ["2024-Q3"]
        ctx2 = dg.build_sensor_context(
            instance=instance,
            cursor=result.cursor,
            resources={"paths": paths},
            repository_def=defs.get_repository_def(),
        )
        again = sensor.evaluate_tick(ctx2)
        assert again.run_requests == [] and again.skip_message


def test_the_loaded_sensor_watches_the_configured_raw_folder(tmp_path, monkeypatch):
    """The definitions the UI loads give the sensor the paths resource configured from KTTT_RAW_DIR (the code
    server hands a sensor its repository's top-level resources, as here)."""
    from kttt_pipeline.orchestration.definitions import build_definitions, make_resources

    _write(tmp_path / "2025-Q1" / "units" / "a.xlsx", b"one")
    monkeypatch.setenv("KTTT_RAW_DIR", str(tmp_path))
    loaded = build_definitions(make_resources())
    with dg.instance_for_test() as instance:
        repo = loaded.get_repository_def()
        ctx = dg.build_sensor_context(
            instance=instance, cursor=None, repository_def=repo, resources=repo.get_top_level_resources()
        )
        result = repo.get_sensor_def("raw_files_sensor").evaluate_tick(ctx)
        assert [r.partition_key for r in result.run_requests] == ["2025-Q1"]
