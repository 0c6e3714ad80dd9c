"""Dagster as the engineer expects: partitions from the deployment's first quarter, the run queue's limit in the
instance `make ui` opens, a sensor that runs a period again when its files change back after a failed run, a
readable cursor and descriptions, a warning check listing rejected files, progress in the CLI and the run's log."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
import yaml

from kttt_pipeline.orchestration.definitions import JOB_NAME, build_definitions, defs, make_resources, period_job
from kttt_pipeline.orchestration.partitions import FIRST_PERIOD_ENV, first_period, quarter_keys
from kttt_pipeline.orchestration.progress import STEPS, execute_with_progress
from kttt_pipeline.orchestration.raw_watch import scan
from kttt_pipeline.orchestration.resources import KtttPaths

from ..small_period import PERIOD, make_small_period

ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, content: bytes, age_seconds: float = 600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    t = time.time() - age_seconds
    os.utime(path, (t, t))


# ---- partitions from the deployment's first quarter ----------------------------------------------------------


def test_first_period_is_the_earlier_of_the_setting_and_the_raw_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(FIRST_PERIOD_ENV, raising=False)
    today = dt.date(2026, 12, 1)
    # nothing configured, no data: the last closed quarter only (and the one in progress)
    assert first_period(tmp_path, today).key == "2026-Q3"
    assert quarter_keys(first_period(tmp_path, today), today) == ["2026-Q3", "2026-Q4"]
    # the earliest period folder of the raw folder (other folders ignored)
    for name in ("2025-Q2", "2024-Q4", "targets", "2024-Q9"):
        (tmp_path / name).mkdir()
    assert first_period(tmp_path, today).key == "2024-Q4"
    # KTTT_FIRST_PERIOD earlier than the data: it decides; later: a quarter with data is never left out
    monkeypatch.setenv(FIRST_PERIOD_ENV, "2023-Q1")
    assert first_period(tmp_path, today).key == "2023-Q1"
    monkeypatch.setenv(FIRST_PERIOD_ENV, "2025-Q1")
    assert first_period(tmp_path, today).key == "2024-Q4"
    monkeypatch.setenv(FIRST_PERIOD_ENV, "2025-5")
    with pytest.raises(ValueError, match=FIRST_PERIOD_ENV):
        first_period(tmp_path, today)


def _loaded_partition_keys(env: dict) -> list[str]:
    """The partition keys of the definitions the UI loads (workspace.yaml's module), in a fresh process."""
    code = (
        "from kttt_pipeline.orchestration.definitions import defs, JOB_NAME;"
        "print(' '.join(defs.resolve_job_def(JOB_NAME).partitions_def.get_partition_keys()))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_the_loaded_definitions_start_at_the_first_quarter_with_data(tmp_path):
    raw = tmp_path / "raw"
    (raw / "2024-Q2" / "districts").mkdir(parents=True)
    (raw / "2025-Q3" / "communes").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != FIRST_PERIOD_ENV} | {"KTTT_RAW_DIR": str(raw)}
    keys = _loaded_partition_keys(env)
    assert keys[0] == "2024-Q2" and "2015-Q1" not in keys
    assert keys[-1] == quarter_keys("2024-Q2")[-1]  # to the quarter in progress
    assert _loaded_partition_keys(env | {FIRST_PERIOD_ENV: "2023-Q4"})[0] == "2023-Q4"


def test_the_cli_job_has_the_quarters_of_its_own_raw_folder(tmp_path, monkeypatch):
    """`kttt materialize --raw-dir X` runs a quarter of X even when the environment's raw folder starts later."""
    monkeypatch.delenv(FIRST_PERIOD_ENV, raising=False)
    (tmp_path / "2019-Q2").mkdir()
    job = period_job(make_resources(str(tmp_path), f"sqlite:///{tmp_path}/w.db", str(tmp_path / "r")))
    assert job.partitions_def.get_partition_keys()[0] == "2019-Q2"
    # every asset of the job has the same partitions (the job's definition maps them all)
    assert {a.partitions_def.get_partition_keys()[0] for a in job.asset_layer.asset_graph.assets_defs} == {"2019-Q2"}


# ---- the run queue's limit --------------------------------------------------------------------------------------


def test_make_ui_instance_queues_runs_one_at_a_time(tmp_path):
    home = tmp_path / "home"
    subprocess.run(["make", "-s", "dagster-home", f"DAGSTER_HOME={home}"], cwd=ROOT, check=True, timeout=60)
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        queue = instance.get_concurrency_config().run_queue_config
        assert queue.max_concurrent_runs == 1
        assert any(t["key"] == "dagster/partition" and t["limit"] == 1 for t in queue.tag_concurrency_limits)
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    finally:
        instance.dispose()
    # a dagster.yaml not written from the template is left as the engineer wrote it
    own = "telemetry:\n  enabled: false\n"
    (home / "dagster.yaml").write_text(own)
    subprocess.run(["make", "-s", "dagster-home", f"DAGSTER_HOME={home}"], cwd=ROOT, check=True, timeout=60)
    assert (home / "dagster.yaml").read_text() == own


def test_production_example_limits_backfills_and_sensor_runs(tmp_path):
    config = yaml.safe_load((ROOT / "dagster.yaml.example").read_text())
    # the example's queue settings as Dagster reads them (storage and logs need the server's variables)
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        yaml.safe_dump({k: config[k] for k in ("run_coordinator", "concurrency")}), encoding="utf-8"
    )
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        limits = {
            (t["key"], str(t.get("value"))): t["limit"]
            for t in instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
        }
    finally:
        instance.dispose()
    assert limits[("dagster/backfill", "None")] == 1
    assert limits[("kttt/trigger", "sensor")] == 1


