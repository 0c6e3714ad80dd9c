"""What the demo expects the pipeline to find: the figures of its population (spec §7/§8) and the findings of
the cases it planted, with the file, sheet and row the rendering put them in.

Computed from the generator's in-memory population, never from the pipeline, so a test comparing them with
the pipeline's output can fail either way: a generator that writes what the contract does not allow, or a
reader or rule that misreads what the contract allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kttt_pipeline.core import fields
from kttt_pipeline.core.periods import Period
from kttt_pipeline.demo.entities import (
    OVERRIDE_STATUS,
    TAX_ACTIVE,
    Coop,
    Group,
)
from kttt_pipeline.demo.population import Population
from kttt_pipeline.demo.words import draw, label, words


@dataclass(frozen=True)
class PlantedCase:
    """A deliberate reconciliation case: the finding the pipeline is expected to raise."""

    kind: str  # dq_issue kind, e.g. "DUPLICATE"
    unit_code: str | None
    entity_key: str  # as spec §8 keys it (tax code; written name without a valid code; indicator; file)
    source_file: str | None = None  # relative to out_dir (posix)
    sheet: str | None = None
    row_number: int | None = None  # Excel row
    name: str | None = None  # cooperative name as written in the return
    tax_code: str | None = None  # the cooperative's true (valid) tax code
    value_reported: str | None = None
    value_computed: str | None = None
    detail: str = ""


@dataclass
class DemoSummary:
    out_dir: Path
    period: str
    seed: int
    files: list[Path]  # every file written, absolute
    units: list[str]  # reporting unit codes, code order
    synthetic_units: bool
    cooperatives: int  # listing rows of cooperatives in the winning workbooks (duplicates included)
    groups: int  # listing rows of groups in the winning workbooks
    tax_rows: int
    tax_format: str
    unions: int
    credit_funds: int
    planted: list[PlantedCase] = field(default_factory=list)
    # figures the pipeline should compute (the summary sheets agree with them except the planted mismatches):
    # unit code (and the province's code) -> indicator code -> value
    expected: dict[str, dict[str, float]] = field(default_factory=dict)
    province: str = ""  # the province's code (its register's province row)
    level: str = "district"  # the reporting units' level: "district" or "commune" (from 2025-Q3, spec §11)
    unit_sizes: dict[str, str] = field(default_factory=dict)  # commune periods: unit code -> empty/tiny/…/large
    number_code_unit: str | None = None  # the unit whose return types its code as a number ("0NNNN" → NNNN)

    def cases(self, kind: str) -> list[PlantedCase]:
        return [c for c in self.planted if c.kind == kind]

    def __str__(self) -> str:
        kinds: dict[str, int] = {}
        for c in self.planted:
            kinds[c.kind] = kinds.get(c.kind, 0) + 1
        planted = ", ".join(f"{k}×{n}" for k, n in sorted(kinds.items()))
        return (
            f"{len(self.files)} files, {len(self.units)} units{' (synthetic)' if self.synthetic_units else ''}, "
            f"{self.cooperatives} HTX rows, {self.groups} THT rows, {self.tax_rows} tax rows "
            f"({self.tax_format}); planted: {planted}"
        )


# ----------------------------------------------------------------------------------------------- figures

# the indicators a unit's listing counts (its sums are the fields' sum indicators of vocab/fields.csv)
_COOP_COUNTS = ("HTX_TOTAL", "HTX_ACTIVE", "HTX_NEW", "HTX_DISSOLVED")
_GROUP_COUNTS = ("THT_TOTAL",)


def _sums(record_type: str) -> list[tuple[str, str]]:
    """(field, indicator) of a listing's figures summed into the unit's indicators."""
    return [(f, ind) for (_, f), ind in fields.sum_indicators(record_type).items()]


def unit_figures(coops: list[Coop], groups: list[Group], period: Period) -> dict[str, float]:
    """The figures the pipeline should compute for a unit's cooperatives attributed to it (spec §7/§8)."""
    coop_sums, group_sums = _sums("cooperative"), _sums("group")
    e: dict[str, float] = {
        k: 0.0 for k in (*_COOP_COUNTS, *(i for _, i in coop_sums), *_GROUP_COUNTS, *(i for _, i in group_sums))
    }
    for s, _ in draw("sector"):
        e[f"HTX_SECTOR_{s}"] = 0.0
    for c in coops:
        if c.quarantined:
            continue
        st, dis = c.effective_status, c.effective_dissolved_on
        if c.registered_on >= period.year_start and c.registered_on <= period.end:
            e["HTX_NEW"] += 1
        if st == "DISSOLVED" and dis is not None and period.year_start <= dis <= period.end:
            e["HTX_DISSOLVED"] += 1
        if c.registered_on > period.end or (st == "DISSOLVED" and (dis is None or dis <= period.end)):
            continue
        e["HTX_TOTAL"] += 1
        e[f"HTX_SECTOR_{c.sector}"] += 1
        if st == "ACTIVE" and c.grade != "WEAK" and c.tax_status in TAX_ACTIVE and (c.declared_revenue or 0) > 0:
            e["HTX_ACTIVE"] += 1
        for f, ind in coop_sums:
            e[ind] += getattr(c, f)
    money = set(fields.money_fields("cooperative"))
    for f, ind in coop_sums:
        if f in money:
            e[ind] = round(e[ind], 1)
    e["THT_TOTAL"] = float(len(groups))
    for f, ind in group_sums:
        e[ind] = float(sum(getattr(g, f) for g in groups))
    return e


