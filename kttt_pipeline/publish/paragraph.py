"""The Vietnamese figures text of Part One §1.1–1.3 of the plan, every figure and share computed from the warehouse.

Structure and wording are the plan's (Kế hoạch 247/KH-UBND): "1.1. Về số lượng, doanh thu và thu nhập …" with
"a) Hợp tác xã" … "d) Quỹ tín dụng nhân dân", "1.2. Về thành viên, lao động …", "1.3. Về trình độ cán bộ quản lý
…". The words are data, ``vocab/paragraph_templates.csv`` (filled by :mod:`kttt_pipeline.publish.paragraph_text`);
this module computes the figures: counts from ``rpt_indicator``, shares, the comparison with the annual target and
with the same quarter a year earlier, monthly equivalents. A clause whose figure is undefined is left out rather
than printed as zero; a group of figures derived from nothing (its file missing, every row excluded) is replaced
by a sentence saying so and naming the file (:mod:`kttt_pipeline.publish.figure_gaps`). When the period is
incomplete the text opens by saying so and naming the missing units.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from kttt_pipeline.core.numfmt import format_vn
from kttt_pipeline.core.vocabulary import sector_labels
from kttt_pipeline.publish import paragraph_text as pt
from kttt_pipeline.publish.figure_gaps import figure_gaps
from kttt_pipeline.publish.warehouse_reader import PeriodData, load_period_data

SECTOR_PHRASES = list(sector_labels("cooperative", style="phrase").items())
THT_SECTOR_PHRASES = list(sector_labels("group", style="phrase").items())

fill = pt.fill
count = pt.count


def heading() -> str:
    return fill("heading_1_1") or ""


def compared_with_year_ago(d: PeriodData, code: str) -> str:
    """``, tăng 3,1% so với cùng kỳ năm 2023`` (``giảm``; ``, bằng cùng kỳ năm 2023`` when the change rounds to
    zero); "" when the same quarter a year earlier is not in the warehouse or the figure is undefined. The change
    is computed from the two periods' figures and printed with one decimal."""
    change = d.change_vs_year_ago(code)
    if change is None:
        return ""
    year = d.year_ago_period.year
    text = format_vn(abs(change), 1)
    if text == format_vn(0, 1):
        return fill("change_same", year=year) or ""
    return fill("change_up" if change > 0 else "change_down", pct=f"{text}%", year=year) or ""


def vs_plan(d: PeriodData, code: str) -> str | None:
    """``bằng 119,8% so với Kế hoạch năm 2024`` when the year has a target for ``code``; None otherwise."""
    if d.target(code) is None:
        return None
    value = d.pct_of_plan(code)
    if value is None:
        return None
    return fill("vs_plan", pct=f"{format_vn(value, 1)}%", year=d.period.year)


def _amount(d: PeriodData, code: str) -> str | None:
    return pt.figure(d.value(code), _unit(code))


def _unit(code: str) -> str:
    from kttt_pipeline.publish.warehouse_reader import indicator_meta

    meta = indicator_meta().get(code)
    return meta.unit if meta is not None else ""


# ---- 1.1 -------------------------------------------------------------------------------------------------


