"""p2: commune-era period 2026-Q2 reported by the 54 units of contract §11."""
import datetime as dt
import json
import os
import random
import shutil
import sys

from openpyxl import Workbook

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *  # noqa

OUT = os.path.abspath(sys.argv[1])  # the output folder (raw/, expected.json, population.json)
PERIOD, YEAR, END = "2026-Q2", 2026, dt.date(2026, 6, 30)
rng = random.Random(20260630)

allu = read_units()
units = [u for u in allu if u["level"] == "commune" and u["valid_from"] == "2025-07-01"]
assert len(units) == 54
UCODES = [u["unit_code"] for u in units]
UN = {u["unit_code"]: u for u in units}
DIST = {u["unit_code"]: u for u in allu if u["level"] == "district"}
MISSING = "06856"
PRESENT = [c for c in UCODES if c != MISSING]
cw = read_crosswalk()
FULL_OLD = {}
for r in cw:
    if r["share"] == "full":
        FULL_OLD.setdefault(r["new_code"], []).append((r["old_kind"], r["old_name"], r["old_district_code"]))

EMPTY_HTX = {"06706": "headers", "06967": "khong_co", "07183": "headers"}
EMPTY_THT = {"06706", "06967", "07183", "06709", "06985", "07060", "06931"}


def unit_label(c):
    u = UN[c]
    return f"{u['kind_vi'].lower()} {u['name_vi']}"


def addr_choice(c):
    """(listing text, tax address) naming the new unit or a former commune that went wholly to it."""
    olds = FULL_OLD.get(c, [])
    if olds and rng.random() < 0.6:
        k, n, d = rng.choice(olds)
        dd = DIST[d]
        return (f"{k.lower()} {n}", f"{k.lower()} {n}, {dd['kind_vi'].lower()} {dd['name_vi']}, tỉnh Quảng Ninh")
    return (unit_label(c), f"{unit_label(c)}, tỉnh Quảng Ninh")


OFFICE_N = {c: 1 + i % 9 for i, c in enumerate(UCODES)}


def office(c):
    return f"Thuế cơ sở {OFFICE_N[c]} tỉnh Quảng Ninh"


used_codes = set()
RESERVED = {"Long Nhiên", "Nong Nhiên", "Phượng Hoàng", "Hoà Thuận", "Bình Minh Mới", "Cửa Ông Xanh",
            "Sáu Lâm", "Mạnh Tiến"}
_rw = {w for c in RESERVED for w in c.split()} | {"Hòa", "Hoà", "Thuận"}
_words = sorted({w for c in SYL for w in c.split()} - _rw)
pool = [f"{a} {b}" for a in _words for b in _words if a != b]
rng.shuffle(pool)
used_core = set()


def pick_cores(n, taken):
    out = []
    for c in pool:
        if c in used_core or set(c.split()) & taken:
            continue
        out.append(c)
        used_core.add(c)
        taken |= set(c.split())
        if len(out) == n:
            return out
    raise AssertionError


SPECIAL = {"06913": ["Long Nhiên"], "07147": ["Phượng Hoàng"], "06838": ["Hoà Thuận"], "06877": ["Bình Minh Mới"],
           "06781": ["Cửa Ông Xanh"], "06994": ["Sáu Lâm"]}
htx = {c: [] for c in UCODES}
for c in UCODES:
    if c in EMPTY_HTX:
        continue
    n = rng.randint(3, 8) if c not in ("06688", "06793", "07069", "06994") else 9
    sp = SPECIAL.get(c, [])
    taken = set(w for x in sp for w in x.split())
    for core in sp + pick_cores(n - len(sp), taken):
        lt, ta = addr_choice(c)
        h = gen_htx(rng, c, core, used_codes, YEAR, END, None)
        h.commune_text, h.tax_addr = lt, ta
        if core in sp:
            h.flags.add("reserved")
        htx[c].append(h)

findings, ignores = [], []


def F(kind, unit, key, note=""):
    findings.append(dict(kind=kind, unit_code=unit, key=key, note=note))


def find(c, pred=lambda h: True):
    for h in htx[c]:
        if not h.flags and pred(h):
            return h
    raise LookupError(c)


def make_active(h, grade="Khá", ts="00"):
    h.status, h.grade = "ACTIVE", grade
    if h.revenue is None:
        h.revenue, h.profit, h.income = 1200.0, 260.0, 71.5
    h.tax.update(status=ts, date=None, revenue=615_000_000)


# name matches
h = htx["06913"][0]
make_active(h, "Khá")
h.nameword = "dịch vụ"
h.sector, h.sector_text = "TRADE", "Dịch vụ"
h.name = "Hợp tác xã dịch vụ Long Nhiên"
h.tax["name"] = "HỢP TÁC XÃ DỊCH VỤ LONG NHIÊN"
h.written_name, h.cell_code = "HTX dịch vụ Nong Nhiên", None
h.flags.add("nm")
F("NAME_MATCH", "06913", h.code, "l/n: 'Nong Nhiên' ↔ 'LONG NHIÊN'")
h = htx["07147"][0]
make_active(h, "Tốt")
h.sector, h.sector_text, h.nameword = "AGRI", "Nông nghiệp", "nông nghiệp"
h.name = "Hợp tác xã nông nghiệp Phượng Hoàng"
h.tax["name"] = "HTX NÔNG NGHIỆP PHƯỢNG HOÀNG"
h.written_name, h.cell_code = "HTX nông nghiệp Phương Hoàng", None
h.flags.add("nm")
F("NAME_MATCH", "07147", h.code, "small spelling difference 'Phương' ↔ 'PHƯỢNG' (tone), no code")
h = htx["06838"][0]
make_active(h, "Trung bình")
h.sector, h.sector_text, h.nameword = "AGRI", "Lâm nghiệp", "trồng rừng"
h.name = "Hợp tác xã trồng rừng Hòa Thuận"
h.tax["name"] = "HỢP TÁC XÃ TRỒNG RỪNG HOÀ THUẬN"     # old-style tone placement in the register
k, n, d = rng.choice(FULL_OLD["06838"])
h.tax_addr = f"{k.lower()} {n}, huyện Bình Liêu, tỉnh Quảng Ninh"
h.written_name, h.cell_code = "HTX trồng rừng Hòa Thuận", "57" + h.code[2:9]     # 9 digits
h.flags.add("nm")
F("TAX_CODE_INVALID", "06838", h.code, f"9-digit code {h.cell_code}")
F("NAME_MATCH", "06838", h.code, "register name 'HOÀ THUẬN' (old tone placement), address a former commune")
# no tax record, generic words
h = htx["06877"][0]
make_active(h, "Khá")
h.sector, h.sector_text, h.nameword = "AGRI", "Nông nghiệp", "dịch vụ nông nghiệp"
h.name = h.written_name = "Hợp tác xã dịch vụ nông nghiệp Bình Minh Mới"
h.tax, h.cell_code = None, None
h.flags.add("notax")
F("NO_TAX_RECORD", "06877", h.written_name, "no code, no register record")
# duplicate across 06760 and 06781 (tax address names phường Cửa Ông)
DUP = htx["06781"][0]
make_active(DUP, "Tốt")
DUP.flags.add("dup")
DUP.tax_addr = "Tổ 5, khu 3, phường Cửa Ông, tỉnh Quảng Ninh"
DUP.commune_text = "phường Cửa Ông"
F("DUPLICATE", "06781", DUP.code, "listed by 06760 (first in code order) and 06781; register address in Cửa Ông")
ignores += [dict(kind="DUPLICATE", unit_code="06760", key=DUP.code), dict(kind="SUMMARY_MISMATCH", unit_code="06760")]
# duplicate inside one workbook (07132): same row written twice
DUP2 = find("07132")
make_active(DUP2, "Khá")
DUP2.flags.add("dup2")
F("DUPLICATE", "07132", DUP2.code, "listed twice in the same workbook")
ignores.append(dict(kind="SUMMARY_MISMATCH", unit_code="07132"))
# overrides
for c, ts, dte in (("06895", "05", dt.date(2026, 3, 2)), ("06712", "03", dt.date(2025, 12, 20)),
                   ("06688", "01", dt.date(2026, 5, 12)), ("07030", "07", dt.date(2026, 1, 5))):
    h = find(c, lambda h: h.reg.year < YEAR)
    make_active(h, "Khá")
    h.tax.update(status=ts, date=dte, revenue=0)
    h.flags.add("ov")
    F("STATUS_OVERRIDE", c, h.code, f"tax {ts}")
