"""PNG charts of a period (matplotlib, Agg backend, DejaVu Sans for the Vietnamese diacritics).

* ``bieu_do_linh_vuc.png`` — cooperatives by sector (count and share);
* ``bieu_do_tinh_trang.png`` — cooperatives by status and grade;
* ``bieu_do_don_vi.png`` — cooperatives by reporting unit (active / not active), missing units marked;
* ``bieu_do_xu_huong.png`` — HTX_TOTAL, HTX_ACTIVE, HTX_NEW over the last eight quarters loaded, the reform marked.
"""

from __future__ import annotations

import textwrap
from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from kttt_pipeline.core.numfmt import format_pct, format_vn, share  # noqa: E402
from kttt_pipeline.core.vocabulary import read_vocab_csv, sector_labels  # noqa: E402
from kttt_pipeline.publish.appendix.wording import period_vi  # noqa: E402
from kttt_pipeline.publish.warehouse_reader import PeriodData, load_period_data  # noqa: E402

FONT = {"font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 12, "axes.titleweight": "bold"}
COLORS = {"active": "#2E6DA4", "inactive": "#C9A227", "missing": "#BBBBBB", "bar": "#2E6DA4"}
SECTOR_LABELS = list(sector_labels("cooperative", style="short").items())
STATUS_LABELS = [
    ("HTX_GOOD", "Đang hoạt động: tốt, khá"),
    ("HTX_AVERAGE", "Đang hoạt động: trung bình"),
    ("HTX_WEAK", "Yếu kém"),
    ("HTX_SUSPENDED", "Tạm ngừng hoạt động"),
    ("HTX_NOT_STARTED", "Chưa đi vào hoạt động"),
    ("HTX_DISSOLVING", "Đang làm thủ tục giải thể"),
]


def _status_legend() -> list[tuple[str, str]]:
    """The status chart's two colours, named by their indicators (vocab/indicators.csv) without "Số "."""
    from kttt_pipeline.core.vocabulary import indicators

    names = {i.code: i.name_vi.removeprefix("Số ") for i in indicators()}
    return [(COLORS["active"], names["HTX_ACTIVE"]), (COLORS["inactive"], names["HTX_INACTIVE"])]


#: every chart's title sits on its axes' top edge (``set_title(y=TITLE_Y)``): the charts draw nothing above their
#: axes (the x axis is at the bottom), so matplotlib's search for decorations above the axes, which measures every
#: tick label again at each layout and at the draw (some two hundred texts on a unit chart), would find none
TITLE_Y = 1.0


def _title(d: PeriodData, text: str) -> str:
    return f"{text}, {d.province_label} đến {d.end_vi}" if d.province_name else f"{text} đến {d.end_vi}"


def _lay_out(fig: Figure, rect: tuple[float, float, float, float]) -> None:
    """``tight_layout`` within ``rect``, with each axes' title wrapped when it would run past the figure's edge
    (a title is centred on its axes, which the unit names push to the right: a long province name cut the
    status chart's title off).

    A chart of one axes (every chart here) is measured once (:func:`_lay_out_one`); matplotlib's
    ``tight_layout`` measures every text of the figure twice for each layout, and once more after a title is
    wrapped: a unit chart has some two hundred texts."""
    for ax in fig.axes:
        if not ax.get_ylabel():  # nothing to place: matplotlib would measure every tick label to place it
            ax.yaxis.set_label_coords(0.0, 0.5)
    if _measurable_once(fig):
        _lay_out_one(fig, rect)
        return
    fig.tight_layout(rect=rect)
    for ax in fig.axes:
        if _wrap_title(fig, ax):
            fig.tight_layout(rect=rect)


def _wrap_title(fig: Figure, ax) -> bool:
    """Wrap the axes' title, placed where it is drawn, when it runs past the figure's edge; True if wrapped."""
    title = ax.title
    box = title.get_window_extent(fig.canvas.get_renderer())
    width = fig.bbox.width
    centre = (box.x0 + box.x1) / 2
    room = 2 * min(centre, width - centre) * 0.97  # the title is centred: its half-width on either side
    if box.width <= room or not title.get_text():
        return False
    lines = title.get_text().split("\n")
    chars = max(20, int(max(map(len, lines)) * room / box.width))
    title.set_text("\n".join(textwrap.fill(line, chars) for line in lines))
    return True


def _measurable_once(fig: Figure) -> bool:
    """One axes of a subplot grid, nothing of the figure's own in the layout (``suptitle``), nothing drawn above
    the axes but its title: the title then sits on the axes' top edge wherever the axes go."""
    if len(fig.axes) != 1 or fig.get_suptitle() or fig.get_supxlabel() or fig.get_supylabel():
        return False
    (ax,) = fig.axes
    return (
        ax.get_subplotspec() is not None
        and ax.get_axes_locator() is None
        and ax.xaxis.get_ticks_position() == "bottom"
        and ax.xaxis.get_label_position() == "bottom"
        and not ax.get_title(loc="left")
        and not ax.get_title(loc="right")
        and not ax.child_axes
    )


def _lay_out_one(fig: Figure, rect: tuple[float, float, float, float]) -> None:
    """:func:`_lay_out` of a figure of one axes, with the arithmetic of matplotlib's ``tight_layout`` on a single
    measure of the axes' texts.

    The axes' decorations but the title are measured once, where the axes start; the title, which sits on the
    axes' top edge, is measured alone (one text) there, before and after it is wrapped. matplotlib's own measures
    the whole axes twice per layout (the second time unchanged) and lays the figure out again after a wrap; its
    axes land where these do (tests/unit/test_charts.py compares them)."""
    (ax,) = fig.axes
    renderer = fig.canvas.get_renderer()
    start = {k: getattr(fig.subplotpars, k) for k in ("left", "right", "bottom", "top")}
    text = ax.title.get_text()
    ax.title.set_text("")  # an empty title is left out of the axes' box
    try:
        with getattr(renderer, "_draw_disabled", nullcontext)():  # as matplotlib's tight_layout measures
            rest = ax.get_tightbbox(renderer, for_layout_only=True)
    finally:
        ax.title.set_text(text)
    _fit(fig, ax, rect, rest)
    if _wrap_title(fig, ax):
        fig.subplots_adjust(**start)  # the wrapped title measured where the rest was
        _fit(fig, ax, rect, rest)


def _fit(fig: Figure, ax, rect: tuple[float, float, float, float], rest) -> None:
    """Place the axes as ``fig.tight_layout(rect=rect)`` does, given ``rest``: the box (pixels) of the axes'
    decorations but the title, measured with the axes where they are now."""
    renderer = fig.canvas.get_renderer()
    boxes = [rest]
    if ax.title.get_visible() and ax.title.get_text():
        title = ax.title.get_window_extent(renderer)
        if title.width > 0:  # as in Axes.get_tightbbox(for_layout_only=True): the title's width is not laid out
            title.x0 = (title.x0 + title.x1) / 2 - 0.5
            title.x1 = title.x0 + 1.0
        boxes.append(title)
    tight = fig.transFigure.inverted().transform_bbox(Bbox.union([b for b in boxes if b.width != 0 or b.height != 0]))
    box = ax.get_subplotspec().get_position(fig)
    font_inch = FontProperties(size=matplotlib.rcParams["font.size"]).get_size_in_points() / 72
    pad_inch = 1.08 * font_inch  # tight_layout's default pad, in font sizes
    width, height = fig.get_size_inches()
    # matplotlib's first pass: the margins around the decorations, to fit the whole figure
    margin_left = max(box.xmin - tight.xmin, 0) + pad_inch / width
    margin_right = max(tight.xmax - box.xmax, 0) + pad_inch / width
    margin_top = max(tight.ymax - box.ymax, 0) + pad_inch / height
    margin_bottom = max(box.ymin - tight.ymin, 0) + pad_inch / height
    # its second pass: the same margins within ``rect`` (its arithmetic, step by step)
    left, bottom, right, top = rect
    left += margin_left
    bottom += margin_bottom
    right -= 1 - (1 - margin_right)
    top -= 1 - (1 - margin_top)
    fits = margin_left + margin_right < 1 and margin_bottom + margin_top < 1
    if not fits or left + (1 - right) >= 1 or bottom + (1 - top) >= 1:
        fig.tight_layout(rect=rect)  # matplotlib warns that it cannot, and leaves the axes where they are
        return
    fig.subplots_adjust(left=left, right=1 - (1 - right), bottom=bottom, top=1 - (1 - top))


def _footnote(fig: Figure, d: PeriodData) -> float:
    """The source line at the figure's foot (wrapped to the figure's width); returns its top, in figure
    fraction, for what goes above it."""
    note = "Nguồn: tổng hợp từ báo cáo của các đơn vị."
    if not d.is_complete:
        note = f"Số liệu toàn {d.province_word} {d.incomplete_note()}. " + note
    return _foot_text(fig, note, "#C00000" if not d.is_complete else "#555555")


def _foot_text(fig: Figure, note: str, color: str) -> float:
    """``note`` at the figure's bottom left, wrapped by measure to the figure's width; returns its top (figure
    fraction). A long list of units that did not report wraps onto more lines instead of running off the page."""
    renderer = fig.canvas.get_renderer()
    text = fig.text(0.01, 0.01, note, fontsize=8, color=color, ha="left", va="bottom")
    width = fig.bbox.width * 0.98
    box = text.get_window_extent(renderer)
    if box.width > width:
        chars = max(30, int(len(note) * width / box.width))
        text.set_text(textwrap.fill(note, chars))
        box = text.get_window_extent(renderer)
    return box.y1 / fig.bbox.height


def _legend_below(fig: Figure, ax, bottom: float, ncol: int, entries: list[tuple[str, str]] | None = None) -> float:
    """The axes' legend as a figure legend centred just above ``bottom`` (figure fraction), outside the axes: it
    can never cover a bar or a point. ``entries``: (colour, label) of bars coloured by group, else the axes'
    labelled artists. Returns its top, the bottom of the room left for the axes."""
    if entries is not None:
        from matplotlib.patches import Patch

        handles, labels = [Patch(color=c) for c, _ in entries], [label for _, label in entries]
    else:
        handles, labels = ax.get_legend_handles_labels()
    legend = fig.legend(
        handles, labels, loc="lower center", bbox_to_anchor=(0.5, bottom + 0.005), ncol=ncol, frameon=False, fontsize=9
    )
    box = legend.get_window_extent(fig.canvas.get_renderer())
    return box.y1 / fig.bbox.height + 0.005


def _barh(
    ax, labels: list[str], values: list[float], texts: list[str], color: str | list[str], headroom: float = 1.25
) -> None:
    """Horizontal bars, first label on top, each labelled with its text; ``headroom`` leaves room for the texts."""
    y = list(range(len(labels)))[::-1]
    ax.barh(y, values, color=color)
    ax.set_yticks(y, labels)
    top = max(values) if values and max(values) > 0 else 1
    for yi, val, txt in zip(y, values, texts):
        ax.text(val + top * 0.01, yi, txt, va="center", fontsize=9)
    ax.set_xlim(0, top * headroom)
    ax.spines[["top", "right"]].set_visible(False)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))  # counts: never "0 0 1 1"
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
    # most cooperatives on top; sectors of equal count in the vocabulary's order (a stable sort)
    order = sorted(range(len(values)), key=lambda i: -values[i])
    labels, values, texts = [labels[i] for i in order], [values[i] for i in order], [texts[i] for i in order]
    with plt.rc_context(FONT):
        fig, ax = plt.subplots(figsize=(9, 5), dpi=120)
        _barh(ax, labels, values, texts, COLORS["bar"])
        ax.set_title(_title(d, f"Hợp tác xã phân theo lĩnh vực (tổng số {format_vn(total)} HTX)"), y=TITLE_Y)
        ax.set_xlabel("Số hợp tác xã")
        _lay_out(fig, (0, _footnote(fig, d) + 0.01, 1, 1))
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
        ax.set_title(
            _title(
                d,
                f"Hợp tác xã theo tình trạng hoạt động và xếp loại "
                f"(đang hoạt động {format_vn(active)}/{format_vn(total)} HTX)",
            ),
            y=TITLE_Y,
        )
        # the shares by the bars are of every HTX (the text's shares of the active HTX say their own base)
        ax.set_xlabel(f"Số hợp tác xã (tỷ lệ % trên tổng số {format_vn(total)} HTX)")
        bottom = _legend_below(fig, ax, _footnote(fig, d), ncol=2, entries=_status_legend())
        _lay_out(fig, (0, bottom + 0.01, 1, 1))
    return fig


