"""Issue 23: two runs of adjacent quarters at once. 2026-Q3 compares with 2026-Q2 (COOP_VANISHED, PERIOD_JUMP);
when Q2 is loaded or replaced while Q3 runs, Q3 ends exact (compared again at its load) or marked stale in its
so_sanh.json, its published_reports metadata and the CLI, never published as compared when it was not.

The bad interleavings are forced, never left to timing: Q3 reconciled against a warehouse without Q2 and Q2 loaded
before Q3's load; Q2 loaded between Q3's load and its publication (at the first statement after Q3's load
commits); Q2's load held open in a thread (PostgreSQL: Q3's load must wait for it). The planted case: three
cooperatives of Q2 whose listing rows are cleared in Q3 (the tax register still has them active).
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from kttt_pipeline.demo import write_demo_period
from kttt_pipeline.publish.appendix import SHEET_FINDINGS
from kttt_pipeline.publish.report import MANIFEST, publish_period, stale_reports
from kttt_pipeline.run import run_period
from kttt_pipeline.warehouse.engine import make_engine
from kttt_pipeline.warehouse.load import load_period

PREV, CUR = "2026-Q2", "2026-Q3"
PLANTED = 3
#: the findings computed against the previous quarter (vocab/finding_kinds.csv, rule so_sanh_ky)
COMPARISON_KINDS = ("COOP_VANISHED", "PERIOD_JUMP")


def _digits(value) -> str:
    return re.sub(r"\D", "", str(value if value is not None else ""))


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> SimpleNamespace:
    """Q2 and Q3 returns of three units; in Q3, the listing rows of three counted cooperatives of Q2 cleared."""
    root = tmp_path_factory.mktemp("concurrent") / "raw"
    for p in (PREV, CUR):
        write_demo_period(root, p, units=3, rows_per_unit=10)
    q2 = run_period(root, PREV)
    counted = q2.cooperative[q2.cooperative["in_total"].astype(bool)]["tax_code"].dropna().astype(str).tolist()
    listings = [p for p in sorted((root / CUR).rglob("*.xlsx")) if p.parent.name in ("communes", "districts")]
    planted: list[str] = []
    for path in listings:
        wb = openpyxl.load_workbook(path)
        changed = False
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                code = next((_digits(c.value) for c in row if _digits(c.value) in counted), None)
                if code and (code in planted or len(planted) < PLANTED):
                    planted += [] if code in planted else [code]
                    for c in row:
                        c.value = None
                    changed = True
        if changed:
            wb.save(path)
    assert len(planted) == PLANTED
    return SimpleNamespace(root=root, planted=sorted(planted), q2=q2)


def _sql(engine, query: str, **params) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(query), params)]


def _vanished(engine, period: str = CUR) -> list[str]:
    return sorted(
        r[0]
        for r in _sql(engine, "SELECT entity_key FROM dq_issue WHERE period = :p AND kind = 'COOP_VANISHED'", p=period)
    )


def _comparison_rows(frame: pd.DataFrame) -> list[tuple]:
    rows = frame[frame["kind"].isin(COMPARISON_KINDS)]
    return sorted(
        tuple("" if pd.isna(v) else str(v) for v in r)
        for r in rows[["kind", "unit_code", "entity_key", "detail", "value_reported", "value_computed"]].itertuples(
            index=False
        )
    )


def _loaded_comparisons(engine) -> list[tuple]:
    rows = _sql(
        engine,
        "SELECT kind, unit_code, entity_key, detail, value_reported, value_computed FROM dq_issue "
        "WHERE period = :p AND kind IN ('COOP_VANISHED', 'PERIOD_JUMP')",
        p=CUR,
    )
    return sorted(tuple("" if v is None else str(v) for v in r) for r in rows)


def test_the_planted_cooperatives_vanish_when_q2_is_loaded_first(raw, warehouse_url):
    """The reference: run one after the other, Q3 raises a COOP_VANISHED for each planted cooperative."""
    from kttt_pipeline.warehouse.history import period_identity

    engine = make_engine(warehouse_url)
    try:
        load_period(engine, PREV, raw.q2)
        q3 = run_period(raw.root, CUR, history=engine)
        assert q3.compared_with == {PREV: period_identity(engine, PREV)} and q3.compared_with[PREV] is not None
        load_period(engine, CUR, q3)
        assert q3.recompared == ()
        assert set(raw.planted) <= set(_vanished(engine))
    finally:
        engine.dispose()


def test_q3_reconciled_before_q2_was_loaded_is_compared_again_at_its_load(raw, warehouse_url, tmp_path):
    engine = make_engine(warehouse_url)
    try:
        q3 = run_period(raw.root, CUR, history=engine)  # Q2 not loaded yet: nothing to compare with
        assert not q3.dq_issue["kind"].isin(COMPARISON_KINDS).any()
        load_period(engine, PREV, raw.q2)  # the other run loads Q2 meanwhile
        load_period(engine, CUR, q3)
        # exact: the findings of a run after Q2's load, and the period's record of what it compared with
        assert set(raw.planted) <= set(_vanished(engine))
        from kttt_pipeline.warehouse.history import period_identity

        assert q3.recompared == (PREV,)
        reference = run_period(raw.root, CUR, history=engine)
        assert _loaded_comparisons(engine) == _comparison_rows(reference.dq_issue) == _comparison_rows(q3.dq_issue)
        identity = period_identity(engine, PREV)
        assert json.loads(_sql(engine, "SELECT compared_with FROM period_status WHERE period = :p", p=CUR)[0][0]) == {
            PREV: identity
        }
        manifest = json.loads(publish_period(engine, CUR, tmp_path / "reports")["comparisons"].read_text("utf-8"))
        assert manifest["stale"] == {} and manifest["findings_compared_with"] == {PREV: identity}
    finally:
        engine.dispose()


def test_q2_loaded_between_q3_load_and_publication_marks_q3_stale(raw, warehouse_url, tmp_path):
    engine = make_engine(warehouse_url)
    try:
        q3 = run_period(raw.root, CUR, history=engine)
        load_period(engine, CUR, q3)  # loaded while Q2 is not: its comparisons compared with nothing
        assert _vanished(engine) == []
        load_period(engine, PREV, raw.q2)
        reports = tmp_path / "reports"
        outputs = publish_period(engine, CUR, reports)
        manifest = json.loads(outputs["comparisons"].read_text("utf-8"))
        assert list(manifest.get("stale") or {}) == [PREV]
        assert manifest["findings_compared_with"] == {PREV: None}
        assert f"kỳ {PREV} chưa có trong kho dữ liệu" in manifest["stale"][PREV]
        assert f"kttt materialize --period {CUR}" in manifest["stale"][PREV]
        # the signer's findings sheet says it above the list
        sheet = openpyxl.load_workbook(outputs["appendix"])[SHEET_FINDINGS]
        assert f"Lưu ý: {manifest['stale'][PREV]}" in [c.value for row in sheet.iter_rows() for c in row]
        # the same periods again (Q2's load is seen by a later load's stale_reports too)
        assert stale_reports(engine, reports, changed=PREV) == {CUR: [PREV]}
        # re-run: exact and current
        again = run_period(raw.root, CUR, history=engine)
        load_period(engine, CUR, again)
        assert set(raw.planted) <= set(_vanished(engine))
        manifest = json.loads(publish_period(engine, CUR, reports)["comparisons"].read_text("utf-8"))
        assert manifest["stale"] == {}
    finally:
        engine.dispose()


def test_q2_replaced_with_other_cooperatives_after_q3_published_lists_q3_stale(raw, warehouse_url, tmp_path):
    """A reload of Q2 that changes only its cooperatives (not one figure) changes what Q3's COOP_VANISHED read."""
    engine = make_engine(warehouse_url)
    try:
        load_period(engine, PREV, raw.q2)
        load_period(engine, CUR, run_period(raw.root, CUR, history=engine))
        reports = tmp_path / "reports"
        publish_period(engine, CUR, reports)
        renamed = raw.q2.cooperative.copy()
        renamed.loc[renamed.index[0], "name"] = "HTX đổi tên"
        load_period(engine, PREV, SimpleNamespace(**{**raw.q2.frames(), "cooperative": renamed}))
        assert stale_reports(engine, reports, changed=PREV) == {CUR: [PREV]}
    finally:
        engine.dispose()


