"""Issue 25: the appendix prints whole on A4 as signed. Demo periods of 13 districts (2024-Q3), 54 communes (2025-Q3,
2026-Q3) and 126 units (``demo-data --units 126``) are loaded and published with the PDF rendering on
(KTTT_APPENDIX_PDF=1: LibreOffice, as the signer receives it); the checks read the PDF's text (pdftotext): every
unit text whole, a header row on every page of every sheet, the plan's reference line under every title, no
internal code (indicator codes, "§", period keys), the findings summed up in a few pages with every finding in the
detail workbook beside the appendix.

Without soffice or pdftotext the test is skipped, except under `make test` / CI (strict_tools)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from sqlalchemy import text

from kttt_pipeline.core.findings import kind_label
from kttt_pipeline.core.vocabulary import indicators
from kttt_pipeline.demo import write_demo_period
from kttt_pipeline.publish.appendix import SHEET_FINDINGS, SHEET_SECTOR, SHEET_UNITS, expected_pages
from kttt_pipeline.publish.appendix.findings_detail import SHEET_DETAIL, SHEET_RESTATING, is_restating
from kttt_pipeline.publish.report import publish_period
from kttt_pipeline.publish.warehouse_reader import load_period_data
from kttt_pipeline.run import run_period
from kttt_pipeline.warehouse.engine import make_engine
from kttt_pipeline.warehouse.load import load_period

from .test_publish_render import _soffice, _tool

pytestmark = pytest.mark.slow

PLAN_NUMBER, PLAN_DATE = "247/KH-UBND", "25/10/2024"
#: (label, warehouse, period)
CASES = (
    ("13 huyện", "main", "2024-Q3"),
    ("54 xã 2025", "main", "2025-Q3"),
    ("54 xã", "main", "2026-Q3"),
    ("126 đơn vị", "big", "2026-Q3"),
)
#: "at most a few pages" of findings
FINDINGS_PAGES_MAX = 3


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    _soffice()
    _tool("pdftotext", package="poppler-utils")
    base = tmp_path_factory.mktemp("print")
    engines = {}
    for name, periods, units in (("main", ("2024-Q3", "2025-Q3", "2026-Q3"), None), ("big", ("2026-Q3",), 126)):
        raw = base / f"raw_{name}"
        for p in periods:
            write_demo_period(raw, p, units=units, rows_per_unit=12)
        (base / name).mkdir()
        engine = engines[name] = make_engine(f"sqlite:///{base / name / 'kttt.db'}")
        for p in periods:
            load_period(engine, p, run_period(raw, p, history=engine))
    published = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KTTT_APPENDIX_PDF", "1")
        mp.setenv("KTTT_PLAN_NUMBER", PLAN_NUMBER)
        mp.setenv("KTTT_PLAN_DATE", PLAN_DATE)
        for label, name, period in CASES:
            out = publish_period(engines[name], period, base / f"reports_{name}")
            pdf_text = subprocess.run(
                [_tool("pdftotext", package="poppler-utils"), str(out["appendix_pdf"]), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            published[label] = SimpleNamespace(
                out=out,
                engine=engines[name],
                period=period,
                pages=pdf_text.split("\f")[:-1] if pdf_text.endswith("\f") else pdf_text.split("\f"),
                data=load_period_data(engines[name], period),
            )
    yield published
    for engine in engines.values():
        engine.dispose()


def _compact(s: str) -> str:
    """The PDF's text without whitespace: pdftotext splits italic words and wrapped cells."""
    return re.sub(r"\s+", "", s)


def _sheet_pages(xlsx: Path) -> list[tuple[str, int]]:
    wb = openpyxl.load_workbook(xlsx)
    return [(ws.title, len(ws.row_breaks.brk) + 1) for ws in wb.worksheets]


