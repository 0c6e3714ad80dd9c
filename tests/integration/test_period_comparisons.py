"""Issue 16 end to end: demo quarters loaded into one warehouse, then the comparisons of the published documents,
the findings against the previous quarter, the analysts' views and the staleness of later reports.

The demo generator draws each period's cooperatives afresh, so "the quarter before" 2024-Q3 is the same returns
filed as 2024-Q2: a quarter in which nothing changed (the ordinary quarter). The planted cases edit a temporary
copy of the 2024-Q3 returns: rows cleared from a listing (the reader skips blank rows), a tax-register status set
to 01. Every expected figure is read from the warehouse, never typed.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from sqlalchemy import text

from kttt_pipeline.core.numfmt import format_vn
from kttt_pipeline.demo import write_demo_period
from kttt_pipeline.publish.appendix import (
    FIGURE_ROWS,
    FIGURES_NOTE_COL,
    NO_COMPARISON,
    SHEET_FIGURES,
    SHEET_UNITS,
    UNIT_COLUMNS,
)
from kttt_pipeline.publish.charts import trend_series
from kttt_pipeline.publish.paragraph_text import count
from kttt_pipeline.publish.report import publish_period, stale_reports
from kttt_pipeline.publish.warehouse_reader import load_period_data
from kttt_pipeline.reconcile.period_compare import jump_thresholds
from kttt_pipeline.run import run_period
from kttt_pipeline.warehouse.engine import make_engine
from kttt_pipeline.warehouse.load import delete_period, load_period
from tests.workbook_factory import copy_period_returns

YEAR_AGO, PREV, CUR, REFORM = "2023-Q3", "2024-Q2", "2024-Q3", "2025-Q3"
N = len(UNIT_COLUMNS)


def _digits(value) -> str:
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return re.sub(r"\D", "", str(value if value is not None else ""))


def _rows_with_code(folder: Path, code: str) -> list[tuple[Path, str, int]]:
    """(workbook, sheet, row) of every listing row that holds ``code`` in a cell."""
    out = []
    for path in sorted(folder.glob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                if any(_digits(c.value) == code for c in row):
                    out.append((path, ws.title, row[0].row))
    return out


def _clear_rows(hits: list[tuple[Path, str, int]]) -> None:
    by_file: dict[Path, list[tuple[str, int]]] = {}
    for path, sheet, r in hits:
        by_file.setdefault(path, []).append((sheet, r))
    for path, rows in by_file.items():
        wb = openpyxl.load_workbook(path)
        for sheet, r in rows:
            ws = wb[sheet]
            for c in range(1, ws.max_column + 1):
                ws.cell(r, c).value = None
        wb.save(path)


def _sql(engine, query: str, **params) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(query), params)]


def _value(engine, table: str, period: str, unit: str, code: str) -> float | None:
    rows = _sql(
        engine,
        f"SELECT value FROM {table} WHERE period = :p AND unit_code = :u AND indicator_code = :c",
        p=period,
        u=unit,
        c=code,
    )
    return rows[0][0] if rows else None


def _province(engine) -> str:
    return _sql(engine, "SELECT unit_code FROM admin_unit WHERE level = 'province'")[0][0]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    base = tmp_path_factory.mktemp("compare")
    raw = base / "raw"
    write_demo_period(raw, YEAR_AGO, units=3, rows_per_unit=10)
    write_demo_period(raw, CUR, units=3, rows_per_unit=10)
    copy_period_returns(raw, CUR, PREV)  # the quarter before: the same returns (nothing changed), re-dated
    write_demo_period(raw, REFORM, units=3, rows_per_unit=10)
    (base / "warehouse").mkdir()
    engine = make_engine(f"sqlite:///{base / 'warehouse' / 'kttt.db'}")
    results = {}
    for p in (YEAR_AGO, PREV, CUR, REFORM):
        results[p] = run_period(raw, p, history=engine)
        load_period(engine, p, results[p])
    reports = base / "reports"
    outputs = {p: publish_period(engine, p, reports) for p in (CUR, REFORM)}
    yield SimpleNamespace(base=base, raw=raw, engine=engine, results=results, reports=reports, outputs=outputs)
    engine.dispose()


def _kinds(result, kind: str):
    df = result.dq_issue
    return df[df["kind"] == kind]


# ---- appendix ---------------------------------------------------------------------------------------------------


def _header_row(ws) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "STT")


def test_figures_sheet_compares_with_the_same_quarter_a_year_earlier(world):
    eng, prov = world.engine, _province(world.engine)
    ws = openpyxl.load_workbook(world.outputs[CUR]["appendix"])[SHEET_FIGURES]
    hdr = _header_row(ws)
    assert (
        ws.cell(hdr, 7).value == "Cùng kỳ năm trước (đến 30/9/2023)" and ws.cell(hdr, 8).value == "So với cùng kỳ (%)"
    )
    row, checked = hdr + 2, 0
    for _numbering, code, _label, _level in FIGURE_ROWS:
        if code:
            now, then = (
                _value(eng, "rpt_indicator", CUR, prov, code),
                _value(eng, "rpt_indicator", YEAR_AGO, prov, code),
            )
            assert ws.cell(row, 7).value == (pytest.approx(then) if then is not None else None), code
            if now is not None and then:
                assert ws.cell(row, 8).value == pytest.approx(100 * now / then), code
                checked += 1
            else:
                assert ws.cell(row, 8).value is None, code  # never a zero for an undefined comparison
        row += 1
    assert checked >= 20


def test_units_sheet_compares_each_unit_with_the_same_quarter_a_year_earlier(world):
    eng, prov = world.engine, _province(world.engine)
    ws = openpyxl.load_workbook(world.outputs[CUR]["appendix"])[SHEET_UNITS]
    hdr = _header_row(ws)
    codes = [
        c
        for (c,) in _sql(
            eng,
            "SELECT DISTINCT unit_code FROM rpt_indicator WHERE period = :p AND unit_code <> :v ORDER BY unit_code",
            p=CUR,
            v=prov,
        )
    ]
    assert len(codes) == 3
    names = dict(_sql(eng, "SELECT TRIM(kind_vi || ' ' || name_vi), unit_code FROM admin_unit"))
    seen = 0
    for r in range(hdr + 2, ws.max_row + 1):
        label = ws.cell(r, 2).value
        code = names.get(label)
        if label and label.startswith("Toàn tỉnh"):
            code = prov
        if code not in codes and code != prov:
            continue
        then = _value(eng, "rpt_indicator", YEAR_AGO, code, "HTX_TOTAL")
        now = _value(eng, "rpt_indicator", CUR, code, "HTX_TOTAL")
        assert then is not None and then > 0
        assert ws.cell(r, 3).value == now
        assert ws.cell(r, 3 + N).value == then
        assert ws.cell(r, 4 + N).value == pytest.approx(100 * (now - then) / then)
        seen += 1
    assert seen == 4  # three units and the province


def test_paragraph_sentences_carry_the_computed_changes(world):
    eng, prov = world.engine, _province(world.engine)
    md = world.outputs[CUR]["paragraph_md"].read_text(encoding="utf-8")

    def clause(code: str) -> str:
        now, then = _value(eng, "rpt_indicator", CUR, prov, code), _value(eng, "rpt_indicator", YEAR_AGO, prov, code)
        change = 100 * (now - then) / then
        if format_vn(abs(change), 1) == "0,0":
            return ", bằng cùng kỳ năm 2023"
        return f", {'tăng' if change > 0 else 'giảm'} {format_vn(abs(change), 1)}% so với cùng kỳ năm 2023"

    total = _value(eng, "rpt_indicator", CUR, prov, "HTX_TOTAL")
    members = _value(eng, "rpt_indicator", CUR, prov, "HTX_MEMBERS")
    managers = _value(eng, "rpt_indicator", CUR, prov, "HTX_MANAGERS")
    workers = _value(eng, "rpt_indicator", CUR, prov, "HTX_WORKERS")

    def share_of_managers(code: str) -> str:
        return format_vn(100 * _value(eng, "rpt_indicator", CUR, prov, code) / managers, 1)

    expected = [
        f"tổng số HTX trên địa bàn tỉnh là {count(total)} HTX{clause('HTX_TOTAL')}",
        f"Tổng số thành viên tham gia HTX là {count(members)} thành viên{clause('HTX_MEMBERS')}",
        f"thu hút {count(workers)} lao động thường xuyên{clause('HTX_WORKERS')}",
        f"Tổng số cán bộ quản lý HTX là {count(managers)} người{clause('HTX_MANAGERS')}",
        f"chiếm {share_of_managers('HTX_MANAGERS_COLLEGE_PLUS')}% tổng số cán bộ quản lý HTX"
        f"{clause('HTX_MANAGERS_COLLEGE_PLUS')}",
        f"chiếm {share_of_managers('HTX_MANAGERS_PRIMARY_SECONDARY')}% tổng số cán bộ quản lý HTX"
        f"{clause('HTX_MANAGERS_PRIMARY_SECONDARY')}",
        f"toàn tỉnh hiện có {count(_value(eng, 'rpt_indicator', CUR, prov, 'THT_TOTAL'))} THT{clause('THT_TOTAL')}.",
    ]
    for sentence in expected:
        assert sentence in md
    # every comparison in the text is one of those (no other, none twice)
    assert len(re.findall(r"(so với|bằng) cùng kỳ năm", md)) == len(expected)


def test_units_sheet_across_the_reform_uses_the_restated_former_period(world):
    eng, prov = world.engine, _province(world.engine)
    ws = openpyxl.load_workbook(world.outputs[REFORM]["appendix"])[SHEET_UNITS]
    hdr = _header_row(ws)
    names = dict(
        _sql(
            eng,
            "SELECT TRIM(kind_vi || ' ' || name_vi), unit_code FROM admin_unit "
            "WHERE valid_to IS NULL AND level <> 'province'",
        )
    )
    texts = [c.value for row in ws.iter_rows(max_row=hdr) for c in row if isinstance(c.value, str)]
    assert any("quy đổi theo đơn vị hành chính hiện nay" in t for t in texts)
    units = 0
    nonzero = 0
    for r in range(hdr + 2, ws.max_row + 1):
        if not str(ws.cell(r, 1).value or "").isdigit():
            continue
        code = names[ws.cell(r, 2).value]
        then = _value(eng, "rpt_indicator_restated", CUR, code, "HTX_TOTAL")
        assert ws.cell(r, 3 + N).value == then, code
        now = _value(eng, "rpt_indicator", REFORM, code, "HTX_TOTAL")
        if now is not None and then:
            assert ws.cell(r, 4 + N).value == pytest.approx(100 * (now - then) / then)
        units += 1
        nonzero += bool(then)
    assert units == 54 and nonzero >= 3
    # the province compares directly with its own figure a year earlier (rpt_indicator)
    total = next(r for r in range(hdr, ws.max_row + 1) if str(ws.cell(r, 2).value or "").startswith("Toàn tỉnh"))
    assert ws.cell(total, 3 + N).value == _value(eng, "rpt_indicator", CUR, prov, "HTX_TOTAL")
    figures = openpyxl.load_workbook(world.outputs[REFORM]["appendix"])[SHEET_FIGURES]
    fh = _header_row(figures)
    assert figures.cell(fh + 3, 7).value == _value(eng, "rpt_indicator", CUR, prov, "HTX_TOTAL")  # HTX_TOTAL row


def test_without_the_earlier_period_the_cells_are_empty_and_the_note_says_so(world, tmp_path):
    (tmp_path / "w").mkdir()
    eng = make_engine(f"sqlite:///{tmp_path / 'w' / 'kttt.db'}")
    try:
        load_period(eng, CUR, world.results[CUR])
        out = publish_period(eng, CUR, tmp_path / "reports")
        wb = openpyxl.load_workbook(out["appendix"])
        for sheet, cols in ((SHEET_FIGURES, (7, 8)), (SHEET_UNITS, (3 + N, 4 + N))):
            ws = wb[sheet]
            hdr = _header_row(ws)
            assert all(ws.cell(r, c).value is None for r in range(hdr + 2, ws.max_row + 1) for c in cols), sheet
            notes = [c.value for row in ws.iter_rows(max_row=hdr) for c in row if isinstance(c.value, str)]
            assert any(NO_COMPARISON in t and "Quý III/2023" in t and "2023-Q3" not in t for t in notes), sheet
        # said once under the title, not on every row
        ws = wb[SHEET_FIGURES]
        assert not any(
            NO_COMPARISON in str(ws.cell(r, FIGURES_NOTE_COL).value or "").lower()
            for r in range(_header_row(ws) + 2, ws.max_row + 1)
        )
        assert "cùng kỳ năm" not in out["paragraph_md"].read_text(encoding="utf-8")
        assert trend_series(load_period_data(eng, CUR))[0] == ["Quý III/2024*"]  # 3 of 13 units: incomplete
    finally:
        eng.dispose()


def test_trend_chart_draws_the_loaded_quarters_and_marks_the_reform(world):
    eng, prov = world.engine, _province(world.engine)
    labels, series, marks = trend_series(load_period_data(eng, REFORM))
    quarters = [
        "Quý III/2023",
        "Quý IV/2023",
        "Quý I/2024",
        "Quý II/2024",
        "Quý III/2024",
        "Quý IV/2024",
        "Quý I/2025",
        "Quý II/2025",
        "Quý III/2025",
    ]
    # the demo periods have 3 of their units: every loaded quarter is incomplete, and marked
    assert labels == [
        q + ("*" if q in ("Quý III/2023", "Quý II/2024", "Quý III/2024", "Quý III/2025") else "") for q in quarters
    ]
    labels = [label.rstrip("*") for label in labels]
    loaded = {YEAR_AGO, PREV, CUR, REFORM}
    for code in ("HTX_TOTAL", "HTX_ACTIVE", "HTX_NEW"):
        for label, v in zip(labels, series[code]):
            roman, y = label.removeprefix("Quý ").split("/")
            q = ("I", "II", "III", "IV").index(roman) + 1
            key = f"{y}-Q{q}"
            assert v == (_value(eng, "rpt_indicator", key, prov, code) if key in loaded else None), (code, key)
    assert [pos for pos, _ in marks] == [labels.index("Quý III/2025") - 0.5]
    assert "1/7/2025" in marks[0][1]
    assert world.outputs[REFORM]["chart_trend"].stat().st_size > 10_000


# ---- findings against the previous quarter ------------------------------------------------------------------


def test_an_ordinary_quarter_raises_no_comparison_finding(world):
    assert _kinds(world.results[CUR], "COOP_VANISHED").empty
    assert _kinds(world.results[CUR], "PERIOD_JUMP").empty
    # the previous quarter was loaded from the warehouse: the comparison ran (a reload of 2024-Q2 without the
    # warehouse history would raise nothing either way; the planted test below shows it finds what changed)


def test_planted_vanished_dissolved_and_jump(world, tmp_path):
    eng, res = world.engine, world.results[PREV]
    raw = tmp_path / "raw"
    shutil.copytree(world.raw, raw)
    folder = raw / CUR / "districts"
    coops = res.cooperative
    pool = coops[
        coops["in_total"].astype(bool)
        & coops["tax_code"].notna()
        & (coops["match_method"] == "tax_code")
        & (coops["status"] != "DISSOLVED")
        & (coops["registered_on"].map(lambda d: d is not None and d == d and d < dt.date(2024, 1, 1)))
    ]
    units = sorted(pool["unit_code"].unique())
    single: dict[str, list[tuple[Path, str, int]]] = {}
    for code in pool["tax_code"]:
        hits = _rows_with_code(folder, str(code))
        files = {p for p, _, _ in hits}
        if hits and len(hits) == len(files):  # one row per file (a unit's resubmitted file has it too)
            single[str(code)] = hits
    by_unit = {u: [c for c in pool[pool["unit_code"] == u]["tax_code"] if c in single] for u in units}
    u1, u3 = sorted(by_unit, key=lambda u: -len(by_unit[u]))[:2]
    vanished, dissolved = by_unit[u1][:2]
    jumped = by_unit[u3][:5]
    assert len(jumped) == 5
    for code in [vanished, dissolved, *jumped]:
        _clear_rows(single[code])
    # the tax register says the dissolved one was dissolved this quarter (status 01)
    tax = next((raw / CUR / "tax").glob("*.xlsx"))
    wb = openpyxl.load_workbook(tax)
    ws = wb.worksheets[0]
    hit = [r for r in range(1, ws.max_row + 1) if _digits(ws.cell(r, 2).value) == dissolved]
    assert len(hit) == 1
    ws.cell(hit[0], 7).value = "01"
    ws.cell(hit[0], 8).value = "15/08/2024"
    wb.save(tax)

    result = run_period(raw, CUR, history=eng)
    gone = _kinds(result, "COOP_VANISHED")
    assert set(gone["entity_key"]) == {vanished, *jumped}
    assert dissolved not in set(gone["entity_key"])
    one = gone[gone["entity_key"] == vanished].iloc[0]
    name = coops[coops["tax_code"] == vanished]["name"].iloc[0]
    assert one["unit_code"] == u1 and name in one["detail"] and PREV in one["detail"] and CUR in one["detail"]
    assert one["severity"] == "warning"

    jumps = _kinds(result, "PERIOD_JUMP")
    before = _value(eng, "rpt_indicator", PREV, u3, "HTX_TOTAL")
    after = result.indicator(u3, "HTX_TOTAL")
    assert after == before - 5
    # the planted unit's count jumps; its members and workers jump when the five carried more than the thresholds
    # of the vocabulary; no other unit moves (u1 lost two, within the absolute threshold of 3)
    expected = {"HTX_TOTAL"}
    for th in jump_thresholds():
        if th.indicator_code != "HTX_TOTAL":
            b, a = _value(eng, "rpt_indicator", PREV, u3, th.indicator_code), result.indicator(u3, th.indicator_code)
            if abs(a - b) > th.absolute and abs(a - b) > th.relative * b:
                expected.add(th.indicator_code)
    assert set(jumps["unit_code"]) == {u3} and set(jumps["entity_key"]) == expected
    for j in jumps.itertuples():
        b, a = _value(eng, "rpt_indicator", PREV, u3, j.entity_key), result.indicator(u3, j.entity_key)
        assert float(j.value_reported) == a and float(j.value_computed) == b
        assert f"là {format_vn(a)}" in j.detail and f"là {format_vn(b)}" in j.detail and PREV in j.detail


# ---- the analysts' views on SQLite and PostgreSQL ---------------------------------------------------------------


def test_views_carry_the_previous_quarter_and_previous_year(world, warehouse_url):
    eng = make_engine(warehouse_url)
    try:
        for p in (YEAR_AGO, PREV, CUR, REFORM):
            load_period(eng, p, world.results[p])
        prov = _province(eng)
        rows = _sql(
            eng,
            "SELECT period, value, previous_quarter, previous_quarter_value, previous_year_period, "
            "previous_year_value, change_vs_previous_year_pct FROM v_indicator_history "
            "WHERE unit_code = :u AND indicator_code = 'HTX_TOTAL' ORDER BY period",
            u=prov,
        )
        by = {r[0]: r for r in rows}
        v = {p: _value(eng, "rpt_indicator", p, prov, "HTX_TOTAL") for p in (YEAR_AGO, PREV, CUR, REFORM)}
        assert by[CUR][2:6] == ("2024-Q2", v[PREV], "2023-Q3", v[YEAR_AGO])
        assert by[CUR][6] == pytest.approx(100 * (v[CUR] - v[YEAR_AGO]) / v[YEAR_AGO])
        assert by[YEAR_AGO][2:] == ("2023-Q2", None, "2022-Q3", None, None)
        assert by[REFORM][2:6] == ("2025-Q2", None, "2024-Q3", v[CUR])  # the province compares directly
        # a commune's series across the reform: the former period restated on it
        code = _sql(
            eng,
            "SELECT unit_code FROM rpt_indicator WHERE period = :p AND unit_code <> :u ORDER BY unit_code",
            p=REFORM,
            u=prov,
        )[0][0]
        row = _sql(
            eng,
            "SELECT value, source, previous_year_period, previous_year_value, previous_quarter_value "
            "FROM v_indicator_comparable WHERE period = :p AND unit_code = :c "
            "AND indicator_code = 'HTX_TOTAL'",
            p=REFORM,
            c=code,
        )
        assert row == [
            (
                _value(eng, "rpt_indicator", REFORM, code, "HTX_TOTAL"),
                "reported",
                CUR,
                _value(eng, "rpt_indicator_restated", CUR, code, "HTX_TOTAL"),
                None,
            )
        ]
        q1 = _sql(eng, "SELECT previous_quarter FROM v_indicator_history WHERE period = :p LIMIT 1", p=PREV)
        assert q1 == [("2024-Q1",)]
    finally:
        eng.dispose()


def test_quarter_keys_of_the_views_roll_over_the_year(warehouse_url):
    """2025-Q1's previous quarter is 2024-Q4 (computed in SQL the same way on both engines)."""
    from kttt_pipeline.warehouse.migrate import upgrade

    eng = make_engine(warehouse_url)
    try:
        upgrade(eng)
        with eng.begin() as conn:
            conn.execute(text("INSERT INTO admin_unit (unit_code, level, name_vi) VALUES ('P', 'province', 'X')"))
            for period, value in (("2024-Q4", 5.0), ("2025-Q1", 7.0), ("2024-Q1", 4.0)):
                conn.execute(
                    text(
                        "INSERT INTO rpt_indicator (province_code, period, unit_code, indicator_code, value, "
                        "is_complete) VALUES ('P', :p, 'P', 'HTX_TOTAL', :v, :t)"
                    ),
                    {"p": period, "v": value, "t": True},
                )
        rows = _sql(
            eng,
            "SELECT previous_quarter, previous_quarter_value, previous_year_period, previous_year_value "
            "FROM v_indicator_history WHERE period = '2025-Q1'",
        )
        assert rows == [("2024-Q4", 5.0, "2024-Q1", 4.0)]
    finally:
        eng.dispose()


