"""The whole chain through the Dagster assets: raw files → staging → reconciled → warehouse → reports.

Runs ``dagster.materialize`` on every asset and asset check of the project (the warehouse expectations suite
included) for real periods, on SQLite and on PostgreSQL, and checks what an analyst and a signer would see:
figures in ``rpt_indicator``, the published workbook, exact replacement of a re-run period, other periods
untouched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.vocabulary import indicators
from kttt_pipeline.demo import write_demo_period
from kttt_pipeline.orchestration.definitions import make_resources, period_job
from kttt_pipeline.orchestration.results import materialization, published_documents
from kttt_pipeline.warehouse import period_row_counts
from kttt_pipeline.warehouse.models import PERIOD_TABLES

from ..specimen import SPECIMEN_RAW, expected, needs_specimen

DEMO_PERIOD = "2025-Q1"


def _run(raw: Path, url: str, reports: Path, period: str) -> dg.ExecuteInProcessResult:
    result = period_job(make_resources(str(raw), url, str(reports))).execute_in_process(
        partition_key=period, raise_on_error=False
    )
    failures = [e.step_failure_data.error.message for e in result.all_events if e.is_step_failure]
    assert result.success, failures
    return result


def _indicator(url: str, period: str, unit: str, code: str) -> float | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("select value from rpt_indicator where period = :p and unit_code = :u and indicator_code = :c"),
                {"p": period, "u": unit, "c": code},
            ).scalar_one_or_none()
    finally:
        engine.dispose()


def _query(url: str, sql: str, period: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), {"p": period})]
    finally:
        engine.dispose()


def _cell(ws, row_label: str, column_header: str):
    """The one cell of ``ws`` in the row labelled ``row_label`` (column "Chỉ tiêu") and the column headed
    ``column_header`` (the header row is the one holding "Chỉ tiêu")."""
    headers = [row for row in ws.iter_rows() if any(c.value == "Chỉ tiêu" for c in row)]
    assert len(headers) == 1, f"{ws.title}: {len(headers)} header rows"
    by_header = {c.value: c.column for c in headers[0] if c.value is not None}
    assert column_header in by_header, (column_header, list(by_header))
    label_col, header_row = by_header["Chỉ tiêu"], headers[0][0].row
    rows = [r for r in range(header_row + 1, ws.max_row + 1) if ws.cell(r, label_col).value == row_label]
    assert len(rows) == 1, f"{ws.title}: row {row_label!r} found {len(rows)} times"
    return ws.cell(rows[0], by_header[column_header])


def _counts(url: str, period: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        return period_row_counts(engine, period)
    finally:
        engine.dispose()


def test_demo_period_through_every_asset_on_sqlite(tmp_path):
    """Always runs (no ../shared needed): the demo a new user sees, down to the published workbook."""
    summary = write_demo_period(tmp_path / "raw", DEMO_PERIOD, seed=5)
    url = f"sqlite:///{tmp_path / 'kttt.db'}"
    result = _run(tmp_path / "raw", url, tmp_path / "reports", DEMO_PERIOD)

    checks = {(e.asset_key.to_user_string(), e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    assert checks[("rpt_indicator", "warehouse_expectations")] and checks[("rpt_indicator", "status_identity")]
    assert checks[("stg_cooperative", "staging_schema")]
    want = summary.expected["22"]["HTX_TOTAL"]
    assert _indicator(url, DEMO_PERIOD, "22", "HTX_TOTAL") == want

    reports = published_documents(result)
    assert all(Path(p).is_file() for p in reports.values())
    assert Path(reports["appendix"]).parent == tmp_path / "reports" / DEMO_PERIOD
    # the figures sheet of the appendix (Biểu 01): the cell in each indicator's row, under the column of the
    # figures to the period's end, is the warehouse's rpt_indicator value
    ws = load_workbook(reports["appendix"]).worksheets[0]
    names = {i.code: i.name_vi for i in indicators()}
    end = Period.parse(DEMO_PERIOD).end
    column = f"Thực hiện đến {end.day}/{end.month}/{end.year}"
    for code in ("HTX_TOTAL", "THT_TOTAL", "HTX_MEMBERS"):
        value = _indicator(url, DEMO_PERIOD, "22", code)
        assert value is not None and value > 0, code
        cell = _cell(ws, names[code], column)
        assert cell.data_type == "n" and cell.value == pytest.approx(value), (code, cell.coordinate, cell.value)
    assert (tmp_path / "reports" / DEMO_PERIOD / "data_docs" / "index.html").is_file()

    mat = materialization(result, "rpt_indicator")
    assert mat and mat.metadata["dagster/row_count"].value == _counts(url, DEMO_PERIOD)["rpt_indicator"]


@needs_specimen
@pytest.mark.specimen
@pytest.mark.parametrize("engine_name", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_specimen_reruns_replace_exactly_and_leave_other_periods(tmp_path, request, engine_name):
    url = request.getfixturevalue(f"{engine_name}_url")
    raw = tmp_path / "raw"
    shutil.copytree(SPECIMEN_RAW, raw)
    spec_period = expected()["period"]
    write_demo_period(raw, DEMO_PERIOD, seed=9)
    reports = tmp_path / "reports"

    _run(raw, url, reports, spec_period)
    _run(raw, url, reports, DEMO_PERIOD)
    first_spec, first_demo = _counts(url, spec_period), _counts(url, DEMO_PERIOD)
    assert all(first_spec[t] > 0 for t in ("rpt_indicator", "dq_issue", "load_audit", "cooperative"))
    assert _indicator(url, spec_period, "22", "HTX_TOTAL") == expected()["indicators"]["22"]["HTX_TOTAL"]

    demo_before = _query(
        url,
        "select unit_code, indicator_code, value from rpt_indicator where period = :p "
        "order by unit_code, indicator_code",
        DEMO_PERIOD,
    )

    _run(raw, url, reports, spec_period)  # the re-run
    assert _counts(url, spec_period) == first_spec
    assert _counts(url, DEMO_PERIOD) == first_demo
    demo_after = _query(
        url,
        "select unit_code, indicator_code, value from rpt_indicator where period = :p "
        "order by unit_code, indicator_code",
        DEMO_PERIOD,
    )
    dupes = _query(
        url,
        "select count(*) from (select unit_code, indicator_code from rpt_indicator where period = :p "
        "group by unit_code, indicator_code having count(*) > 1) d",
        spec_period,
    )[0][0]
    assert demo_after == demo_before
    assert dupes == 0
    assert set(first_spec) == set(PERIOD_TABLES)


def test_backfill_of_several_quarters_in_one_instance(tmp_path):
    """A backfill is one run of the period job per quarter (what Dagster's backfill daemon launches): every
    quarter ends up materialized in the instance and loaded in the warehouse, each with its own figures."""
    raw = tmp_path / "raw"
    quarters = ["2024-Q2", "2024-Q3", "2024-Q4"]
    want = {}
    for i, q in enumerate(quarters):
        want[q] = write_demo_period(raw, q, seed=100 + i).expected["22"]["HTX_TOTAL"]
    url = f"sqlite:///{tmp_path / 'kttt.db'}"
    job = period_job(make_resources(str(raw), url, str(tmp_path / "reports")))
    with dg.instance_for_test() as instance:
        for q in quarters:
            assert job.execute_in_process(partition_key=q, instance=instance).success
        done = instance.get_materialized_partitions(dg.AssetKey("published_reports"))
        assert done == set(quarters)
        assert {r.tags["dagster/partition"] for r in instance.get_runs()} == set(quarters)
    for q in quarters:
        assert _indicator(url, q, "22", "HTX_TOTAL") == want[q]
        assert (tmp_path / "reports" / q / f"phu_bieu_{q}.xlsx").is_file()