#: above this many reporting units (a national run: hundreds of districts or thousands of communes) the unit
#: chart shows the units that did not report and the largest ones, and counts the others in its title; every
#: province's communes (up to some 170 since 1/7/2025) are drawn whole
MAX_UNIT_BARS = 180

#: the unit chart's bar pitch, in inches: roomy for a district chart, never below a line of its tick labels
UNIT_BAR_PITCH = (0.45, 0.22)


@lru_cache(maxsize=1)
def _kind_short_forms() -> dict[str, str]:
    """A unit kind (lower case) → its short form before a name, the clerks' abbreviation in vocab/unit_kinds.csv
    (``Phường|P`` → ``P.``, ``Thành phố|TP`` → ``TP.``)."""
    out = {}
    for r in read_vocab_csv("unit_kinds.csv"):
        short = [f.strip() for f in r["forms"].split("|") if f.strip().isupper()]
        if short:
            out[r["kind_vi"].strip().lower()] = min(short, key=len) + "."
    return out


def unit_labels(units: list[dict]) -> list[str]:
    """The units' names on the unit chart: with their kind's short form when units of several kinds are drawn
    ("P. Hạ Long", "X. Kỳ Thượng": "Hạ Long" alone reads as the former city), the bare name when all are of one
    kind; a kind without a short form written whole."""
    kinds = {str(u.get("kind_vi") or "").strip().lower() for u in units}
    names = [str(u.get("name_vi") or u["unit_code"]) for u in units]
    if len(kinds) < 2:
        return names
    short = _kind_short_forms()
    out = []
    for u, name in zip(units, names):
        kind = str(u.get("kind_vi") or "").strip()
        prefix = short.get(kind.lower(), kind)
        out.append(f"{prefix} {name}" if prefix else name)
    return out


