"""p4: commune era for Bắc Ninh (province 24, 99 units), period 2025-Q3, files in units/."""
import csv
import datetime as dt
import json
import os
import random
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib2 import *  # noqa
from lib2 import HTX, SECTOR_ORDER, new_code, bad_check, gen_htx, reconcile, oracle, summary_truth, TAX_TEXT
from lib2 import PEOPLE, THT_WORDS, SYL
from openpyxl import Workbook
from openpyxl.styles import Font

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.abspath(sys.argv[1])  # the output folder
PERIOD, YEAR, END = "2025-Q3", 2025, dt.date(2025, 9, 30)
PROV = "24"
rng = random.Random(24_2025_930)
# the packaged unit registers of province 24 (same content as the contract's spec/bac_ninh/*.csv)
BN = os.path.join(HERE, "..", "..", "kttt_pipeline", "vocab", "provinces", "24")
units = [r for r in csv.DictReader(open(os.path.join(BN, "admin_units.csv"), encoding="utf-8"))
         if r["level"] == "commune" and r["valid_from"] == "2025-07-01"]  # not the dated rows of 2026 (issue 27)
assert len(units) == 99
UCODES = [u["unit_code"] for u in units]
UNAME = {u["unit_code"]: u for u in units}
cw = list(csv.DictReader(open(os.path.join(BN, "commune_crosswalk_2025.csv"), encoding="utf-8")))
FORMER = {}
for r in cw:
    FORMER.setdefault(r["new_code"], []).append(r)
MISSING = ["07246", "07444", "09247"]       # Xuân Lương, Lục Nam, Quế Võ
PRESENT = [c for c in UCODES if c not in MISSING]


def uname(c):
    u = UNAME[c]
    return f"{u['kind_vi'].lower()} {u['name_vi']}"


def office(c):
    return f"Thuế cơ sở {1 + UCODES.index(c) % 12} tỉnh Bắc Ninh"


# sizes: most 0-3, a few large
N = {}
for c in UCODES:
    N[c] = rng.choices([0, 1, 2, 3], weights=[25, 30, 25, 20])[0]
BIG = ["07210", "09187", "09367", "09400", "07330"]
for c in BIG:
    if c in UNAME:
        N[c] = rng.randint(8, 14)

RESERVED = {"Rạng", "Dạng", "Đông", "Chung", "Trung", "Thành"}
words = sorted({w for s in SYL for w in s.split()} - RESERVED)
pool = [f"{a} {b}" for a in words for b in words if a != b]
rng.shuffle(pool)
used_cores, used_codes = set(), set()
htx = {c: [] for c in UCODES}
for c in UCODES:
    taken = set()
    for core in pool:
        if len(htx[c]) >= N[c]:
            break
        if core in used_cores or set(core.split()) & taken:
            continue
        used_cores.add(core)
        taken |= set(core.split())
        former = rng.choice(FORMER[c]) if c in FORMER else None
        h = gen_htx(rng, c, core, used_codes, YEAR, END, None, new_share=0.2)
        h.flags = set()
        h.former = former
        h.sector_group = h.sector
        htx[c].append(h)

findings, ignores = [], []


def F(kind, unit, key, note="", **kw):
    d = dict(kind=kind, unit_code=unit, key=key, note=note)
    d.update(kw)
    findings.append(d)


def free(c, pred=lambda h: True):
    for h in htx[c]:
        if not h.flags and pred(h):
            h.flags.add("used")
            return h
    raise LookupError(c)


def make_active(h, grade="Khá", ts="00"):
    h.status = "ACTIVE"
    h.grade = grade
    if h.revenue is None:
        h.revenue, h.profit, h.income = 540.0, 120.0, 61.2
    h.tax.update(status=ts, date=None, revenue=455_000_000)


for c in MISSING:
    F("UNIT_MISSING", c, c, f"{uname(c)} sent nothing")

# planted cases in the large units
KB, BG = "09187", "07210"
h = free(KB)
make_active(h, "Tốt")
h.name = "Hợp tác xã dịch vụ nông nghiệp Rạng Đông"
h.tax["name"] = h.name.upper()
h.written_name = "HTX dịch vụ nông nghiệp Dạng Đông"
h.cell_code = None
h.tax_addr = "phường Kinh Bắc, tỉnh Bắc Ninh"
F("NAME_MATCH", KB, h.code, "written 'Dạng Đông' (d/r), no code; register 'RẠNG ĐÔNG'")
h = free(KB)
make_active(h, "Khá")
h.cell_code = h.code[:9]
h.tax_addr = "phường Kinh Bắc, tỉnh Bắc Ninh"
F("TAX_CODE_INVALID", KB, h.code, f"9-digit code {h.code[:9]}", alt_keys=[h.code[:9]])
F("NAME_MATCH", KB, h.code, "matched by name after 9-digit code")
h = free(KB)
h.tax = None
h.status, h.grade = "ACTIVE", "Khá"
if h.revenue is None:
    h.revenue, h.profit, h.income = 300.0, 40.0, 50.0
