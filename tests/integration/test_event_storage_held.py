"""A run recorded in a SQLite Dagster instance (a DAGSTER_HOME) keeps Dagster's files open from its first event to
its end (orchestration/progress.py, HeldOpen): Dagster opens and closes a connection for every event, and the last
one closed checkpointed and deleted the write-ahead log each time; held open, each event only appends to it. Every
event is still stored, and at the end of the run the log is checkpointed and nothing stays open."""

from __future__ import annotations

import io
import os

import dagster as dg

from kttt_pipeline.orchestration.progress import _sqlite_files, execute_with_progress

LINES = 4


@dg.op
def chatty(context) -> dict:
    """Log a few lines (each an event stored by its own Dagster connection), then say whether the run's files kept
    their write-ahead log between those connections."""
    files = _sqlite_files(context.instance, context.run_id)
    for i in range(LINES):
        context.log.info(f"line {i}")
    return {path: os.path.exists(path + "-wal") for path in files}


@dg.job
def chatty_job():
    chatty()


def test_a_run_keeps_dagsters_sqlite_files_open_and_stores_every_event(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.DagsterInstance.local_temp(str(home)) as instance:
        result = execute_with_progress(chatty_job, out=io.StringIO(), instance=instance)
        assert result.success
        wal_during_run = result.output_for_node("chatty")
        files = _sqlite_files(instance, result.run_id)
        # the run's shard, the cross-run index and the runs database: all SQLite files of this instance
        assert sorted(wal_during_run) == sorted(files) and len(files) == 3
        assert all(os.path.isfile(f) for f in files)
        # held open: Dagster's connection was never the last one, so the log of each file outlived it
        assert all(wal_during_run.values()), wal_during_run
        # every event stored, readable after the run
        messages = [e.user_message for e in instance.all_logs(result.run_id) if not e.is_dagster_event]
        assert [m for m in messages if m.startswith("line ")] == [f"line {i}" for i in range(LINES)]
        run_events = [e.dagster_event_type for e in instance.all_logs(result.run_id) if e.is_dagster_event]
        assert dg.DagsterEventType.RUN_SUCCESS in run_events and dg.DagsterEventType.STEP_SUCCESS in run_events
        # the end of the run closed what it held: the run's own shard was checkpointed and its log removed
        assert not os.path.exists(files[0] + "-wal")


def test_an_ephemeral_instance_holds_nothing():
    with dg.DagsterInstance.ephemeral() as instance:
        assert _sqlite_files(instance, "any-run") == []
        assert execute_with_progress(chatty_job, out=io.StringIO(), instance=instance).success
