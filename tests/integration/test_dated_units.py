"""The analyst's warehouse across the register's dates (issues 27 and 28), on SQLite and PostgreSQL: Quảng Ninh, a
"tỉnh" until 31/8/2026 and a "thành phố" from 1/9/2026 in its packaged register, loaded for 2026-Q2 and 2026-Q3.

* admin_unit_version holds every dated version of the register, v_unit_in_force the one in force at each loaded
  period's end, and the views name the province as its period does; the dictionary's example query "A unit's name
  and kind across quarters" answers it; reloading the earlier quarter loses no version of the later one.
* every indicator_code of rpt_indicator joins to dim_indicator (the sector shares included).
* the stored findings and the published texts say "thành phố" where the province is one at the period's end, and
  "tỉnh" before (a quarter whose province workbook is missing, and, in 2026-Q3, a unit that sent nothing).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from kttt_pipeline.core.admin_units import load_register_rows
from kttt_pipeline.demo import write_demo_period
from kttt_pipeline.ingest.period import extract_period
from kttt_pipeline.publish.report import publish_period
from kttt_pipeline.run import run_period
from kttt_pipeline.warehouse import dictionary
from kttt_pipeline.warehouse.engine import make_engine
from kttt_pipeline.warehouse.load import load_period

PROVINCE = "22"
BEFORE, AFTER = "2026-Q2", "2026-Q3"
#: "tỉnh" naming the province in a Vietnamese text: "toàn tỉnh", "của tỉnh", "Cấp tỉnh", "tỉnh Quảng Ninh"
PROVINCE_AS_TINH = re.compile(r"(toàn|của|cấp) tỉnh\b|tỉnh quảng ninh", re.IGNORECASE)
PROVINCE_AS_CITY = re.compile(r"(toàn|của|cấp) thành phố\b|thành phố quảng ninh", re.IGNORECASE)


def _kinds_of_the_province() -> dict[str, str]:
    """The province's kind in the packaged register at each period's end (read, not assumed)."""
    from kttt_pipeline.core.admin_units import units_on
    from kttt_pipeline.core.periods import Period

    rows = load_register_rows(None, PROVINCE)
    return {
        p: next(u.kind_vi for u in units_on(rows, Period.parse(p).end) if u.unit_code == PROVINCE)
        for p in (BEFORE, AFTER)
    }


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> tuple[Path, str]:
    """Both quarters' demo returns, without their province workbooks; 2026-Q3 also without one unit's returns.
    Returns the raw folder and the code of the unit that sent nothing."""
    root = tmp_path_factory.mktemp("dated") / "raw"
    for period in (BEFORE, AFTER):
        write_demo_period(root, period, province=PROVINCE)
        shutil.rmtree(root / period / "province")
    audit = extract_period(root, AFTER, province=PROVINCE).load_audit
    loaded = audit[(audit["status"] == "LOADED") & audit["unit_code"].notna()]
    unit = sorted(loaded["unit_code"])[0]
    for source in audit.loc[audit["unit_code"] == unit, "source_file"]:
        (root / source).unlink()
    return root, unit


def _texts(path: Path) -> list[str]:
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path)
        out = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        return out + [f"{ws.title} {ws.oddHeader.center.text or ''} {ws.oddFooter.center.text or ''}" for ws in wb]
    if path.suffix in (".md", ".txt"):
        return [path.read_text("utf-8")]
    return []


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_units_findings_and_texts_follow_the_register_dates(db, raw, tmp_path, request):
    kinds = _kinds_of_the_province()
    assert kinds == {BEFORE: "Tỉnh", AFTER: "Thành phố"}  # the register this test is about
    root, missing_unit = raw
    engine = make_engine(request.getfixturevalue(f"{db}_url"))
    try:
        for period in (BEFORE, AFTER):
            load_period(engine, period, run_period(root, period, province=PROVINCE, history=engine))
        title, _, example = next(q for q in dictionary.EXAMPLE_QUERIES if q[0].startswith("A unit's name and kind"))
        with engine.connect() as conn:
            across = conn.execute(text(example.rstrip(";"))).mappings().all()
            versions = conn.execute(
                text("SELECT COUNT(*) FROM admin_unit_version WHERE province_code = :p"), {"p": PROVINCE}
            ).scalar_one()
            names = dict(
                conn.execute(
                    text(
                        "SELECT period, unit_name FROM v_indicator WHERE province_code = :p AND unit_code = :p "
                        "AND indicator_code = 'HTX_TOTAL'"
                    ),
                    {"p": PROVINCE},
                ).all()
            )
            orphans = conn.execute(
                text(
                    "SELECT DISTINCT r.indicator_code FROM rpt_indicator r LEFT JOIN dim_indicator i "
                    "ON i.indicator_code = r.indicator_code WHERE i.indicator_code IS NULL"
                )
            ).all()
            shares = conn.execute(
                text("SELECT COUNT(*) FROM rpt_indicator WHERE indicator_code LIKE '%\\_PCT' ESCAPE '\\'")
            ).scalar_one()
            findings = conn.execute(text("SELECT period, kind, detail FROM dq_issue ORDER BY period, id")).all()
        # the later quarter published, then the earlier one reloaded: the later one's versions stay
        outputs = {AFTER: publish_period(engine, AFTER, tmp_path / "reports")}
        load_period(engine, BEFORE, run_period(root, BEFORE, province=PROVINCE, history=engine))
        outputs[BEFORE] = publish_period(engine, BEFORE, tmp_path / "reports")
        with engine.connect() as conn:
            again = conn.execute(text(example.rstrip(";"))).mappings().all()
    finally:
        engine.dispose()

    # 1. the dated dimension and the view of the unit in force at each period's end
    assert versions == len(load_register_rows(None, PROVINCE))
    assert [(r["period"], r["kind_vi"], r["unit_name"]) for r in across] == [
        (BEFORE, "Tỉnh", "Tỉnh Quảng Ninh"),
        (AFTER, "Thành phố", "Thành phố Quảng Ninh"),
    ], title
    assert all(r["cooperatives"] and r["cooperatives"] > 0 for r in across)
    assert str(across[1]["valid_from"])[:10] == "2026-09-01" and across[1]["valid_to"] is None
    assert names == {BEFORE: "Tỉnh Quảng Ninh", AFTER: "Thành phố Quảng Ninh"}
    assert [dict(r) for r in again] == [dict(r) for r in across]
    # 2. every figure's indicator has its row in dim_indicator, the sector shares included
    assert shares > 0 and orphans == []
    # 4. the findings name the province by its kind at the period's end
    by_period = {p: [(k, d) for q, k, d in findings if q == p] for p in (BEFORE, AFTER)}
    assert {"PROVINCE_WORKBOOK_MISSING"} <= {k for k, _ in by_period[BEFORE]}
    assert {"PROVINCE_WORKBOOK_MISSING", "UNIT_MISSING"} <= {k for k, _ in by_period[AFTER]}
    assert any(missing_unit in d for k, d in by_period[AFTER] if k == "UNIT_MISSING")
    assert [d for _, d in by_period[AFTER] if PROVINCE_AS_TINH.search(d)] == []
    assert all(PROVINCE_AS_CITY.search(d) for k, d in by_period[AFTER] if k.startswith(("PROVINCE_WORKBOOK", "UNIT_M")))
    assert all(PROVINCE_AS_TINH.search(d) for k, d in by_period[BEFORE] if k == "PROVINCE_WORKBOOK_MISSING")
    # ... and so do the published documents (appendix, findings detail, text)
    for period, published in outputs.items():
        texts = [t for p in published.values() for t in _texts(Path(p))]
        assert texts, period
        tinh = sorted({m.group(0) for t in texts for m in PROVINCE_AS_TINH.finditer(t)})
        city = sorted({m.group(0) for t in texts for m in PROVINCE_AS_CITY.finditer(t)})
        if period == AFTER:
            assert tinh == [] and city, (period, tinh)
        else:
            assert tinh and city == [], (period, city)


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_migration_0009_dates_the_units_of_an_existing_warehouse_and_back(db, request):
    """A warehouse loaded before 0009 keeps its units; each whose province is known becomes one version of its
    unit (the province, its units, their former communes; not a placeholder), the views name them, and the
    downgrade gives the tables back as they were."""
    from sqlalchemy import inspect

    from kttt_pipeline.warehouse.migrate import downgrade, upgrade

    engine = make_engine(request.getfixturevalue(f"{db}_url"))
    units = [
        ("22", "province", "Quảng Ninh", "Tỉnh", None, None, None),
        ("193", "district", "Hạ Long", "Thành phố", "22", None, "2025-06-30"),
        ("06652", "former_commune", "Hồng Gai", "Phường", "193", None, "2025-06-30"),
        ("X1", "unknown", "(mã X1)", None, None, None, None),
    ]
    try:
        assert upgrade(engine, "0008") == "0008"
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO admin_unit (unit_code, level, name_vi, kind_vi, parent_code, valid_from, valid_to) "
                    "VALUES (:c, :l, :n, :k, :p, :f, :t)"
                ),
                [dict(zip("clnkpft", u)) for u in units],
            )
            conn.execute(
                text(
                    "INSERT INTO period_status (province_code, period, units_expected, units_present, is_complete, "
                    "files_seen, files_rejected) VALUES ('22', '2024-Q3', 1, 1, :yes, 1, 0)"
                ),
                {"yes": True},
            )
            conn.execute(
                text(
                    "INSERT INTO rpt_indicator (province_code, period, unit_code, indicator_code, value, is_complete) "
                    "VALUES ('22', '2024-Q3', '193', 'HTX_TOTAL', 3, :yes)"
                ),
                {"yes": True},
            )

        def admin_units() -> list[tuple]:
            with engine.connect() as conn:
                return sorted(
                    tuple(None if v is None else str(v) for v in r)
                    for r in conn.execute(
                        text(
                            "SELECT unit_code, level, name_vi, kind_vi, parent_code, valid_from, valid_to "
                            "FROM admin_unit"
                        )
                    )
                )

        kept = admin_units()
        assert upgrade(engine, "0009") == "0009"
        assert admin_units() == kept
        with engine.connect() as conn:
            versions = sorted(
                (r[0], r[1], str(r[2])[:10])
                for r in conn.execute(text("SELECT province_code, unit_code, valid_from FROM admin_unit_version"))
            )
            in_force = conn.execute(
                text("SELECT unit_code, unit_name FROM v_unit_in_force WHERE period = '2024-Q3' ORDER BY unit_code")
            ).all()
            named = conn.execute(text("SELECT unit_name, value FROM v_indicator")).all()
        assert versions == [("22", "06652", "0001-01-01"), ("22", "193", "0001-01-01"), ("22", "22", "0001-01-01")]
        assert [tuple(r) for r in in_force] == [
            ("06652", "Phường Hồng Gai"),
            ("193", "Thành phố Hạ Long"),
            ("22", "Tỉnh Quảng Ninh"),
        ]
        assert [tuple(r) for r in named] == [("Thành phố Hạ Long", 3.0)]
        assert downgrade(engine, "0008") == "0008"
        assert "admin_unit_version" not in inspect(engine).get_table_names()
        assert "v_unit_in_force" not in inspect(engine).get_view_names()
        assert admin_units() == kept
        with engine.connect() as conn:
            assert [tuple(r) for r in conn.execute(text("SELECT unit_name, value FROM v_indicator"))] == named
    finally:
        engine.dispose()


def test_a_load_keeps_the_versions_its_register_does_not_hold(warehouse_url):
    """Versions are written by (unit, first day): the same one updated, a new one added, a stored one that a new
    one overlaps without being it (corrected dates) deleted, any other kept (another period's register)."""
    import dataclasses
    import datetime as dt

    from kttt_pipeline.reconcile.dimensions import OPEN_START, unit_version_frame

    from .test_warehouse import make_result

    rows = {u.unit_code: u for u in load_register_rows(None, PROVINCE) if u.unit_code in ("193", "198")}
    province = [u for u in load_register_rows(None, PROVINCE) if u.unit_code == PROVINCE]
    first, second = make_result("2024-Q3"), make_result("2024-Q4")
    first.admin_unit_version = unit_version_frame([rows["193"], rows["198"], province[0]])
    moved = dataclasses.replace(rows["193"], valid_from=dt.date(2000, 1, 1), name_vi="Hạ Long (sửa)")
    renamed = dataclasses.replace(province[0], name_vi="Quảng Ninh (sửa)")
    second.admin_unit_version = unit_version_frame([moved, renamed, *province[1:]])
    stored = _versions_after_two_loads(warehouse_url, first, second)
    start = OPEN_START.isoformat()
    assert (
        stored
        == sorted(
            [
                ("193", "2000-01-01", "Hạ Long (sửa)"),  # the corrected start replaced the version it overlapped
                ("198", start, rows["198"].name_vi),  # not in the second register: kept
                (PROVINCE, start, "Quảng Ninh (sửa)"),  # the same version: updated
                *[(PROVINCE, str(u.valid_from), u.name_vi) for u in province[1:]],  # a new one: added
            ]
        )
    )


def _versions_after_two_loads(warehouse_url: str, first, second) -> list[tuple[str, str, str]]:
    """(unit_code, valid_from, name_vi) of every stored unit version, sorted, once ``first`` is loaded as 2024-Q3
    and ``second`` as 2024-Q4."""
    engine = make_engine(warehouse_url)
    try:
        load_period(engine, "2024-Q3", first)
        load_period(engine, "2024-Q4", second)
        with engine.connect() as conn:
            return sorted(
                (r[0], str(r[1])[:10], r[2])
                for r in conn.execute(text("SELECT unit_code, valid_from, name_vi FROM admin_unit_version"))
            )
    finally:
        engine.dispose()


def test_a_version_sharing_one_day_with_a_stored_one_replaces_it_and_an_adjacent_one_does_not(warehouse_url):
    """The intervals are of whole days, both ends included: a new version that starts on the last day of a stored
    one, or ends on its first day, overlaps it (the stored one is deleted); one that starts the day after is the
    next version (both kept)."""
    import dataclasses
    import datetime as dt

    from kttt_pipeline.reconcile.dimensions import unit_version_frame

    from .test_warehouse import make_result

    rows = {u.unit_code: u for u in load_register_rows(None, PROVINCE) if u.unit_code in ("193", "195", "198")}
    last_day = dt.date(2010, 12, 31)
    first, second = make_result("2024-Q3"), make_result("2024-Q4")
    first.admin_unit_version = unit_version_frame(
        [dataclasses.replace(rows[c], valid_from=dt.date(2000, 1, 1), valid_to=last_day) for c in ("193", "198")]
        + [dataclasses.replace(rows["195"], valid_from=last_day, valid_to=None)]
    )
    second.admin_unit_version = unit_version_frame(
        [
            dataclasses.replace(rows["193"], valid_from=last_day, valid_to=None),  # shares 31/12/2010
            dataclasses.replace(rows["198"], valid_from=last_day + dt.timedelta(days=1), valid_to=None),  # the next
            dataclasses.replace(rows["195"], valid_from=dt.date(2005, 1, 1), valid_to=last_day),  # ends on its start
        ]
    )
    stored = [(code, start) for code, start, _ in _versions_after_two_loads(warehouse_url, first, second)]
    assert stored == [("193", "2010-12-31"), ("195", "2005-01-01"), ("198", "2000-01-01"), ("198", "2011-01-01")]
