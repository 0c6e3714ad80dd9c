"""Value readers (spec §6): numbers, dates, money units, marks, tax codes, name folding."""

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kttt_pipeline.core.tax_codes import check_digit_ok, parse_tax_code
from kttt_pipeline.core.text import clean_text, fold, fold_name
from kttt_pipeline.core.values import (
    EXCEL_EPOCH,
    SERIAL_FIRST,
    SERIAL_LAST,
    find_date_in_text,
    full_year,
    money_factor,
    parse_date,
    parse_dates,
    parse_mark,
    parse_marks,
    parse_number,
    parse_numbers,
)


@pytest.mark.parametrize(
    "text, value",
    [
        ("3.030,6", 3030.6),
        ("58.500", 58500.0),
        ("1.234.567", 1234567.0),
        ("3,5", 3.5),
        ("3.5", 3.5),
        ("12", 12.0),
        (" 7 ", 7.0),
        ("(5)", -5.0),
        ("-3", -3.0),
        (82, 82.0),
        (4.25, 4.25),
        ("1,234,567", 1234567.0),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
    ],
)
def test_vietnamese_numbers(text, value):
    p = parse_number(text)
    assert p.value == pytest.approx(value)
    assert p.words_dropped is None and p.error is None


@pytest.mark.parametrize(
    "text, value, words",
    [
        ("khoảng 58.500", 58500.0, "khoảng …"),
        ("trên 3,5", 3.5, "trên …"),
        ("45 người", 45.0, "… người"),
    ],
)
def test_numbers_with_words_are_read_and_the_words_reported(text, value, words):
    p = parse_number(text)
    assert p.value == pytest.approx(value)
    assert p.words_dropped == words


@pytest.mark.parametrize("text", [None, "", "-"])
def test_empty_numbers_are_none_without_error(text):
    assert parse_number(text).value is None and parse_number(text).error is None


@pytest.mark.parametrize("text", ["abc", "5 - 6", "x"])
def test_unreadable_numbers_are_errors(text):
    p = parse_number(text)
    assert p.value is None and p.error


@pytest.mark.parametrize(
    "value, expected",
    [
        ("24.04.2020", dt.date(2020, 4, 24)),
        ("29/06/2017", dt.date(2017, 6, 29)),
        ("23-02-2023", dt.date(2023, 2, 23)),
        (dt.datetime(2024, 1, 13), dt.date(2024, 1, 13)),
        (dt.date(2024, 1, 13), dt.date(2024, 1, 13)),
        (45000, dt.date(2023, 3, 15)),
        ("2024-07-01", dt.date(2024, 7, 1)),
        ("1/7/24", dt.date(2024, 7, 1)),
    ],
)
def test_dates(value, expected):
    assert parse_date(value).value == expected


@pytest.mark.parametrize(
    "written, latest_year, expected",
    [
        ("03/10/98", 2026, dt.date(1998, 10, 3)),  # a founding date of the last century, never 2098
        ("1/7/24", 2024, dt.date(2024, 7, 1)),  # the period's own year
        ("1/7/25", 2024, dt.date(1925, 7, 1)),  # never after the period's year
        ("15.3.00", 2026, dt.date(2000, 3, 15)),
        ("31-12-99", 2000, dt.date(1999, 12, 31)),
        ("03/10/1998", 2026, dt.date(1998, 10, 3)),  # four digits are read as written
        ("03/10/2098", 2026, dt.date(2098, 10, 3)),
    ],
)
def test_a_two_digit_year_is_the_latest_such_year_not_after_the_periods(written, latest_year, expected):
    assert parse_date(written, latest_year).value == expected
    assert parse_dates([written, written], latest_year).values == [expected, expected]  # the column path agrees


def test_full_year_and_the_current_year_without_a_period():
    assert full_year(98, 2026) == 1998 and full_year(26, 2026) == 2026 and full_year(27, 2026) == 1927
    assert parse_date("03/10/98").value == dt.date(1998, 10, 3)  # no period: the current year stands in