# ---- the sensor -------------------------------------------------------------------------------------------------


def _tick(sensor, instance, cursor, raw):
    ctx = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"paths": KtttPaths(raw_dir=str(raw))},
        repository_def=defs.get_repository_def(),
    )
    return sensor.evaluate_tick(ctx)


def test_sensor_runs_a_period_again_when_its_files_change_back_after_a_failed_run(tmp_path):
    """good file → run; bad file → run (it fails); the good file restored → a third run, with a run key never
    used (Dagster starts a run key once per sensor: the same key as the first run would be skipped)."""
    raw = tmp_path / "raw"
    name = raw / PERIOD / "districts" / "Hạ Long.xlsx"
    sensor = defs.get_repository_def().get_sensor_def("raw_files_sensor")
    keys = []
    with dg.instance_for_test() as instance:
        cursor = None
        for content in (b"good", b"bad", b"good"):
            _write(name, content)
            result = _tick(sensor, instance, cursor, raw)
            assert [r.partition_key for r in result.run_requests] == [PERIOD]
            keys.append(result.run_requests[0].run_key)
            cursor = result.cursor
            # the same files on the next tick: nothing to run
            again = _tick(sensor, instance, cursor, raw)
            assert again.run_requests == [] and again.skip_message
            cursor = again.cursor or cursor
    assert len(set(keys)) == 3, keys
    assert keys[0].split(":")[1] == keys[2].split(":")[1]  # the same files' fingerprint, a new change


def test_sensor_cursor_stays_small_however_many_files(tmp_path):
    """Dagster stores the cursor with every tick (a week of skipped ticks, one a minute): it holds a digest and a
    change count per period, not each file's hash (kept by the sensor's process between ticks)."""
    import json

    _write(tmp_path / "2025-Q3" / "communes" / "Xã Ba Chẽ.xlsx", b"one")
    _changes, one = scan(tmp_path, None, time.time(), 120, hashes={})
    for i in range(60):
        _write(tmp_path / "2025-Q3" / "communes" / f"Xã số {i}.xlsx", f"return {i}".encode())
    _changes, many = scan(tmp_path, None, time.time(), 120, hashes={})
    assert len(many) == len(one) < 200 and "Xã" not in many
    assert set(json.loads(many)) == {"periods"} and list(json.loads(many)["periods"]) == ["2025-Q3"]


