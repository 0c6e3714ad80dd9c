"""p1: district-era period 2024-Q2 with the mess of contract §3/§6/§7."""
import csv
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

from openpyxl import Workbook

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *  # noqa

OUT = os.path.abspath(sys.argv[1])  # the output folder (raw/, expected.json, population.json)
PERIOD, YEAR, END = "2024-Q2", 2024, dt.date(2024, 6, 30)
rng = random.Random(20240630)

units = [u for u in read_units() if u["level"] == "district"]
UCODES = [u["unit_code"] for u in units]
UNAME = {u["unit_code"]: u for u in units}
MISSING = "201"
PRESENT = [c for c in UCODES if c != MISSING]

cw = read_crosswalk()
COMMUNES = {}
for r in cw:
    COMMUNES.setdefault(r["old_district_code"], {})[r["old_code"]] = (r["old_kind"], r["old_name"])
COMMUNES = {k: list(v.values()) for k, v in COMMUNES.items()}


def dist_label(code):
    u = UNAME[code]
    return f"{u['kind_vi'].lower()} {u['name_vi']}"


def tax_address(code, commune):
    kind, name = commune
    return f"{kind.lower()} {name}, {dist_label(code)}, tỉnh Quảng Ninh"


def tax_office(code):
    return f"Chi cục Thuế {dist_label(code)}"


used_codes = set()
RESERVED = {"Trung Kiên", "Chung Kiên", "Xuân Lộc", "Suân Lộc", "Gia Phong", "Da Phong", "Hòa Bình Xanh",
            "Đồng Xanh Mới", "Cửa Khẩu", "Bắc Sơn"}
_rw = {w for c in RESERVED for w in c.split()}
_words = sorted({w for c in SYL for w in c.split()} - _rw)
pool = [f"{a} {b}" for a in _words for b in _words if a != b]
rng.shuffle(pool)
used_core_global = set()


def pick_cores(n, taken_words):
    out = []
    for c in pool:
        if c in used_core_global:
            continue
        ws = set(c.split())
        if ws & taken_words:
            continue
        out.append(c)
        used_core_global.add(c)
        taken_words |= ws
        if len(out) == n:
            break
    assert len(out) == n, (n, len(out))
    return out


N_HTX = {"193": 24, "194": 16, "195": 22, "196": 18, "198": 14, "199": 18, "200": 22, "201": 12, "202": 12,
         "203": 18, "205": 22, "206": 20, "207": 8}
SPECIAL_CORES = {"193": ["Trung Kiên"], "195": ["Xuân Lộc"], "206": ["Gia Phong"], "196": ["Hòa Bình Xanh"],
                 "194": ["Cửa Khẩu"], "198": ["Bắc Sơn"]}

htx = {u: [] for u in UCODES}
for u in UCODES:
    taken = set()
    for c in SPECIAL_CORES.get(u, []):
        taken |= set(c.split())
    cores = SPECIAL_CORES.get(u, []) + pick_cores(N_HTX[u] - len(SPECIAL_CORES.get(u, [])), taken)
    for c in cores:
        h = gen_htx(rng, u, c, used_codes, YEAR, END, rng.choice(COMMUNES[u]))
        h.home = u
        if c in SPECIAL_CORES.get(u, []):
            h.flags.add("reserved")
        htx[u].append(h)


def find(u, pred, exclude=()):
    for h in htx[u]:
        if h.flags or h in exclude:
            continue
        if pred(h):
            return h
    raise LookupError(u)


def make_active(h, grade="Khá", ts="00"):
    h.status = "ACTIVE"
    h.grade = grade
    if h.revenue is None:
        h.revenue, h.profit, h.income = 900.0, 210.0, 64.5
    h.tax.update(status=ts, date=None, revenue=480_500_000)


findings, ignores = [], []


def F(kind, unit, key, note=""):
    findings.append(dict(kind=kind, unit_code=unit, key=key, note=note))


