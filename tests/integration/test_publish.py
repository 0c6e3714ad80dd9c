"""Published documents (issue 7): the appendix workbook checked cell by cell against the warehouse the test
built, the §1.1 paragraph's numbers against rpt_indicator, hostile names kept as text, incomplete periods
marked, Vietnamese number formatting.

The warehouse is a SQLite file created by the real migrations (``kttt_pipeline.warehouse.migrate.upgrade``,
what every load runs first) and filled through the models' tables.
Its figures are those of a real period (the specimen's 2024-Q3 province figures and the plan's targets), so
the documents look like the real ones; the package itself never contains them.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import Table, create_engine, insert

from kttt_pipeline.core import numfmt
from kttt_pipeline.core.findings import finding_kinds, kind_label, rule_label, severity_label
from kttt_pipeline.core.values import parse_number
from kttt_pipeline.core.vocabulary import indicators
from kttt_pipeline.publish.appendix import (
    FIGURE_ROWS,
    FIGURES_NOTE_COL,
    SHEET_FIGURES,
    SHEET_FINDINGS,
    SHEET_SECTOR,
    SHEET_UNIONS,
    SHEET_UNITS,
    UNIT_COLUMNS,
    UNITS_NOTE_COL,
    write_appendix,
    write_findings_detail,
)
from kttt_pipeline.publish.charts import write_charts
from kttt_pipeline.publish.paragraph import render_paragraph, write_paragraph
from kttt_pipeline.publish.report import publish_period
from kttt_pipeline.publish.warehouse_reader import load_period_data
from kttt_pipeline.warehouse.migrate import upgrade
from kttt_pipeline.warehouse.models import Base

PERIOD = "2024-Q3"
PROVINCE = "22"

# ---- a realistic period ----------------------------------------------------------------------------------

PROVINCE_FIGURES: dict[str, float] = {
    "HTX_TOTAL": 895,
    "HTX_ACTIVE": 665,
    "HTX_GOOD": 230,
    "HTX_AVERAGE": 435,
    "HTX_WEAK": 89,
    "HTX_SUSPENDED": 14,
    "HTX_NOT_STARTED": 94,
    "HTX_DISSOLVING": 33,
    "HTX_INACTIVE": 230,
    "HTX_NEW": 148,
    "HTX_DISSOLVED": 1,
    "HTX_SECTOR_AGRI": 669,
    "HTX_SECTOR_INDUSTRY": 40,
    "HTX_SECTOR_CONSTRUCTION": 20,
    "HTX_SECTOR_ENVIRONMENT": 12,
    "HTX_SECTOR_TRANSPORT": 41,
    "HTX_SECTOR_TRADE": 98,
    "HTX_SECTOR_OTHER": 15,
    "HTX_MEMBERS": 58500,
    "HTX_WORKERS": 73388,
    "HTX_MEMBER_WORKERS": 44377,
    "HTX_MANAGERS": 5668,
    "HTX_MANAGERS_PRIMARY_SECONDARY": 4000,
    "HTX_MANAGERS_COLLEGE_PLUS": 1300,
    "HTX_CHARTER_CAPITAL": 3030600.0,
    "HTX_AVG_REVENUE": 870.0,
    "HTX_AVG_PROFIT": 300.0,
    "HTX_AVG_INCOME": 68.0,
    "HTX_OCOP": 90,
    "HTX_OCOP_AGRI": 83,
    "HTX_HIGHTECH": 33,
    "HTX_IN_CHAINS": 28,
    "THT_TOTAL": 215,
    "THT_SECTOR_AGRI": 110,
    "THT_SECTOR_INDUSTRY": 64,
    "THT_SECTOR_OTHER": 41,
    "THT_MEMBERS": 1505,
    "THT_AVG_REVENUE": 300.0,
    "THT_AVG_INCOME_MONTH": 3.4999999999999987,
    "LHHTX_TOTAL": 3,
    "LHHTX_AGRI": 2,
    "LHHTX_MEMBER_HTX": 13,
    "LHHTX_WORKERS": 80,
    "LHHTX_CHARTER_CAPITAL": 66100,
    "QTDND_TOTAL": 2,
    "QTDND_MEMBERS": 2167,
    "QTDND_WORKERS": 18,
    "QTDND_MANAGERS": 8,
    "QTDND_TOTAL_CAPITAL": 226157,
    "QTDND_EQUITY": 19786,
    "QTDND_MOBILISED": 199858,
    "QTDND_LOANS": 155748,
}
TARGETS = {"HTX_TOTAL": 747, "HTX_NEW": 55, "HTX_MEMBERS": 60000, "THT_TOTAL": 200}
# cooperatives per reporting unit (sums to 895)
UNIT_WEIGHTS = {
    "193": 140,
    "194": 45,
    "195": 55,
    "196": 60,
    "198": 50,
    "199": 70,
    "200": 55,
    "201": 70,
    "202": 40,
    "203": 65,
    "205": 120,
    "206": 95,
    "207": 30,
}
ADMIN_UNITS = [
    ("22", "province", "Quảng Ninh", "Tỉnh", None),
    ("193", "district", "Hạ Long", "Thành phố", "22"),
    ("194", "district", "Móng Cái", "Thành phố", "22"),
    ("195", "district", "Cẩm Phả", "Thành phố", "22"),
    ("196", "district", "Uông Bí", "Thành phố", "22"),
    ("198", "district", "Bình Liêu", "Huyện", "22"),
    ("199", "district", "Tiên Yên", "Huyện", "22"),
    ("200", "district", "Đầm Hà", "Huyện", "22"),
    ("201", "district", "Hải Hà", "Huyện", "22"),
    ("202", "district", "Ba Chẽ", "Huyện", "22"),
    ("203", "district", "Vân Đồn", "Huyện", "22"),
    ("205", "district", "Đông Triều", "Thị xã", "22"),
    ("206", "district", "Quảng Yên", "Thị xã", "22"),
    ("207", "district", "Cô Tô", "Huyện", "22"),
]
HOSTILE = ['=HYPERLINK("http://evil.example/x","bấm vào đây")', "+1", "-x", "@SUM(A1:A9)", "=1+1", "-2+3"]

SECTORS = ("AGRI", "INDUSTRY", "CONSTRUCTION", "ENVIRONMENT", "TRANSPORT", "TRADE", "OTHER")


def _apportion(total: float, weights: dict[str, int]) -> dict[str, int]:
    """Integer split of ``total`` proportional to ``weights`` (largest remainder), summing exactly."""
    wsum = sum(weights.values())
    raw = {k: total * w / wsum for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    rest = int(round(total)) - sum(out.values())
    for k in sorted(raw, key=lambda k: raw[k] - out[k], reverse=True)[:rest]:
        out[k] += 1
    return out


def _cooperatives(rng: random.Random) -> list[dict]:
    """895 counted cooperatives whose sector and status totals equal PROVINCE_FIGURES."""
    f = PROVINCE_FIGURES
    sectors = [s for s in SECTORS for _ in range(int(f[f"HTX_SECTOR_{s}"]))]
    states = (
        [("ACTIVE", "GOOD", True)] * 150
        + [("ACTIVE", "FAIR", True)] * 80
        + [("ACTIVE", "AVERAGE", True)] * 433
        + [("ACTIVE", None, True)] * 2
        + [("ACTIVE", "WEAK", False)] * 89
        + [("SUSPENDED", None, False)] * 14
        + [("NOT_STARTED", None, False)] * 94
        + [("DISSOLVING", None, False)] * 33
    )
    assert len(sectors) == len(states) == f["HTX_TOTAL"]
    rng.shuffle(states)
    units = [u for u, n in UNIT_WEIGHTS.items() for _ in range(n)]
    out = []
    for i, (sector, (status, grade, active), unit) in enumerate(zip(sectors, states, units)):
        code = f"57{i:08d}"
        out.append(
            dict(
                province_code=PROVINCE,
                period=PERIOD,
                coop_key=code,
                unit_code=unit,
                name=f"HTX số {i + 1}",
                tax_code=code,
                tax_code_written=code,
                match_method="tax_code",
                sector=sector,
                status_reported=status,
                status=status,
                grade=grade,
                in_total=True,
                is_active=active,
                members=60,
                workers=80,
            )
        )
    # hostile names written by clerks: must stay text in every published workbook
    for i, name in enumerate(HOSTILE):
        out[i]["name"] = name
    out.append(
        dict(out[-1], coop_key="5799999999", tax_code="5799999999", name="HTX đã loại", in_total=False, is_active=False)
    )
    return out


FINDINGS = [
    (
        "STATUS_OVERRIDE",
        "warning",
        "202",
        "5712705619",
        "Đang hoạt động",
        "Tạm ngừng hoạt động",
        "7.4",
        "Huyện báo 'Đang hoạt động', cơ quan thuế: trạng thái 05 → 'Tạm ngừng hoạt động'",
    ),
    (
        "SUMMARY_MISMATCH",
        "warning",
        "193",
        "HTX_MANAGERS",
        "5500",
        "5668",
        "7.5",
        "Biểu tổng hợp ghi 5.500 cán bộ quản lý, danh sách chi tiết cộng được 5.668",
    ),
    (
        "ROW_QUARANTINED",
        "error",
        "205",
        "5754664918",
        "12",
        "9",
        "7.6",
        "Lao động là thành viên (12) lớn hơn tổng số lao động (9): dòng bị loại",
    ),
    (
        "NAME_MATCH",
        "info",
        "206",
        "5768341963",
        None,
        None,
        "7.1",
        "Tên 'HTX nông nghiệp Tuyền Huyền' khớp với 'HỢP TÁC XÃ NÔNG NGHIỆP TUYỀN HIỀN'",
    ),
    ("GRADE_MISSING", "warning", "193", "5700000000", None, None, "7.8", "HTX đang hoạt động chưa được xếp loại"),
    (
        "WORDS_DROPPED",
        "warning",
        "195",
        "5700000001",
        "khoảng 58",
        "58",
        "6",
        "Số thành viên ghi 'khoảng 58': đã bỏ chữ",
    ),
]
HOSTILE_FINDINGS = [
    ("NO_TAX_RECORD", "warning", "195", HOSTILE[0], HOSTILE[1], HOSTILE[2], "7.1", HOSTILE[3]),
    ("DUPLICATE", "warning", "195", HOSTILE[4], "@x", "=A1", "7.2", HOSTILE[5]),
]


def build_warehouse(path: Path, *, missing: tuple[str, ...] = (), findings: bool = True) -> object:
    """A SQLite warehouse holding one realistic period; ``missing`` unit codes sent nothing."""
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine)
    t = Base.metadata.tables
    rng = random.Random(7)
    present = {u: w for u, w in UNIT_WEIGHTS.items() if u not in missing}
    complete = not missing
    with engine.begin() as conn:
        conn.execute(
            insert(t["admin_unit"]),
            [
                dict(
                    unit_code=c,
                    level=lvl,
                    name_vi=n,
                    kind_vi=k,
                    parent_code=p,
                    valid_from=None,
                    valid_to=None if lvl == "province" else dt.date(2025, 6, 30),
                )
                for c, lvl, n, k, p in ADMIN_UNITS
            ],
        )
        rows = []
        province = dict(PROVINCE_FIGURES)
        for code in [c for c in province if c.startswith(("HTX_SECTOR_", "THT_SECTOR_"))]:
            base = "HTX_TOTAL" if code.startswith("HTX") else "THT_TOTAL"
            province[f"{code}_PCT"] = 100 * province[code] / province[base]
        for code, target in TARGETS.items():
            if code in ("HTX_TOTAL", "HTX_NEW"):
                province[f"{code}_PCT_PLAN"] = 100 * province[code] / target
        for code, value in province.items():
            rows.append(
                dict(
                    province_code=PROVINCE,
                    period=PERIOD,
                    unit_code=PROVINCE,
                    indicator_code=code,
                    value=value,
                    is_complete=complete if not code.startswith(("LHHTX", "QTDND")) else True,
                )
            )
        for _, code in UNIT_COLUMNS:
            split = _apportion(PROVINCE_FIGURES[code], UNIT_WEIGHTS)
            for unit in present:
                rows.append(
                    dict(
                        province_code=PROVINCE,
                        period=PERIOD,
                        unit_code=unit,
                        indicator_code=code,
                        value=split[unit],
                        is_complete=True,
                    )
                )
        conn.execute(insert(t["rpt_indicator"]), rows)
        conn.execute(
            insert(t["target"]),
            [
                dict(province_code=PROVINCE, year=2024, indicator_code=c, value=v, source_file="targets/2024.xlsx")
                for c, v in TARGETS.items()
            ],
        )
        conn.execute(
            insert(t["period_status"]),
            [
                dict(
                    province_code=PROVINCE,
                    period=PERIOD,
                    units_expected=len(UNIT_WEIGHTS),
                    units_present=len(present),
                    units_missing=",".join(missing) or None,
                    is_complete=complete,
                    files_seen=16,
                    files_rejected=0,
                )
            ],
        )
        coops = [c for c in _cooperatives(rng) if c["unit_code"] in present]
        conn.execute(insert(t["cooperative"]), coops)
        # Biểu 02's cross-tab as the reconcile stage computes it from these cooperatives
        from kttt_pipeline.core.periods import Period
        from kttt_pipeline.reconcile.breakdown import sector_status_breakdown

        frame = pd.DataFrame(coops)
        conn.execute(
            insert(t["rpt_breakdown"]),
            sector_status_breakdown(frame, Period.parse(PERIOD), sorted(present), PROVINCE)
            .assign(province_code=PROVINCE)
            .to_dict("records"),
        )
        conn.execute(
            insert(t["cooperative_union"]),
            [
                dict(
                    province_code=PROVINCE,
                    period=PERIOD,
                    name="Liên hiệp HTX nông nghiệp Quảng Ninh",
                    tax_code="5701234567",
                    sector="AGRI",
                    member_htx=6,
                    workers=40,
                    charter_capital=36100.0,
                    source_file="province/x.xlsx",
                    row_number=5,
                ),
                dict(
                    province_code=PROVINCE,
                    period=PERIOD,
                    name=HOSTILE[0],
                    tax_code="5701234568",
                    sector="AGRI",
                    member_htx=4,
                    workers=25,
                    charter_capital=20000.0,
                    source_file="province/x.xlsx",
                    row_number=6,
                ),
                dict(
                    province_code=PROVINCE,
                    period=PERIOD,
                    name="+84 Liên hiệp HTX vận tải",
                    tax_code="-5701234569",
                    sector="NON_AGRI",
                    member_htx=3,
                    workers=15,
                    charter_capital=10000.0,
                    source_file="province/x.xlsx",
                    row_number=7,
                ),
            ],
        )
        conn.execute(
            insert(t["credit_fund"]),
            [
                dict(
                    province_code=PROVINCE,
                    period=PERIOD,
                    name="Quỹ tín dụng nhân dân Quang Hanh",
                    tax_code="5700111222",
                    members=1200,
                    workers=10,
                    managers=4,
                    total_capital=126157.0,
                    equity=9786.0,
                    mobilised=112858.0,
                    loans=85748.0,
                    source_file="province/x.xlsx",
                    row_number=5,
                ),
                dict(
                    province_code=PROVINCE,
                    period=PERIOD,
                    name="@Quỹ tín dụng nhân dân Đông Triều",
                    tax_code="5700111333",
                    members=967,
                    workers=8,
                    managers=4,
                    total_capital=100000.0,
                    equity=10000.0,
                    mobilised=87000.0,
                    loans=70000.0,
                    source_file="province/x.xlsx",
                    row_number=6,
                ),
            ],
        )
        if findings:
            issues = FINDINGS + HOSTILE_FINDINGS
            if missing:
                issues = issues + [
                    ("UNIT_MISSING", "error", m, m, None, None, "7.7", "Đơn vị chưa gửi báo cáo") for m in missing
                ]
            conn.execute(
                insert(t["dq_issue"]),
                [
                    dict(
                        province_code=PROVINCE,
                        period=PERIOD,
                        kind=k,
                        severity=s,
                        unit_code=u,
                        entity_key=e,
                        source_file="districts/a.xlsx",
                        sheet="DS HTX",
                        row_number=12,
                        detail=d,
                        value_reported=vr,
                        value_computed=vc,
                        rule=r,
                    )
                    for k, s, u, e, vr, vc, r, d in issues
                ],
            )
        conn.execute(
            insert(t["load_audit"]),
            [
                dict(
                    province_code=PROVINCE,
                    period=PERIOD,
                    source_file="districts/a.xlsx",
                    file_kind="unit_return",
                    sha256="0" * 64,
                    size_bytes=1,
                    modified_at=dt.datetime(2024, 10, 15),
                    unit_code="193",
                    report_date=dt.date(2024, 10, 15),
                    sheets="DS HTX",
                    rows_read=1,
                    rows_loaded=1,
                    rows_quarantined=0,
                    rows_non_entity=0,
                    status="LOADED",
                    error=None,
                )
            ],
        )
    return engine


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build_warehouse(tmp_path_factory.mktemp("wh") / "warehouse.sqlite")


@pytest.fixture(scope="module")
def incomplete_warehouse(tmp_path_factory):
    return build_warehouse(tmp_path_factory.mktemp("wh_inc") / "warehouse.sqlite", missing=("207", "194"))


@pytest.fixture(scope="module")
def appendix(warehouse, tmp_path_factory):
    return write_appendix(warehouse, PERIOD, tmp_path_factory.mktemp("out") / "phu_bieu.xlsx")


def _rpt(engine, unit: str = PROVINCE) -> dict[str, float]:
    from sqlalchemy import MetaData as MD
    from sqlalchemy import select

    md = MD()
    t = Table("rpt_indicator", md, autoload_with=engine)
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.indicator_code, t.c.value).where(t.c.period == PERIOD, t.c.unit_code == unit))
        return {code: value for code, value in rows}


# ---- Vietnamese numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, decimals, text",
    [
        (1234.5, 1, "1.234,5"),
        (58500, 0, "58.500"),
        (3030600.0, 0, "3.030.600"),
        (3030.6, 1, "3.030,6"),
        (0, 0, "0"),
        (999, 0, "999"),
        (1000, 0, "1.000"),
        (-1234.56, 1, "-1.234,6"),
        (0.05, 1, "0,1"),
        (74.85, 1, "74,9"),
        (2.5, 0, "3"),
        (-0.04, 1, "0,0"),
        (1234567.891, 2, "1.234.567,89"),
    ],
)
def test_format_vn(value, decimals, text):
    assert numfmt.format_vn(value, decimals) == text


def test_format_pct_share_and_missing():
    assert numfmt.format_pct(numfmt.share(669, 895)) == "74,7%"
    assert numfmt.format_pct(numfmt.share(40, 895)) == "4,5%"
    assert numfmt.share(1, 0) is None and numfmt.share(None, 5) is None
    assert numfmt.format_vn(None) == numfmt.MISSING == numfmt.format_vn(float("nan"))
    assert numfmt.format_vn(870.0, 1, strip_zero_decimals=True) == "870"
    from kttt_pipeline.publish.paragraph_text import figure

    assert figure(3.4999999999999987, "triệu đồng/người/tháng") == "3,5"  # the text's figures (issue 25)
    assert figure(58500, "người") == "58.500"


def test_format_vn_round_trips_through_the_readers():
    rng = random.Random(1)
    for _ in range(300):
        value = round(rng.uniform(-5e6, 5e6), 1)
        assert parse_number(numfmt.format_vn(value, 1)).value == pytest.approx(value)


def test_cell_number_formats_carry_the_vietnamese_locale():
    for fmt in (numfmt.NF_INT, numfmt.NF_DEC1, numfmt.NF_PCT1):
        assert fmt.startswith("[$-42A]")
    assert numfmt.number_format_for("HTX") == numfmt.NF_INT
    assert numfmt.number_format_for("triệu đồng") == numfmt.NF_DEC1


def test_finding_labels_are_vietnamese():
    spec_kinds = [
        "FILE_REJECTED",
        "UNIT_UNKNOWN",
        "UNIT_MISSING",
        "SUPERSEDED",
        "ROW_QUARANTINED",
        "TAX_CODE_INVALID",
        "NAME_MATCH",
        "NO_TAX_RECORD",
        "DUPLICATE",
        "STATUS_OVERRIDE",
        "SUMMARY_MISMATCH",
        "WORDS_DROPPED",
        "GRADE_MISSING",
        "SECTOR_UNKNOWN",
    ]
    for kind in spec_kinds:
        assert kind in finding_kinds() and kind_label(kind) != kind
    assert kind_label("HEADER_UNMAPPED") == "Cột không nhận diện được (bỏ qua)"  # one table for every kind
    assert severity_label("error") == "Lỗi (đã loại)"
    assert "§7.4" in rule_label("7.4") and rule_label(None) == ""
    # a §7.6 finding names the failed check after a colon; the signer reads the rule, the check is in the detail
    assert (
        rule_label("7.6:mw_gt_workers,negative_value")
        == rule_label("7.6")
        == "Kiểm tra tính hợp lý, loại dòng sai (§7.6)"
    )


# ---- the appendix workbook -------------------------------------------------------------------------------


def _header_row(ws, first_label: str = "STT") -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == first_label:
            return row[0].row
    raise AssertionError(f"no header row in {ws.title}")


def test_workbook_sheets_and_layout(appendix):
    wb = load_workbook(appendix)
    assert wb.sheetnames == [SHEET_FIGURES, SHEET_SECTOR, SHEET_UNITS, SHEET_UNIONS, SHEET_FINDINGS]
    ws = wb[SHEET_FIGURES]
    hdr = _header_row(ws)
    assert [c.value for c in ws[hdr]] == [
        "STT",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Thực hiện đến 30/9/2024",
        "Kế hoạch năm 2024",
        "So với KH (%)",
        "Cùng kỳ năm trước (đến 30/9/2023)",
        "So với cùng kỳ (%)",
        "Ghi chú",
    ]
    titles = " ".join(str(c.value) for row in ws.iter_rows(max_row=hdr - 1) for c in row if c.value)
    assert "KINH TẾ TẬP THỂ" in titles and "30/9/2024" in titles
    for sheet in wb.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        widths = [sheet.column_dimensions[c].width for c in "ABC"]
        assert all(w and w >= 5 for w in widths)
    for name in (SHEET_FIGURES, SHEET_UNITS, SHEET_FINDINGS):
        sheet = wb[name]
        hdr = _header_row(sheet)
        assert sheet.freeze_panes and int(re.sub(r"\D", "", sheet.freeze_panes)) > hdr
        assert (
            sheet.print_title_rows
            and sheet.print_title_rows.startswith(f"${hdr}:$")
            or sheet.print_title_rows.startswith(f"{hdr}:")
        )


def test_figures_sheet_matches_the_warehouse(appendix, warehouse):
    rpt = _rpt(warehouse)
    meta = {i.code: i for i in indicators()}
    ws = load_workbook(appendix)[SHEET_FIGURES]
    row = _header_row(ws) + 2  # header, then the column-number row
    checked = 0
    for numbering, code, label, _level in FIGURE_ROWS:
        assert ws.cell(row, 2).value == (label or meta[code].name_vi)
        if code:
            value, target, pct = (ws.cell(row, c).value for c in (4, 5, 6))
            assert ws.cell(row, 3).value == meta[code].unit
            assert value == pytest.approx(rpt[code]), code
            assert ws.cell(row, 4).data_type == "n" and ws.cell(row, 4).number_format.startswith("[$-42A]")
            if code in TARGETS:
                assert target == TARGETS[code]
                assert pct == pytest.approx(100 * rpt[code] / TARGETS[code])
            else:
                assert target is None and pct is None
            checked += 1
        row += 1
    assert checked == len([r for r in FIGURE_ROWS if r[1]])
    # complete period (the year before is not loaded: its cells are empty, the sheet's line under the title says so)
    assert all(ws.cell(r, FIGURES_NOTE_COL).value in (None, "") for r in range(_header_row(ws) + 2, row))


def test_sector_sheet_shares_and_crosstab(appendix, warehouse):
    rpt = _rpt(warehouse)
    ws = load_workbook(appendix)[SHEET_SECTOR]
    hdr = _header_row(ws)
    rows = list(range(hdr + 1, hdr + 8))
    counts = [ws.cell(r, 3).value for r in rows]
    assert counts == [rpt[f"HTX_SECTOR_{s}"] for s in SECTORS]
    for r, s in zip(rows, SECTORS):
        assert ws.cell(r, 4).value == pytest.approx(100 * rpt[f"HTX_SECTOR_{s}"] / rpt["HTX_TOTAL"])
    total_row = hdr + 8
    assert ws.cell(total_row, 2).value == "Tổng cộng" and ws.cell(total_row, 3).value == rpt["HTX_TOTAL"]
    # the sector × status table is the counted cooperatives; its columns add up to the warehouse's totals
    for col, code in zip(
        range(5, 12),
        ("HTX_ACTIVE", "HTX_GOOD", "HTX_AVERAGE", "HTX_WEAK", "HTX_SUSPENDED", "HTX_NOT_STARTED", "HTX_DISSOLVING"),
    ):
        assert sum(ws.cell(r, col).value for r in rows) == rpt[code] == ws.cell(total_row, col).value
    for r in rows:  # each sector's statuses add up to the sector
        assert sum(ws.cell(r, c).value for c in (5, 8, 9, 10, 11)) == ws.cell(r, 3).value


def test_units_sheet_one_row_per_unit_province_last(appendix, warehouse):
    ws = load_workbook(appendix)[SHEET_UNITS]
    hdr = _header_row(ws)
    first = hdr + 2
    names = [ws.cell(r, 2).value for r in range(first, first + 14)]
    assert names[:3] == ["Thành phố Hạ Long", "Thành phố Móng Cái", "Thành phố Cẩm Phả"]
    assert names[-2] == "Huyện Cô Tô" and names[-1] == "Toàn tỉnh"
    assert ws.cell(first + 14, 2).value in (None, "")
    for i, unit in enumerate(UNIT_WEIGHTS):
        rpt = _rpt(warehouse, unit)
        for j, (_, code) in enumerate(UNIT_COLUMNS):
            assert ws.cell(first + i, 3 + j).value == rpt[code], (unit, code)
    province = _rpt(warehouse)
    for j, (_, code) in enumerate(UNIT_COLUMNS):
        assert ws.cell(first + 13, 3 + j).value == province[code]
        assert ws.cell(first + 13, 3 + j).number_format == numfmt.NF_INT


def test_unions_and_credit_funds(appendix, warehouse):
    rpt = _rpt(warehouse)
    ws = load_workbook(appendix)[SHEET_UNIONS]
    hdr = _header_row(ws)
    # one table, one header row repeated on every printed page (issue 25): the unions' and the credit funds'
    # figures of the same label share a column
    assert ws.print_title_rows and ws.print_title_rows.replace("$", "").startswith(f"{hdr}:")
    column = {ws.cell(hdr, c).value: c for c in range(1, ws.max_column + 1)}
    values = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1)}
    total_rows = [r for name, r in values.items() if name and str(name).startswith("Cộng")]
    assert len(total_rows) == 2
    u, q = total_rows
    assert [
        ws.cell(u, column[h]).value for h in ("Số HTX thành viên", "Số lao động (người)", "Vốn điều lệ (triệu đồng)")
    ] == [rpt["LHHTX_MEMBER_HTX"], rpt["LHHTX_WORKERS"], rpt["LHHTX_CHARTER_CAPITAL"]]
    assert [
        ws.cell(q, column[h]).value
        for h in (
            "Số thành viên (người)",
            "Số lao động (người)",
            "Cán bộ quản lý (người)",
            "Tổng nguồn vốn (triệu đồng)",
            "Vốn chủ sở hữu (triệu đồng)",
            "Vốn huy động (triệu đồng)",
            "Dư nợ cho vay (triệu đồng)",
        )
    ] == [
        rpt[c]
        for c in (
            "QTDND_MEMBERS",
            "QTDND_WORKERS",
            "QTDND_MANAGERS",
            "QTDND_TOTAL_CAPITAL",
            "QTDND_EQUITY",
            "QTDND_MOBILISED",
            "QTDND_LOANS",
        )
    ]
    # a figure a union does not have is empty on its rows, never another record type's
    assert ws.cell(u, column["Dư nợ cho vay (triệu đồng)"]).value is None
    assert ws.cell(q, column["Vốn điều lệ (triệu đồng)"]).value is None
    assert "Liên hiệp HTX nông nghiệp Quảng Ninh" in values and "Quỹ tín dụng nhân dân Quang Hanh" in values
    assert (ws.cell(hdr + 1, 1).value, ws.cell(hdr + 1, 2).value) == ("A", "Liên hiệp hợp tác xã")


def test_findings_sheet_for_the_signer(appendix, warehouse, tmp_path):
    ws = load_workbook(appendix)[SHEET_FINDINGS]
    hdr = _header_row(ws)
    assert [c.value for c in ws[hdr]][:6] == [
        "STT",
        "Loại phát hiện / đơn vị",
        "Lỗi (đã loại)",
        "Cảnh báo",
        "Ghi nhận",
        "Cộng",
    ]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=hdr + 1)]
    labels = [r[1] for r in rows]
    part_units = labels.index("Theo đơn vị báo cáo")
    by_kind = {r[1]: r for r in rows[:part_units] if r[1]}
    totals = [r for r in rows if r[1] == "Cộng"]
    # by kind, errors first; each kind's count in its severity's column; every finding counted once
    first = next(r for r in rows if r[0] == "1")
    assert first[1] == kind_label("ROW_QUARANTINED") and first[2] == 1
    assert len(totals) == 2 and totals[0][5] == totals[1][5] == len(FINDINGS) + len(HOSTILE_FINDINGS)
    assert by_kind[kind_label("STATUS_OVERRIDE")][3] >= 1
    status_example = by_kind[kind_label("STATUS_OVERRIDE")][6]
    assert "Huyện Ba Chẽ" in status_example and "§" not in status_example
    # by unit: the unit by its name
    assert any(r[1] == "Huyện Ba Chẽ" for r in rows[part_units:])
    # the detail workbook lists every finding, one row each, with the values reported and recomputed
    data = load_period_data(warehouse, PERIOD)
    detail = write_findings_detail(data, tmp_path / "chi_tiet.xlsx")
    dws = load_workbook(detail)["Chi tiết"]
    dhdr = _header_row(dws)
    drows = [[c.value for c in row] for row in dws.iter_rows(min_row=dhdr + 1) if row[0].value]
    assert len(drows) == len(FINDINGS) + len(HOSTILE_FINDINGS)
    dkind = {r[1]: r for r in drows}
    status = dkind[kind_label("STATUS_OVERRIDE")]
    assert status[3] == "Huyện Ba Chẽ" and status[5] == "Đang hoạt động" and status[6] == "Tạm ngừng hoạt động"
    mismatch = dkind[kind_label("SUMMARY_MISMATCH")]
    assert (mismatch[5], mismatch[6]) == ("5.500", "5.668")
    # the figure by its name, never its indicator code; the rule by its label
    assert mismatch[4] == "Tổng số cán bộ quản lý HTX"
    summary_texts = " ".join(str(v) for r in rows for v in r if v)
    assert "HTX_MANAGERS" not in summary_texts and "Tổng số cán bộ quản lý HTX" in summary_texts
    grade = dkind[kind_label("GRADE_MISSING")]
    # the cooperative named as its unit's return writes it (here a hostile name, kept as text), then its tax code
    assert grade[4] == f"{HOSTILE[0]} (MST 5700000000)"


def _all_string_cells(path: Path):
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield ws.title, cell


def test_hostile_names_stay_text_in_every_sheet(appendix, warehouse, tmp_path):
    seen = set()
    # the appendix and the detail workbook of the findings beside it (the values a finding reports are there)
    detail = write_findings_detail(load_period_data(warehouse, PERIOD), tmp_path / "chi_tiet.xlsx")
    for sheet, cell in [*_all_string_cells(appendix), *_all_string_cells(detail)]:
        assert cell.data_type != "f", (sheet, cell.coordinate, cell.value)
        assert cell.hyperlink is None
        if isinstance(cell.value, str):
            for text in HOSTILE + [
                "@x",
                "=A1",
                "+84 Liên hiệp HTX vận tải",
                "-5701234569",
                "@Quỹ tín dụng nhân dân Đông Triều",
            ]:
                if text in cell.value:
                    seen.add(text)
                    assert cell.data_type == "s"
            if cell.value[:1] in "=+-@":
                assert cell.data_type == "s" and cell.quotePrefix, (sheet, cell.coordinate)
    assert {
        HOSTILE[0],
        "+1",
        "-x",
        "@SUM(A1:A9)",
        "@x",
        "=A1",
        "-5701234569",
        "@Quỹ tín dụng nhân dân Đông Triều",
    } <= seen


def test_hostile_names_are_not_formulas_in_the_xml(appendix):
    import zipfile

    with zipfile.ZipFile(appendix) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert "<f>" not in zf.read(name).decode("utf-8") and "<f " not in zf.read(name).decode()
        assert not any("hyperlink" in n.lower() for n in zf.namelist())


def test_incomplete_period_is_marked(incomplete_warehouse, tmp_path):
    data = load_period_data(incomplete_warehouse, PERIOD)
    assert not data.is_complete and data.missing_units == ["194", "207"]
    path = write_appendix(incomplete_warehouse, PERIOD, tmp_path / "x.xlsx")
    wb = load_workbook(path)
    note = "(chưa đủ số liệu: thiếu thành phố Móng Cái, huyện Cô Tô)"
    ws = wb[SHEET_UNITS]
    hdr = _header_row(ws)
    province_row = hdr + 2 + 13
    assert ws.cell(province_row, 2).value == f"Toàn tỉnh {note}"
    mong_cai = hdr + 3
    assert ws.cell(mong_cai, 2).value == "Thành phố Móng Cái" and ws.cell(mong_cai, 3).value is None
    assert ws.cell(mong_cai, UNITS_NOTE_COL).value == "Chưa gửi báo cáo"
    figures = wb[SHEET_FIGURES]
    texts = [c.value for row in figures.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(note in t for t in texts)
    hdr = _header_row(figures)
    assert figures.cell(hdr + 3, FIGURES_NOTE_COL).value.startswith("Chưa đủ số liệu")  # HTX_TOTAL is marked
    assert any(note in str(c.value) for row in wb[SHEET_SECTOR].iter_rows() for c in row)
    text = render_paragraph(incomplete_warehouse, PERIOD)
    assert "chưa đầy đủ" in text and "huyện Cô Tô" in text and "thành phố Móng Cái" in text
    assert "2/13 đơn vị" in text and "11 đơn vị đã báo cáo" in text


def test_complete_period_paragraph_says_nothing_of_missing(warehouse):
    text = render_paragraph(warehouse, PERIOD)
    assert "chưa đầy đủ" not in text and "chưa đủ" not in text


# ---- the paragraph ---------------------------------------------------------------------------------------

NUM = r"(\d{1,3}(?:\.\d{3})*(?:,\d+)?)"


def _vn(text: str) -> float:
    parsed = parse_number(text)
    assert parsed.value is not None, text
    return parsed.value


def test_paragraph_figures_equal_rpt_indicator(warehouse):
    rpt = _rpt(warehouse)
    text = render_paragraph(warehouse, PERIOD)
    # (pattern, indicator, scale of the figure as written: tỷ đồng = 1/1000 of triệu đồng, a month = 1/12 of a year)
    expectations = [
        (rf"tổng số HTX trên địa bàn tỉnh là {NUM} HTX", "HTX_TOTAL", 1),
        (rf"có {NUM} HTX đang hoạt động \(có kê khai thuế\), chiếm", "HTX_ACTIVE", 1),
        (rf"{NUM} HTX hoạt động tốt, khá", "HTX_GOOD", 1),
        (rf"{NUM} HTX hoạt động trung bình", "HTX_AVERAGE", 1),
        (rf"chưa đi vào hoạt động là {NUM} HTX", "HTX_INACTIVE", 1),
        (rf"toàn tỉnh có {NUM} HTX thành lập mới", "HTX_NEW", 1),
        (rf"có {NUM} HTX giải thể", "HTX_DISSOLVED", 1),
        (rf"Tổng số thành viên tham gia HTX là {NUM} thành viên", "HTX_MEMBERS", 1),
        (rf"thu hút {NUM} lao động thường xuyên", "HTX_WORKERS", 1),
        (rf"cán bộ quản lý HTX là {NUM} người", "HTX_MANAGERS", 1),
        (rf"vốn điều lệ đăng ký là {NUM} tỷ đồng", "HTX_CHARTER_CAPITAL", 1000),  # once, as the plan writes it
        (rf"doanh thu bình quân một HTX ước đạt {NUM} triệu đồng/năm", "HTX_AVG_REVENUE", 1),
        (rf"lao động HTX là {NUM} triệu đồng/năm", "HTX_AVG_INCOME", 1),
        (rf"tương đương {NUM} triệu đồng/người/tháng", "HTX_AVG_INCOME", 12),
        (rf"toàn tỉnh hiện có {NUM} THT", "THT_TOTAL", 1),
        (rf"toàn tỉnh có {NUM} thành viên tham gia THT", "THT_MEMBERS", 1),
        (rf"tổ hợp tác đạt {NUM} triệu đồng/người/tháng", "THT_AVG_INCOME_MONTH", 1),
        (rf"hiện có {NUM} Liên hiệp HTX", "LHHTX_TOTAL", 1),
        (rf"có {NUM} Quỹ tín dụng nhân dân", "QTDND_TOTAL", 1),
        (rf"dư nợ cho vay {NUM} triệu đồng", "QTDND_LOANS", 1),
    ]
    for pattern, code, scale in expectations:
        m = re.search(pattern, text)
        assert m, (pattern, text)
        assert _vn(m.group(1)) == pytest.approx(rpt[code] / scale, abs=0.05), code
    # sectors: count and share (one decimal, comma) computed from the counts
    phrases = {
        "AGRI": "nông nghiệp",
        "INDUSTRY": "công nghiệp - tiểu thủ công nghiệp",
        "CONSTRUCTION": "xây dựng",
        "ENVIRONMENT": "vệ sinh môi trường",
        "TRANSPORT": "vận tải",
        "TRADE": "thương mại - dịch vụ",
        "OTHER": "lĩnh vực khác",
    }
    for sector, phrase in phrases.items():
        m = re.search(rf"HTX {phrase} là {NUM} HTX, chiếm {NUM}%", text)
        assert m, (sector, text)
        assert _vn(m.group(1)) == rpt[f"HTX_SECTOR_{sector}"]
        assert m.group(2) == numfmt.format_vn(100 * rpt[f"HTX_SECTOR_{sector}"] / rpt["HTX_TOTAL"], 1)
    assert "HTX nông nghiệp là 669 HTX, chiếm 74,7%" in text
    assert "665 HTX đang hoạt động (có kê khai thuế), chiếm 74,3%" in text
    assert "tổng số HTX trên địa bàn tỉnh là 895 HTX, bằng 119,8% so với Kế hoạch năm 2024" in text
    # the grades' shares are of the active cooperatives, and say so
    assert f"230 HTX hoạt động tốt, khá, chiếm {numfmt.format_vn(100 * 230 / 665, 1)}% số HTX đang hoạt động" in text
    # one way of writing a share
    assert not re.search(r"\(\d+(,\d)?%\)", text) and "(chiếm" not in text


def test_paragraph_follows_the_plans_structure(warehouse):
    """The plan's numbering and headings (Kế hoạch 247/KH-UBND, Part One I.1), in its order."""
    text = render_paragraph(warehouse, PERIOD)
    heads = [
        "1.1. Về số lượng, doanh thu và thu nhập của hợp tác xã, liên hiệp hợp tác xã, tổ hợp tác (HTX, LH HTX, THT)",
        "a) Hợp tác xã",
        "b) Liên hiệp hợp tác xã",
        "c) Tổ hợp tác",
        "d) Quỹ tín dụng nhân dân",
        "1.2. Về thành viên, lao động của hợp tác xã, liên hiệp hợp tác xã, tổ hợp tác",
        "a) Hợp tác xã: ",
        "b) Liên hiệp hợp tác xã: ",
        "c) Tổ hợp tác: ",
        "d) Quỹ tín dụng nhân dân: ",
        "1.3. Về trình độ cán bộ quản lý hợp tác xã, liên hiệp hợp tác xã, tổ hợp tác",
    ]
    positions, last = [], -1
    for h in heads:
        last = text.find(h, last + 1)
        assert last >= 0, (h, text)
        positions.append(last)
    assert positions == sorted(positions)
    # members and managers are no longer in 1.1
    part_1_1 = text[: positions[5]]
    assert "thành viên tham gia HTX" not in part_1_1 and "cán bộ quản lý" not in part_1_1
    assert "Bình quân 01 THT có khoảng 07 thành viên" in text  # 1.505 / 215 members, rounded
    assert "03 Liên hiệp HTX" in text and "02 Quỹ tín dụng nhân dân" in text


