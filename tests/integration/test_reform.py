"""The 2025 reform (spec §11, §11.1): units in force decide which unit a title or a code names, returns of units
not in force are rejected, small units are present with zeros, and history is restated on the current units."""

from __future__ import annotations

import collections
import datetime as dt
import shutil

import pandas as pd
import pytest

from kttt_pipeline.core.admin_units import (
    FORMER_COMMUNE,
    UnitMatcher,
    former_communes,
    load_admin_units,
    load_province_crosswalk,
    packaged_provinces,
    reporting_units,
    unit_kinds,
)
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.placing import CommunePlacer
from kttt_pipeline.core.text import fold
from kttt_pipeline.ingest.unit_return import identify_return
from kttt_pipeline.reconcile.restate import restated_indicator_codes
from kttt_pipeline.run import run_period

from ..reform_periods import (
    COMMUNE_PERIOD,
    DISTRICT_COOPS,
    DISTRICT_GROUPS,
    DISTRICT_PERIOD,
    FORMER_CITY_TITLE,
    SMALL_BY_CODE,
    SMALL_NOTHING,
    make_commune_period,
    make_district_period,
    tax_code,
)
from ..specimen import SPECIMEN_COMMUNES_RAW, SPECIMEN_RAW, expected_restated, needs_specimen, needs_specimen_communes


def _matcher(period: str, province: str = "22") -> UnitMatcher:
    units = load_admin_units(province=province)
    walk = load_province_crosswalk(None, province, units)
    return UnitMatcher(units + former_communes(walk, units), Period.parse(period))


def _title(text: object, period: str, province: str = "22"):
    """The unit a title block of one cell names, and whether it reports for the period."""
    m = _matcher(period, province)
    unit = identify_return([[(0, [text])]], m).unit
    return unit, (unit in m.reporting if unit is not None else None)


# ------------------------------------------------------------------------------------ titles and codes


def test_the_ward_and_the_former_city_of_one_name_are_told_apart_by_kind_and_period():
    ward, reports = _title("ỦY BAN NHÂN DÂN PHƯỜNG HẠ LONG", "2025-Q3")
    assert (ward.unit_code, ward.kind_vi, reports) == ("06688", "Phường", True)
    # must not fire: the former city in a commune-era period is the city, not in force, never the ward
    city, reports = _title("UBND thành phố Hạ Long", "2025-Q3")
    assert (city.unit_code, city.level, reports) == ("193", "district", False)
    city, reports = _title("UBND THÀNH PHỐ HẠ LO NG", "2025-Q4")  # a stray space inside a word
    assert (city.unit_code, reports) == ("193", False)
    # and in its own era the city reports
    city, reports = _title("ỦY BAN NHÂN DÂN THÀNH PHỐ HẠ LONG", "2024-Q3")
    assert (city.unit_code, reports) == ("193", True)
    # without a kind word the period decides
    assert _title("UBND Hạ Long", "2025-Q3")[0].unit_code == "06688"
    assert _title("UBND Hạ Long", "2024-Q3")[0].unit_code == "193"


@pytest.mark.parametrize(
    "title,period,code,reports",
    [
        ("UBND xã Tiên Yên", "2025-Q3", "06862", True),
        ("UBND huyện Tiên Yên", "2025-Q3", "199", False),
        ("UBND huyện Tiên Yên", "2024-Q3", "199", True),
        ("UBND thị trấn Tiên Yên", "2025-Q3", "06862", False),  # the former thị trấn, not xã Tiên Yên
        ("UBND ĐẶC KHU CÔ TÔ", "2025-Q4", "07192", True),
        ("UBND huyện Cô Tô", "2025-Q4", "207", False),
        ("UBND P. Móng Cái 1", "2025-Q4", "06712", True),  # not Móng Cái 2 or 3, not the former city
        ("UBND TP Móng Cái", "2025-Q4", "194", False),
        ("Mã đơn vị: 06688", "2025-Q4", "06688", True),
        ("Mã đơn vị: 6688", "2025-Q4", "06688", True),  # the leading zero lost
    ],
)
def test_titles_and_codes(title, period, code, reports):
    unit, in_force = _title(title, period)
    assert unit is not None and unit.unit_code == code and in_force is reports
    if code == "06862" and not reports:
        assert unit.level == FORMER_COMMUNE and unit.kind_vi == "Thị trấn"


