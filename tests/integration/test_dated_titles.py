"""A period is published in the register's own dates (issue 27): the province's kind ("tỉnh" / "thành phố") and
its units' kinds and names are those in force at the period end, whatever row the warehouse's admin_unit kept
last; a merged province's pre-reform quarter (the districts of both former provinces) reads and restates.

The facts asserted are the packaged registers' (vocab/provinces/<code>/admin_units.csv): Quảng Ninh a "Thành phố"
from 1/9/2026, Bắc Ninh from 20/9/2026 with 12 xã becoming phường, Đông Triều (205) a "Thị xã" until 31/10/2024."""

from __future__ import annotations

import openpyxl
import pytest

from kttt_pipeline.core.admin_units import load_admin_units, load_crosswalk
from kttt_pipeline.demo import write_demo_period
from kttt_pipeline.publish.appendix import SHEET_UNITS
from kttt_pipeline.publish.report import publish_period
from kttt_pipeline.run import run_period
from kttt_pipeline.warehouse import load_period, make_engine

QN, BN = "22", "24"
DONG_TRIEU = "205"


def _load(engine, tmp_path, province: str, period: str, units: int = 3) -> None:
    raw = tmp_path / f"raw_{province}"
    write_demo_period(raw, period, units=units, rows_per_unit=3, province=province)
    load_period(engine, period, run_period(raw, period, province=province))


def _sheet_texts(ws) -> list[str]:
    return [str(v) for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]


def _appendix(out) -> openpyxl.Workbook:
    return openpyxl.load_workbook(out["appendix"], read_only=True)


def _titles(out) -> str:
    wb = _appendix(out)
    try:
        return "\n".join(t for ws in wb.worksheets for t in _sheet_texts(ws))
    finally:
        wb.close()


@pytest.mark.parametrize("warehouse_url", ["sqlite", "postgres"], indirect=True)
def test_bac_ninh_2026_q4_is_published_as_a_thanh_pho_with_its_phuong(tmp_path, warehouse_url):
    engine = make_engine(warehouse_url)
    try:
        _load(engine, tmp_path, BN, "2026-Q4")
        out = publish_period(engine, "2026-Q4", tmp_path / "reports", BN)
    finally:
        engine.dispose()
    wb = _appendix(out)
    try:
        texts = {ws.title: _sheet_texts(ws) for ws in wb.worksheets}
    finally:
        wb.close()
    every = "\n".join(t for ts in texts.values() for t in ts)
    assert "THÀNH PHỐ BẮC NINH ĐẾN 31/12/2026" in every
    assert "TỈNH BẮC NINH" not in every
    assert "của UBND thành phố Bắc Ninh)" in every and "UBND tỉnh" not in every  # the plan line under each title
    # Biểu 03 groups the communes by their kinds at the period end
    units = texts[SHEET_UNITS]
    assert "I. Xã (54 đơn vị)" in units and "II. Phường (45 đơn vị)" in units
    assert any(t.startswith("Toàn thành phố") for t in units)
    paragraph = out["paragraph_md"].read_text(encoding="utf-8")
    assert "99 xã, phường (54 xã, 45 phường)" in paragraph
    assert "toàn thành phố" in paragraph.lower() or "địa bàn thành phố" in paragraph
    assert "tỉnh" not in paragraph.replace("cấp tỉnh", "")


def test_quang_ninh_titles_follow_each_period_end_in_one_warehouse(tmp_path, sqlite_url):
    engine = make_engine(sqlite_url)
    try:
        # 2026-Q3 loaded last: the warehouse's admin_unit holds the province as a "Thành phố"
        _load(engine, tmp_path, QN, "2026-Q2")
        _load(engine, tmp_path, QN, "2026-Q3")
        q2 = _titles(publish_period(engine, "2026-Q2", tmp_path / "reports", QN))
        # and the other way round: 2026-Q2 loaded last
        _load(engine, tmp_path, QN, "2026-Q2")
        q3 = _titles(publish_period(engine, "2026-Q3", tmp_path / "reports", QN))
    finally:
        engine.dispose()
    assert "TỈNH QUẢNG NINH ĐẾN 30/6/2026" in q2 and "THÀNH PHỐ QUẢNG NINH" not in q2
    assert "THÀNH PHỐ QUẢNG NINH ĐẾN 30/9/2026" in q3 and "TỈNH QUẢNG NINH" not in q3
    assert any(line.startswith("Toàn thành phố") for line in q3.splitlines())