# ---- 193: tr/ch name match, invalid check digit, grade missing, summary mismatch (managers)
h = htx["193"][0]
make_active(h, "Khá")
h.nameword = "chăn nuôi"
h.name = "Hợp tác xã chăn nuôi Trung Kiên"
h.tax["name"] = "HỢP TÁC XÃ CHĂN NUÔI TRUNG KIÊN"
h.written_name = "HTX chăn nuôi Chung Kiên"
h.cell_code = None
h.flags.add("namematch")
F("NAME_MATCH", "193", h.code, "written 'HTX chăn nuôi Chung Kiên' (tr/ch), no code; register 'TRUNG KIÊN'")
h = find("193", lambda h: True)
make_active(h, "Tốt")
h.cell_code = bad_check(h.code)
h.flags.add("badcheck")
F("TAX_CODE_INVALID", "193", h.code, f"written code {h.cell_code} has a wrong check digit")
F("NAME_MATCH", "193", h.code, "matched by name after invalid code")
h = find("193", lambda h: True)
make_active(h, None)
h.flags.add("gradeless")
F("GRADE_MISSING", "193", h.code, "active, tax 00 with revenue, no grade -> HTX_AVERAGE")

# ---- duplicate D: listed by 194 and 195, tax address in 195
h = htx["194"][0]           # core 'Cửa Khẩu'
make_active(h, "Tốt")
h.unit = "195"
h.commune = rng.choice(COMMUNES["195"])
h.flags.add("dup")
DUP = h
F("DUPLICATE", "195", h.code, "listed by 194 and 195; tax-register address in 195 (first unit in code order is 194)")
ignores.append(dict(kind="DUPLICATE", unit_code="194", key=h.code))
ignores.append(dict(kind="SUMMARY_MISMATCH", unit_code="194"))
h = find("194", lambda h: True)
make_active(h, "Khá")
h.tax.update(status="03", date=dt.date(2024, 3, 11), revenue=0)
h.flags.add("override")
F("STATUS_OVERRIDE", "194", h.code, "district 'Đang hoạt động', tax 03 -> dissolving")
h = find("194", lambda h: True)
h.words = {"members": "khoảng"}
h.flags.add("words")
F("WORDS_DROPPED", "194", h.code, "members 'khoảng …'")

# ---- 195: s/x name match, override 05, unknown sector
h = htx["195"][0]
make_active(h, "Trung bình", ts="04")
h.sector, h.nameword = "TRADE", "thương mại dịch vụ"
h.sector_text = "Thương mại - dịch vụ"
h.name = "Hợp tác xã thương mại dịch vụ Xuân Lộc"
h.tax["name"] = "HỢP TÁC XÃ THƯƠNG MẠI DỊCH VỤ XUÂN LỘC"
h.written_name = "HTX thương mại dịch vụ Suân Lộc"
h.cell_code = None
h.flags.add("namematch")
F("NAME_MATCH", "195", h.code, "written 'Suân Lộc' (s/x), register 'XUÂN LỘC'")
h = find("195", lambda h: True)
make_active(h, "Khá")
h.tax.update(status="05", date=dt.date(2024, 2, 1), revenue=0)
h.flags.add("override")
F("STATUS_OVERRIDE", "195", h.code, "tax 05 -> suspended")
h = find("195", lambda h: h.status == "ACTIVE")
h.sector, h.sector_text = "OTHER", "Du lịch sinh thái"
h.flags.add("sector")
F("SECTOR_UNKNOWN", "195", h.code, "'Du lịch sinh thái' -> OTHER")

# ---- 196: override 06, no tax record, resubmission (handled at write time)
h = find("196", lambda h: True)
make_active(h, "Trung bình")
h.tax.update(status="06", date=dt.date(2023, 11, 20), revenue=0)
h.flags.add("override")
F("STATUS_OVERRIDE", "196", h.code, "tax 06 -> dissolving")
h = htx["196"][0]             # 'Hòa Bình Xanh'
make_active(h, "Khá")
h.sector, h.sector_text, h.nameword = "AGRI", "Nông nghiệp", "dịch vụ nông nghiệp"
h.name = h.written_name = "Hợp tác xã dịch vụ nông nghiệp Hòa Bình Xanh"
h.tax = None
h.cell_code = None
h.flags.add("notax")
F("NO_TAX_RECORD", "196", h.written_name, "no code, no register record -> counted, weak")

# ---- 198: quarantine mw>workers, listed dissolved in 2024, branch code
h = find("198", lambda h: True)
make_active(h, "Khá")
h.mw = h.workers + 9
h.quarantine = "mw_gt_workers"
h.flags.add("quar")
F("ROW_QUARANTINED", "198", h.code, "member_workers > workers")
h = find("198", lambda h: True)
h.status, h.grade, h.diss = "DISSOLVED", None, dt.date(2024, 3, 20)
h.tax.update(status="01", date=dt.date(2024, 3, 20), revenue=0)
h.flags.add("dissolved")
h = htx["198"][0]             # 'Bắc Sơn' branch
make_active(h, "Khá")
h.cell_code = h.code + "-001"
h.flags.add("branch")
for k in ("TAX_CODE_INVALID", "NAME_MATCH", "NO_TAX_RECORD", "DUPLICATE"):
    ignores.append(dict(kind=k, unit_code="198", key=h.code))
    ignores.append(dict(kind=k, unit_code="198", key=h.code + "-001"))