def expected_figures(pop: Population) -> dict[str, dict[str, float]]:
    """unit code (and the province's code) -> indicator -> value. A duplicate counts at its home unit only."""
    expected = {u: unit_figures(pop.coops[u], pop.groups[u], pop.period) for u in pop.codes}
    province: dict[str, float] = {}
    for e in expected.values():
        for k, v in e.items():
            province[k] = province.get(k, 0.0) + v
    province["HTX_CHARTER_CAPITAL"] = round(province["HTX_CHARTER_CAPITAL"], 1)
    expected[pop.province.code] = province
    return expected


def summary_mismatches(pop: Population, expected: dict[str, dict[str, float]]) -> list[tuple[str, str, float, float]]:
    """The planted summary-sheet disagreements: (unit, indicator, figure the sheet reports, true figure)."""
    out = []
    for u, code, share in pop.plants.summary_mismatches:
        true = expected[u][code]
        delta = max(2, round(abs(true * share)))
        out.append((u, code, max(0.0, true + (delta if share > 0 else -delta)), true))
    return out


# ----------------------------------------------------------------------------------------------- findings


@dataclass
class ReturnLocations:
    """Where the rendering put a unit's winning return and the rows the oracle cites (paths relative, posix)."""

    unit: str
    path: str
    sheets: dict[str, str]  # sheet kind (summary/cooperative/group) -> sheet name
    rows: list[int]  # Excel row of each listed cooperative (pop.listed[unit] order)
    summary_rows: dict[str, int]  # indicator -> Excel row of the summary sheet
    words: list[tuple[Coop, str, int]]  # cooperative, field written with words, Excel row
    superseded: tuple[str, str, str] | None = None  # (path, first date, resubmission date)


