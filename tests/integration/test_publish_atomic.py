"""Publishing is all or nothing (publish/report.py): the period's set is written beside the published one and
swapped in at the end; a failed write (an exception, a short write, an empty Data Docs page) fails the run naming
the file, and the previous complete set stays, as it does when the publication is killed."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kttt_pipeline.publish import report
from kttt_pipeline.publish.report import PublishFailed, clean_leftovers, publish_period, staged_data_docs_dir
from kttt_pipeline.run import run_period
from kttt_pipeline.warehouse import load_period, make_engine

from ..small_period import PERIOD, make_small_period


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory) -> str:
    base = tmp_path_factory.mktemp("atomic")
    url = f"sqlite:///{base / 'kttt.db'}"
    engine = make_engine(url)
    try:
        load_period(engine, PERIOD, run_period(make_small_period(base / "raw"), PERIOD))
    finally:
        engine.dispose()
    return url


@pytest.fixture
def engine(warehouse_file):
    eng = make_engine(warehouse_file)
    yield eng
    eng.dispose()


def _snapshot(folder: Path) -> dict[str, tuple]:
    """Every file of a set: its bytes and the time and inode it was written with (a rewrite changes them)."""
    return {
        p.relative_to(folder).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
            p.stat().st_ino,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".") and p.name != ".data_docs")


def _published_with_docs(engine, root: Path) -> dict[str, tuple]:
    docs = staged_data_docs_dir(root, PERIOD)  # as the warehouse step leaves them
    docs.mkdir(parents=True)
    (docs / "index.html").write_text("<html><body>kttt</body></html>\n", encoding="utf-8")
    publish_period(engine, PERIOD, root)
    before = _snapshot(root / PERIOD)
    assert "data_docs/index.html" in before and f"phu_bieu_{PERIOD}.xlsx" in before
    return before


def test_a_writer_failing_midway_leaves_the_previous_set(engine, tmp_path, monkeypatch):
    before = _published_with_docs(engine, tmp_path)
    real = report._write_charts

    def disk_full_after_one_chart(data, out_dir):
        real(data, out_dir)  # the appendix, the paragraph and the charts of the new set are written
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out_dir / "bieu_do_tinh_trang.png"))

    monkeypatch.setattr(report, "_write_charts", disk_full_after_one_chart)
    with pytest.raises(PublishFailed) as failed:
        publish_period(engine, PERIOD, tmp_path)
    message = str(failed.value)
    assert f"'{tmp_path / PERIOD / 'bieu_do_tinh_trang.png'}'" in message and "hết chỗ trên đĩa" in message
    assert _snapshot(tmp_path / PERIOD) == before  # the new appendix and paragraph never replaced the old ones
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "damage, words",
    [
        (lambda p: p.write_bytes(b""), "tệp rỗng"),
        (lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), "không trọn vẹn"),
    ],
    ids=["empty", "short-write"],
)
def test_a_document_not_written_whole_fails_the_publication(engine, tmp_path, monkeypatch, damage, words):
    before = _published_with_docs(engine, tmp_path)
    real = report._write_charts

    def short_write(data, out_dir):
        paths = real(data, out_dir)
        damage(out_dir / "bieu_do_don_vi.png")  # what a full disk leaves of it, no exception raised
        return paths

    monkeypatch.setattr(report, "_write_charts", short_write)
    with pytest.raises(PublishFailed, match="bieu_do_don_vi.png") as failed:
        publish_period(engine, PERIOD, tmp_path)
    assert words in str(failed.value)
    assert _snapshot(tmp_path / PERIOD) == before
    assert _leftovers(tmp_path) == []


def test_empty_data_docs_fail_the_publication(engine, tmp_path):
    before = _published_with_docs(engine, tmp_path)
    (staged_data_docs_dir(tmp_path, PERIOD) / "index.html").write_bytes(b"")  # the suite's pages on a full disk
    with pytest.raises(PublishFailed, match="data_docs/index.html"):
        publish_period(engine, PERIOD, tmp_path)
    assert _snapshot(tmp_path / PERIOD) == before


def test_republishing_replaces_the_whole_set(engine, tmp_path, monkeypatch):
    before = _published_with_docs(engine, tmp_path)
    (tmp_path / PERIOD / "bieu_do_cu.png").write_bytes(b"a chart of an earlier release")
    monkeypatch.setattr(report, "_exchange", lambda a, b: False)  # where there is no atomic exchange: two renames
    out = publish_period(engine, PERIOD, tmp_path)
    after = _snapshot(tmp_path / PERIOD)
    assert set(after) == set(before) and "bieu_do_cu.png" not in after
    assert all(after[name][1:] != before[name][1:] for name in before)  # every file of the new set
    assert all(
        path.parent in (tmp_path / PERIOD, tmp_path / PERIOD / "data_docs") and path.is_file() for path in out.values()
    )
    assert _leftovers(tmp_path) == []


def test_a_set_moved_aside_by_a_killed_swap_is_put_back(tmp_path):
    aside = tmp_path / f".{PERIOD}.previous-1a2b3c4d"
    aside.mkdir()
    (aside / "muc_1_1.md").write_text("the previous set", encoding="utf-8")
    clean_leftovers(tmp_path, PERIOD)
    assert (tmp_path / PERIOD / "muc_1_1.md").read_text(encoding="utf-8") == "the previous set"
    assert _leftovers(tmp_path) == []


KILLED = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from kttt_pipeline.publish import report
    from kttt_pipeline.warehouse import make_engine

    real = report._write_charts

    def slow_charts(data, out_dir):
        paths = real(data, out_dir)
        print("charts written", flush=True)
        time.sleep(600)  # killed here: the appendix, the paragraph and the charts of the new set are written

    report._write_charts = slow_charts
    report.publish_period(make_engine(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
""")


