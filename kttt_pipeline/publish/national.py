"""The national roll-up of a period: each indicator for the nation and per province, from the figures every
province loaded for the period published (``rpt_indicator``, the province's own row).

* Count and sum indicators (``vocab/indicators.csv`` units HTX, THT, LHHTX, QTDND, người, triệu đồng) are summed
  over the provinces loaded.
* Shares, averages and percentages of the plan are recomputed from their parts (``vocab/national_parts.csv``),
  never averaged: a share from the summed count and total; a percentage of the plan from the summed figure and
  the summed annual targets (``target``); a mean from the summed amounts and the summed number (or weight) of
  the rows it is taken over — the reconciled rows of ``cooperative`` / ``cooperative_group``, by the
  definitions of ``reconcile/indicators.py``. When a part is not available for a province loaded, the national
  value is left empty with the reason (in Vietnamese).
* The roll-up is incomplete when a province in force at the period end (``vocab/provinces/provinces.csv``, each
  province's row of its register) is not loaded, or is loaded but incomplete (``period_status.is_complete``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine

from kttt_pipeline.core.admin_units import load_register_rows, packaged_provinces, unit_label, unit_sort_key
from kttt_pipeline.core.numfmt import COUNT_UNITS
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.vocabulary import indicators, read_vocab_csv

#: units of the indicators that add up across provinces (counts, and sums of money in triệu đồng)
ADDITIVE_UNITS = COUNT_UNITS | {"triệu đồng"}


@dataclass(frozen=True)
class Part:
    """How a non-additive indicator is recomputed from parts (a row of ``vocab/national_parts.csv``)."""

    code: str
    kind: str  # ratio | plan | mean
    numerator: str  # ratio, plan: an indicator code; mean: <table>.<column>
    denominator: str  # ratio: an indicator code; plan: the target's indicator code
    weight: str  # mean: the weighting column ("" for a plain mean)
    row_filter: str  # mean: the boolean column selecting the rows ("" for every row)
    factor: float


@lru_cache(maxsize=1)
def parts() -> dict[str, Part]:
    out = {}
    for r in read_vocab_csv("national_parts.csv"):
        row = {k: (v or "").strip() for k, v in r.items()}
        out[row["code"]] = Part(
            row["code"],
            row["kind"],
            row["numerator"],
            row["denominator"],
            row["weight"],
            row["row_filter"],
            float(row["factor"] or 1),
        )
    return out


def additive_codes() -> frozenset[str]:
    return frozenset(i.code for i in indicators() if i.unit in ADDITIVE_UNITS and i.code not in parts())


@dataclass(frozen=True)
class Province:
    code: str
    label: str  # kind and name in force at the period end: "Thành phố Hà Nội", "Tỉnh Quảng Ninh"


def provinces_in_force(period: Period) -> list[Province]:
    """The packaged provinces whose own register row is in force at the period end, in code order, each named
    with the kind and name in force then."""
    out = []
    for code in packaged_provinces():
        rows = [u for u in load_register_rows(province=code) if u.level == "province" and u.unit_code == code]
        now = [u for u in rows if u.in_force(period.end)]
        if now:
            out.append(Province(code, unit_label(now[0])))
    return sorted(out, key=lambda p: unit_sort_key(p.code))


@dataclass
class NationalRollup:
    period: str
    expected: list[str]  # provinces in force at the period end
    loaded: list[str]  # provinces whose period is in the warehouse
    incomplete: list[str]  # loaded, but some of their reporting units sent nothing
    by_province: pd.DataFrame  # index province_code, one column per indicator code
    national: dict[str, float | None]
    reasons: dict[str, str] = field(default_factory=dict)  # indicator code → why its national value is empty

    @property
    def missing(self) -> list[str]:
        """Provinces in force with no period loaded."""
        return [p for p in self.expected if p not in self.loaded]

    @property
    def is_complete(self) -> bool:
        return not self.missing and not self.incomplete

    @property
    def not_whole(self) -> list[str]:
        """The provinces the national figures lack, wholly or in part (missing, then incomplete)."""
        return self.missing + [p for p in self.incomplete if p not in self.missing]


def _num(value: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def mean_parts(rows: pd.DataFrame, part: Part) -> pd.DataFrame:
    """The parts of a mean per province: ``numerator`` (the amounts summed, weighted when the mean is) and
    ``denominator`` (the rows counted, or the weights summed), over the rows of ``rows`` (one table's rows with
    ``province_code``) the definition takes: the row filter's, with an amount (and a positive weight)."""
    column = part.numerator.split(".", 1)[1]
    if rows.empty:
        return pd.DataFrame(columns=["province_code", "numerator", "denominator"])
    amount = pd.to_numeric(rows[column], errors="coerce")
    ok = amount.notna()
    if part.row_filter:
        ok &= rows[part.row_filter].fillna(False).astype(bool)
    if part.weight:
        weight = pd.to_numeric(rows[part.weight], errors="coerce")
        ok &= weight.notna() & (weight > 0)
        terms = pd.DataFrame({"numerator": (amount * weight).where(ok, 0.0), "denominator": weight.where(ok, 0.0)})
    else:
        terms = pd.DataFrame({"numerator": amount.where(ok, 0.0), "denominator": ok.astype(float)})
    sums = terms.groupby(rows["province_code"].astype(str).to_numpy()).sum()
    return sums.rename_axis("province_code").reset_index()


