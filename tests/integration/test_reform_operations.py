"""Operations and publishing across the 2025 reform (§11): the partitions run to the last closed quarter, the
schedule and the sensor work for commune-level periods, one instance backfills a district and a commune quarter,
and the published documents speak of the tier in force and of the province of the register.

Counts of units and kinds are taken from the packaged registers here, never typed."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from pathlib import Path

import dagster as dg
import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from kttt_pipeline.core.admin_units import load_admin_units, province_of, reporting_units
from kttt_pipeline.core.periods import Period, last_closed_quarter, quarters_between
from kttt_pipeline.demo import write_demo_period
from kttt_pipeline.orchestration.automation import closed_quarter
from kttt_pipeline.orchestration.definitions import defs, make_resources, period_job
from kttt_pipeline.orchestration.partitions import quarter_keys
from kttt_pipeline.orchestration.raw_watch import scan
from kttt_pipeline.orchestration.resources import KtttPaths
from kttt_pipeline.publish.appendix import SHEET_UNITS, UNIT_COLUMNS
from kttt_pipeline.publish.warehouse_reader import name_sort_key, unit_kinds

# ---- the last closed quarter, the partitions ----------------------------------------------------------------


@pytest.mark.parametrize(
    "today, period",
    [
        (dt.date(2026, 12, 1), "2026-Q3"),
        (dt.date(2026, 10, 1), "2026-Q3"),
        (dt.date(2026, 9, 30), "2026-Q2"),
        (dt.date(2027, 1, 20), "2026-Q4"),
        (dt.date(2025, 7, 1), "2025-Q2"),
    ],
)
def test_last_closed_quarter(today, period):
    assert last_closed_quarter(today).key == period


def test_partitions_span_the_reform_up_to_the_last_closed_quarter():
    keys = defs.resolve_job_def("kttt_period_job").partitions_def.get_partition_keys()
    wanted = [p.key for p in quarters_between(Period.parse("2024-Q1"), last_closed_quarter())]
    assert "2025-Q2" in wanted and "2025-Q3" in wanted  # the backfill crosses the reform
    assert keys[keys.index(wanted[0]) : keys.index(wanted[-1]) + 1] == wanted
    # nothing fixes the end: definitions loaded on 1/12/2026 know 2026-Q3 (and the quarter in progress), not 2027
    on = quarter_keys(today=dt.date(2026, 12, 1))
    assert on[-2:] == ["2026-Q3", "2026-Q4"] and "2027-Q1" not in on


def test_schedule_of_20_january_2027_requests_2026_q4():
    assert closed_quarter(dt.datetime(2027, 1, 20, 6)) == "2026-Q4"
    # definitions loaded before that quarter closed (1/12/2026) already hold the key the tick asks for
    assert "2026-Q4" in quarter_keys(today=dt.date(2026, 12, 1))


def test_schedule_next_tick_is_a_known_partition():
    """The loaded definitions accept the run request of the schedule's next tick after today."""
    today = dt.date.today()
    month = next(m for m in (1, 4, 7, 10, 13) if m > today.month or (m == today.month and today.day < 20))
    tick = dt.datetime(today.year + (month == 13), 1 if month == 13 else month, 20, 6)
    schedule = defs.get_schedule_def("quarterly_schedule")
    context = dg.build_schedule_context(scheduled_execution_time=tick, repository_def=defs.get_repository_def())
    request = schedule.evaluate_tick(context).run_requests[0]
    assert request.partition_key == last_closed_quarter(tick.date()).key


def _write(path: Path, content: bytes, age_seconds: float = 600):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    t = time.time() - age_seconds
    os.utime(path, (t, t))


def test_sensor_sees_communes_and_units_folders(tmp_path):
    _write(tmp_path / "2025-Q3" / "communes" / "a.xlsx", b"one")
    _write(tmp_path / "2026-Q1" / "units" / "b.xlsx", b"two")
    changes, cursor = scan(tmp_path, None, time.time(), 120)
    assert [c.period for c in changes] == ["2025-Q3", "2026-Q1"]
    _write(tmp_path / "2025-Q3" / "communes" / "a.xlsx", b"changed")
    assert [c.period for c in scan(tmp_path, cursor, time.time() + 300, 120)[0]] == ["2025-Q3"]
    sensor = defs.get_repository_def().get_sensor_def("raw_files_sensor")
    with dg.instance_for_test() as instance:
        ctx = dg.build_sensor_context(
            instance=instance,
            cursor=None,
            repository_def=defs.get_repository_def(),
            resources={"paths": KtttPaths(raw_dir=str(tmp_path))},
        )
        assert [r.partition_key for r in sensor.evaluate_tick(ctx).run_requests] == ["2025-Q3", "2026-Q1"]


# ---- one district and one commune quarter through the job, in one instance ------------------------------------


