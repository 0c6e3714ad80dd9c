"""A return is identified consistently or not at all (issue 23): the title's unit, the "Mã đơn vị" and the dates
of a title block are read each on its own and checked against each other and the period it is filed under
(docs/decisions.md, "Identifying a return").

Units and codes come from the packaged register, never typed here."""

from __future__ import annotations

import datetime as dt

import pytest

from kttt_pipeline.core.admin_units import (
    UnitMatcher,
    former_communes,
    load_admin_units,
    load_province_crosswalk,
    reporting_units,
    unit_label,
)
from kttt_pipeline.core.periods import Period
from kttt_pipeline.ingest.unit_return import identify_return, period_conflict

PERIOD = Period.parse("2026-Q3")


def _setting(province: str = "22"):
    units = load_admin_units(province=province)
    walk = load_province_crosswalk(None, province, units)
    matcher = UnitMatcher(units + former_communes(walk, units), PERIOD)
    reporting = reporting_units(units, PERIOD)
    return units, walk, matcher, reporting


def _block(*cells):
    return [[(i, list(row)) for i, row in enumerate(cells)]]


def _two_units():
    _, _, matcher, reporting = _setting()
    a, b = reporting[0], reporting[1]
    return matcher, a, b


def test_a_title_and_the_code_of_another_unit_contradict():
    matcher, a, b = _two_units()
    title = f"UBND {a.kind_vi.upper()} {a.name_vi.upper()}"
    for code_cells in ([f"Mã đơn vị: {b.unit_code}"], ["Mã đơn vị:", int(b.unit_code)]):
        found = identify_return(_block([title], code_cells), matcher)
        assert found.unit is None
        # both readings, each with the unit it names and the text it was read from
        assert title in found.conflict_vi and a.unit_code in found.conflict_vi and unit_label(a) in found.conflict_vi
        assert b.unit_code.lstrip("0") in found.conflict_vi and unit_label(b) in found.conflict_vi


def test_the_code_written_first_or_last_contradicts_alike():
    matcher, a, b = _two_units()
    found = identify_return(
        _block([f"Mã đơn vị: {b.unit_code}"], [], [f"ỦY BAN NHÂN DÂN {a.kind_vi} {a.name_vi}"]), matcher
    )
    assert found.unit is None and found.conflict_vi and a.unit_code in found.conflict_vi


def test_two_codes_of_two_units_contradict():
    matcher, a, b = _two_units()
    sheets = [[(0, [f"Mã đơn vị: {a.unit_code}"])], [(0, ["Mã đơn vị:", b.unit_code])]]
    found = identify_return(sheets, matcher)
    assert found.unit is None and a.unit_code in found.conflict_vi and b.unit_code in found.conflict_vi


@pytest.mark.parametrize("cells", ["title and code", "title", "code", "code as a number"])
def test_agreeing_or_single_readings_name_the_unit(cells):
    matcher, a, _ = _two_units()
    title = [f"UBND {a.kind_vi} {a.name_vi}"]
    code = [f"Mã đơn vị: {a.unit_code}"]
    block = {
        "title and code": _block(title, code),
        "title": _block(title),
        "code": _block(code),
        "code as a number": _block(["Mã đơn vị:", float(int(a.unit_code))]),
    }[cells]
    found = identify_return(block, matcher)
    assert found.unit == a and found.conflict_vi is None


def test_a_reused_code_under_the_title_of_the_unit_that_carried_it_is_no_contradiction():
    """A new unit took the code of one of its former communes: the former commune's title with that code names
    the same code, so the readings agree and the code decides (the unit of the period), as before."""
    units, walk, matcher, reporting = _setting()
    by_code = {u.unit_code: u for u in reporting}
    pairs = []
    for former in former_communes(walk, units):
        title = f"UBND {former.kind_vi} {former.name_vi}"
        if former.unit_code in by_code and identify_return(_block([title]), matcher).unit == former:
            pairs.append((former, title, by_code[former.unit_code]))
    assert pairs, "the packaged register has a former commune whose code a unit in force reuses"
    for former, title, new in pairs:
        found = identify_return(_block([title], [f"Mã đơn vị: {former.unit_code}"]), matcher)
        assert found.unit == new and found.conflict_vi is None