# ---- staleness ---------------------------------------------------------------------------------------------------


def test_reloading_an_earlier_quarter_marks_later_published_reports_stale(world, tmp_path):
    (tmp_path / "w").mkdir()
    eng = make_engine(f"sqlite:///{tmp_path / 'w' / 'kttt.db'}")
    try:
        for p in (YEAR_AGO, PREV, CUR):
            load_period(eng, p, world.results[p])
        reports = tmp_path / "reports"
        publish_period(eng, CUR, reports)
        assert stale_reports(eng, reports) == {}
        load_period(eng, PREV, world.results[PREV])  # the same figures again: nothing is stale
        assert stale_reports(eng, reports, changed=PREV) == {}
        # 2024-Q2 re-run with one cooperative less: 2024-Q3's documents read it (previous quarter, trend)
        raw = tmp_path / "raw"
        shutil.copytree(world.raw / PREV, raw / PREV)
        coops = world.results[PREV].cooperative
        code = next(
            c
            for c in coops[coops["in_total"].astype(bool)]["tax_code"].dropna()
            if len(_rows_with_code(raw / PREV / "districts", str(c))) == 1
        )
        _clear_rows(_rows_with_code(raw / PREV / "districts", str(code)))
        load_period(eng, PREV, run_period(raw, PREV))
        assert stale_reports(eng, reports, changed=PREV) == {CUR: [PREV]}
        assert stale_reports(eng, reports, changed=YEAR_AGO) == {}  # unchanged, though read
        # re-published alone: the documents' figures are current, its COOP_VANISHED / PERIOD_JUMP are not (issue 23)
        publish_period(eng, CUR, reports)
        assert stale_reports(eng, reports) == {CUR: [PREV]}
        load_period(eng, CUR, run_period(world.raw, CUR, history=eng))  # the period re-run: up to date
        publish_period(eng, CUR, reports)
        assert stale_reports(eng, reports) == {}
        # a comparison period missing at publication and loaded since makes the report stale too
        delete_period(eng, YEAR_AGO)
        publish_period(eng, CUR, reports)
        load_period(eng, YEAR_AGO, world.results[YEAR_AGO])
        assert stale_reports(eng, reports, changed=YEAR_AGO) == {CUR: [YEAR_AGO]}
    finally:
        eng.dispose()


