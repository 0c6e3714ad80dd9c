"""A unit's return is recorded as a unit return (file kind "unit_return"), whatever the unit's tier: in a period
read now, and in a warehouse loaded before the name changed (migration 0007), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect, text

from kttt_pipeline.ingest.registry import READER_OF_KIND, UNIT_FOLDERS, UNIT_RETURN
from kttt_pipeline.warehouse import make_engine, upgrade
from kttt_pipeline.warehouse.migrate import downgrade


def _audit_row(source_file: str, kind: str) -> dict:
    return {
        "province_code": "22",
        "period": "2025-Q3",
        "source_file": source_file,
        "file_kind": kind,
        "sha256": "0" * 64,
        "size_bytes": 1,
        "modified_at": dt.datetime(2025, 10, 15),
        "status": "LOADED",
        "rows_read": 1,
        "rows_loaded": 1,
        "rows_non_entity": 0,
    }


def test_the_units_folders_are_read_as_unit_returns():
    assert UNIT_RETURN == "unit_return" and READER_OF_KIND[UNIT_RETURN].folders == UNIT_FOLDERS
    assert READER_OF_KIND[UNIT_RETURN].per_unit and "district" not in READER_OF_KIND


def test_migration_0007_renames_the_stored_file_kind_and_back(warehouse_url):
    engine = make_engine(warehouse_url)
    try:
        assert upgrade(engine, "0006") == "0006"
        columns = {c["name"] for c in inspect(engine).get_columns("load_audit")}
        rows = [
            _audit_row("2025-Q3/communes/a.xlsx", "district"),
            _audit_row("2025-Q3/districts/b.xlsx", "district"),
            _audit_row("2025-Q3/tax/t.xlsx", "tax"),
            _audit_row("2025-Q3/province/p.xlsx", "province"),
        ]
        rows = [{k: v for k, v in r.items() if k in columns} for r in rows]
        names = ", ".join(rows[0])
        with engine.begin() as conn:
            conn.execute(text(f"INSERT INTO load_audit ({names}) VALUES ({', '.join(':' + k for k in rows[0])})"), rows)

        def kinds() -> list[tuple[str, str]]:
            with engine.connect() as conn:
                return sorted(conn.execute(text("SELECT source_file, file_kind FROM load_audit")).all())

        assert upgrade(engine, "0007") == "0007"
        assert kinds() == [
            ("2025-Q3/communes/a.xlsx", "unit_return"),
            ("2025-Q3/districts/b.xlsx", "unit_return"),
            ("2025-Q3/province/p.xlsx", "province"),
            ("2025-Q3/tax/t.xlsx", "tax"),
        ]
        if engine.dialect.supports_comments:
            comment = next(c for c in inspect(engine).get_columns("load_audit") if c["name"] == "file_kind")["comment"]
            assert comment.startswith("unit_return")
        assert downgrade(engine, "0006") == "0006"
        assert [k for _, k in kinds()] == ["district", "district", "province", "tax"]
    finally:
        engine.dispose()