def planted_cases(
    pop: Population,
    returns: list[ReturnLocations],
    mismatches: list[tuple[str, str, float, float]],
    not_in_force: tuple[str, str] | None,
    union_total: tuple[str, str, int, float, float],
) -> list[PlantedCase]:
    """Every planted case as the finding it should raise.

    ``not_in_force``: (path, the unit line its title carries) of the workbook of a unit not in force;
    ``union_total``: (path, sheet, Excel row, reported, true) of the province workbook's LHHTX total row.
    """
    planted: list[PlantedCase] = []
    row_of: dict[int, tuple[str, str, int]] = {}  # ±id(coop) (− at a unit not its home) -> (file, sheet, row)
    for ret in returns:
        if ret.superseded:
            path, first, second = ret.superseded
            planted.append(
                PlantedCase(
                    "SUPERSEDED",
                    ret.unit,
                    Path(path).name,
                    path,
                    detail=f"first submission dated {first}, replaced by a resubmission dated {second}",
                )
            )
        for c, row in zip(pop.listed[ret.unit], ret.rows):
            row_of[id(c) if c.unit == ret.unit else -id(c)] = (ret.path, ret.sheets["cooperative"], row)
        for mu, mcode, reported, true in mismatches:
            if mu == ret.unit:
                planted.append(
                    PlantedCase(
                        "SUMMARY_MISMATCH",
                        ret.unit,
                        mcode,
                        ret.path,
                        ret.sheets["summary"],
                        ret.summary_rows.get(mcode),
                        value_reported=f"{reported:g}",
                        value_computed=f"{true:g}",
                        detail="summary sheet figure deliberately differs from the listing",
                    )
                )
    if not_in_force:
        path, unit_line = not_in_force
        gone = pop.not_in_force.unit
        planted.append(
            PlantedCase(
                "UNIT_NOT_IN_FORCE",
                None,
                "",
                path,
                value_reported=unit_line,
                detail=f"titled '{unit_line}': {gone.level} {gone.code} is not in force on "
                f"{pop.period.end.isoformat()}",
            )
        )

    def case(kind: str, c: Coop, entity_key: str, detail: str, *, foreign: bool = False, **kw) -> PlantedCase:
        f, s, r = row_of[-id(c) if foreign else id(c)]
        return PlantedCase(
            kind, kw.pop("unit_code", c.unit), entity_key, f, s, r, c.name, c.tax_code, detail=detail, **kw
        )

    plants = pop.plants
    if plants.duplicate:
        c, other = plants.duplicate
        # the pipeline attributes it to the home unit (tax address); the row is the extra listing
        planted.append(
            case(
                "DUPLICATE",
                c,
                c.tax_code,
                f"listed by unit {c.unit} (home: tax address) and again by unit {other} (this row)",
                foreign=True,
            )
        )
    if invalid := plants.invalid_code:
        # keyed by the true code: the pipeline re-keys the finding once the name match finds the record
        planted.append(
            case(
                "TAX_CODE_INVALID",
                invalid,
                invalid.tax_code,
                f"written {invalid.written_code}: wrong check digit (register: {invalid.tax_code})",
                value_reported=invalid.written_code,
            )
        )
        planted.append(case("NAME_MATCH", invalid, invalid.tax_code, "invalid code: matched by name"))
    if nomatch := plants.name_only:
        planted.append(
            case(
                "NAME_MATCH",
                nomatch,
                nomatch.tax_code,
                f"no tax code in the return; the register spells it '{nomatch.register_name}'",
            )
        )
    if quarantined := plants.quarantined:
        planted.append(
            case(
                "ROW_QUARANTINED",
                quarantined,
                quarantined.tax_code,
                f"member_workers {quarantined.member_workers} > workers {quarantined.workers}",
            )
        )
    if unknown := plants.unknown_sector:
        text = words("unknown_sector")[0]
        planted.append(
            case("SECTOR_UNKNOWN", unknown, unknown.tax_code, f"sector written '{text}'", value_reported=text)
        )
    if no_grade := plants.no_grade:
        planted.append(case("GRADE_MISSING", no_grade, no_grade.tax_code, "active, filing tax, no grade"))
    if no_tax := plants.no_tax_record:
        planted.append(case("NO_TAX_RECORD", no_tax, no_tax.tax_code, "valid code absent from the tax register"))
    for c in plants.overrides:
        planted.append(
            case(
                "STATUS_OVERRIDE",
                c,
                c.tax_code,
                f"district 'Đang hoạt động', tax status {c.tax_status} → {OVERRIDE_STATUS[c.tax_status]}",
                value_reported="ACTIVE",
                value_computed=OVERRIDE_STATUS[c.tax_status],
            )
        )
    for ret in returns:
        for c, fld, excel_row in ret.words:
            planted.append(
                PlantedCase(
                    "WORDS_DROPPED",
                    ret.unit,
                    c.tax_code,
                    ret.path,
                    ret.sheets["cooperative"],
                    excel_row,
                    c.name,
                    c.tax_code,
                    label("coop.value_in_words").format(value=getattr(c, fld)),
                    str(getattr(c, fld)),
                    detail=f"{fld} written with words",
                )
            )
    path, sheet, row, reported, true = union_total
    planted.append(
        PlantedCase(
            "SUMMARY_MISMATCH",
            None,
            "LHHTX_MEMBER_HTX",
            path,
            sheet,
            row,
            value_reported=f"{reported:g}",
            value_computed=f"{true:g}",
            detail="LHHTX total row disagrees with its detail rows",
        )
    )
    return planted
