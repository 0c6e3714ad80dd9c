"""The status identity of ``indicators.csv`` checked per unit, and, where it breaks, what a person needs to fix it:
the unit, every figure of the identity, and the listing rows that no status class counted.

HTX_TOTAL = HTX_ACTIVE + HTX_WEAK + HTX_SUSPENDED + HTX_NOT_STARTED + HTX_DISSOLVING, and
HTX_INACTIVE = HTX_TOTAL − HTX_ACTIVE. With the breakdown table (``rpt_breakdown``), the sector × status cross-tab
of Biểu 02 as well: each sector's status classes add up to HTX_SECTOR_<sector>, each status or grade column's
sectors to HTX_<class>. The row rules (§7.6) quarantine a cooperative whose status cannot be read, and the
cross-tab is counted by the indicators' own classification, so both hold by construction; this report is for the
day they do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kttt_pipeline.reconcile.breakdown import breakdown_cells, breakdown_mismatches
from kttt_pipeline.reconcile.indicators import check_identity

#: the parts of HTX_TOTAL, with the Vietnamese label the signer reads
IDENTITY_PARTS = [
    ("HTX_ACTIVE", "đang hoạt động"),
    ("HTX_WEAK", "yếu, kém"),
    ("HTX_SUSPENDED", "tạm ngừng"),
    ("HTX_NOT_STARTED", "chưa đi vào hoạt động"),
    ("HTX_DISSOLVING", "đang làm thủ tục giải thể"),
]
#: statuses that one of the parts counts (DISSOLVED in the total counts as DISSOLVING: dissolved after the end)
COUNTED_STATUSES = {"ACTIVE", "SUSPENDED", "NOT_STARTED", "DISSOLVING", "DISSOLVED"}
MAX_ROWS_IN_TEXT = 10
#: the breakdown's columns as the signer reads them (the parts above, and the grades of the active ones)
BREAKDOWN_COL_VI = {code.removeprefix("HTX_"): label for code, label in IDENTITY_PARTS} | {
    "GOOD": "tốt, khá",
    "AVERAGE": "trung bình",
}


@dataclass
class IdentityBreak:
    unit_code: str
    unit_name: str
    figures: dict[str, float | None]
    #: listing rows counted in HTX_TOTAL but in no part: source_file, sheet, row_number, name, status, status_text
    rows: list[dict] = field(default_factory=list)
    #: where the sector × status breakdown disagrees with the indicators: ("row"|"col", key, indicator code,
    #: the breakdown's sum, the indicator's value)
    breakdown: list[tuple] = field(default_factory=list)

    @property
    def status_identity_holds(self) -> bool:
        inactive = self.figures.get("HTX_INACTIVE")
        active = float(self.figures.get("HTX_ACTIVE") or 0)
        return abs(self.total - self.parts_sum) <= 1e-9 and (
            inactive is None or abs(float(inactive) - (self.total - active)) <= 1e-9
        )

    @property
    def total(self) -> float:
        return float(self.figures.get("HTX_TOTAL") or 0)

    @property
    def parts_sum(self) -> float:
        return float(sum(self.figures.get(code) or 0 for code, _ in IDENTITY_PARTS))

    def text_vi(self) -> str:
        if self.status_identity_holds:
            return f"{self.unit_name} (mã {self.unit_code}): {self.breakdown_text_vi()}"
        f = self.figures
        parts = " + ".join(f"{_n(f.get(code))} {label}" for code, label in IDENTITY_PARTS)
        text = f"{self.unit_name} (mã {self.unit_code}): Tổng số HTX {_n(self.total)} ≠ {parts} = {_n(self.parts_sum)}"
        inactive = f.get("HTX_INACTIVE")
        if inactive is not None and abs(float(inactive) - (self.total - float(f.get("HTX_ACTIVE") or 0))) > 1e-9:
            text += f"; HTX không hoạt động {_n(inactive)} ≠ {_n(self.total)} − {_n(f.get('HTX_ACTIVE'))}"
        if self.rows:
            shown = "; ".join(_row_text(r) for r in self.rows[:MAX_ROWS_IN_TEXT])
            more = f" và {len(self.rows) - MAX_ROWS_IN_TEXT} dòng khác" if len(self.rows) > MAX_ROWS_IN_TEXT else ""
            text += f". Các dòng không thuộc nhóm tình trạng nào: {shown}{more}"
        else:
            text += ". Không tìm thấy dòng HTX nào ngoài các nhóm tình trạng (lỗi tính toán, báo cho người quản trị)"
        if self.breakdown:
            text += f"; {self.breakdown_text_vi()}"
        return text

    def breakdown_text_vi(self) -> str:
        """The cells of Biểu 02's sector × status table that do not add up to the indicators."""
        parts = []
        for kind, key, code, got, want in self.breakdown:
            what = f"dòng lĩnh vực {key}" if kind == "row" else f"cột {BREAKDOWN_COL_VI.get(key, key)}"
            parts.append(f"{what} cộng được {_n(got)} ≠ {code} {_n(want)}")
        return "bảng HTX theo lĩnh vực và tình trạng (Biểu 02) không khớp chỉ tiêu: " + "; ".join(parts)


