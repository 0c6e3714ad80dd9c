"""The conventions of the figures text (issue 25): the plan's period phrases, leading zeros, the appendix's
precision, monthly equivalents of income, the comparison with the plan, and a group of figures derived from nothing
said as such instead of printed as zeros. Everything goes through the production renderer
(``publish.paragraph.render_paragraph_data``) or the helpers it fills its templates with."""

from __future__ import annotations

import re

import pytest

from kttt_pipeline.core import numfmt
from kttt_pipeline.core.periods import Period
from kttt_pipeline.publish import paragraph_text as pt
from kttt_pipeline.publish.figure_gaps import figure_gaps
from kttt_pipeline.publish.paragraph import render_paragraph_data
from kttt_pipeline.publish.warehouse_reader import PeriodData

PROVINCE = "22"


def _data(
    values: dict[str, float | None],
    *,
    period: str = "2024-Q3",
    targets: dict | None = None,
    flags: dict | None = None,
    quarantined: list | None = None,
    files: list | None = None,
) -> PeriodData:
    return PeriodData(
        period=Period.parse(period),
        province_code=PROVINCE,
        province_name="Quảng Ninh",
        units=[],
        values={PROVINCE: dict(values)},
        complete_flags={PROVINCE: dict(flags or {})},
        missing_units=[],
        is_complete=True,
        status=None,
        targets=dict(targets or {}),
        quarantined=list(quarantined or []),
        files=list(files or []),
    )


BASE = {
    "HTX_TOTAL": 895.0,
    "HTX_ACTIVE": 665.0,
    "HTX_NEW": 148.0,
    "HTX_DISSOLVED": 1.0,
    "THT_TOTAL": 215.0,
    "THT_MEMBERS": 1505.0,
    "LHHTX_TOTAL": 3.0,
    "LHHTX_AGRI": 2.0,
    "QTDND_TOTAL": 2.0,
    "QTDND_MEMBERS": 2167.0,
    "QTDND_LOANS": 155748.0,
    "HTX_AVG_INCOME": 68.0,
    "THT_AVG_INCOME_MONTH": 4.0,
}


# ---- the plan's ways of writing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quarter, span", [(1, "Quý I năm 2024"), (2, "6 tháng đầu năm 2024"), (3, "9 tháng đầu năm 2024"), (4, "năm 2024")]
)
def test_the_span_of_the_year_is_named_as_the_plan_names_it(quarter, span):
    assert pt.period_span(Period(2024, quarter)) == span
    text = render_paragraph_data(_data(BASE, period=f"2024-Q{quarter}"))
    assert f"Trong {span}, toàn tỉnh có 148 HTX thành lập mới" in text


@pytest.mark.parametrize(
    "value, text", [(1, "01"), (7, "07"), (9, "09"), (10, "10"), (0, "0"), (58500, "58.500"), (6.6, "07")]
)
def test_counts_under_ten_have_a_leading_zero(value, text):
    assert pt.count(value) == text


def test_the_text_writes_small_counts_with_a_leading_zero():
    text = render_paragraph_data(_data(BASE))
    assert "có 01 HTX giải thể" in text and "03 Liên hiệp HTX" in text and "02 Liên hiệp HTX nông nghiệp" in text
    assert "02 Quỹ tín dụng nhân dân" in text
    assert "Bình quân 01 THT có khoảng 07 thành viên" in text  # 1.505 / 215 = 7,0
    assert not re.search(r"(?<![\d.,])[1-9] (HTX|THT|Liên hiệp|Quỹ|QTDND)", text)


def test_figures_carry_the_appendix_precision():
    # the appendix shows amounts with one decimal (its cell format); the text writes the same figure as the plan
    # does, a whole amount without its ",0" (4, not 4,0), any other with its decimal
    assert numfmt.number_format_for("triệu đồng/người/tháng") == numfmt.NF_DEC1
    assert pt.figure(4.0, "triệu đồng/người/tháng") == "4"
    assert pt.figure(4.25, "triệu đồng/người/tháng") == "4,3"
    assert pt.figure(3.0, "LHHTX") == "03"
    assert pt.figure(12.0, "%") == "12,0"  # not an amount: its decimal kept
    text = render_paragraph_data(_data(BASE))
    assert "đạt 4 triệu đồng/người/tháng" in text and not re.search(r",0 (triệu|tỷ) đồng", text)


@pytest.mark.parametrize(
    "value, text, capital",
    [
        (3030600, "3.030.600 triệu đồng", "3.030,6 tỷ đồng"),
        (226157, "226.157 triệu đồng", "226,2 tỷ đồng"),
        (870, "870 triệu đồng", "870 triệu đồng"),
        (1234.56, "1.234,6 triệu đồng", "1,2 tỷ đồng"),
        (68.5, "68,5 triệu đồng", "68,5 triệu đồng"),
    ],
)
def test_amounts_in_the_plans_form_and_capital_in_billions_once(value, text, capital):
    """The plan writes "870 triệu đồng", "226.157 triệu đồng" and registered capital once, "3.030,6 tỷ đồng"."""
    assert pt.money(value) == text and pt.billions(value) == capital
    d = _data(dict(BASE, HTX_CHARTER_CAPITAL=float(value), LHHTX_CHARTER_CAPITAL=float(value)))
    rendered = render_paragraph_data(d)
    assert (
        f"Tổng số vốn điều lệ đăng ký là {capital}." in rendered
        or f"Tổng số vốn điều lệ đăng ký là {capital};" in rendered
    )
    assert f"với tổng vốn đăng ký là {capital}." in rendered
    assert "khoảng" not in rendered.replace("có khoảng", "")


