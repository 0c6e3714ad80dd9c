"""The warehouse's data dictionary (docs/warehouse.md), generated from the schema layer (kttt_pipeline/schema).

    python -m kttt_pipeline.warehouse.dictionary [docs/warehouse.md]

Every table and column in a line, the keys and indexes, the views, and example queries an analyst would run
(the tests run each of them on SQLite and PostgreSQL).
"""

from __future__ import annotations

import sys
from pathlib import Path

from kttt_pipeline.core.findings import KINDS, kind_label
from kttt_pipeline.schema import warehouse_schema
from kttt_pipeline.schema.dictionary import cell, table_entry, view_entry
from kttt_pipeline.schema.sql import build_metadata

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "docs" / "warehouse.md"

#: (title, what it answers, SQL) — portable SQL, run by the tests on both engines
#: keys of the finding kinds whose rows an analyst must read differently
KIND_NOTES: dict[str, str] = {
    "COOP_VANISHED": "a cooperative, by its tax code, counted in the previous quarter and neither listed (in any "
    "unit, with any status) nor dissolved in the tax register this quarter. entity_key = tax code; "
    "unit_code = the unit it was counted in when that unit still reports, else null, "
    "former_unit_code = the former unit and current_unit_code = the unit in force its address places it in "
    "(where this quarter's tax register places it, else the unit its former district went to whole; null when "
    "neither says); "
    "value_reported = where it was before, value_computed = 'không có'.",
    "PERIOD_JUMP": "a unit's HTX_TOTAL, HTX_MEMBERS or HTX_WORKERS moved against the previous quarter (restated on "
    "the current units across the reform) by more than both thresholds of "
    "vocab/period_jump_thresholds.csv, net of the quarter's new and dissolved cooperatives. "
    "entity_key = indicator code; value_reported = this quarter's figure, value_computed = the "
    "previous quarter's.",
}

