"""Issue 24: what commune clerks write in a title and a grade cell, read as vocabulary: "UBND X. Kỳ Thượng",
"UBND ĐK …", "UBND TT. …" name a unit by an abbreviated kind (as "UBND P. …" did); "Loại Tốt", "Loại TB",
"Loại Yếu" are grades. Names and codes come from the packaged register, never typed here."""

from __future__ import annotations

import pytest

from kttt_pipeline.core.admin_units import AdminUnit, UnitMatcher, load_admin_units, reporting_units
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.vocabulary import grade_lookup
from kttt_pipeline.ingest.records import map_codes
from kttt_pipeline.ingest.unit_return import identify_return

Q2 = Period.parse("2026-Q2")


def _communes() -> tuple[list[AdminUnit], UnitMatcher]:
    communes = reporting_units(load_admin_units(None, "22"), Q2)
    return communes, UnitMatcher(communes, Q2)


def test_an_abbreviated_commune_kind_names_the_unit():
    communes, matcher = _communes()
    for kind, forms in [("Xã", ["X.", "X"]), ("Phường", ["P.", "P"]), ("Đặc khu", ["ĐK", "Đk."])]:
        unit = next(u for u in communes if u.kind_vi == kind)
        for form in forms:
            assert matcher.find(f"UBND {form} {unit.name_vi}") == unit, (form, unit)
            assert matcher.find(f"ỦY BAN NHÂN DÂN {form} {unit.name_vi.upper()}") == unit, (form, unit)
    xa = next(u for u in communes if u.kind_vi == "Xã")
    assert identify_return([[(0, [f"UBND X. {xa.name_vi}", None]), (1, ["DANH SÁCH HỢP TÁC XÃ"])]], matcher).unit == xa


def test_a_town_abbreviated_tt_names_the_thi_tran():
    town = AdminUnit("90001", "commune", "Cái Rồng", "Thị trấn", None, None, None)
    ward = AdminUnit("90002", "commune", "Cái Rồng", "Phường", None, None, None)
    matcher = UnitMatcher([town, ward], Q2)
    assert matcher.find("UBND TT. Cái Rồng") == town
    assert matcher.find("UBND P. Cái Rồng") == ward


def test_the_x_of_a_title_is_the_kind_not_part_of_a_name():
    # a xã and a phường of one name: "X." chooses the xã, "P." the phường; a name that starts with X is read whole
    xa = AdminUnit("90001", "commune", "Kỳ Thượng", "Xã", None, None, None)
    ward = AdminUnit("90002", "commune", "Kỳ Thượng", "Phường", None, None, None)
    xuan = AdminUnit("90003", "commune", "Xuân Sơn", "Xã", None, None, None)
    son = AdminUnit("90004", "commune", "Sơn", "Phường", None, None, None)
    town = AdminUnit("90005", "district", "Kỳ Thượng", "Thị xã", None, None, None)
    matcher = UnitMatcher([xa, ward, xuan, son, town], Q2)
    assert matcher.find("UBND X. Kỳ Thượng") == xa and matcher.find("UBND P. Kỳ Thượng") == ward
    assert matcher.find("UBND TX. Kỳ Thượng") == town and matcher.find("UBND thị xã Kỳ Thượng") == town
    assert matcher.find("UBND X. Xuân Sơn") == xuan and matcher.find("UBND xã Xuân Sơn") == xuan
    assert matcher.find("UBND Xuân Sơn") == xuan  # not "X" + a unit "uân Sơn", nor the phường Sơn


@pytest.mark.parametrize(
    "written, grade",
    [
        ("Loại Tốt", "GOOD"),
        ("Loại Khá", "FAIR"),
        ("Loại TB", "AVERAGE"),
        ("Loại trung bình", "AVERAGE"),
        ("TB", "AVERAGE"),
        ("Loại Yếu", "WEAK"),
        ("LOẠI YẾU", "WEAK"),
        ("loại tốt", "GOOD"),
        ("Loại T.Bình", "AVERAGE"),
    ],
)
def test_grades_written_with_their_class_word_are_the_grades(written, grade):
    assert map_codes([written, written], grade_lookup()) == [grade, grade]


@pytest.mark.parametrize(
    "text, sector",
    [
        ("NN", "AGRI"),
        ("NN tổng hợp", "AGRI"),
        ("Nông, lâm, thủy sản", "AGRI"),
        ("TM", "TRADE"),
        ("DV", "TRADE"),
        ("TM - DV", "TRADE"),
        ("TTCN", "INDUSTRY"),
        ("CN-TTCN", "INDUSTRY"),
        ("GTVT", "TRANSPORT"),
        ("XD", "CONSTRUCTION"),
    ],
)
def test_sectors_as_clerks_shorten_them(text, sector):
    """An outside tester's returns with sector shorthand: 39 cooperatives fell to 'Khác' before these were
    vocabulary (the agricultural count of the province 50 -> 31)."""
    from kttt_pipeline.core.vocabulary import sector_lookup

    assert map_codes([text], sector_lookup()) == [sector]
