"""Issue 24: a sheet holding both listings (the groups under the cooperatives, each with its own header and
usually a title line) is split at each listing's own header and reads exactly like the two-sheet return."""

import pytest

from kttt_pipeline.ingest.unit_return import read_unit_return
from kttt_pipeline.ingest.workbook import read_workbook

from ..workbook_factory import GROUP_PARENTS, coop_row, coop_sheet, group_sheet, write_workbook
from .test_ingest import MATCHER

COOPS = [
    coop_row(1, "HTX A", "5789167272"),
    coop_row(2, "HTX B", "5796132263", members=12),
    [None, "Tổng cộng", None, None, None, None, None, 32, 20, 16, 6, 4, 2, 2000, 1000, 200, None, 0],
]
GROUPS = [
    [1, "THT may Nam Việt", "Mạc Quân", "Phương Nam", "CN - TTCN", 5, 171, 3],
    [2, "THT chè Đông Sơn", "Lý Văn Hòa", "Đông Sơn", "Nông nghiệp", 7, 60, 2],
    [None, "Cộng", None, None, None, 12, 231, None],
]


def read(path):
    return read_unit_return(read_workbook(path), path.name, MATCHER)


def seen(ret):
    """What a return gives, without where each row stood."""
    drop = {"sheet", "row_number", "source_file"}
    rows = {
        rt: [{k: v for k, v in r.items() if k not in drop} for r in ret.rows(rt)] for rt in ("cooperative", "group")
    }
    findings = sorted((f.kind, f.entity_key, f.value_reported, f.value_computed) for f in ret.findings)
    totals = sorted((t["record_type"], t["field"], t["value"], len(t["scope"])) for t in ret.totals)
    return rows, findings, totals, ret.unit.unit_code if ret.unit else None


@pytest.mark.parametrize(
    "between,header",
    [
        ([[], ["DANH SÁCH TỔ HỢP TÁC"]], GROUP_PARENTS),
        ([[None, "DANH SÁCH TỔ HỢP TÁC TRÊN ĐỊA BÀN"]], GROUP_PARENTS),  # the title in the name column
        ([], GROUP_PARENTS),  # no title line: the header's own fields say it
        ([[], ["II. DANH SÁCH TỔ HỢP TÁC"], [None, None, "Đơn vị tính: triệu đồng"]], GROUP_PARENTS),
    ],
    ids=["title", "title-in-name-column", "no-title", "numbered-title-and-unit-line"],
)
def test_groups_under_the_cooperatives_read_like_two_sheets(tmp_path, between, header):
    two = read(write_workbook(tmp_path / "two.xlsx", [coop_sheet(COOPS), group_sheet(GROUPS)]))
    one_sheet = coop_sheet(COOPS, footer=[*between, header, *GROUPS])
    one = read(write_workbook(tmp_path / "one.xlsx", [one_sheet]))
    assert [s.kind for s in one.sheets] == ["cooperative", "group"]
    assert len(one.rows("cooperative")) == 2 and len(one.rows("group")) == 2
    assert seen(one) == seen(two)
    assert not any(f.kind == "SUMMARY_MISMATCH" for f in one.findings)
    # the rows keep the sheet's own row numbers
    header_row = next(
        i for i, r in enumerate(one_sheet.title + [None, None] + one_sheet.rows + one_sheet.footer, 1) if r is header
    )
    assert [g["row_number"] for g in one.rows("group")] == [header_row + 1, header_row + 2]
    assert {g["sheet"] for g in one.rows("group")} == {"Danh sách HTX"}


def test_a_repeated_header_of_the_same_listing_does_not_split_it(tmp_path):
    from ..workbook_factory import COOP_PARENTS

    spec = coop_sheet(COOPS[:1], footer=[["DANH SÁCH HỢP TÁC XÃ (tiếp theo)"], COOP_PARENTS, COOPS[1]])
    ret = read(write_workbook(tmp_path / "r.xlsx", [spec]))
    assert [s.kind for s in ret.sheets] == ["cooperative"]
    assert [c["name"] for c in ret.rows("cooperative")] == ["HTX A", "HTX B"]


def test_a_sheet_continuing_the_cooperatives_then_holding_the_groups(tmp_path):
    # "Sheet2": the cooperatives continued without their header, then the groups under their own title and header
    first = coop_sheet(COOPS[:1])
    rest = coop_sheet([], name="Sheet2", title=COOPS[1:])  # the continued rows above the group listing
    rest.parents = ["DANH SÁCH TỔ HỢP TÁC"]
    rest.children = None
    rest.rows = [GROUP_PARENTS, *GROUPS]
    rest.footer = []
    two = read(write_workbook(tmp_path / "two.xlsx", [coop_sheet(COOPS), group_sheet(GROUPS)]))
    one = read(write_workbook(tmp_path / "one.xlsx", [first, rest]))
    assert [s.kind for s in one.sheets] == ["cooperative", "cooperative", "group"]
    assert [c["name"] for c in one.rows("cooperative")] == ["HTX A", "HTX B"]
    assert seen(one) == seen(two)


def test_groups_above_the_cooperatives_on_a_sheet_named_anyhow(tmp_path):
    from ..workbook_factory import COOP_CHILDREN, COOP_PARENTS

    spec = group_sheet(GROUPS, name="Sheet1")
    spec.footer = [[], ["DANH SÁCH HỢP TÁC XÃ"], COOP_PARENTS, COOP_CHILDREN, *COOPS]
    two = read(write_workbook(tmp_path / "two.xlsx", [coop_sheet(COOPS), group_sheet(GROUPS)]))
    one = read(write_workbook(tmp_path / "one.xlsx", [spec]))
    assert [s.kind for s in one.sheets] == ["group", "cooperative"]
    assert seen(one) == seen(two)


def test_the_file_names_a_sheet_holding_both_listings_once(tmp_path):
    one = read(
        write_workbook(
            tmp_path / "one.xlsx", [coop_sheet(COOPS, footer=[[], ["DANH SÁCH TỔ HỢP TÁC"], GROUP_PARENTS, *GROUPS])]
        )
    )
    assert [s.sheet for s in one.sheets] == ["Danh sách HTX", "Danh sách HTX"]
    assert one.sheet_names == ["Danh sách HTX"]