@pytest.mark.parametrize("value", ["31/02/2024", "hôm qua", "2024/13/45"])
def test_bad_dates_are_errors(value):
    p = parse_date(value)
    assert p.value is None and p.error == "not_a_date"


def test_date_inside_text():
    assert find_date_in_text("Ngày báo cáo: 15/10/2024") == dt.date(2024, 10, 15)
    assert find_date_in_text("(Số liệu lũy kế đến 30/9/2024)") == dt.date(2024, 9, 30)
    assert find_date_in_text("Ngày báo cáo:") is None


@pytest.mark.parametrize(
    "text, factor",
    [
        ("Vốn điều lệ (nghìn đồng)", 0.001),
        ("Đơn vị tính: triệu đồng", 1.0),
        ("(đồng)", 1e-6),
        ("tỷ đồng", 1000.0),
        ("Thu nhập bình quân (triệu đồng/người/năm)", 1.0),
        ("Doanh thu kê khai lũy kế (đồng)", 1e-6),
        ("Vốn điều lệ", None),
        ("ngàn đồng", 0.001),
    ],
)
def test_money_units(text, factor):
    assert money_factor(text) == factor


@pytest.mark.parametrize(
    "value, mark",
    [
        ("x", True),
        ("X", True),
        ("Có", True),
        ("1", True),
        (1, True),
        (None, False),
        ("", False),
        ("0", False),
        ("Không", False),
        ("chưa rõ", None),
    ],
)
def test_marks(value, mark):
    assert parse_mark(value) is mark


def test_tax_codes():
    assert check_digit_ok("5770125871")
    ok = parse_tax_code("5770125871")
    assert ok.valid and ok.code == "5770125871" and ok.parent == "5770125871"
    wrong_check = parse_tax_code("5750125871")
    assert not wrong_check.valid and wrong_check.reason == "check_digit" and wrong_check.written == "5750125871"
    short = parse_tax_code("578087994")
    assert not short.valid and short.reason == "length"
    branch = parse_tax_code("5716073914-001")
    assert branch.valid and branch.code == "5716073914-001" and branch.parent == "5716073914"
    assert parse_tax_code("57 6585 9316").code == "5765859316"
    assert parse_tax_code(5770125871.0).code == "5770125871"
    assert parse_tax_code(None).reason == "missing"
    assert not parse_tax_code("MST chưa có").valid


def test_folding():
    nfd = unicodedata.normalize("NFD", "Hợp tác xã Tuyền Hiền")
    assert clean_text(nfd) == "Hợp tác xã Tuyền Hiền"
    assert fold("  ĐẦM   Hà ") == "dam ha"
    assert fold_name("HTX DV NN Đồng Tâm") == "hop tac xa dich vu nong nghiep dong tam"
    assert fold_name("Hợp tác xã dịch vụ nông nghiệp Đồng Tâm") == fold_name("HTX dịch vụ nông nghiệp ĐỒNG TÂM")
    assert fold("Sơ cấp, trung cấp") == fold("Sơ cấp - trung cấp") == "so cap trung cap"


# ---- properties: the readers never crash and round-trip what they should


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(allow_nan=True), st.none(), st.booleans()))
def test_parse_number_never_crashes(value):
    p = parse_number(value)
    assert p.value is None or isinstance(p.value, float)


@given(st.integers(min_value=0, max_value=10**12))
def test_vietnamese_integer_round_trip(n):
    text = f"{n:,}".replace(",", ".")
    assert parse_number(text).value == n


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=9))
def test_vietnamese_decimal_round_trip(n, d):
    text = f"{n:,}".replace(",", ".") + f",{d}"
    assert parse_number(text).value == pytest.approx(n + d / 10)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)), st.sampled_from("/-."))
def test_date_text_round_trip(day, sep):
    assert parse_date(f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}").value == day