@pytest.mark.parametrize(
    "period,cells,code,reports",
    [
        # a two-level heading: the superior body first, the issuing (lower) unit second
        ("2025-Q4", ["UBND HUYỆN TIÊN YÊN", "UBND XÃ ĐÔNG NGŨ"], "06877", True),
        ("2024-Q3", ["UBND HUYỆN TIÊN YÊN", "UBND XÃ ĐÔNG NGŨ"], "06877", False),  # a former commune's return
        # an address in the title block is context, the heading names the unit
        ("2024-Q3", ["UBND HUYỆN TIÊN YÊN", "Địa chỉ: thị trấn Tiên Yên"], "199", True),
        ("2025-Q4", ["ỦY BAN NHÂN DÂN THÀNH PHỐ HẠ LONG", "Địa chỉ: phường Hồng Gai"], "193", False),
        ("2025-Q4", ["UBND PHƯỜNG HỒNG GAI", "(thành phố Hạ Long cũ)"], "06685", True),
    ],
)
def test_title_blocks_of_several_lines(period, cells, code, reports):
    m = _matcher(period)
    unit = identify_return([[(i, [c]) for i, c in enumerate(cells)]], m).unit
    assert unit is not None and unit.unit_code == code and (unit in m.reporting) is reports


def test_two_units_of_one_tier_in_a_heading_are_not_guessed():
    m = _matcher("2025-Q4")
    found = identify_return([[(0, ["UBND PHƯỜNG HỒNG GAI"]), (1, ["UBND PHƯỜNG HÀ TU"])]], m)
    unit, evidence = found.unit, found.evidence
    assert unit is None and "HỒNG GAI" in evidence and "HÀ TU" in evidence


@pytest.mark.parametrize("cell", [6688, 6688.0, "6688", "06688"])
def test_a_code_typed_as_a_number_in_the_next_cell(cell):
    m = _matcher("2025-Q4")
    unit = identify_return([[(0, ["Mã đơn vị:", None, cell])]], m).unit
    assert unit.unit_code == "06688" and unit in m.reporting


def test_a_reused_code_names_the_unit_of_its_period():
    before, _ = _title("Mã đơn vị: 06886", "2025-Q2")
    # the former xã Hải Lạng of huyện Tiên Yên (crosswalk), not the new xã Hải Lạng, and not a reporting unit
    assert (before.level, before.name_vi, before.kind_vi, before.parent_code) == (
        FORMER_COMMUNE,
        "Hải Lạng",
        "Xã",
        "199",
    )
    assert before.valid_to == dt.date(2025, 6, 30)
    assert _title("Mã đơn vị: 06886", "2025-Q2")[1] is False
    after, reports = _title("Mã đơn vị: 06886", "2025-Q3")
    assert (after.level, after.valid_from, reports) == ("commune", dt.date(2025, 7, 1), True)
    # 06688 before the reform is the former phường Hồng Hải, whose code the ward Hạ Long took
    assert _title("Mã đơn vị: 6688", "2024-Q3")[0].name_vi == "Hồng Hải"


@pytest.mark.parametrize("province", packaged_provinces())
def test_every_unit_in_force_is_found_by_its_title_and_its_code(province):
    """For any packaged province (Bắc Ninh too): each unit in force after the reform, from 'ỦY BAN NHÂN DÂN <KIND>
    <NAME>' in capitals, 'UBND <abbreviation> <name>' and its code typed as a number."""
    period = "2025-Q4"
    m = _matcher(period, province)
    abbreviation = {k.kind: k.forms[-1] for k in unit_kinds()}
    units = reporting_units(load_admin_units(province=province), Period.parse(period))
    assert units
    for u in units:
        for title in (
            f"ỦY BAN NHÂN DÂN {u.kind_vi} {u.name_vi}".upper(),
            f"UBND {abbreviation.get(fold(u.kind_vi), u.kind_vi)} {u.name_vi}",
            f"Mã đơn vị: {int(u.unit_code)}",
        ):
            found = identify_return([[(0, [title])]], m).unit
            assert found == u, (title, found)


def test_kind_words_are_vocabulary():
    tiers = {k.kind: k.tier for k in unit_kinds()}
    assert tiers["phuong"] == tiers["xa"] == tiers["dac khu"] == "commune"
    assert tiers["thanh pho"] == tiers["huyen"] == "district" and tiers["uy ban nhan dan"] == "council"