def test_every_percentage_in_the_paragraph_is_a_computed_share(warehouse):
    rpt = {k: v for k, v in _rpt(warehouse).items() if v and not k.endswith(("_PCT", "_PCT_PLAN"))}
    text = render_paragraph(warehouse, PERIOD)
    shares = {numfmt.format_vn(100 * a / b, 1) for a in rpt.values() for b in rpt.values()}
    shares |= {numfmt.format_vn(100 * rpt[c] / t, 1) for c, t in TARGETS.items()}
    found = re.findall(r"(\d+(?:,\d)?)%", text)
    assert len(found) >= 15
    for pct in found:
        assert pct in shares, pct


def test_every_number_in_the_paragraph_comes_from_the_warehouse(warehouse):
    from kttt_pipeline.core.periods import Period
    from kttt_pipeline.publish.paragraph_text import period_span

    rpt = _rpt(warehouse)
    text = render_paragraph(warehouse, PERIOD)
    allowed = {round(v, 3) for v in rpt.values()} | {round(round(v, 1), 3) for v in rpt.values()}
    allowed |= {round(round(v / 1000, 1), 3) for v in rpt.values()}  # registered capital, in tỷ đồng
    allowed |= {round(rpt["HTX_AVG_INCOME"] / 12, 1)}  # the monthly equivalent of the annual income
    allowed |= {round(rpt["THT_MEMBERS"] / rpt["THT_TOTAL"])}  # members of an average group
    allowed |= {2024}
    data = load_period_data(warehouse, PERIOD)  # the reporting units, counted from the register in force
    allowed |= {len(data.units)} | {n for _, n in data.unit_kind_counts()}
    prose = "\n".join(line for line in text.splitlines() if not line.startswith("*"))  # headings and items
    prose = prose.replace(period_span(Period.parse(PERIOD)), "")
    prose = re.sub(r"\d+(?:,\d)?%", "", prose)  # shares: checked above
    prose = re.sub(r"\d+/\d+/\d{4}", "", prose)
    prose = re.sub(r"^[a-d]\) ", "", prose, flags=re.M)
    tokens = re.findall(r"(?<![\d.,])(\d+(?:\.\d{3})*(?:,\d+)?)(?!\d)", prose)
    assert len(tokens) >= 30, tokens  # the paragraph's figures were found, so the check below checks something
    for token in tokens:
        assert round(_vn(token), 3) in allowed, token


