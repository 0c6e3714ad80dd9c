"""Second tester's writers: multi-row group headers, formulas, multi-sheet continuation, soffice conversion,
Windows-1258 CSV. Population/oracle helpers come from the first tester's common.py (read-only import)."""
import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *  # noqa: F401,F403  (check_digit, gen_htx, reconcile, oracle, vn_number, ...)
from common import HTX, SECTOR_ORDER, SECTION_TITLE, SUMMARY_LABELS, PEOPLE, vn_number, strip_diacritics
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258_bytes(s):
    """Encode Vietnamese text the way Windows-1258 does: base letter (with circumflex/breve/horn precomposed when
    the code page has it) followed by a combining tone mark."""
    out = []
    for ch in s:
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in d if c not in TONES)
        tones = "".join(c for c in d if c in TONES)
        base = unicodedata.normalize("NFC", base)
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


# ---------------------------------------------------------------- listing columns
# a column spec: (field, header text); groups: ("G", group text, [(field, text), ...]); a 3-row header adds a
# super-group ("S", text, [items...]) whose items may be singles or groups.
def leaves(items):
    out = []
    for it in items:
        if it[0] == "S":
            out += leaves(it[2])
        elif it[0] == "G":
            out += [f for f, _ in it[2]]
        else:
            out.append(it[0])
    return out


def depth(items):
    d = 1
    for it in items:
        if it[0] == "S":
            d = max(d, 1 + depth(it[2]))
        elif it[0] == "G":
            d = max(d, 2)
    return d


def write_header(ws, r0, items, nrows, c0=1):
    """Write the header block at rows r0..r0+nrows-1; return the next row."""
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")

    def put(r, c, text, r2, c2):
        cell = ws.cell(r, c, text)
        cell.font = bold
        cell.alignment = wrap
        if r2 > r or c2 > c:
            ws.merge_cells(start_row=r, start_column=c, end_row=r2, end_column=c2)

    def go(its, r, c, rows_left):
        for it in its:
            if it[0] == "S":
                n = len(leaves(it[2]))
                put(r, c, it[1], r, c + n - 1)
                go(it[2], r + 1, c, rows_left - 1)
                c += n
            elif it[0] == "G":
                n = len(it[2])
                put(r, c, it[1], r, c + n - 1)
                for k, (f, t) in enumerate(it[2]):
                    put(r + 1, c + k, t, r + rows_left - 1, c + k)
                c += n
            else:
                if it[1] is not None:
                    put(r, c, it[1], r + rows_left - 1, c)
                c += 1
    go(items, r0, c0, nrows)
    return r0 + nrows


SUMMED = ["members", "workers", "mw", "managers", "ps", "cp", "capital", "revenue", "profit", "ocop"]
MONEY = ("capital", "revenue", "profit")


def cell_value(h, f, stt, unit_of, formulas):
    """Written value of field f for cooperative h. unit_of(f) -> triệu per written unit."""
    if f == "stt":
        return stt
    if f in ("spacer",):
        return None
    if f in h.get("cells", {}):
        return h["cells"][f]
    if f == "name":
        return h.written_name
    if f == "code":
        return h.cell_code
    if f == "reg":
        return h.reg_cell
    if f == "diss":
        return h.diss_cell
    if f == "addr":
        return h.addr_text
    if f == "sector":
        return h.sector_text
    if f == "status":
        return h.status_text
    if f == "grade":
        return h.grade_text
    if f in ("hightech", "chain"):
        return h.mark if h[f] else None
    if f == "note":
        return h.get("note")
    if f == "phone":
        return "0203" + str(int(h.code) % 10 ** 6).zfill(6)
    v = {"members": h.members, "workers": h.workers, "mw": h.mw, "managers": h.managers, "ps": h.ps, "cp": h.cp,
         "capital": h.capital, "revenue": h.revenue, "profit": h.profit, "income": h.income, "ocop": h.ocop}[f]
    if v is None:
        return None
    if f in MONEY:
        v = round(v / unit_of(f), 9)
        if float(v).is_integer():
            v = int(v)
        if formulas and f == "capital" and not isinstance(v, int):
            return f"=ROUND({v!r}+0.02,1)" if unit_of(f) == 1.0 else v
    if f == "ocop" and v == 0:
        return None
    return v


