"""The charts a signer reads are legible at 13, 54 and 126 units (issue 25): bars sorted, the legend outside every
bar, tick labels apart, Vietnamese quarter names, no period key anywhere, titles whole.

Everything is read from the matplotlib objects the production chart functions return, drawn as they are saved."""

from __future__ import annotations

import datetime as dt
import random
import re

import matplotlib
import pytest

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from kttt_pipeline.core.numfmt import format_vn  # noqa: E402
from kttt_pipeline.core.periods import Period  # noqa: E402
from kttt_pipeline.publish.charts import CHARTS, SECTOR_LABELS, chart_trend, chart_units, write_charts_data  # noqa: E402
from kttt_pipeline.publish.warehouse_reader import PeriodData  # noqa: E402
from kttt_pipeline.warehouse.history import PeriodFigures  # noqa: E402

SECTOR_CODES = [code for code, _ in SECTOR_LABELS]
PERIOD_KEY = re.compile(r"\d{4}\s*-\s*Q\d|\bQ\d\s*/\s*\d{4}", re.I)
NAMES = [
    "Tiên Yên",
    "Móng Cái",
    "Hoàng Quế",
    "Đông Mai",
    "Hoành Mô",
    "Vĩnh Thực",
    "Đông Triều",
    "Cô Tô",
    "Hà Lầm",
    "Điền Xá",
    "Bình Liêu",
    "Quảng Yên",
    "Thống Nhất",
    "Phong Cốc",
    "Lương Minh",
    "Kỳ Thượng",
]


def _data(n: int, seed: int = 7) -> PeriodData:
    """A period of ``n`` units with many equal counts (ties), two units that did not report (one early in the
    register) and nine quarters of trend across the 2025 reform, two of them incomplete and one not loaded."""
    rng = random.Random(seed)
    units = [
        {"unit_code": str(100 + i), "name_vi": f"{NAMES[i % len(NAMES)]} {i // len(NAMES) + 1}", "kind_vi": "Xã"}
        for i in range(n)
    ]
    missing = [units[2]["unit_code"], units[-1]["unit_code"]]
    values = {}
    for u in units:
        if u["unit_code"] in missing:
            continue
        total = float(rng.choice([0, 3, 8, 8, 8, 15, 15, 40, 72]))
        values[u["unit_code"]] = {"HTX_TOTAL": total, "HTX_ACTIVE": float(int(total * 0.7))}
    province = {
        "HTX_TOTAL": sum(v["HTX_TOTAL"] for v in values.values()),
        "HTX_ACTIVE": sum(v["HTX_ACTIVE"] for v in values.values()),
        "HTX_NEW": 41.0,
    }
    # sectors in an order that is not the vocabulary's, two of equal count
    for code, count in zip(SECTOR_CODES, (20, 300, 20, 45, 0, 130, 7)):
        province[f"HTX_SECTOR_{code}"] = float(count)
    values["22"] = province
    d = PeriodData(
        period=Period.parse("2026-Q3"),
        province_code="22",
        province_name="Quảng Ninh",
        units=units,
        values=values,
        complete_flags={},
        missing_units=missing,
        is_complete=False,
        status=None,
        targets={},
    )
    quarters = [
        Period(2024, 3),
        Period(2024, 4),
        Period(2025, 1),
        Period(2025, 2),
        Period(2025, 3),
        Period(2025, 4),
        Period(2026, 1),
        Period(2026, 3),
    ]  # 2026-Q2 not loaded: a gap
    d.trend = [
        PeriodFigures(
            period=q,
            province={"HTX_TOTAL": 600.0 + 10 * i, "HTX_ACTIVE": 400.0 + 5 * i, "HTX_NEW": 10.0 * q.quarter},
            is_complete=q not in (Period(2025, 3), Period(2026, 3)),
        )
        for i, q in enumerate(quarters)
    ]
    d.tier_changes = [dt.date(2025, 7, 1)]
    return d


def _drawn(fig):
    fig.canvas.draw()  # as savefig draws it
    return fig.canvas.get_renderer()