def test_write_paragraph_files(warehouse, tmp_path):
    paths = write_paragraph(warehouse, PERIOD, tmp_path)
    names = {p.name for p in paths}
    assert {"muc_1_1.md", "muc_1_1.txt"} <= names
    md = (tmp_path / "muc_1_1.md").read_text(encoding="utf-8")
    txt = (tmp_path / "muc_1_1.txt").read_text(encoding="utf-8")
    assert md.startswith("**1.1.") and "**" not in txt and "895 HTX" in txt


# ---- charts and the whole publication --------------------------------------------------------------------


def test_charts_are_pngs(warehouse, tmp_path):
    paths = write_charts(warehouse, PERIOD, tmp_path)
    # the trend chart only when the warehouse holds two quarters or more up to the period (one point is no trend)
    trend = ["bieu_do_xu_huong.png"] if len(load_period_data(warehouse, PERIOD).trend) >= 2 else []
    assert [p.name for p in paths] == ["bieu_do_linh_vuc.png", "bieu_do_tinh_trang.png", "bieu_do_don_vi.png", *trend]
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 10_000


def test_publish_period_writes_everything_under_the_period(warehouse, tmp_path):
    out = publish_period(warehouse, PERIOD, tmp_path)
    assert {"appendix", "paragraph_md", "paragraph_txt", "chart_sectors", "chart_status", "chart_units"} <= set(out)
    for path in out.values():
        assert path.parent == tmp_path / PERIOD and path.exists()
    again = publish_period(warehouse, PERIOD, tmp_path)  # re-publishing replaces the files
    assert again == out
    assert not list((tmp_path / PERIOD).glob("*.tmp"))