def _header_label(xlsx: Path, sheet: str) -> str:
    ws = openpyxl.load_workbook(xlsx)[sheet]
    first, _ = (int(x) for x in ws.print_title_rows.replace("$", "").split(":"))
    return str(ws.cell(first, 2).value)


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_every_page_has_its_header_row_and_the_pages_the_workbook_sets(world, case):
    w = world[case]
    xlsx = w.out["appendix"]
    pages = w.pages
    assert len(pages) == expected_pages(xlsx)
    i = 0
    for sheet, count in _sheet_pages(xlsx):
        label = _compact(_header_label(xlsx, sheet))
        for page in pages[i : i + count]:
            assert "STT" in page.split("\n") and label in _compact(page), (sheet, page[:300])
        i += count
    assert i == len(pages)


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_every_unit_text_is_printed_whole(world, case):
    text = "\n".join(world[case].pages)
    compact = _compact(text)
    units = {i.unit for i in indicators() if i.unit}
    # the longest units wrap in their column; a row of fixed height cut them ("đồng/người/n")
    for unit in ("triệu đồng/người/năm", "triệu đồng/người/tháng"):
        assert unit in units
        assert _compact(unit) in compact, unit
    assert not re.search(r"đồng/người/(?!năm|tháng)", text)
    assert compact.count(_compact("triệu đồng/người/năm")) >= 1


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_no_internal_code_on_the_signed_pages(world, case):
    text = "\n".join(world[case].pages)
    codes = sorted((i.code for i in indicators()), key=len, reverse=True)
    found = re.findall(r"\b(" + "|".join(codes) + r")\b", text)
    assert not found, found[:5]
    assert not re.findall(r"\b[A-Z]{2,}_[A-Z_]{2,}\b", text)
    assert "§" not in text
    assert _compact("kho dữ liệu") not in _compact(text)  # the pipeline's word, not a signer's
    assert not re.findall(r"\b\d{4}-Q[1-4]\b", text)
    assert _compact("Quý III/") in _compact(text) or case == "13 huyện"  # the period compared with, by name


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_the_plan_line_under_every_title(world, case):
    w = world[case]
    line = f"(Kèm theo Kế hoạch số {PLAN_NUMBER} ngày {PLAN_DATE} của UBND {w.data.province_label})"
    sheets = _sheet_pages(w.out["appendix"])
    assert _compact("\n".join(w.pages)).count(_compact(line)) == len(sheets)


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_findings_summed_up_in_a_few_pages_and_listed_whole_beside_the_appendix(world, case):
    w = world[case]
    pages = dict(_sheet_pages(w.out["appendix"]))
    assert pages[SHEET_FINDINGS] <= FINDINGS_PAGES_MAX
    with w.engine.connect() as conn:
        kinds = [k for (k,) in conn.execute(text("SELECT kind FROM dq_issue WHERE period = :p"), {"p": w.period})]
    restating = [k for k in kinds if is_restating({"kind": k})]
    detail = openpyxl.load_workbook(w.out["findings_detail"])
    assert w.out["findings_detail"].name == f"chi_tiet_kiem_tra_{w.period}.xlsx"

    def listed(ws) -> list[str]:
        hdr = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "STT")
        return [ws.cell(r, 2).value for r in range(hdr + 1, ws.max_row + 1) if ws.cell(r, 1).value]

    own = listed(detail[SHEET_DETAIL])
    assert sorted(own) == sorted(kind_label(k) for k in kinds if not is_restating({"kind": k}))
    if restating:  # the notes on restating onto the current units go with the restated history
        assert len(listed(detail[SHEET_RESTATING])) == len(restating)
        compact = _compact("\n".join(w.pages))
        for k in set(restating):
            assert _compact(kind_label(k)) not in compact
    # the summary counts every finding of the period's own figures once
    ws = openpyxl.load_workbook(w.out["appendix"])[SHEET_FINDINGS]
    totals = [ws.cell(r, 6).value for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Cộng"]
    assert totals == ([len(own)] * 2 if own else [])


def test_the_pre_reform_appendix_has_no_restating_notes_in_its_findings(world):
    w = world["13 huyện"]
    with w.engine.connect() as conn:
        kinds = [k for (k,) in conn.execute(text("SELECT kind FROM dq_issue WHERE period = :p"), {"p": w.period})]
    assert any(is_restating({"kind": k}) for k in kinds)  # the demo's 2024-Q3 has them (restated onto 2025 units)
    ws = openpyxl.load_workbook(w.out["findings_detail"])[SHEET_RESTATING]
    hdr = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "STT")
    placed = [ws.cell(r, 7).value for r in range(hdr + 1, ws.max_row + 1) if ws.cell(r, 1).value]
    # the 2025 unit a cooperative was placed in, by its name (the warehouse's register), never its code
    assert placed and not [v for v in placed if v and str(v).isdigit()]
    assert any(str(v).startswith(("Xã ", "Phường ", "Đặc khu ")) for v in placed)