def test_files_unchanged_since_the_last_tick_are_not_hashed_again(tmp_path, monkeypatch):
    import kttt_pipeline.orchestration.raw_watch as raw_watch

    hashed: list[str] = []
    real = raw_watch.sha256_of
    monkeypatch.setattr(raw_watch, "sha256_of", lambda path: hashed.append(path.name) or real(path))
    for name in ("a.xlsx", "b.xlsx"):
        _write(tmp_path / "2025-Q3" / "communes" / name, name.encode())
    hashes: dict = {}
    _changes, cursor = scan(tmp_path, None, time.time(), 120, hashes=hashes)
    assert sorted(hashed) == ["a.xlsx", "b.xlsx"]
    hashed.clear()
    assert scan(tmp_path, cursor, time.time(), 120, hashes=hashes)[0] == [] and hashed == []
    _write(tmp_path / "2025-Q3" / "communes" / "b.xlsx", b"changed")
    (tmp_path / "2025-Q3" / "communes" / "a.xlsx").unlink()
    changes, _cursor = scan(tmp_path, cursor, time.time(), 120, hashes=hashes)
    assert hashed == ["b.xlsx"] and [c.period for c in changes] == ["2025-Q3"]
    assert sorted(Path(k).name for k in hashes) == ["b.xlsx"]  # a file gone is forgotten
    # a new process (nothing known) hashes each file once, and runs nothing the cursor already saw
    hashed.clear()
    assert scan(tmp_path, _cursor, time.time(), 120, hashes={})[0] == [] and hashed == ["b.xlsx"]


def test_sensor_reads_a_cursor_of_the_former_forms(tmp_path):
    """Cursors written before: periods as {period: digest} (before the change counter), and with every file's hash: the
    period they record is not run again for nothing, and a change runs as the next one."""
    import json

    from kttt_pipeline.ingest.workbook import sha256_of

    path = tmp_path / "2025-Q3" / "communes" / "a.xlsx"
    _write(path, b"one")
    _changes, cursor = scan(tmp_path, None, time.time(), 120)
    state = json.loads(cursor)
    st = path.stat()
    files = {"2025-Q3/communes/a.xlsx": [st.st_size, st.st_mtime, sha256_of(path)]}
    first = json.dumps({"periods": {p: s["digest"] for p, s in state["periods"].items()}})
    with_files = json.dumps({"periods": {p: s["digest"] for p, s in state["periods"].items()}, "files": files})
    for former in (first, with_files):
        assert scan(tmp_path, former, time.time(), 120)[0] == []
    _write(path, b"two")
    assert [c.run_key.rsplit(":", 1)[1] for c in scan(tmp_path, with_files, time.time(), 120)[0]] == ["2"]


def test_a_file_rewritten_with_its_size_and_mtime_kept_is_hashed_again(tmp_path):
    """`cp -p` or `rsync -t` of another file of the same size: the mtime is the old one, the ctime is not."""
    path = tmp_path / "2025-Q3" / "communes" / "a.xlsx"
    _write(path, b"good", age_seconds=300)
    hashes: dict = {}
    _changes, cursor = scan(tmp_path, None, time.time(), 120, hashes=hashes)
    before = path.stat()
    time.sleep(0.02)
    path.write_bytes(b"bad!")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # its time put back
    assert [c.period for c in scan(tmp_path, cursor, time.time(), 120, hashes=hashes)[0]] == ["2025-Q3"]