def test_dagster_reconciles_against_the_warehouse_and_flags_stale_reports(tmp_path):
    """materialize(): the reconciled asset reads the previous quarter from the warehouse resource; re-running an
    earlier quarter with other figures lists the later published period as stale in the warehouse asset's
    metadata."""
    from kttt_pipeline.orchestration.definitions import make_resources, period_job
    from kttt_pipeline.orchestration.results import materialization

    raw = tmp_path / "raw"
    write_demo_period(raw, CUR, units=2, rows_per_unit=4)
    copy_period_returns(raw, CUR, PREV)
    resources = make_resources(str(raw), f"sqlite:///{tmp_path}/w.db", str(tmp_path / "reports"))

    def run(period: str):
        result = period_job(resources).execute_in_process(partition_key=period)
        assert result.success
        return result

    run(PREV)
    cur = run(CUR)
    assert materialization(cur, "reconciled_period").metadata["compared_with"].value == PREV
    assert PREV in materialization(cur, "published_reports").metadata["compared_with"].value
    again = run(PREV)  # the same returns: the later report is not stale
    assert materialization(again, "rpt_indicator").metadata["stale_reports"].value == {}
    coops = again.output_for_node("reconciled_period").cooperative
    code = next(
        c
        for c in coops[coops["in_total"].astype(bool)]["tax_code"].dropna()
        if len(_rows_with_code(raw / PREV / "districts", str(c))) == 1
    )
    _clear_rows(_rows_with_code(raw / PREV / "districts", str(code)))
    changed = run(PREV)
    meta = materialization(changed, "rpt_indicator").metadata
    assert meta["stale_reports"].value == {CUR: [PREV]} and meta["stale_report_periods"].value == 1