def _hold_q2_load(engine: Engine, q2):
    """Q2's load in a thread, held open inside its transaction (at its first insert into dq_issue) until
    ``release`` is set; returns (thread, inside, release, errors)."""
    inside, release, errors = threading.Event(), threading.Event(), []

    def hold(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        if (
            threading.current_thread().name == "load-q2"
            and statement.lstrip().upper().startswith("INSERT INTO DQ_ISSUE")
            and not inside.is_set()
        ):
            inside.set()
            release.wait(120)

    def run():
        try:
            load_period(engine, PREV, q2)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    event.listen(engine, "before_cursor_execute", hold)
    thread = threading.Thread(target=run, name="load-q2")
    thread.start()
    assert inside.wait(120), "Q2's load did not reach its inserts"
    return thread, release, errors, lambda: event.remove(engine, "before_cursor_execute", hold)


def test_readers_never_see_a_period_half_replaced(raw, warehouse_url):
    """Q2 loaded once, then reloaded with its cooperatives renamed, held open after its deletes: a reader sees
    the whole first load, and after the commit the whole second one."""
    from kttt_pipeline.reconcile.period_compare import result_level
    from kttt_pipeline.warehouse.history import compared_previous_quarter, period_identity

    engine = make_engine(warehouse_url)
    try:
        load_period(engine, PREV, raw.q2)
        first = period_identity(engine, PREV)
        level = result_level(run_period(raw.root, CUR))
        renamed = raw.q2.cooperative.assign(name=raw.q2.cooperative["name"] + " (mới)")
        thread, release, errors, remove = _hold_q2_load(
            engine, SimpleNamespace(**{**raw.q2.frames(), "cooperative": renamed})
        )
        try:
            previous, basis = compared_previous_quarter(engine, CUR, level)
            assert basis == {PREV: first}
            assert previous is not None and len(previous.cooperative) == len(raw.q2.cooperative)
            assert not previous.cooperative["name"].str.endswith("(mới)").any()
        finally:
            release.set()
            thread.join(120)
            remove()
        assert not errors
        previous, basis = compared_previous_quarter(engine, CUR, level)
        assert basis == {PREV: period_identity(engine, PREV)} != {PREV: first}
        assert previous.cooperative["name"].str.endswith("(mới)").all()
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_load_of_q3_waits_for_q2_load_in_progress(raw, postgres_url):
    """Q3 reconciled without Q2; Q2's load holds its transaction open; Q3's load must wait for it (the shared
    lock on the period it compares with) and then compare with Q2 as committed."""
    engine = make_engine(postgres_url)
    try:
        q3 = run_period(raw.root, CUR, history=engine)
        thread, release, errors, remove = _hold_q2_load(engine, raw.q2)
        done = threading.Event()
        q3_errors: list[BaseException] = []

        def load_q3():
            try:
                load_period(engine, CUR, q3)
            except BaseException as exc:  # noqa: BLE001
                q3_errors.append(exc)
            finally:
                done.set()

        other = threading.Thread(target=load_q3, name="load-q3")
        other.start()
        try:
            # Q3's load either finished (without waiting: wrong) or is seen waiting for an advisory lock
            waiting = False
            for _ in range(1200):
                if done.wait(0.1):
                    break
                if _sql(engine, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")[0][0]:
                    waiting = True
                    break
            assert waiting and not done.is_set(), "Q3's load did not wait for Q2's load in progress"
        finally:
            release.set()
            thread.join(120)
            other.join(120)
            remove()
        assert not errors and not q3_errors
        assert set(raw.planted) <= set(_vanished(engine))
        from kttt_pipeline.warehouse.history import period_identity

        assert q3.compared_with == {PREV: period_identity(engine, PREV)} and q3.recompared == (PREV,)
    finally:
        engine.dispose()


def test_dagster_run_and_cli_say_q3_is_stale_when_q2_is_loaded_before_its_publication(
    raw, warehouse_url, tmp_path, capsys
):
    """The period job for Q3 (as `kttt materialize` runs it) while Q2's run loads Q2 right after Q3's load
    commits: published_reports' metadata, so_sanh.json and the CLI's summary say Q3's comparisons are stale."""
    from kttt_pipeline.cli import _print_published
    from kttt_pipeline.orchestration.definitions import make_resources, period_job
    from kttt_pipeline.orchestration.results import materialization

    root = tmp_path / "raw"
    shutil.copytree(raw.root / CUR, root / CUR)
    reports = tmp_path / "reports"
    other = make_engine(warehouse_url)
    state = {"q3_committed": False, "q2_loaded": False}

    def on_commit(conn):
        if not state["q2_loaded"] and conn.info.get("q3_inserted"):
            state["q3_committed"] = True

    def on_execute(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        if statement.lstrip().upper().startswith("INSERT INTO DQ_ISSUE") and not state["q2_loaded"]:
            conn.info["q3_inserted"] = True
        elif state["q3_committed"] and not state["q2_loaded"]:
            state["q2_loaded"] = True  # the other run's load of Q2, between Q3's load and its publication
            load_period(other, PREV, raw.q2)

    event.listen(Engine, "commit", on_commit)
    event.listen(Engine, "before_cursor_execute", on_execute)
    try:
        result = period_job(make_resources(str(root), warehouse_url, str(reports))).execute_in_process(
            partition_key=CUR
        )
    finally:
        event.remove(Engine, "commit", on_commit)
        event.remove(Engine, "before_cursor_execute", on_execute)
        other.dispose()
    assert result.success and state["q2_loaded"]
    meta = materialization(result, "published_reports").metadata
    assert "stale_comparisons" in meta, "published_reports does not say its comparisons are stale"
    assert list(meta["stale_comparisons"].value) == [PREV] and meta["comparisons_current"].value is False
    manifest = json.loads((reports / CUR / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["stale"] == meta["stale_comparisons"].value
    assert manifest["findings_compared_with"] == {PREV: None}
    _print_published(result, CUR, "sqlite:///x")
    out = capsys.readouterr().out
    assert f"CẢNH BÁO (so sánh chưa cập nhật / stale comparison): {manifest['stale'][PREV]}" in out


def test_a_year_ago_quarter_loaded_while_q3_is_published_marks_q3_stale(raw, warehouse_url, tmp_path):
    """The documents' own comparisons (the same quarter a year earlier): 2025-Q3 loaded by another run while Q3's
    documents are being read (at the publication's read of the findings) makes so_sanh.json say Q3 is stale."""
    year_ago = "2025-Q3"
    write_demo_period(tmp_path / "raw", year_ago, units=3, rows_per_unit=10)
    loaded_year_ago = run_period(tmp_path / "raw", year_ago)
    engine, other = make_engine(warehouse_url), make_engine(warehouse_url)
    state = {"loaded": False}

    def on_execute(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        if not state["loaded"] and "FROM dq_issue" in statement:
            state["loaded"] = True
            load_period(other, year_ago, loaded_year_ago)

    try:
        load_period(engine, PREV, raw.q2)
        load_period(engine, CUR, run_period(raw.root, CUR, history=engine))
        event.listen(engine, "before_cursor_execute", on_execute)
        try:
            manifest = json.loads(publish_period(engine, CUR, tmp_path / "reports")["comparisons"].read_text("utf-8"))
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)
        assert state["loaded"] and manifest["compared_with"][year_ago] is not None
        assert list(manifest.get("stale") or {}) == [year_ago]
        assert f"Số liệu kỳ {year_ago} thay đổi trong khi lập báo cáo kỳ {CUR}" in manifest["stale"][year_ago]
        # published again with nothing changing meanwhile: current
        manifest = json.loads(publish_period(engine, CUR, tmp_path / "reports")["comparisons"].read_text("utf-8"))
        assert manifest["stale"] == {}
    finally:
        engine.dispose()
        other.dispose()


def test_dagster_run_compares_again_when_q2_is_loaded_between_q3_reconcile_and_load(
    raw, warehouse_url, tmp_path, capsys
):
    """The period job for Q3 while Q2's run loads Q2 after Q3's reconcile, as Q3's load begins: Q3 ends exact;
    the warehouse step's metadata and the CLI say it was compared again, the publication is current."""
    from kttt_pipeline.cli import _print_published
    from kttt_pipeline.orchestration.definitions import make_resources, period_job
    from kttt_pipeline.orchestration.results import materialization

    root = tmp_path / "raw"
    shutil.copytree(raw.root / CUR, root / CUR)
    other = make_engine(warehouse_url)
    state = {"q2_loaded": False}

    def on_execute(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        # Q3's load transaction begins (SQLite BEGIN IMMEDIATE; PostgreSQL its period lock): the other run's
        # load of Q2 commits just before
        if not state["q2_loaded"] and ("BEGIN IMMEDIATE" in statement or "pg_advisory_xact_lock(" in statement):
            state["q2_loaded"] = True
            load_period(other, PREV, raw.q2)

    event.listen(Engine, "before_cursor_execute", on_execute)
    try:
        result = period_job(make_resources(str(root), warehouse_url, str(tmp_path / "reports"))).execute_in_process(
            partition_key=CUR
        )
    finally:
        event.remove(Engine, "before_cursor_execute", on_execute)
        other.dispose()
    assert result.success and state["q2_loaded"]
    engine = make_engine(warehouse_url)
    try:
        assert set(raw.planted) <= set(_vanished(engine))
        n_findings = _sql(engine, "SELECT count(*) FROM dq_issue WHERE period = :p", p=CUR)[0][0]
    finally:
        engine.dispose()
    assert (
        materialization(result, "reconciled_period").metadata["findings_by_kind"].value.get("COOP_VANISHED") is None
    )  # the reconcile compared with nothing
    assert materialization(result, "rpt_indicator").metadata["recompared"].value == [PREV]
    assert materialization(result, "dq_issue").metadata["dagster/row_count"].value == n_findings
    assert materialization(result, "published_reports").metadata["stale_comparisons"].value == {}
    _print_published(result, CUR, "sqlite:///x")
    out = capsys.readouterr().out
    assert f"So sánh lại với kỳ {PREV} khi nạp" in out and "CẢNH BÁO" not in out
    assert f"Phát hiện (findings): {n_findings};" in out