F("NO_TAX_RECORD", KB, h.code, "no register record")
# duplicate: listed by Bắc Giang (07210) and Kinh Bắc (09187); register address in Kinh Bắc -> 09187
DUP = free(BG)
make_active(DUP, "Tốt")
DUP.tax_addr = "phường Suối Hoa, thành phố Bắc Ninh, tỉnh Bắc Ninh"   # former commune, wholly in Kinh Bắc
DUP.tax_office = office(KB)
DUP.unit = KB
F("DUPLICATE", KB, DUP.code, "listed by 07210 and 09187; register address Kinh Bắc -> 09187")
ignores.append(dict(kind="DUPLICATE", unit_code=BG, key=DUP.code))
ignores.append(dict(kind="SUMMARY_MISMATCH", unit_code=BG))
# status overrides
for c, ts, d, note in [(BG, "05", dt.date(2025, 8, 1), "05"), ("09400", "01", dt.date(2025, 8, 10), "01 dated"),
                       ("07330", "07", dt.date(2025, 4, 2), "07")]:
    h = free(c, lambda x: x.reg < dt.date(2025, 1, 1))
    make_active(h, "Khá")
    h.tax.update(status=ts, date=d, revenue=0)
    F("STATUS_OVERRIDE", c, h.code, note)
# quarantine: member_workers > workers (07330); unknown sector (09220)
h = free("07330")
h.mw = h.workers + 7
h.quarantine = "mw > workers"
F("ROW_QUARANTINED", "07330", h.code, "member_workers > workers")
h = free("09400")
h.sector, h.sector_group, h.sector_text = "OTHER", "OTHER", "Dịch vụ tâm linh"
F("SECTOR_UNKNOWN", "09400", h.code, "'Dịch vụ tâm linh' -> OTHER")
h = free(BG)
make_active(h, "Khá")
h.sector, h.sector_group, h.sector_text = "ENVIRONMENT", "ENVIRONMENT", "Vệ sinh môi trường"
h.name = "Hợp tác xã môi trường Trung Thành"
h.tax["name"] = h.name.upper()
h.written_name = "HTX môi trường Chung Thành"
h.cell_code = None
h.tax_addr = "phường Ngô Quyền, thành phố Bắc Giang, tỉnh Bắc Giang"   # former commune (old Bắc Giang province)
F("NAME_MATCH", BG, h.code, "written 'Chung Thành' (tr/ch), no code; register 'TRUNG THÀNH', address former Ngô Quyền")
h = free("09367")
make_active(h, None)
F("GRADE_MISSING", "09367", h.code, "active, no grade")
SUMMARY_DELTA = {"07210": {}, "09187": {"HTX_TOTAL": 1}}
F("SUMMARY_MISMATCH", KB, "HTX_TOTAL", "summary says one more")

# presentation
STATUS_FULL = {"ACTIVE": "Đang hoạt động", "SUSPENDED": "Tạm ngừng hoạt động",
               "NOT_STARTED": "Chưa đi vào hoạt động", "DISSOLVING": "Đang làm thủ tục giải thể",
               "DISSOLVED": "Đã giải thể"}
for c in UCODES:
    for h in htx[c]:
        if "cell_code" not in h:
            h.cell_code = rng.choice([h.code, int(h.code)])
        h.reg_cell = rng.choice([dt.datetime(h.reg.year, h.reg.month, h.reg.day),
                                 f"{h.reg.day}/{h.reg.month}/{h.reg.year}"])
        h.status_text = STATUS_FULL[h.status]
        h.grade_text = h.grade
        h.mark = "x"
        f = h.former
        h.addr_text = rng.choice([f"{f['old_kind'].lower()} {f['old_name']}" if f else None, uname(c),
                                  f"Thôn {rng.randint(1, 6)}, {uname(c)}"])
        if "tax_addr" not in h:
            h.tax_addr = (f"{f['old_kind'].lower()} {f['old_name']}, tỉnh "
                          f"{'Bắc Giang' if f['old_province_code'] == '24' else 'Bắc Ninh'}") \
                if (f and rng.random() < 0.5) else f"{uname(c)}, tỉnh Bắc Ninh"
        h.tax_office = h.get("tax_office") or office(c)
    rng.shuffle(htx[c])