@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(), st.none()))
def test_parse_date_never_crashes(value):
    assert parse_date(value).value is None or isinstance(parse_date(value).value, dt.date)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_tax_code_with_its_check_digit_is_valid(first9):
    from stdnum.vn import mst

    digit = mst.calc_check_digit(first9)
    if len(digit) != 1:  # (10 - sum mod 11) == 10: no valid code has this prefix
        assert not parse_tax_code(first9 + "0").valid
        return
    code = first9 + digit
    assert parse_tax_code(code).valid
    wrong = first9 + str((int(code[9]) + 1) % 10)
    assert not parse_tax_code(wrong).valid


@given(st.text(max_size=40))
def test_fold_is_idempotent_and_ascii(text):
    once = fold(text)
    assert fold(once) == once
    assert not any(unicodedata.combining(c) for c in once)


@pytest.mark.parametrize("text", ["- 5", "\u22125", "\u20135", "-5"])
def test_a_minus_sign_typed_apart_or_pasted_as_another_dash_keeps_the_number_negative(text):
    """A negative count must reach §7.6 as negative (and be quarantined), not as a positive number."""
    parsed = parse_number(text)
    assert parsed.value == -5.0 and parsed.words_dropped is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2021.03.05", dt.date(2021, 3, 5)),
        ("2021-3-5", dt.date(2021, 3, 5)),
        ("2021/03/05", dt.date(2021, 3, 5)),
        ("2021-03-05 00:00:00", dt.date(2021, 3, 5)),
        ("44256", dt.date(2021, 3, 1)),
        (" 44256 ", dt.date(2021, 3, 1)),
        ("44256.0", dt.date(2021, 3, 1)),
        (44256, dt.date(2021, 3, 1)),
        ("5/3/2021", dt.date(2021, 3, 5)),
        ("18264", dt.date(1950, 1, 1)),
        ("73415", dt.date(2100, 12, 31)),
    ],
)
def test_year_first_dates_and_serials_typed_as_text(value, expected):
    assert parse_date(value).value == expected


@pytest.mark.parametrize("value", ["2015", 2015, "18263", 73416, "2021.13.05", "2021.03-05", "123456"])
def test_a_year_a_count_or_a_serial_outside_the_plausible_range_is_not_a_date(value):
    p = parse_date(value)
    assert p.value is None and p.error == "not_a_date"


@pytest.mark.parametrize(
    "text, factor",
    [
        ("(tr.đ)", 1.0),
        ("Vốn điều lệ (trđ)", 1.0),
        ("Tr.đồng", 1.0),
        ("(tỷ đ)", 1000.0),
        ("Đơn vị tính: Tr.đồng", 1.0),
        ("nghìn đ", 0.001),
        ("(ng.đ)", 0.001),
        ("Đơn vị tính: 1.000 đồng", 0.001),
        ("(VNĐ)", 1e-6),
        ("đ", 1e-6),
        ("Số lao động", None),
        ("Cộng đồng", None),
        ("Hoạt động", None),
        ("Vốn (đ) điều lệ", None),
    ],
)
def test_clerks_money_units(text, factor):
    assert money_factor(text) == factor


@pytest.mark.parametrize(
    "text, status",
    [
        ("Đang HĐ", "ACTIVE"),
        ("Tạm ngừng HĐ", "SUSPENDED"),
        ("Chưa HĐ", "NOT_STARTED"),
        ("Đang làm TT giải thể", "DISSOLVING"),
        ("Đã GT", "DISSOLVED"),
        ("ĐANG HOẠT ĐỘNG", "ACTIVE"),
        ("Dang hoat dong", "ACTIVE"),
        ("Đang  HĐ", "ACTIVE"),
    ],
)
def test_clerks_status_words(text, status):
    from kttt_pipeline.core.vocabulary import status_lookup
    from kttt_pipeline.ingest.records import map_codes

    assert map_codes([text], status_lookup()) == [status]


