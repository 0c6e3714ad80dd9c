"""The labels a clerk and a signer read are data, kept once (issue 15): finding kinds, rules, sector / status /
grade labels, one Vietnamese number and date format."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import kttt_pipeline
from kttt_pipeline.core import findings

PACKAGE = Path(kttt_pipeline.__file__).parent
SOURCES = [p for p in PACKAGE.rglob("*.py") if "demo" not in p.relative_to(PACKAGE).parts]
_CODE = re.compile(r"^[A-Z][A-Z_]+$")


def _call_name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _raised_kinds() -> dict[str, str]:
    """Every finding kind the package raises: the first argument of ``Finding(...)`` and of the small local helpers
    that wrap it (``finding(...)``, ``finding(row, ...)``, ``_reject(..., kind=...)``), ``kind=`` keywords and
    ``kind`` parameter defaults. kind → where it is first seen."""
    kinds: dict[str, str] = {}

    def add(node: ast.AST, where: str) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _CODE.match(node.value):
            kinds.setdefault(node.value, where)

    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                if _call_name(node).lower() == "finding":
                    for arg in node.args[:2]:  # finding(kind, …) or, reading a column, finding(row, kind, …)
                        add(arg, where)
                for kw in node.keywords:
                    if kw.arg == "kind":
                        add(kw.value, where)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.args + node.args.kwonlyargs
                defaults = (
                    [None] * (len(node.args.args) - len(node.args.defaults))
                    + list(node.args.defaults)
                    + list(node.args.kw_defaults)
                )
                for arg, default in zip(args, defaults):
                    if arg.arg == "kind" and default is not None:
                        add(default, where)
    return kinds


def test_the_collector_sees_the_kinds_raised_through_helpers():
    kinds = _raised_kinds()
    # raised directly, through records.parse_records' finding(...) and through ingest.period._reject(kind=...)
    for kind in ("DUPLICATE", "VALUE_UNREADABLE", "UNIT_UNKNOWN", "UNIT_NOT_IN_FORCE", "FILE_REJECTED"):
        assert kind in kinds, kind
    assert len(kinds) >= 20


def test_every_kind_raised_has_a_row_with_a_severity_a_rule_and_a_label():
    table = findings.finding_kinds()
    missing = {k: where for k, where in _raised_kinds().items() if k not in table}
    assert missing == {}
    for kind in table.values():
        assert kind.severity in findings.SEVERITY_VI, kind
        assert kind.label_vi and kind.label_vi != kind.kind, kind
        assert kind.rule in findings.rule_labels(), kind  # every default rule has a label


def test_every_rule_cited_in_code_has_a_label():
    cited: dict[str, str] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _call_name(node).lower() == "finding":
                for kw in node.keywords:
                    if kw.arg == "rule":
                        value = kw.value
                        if isinstance(value, ast.BinOp):  # "7.6:" + ",".join(rules)
                            value = value.left
                        assert isinstance(value, ast.Constant), f"{path}:{node.lineno}: rule not written out"
                        cited.setdefault(findings.rule_key(value.value), f"{path.name}:{node.lineno}")
    assert {"7.4", "7.6", "so_sanh_ky"} <= set(cited)
    assert {r: w for r, w in cited.items() if r not in findings.rule_labels()} == {}


def test_clerk_and_signer_read_one_label_and_file_rejections_cite_a_labelled_rule():
    from kttt_pipeline.publish.appendix import sheet_findings

    # the signer's findings sheet and the clerk's check (clerk_check) read the one table of core.findings
    assert sheet_findings.kind_label is findings.kind_label
    for kind in findings.finding_kinds():
        assert findings.kind_label(kind, findings.PROVINCE_WORD) == findings.KINDS[kind][1]
    # a label that names the province names it by its kind at the period's end, "tỉnh" when none is given
    assert findings.kind_label("PROVINCE_WORKBOOK_MISSING", "thành phố").endswith("của thành phố")
    assert findings.kind_label("COMMUNE_UNPLACED").endswith("(chỉ tính vào toàn tỉnh)")
    rejected = findings.Finding("FILE_REJECTED", "Tệp 'x.xlsx' không được nạp")
    assert rejected.rule == "8" and "(§8)" in findings.rule_label(rejected.rule)
    assert findings.Finding("UNIT_NOT_IN_FORCE", "…").rule == "11"
    assert findings.Finding("DUPLICATE", "…", rule="7.2").rule == "7.2"  # a rule written out wins
    assert findings.kind_label("WORDS_DROPPED") == "Ô số có kèm chữ (đã bỏ phần chữ)"
    assert findings.rule_label("7.6:negative_value") == findings.rule_label("7.6")
    assert findings.rule_label("9.9") == "§9.9" and findings.kind_label("NOT_A_KIND") == "NOT_A_KIND"


# ------------------------------------------------------------------ one number and one date format


def test_one_vietnamese_number_rule_half_away_from_zero():
    from kttt_pipeline.core.numfmt import format_number, format_vn

    # Python's own formatting rounds half to even: f"{2.5:.0f}" == "2", f"{0.125:.2f}" == "0.12"
    assert format_vn(2.5) == "3" and format_vn(-2.5) == "-3" and format_vn(0.125, 2) == "0,13"
    assert format_vn(74.85, 1) == "74,9"  # stored as 74.8499…, read as written
    assert format_number(5500.0) == "5.500" and format_number(3030.64) == "3.030,6"
    assert format_number(3030.64, 2) == "3.030,64" and format_number(2.04) == "2" and format_number(None) == "—"
    assert format_number(1234567.25, 1) == "1.234.567,3"


def test_one_date_format():
    import datetime as dt

    from kttt_pipeline.core.numfmt import format_date_vn
    from kttt_pipeline.ingest.resubmissions import Submission, choose_winners

    assert format_date_vn(dt.date(2024, 9, 3)) == "03/09/2024" and format_date_vn(None) == ""
    early = Submission("a.xlsx", "193", dt.date(2024, 10, 5), dt.datetime(2024, 10, 5, 8, 0))
    late = Submission("b.xlsx", "193", dt.date(2024, 10, 15), dt.datetime(2024, 10, 1, 8, 0))
    undated = Submission("c.xlsx", "193", None, dt.datetime(2024, 10, 20, 8, 0))
    _winners, found = choose_winners([early, late, undated])
    assert {(f.source_file, f.value_reported, f.value_computed) for f in found} == {
        ("a.xlsx", "05/10/2024", "15/10/2024"),
        ("c.xlsx", "(không ghi)", "15/10/2024"),
    }


def test_headline_and_summary_messages_use_the_vietnamese_format():
    import pandas as pd

    from kttt_pipeline.reconcile.summary_compare import compare_summary

    summary = pd.DataFrame(
        [
            {
                "unit_code": "193",
                "indicator_code": "HTX_CHARTER_CAPITAL",
                "value": 3030.6,
                "label": "Vốn điều lệ",
                "source_file": "x.xlsx",
                "sheet": "TH",
                "row_number": 9,
            }
        ]
    )
    found = compare_summary(summary, {"193": {"HTX_CHARTER_CAPITAL": 12500.25}})
    assert len(found) == 1
    assert "= 3.030,6" in found[0].detail and "12.500,25" in found[0].detail
    # the stored values stay plain text a machine reads back; the findings sheet formats them
    assert (found[0].value_reported, found[0].value_computed) == ("3030.6", "12500.25")


def test_stored_summary_values_keep_every_digit_read():
    from kttt_pipeline.reconcile.summary_compare import plain_number

    assert plain_number(123456.7) == "123456.7" and plain_number(0.1 + 0.2) == "0.3"
    assert plain_number(5500.0) == "5500" and plain_number(None) == ""


# ------------------------------------------------------------ sector, status and grade labels on their canonical rows


def test_every_code_read_has_a_canonical_row_and_its_label_reads_back_as_the_code():
    from kttt_pipeline.core import vocabulary as v

    for lookup, table in (
        (v.sector_lookup(), v.sector_table()),
        (v.status_lookup(), v.status_table()),
        (v.grade_lookup(), v.grade_table()),
    ):
        assert set(lookup.values()) == set(table)  # no code read without a label, no label without a reading
        for code, row in table.items():
            # the published label is one of the texts a return may carry: read back, it is its own code
            assert lookup[v.fold(row.label_vi)] == code, row
    for code in v.sector_codes("group"):
        assert v.sector_lookup()[v.fold(v.sector_label(code, "group"))] == code


def test_code_lists_and_labels_in_published_order():
    from kttt_pipeline.core import vocabulary as v

    assert v.sector_codes() == ("AGRI", "INDUSTRY", "CONSTRUCTION", "ENVIRONMENT", "TRANSPORT", "TRADE", "OTHER")
    assert v.sector_codes("group") == ("AGRI", "INDUSTRY", "OTHER") and v.sector_codes("union") == ("AGRI", "NON_AGRI")
    assert v.status_codes()[0] == "ACTIVE" and v.status_codes()[-1] == "DISSOLVED"
    assert v.grade_codes() == ("GOOD", "FAIR", "AVERAGE", "WEAK")
    assert v.sector_label("AGRI") == "Nông nghiệp" and v.sector_label("AGRI", "group") == "Nông - lâm - ngư nghiệp"
    assert v.sector_label("INDUSTRY", style="short") == "Công nghiệp - TTCN"
    assert v.sector_label("OTHER", style="phrase") == "lĩnh vực khác"
    assert v.status_label("SUSPENDED") == "Tạm ngừng hoạt động" and v.grade_label("WEAK") == "Yếu kém"
    assert v.status_label("NO_SUCH") == "NO_SUCH" and v.status_label(None) == ""


def test_the_stages_read_the_canonical_labels():
    from kttt_pipeline.core import vocabulary as v
    from kttt_pipeline.ingest import schemas
    from kttt_pipeline.publish import charts, paragraph
    from kttt_pipeline.publish.appendix import common as appendix
    from kttt_pipeline.reconcile import indicators, status

    assert schemas.SECTORS == list(v.sector_codes()) and schemas.STATUSES == list(v.status_codes())
    assert status.STATUS_VI == v.status_labels() and indicators.THT_SECTORS == list(v.sector_codes("group"))
    assert appendix.SECTOR_VI == v.sector_labels() and appendix.THT_SECTOR_VI == v.sector_labels("group")
    assert appendix.UNION_SECTOR_VI == {"AGRI": "Nông nghiệp", "NON_AGRI": "Phi nông nghiệp"}
    assert dict(charts.SECTOR_LABELS) == v.sector_labels(style="short")
    assert dict(paragraph.SECTOR_PHRASES)["TRADE"] == "thương mại - dịch vụ"
    assert dict(paragraph.THT_SECTOR_PHRASES)["AGRI"] == "nông - lâm - ngư nghiệp"


# ------------------------------------------------------------------ one in-force rule, one unit order, one tier


def test_one_in_force_rule_for_the_register_and_the_warehouse_reader():
    import datetime as dt

    from kttt_pipeline.core.admin_units import AdminUnit, in_force

    end, start = dt.date(2025, 6, 30), dt.date(2025, 7, 1)
    assert in_force(None, end, end) and not in_force(None, end, start)  # the last day is included
    assert in_force(start, None, start) and not in_force(start, None, end)
    assert in_force(None, None, dt.date(1990, 1, 1))
    district = AdminUnit("193", "district", "Hạ Long", "Thành phố", "22", None, end)
    assert district.in_force(end) and not district.in_force(start)


def test_one_unit_order_numeric_then_text():
    from kttt_pipeline.core.admin_units import unit_sort_key

    codes = ["06688", "205", "193", "x", "22", "7135"]
    assert sorted(codes, key=unit_sort_key) == ["22", "193", "205", "06688", "7135", "x"]


def test_one_tier_of_a_periods_units():
    from kttt_pipeline.core.admin_units import commonest_level

    assert commonest_level(["commune", "province", "commune", "district", None, ""]) == "commune"
    assert commonest_level(["district", "former_commune", "former_commune"]) == "district"
    assert commonest_level(["district", "commune"]) == commonest_level(["commune", "district"]) == "commune"
    assert commonest_level([]) == ""


# ------------------------------------------------------------------ the remaining word lists are data


def test_abbreviations_come_from_the_vocabulary():
    from kttt_pipeline.core.text import abbreviations, fold_name

    table = abbreviations()
    assert table["htx"] == "hop tac xa" and table["qtdnd"] == "quy tin dung nhan dan"
    assert fold_name("HTX DV NN Tuyền Hiền") == "hop tac xa dich vu nong nghiep tuyen hien"


def test_yes_no_and_empty_marks_come_from_the_vocabulary():
    from kttt_pipeline.core.values import parse_mark, parse_number
    from kttt_pipeline.core.vocabulary import marks

    assert {"x", "co", "dat"} <= marks().yes and {"", "khong", "0"} <= marks().no
    assert [parse_mark(v) for v in ("X", "Có", "Đạt", "có tham gia", "Không", "", None, "chưa rõ")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        None,
    ]
    assert parse_number("-") == parse_number("—") == parse_number(None)  # a dash is nothing written
    assert parse_number("x").error == "not_a_number" and parse_number("x").value is None


def test_title_words_come_from_the_vocabulary():
    import pytest

    from kttt_pipeline.core.vocabulary import title_words

    assert "ma don vi" in title_words("unit_code_label") and "dvt" in title_words("unit_line_label")
    assert "ngay bao cao" in title_words("report_date_label") and "luy ke den" in title_words("data_until_phrase")
    assert "hop tac xa" in title_words("name_entity_word")
    with pytest.raises(KeyError):
        title_words("no_such_kind")


def test_no_word_list_left_in_the_modules_that_read_returns():
    """The folded words the readers used to spell out are gone from the code (they are in vocab/*.csv)."""
    gone = [
        '"ma don vi"',
        '"ngay bao cao"',
        '"luy ke den"',
        '"don vi tinh"',
        '"co ung dung"',
        '"hop tac xa"',
        '"san xuat kinh doanh"',
    ]
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        assert [w for w in gone if w in text] == [], path


def test_headline_labels_are_data():
    from kttt_pipeline.core.vocabulary import indicators
    from kttt_pipeline.orchestration.headline import HEADLINE

    codes = {i.code for i in indicators()}
    assert HEADLINE[0] == ("HTX_TOTAL", "Tổng số HTX") and all(code in codes for code, _ in HEADLINE)


def test_sheet_and_listing_labels_are_data():
    from kttt_pipeline.core import fields
    from kttt_pipeline.core.vocabulary import record_type_label

    # the listings whose total rows are compared (summary_compare) are named by their label
    assert {rt: record_type_label(rt) for rt in fields.record_types() if fields.total_row_fields(rt)} == {
        "cooperative": "Danh sách HTX",
        "group": "Danh sách THT",
        "union": "LHHTX",
        "credit_fund": "QTDND",
    }
    assert record_type_label("summary", in_sentence=True) == "biểu tổng hợp"
    assert record_type_label("no_such") == "no_such"


def test_no_vocabulary_row_has_more_columns_than_its_header():
    """A comma left unquoted in a note makes a row longer than its header (csv.DictReader hides the rest under
    None, the note cut short). Shorter rows are allowed: trailing optional columns left empty."""
    import csv
    from pathlib import Path

    import kttt_pipeline

    root = Path(kttt_pipeline.__file__).parent / "vocab"
    files = sorted(root.rglob("*.csv"))
    assert files
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        width = len(rows[0])
        bad = [n for n, row in enumerate(rows[1:], 2) if len(row) > width]
        assert not bad, f"{path.relative_to(root)}: rows {bad[:5]} have more than {width} columns"