def test_the_sensor_keeps_the_files_hashes_in_the_instance_between_ticks(tmp_path, monkeypatch):
    """Each tick may run in a new process (the daemon replaces its code server every minute): the hashes are kept
    in the Dagster instance's key-value store, written only when a file changed; the cursor holds none."""
    import kttt_pipeline.orchestration.raw_watch as raw_watch
    from kttt_pipeline.orchestration.automation import HASHES_KEY

    raw = tmp_path / "raw"
    for name in ("a.xlsx", "b.xlsx"):
        _write(raw / PERIOD / "districts" / name, name.encode(), age_seconds=300)
    hashed: list[str] = []
    real = raw_watch.sha256_of
    monkeypatch.setattr(raw_watch, "sha256_of", lambda path: hashed.append(path.name) or real(path))
    sensor = defs.get_repository_def().get_sensor_def("raw_files_sensor")
    with dg.instance_for_test() as instance:
        written: list[dict] = []
        storage = instance.run_storage
        original = storage.set_cursor_values
        monkeypatch.setattr(storage, "set_cursor_values", lambda pairs: written.append(pairs) or original(pairs))
        first = _tick(sensor, instance, None, raw)
        assert [r.partition_key for r in first.run_requests] == [PERIOD] and sorted(hashed) == ["a.xlsx", "b.xlsx"]
        assert "a.xlsx" not in first.cursor and len(written) == 1 and HASHES_KEY in written[0]
        hashed.clear()
        again = _tick(sensor, instance, first.cursor, raw)
        assert again.run_requests == [] and hashed == [] and len(written) == 1  # nothing hashed, nothing written
        _write(raw / PERIOD / "districts" / "b.xlsx", b"changed", age_seconds=300)
        third = _tick(sensor, instance, again.cursor or first.cursor, raw)
        assert [r.partition_key for r in third.run_requests] == [PERIOD] and hashed == ["b.xlsx"]
        assert len(written) == 2


# ---- descriptions -----------------------------------------------------------------------------------------------

_BARE_PLACEHOLDER = re.compile(r"(?<!`)<[A-Za-z_][^<>`\n]*>(?!`)")


def test_no_description_has_a_placeholder_the_ui_would_eat():
    """The UI renders descriptions as Markdown with HTML: "KTTT_REPORTS_DIR/<period>/" shows as
    "KTTT_REPORTS_DIR//"."""
    repo = defs.get_repository_def()
    texts = {}
    for assets_def in repo.asset_graph.assets_defs:
        for spec in assets_def.specs:
            texts[spec.key.to_user_string()] = spec.description
            schema = spec.metadata.get("dagster/column_schema")
            for col in schema.value.columns if schema is not None else []:
                texts[f"{spec.key.to_user_string()}.{col.name}"] = col.description
        for check in assets_def.check_specs:
            texts[f"check {check.name} on {check.asset_key.to_user_string()}"] = check.description
    for sensor in repo.sensor_defs:
        texts[sensor.name] = sensor.description
    for schedule in repo.schedule_defs:
        texts[schedule.name] = schedule.description
    texts[JOB_NAME] = repo.get_job(JOB_NAME).description
    assert [(k, t) for k, t in texts.items() if t and _BARE_PLACEHOLDER.search(t)] == []
    assert "`KTTT_REPORTS_DIR/YYYY-Qn/`" in texts["published_reports"]
    assert "`KTTT_RAW_DIR/YYYY-Qn/`" in texts["raw_return_files"]
    # a table comment with a placeholder keeps it, shown as code
    assert "`<unit>`" in texts["cooperative.coop_key"]


# ---- the rejected-files warning, progress, the run's log ----------------------------------------------------------


@pytest.fixture
def period_with_rejected_files(tmp_path):
    raw = make_small_period(tmp_path / "raw")
    for name in ("hỏng 1.xlsx", "hỏng 2.xlsx", "hỏng 3.xlsx"):
        (raw / PERIOD / "districts" / name).write_bytes(b"not a workbook")
    return raw