def _htx_block(d: PeriodData) -> list[str]:
    v = d.value
    total = v("HTX_TOTAL")
    if total is None:
        return []
    out: list[str] = []
    new, dissolved = v("HTX_NEW"), v("HTX_DISSOLVED")
    changes = pt.clauses(
        [
            pt.fill_count("htx_new", new, new=count(new), vs_plan=vs_plan(d, "HTX_NEW")) if new is not None else None,
            pt.fill_count("htx_dissolved", dissolved, dissolved=count(dissolved)) if dissolved is not None else None,
        ],
        ", ",
        first_capital=False,
    )
    if changes:
        out.append(fill("htx_changes", span=pt.period_span(d.period), clauses=changes) or "")
    sectors = [
        fill(
            "htx_sector",
            phrase=phrase,
            count=count(v(f"HTX_SECTOR_{code}")),
            share=pt.pct(v(f"HTX_SECTOR_{code}"), total),
        )
        for code, phrase in SECTOR_PHRASES
        if v(f"HTX_SECTOR_{code}") is not None
    ]
    out.append(
        pt.fill_count(
            "htx_total",
            total,
            end=d.end_vi,
            total=count(total),
            vs_plan=vs_plan(d, "HTX_TOTAL"),
            change=compared_with_year_ago(d, "HTX_TOTAL"),
            sectors=pt.clauses(sectors, first_capital=False),
        )
        or ""
    )
    if not total:
        return [s for s in out if s]
    active = v("HTX_ACTIVE")
    inactive_parts = pt.clauses(
        [
            fill("htx_inactive_part", count=count(v(code)), phrase=phrase)
            for code, phrase in (
                ("HTX_WEAK", "yếu kém"),
                ("HTX_SUSPENDED", "tạm ngừng hoạt động"),
                ("HTX_NOT_STARTED", "chưa đi vào hoạt động"),
                ("HTX_DISSOLVING", "đang làm thủ tục giải thể"),
            )
            if v(code) is not None
        ],
        ", ",
        first_capital=False,
    )
    out.append(
        fill(
            "htx_active",
            total=count(total),
            active=count(active),
            active_share=pt.pct(active, total),
            good=count(v("HTX_GOOD")),
            good_share=pt.pct(v("HTX_GOOD"), active),
            average=count(v("HTX_AVERAGE")),
            average_share=pt.pct(v("HTX_AVERAGE"), active),
            inactive=count(v("HTX_INACTIVE")),
            inactive_share=pt.pct(v("HTX_INACTIVE"), total),
            inactive_parts=inactive_parts,
        )
        or ""
    )
    money = pt.clauses(
        [
            fill("htx_capital", capital=pt.billions(v("HTX_CHARTER_CAPITAL"))),
            fill("htx_avg_revenue", value=_amount(d, "HTX_AVG_REVENUE")),
            fill("htx_avg_profit", value=_amount(d, "HTX_AVG_PROFIT")),
        ]
    )
    if money:
        out.append(fill("htx_money", clauses=money) or "")
    income = v("HTX_AVG_INCOME")
    out.append(fill("htx_income", value=_amount(d, "HTX_AVG_INCOME"), month=pt.monthly(income)) or "")
    quality = pt.clauses(
        [
            fill("htx_ocop", ocop=count(v("HTX_OCOP")), ocop_agri=count(v("HTX_OCOP_AGRI"))),
            fill("htx_hightech", count=count(v("HTX_HIGHTECH"))),
            fill("htx_chains", count=count(v("HTX_IN_CHAINS"))),
        ],
        ", ",
    )
    if quality:
        out.append(fill("htx_quality", clauses=quality) or "")
    return [s for s in out if s]


def _lhhtx_block(d: PeriodData) -> list[str]:
    v = d.value
    total = v("LHHTX_TOTAL")
    text = pt.fill_count(
        "lhhtx",
        total,
        total=count(total),
        agri=count(v("LHHTX_AGRI")) if total else None,
        capital=pt.billions(v("LHHTX_CHARTER_CAPITAL")) if total else None,
    )
    return [text] if text else []


def _tht_block(d: PeriodData) -> list[str]:
    v = d.value
    total = v("THT_TOTAL")
    if total is None:
        return []
    sectors = [
        fill(
            "tht_sector",
            phrase=phrase,
            count=count(v(f"THT_SECTOR_{code}")),
            share=pt.pct(v(f"THT_SECTOR_{code}"), total),
        )
        for code, phrase in THT_SECTOR_PHRASES
        if v(f"THT_SECTOR_{code}") is not None
    ]
    out = [
        pt.fill_count(
            "tht_count",
            total,
            end=d.end_vi,
            total=count(total),
            change=compared_with_year_ago(d, "THT_TOTAL"),
            sectors=pt.clauses(sectors, first_capital=False),
        )
    ]
    money = pt.clauses(
        [
            fill("tht_avg_revenue", value=_amount(d, "THT_AVG_REVENUE")),
            fill("tht_income", value=_amount(d, "THT_AVG_INCOME_MONTH")),
        ],
        ". ",
    )
    if money:
        out.append(fill("tht_money", clauses=money))
    return [s for s in out if s]


