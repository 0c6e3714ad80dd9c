"""Issue 24: a column is recognised by what its header says wherever the header words stand: a sub-header that
names one field alone or under another group row, a spacer column under a merged group header (no column), the
clerks' header abbreviations ("Số TV", "CBQL", "LĐ", "Tình hình hoạt động"), plan columns on the summary sheet;
and a column holding figures that no header word names is said (COLUMN_NOT_READ), not silently dropped."""

from __future__ import annotations

import pytest

from kttt_pipeline.core.admin_units import UnitMatcher, load_admin_units, reporting_units
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.text import strip_diacritics
from kttt_pipeline.core.vocabulary import header_key, header_vocabulary, read_vocab_csv
from kttt_pipeline.ingest.headers import locate_table
from kttt_pipeline.ingest.unit_return import read_unit_return
from kttt_pipeline.ingest.workbook import Grid, read_workbook

from ..workbook_factory import SheetSpec, coop_row, coop_sheet, summary_sheet, write_workbook

MATCHER = UnitMatcher(reporting_units(load_admin_units(), Period.parse("2024-Q3")))
TITLE = [["UBND huyện Bình Liêu"], []]
ROW = [1, "HTX chè Nà Pá", "5789167272", "Nông nghiệp", "Đang hoạt động", 40]
HEAD = ["STT", "Tên HTX", "Mã số thuế", "Lĩnh vực", "Tình trạng", "Số thành viên"]


def fields_of(grid: Grid, record_type: str = "cooperative") -> dict[str, int]:
    table = locate_table(grid, record_type)
    assert table is not None
    return table.field_index()


def read(tmp_path, sheets):
    path = write_workbook(tmp_path / "r.xlsx", sheets)
    return read_unit_return(read_workbook(path), path.name, MATCHER)


def said(ret, *kinds):
    return [f for f in ret.findings if f.kind in kinds]


# ------------------------------------------------------------------ sub-headers standing alone


@pytest.mark.parametrize(
    "ps, cp",
    [
        ("Sơ cấp - trung cấp", "Cao đẳng - đại học trở lên"),
        ("Sơ cấp, trung cấp", "Cao đẳng, đại học trở lên"),
        ("So cap - trung cap", "CAO DANG - DAI HOC TRO LEN"),
        ("CBQL: Sơ cấp - trung cấp", "CBQL: Cao đẳng - đại học trở lên"),
        ("Trình độ sơ cấp - trung cấp (người)", "Trình độ cao đẳng - đại học trở lên (người)"),
    ],
)
def test_a_one_row_header_reads_the_managers_levels_without_their_group_row(ps, cp):
    grid = Grid("DS", [["UBND"], HEAD + ["Số CBQL", ps, cp], ROW + [3, 2, 1]])
    idx = fields_of(grid)
    assert (idx["managers"], idx["managers_primary_secondary"], idx["managers_college_plus"]) == (6, 7, 8)
    assert locate_table(grid, "cooperative").unmapped == []


def test_a_sub_header_of_two_groups_names_no_field_alone():
    """ "Tổng số" is the workers under "Lao động" and the managers under "Cán bộ quản lý": alone it names neither."""
    grid = Grid("DS", [["UBND"], HEAD + ["Tổng số", "Là thành viên"], ROW + [9, 7]])
    table = locate_table(grid, "cooperative")
    assert table.field_index()["member_workers"] == 7 and "workers" not in table.field_index()
    assert table.unmapped == ["Tổng số"]


def test_a_sub_header_under_another_group_row_names_its_field():
    """ "Trình độ" (not the managers' group row) over the levels, "Cán bộ quản lý" standing alone beside them."""
    top = HEAD + ["Cán bộ quản lý", "Trình độ", None]
    sub = [None] * 6 + [None, "Sơ cấp - trung cấp", "Cao đẳng - đại học trở lên"]
    merged = [((1, 7), (1, 8))] + [((1, c), (2, c)) for c in range(7)]
    idx = fields_of(Grid("DS", [["UBND"], top, sub, ROW + [3, 2, 1]], merged=merged))
    assert (idx["managers"], idx["managers_primary_secondary"], idx["managers_college_plus"]) == (6, 7, 8)


# ------------------------------------------------------------------ a spacer under a group header


def _spacer_grid(children: list[str | None], values: list[object]) -> Grid:
    top = HEAD + ["Lao động", None, None]
    merged = [((1, 6), (1, 8))] + [((1, c), (2, c)) for c in range(6)]
    return Grid("DS", [["UBND"], top, [None] * 6 + children, ROW + values], merged=merged)


@pytest.mark.parametrize(
    "children, values, workers, member_workers",
    [
        (["Tổng số", None, "Là thành viên"], [9, None, 7], 6, 8),
        ([None, "Tổng số", "LĐ là thành viên"], [None, 9, 7], 7, 8),  # the spacer first: not the workers
    ],
)
def test_a_spacer_column_under_a_merged_group_header_is_no_column(children, values, workers, member_workers):
    table = locate_table(_spacer_grid(children, values), "cooperative")
    assert table.header_rows == 2 and table.unmapped == []
    assert table.field_index()["workers"] == workers and table.field_index()["member_workers"] == member_workers


