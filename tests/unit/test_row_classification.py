"""Row classification by meaning, in any column order (issue 13, spec §3), on tiny hand-made rows; and the scope
each total row is compared with."""

import pandas as pd
import pytest

from kttt_pipeline.ingest.headers import locate_table
from kttt_pipeline.ingest.merged_cells import rows_with_merges_filled
from kttt_pipeline.ingest.row_classes import BLANK, END, ENTITY, HEADING, NOTE, TOTAL, RowClass
from kttt_pipeline.ingest.row_labels import GRAND, PLAIN, SUB, sector_heading, total_label
from kttt_pipeline.ingest.unit_return import _Item, listing_total_scopes
from kttt_pipeline.ingest.workbook import Grid
from kttt_pipeline.reconcile.summary_compare import compare_total_rows

from .one_row import row_class

NUMERIC = {"members", "workers"}
HEADER = ["STT", "Tên HTX", "Mã số thuế", "Lĩnh vực", "Tình trạng", "Số thành viên", "Số lao động"]
# the name column last, after the numeric columns
HEADER_NAME_LAST = ["Số thành viên", "Số lao động", "Tình trạng", "Lĩnh vực", "Mã số thuế", "STT", "Tên HTX"]


def table(header=HEADER, extra_rows=()):
    grid = Grid("DS HTX", [["UBND huyện Bình Liêu"], header, *extra_rows])
    t = locate_table(grid, "cooperative")
    assert t is not None
    return t


def put(header, **cells):
    """A row for ``header`` with the given cells by header text."""
    row = [None] * len(header)
    for h, v in cells.items():
        row[header.index(h.replace("_", " "))] = v
    return row


def kind(header, **cells) -> RowClass:
    return row_class(put(header, **cells), table(header), NUMERIC)


@pytest.mark.parametrize("header", [HEADER, HEADER_NAME_LAST], ids=["name-second", "name-last"])
@pytest.mark.parametrize("where", ["STT", "Tên_HTX"])
@pytest.mark.parametrize(
    "label,scope",
    [
        ("Cộng", PLAIN),
        ("Tổng cộng", GRAND),
        ("Tổng số", GRAND),
        ("TỔNG CỘNG", GRAND),
        ("Cộng I", SUB),
        ("Cộng lĩnh vực nông nghiệp", SUB),
        ("Cộng phi nông nghiệp", SUB),
        ("Tổng cộng (I+II)", GRAND),
        ("Cộng toàn huyện", GRAND),
        ("Toàn huyện", GRAND),
        ("Cộng chung", GRAND),
    ],
)
def test_total_rows_in_any_column_order(header, where, label, scope):
    rc = kind(header, **{where: label, "Số_thành_viên": 120, "Số_lao_động": 80})
    assert (rc.kind, rc.scope) == (TOTAL, scope)


def test_subtotal_levels_follow_their_numbering():
    assert total_label("Cộng I") == (SUB, 1)
    assert total_label("Cộng II") == (SUB, 1)
    assert total_label("Cộng A") == (SUB, 0)
    assert total_label("Cộng 1") == (SUB, 2)
    assert total_label("Cộng lĩnh vực nông nghiệp") == (SUB, None)  # the level of the section it closes


@pytest.mark.parametrize(
    "name",
    [
        "HTX nông nghiệp tổng hợp Đông Tiến",
        "HTX Cộng Hòa",
        "HTX dịch vụ Tổng cộng",
        "Cộng đồng Xanh",
        "Hợp tác xã Tổng hợp Hải Hà",
        "Tổng công ty Hải Hà",
        "Cộng Hòa",
        "HTX Tổng số",
    ],
)
def test_names_that_contain_total_words_are_entities(name):
    assert total_label(name) is None
    rc = kind(HEADER_NAME_LAST, Tên_HTX=name, STT=3, Số_thành_viên=12, Tình_trạng="Đang hoạt động")
    assert rc.kind == ENTITY
    # even without a status or a code: a name that is not a total label
    assert kind(HEADER, Tên_HTX=name, STT=3, Số_thành_viên=12).kind == ENTITY