def num(h, f, unit_of):
    v = {"members": h.members, "workers": h.workers, "mw": h.mw, "managers": h.managers, "ps": h.ps, "cp": h.cp,
         "capital": h.capital, "revenue": h.revenue, "profit": h.profit, "ocop": h.ocop}[f]
    if v is None:
        return 0
    return v / unit_of(f) if f in MONEY else v


def write_listing(wb, sheetnames, title_lines, items, rows, opts, rng):
    """opts: sections(bool), subtotal ('sector' form 'Cộng lĩnh vực …'), grand ('top'|'bottom'|None),
    formulas(bool: SUM formulas in totals, ROUND in capital), split=[n1, n2] rows per sheet for continuation,
    khong_co(bool), unit_of(f) -> factor."""
    unit_of = opts["unit_of"]
    cols = leaves(items)
    nrows = depth(items)
    formulas = opts.get("formulas", False)
    parts = [rows]
    if opts.get("split"):
        a, b = opts["split"]
        parts = [rows[:a], rows[a:a + b], rows[a + b:]]
    sheets = [wb.create_sheet(n) for n in sheetnames[:len(parts)]]
    ws = sheets[0]
    r = 1
    for t in title_lines:
        if isinstance(t, tuple):
            for j, x in enumerate(t):
                ws.cell(r, 1 + j, x)
        else:
            ws.cell(r, 1, t)
        r += 1
    r += 1
    r = write_header(ws, r, items, nrows)
    if opts.get("numbers_row"):
        for j, f in enumerate(cols):
            ws.cell(r, 1 + j, f"({j + 1})")
        r += 1
    namec = cols.index("name") + 1
    data_cells = []       # (sheet, row) of every written data row
    top_row = None
    if opts.get("grand") == "top":
        top_row = r
        r += 1
    if not rows and opts.get("khong_co"):
        ws.cell(r, namec, "Không có")
        r += 1
    stt = 0
    pos = {0: r}
    for pi, part in enumerate(parts):
        ws = sheets[pi]
        if pi > 0:
            r = 1
            if pi == 2:
                ws.cell(1, namec, "(tiếp theo)")
                r = 2
            if opts.get("cont_header"):
                r = write_header(ws, r, items, nrows)
        else:
            r = pos[0]
        groups = [(None, part)]
        if opts.get("sections"):
            groups = [(s, [h for h in part if h.sector_group == s]) for s in SECTOR_ORDER]
            groups = [g for g in groups if g[1]]
        for gi, (s, g) in enumerate(groups):
            if s is not None:
                ws.cell(r, namec, f"{['I', 'II', 'III', 'IV', 'V', 'VI', 'VII'][gi]}. {SECTION_TITLE[s]}")
                r += 1
            first = r
            for h in g:
                stt += 1
                for j, f in enumerate(cols):
                    v = cell_value(h, f, stt, unit_of, formulas)
                    if v is not None:
                        c = ws.cell(r, 1 + j, v)
                        if isinstance(v, dt.datetime):
                            c.number_format = "dd/mm/yyyy"
                data_cells.append((ws, r, h))
                r += 1
            if s is not None and opts.get("subtotal"):
                ws.cell(r, namec, f"Cộng lĩnh vực {SECTION_TITLE[s].lower()}").font = Font(bold=True)
                for f in SUMMED:
                    if f in cols:
                        c = cols.index(f) + 1
                        L = get_column_letter(c)
                        if formulas:
                            ws.cell(r, c, f"=SUM({L}{first}:{L}{r - 1})")
                        else:
                            ws.cell(r, c, _clean(sum(num(h, f, unit_of) for h in g)))
                r += 1
        pos[pi] = r
    if opts.get("grand") in ("top", "bottom"):
        if opts["grand"] == "top":
            ws_t, rt = sheets[0], top_row
        else:
            ws_t, rt = sheets[-1], pos[len(parts) - 1]
            pos[len(parts) - 1] += 1
        ws_t.cell(rt, namec, opts.get("grand_label", "Tổng cộng")).font = Font(bold=True)
        for f in SUMMED:
            if f in cols:
                c = cols.index(f) + 1
                L = get_column_letter(c)
                if formulas:
                    refs = []
                    for (wsx, rx, _) in data_cells:
                        pre = "" if wsx is ws_t else f"'{wsx.title}'!"
                        refs.append(f"{pre}{L}{rx}")
                    ws_t.cell(rt, c, "=" + "+".join(refs) if refs else 0)
                else:
                    ws_t.cell(rt, c, _clean(sum(num(h, f, unit_of) for h in rows)))
    # tail
    ws = sheets[-1]
    r = pos[len(parts) - 1] + 1
    if not opts.get("no_note"):
        ws.cell(r, namec, "Ghi chú: số liệu lũy kế từ 01/01 đến cuối kỳ báo cáo.")
    ws.cell(r + 2, namec, "Người lập biểu")
    ws.cell(r + 2, max(4, len(cols) - 3), "TM. ỦY BAN NHÂN DÂN")
    ws.cell(r + 6, namec, rng.choice(PEOPLE))
    for s in sheets:
        for j in range(len(cols)):
            s.column_dimensions[get_column_letter(j + 1)].width = 13
        s.column_dimensions[get_column_letter(namec)].width = 38
    return sheets


