"""One bad value never stops a quarter (issue 23): characters no warehouse can store (a NUL, other control
characters, Excel's ``_x0000_`` escape) in any file are removed with a finding naming file, sheet, row and the
value shown visibly, and an unknown tax status code is a finding, never a failed blocking check; the period
loads and publishes the same on SQLite and PostgreSQL."""

from __future__ import annotations

import os

import openpyxl
import pandas as pd
from sqlalchemy import create_engine, text

from kttt_pipeline.clerk_check import check_file, render_check
from kttt_pipeline.orchestration.definitions import make_resources, period_job
from kttt_pipeline.orchestration.results import failed_checks, published_documents
from kttt_pipeline.run import run_period

from ..small_period import PERIOD, make_small_period
from ..workbook_factory import coop_row, coop_sheet, group_sheet, summary_sheet, write_workbook

YEAR = PERIOD[:4]


def _replace_cell(path, sheet, old, new):
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.active
    hits = [c for row in ws.iter_rows() for c in row if c.value == old]
    assert len(hits) == 1, (path, old)
    hits[0].value = new
    wb.save(path)


def _edit_tax_csv(raw, old, new):
    path = raw / PERIOD / "tax" / "thue.csv"
    body = path.read_text(encoding="utf-8-sig")
    assert body.count(old) == 1
    path.write_bytes(body.replace(old, new).encode("utf-8-sig"))


def _nul_period(raw):
    """A NUL or another control character in every kind of file: the return (an Excel ``_x0000_`` escape,
    which the reader decodes to NUL), the CSV tax register (a NUL byte), the province workbook, the targets."""
    make_small_period(raw)
    base = raw / PERIOD
    _replace_cell(
        base / "districts" / "HL.xlsx", "Danh sách HTX", "HTX vận tải Bãi Cháy", "HTX vận tải_x0000_ Bãi Cháy"
    )
    _replace_cell(base / "districts" / "HL.xlsx", "Tổng hợp", 999, "99_x0000_9")  # a summary sheet's figure
    _edit_tax_csv(raw, "NAM VIỆT", "NAM\x00 VIỆT")
    _replace_cell(base / "province" / "tinh.xlsx", "QTDND", "QTDND Hưng Đạo", "QTDND Hưng_x0001_ Đạo")
    wb = openpyxl.load_workbook(base / "province" / "tinh.xlsx")
    assert wb["LHHTX"]["F3"].value == 32  # the total row's workers
    wb["LHHTX"]["F3"].value = "3_x0000_2"
    wb.save(base / "province" / "tinh.xlsx")
    _replace_cell(raw / "targets" / f"{YEAR}.xlsx", None, 10, "1_x0000_0")
    return raw


def _status_09_period(raw):
    """One tax register row with a status code the register's vocabulary does not know."""
    make_small_period(raw)
    _edit_tax_csv(raw, "Hợp tác xã,05,", "Hợp tác xã,09,")
    return raw


def _run(tmp_path, raw, url):
    result = period_job(make_resources(str(raw), url, str(tmp_path / "reports"))).execute_in_process(
        partition_key=PERIOD, raise_on_error=False
    )
    assert result.success, [e.step_failure_data.error.message for e in result.all_events if e.is_step_failure]
    assert failed_checks(result) == []
    docs = published_documents(result)
    assert docs and all((tmp_path / "reports" / PERIOD).joinpath(p).is_file() for p in docs.values())
    engine = create_engine(url)
    try:
        with engine.connect() as conn:

            def read(sql):
                return pd.read_sql(text(sql), conn, params={"p": PERIOD})

            return {
                "dq_issue": read("select * from dq_issue where period = :p"),
                "load_audit": read("select source_file, status from load_audit where period = :p"),
                "cooperative": read("select name from cooperative where period = :p"),
                "stg_tax_register": read("select tax_code, name, status_code from stg_tax_register where period = :p"),
                "credit_fund": read("select name from credit_fund where period = :p"),
                "target": pd.read_sql(
                    text("select indicator_code, value from target where year = :y"), conn, params={"y": int(YEAR)}
                ),
            }
    finally:
        engine.dispose()


def _one(dq, kind, source_file):
    hits = dq[(dq["kind"] == kind) & (dq["source_file"] == source_file)]
    assert len(hits) == 1, dq[["kind", "source_file", "value_reported"]]
    return hits.iloc[0]