tht = {c: [] for c in UCODES}
tn = set()
for c in UCODES:
    for i in range(rng.choices([0, 1, 2], weights=[60, 30, 10])[0]):
        while True:
            nm = f"Tổ hợp tác {rng.choice(THT_WORDS)} {rng.choice(SYL)}"
            if nm not in tn:
                break
        tn.add(nm)
        s = rng.choice(["AGRI", "AGRI", "INDUSTRY", "OTHER"])
        tht[c].append(HTX(unit=c, name=nm, written_name=nm, sector=s, counted=True,
                          sector_text={"AGRI": "Nông nghiệp", "INDUSTRY": "Tiểu thủ công nghiệp", "OTHER": "Khác"}[s],
                          members=rng.randint(3, 20), revenue=float(rng.randint(30, 500)),
                          income=round(rng.uniform(2.5, 7.0), 1), rep=rng.choice(PEOPLE), addr_text=uname(c)))

overrides = []
all_h = []
for c in UCODES:
    for h in htx[c]:
        h.rstatus, h.rdiss = reconcile(h, YEAR, END, overrides)
        h.counted = (c not in MISSING) and h.quarantine is None
        all_h.append(h)
all_t = [t for c in UCODES for t in tht[c] if c not in MISSING]
ind = oracle(all_h, all_t, PRESENT, YEAR, END)
ind[PROV] = ind.pop("22")
lh = [("Liên hiệp hợp tác xã nông nghiệp Kinh Bắc", "Nông nghiệp", 7, 35, 21000.0)]
qt = [("Quỹ tín dụng nhân dân Từ Sơn", 2100, 14, 5, 210500.0, 18000.0, 190000.0, 150300.0),
      ("Quỹ tín dụng nhân dân Bắc Giang", 1750, 12, 5, 180400.0, 15600.0, 162000.0, 121000.0)]
P = ind[PROV]
P.update(LHHTX_TOTAL=1, LHHTX_AGRI=1, LHHTX_MEMBER_HTX=7, LHHTX_WORKERS=35, LHHTX_CHARTER_CAPITAL=21000.0,
         QTDND_TOTAL=2, QTDND_MEMBERS=3850, QTDND_WORKERS=26, QTDND_MANAGERS=10, QTDND_TOTAL_CAPITAL=390900.0,
         QTDND_EQUITY=33600.0, QTDND_MOBILISED=352000.0, QTDND_LOANS=271300.0)
TARGET = {"HTX_TOTAL": 200, "HTX_NEW": 30, "THT_TOTAL": 50}
P["HTX_TOTAL_PCT_PLAN"] = 100.0 * P["HTX_TOTAL"] / TARGET["HTX_TOTAL"]
P["HTX_NEW_PCT_PLAN"] = 100.0 * P["HTX_NEW"] / TARGET["HTX_NEW"]
for c in PRESENT:      # shares/averages over nothing are not asserted (interpretation 9 of the first tester)
    pass

# ---------------------------------------------------------------- write
if os.path.exists(OUT):
    shutil.rmtree(OUT)
RAW = os.path.join(OUT, "raw", PERIOD)
DD = os.path.join(RAW, "units")
for d in (DD, os.path.join(RAW, "tax"), os.path.join(RAW, "province"), os.path.join(OUT, "raw", "targets")):
    os.makedirs(d)

H2 = [("stt", "STT"), ("name", "Tên HTX"), ("code", "Mã số HTX/MST"), ("addr", "Địa chỉ"),
      ("reg", "Ngày đăng ký"), ("sector", "Lĩnh vực"), ("status", "Tình trạng hoạt động"), ("grade", "Phân loại"),
      ("members", "Thành viên"),
      ("G", "Lao động", [("workers", "Tổng số lao động"), ("mw", "Trong đó: lao động là thành viên")]),
      ("G", "Cán bộ quản lý", [("managers", "Tổng số"), ("ps", "Sơ cấp - trung cấp"),
                               ("cp", "Cao đẳng - đại học trở lên")]),
      ("capital", "Vốn điều lệ (tr.đ)"), ("revenue", "Doanh thu ước năm (trđ)"), ("profit", "Lợi nhuận ước năm"),
      ("income", "Thu nhập bình quân (triệu đồng/người/năm)"), ("ocop", "Số sản phẩm OCOP"),
      ("hightech", "Ứng dụng CNC"), ("chain", "Chuỗi liên kết")]