def _unit_bars(d: PeriodData) -> tuple[list[str], list[float], list[float], list[bool], int, float]:
    """(labels, active, other, missing, units not drawn, cooperatives of the units not drawn), the bars in the
    order drawn from the top: by cooperatives, most first, units of equal count in the register's order (a unit
    that did not report counts none and comes last).

    Above :data:`MAX_UNIT_BARS` units the chart keeps the units that did not report (up to a quarter of the
    bars) and the units with most cooperatives; the others are counted in a note under the title rather than
    drawn as one bar that would dwarf every other."""
    bars = []
    for order, (unit, name) in enumerate(zip(d.units, unit_labels(d.units))):
        code = unit["unit_code"]
        is_missing = code in d.missing_units or not d.unit_has_figures(code)
        a = d.value("HTX_ACTIVE", code) or 0
        t = d.value("HTX_TOTAL", code) or 0
        bars.append(
            (
                f"{name} (chưa báo cáo)" if is_missing else name,
                0 if is_missing else a,
                0 if is_missing else max(t - a, 0),
                is_missing,
                order,
            )
        )
    folded, folded_total = 0, 0.0
    if len(bars) > MAX_UNIT_BARS:
        missing = [b for b in bars if b[3]][: MAX_UNIT_BARS // 4]
        reported = sorted((b for b in bars if not b[3]), key=lambda b: (-(b[1] + b[2]), b[4]))
        keep = reported[: MAX_UNIT_BARS - len(missing)]
        rest = reported[len(keep) :]
        folded = len(bars) - len(keep) - len(missing)
        folded_total = sum(b[1] + b[2] for b in rest)
        bars = keep + missing
    bars.sort(key=lambda b: (-(b[1] + b[2]), b[3], b[4]))
    return (
        [b[0] for b in bars],
        [b[1] for b in bars],
        [b[2] for b in bars],
        [b[3] for b in bars],
        folded,
        folded_total,
    )


def unit_chart_size(bars: int) -> tuple[float, float]:
    """(width, height) in inches of the unit chart of ``bars`` bars: the height grows with the bars, at a pitch
    from :data:`UNIT_BAR_PITCH` (roomy up to 15 bars, then narrowing to a line of 9-pt tick labels)."""
    roomy, tight = UNIT_BAR_PITCH
    pitch = roomy if bars <= 15 else max(tight, roomy * 15 / bars)
    return 9.0, pitch * max(bars, 4) + 2.6


def chart_units(d: PeriodData) -> Figure:
    labels, active, other, missing, folded, folded_total = _unit_bars(d)
    with plt.rc_context(FONT):
        fig, ax = plt.subplots(figsize=unit_chart_size(len(labels)), dpi=120)
        y = list(range(len(labels)))[::-1]
        ax.barh(y, active, color=COLORS["active"], label="Đang hoạt động")
        ax.barh(y, other, left=active, color=COLORS["inactive"], label="Yếu kém, ngừng hoặc chưa hoạt động")
        ax.set_yticks(y, labels, fontsize=9)
        ax.set_ylim(-0.6, len(labels) - 0.4)
        top = max([a + o for a, o in zip(active, other)] or [1]) or 1
        for yi, a, o, miss in zip(y, active, other, missing):
            ax.text(
                a + o + top * 0.01,
                yi,
                "chưa báo cáo" if miss else format_vn(a + o),
                va="center",
                fontsize=8,
                color="#C00000" if miss else "black",
            )
        for tick, miss in zip(ax.get_yticklabels(), missing):
            if miss:
                tick.set_color("#C00000")
        ax.set_xlim(0, top * 1.15)
        ax.spines[["top", "right"]].set_visible(False)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _p: format_vn(x)))
        title = _title(d, "Số hợp tác xã theo đơn vị hành chính")
        if folded:
            title += (
                f"\n{len(labels)} đơn vị có nhiều HTX nhất hoặc chưa báo cáo;\n{format_vn(folded)} đơn vị "
                f"còn lại ({format_vn(folded_total)} HTX) không thể hiện trên biểu đồ"
            )
        ax.set_title(title, fontsize=10 if folded else None, y=TITLE_Y)
        ax.set_xlabel("Số hợp tác xã (xếp theo số HTX, nhiều nhất ở trên)")
        bottom = _legend_below(fig, ax, _footnote(fig, d), ncol=2)
        _lay_out(fig, (0, bottom, 1, 1))
    return fig


