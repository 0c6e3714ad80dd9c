"""A return is identified consistently or not at all (issue 23), on the demo period with one return changed as a
clerk would: a neighbour's "Mã đơn vị" under the unit's own title, or last quarter's date line. The file is
rejected with both readings, replaces no other unit's return, and `kttt check` says "CẦN SỬA" (exit 1).

Units, files and figures come from the demo period and the register, never typed here."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell

from kttt_pipeline.cli import main
from kttt_pipeline.core.admin_units import load_admin_units, unit_label
from kttt_pipeline.core.periods import Period, last_closed_quarter
from kttt_pipeline.core.text import fold
from kttt_pipeline.demo import write_demo_period
from kttt_pipeline.run import run_period

PERIOD = "2026-Q3"
TITLE_ROWS = 12  # a title block is above the header: the first rows of a sheet


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo period and its run, unchanged."""
    raw = tmp_path_factory.mktemp("identity") / "raw"
    summary = write_demo_period(raw, PERIOD)
    return raw, summary, run_period(raw, PERIOD)


def _title_cells(path: Path):
    wb = openpyxl.load_workbook(path)
    return wb, [
        (ws, c)
        for ws in wb.worksheets
        for row in ws.iter_rows(max_row=TITLE_ROWS)
        for c in row
        if isinstance(c.value, str)
    ]


def _single_returns(summary, result) -> dict[str, str]:
    """unit code → its only return, loaded, in which nothing was planted."""
    audit = result.load_audit
    planted = {c.source_file for c in summary.planted}
    returns = audit[audit["file_kind"] == "unit_return"]
    counts = returns["unit_code"].value_counts()
    return {
        r.unit_code: r.source_file
        for r in returns.itertuples()
        if r.status == "LOADED" and counts[r.unit_code] == 1 and r.source_file not in planted
    }


def _copy(raw: Path, tmp_path: Path) -> Path:
    out = tmp_path / "raw"
    shutil.copytree(raw, out)
    return out


def _indicator(result, unit_code: str, code: str = "HTX_TOTAL") -> float:
    i = result.rpt_indicator
    return float(i[(i["unit_code"] == unit_code) & (i["indicator_code"] == code)]["value"].iloc[0])


def _with_neighbours_code(raw: Path, summary, result):
    """A return titled by its unit (no code cell) given another unit's "Mã đơn vị": (file, its unit, the other)."""
    units = {u.unit_code: u for u in load_admin_units(raw)}
    single = _single_returns(summary, result)
    for code, source in single.items():
        wb, cells = _title_cells(raw / source)
        if any(fold(c.value).startswith("ma don vi") for _, c in cells):
            continue
        other = next(u for u in single if u != code)
        text = f"Mã đơn vị: {other}"
        for ws in wb.worksheets:  # beside the title, as a template copied from a neighbour carries it
            free = next(
                j
                for j in range(2, 40)
                if ws.cell(row=1, column=j).value is None and not isinstance(ws.cell(row=1, column=j), MergedCell)
            )  # not inside a merged title
            ws.cell(row=1, column=free, value=text)
        wb.save(raw / source)
        return source, units[code], units[other], text
    raise AssertionError("the demo period has a return titled without a unit code")


def _with_last_quarters_date_line(raw: Path, summary, result, period: Period, skip: tuple[str, ...] = ()):
    """A return (of none of the units ``skip``) whose date lines say the quarter before ``period``: (file, its
    unit, the line written)."""
    single = {u: f for u, f in _single_returns(summary, result).items() if u not in skip}
    before = period.previous()
    line = f"(Số liệu lũy kế đến {before.end.day}/{before.end.month}/{before.end.year})"
    for code, source in single.items():
        wb, cells = _title_cells(raw / source)
        lines = [c for _, c in cells if "luy ke den" in fold(c.value)]
        if lines:
            for c in lines:
                c.value = line
            wb.save(raw / source)
            return source, code, line
    raise AssertionError("the demo period has a return with a date line")


