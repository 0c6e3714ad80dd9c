"""Issue 24: a total or subtotal is known by its form ("Cộng …", "Tổng …" with any section wording after it), never
by the section names it carries; a cooperative's name and a row that plainly is a cooperative stay entities."""

import pandas as pd
import pytest

from kttt_pipeline.ingest.headers import locate_table
from kttt_pipeline.ingest.row_classes import ENTITY, NOTE, TOTAL, row_classes
from kttt_pipeline.ingest.row_labels import GRAND, PLAIN, SUB, total_label
from kttt_pipeline.ingest.workbook import Grid
from kttt_pipeline.reconcile.summary_compare import compare_total_rows

from .one_row import row_class

NUMERIC = {"members", "workers"}
HEADER = ["STT", "Tên HTX", "Mã số thuế", "Lĩnh vực", "Tình trạng", "Số thành viên", "Số lao động"]
HEADER_NAME_LAST = ["Số thành viên", "Số lao động", "Tình trạng", "Lĩnh vực", "Mã số thuế", "STT", "Tên HTX"]

# (label, level): subtotals written in the clerks' own words
FREE_SUBTOTALS = [
    ("Cộng lĩnh vực thương mại, dịch vụ và khác", None),
    ("CỘNG LĨNH VỰC THƯƠNG MẠI, DỊCH VỤ VÀ KHÁC", None),
    ("Cộng lĩnh vực thương mại, dịch vụ", None),
    ("Cộng thương mại, dịch vụ và khác", None),
    ("Cộng Thương mại - Dịch vụ", None),
    ("Cộng ngành công nghiệp, xây dựng", None),
    ("Cộng các HTX nông nghiệp", None),
    ("Cộng nhóm trồng trọt, chăn nuôi", None),
    ("Cộng trồng trọt, chăn nuôi", None),
    ("Cộng loại hình dịch vụ khác", None),
    ("Tổng lĩnh vực dịch vụ khác", None),
    ("Tổng cộng lĩnh vực vận tải và môi trường", None),
    ("Tổng ngành tiểu thủ công nghiệp và làng nghề", None),
    ("Cộng hợp tác xã nông nghiệp", None),
    ("Cộng III - Thương mại, dịch vụ", 1),
    ("Cộng 2. Trồng trọt", 2),
    ("Cộng B: phi nông nghiệp và khác", 0),
    # the forms recognised before stay as they were
    ("Cộng III", 1),
    ("Cộng lĩnh vực nông nghiệp", None),
    ("Cộng phi nông nghiệp", None),
]

# names that begin with a total word, or carry one, and are no total
NAMES = [
    "HTX Cộng Hòa",
    "Cộng Hòa",
    "CỘNG HÒA",
    "Cộng hoà Xanh",
    "Cộng đồng Xanh",
    "Cộng đồng dịch vụ môi trường",
    "Tổng công ty Hải Hà",
    "Tổng hợp Đông Tiến",
    "Tổng kho nông sản Bắc",
    "Cộng Lạc",
    "Cộng Hiền nông nghiệp",
    "Tổng Đức",
    "Cộng tác xã viên Hải Hà",
    "Cộng sản xuất nấm",
    "HTX nông nghiệp tổng hợp Đông Tiến",
    "HTX dịch vụ Tổng cộng",
    "Hợp tác xã Tổng hợp Hải Hà",
    "HTX Tổng số",
]


def table(header):
    t = locate_table(Grid("DS HTX", [["UBND huyện Bình Liêu"], header]), "cooperative")
    assert t is not None
    return t


def put(header, **cells):
    row = [None] * len(header)
    for h, v in cells.items():
        row[header.index(h.replace("_", " "))] = v
    return row


def both(header, row):
    """The class of ``row`` alone and among a sheet's rows (a blank row, a plain entity), which must agree."""
    t = table(header)
    one = row_class(row, t, NUMERIC)
    entity = [None] * len(header)
    entity[header.index("Tên HTX")], entity[header.index("Số thành viên")] = "HTX Đông Tiến", 7
    assert row_classes([[None] * len(header), row, entity], t, NUMERIC)[1] == one
    return one


@pytest.mark.parametrize("label,level", FREE_SUBTOTALS)
def test_free_worded_subtotals_are_subtotals(label, level):
    assert total_label(label) == (SUB, level)


@pytest.mark.parametrize("header", [HEADER, HEADER_NAME_LAST], ids=["name-second", "name-last"])
@pytest.mark.parametrize("where", ["STT", "Tên_HTX"])
@pytest.mark.parametrize("label,level", FREE_SUBTOTALS[:8])
def test_free_worded_subtotal_rows_in_any_column(header, where, label, level):
    rc = both(header, put(header, **{where: label, "Số_thành_viên": 120, "Số_lao_động": 80}))
    assert (rc.kind, rc.scope, rc.level) == (TOTAL, SUB, level)