def _clean(v):
    v = round(v, 9)
    return int(v) if float(v).is_integer() else v


def write_summary(ws, rng, title_lines, values, style, deltas=None):
    """style: dict(extra_before=bool (a 'Cùng kỳ năm trước' numeric column before 'Số liệu'),
    extra_after=bool ('So sánh (%)', 'Ghi chú'), trong_do=bool)."""
    r = 1
    for t in title_lines:
        ws.cell(r, 1, t if isinstance(t, str) else " ".join(str(x) for x in t))
        r += 1
    r += 1
    hdr = ["STT", "Chỉ tiêu", "Đơn vị tính"]
    if style.get("extra_before"):
        hdr.append("Cùng kỳ năm 2024")
    hdr.append("Số liệu" if not style.get("so_lieu_text") else style["so_lieu_text"])
    if style.get("extra_after"):
        hdr += ["So với cùng kỳ (%)", "Ghi chú"]
    for j, x in enumerate(hdr):
        ws.cell(r, 1 + j, x).font = Font(bold=True)
    vcol = hdr.index("Số liệu" if not style.get("so_lieu_text") else style["so_lieu_text"]) + 1
    r += 1
    order = ["HTX_TOTAL", "HTX_ACTIVE", "HTX_NEW", "HTX_DISSOLVED", "HTX_MEMBERS", "HTX_WORKERS",
             "HTX_MEMBER_WORKERS", "HTX_MANAGERS", "HTX_MANAGERS_PRIMARY_SECONDARY",
             "HTX_MANAGERS_COLLEGE_PLUS", "HTX_CHARTER_CAPITAL", "THT_TOTAL", "THT_MEMBERS"]
    stt = {"HTX_TOTAL": "1", "HTX_MEMBERS": "2", "HTX_WORKERS": "3", "HTX_MANAGERS": "4",
           "HTX_CHARTER_CAPITAL": "5", "THT_TOTAL": "6"}
    trong_do_lab = {"HTX_ACTIVE": "- HTX đang hoạt động", "HTX_NEW": "- HTX thành lập mới",
                    "HTX_DISSOLVED": "- HTX giải thể", "HTX_MEMBER_WORKERS": "- Lao động là thành viên",
                    "HTX_MANAGERS_PRIMARY_SECONDARY": "- Sơ cấp, trung cấp",
                    "HTX_MANAGERS_COLLEGE_PLUS": "- Cao đẳng, đại học trở lên",
                    "THT_MEMBERS": "- Số thành viên THT"}
    for code in order:
        if code not in values:
            continue
        v = values[code]
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        labels, unit = SUMMARY_LABELS[code]
        if style.get("trong_do") and code in trong_do_lab:
            if code in ("HTX_ACTIVE", "HTX_MEMBER_WORKERS", "HTX_MANAGERS_PRIMARY_SECONDARY", "THT_MEMBERS"):
                ws.cell(r, 2, "Trong đó:")
                r += 1
            lab = trong_do_lab[code]
        else:
            lab = labels[0]
        ws.cell(r, 1, stt.get(code))
        ws.cell(r, 2, lab)
        ws.cell(r, 3, unit)
        ws.cell(r, vcol, v)
        if style.get("extra_before"):
            ws.cell(r, vcol - 1, (v * 0.8 + 3) if isinstance(v, (int, float)) else None)
        if style.get("extra_after"):
            ws.cell(r, vcol + 1, 107.5)
            ws.cell(r, vcol + 2, rng.choice([None, "Ước", "Theo ĐKKD"]))
        r += 1
        if code == "HTX_TOTAL" and style.get("trong_do"):
            # sub-items that are not indicators of the summary synonyms
            ws.cell(r, 2, "Chia theo lĩnh vực:")
            r += 1
            for s in ("AGRI", "TRADE"):
                ws.cell(r, 2, f"+ HTX {SECTION_TITLE[s].lower()}")
                ws.cell(r, 3, "HTX")
                ws.cell(r, vcol, values.get(f"_SEC_{s}"))
                r += 1
    r += 1
    ws.cell(r, 2, "Người lập biểu")
    ws.cell(r, 4, "TM. ỦY BAN NHÂN DÂN")
    ws.column_dimensions["B"].width = 45


