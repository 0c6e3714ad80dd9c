"""The Vietnamese paragraph of Part One §1.1 of the plan, every figure and share computed from the warehouse.

Worded like the plan's own text ("Đến 30/9/2024, toàn tỉnh có 895 HTX, … nông nghiệp 669 HTX, chiếm 74,7%
…"). Shares are computed here from the counts of ``rpt_indicator`` (not copied from a text) and printed
with one decimal and a comma. A clause whose figure is undefined in the warehouse is left out rather than
printed as zero. When the period is incomplete the paragraph opens by saying so and naming the missing units.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from kttt_pipeline.publish.warehouse_reader import PeriodData, load_period_data
from kttt_pipeline.core.numfmt import format_figure, format_pct, format_vn, share
from kttt_pipeline.core.vocabulary import sector_labels

SECTOR_PHRASES = list(sector_labels("cooperative", style="phrase").items())
THT_SECTOR_PHRASES = list(sector_labels("group", style="phrase").items())

HEADING = "1.1. Về phát triển hợp tác xã, tổ hợp tác, liên hiệp hợp tác xã và quỹ tín dụng nhân dân"


def _n(value: float | None, unit: str = "HTX") -> str:
    return format_figure(value, unit)


def _join(parts: list[str], last: str = " và ") -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + last + parts[-1]


def _pct(part: float | None, whole: float | None) -> str | None:
    value = share(part, whole)
    return None if value is None else format_pct(value)


def _chiem(part: float | None, whole: float | None, suffix: str = "") -> str:
    """' (chiếm 74,7%<suffix>)', or nothing when the share is undefined (no cooperatives at all)."""
    pct = _pct(part, whole)
    return f" (chiếm {pct}{suffix})" if pct is not None else ""


def compared_with_year_ago(d: PeriodData, code: str, subject: str = "") -> str:
    """``, tăng 3,1% so với cùng kỳ năm 2023`` (or ``giảm``; ``, bằng cùng kỳ năm 2023`` when the change rounds
    to zero); "" when the same quarter a year earlier is not in the warehouse or the figure is undefined. The
    change is computed from the two periods' figures and printed with one decimal, as the plan writes it."""
    change = d.change_vs_year_ago(code)
    if change is None:
        return ""
    year = d.year_ago_period.year
    text = format_vn(abs(change), 1)
    if text == format_vn(0, 1):
        return f", {subject}bằng cùng kỳ năm {year}"
    return f", {subject}{'tăng' if change > 0 else 'giảm'} {text}% so với cùng kỳ năm {year}"


