"""Rendering of the tax register extract (spec §4): one row per taxpayer of the cooperative types (money in
đồng), as an .xlsx with a title block or, for large registers, a UTF-8 CSV with BOM.

The register holds the population's cooperatives (as the tax office spells and places them), taxpayers that
no unit lists (long dissolved), and the province's unions and credit funds. Its text choices and its own rows
share one stream (``<key>/tax``), in that order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.vocabulary import tax_status_codes
from kttt_pipeline.demo.entities import (
    TAX_CODE_PREFIX,
    Place,
    Province,
    Unit,
    pick,
    rand_date,
    valid_tax_code,
)
from kttt_pipeline.demo.population import Population
from kttt_pipeline.demo.sheets import Sheet, save
from kttt_pipeline.demo.words import choices, draw, keyed, label

#: the reform's first day (spec §11): periods ending on or after it are reported by commune-level units, whose
#: tax offices are "Thuế cơ sở N tỉnh …" and whose province tax office is "Thuế tỉnh …"
REFORM_DAY = dt.date(2025, 7, 1)
TAX_CSV_THRESHOLD = 20_000  # tax_format="auto": CSV above this many register rows


class TaxRegister:
    """The register's rows, drawn on the register's stream."""

    def __init__(self, pop: Population):
        self.pop = pop
        self.rng = pop.stream("tax")
        self.rows: list[list[object]] = []

    def add_units(self) -> None:
        """The population's cooperatives the register knows, and per unit about a fifth as many taxpayers that
        no return lists (dissolved years ago)."""
        pop, trng, per = self.pop, self.rng, self.pop.period
        coop_type = label("tax.type_cooperative")
        for u in pop.units:
            for c in pop.coops[u.code]:
                if c.tax_status is None:
                    continue
                self.rows.append(
                    _tax_row(
                        trng,
                        u,
                        c.tax_code,
                        c.register_name,
                        coop_type,
                        c.tax_status,
                        c.tax_date,
                        c.declared_revenue,
                        c.tax_incurred,
                        c.commune,
                        pop.province,
                        per,
                        new_address=c.planted,
                    )
                )
            n_extra = max(1, round(0.2 * len(pop.coops[u.code])))
            left = pop.spare_propers[u.code]
            for i in range(n_extra):
                proper = left[i % len(left)] if left else f"Số {i + 1}"
                sector = pick(trng, draw("sector"))
                name = f"Hợp tác xã {trng.choice(keyed('sector_activity')[sector])} {proper}"
                name = name.upper() if trng.random() < 0.6 else name
                d = rand_date(trng, dt.date(2000, 1, 1), dt.date(per.year - 3, 12, 31))
                code = valid_tax_code(
                    trng, TAX_CODE_PREFIX if not u.synthetic else f"{trng.randint(1, 99):02d}", pop.used_codes
                )
                self.rows.append(
                    _tax_row(
                        trng,
                        u,
                        code,
                        name,
                        coop_type,
                        "01",
                        d,
                        None if trng.random() < 0.5 else 0,
                        None,
                        trng.choice(u.place_pool()),
                        pop.province,
                        per,
                    )
                )

    def add_province_entities(self, unions: list[tuple], funds: list[tuple]) -> None:
        pop, trng = self.pop, self.rng
        home = pop.units[0]
        for name, code, *_ in unions:
            self.rows.append(
                _tax_row(
                    trng,
                    home,
                    code,
                    name.upper(),
                    label("tax.type_union"),
                    "00",
                    None,
                    trng.randint(500, 9000) * 1_000_000,
                    trng.randint(5, 90) * 1_000_000,
                    None,
                    pop.province,
                    pop.period,
                    province_level=True,
                )
            )
        for name, code, *_ in funds:
            self.rows.append(
                _tax_row(
                    trng,
                    home,
                    code,
                    name.upper(),
                    label("tax.type_fund"),
                    "00",
                    None,
                    trng.randint(2000, 20000) * 1_000_000,
                    trng.randint(20, 300) * 1_000_000,
                    None,
                    pop.province,
                    pop.period,
                    province_level=True,
                )
            )

    def shuffled(self) -> list[list[object]]:
        self.rng.shuffle(self.rows)
        return self.rows


def _status_text(rng: random.Random, status: str) -> str:
    if rng.random() < 0.6:
        return label("tax.status").format(code=status, text=tax_status_codes()[status]["text_vi"])
    return status


def _tax_row(
    rng: random.Random,
    unit: Unit,
    code: str,
    name: str,
    entity_type: str,
    status: str,
    status_date: dt.date | None,
    revenue: int | None,
    tax: int | None,
    place: Place | None,
    prov: Province,
    per: Period,
    *,
    province_level: bool = False,
    new_address: bool = False,
) -> list[object]:
    province = label("tax.province").format(**prov.words)
    if per.end >= REFORM_DAY:
        # since 2025 the offices are "Thuế cơ sở N tỉnh …" and "Thuế tỉnh …"; an address names the commune as it
        # was when the record was made: a former commune and district, or the unit in force (§11)
        place = place or rng.choice(unit.place_pool())
        office = (
            label("tax.province_office_since_reform").format(**prov.words)
            if province_level
            else label("tax.unit_office_since_reform").format(n=unit.tax_office, **prov.words)
        )
        if unit.level == "commune" and (new_address or not place.former or rng.random() < 0.5):
            address = f"{unit.full_name}, {province}"
        else:
            district = place.district or (unit.full_name if unit.level == "district" else "")
            address = ", ".join(x for x in (f"{place.kind} {place.name}", district, province) if x)
        return [code, name, address, office, entity_type, _status_text(rng, status), status_date, revenue, tax]
    if province_level:
        place = rng.choice(unit.place_pool())
        office = label("tax.province_office_before_reform").format(**prov.words)
    else:
        office = label("tax.unit_office_before_reform").format(unit=unit.full_name)
    address = f"{place.kind} {place.name}, {unit.full_name}, {province}"
    return [code, name, address, office, entity_type, _status_text(rng, status), status_date, revenue, tax]


def register_stem(per: Period) -> str:
    end = per.end
    return label("file.tax_register").format(day=end.day, month=end.month, year=end.year)


def write_register_xlsx(path: Path, rows: list[list[object]], per: Period, prov: Province) -> None:
    sh = Sheet(label("tax.sheet"))
    office = "tax.office_title_since_reform" if per.end >= REFORM_DAY else "tax.office_title_before_reform"
    sh.add([label(office).format(**prov.words)])
    sh.add([label("tax.title")])
    sh.add([label("tax.data_line").format(date=per.end.strftime("%d/%m/%Y"))])
    sh.add()
    sh.add(choices("tax.header"))
    for i, row in enumerate(rows, 1):
        sh.add([i, *row])
    save(path, [sh])


def write_register_csv(path: Path, rows: list[list[object]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(choices("tax.header"))
    for i, row in enumerate(rows, 1):
        w.writerow([i, *("" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for v in row)])
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