def test_a_neighbours_code_under_a_units_title_replaces_nothing(demo, tmp_path):
    raw0, summary, clean = demo
    raw = _copy(raw0, tmp_path)
    source, titled, coded, code_text = _with_neighbours_code(raw, summary, clean)
    result = run_period(raw, PERIOD)

    audit = result.load_audit.set_index("source_file")
    assert audit.loc[source, "status"] == "REJECTED" and audit.loc[source, "rows_loaded"] == 0
    assert code_text in audit.loc[source, "error"]
    found = result.dq_issue[result.dq_issue["kind"] == "UNIT_CONFLICT"]
    assert len(found) == 1 and found.iloc[0]["severity"] == "error" and found.iloc[0]["source_file"] == source
    detail = found.iloc[0]["detail"]
    # the file and both readings: the title's unit and the code's unit
    assert source in detail and code_text in detail
    assert f"{unit_label(titled)} (mã {titled.unit_code})" in detail
    assert f"{unit_label(coded)} (mã {coded.unit_code})" in detail
    # the other unit keeps its own return and its figures; nothing superseded it
    assert coded.unit_code not in set(result.dq_issue[result.dq_issue["kind"] == "SUPERSEDED"]["unit_code"])
    assert audit.loc[clean.load_audit.set_index("unit_code").loc[coded.unit_code, "source_file"], "status"] == "LOADED"
    for code in ("HTX_TOTAL", "HTX_ACTIVE", "THT_TOTAL"):
        assert _indicator(result, coded.unit_code, code) == _indicator(clean, coded.unit_code, code)
    # the titled unit sent nothing else: it is missing, as it is
    missing = result.dq_issue[result.dq_issue["kind"] == "UNIT_MISSING"]
    assert titled.unit_code in set(missing["unit_code"])
    assert titled.unit_code not in set(clean.dq_issue[clean.dq_issue["kind"] == "UNIT_MISSING"]["unit_code"])

    # the clerk's check: CẦN SỬA with both readings, exit 1
    assert main(["check", str(raw / source), "--period", PERIOD]) == 1


def test_the_check_names_both_units(demo, tmp_path, capsys):
    raw0, summary, clean = demo
    raw = _copy(raw0, tmp_path)
    source, titled, coded, code_text = _with_neighbours_code(raw, summary, clean)
    assert main(["check", str(raw / source), "--period", PERIOD]) == 1
    out = capsys.readouterr().out
    assert "KẾT QUẢ: CẦN SỬA" in out and "sẽ được tiếp nhận" not in out
    assert code_text in out and f"(mã {titled.unit_code})" in out and f"(mã {coded.unit_code})" in out
    assert Path(source).name in out and "2026-Q3/districts" not in out  # the clerk's file, not the check's copy


def test_a_return_of_last_quarter_filed_under_this_one_is_rejected(demo, tmp_path, capsys):
    raw0, summary, clean = demo
    raw = _copy(raw0, tmp_path)
    period = Period.parse(PERIOD)
    source, unit_code, line = _with_last_quarters_date_line(raw, summary, clean, period)
    result = run_period(raw, PERIOD)

    audit = result.load_audit.set_index("source_file")
    assert audit.loc[source, "status"] == "REJECTED" and audit.loc[source, "unit_code"] == unit_code
    found = result.dq_issue[result.dq_issue["kind"] == "PERIOD_CONFLICT"]
    assert len(found) == 1 and found.iloc[0]["severity"] == "error" and found.iloc[0]["unit_code"] == unit_code
    detail = found.iloc[0]["detail"]
    assert source in detail and line in detail and period.previous().key in detail and PERIOD in detail
    assert not ((result.dq_issue["kind"] == "PERIOD_MISMATCH") & (result.dq_issue["source_file"] == source)).any()
    assert unit_code in set(result.dq_issue[result.dq_issue["kind"] == "UNIT_MISSING"]["unit_code"])
    audit = result.load_audit
    loaded = audit[(audit["unit_code"] == unit_code) & (audit["status"] == "LOADED")]
    assert loaded.empty and not (result.cooperative["source_file"] == source).any()

    assert main(["check", str(raw / source), "--period", PERIOD]) == 1
    out = capsys.readouterr().out
    assert "KẾT QUẢ: CẦN SỬA" in out and line in out and period.previous().key in out and PERIOD in out
    # checked for the quarter its lines say, it is that quarter's return
    main(["check", str(raw / source), "--period", period.previous().key])
    assert "kỳ khác kỳ được nộp" not in capsys.readouterr().out