def _overlap(a, b) -> bool:
    """The two boxes share an area (touching edges do not count)."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


@pytest.mark.parametrize("n", [13, 54, 126])
def test_unit_chart_is_sorted_and_legible(n):
    d = _data(n)
    fig = chart_units(d)
    try:
        renderer = _drawn(fig)
        (ax,) = fig.axes
        active, other = ax.containers[0], ax.containers[1]
        ticks = {round(t.get_position()[1]): t.get_text() for t in ax.get_yticklabels()}
        # every unit drawn, top to bottom by cooperatives, equal counts in the register's order, the units that
        # did not report last
        rows = sorted(
            (
                (bar_a.get_y() + bar_a.get_height() / 2, bar_a.get_width() + bar_o.get_width())
                for bar_a, bar_o in zip(active, other)
            ),
            reverse=True,
        )
        drawn = [(ticks[round(y)], total) for y, total in rows]
        assert len(drawn) == n
        index = {u["name_vi"]: i for i, u in enumerate(d.units)}
        expected = sorted(
            (
                (
                    u["name_vi"] + (" (chưa báo cáo)" if u["unit_code"] in d.missing_units else ""),
                    d.value("HTX_TOTAL", u["unit_code"]) or 0.0,
                )
                for u in d.units
            ),
            key=lambda lt: (-lt[1], lt[0].endswith("(chưa báo cáo)"), index[lt[0].replace(" (chưa báo cáo)", "")]),
        )
        assert drawn == expected
        totals = [t for _, t in drawn]
        assert totals == sorted(totals, reverse=True)
        assert len(set(totals)) < n  # the data has ties: their order was tested above

        # the legend sits outside the axes: it covers no bar and no unit name
        (legend,) = fig.legends or [ax.get_legend()]
        lbox = legend.get_window_extent(renderer)
        assert not _overlap(lbox, ax.get_window_extent(renderer))
        for bar in list(active) + list(other):
            assert not _overlap(lbox, bar.get_window_extent(renderer))
        labels = [t for t in ax.get_yticklabels() if t.get_text()]
        for t in labels + ax.texts:
            assert not _overlap(lbox, t.get_window_extent(renderer)), t.get_text()

        # unit names apart from each other, whole inside the figure, at a readable size
        boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.y0)
        assert len(boxes) == n
        for lower, upper in zip(boxes, boxes[1:]):
            assert not _overlap(lower, upper)
        assert all(b.x0 >= 0 and b.y0 >= 0 and b.y1 <= fig.bbox.height for b in boxes)
        assert min(t.get_fontsize() for t in labels) >= 8
        title = ax.title.get_window_extent(renderer)
        assert title.x0 >= 0 and title.x1 <= fig.bbox.width and title.y1 <= fig.bbox.height
        assert not any(PERIOD_KEY.search(text) for text in _texts(fig)), _texts(fig)
    finally:
        plt.close(fig)


def test_unit_chart_grows_with_the_units():
    heights = []
    for n in (13, 54, 126):
        fig = chart_units(_data(n))
        heights.append(fig.get_figheight())
        plt.close(fig)
    assert heights[0] < heights[1] < heights[2]


def test_trend_chart_names_quarters_in_vietnamese_and_keeps_its_legend_apart():
    d = _data(54)
    fig = chart_trend(d)
    try:
        renderer = _drawn(fig)
        (ax,) = fig.axes
        labels = [t for t in ax.get_xticklabels() if t.get_text()]
        # one label per quarter from the first to the last loaded, the gap included
        assert len(labels) == 9
        flat = [re.sub(r"\s*\n\s*", "/", t.get_text()) if "\n" in t.get_text() else t.get_text() for t in labels]
        assert flat[0] == "Quý III/2024" and flat[4] == "Quý III/2025*" and flat[7] == "Quý II/2026"
        assert flat[-1] == "Quý III/2026*"
        boxes = [t.get_window_extent(renderer) for t in labels]
        for left, right in zip(boxes, boxes[1:]):
            assert not _overlap(left, right)
        (legend,) = fig.legends or [ax.get_legend()]
        lbox = legend.get_window_extent(renderer)
        assert not _overlap(lbox, ax.get_window_extent(renderer))
        for t in labels + [ax.xaxis.label]:
            assert not _overlap(lbox, t.get_window_extent(renderer))
        assert not any(PERIOD_KEY.search(text) for text in _texts(fig)), _texts(fig)
    finally:
        plt.close(fig)


@pytest.mark.parametrize("n", [13, 54, 126])
def test_every_chart_keeps_its_texts_apart_and_inside(n, tmp_path):
    """Every chart of the set: no period key, the title inside the figure, no legend over the axes, the footnote
    under everything else; and the set is written as PNG files."""
    d = _data(n)
    for name, make in CHARTS.items():
        fig = make(d)
        try:
            renderer = _drawn(fig)
            texts = _texts(fig)
            assert not any(PERIOD_KEY.search(text) for text in texts), (name, texts)
            for ax in fig.axes:  # a count axis reads 0, 1, 2 …: no tick printed twice
                ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
                assert len(ticks) == len(set(ticks)), (name, ticks)
            for ax in fig.axes:
                box = ax.title.get_window_extent(renderer)
                assert box.x0 >= 0 and box.x1 <= fig.bbox.width and box.y1 <= fig.bbox.height, name
                axes_box = ax.get_tightbbox(renderer)
                for legend in fig.legends:
                    assert not _overlap(legend.get_window_extent(renderer), ax.get_window_extent(renderer)), name
                foot = [t for t in fig.texts if t.get_text().startswith(("Nguồn", "Số liệu"))]
                assert foot, name
                for t in foot:
                    fbox = t.get_window_extent(renderer)
                    assert fbox.y1 <= axes_box.y0 + 0.5 and fbox.x1 <= fig.bbox.width, (name, t.get_text())
            if name == "bieu_do_linh_vuc.png":  # sectors by count, most on top, equal counts in the vocabulary's order
                (ax,) = fig.axes
                ticks = {round(t.get_position()[1]): t.get_text() for t in ax.get_yticklabels()}
                drawn = [
                    (ticks[round(p.get_y() + p.get_height() / 2)], p.get_width())
                    for p in sorted(ax.patches, key=lambda p: -p.get_y())
                ]
                label = dict(SECTOR_LABELS)
                expected = sorted(((label[c], d.value(f"HTX_SECTOR_{c}")) for c in SECTOR_CODES), key=lambda lv: -lv[1])
                assert drawn == expected, name
        finally:
            plt.close(fig)
    paths = write_charts_data(d, tmp_path)
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)


def test_no_warehouse_words_on_signed_texts_and_no_trend_of_one_quarter(tmp_path):
    """A signer reads no "kho dữ liệu" (the pipeline's word) in a chart or in the appendix's comparison line; a
    warehouse holding one quarter publishes no trend chart (one point per line shows no trend)."""
    from kttt_pipeline.publish.appendix.common import comparison_note

    d = _data(13)
    for name, make in CHARTS.items():
        fig = make(d)
        try:
            _drawn(fig)
            assert not any("kho dữ liệu" in t for t in _texts(fig)), (name, _texts(fig))
        finally:
            plt.close(fig)
    d.year_ago = None
    note = comparison_note(d)
    assert "kho dữ liệu" not in note and "(Quý III/2025, đến 30/9/2025): chưa có số liệu kỳ so sánh" in note
    d.trend = d.trend[-1:]
    names = {p.name for p in write_charts_data(d, tmp_path)}
    assert "bieu_do_xu_huong.png" not in names and "bieu_do_don_vi.png" in names
    assert not (tmp_path / "bieu_do_xu_huong.png").exists()
    d.trend = _data(13).trend[-2:]
    assert "bieu_do_xu_huong.png" in {p.name for p in write_charts_data(d, tmp_path)}


def test_status_chart_says_the_base_of_its_shares_and_names_its_colours():
    """The shares by the status bars are of every HTX (the text's of the active ones): the chart says so; its
    two colours are named in a legend outside the axes."""
    from matplotlib.colors import to_hex

    from kttt_pipeline.publish.charts import chart_status

    d = _data(13)
    fig = chart_status(d)
    try:
        renderer = _drawn(fig)
        (ax,) = fig.axes
        assert "trên tổng số" in ax.get_xlabel() and format_vn(d.value("HTX_TOTAL")) in ax.get_xlabel()
        colours = {to_hex(p.get_facecolor()) for p in ax.patches}
        assert len(colours) > 1
        (legend,) = fig.legends
        assert {to_hex(h.get_facecolor()) for h in legend.legend_handles} == colours
        assert all(t.get_text() for t in legend.get_texts())
        assert not _overlap(legend.get_window_extent(renderer), ax.get_window_extent(renderer))
        for t in fig.texts:  # the source line stays under the legend
            if t.get_text().startswith(("Nguồn", "Số liệu")):
                assert t.get_window_extent(renderer).y1 <= legend.get_window_extent(renderer).y0 + 0.5
    finally:
        plt.close(fig)


def test_unit_chart_names_the_kind_when_units_of_several_kinds_are_drawn():
    """ "Hạ Long" alone reads as the former city: among wards, communes and a special zone each name carries its
    kind's short form (vocab/unit_kinds.csv); units of one kind keep their bare names."""
    d = _data(13)
    kinds = ["Phường", "Xã", "Đặc khu"]
    for i, u in enumerate(d.units):
        u["kind_vi"] = kinds[i % 3]
    fig = chart_units(d)
    try:
        (ax,) = fig.axes
        ticks = {t.get_text().replace(" (chưa báo cáo)", "") for t in ax.get_yticklabels() if t.get_text()}
        short = {"Phường": "P.", "Xã": "X.", "Đặc khu": "ĐK."}
        assert ticks == {f"{short[u['kind_vi']]} {u['name_vi']}" for u in d.units}
    finally:
        plt.close(fig)
    for u in d.units:
        u["kind_vi"] = "Xã"
    fig = chart_units(d)
    try:
        (ax,) = fig.axes
        ticks = {t.get_text().replace(" (chưa báo cáo)", "") for t in ax.get_yticklabels() if t.get_text()}
        assert ticks == {u["name_vi"] for u in d.units}
    finally:
        plt.close(fig)


def _axes_px(fig) -> list[float]:
    """Where the axes sit: the figure's subplot parameters (left, right, bottom, top), in pixels."""
    p = fig.subplotpars
    return [p.left * fig.bbox.width, p.right * fig.bbox.width, p.bottom * fig.bbox.height, p.top * fig.bbox.height]


@pytest.mark.parametrize(
    "n, province", [(13, "Quảng Ninh"), (126, "Quảng Ninh"), (54, "Bà Rịa - Vũng Tàu và các vùng lân cận")]
)
def test_charts_laid_out_on_one_measure_land_where_matplotlib_puts_them(n, province, monkeypatch):
    """Each chart is laid out on a single measure of its texts (charts._lay_out_one, for speed: a unit chart has
    some two hundred); its axes land where matplotlib's own tight_layout puts them (which measures them twice, then
    again after wrapping a long title), within half a pixel, with the title wrapped the same way."""
    from kttt_pipeline.publish import charts

    d = _data(n)
    d.province_name = province
    ours = {}
    for name, make in CHARTS.items():
        fig = make(d)
        try:
            assert charts._measurable_once(fig), name  # the one-measure layout is the one taken
            ours[name] = (_axes_px(fig), fig.axes[0].get_title())
        finally:
            plt.close(fig)
    monkeypatch.setattr(charts, "_measurable_once", lambda fig: False)  # matplotlib's tight_layout instead
    for name, make in CHARTS.items():
        fig = make(d)
        try:
            theirs = (_axes_px(fig), fig.axes[0].get_title())
        finally:
            plt.close(fig)
        assert ours[name][1] == theirs[1], name
        assert ours[name][0] == pytest.approx(theirs[0], abs=0.5), name
    if len(province) > 20:  # the long name's titles are wrapped: the layout after a wrap is compared too
        assert sum("\n" in title for _, title in ours.values()) >= 2
