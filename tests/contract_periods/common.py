"""Shared helpers for the adversarial generator: codes, text mess, workbook writers, oracle."""
import csv
import datetime as dt
import json
import os
import random
import unicodedata

from openpyxl import Workbook
from openpyxl.styles import Font

# the packaged unit registers of province 22 (same content as the contract's spec/*.csv)
SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kttt_pipeline", "vocab", "provinces",
                    "22")
W = [31, 29, 23, 19, 17, 13, 7, 5, 3]


# ---------------------------------------------------------------- tax codes
def check_digit(d9):
    s = sum(int(a) * w for a, w in zip(d9, W))
    c = 10 - (s % 11)
    return c if c < 10 else None


def is_valid(code):
    return len(code) == 10 and code.isdigit() and check_digit(code[:9]) == int(code[9])


def new_code(rng, used):
    while True:
        d9 = "57" + "".join(str(rng.randint(0, 9)) for _ in range(7))
        c = check_digit(d9)
        if c is None:
            continue
        code = d9 + str(c)
        if code in used:
            continue
        used.add(code)
        return code


def bad_check(code):
    c = int(code[9])
    return code[:9] + str((c + 3) % 10)


# ---------------------------------------------------------------- text
def nfd(s):
    return unicodedata.normalize("NFD", s) if isinstance(s, str) else s


def strip_diacritics(s):
    s = unicodedata.normalize("NFD", s)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", s).replace("đ", "d").replace("Đ", "D")


def vn_number(x, decimals=None):
    """Vietnamese style: thousands '.', decimal ','. Keeps every significant decimal (up to 6)."""
    if decimals is None:
        t = f"{float(x):.6f}".rstrip("0")
        decimals = len(t.split(".")[1]) if "." in t else 0
    s = f"{x:,.{decimals}f}"
    return s.replace(",", "X").replace(".", ",").replace("X", ".")


def excel_serial(d):
    return (d - dt.date(1899, 12, 30)).days


def fmt_date(d, style):
    if style == "excel":
        return dt.datetime(d.year, d.month, d.day)
    if style == "dmy":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "dmy_short":
        return f"{d.day}/{d.month}/{d.year}"
    if style == "dmy_dash":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if style == "dmy_dot":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "ymd_dot":
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if style == "serial_text":
        return str(excel_serial(d))
    raise ValueError(style)


def read_units():
    # the packaged register may hold dated rows of one unit (issue 27: Đông Triều a thành phố from 1/11/2024, the
    # province from 1/9/2026); the contract's spec/admin_units.csv has one row per unit: the first one
    with open(os.path.join(SPEC, "admin_units.csv"), encoding="utf-8") as f:
        rows = {}
        for r in csv.DictReader(f):
            rows.setdefault(r["unit_code"], r)
        return list(rows.values())


def read_crosswalk():
    with open(os.path.join(SPEC, "commune_crosswalk_2025.csv"), encoding="utf-8") as f:
        return list(csv.DictReader(f))


SECTOR_TEXTS = {
    "AGRI": ["Nông nghiệp", "Nông nghiệp tổng hợp", "Thủy sản", "Nuôi trồng thủy sản", "Lâm nghiệp",
             "Nông - lâm - ngư nghiệp"],
    "INDUSTRY": ["Công nghiệp", "Tiểu thủ công nghiệp", "CN - TTCN"],
    "CONSTRUCTION": ["Xây dựng"],
    "ENVIRONMENT": ["Vệ sinh môi trường", "Môi trường"],
    "TRANSPORT": ["Vận tải"],
    "TRADE": ["Thương mại", "Dịch vụ", "Thương mại - dịch vụ"],
    "OTHER": ["Khác"],
}
SECTOR_NAMEWORD = {
    "AGRI": ["nông nghiệp", "dịch vụ nông nghiệp", "chăn nuôi", "thủy sản", "nông lâm nghiệp", "trồng rừng",
             "rau an toàn", "chè"],
    "INDUSTRY": ["cơ khí", "tiểu thủ công nghiệp", "mây tre đan", "chế biến gỗ"],
    "CONSTRUCTION": ["xây dựng"],
    "ENVIRONMENT": ["môi trường", "vệ sinh môi trường"],
    "TRANSPORT": ["vận tải", "vận tải thủy"],
    "TRADE": ["thương mại", "dịch vụ tổng hợp", "thương mại dịch vụ"],
    "OTHER": ["dịch vụ điện", "nước sạch", "du lịch"],
}
SECTOR_ORDER = ["AGRI", "INDUSTRY", "CONSTRUCTION", "ENVIRONMENT", "TRANSPORT", "TRADE", "OTHER"]
SECTION_TITLE = {
    "AGRI": "Nông nghiệp", "INDUSTRY": "Công nghiệp - TTCN", "CONSTRUCTION": "Xây dựng",
    "ENVIRONMENT": "Vệ sinh môi trường", "TRANSPORT": "Vận tải", "TRADE": "Thương mại - dịch vụ",
    "OTHER": "Lĩnh vực khác",
}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]

