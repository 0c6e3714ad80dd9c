"""p3: district era 2025-Q1 (13 districts), new layouts, reconciliation cases and the restated expectation."""
import copy
import csv
import datetime as dt
import json
import os
import random
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib2 import *  # noqa
from lib2 import HTX, SECTOR_ORDER, SECTOR_TEXTS, check_digit, new_code, bad_check, gen_htx, reconcile, oracle
from lib2 import read_units, read_crosswalk, summary_truth, TAX_TEXT, PEOPLE, THT_WORDS, SYL
from openpyxl import Workbook

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.abspath(sys.argv[1])  # the output folder (raw/, expected.json, expected_restated.json)
PERIOD, YEAR, END = "2025-Q1", 2025, dt.date(2025, 3, 31)
rng = random.Random(20250331)

units = [u for u in read_units() if u["level"] == "district"]
UCODES = [u["unit_code"] for u in units]
UNAME = {u["unit_code"]: u for u in units}
NEW_UNITS = [u["unit_code"] for u in read_units() if u["level"] == "commune"]
cw = read_crosswalk()
OLD = {}          # (district, old_code) -> dict(kind, name, targets=[(new, is_main)])
for r in cw:
    k = (r["old_district_code"], r["old_code"])
    OLD.setdefault(k, dict(kind=r["old_kind"], name=r["old_name"], code=r["old_code"], d=r["old_district_code"],
                           targets=[]))["targets"].append((r["new_code"], r["is_main"] == "1"))
COMM = {}
for (d, c), v in OLD.items():
    COMM.setdefault(d, []).append(v)
for v in OLD.values():
    v["main"] = [n for n, m in v["targets"] if m][0]
    v["split"] = len(v["targets"]) > 1
WHOLE = {"203": "06994", "207": "07192"}


def dist_label(code):
    u = UNAME[code]
    return f"{u['kind_vi'].lower()} {u['name_vi']}"


OFFICE_N = {"193": 1, "194": 2, "195": 3, "196": 4, "198": 5, "199": 5, "200": 6, "201": 6, "202": 5, "203": 1,
            "205": 7, "206": 4, "207": 2}


def tax_office(d):
    return f"Thuế cơ sở {OFFICE_N[d]} tỉnh Quảng Ninh"


def tax_address(d, comm_kind, comm_name):
    return f"{comm_kind.lower()} {comm_name}, {dist_label(d)}, tỉnh Quảng Ninh"


# ---------------------------------------------------------------- names
RESERVED = {"Nam", "Lam", "Hải", "Xuyên", "Suyên", "Mộc", "Trung", "Kiên", "Xuân", "Lộc", "Gia", "Phong"}
words = sorted({w for c in SYL for w in c.split()} - RESERVED)
pool = [f"{a} {b}" for a in words for b in words if a != b]
rng.shuffle(pool)
used_cores, used_words_by_unit = set(), {}


def cores_for(u, n):
    taken = used_words_by_unit.setdefault(u, set())
    out = []
    for c in pool:
        if c in used_cores or set(c.split()) & taken:
            continue
        out.append(c)
        used_cores.add(c)
        taken |= set(c.split())
        if len(out) == n:
            return out
    raise RuntimeError("pool")


N_HTX = {"193": 16, "194": 11, "195": 12, "196": 14, "198": 8, "199": 12, "200": 10, "201": 10, "202": 8,
         "203": 10, "205": 13, "206": 12, "207": 4}
used_codes = set()
htx = {u: [] for u in UCODES}
for u in UCODES:
    for core in cores_for(u, N_HTX[u]):
        comm = rng.choice(COMM[u])
        h = gen_htx(rng, u, core, used_codes, YEAR, END, (comm["kind"], comm["name"]), new_share=0.15)
        h.comm = comm
        h.home = u
        h.flags = set()
        h.sector_group = h.sector
        htx[u].append(h)

findings, ignores, restated_findings = [], [], []


def F(kind, unit, key, note="", **kw):
    d = dict(kind=kind, unit_code=unit, key=key, note=note)
    d.update(kw)
    findings.append(d)


def free(u, pred=lambda h: True):
    for h in htx[u]:
        if not h.flags and pred(h):
            h.flags.add("used")
            return h
    raise LookupError(u)


def make_active(h, grade="Khá", ts="00"):
    h.status = "ACTIVE"
    h.grade = grade
    if h.revenue is None:
        h.revenue, h.profit, h.income = 760.0, 150.0, 58.5
    h.tax.update(status=ts, date=None, revenue=612_300_000)


def set_comm(h, d, name):
    c = [v for v in COMM[d] if v["name"] == name][0]
    h.comm = c
    h.commune = (c["kind"], c["name"])


# ---------------------------------------------------------------- planted cases
# 194 + 195: duplicate; register address in Uông Bí (196): neither fits -> first unit in code order (194)
DUP = free("194")
make_active(DUP, "Tốt")
DUP.tax_addr = tax_address("196", "Phường", "Thanh Sơn")
DUP.tax_office = tax_office("196")
F("DUPLICATE", "194", DUP.code, "listed by 194 and 195; register address in Uông Bí fits neither -> 194")
ignores.append(dict(kind="DUPLICATE", unit_code="195", key=DUP.code))
ignores.append(dict(kind="SUMMARY_MISMATCH", unit_code="195"))

# 198: branch code listed beside its parent (same figures): one cooperative
PARENT = free("198")
make_active(PARENT, "Khá")
BRANCH = HTX(copy.deepcopy(dict(PARENT)))
BRANCH.flags = {"branch"}
BRANCH.written_name = "Chi nhánh " + PARENT.name
BRANCH.cell_code = PARENT.code + "-001"
PARENT.cell_code = PARENT.code
for k in ("DUPLICATE", "TAX_CODE_INVALID", "NAME_MATCH", "NO_TAX_RECORD"):
    ignores.append(dict(kind=k, unit_code="198", key=PARENT.code))
    ignores.append(dict(kind=k, unit_code="198", key=PARENT.code + "-001"))
    ignores.append(dict(kind=k, unit_code="198", key=BRANCH.written_name))
ignores.append(dict(kind="SUMMARY_MISMATCH", unit_code="198"))

# 199: l/n and s/x misspellings, no code written
h = free("199")
make_active(h, "Trung bình")
h.sector, h.sector_group, h.sector_text, h.nameword = "AGRI", "AGRI", "Nông nghiệp", "dịch vụ nông nghiệp"
h.name = "Hợp tác xã dịch vụ nông nghiệp Nam Hải"
h.tax["name"] = h.name.upper()
h.written_name = "HTX dịch vụ nông nghiệp Lam Hải"
h.cell_code = None
F("NAME_MATCH", "199", h.code, "written 'Lam Hải' (l/n), register 'NAM HẢI', no code")
h = free("199")
make_active(h, "Khá")
h.sector, h.sector_group, h.sector_text, h.nameword = "TRANSPORT", "TRANSPORT", "Vận tải", "vận tải"
h.name = "Hợp tác xã vận tải Xuyên Mộc"
h.tax["name"] = h.name.upper()
h.written_name = "Hợp tác xã vận tải Suyên Mộc"
h.cell_code = None
F("NAME_MATCH", "199", h.code, "written 'Suyên Mộc' (s/x), register 'XUYÊN MỘC', no code")

# 201: invalid check digit, matched by name
h = free("201")
make_active(h, "Tốt")
h.cell_code = bad_check(h.code)
F("TAX_CODE_INVALID", "201", h.code, f"written {h.cell_code}: wrong check digit", alt_keys=[h.cell_code])
F("NAME_MATCH", "201", h.code, "matched by name after invalid code")

# status overrides
for u, ts, dte, note in [("194", "03", dt.date(2024, 11, 5), "03 -> Đang làm thủ tục giải thể"),
                         ("199", "05", dt.date(2025, 1, 10), "05 -> Tạm ngừng hoạt động"),
                         ("202", "06", dt.date(2024, 9, 1), "06 -> Đang làm thủ tục giải thể"),
                         ("205", "01", dt.date(2025, 2, 14), "01 dated 14/02/2025 -> Đã giải thể")]:
    h = free(u, lambda x: x.reg < dt.date(2024, 1, 1))
    make_active(h, "Khá")
    h.tax.update(status=ts, date=dte, revenue=0 if ts != "01" else 0)
    F("STATUS_OVERRIDE", u, h.code, note)

# summary mismatch (199 members +25), unknown sector (203), quarantines (200 negative members, 202 diss < reg)
SUMMARY_DELTA = {"199": {"HTX_MEMBERS": 25}, "205": {"HTX_CHARTER_CAPITAL": -120}}
F("SUMMARY_MISMATCH", "199", "HTX_MEMBERS", "summary members +25 over detail")
F("SUMMARY_MISMATCH", "205", "HTX_CHARTER_CAPITAL", "summary capital -120 under detail")
h = free("203")
h.sector, h.sector_group, h.sector_text = "OTHER", "OTHER", "Du lịch cộng đồng"
F("SECTOR_UNKNOWN", "203", h.code, "'Du lịch cộng đồng' -> OTHER")
h = free("200")
h.quarantine = "negative members"
h.members = -12
F("ROW_QUARANTINED", "200", h.code, "members -12")
h = free("202")
h.status = "DISSOLVED"
h.grade = None
h.reg = dt.date(2025, 1, 20)
h.diss = dt.date(2024, 12, 15)
h.quarantine = "dissolved before registered"
h.tax.update(status="01", date=dt.date(2024, 12, 15), revenue=0)
F("ROW_QUARANTINED", "202", h.code, "dissolution 15/12/2024 before registration 20/01/2025")
# grade missing (196)
h = free("196")
make_active(h, None)
F("GRADE_MISSING", "196", h.code, "active, no grade")