# quarantine
h = find("06811")
make_active(h, "Tốt")
h.mw = h.workers + 4
h.quarantine = "mw_gt_workers"
h.flags.add("q")
F("ROW_QUARANTINED", "06811", h.code, "member_workers > workers")
# grade missing, sector unknown, words
h = find("06922")
make_active(h, None)
h.flags.add("g")
F("GRADE_MISSING", "06922", h.code, "")
h = find("06994", lambda h: h.status == "ACTIVE")
h.sector, h.sector_text = "OTHER", "Khai thác đá"
h.flags.add("s")
F("SECTOR_UNKNOWN", "06994", h.code, "'Khai thác đá'")
h = find("07168")
h.words = {"capital": "khoảng"}
h.flags.add("w")
F("WORDS_DROPPED", "07168", h.code, "capital 'khoảng …'")
# listed as dissolved this year (with tax 01)
h = find("07093", lambda h: h.status != "ACTIVE")
h.status, h.grade, h.diss = "DISSOLVED", None, dt.date(2026, 2, 26)
h.tax.update(status="01", date=h.diss, revenue=0)
h.flags.add("d")
for c in UCODES:
    if htx[c] and not any(h.reg.year == YEAR for h in htx[c]) and rng.random() < 0.5:
        find(c).reg = dt.date(YEAR, 3, 9)

DATE_STYLES = ["excel", "excel", "excel", "dmy", "dmy_short", "dmy_dash", "dmy_dot", "ymd_dot", "serial_text"]
for c in UCODES:
    for h in htx[c]:
        if "cell_code" not in h:
            h.cell_code = rng.choice([h.code, h.code, h.code, int(h.code), f"{h.code[:4]} {h.code[4:7]} {h.code[7:]}"])
        if h.date_style is None:
            h.date_style = rng.choice(DATE_STYLES)
        h.status_text = rng.choice(STATUS_TEXTS[h.status])
        h.grade_text = rng.choice(GRADE_TEXTS[h.grade]) if h.grade else None
        h.textnum = set(rng.sample(["members", "workers", "capital"], rng.randint(0, 1)))
        h.mark = rng.choice(["x", "X", "Có", "1"])
        h.ocop_zero = rng.choice([0, None])
        h.note = "Thành lập mới" if h.reg.year == YEAR else None

# THT
tht = {c: [] for c in UCODES}
names = set()
for c in UCODES:
    if c in EMPTY_THT:
        continue
    for i in range(rng.randint(1, 4)):
        while True:
            nm = f"Tổ hợp tác {rng.choice(THT_WORDS)} {rng.choice(SYL)}"
            if nm not in names:
                break
        names.add(nm)
        s = rng.choices(["AGRI", "INDUSTRY", "OTHER"], weights=[55, 25, 20])[0]
        t = HTX(unit=c, name=nm, written_name=nm, sector=s, counted=True, rep=rng.choice(PEOPLE),
                sector_text=rng.choice({"AGRI": ["Nông - lâm - ngư nghiệp", "Nông nghiệp"],
                                        "INDUSTRY": ["CN - TTCN"], "OTHER": ["Khác"]}[s]),
                members=rng.randint(3, 20), revenue=float(rng.randint(30, 600)),
                income=round(rng.uniform(2.5, 7.0), 1), addr=addr_choice(c)[0])
        t.members_cell, t.income_cell = t.members, t.income
        tht[c].append(t)

# oracle
overrides = []
all_h = []
for c in UCODES:
    for h in htx[c]:
        h.rstatus, h.rdiss = reconcile(h, YEAR, END, overrides)
        h.counted = c != MISSING and h.quarantine is None
        all_h.append(h)