def test_a_total_label_beside_a_cooperative_name_is_not_a_total():
    rc = kind(HEADER, STT="Tổng số", Tên_HTX="HTX Đông Tiến", Số_thành_viên=5)
    assert rc.kind == ENTITY


@pytest.mark.parametrize(
    "cells,level",
    [
        ({"Tên_HTX": "I. Nông nghiệp"}, 1),
        ({"STT": "I. NÔNG NGHIỆP"}, 1),
        ({"STT": "II", "Tên_HTX": "Phi nông nghiệp"}, 1),
        ({"Tên_HTX": "A. Lĩnh vực nông nghiệp"}, 0),
        ({"Tên_HTX": "1. Thủy sản"}, 2),
        ({"Tên_HTX": "Nông nghiệp"}, 1),
        ({"Tên_HTX": "II - Phi nông nghiệp", "Số_thành_viên": 40, "Số_lao_động": 12}, 1),  # with its subtotals
    ],
)
@pytest.mark.parametrize("header", [HEADER, HEADER_NAME_LAST], ids=["name-second", "name-last"])
def test_sector_headings(header, cells, level):
    rc = kind(header, **cells)
    assert (rc.kind, rc.level) == (HEADING, level)


def test_sector_words_that_are_not_headings():
    assert sector_heading("HTX nông nghiệp") is None  # a name
    assert sector_heading("HTX nông nghiệp tổng hợp Đông Tiến") is None
    assert sector_heading("12 Nông nghiệp") is None  # "12" without a dot is not a numbering
    # an unnamed row whose sector cell says "Nông nghiệp" and that carries figures is an entity without a name
    assert kind(HEADER, Lĩnh_vực="Nông nghiệp", Số_thành_viên=7).kind == ENTITY
    assert kind(HEADER, STT=1, Tên_HTX="HTX Nông nghiệp", Lĩnh_vực="Nông nghiệp", Số_thành_viên=7).kind == ENTITY