H2b = [H2[1], H2[0], H2[2]] + H2[6:8] + H2[3:6] + [("note", "Ghi chú")] + H2[8:]


def title_for(c, i):
    u = UNAME[c]
    k = i % 6
    if c == KB:
        return ["UBND PHƯỜNG KINH BẮC"]
    if c == "07330":
        return ["UBND xã Phúc Hoà"]
    if c == "09319":
        return ["UBND xa Tien Du"]
    if c in ("09367", "07525", "09454"):
        return ["UBND TỈNH BẮC NINH", f"UBND {u['kind_vi'].upper()} {u['name_vi'].upper()}"]
    if k == 0:
        return [f"UBND {u['kind_vi']} {u['name_vi']}"]
    if k == 1:
        return [f"ỦY BAN NHÂN DÂN {u['kind_vi'].upper()} {u['name_vi'].upper()}"]
    if k == 2:
        return [("ỦY BAN NHÂN DÂN",), ("Mã đơn vị:", int(c))]
    if k == 3:
        return [f"UBND {'P.' if u['kind_vi'] == 'Phường' else 'xã'} {u['name_vi']}"]
    if k == 4:
        return [f"UBND {u['kind_vi'].lower()} {u['name_vi']}", f"Mã đơn vị: {int(c)}"]
    return [f"ỦY BAN NHÂN DÂN {u['kind_vi'].upper()} {u['name_vi'].upper()}", "TỈNH BẮC NINH"]