def test_no_indicators_is_a_clear_error(warehouse):
    with pytest.raises(LookupError, match="2023-Q1"):
        load_period_data(warehouse, "2023-Q1")


def test_unit_chart_of_a_large_province_keeps_totals_and_every_missing_unit():
    """Hundreds of communes: the chart shows the largest units and the ones that did not report, and counts the
    rest in its title; drawn and counted together they are every cooperative."""
    from kttt_pipeline.core.periods import Period
    from kttt_pipeline.publish.charts import MAX_UNIT_BARS, _unit_bars
    from kttt_pipeline.publish.warehouse_reader import PeriodData

    units = [{"unit_code": str(1000 + i), "name_vi": f"Xã {i}", "kind_vi": "Xã"} for i in range(300)]
    missing = ["1003", "1150"]
    values = {
        u["unit_code"]: {"HTX_TOTAL": float(i % 17 + 1), "HTX_ACTIVE": float(min(i % 5, i % 17 + 1))}
        for i, u in enumerate(units)
        if u["unit_code"] not in missing
    }
    d = PeriodData(
        period=Period.parse("2025-Q4"),
        province_code="22",
        province_name="Quảng Ninh",
        units=units,
        values=values,
        complete_flags={},
        missing_units=missing,
        is_complete=False,
        status=None,
        targets={},
    )
    labels, active, other, is_missing, folded, folded_total = _unit_bars(d)
    assert len(labels) == MAX_UNIT_BARS
    assert folded == 300 - len(labels)
    # what is drawn plus what the note counts is every cooperative of the units
    assert sum(active) + sum(other) + folded_total == sum(v["HTX_TOTAL"] for v in values.values())
    assert [lab for lab, m in zip(labels, is_missing) if m] == ["Xã 3 (chưa báo cáo)", "Xã 150 (chưa báo cáo)"]
    drawn = [a + o for a, o, m in zip(active, other, is_missing) if not m]
    assert drawn == sorted(drawn, reverse=True) and min(drawn) >= max(
        v["HTX_TOTAL"] for k, v in values.items() if f"Xã {int(k) - 1000}" not in labels
    )


