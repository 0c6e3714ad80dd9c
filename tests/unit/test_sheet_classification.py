"""The row classification (spec §3), which decides most rows from features counted over the whole body, gives every
row exactly the class the readable oracle gives it row by row (tests/unit/row_class_oracle.py):
``row_classes(rows)[i] == classify(rows[i])`` on random sheets of entity rows, totals, sector headings,
numbering rows, copied headers, notes, signatures, blank rows, numbers as text, None and floats, built from the
vocabularies (property-based, hypothesis). And the header vocabulary's indexed match equals the scan it replaces."""

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kttt_pipeline.core import fields as field_vocab
from kttt_pipeline.core.vocabulary import HeaderVocabulary, header_key, header_vocabulary, read_vocab_csv, status_lookup
from kttt_pipeline.ingest import row_classes as row_classes_module
from kttt_pipeline.ingest.headers import locate_table
from kttt_pipeline.ingest.row_classes import ENTITY, RowClass, row_classes
from kttt_pipeline.ingest.row_features import is_numbering_row, row_features, strong_evidence
from kttt_pipeline.ingest.workbook import Grid

from . import row_class_oracle as oracle
from .row_class_oracle import classify

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _texts(name: str, column: str = "text") -> list[str]:
    return [r[column] for r in read_vocab_csv(name) if r[column].strip()]


SYNONYMS = read_vocab_csv("header_synonyms.csv")
STATUSES = _texts("statuses.csv")
SECTORS = _texts("sectors.csv")
ROW_LABELS = {}
for _r in read_vocab_csv("row_labels.csv"):
    ROW_LABELS.setdefault(_r["kind"], []).append(_r["text"])
NONE_WORDS = _texts("empty_listing_words.csv")
TAX_STATUSES = [f"{r['code']} - {r['text_vi']}" for r in read_vocab_csv("tax_status_codes.csv")]
RECORD_TYPES = ("cooperative", "group", "tax", "union")
EXTRA_COLUMNS = ["Ghi chú", "Người đại diện", "Số điện thoại", "Tổng số", "Cộng", "I. Nông nghiệp"]


def _headers(record_type: str) -> dict[str, list[str]]:
    """field → its single-row headers (no parent) for a record type, from header_synonyms.csv."""
    out: dict[str, list[str]] = {}
    for r in SYNONYMS:
        if r["record_type"] == record_type and not r["parent"]:
            out.setdefault(r["field"], []).append(r["header"])
    return out


# ------------------------------------------------------------------ cells

