"""The minimal commune-title fixes of UnitMatcher (branch `demo`; the full §11 rules are branch `reform`'s).

Names and codes are taken from the packaged register, never typed here."""

from kttt_pipeline.core.admin_units import UnitMatcher, load_admin_units, reporting_units
from kttt_pipeline.core.periods import Period
from kttt_pipeline.ingest.unit_return import identify_return

Q3 = Period.parse("2025-Q3")


def _register(province="22"):
    units = load_admin_units(None, province)
    return units, UnitMatcher(reporting_units(units, Q3))


def test_commune_titles_with_kind_words_and_abbreviations():
    units, matcher = _register()
    communes = reporting_units(units, Q3)
    ward = next(u for u in communes if u.kind_vi == "Phường")
    xa = next(u for u in communes if u.kind_vi == "Xã")
    zone = next(u for u in communes if u.kind_vi == "Đặc khu")
    assert matcher.find(f"ỦY BAN NHÂN DÂN PHƯỜNG {ward.name_vi.upper()}") == ward
    assert matcher.find(f"UBND P. {ward.name_vi}") == ward
    assert matcher.find(f"UBND xã {xa.name_vi}") == xa
    assert matcher.find(f"UBND ĐẶC KHU {zone.name_vi.upper()}") == zone


def test_a_former_town_is_not_the_commune_of_the_same_name():
    """ "UBND thị xã X" names the former district, not a xã or phường X in force: the "xã" inside "thị xã" is no
    kind word of its own, and the stray-space fallback does not bring the name back."""
    units, matcher = _register()
    names = {u.name_vi for u in reporting_units(units, Q3)}
    towns = [u for u in units if u.level == "district" and u.kind_vi == "Thị xã" and u.name_vi in names]
    assert towns, "the packaged register has a former thị xã whose name a unit in force carries"
    for town in towns:
        assert matcher.find(f"UBND thị xã {town.name_vi}") is None
        assert matcher.find(f"ỦY BAN NHÂN DÂN THỊ XÃ {town.name_vi.upper()}") is None


def test_a_code_typed_as_a_number_keeps_its_unit():
    units, matcher = _register()
    unit = next(u for u in reporting_units(units, Q3) if u.unit_code.startswith("0"))
    number = int(unit.unit_code)
    assert matcher.unit_of_code(number) == unit and matcher.unit_of_code(unit.unit_code) == unit
    assert matcher.code_in_text(f"Mã đơn vị: {number}") == unit
    block = [(0, ["UBND", None]), (1, ["Mã đơn vị:", str(number)])]
    assert identify_return([block], matcher).unit == unit
    # a number that is no unit's code stays unknown
    assert matcher.unit_of_code(99999) is None


def test_empty_listing_row_is_not_a_cooperative():
    from kttt_pipeline.ingest.row_classes import NOTE

    from .one_row import row_class

    class _T:
        def field_index(self):
            return {"seq": 0, "name": 1, "members": 2}

    assert row_class([None, "Không có", None], _T(), {"members"}).kind == NOTE
    assert row_class(["(Không có)", None, None], _T(), {"members"}).kind == NOTE
    assert row_class([1, "HTX Không có gì", 12], _T(), {"members"}).kind != NOTE