# ---- 199: override 07, override 01 with date, quarantine ps+cp>managers, grade missing
h = find("199", lambda h: True)
make_active(h, "Khá")
h.tax.update(status="07", date=dt.date(2024, 1, 9), revenue=0)
h.flags.add("override")
F("STATUS_OVERRIDE", "199", h.code, "tax 07 -> dissolving")
h = find("199", lambda h: h.reg.year < YEAR)
make_active(h, "Tốt")
h.tax.update(status="01", date=dt.date(2024, 4, 15), revenue=0)
h.flags.add("override")
F("STATUS_OVERRIDE", "199", h.code, "tax 01 dated 2024-04-15 -> dissolved in period (HTX_DISSOLVED, not in total)")
h = find("199", lambda h: True)
make_active(h, "Trung bình")
h.managers, h.ps, h.cp = 4, 3, 3
h.quarantine = "ps_cp_gt_managers"
h.flags.add("quar")
F("ROW_QUARANTINED", "199", h.code, "ps + cp > managers")
h = find("199", lambda h: True)
make_active(h, None)
h.flags.add("gradeless")
F("GRADE_MISSING", "199", h.code, "active, tax-filing, no grade")

# ---- 200: continuation sheet, grand total with wrong members, words in income, code typing
h = find("200", lambda h: True)
make_active(h, "Khá")
h.words = {"income": "trên"}
h.flags.add("words")
F("WORDS_DROPPED", "200", h.code, "income 'trên …'")
F("SUMMARY_MISMATCH", "200", "HTX_MEMBERS", "listing grand total (both sheets) members = detail + 7")

# ---- 203: THT summary mismatch
F("SUMMARY_MISMATCH", "203", "THT_MEMBERS", "summary sheet THT members = detail + 5")
# ---- 205: listed dissolved 2022, quarantine registration after period end
h = find("205", lambda h: h.status != "ACTIVE")
h.status, h.grade, h.diss = "DISSOLVED", None, dt.date(2022, 9, 14)
h.tax.update(status="01", date=dt.date(2022, 9, 14), revenue=0)
h.flags.add("dissolved")
h = find("205", lambda h: True)
make_active(h, "Khá")
h.reg = dt.date(2024, 8, 15)
h.date_style = "dmy"
h.quarantine = "registered_after_period_end"
h.flags.add("quar")
F("ROW_QUARANTINED", "205", h.code, "registered 15/08/2024, after the period end")
# ---- 206: d/gi name match, summary mismatch members
h = htx["206"][0]
make_active(h, "Tốt")
h.sector, h.sector_text, h.nameword = "AGRI", "Thủy sản", "thủy sản"
h.name = "Hợp tác xã thủy sản Gia Phong"
h.tax["name"] = "HỢP TÁC XÃ THỦY SẢN GIA PHONG"
h.written_name = "Hợp tác xã thủy sản Da Phong"
h.cell_code = None
h.flags.add("namematch")
F("NAME_MATCH", "206", h.code, "written 'Da Phong' (d/gi), register 'GIA PHONG'")
F("SUMMARY_MISMATCH", "206", "HTX_MEMBERS", "summary sheet members = detail - 30")
F("SUMMARY_MISMATCH", "193", "HTX_MANAGERS", "summary sheet managers = detail + 12")

# ---- a few weak-by-revenue, 02/04 statuses already random. ensure at least one new coop per unit
for u in UCODES:
    if not any(h.reg.year == YEAR and not h.flags for h in htx[u]):
        h = find(u, lambda h: True)
        h.reg = dt.date(YEAR, 2, 17)

for h in htx["207"]:
    h.ps = h.cp = 0      # 207's listing has a 1-row header without the two manager-qualification columns

# ---------------------------------------------------------------- presentation defaults
DATE_STYLES = ["excel", "excel", "excel", "dmy", "dmy_short", "dmy_dash", "dmy_dot", "ymd_dot", "serial_text"]
STATUS_FOR_TEXT = {"ACTIVE": "ACTIVE", "SUSPENDED": "SUSPENDED", "NOT_STARTED": "NOT_STARTED",
                   "DISSOLVING": "DISSOLVING", "DISSOLVED": "DISSOLVED"}