EXAMPLE_QUERIES: list[tuple[str, str, str]] = [
    (
        "Province headline figures of a quarter against the year's plan",
        "The figures of Part One §1.1 with the annual target and the percentage of the plan achieved; "
        "`is_complete` is false when a unit's return is missing.",
        """SELECT r.indicator_code, r.value, t.value AS target,
       CASE WHEN t.value IS NULL OR t.value = 0 THEN NULL ELSE 100.0 * r.value / t.value END AS pct_of_plan,
       r.is_complete
FROM rpt_indicator r
LEFT JOIN target t ON t.province_code = r.province_code AND t.indicator_code = r.indicator_code
                  AND t.year = CAST(SUBSTR(r.period, 1, 4) AS INTEGER)
WHERE r.province_code = '22' AND r.period = '2024-Q3' AND r.unit_code = r.province_code
  AND r.indicator_code IN ('HTX_TOTAL', 'HTX_ACTIVE', 'HTX_NEW', 'THT_TOTAL', 'HTX_MEMBERS')
ORDER BY r.indicator_code;""",
    ),
    (
        "Cooperatives by reporting unit, with each unit's share of the province",
        "Where the cooperatives are, and which units carry the agricultural ones.",
        """SELECT unit_code, unit_name, value AS cooperatives, province_value,
       ROUND(CAST(share_of_province AS NUMERIC), 1) AS pct
FROM v_indicator_by_unit
WHERE province_code = '22' AND period = '2024-Q3' AND indicator_code = 'HTX_TOTAL'
ORDER BY value DESC, unit_code;""",
    ),
    (
        "What the signer must look at: errors and warnings by unit, then the cooperatives concerned",
        "The findings summary by unit, and the detail rows of one kind for one unit.",
        """SELECT unit_code, unit_name, kind, severity, count
FROM v_findings_by_unit
WHERE province_code = '22' AND period = '2024-Q3' AND severity IN ('error', 'warning')
ORDER BY unit_code, severity, count DESC;

SELECT d.entity_key, d.detail, d.value_reported, d.value_computed, d.source_file, d.row_number
FROM dq_issue d
WHERE d.province_code = '22' AND d.period = '2024-Q3' AND d.unit_code = '193' AND d.kind = 'STATUS_OVERRIDE'
ORDER BY d.entity_key;""",
    ),
    (
        "One unit's series across the 2025 reform (restated history, spec §11.1)",
        "The number of cooperatives of a ward in force since 1/7/2025, quarter by quarter: restated from the "
        "former districts' returns before the reform, as the ward reported it after; then the cooperatives of a "
        "restated quarter that could not be placed in any current unit (they count in the province row only).",
        """SELECT period, unit_code, unit_name, value, source, is_complete
FROM v_indicator_comparable
WHERE province_code = '22' AND unit_code = '06688' AND indicator_code = 'HTX_TOTAL'
ORDER BY period;

SELECT d.period, d.entity_key, d.detail
FROM dq_issue d
WHERE d.province_code = '22' AND d.kind = 'COMMUNE_UNPLACED'
ORDER BY d.period, d.entity_key;""",
    ),
    (
        "The province against the previous quarter and the same quarter a year earlier",
        "The headline figures with the previous quarter's and the previous year's values and the change in "
        "percent (null where the earlier quarter is not loaded). The province compares directly across the reform.",
        """SELECT h.indicator_code, h.value, h.previous_quarter, h.previous_quarter_value,
       h.previous_year_period, h.previous_year_value,
       ROUND(CAST(h.change_vs_previous_year_pct AS NUMERIC), 1) AS pct_vs_year_ago
FROM v_indicator_history h
WHERE h.province_code = '22' AND h.unit_code = h.province_code AND h.period = '2025-Q3'
  AND h.indicator_code IN ('HTX_TOTAL', 'HTX_ACTIVE', 'HTX_NEW', 'HTX_MEMBERS', 'HTX_WORKERS')
ORDER BY h.indicator_code;""",
    ),
    (
        "Each current unit against the same quarter a year earlier, across the reform",
        "A ward's or commune's cooperatives now and a year earlier, the earlier figure restated from the former "
        "districts' returns (spec §11.1); the units whose count fell most first.",
        """SELECT unit_code, unit_name, value, previous_year_period, previous_year_value,
       ROUND(CAST(change_vs_previous_year_pct AS NUMERIC), 1) AS pct_vs_year_ago
FROM v_indicator_comparable
WHERE province_code = '22' AND period = '2025-Q3' AND indicator_code = 'HTX_TOTAL' AND source = 'reported'
ORDER BY value - COALESCE(previous_year_value, value), unit_code;""",
    ),
    (
        "What vanished or jumped since the previous quarter",
        "Cooperatives counted in the previous quarter that this quarter neither lists nor reports dissolved "
        "(COOP_VANISHED, keyed by tax code; unit_code is the former unit when it still reports, else null and "
        "current_unit_code the unit its address places it in now), and "
        "units whose figures moved more than the thresholds of vocab/period_jump_thresholds.csv (PERIOD_JUMP, "
        "keyed by indicator code; value_reported is this quarter's figure, value_computed the previous one's).",
        """SELECT d.kind, d.unit_code, d.entity_key, d.value_reported, d.value_computed, d.detail
FROM dq_issue d
WHERE d.province_code = '22' AND d.period = '2025-Q3' AND d.kind IN ('COOP_VANISHED', 'PERIOD_JUMP')
ORDER BY d.kind, d.unit_code, d.entity_key;""",
    ),
    (
        "All findings of a unit in a period",
        "Every finding about a ward, commune or special zone, by its code: those of its own returns (unit_code) and "
        "those about its former units and the restated rows placed in it (current_unit_code), with the names of "
        "the units concerned (v_finding). former_unit_code names a unit no longer in force the finding is about.",
        """SELECT f.period, f.kind, f.severity, f.unit_name, f.former_unit_name, f.entity_key, f.detail
FROM v_finding f
WHERE f.province_code = '22' AND f.period IN ('2025-Q2', '2025-Q3')
  AND (f.unit_code = '07093' OR f.current_unit_code = '07093')
ORDER BY f.period, f.severity, f.kind, f.entity_key;""",
    ),
    (
        "A unit's indicators with labels across quarters",
        "Every published figure of a unit with the indicator's Vietnamese label, unit of measure and kind; a count "
        "is an integer in count_value (value keeps the stored float).",
        """SELECT v.period, v.unit_name, v.indicator_code, v.indicator_name, v.unit_vi, v.kind,
       COALESCE(CAST(v.count_value AS VARCHAR(20)), CAST(v.value AS VARCHAR(40))) AS shown, v.is_complete
FROM v_indicator v
WHERE v.province_code = '22' AND v.unit_code = '07093' AND v.kind IN ('count', 'sum')
ORDER BY v.indicator_code, v.period;""",
    ),
    (
        "The crosswalk of a unit",
        "The former communes a current unit was formed from (in whole or in part), with their former districts; "
        "is_main marks the unit a split commune's cooperatives are restated in.",
        """SELECT c.new_unit_code, TRIM(COALESCE(n.kind_vi, '') || ' ' || n.name_vi) AS unit_name,
       c.old_code, TRIM(COALESCE(c.old_kind, '') || ' ' || c.old_name) AS former_commune,
       c.old_district_code, TRIM(COALESCE(d.kind_vi, '') || ' ' || d.name_vi) AS former_district,
       c.share, c.is_main
FROM unit_crosswalk c
JOIN admin_unit n ON n.unit_code = c.new_unit_code
LEFT JOIN admin_unit d ON d.unit_code = c.old_district_code
WHERE c.province_code = '22' AND c.new_unit_code = '07093'
ORDER BY c.old_district_code, c.old_code;""",
    ),
    (
        "Several provinces side by side",
        "One warehouse holds the periods of several provinces (a period belongs to a province): each province's "
        "own figures of a quarter, with whether all its units reported.",
        """SELECT r.province_code, COALESCE(w.unit_name, TRIM(COALESCE(u.kind_vi, '') || ' ' || u.name_vi)) AS province,
       r.indicator_code, r.value, r.is_complete
FROM rpt_indicator r
JOIN admin_unit u ON u.unit_code = r.province_code
LEFT JOIN v_unit_in_force w ON w.province_code = r.province_code AND w.period = r.period
                           AND w.unit_code = r.province_code
WHERE r.period = '2024-Q3' AND r.unit_code = r.province_code AND r.indicator_code IN ('HTX_TOTAL', 'HTX_ACTIVE')
ORDER BY r.indicator_code, r.province_code;""",
    ),
    (
        "A unit's name and kind across quarters",
        "A unit, or the province itself (unit_code = province_code), as each loaded quarter names it: the version "
        "of the register in force at the quarter's end (v_unit_in_force; a province that became a thành phố, a xã "
        "that became a phường with the same code), beside its number of cooperatives then. Join any per-period "
        "table on (province_code, period, unit_code) the same way to name a unit as its period does.",
        """SELECT w.period, w.period_end, w.unit_code, w.kind_vi, w.name_vi, w.unit_name, w.valid_from, w.valid_to,
       r.value AS cooperatives
FROM v_unit_in_force w
LEFT JOIN rpt_indicator r ON r.province_code = w.province_code AND r.period = w.period
                         AND r.unit_code = w.unit_code AND r.indicator_code = 'HTX_TOTAL'
WHERE w.province_code = '22' AND w.unit_code = '22'
ORDER BY w.period;""",
    ),
]


