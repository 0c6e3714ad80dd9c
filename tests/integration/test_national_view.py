"""The national view (issue 27): two provinces' demo periods loaded into one warehouse, one of them re-run; both
stay whole, `kttt national` sums them, recomputes the means from the cooperatives' rows and names the provinces
missing, in a workbook whose total row is the sum of the province rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from kttt_pipeline.cli import main
from kttt_pipeline.core.periods import Period
from kttt_pipeline.publish.layouts import national_columns
from kttt_pipeline.publish.national import provinces_in_force
from kttt_pipeline.publish.national_workbook import NATIONAL_DIR, SHEET_NATIONAL, workbook_name
from kttt_pipeline.warehouse import make_engine, period_row_counts

PERIOD = "2026-Q3"  # Quảng Ninh is a "thành phố" from 1/9/2026, Bắc Ninh from 20/9/2026: both on 30/9/2026
QN, BN = "22", "24"


def _materialize(tmp_path: Path, code: str, url: str) -> None:
    args = ["--period", PERIOD, "--province", code, "--raw-dir", str(tmp_path / f"raw_{code}")]
    assert main(["materialize", *args, "--warehouse", url, "--reports-dir", str(tmp_path / f"reports_{code}")]) == 0


@pytest.mark.slow
def test_two_provinces_rolled_up_into_the_national_summary(tmp_path, warehouse_url, no_kttt_env, capsys):
    for code in (QN, BN):
        out = str(tmp_path / f"raw_{code}")
        args = ["--period", PERIOD, "--province", code, "--out", out, "--units", "3", "--rows-per-unit", "8"]
        assert main(["demo-data", *args]) == 0
    engine = make_engine(warehouse_url)
    try:
        _materialize(tmp_path, QN, warehouse_url)
        _materialize(tmp_path, BN, warehouse_url)
        counts = {code: period_row_counts(engine, PERIOD, code) for code in (QN, BN)}
        _materialize(tmp_path, QN, warehouse_url)  # re-run one: both stay whole
        for code in (QN, BN):
            assert period_row_counts(engine, PERIOD, code) == counts[code]
            assert counts[code]["rpt_indicator"] > 0 and counts[code]["cooperative"] > 0
        with engine.connect() as conn:
            own = {
                (r.province_code, r.indicator_code): r.value
                for r in conn.execute(
                    text(
                        "SELECT province_code, indicator_code, value FROM rpt_indicator "
                        "WHERE period = :p AND unit_code = province_code"
                    ),
                    {"p": PERIOD},
                )
            }
            revenues = [
                float(v)
                for v in conn.execute(
                    text("SELECT revenue FROM cooperative WHERE period = :p AND is_active AND revenue IS NOT NULL"),
                    {"p": PERIOD},
                ).scalars()
            ]
    finally:
        engine.dispose()
    capsys.readouterr()

    reports = tmp_path / "national"
    assert main(["national", "--period", PERIOD, "--warehouse", warehouse_url, "--out", str(reports)]) == 0
    printed = capsys.readouterr().out
    path = reports / NATIONAL_DIR / PERIOD / workbook_name(PERIOD)
    assert str(path) in printed and "2/34" in printed

    ws = load_workbook(path)[SHEET_NATIONAL]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    labels = {row[1]: row for row in rows if isinstance(row[1], str)}
    provinces = {p.code: p.label for p in provinces_in_force(Period.parse(PERIOD))}
    assert provinces[QN] == "Thành phố Quảng Ninh" and provinces[BN] == "Thành phố Bắc Ninh"
    assert all(name in labels for name in provinces.values())  # one row per province in force
    columns = national_columns()
    total = next(row for row in rows if isinstance(row[1], str) and row[1].startswith("Toàn quốc"))
    for j, (_header, code, _w) in enumerate(columns, 2):
        qn, bn = labels[provinces[QN]][j], labels[provinces[BN]][j]
        assert qn == pytest.approx(own[(QN, code)]) if own.get((QN, code)) is not None else qn is None
        assert bn == pytest.approx(own[(BN, code)]) if own.get((BN, code)) is not None else bn is None
        if code == "HTX_AVG_REVENUE":  # recomputed over both provinces' cooperatives, not an average of averages
            assert total[j] == pytest.approx(sum(revenues) / len(revenues))
        elif "AVG" not in code:  # the total row is the sum of the province rows
            assert total[j] == pytest.approx((qn or 0) + (bn or 0))
    assert total[2] == own[(QN, "HTX_TOTAL")] + own[(BN, "HTX_TOTAL")] > 0
    # the provinces not loaded are marked and named in the note; no province code is printed
    missing = [label for code, label in provinces.items() if code not in (QN, BN)]
    assert all(labels[name][-1] == "Chưa có số liệu" for name in missing)
    note = " ".join(str(row[0]) for row in rows if isinstance(row[0], str) and row[0].startswith("- "))
    assert "Chưa có số liệu của 32 tỉnh, thành phố" in note and all(name in note for name in missing)
    assert "(chưa đủ)" in total[1]
    texts = {v for row in rows for v in row[1:] if isinstance(v, str)}  # column A numbers the rows
    assert not texts & set(provinces)
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows
