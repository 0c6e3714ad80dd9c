"""Reading whole columns (issue 17): each column-wise reader, and the batch reader of a sheet's entity rows
(``records.parse_records``), equals its per-value reference on random cells; the per-value functions made
cheaper equal their readable definitions (kept below as they were written before issue 17).

The cells are drawn the way returns write them (spec §6, tests/unit/test_values.py): real numbers, integers,
bools and blanks; numbers typed as text in Vietnamese and English style, with words, signs and dashes; dates as
Excel dates, serials and text; tax codes with dashes, spaces, lost leading zeros; names and vocabulary words in
NFC or NFD, with NBSP, zero-width spaces and stray whitespace."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.vn import mst

from kttt_pipeline.core import fields
from kttt_pipeline.core.tax_codes import (
    TaxCode,
    check_digit_ok,
    parse_tax_code,
    parse_tax_codes,
)
from kttt_pipeline.core.text import UNSTORABLE, clean_text, clean_texts, fold, strip_diacritics
from kttt_pipeline.core.values import (
    EXCEL_EPOCH,
    ParsedNumber,
    parse_date,
    parse_dates,
    parse_mark,
    parse_marks,
    parse_number,
    parse_numbers,
)
from kttt_pipeline.core.vocabulary import (
    grade_lookup,
    marks,
    sector_lookup,
    status_lookup,
)
from kttt_pipeline.ingest.headers import Column, Table
from kttt_pipeline.ingest.records import (
    RowContext,
    map_codes,
    parse_records,
)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ the readable definitions (before issue 17)

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def clean_text_reference(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # noqa: PLR0124 (NaN)
        return None
    text = value if isinstance(value, str) else str(value)
    text = unicodedata.normalize("NFC", UNSTORABLE.sub("", text))  # what no warehouse stores is never kept
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    text = _SPACES.sub(" ", text).strip()
    return text or None


def strip_diacritics_reference(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def fold_reference(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # noqa: PLR0124 (NaN)
        return ""
    text = clean_text_reference(value if isinstance(value, str) else str(value))
    if not text:
        return ""
    text = strip_diacritics_reference(text).lower()
    text = _PUNCT.sub(" ", text).replace("_", " ")
    return _SPACES.sub(" ", text).strip()


def check_digit_ok_reference(ten_digits: str) -> bool:
    return len(ten_digits) == 10 and ten_digits.isdigit() and mst.calc_check_digit(ten_digits[:9]) == ten_digits[9]


def parse_tax_code_reference(value: object) -> TaxCode:
    if value is None or (isinstance(value, float) and value != value):  # noqa: PLR0124 (NaN)
        return TaxCode(None, None, None, False, "missing")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    written = str(value).strip()
    if not written:
        return TaxCode(None, None, None, False, "missing")
    groups = re.findall(r"\d+", re.sub(r"[\s.]", "", written))
    if len(groups) == 1 and len(groups[0]) == 9 and isinstance(value, int):
        groups = ["0" + groups[0]]
    if len(groups) == 1 and len(groups[0]) == 10:
        head = groups[0]
        if check_digit_ok_reference(head):
            return TaxCode(written, head, head, True, None)
        return TaxCode(written, None, None, False, "check_digit")
    if len(groups) == 1 and len(groups[0]) == 13:
        head, branch = groups[0][:10], groups[0][10:]
        if check_digit_ok_reference(head):
            return TaxCode(written, f"{head}-{branch}", head, True, None)
        return TaxCode(written, None, None, False, "check_digit")
    if len(groups) == 2 and len(groups[0]) == 10 and len(groups[1]) == 3:
        if check_digit_ok_reference(groups[0]):
            return TaxCode(written, f"{groups[0]}-{groups[1]}", groups[0], True, None)
        return TaxCode(written, None, None, False, "check_digit")
    return TaxCode(written, None, None, False, "length")


def exactly(value: object) -> object:
    """A value compared to the bit: -0.0 is not 0.0, nan is nan, 1 is not 1.0 nor True."""
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, (list, tuple)):
        return [exactly(v) for v in value]
    if isinstance(value, dict):
        return [(k, exactly(v)) for k, v in value.items()]  # the keys' order too
    if hasattr(value, "__dataclass_fields__"):
        return (type(value).__name__, [(k, exactly(getattr(value, k))) for k in value.__dataclass_fields__])
    return (type(value).__name__, value)


# ------------------------------------------------------------------ cells as returns write them

_WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u205f\u3000"
_NOISE = _WHITESPACE + "\u200b\u200c\ufeff"


def _noisy(text: str, draw) -> str:
    """The text as a clerk's file may hold it: NFC or NFD, with stray spaces, NBSP, zero-width spaces."""
    form = draw(st.sampled_from(["NFC", "NFD", "NFKC", None]))
    if form:
        text = unicodedata.normalize(form, text)
    pad = st.text(alphabet=_NOISE, max_size=3)
    return draw(pad) + text.replace(" ", draw(st.sampled_from([" ", "  ", "\u00a0", " \u200b", "\t"]))) + draw(pad)