names = st.builds(
    lambda kind, sector, n: f"{kind} {sector} {n}",
    st.sampled_from(["HTX", "Hợp tác xã", "THT", "Tổ hợp tác"]),
    st.sampled_from(SECTORS),
    st.integers(1, 9999),
)
tax_codes = st.integers(10**7, 10**10 - 1).flatmap(
    lambda n: st.sampled_from([str(n), float(n), n, f"0{n}", f"{str(n)[:5]} {str(n)[5:]}"])
)
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-5, 10**6),
    st.integers(0, 10**6).map(lambda n: f"{n:,}".replace(",", ".")),
    st.sampled_from(["-", "12 HTX", "3,5"]),
)
numbering_tokens = st.one_of(
    st.integers(1, 40),
    st.integers(1, 40).map(float),
    st.integers(1, 40).map(str),
    st.integers(1, 40).map(lambda n: f"({n})"),
    st.sampled_from(["A", "B", "(5)=(6)+(7)", "C"]),
)
labels = st.one_of(
    st.sampled_from(
        [
            t
            for kind in ("total", "total_prefix", "signature", "note_prefix", "breakdown_prefix")
            for t in ROW_LABELS.get(kind, [])
        ]
    ),
    st.builds(
        lambda w, n: f"{w} {n}", st.sampled_from(ROW_LABELS["total"]), st.sampled_from(["I", "II", "A", "1", "(II)"])
    ),
    st.builds(lambda w, s: f"{w} lĩnh vực {s}", st.sampled_from(ROW_LABELS["total"]), st.sampled_from(SECTORS)),
    st.builds(lambda n, s: f"{n}. {s}", st.sampled_from(["I", "II", "A", "1", "a"]), st.sampled_from(SECTORS)),
    st.builds(lambda n: f"{n}. HTX đang hoạt động", st.sampled_from(["I", "II", "B"])),
    # issue 24: subtotals in free words, and names that begin like a total
    st.builds(
        lambda w, lead, words: f"{w} {lead} {words}",
        st.sampled_from(ROW_LABELS["total"]),
        st.sampled_from(ROW_LABELS["section_word"] + ROW_LABELS["section_lead"] + ROW_LABELS["listing_lead"] + [""]),
        st.sampled_from(
            [
                "thương mại, dịch vụ và khác",
                "trồng trọt, chăn nuôi",
                "Lạc",
                "III - Vận tải",
                "HTX trên địa bàn",
                "đang hoạt động",
                "Thương mại - Dịch vụ",
            ]
        ),
    ),
    st.builds(
        lambda w, rest: f"{w} {rest}",
        st.sampled_from(ROW_LABELS["not_total_prefix"]),
        st.sampled_from(["Xanh", "dịch vụ", "Hải Hà"]),
    ),
    st.sampled_from(
        SECTORS
        + NONE_WORDS
        + [
            "Phi nông nghiệp",
            "Lĩnh vực phi nông nghiệp",
            "I",
            "II",
            "Ngô Văn Tâm",
            "Bình Liêu, ngày 14/10/2024",
            "Quảng Ninh, ngày 5 tháng 10 năm 2024",
            "KT. CHỦ TỊCH",
            "Ghi chú: số liệu ước",
            "(*) ước tính",
            "  ",
            "\u00a0",
            "Tổng công ty Hải Hà",
            "HTX Cộng Hòa",
            "Cộng đồng Xanh",
            "Tổng số HTX đang hoạt động",
            "Trong đó: nông nghiệp",
            "Chia ra",
            "12",
            "(12 HTX)",
        ]
    ),
)
any_cell = st.one_of(
    st.none(),
    names,
    tax_codes,
    numbers,
    numbering_tokens,
    labels,
    st.sampled_from(STATUSES),
    st.sampled_from(TAX_STATUSES),
    st.booleans(),
    st.just(dt.date(2024, 9, 30)),
    st.sampled_from([h for r in SYNONYMS for h in (r["header"],)]),
)


# ------------------------------------------------------------------ tables and rows