# --------------------------------------------------------------------------------------- placing communes


@pytest.fixture(scope="module")
def placer() -> CommunePlacer:
    units = load_admin_units(province="22")
    return CommunePlacer(load_province_crosswalk(None, "22", units), units)


def test_hai_hoa_written_either_way_is_the_same_commune(placer):
    # 'Hoà' (tone mark on a) and 'Hòa' (on o) are the same name once folded
    assert fold("Hải Hoà") == fold("Hải Hòa")
    a, b = placer.place("194", "P. Hải Hoà", None), placer.place("194", "phường Hải Hòa", None)
    assert a.new_unit == b.new_unit == "06712" and a.commune == b.commune and not a.commune.split


def test_a_split_commune_goes_to_its_main_unit(placer):
    p = placer.place("193", "xã Đồng Lâm", None)
    assert p.new_unit == "07030" and p.commune.split and set(p.commune.new_codes) == {"07030", "07060"}
    # the same name in another former district is another commune (Hải Hòa of Cẩm Phả was split too)
    q = placer.place("195", "Hải Hòa", None)
    assert q.new_unit == "06886" and q.commune.split
    # the rule must not fire for a commune that went whole to one unit
    assert not placer.place("193", "Hà Khánh", None).commune.split


def test_placement_order_and_where_it_must_not_fire(placer):
    assert placer.place("203", None, None).how == "district"  # Vân Đồn went whole to one unit
    assert placer.place("193", None, "phường Hà Khánh, thành phố Hạ Long").how == "register"
    assert placer.place("193", "thôn 2, xã Tân Dân, TP Hạ Long", None).new_unit == "07054"
    assert placer.place("193", "thôn 2 xã Tân Dân", None).new_unit == "07054"
    # 'huyện Tiên Yên' names the former district, not its thị trấn Tiên Yên
    assert placer.place("199", "huyện Tiên Yên", None).how == "unplaced"
    assert placer.place("199", "thị trấn Tiên Yên, huyện Tiên Yên", None).new_unit == "06862"
    # a commune of another former district is not matched
    assert placer.place("193", "Quảng Tân", None).how == "unplaced"
    # a name that starts like a kind word is a name
    assert placer.commune_named("203", "Quan Lạn")[0].name == "Quan Lạn"


def test_two_communes_of_one_name_in_a_district_are_told_apart_by_the_kind_word():
    units = load_admin_units(province="22")
    walk = pd.DataFrame(
        [
            {
                "old_code": "1",
                "old_name": "An Bình",
                "old_kind": "Xã",
                "old_district_code": "193",
                "new_code": "07054",
                "share": "full",
                "is_main": "1",
            },
            {
                "old_code": "2",
                "old_name": "An Bình",
                "old_kind": "Phường",
                "old_district_code": "193",
                "new_code": "06688",
                "share": "full",
                "is_main": "1",
            },
        ]
    )
    p = CommunePlacer(walk, units)
    assert p.place("193", "P. An Bình", None).new_unit == "06688"
    assert p.place("193", "xã An Bình", None).new_unit == "07054"
    assert p.place("193", "An Bình", None).how == "unplaced"  # ambiguous: never guessed


def test_tax_addresses_of_the_former_era_go_to_the_current_unit():
    from kttt_pipeline.core.placing import place_old_addresses

    units = load_admin_units(province="22")
    walk = load_province_crosswalk(None, "22", units)
    addresses = pd.Series(
        [
            "thôn 1, xã Hạ Long, huyện Vân Đồn, tỉnh Quảng Ninh",  # not phường Hạ Long
            "tổ 3, khu 4, xã Sơn Dương, thành phố Hạ Long, tỉnh Quảng Ninh",
            "phường Hoàng Quế, tỉnh Quảng Ninh",
            None,
            "thôn Đông, huyện Vân Đồn",
        ]
    )
    tax = UnitMatcher(reporting_units(units, Period.parse("2025-Q4")))
    in_force = pd.Series([getattr(tax.find_in_address(a), "unit_code", None) for a in addresses])
    assert in_force[0] == "06688"  # what a match among the units in force alone would say
    placed = place_old_addresses(addresses, in_force, Period.parse("2025-Q4"), units, walk)
    assert placed.tolist() == ["06994", "07030", "07114", None, "06994"]
    # before the reform the reporting units are the districts: addresses are left as the in-force match found them
    before = pd.Series(["199", None, None, None, "203"])
    assert place_old_addresses(addresses, before, Period.parse("2024-Q3"), units, walk).tolist() == before.tolist()


