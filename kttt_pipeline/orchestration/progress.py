"""Progress of a period run as it goes: one line when a step starts and one when it ends, in Vietnamese, read from
the run's Dagster event stream (``kttt materialize``). The steps' own log lines (``context.log``) say what each
stage did in the run's log in the UI."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
import uuid
from typing import TextIO

import dagster as dg

#: the steps of the period job in run order, with what the clerk's engineer reads for each
STEPS: dict[str, str] = {
    "raw_return_files": "Kiểm kê các tệp đã nhận",
    "staged_returns": "Đọc các tệp báo cáo",
    "reconciled_period": "Đối chiếu, tính chỉ tiêu và phát hiện",
    "warehouse_period": "Kiểm tra và nạp vào kho dữ liệu",
    "published_reports": "Lập báo cáo công bố",
}


def _seconds_vn(seconds: float) -> str:
    return f"{seconds:.1f}".replace(".", ",") + " giây"


def _sqlite_files(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """The SQLite files a run of ``instance`` writes its events and status to, when its storage is Dagster's SQLite
    one (a ``DAGSTER_HOME`` without other storage): the run's own event-log shard, the shard that indexes asset and
    check events across runs, and the runs database; [] for any other storage (in memory, PostgreSQL)."""
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage
    from sqlalchemy.engine import make_url

    files = []
    events = instance.event_log_storage
    if isinstance(events, SqliteEventLogStorage):
        files += [events.path_for_shard(run_id), events.path_for_shard(INDEX_SHARD_NAME)]
    runs = getattr(instance.run_storage, "_conn_string", None)  # SqliteRunStorage's own URL
    if isinstance(runs, str) and runs.startswith("sqlite:"):
        database = make_url(runs).database
        if database:
            files.append(database)
    return files


class HeldOpen:
    """Dagster's SQLite storage opens a new connection for every event it stores and closes it after one commit; the
    last connection to a WAL database that closes checkpoints the log into the database and deletes it, so each of
    a run's ~135 events paid a checkpoint (fsync) and a fresh open. One idle connection per file, held by the run
    from the first event to the end, makes Dagster's connection never the last: its commit only appends to the log.
    Nothing is read or written through it (no transaction stays open: writers and checkpoints are never blocked);
    the events stored are the same. Closed, the last, at the end of the run: the log is checkpointed then, once.
    A reading worker forked during the run (processes/pool.py) inherits these connections and never touches them:
    it ends by ``os._exit``, which closes nothing through SQLite."""

    def __init__(self, files: list[str]):
        self.waiting = list(files)
        self.held: list[sqlite3.Connection] = []

    def __call__(self, _entry=None) -> None:
        """Open every file that exists by now (a run's own shard exists from its first event)."""
        for path in list(self.waiting):
            if not os.path.exists(path):
                continue
            self.waiting.remove(path)
            with contextlib.suppress(sqlite3.Error):  # only a saving: Dagster's own connections do the work
                self.held.append(sqlite3.connect(path, timeout=1, check_same_thread=False))  # closed by close()
                self.held[-1].execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # a read maps the WAL: held

    def close(self) -> None:
        for conn in self.held:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self.held.clear()


class StepProgress:
    """An event listener (``DagsterInstance.add_event_listener``) that prints a line as each step starts and
    ends: ``[2/5] Đọc các tệp báo cáo: xong (3,2 giây)``."""

    def __init__(self, out: TextIO | None = None):
        self.out = out
        self.started: dict[str, float] = {}

    def _line(self, step: str, text: str) -> None:
        label = STEPS.get(step, step)
        number = list(STEPS).index(step) + 1 if step in STEPS else "?"
        out = self.out or sys.stderr
        print(f"  [{number}/{len(STEPS)}] {label}{text}", file=out, flush=True)

    def __call__(self, entry) -> None:
        event = entry.dagster_event
        if event is None or event.step_key is None:
            return
        step = event.step_key
        if event.event_type == dg.DagsterEventType.STEP_START:
            self.started[step] = time.monotonic()
            self._line(step, " …")
        elif event.event_type == dg.DagsterEventType.STEP_SUCCESS:
            self._line(step, f": xong ({_seconds_vn(event.event_specific_data.duration_ms / 1000)})")
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
            spent = time.monotonic() - self.started.get(step, time.monotonic())
            self._line(step, f": LỖI sau {_seconds_vn(spent)} (lý do bên dưới)")
        elif event.event_type == dg.DagsterEventType.STEP_SKIPPED:
            self._line(step, ": bỏ qua (bước trước không thành công)")


def execute_with_progress(
    job: dg.JobDefinition, *, out: TextIO | None = None, instance: dg.DagsterInstance | None = None, **kwargs
) -> dg.ExecuteInProcessResult:
    """``job.execute_in_process(**kwargs)`` printing the steps' progress to ``out`` (default: stderr) as they
    run; in ``instance`` (default: an ephemeral one, as ``execute_in_process`` would take)."""
    run_id = str(uuid.uuid4())  # a Dagster run id, known before the run so the listener can follow it
    if instance is None:
        with dg.DagsterInstance.ephemeral() as ephemeral:
            ephemeral.add_event_listener(run_id, StepProgress(out))
            return job.execute_in_process(instance=ephemeral, run_id=run_id, **kwargs)
    instance.add_event_listener(run_id, StepProgress(out))
    held = HeldOpen(_sqlite_files(instance, run_id))  # Dagster's SQLite files open for the run (a saving per event)
    held()
    if held.waiting:
        instance.add_event_listener(run_id, lambda entry: held(entry) if held.waiting else None)
    try:
        return job.execute_in_process(instance=instance, run_id=run_id, **kwargs)
    finally:
        held.close()
