"""PNG charts of a period (matplotlib, Agg backend, DejaVu Sans for the Vietnamese diacritics).

* ``bieu_do_linh_vuc.png`` — cooperatives by sector (count and share);
* ``bieu_do_tinh_trang.png`` — cooperatives by status and grade;
* ``bieu_do_don_vi.png`` — cooperatives by reporting unit (active / not active), missing units marked;
* ``bieu_do_xu_huong.png`` — HTX_TOTAL, HTX_ACTIVE, HTX_NEW over the last eight quarters loaded, the reform marked.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from kttt_pipeline.publish.warehouse_reader import PeriodData, load_period_data# noqa: E402
from kttt_pipeline.core.numfmt import format_pct, format_vn, share  # noqa: E402
from kttt_pipeline.core.vocabulary import sector_labels  # noqa: E402

FONT = {"font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 12, "axes.titleweight": "bold"}
COLORS = {"active": "#2E6DA4", "inactive": "#C9A227", "missing": "#BBBBBB", "bar": "#2E6DA4"}
SECTOR_LABELS = list(sector_labels("cooperative", style="short").items())
STATUS_LABELS = [
    ("HTX_GOOD", "Đang hoạt động: tốt, khá"), ("HTX_AVERAGE", "Đang hoạt động: trung bình"),
    ("HTX_WEAK", "Yếu kém"), ("HTX_SUSPENDED", "Tạm ngừng hoạt động"), ("HTX_NOT_STARTED", "Chưa đi vào hoạt động"),
    ("HTX_DISSOLVING", "Đang làm thủ tục giải thể"),
]


def _title(d: PeriodData, text: str) -> str:
    return f"{text}, tỉnh {d.province_name} đến {d.end_vi}" if d.province_name else f"{text} đến {d.end_vi}"


def _lay_out(fig: Figure, rect: tuple[float, float, float, float]) -> None:
    """``tight_layout`` within ``rect``, with each axes' title wrapped when it would run past the figure's edge
    (a title is centred on its axes, which the unit names push to the right: a long province name cut the
    status chart's title off)."""
    fig.tight_layout(rect=rect)
    renderer = fig.canvas.get_renderer()
    width = fig.bbox.width
    for ax in fig.axes:
        title = ax.title
        box = title.get_window_extent(renderer)
        centre = (box.x0 + box.x1) / 2
        room = 2 * min(centre, width - centre) * 0.97  # the title is centred: its half-width on either side
        if box.width <= room or not title.get_text():
            continue
        lines = title.get_text().split("\n")
        chars = max(20, int(max(map(len, lines)) * room / box.width))
        title.set_text("\n".join(textwrap.fill(line, chars) for line in lines))
        fig.tight_layout(rect=rect)


def _footnote(fig: Figure, d: PeriodData) -> None:
    note = "Nguồn: tổng hợp từ báo cáo của các đơn vị (kho dữ liệu kttt)."
    if not d.is_complete:
        note = f"Số liệu toàn tỉnh {d.incomplete_note()}. " + note
    fig.text(0.01, 0.01, note, fontsize=8, color="#C00000" if not d.is_complete else "#555555",
             ha="left", va="bottom", wrap=True)


def _barh(ax, labels: list[str], values: list[float], texts: list[str], color: str | list[str],
          headroom: float = 1.25) -> None:
    """Horizontal bars, first label on top, each labelled with its text; ``headroom`` leaves room for the texts."""
    y = list(range(len(labels)))[::-1]
    ax.barh(y, values, color=color)
    ax.set_yticks(y, labels)
    top = max(values) if values and max(values) > 0 else 1
    for yi, val, txt in zip(y, values, texts):
        ax.text(val + top * 0.01, yi, txt, va="center", fontsize=9)
    ax.set_xlim(0, top * headroom)
    ax.spines[["top", "right"]].set_visible(False)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _p: format_vn(x)))


def chart_sectors(d: PeriodData) -> Figure:
    total = d.value("HTX_TOTAL")
    labels, values, texts = [], [], []
    for code, label in SECTOR_LABELS:
        count = d.value(f"HTX_SECTOR_{code}")
        labels.append(label)
        values.append(count or 0)
        pct = share(count, total)
        texts.append(f"{format_vn(count)} HTX" + (f" ({format_pct(pct)})" if pct is not None else ""))
    with plt.rc_context(FONT):
        fig, ax = plt.subplots(figsize=(9, 5), dpi=120)
        _barh(ax, labels, values, texts, COLORS["bar"])
        ax.set_title(_title(d, f"Hợp tác xã phân theo lĩnh vực (tổng số {format_vn(total)} HTX)"))
        ax.set_xlabel("Số hợp tác xã")
        _lay_out(fig, (0, 0.05, 1, 1))
        _footnote(fig, d)
    return fig