def test_restated_codes_are_the_counts_and_sums():
    codes = set(restated_indicator_codes())
    assert {
        "HTX_TOTAL",
        "HTX_ACTIVE",
        "HTX_SECTOR_AGRI",
        "HTX_MEMBERS",
        "HTX_CHARTER_CAPITAL",
        "HTX_NEW",
        "HTX_DISSOLVED",
        "THT_TOTAL",
        "THT_MEMBERS",
    } <= codes
    assert not codes & {
        "HTX_AVG_REVENUE",
        "HTX_AVG_INCOME",
        "THT_AVG_INCOME_MONTH",
        "HTX_TOTAL_PCT_PLAN",
        "LHHTX_TOTAL",
        "QTDND_TOTAL",
    }
    assert not any(c.endswith("_PCT") for c in codes)


# ------------------------------------------------------------------------------- small periods, both eras


@pytest.fixture(scope="module")
def both_eras(tmp_path_factory):
    raw = tmp_path_factory.mktemp("reform") / "raw"
    make_district_period(raw)
    make_commune_period(raw)
    return raw, run_period(raw, DISTRICT_PERIOD), run_period(raw, COMMUNE_PERIOD)


def _values(frame: pd.DataFrame) -> dict[tuple[str, str], float | None]:
    return {(u, c): v for u, c, v in zip(frame["unit_code"], frame["indicator_code"], frame["value"])}


def test_district_period_is_restated_by_every_placement_rule(both_eras):
    _, q2, _ = both_eras
    rs = _values(q2.rpt_indicator_restated)
    want = collections.Counter(new for *_, new, _how in DISTRICT_COOPS if new)
    for unit, n in want.items():
        assert rs[(unit, "HTX_TOTAL")] == n, unit
    groups = collections.Counter(new for *_, new in DISTRICT_GROUPS if new)
    for unit, n in groups.items():
        assert rs[(unit, "THT_TOTAL")] == n, unit
    # every current unit has a row, zeros where nothing was placed
    units = {u for u, _ in rs} - {"22"}
    assert len(units) == 54 and rs[("06979", "HTX_TOTAL")] == 0
    dq = q2.dq_issue
    split = dq[dq["kind"] == "COMMUNE_SPLIT"]
    assert list(split["entity_key"]) == [tax_code(n) for n, *_, how in DISTRICT_COOPS if how == "split"]
    assert split["value_computed"].tolist() == ["07030"] and split["unit_code"].isna().all()


def test_restated_units_add_up_to_the_province_less_the_unplaced(both_eras):
    _, q2, _ = both_eras
    rs, rpt = q2.rpt_indicator_restated, _values(q2.rpt_indicator)
    unplaced = q2.dq_issue[q2.dq_issue["kind"] == "COMMUNE_UNPLACED"]
    keys = set(unplaced["entity_key"])
    assert keys == (
        {tax_code(n) for n, *_, how in DISTRICT_COOPS if how == "unplaced"}
        | {name for name, _, _, new in DISTRICT_GROUPS if new is None}
    )
    coops = q2.cooperative[q2.cooperative["tax_code"].isin(keys)]
    groups = q2.cooperative_group[q2.cooperative_group["name"].isin(keys)]
    units = rs[rs["unit_code"] != "22"].groupby("indicator_code")["value"].sum()
    for code, column, frame in [
        ("HTX_TOTAL", None, coops),
        ("HTX_MEMBERS", "members", coops),
        ("HTX_CHARTER_CAPITAL", "charter_capital", coops),
        ("THT_TOTAL", None, groups),
        ("THT_MEMBERS", "members", groups),
    ]:
        left_out = len(frame) if column is None else float(pd.to_numeric(frame[column]).sum())
        assert left_out > 0
        assert units[code] + left_out == pytest.approx(rpt[("22", code)]), code
    # the province row is rpt_indicator's, code by code
    for code in restated_indicator_codes():
        assert _values(rs)[("22", code)] == rpt[("22", code)]