def test_paragraph_of_a_unit_without_cooperatives_has_no_undefined_shares():
    """A new commune with no cooperative yet: every share is undefined and is left out, never printed as 'None'."""
    from kttt_pipeline.core.periods import Period
    from kttt_pipeline.publish.paragraph import render_paragraph_data
    from kttt_pipeline.publish.warehouse_reader import PeriodData

    zeros = {
        code: 0.0
        for code in (
            "HTX_TOTAL",
            "HTX_ACTIVE",
            "HTX_GOOD",
            "HTX_AVERAGE",
            "HTX_INACTIVE",
            "HTX_WEAK",
            "HTX_SUSPENDED",
            "HTX_NOT_STARTED",
            "HTX_DISSOLVING",
            "HTX_SECTOR_AGRI",
            "HTX_MEMBERS",
            "HTX_WORKERS",
            "HTX_MEMBER_WORKERS",
            "THT_TOTAL",
        )
    }
    d = PeriodData(
        period=Period.parse("2025-Q3"),
        province_code="22",
        province_name="Quảng Ninh",
        units=[],
        values={"22": zeros},
        complete_flags={},
        missing_units=[],
        is_complete=True,
        status=None,
        targets={},
    )
    text = render_paragraph_data(d)
    assert "None" not in text and "nan" not in text.lower()
    assert "trên địa bàn tỉnh chưa có HTX" in text and "toàn tỉnh chưa có THT" in text and "chiếm" not in text
    # a group without any figure says so under its item rather than leaving it empty
    assert "d) Quỹ tín dụng nhân dân*\n\nChưa có số liệu về quỹ tín dụng nhân dân của kỳ báo cáo." in text