def test_a_spacer_is_not_noted_but_figures_under_a_group_header_alone_are(tmp_path):
    top = HEAD + ["Lao động", None, None]
    sub = [None] * 6 + ["Tổng số", None, "Là thành viên"]
    blank = SheetSpec("DS HTX", TITLE, top, sub, merges=["G3:I3"], rows=[ROW + [9, None, 7]])
    ret = read(tmp_path, [blank])
    assert ret.rows("cooperative")[0]["workers"] == 9 and ret.rows("cooperative")[0]["member_workers"] == 7
    assert said(ret, "HEADER_UNMAPPED", "COLUMN_NOT_READ") == []
    filled = SheetSpec("DS HTX", TITLE, top, sub, merges=["G3:I3"], rows=[ROW + [9, 4, 7]])
    ret = read(tmp_path, [filled])
    [f] = said(ret, "HEADER_UNMAPPED", "COLUMN_NOT_READ")
    assert f.kind == "COLUMN_NOT_READ" and f.value_reported == "Lao động" and "'Lao động'" in f.detail


# ------------------------------------------------------------------ the clerks' header words


@pytest.mark.parametrize("accents", [True, False])
def test_the_clerks_abbreviations_name_their_columns(accents):
    head = ["STT", "Tên HTX", "MST", "Tình hình hoạt động", "Số TV", "LĐ", "LĐ là TV", "CBQL", "Tình trạng HĐ"]
    if not accents:
        head = [strip_diacritics(h) for h in head]
    idx = fields_of(Grid("DS", [["UBND"], head, [1, "HTX A", "5789167272", "Đang hoạt động", 5, 3, 2, 1, None]]))
    assert {f: idx[f] for f in ("status", "members", "workers", "member_workers", "managers")} == {
        "status": 3,
        "members": 4,
        "workers": 5,
        "member_workers": 6,
        "managers": 7,
    }


def test_lao_dong_alone_is_the_workers_but_never_the_start_of_a_longer_header():
    vocab = header_vocabulary()
    assert vocab.match("cooperative", None, "Lao động") == "workers"
    assert vocab.match("cooperative", None, "LĐ (người)") == "workers"
    assert vocab.match("cooperative", None, "Lao động nữ") is None
    assert vocab.match("cooperative", "LĐ", "Tổng số") == "workers"
    assert vocab.match("cooperative", "CBQL", "Tổng số") == "managers"


def test_a_group_listing_with_abbreviated_headers_is_recognised():
    head = ["STT", "Tên THT", "Tổ trưởng", "Số TV", "Thu nhập BQ (triệu đồng/người/tháng)"]
    idx = fields_of(Grid("THT", [["UBND"], head, [1, "THT A", "Bùi Tú", 6, 4.3]]), "group")
    assert (idx["members"], idx["avg_income_month"]) == (3, 4)


def test_a_listing_in_the_clerks_words_is_read(tmp_path):
    head = ["STT", "Tên HTX", "MST", "Lĩnh vực", "Tình hình hoạt động", "Xếp loại", "Số TV", "LĐ", "CBQL"]
    spec = SheetSpec(
        "DS HTX",
        TITLE,
        head,
        None,
        rows=[[1, "HTX chè Nà Pá", "5789167272", "Nông nghiệp", "Đang HĐ", "Khá", 40, 12, 3]],
    )
    ret = read(tmp_path, [spec])
    c = ret.rows("cooperative")[0]
    assert (c["status"], c["members"], c["workers"], c["managers"]) == ("ACTIVE", 40, 12, 3)
    assert said(ret, "HEADER_UNMAPPED", "COLUMN_NOT_READ") == []


def test_no_two_header_words_of_a_record_type_fold_to_one_key_of_two_fields():
    """Folding and expanding the abbreviations never makes one header mean two fields."""
    seen: dict[tuple[str, str, str], str] = {}
    for r in read_vocab_csv("header_synonyms.csv"):
        key = (r["record_type"], header_key(r["parent"]), header_key(r["header"]))
        assert seen.setdefault(key, r["field"]) == r["field"], (key, seen[key], r["field"])


# ------------------------------------------------------------------ plan columns on the summary sheet


@pytest.mark.parametrize(
    "head",
    [
        ["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm 2024", "Thực hiện", "So với KH (%)"],
        ["STT", "Chỉ tiêu", "ĐVT", "Thực hiện so với KH (%)", "KH năm", "Số liệu", "So với cùng kỳ (%)"],
    ],
)
def test_plan_columns_of_the_summary_sheet_are_understood_and_not_read_as_the_period(tmp_path, head):
    value = {"Thực hiện", "Số liệu"}
    items = [[1, "Tổng số HTX", "HTX"], [2, "Tổng số thành viên", "Người"]]
    rows = [
        [*it, *[(7 if k == 0 else 90) if h not in value else (9 if k == 0 else 150) for h in head[3:]]]
        for k, it in enumerate(items)
    ]
    spec = summary_sheet(rows)
    spec.parents = head
    ret = read(tmp_path, [spec, coop_sheet([coop_row(1, "HTX A", "5789167272")])])
    assert {s["indicator_code"]: s["value"] for s in ret.rows("summary")} == {"HTX_TOTAL": 9, "HTX_MEMBERS": 150}
    assert said(ret, "HEADER_UNMAPPED", "COLUMN_NOT_READ") == []


@pytest.mark.parametrize(
    "parent, child, field",
    [
        ("Số xã viên", None, "members"),  # the 1997/2003 law's word for a member
        ("Trong đó: LĐ là xã viên", None, "member_workers"),
        ("Lao động", "Là xã viên", "member_workers"),
        ("Vốn ĐL (triệu đồng)", None, "charter_capital"),
        ("DT ước năm (triệu đồng)", None, "revenue"),
        ("LN (triệu đồng)", None, "profit"),
        ("Ngày TL", None, "registered_on"),
        ("So xa vien", None, "members"),  # typed without diacritics
    ],
)
def test_more_of_the_clerks_header_words(parent, child, field):
    """Found by an outside tester who wrote returns from the contract alone: each of these was 'not read', its sum
    published as 0 (members, charter capital) before it was vocabulary."""
    assert header_vocabulary().match("cooperative", parent, child) == field
