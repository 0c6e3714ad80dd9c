"""The one cleaning of what no warehouse can store (issue 23): NUL and the other C0 control characters but tab,
newline and carriage return, lone surrogates, and Excel's ``_xHHHH_`` escapes of them; and an unknown tax
status code read as unknown."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kttt_pipeline.core.text import clean_text, fold, has_unstorable, storable, visible
from kttt_pipeline.ingest.headers import Column, Table
from kttt_pipeline.ingest.records import RowContext, parse_records, scrub_cell, scrub_column
from kttt_pipeline.ingest.tax_register import parse_tax_status


@pytest.mark.parametrize(
    "written, kept, shown",
    [
        ("HTX A\x00B", "HTX AB", "HTX A<NUL>B"),
        ("HTX\x01 A", "HTX A", "HTX<U+0001> A"),
        ("A\x1fB\x0bC\x0c", "ABC", "A<U+001F>B<U+000B>C<U+000C>"),
        ("HTX_x0000_ A", "HTX A", "HTX<NUL> A"),  # Excel's escape left as text: shown as the character
        ("a_x001f_b_x000B_c", "abc", "a<U+001F>b<U+000B>c"),
        ("x\ud800y", "xy", "x<U+D800>y"),  # a lone surrogate cannot be encoded in UTF-8
        ("x_xDC00_y", "xy", "x<U+DC00>y"),
    ],
)
def test_unstorable_characters_are_removed_and_shown_visibly(written, kept, shown):
    assert has_unstorable(written)
    assert storable(written) == kept and visible(written) == shown
    assert not has_unstorable(shown) and shown.encode("utf-8")
    assert clean_text(written) == clean_text(kept)
    assert fold(written) == fold(kept)


@pytest.mark.parametrize(
    "text",
    [
        "a\tb",
        "a\nb",
        "a\rb",
        "a_x0009_b",
        "a_x000A_b",
        "a_x000D_b",
        "a_x0041_b",
        "Hợp tác xã Đông Hải",
        "a\x7fb",
        "_x00_",
        "_x0000",
    ],
)
def test_tab_newline_and_other_text_are_kept(text):
    assert not has_unstorable(text) and storable(text) == text and visible(text) == text


@given(st.text())
def test_what_is_kept_or_shown_can_be_stored_anywhere(text):
    for out in (storable(text), visible(text), clean_text(text) or ""):
        assert "\x00" not in out and not has_unstorable(out)
        out.encode("utf-8")  # no lone surrogate: PostgreSQL and SQLite both take it


def test_a_column_is_cleaned_as_each_of_its_cells():
    cells = ["HTX A", None, 12.0, "1\x000", "B_x0000_", "C"]
    cleaned, shown = scrub_column(cells)
    assert cleaned == [scrub_cell(c)[0] for c in cells] == ["HTX A", None, 12.0, "10", "B", "C"]
    assert shown == {3: "1<NUL>0", 4: "B<NUL>"}
    clean = ["HTX A", 1.0, None]
    assert scrub_column(clean) == (clean, {})


def test_every_field_of_a_row_is_cleaned_with_a_finding():
    cols = ["name", "tax_code", "members", "registered_on", "status", "sector"]
    table = Table("cooperative", 0, 1, [Column(j, f, f, None) for j, f in enumerate(cols)], 1e-6)
    rows = [
        ["HTX\x00 A", "57701\x0025871", "1_x0000_2", "31/01/2024\x02", "Đang HĐ\x03", "Nông nghiệp"],
        ["HTX B", "5770125871", 3.0, "31/01/2024", "Đang HĐ", "Nông nghiệp"],
    ]
    contexts = [RowContext("f.xlsx", "DS", 7 + i, "U1") for i in range(len(rows))]
    got = parse_records(rows, table, contexts)
    values, findings = got[0].values, got[0].findings
    assert (values["name"], values["tax_code"], values["members"], values["status"]) == (
        "HTX A",
        "5770125871",
        12.0,
        "ACTIVE",
    )
    assert str(values["registered_on"]) == "2024-01-31"
    assert [(f.kind, f.sheet, f.row_number, f.value_reported) for f in findings] == [
        ("UNSTORABLE_REMOVED", "DS", 7, "HTX<NUL> A"),
        ("UNSTORABLE_REMOVED", "DS", 7, "57701<NUL>25871"),
        ("UNSTORABLE_REMOVED", "DS", 7, "1<NUL>2"),
        ("UNSTORABLE_REMOVED", "DS", 7, "31/01/2024<U+0002>"),
        ("UNSTORABLE_REMOVED", "DS", 7, "Đang HĐ<U+0003>"),
    ]
    assert "tên HTX: ô ghi 'HTX<NUL> A'" in findings[0].detail and "đọc là 'HTX A'" in findings[0].detail
    assert got[1].findings == []


@pytest.mark.parametrize(
    "written, code",
    [
        ("00", "00"),
        ("05 - NNT tạm ngừng hoạt động có thời hạn", "05"),
        (5.0, "05"),
        (7, "07"),
        ("5", "05"),
        ("NNT tạm ngừng hoạt động có thời hạn", "05"),
        ("09", None),
        (9, None),
        ("99 - không rõ", None),
        (123.0, None),
        ("không rõ", None),
        (None, None),
    ],
)
def test_a_tax_status_names_a_code_of_the_vocabulary_or_none(written, code):
    assert parse_tax_status(written) == code


def test_an_unknown_grade_is_a_finding():
    cols = ["name", "status", "grade"]
    table = Table("cooperative", 0, 1, [Column(j, f, f, None) for j, f in enumerate(cols)], 1e-6)
    rows = [["HTX A", "Đang HĐ", "Siêu"], ["HTX B", "Đang HĐ", "Khá"], ["HTX C", "Đang HĐ", None]]
    contexts = [RowContext("f.xlsx", "DS", 7 + i, "U1") for i in range(len(rows))]
    got = parse_records(rows, table, contexts)
    assert [p.values["grade"] for p in got] == [None, "FAIR", None]
    assert [(f.kind, f.row_number, f.value_reported) for p in got for f in p.findings] == [("GRADE_UNKNOWN", 7, "Siêu")]
    assert "coi như chưa xếp loại" in got[0].findings[0].detail
