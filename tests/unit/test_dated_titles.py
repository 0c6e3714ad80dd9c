"""The publish stage names the province and its units as the register does at the period end (issue 27): the
warehouse's admin_unit rows take the kind and name in force on the day asked for, from the packaged register."""

from __future__ import annotations

import datetime as dt

from kttt_pipeline.core.admin_units import load_register_rows
from kttt_pipeline.core.periods import Period
from kttt_pipeline.publish import paragraph_text as pt
from kttt_pipeline.publish.warehouse_reader import PeriodData, dated_units

QN = "22"


def _province_rows() -> list:
    return [u for u in load_register_rows(None, QN) if u.level == "province"]


def _row(kind: str) -> dict:
    """A warehouse admin_unit row of Quảng Ninh, as the last load left it."""
    return {"unit_code": QN, "level": "province", "name_vi": "Quảng Ninh", "kind_vi": kind, "parent_code": None}


def test_the_province_takes_the_kind_of_the_register_row_in_force_at_the_day():
    rows = _province_rows()
    assert len(rows) > 1  # the register dates the province's kind
    for r in rows:
        day = r.valid_from or r.valid_to
        other = next(o for o in rows if o is not r).kind_vi
        (got,) = [u for u in dated_units([_row(other)], QN, day) if u["unit_code"] == QN]
        assert got["kind_vi"] == r.kind_vi


def test_a_unit_the_register_lacks_keeps_its_row_and_an_unpackaged_province_reads_as_stored():
    extra = {"unit_code": "X1", "level": "commune", "name_vi": "Thử", "kind_vi": "Xã", "parent_code": QN}
    assert dated_units([extra], QN, dt.date(2026, 9, 30)) == [extra]  # nor is a register unit added
    stored = [dict(_row("Tỉnh"), unit_code="99")]
    assert dated_units(stored, "99", dt.date(2026, 9, 30)) == stored


def _data(kind: str) -> PeriodData:
    return PeriodData(
        period=Period.parse("2026-Q3"),
        province_code=QN,
        province_name="Quảng Ninh",
        units=[],
        values={},
        complete_flags={},
        missing_units=[],
        is_complete=True,
        status=None,
        targets={},
        province_kind_vi=kind,
    )


def test_the_province_is_named_by_its_kind():
    assert _data("Thành phố").province_title == "THÀNH PHỐ QUẢNG NINH"
    assert _data("Thành phố").province_label == "thành phố Quảng Ninh"
    assert _data("Tỉnh").province_word == "tỉnh"


def test_templates_take_the_province_word_of_the_document():
    with pt.document_values(province_word="thành phố"):
        text = pt.fill("lhhtx.zero")
    assert text == "Toàn thành phố hiện không có Liên hiệp HTX."
    # outside a document: the first province kind of vocab/unit_kinds.csv
    assert pt.fill("lhhtx.zero") == "Toàn tỉnh hiện không có Liên hiệp HTX."