def test_findings_values_keep_tax_codes_as_written():
    from kttt_pipeline.publish.appendix import _value_text

    assert _value_text("0100109106", "TAX_CODE_INVALID") == "0100109106"
    assert _value_text("5700100256", "NAME_MATCH") == "5700100256"
    assert _value_text("58500", "SUMMARY_MISMATCH") == "58.500"
    assert _value_text("3030.6", "SUMMARY_MISMATCH") == "3.030,6"


def test_a_warehouse_without_the_province_row_takes_the_unit_of_the_province_workbook_figures(tmp_path):
    """No admin_unit row of level province: the province is the one unit carrying the province workbook's
    indicators (LHHTX, QTDND); when no such unit is loaded, reading says so."""
    from sqlalchemy import delete

    engine = build_warehouse(tmp_path / "w.db")
    whole = load_period_data(engine, PERIOD)
    t = Base.metadata.tables
    with engine.begin() as conn:
        conn.execute(delete(t["admin_unit"]).where(t["admin_unit"].c.level == "province"))
    data = load_period_data(engine, PERIOD)
    assert data.province_code == PROVINCE
    assert data.values == whole.values and data.breakdowns == whole.breakdowns
    assert data.complete_flags == whole.complete_flags
    with engine.begin() as conn:
        ind = t["rpt_indicator"]
        conn.execute(delete(ind).where(ind.c.indicator_code.like("LHHTX%") | ind.c.indicator_code.like("QTDND%")))
    with pytest.raises(LookupError, match="no province row"):
        load_period_data(engine, PERIOD)


def test_every_chart_title_stays_inside_its_figure_however_long_the_province_name(tmp_path):
    """A title is centred on its axes, which the unit names push right: a long title is wrapped, never cut off."""
    import matplotlib.pyplot as plt

    from kttt_pipeline.publish.charts import CHARTS

    data = load_period_data(build_warehouse(tmp_path / "w.db"), PERIOD)
    for province in ("Quảng Ninh", "Bà Rịa - Vũng Tàu và các đặc khu kinh tế hành chính mở rộng"):
        data.province_name = province
        for name, make in CHARTS.items():
            fig = make(data)
            try:
                renderer = fig.canvas.get_renderer()
                for ax in fig.axes:
                    box = ax.title.get_window_extent(renderer)
                    assert box.x0 >= 0 and box.x1 <= fig.bbox.width, (name, province, ax.title.get_text())
                    assert province.split()[-1] in ax.title.get_text().replace("\n", " "), name
            finally:
                plt.close(fig)