def test_annual_income_has_its_monthly_equivalent():
    """The plan: "68 triệu đồng/năm, tương đương 5,6 triệu đồng/người/tháng" (whole amounts without ",0")."""
    assert pt.monthly(68) == "5,7" and pt.monthly(60) == "5"
    text = render_paragraph_data(_data(BASE))
    assert "Thu nhập bình quân một lao động HTX là 68 triệu đồng/năm, tương đương 5,7 triệu đồng/người/tháng" in text


def test_a_figure_with_a_target_is_compared_with_the_plan():
    text = render_paragraph_data(_data(dict(BASE, HTX_TOTAL=907.0), targets={"HTX_TOTAL": 747.0}))
    assert "tổng số HTX trên địa bàn tỉnh là 907 HTX, bằng 121,4% so với Kế hoạch năm 2024" in text
    assert "Kế hoạch" not in render_paragraph_data(_data(BASE))  # no target, no comparison


def test_zero_dissolved_is_said_in_words():
    text = render_paragraph_data(_data(dict(BASE, HTX_DISSOLVED=0.0)))
    assert "không có HTX giải thể" in text and "0 HTX giải thể" not in text


def test_template_optional_parts_and_undefined_values():
    assert (
        pt.fill("lhhtx", total="03", agri=None, capital="66,1 tỷ đồng")
        == "Toàn tỉnh hiện có 03 Liên hiệp HTX, với tổng vốn đăng ký là 66,1 tỷ đồng."
    )
    assert pt.fill("lhhtx", total=None, agri="02", capital=None) is None  # its figure outside [ ] is undefined
    # a value with the template's own brackets stays as written
    assert pt.fill("reason_file_rejected", file="a [b] {c}.xlsx", error="x") == "tệp 'a [b] {c}.xlsx' không đọc được: x"


# ---- figures derived from nothing ----------------------------------------------------------------------------

FUNDS_EXCLUDED = [
    {"record_type": "credit_fund", "unit_code": PROVINCE, "source_file": "2024-Q3/province/QN.xlsx", "sheet": "QTDND"}
] * 2


def test_every_credit_fund_row_excluded_is_insufficient_data_not_zero():
    values = dict(BASE, QTDND_TOTAL=0.0, QTDND_MEMBERS=0.0, QTDND_LOANS=0.0)
    d = _data(values, quarantined=FUNDS_EXCLUDED)
    gaps = figure_gaps(d)
    assert list(gaps) == ["QTDND"]
    text = render_paragraph_data(d)
    assert gaps["QTDND"].text_vi in text
    assert "Chưa đủ số liệu để tổng hợp về quỹ tín dụng nhân dân" in text
    assert "cả 02 dòng" in text and "'2024-Q3/province/QN.xlsx', sheet 'QTDND'" in text
    assert not re.search(r"\b0 (Quỹ|QTDND|quỹ)", text) and "dư nợ cho vay" not in text
    assert "QTDND trên địa bàn tỉnh có tổng số" not in text  # nor in 1.2


def test_a_zero_without_excluded_rows_is_a_real_zero():
    d = _data(dict(BASE, QTDND_TOTAL=0.0), quarantined=[dict(FUNDS_EXCLUDED[0], record_type="union")])
    assert "QTDND" not in figure_gaps(d)
    assert "trên địa bàn tỉnh không có Quỹ tín dụng nhân dân" in render_paragraph_data(d)


def test_a_missing_province_workbook_names_its_folder():
    flags = {"LHHTX_TOTAL": False, "QTDND_TOTAL": False, "HTX_TOTAL": True}
    d = _data(dict(BASE, LHHTX_TOTAL=0.0, QTDND_TOTAL=0.0), flags=flags)
    gaps = figure_gaps(d)
    assert list(gaps) == ["LHHTX", "QTDND"]
    text = render_paragraph_data(d)
    for subject in ("liên hiệp hợp tác xã", "quỹ tín dụng nhân dân"):
        assert f"Chưa đủ số liệu để tổng hợp về {subject} của kỳ báo cáo: chưa nhận được" in text
    assert text.count("(thư mục 2024-Q3/province)") == 2
    assert "03 Liên hiệp HTX" not in text and "Liên hiệp HTX nông nghiệp" not in text


def test_a_rejected_province_workbook_names_the_file_and_why():
    flags = {"LHHTX_TOTAL": False, "QTDND_TOTAL": False}
    files = [
        {
            "source_file": "2024-Q3/province/QN.xlsx",
            "file_kind": "province",
            "status": "REJECTED",
            "error": "tệp bảng tính bị hỏng hoặc không đọc được",
        }
    ]
    gaps = figure_gaps(_data(BASE, flags=flags, files=files))
    assert (
        gaps["QTDND"].reason_vi
        == "tệp '2024-Q3/province/QN.xlsx' không đọc được: tệp bảng tính bị hỏng hoặc không đọc được"
    )


def test_a_complete_period_has_no_gap():
    assert figure_gaps(_data(BASE)) == {}
