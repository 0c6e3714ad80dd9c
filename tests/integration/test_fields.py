"""vocab/fields.csv, the form's contract as data: the loader, what is generated from it, the warehouse models
held to it, and adding a field as one row."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from pandera.errors import SchemaError
from sqlalchemy import Boolean, Date, Float, Integer

from kttt_pipeline.core import fields
from kttt_pipeline.core.admin_units import (
    UnitMatcher,
    load_admin_units,
    reporting_units,
)
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.vocabulary import header_vocabulary, indicators
from kttt_pipeline.ingest.unit_return import read_unit_return
from kttt_pipeline.ingest.workbook import read_workbook
from kttt_pipeline.reconcile.indicators import prepare_cooperatives
from kttt_pipeline.schema import reload_schema, warehouse_schema
from kttt_pipeline.schema.frames import staging_schemas
from kttt_pipeline.warehouse.models import Base

from ..workbook_factory import (
    COOP_CHILDREN,
    COOP_PARENTS,
    SheetSpec,
    coop_row,
    coop_sheet,
    write_workbook,
)

HEADER = [
    "record_type",
    "field",
    "kind",
    "unit",
    "label_vi",
    "origin",
    "on_total_rows",
    "sum_indicator",
    "expected",
    "signed",
    "not_null",
    "staged",
    "stored_in",
]


def _row(**kw: str) -> dict[str, str]:
    base = dict.fromkeys(HEADER, "")
    base.update(record_type="cooperative", field="x", kind="count", label_vi="X", origin="read", staged="yes")
    base.update(kw)
    return base


# ------------------------------------------------------------------------------------------------ loader


def test_a_malformed_row_is_refused_with_its_line():
    assert fields.parse_fields([_row()])[0].kind == "count"
    cases = [
        ([_row(kind="amount")], "line 2: unknown kind 'amount'"),
        ([_row(origin="typed")], "unknown origin"),
        ([_row(), _row()], "line 3: cooperative.x is listed twice"),
        ([_row(staged="", stored_in="stg_cooperative")], "stored in stg_cooperative but not staged"),
        ([_row(kind="text", on_total_rows="yes")], "only a count or money field is summed"),
        ([_row(signed="no")], "expected 'yes' or empty"),
        ([_row(label_vi="")], "has no label_vi"),
        ([_row(fill_down="yes")], "fills down only a field read that is not a figure"),
        ([_row(kind="date", origin="context", fill_down="yes")], "fills down only a field read"),
    ]
    for rows, message in cases:
        with pytest.raises(ValueError, match=message):
            fields.parse_fields(rows)


def test_the_packaged_file_is_well_formed_and_every_kind_and_origin_is_documented():
    every = fields.all_fields()
    assert {f.kind for f in every} <= set(fields.KINDS) and {f.origin for f in every} <= set(fields.ORIGINS)
    doc = (Path(__file__).parents[2] / "docs" / "fields.md").read_text(encoding="utf-8")
    with resources.files("kttt_pipeline.vocab").joinpath("fields.csv").open(encoding="utf-8") as fh:
        columns = next(csv.reader(fh))
    for col in columns:
        assert f"| `{col}` |" in doc, col
    for kind in fields.KINDS:
        assert f"`{kind}`" in doc, kind


def test_label_in_a_sentence_keeps_an_abbreviation():
    assert fields.label_in_text("cooperative", "members") == "số thành viên"
    assert fields.label_in_text("cooperative", "managers_primary_secondary").startswith("CBQL ")
    assert fields.label_in_text("cooperative", "no_such_field") == "no_such_field"


def test_lists_by_kind_are_the_read_fields_of_that_kind():
    for rt in fields.record_types():
        read = {f.field: f for f in fields.fields_of(rt) if f.origin == "read"}
        assert all(read[f].kind == "money" for f in fields.money_fields(rt))
        assert all(read[f].kind == "count" for f in fields.count_fields(rt))
        assert fields.numeric_fields(rt) == [f for f in read if read[f].kind in ("count", "money")]
        assert set(fields.non_negative_fields(rt)) == {f for f in fields.numeric_fields(rt) if not read[f].signed}
        assert set(fields.total_row_fields(rt)) <= set(fields.numeric_fields(rt))
        for f in fields.fields_of(rt):
            if f.kind == "money":
                assert f.unit.startswith("triệu đồng"), f  # money is kept in triệu đồng
            if "/người/" in f.unit:
                assert not f.on_total_rows and not f.sum_indicator, f  # an average is not the sum of its rows
    assert fields.get_field("cooperative", "profit").signed
    assert "profit" not in fields.non_negative_fields("cooperative")


def test_every_sum_indicator_is_an_indicator_of_the_same_unit():
    known = {i.code: i for i in indicators()}
    for (rt, fld), code in fields.sum_indicators().items():
        assert code in known, code
        f = fields.get_field(rt, fld)
        assert known[code].unit == f.unit, (rt, fld, code)
        assert f.on_total_rows


def test_each_label_of_a_field_read_is_a_header_the_reader_recognises():
    vocab = header_vocabulary()
    for rt, fld, label in fields.header_labels():
        assert vocab.match(rt, None, label) == fld, (rt, fld, label)


# ------------------------------------------------------------------------------------ what is generated


def test_the_generated_lists_are_the_fields_of_fields_csv():
    for rt in fields.record_types():
        cols = fields.staged_columns(rt)
        assert {"period", "source_file", "row_number"} <= set(cols) or rt == "target", rt
    for rt in ("cooperative", "group", "union", "credit_fund", "tax"):
        assert set(fields.money_fields(rt)) <= set(fields.numeric_fields(rt))
        assert set(fields.date_fields(rt)).isdisjoint(fields.numeric_fields(rt))
    # what reconcile keeps of a staged frame is staged
    for table, rt in (
        ("cooperative", "cooperative"),
        ("cooperative_group", "group"),
        ("cooperative_union", "union"),
        ("credit_fund", "credit_fund"),
    ):
        kept = [f for f in fields.table_fields(table) if f.origin != "reconciled"]
        assert all(f.staged for f in kept) and {f.record_type for f in fields.table_fields(table)} == {rt}


def test_each_staging_schema_has_the_columns_of_its_table_typed_by_kind():
    assert set(staging_schemas()) == {"stg_cooperative", "stg_group", "stg_tax_register", "stg_summary_figure"}
    for table, schema in staging_schemas().items():
        assert list(schema.columns) == fields.table_columns(table)
        for f in fields.table_fields(table):
            col = schema.columns[f.field]
            assert col.nullable == (not f.not_null), f
            if f.kind in ("flag", "mark"):
                assert str(col.dtype) == "bool", f
    schema = staging_schemas()["stg_cooperative"]
    row = {c: None for c in fields.table_columns("stg_cooperative")}
    row.update(
        period="2024-Q3",
        unit_code="198",
        source_file="a.xlsx",
        sheet="DS",
        row_number=7,
        sector="AGRI",
        tax_code_valid=False,
        hightech=False,
        value_chain=False,
    )
    for f in fields.count_fields("cooperative") + fields.money_fields("cooperative"):
        row[f] = 1.5
    ok = pd.DataFrame([row])
    schema.validate(ok)
    schema.validate(ok.assign(**{f: None for f in fields.money_fields("cooperative")}))  # no return filled them
    for f in fields.count_fields("cooperative") + fields.money_fields("cooperative"):
        with pytest.raises(SchemaError):
            schema.validate(ok.assign(**{f: "nhiều"}))  # a figure held as text
    with pytest.raises(SchemaError):
        schema.validate(ok.assign(sector=None))  # not_null


def test_every_money_field_of_a_listing_is_converted_by_its_unit_and_counts_are_not(tmp_path):
    """A listing whose columns are headed by the labels of fields.csv, money in đồng: every money field is read
    as triệu đồng, every count as written."""
    read = [f for f in fields.fields_of("cooperative") if f.origin == "read"]
    figures = [f for f in read if f.kind in ("count", "money")]
    headers = ["STT", "Tên HTX"] + [f"{f.label_vi} (đồng)" if f.kind == "money" else f.label_vi for f in figures]
    rows = [[1, "HTX rau an toàn Nam Sơn"] + [5_000_000 if f.kind == "money" else 7 for f in figures]]
    spec = SheetSpec("Danh sách HTX", [["UBND huyện Bình Liêu"], []], headers, None, rows=rows)
    wb = read_workbook(write_workbook(tmp_path / "r.xlsx", [spec]))
    ret = read_unit_return(wb, "r.xlsx", UnitMatcher(reporting_units(load_admin_units(), Period.parse("2024-Q3"))))
    coop = ret.rows("cooperative")[0]
    for f in figures:
        assert coop[f.field] == pytest.approx(5.0 if f.kind == "money" else 7), f.field


# ---------------------------------------------------------------------------------- the warehouse models


_SQL_TYPE = {
    "count": Integer,
    "integer": Integer,
    "money": Float,
    "number": Float,
    "date": Date,
    "flag": Boolean,
    "mark": Boolean,
}


def test_the_warehouse_models_store_exactly_what_fields_csv_says():
    """The warehouse tables the schema layer builds hold exactly what fields.csv stores (a field stored without a
    column, or a column without a field, fails here). Besides the fields: the surrogate ``id`` and the province whose
    period the row belongs to, stamped by the loader (warehouse/province.py)."""
    from kttt_pipeline.warehouse.province import PROVINCE_COLUMN

    for table in fields.tables():
        model = Base.metadata.tables[table]
        columns = {c.name for c in model.columns}
        assert PROVINCE_COLUMN in columns and not model.columns[PROVINCE_COLUMN].nullable, table
        assert columns - {"id", PROVINCE_COLUMN} == set(fields.table_columns(table)), table
        for f in fields.table_fields(table):
            expected = _SQL_TYPE.get(f.kind)
            if expected is not None:
                assert isinstance(model.columns[f.field].type, expected), (table, f.field)


# ------------------------------------------------------------------------------------- adding a field

_ADDED = [
    "cooperative",
    "female_workers",
    "count",
    "người",
    "Lao động nữ",
    "read",
    "",
    "",
    "",
    "",
    "",
    "yes",
    "stg_cooperative",
    "",
    "Female workers (Lao động nữ).",
]

_PROBE = """
import json, sys
import pandas as pd
from kttt_pipeline.core import fields
from kttt_pipeline.ingest.period import extract_period
from kttt_pipeline.reconcile.indicators import prepare_cooperatives
from kttt_pipeline.schema import reload_schema, warehouse_schema
from kttt_pipeline.schema.frames import staging_schemas
from kttt_pipeline.reconcile.period import reconcile_period

