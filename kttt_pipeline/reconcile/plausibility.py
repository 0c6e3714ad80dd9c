"""§7.6 Plausibility: rows that break a rule are quarantined with a Vietnamese reason, never silently dropped.

The rules are pandera checks (``kttt_pipeline.ingest.schemas``); this module turns their failure cases into the
quarantine table and ROW_QUARANTINED findings.
"""

from __future__ import annotations

import json

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from kttt_pipeline.core.findings import Finding
from kttt_pipeline.ingest.records import FIELD_LABEL_VI
from kttt_pipeline.core.periods import Period
from kttt_pipeline.ingest.schemas import _COUNTS, plausibility_schema, RULE_REASONS_VI

QUARANTINE_COLUMNS = ["period", "unit_code", "source_file", "sheet", "row_number", "record_type", "entity_key",
                      "rule", "reason_vi", "raw_values"]


def _json_row(row: pd.Series) -> str:
    def conv(v: object) -> object:
        if v is None or (isinstance(v, float) and v != v):
            return None
        if hasattr(v, "isoformat"):
            return v.isoformat()
        if hasattr(v, "item"):
            return v.item()
        return v
    return json.dumps({k: conv(v) for k, v in row.items()}, ensure_ascii=False, default=str)


def failed_rules(df: pd.DataFrame, schema: pa.DataFrameSchema) -> dict[object, list[str]]:
    """index → names of the checks the row fails."""
    if df.empty:
        return {}
    try:
        schema.validate(df, lazy=True)
        return {}
    except SchemaErrors as err:
        fc = err.failure_cases
        out: dict[object, list[str]] = {}
        for idx, check in zip(fc["index"], fc["check"]):
            if idx is None or (isinstance(idx, float) and idx != idx):
                continue
            name = str(check).split("(")[0]
            out.setdefault(idx, [])
            if name not in out[idx]:
                out[idx].append(name)
        return out


def _text(v: object) -> str | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    t = str(v).strip()
    return t or None


def reason_vi(rule: str, rec: pd.Series | dict, record_type: str) -> str:
    """The Vietnamese reason of one failed rule for one row, quoting what was written where that helps."""
    if rule == "status_unreadable":
        written = _text(rec.get("status_text"))
        if written:
            return f"không đọc được tình trạng hoạt động '{written}' (không có trong danh mục tình trạng)"
        return "không ghi tình trạng hoạt động (không xếp được vào nhóm nào của tổng số HTX)"
    if rule == "count_unreadable":
        cells = rec.get("values_unreadable")
        cells = cells if isinstance(cells, dict) else {}
        counts = [f for f in _COUNTS.get(record_type, []) if f in cells]
        if counts:
            return "; ".join(f"{FIELD_LABEL_VI.get(f, f)} ghi '{cells[f]}', không phải là số" for f in counts)
    if rule == "missing_name":
        return "thiếu tên (dòng có số liệu nhưng không ghi tên)"
    return RULE_REASONS_VI.get(rule, rule)


def quarantine_rows(df: pd.DataFrame, record_type: str, period: Period, key_column: str = "entity_key"
                    ) -> tuple[pd.DataFrame, pd.DataFrame, list[Finding]]:
    """Split rows into (kept, quarantine frame, findings)."""
    schema = plausibility_schema(record_type, period)
    failures = failed_rules(df, schema)
    if not failures:
        return df, pd.DataFrame(columns=QUARANTINE_COLUMNS), []
    bad = df.loc[list(failures)]
    rows, findings = [], []
    for idx, rec in bad.iterrows():
        rules = failures[idx]
        reasons = "; ".join(reason_vi(r, rec, record_type) for r in rules)
        key = rec.get(key_column) if key_column in rec else None
        rows.append({
            "period": period.key, "unit_code": rec.get("unit_code"), "source_file": rec.get("source_file"),
            "sheet": rec.get("sheet"), "row_number": rec.get("row_number"), "record_type": record_type,
            "entity_key": key, "rule": ",".join(rules), "reason_vi": reasons, "raw_values": _json_row(rec),
        })
        findings.append(Finding("ROW_QUARANTINED", f"Dòng bị loại khỏi mọi chỉ tiêu: {reasons}",
                                unit_code=rec.get("unit_code"), entity_key=key, source_file=rec.get("source_file"),
                                sheet=rec.get("sheet"), row_number=int(rec.get("row_number")) if rec.get("row_number") == rec.get("row_number") and rec.get("row_number") is not None else None,
                                rule="7.6:" + ",".join(rules)))
    return df.drop(index=list(failures)), pd.DataFrame(rows, columns=QUARANTINE_COLUMNS), findings