# ---------------------------------------------------------------- addresses (restatement)
def hoa_variant(s):
    return s.replace("Hòa", "Hoà") if "Hòa" in s else s.replace("Hoà", "Hòa")


# force some split / variant communes
def force(u, name, n=1):
    for _ in range(n):
        h = free(u, lambda x: x.quarantine is None)
        h.flags.discard("used")
        h.flags.add("addr")
        set_comm(h, u, name)


force("193", "Đồng Lâm", 2); force("193", "Hà Khẩu"); force("193", "Hòa Bình")
force("194", "Hải Hoà", 2); force("195", "Hải Hòa", 2); force("196", "Trưng Vương"); force("198", "Vô Ngại")
force("199", "Đại Dực"); force("199", "Yên Than"); force("201", "Quảng Long"); force("205", "Đức Chính")
force("206", "Liên Hòa"); force("206", "Nam Hoà")
set_comm(DUP, "194", "Hải Hoà")

for u in UCODES:
    for h in htx[u]:
        c = h.comm
        kind = c["kind"].lower()
        r = rng.random()
        nm = c["name"]
        if ("Hòa" in nm or "Hoà" in nm) and rng.random() < 0.6:
            nm = hoa_variant(nm)
        if r < 0.35:
            t = f"{kind} {nm}"
        elif r < 0.55:
            t = nm
        elif r < 0.7:
            t = {"phường": f"P. {nm}", "xã": f"xã {nm}", "thị trấn": f"TT {nm}"}[kind]
        elif r < 0.8:
            t = f"{kind.capitalize()} {nm}"
        elif r < 0.9:
            t = f"Thôn {rng.randint(1, 9)}, {kind} {nm}"
        else:
            t = None       # no listing address: the register's is used
        h.addr_text = t
        h.tax_addr = h.get("tax_addr") or tax_address(u, c["kind"], c["name"])
        h.tax_office = h.get("tax_office") or tax_office(u)
        h.place_how = "listing" if t else "register"
DUP.addr_text = "phường Hải Hòa"
BRANCH.addr_text = PARENT.addr_text = PARENT.addr_text or f"xã {PARENT.comm['name']}"
# Vân Đồn / Cô Tô: several with no address at all, or a village only
for u in ("203", "207"):
    for i, h in enumerate(htx[u]):
        if i % 2 == 0:
            h.addr_text = None if i % 4 == 0 else "Thôn Bắc Vẫn"
# listing address naming a commune of ANOTHER former district: no match within the district -> register address
WRONG_DISTRICT = []
for u, txt in [("193", "xã Hải Sơn"), ("205", "phường Hồng Hà")]:
    h = free(u, lambda x: x.quarantine is None and x.status != "DISSOLVED" and u not in WHOLE)
    h.flags.add("wrongdistrict")
    h.addr_text = txt
    WRONG_DISTRICT.append(h)
# unplaceable: former communes merged before 2025 (not in the crosswalk), listing and register agree
UNPLACED = []
for u, kind, name in [("195", "Phường", "Cẩm Hải"), ("205", "Xã", "Tân Việt")]:
    h = free(u, lambda x: x.quarantine is None and x.status != "DISSOLVED")
    h.flags.add("unplaced")
    h.comm = None
    h.addr_text = f"{kind.lower()} {name}"
    h.tax_addr = tax_address(u, kind, name)
    UNPLACED.append(h)
# a cooperative with neither listing address nor a register address naming a commune
h = free("201", lambda x: x.quarantine is None)
h.flags.add("unplaced")
h.comm = None
h.addr_text = None
h.tax_addr = f"{dist_label('201')}, tỉnh Quảng Ninh"
UNPLACED.append(h)

# ---------------------------------------------------------------- presentation
STATUS_FULL = {"ACTIVE": "Đang hoạt động", "SUSPENDED": "Tạm ngừng hoạt động",
               "NOT_STARTED": "Chưa đi vào hoạt động", "DISSOLVING": "Đang làm thủ tục giải thể",
               "DISSOLVED": "Đã giải thể"}
for u in UCODES:
    for h in htx[u] + ([BRANCH] if u == "198" else []):
        if "cell_code" not in h:
            h.cell_code = rng.choice([h.code, h.code, int(h.code)])
        h.reg_cell = rng.choice([dt.datetime(h.reg.year, h.reg.month, h.reg.day),
                                 f"{h.reg.day:02d}/{h.reg.month:02d}/{h.reg.year}"])
        h.diss_cell = f"{h.diss.day:02d}/{h.diss.month:02d}/{h.diss.year}" if h.diss else None
        h.status_text = STATUS_FULL[h.status]
        h.grade_text = ({"Yếu": rng.choice(["Yếu", "Yếu kém"])}.get(h.grade, h.grade)) if h.grade else None
        h.mark = rng.choice(["x", "X", "Có", "1"])
        if h.reg.year == YEAR:
            h.note = "Thành lập mới"
    rng.shuffle(htx[u])

