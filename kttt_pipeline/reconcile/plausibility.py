"""§7.6 Plausibility: rows that break a rule are quarantined with a Vietnamese reason, never silently dropped.

The rules are pandera checks (``kttt_pipeline.ingest.schemas``); this module turns their failure cases into the
quarantine table and ROW_QUARANTINED findings.
"""

from __future__ import annotations

import json

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from kttt_pipeline.core import fields
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.periods import Period
from kttt_pipeline.ingest.schemas import RULE_REASONS_VI, plausibility_schema

QUARANTINE_COLUMNS = [
    "period",
    "unit_code",
    "source_file",
    "sheet",
    "row_number",
    "record_type",
    "entity_key",
    "rule",
    "reason_vi",
    "raw_values",
]


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
    """index → names of the checks the row fails, as pandera's lazy validation reports them: every check runs
    on the whole frame, and the rows and each row's rules come in the order of its failure cases (a row whose
    cells are all empty has no failure case, hence passes)."""
    if df.empty:
        return {}
    try:
        schema.validate(df, lazy=True)
    except SchemaErrors as err:
        fc = err.failure_cases
        return _rules_by_row(zip(fc["index"], fc["check"]))
    return {}


def _rules_by_row(cases) -> dict[object, list[str]]:
    """index → the names of the checks of the failure cases (index, check), each once, in the cases' order
    (cases without an index label are frame-level: skipped)."""
    out: dict[object, list[str]] = {}
    for idx, check in cases:
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
        counts = [f for f in fields.count_fields(record_type) if f in cells]
        if counts:
            return "; ".join(
                f"{fields.label_in_text(record_type, f)} ghi '{cells[f]}', không phải là số" for f in counts
            )
    if rule == "missing_name":
        return "thiếu tên (dòng có số liệu nhưng không ghi tên)"
    return RULE_REASONS_VI.get(rule, rule)


def quarantine_rows(
    df: pd.DataFrame, record_type: str, period: Period, key_column: str = "entity_key"
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
        rows.append(
            {
                "period": period.key,
                "unit_code": rec.get("unit_code"),
                "source_file": rec.get("source_file"),
                "sheet": rec.get("sheet"),
                "row_number": rec.get("row_number"),
                "record_type": record_type,
                "entity_key": key,
                "rule": ",".join(rules),
                "reason_vi": reasons,
                "raw_values": _json_row(rec),
            }
        )
        findings.append(
            Finding(
                "ROW_QUARANTINED",
                f"Dòng bị loại khỏi mọi chỉ tiêu: {reasons}",
                unit_code=rec.get("unit_code"),
                entity_key=key,
                source_file=rec.get("source_file"),
                sheet=rec.get("sheet"),
                row_number=int(rec.get("row_number"))
                if rec.get("row_number") == rec.get("row_number") and rec.get("row_number") is not None
                else None,
                rule="7.6:" + ",".join(rules),
            )
        )
    return df.drop(index=list(failures)), pd.DataFrame(rows, columns=QUARANTINE_COLUMNS), findings


def _with_entity_keys(record_type: str, df: pd.DataFrame, province_code: str) -> pd.DataFrame:
    """The key a quarantined row is known by: a cooperative's (parent) tax code when valid, else its name; a
    group's name; a union's or credit fund's tax code, else its name (these two belong to the province)."""
    df = df.copy()
    if record_type == "cooperative":
        df["entity_key"] = df["tax_code_parent"].where(df["tax_code_valid"], df["name"])
    elif record_type == "group":
        df["entity_key"] = df["name"]
    else:
        df["entity_key"], df["unit_code"] = df["tax_code"].fillna(df["name"]), province_code
    return df


def quarantine_listings(
    listings: dict[str, pd.DataFrame], period: Period, province_code: str
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, list[Finding]]:
    """§7.6 on every listing (record type → staged rows), before anything counts: (the rows kept by record type,
    the quarantine frame, the ROW_QUARANTINED findings)."""
    kept, quarantined, findings = {}, [], []
    for record_type, df in listings.items():
        kept[record_type], q, found = quarantine_rows(
            _with_entity_keys(record_type, df, province_code), record_type, period
        )
        quarantined += [q] if not q.empty else []
        findings += found
    quarantine = pd.concat(quarantined or [pd.DataFrame(columns=QUARANTINE_COLUMNS)], ignore_index=True)
    return kept, quarantine, findings


def count_quarantined(load_audit: pd.DataFrame, quarantine: pd.DataFrame) -> pd.DataFrame:
    """load_audit with each loaded file's quarantined rows moved from rows_loaded to rows_quarantined (the row
    counts of ``ingest.result`` then still add up: read = loaded + quarantined + non-entity)."""
    audit = load_audit.copy()
    by_file = quarantine.groupby("source_file").size() if not quarantine.empty else pd.Series(dtype="int64")
    loaded = audit["status"] == "LOADED"
    n_q = audit["source_file"].map(by_file).fillna(0).astype("int64")
    audit.loc[loaded, "rows_quarantined"] = n_q[loaded]
    audit.loc[loaded, "rows_loaded"] = audit.loc[loaded, "rows_loaded"] - n_q[loaded]
    return audit