def test_control_characters_in_every_file_are_removed_with_a_finding(tmp_path, warehouse_url):
    raw = _nul_period(tmp_path / "raw")
    w = _run(tmp_path, raw, warehouse_url)
    dq = w["dq_issue"]
    # each cleaned cell: file, sheet, row and the value as written, its control character shown visibly
    removed = dq[dq["kind"] == "UNSTORABLE_REMOVED"]
    assert sorted(
        zip(
            removed["source_file"],
            removed["sheet"],
            removed["row_number"].astype(int),
            removed["value_reported"],
            removed["value_computed"],
        )
    ) == [
        (f"{PERIOD}/districts/HL.xlsx", "Danh sách HTX", 7, "HTX vận tải<NUL> Bãi Cháy", "HTX vận tải Bãi Cháy"),
        (f"{PERIOD}/districts/HL.xlsx", "Tổng hợp", 6, "99<NUL>9", "999"),
        (f"{PERIOD}/province/tinh.xlsx", "LHHTX", 3, "3<NUL>2", "32"),
        (f"{PERIOD}/province/tinh.xlsx", "QTDND", 2, "QTDND Hưng<U+0001> Đạo", "QTDND Hưng Đạo"),
        (f"{PERIOD}/tax/thue.csv", "thue", 5, "HỢP TÁC XÃ MÔI TRƯỜNG NAM<NUL> VIỆT", "HỢP TÁC XÃ MÔI TRƯỜNG NAM VIỆT"),
        (f"targets/{YEAR}.xlsx", "Sheet", 2, "1<NUL>0", "10"),
    ]
    for f in removed.itertuples():
        assert f.severity == "warning" and f.value_reported in f.detail and "\x00" not in f.detail
    # the cleaned values are what the warehouse holds
    assert "HTX vận tải Bãi Cháy" in set(w["cooperative"]["name"])
    assert "HỢP TÁC XÃ MÔI TRƯỜNG NAM VIỆT" in set(w["stg_tax_register"]["name"])
    assert set(w["credit_fund"]["name"]) == {"QTDND Hưng Đạo"}
    assert dict(zip(w["target"]["indicator_code"], w["target"]["value"])) == {"HTX_TOTAL": 10, "HTX_NEW": 2}
    for frame in w.values():
        for col in frame.select_dtypes(include="object"):
            assert not frame[col].astype(str).str.contains("\x00|\x01", regex=True).any(), col


def test_an_unknown_tax_status_code_is_a_finding_and_the_period_publishes(tmp_path, warehouse_url):
    raw = _status_09_period(tmp_path / "raw")
    w = _run(tmp_path, raw, warehouse_url)
    f = _one(w["dq_issue"], "TAX_STATUS_UNKNOWN", f"{PERIOD}/tax/thue.csv")
    assert (f["sheet"], int(f["row_number"]), f["value_reported"]) == ("thue", 5, "09")
    assert "'09'" in f["detail"] and f["severity"] == "warning"
    # the taxpayer is kept with its status unknown; the register's other statuses are read as before
    reg = w["stg_tax_register"].set_index("tax_code")["status_code"]
    assert reg["5711672544"] is None and reg["5768341963"] == "01" and len(reg) == 7
    # an unknown status overrides nothing: the cooperative keeps the status its unit reported
    assert not ((w["dq_issue"]["kind"] == "STATUS_OVERRIDE") & (w["dq_issue"]["entity_key"] == "5711672544")).any()


def test_the_clerk_check_shows_the_removed_character(tmp_path):
    raw = _nul_period(tmp_path / "raw")
    report = check_file(raw / PERIOD / "districts" / "HL.xlsx", PERIOD)
    hits = [f for f in report.findings if f.kind == "UNSTORABLE_REMOVED"]
    assert sorted((f.sheet, f.row_number, f.value_reported) for f in hits) == [
        ("Danh sách HTX", 7, "HTX vận tải<NUL> Bãi Cháy"),
        ("Tổng hợp", 6, "99<NUL>9"),
    ]
    out = render_check(report)
    assert "HTX vận tải<NUL> Bãi Cháy" in out and "\x00" not in out


def _hostile_period(raw):
    """Every kind of file with values a clerk or an export can write: unknown codes, text in number cells,
    numbers too large or negative, impossible dates, codes in the wrong script, empty rows, a negative plan."""
    make_small_period(raw)
    base = raw / PERIOD
    title = [["UBND huyện Bình Liêu"], ["Ngày báo cáo: 14/10/2024"], []]
    write_workbook(
        base / "districts" / "BL.xlsx",
        [
            summary_sheet(
                [["1.", "Tổng số HTX", "HTX", "-5"], ["2.", "Tổng số thành viên", "Người", "1e400"]], title=title
            ),
            coop_sheet(
                [
                    coop_row(1, "HTX nông lâm nghiệp Sông Cầu", "5785630845", reg="11/06/2024", grade="Khá"),
                    coop_row(2, "HTX lạ 1", "٥٧٨٥٦٣٠٨٤٥", sector="???", status="Ngưng hẳn", grade="Siêu"),
                    coop_row(3, "HTX lạ 2", "abc", members=1e20, workers="nhiều", profit=-1e15, revenue=1e300),
                    coop_row(4, None, None, reg="32/13/2024"),
                    coop_row(5, "HTX lạ 3", "5785630845-001", profit=-5e12, income=-1, capital="1e309"),
                    coop_row(6, "HTX lạ 4", "5785630845", status=None, sector=None, grade=None, members=None),
                    coop_row(7, "HTX lạ 5", "12", reg=45000, status="Đã giải thể", grade="Yếu"),
                ],
                title=title,
            ),
            group_sheet(
                [[1, "THT A", "X", "Y", "Vận tải", 6, 448, 4.3], [2, "THT B", "X", "Y", "???", -6, -448, "abc"]],
                title=[["UBND huyện Bình Liêu"], []],
            ),
        ],
    )
    tax = base / "tax" / "thue.csv"
    tax.write_bytes(
        (
            tax.read_text(encoding="utf-8-sig")
            + '8,5785630845,HỢP TÁC XÃ TRÙNG,"xã X, huyện Bình Liêu",,Hợp tác xã,09,abc,-500000000,-1\n'
            + '9,abc,HỢP TÁC XÃ MÃ LẠ,"xã X",,Hợp tác xã,zz,32/13/2024,1e400,x\n'
            + "10,,,,,,,,,\n"
        ).encode("utf-8-sig")
    )
    wb = openpyxl.load_workbook(base / "province" / "tinh.xlsx")
    wb["LHHTX"].append([2, "Liên hiệp lạ", "abc", "Vận tải", -5, "nhiều", -1e300])
    wb["QTDND"].append([2, "QTDND lạ", "x", -1, -10, "x", -1e300, 1e300, None, "abc"])
    wb.save(base / "province" / "tinh.xlsx")
    wb = openpyxl.load_workbook(raw / "targets" / f"{YEAR}.xlsx")
    wb.active.cell(row=2, column=4).value = -10  # HTX_TOTAL
    wb.active.append(["THT_TOTAL", "Tổng số THT", "THT", "abc"])
    wb.save(raw / "targets" / f"{YEAR}.xlsx")
    return raw