EXT = ["xlsx", "xlsx", "xlsx", "xls", "ods", "xlsm"]
base_t = dt.datetime(2025, 10, 8, 8, 0).timestamp()
for i, c in enumerate(PRESENT):
    rows = list(htx[c]) + ([DUP] if c == KB else [])
    wb = Workbook()
    wb.remove(wb.active)
    title = title_for(c, i) + ["BÁO CÁO TÌNH HÌNH KINH TẾ TẬP THỂ 9 THÁNG NĂM 2025",
                                "(Số liệu lũy kế đến 30/9/2025)", f"Ngày báo cáo: {3 + i % 9}/10/2025"]
    vals = summary_truth(ind[c])
    for k, d in SUMMARY_DELTA.get(c, {}).items():
        vals[k] += d
    ws = wb.create_sheet(["Tổng hợp", "TH", "Bieu tong hop"][i % 3])
    write_summary(ws, rng, title, vals, dict(trong_do=i % 4 == 1))
    items = H2 if i % 2 == 0 else H2b
    factor = 1.0
    line = "Đơn vị tính: triệu đồng"
    if c == "09367":
        items = [(f, t.split(" (")[0]) if f in ("capital", "revenue") else it
                 for it in H2 for f, t in [it[:2] if it[0] != "G" else ("G", "")]]
        factor, line = 1e-6, "Đơn vị tính: đồng"
    ws.cell(1, 4, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    ws.cell(2, 4, "Độc lập - Tự do - Hạnh phúc")
    big = len(rows) >= 8
    lsh = write_listing(wb, [["Danh sách HTX", "DS HTX", "HTX"][i % 3]], title + [line], items, rows,
                  dict(unit_of=lambda f, x=factor: x, no_note=(i % 7 != 0), khong_co=(not rows and i % 2 == 0), grand="bottom" if big and c not in (BG, "07330", "09400") else None,
                       numbers_row=(i % 5 == 0)), rng)
    lsh[0].cell(1, 10, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    lsh[0].cell(2, 10, "Độc lập - Tự do - Hạnh phúc")
    write_tht(wb, ["Danh sách THT", "DS THT", "THT"][i % 3], title[:1] + ["DANH SÁCH TỔ HỢP TÁC"], tht[c],
              dict(khong_co=(i % 3 == 0)))
    ext = EXT[i % len(EXT)]
    nm = f"{UNAME[c]['name_vi']} - BC KTTT 9T2025.{ext}" if i % 2 else f"bao cao HTX Q3 ({i}).{ext}"
    path = os.path.join(DD, nm)
    save_as(wb, path)
    os.utime(path, (base_t + i * 60, base_t + i * 60))

def stray(title, fname, n):
    rows = []
    for k in range(n):
        g = gen_htx(rng, "x", f"{rng.choice(words)} {rng.choice(words)} {k}", used_codes, YEAR, END, None)
        g.flags, g.sector_group = set(), g.sector
        g.cell_code, g.reg_cell, g.status_text, g.grade_text, g.mark = g.code, g.reg.strftime("%d/%m/%Y"), \
            STATUS_FULL[g.status], g.grade, "x"
        g.addr_text = "xã Long Châu"
        rows.append(g)
    wb = Workbook()
    wb.remove(wb.active)
    t = [title, "BÁO CÁO TÌNH HÌNH KINH TẾ TẬP THỂ 9 THÁNG NĂM 2025", "(Số liệu lũy kế đến 30/9/2025)",
         "Ngày báo cáo: 06/10/2025"]
    ws = wb.create_sheet("Tổng hợp")
    write_summary(ws, rng, t, {"HTX_TOTAL": n}, {})
    write_listing(wb, ["DS HTX"], t + ["Đơn vị tính: triệu đồng"], H2, rows, dict(unit_of=lambda f: 1.0, no_note=True), rng)
    write_tht(wb, "DS THT", t[:1], [], {})
    wb.save(os.path.join(DD, fname))
    return rows


STRAY_YP = stray("UBND huyện Yên Phong", "Yen Phong - BC KTTT 9 thang 2025.xlsx", 3)
F("UNIT_NOT_IN_FORCE", "", "Yen Phong - BC KTTT 9 thang 2025.xlsx", "former district Yên Phong (not in force in 2025-Q3; "
  "not the xã Yên Phong 09193)", alt_kinds=["UNIT_UNKNOWN", "FILE_REJECTED"])
STRAY_QN = stray("UBND phường Hạ Long", "HL - BC KTTT Q3.2025.xlsx", 2)
F("UNIT_UNKNOWN", "", "HL - BC KTTT Q3.2025.xlsx", "a Quảng Ninh ward's return misfiled in Bắc Ninh's folder",
  alt_kinds=["FILE_REJECTED", "UNIT_NOT_IN_FORCE"])
ignores.append(dict(kind="FILE_REJECTED", key="Yen Phong - BC KTTT 9 thang 2025.xlsx"))
ignores.append(dict(kind="FILE_REJECTED", key="HL - BC KTTT Q3.2025.xlsx"))
ignores.append(dict(kind="UNIT_UNKNOWN", key="Yen Phong - BC KTTT 9 thang 2025.xlsx"))
ignores.append(dict(kind="UNIT_UNKNOWN", key="HL - BC KTTT Q3.2025.xlsx"))
ignores.append(dict(kind="UNIT_NOT_IN_FORCE", key="HL - BC KTTT Q3.2025.xlsx"))

# tax register: .xlsx with a title block and extra columns, column order shuffled
wb = Workbook()
ws = wb.active
ws.title = "DS NNT"
ws.append(["THUẾ TỈNH BẮC NINH"])
ws.append(["DANH SÁCH NGƯỜI NỘP THUẾ LOẠI HÌNH HỢP TÁC XÃ, LIÊN HIỆP HTX, QUỸ TÍN DỤNG NHÂN DÂN"])
ws.append(["(Dữ liệu trích xuất ngày 03/10/2025)"])
ws.append([])
hdr = ["STT", "Mã số thuế", "Tên người nộp thuế", "Người đại diện", "Địa chỉ", "Cơ quan thuế quản lý",
       "Loại hình", "Ngành nghề kinh doanh chính", "Trạng thái", "Ngày thay đổi trạng thái", "Điện thoại",
       "Doanh thu kê khai lũy kế (đồng)", "Thuế phát sinh (đồng)"]
ws.append(hdr)
for c in ws[5]:
    c.font = Font(bold=True)
treg = []
for c in UCODES:
    for h in htx[c]:
        if h.tax is None:
            continue
        treg.append([h.code, h.tax["name"], h.tax_addr, h.tax_office, "Hợp tác xã", h.tax["status"], h.tax["date"],
                     h.tax["revenue"]])
for g in STRAY_YP:
    treg.append([g.code, g.tax["name"], "xã Yên Phong, tỉnh Bắc Ninh", office("09193"), "Hợp tác xã", g.tax["status"],
                 g.tax["date"], g.tax["revenue"]])
for n, *_ in lh:
    treg.append([new_code(rng, used_codes), n.upper(), "phường Kinh Bắc, tỉnh Bắc Ninh", "Thuế tỉnh Bắc Ninh",
                 "Liên hiệp hợp tác xã", "00", None, 1_500_000_000])
for q in qt:
    treg.append([new_code(rng, used_codes), q[0], "phường Từ Sơn, tỉnh Bắc Ninh", office("09367"),
                 "Quỹ tín dụng nhân dân", "00", None, 7_000_000_000])
for i in range(10):
    c = rng.choice(UCODES)
    treg.append([new_code(rng, used_codes), f"HỢP TÁC XÃ NÔNG NGHIỆP {rng.choice(words).upper()} CŨ", f"{uname(c)}, tỉnh Bắc Ninh",
                 office(c), "Hợp tác xã", "01", dt.date(2019, 6, 3), 0])
rng.shuffle(treg)
for i, (code, n, a, o, k, s, d, rev) in enumerate(treg):
    ws.append([i + 1, code, n, rng.choice(PEOPLE), a, o, k, "Trồng trọt, chăn nuôi", f"{s} - {TAX_TEXT[s]}",
               d.strftime("%d/%m/%Y") if d else None, "0222" + code[-6:], rev, (rev or 0) // 100 or None])
ws.append([])
ws.append([None, "Tổng cộng", None, None, None, None, None, None, None, None, None,
           sum(r[7] or 0 for r in treg), None])
wb.save(os.path.join(RAW, "tax", "Thue BN - DS HTX 30.9.2025.xlsx"))

wb = Workbook()
ws = wb.active
ws.title = "LHHTX"
ws.append(["SỞ TÀI CHÍNH TỈNH BẮC NINH"])
ws.append([])
ws.append(["STT", "Tên", "MST", "Lĩnh vực", "Số HTX thành viên", "Số lao động", "Vốn điều lệ (triệu đồng)"])
for i, (n, s, m, w_, cap) in enumerate(lh):
    ws.append([i + 1, n, None, s, m, w_, cap])
ws2 = wb.create_sheet("QTDND")
ws2.append(["Đơn vị tính: triệu đồng"])
ws2.append([])
ws2.append(["STT", "Tên", "MST", "Số thành viên", "Số lao động", "Số cán bộ quản lý", "Tổng nguồn vốn",
            "Vốn chủ sở hữu", "Vốn huy động", "Dư nợ cho vay"])
for i, q in enumerate(qt):
    ws2.append([i + 1, q[0], None] + list(q[1:]))
wb.save(os.path.join(RAW, "province", "LHHTX QTDND Bac Ninh 9T2025.xlsx"))
wb = Workbook()
ws = wb.active
ws.append(["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm 2025"])
for k, v in TARGET.items():
    ws.append([k, k, "", v])
wb.save(os.path.join(OUT, "raw", "targets", "2025.xlsx"))

# expected: drop shares/averages of units with nothing to average (both readings defensible)
for c in PRESENT:
    for k in list(ind[c]):
        pass
CHECKED = sorted({"FILE_REJECTED", "UNIT_UNKNOWN", "UNIT_MISSING", "SUPERSEDED", "ROW_QUARANTINED",
                  "TAX_CODE_INVALID", "NAME_MATCH", "NO_TAX_RECORD", "DUPLICATE", "STATUS_OVERRIDE",
                  "SUMMARY_MISMATCH", "WORDS_DROPPED", "GRADE_MISSING", "SECTOR_UNKNOWN", "UNIT_NOT_IN_FORCE"})
exp = dict(period=PERIOD, province=PROV, indicators=ind, findings=findings, missing_units=MISSING,
           province_incomplete=True, ignore=ignores, checked_kinds=CHECKED,
           notes="See ../README.md; run with --province 24.")
json.dump(exp, open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=1,
          default=str)
COUNT_SUM = [k for k in ind[PROV] if not (k.endswith("_PCT") or "_AVG" in k or k.startswith(("LHHTX", "QTDND"))
                                          or k.endswith("PCT_PLAN"))]
rind = {u: {k: v[k] for k in COUNT_SUM if k in v} for u, v in ind.items()}
json.dump(dict(period=PERIOD, indicators=rind, findings=[],
               notes="Period from 1/7/2025: restated rows equal rpt_indicator (§11.1); missing units not asserted."),
          open(os.path.join(OUT, "expected_restated.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=1)
print("p4:", len(all_h), "HTX rows;", P["HTX_TOTAL"], "in HTX_TOTAL;", len(all_t), "THT; missing", MISSING)