@st.composite
def noisy(draw, texts):
    return _noisy(draw(texts), draw)


_VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
free_text = st.text(
    alphabet=_VIETNAMESE + _VIETNAMESE.upper() + "0123456789 .,;:-–—−/()%~≈<>'\"_#&" + _NOISE, max_size=30
)
any_text = st.text(max_size=25)  # any code point: combining marks, surrogates' neighbours, other scripts' digits

vocabulary_words = st.sampled_from(
    sorted(
        {
            *status_lookup(),
            *sector_lookup(),
            *grade_lookup(),
            *marks().yes,
            *marks().no,
            "Đang HĐ",
            "Tạm ngừng HĐ",
            "Đã GT",
            "Đang  HĐ",
            "ĐANG HOẠT ĐỘNG",
            "Dang hoat dong",
            "TB",
            "Trung bình",
            "Nông nghiệp",
            "x",
            "X",
            "Có",
            "Không",
            "chưa rõ",
            "Hợp tác xã Tuyền Hiền",
            "HTX DV NN Đồng Tâm",
        }
    )
)


@st.composite
def number_texts(draw):
    n = draw(st.one_of(st.integers(0, 10**10), st.floats(0, 1e9, allow_nan=False).map(lambda x: round(x, 3))))
    if isinstance(n, int):
        body = draw(st.sampled_from([f"{n}", f"{n:,}".replace(",", "."), f"{n:,}", f"{n:,}".replace(",", " ")]))
    else:
        whole, frac = f"{n:.3f}".split(".")
        whole_vi = f"{int(whole):,}".replace(",", ".")
        body = draw(
            st.sampled_from(
                [
                    f"{whole},{frac}",
                    f"{whole_vi},{frac}",
                    f"{int(whole):,}.{frac}",
                    f"{whole}.{frac}",
                    f"{whole},{frac[:1]}",
                ]
            )
        )
    sign = draw(st.sampled_from(["", "", "-", "- ", "\u2212", "\u2013", "+"]))
    body = sign + body
    shape = draw(
        st.sampled_from(
            [
                "{}",
                "{}",
                "({})",
                "khoảng {}",
                "trên {}",
                "{} triệu",
                "{} người",
                "~{}",
                "{}%",
                "{} - 6",
                "<{}",
                "{} tr.đ",
            ]
        )
    )
    return _noisy(shape.format(body), draw)


odd_number_texts = st.sampled_from(
    [
        "",
        " ",
        "-",
        "—",
        "--",
        "–",
        "abc",
        "x",
        "5 - 6",
        "1.2.3",
        "1,2,3",
        "12,5,0",
        "0",
        "0,0",
        ".5",
        "5.",
        "1.234,5",
        "1,234.5",
        "12 triệu",
        "3,5",
        "(5)",
        "()",
        "1.234.567",
        "1,234,567",
        "khoảng 58.500",
        "45 người",
        "N/A",
        "\u200b",
        "٣",
    ]
)