def _sentences_htx(d: PeriodData) -> list[str]:
    v = d.value
    total = v("HTX_TOTAL")
    out: list[str] = []
    if total is None:
        return ["Chưa có số liệu về hợp tác xã của kỳ báo cáo."]
    year = d.period.year
    first = f"Đến {d.end_vi}, toàn tỉnh có {_n(total)} HTX{compared_with_year_ago(d, 'HTX_TOTAL')}"
    plan = d.pct_of_plan("HTX_TOTAL") if d.target("HTX_TOTAL") is not None else None
    if plan is not None:
        first += f" (đạt {format_pct(plan)} kế hoạch năm {year})"
    new, dissolved = v("HTX_NEW"), v("HTX_DISSOLVED")
    extras = []
    if new is not None:
        clause = f"{_n(new)} HTX thành lập mới"
        new_plan = d.pct_of_plan("HTX_NEW") if d.target("HTX_NEW") is not None else None
        if new_plan is not None:
            clause += f" (đạt {format_pct(new_plan)} kế hoạch năm)"
        extras.append(clause)
    if dissolved is not None:
        extras.append(f"{_n(dissolved)} HTX giải thể")
    if extras:
        first += f"; từ đầu năm {year} có " + _join(extras)
    out.append(first + ".")

    active, inactive = v("HTX_ACTIVE"), v("HTX_INACTIVE")
    if active is not None:
        s = f"Trong đó, {_n(active)} HTX đang hoạt động{_chiem(active, total)}"
        good, average = v("HTX_GOOD"), v("HTX_AVERAGE")
        grades = []
        if good is not None:
            grades.append(f"{_n(good)} HTX hoạt động tốt, khá (chiếm {_pct(good, active)} số HTX đang hoạt động)"
                          if active else f"{_n(good)} HTX hoạt động tốt, khá")
        if average is not None:
            grades.append(f"{_n(average)} HTX hoạt động trung bình ({_pct(average, active)})"
                          if active else f"{_n(average)} HTX hoạt động trung bình")
        if grades:
            s += ", gồm " + _join(grades)
        if inactive is not None:
            s += f"; {_n(inactive)} HTX yếu kém, ngừng hoạt động hoặc chưa đi vào hoạt động" \
                 f"{_chiem(inactive, total)}"
            parts = []
            for code, phrase in (("HTX_WEAK", "yếu kém"), ("HTX_SUSPENDED", "tạm ngừng hoạt động"),
                                 ("HTX_NOT_STARTED", "chưa đi vào hoạt động"),
                                 ("HTX_DISSOLVING", "đang làm thủ tục giải thể")):
                if v(code) is not None:
                    parts.append(f"{_n(v(code))} HTX {phrase}")
            if parts:
                s += ", gồm " + _join(parts)
        out.append(s + ".")

    sectors = []
    for code, phrase in SECTOR_PHRASES:
        count = v(f"HTX_SECTOR_{code}")
        if count is None:
            continue
        pct = _pct(count, total)
        if not sectors:
            sectors.append(f"{phrase} {_n(count)} HTX, chiếm {pct}" if pct else f"{phrase} {_n(count)} HTX")
        else:
            sectors.append(f"{phrase} {_n(count)} HTX ({pct})" if pct else f"{phrase} {_n(count)} HTX")
    if sectors:
        out.append("Phân theo lĩnh vực: " + "; ".join(sectors) + ".")

    people = []
    if v("HTX_MEMBERS") is not None:
        people.append(f"Tổng số thành viên HTX là {_n(v('HTX_MEMBERS'), 'người')} người"
                      f"{compared_with_year_ago(d, 'HTX_MEMBERS')}")
    if v("HTX_WORKERS") is not None:
        s = f"tổng số lao động thường xuyên trong HTX là {_n(v('HTX_WORKERS'), 'người')} người" \
            f"{compared_with_year_ago(d, 'HTX_WORKERS')}"
        if v("HTX_MEMBER_WORKERS") is not None:
            s += f", trong đó {_n(v('HTX_MEMBER_WORKERS'), 'người')} lao động là thành viên HTX " \
                 f"(chiếm {_pct(v('HTX_MEMBER_WORKERS'), v('HTX_WORKERS'))})" if v("HTX_WORKERS") else \
                 f", trong đó {_n(v('HTX_MEMBER_WORKERS'), 'người')} lao động là thành viên HTX"
        people.append(s)
    if people:
        out.append("; ".join(people) + ".")
    managers = v("HTX_MANAGERS")
    if managers is not None:
        s = f"Tổng số cán bộ quản lý HTX là {_n(managers, 'người')} người" \
            f"{compared_with_year_ago(d, 'HTX_MANAGERS')}"
        parts = []
        for code, phrase in (("HTX_MANAGERS_PRIMARY_SECONDARY", "trình độ sơ cấp, trung cấp"),
                             ("HTX_MANAGERS_COLLEGE_PLUS", "trình độ cao đẳng, đại học trở lên")):
            if v(code) is not None:
                pct = _pct(v(code), managers)
                parts.append(f"{phrase} {_n(v(code), 'người')} người" + (f" (chiếm {pct})" if pct else "")
                             + compared_with_year_ago(d, code))
        if parts:
            s += ", trong đó " + _join(parts, "; ")
        out.append(s + ".")
    money = []
    capital = v("HTX_CHARTER_CAPITAL")
    if capital is not None:
        text = f"Tổng vốn điều lệ đăng ký của các HTX là {format_vn(capital, 1, strip_zero_decimals=True)} " \
               f"triệu đồng"
        if abs(capital) >= 1000:
            text += f" (khoảng {format_vn(capital / 1000, 1, strip_zero_decimals=True)} tỷ đồng)"
        money.append(text)
    if v("HTX_AVG_REVENUE") is not None:
        money.append(f"doanh thu bình quân {_n(v('HTX_AVG_REVENUE'), 'triệu đồng')} triệu đồng/HTX/năm")
    if v("HTX_AVG_PROFIT") is not None:
        money.append(f"lợi nhuận bình quân {_n(v('HTX_AVG_PROFIT'), 'triệu đồng')} triệu đồng/HTX/năm")
    if v("HTX_AVG_INCOME") is not None:
        money.append(f"thu nhập bình quân của lao động thường xuyên trong HTX "
                     f"{_n(v('HTX_AVG_INCOME'), 'triệu đồng')} triệu đồng/người/năm")
    if money:
        out.append(money[0] + ("; " + "; ".join(money[1:]) if len(money) > 1 else "") + ".")
    quality = []
    if v("HTX_OCOP") is not None:
        s = f"{_n(v('HTX_OCOP'))} HTX tham gia Chương trình OCOP"
        if v("HTX_OCOP_AGRI") is not None:
            s += f" (trong đó {_n(v('HTX_OCOP_AGRI'))} HTX nông nghiệp)"
        quality.append(s)
    if v("HTX_HIGHTECH") is not None:
        quality.append(f"{_n(v('HTX_HIGHTECH'))} HTX ứng dụng công nghệ cao")
    if v("HTX_IN_CHAINS") is not None:
        quality.append(f"{_n(v('HTX_IN_CHAINS'))} HTX tham gia chuỗi liên kết")
    if quality:
        out.append("Có " + _join(quality) + ".")
    return out