# ---------------------------------------------------------------- THT
tht = {u: [] for u in UCODES}
NTHT = {"193": 5, "194": 3, "195": 4, "196": 2, "198": 3, "199": 4, "200": 3, "201": 2, "202": 3, "203": 3,
        "205": 0, "206": 4, "207": 0}
tnames = set()
for u in UCODES:
    for i in range(NTHT[u]):
        while True:
            nm = f"Tổ hợp tác {rng.choice(THT_WORDS)} {rng.choice(SYL)}"
            if nm not in tnames:
                break
        tnames.add(nm)
        s = rng.choices(["AGRI", "INDUSTRY", "OTHER"], weights=[55, 25, 20])[0]
        c = rng.choice(COMM[u])
        t = HTX(unit=u, name=nm, written_name=nm, sector=s, counted=True, comm=c,
                sector_text={"AGRI": "Nông - lâm - ngư nghiệp", "INDUSTRY": "CN - TTCN", "OTHER": "Khác"}[s],
                members=rng.randint(3, 25), revenue=float(rng.randint(40, 800)),
                income=round(rng.uniform(2.0, 6.5), 1), rep=rng.choice(PEOPLE),
                addr_text=rng.choice([f"{c['kind'].lower()} {c['name']}", c["name"]]))
        tht[u].append(t)
t = tht["199"][0]
t.addr_text, t.comm = None, None          # a group with no address: no register to fall back on
t = tht["195"][0]
t.addr_text, t.comm = "phường Cẩm Hải", None
for t in tht["203"]:
    t.addr_text = None                      # Vân Đồn: none needed

# ---------------------------------------------------------------- reconcile + oracle
overrides = []
all_h = []
for u in UCODES:
    for h in htx[u]:
        h.rstatus, h.rdiss = reconcile(h, YEAR, END, overrides)
        if h.status == "DISSOLVED":
            h.rstatus, h.rdiss = "DISSOLVED", h.diss
        h.counted = h.quarantine is None
        all_h.append(h)
assert DUP.unit == "194"
all_t = [t for u in UCODES for t in tht[u]]
ind = oracle(all_h, all_t, UCODES, YEAR, END)

# province workbook + targets
lh = [("Liên hiệp hợp tác xã nông nghiệp Quảng Ninh Xanh", "Nông nghiệp", 6, 40, 30500.0),
      ("Liên hiệp HTX dịch vụ vận tải Cẩm Phả", "Phi nông nghiệp", 3, 22, 9000.0)]
qt = [("Quỹ tín dụng nhân dân Hưng Đạo", 1302, 12, 5, 140200.0, 12100.0, 123400.0, 95500.0),
      ("Quỹ tín dụng nhân dân Mạo Khê", 960, 9, 4, 99800.5, 8800.0, 88000.0, 67700.0),
      ("Quỹ tín dụng nhân dân Quảng Yên", 611, 7, 3, 52300.0, 5100.0, 45500.0, 38800.0)]
P = ind["22"]
P.update(LHHTX_TOTAL=2, LHHTX_AGRI=1, LHHTX_MEMBER_HTX=9, LHHTX_WORKERS=62, LHHTX_CHARTER_CAPITAL=39500.0,
         QTDND_TOTAL=3, QTDND_MEMBERS=2873, QTDND_WORKERS=28, QTDND_MANAGERS=12, QTDND_TOTAL_CAPITAL=292300.5,
         QTDND_EQUITY=26000.0, QTDND_MOBILISED=256900.0, QTDND_LOANS=202000.0)
TARGET = {"HTX_TOTAL": 180, "HTX_NEW": 45, "THT_TOTAL": 60}
P["HTX_TOTAL_PCT_PLAN"] = 100.0 * P["HTX_TOTAL"] / TARGET["HTX_TOTAL"]
P["HTX_NEW_PCT_PLAN"] = 100.0 * P["HTX_NEW"] / TARGET["HTX_NEW"]

# ---------------------------------------------------------------- restatement oracle
placement = []
rh, rt = [], []
for h in all_h:
    if not h.counted:
        continue
    if h.rstatus == "DISSOLVED" and h.rdiss is not None and h.rdiss < dt.date(YEAR, 1, 1):
        continue     # counts in nothing
    g = HTX(h)
    d = h.unit
    if d in WHOLE:
        g.unit = WHOLE[d]
        how = "district"
    elif "unplaced" in h.flags:
        g.unit = "__UNPLACED"
        how = "unplaced"
        restated_findings.append(dict(kind="COMMUNE_UNPLACED", unit_code="", key=h.code,
                                      note=f"listing '{h.addr_text}', register '{h.tax_addr}'"))
    else:
        c = h.comm
        g.unit = c["main"]
        how = "address" if (h.addr_text and "wrongdistrict" not in h.flags) else "register"
        if c["split"]:
            restated_findings.append(dict(kind="COMMUNE_SPLIT", unit_code="", key=h.code,
                                          note=f"'{c['name']}' of {d} split; main unit {c['main']}"))
    placement.append(dict(kind="HTX", key=h.code, district=d, written=h.addr_text, register=h.tax_addr,
                          new_unit=g.unit, how=how))
    rh.append(g)
for t in all_t:
    g = HTX(t)
    d = t.unit
    if d in WHOLE:
        g.unit = WHOLE[d]
    elif t.comm is None:
        g.unit = "__UNPLACED"
        restated_findings.append(dict(kind="COMMUNE_UNPLACED", unit_code="", key=t.written_name,
                                      note=f"group with address '{t.addr_text}'"))
    else:
        g.unit = t.comm["main"]
        if t.comm["split"]:
            restated_findings.append(dict(kind="COMMUNE_SPLIT", unit_code="", key=t.written_name,
                                          note=f"'{t.comm['name']}' split"))
    placement.append(dict(kind="THT", key=t.written_name, district=d, written=t.addr_text, new_unit=g.unit))
    rt.append(g)
rind = oracle(rh, rt, NEW_UNITS + ["__UNPLACED"], YEAR, END)
del rind["__UNPLACED"]
COUNT_SUM = [k for k in rind["22"] if not (k.endswith("_PCT") or k.startswith("HTX_AVG") or k.startswith("THT_AVG"))]
rind = {u: {k: v[k] for k in COUNT_SUM} for u, v in rind.items()}
for k in COUNT_SUM:
    assert abs(rind["22"][k] - ind["22"][k]) < 1e-6, k

# ---------------------------------------------------------------- write
if os.path.exists(OUT):
    shutil.rmtree(OUT)
RAW = os.path.join(OUT, "raw", PERIOD)
DD = os.path.join(RAW, "districts")
for d in (DD, os.path.join(RAW, "tax"), os.path.join(RAW, "province"), os.path.join(OUT, "raw", "targets")):
    os.makedirs(d)

TITLES = {
    "193": ["ỦY BAN NHÂN DÂN", "Mã đơn vị: 193"], "194": ["UBND THÀNH PHỐ MÓNG CÁI"],
    "195": ["UBND TP Cẩm Phả"], "196": ["ỦY BAN NHÂN DÂN THÀNH PHỐ UÔNG BÍ"], "198": ["UBND huyện Bình Liêu"],
    "199": ["UBND H. Tiên Yên"], "200": ["UBND huyện Đầm Hà"], "201": ["ỦY BAN NHÂN DÂN HUYỆN HẢI HÀ"],
    "202": ["UBND H. Ba Chẽ"], "203": ["UBND huyện Vân Đồn"], "205": ["UBND thị xã Đông Triều"],
    "206": ["UBND TX Quảng Yên"], "207": ["UBND huyện Cô Tô"],
}
REPORT_DATE = {"193": "07/04/2025", "194": "08/04/2025", "195": "4/4/2025", "196": "09/04/2025",
               "198": "07/04/2025", "199": "10/04/2025", "200": "05/04/2025", "201": "08/04/2025",
               "202": "11/04/2025", "203": "07/04/2025", "205": "09/04/2025", "206": "08/04/2025",
               "207": "06/04/2025"}
FILES = {"193": "HL_BC KTTT quy I-2025.xlsm", "194": "MC bao cao KTTT Q1.2025.xls",
         "195": "CP - BC HTX 3 thang 2025.ods", "196": "UB_KTTT_Q1_2025.xlsx", "198": "BL bao cao HTX Q1.xlsx",
         "199": "TY - BC KTTT quý I năm 2025.xlsm", "200": "BC KTTT Q1 2025 Dam Ha.xlsx",
         "201": "HH_BC KTTT Q1-2025.xls", "202": "BaChe_KTTT_Q1_2025.ods", "203": "VD BC KTTT Q1 2025.xlsx",
         "205": "DT bao cao HTX 3T2025.xls", "206": "QY_BC_KTTT_Q1_2025.xlsx", "207": "Co To Q1 2025.ods"}
OLD_200 = "DH_BC_KTTT_Q1_2025_final.xlsx"

T = lambda s: s  # noqa
H3 = lambda cap="Vốn điều lệ": [  # noqa: E731  3-row header, middle row = group headers
    ("stt", "STT"), ("name", "Tên\nHTX"), ("code", "Mã số\nthuế"), ("reg", "Ngày\nthành lập"),
    ("addr", "Địa chỉ"), ("sector", "Lĩnh vực\nhoạt động"), ("status", "Tình trạng\nhoạt động"),
    ("grade", "Xếp loại"),
    ("S", "Quy mô", [("members", "Số thành viên"),
                     ("G", "Lao động", [("workers", "Tổng số"), ("mw", "Trong đó: LĐ là thành viên")]),
                     ("G", "Cán bộ quản lý", [("managers", "Tổng số"), ("ps", "Sơ cấp - trung cấp"),
                                              ("cp", "Cao đẳng - đại học trở lên")])]),
    ("S", "Kết quả sản xuất kinh doanh", [("capital", cap), ("revenue", "Doanh thu ước năm"),
                                           ("profit", "Lợi nhuận ước năm"),
                                           ("income", "Thu nhập bình quân\n(triệu đồng/người/năm)")]),
    ("ocop", "Số sản phẩm\nOCOP"), ("hightech", "Ứng dụng\nCNC"), ("chain", "Chuỗi\nliên kết"),
    ("note", "Ghi chú")]
H2 = lambda cap="Vốn điều lệ", extra=(): [  # noqa: E731
    ("stt", "TT"), ("name", "Tên hợp tác xã"), ("code", "MST"), ("addr", "Địa chỉ trụ sở"),
    ("reg", "Ngày cấp GCN ĐK"), ("sector", "Ngành nghề"), ("status", "Tình trạng"), ("grade", "Đánh giá"),
    ("members", "Số\nthành viên"),
    ("G", "Lao động", [("workers", "Tổng số"), ("mw", "LĐ là thành viên")]),
    ("G", "Cán bộ quản lý", [("managers", "Tổng số"), ("ps", "Sơ cấp, trung cấp"),
                             ("cp", "Cao đẳng, đại học trở lên")]),
    ("capital", cap), ("revenue", "Doanh thu"), ("profit", "Lãi"),
    ("income", "Thu nhập bình quân (triệu đồng/người/năm)"), ("ocop", "OCOP"), ("hightech", "Công nghệ cao"),
    ("chain", "Chuỗi liên kết")] + list(extra)

LAYOUT = {
    "193": dict(items=H3(), line="Đơn vị tính: triệu đồng", f=1.0, cap=1.0, sections=True, subtotal=True,
                grand="top", formulas=True, sheets=("Tổng hợp", ["Danh sách HTX"], "Danh sách THT")),
    "194": dict(items=H2("Vốn điều lệ (đồng)"), line="Đơn vị tính: triệu đồng", f=1.0, cap=1e-6,
                sheets=("TH", ["DS HTX"], "DS THT")),
    "195": dict(items=H2(), line="Đơn vị tính: tỷ đồng", f=1000.0, cap=1000.0,
                sheets=("Bieu tong hop", ["HTX"], "THT")),
    "196": dict(items=H3(), line="Đơn vị tính: triệu đồng", f=1.0, cap=1.0, split=(6, 4), grand="bottom",
                formulas=True, sheets=("Tổng hợp", ["DS HTX", "DS HTX (tiếp)", "DS HTX (tiếp 2)"], "DS THT")),
    "198": dict(items=H2(extra=[("phone", "Số điện thoại")]), line="Đơn vị tính: triệu đồng", f=1.0, cap=1.0,
                sheets=("TỔNG HỢP", ["danh sach htx"], "danh sach tht")),
    "199": dict(items=H2(), line="Đơn vị tính: Tr.đồng", f=1.0, cap=1.0, numbers_row=True,
                sheets=("Tong hop", ["Danh sách HTX"], "Danh sách THT")),
    "200": dict(items=H2(), line="Đơn vị tính: triệu đồng", f=1.0, cap=1.0,
                sheets=("TH", ["DS  HTX "], "DS THT")),
    "201": dict(items=H3(), line="Đơn vị tính: triệu đồng", f=1.0, cap=1.0,
                sheets=("Tổng hợp", ["DS HTX"], "DS THT"), summary=dict(extra_before=True, extra_after=True,
                                                                      trong_do=True)),
    "202": dict(items=H2(extra=[("diss", "Ngày giải thể")]), line="Đơn vị tính: triệu đồng", f=1.0, cap=1.0,
                sheets=("Tổng hợp", ["DS HTX"], "DS THT")),
    "203": dict(items=H2(), line="Đơn vị tính: triệu đồng", f=1.0, cap=1.0,
                sheets=("tổng hợp", ["Danh Sách HTX"], "Danh Sách THT"), summary=dict(trong_do=True)),
    "205": dict(items=H2(), line="Đơn vị tính: triệu đồng", f=1.0, cap=1.0,
                sheets=("Tổng hợp", ["DS HTX"], "DS THT"), tht_khong_co=False),
    "206": dict(items=H3(), line="Đơn vị tính: triệu đồng", f=1.0, cap=1.0, grand="top", formulas=True,
                sheets=("TH", ["DS HTX"], "DS THT"), summary=dict(extra_after=True)),
    "207": dict(items=H2(), line="Đơn vị tính: triệu đồng", f=1.0, cap=1.0,
                sheets=("Tổng hợp", ["DS HTX"], "DS THT"), tht_khong_co=True),
}