@st.composite
def date_texts(draw):
    d = draw(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
    sep = draw(st.sampled_from("/-."))
    day, month = draw(st.sampled_from([(f"{d.day:02d}", f"{d.month:02d}"), (str(d.day), str(d.month))]))
    text = draw(
        st.sampled_from(
            [
                f"{day}{sep}{month}{sep}{d.year}",
                f"{day}{sep}{month}{sep}{d.year % 100:02d}",
                f"{d.year}{sep}{month}{sep}{day}",
                f"{d:%Y-%m-%d} 00:00:00",
                f"{d:%Y-%m-%dT%H:%M}",
                str((d - EXCEL_EPOCH).days),
                f"{(d - EXCEL_EPOCH).days}.0",
                f" {day} / {month} / {d.year} ",
            ]
        )
    )
    return _noisy(text, draw)


odd_date_texts = st.sampled_from(
    [
        "31/02/2024",
        "hôm qua",
        "2024/13/45",
        "2015",
        "18263",
        "18264",
        "73415",
        "73416",
        "2021.13.05",
        "2021.03-05",
        "123456",
        "44256",
        "44256,00",
        "0/0/0",
    ]
)
date_values = st.one_of(
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.datetimes(),
    st.integers(-10, 3_000_000),
    st.floats(-10, 3e6),
    date_texts(),
    odd_date_texts,
)


def _with_check_digit(first9: str) -> str:
    return first9 + mst.calc_check_digit(first9)[-1]


@st.composite
def tax_code_values(draw):
    first9 = draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    code = draw(st.sampled_from([_with_check_digit(first9), first9 + draw(st.sampled_from("0123456789"))]))
    branch = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    shape = draw(
        st.sampled_from(
            [
                "plain",
                "plain",
                "branch",
                "glued",
                "spaced",
                "dotted",
                "number",
                "short",
                "lost zero",
                "slash",
                "words",
                "other digits",
            ]
        )
    )
    if shape == "plain":
        return code
    if shape == "branch":
        return f"{code}{draw(st.sampled_from(['-', ' - ', '–', '/']))}{branch}"
    if shape == "glued":
        return code + branch
    if shape == "spaced":
        return f"{code[:2]} {code[2:6]} {code[6:]}"
    if shape == "dotted":
        return f" {code[:3]}.{code[3:6]}.{code[6:]} "
    if shape == "number":
        return draw(st.sampled_from([int(code), float(code)]))
    if shape == "short":
        return code[: draw(st.integers(0, 9))]
    if shape == "lost zero":
        zero_first = _with_check_digit("0" + first9[1:])
        return draw(st.sampled_from([int(zero_first), float(zero_first), zero_first[1:]]))
    if shape == "slash":
        return f"{code}/{branch}/{branch}"
    if shape == "words":
        return draw(st.sampled_from(["MST chưa có", "chưa cấp", f"MST: {code}", "-", ""]))
    return code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))  # Arabic-Indic digits: \d and isdigit()


cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, math.nan, math.inf, -math.inf, 1.0, 3.5]),
    number_texts(),
    odd_number_texts,
    date_values,
    tax_code_values(),
    noisy(vocabulary_words),
    free_text,
    any_text,
    st.times(),
    st.timedeltas(),
)
#: a column: cells drawn from one shape or another, with the repeats a listing has (statuses, blanks, units)
columns = st.lists(cells, max_size=8).flatmap(
    lambda pool: (
        st.lists(st.sampled_from(pool) if pool else cells, max_size=40) if pool else st.lists(cells, max_size=40)
    )
)


# ------------------------------------------------------------------ the per-value functions made cheaper


@SETTINGS
@given(st.one_of(cells, noisy(free_text), noisy(any_text)))
def test_clean_text_and_fold_equal_their_readable_definitions(value):
    assert exactly(clean_text(value)) == exactly(clean_text_reference(value))
    assert fold(value) == fold_reference(value)
    if isinstance(value, str):
        assert strip_diacritics(value) == strip_diacritics_reference(value)