def roll_up(
    period: str,
    figures: pd.DataFrame,
    status: pd.DataFrame,
    expected: list[str],
    *,
    rows: dict[str, pd.DataFrame] | None = None,
    targets: pd.DataFrame | None = None,
) -> NationalRollup:
    """The national roll-up of ``period``.

    ``figures``: the provinces' own rows of rpt_indicator (province_code, indicator_code, value, optionally
    is_complete: a figure incomplete in a province whose units all reported is said in its reason); ``status``:
    period_status (province_code, is_complete); ``expected``: the provinces in force at the period end;
    ``rows``: table name → reconciled rows with province_code (the means' parts); ``targets``: the year's
    targets (province_code, indicator_code, value)."""
    rows = rows or {}
    loaded = sorted(
        {str(p) for p in status["province_code"]} | {str(p) for p in figures["province_code"]}, key=unit_sort_key
    )
    complete = {str(r.province_code): bool(r.is_complete) for r in status.itertuples()}
    incomplete = [p for p in loaded if not complete.get(p, False)]
    by_province = (
        figures.assign(province_code=figures["province_code"].astype(str))
        .pivot_table(index="province_code", columns="indicator_code", values="value", aggfunc="first", dropna=False)
        .reindex(loaded)
    )
    # a province figure marked incomplete while its units all reported (e.g. the province workbook's unions and
    # credit funds when that workbook was not read)
    partial: dict[str, list[str]] = {}
    if "is_complete" in figures:
        short = figures[~figures["is_complete"].fillna(True).astype(bool)]
        for r in short.itertuples():
            partial.setdefault(str(r.indicator_code), []).append(str(r.province_code))
    national: dict[str, float | None] = {}
    reasons: dict[str, str] = {}
    for code in sorted(additive_codes()):
        if code not in by_province:
            continue
        col = by_province[code]
        absent = [p for p in loaded if _num(col.get(p)) is None]
        if absent and len(absent) == len(loaded):
            national[code] = None
            reasons[code] = "không tỉnh, thành phố nào có số liệu"
            continue
        national[code] = float(pd.to_numeric(col, errors="coerce").sum())
        short = [p for p in partial.get(code, []) if p not in incomplete and p not in absent]
        if absent or short:
            reasons[code] = "tổng của các tỉnh, thành phố có số liệu" + "".join(
                f" ({what} {len(those)} tỉnh, thành phố)"
                for what, those in (("thiếu", absent), ("chưa đủ số liệu của", short))
                if those
            )
    for code, part in parts().items():
        national[code], why = _recompute(part, loaded, by_province, national, rows, targets)
        if why:
            reasons[code] = why
    return NationalRollup(period, list(expected), loaded, incomplete, by_province, national, reasons)