def _sentences_others(d: PeriodData) -> list[str]:
    v = d.value
    out: list[str] = []
    tht = v("THT_TOTAL")
    if tht is not None:
        s = f"Toàn tỉnh có {_n(tht, 'THT')} tổ hợp tác"
        if v("THT_MEMBERS") is not None:
            s += f" với {_n(v('THT_MEMBERS'), 'người')} thành viên"
        s += compared_with_year_ago(d, "THT_TOTAL", "số tổ hợp tác ")
        parts = []
        for code, phrase in THT_SECTOR_PHRASES:
            count = v(f"THT_SECTOR_{code}")
            if count is not None:
                pct = _pct(count, tht)
                parts.append(f"{phrase} {_n(count, 'THT')} THT" + (f" ({pct})" if pct else ""))
        if parts:
            s += ", trong đó " + ", ".join(parts)
        extra = []
        if v("THT_AVG_REVENUE") is not None:
            extra.append(f"doanh thu bình quân {_n(v('THT_AVG_REVENUE'), 'triệu đồng')} triệu đồng/THT/năm")
        if v("THT_AVG_INCOME_MONTH") is not None:
            extra.append(f"thu nhập bình quân {_n(v('THT_AVG_INCOME_MONTH'), 'triệu đồng')} "
                         f"triệu đồng/người/tháng")
        if extra:
            s += "; " + "; ".join(extra)
        out.append(s + ".")
    unions = v("LHHTX_TOTAL")
    funds = v("QTDND_TOTAL")
    parts = []
    if unions is not None:
        s = f"{_n(unions, 'LHHTX')} liên hiệp HTX"
        if v("LHHTX_AGRI") is not None:
            s += f" (trong đó {_n(v('LHHTX_AGRI'), 'LHHTX')} liên hiệp HTX nông nghiệp)"
        details = []
        if v("LHHTX_MEMBER_HTX") is not None:
            details.append(f"{_n(v('LHHTX_MEMBER_HTX'))} HTX thành viên")
        if v("LHHTX_WORKERS") is not None:
            details.append(f"{_n(v('LHHTX_WORKERS'), 'người')} lao động")
        if v("LHHTX_CHARTER_CAPITAL") is not None:
            details.append(f"tổng vốn đăng ký {_n(v('LHHTX_CHARTER_CAPITAL'), 'triệu đồng')} triệu đồng")
        if details:
            s += " với " + ", ".join(details)
        parts.append(s)
    if funds is not None:
        s = f"{_n(funds, 'QTDND')} quỹ tín dụng nhân dân"
        details = []
        for code, phrase in (("QTDND_MEMBERS", "thành viên"), ("QTDND_WORKERS", "lao động"),
                             ("QTDND_MANAGERS", "cán bộ quản lý")):
            if v(code) is not None:
                details.append(f"{_n(v(code), 'người')} {phrase}")
        if details:
            s += " với " + ", ".join(details)
        capital = []
        if v("QTDND_TOTAL_CAPITAL") is not None:
            capital.append(f"tổng nguồn vốn hoạt động {_n(v('QTDND_TOTAL_CAPITAL'), 'triệu đồng')} triệu đồng")
        sub = []
        if v("QTDND_EQUITY") is not None:
            sub.append(f"vốn chủ sở hữu {_n(v('QTDND_EQUITY'), 'triệu đồng')} triệu đồng")
        if v("QTDND_MOBILISED") is not None:
            sub.append(f"vốn huy động {_n(v('QTDND_MOBILISED'), 'triệu đồng')} triệu đồng")
        if capital and sub:
            capital[0] += " (trong đó " + ", ".join(sub) + ")"
        if v("QTDND_LOANS") is not None:
            capital.append(f"dư nợ cho vay {_n(v('QTDND_LOANS'), 'triệu đồng')} triệu đồng")
        if capital:
            s += "; " + "; ".join(capital)
        parts.append(s)
    if parts:
        out.append("Toàn tỉnh có " + "; ".join(parts) + ".")
    return out


