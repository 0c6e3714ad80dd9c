"""Registers of all 34 provinces (issue 27): dated rows load one unit per code; every packaged province loads; the
shipped files are what scripts/build_registers.py makes from the pinned open data, and their units are the open
data's; Quảng Ninh's and Bắc Ninh's equal the contract's except where vocab/provinces/corrections.csv says why."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.metadata
import importlib.util
import json
import sqlite3
import sys
from importlib import resources
from pathlib import Path

import pytest

from kttt_pipeline.core.admin_units import (
    AdminUnit,
    UnitMatcher,
    load_admin_units,
    load_crosswalk,
    load_register_rows,
    packaged_provinces,
    province_of,
    reporting_units,
    resolve_province,
    units_on,
)
from kttt_pipeline.core.periods import Period

ROOT = Path(__file__).resolve().parents[2]
PROVINCES = resources.files("kttt_pipeline.vocab").joinpath("provinces")
SPEC = ROOT.parent / "shared" / "spec"
D = dt.date
CROSS = "commune_crosswalk_2025.csv"


def _unit(code, kind, start=None, end=None, level="district", name="Đông Triều"):
    return AdminUnit(code, level, name, kind, "22", start, end)


# ------------------------------------------------------------------------------------------ dated rows


def test_units_on_takes_the_row_in_force_and_spans_all_rows():
    rows = [
        _unit("205", "Thị xã", None, D(2024, 10, 31)),
        _unit("205", "Thành phố", D(2024, 11, 1), D(2025, 6, 30)),
        _unit("206", "Thị xã", None, D(2025, 6, 30), name="Quảng Yên"),
    ]
    before = {u.unit_code: u for u in units_on(rows, D(2024, 9, 30))}
    after = {u.unit_code: u for u in units_on(rows, D(2024, 12, 31))}
    assert before["205"].kind_vi == "Thị xã" and after["205"].kind_vi == "Thành phố"
    # one unit per code, valid over the union of its rows
    assert (after["205"].valid_from, after["205"].valid_to) == (None, D(2025, 6, 30))
    assert len(units_on(rows, D(2024, 9, 30))) == 2 and before["206"] is rows[2]
    # a day after every row: the last row; no day: the newest row; a day before every row: the first
    assert units_on(rows, D(2026, 3, 31))[0].kind_vi == "Thành phố"
    assert units_on(rows)[0].kind_vi == "Thành phố"
    late = [_unit("9", "Xã", D(2025, 7, 1), D(2026, 9, 19), "commune"), _unit("9", "Phường", D(2026, 9, 20))]
    assert units_on(late, D(2024, 1, 1))[0].kind_vi == "Xã"


def test_units_on_refuses_overlapping_rows():
    rows = [_unit("205", "Thị xã", None, D(2024, 11, 1)), _unit("205", "Thành phố", D(2024, 11, 1))]
    with pytest.raises(ValueError, match="205"):
        units_on(rows, D(2024, 12, 31))


def test_a_province_row_that_changes_kind_gives_one_province_per_period():
    for code in packaged_provinces():
        rows = [u for u in load_register_rows(None, code) if u.level == "province"]
        if len(rows) < 2:
            continue
        change = rows[1].valid_from
        assert rows[0].valid_to == change - dt.timedelta(days=1)
        assert province_of(load_admin_units(None, code, change - dt.timedelta(days=1))).kind_vi == rows[0].kind_vi
        assert province_of(load_admin_units(None, code, change)).kind_vi == rows[1].kind_vi


def test_units_whose_names_fold_alike_are_told_apart_by_their_diacritics():
    """A national register has such pairs in one province (Thái Nguyên's xã Văn Lang and xã Văn Lăng)."""
    lang = _unit("02143", "Xã", D(2025, 7, 1), None, "commune", "Văn Lang")
    lang2 = _unit("05665", "Xã", D(2025, 7, 1), None, "commune", "Văn Lăng")
    m = UnitMatcher([lang, lang2], Period.parse("2025-Q4"))
    assert m.find("ỦY BAN NHÂN DÂN XÃ VĂN LANG") == lang
    assert m.find("UBND xã Văn Lăng") == lang2
    assert m.find("UBND xa Van Lang") is None  # no diacritics: still ambiguous, never a guess


# ------------------------------------------------------------------------------------------ every province


def test_every_province_of_the_reform_is_packaged_and_loads():
    codes = packaged_provinces()
    assert len(codes) == len(set(codes)) == 34
    for code in codes:
        assert resolve_province(code) == code
        units = load_admin_units(None, code, Period.parse("2025-Q3").end)
        assert province_of(units).unit_code == code
        communes = reporting_units(units, Period.parse("2025-Q3"))
        districts = reporting_units(units, Period.parse("2025-Q2"))
        assert communes and {u.level for u in communes} == {"commune"}
        assert districts and {u.level for u in districts} == {"district"}
        walk = load_crosswalk(None, code)
        assert set(walk["new_code"]) == {u.unit_code for u in communes}
        assert set(walk["old_district_code"]) <= {u.unit_code for u in districts}
        for _, split in walk[walk["share"] == "partial"].groupby("old_code"):
            assert (split["is_main"] == "1").sum() == 1


# ------------------------------------------------------------------------------------------ the open data


def _source_dir() -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or importlib.metadata.version("vietnamadminunits") != "1.0.4":
        pytest.skip("vietnamadminunits 1.0.4 (the dev extras) is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _script():
    spec = importlib.util.spec_from_file_location("build_registers", ROOT / "scripts" / "build_registers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _read(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _corrections() -> list[dict[str, str]]:
    return _read(PROVINCES.joinpath("corrections.csv"))


def test_the_shipped_registers_are_what_the_script_makes_from_the_pinned_data():
    folder = _source_dir()
    script = _script()
    files = script.build(folder, Path(str(PROVINCES.joinpath("corrections.csv"))), "22")
    assert len(files) == 2 * 34 + 2
    for rel, text in files.items():
        assert PROVINCES.joinpath(rel).read_text(encoding="utf-8") == text, rel


def test_every_province_has_the_open_data_units():
    """Read the open data's database directly (not through the script): each province's units since 1/7/2025
    (code, name, kind), its former districts and its former communes are the packaged register's, except the
    fields a correction changes."""
    folder = _source_dir()
    db = sqlite3.connect(f"file:{folder / 'data' / 'dataset.db'}?mode=ro", uri=True)
    converter = json.loads((folder / "data" / "converter_2025.json").read_text(encoding="utf-8"))
    corrected = {(c["province_code"], c["unit_code"]) for c in _corrections() if c["register"] == "admin_units"}
    new = db.execute("SELECT provinceCode, provinceKey, wardCode, wardShort, wardType FROM admin_units").fetchall()
    old = db.execute("SELECT provinceKey, districtCode, districtType, wardCode FROM admin_units_legacy").fetchall()
    db.close()
    key_of = {p: k for p, k, *_ in new}
    assert sorted(key_of) == sorted(packaged_provinces())
    for code, key in key_of.items():
        rows = load_register_rows(None, code)
        on_reform = {u.unit_code: u for u in units_on(rows, D(2025, 7, 1)) if u.level == "commune"}
        expected = {w: (n, t) for p, _, w, n, t in new if p == code}
        assert set(on_reform) == set(expected), code
        for w, (name, kind) in expected.items():
            if (code, w) not in corrected:
                assert (on_reform[w].name_vi, on_reform[w].kind_vi) == (name, kind), (code, w)
        olds = converter["DICT_PROVINCE"][key]
        districts = {d: t for p, d, t, _ in old if p in olds}
        on_eve = {u.unit_code: u for u in units_on(rows, D(2025, 6, 30)) if u.level == "district"}
        assert set(on_eve) == set(districts), code
        assert all(on_eve[d].kind_vi == t for d, t in districts.items() if (code, d) not in corrected), code
        walk = load_crosswalk(None, code)
        former = {w or d for p, d, _, w in old if p in olds}
        assert set(walk["old_code"]) == former, code


# ------------------------------------------------------------------------------------------ the contract


def _explained(province: str, ours: dict, theirs: dict, corrections) -> list:
    """Rows of the contract and of the packaged file that differ and that no correction of the province names."""
    named = {
        (c["unit_code"],) if c["register"] == "admin_units" else (c["old_code"], c["unit_code"])
        for c in corrections
        if c["province_code"] == province
    }
    out = []
    for key in sorted(set(ours) | set(theirs)):
        if ours.get(key) != theirs.get(key) and key not in named:
            out.append((key, theirs.get(key), ours.get(key)))
    return out


@pytest.mark.specimen
@pytest.mark.parametrize("province, folder", [("22", ""), ("24", "bac_ninh")])
def test_the_contract_provinces_equal_the_contract_except_corrections(province, folder):
    spec = SPEC / folder if folder else SPEC
    if not (spec / "admin_units.csv").is_file():
        pytest.skip("../shared/spec is absent")
    corrections = [c for c in _corrections() if c["province_code"] == province]
    contract = _read(spec / "admin_units.csv")
    ours_rows = _read(PROVINCES.joinpath(province, "admin_units.csv"))
    walk_theirs = _read(spec / "commune_crosswalk_2025.csv")
    # the contract's register may lack the former districts its own crosswalk names: they are added from the data
    named_districts = {x["old_district_code"] for x in walk_theirs}
    theirs = {(r["unit_code"],): r for r in contract}
    ours: dict = {}
    for r in ours_rows:
        if r["level"] == "district" and (r["unit_code"],) not in theirs:
            assert r["unit_code"] in named_districts, r
            continue
        ours.setdefault((r["unit_code"],), r)  # a code with dated rows is compared by its corrections
    assert _explained(province, ours, theirs, corrections) == []
    assert {u["unit_code"] for u in ours_rows if u["level"] == "district"} == named_districts
    walk_ours = {(x["old_code"], x["new_code"]): x for x in _read(PROVINCES.joinpath(province, CROSS))}
    walk_contract = {(x["old_code"], x["new_code"]): x for x in walk_theirs}
    assert _explained(province, walk_ours, walk_contract, corrections) == []
    # every correction of the province changes something the contract has (none is left over unused)
    for c in corrections:
        if c["register"] == "crosswalk":
            assert walk_contract[(c["old_code"], c["unit_code"])][c["field"]] == c["value"], c
        else:
            dated = [r for r in ours_rows if r["unit_code"] == c["unit_code"]]
            assert any(r[c["field"]] == c["value"] for r in dated), c