#: the trend chart's series
TREND_SERIES = [
    ("HTX_TOTAL", "Tổng số HTX", "#2E6DA4", "o"),
    ("HTX_ACTIVE", "HTX đang hoạt động", "#4E9A06", "s"),
    ("HTX_NEW", "HTX thành lập mới (lũy kế từ đầu năm)", "#C9A227", "^"),
]


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
    labels = [period_vi(q) + ("*" if q in by_period and not by_period[q].is_complete else "") for q in quarters]
    series = {
        code: [by_period[q].value(code) if q in by_period else None for q in quarters] for code, *_ in TREND_SERIES
    }
    marks = []
    for day in d.tier_changes:
        for i in range(1, len(quarters)):
            if quarters[i - 1].end < day <= quarters[i].end:
                marks.append((i - 0.5, f"Sắp xếp đơn vị hành chính từ {day.day}/{day.month}/{day.year}"))
    return labels, series, marks


#: the trend chart is published only when the warehouse holds at least this many quarters up to the period
TREND_MIN_QUARTERS = 2


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
                    ax.annotate(
                        format_vn(v),
                        (xi, v),
                        textcoords="offset points",
                        xytext=(0, 6),
                        ha="center",
                        fontsize=8,
                        color=color,
                    )
                    top = max(top, v)
        for pos, text in marks:
            ax.axvline(pos, color="#C00000", linestyle="--", linewidth=1)
            ax.text(pos + 0.05, top * 1.12, text, color="#C00000", fontsize=8, va="top")
        _fit_ticks(fig, ax, x, labels)
        ax.set_ylim(0, top * 1.18)
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: format_vn(v)))
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_title(_title(d, f"Số hợp tác xã qua {len(labels)} quý"), y=TITLE_Y)
        ax.set_ylabel("Số hợp tác xã")
        incomplete = any(label.endswith("*") for label in labels)
        note = "Nguồn: tổng hợp từ báo cáo của các đơn vị (số liệu lũy kế từ đầu năm); quý chưa có số liệu để trống" + (
            "; * quý chưa đủ số liệu của các đơn vị." if incomplete else "."
        )
        bottom = _legend_below(fig, ax, _foot_text(fig, note, "#555555"), ncol=3)
        _lay_out(fig, (0, bottom, 1, 1))
    return fig


