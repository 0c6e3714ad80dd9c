"""The province is configuration: packaged registers and crosswalks per province, overridable from the raw folder."""

from __future__ import annotations

import pytest

from kttt_pipeline.core.admin_units import (
    PROVINCE_ENV,
    default_province,
    load_admin_units,
    load_crosswalk,
    packaged_provinces,
    province_of,
    resolve_province,
)


def test_every_packaged_province_has_one_province_row_and_a_crosswalk_onto_its_units():
    for code in packaged_provinces():
        units = load_admin_units(province=code)
        assert province_of(units).unit_code == code
        communes = {u.unit_code for u in units if u.level == "commune"}
        walk = load_crosswalk(province=code)
        assert communes and set(walk["new_code"]) <= communes
        # every split former commune names exactly one main unit
        main = walk[walk["is_main"] == "1"].groupby("old_code").size()
        assert (main == 1).all() and set(main.index) == set(walk["old_code"])


def test_province_from_argument_then_environment(monkeypatch):
    monkeypatch.delenv(PROVINCE_ENV, raising=False)
    default = default_province()
    assert default in packaged_provinces()
    other = next(c for c in packaged_provinces() if c != default)
    monkeypatch.setenv(PROVINCE_ENV, other)
    assert resolve_province() == other
    assert resolve_province(default) == default
    with pytest.raises(ValueError, match="no packaged register"):
        resolve_province("99")


def test_a_register_in_the_raw_folder_wins(tmp_path):
    (tmp_path / "admin_units.csv").write_text(
        "unit_code,level,name_vi,kind_vi,parent_code,valid_from,valid_to\n"
        "77,province,Thử Nghiệm,Tỉnh,,,\n07001,commune,An Bình,Xã,77,2025-07-01,\n",
        encoding="utf-8",
    )
    units = load_admin_units(tmp_path, province=packaged_provinces()[0])
    assert [u.unit_code for u in units] == ["77", "07001"]