def present(h, unit, code_styles=("str",), status_pool=None):
    if "cell_code" not in h:
        st = rng.choice(code_styles)
        h.cell_code = {"str": h.code, "int": int(h.code), "spaced": f"{h.code[:4]} {h.code[4:7]} {h.code[7:]}",
                       "dotted": f"{h.code[:4]}.{h.code[4:7]}.{h.code[7:]}", "padded": f" {h.code} "}[st]
    if h.date_style is None:
        h.date_style = rng.choice(DATE_STYLES)
    h.status_text = rng.choice(STATUS_TEXTS[h.status])
    h.grade_text = rng.choice(GRADE_TEXTS[h.grade]) if h.grade else None
    if "textnum" not in h:
        h.textnum = set(rng.sample(["members", "workers", "capital", "revenue"], rng.randint(0, 1)))
    h.mark = rng.choice(["x", "X", "Có", "1"])
    h.nomark = None
    h.ocop_zero = rng.choice([0, None])
    h.note = "Thành lập mới" if h.reg.year == YEAR else (rng.choice([None, None, None, "Đạt chuẩn NTM"]))
    if h.written_name and rng.random() < 0.15 and not h.flags:
        h.written_name = h.written_name.replace(" ", "  ", 1) + " "


for u in UCODES:
    for h in htx[u]:
        present(h, u, code_styles=("str", "str", "int", "spaced", "dotted", "padded") if u == "200" else
                ("str", "str", "str", "int"))

# ---------------------------------------------------------------- THT
tht = {u: [] for u in UCODES}
tht_names = set()
for u in UCODES:
    for i in range(rng.randint(2, 8)):
        while True:
            nm = f"Tổ hợp tác {rng.choice(THT_WORDS)} {rng.choice(SYL)}"
            if nm not in tht_names:
                break
        tht_names.add(nm)
        s = rng.choices(["AGRI", "INDUSTRY", "OTHER"], weights=[55, 25, 20])[0]
        t = HTX(unit=u, name=nm, written_name=rng.choice([nm, nm.replace("Tổ hợp tác", "THT")]), sector=s,
                sector_text=rng.choice({"AGRI": ["Nông - lâm - ngư nghiệp", "Nông nghiệp", "Thủy sản"],
                                        "INDUSTRY": ["CN - TTCN", "Tiểu thủ công nghiệp"],
                                        "OTHER": ["Khác"]}[s]),
                members=rng.randint(3, 25), revenue=float(rng.randint(40, 800)),
                income=round(rng.uniform(2.0, 6.5), 1), rep=rng.choice(PEOPLE), counted=True,
                addr="%s %s" % (lambda k: (k[0].lower(), k[1]))(rng.choice(COMMUNES[u])))
        t.members_cell, t.income_cell = t.members, t.income
        tht[u].append(t)
t = tht["205"][0]
t.members_cell = f"khoảng {t.members}"
F("WORDS_DROPPED", "205", t.written_name, "THT members 'khoảng …'")

# ---------------------------------------------------------------- reconcile + oracle
overrides = []
all_h = []
for u in UCODES:
    for h in htx[u]:
        if h is DUP and u == "194":
            pass
        h.rstatus, h.rdiss = reconcile(h, YEAR, END, overrides)
        h.counted = (u != MISSING) and h.quarantine is None
        all_h.append(h)
# the duplicate is written in both 194 and 195 listings but is one cooperative attributed to 195
htx["195"].append(DUP)        # written in 195 too (same values)
assert DUP.unit == "195"
all_t = [t for u in UCODES for t in tht[u] if u != MISSING]
ind = oracle(all_h, all_t, PRESENT, YEAR, END)

# ---------------------------------------------------------------- province + targets
lh = [("Liên hiệp hợp tác xã nông nghiệp Hạ Long Xanh", "Nông nghiệp", 5, 31, 25000.0),
      ("Liên hiệp HTX vận tải Quảng Ninh", "Phi nông nghiệp", 4, 27, 12000.0),
      ("Liên hiệp hợp tác xã thủy sản Vân Đồn", "Nông nghiệp", 3, 19, 8500.5)]
qt = [("Quỹ tín dụng nhân dân Hưng Đạo", 1260, 11, 4, 131000.0, 11500.0, 116000.0, 91200.0),
      ("Quỹ tín dụng nhân dân Mạo Khê", 948, 8, 4, 97100.0, 8700.0, 85300.0, 66100.0)]
