"""The schema layer (kttt_pipeline/schema): the warehouse's tables resolved from vocab/tables.csv, columns.csv,
table_indexes.csv and fields.csv, and everything built from them."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from importlib import resources

import pandas as pd
import pytest
from pandera.errors import SchemaError
from sqlalchemy import Float, Integer, String, Text

from kttt_pipeline.core import fields, vocabulary
from kttt_pipeline.schema import load_schema, warehouse_schema
from kttt_pipeline.schema.asset_columns import table_schema
from kttt_pipeline.schema.catalog import build_schema
from kttt_pipeline.schema.dictionary import table_entry
from kttt_pipeline.schema.expectations import table_expectations
from kttt_pipeline.schema.frames import build_staging_schemas
from kttt_pipeline.schema.sql import build_metadata


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files("kttt_pipeline.vocab").joinpath(name).open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


#: a field added to the form: female workers, read from the return, staged and stored in both cooperative tables
ADDED = {
    "record_type": "cooperative",
    "field": "female_workers",
    "kind": "count",
    "unit": "người",
    "label_vi": "Lao động nữ",
    "origin": "read",
    "staged": "yes",
    "stored_in": "stg_cooperative cooperative",
    "description": "Female workers (Lao động nữ).",
}


@pytest.fixture(scope="module")
def added():
    """The schema built from a copy of fields.csv with ADDED as its last row (the packaged other CSVs)."""
    return load_schema(fields.parse_fields([*_rows("fields.csv"), ADDED]))


def test_adding_a_field_is_one_row_sqlalchemy(added):
    metadata = build_metadata(added)
    for name in ("stg_cooperative", "cooperative"):
        col = metadata.tables[name].c.female_workers
        assert isinstance(col.type, Integer) and col.nullable and col.comment == ADDED["description"]
        assert metadata.tables[name].columns.keys()[-1] == "female_workers"  # a new column comes last
    assert "female_workers" not in build_metadata(load_schema()).tables["cooperative"].c


def test_adding_a_field_is_one_row_pandera(added):
    schema = build_staging_schemas(added)["stg_cooperative"]
    assert "female_workers" in schema.columns and schema.columns["female_workers"].nullable
    frame = pd.DataFrame({"female_workers": [4.0, None]})
    schema.validate(frame)  # a count is a float column with empty cells
    with pytest.raises(SchemaError):
        schema.validate(frame.astype(object).assign(female_workers=["nhiều", None]))
    assert "female_workers" not in build_staging_schemas(load_schema())["stg_cooperative"].columns


def test_adding_a_field_is_one_row_dictionary(added):
    entry = table_entry(build_metadata(added).tables["cooperative"])
    assert "| `female_workers` | integer | null | Female workers (Lao động nữ). |" in entry
    assert not any(
        "female_workers" in line for line in table_entry(build_metadata(load_schema()).tables["cooperative"])
    )


def test_adding_a_field_is_one_row_dagster(added):
    columns = {c.name: c for c in table_schema(build_metadata(added).tables["cooperative"]).columns}
    assert columns["female_workers"].type == "INTEGER"
    assert columns["female_workers"].description == ADDED["description"]
    assert columns["female_workers"].constraints.nullable
    coop = {c.name: c for c in table_schema(build_metadata(load_schema()).tables["cooperative"]).columns}
    assert "values one of sector_codes" in coop["sector"].constraints.other
    assert "references admin_unit.unit_code" in coop["unit_code"].constraints.other


def _expected(table) -> set[tuple[str, str | None]]:
    return {(e.expectation_type, getattr(e, "column", None)) for e in table_expectations(table)}


def test_adding_a_field_is_one_row_expectations(added):
    # a count read from the return that is not signed: at least 0 in the warehouse, as §7.6 quarantines it
    assert ("expect_column_values_to_be_between", "female_workers") in _expected(added.table("cooperative"))
    assert not {c for _, c in _expected(load_schema().table("cooperative"))} & {"female_workers"}
    # a value set in the row: the expectation follows it
    sets = load_schema(fields.parse_fields([*_rows("fields.csv"), {**ADDED, "kind": "code", "values": "grade_codes"}]))
    (e,) = [e for e in table_expectations(sets.table("cooperative")) if getattr(e, "column", None) == "female_workers"]
    assert e.expectation_type == "expect_column_values_to_be_in_set" and list(e.value_set) == list(
        vocabulary.grade_codes()
    )


def test_the_expectations_of_a_table_follow_its_keys_nullability_and_value_sets():
    schema = warehouse_schema()
    got = _expected(schema.table("cooperative"))
    assert ("expect_column_values_to_be_unique", "coop_key") in got  # unique (province_code, period, coop_key)
    assert ("expect_column_values_to_not_be_null", "unit_code") in got
    assert ("expect_column_values_to_be_in_set", "sector") in got
    assert ("expect_column_values_to_be_between", "members") in got
    assert ("expect_column_values_to_be_between", "profit") not in got  # signed: a loss is a figure
    assert not {c for _, c in got} & {"province_code", "period", "id"}  # the batch keys and the surrogate key
    rpt = [e for e in table_expectations(schema.table("rpt_indicator")) if not getattr(e, "column", None)]
    assert [list(e.column_list) for e in rpt] == [["unit_code", "indicator_code"]]
    audit = {getattr(e, "column", None): e for e in table_expectations(schema.table("load_audit"))}
    assert audit["sha256"].regex == "^[0-9a-f]{64}$" and audit["rows_read"].min_value == 0


def test_a_column_inherits_the_shared_column_then_the_field():
    schema = warehouse_schema()
    stg, coop = schema.table("stg_cooperative"), schema.table("cooperative")
    # shared: the period is a String(7), NOT NULL everywhere; unit_code refers to admin_unit
    assert stg.column("period").type == coop.column("period").type == "String(7)"
    assert not stg.column("period").nullable
    assert stg.column("unit_code").references == "admin_unit.unit_code" and stg.column("unit_code").nullable
    # the table's own row overrides: the cooperative's unit is NOT NULL with its own description
    assert not coop.column("unit_code").nullable
    assert coop.column("unit_code").description != stg.column("unit_code").description
    # the field: its kind gives the type, its description the comment
    f = fields.get_field("cooperative", "members")
    assert stg.column("members").type == "Integer" and stg.column("members").description == f.description
    assert stg.column("charter_capital").type == "Float"
    # the key others refer to does not refer to itself; a parent refers to it
    units = schema.table("admin_unit")
    assert units.column("unit_code").references is None and units.column("unit_code").primary_key
    assert units.column("parent_code").references == "admin_unit.unit_code"


def test_the_sql_tables_follow_the_schema():
    schema = warehouse_schema()
    metadata = build_metadata(schema)
    assert tuple(metadata.tables) == schema.all_tables
    assert schema.period_tables[0] == "period_status" and "admin_unit" not in schema.period_tables
    assert "target" not in schema.period_tables  # replaced per year, not per period
    t = metadata.tables["rpt_breakdown"]
    uq = [c for c in t.constraints if type(c).__name__ == "UniqueConstraint"]
    assert [c.name for c in uq] == ["uq_rpt_breakdown_province_code_period_unit_code_cell"]
    assert {tuple(c.name for c in ix.columns) for ix in t.indexes} == {
        ("breakdown", "unit_code", "period"),
        ("unit_code",),
    }
    assert isinstance(t.c.row_key.type, String) and not isinstance(t.c.row_key.type, Text)
    assert isinstance(t.c.value.type, Float) and not t.c.value.nullable
    assert t.c.id.primary_key and t.c.id.autoincrement is True
    period = metadata.tables["period_status"]
    assert [c.name for c in period.primary_key] == ["province_code", "period"]
    assert all(c.autoincrement == "auto" for c in period.primary_key)


@pytest.mark.parametrize(
    ("where", "change", "message"),
    [
        ("columns.csv", {"type": "Varchar"}, "unknown type"),
        ("columns.csv", {"nullable": "maybe"}, "expected 'yes', 'no'"),
        ("table_indexes.csv", {"columns": "province_code nowhere"}, "names a column it does not have"),
        ("tables.csv", {"replaced_per": "month"}, "replaced_per"),
    ],
)
def test_a_malformed_row_is_named(where, change, message):
    rows = {n: _rows(n) for n in ("tables.csv", "columns.csv", "table_indexes.csv")}
    target = next(r for r in rows[where] if r["table"] == "load_audit")
    target.update(change)
    with pytest.raises(ValueError, match=message):
        build_schema(rows["tables.csv"], rows["columns.csv"], rows["table_indexes.csv"], fields.all_fields())


def test_a_value_set_gives_the_staging_checks():
    staging = build_staging_schemas(warehouse_schema())
    coop, group = staging["stg_cooperative"], staging["stg_group"]
    assert [c.statistics for c in coop.columns["sector"].checks] == [
        {"allowed_values": list(vocabulary.sector_codes())}
    ]
    assert group.columns["sector"].checks[0].statistics == {"allowed_values": list(vocabulary.sector_codes("group"))}
    assert coop.columns["period"].checks[0].statistics == {"pattern": r"^\d{4}-Q[1-4]$"}
    assert coop.columns["row_number"].checks[0].statistics == {"min_value": 1}
    assert not coop.columns["members"].checks[1:]  # no value set: the float-or-empty shape only


@pytest.mark.parametrize("spec", ["colours", "~(", ">=many"])
def test_a_malformed_value_set_is_named(spec):
    with pytest.raises(ValueError, match="female_workers: values"):
        load_schema(fields.parse_fields([*_rows("fields.csv"), {**ADDED, "values": spec}]))


def test_a_field_stored_in_an_unknown_table_or_without_description_is_refused():
    with pytest.raises(ValueError, match="not a table of tables.csv: stg_nowhere"):
        load_schema(fields.parse_fields([*_rows("fields.csv"), {**ADDED, "stored_in": "stg_nowhere"}]))
    with pytest.raises(ValueError, match="no description"):
        load_schema(fields.parse_fields([*_rows("fields.csv"), {**ADDED, "description": ""}]))


_IMPORTS = """
import json, sys
from kttt_pipeline.schema import warehouse_schema
from kttt_pipeline.schema.asset_columns import table_schema
from kttt_pipeline.schema.dictionary import table_entry
from kttt_pipeline.schema.expectations import table_expectations
from kttt_pipeline.schema.frames import staging_schemas
from kttt_pipeline.schema.sql import build_metadata
schema = warehouse_schema()
metadata = build_metadata(schema)
staging_schemas()
for name, table in schema.tables.items():
    table_expectations(table), table_schema(metadata.tables[name]), table_entry(metadata.tables[name])
print(json.dumps(sorted(m for m in sys.modules if m.startswith("kttt_pipeline."))))
"""


def test_the_schema_layer_imports_only_core():
    """Layers: core ← schema ← the stages. Building everything the schema layer builds loads no stage."""
    out = subprocess.run([sys.executable, "-c", _IMPORTS], capture_output=True, text=True, check=True, timeout=300)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert any(m.startswith("kttt_pipeline.schema.") for m in loaded)
    outside = [
        m for m in loaded if not m.startswith(("kttt_pipeline.core", "kttt_pipeline.schema", "kttt_pipeline.vocab"))
    ]
    assert outside == []