def _qtdnd_block(d: PeriodData) -> list[str]:
    v = d.value
    total = v("QTDND_TOTAL")
    text = pt.fill_count(
        "qtdnd",
        total,
        end=d.end_vi,
        total=count(total),
        capital=pt.money(v("QTDND_TOTAL_CAPITAL")) if total else None,
        equity=pt.money(v("QTDND_EQUITY")) if total else None,
        mobilised=pt.money(v("QTDND_MOBILISED")) if total else None,
        loans=pt.money(v("QTDND_LOANS")) if total else None,
    )
    return [text] if text else []


# ---- 1.2 and 1.3 ------------------------------------------------------------------------------------------


def _members(d: PeriodData, gaps: dict) -> list[str]:
    v = d.value
    out = []
    if "HTX" not in gaps:
        out.append(
            fill(
                "members_htx",
                members=count(v("HTX_MEMBERS")),
                members_change=compared_with_year_ago(d, "HTX_MEMBERS"),
                workers=count(v("HTX_WORKERS")),
                workers_change=compared_with_year_ago(d, "HTX_WORKERS"),
                member_workers=count(v("HTX_MEMBER_WORKERS")),
                mw_share=pt.pct(v("HTX_MEMBER_WORKERS"), v("HTX_WORKERS")),
            )
        )
    if "LHHTX" not in gaps and v("LHHTX_TOTAL"):
        lh = pt.clauses(
            [
                fill("lhhtx_total", total=count(v("LHHTX_TOTAL")), member_htx=count(v("LHHTX_MEMBER_HTX"))),
                fill("lhhtx_workers", workers=count(v("LHHTX_WORKERS"))),
            ],
            ". ",
        )
        out.append(fill("members_lhhtx", clauses=lh) if lh else None)
    tht, tht_members = v("THT_TOTAL"), v("THT_MEMBERS")
    if "THT" not in gaps and tht_members is not None:
        avg = count(round(tht_members / tht)) if tht else None
        out.append(
            fill(
                "members_tht",
                clauses=pt.clauses([fill("tht_avg_members", avg=avg), fill("tht_members", members=count(tht_members))]),
            )
        )
    if "QTDND" not in gaps and v("QTDND_TOTAL"):
        out.append(
            fill(
                "members_qtdnd",
                total=count(v("QTDND_TOTAL")),
                members=count(v("QTDND_MEMBERS")),
                workers=count(v("QTDND_WORKERS")),
            )
        )
    return [s for s in out if s]


def _managers(d: PeriodData, gaps: dict) -> list[str]:
    v = d.value
    out = []
    managers = v("HTX_MANAGERS")
    if "HTX" not in gaps:
        levels = pt.clauses(
            [
                fill(
                    "managers_level",
                    level=fill(f"level_{name}"),
                    count=count(v(code)),
                    share=pt.pct(v(code), managers),
                    change=compared_with_year_ago(d, code),
                )
                for code, name in (
                    ("HTX_MANAGERS_PRIMARY_SECONDARY", "primary_secondary"),
                    ("HTX_MANAGERS_COLLEGE_PLUS", "college_plus"),
                )
                if v(code) is not None
            ],
            first_capital=False,
        )
        out.append(
            fill("managers", managers=count(managers), change=compared_with_year_ago(d, "HTX_MANAGERS"), levels=levels)
        )
    if "QTDND" not in gaps and v("QTDND_TOTAL"):
        out.append(fill("managers_qtdnd", count=count(v("QTDND_MANAGERS"))))
    return [s for s in out if s]


# ---- the notes -----------------------------------------------------------------------------------------------


def incomplete_sentence(d: PeriodData) -> str:
    if d.is_complete:
        return ""
    expected = len(d.units)
    missing = d.missing_unit_names
    if missing:
        return (
            fill(
                "incomplete_units",
                missing=len(missing),
                expected=expected,
                names=", ".join(missing),
                present=expected - len(missing),
            )
            or ""
        )
    return fill("incomplete_other") or ""