def test_shares_say_their_base_and_increases_their_sign(world):
    w = world["54 xã"]  # 2026-Q3 against 2025-Q3: the same communes
    compact = _compact("\n".join(w.pages))
    assert _compact("Tỷ lệ trên tổng số HTX (%)") in compact
    assert _compact("Tỷ lệ trên số HTX đang hoạt động (%)") in compact
    data = w.data
    changes = [data.change_vs_year_ago("HTX_TOTAL", u["unit_code"]) for u in data.units]
    assert any(c is not None and c > 0.05 for c in changes)
    sheets = _sheet_pages(w.out["appendix"])
    start = sum(n for s, n in sheets[: [s for s, _ in sheets].index(SHEET_UNITS)])
    units_text = "\n".join(w.pages[start : start + dict(sheets)[SHEET_UNITS]])
    assert re.search(r"(?m)^\+\d+,\d$", units_text)
    assert not re.search(r"(?m)^\+0,0$", units_text)
    # Biểu 02 (a fixed size, parts with headers of their own) is one page
    assert dict(sheets)[SHEET_SECTOR] == 1


def test_the_signer_is_given_the_pdf(world):
    for w in world.values():
        pdf = w.out["appendix_pdf"]
        assert pdf.name == f"phu_bieu_{w.period}.pdf" and pdf.parent == w.out["appendix"].parent
        assert pdf.read_bytes()[:5] == b"%PDF-"


def test_the_detail_workbook_names_units_from_the_warehouse_register(tmp_path, warehouse_url):
    """The detail workbook reads the unit register of the warehouse (SQLite and PostgreSQL): the pre-reform
    period's restating notes name the 2025 communes its cooperatives were placed in."""
    from kttt_pipeline.publish.appendix import write_findings_detail

    raw = tmp_path / "raw"
    write_demo_period(raw, "2024-Q3", rows_per_unit=8)
    engine = make_engine(warehouse_url)
    try:
        load_period(engine, "2024-Q3", run_period(raw, "2024-Q3", history=engine))
        names = load_period_data(engine, "2024-Q3").register_names
        with engine.connect() as conn:
            communes = [c for (c,) in conn.execute(text("SELECT unit_code FROM admin_unit WHERE level = 'commune'"))]
        assert communes and all(names[c] != c and not names[c][:1].isdigit() for c in communes)
        assert any(names[c].startswith(("xã ", "phường ")) for c in communes)
        data = load_period_data(engine, "2024-Q3")
        assert not set(communes) & set(data.unit_names)  # the period's own units are the districts
        detail = openpyxl.load_workbook(write_findings_detail(data, tmp_path / "chi_tiet.xlsx"))
        ws = detail[SHEET_RESTATING]
        values = [str(ws.cell(r, c).value) for r in range(1, ws.max_row + 1) for c in (6, 7)]
        assert not set(values) & set(communes)
        assert set(values) & {names[c][0].upper() + names[c][1:] for c in communes}
    finally:
        engine.dispose()