def _fit_ticks(fig: Figure, ax, x: list[int], labels: list[str]) -> None:
    """The quarter labels on one line when they fit side by side across the axes, else with the year on a
    second line (``Quý III`` / ``2025``): never overlapping."""
    ax.set_xticks(x, labels)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels()]
    room = ax.get_window_extent(renderer).width / max(len(labels), 1)
    if max((b.width for b in boxes), default=0) > room * 0.9:
        ax.set_xticks(x, [label.replace("/", "\n", 1) for label in labels])


CHARTS = {
    "bieu_do_linh_vuc.png": chart_sectors,
    "bieu_do_tinh_trang.png": chart_status,
    "bieu_do_don_vi.png": chart_units,
    "bieu_do_xu_huong.png": chart_trend,
}


#: zlib's fastest level: about a quarter less time to encode than the default (6) for some 10 % more bytes (a unit
#: chart of 126 units: 348 KB instead of 310 KB); the pixels are the same
PNG_COMPRESS_LEVEL = 1


def write_charts_data(d: PeriodData, out_dir: Path | str) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, make in CHARTS.items():
        if make is chart_trend and len(d.trend) < TREND_MIN_QUARTERS:
            continue  # one quarter draws one point per line: no trend to show, the chart is left out of the set
        fig = make(d)
        path = out / name
        try:
            # _lay_out has placed the axes (tight_layout leaves a placeholder layout engine, for which savefig
            # would lay the whole figure out once more before drawing it); none is needed (None means "the
            # rcParams' engine": a matplotlibrc asking for autolayout must not bring one back)
            with plt.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
                fig.set_layout_engine(None)
            fig.savefig(path, format="png", pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
        finally:
            plt.close(fig)
        paths.append(path)
    return paths


def write_charts(engine: Engine, period: str, out_dir: Path | str) -> list[Path]:
    """Write the period's charts as PNG files under ``out_dir``; returns their paths."""
    return write_charts_data(load_period_data(engine, period), out_dir)
