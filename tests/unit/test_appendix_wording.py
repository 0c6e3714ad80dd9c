"""What a signer reads on the appendix's pages (issue 25): the plan's reference line, periods by their Vietnamese
names, and the pipeline's texts cleared of rule references, period keys, indicator codes and raw-folder paths."""

from __future__ import annotations

from kttt_pipeline.core import config
from kttt_pipeline.core.numfmt import NF_CHANGE1
from kttt_pipeline.core.vocabulary import indicators
from kttt_pipeline.publish.appendix.wording import period_vi, plan_line, signer_text


def test_period_names():
    assert period_vi("2025-Q3") == "Quý III/2025"
    assert [period_vi(f"2024-Q{q}") for q in (1, 2, 4)] == ["Quý I/2024", "Quý II/2024", "Quý IV/2024"]


def test_plan_line_configured_and_blank(monkeypatch):
    monkeypatch.delenv("KTTT_PLAN_NUMBER", raising=False)
    monkeypatch.delenv("KTTT_PLAN_DATE", raising=False)
    blank = plan_line("Quảng Ninh")
    assert blank.startswith("(Kèm theo Kế hoạch số ……/KH-UBND ngày ……/……/…… của UBND tỉnh Quảng Ninh")
    monkeypatch.setenv("KTTT_PLAN_NUMBER", " 247/KH-UBND ")
    monkeypatch.setenv("KTTT_PLAN_DATE", "25/10/2024")
    assert config.plan_reference() == ("247/KH-UBND", "25/10/2024")
    assert plan_line("Bắc Ninh") == "(Kèm theo Kế hoạch số 247/KH-UBND ngày 25/10/2024 của UBND tỉnh Bắc Ninh)"


def test_appendix_pdf_setting(monkeypatch):
    for value, mode in (("", "auto"), ("auto", "auto"), ("yes", "1"), ("1", "1"), ("off", "0"), ("0", "0")):
        monkeypatch.setenv("KTTT_APPENDIX_PDF", value)
        assert config.appendix_pdf() == mode, value


def test_signer_text_drops_internal_words():
    names = {i.code: i.name_vi for i in indicators()}
    text = signer_text(
        "Biểu tổng hợp ghi THT_MEMBERS = 16, chi tiết cộng 13 (§7.5); kỳ 2025-Q3 chưa có, theo §7.6:mw_gt_workers"
    )
    assert "THT_MEMBERS" not in text and names["THT_MEMBERS"][1:] in text
    assert "§" not in text and "mw_gt_workers" not in text and "2025-Q3" not in text
    assert "quý III/2025 chưa có" in text
    # a text that starts with a code names it with its capital; a period key alone is named
    assert signer_text("HTX_MANAGERS") == names["HTX_MANAGERS"]
    assert signer_text("Kỳ 2024-Q1") == "Quý I/2024"


def test_signer_text_names_a_file_not_its_raw_folder_and_keeps_dates():
    text = signer_text(
        "Bị thay thế: 'Ngày báo cáo' 01/10/2025 sớm hơn 09/10/2025 của '2025-Q3/communes/Ha An_bao cao (sửa lại).xlsx'"
    )
    assert text.endswith("của 'Ha An_bao cao (sửa lại).xlsx'") and "'Ngày báo cáo' 01/10/2025 sớm hơn" in text
    # a file name that carries a period the way a clerk wrote it is the file's name, kept as written
    assert signer_text("tệp 'BC KTTT Q3-2024 DT.xlsx'") == "tệp 'BC KTTT Q3-2024 DT.xlsx'"


def test_a_unit_code_alone_is_its_unit():
    assert signer_text("06757", {"06757": "xã Vĩnh Thực"}) == "xã Vĩnh Thực"
    assert signer_text("16", {"06757": "xã Vĩnh Thực"}) == "16"


def test_an_increase_is_shown_with_its_sign():
    positive, negative, zero = NF_CHANGE1.split(";")
    assert positive.startswith("[$-42A]+") and negative.startswith("-") and "+" not in zero


def _period_with_long_findings():
    from kttt_pipeline.core.periods import Period
    from kttt_pipeline.publish.warehouse_reader import PeriodData

    units = [{"unit_code": "193", "name_vi": "Hạ Long", "kind_vi": "Thành phố"}]
    d = PeriodData(
        period=Period.parse("2024-Q3"),
        province_code="22",
        province_name="Quảng Ninh",
        units=units,
        values={},
        complete_flags={},
        missing_units=[],
        is_complete=True,
        status=None,
        targets={},
    )
    d.unit_names = {"193": "thành phố Hạ Long", "22": "tỉnh Quảng Ninh"}
    long_tail = "đơn vị báo cáo 'Đang hoạt động' " * 12 + "→ 'Đang làm thủ tục giải thể'"
    d.findings = [
        {
            "kind": "STATUS_OVERRIDE",
            "severity": "warning",
            "unit_code": "193",
            "entity_key": "5712705619",
            "value_reported": None,
            "value_computed": None,
            "rule": "7.4",
            "detail": f"Tệp 'raw/2024-Q3/districts/BC KTTT Q3-2024 HLong.xlsx': {long_tail}",
            "source_file": "2024-Q3/districts/BC KTTT Q3-2024 HLong.xlsx",
            "sheet": "HTX",
            "row_number": 73,
        },
        {
            "kind": "DUPLICATE",
            "severity": "warning",
            "unit_code": "193",
            "entity_key": "5712705620",
            "value_reported": None,
            "value_computed": None,
            "rule": "7.2",
            "detail": "cũng có ở tệp 2024-Q3/districts/BC KTTT Q3-2024 CP.xlsx, dòng 95; chỉ tính một lần",
            "source_file": None,
            "sheet": None,
            "row_number": None,
        },
    ]
    return d


def test_the_findings_summary_keeps_examples_whole_and_names_files_not_folders():
    from openpyxl import Workbook

    from kttt_pipeline.publish.appendix.common import SHEET_FINDINGS
    from kttt_pipeline.publish.appendix.sheet_findings import _sheet_findings

    wb = Workbook()
    _sheet_findings(wb, _period_with_long_findings())
    texts = [str(c.value) for row in wb[SHEET_FINDINGS].iter_rows() for c in row if isinstance(c.value, str)]
    examples = [line for t in texts for line in t.split("\n") if line.startswith("- ")]
    assert len(examples) == 2, texts
    assert any(line.endswith("→ 'Đang làm thủ tục giải thể'") for line in examples), examples
    assert not [line for line in examples if "…" in line]
    assert not [line for line in examples if "districts/" in line or "2024-Q3/" in line], examples
    assert any("BC KTTT Q3-2024 CP.xlsx" in line for line in examples)


def test_the_detail_workbook_is_a_working_file_without_the_plan_line(tmp_path):
    from openpyxl import load_workbook

    from kttt_pipeline.publish.appendix.findings_detail import write_findings_detail

    path = write_findings_detail(_period_with_long_findings(), tmp_path / "chi_tiet_kiem_tra_2024-Q3.xlsx")
    texts = [
        str(c.value)
        for ws in load_workbook(path).worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert texts and not [t for t in texts if "Kèm theo" in t], [t for t in texts if "Kèm theo" in t]


def test_the_signed_summary_names_a_unit_that_is_not_the_periods_from_the_register():
    """A finding may cite a unit of the register that is not one of the period's own (a former district, a 2025
    commune): the signed summary names it, never prints its code."""
    from openpyxl import Workbook

    from kttt_pipeline.publish.appendix.common import SHEET_FINDINGS
    from kttt_pipeline.publish.appendix.sheet_findings import _sheet_findings

    d = _period_with_long_findings()
    d.register_names = {"193": "thành phố Hạ Long", "06652": "phường Bãi Cháy"}
    d.findings[1]["unit_code"] = "06652"
    wb = Workbook()
    _sheet_findings(wb, d)
    cells = [str(c.value) for row in wb[SHEET_FINDINGS].iter_rows() for c in row if c.value is not None]
    assert any("Phường Bãi Cháy" in c for c in cells)
    assert not any("06652" in c for c in cells)