for k in ("HTX_MANAGERS_PRIMARY_SECONDARY", "HTX_MANAGERS_COLLEGE_PLUS"):
    del ind["207"][k]          # no such columns in 207's listing: its value (0 or empty) is not asserted
P = ind["22"]
P.update(LHHTX_TOTAL=3, LHHTX_AGRI=2, LHHTX_MEMBER_HTX=12, LHHTX_WORKERS=77, LHHTX_CHARTER_CAPITAL=45500.5,
         QTDND_TOTAL=2, QTDND_MEMBERS=2208, QTDND_WORKERS=19, QTDND_MANAGERS=8, QTDND_TOTAL_CAPITAL=228100.0,
         QTDND_EQUITY=20200.0, QTDND_MOBILISED=201300.0, QTDND_LOANS=157300.0)
assert sum(x[2] for x in lh) == 12 and sum(x[3] for x in lh) == 77
F("SUMMARY_MISMATCH", "22", "LHHTX_WORKERS", "LHHTX total row 83 vs detail 77")
TARGET = {"HTX_TOTAL": 230, "HTX_NEW": 40, "THT_TOTAL": 60}
P["HTX_TOTAL_PCT_PLAN"] = 100.0 * P["HTX_TOTAL"] / TARGET["HTX_TOTAL"]
P["HTX_NEW_PCT_PLAN"] = 100.0 * P["HTX_NEW"] / TARGET["HTX_NEW"]

# ---------------------------------------------------------------- write
if os.path.exists(OUT):
    shutil.rmtree(OUT)
RAW = os.path.join(OUT, "raw", PERIOD)
DD = os.path.join(RAW, "districts")
for d in (DD, os.path.join(RAW, "tax"), os.path.join(RAW, "province"), os.path.join(OUT, "raw", "targets")):
    os.makedirs(d)

TITLES = {
    "193": ["ỦY BAN NHÂN DÂN THÀNH PHỐ HẠ LONG"], "194": ["UBND TP Móng Cái"],
    "195": ["UBND TP. Cẩm Phả", "Mã đơn vị: 195"], "196": ["UBND thành phố Uông Bí"],
    "198": ["UBND huyện Bình Liêu"], "199": ["UBND H. Tiên Yên"], "200": ["ỦY BAN NHÂN DÂN HUYỆN ĐẦM HÀ"],
    "202": ["UBND huyện Ba Chẽ"], "203": ["UBND HUYỆN VÂN ĐỒN"], "205": ["UBND TX Đông Triều"],
    "206": [("UBND thị xã Quảng Yên",), ("Mã đơn vị:", 206)], "207": ["UBND huyen Co To"],
}
REPORT_DATE = {"193": "08/07/2024", "194": "5/7/2024", "195": "10.07.2024", "196": "10/07/2024",
               "198": "09/07/2024", "199": "11-07-2024", "200": "06/07/2024", "202": "12/07/2024",
               "203": "08/07/2024", "205": "2024.07.09", "206": "15/07/2024", "207": "10/7/2024"}
FILENAMES = {"193": "BC KTTT 6T2024 HLong.xlsx", "194": "Mong Cai - bao cao KTTT 6 thang.xlsx",
             "195": "CP_BC HTX 6T2024.xlsx", "196": "UB - BC KTTT 6 thang 2024 (bo sung).xlsx",
             "198": "bao cao HTX quy 2 (BL).xlsx", "199": "TY - Bieu tong hop KTTT Q2.xlsx",
             "200": "DH BC KTTT Q2 2024.xlsx", "202": "BaChe KTTT Q2-2024.xls", "203": "VĐ - báo cáo HTX, THT quý 2.xlsx",
             "205": "ĐT báo cáo KTTT 6 tháng 2024.xlsx", "206": "QY - BC HTX 6 thang 2024.xlsx",
             "207": "CoTo.ods"}
OLD_196 = "UB_BC KTTT 6T2024.xlsx"

