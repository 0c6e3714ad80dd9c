"""The dimensions a period result hands the warehouse (reconcile/dimensions.py, issue 28)."""

from __future__ import annotations

from kttt_pipeline.core.admin_units import load_crosswalk
from kttt_pipeline.core.vocabulary import indicators
from kttt_pipeline.reconcile.dimensions import crosswalk_frame, indicator_frame, indicator_kind


def test_an_indicator_kind_follows_its_unit_of_measure():
    by_code = {i.code: i for i in indicators()}
    assert indicator_kind(by_code["HTX_TOTAL"]) == "count"
    assert indicator_kind(by_code["HTX_MEMBERS"]) == "count"  # người
    assert indicator_kind(by_code["HTX_CHARTER_CAPITAL"]) == "sum"  # triệu đồng
    assert indicator_kind(by_code["HTX_AVG_INCOME"]) == "average"  # triệu đồng/người/năm
    assert indicator_kind(by_code["HTX_TOTAL_PCT_PLAN"]) == "share"  # %


def test_the_indicator_frame_has_every_indicator_once():
    frame = indicator_frame()
    assert list(frame["indicator_code"]) == [i.code for i in indicators()]
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