def _n(value: float | None) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    v = float(value)
    return (
        f"{v:,.0f}".replace(",", ".")
        if v == int(v)
        else f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    )


def _row_text(r: dict) -> str:
    written = r.get("status_text") or r.get("status")
    status = f"tình trạng ghi '{written}'" if written else "không ghi tình trạng"
    return (
        f"tệp '{r.get('source_file')}', sheet '{r.get('sheet')}', dòng {r.get('row_number')} "
        f"('{r.get('name') or ''}', {status})"
    )


def _values_by_unit(rpt: pd.DataFrame) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    for unit, code, value in zip(rpt["unit_code"], rpt["indicator_code"], rpt["value"]):
        out.setdefault(str(unit), {})[code] = None if value is None or value != value else float(value)
    return out


def identity_breaks(
    rpt_indicator: pd.DataFrame,
    cooperative: pd.DataFrame,
    admin_unit: pd.DataFrame,
    stg_cooperative: pd.DataFrame | None = None,
    rpt_breakdown: pd.DataFrame | None = None,
) -> list[IdentityBreak]:
    """Every unit (and the province) whose status identity does not hold, or whose sector × status breakdown
    (``rpt_breakdown``, when given) does not add up to its indicators, with its figures and the rows."""
    names = (
        {
            str(r.unit_code): f"{r.kind_vi} {r.name_vi}".strip() if isinstance(r.kind_vi, str) else str(r.name_vi)
            for r in admin_unit.itertuples()
        }
        if not admin_unit.empty
        else {}
    )
    province = (
        next((str(r.unit_code) for r in admin_unit.itertuples() if r.level == "province"), None)
        if not admin_unit.empty
        else None
    )
    coops = cooperative
    if "in_total" in coops:
        coops = coops[coops["in_total"].eq(True)]
    odd = coops[~coops["status"].isin(COUNTED_STATUSES)] if "status" in coops else coops.iloc[0:0]
    status_text = {}
    if stg_cooperative is not None and not stg_cooperative.empty and "status_text" in stg_cooperative:
        status_text = {(r.source_file, r.sheet, int(r.row_number)): r.status_text for r in stg_cooperative.itertuples()}
    cells = breakdown_cells(rpt_breakdown) if rpt_breakdown is not None else None
    breaks = []
    for unit, values in _values_by_unit(rpt_indicator).items():
        if "HTX_TOTAL" not in values:
            continue
        # a unit with figures has a breakdown: a missing one is a break of every non-zero row and column
        mismatches = breakdown_mismatches(values, cells.get(unit, {})) if cells is not None else []
        if check_identity(values) and not mismatches:
            continue
        rows_of = odd if unit == province else odd[odd["unit_code"].astype(str) == unit]
        rows = [
            {
                "unit_code": str(r.unit_code),
                "source_file": r.source_file,
                "sheet": r.sheet,
                "row_number": int(r.row_number),
                "name": r.name,
                "status": None if r.status is None or r.status != r.status else r.status,
                "status_text": status_text.get((r.source_file, r.sheet, int(r.row_number))),
            }
            for r in rows_of.itertuples()
        ]
        figures = {code: values.get(code) for code in ["HTX_TOTAL", *[c for c, _ in IDENTITY_PARTS], "HTX_INACTIVE"]}
        breaks.append(IdentityBreak(unit, names.get(unit, unit), figures, rows, mismatches))
    return breaks