LAYOUTS = {
    "193": dict(header_rows=3, sections=True, repeat_every=9, merge_fields=["sector"], heading_split=True),
    "194": dict(nfd=True, merge_fields=["status"], spacers=1, extra=["note", "phone"]),
    "195": dict(name_late=True, stt_middle=True, money_line=None, money_line_text=None,
                col_units={"capital": "ty", "revenue": ("trieu", " (trđ)"), "profit": ("trieu", " (tr.đ)")}),
    "196": dict(money_line="nghin", money_line_text="Đơn vị tính: nghìn đồng", col_units={"capital": "ty"}),
    "198": dict(name_late=True, header_rows=3),
    "199": dict(money_line_text="Đơn vị tính: Tr.đồng", col_units={"revenue": ("trieu", " (tr.đ)")},
                repeat_every=7),
    "200": dict(continuation=12, grand="bottom", merge_total_label=True, total_delta={"members": 7}, spacers=2,
                shuffle=False),
    "202": dict(sections=True, subtotal="roman", grand="top", shuffle=False),
    "203": dict(sections=True, subtotal="sector", grand="bottom", header_rows=3, merge_fields=["sector"]),
    "205": dict(stt_middle=True),
    "206": dict(header_rows=3, repeat_every=6, merge_fields=["status"]),
    "207": dict(grand="bottom", shuffle=False, money_line_text="Đơn vị tính: triệu đồng", header_rows=1,
                drop_fields=["ps", "cp"]),
}
SUMMARY_STYLE = {"193": "numbered_label", "194": "stt_col", "195": "upper", "196": "numbered_label",
                 "198": "numbers_row", "199": "stt_col", "200": "numbered_label", "202": "stt_col",
                 "203": "numbered_label", "205": "nodiac", "206": "stt_col", "207": "numbered_label"}
SHEETNAMES = {"193": ("Tổng hợp", ["Danh sách HTX"], "Danh sách THT"),
              "194": ("TH", ["DS HTX"], "DS THT"),
              "195": ("Bieu tong hop", ["HTX"], "THT"),
              "196": ("TONG HOP", ["danh sach HTX"], "DS THT"),
              "198": (" Tổng hợp ", ["DS HTX"], "DS THT"),
              "199": ("TH", ["Danh sách HTX"], "Danh sách THT"),
              "200": ("Tổng hợp", ["DS HTX", "DS HTX (tiếp)"], "DS THT"),
              "202": ("Tổng hợp", ["DS HTX"], "DS THT"),
              "203": ("tong hop", ["Danh sach HTX"], "Danh sach THT"),
              "205": ("TH", ["HTX"], "THT"),
              "206": ("Tổng hợp", ["DS HTX"], "DS THT"),
              "207": ("Tổng hợp", ["DS HTX"], "DS THT")}


SUMMARY_DELTA = {"193": {"HTX_MANAGERS": 12}, "206": {"HTX_MEMBERS": -30}, "203": {"THT_MEMBERS": 5}}


def order_rows(u, L):
    rows = list(htx[u])
    rng.shuffle(rows)
    if L.get("merge_fields"):
        f = L["merge_fields"][0]
        key = (lambda h: h.status_text) if f == "status" else (lambda h: (h.sector, h.sector_text))
        rows.sort(key=key)
    for h in rows:
        h.blank_after = rng.random() < 0.05
    return rows


def build_workbook(u, path, rows_override=None, report_date=None, summary_override=None):
    L = make_layout(rng, **LAYOUTS[u])
    wb = Workbook()
    wb.remove(wb.active)
    sname, lnames, tname = SHEETNAMES[u]
    rd = report_date or REPORT_DATE[u]
    title = TITLES[u] + ["BÁO CÁO TÌNH HÌNH KINH TẾ TẬP THỂ 6 THÁNG ĐẦU NĂM 2024",
                         "(Số liệu lũy kế đến 30/6/2024)", f"Ngày báo cáo: {rd}"]
    vals = summary_override or summary_truth(ind[u])
    if u == "207" and summary_override is None:
        vals = {k: v for k, v in vals.items() if k not in ("HTX_MANAGERS_PRIMARY_SECONDARY", "HTX_MANAGERS_COLLEGE_PLUS")}
    if summary_override is None:
        for k, d in SUMMARY_DELTA.get(u, {}).items():
            vals[k] = vals[k] + d
    ws = wb.create_sheet(sname)
    write_summary(ws, rng, [t if isinstance(t, str) else " ".join(str(x) for x in t) for t in title], vals,
                  SUMMARY_STYLE[u])
    rows = rows_override if rows_override is not None else order_rows(u, L)
    write_htx_listing(wb, rng, lnames, title, rows, L)
    write_tht_listing(wb, rng, tname, title[:1] + ["DANH SÁCH TỔ HỢP TÁC"] + title[-2:], tht[u],
                      dict(shuffle=u in ("195", "205"), numbers=u in ("198",), total=u in ("203", "207")))
    if u == "203":
        hs = wb.create_sheet("Sheet3")
        hs.sheet_state = "hidden"
        for i, s in enumerate(sum(SECTOR_TEXTS.values(), [])):
            hs.cell(i + 1, 1, s)
            hs.cell(i + 1, 2, i * 17)
        ns = wb.create_sheet("Ghi chu")
        ns.cell(1, 1, "Ghi chú: số liệu THT theo báo cáo của các xã, thị trấn; HTX theo đăng ký kinh doanh.")
        ns.cell(2, 1, "Biểu đồ cơ cấu HTX theo lĩnh vực: xem bản in.")
    if u == "196":
        hs = wb.create_sheet("DM")
        hs.sheet_state = "hidden"
        hs.cell(1, 1, "Danh mục lĩnh vực")
    wb.save(path)