def test_no_value_of_any_file_fails_a_blocking_check(tmp_path, warehouse_url):
    """The blocking checks hold the pipeline's own invariants only: the hostile period loads and publishes,
    each bad value a finding or a quarantined row."""
    w = _run(tmp_path, _hostile_period(tmp_path / "raw"), warehouse_url)
    dq = w["dq_issue"]
    plan = dq[dq["kind"] == "TARGET_UNREADABLE"].sort_values("row_number")
    assert [(int(r), v) for r, v in zip(plan["row_number"], plan["value_reported"])] == [(2, "-10"), (4, "abc")]
    assert "HTX_TOTAL" not in set(w["target"]["indicator_code"])  # a negative plan is no plan
    unknown = dq[dq["kind"] == "TAX_STATUS_UNKNOWN"]
    assert sorted(unknown["value_reported"]) == ["09", "zz"]
    assert (dq["kind"] == "ROW_QUARANTINED").sum() >= 3


def test_a_file_name_no_encoding_decodes_does_not_stop_the_quarter(tmp_path, warehouse_url):
    """A file copied with a byte of another encoding in its name (Python reads it as a lone surrogate, which no
    database stores): the name is shown visibly and the period loads and publishes."""
    raw = make_small_period(tmp_path / "raw")
    tax = raw / PERIOD / "tax" / "thue.csv"
    os.rename(bytes(tax), os.fsencode(tax.parent) + b"/thue\xfe.csv")
    w = _run(tmp_path, raw, warehouse_url)
    assert "HỢP TÁC XÃ MÔI TRƯỜNG NAM VIỆT" in set(w["stg_tax_register"]["name"])  # the register was read
    audit = dict(zip(w["load_audit"]["source_file"], w["load_audit"]["status"]))
    assert audit[f"{PERIOD}/tax/thue<U+DCFE>.csv"] == "LOADED"


def test_a_union_sector_is_one_of_the_union_codes(tmp_path):
    """A union's sector is agricultural or not: a cooperative's sector (transport) is non-agricultural; an
    unknown or missing one counts as non-agricultural with SECTOR_UNKNOWN (it was stored as written, or empty)."""
    raw = make_small_period(tmp_path / "raw")
    path = raw / PERIOD / "province" / "tinh.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["LHHTX"]
    ws.insert_rows(3, 3)
    for r, row in enumerate(
        [
            [2, "Liên hiệp B", None, "Vận tải", 1, 2, 3],
            [3, "Liên hiệp C", None, "???", 1, 2, 3],
            [4, "Liên hiệp D", None, None, 1, 2, 3],
        ],
        start=3,
    ):
        for c, v in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=v)
    wb.save(path)
    result = run_period(raw, PERIOD)
    assert dict(zip(result.cooperative_union["name"], result.cooperative_union["sector"])) == {
        "Liên hiệp HTX A": "AGRI",
        "Liên hiệp B": "NON_AGRI",
        "Liên hiệp C": "NON_AGRI",
        "Liên hiệp D": "NON_AGRI",
    }
    dq = result.dq_issue
    unknown = dq[(dq["kind"] == "SECTOR_UNKNOWN") & (dq["source_file"] == f"{PERIOD}/province/tinh.xlsx")]
    assert [(r.sheet, r.row_number, r.value_reported) for r in unknown.itertuples()] == [
        ("LHHTX", 4, "???"),
        ("LHHTX", 5, None),
    ]
    assert "Phi nông nghiệp" in unknown.iloc[0]["detail"]
    assert result.indicator("22", "LHHTX_AGRI") == 1 and result.indicator("22", "LHHTX_TOTAL") == 4
