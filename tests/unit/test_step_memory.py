"""A step's output moved to fresh memory (orchestration/memory.compact) is the same output: every frame equal cell
for cell with its dtypes, the objects shared between cells still shared, the holder's other attributes untouched;
the caches of a period's cells and names are emptied between steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kttt_pipeline.core.text import fold
from kttt_pipeline.orchestration.memory import compact, release_free_memory
from kttt_pipeline.reconcile.entity_resolution import distinctive_part, folded_name


@dataclass
class _Output:
    rows: pd.DataFrame
    others: pd.DataFrame
    notes: list
    period: str


def _output() -> _Output:
    status = "Đang hoạt động"  # one text in many cells, as a grid shares it
    rows = pd.DataFrame(
        {
            "name": ["HTX Tuyền Hiền", "HTX Xuân Thành", None],
            "status": [status, status, status],
            "revenue": [1.5, np.nan, 0.0],
            "row_number": np.array([7, 8, 9], dtype="int64"),
            "registered_on": [dt.date(2020, 1, 2), None, dt.date(2024, 9, 30)],
            "is_active": [True, False, True],
        }
    )
    others = pd.DataFrame({"status": [status], "value": pd.array([3], dtype="Int64")})
    return _Output(rows, others, ["a note"], "2024-Q3")


def test_compact_gives_the_same_frames_in_new_objects():
    out, expected = _output(), _output()
    before = out.rows
    compact(out, ["rows", "others", "notes"])
    assert out.rows is not before  # read again: new objects
    pd.testing.assert_frame_equal(out.rows, expected.rows, check_exact=True)
    pd.testing.assert_frame_equal(out.others, expected.others, check_exact=True)
    assert list(out.rows.dtypes) == list(expected.rows.dtypes)
    assert out.notes == ["a note"] and out.period == "2024-Q3"
    # a text shared by cells (and by two frames) is still one object, not one copy per cell
    statuses = {id(v) for v in out.rows["status"]} | {id(out.others.at[0, "status"])}
    assert len(statuses) == 1


def test_compact_leaves_the_attributes_it_is_not_given():
    out = _output()
    others = out.others
    compact(out, ["rows"])
    assert out.others is others


def test_release_free_memory_empties_the_caches_of_names():
    fold("HTX dịch vụ nông nghiệp Xuân Thành")
    distinctive_part(folded_name("HTX dịch vụ nông nghiệp Xuân Thành"))
    assert folded_name.cache_info().currsize and distinctive_part.cache_info().currsize
    release_free_memory()
    assert folded_name.cache_info().currsize == 0
    assert distinctive_part.cache_info().currsize == 0


def test_compact_leaves_the_output_where_it_is_when_no_temporary_file_can_be_made(monkeypatch, tmp_path):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "removed"))  # the temporary folder is gone
    out, expected = _output(), _output()
    rows = out.rows
    compact(out, ["rows", "others"])
    assert out.rows is rows
    pd.testing.assert_frame_equal(out.others, expected.others, check_exact=True)