tmpd = tempfile.mkdtemp()
for u in PRESENT:
    fn = FILENAMES[u]
    if fn.endswith((".xls", ".ods")):
        src = os.path.join(tmpd, os.path.splitext(fn)[0] + ".xlsx")
        build_workbook(u, src)
        ext = fn.rsplit(".", 1)[1]
        subprocess.run(["soffice", "--headless", "--convert-to", ext, "--outdir", tmpd, src], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180)
        shutil.move(os.path.join(tmpd, fn), os.path.join(DD, fn))
    else:
        build_workbook(u, os.path.join(DD, fn))

# 196 superseded earlier workbook: fewer rows, different figures, earlier report date, LATER mtime
old_rows = [h.copy() for h in htx["196"] if not h.flags][:-2]
old_rows = [HTX(r) for r in old_rows]
for r in old_rows:
    r.members = r.members + 3
    r.blank_after = False
old_sum = summary_truth(ind["196"])
old_sum = {k: v for k, v in old_sum.items() if k in ("HTX_TOTAL", "THT_TOTAL")}
old_sum["HTX_TOTAL"] = len(old_rows)
build_workbook("196", os.path.join(DD, OLD_196), rows_override=old_rows, report_date="03/07/2024",
               summary_override=old_sum)
t_new = os.path.getmtime(os.path.join(DD, FILENAMES["196"]))
os.utime(os.path.join(DD, OLD_196), (t_new + 3600, t_new + 3600))
F("SUPERSEDED", "196", OLD_196, "Ngày báo cáo 03/07/2024 < 10/07/2024 of the other file (its mtime is later)")

# not a workbook
BAD = "BC KTTT HH Q2-2024.xlsx"
with open(os.path.join(DD, BAD), "w", encoding="utf-8") as f:
    f.write("<html><body>Lỗi tải tệp: phiên làm việc đã hết hạn</body></html>\n")
F("FILE_REJECTED", "", BAD, "not a workbook")
ignores.append(dict(kind="UNIT_UNKNOWN", key=BAD))
F("UNIT_MISSING", MISSING, MISSING, "Hải Hà sent nothing usable")

# tax register (CSV ; with BOM)
treg = []
for u in UCODES:
    for h in htx[u]:
        if h.tax is None or (h is DUP and u == "195"):
            continue
        home = h.unit if h is DUP else u
        t = h.tax
        treg.append([h.code, t["name"], tax_address(home, h.commune if h is DUP else rng.choice(COMMUNES[home])),
                     tax_office(home), "Hợp tác xã", t["status"], t["date"], t["revenue"]])
for i in range(25):   # unlisted taxpayers: never counted
    u = rng.choice(UCODES)
    c = new_code(rng, used_codes)
    st = rng.choice(["01", "01", "01", "00", "03"])
    treg.append([c, f"HỢP TÁC XÃ {rng.choice(['NÔNG NGHIỆP', 'DỊCH VỤ', 'VẬN TẢI'])} CŨ SỐ {i + 1}",
                 tax_address(u, rng.choice(COMMUNES[u])), tax_office(u), "Hợp tác xã", st,
                 dt.date(rng.randint(2012, 2022), 5, 4) if st != "00" else None, 0])
for name, *_ in lh:
    treg.append([new_code(rng, used_codes), name.upper(), "phường Hồng Hải, thành phố Hạ Long, tỉnh Quảng Ninh",
                 "Cục Thuế tỉnh Quảng Ninh", "Liên hiệp hợp tác xã", "00", None, 2_300_000_000])
for q in qt:
    treg.append([new_code(rng, used_codes), q[0], "thị xã Đông Triều, tỉnh Quảng Ninh", tax_office("205"),
                 "Quỹ tín dụng nhân dân", "00", None, 9_100_000_000])