def rows_of(u):
    rows = list(htx[u])
    if u == "195":
        rows.append(DUP)
    if u == "198":
        i = rows.index(PARENT)
        rows.insert(i + 1, BRANCH)
    return rows


def build(u, path, rows, report_date, summary_vals, mtime=None):
    L = LAYOUT[u]
    wb = Workbook()
    wb.remove(wb.active)
    sname, lnames, tname = L["sheets"]
    title = TITLES[u] + ["BÁO CÁO TÌNH HÌNH PHÁT TRIỂN KINH TẾ TẬP THỂ QUÝ I NĂM 2025",
                         "(Số liệu lũy kế đến 31/3/2025)", f"Ngày báo cáo: {report_date}"]
    ws = wb.create_sheet(sname)
    write_summary(ws, rng, title, summary_vals, L.get("summary", {}))

    def unit_of(f):
        return L["cap"] if f == "capital" else L["f"]
    write_listing(wb, lnames, title + [L["line"]], L["items"], rows,
                  dict(unit_of=unit_of, sections=L.get("sections"), subtotal=L.get("subtotal"),
                       grand=L.get("grand"), formulas=L.get("formulas"), split=L.get("split"),
                       numbers_row=L.get("numbers_row"), cont_header=L.get("cont_header"), no_note=False), rng)
    write_tht(wb, tname, title[:1] + ["DANH SÁCH TỔ HỢP TÁC"] + title[-2:], tht[u],
              dict(khong_co=L.get("tht_khong_co")))
    save_as(wb, path, soffice_always=bool(L.get("formulas")))
    if mtime:
        os.utime(path, (mtime, mtime))


def summ(u):
    v = summary_truth(ind[u])
    for k, d in SUMMARY_DELTA.get(u, {}).items():
        v[k] = v[k] + d
    v["_SEC_AGRI"] = ind[u]["HTX_SECTOR_AGRI"]
    v["_SEC_TRADE"] = ind[u]["HTX_SECTOR_TRADE"]
    return v


base_t = dt.datetime(2025, 4, 12, 9, 0).timestamp()
for i, u in enumerate(UCODES):
    build(u, os.path.join(DD, FILES[u]), rows_of(u), REPORT_DATE[u], summ(u), mtime=base_t + i * 600)
# 200: superseded resubmission with the SAME Ngày báo cáo; earlier mtime; different figures
old_rows = [HTX(dict(h)) for h in htx["200"] if h.quarantine is None][:-2]
for r in old_rows:
    r.members = r.members + 4
ov = summ("200")
ov["HTX_TOTAL"] = len(old_rows)
build("200", os.path.join(DD, OLD_200), old_rows, REPORT_DATE["200"], ov, mtime=base_t - 86400)
F("SUPERSEDED", "200", OLD_200, "same Ngày báo cáo 05/04/2025, earlier modification time")

# tax register: Windows-1258 CSV, ',' separated
treg = []
for u in UCODES:
    for h in htx[u]:
        treg.append([h.code, h.tax["name"], h.tax_addr, h.tax_office, "Hợp tác xã", h.tax["status"],
                     h.tax["date"], h.tax["revenue"]])
for i in range(15):
    u = rng.choice(UCODES)
    c = rng.choice(COMM[u])
    st = rng.choice(["01", "01", "03"])
    treg.append([new_code(rng, used_codes), f"HỢP TÁC XÃ {rng.choice(['NÔNG NGHIỆP', 'DỊCH VỤ', 'THỦY SẢN'])} "
                 f"{rng.choice(words).upper()} CŨ", tax_address(u, c["kind"], c["name"]), tax_office(u),
                 "Hợp tác xã", st, dt.date(rng.randint(2012, 2022), 3, 9), 0])
for n, *_ in lh:
    treg.append([new_code(rng, used_codes), n.upper(), "phường Hồng Hải, thành phố Hạ Long, tỉnh Quảng Ninh",
                 "Thuế tỉnh Quảng Ninh", "Liên hiệp hợp tác xã", "00", None, 2_100_000_000])
for q in qt:
    treg.append([new_code(rng, used_codes), q[0], "thị xã Đông Triều, tỉnh Quảng Ninh", tax_office("205"),
                 "Quỹ tín dụng nhân dân", "00", None, 8_800_000_000])
