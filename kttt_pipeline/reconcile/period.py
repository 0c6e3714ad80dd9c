"""Stage 2, reconcile: the written rules of §7 applied to a staged period (``reconcile_period``)."""


from __future__ import annotations

from dataclasses import dataclass, field, fields

import pandas as pd

from kttt_pipeline.core.admin_units import (admin_units_frame, commonest_level, province_of, reporting_units,
                                           unit_label)
from kttt_pipeline.core.findings import Finding, findings_frame
from kttt_pipeline.reconcile import entity_resolution, indicators as ind
from kttt_pipeline.reconcile.breakdown import BREAKDOWN_COLUMNS, sector_status_breakdown
from kttt_pipeline.reconcile.period_compare import PreviousQuarter, comparison_findings
from kttt_pipeline.reconcile.plausibility import QUARANTINE_COLUMNS, quarantine_rows
from kttt_pipeline.reconcile.restate import restate_period
from kttt_pipeline.reconcile.status import reconcile_status
from kttt_pipeline.reconcile.summary_compare import compare_summary, compare_total_rows
from kttt_pipeline.core.text import fold_name


from kttt_pipeline.ingest.period import (COOP_COLUMNS, COOP_STAGE_COLUMNS, FUND_COLUMNS, GROUP_COLUMNS,
                                         GROUP_STAGE_COLUMNS, REJECTED_STATUSES, STATUS_COLUMNS,
                                         SUMMARY_STAGE_COLUMNS, StagedPeriod, TAX_STAGE_COLUMNS, UNION_COLUMNS)

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
        default_factory=lambda: pd.DataFrame(columns=["period", "unit_code", "indicator_code", "value"]))
    #: figures of the published sheets beyond single indicators, by the indicators' definitions (reconcile/breakdown.py)
    rpt_breakdown: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=BREAKDOWN_COLUMNS))

    def frames(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "period"}

    def indicator(self, unit_code: str, code: str) -> float | None:
        df = self.rpt_indicator
        hit = df[(df["unit_code"] == unit_code) & (df["indicator_code"] == code)]["value"]
        return None if hit.empty or pd.isna(hit.iloc[0]) else float(hit.iloc[0])




def _rekey(findings: list[Finding], key_of_row: dict[tuple, str]) -> None:
    """Row-level findings raised while reading carry the written code/name; give them the resolved key."""
    for f in findings:
        if f.kind in ("WORDS_DROPPED", "SECTOR_UNKNOWN", "VALUE_UNREADABLE", "STATUS_UNKNOWN", "ROW_QUARANTINED"):
            key = key_of_row.get(f.row_ref)
            if key:
                f.entity_key = key


def reporting_level(staged: StagedPeriod) -> str:
    """The tier of the units that report for the staged period ("district" until 30/6/2025, "commune" since)."""
    return commonest_level(u.level for u in reporting_units(staged.units, staged.period))