def breaks_description_vi(breaks: list[IdentityBreak]) -> str:
    """One Vietnamese sentence per broken unit, for the check's description and the CLI."""
    if not breaks:
        return "Đẳng thức tình trạng HTX đúng ở mọi đơn vị."
    return (
        f"Đẳng thức tình trạng HTX (tổng số = đang hoạt động + yếu + tạm ngừng + chưa hoạt động + đang giải "
        f"thể) không đúng ở {len(breaks)} đơn vị — " + " | ".join(b.text_vi() for b in breaks)
    )


def _md_cell(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v).replace("|", "/").replace("\n", " ")


def breaks_markdown(breaks: list[IdentityBreak]) -> str:
    """The figures of every broken unit, then the rows no status class counted (Dagster metadata)."""
    if not breaks:
        return "Đẳng thức tình trạng đúng ở mọi đơn vị."
    head = [
        "Đơn vị",
        "Tổng số HTX",
        *[label for _, label in IDENTITY_PARTS],
        "Cộng các nhóm",
        "Chênh lệch",
        "HTX không hoạt động",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for b in breaks:
        cells = [
            f"{b.unit_code} {b.unit_name}",
            _n(b.total),
            *[_n(b.figures.get(c)) for c, _ in IDENTITY_PARTS],
            _n(b.parts_sum),
            _n(b.total - b.parts_sum),
            _n(b.figures.get("HTX_INACTIVE")),
        ]
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    lines += ["", "| Đơn vị | Tệp | Sheet | Dòng | Tên HTX | Tình trạng ghi |", "|---|---|---|---|---|---|"]
    for b in breaks:
        for r in b.rows:
            lines.append(
                "| "
                + " | ".join(
                    _md_cell(c)
                    for c in (
                        f"{b.unit_code} {b.unit_name}",
                        r["source_file"],
                        r["sheet"],
                        r["row_number"],
                        r["name"],
                        r.get("status_text") or r.get("status") or "(trống)",
                    )
                )
                + " |"
            )
        if not b.rows:
            lines.append(f"| {b.unit_code} {_md_cell(b.unit_name)} | | | | (không tìm thấy dòng) | |")
    mismatched = [b for b in breaks if b.breakdown]
    if mismatched:
        lines += [
            "",
            "| Đơn vị | Biểu 02 (lĩnh vực × tình trạng) | Chỉ tiêu | Cộng trong biểu | Giá trị chỉ tiêu |",
            "|---|---|---|---|---|",
        ]
        for b in mismatched:
            for kind, key, code, got, want in b.breakdown:
                where = f"dòng {key}" if kind == "row" else f"cột {BREAKDOWN_COL_VI.get(key, key)}"
                lines.append(
                    "| "
                    + " | ".join(_md_cell(c) for c in (f"{b.unit_code} {b.unit_name}", where, code, _n(got), _n(want)))
                    + " |"
                )
    return "\n".join(lines)


def schema_failures(frame: pd.DataFrame, schema, table: str) -> list[dict]:
    """The failure cases of a pandera schema on ``frame``, each with the source row when the frame has one."""
    from pandera.errors import SchemaErrors

    try:
        schema.validate(frame, lazy=True)
        return []
    except SchemaErrors as err:
        out = []
        for case in err.failure_cases.to_dict("records"):
            idx = case.get("index")
            row = {}
            if idx is not None and idx == idx and idx in frame.index:
                rec = frame.loc[idx]
                row = {k: rec.get(k) for k in ("unit_code", "source_file", "sheet", "row_number") if k in frame}
            out.append(
                {
                    "table": table,
                    "column": case.get("column"),
                    "check": str(case.get("check")),
                    "value": case.get("failure_case"),
                    **row,
                }
            )
        return out


def schema_failures_text_vi(failures: list[dict], limit: int = MAX_ROWS_IN_TEXT) -> str:
    parts = []
    for f in failures[:limit]:
        where = ", ".join(
            x
            for x in (
                f"tệp '{f['source_file']}'" if f.get("source_file") else "",
                f"sheet '{f['sheet']}'" if f.get("sheet") else "",
                f"dòng {int(f['row_number'])}"
                if f.get("row_number") == f.get("row_number") and f.get("row_number") is not None
                else "",
            )
            if x
        )
        parts.append(
            f"bảng {f['table']}, cột {f['column']}: '{f['value']}' không đạt {f['check']}"
            + (f" ({where})" if where else "")
        )
    more = f" và {len(failures) - limit} lỗi khác" if len(failures) > limit else ""
    return "Dữ liệu tạm (staging) không đúng lược đồ: " + "; ".join(parts) + more