def test_commune_period_restated_rows_are_the_reported_ones(both_eras):
    _, _, q3 = both_eras
    rpt = q3.rpt_indicator[q3.rpt_indicator["indicator_code"].isin(restated_indicator_codes())]
    assert _values(q3.rpt_indicator_restated) == _values(rpt) and len(rpt) > 0
    assert not q3.dq_issue["kind"].isin(["COMMUNE_SPLIT", "COMMUNE_UNPLACED"]).any()


def test_a_return_of_a_unit_not_in_force_is_rejected_and_the_rest_loads(both_eras):
    _, _, q3 = both_eras
    audit = q3.load_audit.set_index("source_file")
    row = audit.loc[f"{COMMUNE_PERIOD}/communes/TP Ha Long.xlsx"]
    assert row["status"] == "UNIT_NOT_IN_FORCE" and row["unit_code"] is None and "193" in row["error"]
    f = q3.dq_issue[q3.dq_issue["kind"] == "UNIT_NOT_IN_FORCE"]
    assert len(f) == 1 and f.iloc[0]["entity_key"] == "TP Ha Long.xlsx" and pd.isna(f.iloc[0]["unit_code"])
    assert FORMER_CITY_TITLE in f.iloc[0]["detail"] and "30/06/2025" in f.iloc[0]["detail"]
    # its cooperative counts nowhere, in particular not in the ward of the same name
    assert tax_code(21) not in set(q3.cooperative["tax_code"])
    assert q3.indicator("06688", "HTX_TOTAL") == 2
    assert q3.period_status.iloc[0]["files_rejected"] == 1


def test_small_units_are_present_with_zeros(both_eras):
    _, _, q3 = both_eras
    status = q3.period_status.iloc[0]
    missing = status["units_missing"].split(",")
    for code in (SMALL_BY_CODE[0], SMALL_NOTHING[0]):
        assert code not in missing  # present (one from 'Mã đơn vị:' and a number, one with rows 'Không có')
        assert q3.indicator(code, "HTX_TOTAL") == 0 and q3.indicator(code, "THT_TOTAL") == 0
        assert q3.indicator(code, "HTX_AVG_REVENUE") is None  # a mean over nothing stays undefined
    audit = q3.load_audit[q3.load_audit["unit_code"] == SMALL_NOTHING[0]].iloc[0]
    assert audit["status"] == "LOADED" and audit["rows_loaded"] == 0 and audit["rows_non_entity"] == 2
    assert not q3.dq_issue["entity_key"].eq("Không có").any()
    # completeness is over the units in force, and a missing unit is named by its 5-digit code
    assert int(status["units_expected"]) == 54
    assert set(q3.dq_issue.loc[q3.dq_issue["kind"] == "UNIT_MISSING", "entity_key"]) == set(missing)
    assert all(len(code) == 5 for code in missing)


def test_returns_are_read_from_districts_communes_and_units(both_eras):
    _, q2, q3 = both_eras
    folders = {s.split("/")[1] for s in q3.load_audit.loc[q3.load_audit["file_kind"] == "unit_return", "source_file"]}
    assert folders == {"communes", "units"}
    assert {s.split("/")[1] for s in q2.load_audit.loc[q2.load_audit["file_kind"] == "unit_return", "source_file"]} == {
        "districts"
    }


def test_the_inventory_and_the_sensor_see_every_unit_folder(both_eras):
    from kttt_pipeline.ingest.raw_inventory import inventory
    from kttt_pipeline.orchestration.raw_watch import scan

    raw, _, _ = both_eras
    files = inventory(raw, COMMUNE_PERIOD)
    assert {p.split("/")[1] for p in files.loc[files["file_kind"] == "unit_return", "path"]} == {"communes", "units"}
    changes, _ = scan(raw, None, now=float("inf"))
    assert {c.period for c in changes} == {DISTRICT_PERIOD, COMMUNE_PERIOD}