def reconcile_period(staged: StagedPeriod, history: PreviousQuarter | None = None) -> PeriodResult:
    """The written rules applied to a staged period. ``history``: the previous quarter as the warehouse holds it
    (:func:`kttt_pipeline.warehouse.history.previous_quarter`); with it, COOP_VANISHED and PERIOD_JUMP are
    raised against it (issue 16)."""
    period = staged.period
    findings = list(staged.findings)
    province = province_of(staged.units)
    expected = reporting_units(staged.units, period)
    unit_codes = [u.unit_code for u in expected]

    # §7.6 plausibility: quarantine before anything counts
    coops = staged.stg_cooperative.copy()
    coops["entity_key"] = coops["tax_code_parent"].where(coops["tax_code_valid"], coops["name"])
    coops, q_coop, f = quarantine_rows(coops, "cooperative", period)
    findings += f
    groups = staged.stg_group.copy()
    groups["entity_key"] = groups["name"]
    groups, q_group, f = quarantine_rows(groups, "group", period)
    findings += f
    unions = staged.stg_union.copy()
    unions["entity_key"], unions["unit_code"] = unions["tax_code"].fillna(unions["name"]), province.unit_code
    unions, q_union, f = quarantine_rows(unions, "union", period)
    findings += f
    funds = staged.stg_credit_fund.copy()
    funds["entity_key"], funds["unit_code"] = funds["tax_code"].fillna(funds["name"]), province.unit_code
    funds, q_fund, f = quarantine_rows(funds, "credit_fund", period)
    findings += f
    quarantine = pd.concat([q for q in (q_coop, q_group, q_union, q_fund) if not q.empty] or
                           [pd.DataFrame(columns=QUARANTINE_COLUMNS)], ignore_index=True)

    # §7.1 identity, tax facts, §7.2 duplicates, §7.4 status
    tax = staged.stg_tax_register
    coops, f = entity_resolution.resolve_identities(coops, tax)
    findings += f
    def tax_col(col: str) -> list:
        return [tax.at[i, col] if i is not None and i == i else None for i in coops["tax_index"]]
    coops["tax_status_code"] = tax_col("status_code")
    coops["tax_status_changed_on"] = tax_col("status_changed_on")
    coops["declared_revenue"] = tax_col("declared_revenue")
    key_of_row = {(r.source_file, r.sheet, int(r.row_number)): (r.tax_code or r.name) for r in coops.itertuples()}
    coops, f = entity_resolution.drop_duplicates(coops, tax)
    findings += f
    coops, f = reconcile_status(coops, period)
    findings += f
    coops = ind.classify_cooperatives(coops, period)
    for rec in coops[coops["is_active"] & coops["grade"].isna()].itertuples():
        findings.append(Finding("GRADE_MISSING", f"HTX '{rec.name}' đang hoạt động, có kê khai thuế nhưng chưa được "
                                "xếp loại: tính vào nhóm trung bình", unit_code=rec.unit_code, entity_key=rec.tax_code or rec.name,
                                source_file=rec.source_file, sheet=rec.sheet, row_number=int(rec.row_number), rule="7.8"))
    _rekey(findings, key_of_row)

    # THT: one per folded name within a unit
    groups = groups.assign(_key=groups["unit_code"].astype(str) + ":" + groups["name"].map(fold_name))
    dup = groups.duplicated("_key", keep="first")
    for rec in groups[dup].itertuples():
        findings.append(Finding("DUPLICATE", f"THT '{rec.name}' được kê khai nhiều lần trong đơn vị: chỉ tính một lần",
                                unit_code=rec.unit_code, entity_key=rec.name, source_file=rec.source_file,
                                sheet=rec.sheet, row_number=int(rec.row_number), rule="7.2"))
    groups = groups[~dup].drop(columns="_key")

    # indicators: every reporting unit, then the province over all units present
    targets = {r.indicator_code: float(r.value) for r in staged.target.itertuples() if r.year == period.year}
    values: dict[str, dict[str, float | None]] = {}
    present = set(staged.winners)
    coops_num = ind.prepare_cooperatives(coops)
    groups_num = ind.prepare_groups(groups)
    # all units in one grouped pass (a national register has hundreds of units); units without rows get the
    # indicators of an empty listing
    coop_values = ind.cooperative_indicators_by_unit(coops_num, period)
    group_values = ind.group_indicators_by_unit(groups_num)
    empty_coops = ind.cooperative_indicators(coops_num.iloc[0:0], period)
    empty_groups = ind.group_indicators(groups_num.iloc[0:0])
    for code in unit_codes:
        if code not in present:
            continue
        v = dict(coop_values.get(code, empty_coops))
        v.update(group_values.get(code, empty_groups))
        values[code] = v
    province_code = province.unit_code
    pv = dict(ind.cooperative_indicators_by_unit(coops_num.assign(unit_code=province_code), period).get(
        province_code, empty_coops))
    pv.update(ind.group_indicators_by_unit(groups_num.assign(unit_code=province_code)).get(
        province_code, empty_groups))
    pv.update(ind.union_indicators(unions))
    pv.update(ind.credit_fund_indicators(funds))
    pv.update(ind.plan_indicators(pv, targets))
    values[province.unit_code] = pv

    # §7.5 summaries and total rows
    summary = staged.stg_summary_figure
    findings += compare_summary(summary, values)
    detail = {}
    for (src, sheet), g in staged.stg_cooperative.groupby(["source_file", "sheet"]):
        detail[(src, sheet, "cooperative")] = g
    for (src, sheet), g in staged.stg_group.groupby(["source_file", "sheet"]):
        detail[(src, sheet, "group")] = g
    for (src, sheet), g in staged.stg_union.groupby(["source_file", "sheet"]):
        detail[(src, sheet, "union")] = g
    for (src, sheet), g in staged.stg_credit_fund.groupby(["source_file", "sheet"]):
        detail[(src, sheet, "credit_fund")] = g
    unit_of_file = {r.source_file: r.unit_code for r in staged.load_audit.itertuples()}
    findings += compare_total_rows(staged.total_rows, detail, unit_of_file)

    # §7.7 completeness
    missing = [u for u in expected if u.unit_code not in present]
    for u in missing:
        findings.append(Finding("UNIT_MISSING", f"{u.kind_vi} {u.name_vi} (mã {u.unit_code}) chưa gửi báo cáo kỳ "
                                f"{period.key}: số liệu toàn tỉnh chỉ cộng các đơn vị đã gửi, chưa đầy đủ",
                                unit_code=u.unit_code, entity_key=u.unit_code, rule="7.7"))
    audit_in = staged.load_audit
    province_read = bool(((audit_in["file_kind"] == "province") & (audit_in["status"] == "LOADED")).any())
    if not province_read:
        findings.append(Finding("PROVINCE_WORKBOOK_MISSING", f"Chưa có bảng tổng hợp liên hiệp HTX và quỹ tín dụng "
                                f"nhân dân của tỉnh (thư mục {period.key}/province) đọc được: số liệu LHHTX, QTDND "
                                "chưa đủ", unit_code=province.unit_code, entity_key=f"{period.key}/province",
                                rule="7.7"))
    rpt = ind.mark_completeness(ind.indicator_frame(values, period), province.unit_code,
                                units_complete=not missing, province_workbook_read=province_read)

    # §11.1 restated history: this period's rows on the units in force since the reform
    coops = coops.assign(period=period.key)
    groups = groups.assign(period=period.key)
    restated = restate_period(period, coops, groups, staged.stg_tax_register, rpt, staged.crosswalk, staged.units,
                              province.unit_code, staged.stg_cooperative, staged.stg_group)
    findings += restated.findings

    # issue 16: what vanished and what jumped since the previous quarter (none without it)
    names = {u.unit_code: unit_label(u) for u in staged.units}
    # a quarantined row is still listed by its unit (its own finding says why it does not count)
    listed = pd.concat([coops[["tax_code"]], staged.stg_cooperative[["tax_code"]]], ignore_index=True)
    findings += comparison_findings(history, period, listed, staged.stg_tax_register, rpt, set(unit_codes), names,
                                    missing_units={u.unit_code for u in missing})

    # load_audit: rows loaded / quarantined per file
    q_by_file = quarantine.groupby("source_file").size().to_dict() if not quarantine.empty else {}
    staged_by_file = pd.concat([staged.stg_cooperative["source_file"], staged.stg_group["source_file"]]).value_counts().to_dict()
    audit = staged.load_audit.copy()
    for i, rec in audit.iterrows():
        if rec["file_kind"] == "district" and rec["status"] == "LOADED":
            n_q = int(q_by_file.get(rec["source_file"], 0))
            audit.at[i, "rows_quarantined"] = n_q
            audit.at[i, "rows_loaded"] = int(staged_by_file.get(rec["source_file"], 0)) - n_q
        elif rec["file_kind"] == "province" and rec["status"] == "LOADED":
            n_q = int(q_by_file.get(rec["source_file"], 0))
            audit.at[i, "rows_quarantined"] = n_q
            audit.at[i, "rows_loaded"] = int(rec["rows_loaded"]) - n_q

    period_status = pd.DataFrame([{
        "period": period.key, "units_expected": len(expected), "units_present": len(present & set(unit_codes)),
        "units_missing": ",".join(u.unit_code for u in missing), "is_complete": not missing,
        "files_seen": len(audit), "files_rejected": int(audit["status"].isin(REJECTED_STATUSES).sum()),
    }], columns=STATUS_COLUMNS)
    return PeriodResult(
        period=period.key,
        load_audit=audit,
        stg_cooperative=staged.stg_cooperative[COOP_STAGE_COLUMNS],
        stg_group=staged.stg_group[GROUP_STAGE_COLUMNS],
        stg_tax_register=staged.stg_tax_register[TAX_STAGE_COLUMNS],
        stg_summary_figure=staged.stg_summary_figure[SUMMARY_STAGE_COLUMNS],
        quarantine=quarantine[QUARANTINE_COLUMNS],
        cooperative=coops[COOP_COLUMNS].reset_index(drop=True),
        cooperative_group=groups[GROUP_COLUMNS].reset_index(drop=True),
        cooperative_union=unions.assign(period=period.key)[UNION_COLUMNS].reset_index(drop=True),
        credit_fund=funds.assign(period=period.key)[FUND_COLUMNS].reset_index(drop=True),
        rpt_indicator=rpt,
        dq_issue=findings_frame(findings, period.key),
        target=staged.target,
        period_status=period_status,
        admin_unit=admin_units_frame(staged.units),
        rpt_indicator_restated=restated.rpt_indicator_restated.reset_index(drop=True),
        rpt_breakdown=sector_status_breakdown(coops, period, [u for u in values if u != province.unit_code],
                                              province.unit_code),
    )