@SETTINGS
@given(
    st.one_of(
        st.text(alphabet="0123456789", min_size=10, max_size=10),
        st.text(max_size=12),
        st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩", min_size=10, max_size=10),
    )
)
def test_check_digit_equals_stdnum(ten_digits):
    assert check_digit_ok(ten_digits) == check_digit_ok_reference(ten_digits)


@SETTINGS
@given(cells, st.integers(1990, 2110))
def test_parse_tax_code_equals_its_readable_definition(value, latest_year):
    assert exactly(parse_tax_code(value)) == exactly(parse_tax_code_reference(value))


# ------------------------------------------------------------------ column by column equals cell by cell


@SETTINGS
@given(columns, st.sampled_from([1.0, 1.0, 0.001, 1e-6, 1000.0, 0.000001]))
def test_parse_numbers_equals_parse_number(column, factor):
    numbers = parse_numbers(column, factor)
    assert len(numbers) == len(column)
    expected = []
    for v in column:
        p = parse_number(v)
        expected.append(
            ParsedNumber(
                p.value * factor if p.value is not None and factor != 1.0 else p.value, p.words_dropped, p.error
            )
        )
    assert exactly([numbers[i] for i in range(len(column))]) == exactly(expected)
    if factor != 1.0:  # a money column: the factor applied to every value read
        assert exactly(numbers.values) == exactly(
            [None if parse_number(v).value is None else parse_number(v).value * factor for v in column]
        )


@SETTINGS
@given(columns, st.integers(1990, 2110))
def test_parse_dates_tax_codes_marks_texts_equal_their_per_value_readers(column, latest_year):
    dates = parse_dates(column, latest_year)
    assert exactly([dates[i] for i in range(len(dates))]) == exactly([parse_date(v, latest_year) for v in column])
    codes = parse_tax_codes(column)
    assert exactly([codes[i] for i in range(len(codes))]) == exactly([parse_tax_code(v) for v in column])
    assert exactly(parse_marks(column)) == exactly([parse_mark(v) for v in column])
    assert exactly(clean_texts(column)) == exactly([clean_text(v) for v in column])
    texts = clean_texts(column)
    for lookup in (status_lookup(), sector_lookup(), grade_lookup()):
        assert map_codes(texts, lookup) == [map_codes([t], lookup)[0] for t in texts]  # each text on its own


def test_map_codes_takes_the_first_key_of_a_spaceless_form():
    lookup = {"a b c": "FIRST", "ab c": "SECOND", "x": "X"}
    texts = ["abc", "a bc", "ab c", "x", None, "", "y"]
    assert map_codes(texts, lookup) == ["FIRST", "FIRST", "SECOND", "X", None, None, None]


# ------------------------------------------------------------------ a sheet's entity rows at once


@st.composite
def tables_and_rows(draw):
    rt = draw(st.sampled_from(fields.record_types()))
    wanted = [f.field for f in fields.fields_of(rt)] + ["tax_code", "status", "sector", "grade", "seq"]
    chosen = draw(st.lists(st.sampled_from(wanted), unique=True, max_size=len(wanted)))
    order = draw(st.permutations(range(len(chosen) + 2)))  # two columns the table does not map
    columns_ = []
    for j, fld in zip(order, chosen + [None, "_ignore"]):
        money = draw(st.sampled_from([None, None, 0.001, 1e-6, 1000.0]))
        columns_.append(Column(j, fld, fld or "", money))
    if chosen and draw(st.booleans()):  # a field written twice: the first column wins
        columns_.append(Column(len(order), chosen[0], "again", None))
    table = Table(rt, 0, 1, sorted(columns_, key=lambda c: c.index), draw(st.sampled_from([None, 1.0, 0.001, 1e-6])))
    width = len(columns_) + 1
    n = draw(st.integers(0, 12))
    pool = draw(st.lists(cells, min_size=1, max_size=10))
    rows = [draw(st.lists(st.one_of(st.sampled_from(pool), cells), max_size=width)) for _ in range(n)]  # ragged
    contexts = [RowContext("f.xlsx", "Sheet 1", 5 + i, draw(st.sampled_from([None, "U01"]))) for i in range(n)]
    keys = draw(st.one_of(st.none(), st.lists(st.one_of(st.none(), st.text(max_size=5)), min_size=n, max_size=n)))
    return table, rows, contexts, keys


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables_and_rows())
def test_a_row_reads_the_same_alone_and_among_a_sheets_rows(case):
    """Reading column by column mixes no row's values or findings with another's."""
    table, rows, contexts, keys = case
    expected = [
        parse_records([r], table, [c], None if keys is None else [k])[0]
        for r, c, k in zip(rows, contexts, keys if keys is not None else [None] * len(rows))
    ]
    got = parse_records(rows, table, contexts, keys)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert exactly(g.values) == exactly(e.values)  # same values, same keys in the same order
        assert g.findings == e.findings  # same findings, in the same order