ind = oracle(all_h, [t for c in UCODES if c != MISSING for t in tht[c]], PRESENT, YEAR, END)
P = ind["22"]
qt = [("Quỹ tín dụng nhân dân Hưng Đạo", 1301, 12, 4, 140500.0, 12100.0, 124000.0, 97000.0),
      ("Quỹ tín dụng nhân dân Mạo Khê", 990, 9, 4, 101000.0, 9100.0, 88800.0, 69500.5),
      ("Quỹ tín dụng nhân dân Quảng Yên", 402, 5, 3, 30100.0, 3050.0, 26000.0, 21000.0)]
lh = [("Liên hiệp HTX nông nghiệp Hạ Long Xanh", "Nông nghiệp", 6, 35, 26000.0),
      ("Liên hiệp hợp tác xã thương mại Móng Cái", "Phi nông nghiệp", 3, 14, 9000.0)]
P.update(LHHTX_TOTAL=2, LHHTX_AGRI=1, LHHTX_MEMBER_HTX=9, LHHTX_WORKERS=49, LHHTX_CHARTER_CAPITAL=35000.0,
         QTDND_TOTAL=3, QTDND_MEMBERS=2693, QTDND_WORKERS=26, QTDND_MANAGERS=11, QTDND_TOTAL_CAPITAL=271600.0,
         QTDND_EQUITY=24250.0, QTDND_MOBILISED=238800.0, QTDND_LOANS=187500.5)
assert abs(sum(q[7] for q in qt) - 187500.5) < 1e-9 and sum(q[1] for q in qt) == 2693
F("SUMMARY_MISMATCH", "22", "QTDND_LOANS", "QTDND total row 190500.5 vs detail 187500.5")
TARGET = {"HTX_TOTAL": 260, "HTX_NEW": 30, "THT_TOTAL": 100}
P["HTX_TOTAL_PCT_PLAN"] = 100.0 * P["HTX_TOTAL"] / TARGET["HTX_TOTAL"]
P["HTX_NEW_PCT_PLAN"] = 100.0 * P["HTX_NEW"] / TARGET["HTX_NEW"]

# write
if os.path.exists(OUT):
    shutil.rmtree(OUT)
RAW = os.path.join(OUT, "raw", PERIOD)
CD = os.path.join(RAW, "communes")
for d in (CD, os.path.join(RAW, "tax"), os.path.join(RAW, "province"), os.path.join(OUT, "raw", "targets")):
    os.makedirs(d)

SPECIAL_TITLE = {
    "06688": [("ỦY BAN NHÂN DÂN PHƯỜNG HẠ LONG",), ("Mã đơn vị:", 6688)],
    "06862": ["UBND xã Tiên Yên"], "07192": ["UBND ĐẶC KHU CÔ TÔ"], "06712": ["UBND P. Móng Cái 1"],
    "06652": ["ỦY BAN NHÂN DÂN", "Mã đơn vị: 06652"], "06994": ["UBND đặc khu Vân Đồn"],
    "06793": ["UBND PHƯỜNG CẨM PHẢ"], "06811": ["Ủy ban nhân dân phường Uông Bí"], "06838": ["UBND xã Bình Liêu"],
    "06895": ["UBND xa Dam Ha"], "06970": ["UBND xã Ba Chẽ", "Mã đơn vị: 06970"], "07093": ["UBND phường Đông Triều"],
    "07132": ["UBND P. Quảng Yên"],
}
REPORT = {c: f"{rng.randint(1, 12):02d}/07/2026" for c in UCODES}
REPORT["07069"] = "8/7/2026"
TEMPLATES = [dict(header_rows=2), dict(header_rows=3, repeat_every=4), dict(name_late=True, stt_middle=True),
             dict(merge_fields=["status"], spacers=1),
             dict(money_line=None, money_line_text=None, col_units={"capital": "ty", "revenue": "trieu", "profit": "trieu"}),
             dict(money_line_text="Đơn vị tính: Tr.đồng")]