@pytest.fixture(scope="module")
def across_the_reform(tmp_path_factory):
    base = tmp_path_factory.mktemp("reform")
    raw = base / "raw"
    summaries = {q: write_demo_period(raw, q, seed=31, province="22") for q in ("2025-Q2", "2025-Q3")}
    url = f"sqlite:///{base / 'kttt.db'}"
    job = period_job(make_resources(str(raw), url, str(base / "reports")))
    with dg.instance_for_test() as instance:
        ok = {
            q: job.execute_in_process(partition_key=q, instance=instance, raise_on_error=False).success
            for q in summaries
        }
        done = instance.get_materialized_partitions(dg.AssetKey("published_reports"))
    return base, url, summaries, ok, done


def _rpt(url: str, period: str, unit: str) -> dict[str, float]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("select indicator_code, value from rpt_indicator where period = :p and unit_code = :u"),
                {"p": period, "u": unit},
            )
            return {c: v for c, v in rows}
    finally:
        engine.dispose()


def _unit_codes(url: str, period: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                r[0]
                for r in conn.execute(
                    text("select distinct unit_code from rpt_indicator where period = :p"), {"p": period}
                )
            }
    finally:
        engine.dispose()


def test_a_district_and_a_commune_quarter_in_one_backfill(across_the_reform):
    base, url, summaries, ok, done = across_the_reform
    assert ok == {"2025-Q2": True, "2025-Q3": True} and done == {"2025-Q2", "2025-Q3"}
    units = load_admin_units(None, "22")
    province = province_of(units).unit_code
    for q, summary in summaries.items():
        expected_units = {u.unit_code for u in reporting_units(units, Period.parse(q))}
        assert _unit_codes(url, q) == expected_units | {province}
        assert _rpt(url, q, province)["HTX_TOTAL"] == summary.expected[province]["HTX_TOTAL"]
    assert summaries["2025-Q2"].level == "district" and summaries["2025-Q3"].level == "commune"


def _units_sheet(base: Path, period: str):
    return load_workbook(base / "reports" / period / f"phu_bieu_{period}.xlsx")[SHEET_UNITS]


def test_bieu_03_is_titled_for_the_tier_in_force(across_the_reform):
    base, *_ = across_the_reform
    tiers = {k.tier: k.tier_vi.upper() for k in unit_kinds()}
    name = province_of(load_admin_units(None, "22")).name_vi.upper()
    assert f"ĐƠN VỊ HÀNH CHÍNH {tiers['commune']} TỈNH {name}" in _units_sheet(base, "2025-Q3").cell(2, 1).value
    assert f"ĐƠN VỊ HÀNH CHÍNH {tiers['district']} TỈNH {name}" in _units_sheet(base, "2025-Q2").cell(2, 1).value