def render() -> str:
    schema = warehouse_schema()
    tables = build_metadata(schema).tables
    lines = [
        "# The kttt warehouse: data dictionary",
        "",
        "<!-- generated by `python -m kttt_pipeline.warehouse.dictionary` from the schema layer (kttt_pipeline/schema, "
        "vocab/tables.csv, columns.csv, table_indexes.csv, fields.csv); "
        "do not edit by hand -->",
        "",
        "Analysts query these tables and views in SQL (SQLite `warehouse/kttt.db` by default, PostgreSQL in "
        "production via `KTTT_WAREHOUSE_URL`). The schema is created and upgraded by Alembic migrations "
        "(`kttt_pipeline/warehouse/migrations`) at the start of every load.",
        "",
        "* **Periods belong to a province.** Per-period tables carry `province_code` and `period` (`YYYY-Qn`); "
        "figures are cumulative from 1 January to the quarter's end (lũy kế). Loading a province's period replaces "
        "exactly its (province_code, period) rows in one transaction; other periods and other provinces' rows of "
        "the same period are untouched. The targets are keyed by (province_code, year) the same way. One warehouse "
        "holds several provinces side by side: filter on `province_code` (the views carry it and join within it). "
        "Per-period tables: " + ", ".join(f"`{t}`" for t in schema.period_tables) + ".",
        "* **Units.** `unit_code` refers to `admin_unit`, which holds the units of every province loaded; a "
        "province's own row is its `level = 'province'` unit, the row whose `unit_code` is the `province_code` "
        "(e.g. `'22'`). A code the data uses but the unit register lacks is added to `admin_unit` with "
        "level `unknown` (a warning is logged). Since 1/7/2025 the reporting units are communes, wards and special "
        "zones (5-digit codes, which reuse the codes of former communes: a unit is its code and its dates); "
        "`rpt_indicator_restated` and `v_indicator_comparable` restate the earlier periods on them.",
        "* **Money** is in triệu đồng (million VND). Counts are integers; averages are not rounded.",
        "* **Codes.** sector `AGRI, INDUSTRY, CONSTRUCTION, ENVIRONMENT, TRANSPORT, TRADE, OTHER` (THT: `AGRI, "
        "INDUSTRY, OTHER`); status `ACTIVE, SUSPENDED, NOT_STARTED, DISSOLVING, DISSOLVED`; grade `GOOD, FAIR, "
        "AVERAGE, WEAK`; indicator codes in `kttt_pipeline/vocab/indicators.csv`.",
        "* `id` columns are surrogate keys: they change when a period is reloaded; join on the natural keys.",
        "",
        "## Tables",
        "",
    ]
    lines += [f"* [`{name}`](#{name}): {cell(tables[name].comment)}" for name in schema.all_tables]
    lines.append("")
    for name in schema.all_tables:
        lines += table_entry(tables[name])
    lines += ["## Views", ""]
    for view in schema.views.values():
        lines += view_entry(view)
    lines += ["## Finding kinds (`dq_issue.kind`)", "", "| kind | severity | label for the signer |", "|---|---|---|"]
    lines += [f"| `{kind}` | {sev} | {cell(kind_label(kind, 'tỉnh/thành phố'))} |" for kind, (sev, _) in KINDS.items()]
    lines += [""] + [f"* `{kind}`: {cell(note)}" for kind, note in KIND_NOTES.items()] + [""]
    lines += ["## Example queries", "", "They run unchanged on SQLite and PostgreSQL.", ""]
    for i, (title, about, sql) in enumerate(EXAMPLE_QUERIES, 1):
        lines += [f"### {i}. {title}", "", about, "", "```sql", sql, "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def write(path: str | Path = DEFAULT_PATH) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = write(argv[0] if argv else DEFAULT_PATH)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