rng.shuffle(treg)
import io
buf = io.StringIO()
w = csv.writer(buf, delimiter=",", lineterminator="\r\n")
w.writerow(["STT", "Mã số thuế", "Tên người nộp thuế", "Địa chỉ", "Cơ quan thuế quản lý", "Loại hình",
            "Trạng thái", "Ngày thay đổi trạng thái", "Doanh thu kê khai lũy kế (đồng)", "Thuế phát sinh (đồng)"])
for i, (c, n, a, o, k, s, d, rev) in enumerate(treg):
    stxt = s if i % 2 else f"{s} - {TAX_TEXT[s]}"
    w.writerow([i + 1, c, n, a, o, k, stxt, d.strftime("%d/%m/%Y") if d else "", "" if rev is None else rev,
                "" if not rev else rev // 100])
with open(os.path.join(RAW, "tax", "DS NNT HTX quy 1 2025 (ANSI).csv"), "wb") as f:
    f.write(cp1258_bytes(buf.getvalue()))

wb = Workbook()
ws = wb.active
ws.title = "LHHTX"
ws.append(["SỞ TÀI CHÍNH TỈNH QUẢNG NINH"])
ws.append(["TÌNH HÌNH LIÊN HIỆP HỢP TÁC XÃ ĐẾN 31/03/2025"])
ws.append([])
ws.append(["STT", "Tên", "MST", "Lĩnh vực", "Số HTX thành viên", "Số lao động", "Vốn điều lệ (triệu đồng)"])
for i, (n, s, m, w_, cap) in enumerate(lh):
    ws.append([i + 1, n, None, s, m, w_, cap])
ws2 = wb.create_sheet("QTDND")
ws2.append(["TÌNH HÌNH QUỸ TÍN DỤNG NHÂN DÂN ĐẾN 31/03/2025"])
ws2.append(["Đơn vị tính: triệu đồng"])
ws2.append([])
ws2.append(["STT", "Tên", "MST", "Số thành viên", "Số lao động", "Số cán bộ quản lý", "Tổng nguồn vốn",
            "Vốn chủ sở hữu", "Vốn huy động", "Dư nợ cho vay"])
for i, q in enumerate(qt):
    ws2.append([i + 1, q[0], None] + list(q[1:]))
wb.save(os.path.join(RAW, "province", "LHHTX QTDND quy I 2025.xlsx"))
wb = Workbook()
ws = wb.active
ws.title = "KH 2025"
ws.append(["CHỈ TIÊU KẾ HOẠCH PHÁT TRIỂN KINH TẾ TẬP THỂ NĂM 2025"])
ws.append([])
ws.append(["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm 2025"])
ws.append(["HTX_TOTAL", "Tổng số hợp tác xã", "HTX", TARGET["HTX_TOTAL"]])
ws.append(["HTX_NEW", "Số HTX thành lập mới từ đầu năm", "HTX", TARGET["HTX_NEW"]])
ws.append(["THT_TOTAL", "Tổng số tổ hợp tác", "THT", TARGET["THT_TOTAL"]])
wb.save(os.path.join(OUT, "raw", "targets", "2025.xlsx"))

# ---------------------------------------------------------------- expected
CHECKED = sorted({"FILE_REJECTED", "UNIT_UNKNOWN", "UNIT_MISSING", "SUPERSEDED", "ROW_QUARANTINED",
                  "TAX_CODE_INVALID", "NAME_MATCH", "NO_TAX_RECORD", "DUPLICATE", "STATUS_OVERRIDE",
                  "SUMMARY_MISMATCH", "WORDS_DROPPED", "GRADE_MISSING", "SECTOR_UNKNOWN", "UNIT_NOT_IN_FORCE"})
exp = dict(period=PERIOD, province="22", indicators=ind, findings=findings, missing_units=[],
           province_incomplete=False, ignore=ignores, checked_kinds=CHECKED,
           notes="See ../README.md for the interpretations behind these figures.")
with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
    json.dump(exp, f, ensure_ascii=False, indent=1, default=str)
rexp = dict(period=PERIOD, indicators=rind, findings=restated_findings, placement=placement,
            notes="Restated on the 54 units (§11.1); see ../README.md.")
with open(os.path.join(OUT, "expected_restated.json"), "w", encoding="utf-8") as f:
    json.dump(rexp, f, ensure_ascii=False, indent=1, default=str)
pop = [{k: (sorted(v) if isinstance(v, set) else v) for k, v in h.items() if k not in ("comm",)} for h in all_h]
with open(os.path.join(OUT, "population.json"), "w", encoding="utf-8") as f:
    json.dump(pop, f, ensure_ascii=False, indent=0, default=str)
print("p3:", len(all_h), "HTX rows;", ind["22"]["HTX_TOTAL"], "in HTX_TOTAL;", len(all_t), "THT;",
      len(restated_findings), "restated findings")
