"""One demo period, end to end: population → oracle figures → rendering → oracle findings (behind
``kttt demo-data`` and the benchmark).

:func:`write_demo_period` writes into ``out_dir``::

    <period>/districts/*.xlsx   one workbook per reporting unit (summary sheet, HTX listing, THT listing);
                                <period>/communes/ since 2025-Q3 (spec §11)
    <period>/tax/*.xlsx|csv     the tax register extract (money in đồng)
    <period>/province/*.xlsx    sheets LHHTX and QTDND, each ending with a "Tổng cộng" row
    targets/<year>.xlsx         the annual targets (HTX_TOTAL, HTX_NEW, THT_TOTAL)
    admin_units.csv             only for synthetic units (``units`` larger than the province's units)

and returns a :class:`~kttt_pipeline.demo.oracle.DemoSummary`: the figures the pipeline should compute and the
deliberate reconciliation cases it should find (a resubmission, a duplicate, an invalid tax code, a name-only
match, a quarantined row, an unknown sector, a missing grade, a cooperative unknown to the tax register,
tax-status overrides, summary/total mismatches, values written with words, a unit not in force).

Every draw comes from a ``random.Random`` seeded with a string derived from ``seed``, the province and the period,
one stream per purpose: the same arguments give the same cell contents (no wall-clock value is written into any
cell). Consecutive periods of the same units share their cooperatives (see :mod:`.population`); the returns'
layouts and the planted cases are drawn afresh for each period.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from kttt_pipeline.demo import oracle
from kttt_pipeline.demo.oracle import DemoSummary
from kttt_pipeline.demo.population import (
    build_population,
    province_entities,
    target_figures,
)
from kttt_pipeline.demo.render_province import (
    is_demo_admin_units,
    province_workbook_name,
    write_admin_units,
    write_province,
    write_targets,
)
from kttt_pipeline.demo.render_register import (
    TAX_CSV_THRESHOLD,
    TaxRegister,
    register_stem,
    write_register_csv,
    write_register_xlsx,
)
from kttt_pipeline.demo.render_returns import render_not_in_force, render_returns

MANIFEST = ".kttt_demo_manifest.json"  # hidden: the pipeline ignores dot files


def write_demo_period(
    out_dir: Path,
    period: str = "2024-Q3",
    units: int | None = None,
    seed: int = 20240930,
    rows_per_unit: int | None = None,
    tax_format: str = "auto",
    province: str | None = None,
) -> DemoSummary:
    """Write a realistic, seeded period of returns into ``out_dir`` (layout of spec §2, §11); see the module doc.

    ``province``: code of a packaged register (default: ``KTTT_PROVINCE``, else the default province); names
    and codes of the province, its units and their communes come from its register and crosswalk.
    ``units``: None → the province's reporting units in force at the period end (districts until 2025-Q2, the
    commune-level units since 2025-Q3, written into ``communes/``); fewer → the first N; more → N synthetic
    district-level units (codes 1000…, "Huyện Demo 1"…) and ``out_dir/admin_units.csv``.
    ``rows_per_unit``: cooperatives per unit (groups: a third of it); default 30–150 and 10–30.
    ``tax_format``: "xlsx", "csv" (UTF-8 with BOM) or "auto" (CSV above 20,000 register rows).
    """
    out_dir = Path(out_dir)
    if tax_format not in ("xlsx", "csv", "auto"):
        raise ValueError(f"tax_format must be 'xlsx', 'csv' or 'auto', got {tax_format!r}")
    pop = build_population(period, units, seed, rows_per_unit, province)
    per, prov = pop.period, pop.province
    expected = oracle.expected_figures(pop)
    mismatches = oracle.summary_mismatches(pop, expected)

    # ---- clean and write
    period_dir = out_dir / per.key
    _clean_previous(period_dir)
    return_dir = period_dir / ("communes" if pop.commune_level else "districts")
    return_dir.mkdir(parents=True, exist_ok=True)
    files, returns = render_returns(pop, expected, mismatches, out_dir, return_dir)
    not_in_force = None
    if pop.not_in_force:
        path, unit_line = render_not_in_force(pop, out_dir, return_dir)
        files.append(path)
        not_in_force = (path.relative_to(out_dir).as_posix(), unit_line)

    # ---- tax register
    register = TaxRegister(pop)
    register.add_units()
    unions, funds = province_entities(
        random.Random(f"{pop.base}/province"), pop.entity_scale or len(pop.units), pop.used_codes
    )
    register.add_province_entities(unions, funds)
    tax_rows = register.shuffled()
    fmt = tax_format if tax_format != "auto" else ("csv" if len(tax_rows) > TAX_CSV_THRESHOLD else "xlsx")
    tax_dir = period_dir / "tax"
    tax_dir.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        tax_path = tax_dir / f"{register_stem(per)}.xlsx"
        write_register_xlsx(tax_path, tax_rows, per, prov)
    else:
        tax_path = tax_dir / f"{register_stem(per)}.csv"
        write_register_csv(tax_path, tax_rows)
    files.append(tax_path)

    # ---- province workbook
    prov_path = period_dir / "province" / province_workbook_name(per)
    sheet, row, reported, true = write_province(prov_path, unions, funds, per, pop.plants.union_total_excess)
    files.append(prov_path)

    # ---- targets
    targets_path = out_dir / "targets" / f"{per.year}.xlsx"
    write_targets(targets_path, per.year, target_figures(pop.stream("targets"), expected[prov.code]))
    files.append(targets_path)

    # ---- admin units
    admin_path = out_dir / "admin_units.csv"
    if pop.synthetic:
        write_admin_units(admin_path, pop.units, prov)
        files.append(admin_path)
    elif admin_path.is_file() and is_demo_admin_units(admin_path):
        admin_path.unlink()  # a synthetic register from an earlier run would hide the province's own units

    (period_dir / MANIFEST).write_text(
        json.dumps(
            {
                "seed": seed,
                "period": per.key,
                "files": sorted(p.relative_to(period_dir).as_posix() for p in files if period_dir in p.parents),
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )

    planted = oracle.planted_cases(
        pop, returns, mismatches, not_in_force, (prov_path.relative_to(out_dir).as_posix(), sheet, row, reported, true)
    )
    return DemoSummary(
        out_dir=out_dir,
        period=per.key,
        seed=seed,
        files=files,
        units=pop.codes,
        synthetic_units=pop.synthetic,
        cooperatives=sum(len(pop.listed[u]) for u in pop.codes),
        groups=sum(len(pop.groups[u]) for u in pop.codes),
        tax_rows=len(tax_rows),
        tax_format=fmt,
        unions=len(unions),
        credit_funds=len(funds),
        planted=planted,
        expected=expected,
        province=prov.code,
        level="commune" if pop.commune_level else "district",
        unit_sizes=pop.sizes,
        number_code_unit=pop.number_code_unit,
    )


def _clean_previous(period_dir: Path) -> None:
    """Remove the files a previous demo run wrote for this period (never anything else)."""
    manifest = period_dir / MANIFEST
    if not manifest.is_file():
        return
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError):
        return
    base = period_dir.resolve()
    for rel in listed:
        p = (period_dir / rel).resolve()
        if base in p.parents and p.is_file():
            p.unlink()