def test_a_killed_publication_leaves_the_previous_set_and_is_cleaned_next_time(engine, warehouse_file, tmp_path):
    before = _published_with_docs(engine, tmp_path)
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED, warehouse_file, PERIOD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "charts written"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
    assert _snapshot(tmp_path / PERIOD) == before
    assert len(_leftovers(tmp_path)) == 1  # the killed run's half-written set, hidden, never read as published
    assert report.stale_reports(engine, tmp_path) == {}
    publish_period(engine, PERIOD, tmp_path)  # the next run cleans it
    assert _leftovers(tmp_path) == []


def test_a_failed_publication_fails_the_run_and_the_cli_names_the_file(tmp_path, monkeypatch, capsys):
    import dagster as dg

    from kttt_pipeline.cli import _print_failure
    from kttt_pipeline.orchestration.definitions import make_resources, period_job

    raw = make_small_period(tmp_path / "raw")
    url = f"sqlite:///{tmp_path / 'kttt.db'}"

    def disk_full(data, out_dir):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out_dir / "bieu_do_linh_vuc.png"))

    monkeypatch.setattr(report, "_write_charts", disk_full)
    job = period_job({**make_resources(str(raw), url, str(tmp_path / "reports")), "io_manager": dg.mem_io_manager})
    result = job.execute_in_process(partition_key=PERIOD, raise_on_error=False)
    assert not result.success
    published = [
        e for e in result.all_events if e.is_step_materialization and e.asset_key == dg.AssetKey("published_reports")
    ]
    assert published == []
    assert not (tmp_path / "reports" / PERIOD).exists()
    status = _print_failure(result, PERIOD, url)
    err = capsys.readouterr().err
    assert status == 3
    assert "không ghi được tệp báo cáo" in err and "bieu_do_linh_vuc.png" in err and "hết chỗ trên đĩa" in err


def test_reports_republished_without_a_new_load_keep_the_data_docs_of_the_set(engine, tmp_path):
    """published_reports materialised alone (no warehouse step, so no new Data Docs): the previous set's pages go
    into the new set; and a new build of the pages replaces them at the next publication."""
    import shutil

    before = _published_with_docs(engine, tmp_path)
    shutil.rmtree(staged_data_docs_dir(tmp_path, PERIOD))
    publish_period(engine, PERIOD, tmp_path)
    after = _snapshot(tmp_path / PERIOD)
    assert after["data_docs/index.html"][0] == before["data_docs/index.html"][0]
    docs = staged_data_docs_dir(tmp_path, PERIOD)
    docs.mkdir(parents=True)
    (docs / "index.html").write_text("<html><body>a new run</body></html>", encoding="utf-8")
    publish_period(engine, PERIOD, tmp_path)
    assert "a new run" in (tmp_path / PERIOD / "data_docs" / "index.html").read_text(encoding="utf-8")