def test_repeated_header_rows_and_numbering_rows():
    t = table(HEADER_NAME_LAST)
    assert row_class(list(HEADER_NAME_LAST), t, NUMERIC) == RowClass(NOTE, reason="header")
    assert row_class(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"], t, NUMERIC).reason == "numbering"
    assert row_class([1, 2, 3, 4, 5, 6, 7], t, NUMERIC).reason == "numbering"  # numbers typed as numbers
    assert row_class(["A", "B", 1, 2, 3, 4, 5], t, NUMERIC).reason == "numbering"
    # a cooperative with small increasing figures is not a numbering row
    assert row_class([3, 5, "Đang hoạt động", "Nông nghiệp", None, 4, "HTX Ba"], t, NUMERIC).kind == ENTITY
    # a header row copied with other words still names the table's fields
    assert (
        row_class(
            [
                "Thành viên",
                "Lao động thường xuyên",
                "Tình trạng hoạt động",
                "Ngành nghề",
                "MST",
                "TT",
                "Tên hợp tác xã",
            ],
            t,
            NUMERIC,
        ).reason
        == "header"
    )


def test_a_copied_header_needs_most_of_its_texts_to_be_the_headers():
    """Two texts equal to the header's among three (67 %) copy it; two among four (50 %) do not (60 % needed),
    nor does a row with a figure; three texts naming fields among five (60 %) do."""
    t = table()
    assert row_class(["STT", "Tên HTX", "Thôn Đông"], t, NUMERIC).reason == "header"
    assert row_class(["STT", "Tên HTX", "Thôn Đông", "Xem lại"], t, NUMERIC).reason != "header"
    assert row_class(["STT", "Tên HTX", "Thôn Đông", None, None, 12], t, NUMERIC).reason != "header"
    named = ["TT", "Tên hợp tác xã", "MST", "Thôn Đông", "Xem lại"]
    assert row_class(named, t, NUMERIC).reason == "header"
    assert row_class([*named[:2], "Thôn Đông", "Xem lại", "Ký tên"], t, NUMERIC).reason != "header"
    assert row_class([*named[:2], "Thôn Đông"], t, NUMERIC).reason != "header"  # two fields named: never enough


def test_a_numbering_row_numbers_most_columns_and_at_least_three():
    t = table()  # seven columns: five numbers (71 %) number them, four (57 %) do not
    assert row_class([None, None, "(3)", "(4)", "(5)", "(6)", "(7)"], t, NUMERIC).reason == "numbering"
    assert row_class([None, None, None, "(4)", "(5)", "(6)", "(7)"], t, NUMERIC).kind == ENTITY  # figures "(6)"

    class Narrow:  # a table of few columns
        def field_index(self):
            return {"seq": 0, "members": 3, "name": 4}

    assert row_class([1, 2, 3], Narrow(), {"members"}).reason == "numbering"
    assert row_class([1, 2], Narrow(), {"members"}).reason == "text"
    assert row_class([1, 3, 2], Narrow(), {"members"}).reason == "text"  # numbers out of order
    assert row_class([1, 1, 2], Narrow(), {"members"}).reason == "text"


@pytest.mark.parametrize(
    "tax_code, expected",
    [("570012345", ENTITY), (570012345.0, ENTITY), ("5700-123-45", ENTITY), ("57001234", TOTAL), (57001234, TOTAL)],
)
def test_nine_digits_of_a_tax_code_make_a_row_a_cooperative_whatever_its_name_says(tax_code, expected):
    """A row with a tax code (at least nine digits) is an entity even when its name cell reads like a total."""
    assert kind(HEADER, Tên_HTX="Cộng", Mã_số_thuế=tax_code, Số_thành_viên=3).kind == expected


def test_numbering_row_under_the_header_is_part_of_the_header():
    t = table(HEADER, extra_rows=[["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"]])
    assert (t.header_index, t.header_rows) == (1, 2)


@pytest.mark.parametrize(
    "text",
    [
        "Người lập biểu",
        "NGƯỜI LẬP BIỂU",
        "TM. UBND HUYỆN",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "Bình Liêu, ngày 14 tháng 10 năm 2024",
        "Bình Liêu, ngày    tháng    năm 2024",
        "Thủ trưởng đơn vị",
    ],
)
@pytest.mark.parametrize("where", ["STT", "Tên_HTX", "Số_lao_động"])
def test_signature_block_ends_the_table_wherever_it_stands(text, where):
    assert kind(HEADER_NAME_LAST, **{where: text}).kind == END


@pytest.mark.parametrize(
    "text",
    [
        "Ghi chú: số liệu ước tính",
        "(*) HTX mới thành lập",
        "* Số liệu đến 30/9",
        "Nguồn: Phòng Tài chính - Kế hoạch",
        "Lưu ý: …",
        "Không có",
    ],
)
@pytest.mark.parametrize("header", [HEADER, HEADER_NAME_LAST], ids=["name-second", "name-last"])
def test_note_lines_in_the_name_column(header, text):
    assert kind(header, Tên_HTX=text).kind == NOTE


def test_a_cooperative_row_is_never_a_note_or_a_signature():
    # strong evidence (a status, a tax code) wins over words that look like a note or a signature
    assert kind(HEADER, Tên_HTX="(*) HTX Đông Tiến", Tình_trạng="Đang hoạt động").kind == ENTITY
    assert kind(HEADER, Tên_HTX="HTX TM dịch vụ Hải Hà", Mã_số_thuế="5701000102").kind == ENTITY
    assert kind(HEADER, Tên_HTX="HTX Đông Tiến", Số_thành_viên=5).kind == ENTITY
    assert kind(HEADER).kind == BLANK


def test_vertical_merges_fill_sectors_and_statuses_but_never_counts():
    rows = [
        ["UBND huyện Bình Liêu"],
        HEADER,
        [1, "HTX A", None, "Nông nghiệp", "Đang hoạt động", 10, 5],
        [2, "HTX B", None, None, None, None, 6],
        [3, "HTX C", None, None, "Tạm ngừng hoạt động", 7, 1],
    ]
    grid = Grid("DS HTX", rows, merged=[((2, 3), (4, 3)), ((2, 4), (3, 4)), ((2, 5), (3, 5)), ((0, 0), (0, 6))])
    t = locate_table(grid, "cooperative")
    filled = rows_with_merges_filled(grid, t)
    assert [r[3] for r in filled[2:]] == ["Nông nghiệp"] * 3
    assert [r[4] for r in filled[2:]] == ["Đang hoạt động", "Đang hoạt động", "Tạm ngừng hoạt động"]
    assert filled[3][5] is None  # a merged count is not repeated
    assert grid.rows[3][3] is None  # the sheet as read is untouched


def test_three_row_header_with_managers_over_their_levels():
    rows = [
        ["UBND huyện Bình Liêu"],
        ["STT", "Tên HTX", "Tình trạng", "Cán bộ quản lý", None, None],
        [None, None, None, "Tổng số", "Trình độ", None],
        [None, None, None, None, "Sơ cấp, trung cấp", "Cao đẳng, đại học trở lên"],
        [1, "HTX A", "Đang hoạt động", 3, 2, 1],
    ]
    grid = Grid(
        "DS HTX",
        rows,
        merged=[
            ((1, 3), (1, 5)),
            ((2, 4), (2, 5)),
            ((2, 3), (3, 3)),
            ((1, 0), (3, 0)),
            ((1, 1), (3, 1)),
            ((1, 2), (3, 2)),
        ],
    )
    t = locate_table(grid, "cooperative")
    assert t.header_rows == 3 and t.data_start == 4
    assert t.field_index() == {
        "seq": 0,
        "name": 1,
        "status": 2,
        "managers": 3,
        "managers_primary_secondary": 4,
        "managers_college_plus": 5,
    }
    # the same without merge information (.ods from some tools, hand-made files)
    t2 = locate_table(Grid("DS HTX", rows), "cooperative")
    assert t2.field_index() == t.field_index() and t2.data_start == 4


# ------------------------------------------------------------------ scopes of total rows


def _items(spec):
    """'e' entity, 'H1' heading level 1, 'Hn1' heading with figures, 'S' / 'S1' subtotal, 'G' grand, 'P' bare
    'Cộng'; rows numbered from 1 on sheet 'A' (or 'B' after '|')."""
    out, sheet, n = [], "A", 0
    for tok in spec.split():
        if tok == "|":
            sheet, n = "B", 0
            continue
        n += 1
        if tok == "e":
            out.append(_Item(ENTITY, sheet, n))
        elif tok.startswith("Hn"):
            out.append(
                _Item(HEADING, sheet, n, RowClass(HEADING, level=int(tok[2:]), has_numbers=True), [("members", 1.0)])
            )
        elif tok.startswith("H"):
            out.append(_Item(HEADING, sheet, n, RowClass(HEADING, level=int(tok[1:]))))
        else:
            scope = {"S": SUB, "G": GRAND, "P": PLAIN}[tok[0]]
            level = int(tok[1:]) if len(tok) > 1 else None
            out.append(_Item(TOTAL, sheet, n, RowClass(TOTAL, scope=scope, level=level), [("members", 1.0)]))
    return out


def scopes(spec):
    return [[r for _, r in scope] for _, scope, _ in listing_total_scopes(_items(spec))]


def test_subtotals_cover_their_own_section_and_the_grand_total_everything():
    #            1  2 3 4 5  6  7 8 9
    assert scopes("H1 e e S1 H1 e e S1 G") == [[2, 3], [6, 7], [2, 3, 6, 7]]
    # bare "Cộng" closing each section, then a grand total
    assert scopes("H1 e e P H1 e P G") == [[2, 3], [6], [2, 3, 6]]
    # a grand total at the top, headings carrying their sections' figures
    assert scopes("G Hn1 e e Hn1 e e") == [[3, 4, 6, 7], [3, 4], [6, 7]]
    # a bare "Cộng" with no section open is the whole listing's
    assert scopes("e e e P") == [[1, 2, 3]]
    # a subtotal of a deeper level does not close the outer section
    assert scopes("H1 H2 e S2 H2 e e S2 S1 G") == [[3], [6, 7], [3, 6, 7], [3, 6, 7]]


def test_one_grand_total_covers_a_listing_continued_on_another_sheet():
    items = _items("e e e | e e G")
    ((_, scope, _),) = listing_total_scopes(items)
    assert scope == (("A", 1), ("A", 2), ("A", 3), ("B", 1), ("B", 2))


def _detail(rows):
    return {
        ("f.xlsx", sheet, "cooperative"): pd.DataFrame([r for r in rows if r["sheet"] == sheet])
        for sheet in {r["sheet"] for r in rows}
    }


def test_no_spurious_mismatch_from_subtotals_and_a_real_one_found():
    rows = [{"sheet": "A", "row_number": n, "members": m} for n, m in ((2, 10), (3, 20), (6, 5))]
    totals = pd.DataFrame(
        [
            {
                "source_file": "f.xlsx",
                "record_type": "cooperative",
                "sheet": "A",
                "row_number": 4,
                "field": "members",
                "value": 30.0,
                "scope": (("A", 2), ("A", 3)),
                "alt_scope": None,
                "label": "Cộng I",
            },
            {
                "source_file": "f.xlsx",
                "record_type": "cooperative",
                "sheet": "A",
                "row_number": 7,
                "field": "members",
                "value": 6.0,
                "scope": (("A", 6),),
                "alt_scope": None,
                "label": "Cộng II",
            },  # wrong: 5
            {
                "source_file": "f.xlsx",
                "record_type": "cooperative",
                "sheet": "A",
                "row_number": 8,
                "field": "members",
                "value": 35.0,
                "scope": (("A", 2), ("A", 3), ("A", 6)),
                "alt_scope": None,
                "label": "Tổng cộng",
            },
        ]
    )
    findings = compare_total_rows(totals, _detail(rows), {"f.xlsx": "198"})
    assert [(f.kind, f.row_number, f.value_reported, f.value_computed) for f in findings] == [
        ("SUMMARY_MISMATCH", 7, "6", "5")
    ]
    assert "Cộng II" in findings[0].detail


def test_a_bare_cong_whose_figures_fit_the_whole_listing_is_read_so():
    # I / rows / II / rows / "Cộng" = everything: the clerk's grand total, not section II's subtotal
    rows = [{"sheet": "A", "row_number": n, "members": m} for n, m in ((2, 10), (4, 5))]
    totals = pd.DataFrame(
        [
            {
                "source_file": "f.xlsx",
                "record_type": "cooperative",
                "sheet": "A",
                "row_number": 5,
                "field": "members",
                "value": 15.0,
                "scope": (("A", 4),),
                "alt_scope": (("A", 2), ("A", 4)),
                "label": "Cộng",
            }
        ]
    )
    assert compare_total_rows(totals, _detail(rows), {"f.xlsx": "198"}) == []
    totals.loc[0, "value"] = 16.0  # fits neither: compared with its section
    (f,) = compare_total_rows(totals, _detail(rows), {"f.xlsx": "198"})
    assert (f.value_reported, f.value_computed) == ("16", "5")


def test_more_meanings():
    # a numbered section that is not a sector is a heading; a name is not
    assert kind(HEADER, Tên_HTX="I. HTX đang hoạt động").kind == HEADING
    assert kind(HEADER_NAME_LAST, Tên_HTX="B. Hợp tác xã phi nông nghiệp").kind == HEADING
    assert kind(HEADER, STT=4, Tên_HTX="HTX A Lừ", Số_thành_viên=3).kind == ENTITY
    # a total row may write the number of cooperatives in the name column
    assert kind(HEADER, STT="Tổng cộng", Tên_HTX="12 HTX", Số_thành_viên=40).kind == TOTAL
    assert kind(HEADER_NAME_LAST, STT="Cộng", Tên_HTX="12", Số_thành_viên=40).kind == TOTAL
    # a date line of the signature block written with slashes
    assert kind(HEADER, Số_lao_động="Bình Liêu, ngày 14/10/2024").kind == END


def test_a_row_of_units_under_the_header_belongs_to_it():
    t = table(HEADER, extra_rows=[[None, None, None, None, None, "(người)", "(người)"]])
    assert (t.header_rows, t.data_start) == (2, 3)
    assert t.field_index()["members"] == 5
    grid = Grid(
        "DS HTX",
        [
            ["UBND huyện Bình Liêu"],
            ["STT", "Tên HTX", "Tình trạng", "Số thành viên", "Vốn điều lệ"],
            [None, None, None, "(người)", "(tỷ đồng)"],
        ],
    )
    t = locate_table(grid, "cooperative")
    assert t.factor_for("charter_capital") == 1000.0


def test_rows_without_a_sector_take_the_sector_of_their_heading(tmp_path):
    from kttt_pipeline.ingest.unit_return import read_unit_return
    from kttt_pipeline.ingest.workbook import read_workbook

    from ..workbook_factory import SheetSpec, write_workbook
    from .test_ingest import MATCHER

    parents = ["Tên HTX", "STT", "Lĩnh vực", "Tình trạng", "Số thành viên", "Số lao động"]
    rows = [
        [None, "I", "Nông nghiệp", None, None, None],  # "I" | "Nông nghiệp" split over the STT and sector cells
        ["HTX A", 1, None, "Đang hoạt động", 5, 3],
        ["II. Phi nông nghiệp", None, None, None, None, None],
        ["HTX B", 2, None, "Đang hoạt động", 6, 2],
        ["HTX C", 3, "Vận tải", "Đang hoạt động", 7, 1],
        ["III. Lĩnh vực thủy sản", None, None, None, None, None],
        ["HTX D", 4, None, "Đang hoạt động", 8, 4],
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
    assert [(c["name"], c["sector"]) for c in ret.rows("cooperative")] == [
        ("HTX A", "AGRI"),
        ("HTX B", None),
        ("HTX C", "TRANSPORT"),
        ("HTX D", "AGRI"),
    ]


def test_breakdown_lines_under_a_total_are_neither_entities_nor_compared():
    for label in ("Trong đó: nông nghiệp", "Trong đó", "Tổng số HTX đang hoạt động", "Chia ra: - Vận tải"):
        rc = kind(HEADER_NAME_LAST, Tên_HTX=label, Số_thành_viên=40)
        assert (rc.kind, rc.reason) == (NOTE, "breakdown"), label
    assert total_label("Cộng lũy kế") == (GRAND, None)
    assert kind(HEADER, Tên_HTX="HTX Trong Đồng", Số_thành_viên=4).kind == ENTITY


def test_a_merged_run_passing_over_a_total_or_blank_row_leaves_it_as_written():
    rows = [
        ["UBND huyện Bình Liêu"],
        HEADER,
        [1, "HTX A", None, "Nông nghiệp", "Đang hoạt động", 10, 5],
        [None, "Cộng I", None, None, None, 10, 5],
        [None] * 7,
        [2, "HTX B", None, None, None, 4, 2],
    ]
    grid = Grid("DS HTX", rows, merged=[((2, 4), (5, 4)), ((2, 3), (5, 3))])
    t = locate_table(grid, "cooperative")
    filled = rows_with_merges_filled(grid, t, NUMERIC)
    assert filled[3][4] is None and row_class(filled[3], t, NUMERIC).kind == TOTAL
    assert all(v is None for v in filled[4])
    assert filled[5][3:5] == ["Nông nghiệp", "Đang hoạt động"]
