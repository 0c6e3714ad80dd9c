"""Stage 2, reconcile: the written rules of §7 applied to a staged period (``reconcile_period``)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import pandas as pd

from kttt_pipeline.core.admin_units import (
    admin_units_frame,
    commonest_level,
    load_register_rows,
    province_of,
    province_word,
    reporting_units,
    unit_label,
)
from kttt_pipeline.core.fields import table_columns
from kttt_pipeline.core.findings import findings_frame
from kttt_pipeline.core.placing import CommunePlacer
from kttt_pipeline.ingest.period import StagedPeriod
from kttt_pipeline.processes.collector import collector_paused
from kttt_pipeline.reconcile import completeness, counts, entity_resolution, plausibility, status
from kttt_pipeline.reconcile.breakdown import BREAKDOWN_COLUMNS, sector_status_breakdown
from kttt_pipeline.reconcile.dimensions import (
    CROSSWALK_FRAME_COLUMNS,
    UNIT_VERSION_COLUMNS,
    crosswalk_frame,
    indicator_frame,
    unit_version_frame,
)
from kttt_pipeline.reconcile.indicators import ACTIVITY_INDICATORS
from kttt_pipeline.reconcile.period_compare import PreviousQuarter, comparison_findings
from kttt_pipeline.reconcile.plausibility import QUARANTINE_COLUMNS
from kttt_pipeline.reconcile.restate import restate_period
from kttt_pipeline.reconcile.summary_compare import compare_with_detail

#: PeriodResult fields that are not warehouse frames
_NOT_FRAMES = ("period", "compared_with", "recompared")


@dataclass
class PeriodResult:
    period: str
    load_audit: pd.DataFrame
    stg_cooperative: pd.DataFrame
    stg_group: pd.DataFrame
    stg_tax_register: pd.DataFrame
    stg_summary_figure: pd.DataFrame
    quarantine: pd.DataFrame
    cooperative: pd.DataFrame
    cooperative_group: pd.DataFrame
    cooperative_union: pd.DataFrame
    credit_fund: pd.DataFrame
    rpt_indicator: pd.DataFrame
    dq_issue: pd.DataFrame
    target: pd.DataFrame
    period_status: pd.DataFrame
    admin_unit: pd.DataFrame
    #: spec §11.1: the count and sum indicators on the units in force since the reform (period, unit_code,
    #: indicator_code, value); for a period reported by those units, rpt_indicator's rows
    rpt_indicator_restated: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["period", "unit_code", "indicator_code", "value"])
    )
    #: figures of the published sheets beyond single indicators, by the indicators' definitions (reconcile/breakdown.py)
    rpt_breakdown: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=BREAKDOWN_COLUMNS))
    #: the indicator dimension (vocab/indicators.csv with each indicator's kind), written by every load
    dim_indicator: pd.DataFrame = field(default_factory=indicator_frame)
    #: the crosswalk of the register the period used (former commune → current unit), written by the load for the
    #: province
    unit_crosswalk: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(CROSSWALK_FRAME_COLUMNS)))
    #: the dated versions of the register the period used (every interval of every unit, the province's own
    #: kind and name included), written by the load for the province beside the versions it already holds
    admin_unit_version: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(UNIT_VERSION_COLUMNS)))
    #: what the comparison findings (COOP_VANISHED, PERIOD_JUMP) were computed against: {earlier period: its
    #: identity in the warehouse (warehouse/history.period_identity), None: not loaded}; None: not compared.
    #: The load checks it and computes them again when it changed (docs/decisions.md, "Concurrency")
    compared_with: dict[str, str | None] | None = None
    #: set by the load: the earlier periods loaded or replaced since reconciling, compared again at load
    recompared: tuple[str, ...] = ()

    def frames(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_FRAMES}

    def indicator(self, unit_code: str, code: str) -> float | None:
        df = self.rpt_indicator
        hit = df[(df["unit_code"] == unit_code) & (df["indicator_code"] == code)]["value"]
        return None if hit.empty or pd.isna(hit.iloc[0]) else float(hit.iloc[0])


def reporting_level(staged: StagedPeriod) -> str:
    """The tier of the units that report for the staged period ("district" until 30/6/2025, "commune" since)."""
    return commonest_level(u.level for u in reporting_units(staged.units, staged.period))


def _listings(staged: StagedPeriod) -> dict[str, pd.DataFrame]:
    """The staged rows of every listing, by record type, as read (nothing quarantined yet)."""
    return {
        "cooperative": staged.stg_cooperative,
        "group": staged.stg_group,
        "union": staged.stg_union,
        "credit_fund": staged.stg_credit_fund,
    }


@collector_paused()  # processes/collector.py: 20 % of reconciling a national period went to cyclic collections
def reconcile_period(staged: StagedPeriod, history: PreviousQuarter | None = None) -> PeriodResult:
    """The written rules of spec §7 applied to a staged period, one named rule at a time.

    §7.3 (resubmissions) was applied when the period was read: the staged rows are the winning returns'. §7.6
    comes first, because a quarantined row counts nowhere; §7.5 compares the summaries with the indicators of
    §7.8. ``history``: the previous quarter as the warehouse holds it
    (:func:`kttt_pipeline.warehouse.history.previous_quarter`); with it, COOP_VANISHED and PERIOD_JUMP are raised
    against it."""
    period, province = staged.period, province_of(staged.units).unit_code
    expected = reporting_units(staged.units, period)
    findings = list(staged.findings)
    # §7.6 plausibility: quarantine before anything counts
    kept, quarantine, found = plausibility.quarantine_listings(_listings(staged), period, province)
    findings += found
    # §7.1 identity and the register's facts, §7.2 duplicates
    coops, found = entity_resolution.resolve_cooperatives(kept["cooperative"], staged.stg_tax_register, findings)
    findings += found
    entity_resolution.forget_names()  # the names folded for identity, not kept through the stages below
    # §7.4 status: the tax register decides activity
    coops, found = status.reconcile_status(coops, period)
    findings += found
    # §7.8 what counts: the population classified, the indicators of every unit present and of the province
    coops, found = counts.classify(coops, period)
    findings += found
    groups, found = entity_resolution.drop_duplicate_groups(kept["group"])  # §7.2 for groups: one per name and unit
    findings += found
    present = [u.unit_code for u in expected if u.unit_code in staged.winners]
    values = counts.indicator_values(
        coops, groups, kept["union"], kept["credit_fund"], staged.target, period, present, province
    )
    # §7.5 detail over summary: summary sheets and total rows against the detail
    compared = compare_with_detail(
        staged.stg_summary_figure, staged.total_rows, _listings(staged), staged.load_audit, values
    )
    if staged.stg_tax_register.empty:  # no register read (TAX_REGISTER_MISSING): its activity figures are not checked
        summary_rows = set(zip(staged.stg_summary_figure["sheet"], staged.stg_summary_figure["row_number"]))
        compared = [
            f
            for f in compared
            if not (
                f.kind == "SUMMARY_MISMATCH"
                and f.entity_key in ACTIVITY_INDICATORS
                and (f.sheet, f.row_number) in summary_rows
            )
        ]
    findings += compared
    # §7.7 completeness: a missing unit is reported, the province totals marked incomplete
    gaps = completeness.check_completeness(
        expected, set(staged.winners), staged.load_audit, period, province, province_word(staged.units)
    )
    findings += gaps.findings
    rpt = completeness.indicator_table(values, period, province, gaps)
    # §11.1 restated history: this period's rows on the units in force since the reform
    coops, groups = coops.assign(period=period.key), groups.assign(period=period.key)
    restated = restate_period(
        period,
        coops,
        groups,
        staged.stg_tax_register,
        rpt,
        staged.crosswalk,
        staged.units,
        province,
        staged.stg_cooperative,
        staged.stg_group,
    )
    findings += restated.findings
    # what vanished and what jumped since the previous quarter (a quarantined row is still listed)
    listed = pd.concat([coops[["tax_code"]], staged.stg_cooperative[["tax_code"]]], ignore_index=True)
    findings += comparison_findings(
        history,
        period,
        listed,
        staged.stg_tax_register,
        rpt,
        {u.unit_code for u in expected},
        {u.unit_code: unit_label(u) for u in staged.units},
        missing_units={u.unit_code for u in gaps.missing},
        placer=CommunePlacer(staged.crosswalk, staged.units) if staged.crosswalk is not None else None,
    )
    audit = plausibility.count_quarantined(staged.load_audit, quarantine)
    return PeriodResult(
        period=period.key,
        load_audit=audit,
        stg_cooperative=staged.stg_cooperative[table_columns("stg_cooperative")],
        stg_group=staged.stg_group[table_columns("stg_group")],
        stg_tax_register=staged.stg_tax_register[table_columns("stg_tax_register")],
        stg_summary_figure=staged.stg_summary_figure[table_columns("stg_summary_figure")],
        quarantine=quarantine[QUARANTINE_COLUMNS],
        cooperative=coops[table_columns("cooperative")].reset_index(drop=True),
        cooperative_group=groups[table_columns("cooperative_group")].reset_index(drop=True),
        cooperative_union=kept["union"]
        .assign(period=period.key)[table_columns("cooperative_union")]
        .reset_index(drop=True),
        credit_fund=kept["credit_fund"].assign(period=period.key)[table_columns("credit_fund")].reset_index(drop=True),
        rpt_indicator=rpt,
        dq_issue=findings_frame(findings, period.key, {u.unit_code for u in staged.units if u.valid_to is None}),
        target=staged.target,
        period_status=completeness.period_status(gaps, period, audit),
        admin_unit=admin_units_frame(staged.units),
        unit_crosswalk=crosswalk_frame(staged.crosswalk),
        admin_unit_version=unit_version_frame(load_register_rows(staged.raw_dir, province)),
        rpt_indicator_restated=restated.rpt_indicator_restated.reset_index(drop=True),
        rpt_breakdown=sector_status_breakdown(coops, period, [u for u in values if u != province], province),
    )