rng.shuffle(treg)
with open(os.path.join(RAW, "tax", "DS NNT loai hinh HTX den 30.06.2024.csv"), "w", encoding="utf-8-sig",
          newline="") as f:
    w = csv.writer(f, delimiter=";")
    w.writerow(["STT", "Mã số thuế", "Tên người nộp thuế", "Địa chỉ", "Cơ quan thuế quản lý", "Loại hình",
                "Trạng thái", "Ngày thay đổi trạng thái", "Doanh thu kê khai lũy kế (đồng)",
                "Thuế phát sinh (đồng)"])
    for i, (c, n, a, o, k, s, d, rev) in enumerate(treg):
        stxt = s if rng.random() < 0.5 else f"{s} - {TAX_TEXT[s]}"
        w.writerow([i + 1, c, n, a, o, k, stxt, d.strftime("%d/%m/%Y") if d else "",
                    "" if rev is None else rev, "" if not rev else rev // 100])

# province workbook
wb = Workbook()
ws = wb.active
ws.title = "LHHTX"
ws.append(["SỞ KẾ HOẠCH VÀ ĐẦU TƯ"])
ws.append(["TÌNH HÌNH LIÊN HIỆP HỢP TÁC XÃ ĐẾN 30/06/2024"])
ws.append([])
ws.append(["STT", "Tên", "MST", "Lĩnh vực", "Số HTX thành viên", "Số lao động", "Vốn điều lệ (triệu đồng)"])
for i, (n, s, m, w_, cap) in enumerate(lh):
    ws.append([i + 1, n, treg[0][0] if False else None, s, m, w_, cap])
ws.append([None, "Tổng cộng", None, None, 12, 83, 45500.5])
ws2 = wb.create_sheet("QTDND")
ws2.append(["TÌNH HÌNH QUỸ TÍN DỤNG NHÂN DÂN ĐẾN 30/06/2024"])
ws2.append(["Đơn vị tính: triệu đồng"])
ws2.append([])
ws2.append(["STT", "Tên", "MST", "Số thành viên", "Số lao động", "Số cán bộ quản lý", "Tổng nguồn vốn",
            "Vốn chủ sở hữu", "Vốn huy động", "Dư nợ cho vay"])
for i, q in enumerate(qt):
    ws2.append([i + 1, q[0], None] + list(q[1:]))
ws2.append([None, "Tổng cộng", None, 2208, 19, 8, 228100, 20200, 201300, 157300])
wb.save(os.path.join(RAW, "province", "LHHTX_QTDND 6 thang 2024.xlsx"))

wb = Workbook()
ws = wb.active
ws.title = "KH 2024"
ws.append(["CHỈ TIÊU KẾ HOẠCH PHÁT TRIỂN KINH TẾ TẬP THỂ NĂM 2024"])
ws.append([])
ws.append(["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm 2024"])
ws.append(["HTX_TOTAL", "Tổng số hợp tác xã", "HTX", TARGET["HTX_TOTAL"]])
ws.append(["HTX_NEW", "Số HTX thành lập mới từ đầu năm", "HTX", TARGET["HTX_NEW"]])
ws.append(["THT_TOTAL", "Tổng số tổ hợp tác", "THT", TARGET["THT_TOTAL"]])
wb.save(os.path.join(OUT, "raw", "targets", "2024.xlsx"))

# ---------------------------------------------------------------- summary sheet values with planted mismatches
# (rebuild the three affected workbooks' summary values: done by regenerating with overrides)
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

exp = dict(period=PERIOD, indicators=ind, findings=findings, missing_units=[MISSING], province_incomplete=True,
           ignore=ignores,
           checked_kinds=sorted({"FILE_REJECTED", "UNIT_UNKNOWN", "UNIT_MISSING", "SUPERSEDED", "ROW_QUARANTINED",
                                 "TAX_CODE_INVALID", "NAME_MATCH", "NO_TAX_RECORD", "DUPLICATE", "STATUS_OVERRIDE",
                                 "SUMMARY_MISMATCH", "WORDS_DROPPED", "GRADE_MISSING", "SECTOR_UNKNOWN",
                                 "UNIT_NOT_IN_FORCE"}),
           notes="See ../README.md for the interpretations behind these figures.")
with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
    json.dump(exp, f, ensure_ascii=False, indent=1, default=str)
print("p1 written:", sum(len(v) for v in htx.values()), "HTX rows;", ind["22"]["HTX_TOTAL"], "counted")