def test_dong_trieu_is_named_by_its_kind_at_each_period_end(tmp_path, sqlite_url):
    engine = make_engine(sqlite_url)
    try:
        _load(engine, tmp_path, QN, "2024-Q3", units=13)
        _load(engine, tmp_path, QN, "2025-Q1", units=13)  # loaded last: Đông Triều a "Thành phố" in admin_unit
        before = publish_period(engine, "2024-Q3", tmp_path / "reports", QN)
        after = publish_period(engine, "2025-Q1", tmp_path / "reports", QN)
    finally:
        engine.dispose()

    def names(out) -> list[str]:
        wb = _appendix(out)
        try:
            return _sheet_texts(wb[SHEET_UNITS])
        finally:
            wb.close()

    assert "Thị xã Đông Triều" in names(before) and "Thành phố Đông Triều" not in names(before)
    assert "Thành phố Đông Triều" in names(after) and "Thị xã Đông Triều" not in names(after)


def test_bac_ninh_2025_q2_reads_the_districts_of_both_former_provinces_and_restates(tmp_path, sqlite_url):
    raw = tmp_path / "raw"
    period = "2025-Q2"
    write_demo_period(raw, period, rows_per_unit=3, province=BN)
    result = run_period(raw, period, province=BN)
    register = {u.unit_code: u for u in load_admin_units(None, BN)}
    districts = {c for c, u in register.items() if u.level == "district"}
    audit = result.load_audit[result.load_audit["file_kind"] == "unit_return"]
    loaded = audit[audit["status"] == "LOADED"]
    assert set(loaded["unit_code"]) == districts, audit[["source_file", "status", "error"]]
    # the districts of both former provinces: of the former Bắc Giang and of the former Bắc Ninh (crosswalk)
    crosswalk = load_crosswalk(None, BN)
    former = crosswalk.groupby("old_province_code")["old_district_code"].agg(set)
    assert len(former) == 2 and all(codes <= districts for codes in former)
    assert set(result.rpt_indicator["unit_code"]) - {BN} == districts
    # restated on every current unit (the 99 communes in force since 1/7/2025)
    communes = {c for c, u in register.items() if u.level == "commune"}
    assert set(result.rpt_indicator_restated["unit_code"]) - {BN} == communes
    # and it is published as the province stood then, by its former districts
    engine = make_engine(sqlite_url)
    try:
        load_period(engine, period, result)
        out = publish_period(engine, period, tmp_path / "reports", BN)
    finally:
        engine.dispose()
    wb = _appendix(out)
    try:
        units = _sheet_texts(wb[SHEET_UNITS])
    finally:
        wb.close()
    assert any("CẤP HUYỆN TỈNH BẮC NINH ĐẾN 30/6/2025" in t for t in units), units[:3]
    assert any(t.startswith("Toàn tỉnh") for t in units)


def test_kttt_check_names_the_unit_by_its_kind_at_the_period_end(tmp_path):
    from kttt_pipeline.clerk_check import check_file, render_check

    raw = tmp_path / "raw"
    write_demo_period(raw, "2024-Q3", units=13, rows_per_unit=2, province=QN)
    audit = run_period(raw, "2024-Q3", province=QN).load_audit
    (source,) = audit[(audit["unit_code"] == DONG_TRIEU) & (audit["status"] == "LOADED")]["source_file"]
    text = render_check(check_file(raw / source, "2024-Q3", province=QN))
    assert f"Thị xã Đông Triều (mã {DONG_TRIEU})" in text, text