@pytest.mark.parametrize(
    "label,scope",
    [
        ("Cộng các HTX", GRAND),
        ("Cộng các hợp tác xã", GRAND),
        ("Cộng hợp tác xã", GRAND),
        ("Tổng các THT", GRAND),
        ("Tổng số HTX trên địa bàn", GRAND),
        ("Tổng số hợp tác xã trên địa bàn xã", GRAND),
        ("Tổng số các HTX", GRAND),
        ("Cộng các HTX trên địa bàn", PLAIN),  # like a bare "Cộng": the open section's, else the whole listing's
        ("Tổng cộng (I+II)", GRAND),
        ("Tổng hợp chung", GRAND),
        ("Tổng hợp chung toàn huyện", GRAND),
    ],
)
def test_whole_listing_wordings(label, scope):
    assert total_label(label) == (scope, None)


def test_a_listing_part_in_free_words_is_a_breakdown():
    assert total_label("Cộng các HTX đang hoạt động")[0] == "part"
    rc = both(HEADER, put(HEADER, Tên_HTX="Cộng các HTX đang hoạt động", Số_thành_viên=40))
    assert (rc.kind, rc.reason) == (NOTE, "breakdown")


@pytest.mark.parametrize("name", NAMES)
def test_names_stay_names(name):
    assert total_label(name) is None
    for header in (HEADER, HEADER_NAME_LAST):
        assert both(header, put(header, STT=3, Tên_HTX=name, Số_thành_viên=12)).kind == ENTITY
        assert (
            both(header, put(header, STT=3, Tên_HTX=name, Số_thành_viên=12, Tình_trạng="Đang hoạt động")).kind == ENTITY
        )


@pytest.mark.parametrize("evidence", [{"Tình_trạng": "Đang hoạt động"}, {"Mã_số_thuế": "5701234567"}])
def test_a_row_that_plainly_is_a_cooperative_is_never_a_total(evidence):
    # a clerk's name beginning with a total form, with a status or a tax code: a cooperative
    rc = both(HEADER, put(HEADER, STT=4, Tên_HTX="Cộng trồng trọt Hải Hà", Số_thành_viên=9, **evidence))
    assert rc.kind == ENTITY


def test_a_free_worded_subtotal_closes_its_section_and_nothing_is_a_false_mismatch(tmp_path):
    """The issue's case: "Cộng lĩnh vực thương mại, dịch vụ và khác" under heading III is section III's subtotal,
    never a cooperative, and the grand total is compared with the cooperatives only."""
    from kttt_pipeline.ingest.unit_return import read_unit_return
    from kttt_pipeline.ingest.workbook import read_workbook

    from ..workbook_factory import SheetSpec, write_workbook
    from .test_ingest import MATCHER

    parents = ["STT", "Tên HTX", "Lĩnh vực", "Tình trạng", "Số thành viên", "Số lao động"]
    rows = [
        ["I", "Lĩnh vực nông nghiệp", None, None, None, None],
        [1, "HTX A", "Nông nghiệp", "Đang hoạt động", 5, 3],
        [2, "HTX B", "Nông nghiệp", "Đang hoạt động", 6, 2],
        [None, "Cộng lĩnh vực nông nghiệp", None, None, 11, 5],
        ["II", "Lĩnh vực thương mại, dịch vụ và khác", None, None, None, None],
        [3, "HTX C", "Thương mại", "Đang hoạt động", 7, 1],
        [4, "HTX D", "Vận tải", "Đang hoạt động", 8, 4],
        [None, "Cộng lĩnh vực thương mại, dịch vụ và khác", None, None, 15, 5],
        [None, "Tổng cộng", None, None, 26, 10],
    ]
    ret = read_unit_return(
        read_workbook(
            write_workbook(
                tmp_path / "r.xlsx", [SheetSpec("DS HTX", [["UBND huyện Bình Liêu"]], parents, None, rows=rows)]
            )
        ),
        "r.xlsx",
        MATCHER,
    )
    coops = ret.rows("cooperative")
    assert [c["name"] for c in coops] == ["HTX A", "HTX B", "HTX C", "HTX D"]
    totals = pd.DataFrame([{**t, "source_file": "r.xlsx"} for t in ret.totals])
    by_label = {t["label"]: [r for _, r in t["scope"]] for t in ret.totals if t["field"] == "members"}
    a, b, c, d = (r["row_number"] for r in coops)
    assert by_label == {
        "Cộng lĩnh vực nông nghiệp": [a, b],
        "Cộng lĩnh vực thương mại, dịch vụ và khác": [c, d],
        "Tổng cộng": [a, b, c, d],
    }
    detail = {("r.xlsx", "DS HTX", "cooperative"): pd.DataFrame(coops)}
    assert compare_total_rows(totals, detail, {"r.xlsx": "198"}) == []