def _recompute(
    part: Part,
    loaded: list[str],
    by_province: pd.DataFrame,
    national: dict[str, float | None],
    rows: dict[str, pd.DataFrame],
    targets: pd.DataFrame | None,
) -> tuple[float | None, str | None]:
    if not loaded:
        return None, "chưa có tỉnh, thành phố nào"
    if part.kind == "ratio":
        num, den = national.get(part.numerator), national.get(part.denominator)
        if num is None or den is None:
            return None, "thiếu số liệu thành phần để tính tỷ lệ"
        return (part.factor * num / den, None) if den else (None, "mẫu số bằng 0")
    if part.kind == "plan":
        num = national.get(part.numerator)
        t = targets if targets is not None else pd.DataFrame(columns=["province_code", "indicator_code", "value"])
        t = t[t["indicator_code"] == part.denominator]
        have = {str(r.province_code): _num(r.value) for r in t.itertuples()}
        lacking = [p for p in loaded if not have.get(p)]
        if lacking:
            return None, f"chưa có kế hoạch năm của {len(lacking)} tỉnh, thành phố đã có số liệu"
        if num is None:
            return None, "thiếu số liệu thành phần để tính tỷ lệ"
        return part.factor * num / sum(have[p] or 0.0 for p in loaded), None
    if part.kind == "mean":
        table = part.numerator.split(".", 1)[0]
        frame = rows.get(table)
        if frame is None:
            return None, "không đọc được số liệu chi tiết để tính bình quân"
        sums = mean_parts(frame[frame["province_code"].astype(str).isin(loaded)], part)
        # a province whose own mean is published but none of whose rows are at hand: its parts are missing
        published = by_province[part.code] if part.code in by_province else pd.Series(dtype=float)
        lacking = [p for p in loaded if _num(published.get(p)) is not None and p not in set(sums["province_code"])]
        if lacking:
            return None, f"thiếu số liệu chi tiết của {len(lacking)} tỉnh, thành phố để tính bình quân"
        num, den = float(sums["numerator"].sum()), float(sums["denominator"].sum())
        if den <= 0:
            return None, "không có số liệu để tính bình quân"
        return part.factor * num / den, None
    raise ValueError(f"vocab/national_parts.csv: unknown kind {part.kind!r} for {part.code}")


# ---- reading the warehouse ------------------------------------------------------------------------------

#: the columns of the reconciled rows the means take their parts from
_MEAN_COLUMNS = {
    "cooperative": ("province_code", "is_active", "revenue", "profit", "avg_income", "workers"),
    "cooperative_group": ("province_code", "revenue", "avg_income_month", "members"),
}


def read_rollup(engine: Engine, period: Period | str, expected: list[str] | None = None) -> NationalRollup:
    """Read what every province loaded for ``period`` published and roll it up (:func:`roll_up`)."""
    p = Period.parse(period) if isinstance(period, str) else period
    if expected is None:
        expected = [prov.code for prov in provinces_in_force(p)]
    meta = MetaData()
    meta.reflect(engine, only=lambda name, _m: name in {"rpt_indicator", "period_status", "target", *_MEAN_COLUMNS})
    t = meta.tables
    figures = pd.DataFrame(columns=["province_code", "indicator_code", "value", "is_complete"])
    status = pd.DataFrame(columns=["province_code", "is_complete"])
    if "rpt_indicator" not in t or "period_status" not in t:  # an empty warehouse: no province loaded
        return roll_up(p.key, figures, status, expected)
    with engine.connect() as conn:
        ind = t["rpt_indicator"]
        figures = pd.DataFrame(
            conn.execute(
                select(ind.c.province_code, ind.c.indicator_code, ind.c.value, ind.c.is_complete).where(
                    ind.c.period == p.key, ind.c.unit_code == ind.c.province_code
                )
            )
            .mappings()
            .all(),
            columns=["province_code", "indicator_code", "value", "is_complete"],
        )
        st = t["period_status"]
        status = pd.DataFrame(
            conn.execute(select(st.c.province_code, st.c.is_complete).where(st.c.period == p.key)).mappings().all(),
            columns=["province_code", "is_complete"],
        )
        rows = {}
        for name, columns in _MEAN_COLUMNS.items():
            if name in t:
                tab = t[name]
                rows[name] = pd.DataFrame(
                    conn.execute(select(*[tab.c[c] for c in columns]).where(tab.c.period == p.key)).mappings().all(),
                    columns=list(columns),
                )
        targets = None
        if "target" in t:
            tg = t["target"]
            targets = pd.DataFrame(
                conn.execute(select(tg.c.province_code, tg.c.indicator_code, tg.c.value).where(tg.c.year == p.year))
                .mappings()
                .all(),
                columns=["province_code", "indicator_code", "value"],
            )
    return roll_up(p.key, figures, status, expected, rows=rows, targets=targets)