def test_without_period_the_check_is_for_the_quarter_being_collected(tmp_path, capsys):
    """`kttt check FILE` checks for the last closed quarter (as `kttt materialize`), never silently for the
    quarter the file's own lines say: a return of the quarter before is CẦN SỬA, naming both."""
    collecting = last_closed_quarter()
    raw = tmp_path / "raw"
    summary = write_demo_period(raw, collecting.key)
    clean = run_period(raw, collecting.key)
    single = _single_returns(summary, clean)
    untouched = raw / next(iter(single.values()))
    main(["check", str(untouched)])
    out = capsys.readouterr().out
    # in a period's raw folder: that folder's period, as the pipeline files it
    assert f"Kỳ báo cáo: {collecting.key}" in out and "kỳ của thư mục chứa tệp" in out
    # anywhere else (a clerk's own folder): the quarter being collected, said so
    outside = tmp_path / "nop" / untouched.name
    outside.parent.mkdir()
    shutil.copy2(untouched, outside)
    main(["check", str(outside)])
    out = capsys.readouterr().out
    assert f"Kỳ báo cáo: {collecting.key}" in out and "kỳ đang thu nhận" in out and "--period" in out

    source, _, line = _with_last_quarters_date_line(raw, summary, clean, collecting)
    assert main(["check", str(raw / source)]) == 1
    out = capsys.readouterr().out
    assert "KẾT QUẢ: CẦN SỬA" in out and line in out
    assert collecting.previous().key in out and collecting.key in out
    # filed under the quarter before (its own lines' quarter), the same file is that quarter's return
    earlier = raw / collecting.previous().key / "units" / Path(source).name
    earlier.parent.mkdir(parents=True)
    shutil.copy2(raw / source, earlier)
    main(["check", str(earlier)])
    out = capsys.readouterr().out
    assert f"Kỳ báo cáo: {collecting.previous().key}" in out and "kỳ khác kỳ được nộp" not in out


def test_the_period_of_a_files_folder():
    from kttt_pipeline.clerk_check import period_of_folder

    assert period_of_folder(Path("/x/raw/2025-Q4/units/a.xlsx")) == Period.parse("2025-Q4")
    assert period_of_folder(Path("/x/raw/2024-Q3/districts/sub/a.xlsx")) == Period.parse("2024-Q3")
    assert period_of_folder(Path("/x/nop/a.xlsx")) is None


@pytest.fixture
def engine(warehouse_url):
    from kttt_pipeline.warehouse import make_engine, upgrade

    eng = make_engine(warehouse_url)
    upgrade(eng)
    yield eng
    eng.dispose()


def test_both_contradictions_reach_the_warehouse_and_no_unit_is_replaced(demo, tmp_path, engine):
    """SQLite and PostgreSQL: the rejected returns in load_audit with their reasons, the error findings in dq_issue,
    the other unit's figures its own."""
    from sqlalchemy import text

    from kttt_pipeline.warehouse import load_period

    raw0, summary, clean = demo
    raw = _copy(raw0, tmp_path)
    coded_file, titled, coded, code_text = _with_neighbours_code(raw, summary, clean)
    dated_file, dated_unit, line = _with_last_quarters_date_line(
        raw, summary, clean, Period.parse(PERIOD), skip=(titled.unit_code, coded.unit_code)
    )
    result = run_period(raw, PERIOD)
    load_period(engine, PERIOD, result)

    with engine.connect() as conn:
        audit = {
            r.source_file: r
            for r in conn.execute(
                text("select source_file, status, unit_code, error from load_audit where period = :p"), {"p": PERIOD}
            )
        }
        found = {
            r.kind: r
            for r in conn.execute(
                text(
                    "select kind, severity, unit_code, source_file, detail from dq_issue where period = :p "
                    "and kind in ('UNIT_CONFLICT', 'PERIOD_CONFLICT')"
                ),
                {"p": PERIOD},
            )
        }
        totals = dict(
            conn.execute(
                text("select unit_code, value from rpt_indicator where period = :p and indicator_code = 'HTX_TOTAL'"),
                {"p": PERIOD},
            ).all()
        )
    assert (audit[coded_file].status, audit[coded_file].unit_code) == ("REJECTED", None)
    assert (audit[dated_file].status, audit[dated_file].unit_code) == ("REJECTED", dated_unit)
    assert code_text in audit[coded_file].error and line in audit[dated_file].error
    assert set(found) == {"UNIT_CONFLICT", "PERIOD_CONFLICT"}
    assert {f.severity for f in found.values()} == {"error"}
    assert found["UNIT_CONFLICT"].source_file == coded_file and titled.unit_code in found["UNIT_CONFLICT"].detail
    assert found["PERIOD_CONFLICT"].source_file == dated_file and found["PERIOD_CONFLICT"].unit_code == dated_unit
    assert totals[coded.unit_code] == _indicator(clean, coded.unit_code)
