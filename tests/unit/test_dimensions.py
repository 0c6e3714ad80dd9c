"""The dimensions a period result hands the warehouse (reconcile/dimensions.py, issue 28)."""

from __future__ import annotations

import datetime as dt

from kttt_pipeline.core.admin_units import load_crosswalk, load_register_rows
from kttt_pipeline.core.vocabulary import indicators, share_indicators
from kttt_pipeline.reconcile.dimensions import (
    OPEN_START,
    crosswalk_frame,
    indicator_frame,
    indicator_kind,
    unit_version_frame,
)


def test_an_indicator_kind_follows_its_unit_of_measure():
    by_code = {i.code: i for i in indicators()}
    assert indicator_kind(by_code["HTX_TOTAL"]) == "count"
    assert indicator_kind(by_code["HTX_MEMBERS"]) == "count"  # người
    assert indicator_kind(by_code["HTX_CHARTER_CAPITAL"]) == "sum"  # triệu đồng
    assert indicator_kind(by_code["HTX_AVG_INCOME"]) == "average"  # triệu đồng/người/năm
    assert indicator_kind(by_code["HTX_TOTAL_PCT_PLAN"]) == "share"  # %


def test_the_indicator_frame_has_every_indicator_once():
    frame = indicator_frame()
    assert list(frame["indicator_code"]) == [i.code for i in (*indicators(), *share_indicators())]
    assert frame["indicator_code"].is_unique and frame.notna().all().all()
    assert set(frame["kind"]) == {"count", "sum", "average", "share"}


def test_the_crosswalk_frame_keeps_every_row_with_is_main_a_boolean():
    walk = load_crosswalk(None, "22")
    frame = crosswalk_frame(walk)
    assert len(frame) == len(walk.drop_duplicates(["old_code", "new_code"]))
    assert list(frame["new_unit_code"]) == list(walk.drop_duplicates(["old_code", "new_code"])["new_code"])
    assert frame["is_main"].map(type).eq(bool).all()
    assert int(frame["is_main"].sum()) == int((walk.drop_duplicates(["old_code", "new_code"])["is_main"] == "1").sum())
    assert crosswalk_frame(None).empty and "new_unit_code" in crosswalk_frame(None)


def test_every_sector_share_has_a_row_labelled_from_its_count():
    """The shares <CODE>_PCT the reconcile computes beside the sector counts each have a dim_indicator row: a
    Vietnamese label naming the count's, unit %, kind share."""
    frame = indicator_frame().set_index("indicator_code")
    labels = {i.code: i.name_vi for i in indicators()}
    shares = [c for c in frame.index if c.endswith("_PCT")]
    assert shares and all(frame.at[c, "kind"] == "share" and frame.at[c, "unit_vi"] == "%" for c in shares)
    assert all(labels[c.removesuffix("_PCT")] in frame.at[c, "name_vi"] for c in shares)
    assert all(frame.at[c, "name_vi"].startswith("Tỷ trọng") for c in shares)


def test_unit_versions_keep_every_dated_row_of_the_register():
    """The register's rows as written, each interval of a unit its own version; an open start is OPEN_START."""
    rows = load_register_rows(None, "22")
    frame = unit_version_frame(rows)
    assert len(frame) == len(rows) and not frame.duplicated(["unit_code", "valid_from"]).any()
    province = frame[frame["unit_code"] == "22"].sort_values("valid_from")
    assert list(province["kind_vi"]) == ["Tỉnh", "Thành phố"]
    assert province["valid_from"].iloc[0] == OPEN_START and province["valid_to"].iloc[0] == dt.date(2026, 8, 31)
    assert province["valid_from"].iloc[1] == dt.date(2026, 9, 1) and province["valid_to"].iloc[1] is None
    assert unit_version_frame(None).empty


def test_a_commune_that_became_a_ward_has_both_versions():
    """Bắc Ninh's register: the xã that became phường with the same code (20/9/2026) are two versions each, the
    first ending the day before the second begins."""
    frame = unit_version_frame(load_register_rows(None, "24"))
    changed = frame[frame.duplicated("unit_code", keep=False) & (frame["level"] == "commune")]
    assert len(changed) >= 2
    for _, versions in changed.sort_values("valid_from").groupby("unit_code"):
        assert list(versions["kind_vi"]) == ["Xã", "Phường"]
        assert versions["valid_to"].iloc[0] + dt.timedelta(days=1) == versions["valid_from"].iloc[1]