def units_sentence(d: PeriodData) -> str:
    """Which reporting units the figures come from, counted from the register in force: "Số liệu tổng hợp từ báo
    cáo của 54 xã, phường, đặc khu (22 xã, 30 phường, 2 đặc khu)." ("" without units)."""
    if not d.units:
        return ""
    counts = [(k, n) for k, n in d.unit_kind_counts() if k]
    detail = ", ".join(f"{format_vn(n)} {k}" for k, n in counts) if len(counts) > 1 else None
    missing = len([u for u in d.units if u["unit_code"] in d.missing_units])
    if missing:
        return (
            fill("units_some", present=format_vn(len(d.units) - missing), units=d.units_phrase(), detail=detail) or ""
        )
    return fill("units_all", units=d.units_phrase(), detail=detail) or ""


def render_paragraph_data(d: PeriodData) -> str:
    """The figures text of ``d`` as Markdown: bold headings, italic sub-items and notes, one paragraph a line.
    The province is named by its kind at the period end ("toàn tỉnh" / "toàn thành phố")."""
    with pt.document_values(province_word=d.province_word):
        return _render_paragraph_data(d)


def _render_paragraph_data(d: PeriodData) -> str:
    gaps = figure_gaps(d)
    blocks = [f"**{heading()}**"]
    note = incomplete_sentence(d)
    if note:
        blocks.append(f"*{note}*")
    units = units_sentence(d)
    if units:
        blocks.append(units)
    for item, group, block in (
        ("item_htx", "HTX", _htx_block),
        ("item_lhhtx", "LHHTX", _lhhtx_block),
        ("item_tht", "THT", _tht_block),
        ("item_qtdnd", "QTDND", _qtdnd_block),
    ):
        blocks.append(f"*{fill(item)}*")
        lines = [gaps[group].text_vi] if group in gaps else block(d)
        blocks.extend(lines or [fill("group_none", subject=fill(f"subject_{group.lower()}")) or ""])
    for title, lines in (("heading_1_2", _members(d, gaps)), ("heading_1_3", _managers(d, gaps))):
        if lines:
            blocks.append(f"**{fill(title)}**")
            blocks.extend(lines)
    return "\n\n".join(blocks) + "\n"


def render_paragraph(engine: Engine, period: str) -> str:
    """The §1.1 paragraph of ``period`` as Markdown (a bold heading and prose paragraphs)."""
    return render_paragraph_data(load_period_data(engine, period))


def markdown_to_text(markdown: str) -> str:
    """The Markdown of :func:`render_paragraph` as plain text (emphasis marks removed)."""
    lines = []
    for line in markdown.splitlines():
        s = line
        if s.startswith("**") and s.endswith("**"):
            s = s[2:-2]
        elif s.startswith("*") and s.endswith("*"):
            s = s[1:-1]
        lines.append(s)
    return "\n".join(lines).rstrip() + "\n"


def write_paragraph(engine: Engine, period: str, out_dir: Path | str) -> list[Path]:
    """Write ``muc_1_1.md`` and ``muc_1_1.txt`` (and ``muc_1_1.docx`` when python-docx is installed)."""
    return write_paragraph_data(load_period_data(engine, period), out_dir)


def write_paragraph_data(d: PeriodData, out_dir: Path | str) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    md = render_paragraph_data(d)
    paths = []
    md_path = out / "muc_1_1.md"
    md_path.write_text(md, encoding="utf-8")
    paths.append(md_path)
    txt_path = out / "muc_1_1.txt"
    txt_path.write_text(markdown_to_text(md), encoding="utf-8")
    paths.append(txt_path)
    try:
        import docx  # type: ignore[import-not-found]
    except ImportError:
        return paths
    document = docx.Document()
    for block in md.strip().split("\n\n"):
        para = document.add_paragraph()
        if block.startswith("**") and block.endswith("**"):
            para.add_run(block[2:-2]).bold = True
        elif block.startswith("*") and block.endswith("*"):
            para.add_run(block[1:-1]).italic = True
        else:
            para.add_run(block)
    docx_path = out / "muc_1_1.docx"
    document.save(docx_path)
    paths.append(docx_path)
    return paths