def incomplete_sentence(d: PeriodData) -> str:
    if d.is_complete:
        return ""
    expected = len(d.units)
    missing = d.missing_unit_names
    if missing:
        present = expected - len(missing)
        return (f"*Lưu ý: số liệu chưa đầy đủ — chưa có báo cáo của {len(missing)}/{expected} đơn vị "
                f"({', '.join(missing)}); các số liệu toàn tỉnh dưới đây là tổng của {present} đơn vị đã báo cáo, "
                f"chưa phải số liệu chính thức của toàn tỉnh.*")
    return ("*Lưu ý: số liệu chưa đầy đủ — một số số liệu toàn tỉnh dưới đây được tổng hợp từ các đơn vị đã báo "
            "cáo, chưa phải số liệu chính thức của toàn tỉnh.*")


def units_sentence(d: PeriodData) -> str:
    """Which reporting units the figures come from, counted from the register in force: "Số liệu tổng hợp từ báo
    cáo của 54 xã, phường, đặc khu (22 xã, 30 phường, 2 đặc khu)." ("" without units)."""
    if not d.units:
        return ""
    counts = [(k, n) for k, n in d.unit_kind_counts() if k]
    detail = f" ({', '.join(f'{format_vn(n)} {k}' for k, n in counts)})" if len(counts) > 1 else ""
    missing = len([u for u in d.units if u["unit_code"] in d.missing_units])
    if missing:
        return (f"Số liệu tổng hợp từ báo cáo của {format_vn(len(d.units) - missing)} trong tổng số "
                f"{d.units_phrase()}{detail}.")
    return f"Số liệu tổng hợp từ báo cáo của {d.units_phrase()}{detail}."


def render_paragraph_data(d: PeriodData) -> str:
    blocks = [f"**{HEADING}**"]
    note = incomplete_sentence(d)
    if note:
        blocks.append(note)
    units = units_sentence(d)
    blocks.append(" ".join(_sentences_htx(d) + ([units] if units else [])))
    others = _sentences_others(d)
    if others:
        blocks.append(" ".join(others))
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
