"""§7.4 Status: the tax register decides activity. Only a district "Đang hoạt động" is overridden."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.numfmt import format_date_vn
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.vocabulary import status_labels, tax_status_codes

STATUS_VI = status_labels()
_OVERRIDE = {"dissolving": "DISSOLVING", "suspended": "SUSPENDED"}


@lru_cache(maxsize=1)
def _maps_to() -> dict[str, str]:
    """Tax register status code → the class it maps to (``vocab/tax_status_codes.csv``), read once: the code of
    every cooperative of a period is looked up, several times."""
    return {code: row["maps_to"] for code, row in tax_status_codes().items()}


def tax_maps_to(code: object) -> str | None:
    return _maps_to().get(code) if isinstance(code, str) else None


def reconcile_status(coops: pd.DataFrame, period: Period) -> tuple[pd.DataFrame, list[Finding]]:
    """Apply the register's status. ``coops`` needs status, dissolved_on, tax_status_code, tax_status_changed_on."""
    coops = coops.copy()
    coops["status_reported"] = coops["status"]
    findings: list[Finding] = []
    # only rows reported active whose register status can override: a few among tens of thousands
    maps_all = coops["tax_status_code"].map(tax_maps_to)
    candidates = (coops["status"] == "ACTIVE") & maps_all.isin([*_OVERRIDE, "dissolved"])
    for idx, rec in coops[candidates].iterrows():
        maps = maps_all.at[idx]
        new, new_date = None, None
        if maps in _OVERRIDE:
            new = _OVERRIDE[maps]
        elif maps == "dissolved":
            changed = rec.get("tax_status_changed_on")
            changed = None if changed is None or changed != changed else changed
            if changed is None or changed <= period.end:
                new, new_date = "DISSOLVED", changed
        if new is None:
            continue
        coops.at[idx, "status"] = new
        if new == "DISSOLVED":
            coops.at[idx, "dissolved_on"] = new_date
        code = rec["tax_status_code"]
        on = f" từ ngày {format_date_vn(new_date)}" if new_date else ""
        findings.append(
            Finding(
                "STATUS_OVERRIDE",
                f"Đơn vị báo cáo 'Đang hoạt động', cơ quan thuế ghi trạng thái {code} "
                f"({tax_status_codes()[code]['text_vi']}) → '{STATUS_VI[new]}'{on}",
                unit_code=rec["unit_code"],
                entity_key=rec["tax_code"] or rec["name"],
                source_file=rec["source_file"],
                sheet=rec["sheet"],
                row_number=int(rec["row_number"]),
                value_reported=STATUS_VI["ACTIVE"],
                value_computed=STATUS_VI[new],
                rule="7.4",
            )
        )
    return coops, findings