@st.composite
def sheets(draw, only=None):
    record_type = draw(st.sampled_from(RECORD_TYPES))
    by_field = _headers(record_type)
    fields = draw(st.permutations(sorted(by_field)))
    fields = fields[: draw(st.integers(min(len(fields), 5), len(fields)))]
    header = [draw(st.sampled_from(by_field[f])) for f in fields]
    for _ in range(draw(st.integers(0, 3))):  # columns of no field ("Ghi chú"), anywhere
        header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(EXTRA_COLUMNS)))
    grid = Grid("DS", [["UBND huyện Bình Liêu"], header])
    table = locate_table(grid, record_type)
    assume(table is not None)
    numeric = set(field_vocab.numeric_fields(record_type))
    idx = table.field_index()
    width = len(header)

    def entity(weak=False):
        """An entity row; ``weak``: without a status or a tax code (a group's row)."""
        row = [None] * width
        for f, j in idx.items():
            if f == "name":
                row[j] = draw(names)
            elif f == "status":
                row[j] = (
                    None if weak else draw(st.one_of(st.sampled_from(STATUSES), st.sampled_from(TAX_STATUSES + [None])))
                )
            elif f == "tax_code":
                row[j] = None if weak else draw(st.one_of(tax_codes, st.none()))
                if draw(st.booleans()) and "status" in idx:  # evidence by the tax code alone
                    row[idx["status"]] = None
            elif f in numeric:
                row[j] = draw(st.one_of(numbers, st.none()))
            elif f == "seq":
                row[j] = draw(numbering_tokens)
            else:
                row[j] = draw(st.one_of(any_cell, st.none()))
        return row

    def labelled():
        row = draw(st.sampled_from([entity, weak_entity, lambda: [None] * width]))()
        where = draw(st.sampled_from([idx.get("name"), idx.get("seq"), draw(st.integers(0, width - 1))]))
        row[where if where is not None else 0] = draw(labels)
        if draw(st.booleans()) and "name" in idx and idx["name"] != where:
            row[idx["name"]] = draw(st.one_of(st.none(), numbering_tokens))
        return row

    def weak_entity():
        return entity(weak=True)

    def copied_header():
        row = list(header)
        for _ in range(draw(st.integers(0, 4))):
            # a status, a tax code or a number written as text keeps the row all texts yet gives it evidence
            row[draw(st.integers(0, width - 1))] = draw(
                st.one_of(
                    st.none(),
                    any_cell,
                    st.sampled_from(EXTRA_COLUMNS + STATUSES + ["5700123456", "12", "1.234"]),
                    st.sampled_from([" ", "\u00a0", "\u200b"]),
                )
            )  # a blank string: the row is no header
        return row

    def numbering():
        start = draw(st.sampled_from([0, 1, 2, 3, 90, 99, 100, 100 - width, 101 - width]))
        row = [
            draw(st.sampled_from([start + j, float(start + j), str(start + j), f"({start + j})"])) for j in range(width)
        ]
        if draw(st.booleans()):
            row[draw(st.integers(0, width - 1))] = draw(st.one_of(st.none(), numbering_tokens))
        return row

    def random_row():
        return draw(st.lists(any_cell, min_size=0, max_size=width + 2))

    if only == "header":
        return table, numeric, [copied_header() for _ in range(draw(st.integers(1, 10)))]
    makers = [
        entity,
        entity,
        weak_entity,
        weak_entity,
        labelled,
        labelled,
        copied_header,
        numbering,
        random_row,
        lambda: [None] * width,
        list,
    ]
    rows = [draw(st.sampled_from(makers))() for _ in range(draw(st.integers(3, 30)))]
    # ragged rows: shorter or longer than the header
    rows = [r[: draw(st.integers(0, len(r)))] if r and draw(st.integers(0, 9)) == 0 else r for r in rows]
    return table, numeric, rows


@SETTINGS
@given(sheets())
def test_sheet_classification_is_the_row_by_row_classification(sheet):
    table, numeric, rows = sheet
    assert row_classes(rows, table, numeric) == [classify(r, table, numeric) for r in rows]


@SETTINGS
@given(sheets(only="header"))
def test_copied_headers_as_the_reference_finds_them(sheet):
    """Rows copying the header, some of their cells changed: the 60 % shares of header texts and of field names."""
    table, numeric, rows = sheet
    assert row_classes(rows, table, numeric) == [classify(r, table, numeric) for r in rows]


def test_plain_rows_are_decided_without_reading_their_labels(monkeypatch):
    """The fast path is taken: plain entity rows (a status or a tax code; a named row with figures), blank rows,
    the numbering row and a copied header are decided from the body's features and never reach the reading of
    labels one row at a time; a total row and a heading do."""
    grid = Grid(
        "DS", [["UBND huyện Bình Liêu"], ["STT", "Tên HTX", "Mã số thuế", "Tình trạng", "Số thành viên", "Số lao động"]]
    )
    table = locate_table(grid, "cooperative")
    numeric = set(field_vocab.numeric_fields("cooperative"))
    status = next(iter(STATUSES))
    rows = [
        [1.0, "HTX Đông Tiến", "5700123456", status, 12.0, 30.0],
        [2.0, "HTX Tây Sơn", None, status, None, None],
        [3.0, "HTX Nam Hà", None, None, 7.0, None],
        [None] * 6,
        [None, "Tổng cộng", None, None, 19.0, 30.0],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        ["STT", "Tên HTX", "Mã số thuế", "Tình trạng", "Số thành viên", "Số lao động"],
        ["I", "Nông nghiệp", None, None, None, None],
    ]
    expected = [classify(r, table, numeric) for r in rows]
    seen = []
    labelled = row_classes_module._labelled_row_class

    def spy(row, t, numbers):
        seen.append(row)
        return labelled(row, t, numbers)

    monkeypatch.setattr(row_classes_module, "_labelled_row_class", spy)
    assert row_classes(rows, table, numeric) == expected
    assert seen == [rows[4], rows[7]]
    assert [rc.kind for rc in expected[:3]] == [ENTITY] * 3
    assert [(rc.kind, rc.reason) for rc in expected[5:7]] == [("note", "numbering"), ("note", "header")]