CLEAN_TEMPLATES = [dict(sections=True, subtotal="roman", grand="bottom"),
                   dict(grand="top", merge_total_label=True, shuffle=False),
                   dict(sections=True, subtotal="sector", grand="bottom", header_rows=3, heading_split=True)]
SHEETS = [("Tổng hợp", "Danh sách HTX", "Danh sách THT"), ("TH", "DS HTX", "DS THT"),
          ("Bieu tong hop", "HTX", "THT"), ("TONG HOP", "Danh sach HTX", "Danh sach THT")]
SUMSTYLE = ["numbered_label", "stt_col", "nodiac", "upper", "numbers_row"]
SUMMARY_DELTA = {"06841": {"HTX_MEMBERS": 40}, "07054": {"HTX_MANAGERS": -5}, "06661": {"THT_MEMBERS": 6}}
for c, d in SUMMARY_DELTA.items():
    F("SUMMARY_MISMATCH", c, list(d)[0], f"summary sheet {d}")
TOTAL_DELTA = {}


def is_clean(c):
    return all(not ({"q", "d", "dup", "dup2"} & h.flags) for h in htx[c]) and c not in ("06760",)


def build(c, path, rows=None, report=None, title=None, summary=None, tht_rows=None):
    clean = is_clean(c) and htx[c]
    L = make_layout(rng, **(rng.choice(CLEAN_TEMPLATES) if clean and rng.random() < 0.5 else rng.choice(TEMPLATES)))
    if c in EMPTY_HTX and EMPTY_HTX[c] == "khong_co":
        L["khong_co"] = True
    if c in TOTAL_DELTA:
        L.update(grand="bottom", total_delta=TOTAL_DELTA[c])
    wb = Workbook()
    wb.remove(wb.active)
    sn = rng.choice(SHEETS)
    t0 = title or SPECIAL_TITLE.get(c) or [rng.choice(["UBND ", "ỦY BAN NHÂN DÂN ", "UBND "]) + (
        unit_label(c).upper() if rng.random() < 0.3 else unit_label(c))]
    tl = t0 + ["BÁO CÁO TÌNH HÌNH KINH TẾ TẬP THỂ 6 THÁNG ĐẦU NĂM 2026", "(Số liệu lũy kế đến 30/6/2026)",
               f"Ngày báo cáo: {report or REPORT[c]}"]
    vals = summary
    if vals is None:
        vals = summary_truth(ind[c])
        for k, d in SUMMARY_DELTA.get(c, {}).items():
            vals[k] += d
    ws = wb.create_sheet(sn[0])
    write_summary(ws, rng, [t if isinstance(t, str) else " ".join(map(str, t)) for t in tl], vals,
                  rng.choice(SUMSTYLE))
    if rows is None:
        rows = list(htx[c])
        rng.shuffle(rows)
        if c == "06760":
            rows.append(DUP)
        if c == "07132":
            rows.insert(len(rows) // 2, DUP2)
        if L.get("merge_fields"):
            rows.sort(key=lambda h: h.status_text)
    write_htx_listing(wb, rng, [sn[1]], tl, rows, L)
    ts = tht[c] if tht_rows is None else tht_rows
    write_tht_listing(wb, rng, sn[2], tl[:1] + ["DANH SÁCH TỔ HỢP TÁC"] + tl[-2:], ts,
                      dict(shuffle=rng.random() < 0.3, numbers=rng.random() < 0.3,
                           total=rng.random() < 0.3 and c not in ("06661",), khong_co=c == "06967"))
    wb.save(path)


def fname(c):
    u = UN[c]
    base = strip_diacritics(u["name_vi"]) if rng.random() < 0.5 else u["name_vi"]
    return rng.choice([f"{base} - BC KTTT Q2.2026.xlsx", f"BC HTX THT 6 thang 2026 ({base}).xlsx",
                       f"{base.replace(' ', '_').lower()}_kttt_q2_2026.xlsx", f"{base} 6T-2026.xlsx"])


seen = set()
for c in PRESENT:
    fn = fname(c)
    while fn in seen:
        fn = "1 " + fn
    seen.add(fn)
    if c == "07069":
        fn = "Mao Khe - BC KTTT Q2.2026 (ban cuoi).xlsx"
    build(c, os.path.join(CD, fn))
# superseded resubmission of 07069
OLD = "Mao Khe - BC KTTT Q2.2026.xlsx"
old_rows = [HTX(dict(h)) for h in htx["07069"] if not h.flags][:-1]
for r in old_rows:
    r.workers += 2
    r.mw = min(r.mw, r.workers)
build("07069", os.path.join(CD, OLD), rows=old_rows, report="02.07.2026",
      summary={"HTX_TOTAL": len(old_rows), "THT_TOTAL": len(tht["07069"])})

tnew = os.path.getmtime(os.path.join(CD, "Mao Khe - BC KTTT Q2.2026 (ban cuoi).xlsx"))
os.utime(os.path.join(CD, OLD), (tnew + 7200, tnew + 7200))
F("SUPERSEDED", "07069", OLD, f"Ngày báo cáo 02.07.2026 earlier than {REPORT['07069']}")


# former district workbook -> UNIT_NOT_IN_FORCE; its cooperatives are in the register but count nowhere
ghost = []
for core in pick_cores(4, set()):
    h = gen_htx(rng, "06862", core, used_codes, YEAR, END, None)
    lt, ta = addr_choice("06862")
    h.commune_text, h.tax_addr = lt, ta
    h.cell_code, h.date_style = h.code, "excel"
    h.status_text = STATUS_TEXTS[h.status][0]
    h.grade_text = h.grade
    h.textnum, h.mark, h.ocop_zero, h.note = set(), "x", 0, None
    ghost.append(h)
GHOSTF = "TY - BC KTTT Q2-2026 (huyen).xlsx"
build("06862", os.path.join(CD, GHOSTF), rows=ghost, title=["UBND huyện Tiên Yên"],
      summary={"HTX_TOTAL": len(ghost), "THT_TOTAL": 0}, tht_rows=[])
F("UNIT_NOT_IN_FORCE", "", GHOSTF, "title 'UBND huyện Tiên Yên' names district 199 (to 2025-06-30); not xã Tiên Yên")
F("UNIT_MISSING", MISSING, MISSING, "")

# tax register (xlsx)
wb = Workbook()
ws = wb.active
ws.title = "Sheet1"
ws.append(["THUẾ TỈNH QUẢNG NINH"])
ws.append(["DANH SÁCH NGƯỜI NỘP THUẾ LÀ TỔ CHỨC KINH TẾ TẬP THỂ (đến 30/06/2026)"])
ws.append([])
ws.append(["STT", "Mã số thuế", "Tên người nộp thuế", "Địa chỉ", "Cơ quan thuế quản lý", "Loại hình", "Trạng thái",
           "Ngày thay đổi trạng thái", "Doanh thu kê khai lũy kế (đồng)", "Thuế phát sinh (đồng)"])
reg = []
for c in UCODES:
    for h in htx[c]:
        if h.tax is None:
            continue
        reg.append((h.code, h.tax["name"], h.tax_addr, office(c), "Hợp tác xã", h.tax))
for h in ghost:
    reg.append((h.code, h.tax["name"], h.tax_addr, office("06862"), "Hợp tác xã", h.tax))
for i in range(20):
    c = rng.choice(UCODES)
    reg.append((new_code(rng, used_codes), f"HỢP TÁC XÃ DỊCH VỤ TỔNG HỢP SỐ {i + 1}", addr_choice(c)[1], office(c),
                "Hợp tác xã", dict(status="01", date=dt.date(2019, 1, 1 + i), revenue=0)))
for q in qt:
    reg.append((new_code(rng, used_codes), q[0].upper(), "phường Mạo Khê, tỉnh Quảng Ninh", office("07069"),
                "Quỹ tín dụng nhân dân", dict(status="00", date=None, revenue=8_000_000_000)))
rng.shuffle(reg)
for i, (code, name, a, o, k, t) in enumerate(reg):
    st = t["status"] if rng.random() < 0.4 else f"{t['status']} - {TAX_TEXT[t['status']]}"
    d = dt.datetime(t["date"].year, t["date"].month, t["date"].day) if t["date"] else None
    ws.append([i + 1, code, name, a, o, k, st, d, t["revenue"], (t["revenue"] or 0) // 100 or None])
wb.save(os.path.join(RAW, "tax", "DS NNT HTX den 30.6.2026.xlsx"))

wb = Workbook()
ws = wb.active
ws.title = "QTDND"
ws.append(["SỞ TÀI CHÍNH TỈNH QUẢNG NINH"])
ws.append(["TÌNH HÌNH QUỸ TÍN DỤNG NHÂN DÂN 6 THÁNG ĐẦU NĂM 2026"])
ws.append(["Đơn vị tính: triệu đồng"])
ws.append(["STT", "Tên", "MST", "Số thành viên", "Số lao động", "Số cán bộ quản lý", "Tổng nguồn vốn",
           "Vốn chủ sở hữu", "Vốn huy động", "Dư nợ cho vay"])
for i, q in enumerate(qt):
    ws.append([i + 1, q[0], None] + list(q[1:]))
ws.append([None, "Tổng cộng", None, 2693, 26, 11, 271600, 24250, 238800, 190500.5])
ws2 = wb.create_sheet("LHHTX")
ws2.append(["TÌNH HÌNH LIÊN HIỆP HỢP TÁC XÃ"])
ws2.append([])
ws2.append(["STT", "Tên", "MST", "Lĩnh vực", "Số HTX thành viên", "Số lao động", "Vốn điều lệ (triệu đồng)"])
for i, (n, s, m, w_, cap) in enumerate(lh):
    ws2.append([i + 1, n, None, s, m, w_, cap])
wb.save(os.path.join(RAW, "province", "LHHTX QTDND 6T-2026.xlsx"))

wb = Workbook()
ws = wb.active
ws.title = "KH2026"
ws.append(["KẾ HOẠCH PHÁT TRIỂN KINH TẾ TẬP THỂ NĂM 2026"])
ws.append(["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm 2026"])
for k, v in TARGET.items():
    ws.append([k, k, "", v])
wb.save(os.path.join(OUT, "raw", "targets", "2026.xlsx"))

# population dump (debug aid for engineers; expected.json does not depend on it)
_pop = []
for _c in UCODES:
    for _h in htx[_c]:
        _pop.append({k: (sorted(v) if isinstance(v, set) else v) for k, v in _h.items()
                     if k in ("unit", "code", "name", "written_name", "cell_code", "sector", "sector_text", "status",
                              "status_text", "rstatus", "rdiss", "grade", "reg", "diss", "date_style", "members",
                              "workers", "mw", "managers", "ps", "cp", "capital", "revenue", "profit", "income",
                              "ocop", "hightech", "chain", "tax", "quarantine", "counted", "flags", "words")})
with open(os.path.join(OUT, "population.json"), "w", encoding="utf-8") as f:
    json.dump(_pop, f, ensure_ascii=False, indent=0, default=str)

exp = dict(period=PERIOD, indicators={k: v for k, v in ind.items()}, findings=findings, missing_units=[MISSING],
           province_incomplete=True, ignore=ignores,
           checked_kinds=sorted({"FILE_REJECTED", "UNIT_UNKNOWN", "UNIT_MISSING", "SUPERSEDED", "ROW_QUARANTINED",
                                 "TAX_CODE_INVALID", "NAME_MATCH", "NO_TAX_RECORD", "DUPLICATE", "STATUS_OVERRIDE",
                                 "SUMMARY_MISMATCH", "WORDS_DROPPED", "GRADE_MISSING", "SECTOR_UNKNOWN",
                                 "UNIT_NOT_IN_FORCE"}),
           notes="See ../README.md.")
with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
    json.dump(exp, f, ensure_ascii=False, indent=1, default=str)
print("p2:", sum(len(v) for v in htx.values()), "HTX rows,", P["HTX_TOTAL"], "counted,", P["THT_TOTAL"], "THT")
