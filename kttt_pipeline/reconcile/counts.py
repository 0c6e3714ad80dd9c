"""§7.8 What counts: the population after resolution, classified, and the indicators of every reporting unit
present and of the province. A quarantined row is not here (§7.6 took it out first); a missing grade never
removes a cooperative from a count (it counts as average, HTX_AVERAGE, with a GRADE_MISSING finding)."""

from __future__ import annotations

import pandas as pd

from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.periods import Period
from kttt_pipeline.reconcile import indicators as ind


def classify(coops: pd.DataFrame, period: Period) -> tuple[pd.DataFrame, list[Finding]]:
    """The cooperatives classified for the indicators (active, grade class, in the total), and a GRADE_MISSING
    finding for every active cooperative without a grade."""
    coops = ind.classify_cooperatives(coops, period)
    findings = [
        Finding(
            "GRADE_MISSING",
            f"HTX '{rec.name}' đang hoạt động, có kê khai thuế nhưng chưa được xếp loại: tính vào nhóm trung bình",
            unit_code=rec.unit_code,
            entity_key=rec.tax_code or rec.name,
            source_file=rec.source_file,
            sheet=rec.sheet,
            row_number=int(rec.row_number),
            rule="7.8",
        )
        for rec in coops[coops["is_active"] & coops["grade"].isna()].itertuples()
    ]
    return coops, findings


def indicator_values(
    coops: pd.DataFrame,
    groups: pd.DataFrame,
    unions: pd.DataFrame,
    funds: pd.DataFrame,
    target: pd.DataFrame,
    period: Period,
    units_present: list[str],
    province_code: str,
) -> dict[str, dict[str, float | None]]:
    """unit_code → indicator_code → value: every reporting unit present (a unit without rows gets the indicators
    of an empty listing), then the province over all units present, with its unions, credit funds and plan."""
    coops_num = ind.prepare_cooperatives(ind.indicator_inputs(coops, "cooperative"))
    groups_num = ind.prepare_groups(ind.indicator_inputs(groups, "group"))
    # all units in one grouped pass (a national register has hundreds of units)
    values = ind.listing_indicators_by_unit(coops_num, groups_num, period, units_present)
    province = ind.listing_indicators_by_unit(
        coops_num.assign(unit_code=province_code), groups_num.assign(unit_code=province_code), period, [province_code]
    )
    pv = province[province_code]
    pv.update(ind.union_indicators(unions))
    pv.update(ind.credit_fund_indicators(funds))
    targets = {r.indicator_code: float(r.value) for r in target.itertuples() if r.year == period.year}
    pv.update(ind.plan_indicators(pv, targets))
    values[province_code] = pv
    return values