def test_parse_records_on_a_listing_with_every_kind_of_finding():
    """The findings of a small listing (words dropped, unreadable numbers, dates, marks, unknown statuses), each
    row's in the order of its fields, and the values read."""
    cols = ["name", "tax_code", "members", "charter_capital", "registered_on", "hightech", "status", "sector", "grade"]
    table = Table(
        "cooperative",
        0,
        1,
        [Column(j, f, f, 0.001 if f == "charter_capital" else None) for j, f in enumerate(cols)],
        1e-6,
    )
    rows = [
        [
            "HTX A",
            "5770125871",
            "khoảng 58.500",
            "trên 1.234,5",
            "31/02/2024",
            "chưa rõ",
            "Đang HĐ",
            "Nông nghiệp",
            "TB",
        ],
        ["HTX B", 5770125871.0, "abc", "5 - 6", "hôm qua", "x", "lạ", "?", None],
        ["HTX C", "5716073914-001", 12.0, "(5)", 45000, None, "Đang HĐ"],
        ["HTX A", "5770125871", "khoảng 58.500", "1.234,5", "31/02/2024", "chưa rõ", "Đang HĐ", "Nông nghiệp", "TB"],
    ]
    contexts = [RowContext("f.xlsx", "DS", 7 + i, "U1") for i in range(len(rows))]
    keys = ["k1", None, "k3", "k4"]
    got = parse_records(rows, table, contexts, keys)
    assert [f.kind for f in got[0].findings] == [
        "WORDS_DROPPED",
        "WORDS_DROPPED",
        "VALUE_UNREADABLE",
        "VALUE_UNREADABLE",
    ]
    assert got[0].findings[1].value_computed == "1234.5"  # as written, before the column's unit
    assert [f.kind for f in got[1].findings] == [
        "VALUE_UNREADABLE",
        "VALUE_UNREADABLE",
        "VALUE_UNREADABLE",
        "STATUS_UNKNOWN",
    ]
    assert [(f.row_number, f.entity_key, f.value_reported) for f in got[1].findings] == [
        (8, None, "abc"),
        (8, None, "5 - 6"),
        (8, None, "hôm qua"),
        (8, None, "lạ"),
    ]
    a, c = got[0].values, got[2].values
    assert (a["name"], a["tax_code"], a["status"], a["sector"], a["grade"]) == (
        "HTX A",
        "5770125871",
        "ACTIVE",
        "AGRI",
        "AVERAGE",
    )
    assert a["members"] == 58500 and round(a["charter_capital"], 9) == 1.2345  # nghìn đồng → triệu đồng
    assert a["values_unreadable"] is None and got[1].values["values_unreadable"] == {
        "members": "abc",
        "charter_capital": "5 - 6",
    }
    assert (c["tax_code"], c["members"], c["charter_capital"]) == (
        "5716073914-001",
        12.0,
        -5 * 0.001,
    )  # "(5)": a negative
    assert exactly(got[3].values) == exactly(got[0].values) and got[3].findings[0].entity_key == "k4"
    assert got[0].findings is not got[3].findings and got[0].values is not got[3].values
    assert parse_records([], table, []) == []