STATUS_TEXTS = {
    "ACTIVE": ["Đang hoạt động", "Đang HĐ", "ĐANG HOẠT ĐỘNG", "Dang hoat dong", "Đang hoạt  động "],
    "SUSPENDED": ["Tạm ngừng hoạt động", "Tạm ngừng HĐ"],
    "NOT_STARTED": ["Chưa đi vào hoạt động", "Chưa HĐ"],
    "DISSOLVING": ["Đang làm thủ tục giải thể", "Đang làm TT giải thể"],
    "DISSOLVED": ["Đã giải thể"],
}
GRADE_TEXTS = {"Tốt": ["Tốt", "TỐT", "Tot"], "Khá": ["Khá", "Kha"], "Trung bình": ["Trung bình", "TB"],
               "Yếu": ["Yếu", "Yếu kém"]}
TAX_TEXT = {
    "00": "NNT đang hoạt động (đã được cấp GCN ĐKT)",
    "01": "NNT ngừng hoạt động và đã hoàn thành thủ tục chấm dứt hiệu lực MST",
    "02": "NNT đã chuyển cơ quan thuế quản lý",
    "03": "NNT ngừng hoạt động nhưng chưa hoàn thành thủ tục chấm dứt hiệu lực MST",
    "04": "NNT đang hoạt động (được cấp thông tin MST)",
    "05": "NNT tạm ngừng hoạt động có thời hạn",
    "06": "NNT không hoạt động tại địa chỉ đã đăng ký",
    "07": "NNT chờ làm thủ tục phá sản",
}

SYL = ["Hưng Thịnh", "Phú Cường", "An Khang", "Bình Yên", "Tân Tiến", "Đại Phát", "Hòa Thuận", "Minh Châu",
       "Quang Vinh", "Thành Công", "Việt Thắng", "Đông Hải", "Hải Đăng", "Sơn Hà", "Kim Ngân", "Ngọc Mai",
       "Hồng Phát", "Thanh Tâm", "Phúc Lợi", "Đức Tài", "Vĩnh Phong", "Tiến Đạt", "Ánh Dương", "Bảo Ngọc",
       "Cát Tường", "Diệu Hương", "Gia Hòa", "Hoàng Kim", "Khánh Hòa", "Mạnh Hùng", "Nhật Quang", "Phước An",
       "Quý Đôn", "Tài Lộc", "Thái Bảo", "Uy Vũ", "Vạn Xuân", "Yên Khê", "Bích Thủy", "Cẩm Tú", "Duy Khánh",
       "Hạnh Phúc", "Huy Hoàng", "Kiều Oanh", "Lạc Hồng", "Mỹ Lệ", "Nghĩa Hiệp", "Phương Đông", "Quế Lâm",
       "Sao Mai", "Thiên Ân", "Tuệ Minh", "Vân Anh", "Xanh Tươi", "Hoa Ban", "Đồng Tâm", "Bến Cảng",
       "Thắng Lợi", "Hợp Nhất", "Toàn Thắng", "Tiền Phong", "Đoàn Kết", "Hữu Nghị", "Thống Nhất Xanh",
       "Mai Động", "Đất Mỏ", "Biển Bạc", "Rừng Vàng", "Núi Đá", "Sông Cầu", "Cánh Buồm", "Hòn Ngọc",
       "Ngàn Thông", "Suối Mơ", "Hải Âu", "Cồn Cát", "Bãi Sú", "Khe Tre", "Ba Đình", "Cầu Trắng",
       "Lũng Vầy", "Pò Hèn", "Nà Làng", "Đồng Mỏ", "Khe Sâu", "Vũng Đục", "Cột Đồng", "Bình Ngọc", "Đèo Gió",
       "Đá Bàn", "Đồng Rui", "Hà Lâu", "Lục Nà", "Tình Húc", "Húc Động", "Đồn Đạc", "Thanh Sơn", "Kỳ Vân",
       "Ngọc Xuyên", "Vân Long"]
THT_WORDS = ["trồng hồi", "nuôi ong", "trồng rau", "đan lát", "nuôi cá", "sản xuất chè", "dịch vụ du lịch",
             "khai thác thủy sản", "trồng keo", "làm hương", "chăn nuôi gà"]
PEOPLE = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Hoa",
          "Đặng Văn Giang", "Bùi Thị Hạnh", "Đỗ Văn Khải", "Ngô Thị Lan", "Lý Văn Minh", "Chu Thị Nga"]


# ---------------------------------------------------------------- population
class HTX(dict):
    __getattr__ = dict.get

    def __setattr__(self, k, v):
        self[k] = v


