"""Commune clerks' words read as the plain ones (issue 24), on the demo period with its returns rewritten as a
commune clerk writes them: the title "UBND X. <name>" for "UBND xã <name>", grades "Loại Tốt", "Loại TB",
registration dates with two-digit years ("03/10/98"). Every indicator, staging row and finding is the plain
period's. Units, files and figures come from the demo period and the register, never typed here."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from kttt_pipeline.core.admin_units import load_admin_units
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.text import fold
from kttt_pipeline.core.vocabulary import grade_lookup
from kttt_pipeline.demo import write_demo_period
from kttt_pipeline.run import run_period

PERIOD = "2026-Q3"
TITLE_ROWS = 12


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    raw = tmp_path_factory.mktemp("clerk_words") / "raw"
    summary = write_demo_period(raw, PERIOD)
    return raw, summary, run_period(raw, PERIOD)


def _single_returns(summary, result) -> dict[str, str]:
    """unit code → its only return, loaded, in which nothing was planted."""
    audit = result.load_audit
    planted = {c.source_file for c in summary.planted}
    returns = audit[audit["file_kind"] == "unit_return"]
    counts = returns["unit_code"].value_counts()
    return {
        r.unit_code: r.source_file
        for r in returns.itertuples()
        if r.status == "LOADED" and counts[r.unit_code] == 1 and r.source_file not in planted
    }


def _as_a_commune_clerk_writes(path: Path, xa_name: str | None, latest_year: int) -> dict[str, int]:
    """Rewrite one return: its title "UBND X. …" (when ``xa_name``), grades with their class word, dates of the
    listings with two-digit years. How many cells of each kind were rewritten."""
    grades = {k for k in grade_lookup() if not k.startswith("loai")}  # the texts without the class word
    wb = openpyxl.load_workbook(path)
    done = {"title": 0, "grade": 0, "date": 0}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if xa_name and isinstance(v, str) and c.row <= TITLE_ROWS and fold(v) == fold(f"UBND xã {xa_name}"):
                    c.value = f"UBND X. {xa_name}"
                    done["title"] += 1
                elif c.row > TITLE_ROWS and isinstance(v, str) and fold(v) in grades:
                    c.value = f"Loại {v.strip()}"
                    done["grade"] += 1
                elif (
                    c.row > TITLE_ROWS
                    and isinstance(v, (dt.date, dt.datetime))
                    and latest_year - 99 <= v.year <= latest_year
                ):
                    c.value = v.strftime("%d/%m/%y")
                    done["date"] += 1
    wb.save(path)
    return done


def _code_cell(path: Path) -> bool:
    wb = openpyxl.load_workbook(path, read_only=True)
    return any(
        isinstance(v, str) and fold(v).startswith("ma don vi")
        for ws in wb.worksheets
        for row in ws.iter_rows(max_row=TITLE_ROWS, values_only=True)
        for v in row
    )


def _seen(result) -> dict:
    ind = result.rpt_indicator
    coops = result.stg_cooperative[
        ["unit_code", "tax_code", "name", "registered_on", "dissolved_on", "grade", "status"]
    ]
    return {
        "indicators": {
            (r.unit_code, r.indicator_code): (None if r.value != r.value else round(float(r.value), 6))
            for r in ind.itertuples()
        },
        "coops": sorted(map(repr, coops.itertuples(index=False))),
        "findings": sorted((r.kind, r.unit_code, str(r.entity_key)) for r in result.dq_issue.itertuples()),
    }


def test_a_commune_clerks_words_read_as_the_plain_return(demo, tmp_path):
    raw, summary, plain = demo
    out = tmp_path / "raw"
    shutil.copytree(raw, out)
    units = {u.unit_code: u for u in load_admin_units(raw)}
    year = Period.parse(PERIOD).year
    done = {"title": 0, "grade": 0, "date": 0}
    retitled = []
    for code, source in _single_returns(summary, plain).items():
        unit = units.get(code)
        xa = unit.name_vi if unit is not None and unit.kind_vi == "Xã" and not _code_cell(raw / source) else None
        counts = _as_a_commune_clerk_writes(out / source, xa, year)
        if counts["title"]:
            retitled.append(code)
        done = {k: done[k] + counts[k] for k in done}
    # the rewrite reached every kind of word, a return identified by its title alone among them
    assert retitled and done["grade"] > 0 and done["date"] > 0, done
    old = [d for d in plain.stg_cooperative["registered_on"].dropna() if d.year < 2000]
    assert old, "the demo period has a cooperative registered before 2000 (read from '…/98' as 1998, not 2098)"
    assert _seen(run_period(out, PERIOD)) == _seen(plain)