def test_a_province_by_configuration(tmp_path):
    """Bắc Ninh (24) by --province: its register, its name and code, its units; nothing of another province."""
    units = reporting_units(load_admin_units(province="24"), Period.parse(COMMUNE_PERIOD))
    raw = tmp_path / "raw"
    make_bac_ninh_period(raw, units[:2])
    result = run_period(raw, COMMUNE_PERIOD, province="24")
    assert set(result.load_audit.loc[result.load_audit["file_kind"] == "unit_return", "unit_code"]) == {
        u.unit_code for u in units[:2]
    }
    assert result.indicator("24", "HTX_TOTAL") == 2 and result.indicator("22", "HTX_TOTAL") is None
    assert int(result.period_status.iloc[0]["units_expected"]) == len(units) == 99
    assert set(result.admin_unit["unit_code"]) >= {"24", units[0].unit_code}
    assert "22" not in set(result.admin_unit["unit_code"])


def make_bac_ninh_period(raw, units) -> None:
    from ..reform_periods import _coop, _tax_csv, coop_sheet_with_address
    from ..workbook_factory import write_workbook

    base = raw / COMMUNE_PERIOD
    rows = []
    for i, u in enumerate(units, 1):
        head = [[f"UBND {u.kind_vi} {u.name_vi}"], ["Ngày báo cáo: 10/10/2025"], []]
        write_workbook(
            base / "communes" / f"{u.unit_code}.xlsx",
            [coop_sheet_with_address([(_coop(100 + i, 1, f"HTX số {i}"), None)], head)],
        )
        rows.append((tax_code(100 + i), f"HTX số {i}", f"{u.kind_vi} {u.name_vi}"))
    _tax_csv(base / "tax" / "thue.csv", rows)


# ---------------------------------------------------------------------------------------------- specimens


@needs_specimen
def test_the_district_specimen_restated_reproduces_expected_restated():
    exp = expected_restated()
    result = run_period(SPECIMEN_RAW, exp["period"])
    got = _values(result.rpt_indicator_restated)
    want = {(u, c): v for u, values in exp["indicators"].items() for c, v in values.items()}
    assert set(got) == set(want)
    assert [(k, want[k], got[k]) for k in want if got[k] is None or abs(got[k] - want[k]) > 1e-6] == []
    kinds = ("COMMUNE_SPLIT", "COMMUNE_UNPLACED")
    dq = result.dq_issue[result.dq_issue["kind"].isin(kinds)]
    assert collections.Counter(zip(dq["kind"], dq["entity_key"])) == collections.Counter(
        (f["kind"], f["key"]) for f in exp["findings"]
    )
    assert dq["unit_code"].isna().all()  # expected_restated.json: unit_code left empty


@needs_specimen_communes
def test_the_commune_specimen_restated_rows_are_its_reported_rows(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SPECIMEN_COMMUNES_RAW, raw)
    result = run_period(raw, "2025-Q4")
    rpt = result.rpt_indicator[result.rpt_indicator["indicator_code"].isin(restated_indicator_codes())]
    assert _values(result.rpt_indicator_restated) == _values(rpt)


def test_a_register_without_former_districts_still_places_a_former_commune_named_with_its_kind():
    """Province 24 was formed by a merger; a register that lists only the new units (as its hand-made one did
    before issue 27, and as a raw folder's may) still places an address naming a former ward and its former city
    through the crosswalk by the ward's name and kind alone."""
    import pandas as pd

    from kttt_pipeline.core.admin_units import load_admin_units, load_crosswalk
    from kttt_pipeline.core.periods import Period
    from kttt_pipeline.core.placing import place_old_addresses

    units = [u for u in load_admin_units(province="24") if u.level != "district"]
    walk = load_crosswalk(province="24")
    row = walk[(walk["share"] == "full")].iloc[0]
    kind, name = row["old_kind"], row["old_name"]
    same = walk[(walk["old_name"] == name) & (walk["old_kind"] == kind)]
    assert set(same["new_code"]) == {row["new_code"]}  # one unit: the name says where it went
    addresses = pd.Series(
        [
            f"{kind.lower()} {name}, thành phố Cũ, tỉnh Cũ",  # placed by the former commune
            f"{name}, thành phố Cũ",  # no kind word: not guessed
            "thôn Đông, xã Không Có",
        ]
    )  # no former commune of that name
    found = pd.Series([None, None, None], dtype=object)
    placed = place_old_addresses(addresses, found, Period(2025, 3), units, walk)
    assert list(placed) == [row["new_code"], None, None]
    # a unit in force already found in the address is kept
    kept = place_old_addresses(addresses.iloc[:1], pd.Series(["X"], dtype=object), Period(2025, 3), units, walk)
    assert list(kept) == ["X"]