def write_tht(wb, sheetname, title_lines, thts, opts):
    ws = wb.create_sheet(sheetname)
    r = 1
    for t in title_lines:
        ws.cell(r, 1, t if isinstance(t, str) else " ".join(str(x) for x in t))
        r += 1
    r += 1
    hdr = opts.get("hdr") or ["STT", "Tên THT", "Người đại diện", "Địa chỉ", "Lĩnh vực", "Số thành viên",
                              "Doanh thu (triệu đồng/năm)", "Thu nhập bình quân (triệu đồng/người/tháng)"]
    for j, x in enumerate(hdr):
        c = ws.cell(r, 1 + j, x)
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True)
    r += 1
    if not thts and opts.get("khong_co"):
        ws.cell(r, 2, "Không có")
        r += 1
    for i, t in enumerate(thts):
        vals = [i + 1, t.written_name, t.rep, t.addr_text, t.sector_text, t.members, t.revenue, t.income]
        for j, v in enumerate(vals):
            if v is not None:
                ws.cell(r, 1 + j, v)
        r += 1
    r += 1
    ws.cell(r, 2, "Người lập biểu")
    return ws


def save_as(wb, path, soffice_always=False):
    """Save to path; .xls/.ods/.xlsm (and formula .xlsx when soffice_always) go through LibreOffice so that
    formula cells carry cached values."""
    ext = path.rsplit(".", 1)[1].lower()
    if ext == "xlsx" and not soffice_always:
        wb.save(path)
        return
    tmpd = tempfile.mkdtemp()
    src = os.path.join(tmpd, "src.xlsx")
    wb.save(src)
    outd = os.path.join(tmpd, "out")
    os.makedirs(outd)
    filt = {"xls": "xls", "ods": "ods", "xlsm": 'xlsm:Calc MS Excel 2007 VBA XML', "xlsx": "xlsx"}[ext]
    subprocess.run(["soffice", "--headless", "--convert-to", filt, "--outdir", outd, src], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180)
    shutil.move(os.path.join(outd, "src." + ext), path)
    shutil.rmtree(tmpd)