def test_clerks_grade_words():
    from kttt_pipeline.core.vocabulary import grade_lookup
    from kttt_pipeline.ingest.records import map_codes

    assert map_codes(["TB", "Trung bình"], grade_lookup()) == ["AVERAGE", "AVERAGE"]


# ---------------------------------------------------------------- the production readers at their boundaries


@given(st.integers(0, 99), st.integers(1900, 2200))
def test_full_year_is_the_latest_year_with_those_digits_not_after_the_latest(two_digits, latest_year):
    assert full_year(two_digits, latest_year) == max(
        y for y in range(latest_year - 99, latest_year + 1) if y % 100 == two_digits
    )


@given(
    st.one_of(
        st.integers(0, 10**12).map(lambda n: f"{n:,}".replace(",", ".")),  # "58.500", "1.234.567"
        st.integers(0, 10**12).map(str),
    )
)
def test_a_plain_number_is_read_by_its_fast_path_as_the_general_reading_reads_it(text):
    from kttt_pipeline.core import values

    def no_general_reading(_token):
        raise AssertionError("the general reading ran for a plain number")

    values._parse_number_str.cache_clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(values, "_to_float", no_general_reading)
        fast = parse_number(text)  # the fast path taken: the general reading would fail
    values._parse_number_str.cache_clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(values, "_PLAIN_NUMBER", values.re.compile(r"(?!)"))  # matches nothing: the general reading
        general = parse_number(text)
    values._parse_number_str.cache_clear()
    assert fast == general and fast.value == float(text.replace(".", ""))


@pytest.mark.parametrize(
    "value, number, error",
    [
        (3.5, 3.5, None),
        (-0.0, -0.0, None),
        (7, 7.0, None),
        (float("nan"), None, None),
        (float("inf"), None, None),
        (float("-inf"), None, None),
        (True, None, "not_a_number"),
        (dt.date(2024, 1, 1), None, "not_a_number"),
    ],
)
def test_real_numbers_are_themselves_and_nan_or_infinity_are_empty(value, number, error):
    import numpy as np

    for v in (value, np.float64(value)) if type(value) is float else (value,):
        p = parse_number(v)
        assert (p.value, p.error) == (number, error) and type(p.value) in (float, type(None))
    assert parse_numbers([value, value], 2.0).values == [None if number is None else 2 * number] * 2


@pytest.mark.parametrize(
    "value, mark", [(0.5, False), (0.99, False), (1.0, True), (2, True), (0, False), (float("nan"), False)]
)
def test_a_number_marks_yes_from_one(value, mark):
    assert parse_mark(value) is mark and parse_marks([value]) == [mark]


@pytest.mark.parametrize(
    "value, expected",
    [
        ((SERIAL_FIRST - EXCEL_EPOCH).days, SERIAL_FIRST),
        ((SERIAL_FIRST - EXCEL_EPOCH).days - 1, None),
        ((SERIAL_LAST - EXCEL_EPOCH).days, SERIAL_LAST),
        ((SERIAL_LAST - EXCEL_EPOCH).days + 1, None),
        (0, None),
        (0.5, None),
    ],
)
def test_a_serial_is_a_date_only_inside_the_plausible_range(value, expected):
    assert parse_date(value).value == expected and parse_date(str(value)).value == (
        expected if isinstance(value, int) and value >= 10000 else None
    )


@pytest.mark.parametrize(
    "text, value, error",
    [
        ("1,5", 1.5, None),  # one comma: a decimal comma
        ("1,234,567", 1234567.0, None),  # groups of three: thousands the English way
        ("1,23,4", None, "not_a_number"),
        ("1.234", 1234.0, None),  # a dot and three digits: thousands
        ("1.23", 1.23, None),  # a decimal point
        ("1.2.3", None, "not_a_number"),
        ("1.234,5", 1234.5, None),  # the separator written last is the decimal one
        ("1,234.5", 1234.5, None),
        ("5 và 6", None, "several_numbers"),
    ],
)
def test_separators(text, value, error):
    p = parse_number(text)
    assert (p.value, p.error) == (value, error)