def chart_status(d: PeriodData) -> Figure:
    total = d.value("HTX_TOTAL")
    labels, values, texts = [], [], []
    for code, label in STATUS_LABELS:
        count = d.value(code)
        labels.append(label)
        values.append(count or 0)
        pct = share(count, total)
        texts.append(f"{format_vn(count)} HTX" + (f" ({format_pct(pct)})" if pct is not None else ""))
    colors = [COLORS["active"]] * 2 + [COLORS["inactive"]] * 4
    with plt.rc_context(FONT):
        fig, ax = plt.subplots(figsize=(9, 5), dpi=120)
        _barh(ax, labels, values, texts, colors, headroom=1.3)
        active = d.value("HTX_ACTIVE")
        ax.set_title(_title(d, f"Hợp tác xã theo tình trạng hoạt động và xếp loại "
                               f"(đang hoạt động {format_vn(active)}/{format_vn(total)} HTX)"))
        ax.set_xlabel("Số hợp tác xã")
        _lay_out(fig, (0, 0.05, 1, 1))
        _footnote(fig, d)
    return fig


#: above this many reporting units (communes since 1/7/2025, or a national run) the unit chart shows the units
#: that did not report and the largest ones, and counts the others in its title
MAX_UNIT_BARS = 40


def _unit_bars(d: PeriodData) -> tuple[list[str], list[float], list[float], list[bool], int, float]:
    """(labels, active, other, missing, units not drawn, cooperatives of the units not drawn).

    Above :data:`MAX_UNIT_BARS` units the chart keeps the units that did not report (up to a quarter of the
    bars) and the units with most cooperatives; the others are counted in a note under the title rather than
    drawn as one bar that would dwarf every other."""
    bars = []
    for unit in d.units:
        code = unit["unit_code"]
        name = unit.get("name_vi") or code
        is_missing = code in d.missing_units or not d.unit_has_figures(code)
        a = d.value("HTX_ACTIVE", code) or 0
        t = d.value("HTX_TOTAL", code) or 0
        bars.append((f"{name} (chưa báo cáo)" if is_missing else name, 0 if is_missing else a,
                     0 if is_missing else max(t - a, 0), is_missing))
    folded, folded_total = 0, 0.0
    if len(bars) > MAX_UNIT_BARS:
        missing = [b for b in bars if b[3]][: MAX_UNIT_BARS // 4]
        reported = sorted((b for b in bars if not b[3]), key=lambda b: -(b[1] + b[2]))
        keep = reported[: MAX_UNIT_BARS - len(missing)]
        rest = reported[len(keep):]
        folded = len(bars) - len(keep) - len(missing)
        folded_total = sum(b[1] + b[2] for b in rest)
        bars = keep + missing
    return ([b[0] for b in bars], [b[1] for b in bars], [b[2] for b in bars], [b[3] for b in bars], folded,
            folded_total)


def chart_units(d: PeriodData) -> Figure:
    labels, active, other, missing, folded, folded_total = _unit_bars(d)
    with plt.rc_context(FONT):
        fig, ax = plt.subplots(figsize=(9, 0.45 * max(len(labels), 4) + 1.8), dpi=120)
        y = list(range(len(labels)))[::-1]
        ax.barh(y, active, color=COLORS["active"], label="Đang hoạt động")
        ax.barh(y, other, left=active, color=COLORS["inactive"],
                label="Yếu kém, ngừng hoặc chưa hoạt động")
        ax.set_yticks(y, labels)
        top = max([a + o for a, o in zip(active, other)] or [1]) or 1
        for yi, a, o, miss in zip(y, active, other, missing):
            ax.text(a + o + top * 0.01, yi, "chưa báo cáo" if miss else format_vn(a + o), va="center",
                    fontsize=9, color="#C00000" if miss else "black")
        for tick, miss in zip(ax.get_yticklabels(), missing):
            if miss:
                tick.set_color("#C00000")
        ax.set_xlim(0, top * 1.15)
        ax.spines[["top", "right"]].set_visible(False)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _p: format_vn(x)))
        ax.legend(loc="lower right", frameon=False)
        title = _title(d, "Số hợp tác xã theo đơn vị hành chính")
        if folded:
            title += (f"\n{len(labels)} đơn vị có nhiều HTX nhất hoặc chưa báo cáo;\n{format_vn(folded)} đơn vị "
                      f"còn lại ({format_vn(folded_total)} HTX) không thể hiện trên biểu đồ")
        ax.set_title(title, fontsize=10 if folded else None)
        ax.set_xlabel("Số hợp tác xã")
        _lay_out(fig, (0, 0.05, 1, 1))
        _footnote(fig, d)
    return fig


