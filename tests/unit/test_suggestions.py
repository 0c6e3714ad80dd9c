"""The allowed values and the nearest one for a status, sector or grade not in its vocabulary (issue 29)."""

import csv
from pathlib import Path

import pytest

from kttt_pipeline.core.suggestions import allowed_labels, hint_vi, nearest_label

VOCAB = Path(__file__).resolve().parents[2] / "kttt_pipeline" / "vocab"


def _labels(name: str, record_type: str | None = None) -> list[str]:
    with open(VOCAB / name, encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: int(r["order"]))
    return [r["label_vi"] for r in rows if not record_type or record_type in r.get("record_types", "").split("|")]


@pytest.mark.parametrize(
    "vocabulary, codes",
    [("status", "status_codes.csv"), ("grade", "grade_codes.csv"), ("sector", "sector_codes.csv")],
)
def test_the_allowed_values_are_the_vocabularys_labels_in_order(vocabulary, codes):
    expected = _labels(codes, "cooperative" if vocabulary == "sector" else None)
    assert allowed_labels(vocabulary) == expected and len(expected) >= 4


@pytest.mark.parametrize(
    "vocabulary, written, nearest",
    [
        ("status", "Đang hoạt độngg", "Đang hoạt động"),
        ("status", "dang hoat dong.", "Đang hoạt động"),
        ("status", "Tạm ngưng hoạt đông", "Tạm ngừng hoạt động"),
        ("sector", "Vận tả", "Vận tải"),
        ("grade", "Trung bìnhh", "Trung bình"),
        ("status", "xyz", None),
        ("sector", "Du lịch cộng đồng", None),
    ],
)
def test_the_nearest_value_or_none_when_nothing_is_near(vocabulary, written, nearest):
    assert nearest_label(vocabulary, written) == nearest


def test_the_hint_names_every_allowed_value_and_the_nearest():
    hint = hint_vi("status", "Đang hoạt độngg")
    assert all(label in hint for label in _labels("status_codes.csv"))
    assert hint.endswith("(gần nhất với 'Đang hoạt độngg': 'Đang hoạt động')")
    assert "gần nhất" not in hint_vi("status", "xyz")