def gen_htx(rng, unit, core, used_codes, year, end, commune, new_share=0.12):
    sector = rng.choices(SECTOR_ORDER, weights=[60, 8, 5, 4, 8, 12, 3])[0]
    status = rng.choices(["ACTIVE", "SUSPENDED", "NOT_STARTED", "DISSOLVING"], weights=[76, 4, 12, 8])[0]
    h = HTX(unit=unit, sector=sector, sector_text=rng.choice(SECTOR_TEXTS[sector]),
            nameword=rng.choice(SECTOR_NAMEWORD[sector]), core=core, status=status, commune=commune)
    h.code = new_code(rng, used_codes)
    h.name = f"Hợp tác xã {h.nameword} {core}"
    h.written_name = rng.choice([f"HTX {h.nameword} {core}", f"Hợp tác xã {h.nameword} {core}"])
    h.written_code = h.code
    if rng.random() < new_share:
        start = dt.date(year, 1, 1)
        h.reg = start + dt.timedelta(days=rng.randint(0, (end - start).days - 3))
    else:
        h.reg = dt.date(rng.randint(2004, year - 1), rng.randint(1, 12), rng.randint(1, 28))
    h.diss = None
    h.grade = None
    if status == "ACTIVE":
        h.grade = rng.choices(["Tốt", "Khá", "Trung bình", "Yếu"], weights=[20, 25, 40, 15])[0]
    h.members = rng.randint(7, 260)
    h.workers = rng.randint(5, 180)
    h.mw = rng.randint(0, h.workers)
    h.managers = rng.randint(3, 12)
    h.ps = rng.randint(0, h.managers)
    h.cp = rng.randint(0, h.managers - h.ps)
    h.capital = float(rng.choice([rng.randint(1, 200) * 50, rng.randint(100, 9000),
                                  round(rng.uniform(100, 6000), 1)]))
    if status in ("ACTIVE", "SUSPENDED", "DISSOLVING"):
        h.revenue = float(rng.randint(40, 4000))
        h.profit = float(rng.randint(0, int(h.revenue // 3)))
        h.income = round(rng.uniform(30, 110), 1)
    else:
        h.revenue = h.profit = h.income = None
    h.ocop = rng.choice([1, 1, 2, 3]) if rng.random() < 0.12 else 0
    h.hightech = rng.random() < 0.08
    h.chain = rng.random() < 0.12
    h.words = {}        # field -> prefix word ("khoảng", "trên")
    h.quarantine = None
    h.flags = set()
    # tax record
    if status == "ACTIVE":
        ts = rng.choices(["00", "04", "02"], weights=[75, 18, 7])[0]
        rev = rng.randint(20, 3000) * 1_000_000 + rng.randint(0, 999) * 1000 if rng.random() < 0.9 else 0
        h.tax = dict(status=ts, date=None, revenue=rev)
    elif status == "SUSPENDED":
        h.tax = dict(status="05", date=end - dt.timedelta(days=rng.randint(30, 300)), revenue=0)
    elif status == "NOT_STARTED":
        h.tax = dict(status=rng.choice(["00", "04"]), date=None, revenue=rng.choice([0, None]))
    elif status == "DISSOLVING":
        h.tax = dict(status=rng.choice(["03", "06", "07"]), date=end - dt.timedelta(days=rng.randint(40, 900)),
                     revenue=0)
    h.tax["name"] = rng.choice([h.name.upper(), h.name])
    return h


def reconcile(h, year, end, period_overrides):
    """Return reconciled status/diss, append overrides."""
    st, diss = h.status, h.diss
    t = h.tax
    if t is not None and h.status == "ACTIVE":
        s = t["status"]
        if s in ("03", "06", "07"):
            st = "DISSOLVING"
        elif s == "05":
            st = "SUSPENDED"
        elif s == "01" and t["date"] is not None and t["date"] <= end:
            st, diss = "DISSOLVED", t["date"]
        if st != h.status:
            period_overrides.append(h)
    return st, diss


def oracle(htxs, thts, units, year, end):
    """htxs/thts: lists of entities with .unit (attributed unit) and .counted flags.
    Returns dict unit-> indicators (units list) and province '22' sums/averages (no LHHTX/QTDND/plan)."""
    start = dt.date(year, 1, 1)
    per = {u: dict(h=[], t=[], dissolved=0) for u in units}
    for h in htxs:
        if not h.counted:
            continue
        st, diss = h.rstatus, h.rdiss
        if st == "DISSOLVED":
            if diss is not None and start <= diss <= end:
                per[h.unit]["dissolved"] += 1
            if diss is not None and diss <= end:
                continue
        if h.reg > end:
            continue
        per[h.unit]["h"].append(h)
    for t in thts:
        if t.counted:
            per[t.unit]["t"].append(t)

    def compute(hs, ts, dissolved, unit_level=True):
        r = {}
        n = len(hs)
        active = []
        weak = susp = notst = dissolving = 0
        for h in hs:
            st = h.rstatus
            if st == "ACTIVE":
                t = h.tax
                ok = (h.grade not in ("Yếu",) and t is not None and t["status"] in ("00", "02", "04")
                      and (t["revenue"] or 0) > 0)
                if ok:
                    active.append(h)
                else:
                    weak += 1
            elif st == "SUSPENDED":
                susp += 1
            elif st == "NOT_STARTED":
                notst += 1
            elif st == "DISSOLVING":
                dissolving += 1
            else:
                raise AssertionError(st)
        r["HTX_TOTAL"] = n
        r["HTX_ACTIVE"] = len(active)
        r["HTX_GOOD"] = sum(1 for h in active if h.grade in ("Tốt", "Khá"))
        r["HTX_AVERAGE"] = sum(1 for h in active if h.grade in ("Trung bình", None))
        r["HTX_WEAK"] = weak
        r["HTX_SUSPENDED"] = susp
        r["HTX_NOT_STARTED"] = notst
        r["HTX_DISSOLVING"] = dissolving
        r["HTX_INACTIVE"] = n - len(active)
        assert n == len(active) + weak + susp + notst + dissolving
        r["HTX_NEW"] = sum(1 for h in hs if start <= h.reg <= end)
        r["HTX_DISSOLVED"] = dissolved
        for s in SECTOR_ORDER:
            c = sum(1 for h in hs if h.sector == s)
            r[f"HTX_SECTOR_{s}"] = c
            if n:
                r[f"HTX_SECTOR_{s}_PCT"] = 100.0 * c / n
        r["HTX_MEMBERS"] = sum(h.members for h in hs)
        r["HTX_WORKERS"] = sum(h.workers for h in hs)
        r["HTX_MEMBER_WORKERS"] = sum(h.mw for h in hs)
        r["HTX_MANAGERS"] = sum(h.managers for h in hs)
        r["HTX_MANAGERS_PRIMARY_SECONDARY"] = sum(h.ps for h in hs)
        r["HTX_MANAGERS_COLLEGE_PLUS"] = sum(h.cp for h in hs)
        r["HTX_CHARTER_CAPITAL"] = round(sum(h.capital for h in hs), 6)
        if active:
            r["HTX_AVG_REVENUE"] = sum(h.revenue for h in active) / len(active)
            r["HTX_AVG_PROFIT"] = sum(h.profit for h in active) / len(active)
            wsum = sum(h.workers for h in active)
            r["HTX_AVG_INCOME"] = sum(h.income * h.workers for h in active) / wsum
        r["HTX_OCOP"] = sum(1 for h in hs if h.ocop >= 1)
        r["HTX_OCOP_AGRI"] = sum(1 for h in hs if h.ocop >= 1 and h.sector == "AGRI")
        r["HTX_HIGHTECH"] = sum(1 for h in hs if h.hightech)
        r["HTX_IN_CHAINS"] = sum(1 for h in hs if h.chain)
        m = len(ts)
        r["THT_TOTAL"] = m
        for s in ("AGRI", "INDUSTRY", "OTHER"):
            c = sum(1 for t in ts if t.sector == s)
            r[f"THT_SECTOR_{s}"] = c
            if m:
                r[f"THT_SECTOR_{s}_PCT"] = 100.0 * c / m
        r["THT_MEMBERS"] = sum(t.members for t in ts)
        if m:
            r["THT_AVG_REVENUE"] = sum(t.revenue for t in ts) / m
            r["THT_AVG_INCOME_MONTH"] = sum(t.income * t.members for t in ts) / sum(t.members for t in ts)
        return r

    out = {}
    allh, allt, alld = [], [], 0
    for u in units:
        p = per[u]
        out[u] = compute(p["h"], p["t"], p["dissolved"])
        allh += p["h"]
        allt += p["t"]
        alld += p["dissolved"]
    out["22"] = compute(allh, allt, alld)
    return out


def summary_truth(ind):
    return {k: ind[k] for k in ind if k in ["HTX_TOTAL", "HTX_ACTIVE", "HTX_NEW", "HTX_DISSOLVED", "HTX_MEMBERS",
                                "HTX_WORKERS", "HTX_MEMBER_WORKERS", "HTX_MANAGERS",
                                "HTX_MANAGERS_PRIMARY_SECONDARY", "HTX_MANAGERS_COLLEGE_PLUS",
                                "HTX_CHARTER_CAPITAL", "THT_TOTAL", "THT_MEMBERS"]}


SUMMARY_LABELS = {
    "HTX_TOTAL": (["Tổng số HTX", "Tổng số hợp tác xã", "Số HTX lũy kế", "Tổng số HTX trên địa bàn"], "HTX"),
    "HTX_ACTIVE": (["HTX đang hoạt động", "Số HTX đang hoạt động", "Trong đó: HTX đang hoạt động"], "HTX"),
    "HTX_NEW": (["Thành lập mới", "HTX thành lập mới", "Số HTX thành lập mới trong kỳ"], "HTX"),
    "HTX_DISSOLVED": (["Giải thể", "HTX giải thể", "Số HTX giải thể trong kỳ"], "HTX"),
    "HTX_MEMBERS": (["Tổng số thành viên", "Thành viên HTX", "Số thành viên HTX"], "Người"),
    "HTX_WORKERS": (["Tổng số lao động", "Lao động thường xuyên", "Số lao động thường xuyên"], "Người"),
    "HTX_MEMBER_WORKERS": (["Lao động là thành viên", "Trong đó lao động là thành viên"], "Người"),
    "HTX_MANAGERS": (["Tổng số cán bộ quản lý", "Cán bộ quản lý HTX", "Số cán bộ quản lý", "Tổng số CBQL"],
                     "Người"),
    "HTX_MANAGERS_PRIMARY_SECONDARY": (["Trình độ sơ cấp, trung cấp", "Sơ cấp, trung cấp"], "Người"),
    "HTX_MANAGERS_COLLEGE_PLUS": (["Trình độ cao đẳng, đại học trở lên", "Cao đẳng, đại học trở lên"], "Người"),
    "HTX_CHARTER_CAPITAL": (["Tổng vốn điều lệ", "Vốn điều lệ", "Tổng số vốn điều lệ đăng ký"], "Triệu đồng"),
    "THT_TOTAL": (["Tổng số THT", "Tổng số tổ hợp tác", "Số tổ hợp tác"], "THT"),
    "THT_MEMBERS": (["Thành viên THT", "Số thành viên THT", "Tổng số thành viên tổ hợp tác"], "Người"),
}


def write_summary(ws, rng, title_rows, values, style):
    """style: 'numbered_label' (numbering inside label), 'stt_col', 'nodiac', 'upper'."""
    r = 1
    for t in title_rows:
        ws.cell(r, 1, t)
        r += 1
    r += 1
    hdr = ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"]
    if style == "upper":
        hdr = ["STT", "CHỈ TIÊU", "ĐVT", "SỐ LIỆU"] if False else ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"]
    for j, x in enumerate(hdr):
        ws.cell(r, 1 + j, x).font = Font(bold=True)
    r += 1
    if style == "numbers_row":
        for j in range(4):
            ws.cell(r, 1 + j, f"({j + 1})")
        r += 1
    order = ["HTX_TOTAL", "HTX_ACTIVE", "HTX_NEW", "HTX_DISSOLVED", "HTX_MEMBERS", "HTX_WORKERS",
             "HTX_MEMBER_WORKERS", "HTX_MANAGERS", "HTX_MANAGERS_PRIMARY_SECONDARY",
             "HTX_MANAGERS_COLLEGE_PLUS", "HTX_CHARTER_CAPITAL", "THT_TOTAL", "THT_MEMBERS"]
    nums = {"HTX_TOTAL": "1.", "HTX_ACTIVE": "a)", "HTX_NEW": "b)", "HTX_DISSOLVED": "c)", "HTX_MEMBERS": "2.",
            "HTX_WORKERS": "3.", "HTX_MEMBER_WORKERS": "-", "HTX_MANAGERS": "4.",
            "HTX_MANAGERS_PRIMARY_SECONDARY": "+", "HTX_MANAGERS_COLLEGE_PLUS": "+",
            "HTX_CHARTER_CAPITAL": "5.", "THT_TOTAL": "6.", "THT_MEMBERS": "-"}
    nums2 = {"HTX_TOTAL": "1", "HTX_ACTIVE": "1.1", "HTX_NEW": "1.2", "HTX_DISSOLVED": "1.3", "HTX_MEMBERS": "2",
             "HTX_WORKERS": "3", "HTX_MEMBER_WORKERS": "3.1", "HTX_MANAGERS": "4",
             "HTX_MANAGERS_PRIMARY_SECONDARY": "4.1", "HTX_MANAGERS_COLLEGE_PLUS": "4.2",
             "HTX_CHARTER_CAPITAL": "5", "THT_TOTAL": "6", "THT_MEMBERS": "6.1"}
    ws.cell(r, 2, "I. HỢP TÁC XÃ" if style != "nodiac" else "I. HOP TAC XA")
    r += 1
    for code in order:
        if code not in values:
            continue
        if code == "THT_TOTAL":
            ws.cell(r, 2, "II. TỔ HỢP TÁC" if style != "nodiac" else "II. TO HOP TAC")
            r += 1
        labels, unit = SUMMARY_LABELS[code]
        lab = rng.choice(labels)
        if style == "nodiac":
            lab = strip_diacritics(lab)
        elif style == "upper":
            lab = lab.upper()
        v = values[code]
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if style in ("stt_col", "numbers_row"):
            ws.cell(r, 1, nums2[code])
            ws.cell(r, 2, lab)
        else:
            ws.cell(r, 2, f"{nums[code]} {lab}")
        ws.cell(r, 3, unit)
        ws.cell(r, 4, v)
        r += 1
    r += 1
    ws.cell(r, 2, "Người lập biểu")
    ws.cell(r, 4, "TM. ỦY BAN NHÂN DÂN")
    ws.cell(r + 1, 4, "KT. CHỦ TỊCH")
    ws.cell(r + 4, 2, rng.choice(PEOPLE))
    ws.cell(r + 4, 4, rng.choice(PEOPLE))
    ws.column_dimensions["B"].width = 45


# ---------------------------------------------------------------- listing writer
HTX_BLOCKS = [["stt"], ["name"], ["code"], ["reg"], ["diss"], ["commune"], ["sector"], ["status"], ["grade"],
              ["members"], ["workers", "mw"], ["managers", "ps", "cp"], ["capital"], ["revenue"], ["profit"],
              ["income"], ["ocop"], ["hightech"], ["chain"]]
HEADER_CHOICES = {
    "stt": ["STT", "TT", "Số TT"],
    "name": ["Tên HTX", "Tên hợp tác xã"],
    "code": ["Mã số thuế", "MST", "Mã số HTX/MST", "Mã số HTX"],
    "reg": ["Ngày thành lập", "Ngày cấp GCN ĐK", "Ngày đăng ký"],
    "diss": ["Ngày giải thể"],
    "commune": ["Địa chỉ", "Xã/phường", "Địa chỉ trụ sở"],
    "sector": ["Lĩnh vực", "Lĩnh vực hoạt động", "Ngành nghề"],
    "status": ["Tình trạng", "Tình trạng hoạt động"],
    "grade": ["Xếp loại", "Đánh giá", "Phân loại"],
    "members": ["Số thành viên", "Thành viên"],
    "workers": ["Tổng số lao động", "Số lao động", "Lao động thường xuyên"],
    "mw": ["Trong đó: lao động là thành viên", "LĐ là thành viên"],
    "managers": ["Tổng số"],
    "ps": ["Sơ cấp, trung cấp", "Sơ cấp - trung cấp"],
    "cp": ["Cao đẳng, đại học trở lên", "Cao đẳng - đại học trở lên"],
    "capital": ["Vốn điều lệ"],
    "revenue": ["Doanh thu ước năm", "Doanh thu"],
    "profit": ["Lợi nhuận ước năm", "Lãi"],
    "income": ["Thu nhập bình quân (triệu đồng/người/năm)"],
    "ocop": ["Số sản phẩm OCOP", "OCOP"],
    "hightech": ["Ứng dụng CNC", "Công nghệ cao"],
    "chain": ["Chuỗi liên kết"],
    "note": ["Ghi chú"],
    "phone": ["Số điện thoại"],
    "spacer": [None],
}
GROUP_TOP = {"workers": "Lao động", "managers": "Cán bộ quản lý"}
SUMMED = ["members", "workers", "mw", "managers", "ps", "cp", "capital", "revenue", "profit", "ocop"]
MONEY = ["capital", "revenue", "profit"]
UNIT_SUFFIX = {"trieu": [" (triệu đồng)", " (tr.đ)", " (trđ)", " (Tr.đồng)"], "ty": [" (tỷ đ)", " (tỷ đồng)"],
               "nghin": [" (nghìn đồng)"]}
UNIT_FACTOR = {"trieu": 1.0, "ty": 1000.0, "nghin": 0.001}   # triệu per written unit


def make_layout(rng, **kw):
    blocks = [b[:] for b in HTX_BLOCKS]
    L = dict(header_rows=2, money_line="trieu", money_line_text="Đơn vị tính: triệu đồng", col_units={},
             sections=False, subtotal=None, grand=None, repeat_every=None, continuation=None,
             merge_fields=[], merge_total_label=False, notes=True, extra=["note"], spacers=0,
             name_late=False, stt_middle=False, total_delta={}, nfd=False, shuffle=True)
    L.update(kw)
    if L["shuffle"]:
        head = blocks[:3]
        rest = blocks[3:]
        rng.shuffle(rest)
        blocks = head + rest
    if L["name_late"]:
        nb = blocks.pop(1)
        blocks.insert(len(blocks) - 2, nb)
    if L["stt_middle"]:
        sb = blocks.pop(0)
        blocks.insert(len(blocks) // 2, sb)
    for e in L["extra"]:
        blocks.insert(rng.randint(2, len(blocks)), [e])
    for _ in range(L["spacers"]):
        blocks.insert(rng.randint(2, len(blocks) - 1), ["spacer"])
    if "drop" in kw:
        blocks = [b for b in blocks if b[0] not in kw["drop"]]
    if "drop_fields" in kw:
        blocks = [[f for f in b if f not in kw["drop_fields"]] for b in blocks]
        blocks = [b for b in blocks if b]
    L["blocks"] = blocks
    L["cols"] = [f for b in blocks for f in b]
    L["hdr"] = {f: rng.choice(HEADER_CHOICES[f]) for f in L["cols"] if f != "spacer"}
    for f, u in list(L["col_units"].items()):
        if isinstance(u, tuple):
            u, suf = u
            L["col_units"][f] = u
        else:
            suf = rng.choice(UNIT_SUFFIX[u])
        L["hdr"][f] = L["hdr"][f] + suf
    if L["header_rows"] == 1:
        L["hdr"].update(workers="Tổng số lao động", mw="Trong đó: lao động là thành viên",
                        managers="Tổng số cán bộ quản lý")
    return L


def money_factor(L, f):
    u = L["col_units"].get(f, L["money_line"])
    return UNIT_FACTOR[u]


def written_value(L, h, f, stt):
    if f == "stt":
        return stt
    if f == "name":
        return h.written_name
    if f == "code":
        return h.cell_code
    if f == "reg":
        return fmt_date(h.reg, h.date_style or "excel")
    if f == "diss":
        return fmt_date(h.diss, h.date_style or "dmy") if h.diss else None
    if f == "commune":
        if h.commune_text:
            return h.commune_text
        k, n = h.commune
        return {0: f"{k.lower()} {n}", 1: n, 2: f"Thôn 2, {k.lower()} {n}"}[int(h.code) % 3]
    if f == "sector":
        return h.sector_text
    if f == "status":
        return h.status_text
    if f == "grade":
        return h.grade_text
    if f in ("hightech", "chain"):
        return (h.mark or "x") if getattr(h, f) else h.nomark
    if f == "note":
        return h.note
    if f == "phone":
        return "0203" + str(int(h.code) % 10 ** 6).zfill(6)
    if f == "spacer":
        return None
    v = {"members": h.members, "workers": h.workers, "mw": h.mw, "managers": h.managers, "ps": h.ps, "cp": h.cp,
         "capital": h.capital, "revenue": h.revenue, "profit": h.profit, "income": h.income, "ocop": h.ocop}[f]
    if v is None:
        return None
    if f in MONEY:
        v = v / money_factor(L, f)
        v = round(v, 6)
        if float(v).is_integer():
            v = int(v)
    if f == "ocop" and v == 0:
        return h.ocop_zero
    if f in h.words:
        return f"{h.words[f]} {vn_number(v)}"
    if f in h.textnum:
        return vn_number(v)
    return v


def num_of(L, h, f):
    v = {"members": h.members, "workers": h.workers, "mw": h.mw, "managers": h.managers, "ps": h.ps, "cp": h.cp,
         "capital": h.capital, "revenue": h.revenue, "profit": h.profit, "ocop": h.ocop}[f]
    if v is None:
        return 0
    if f in MONEY:
        return v / money_factor(L, f)
    return v


def write_title(ws, r0, lines, ncols, motto=True):
    r = r0
    for i, t in enumerate(lines):
        if isinstance(t, tuple):
            for j, x in enumerate(t):
                ws.cell(r, 1 + j, x)
        else:
            ws.cell(r, 1, t)
        if motto and i == 0 and ncols > 8:
            ws.cell(r, ncols - 4, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        if motto and i == 1 and ncols > 8:
            ws.cell(r, ncols - 4, "Độc lập - Tự do - Hạnh phúc")
        r += 1
    return r + 1


def write_header(ws, r, L):
    cols = L["cols"]
    nh = L["header_rows"]
    c = 1
    if nh == 1:
        for j, f in enumerate(cols):
            if f != "spacer":
                ws.cell(r, 1 + j, L["hdr"][f]).font = Font(bold=True)
        return r + 1
    for b in L["blocks"]:
        if len(b) > 1:
            ws.cell(r, c, GROUP_TOP[b[0]]).font = Font(bold=True)
            ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + len(b) - 1)
            for k, f in enumerate(b):
                ws.cell(r + 1, c + k, L["hdr"][f]).font = Font(bold=True)
        else:
            f = b[0]
            if f != "spacer":
                ws.cell(r, c, L["hdr"][f]).font = Font(bold=True)
                ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
        c += len(b)
    if nh == 3:
        n = 1
        for j, f in enumerate(cols):
            if f != "spacer":
                ws.cell(r + 2, 1 + j, f"({n})")
                n += 1
    return r + nh


def col_of(L, f):
    return L["cols"].index(f) + 1


def write_total_row(ws, r, L, label, rows, delta=None):
    cols = L["cols"]
    namec = col_of(L, "name")
    if L["merge_total_label"]:
        # leftmost run of non-summed columns, up to and including the name column if it is in that run
        end = 1
        while end < len(cols) and cols[end] not in SUMMED and cols[end] not in ("income",) and end < 3:
            end += 1
        ws.cell(r, 1, label).font = Font(bold=True)
        if end > 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=end)
        if namec > end:
            pass
    else:
        ws.cell(r, namec, label).font = Font(bold=True)
    for f in SUMMED:
        if f in cols:
            s = sum(num_of(L, h, f) for h in rows)
            if delta and f in delta:
                s += delta[f]
            s = round(s, 6)
            if float(s).is_integer():
                s = int(s)
            ws.cell(r, col_of(L, f), s).font = Font(bold=True)


def write_data_row(ws, r, L, h, stt):
    for j, f in enumerate(L["cols"]):
        v = written_value(L, h, f, stt)
        if v is not None:
            if L["nfd"] and isinstance(v, str):
                v = nfd(v)
            cell = ws.cell(r, 1 + j, v)
            if isinstance(v, dt.datetime):
                cell.number_format = "dd/mm/yyyy"


def merge_runs(ws, L, segment_rows):
    for f in L["merge_fields"]:
        if f not in L["cols"]:
            continue
        c = col_of(L, f)
        i = 0
        while i < len(segment_rows):
            j = i
            v = ws.cell(segment_rows[i], c).value
            while (j + 1 < len(segment_rows) and segment_rows[j + 1] == segment_rows[j] + 1
                   and ws.cell(segment_rows[j + 1], c).value == v and v is not None):
                j += 1
            if j > i:
                ws.merge_cells(start_row=segment_rows[i], start_column=c, end_row=segment_rows[j], end_column=c)
            i = j + 1


def write_tail(ws, r, L, notes, rng):
    namec = col_of(L, "name")
    r += 1
    for n in notes:
        ws.cell(r, namec, n)
        r += 1
    r += 1
    ws.cell(r, namec, "Người lập biểu")
    ws.cell(r, max(4, len(L["cols"]) - 3), "TM. UBND")
    ws.cell(r + 1, max(4, len(L["cols"]) - 3), "CHỦ TỊCH")
    ws.cell(r + 4, namec, rng.choice(PEOPLE))
    ws.cell(r + 4, max(4, len(L["cols"]) - 3), rng.choice(PEOPLE))


def write_htx_listing(wb, rng, sheetnames, title_lines, rows, L, notes=None):
    """rows: written rows (HTX objects with presentation attributes). Returns list of worksheets."""
    cols = L["cols"]
    ncols = len(cols)
    if notes is None:
        notes = ["Ghi chú: Số liệu lũy kế từ đầu năm đến cuối kỳ báo cáo.",
                 "(*) HTX thành lập mới trong kỳ đã được tính vào tổng số."]
    tl = list(title_lines)
    if L["money_line_text"]:
        tl.append(L["money_line_text"])
    sheets = []
    # partition for continuation
    parts = [rows]
    if L["continuation"]:
        k = L["continuation"]
        parts = [rows[:k], rows[k:]]
    stt = 0
    for pi, part in enumerate(parts):
        ws = wb.create_sheet(sheetnames[pi])
        sheets.append(ws)
        r = write_title(ws, 1, tl if pi == 0 else [tl[0], "DANH SÁCH HỢP TÁC XÃ (tiếp theo)"], ncols)
        r = write_header(ws, r, L)
        header_start = r - L["header_rows"]
        if L["grand"] == "top" and pi == 0:
            write_total_row(ws, r, L, "Tổng cộng", rows, L["total_delta"])
            r += 1
        # sections
        if L["sections"]:
            groups = []
            for s in SECTOR_ORDER:
                g = [h for h in part if h.sector == s]
                if g:
                    groups.append((s, g))
        else:
            groups = [(None, part)]
        since_hdr = 0
        if not part and L.get("khong_co"):
            ws.cell(r, col_of(L, "name"), "Không có")
            r += 1
        for gi, (s, g) in enumerate(groups):
            if s is not None:
                title = SECTION_TITLE[s]
                if L.get("heading_split"):
                    ws.cell(r, col_of(L, "stt"), ROMAN[gi])
                    ws.cell(r, col_of(L, "name"), title)
                else:
                    ws.cell(r, col_of(L, "name"), f"{ROMAN[gi]}. {title}")
                r += 1
            seg = []
            for h in g:
                if L["repeat_every"] and since_hdr >= L["repeat_every"]:
                    merge_runs(ws, L, seg)
                    seg = []
                    r = write_header(ws, r, L)
                    since_hdr = 0
                stt += 1
                write_data_row(ws, r, L, h, stt)
                seg.append(r)
                r += 1
                since_hdr += 1
                if h.blank_after:
                    merge_runs(ws, L, seg)
                    seg = []
                    r += 1
            merge_runs(ws, L, seg)
            if s is not None and L["subtotal"]:
                lab = f"Cộng {ROMAN[gi]}" if L["subtotal"] == "roman" else f"Cộng lĩnh vực {SECTION_TITLE[s].lower()}"
                write_total_row(ws, r, L, lab, g)
                r += 1
        if L["grand"] == "bottom" and pi == len(parts) - 1:
            write_total_row(ws, r, L, rng.choice(["Tổng cộng", "Tổng số", "Cộng"]), rows, L["total_delta"])
            r += 1
        if pi == len(parts) - 1 and L["notes"]:
            write_tail(ws, r, L, notes, rng)
        for j in range(ncols):
            ws.column_dimensions[ws.cell(1, j + 1).column_letter].width = 14
        ws.column_dimensions[ws.cell(1, col_of(L, "name")).column_letter].width = 36
    return sheets


def write_tht_listing(wb, rng, sheetname, title_lines, thts, style):
    ws = wb.create_sheet(sheetname)
    r = write_title(ws, 1, title_lines, 8, motto=False)
    hdr = ["STT", "Tên THT", "Người đại diện", "Địa chỉ", "Lĩnh vực", "Số thành viên",
           "Doanh thu (triệu đồng/năm)", "Thu nhập bình quân (triệu đồng/người/tháng)"]
    order = list(range(8))
    if style.get("shuffle"):
        rest = order[2:]
        rng.shuffle(rest)
        order = order[:2] + rest
    for j, k in enumerate(order):
        ws.cell(r, 1 + j, hdr[k]).font = Font(bold=True)
    r += 1
    if style.get("numbers"):
        for j in range(8):
            ws.cell(r, 1 + j, f"({j + 1})")
        r += 1
    if not thts and style.get("khong_co"):
        ws.cell(r, 1 + order.index(1), "Không có")
        r += 1
    for i, t in enumerate(thts):
        vals = [i + 1, t.written_name, t.rep, t.addr, t.sector_text, t.members_cell, t.revenue, t.income_cell]
        for j, k in enumerate(order):
            if vals[k] is not None:
                ws.cell(r, 1 + j, vals[k])
        r += 1
    if thts and style.get("total"):
        ws.cell(r, 1 + order.index(1), "Tổng số")
        ws.cell(r, 1 + order.index(5), sum(t.members for t in thts))
        ws.cell(r, 1 + order.index(6), round(sum(t.revenue for t in thts), 6))
        r += 1
    r += 1
    ws.cell(r, 2, "Người lập biểu")
    ws.cell(r, 6, "TM. UBND")
    return ws
