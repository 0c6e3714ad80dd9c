"""The registry of readers, their common result and the one row-counting rule (ingest/registry.py, result.py)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from kttt_pipeline.core.admin_units import UnitMatcher, load_admin_units, reporting_units
from kttt_pipeline.core.periods import Period
from kttt_pipeline.ingest import registry
from kttt_pipeline.ingest.period import extract_period
from kttt_pipeline.ingest.raw_inventory import period_entries, period_files
from kttt_pipeline.ingest.registry import READERS, ReadContext
from kttt_pipeline.ingest.result import ReadResult, SheetRead, body_rows
from kttt_pipeline.ingest.row_classes import BLANK, END, ENTITY, HEADING, RowClass
from kttt_pipeline.ingest.workbook import read_workbook

from .. import small_period as sp


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    return sp.make_small_period(tmp_path_factory.mktemp("raw"))


def _context(raw) -> ReadContext:
    period = Period.parse(sp.PERIOD)
    units = load_admin_units(raw)
    return ReadContext(period, UnitMatcher(units, period), UnitMatcher(reporting_units(units, period)))


def test_every_registered_reader_returns_the_common_result(raw):
    context = _context(raw)
    kinds_read = set()
    entries, _ = period_entries(raw, context.period)
    for fk in READERS:
        for path in [e.path for e in entries if e.kind == fk.kind]:
            read = fk.read(read_workbook(path), path.name, context)
            assert isinstance(read, ReadResult) and read.error_vi is None
            assert set(read.records) == set(fk.record_types)  # exactly the record types the registry names
            assert read.rows(fk.record_types[0]), f"{fk.kind}: no {fk.record_types[0]} read from {path.name}"
            assert read.sheet_names
            for s in read.sheets:  # the one counting rule: every row read is loaded or non-entity
                assert s.rows_read == s.rows_loaded + s.rows_non_entity
            counted = [rt for rt in fk.record_types if rt != "summary"]  # the summary's figures are not rows
            assert read.rows_loaded == sum(len(read.rows(rt)) for rt in counted)
            kinds_read.add(fk.kind)
    assert kinds_read == {fk.kind for fk in READERS}


def test_the_province_rows_follow_the_rule(raw):
    # LHHTX: one union and a total row; QTDND: one fund (spec §5)
    path = raw / sp.PERIOD / "province" / "tinh.xlsx"
    read = registry.READER_OF_KIND["province"].read(read_workbook(path), path.name, _context(raw))
    by_sheet = {s.sheet: (s.rows_read, s.rows_loaded, s.rows_non_entity) for s in read.sheets}
    assert by_sheet == {"LHHTX": (2, 1, 1), "QTDND": (1, 1, 0)}
    assert {t["field"] for t in read.totals} == {"member_htx", "workers", "charter_capital"}


def test_body_rows_counts_by_one_rule():
    kinds = {"e": ENTITY, "h": HEADING, "end": END, None: BLANK, "weak": ENTITY, "strong": ENTITY}
    rows = [["e"], [None], ["h"], ["end"], ["weak"], ["strong"], [None], [None]]
    sheet = SheetRead("S", "cooperative")

    def classes(body):
        return [RowClass(kinds[r[0]]) for r in body]

    got = list(body_rows(rows, 0, classes, sheet, lambda r: r[0] == "strong"))
    # a blank row inside the body is read (non-entity); the signature is not; below it only a plain entity is;
    # the blank rows after the last non-blank row are not in the body
    assert [i for i, _ in got] == [0, 1, 2, 5]
    assert (sheet.rows_read, sheet.rows_loaded, sheet.rows_non_entity) == (4, 2, 2)
    # without a test for plain entities nothing below the signature is read
    sheet = SheetRead("S", "tax")
    assert [i for i, _ in body_rows(rows, 0, classes, sheet)] == [0, 1, 2]


def test_load_audit_counts_are_the_staged_rows_of_each_file(raw):
    staged = extract_period(raw, sp.PERIOD, workers=1)
    audit = staged.load_audit
    assert set(audit["file_kind"]) == {fk.kind for fk in READERS} and set(audit["status"]) == {"LOADED"}
    frames = [
        staged.stg_cooperative,
        staged.stg_group,
        staged.stg_tax_register,
        staged.stg_union,
        staged.stg_credit_fund,
        staged.target,
    ]
    staged_by_file = pd.concat([f["source_file"] for f in frames]).value_counts()
    for rec in audit.itertuples():
        assert rec.rows_loaded == staged_by_file.get(rec.source_file, 0) > 0, rec.source_file
        assert rec.rows_read == rec.rows_loaded + rec.rows_non_entity
    # the inventory the sensor watches lists the files the reader loop reads, in the same order
    assert [p.relative_to(raw).as_posix() for p, _ in period_files(raw, sp.PERIOD)] == list(audit["source_file"])
    assert [k for _, k in period_files(raw, sp.PERIOD)] == list(audit["file_kind"])


def test_a_reader_failing_on_a_file_rejects_that_file_only(raw, monkeypatch):
    def broken(wb, source_file, context):
        raise ValueError("ô B7 không đọc được")

    fk = registry.READER_OF_KIND["province"]
    monkeypatch.setitem(registry.READER_OF_KIND, "province", dataclasses.replace(fk, read=broken))
    staged = extract_period(raw, sp.PERIOD, workers=1)
    audit = staged.load_audit.set_index("file_kind")
    row = audit.loc["province"]
    assert row["status"] == "REJECTED" and row["source_file"] == f"{sp.PERIOD}/province/tinh.xlsx"
    assert "ValueError" in row["error"] and "ô B7 không đọc được" in row["error"]
    assert row["rows_loaded"] == 0
    rejected = [f for f in staged.findings if f.kind == "FILE_REJECTED"]
    assert len(rejected) == 1 and rejected[0].source_file == f"{sp.PERIOD}/province/tinh.xlsx"
    assert "tinh.xlsx" in rejected[0].detail and "ô B7 không đọc được" in rejected[0].detail
    # the other files still load
    assert set(audit.drop(index="province")["status"]) == {"LOADED"}
    assert staged.stg_union.empty and staged.stg_credit_fund.empty
    assert len(staged.stg_cooperative) == len(sp.HL_COOPS) + len(sp.BL_COOPS)
    assert len(staged.stg_tax_register) == len(sp.TAX_ROWS) and len(staged.target) == 2