# ------------------------------------------------------------------ the header vocabulary's prefix index


def _scan(vocab: HeaderVocabulary, record_type: str, text: str) -> str | None:
    """The reference: every synonym scanned for the longest one the header starts with."""
    single = header_key(text)
    if not single:
        return None
    field = vocab.exact.get((record_type, "", single))
    if field:
        return field
    # a sub-header standing alone: the one field it names under every group row
    under = {fld for (rt, par, syn), fld in vocab.exact.items() if rt == record_type and par and syn == single}
    if len(under) == 1:
        return under.pop()
    best = None
    for (rt, par, syn), fld in vocab.exact.items():
        if (
            rt == record_type
            and not par
            and single.startswith(syn + " ")
            and (best is None or len(syn) > best[0])
            and (rt, par, syn) not in vocab.whole
        ):
            best = (len(syn), fld)
    return best[1] if best else None


header_texts = st.builds(
    lambda h, tail, cut: (h + tail)[:cut] if cut else h + tail,
    st.sampled_from([r["header"] for r in SYNONYMS] + ["LĐ", "Số TV", "CBQL", "Lao động nữ"]),
    st.sampled_from(["", " ước năm 2024", " (triệu đồng)", "  của lao động", ": tổng", "x", " - 2"]),
    st.integers(0, 40),
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted({r["record_type"] for r in SYNONYMS})), st.one_of(header_texts, st.text(max_size=30)))
def test_header_match_equals_the_synonym_scan(record_type, text):
    vocab = header_vocabulary()
    assert vocab.match(record_type, text, None) == _scan(vocab, record_type, text)


def test_header_match_takes_the_longest_synonym_prefix():
    vocab = HeaderVocabulary(
        {
            ("cooperative", "", "doanh thu"): "revenue",
            ("cooperative", "", "doanh thu uoc"): "x",
            ("cooperative", "tren", "doanh thu uoc nam"): "y",
        }
    )
    assert vocab.match("cooperative", "Doanh thu ước năm 2024", None) == "x"
    assert vocab.match("cooperative", "Doanh thu năm 2024", None) == "revenue"
    assert vocab.match("cooperative", "Doanh thuế", None) is None
    assert vocab.match("group", "Doanh thu ước năm 2024", None) is None


@pytest.mark.parametrize("value", [float("nan"), math.inf, True, 1, 1.0, "1", None, ["a list"], dt.time(8, 30)])
def test_odd_single_cells(value):
    grid = Grid("DS", [["x"], ["STT", "Tên HTX", "Mã số thuế", "Tình trạng", "Số thành viên", "Số lao động"]])
    table = locate_table(grid, "cooperative")
    numeric = set(field_vocab.numeric_fields("cooperative"))
    rows = [[value, "HTX A", value, next(iter(status_lookup())), value, value], [value] * 6, [True, 1, 1.0, "1"]]
    assert row_classes(rows, table, numeric) == [classify(r, table, numeric) for r in rows]


# ------------------------------------------------------------------ the row features, one by one


@SETTINGS
@given(st.one_of(sheets(), sheets(only="header")))
def test_sheet_features_are_the_reference_predicates(sheet):
    """Each feature of :func:`row_features` against the oracle's predicate it stands for."""
    table, numeric, rows = sheet
    assume(any(rows))
    f = row_features(rows, table, numeric)
    idx = table.field_index()
    n_columns = len(table.columns)
    for i, row in enumerate(rows):
        assert f.filled[i] == sum(v is not None for v in row)
        assert f.numbering[i] == oracle.is_numbering_row(row, n_columns) == is_numbering_row(row, n_columns)
        if not f.numbering[i] and f.filled[i]:
            assert f.copied[i] == oracle.is_repeated_header(row, table)
        assert f.strong[i] == oracle.strong_evidence(row, idx) == strong_evidence(row, idx)
        assert f.has_numbers[i] == oracle.has_numbers(row, idx, numeric)
        if f.weak[i]:
            assert classify(row, table, numeric) == RowClass(ENTITY, has_numbers=True)
