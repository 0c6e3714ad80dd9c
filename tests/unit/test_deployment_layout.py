"""The national deployment layout (core/deployment.py) and the (province, quarter) partition keys: pure functions."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from kttt_pipeline.core.admin_units import packaged_provinces
from kttt_pipeline.core.deployment import (
    PROVINCES_ENV,
    configured_provinces,
    national_provinces,
    parse_provinces,
    run_place,
)
from kttt_pipeline.orchestration.partitions import (
    partition_key,
    partition_provinces,
    province_quarter_partitions_def,
    split_partition_key,
)


def test_parse_provinces_reads_comma_lists_and_all_each_code_once(tmp_path):
    assert parse_provinces(["22, 24", "22"]) == ["22", "24"]
    assert parse_provinces(["all"]) == packaged_provinces()
    assert len(parse_provinces(["ALL", "22"])) == len(packaged_provinces())
    with pytest.raises(ValueError, match=PROVINCES_ENV):
        parse_provinces([" , "])
    with pytest.raises(ValueError, match="99"):
        parse_provinces(["22,99"])
    # a province whose raw folder ships its own register is allowed
    (tmp_path / "99").mkdir()
    (tmp_path / "99" / "admin_units.csv").write_text("unit_code\n", encoding="utf-8")
    assert parse_provinces(["22,99"], tmp_path) == ["22", "99"]


def test_configured_provinces_unset_is_one_province(monkeypatch):
    monkeypatch.delenv(PROVINCES_ENV, raising=False)
    assert configured_provinces() is None
    monkeypatch.setenv(PROVINCES_ENV, "  ")
    assert configured_provinces() is None
    monkeypatch.setenv(PROVINCES_ENV, "24,22")
    assert configured_provinces() == ["24", "22"]


def test_national_provinces_decides_the_layout(tmp_path, monkeypatch):
    monkeypatch.delenv(PROVINCES_ENV, raising=False)
    assert national_provinces(None, tmp_path, ["2026-Q3"]) is None  # today's layout
    assert national_provinces(["22"], tmp_path, ["2026-Q3"]) is None  # one code, no province folder
    assert national_provinces(["22", "24"], tmp_path, ["2026-Q3"]) == ["22", "24"]
    assert national_provinces(["all"], tmp_path, []) == packaged_provinces()
    # one code whose folder has the period in the national layout (and the root does not)
    (tmp_path / "22" / "2026-Q3").mkdir(parents=True)
    assert national_provinces(["22"], tmp_path, ["2026-Q3"]) == ["22"]
    (tmp_path / "2026-Q3").mkdir()
    assert national_provinces(["22"], tmp_path, ["2026-Q3"]) is None
    # KTTT_PROVINCES set: the national layout, with it or with the codes given
    monkeypatch.setenv(PROVINCES_ENV, "22,24")
    assert national_provinces(None, tmp_path, ["2026-Q3"]) == ["22", "24"]
    assert national_provinces(["24"], tmp_path, ["2026-Q3"]) == ["24"]


def test_run_place_is_the_provinces_folder_in_the_national_layout():
    place = run_place("2026-Q3", "24", "raw", "reports", default="22")
    assert (place.period, place.province_code, place.raw_dir, place.reports_dir) == (
        "2026-Q3",
        "24",
        Path("raw/24"),
        Path("reports/24"),
    )
    today = run_place("2026-Q3", None, "raw", "reports", default="")
    assert (today.province_code, today.raw_dir, today.reports_dir) == (None, Path("raw"), Path("reports"))


def test_partition_keys_of_province_and_quarter(tmp_path):
    parts = province_quarter_partitions_def(["22", "24"], tmp_path)
    assert partition_provinces(parts) == ["22", "24"]
    key = partition_key(parts, "24", "2026-Q3")
    assert key in parts.get_partition_keys()
    assert split_partition_key(key) == ("24", "2026-Q3")
    assert split_partition_key(str(key)) == ("24", "2026-Q3")  # as a run's tag holds it
    assert split_partition_key("2026-Q3") == (None, "2026-Q3")
    assert partition_key(dg.StaticPartitionsDefinition(["2026-Q3"]), None, "2026-Q3") == "2026-Q3"
    assert partition_provinces(dg.StaticPartitionsDefinition(["2026-Q3"])) is None
    with pytest.raises(ValueError):
        split_partition_key("22|24")
    with pytest.raises(ValueError):
        partition_key(parts, None, "2026-Q3")