staged = extract_period(sys.argv[1], "2024-Q3", workers=1)
result = reconcile_period(staged)
schema = staging_schemas()["stg_cooperative"]
schema.validate(result.stg_cooperative)
try:
    schema.validate(result.stg_cooperative.astype({"female_workers": object}).assign(female_workers="nhiều"))
    rejects_text = False
except Exception:
    rejects_text = True
print(json.dumps({
    "fields_csv": str(fields.fields_path()),
    "in_columns": "female_workers" in fields.table_columns("stg_cooperative"),
    "in_schema": "female_workers" in schema.columns,
    "rejects_text": rejects_text,
    "staged": {r.name: (None if pd.isna(r.female_workers) else r.female_workers)
               for r in staged.stg_cooperative.itertuples()},
    "kept": sorted(result.stg_cooperative["name"]),
    "quarantined": [[r.entity_key, r.reason_vi] for r in result.quarantine.itertuples()],
    "findings": [f.detail for f in staged.findings if f.kind == "VALUE_UNREADABLE"],
}, ensure_ascii=False))
"""


def test_adding_a_field_is_one_row_of_fields_csv(tmp_path):
    """A copy of the vocabulary with one row added: the return's new column is read, staged, typed by the staging
    schema and held to the §7.6 count rules, with no other change."""
    vocab = tmp_path / "vocab"
    packaged = Path(str(resources.files("kttt_pipeline.vocab").joinpath("fields.csv"))).parent
    shutil.copytree(packaged, vocab, ignore=shutil.ignore_patterns("__pycache__"))
    with (vocab / "fields.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(_ADDED)

    raw = tmp_path / "raw"
    parents, children = COOP_PARENTS + ["Lao động nữ"], COOP_CHILDREN + [None]
    rows = [
        coop_row(1, "HTX rau an toàn Nam Sơn", "5796132263") + [4],
        coop_row(2, "HTX dịch vụ nông nghiệp Ánh Dương", "5796998944") + [None],
        coop_row(3, "HTX vận tải Bãi Cháy", "5729543363", sector="Vận tải") + ["nhiều"],
    ]
    sheet = coop_sheet(rows)
    write_workbook(
        raw / "2024-Q3" / "districts" / "BL.xlsx", [SheetSpec(sheet.name, sheet.title, parents, children, rows=rows)]
    )

    env = {**os.environ, fields.FIELDS_CSV_ENV: str(vocab / "fields.csv")}
    env.pop("KTTT_PROVINCE", None)
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(raw)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[2],
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["fields_csv"] == str(vocab / "fields.csv")
    assert got["in_columns"] and got["in_schema"] and got["rejects_text"]
    assert got["staged"] == {
        "HTX rau an toàn Nam Sơn": 4.0,
        "HTX dịch vụ nông nghiệp Ánh Dương": None,
        "HTX vận tải Bãi Cháy": None,
    }
    # a count written as a word is not read as empty: the finding quotes the new label, the row waits (§7.6)
    assert "lao động nữ: không đọc được 'nhiều' (để trống)" in got["findings"]
    assert [key for key, _ in got["quarantined"]] == ["5729543363"]
    assert "lao động nữ ghi 'nhiều'" in got["quarantined"][0][1]
    # this process reads the packaged file: the copy changed nothing here
    assert "female_workers" not in fields.table_columns("stg_cooperative")


def test_the_loader_reads_the_file_kttt_fields_csv_names(tmp_path, monkeypatch):
    packaged = Path(str(resources.files("kttt_pipeline.vocab").joinpath("fields.csv")))
    copy = tmp_path / "fields.csv"
    shutil.copy(packaged, copy)
    with copy.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(_ADDED)
    monkeypatch.setenv(fields.FIELDS_CSV_ENV, str(copy))
    reload_schema()
    try:
        # every list generated from the fields is a call: a reload reaches them all, and the schema built on them
        assert fields.count_fields("cooperative")[-1] == "female_workers"
        assert "female_workers" in staging_schemas()["stg_cooperative"].columns
        assert "female_workers" in {c.name for c in warehouse_schema().table("stg_cooperative").columns}
        # a stage's list too (reconcile converts the counts it sums): no module kept the list of its import
        prepared = prepare_cooperatives(
            pd.DataFrame({"female_workers": ["4"], "registered_on": [None], "dissolved_on": [None]})
        )
        assert prepared["female_workers"].tolist() == [4]
        assert fields.label_in_text("cooperative", "female_workers") == "lao động nữ"
        assert "female_workers" in fields.table_columns("stg_cooperative")
        assert header_vocabulary().match("cooperative", None, "Lao động nữ (người)") == "female_workers"
    finally:
        monkeypatch.delenv(fields.FIELDS_CSV_ENV)
        reload_schema()
    assert "female_workers" not in fields.count_fields("cooperative")
    assert "female_workers" not in staging_schemas()["stg_cooperative"].columns
    assert header_vocabulary().match("cooperative", None, "Lao động nữ") is None


def test_merged_cells_fill_down_the_fields_fields_csv_marks():
    marked = fields.fill_down_fields()
    # a run of equal sectors or dates is merged; a name, a tax code or a figure never is
    assert {"sector", "status", "registered_on"} <= marked
    assert not marked & {"name", "tax_code", *fields.numeric_fields("cooperative")}


def test_a_union_field_added_to_fields_csv_is_a_column_of_the_unions_sheet(tmp_path, monkeypatch):
    """Biểu 04 lists the union figures of fields.csv: a new one is a new column, its header the label and unit."""
    from openpyxl import load_workbook

    from kttt_pipeline.core.numfmt import NF_INT
    from kttt_pipeline.publish.appendix import SHEET_UNIONS, write_appendix

    from .test_publish import PERIOD, build_warehouse

    copy = tmp_path / "fields.csv"
    shutil.copy(Path(str(resources.files("kttt_pipeline.vocab").joinpath("fields.csv"))), copy)
    with copy.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(
            ["union", "female_workers", "count", "người", "Lao động nữ", "read", "", "", "", "", "", "yes", ""]
        )
    engine = build_warehouse(tmp_path / "wh.sqlite")

    def union_header(path):
        ws = load_workbook(path)[SHEET_UNIONS]
        # Biểu 04 is one table: its header, then part A (the unions: the line "A", then their rows), then part B
        r = next(
            r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Tên liên hiệp HTX, quỹ tín dụng nhân dân"
        )
        assert ws.cell(r + 1, 1).value == "A"
        return ws, r + 1, [ws.cell(r, c).value for c in range(5, ws.max_column + 1)]

    ws, r, before = union_header(write_appendix(engine, PERIOD, tmp_path / "before.xlsx"))
    assert before[:3] == ["Số HTX thành viên", "Số lao động (người)", "Vốn điều lệ (triệu đồng)"]
    assert ws.cell(r + 1, 5).number_format == NF_INT
    monkeypatch.setenv(fields.FIELDS_CSV_ENV, str(copy))
    fields.reload_fields()
    try:
        ws, r, after = union_header(write_appendix(engine, PERIOD, tmp_path / "after.xlsx"))
    finally:
        monkeypatch.delenv(fields.FIELDS_CSV_ENV)
        fields.reload_fields()
    assert after[:4] == [*before[:3], "Lao động nữ (người)"]
    # the test warehouse stores no such column: the rows' cells stay empty, never a made-up 0
    assert ws.cell(r + 1, 8).value is None and ws.cell(r + 1, 5).value is not None


def test_a_header_read_before_a_reload_of_the_fields_is_read_again_after_it(tmp_path, monkeypatch):
    """The reader works out a header's field once per distinct header (ingest/headers.py): a field added to
    fields.csv is found under its label by the next read, and gone once the fields are reloaded without it."""
    from kttt_pipeline.ingest.headers import locate_table
    from kttt_pipeline.ingest.workbook import Grid

    grid = Grid("DS HTX", [["STT", "Tên HTX", "Mã số thuế", "Số thành viên", "Lao động nữ (người)"], [1, "HTX A"]])

    def field_of_last_column():
        table = locate_table(grid, "cooperative")
        assert table is not None
        return {c.index: c.field for c in table.columns}.get(4)

    assert field_of_last_column() is None  # read once: what this header names is now known to the reader
    copy = tmp_path / "fields.csv"
    shutil.copy(Path(str(resources.files("kttt_pipeline.vocab").joinpath("fields.csv"))), copy)
    with copy.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(_ADDED)
    monkeypatch.setenv(fields.FIELDS_CSV_ENV, str(copy))
    reload_schema()
    try:
        assert field_of_last_column() == "female_workers"
    finally:
        monkeypatch.delenv(fields.FIELDS_CSV_ENV)
        reload_schema()
    assert field_of_last_column() is None