def test_bieu_03_lists_the_communes_grouped_by_kind_alphabetically(across_the_reform):
    base, url, *_ = across_the_reform
    ws = _units_sheet(base, "2025-Q3")
    in_force = reporting_units(load_admin_units(None, "22"), Period.parse("2025-Q3"))
    order = {k.kind_vi: k.kind_order for k in unit_kinds() if k.tier == "commune"}
    kinds = sorted({u.kind_vi for u in in_force}, key=order.get)
    header = next(r for r in range(1, 15) if ws.cell(r, 1).value == "STT")
    rows = [
        (ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(header + 2, ws.max_row + 1) if ws.cell(r, 2).value
    ]
    headings = [(i, label) for i, (seq, label) in enumerate(rows) if not seq and re.match(r"^[IVX]+\. ", label)]
    assert [label for _, label in headings] == [
        f"{roman}. {k} ({sum(u.kind_vi == k for u in in_force)} đơn vị)"
        for roman, k in zip(("I", "II", "III", "IV"), kinds)
    ]
    by_name = {f"{u.kind_vi} {u.name_vi}": u for u in in_force}
    listed = [label for seq, label in rows if seq]
    assert sorted(listed) == sorted(by_name) and [int(seq) for seq, _ in rows if seq] == list(
        range(1, len(in_force) + 1)
    )
    for (start, _), end in zip(headings, [h for h, _ in headings[1:]] + [len(rows) - 1]):
        group = [label for seq, label in rows[start + 1 : end] if seq]
        assert group == sorted(group, key=lambda n: name_sort_key(by_name[n].name_vi))
        # a kind's subtotal is the sum of its units
        r = header + 2 + start
        for j, (_, code) in enumerate(UNIT_COLUMNS):
            units = [by_name[n].unit_code for n in group]
            assert ws.cell(r, 3 + j).value == sum(_rpt(url, "2025-Q3", u).get(code) or 0 for u in units)
    # each unit row carries its own figures
    for offset, (seq, label) in enumerate(rows):
        if seq:
            rpt = _rpt(url, "2025-Q3", by_name[label].unit_code)
            assert ws.cell(header + 2 + offset, 3).value == rpt["HTX_TOTAL"], label


def test_paragraph_counts_the_units_by_kind(across_the_reform):
    base, *_ = across_the_reform
    units = load_admin_units(None, "22")
    for q, level in (("2025-Q3", "commune"), ("2025-Q2", "district")):
        in_force = reporting_units(units, Period.parse(q))
        order = {k.kind_vi: k.kind_order for k in unit_kinds() if k.tier == level}
        kinds = sorted({u.kind_vi for u in in_force}, key=order.get)
        phrase = f"{len(in_force)} {', '.join(k.lower() for k in kinds)}"
        detail = ", ".join(f"{sum(u.kind_vi == k for u in in_force)} {k.lower()}" for k in kinds)
        text_ = (base / "reports" / q / "muc_1_1.txt").read_text(encoding="utf-8")
        assert f"Số liệu tổng hợp từ báo cáo của {phrase} ({detail})." in text_


# ---- another province through the command line ----------------------------------------------------------------


def test_cli_demo_and_materialize_for_another_province(tmp_path, monkeypatch, capsys):
    from kttt_pipeline.cli import main

    monkeypatch.setenv("KTTT_PROVINCE", "")  # restored after the test: the CLI sets it from --province
    monkeypatch.delenv("KTTT_PROVINCE")
    raw, reports, url = tmp_path / "raw", tmp_path / "reports", f"sqlite:///{tmp_path / 'w.db'}"
    assert main(["demo-data", "--province", "24", "--period", "2026-Q3", "--out", str(raw), "--seed", "8"]) == 0
    assert (raw / "2026-Q3" / "communes").is_dir()
    assert (
        main(
            [
                "materialize",
                "--province",
                "24",
                "--period",
                "2026-Q3",
                "--raw-dir",
                str(raw),
                "--warehouse",
                url,
                "--reports-dir",
                str(reports),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    units = load_admin_units(None, "24")
    prov = province_of(units)
    in_force = reporting_units(units, Period.parse("2026-Q3"))
    assert f"({len(in_force)}/{len(in_force)} đơn vị báo cáo)" in out
    assert _unit_codes(url, "2026-Q3") == {u.unit_code for u in in_force} | {prov.unit_code}
    wb = load_workbook(reports / "2026-Q3" / "phu_bieu_2026-Q3.xlsx")
    other = province_of(load_admin_units(None, "22")).name_vi.upper()
    at_end = province_of(load_admin_units(None, "24", Period.parse("2026-Q3").end))
    for ws in wb:
        title = ws.cell(2, 1).value
        # the province as it stood at the period end (a "Thành phố" from 20/9/2026 in its register, issue 27)
        assert f"{at_end.kind_vi.upper()} {at_end.name_vi.upper()}" in title, (ws.title, title)
        assert not any(other in str(c.value).upper() for row in ws.iter_rows() for c in row if c.value), ws.title
    ws = wb[SHEET_UNITS]
    listed = [ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").isdigit()]
    assert sorted(listed) == sorted(f"{u.kind_vi} {u.name_vi}" for u in in_force)
    paragraph = (reports / "2026-Q3" / "muc_1_1.txt").read_text(encoding="utf-8")
    assert f"của {len(in_force)} " in paragraph and other not in paragraph.upper()


def test_cli_last_period_and_default_period(tmp_path, capsys):
    from kttt_pipeline.cli import build_parser, main

    assert main(["last-period"]) == 0
    assert capsys.readouterr().out.strip() == last_closed_quarter().key
    # demo-data and materialize take that period when none is given (the Makefile's PERIOD default asks it)
    assert build_parser().parse_args(["demo-data"]).period is None
    assert build_parser().parse_args(["materialize"]).period is None
    assert main(["materialize", "--raw-dir", str(tmp_path)]) == 1
    assert f"{tmp_path / last_closed_quarter().key}" in capsys.readouterr().err


def test_demo_data_checks_its_province_without_touching_the_environment(tmp_path, monkeypatch, capsys):
    from kttt_pipeline.cli import main
    from kttt_pipeline.core.admin_units import PROVINCE_ENV

    monkeypatch.delenv(PROVINCE_ENV, raising=False)
    assert main(["demo-data", "--province", "99", "--period", "2026-Q3", "--out", str(tmp_path / "raw")]) == 2
    assert "99" in capsys.readouterr().err and not (tmp_path / "raw").exists()
    assert (
        main(["demo-data", "--province", "24", "--period", "2026-Q3", "--out", str(tmp_path / "raw"), "--seed", "8"])
        == 0
    )
    import os

    assert PROVINCE_ENV not in os.environ  # one command's --province is not the next one's default