def test_a_title_naming_two_units_is_no_reading_and_the_code_decides():
    matcher, a, b = _two_units()
    found = identify_return(
        _block([f"UBND {a.kind_vi} {a.name_vi}"], [f"UBND {b.kind_vi} {b.name_vi}"], [f"Mã đơn vị: {b.unit_code}"]),
        matcher,
    )
    assert found.unit == b and found.conflict_vi is None
    assert (
        identify_return(_block([f"UBND {a.kind_vi} {a.name_vi}"], [f"UBND {b.kind_vi} {b.name_vi}"]), matcher).unit
        is None
    )


# ------------------------------------------------------------------------------------------ the period


def _line(day: dt.date) -> tuple[dt.date, str]:
    return day, f"(Số liệu lũy kế đến {day:%d/%m/%Y})"


def _report(day: dt.date) -> tuple[dt.date, str]:
    return day, f"Ngày báo cáo: {day:%d/%m/%Y}"


def test_a_date_line_of_another_quarter_contradicts_the_period():
    earlier = PERIOD.previous()
    vi, en = period_conflict([_line(earlier.end)], [_report(PERIOD.end + dt.timedelta(days=10))], PERIOD)
    assert f"{earlier.end:%d/%m/%Y}" in vi and earlier.key in vi and PERIOD.key in vi
    assert earlier.key in en and PERIOD.key in en
    later = Period(PERIOD.year + 1, PERIOD.quarter)
    assert period_conflict([_line(later.end)], [], PERIOD) is not None


def test_a_date_line_of_the_period_agrees():
    assert period_conflict([_line(PERIOD.end)], [_report(PERIOD.end + dt.timedelta(days=15))], PERIOD) is None
    # a date inside the quarter is still its quarter (PERIOD_MISMATCH notes the day, the file loads)
    assert period_conflict([_line(PERIOD.end - dt.timedelta(days=20))], [], PERIOD) is None


def test_any_date_line_of_another_quarter_contradicts():
    """A sheet copied from last quarter's return keeps its date line: one of several is enough."""
    lines = [_line(PERIOD.end), _line(PERIOD.previous().end)]
    assert period_conflict(lines, [], PERIOD) is not None


def test_a_report_date_before_the_period_contradicts_it():
    early = PERIOD.start - dt.timedelta(days=5)
    vi, _ = period_conflict([_line(PERIOD.end)], [_report(early)], PERIOD)
    assert f"{early:%d/%m/%Y}" in vi and f"{PERIOD.start:%d/%m/%Y}" in vi and PERIOD.key in vi
    assert period_conflict([], [_report(early)], PERIOD) is not None


def test_a_report_date_alone_names_the_quarter_last_closed_or_its_own():
    following = Period(PERIOD.year + (PERIOD.quarter == 4), PERIOD.quarter % 4 + 1)
    assert period_conflict([], [_report(following.start + dt.timedelta(days=10))], PERIOD) is None  # the usual
    assert period_conflict([], [_report(following.end)], PERIOD) is None
    assert period_conflict([], [_report(PERIOD.end - dt.timedelta(days=3))], PERIOD) is None  # sent early
    late = following.end + dt.timedelta(days=10)
    vi, _ = period_conflict([], [_report(late)], PERIOD)
    assert following.key in vi and PERIOD.key in vi
    # with a date line of the period, a late report date is a late resubmission of the period
    assert period_conflict([_line(PERIOD.end)], [_report(late)], PERIOD) is None


def test_no_dates_no_contradiction():
    assert period_conflict([], [], PERIOD) is None
