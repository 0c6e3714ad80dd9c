"""Rendering of the province's own files: the province workbook (sheets LHHTX and QTDND, each ending with a
"Tổng cộng" row), the year's targets, and the register of synthetic units (``admin_units.csv``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.vocabulary import indicators
from kttt_pipeline.demo.entities import Province, Unit
from kttt_pipeline.demo.sheets import Sheet, save
from kttt_pipeline.demo.words import choices, label

ADMIN_UNITS_HEADER = ["unit_code", "level", "name_vi", "kind_vi", "parent_code", "valid_from", "valid_to"]
#: the province department that compiles the workbook: Finance since the merger of 1/3/2025, Planning before
_FINANCE_DEPARTMENT_FROM = dt.date(2025, 3, 1)


def province_workbook_name(per: Period) -> str:
    return label("file.province").format(q=per.quarter, y=per.year)


def write_province(path: Path, unions, funds, per: Period, excess: int) -> tuple[str, int, float, float]:
    """Write LHHTX and QTDND; the LHHTX total's member-HTX figure overstates its rows by ``excess``. Returns the
    (sheet, Excel row, reported, true) of that total."""
    end = per.end.strftime("%d/%m/%Y")
    office = label(
        "province.office_since_2025_03" if per.end >= _FINANCE_DEPARTMENT_FROM else "province.office_before_2025_03"
    )
    lh = Sheet(label("union.sheet"))
    lh.add([office])
    lh.add([label("union.title").format(date=end)])
    lh.add([label("province.money_unit_line")])
    lh.add()
    lh.add(choices("union.header"))
    for i, (name, code, sector, member_htx, workers, capital) in enumerate(unions, 1):
        lh.add([i, name, code, sector, member_htx, workers, int(capital)])
    true_members = sum(u[3] for u in unions)
    reported = true_members + excess
    total_row = lh.add(
        [None, label("province.total"), None, None, reported, sum(u[4] for u in unions), int(sum(u[5] for u in unions))]
    )
    qt = Sheet(label("fund.sheet"))
    qt.add([office])
    qt.add([label("fund.title").format(date=end)])
    qt.add([label("province.money_unit_line")])
    qt.add()
    qt.add(choices("fund.header"))
    for i, f in enumerate(funds, 1):
        qt.add([i, *f])
    qt.add([None, label("province.total"), None, *[sum(f[j] for f in funds) for j in range(2, 9)]])
    save(path, [lh, qt])
    return lh.name, total_row, float(reported), float(true_members)


def write_targets(path: Path, year: int, targets: list[tuple[str, int]]) -> None:
    """The year's targets: indicator code, its Vietnamese name and unit (``vocab/indicators.csv``), the target."""
    named = {i.code: i for i in indicators()}
    sh = Sheet(label("targets.sheet").format(year=year))
    sh.add([label("targets.title").format(year=year)])
    sh.add()
    sh.add([h.format(year=year) for h in choices("targets.header")])
    for code, value in targets:
        sh.add([code, named[code].name_vi, named[code].unit, value])
    save(path, [sh])


def write_admin_units(path: Path, units: list[Unit], prov: Province) -> None:
    """The register of synthetic units: the province row and one row per unit (of its tier, in force since the
    unit's date when it has one)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(ADMIN_UNITS_HEADER)
    w.writerow([prov.code, "province", prov.name, prov.kind, "", "", ""])
    for u in units:
        w.writerow([u.code, u.level, u.name, u.kind, prov.code, u.since.isoformat() if u.since else "", ""])
    path.write_text(buf.getvalue(), encoding="utf-8")


def is_demo_admin_units(path: Path) -> bool:
    """Whether ``path`` is a register of synthetic units an earlier demo run wrote."""
    try:
        with path.open(encoding="utf-8-sig") as fh:
            rows = [r for r in csv.DictReader(fh) if r.get("level") != "province"]
    except (OSError, csv.Error):
        return False
    return bool(rows) and all((r.get("name_vi") or "").startswith("Demo ") for r in rows)