def test_a_run_with_rejected_files_warns_naming_each_one_and_logs_and_prints_each_stage(
    period_with_rejected_files, tmp_path
):
    raw = period_with_rejected_files
    job = period_job(
        {
            **make_resources(str(raw), f"sqlite:///{tmp_path}/w.db", str(tmp_path / "reports")),
            "io_manager": dg.mem_io_manager,
        }
    )
    out = io.StringIO()
    with dg.DagsterInstance.ephemeral() as instance:
        result = execute_with_progress(job, out=out, instance=instance, partition_key=PERIOD, raise_on_error=False)
        logs = [e.user_message for e in instance.all_logs(result.run_id) if not e.is_dagster_event]
    assert result.success  # a warning: the period is still loaded and published
    checks = {(c.asset_key.to_user_string(), c.check_name): c for c in result.get_asset_check_evaluations()}
    warning = checks[("load_audit", "rejected_files")]
    assert not warning.passed and warning.severity == dg.AssetCheckSeverity.WARN
    assert warning.metadata["files_rejected"].value == 3
    assert all(f"hỏng {i}.xlsx" in warning.description for i in (1, 2, 3)), warning.description
    assert "3 tệp bị từ chối" in warning.description
    # progress: a start and an end line per step, in run order, in Vietnamese
    lines = out.getvalue().splitlines()
    ends = [line for line in lines if ": xong (" in line]
    assert [line.split("] ", 1)[1].split(":")[0] for line in ends] == list(STEPS.values())
    assert all(line.strip().startswith(f"[{i}/5]") for i, line in enumerate(ends, 1))
    assert lines.index(ends[0]) > 0 and lines[0].endswith("…")  # the first step announced before it ended
    # the run's log: one line per stage, saying what it did
    for step in STEPS:
        assert any(m.startswith(f"{step}: ") for m in logs), (step, logs)
    assert any("3 rejected" in m for m in logs if m.startswith("staged_returns"))


def test_a_clean_run_passes_the_rejected_files_check(tmp_path):
    raw = make_small_period(tmp_path / "raw")
    result = period_job(
        make_resources(str(raw), f"sqlite:///{tmp_path}/w.db", str(tmp_path / "reports"))
    ).execute_in_process(partition_key=PERIOD)
    [check] = [c for c in result.get_asset_check_evaluations() if c.check_name == "rejected_files"]
    assert check.passed and check.metadata["files_rejected"].value == 0


def test_kttt_materialize_prints_each_step_as_it_ends_and_the_failed_one(tmp_path):
    kttt = Path(sys.executable).parent / "kttt"
    env = {**os.environ, "KTTT_APPENDIX_PDF": "0"}
    raw = tmp_path / "raw"
    # no readable return at all: the reconcile step fails, what follows is skipped
    _write(raw / PERIOD / "districts" / "hỏng.xlsx", b"not a workbook")
    run = subprocess.run(
        [str(kttt), "materialize", "--period", PERIOD, "--raw-dir", str(raw), "--warehouse",
         f"sqlite:///{tmp_path}/w.db", "--reports-dir", str(tmp_path / "r")],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode != 0
    assert "[2/5] Đọc các tệp báo cáo: xong" in run.stderr
    assert re.search(r"\[3/5\] Đối chiếu, tính chỉ tiêu và phát hiện: LỖI sau \d+,\d giây", run.stderr), run.stderr
    assert run.stderr.index("[3/5]") < run.stderr.index("Lỗi: kỳ")  # the progress, then the reason


def test_build_definitions_keeps_the_loaded_partitions_when_they_are_the_same():
    """The UI's definitions and a job bound to the environment's raw folder share one partitions object."""
    from kttt_pipeline.orchestration.partitions import period_partitions

    same = build_definitions(make_resources(), period_partitions)
    assert same.resolve_job_def(JOB_NAME).partitions_def is period_partitions