#: the trend chart's series (issue 16)
TREND_SERIES = [("HTX_TOTAL", "Tổng số HTX", "#2E6DA4", "o"), ("HTX_ACTIVE", "HTX đang hoạt động", "#4E9A06", "s"),
                ("HTX_NEW", "HTX thành lập mới (lũy kế từ đầu năm)", "#C9A227", "^")]


def trend_series(d: PeriodData) -> tuple[list[str], dict[str, list[float | None]], list[tuple[float, str]]]:
    """(quarter labels, indicator → value per quarter, reform marks) of the trend chart: every quarter from the
    first to the last of the loaded quarters in ``d.trend`` (at most eight, up to this one); a quarter the
    warehouse does not hold is a gap (None), never a zero; a quarter whose returns were incomplete is labelled
    with "*". A mark sits between the last quarter before a day
    the reporting tier changed and the first after it: (x position, label)."""
    from kttt_pipeline.core.periods import quarters_between

    if not d.trend:
        return [], {code: [] for code, *_ in TREND_SERIES}, []
    by_period = {f.period: f for f in d.trend}
    quarters = quarters_between(d.trend[0].period, d.trend[-1].period)
    labels = [f"Q{q.quarter}/{q.year}" + ("*" if q in by_period and not by_period[q].is_complete else "")
              for q in quarters]
    series = {code: [by_period[q].value(code) if q in by_period else None for q in quarters]
              for code, *_ in TREND_SERIES}
    marks = []
    for day in d.tier_changes:
        for i in range(1, len(quarters)):
            if quarters[i - 1].end < day <= quarters[i].end:
                marks.append((i - 0.5, f"Sắp xếp đơn vị hành chính từ {day.day}/{day.month}/{day.year}"))
    return labels, series, marks


def chart_trend(d: PeriodData) -> Figure:
    labels, series, marks = trend_series(d)
    with plt.rc_context(FONT):
        fig, ax = plt.subplots(figsize=(9, 5), dpi=120)
        x = list(range(len(labels)))
        top = 1.0
        for code, label, color, marker in TREND_SERIES:
            ys = [float("nan") if v is None else v for v in series[code]]
            ax.plot(x, ys, color=color, marker=marker, label=label)
            for xi, v in zip(x, series[code]):
                if v is not None:
                    ax.annotate(format_vn(v), (xi, v), textcoords="offset points", xytext=(0, 6), ha="center",
                                fontsize=8, color=color)
                    top = max(top, v)
        for pos, text in marks:
            ax.axvline(pos, color="#C00000", linestyle="--", linewidth=1)
            ax.text(pos + 0.05, top * 1.12, text, color="#C00000", fontsize=8, va="top")
        ax.set_xticks(x, labels)
        ax.set_ylim(0, top * 1.18)
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: format_vn(v)))
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, frameon=False, fontsize=8)
        ax.set_title(_title(d, f"Hợp tác xã qua {len(d.trend)} quý có trong kho dữ liệu"))
        ax.set_ylabel("Số hợp tác xã")
        _lay_out(fig, (0, 0.06, 1, 1))
        incomplete = any(label.endswith("*") for label in labels)
        note = ("Nguồn: kho dữ liệu kttt (số liệu lũy kế từ đầu năm); quý chưa có trong kho dữ liệu để trống"
                + ("; * quý chưa đủ số liệu của các đơn vị." if incomplete else "."))
        fig.text(0.01, 0.01, note, fontsize=8, color="#555555", ha="left", va="bottom")
    return fig


CHARTS = {
    "bieu_do_linh_vuc.png": chart_sectors,
    "bieu_do_tinh_trang.png": chart_status,
    "bieu_do_don_vi.png": chart_units,
    "bieu_do_xu_huong.png": chart_trend,
}


def write_charts_data(d: PeriodData, out_dir: Path | str) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, make in CHARTS.items():
        fig = make(d)
        path = out / name
        try:
            # tight_layout has placed the axes and leaves a placeholder layout engine, for which savefig would
            # lay the whole figure out once more before drawing it; none is needed (None means "the rcParams'
            # engine": a matplotlibrc asking for autolayout must not bring one back)
            with plt.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
                fig.set_layout_engine(None)
            fig.savefig(path, format="png")
        finally:
            plt.close(fig)
        paths.append(path)
    return paths


def write_charts(engine: Engine, period: str, out_dir: Path | str) -> list[Path]:
    """Write the period's charts as PNG files under ``out_dir``; returns their paths."""
    return write_charts_data(load_period_data(engine, period), out_dir)
