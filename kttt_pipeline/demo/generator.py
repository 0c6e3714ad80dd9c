"""Seeded demo / load generator: a realistic period of KTTT returns (spec §2–§5), behind ``kttt demo-data``.

:func:`write_demo_period` writes into ``out_dir``::

    <period>/districts/*.xlsx   one workbook per reporting unit (summary sheet, HTX listing, THT listing)
    <period>/tax/*.xlsx|csv     the tax register extract (money in đồng)
    <period>/province/*.xlsx    sheets LHHTX and QTDND, each ending with a "Tổng cộng" row
    targets/<year>.xlsx         the annual targets (HTX_TOTAL, HTX_NEW, THT_TOTAL)
    admin_units.csv             only for synthetic units (``units`` larger than the province's units)

The returns carry the mess the contract describes (title blocks of varying height, two-row merged headers,
header synonyms, shuffled and extra columns, sheet-name variants, blank/heading/total rows, signature blocks,
numbers and dates written as Vietnamese text, money in nghìn đồng, NFD text, texts without diacritics or in
upper case) and a fixed set of deliberate reconciliation cases (a resubmission, a duplicate, an invalid tax
code, a name-only match, a quarantined row, an unknown sector, a missing grade, a cooperative unknown to the
tax register, tax-status overrides, summary/total mismatches). They are listed in :class:`DemoSummary` so
tests can check that the pipeline finds them.

Everything is drawn from ``random.Random`` instances seeded with strings derived from ``seed`` and the
period: the same arguments give the same cell contents (no wall-clock value is written into any cell).
Workbooks are written in openpyxl's write-only (streaming) mode, merged header cells included.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import openpyxl
from openpyxl.worksheet.cell_range import CellRange
from stdnum.vn import mst as _mst

from kttt_pipeline.core.periods import Period

MANIFEST = ".kttt_demo_manifest.json"  # hidden: the pipeline ignores dot files
ADMIN_UNITS_HEADER = ["unit_code", "level", "name_vi", "kind_vi", "parent_code", "valid_from", "valid_to"]
TAX_CSV_THRESHOLD = 20_000  # tax_format="auto": CSV above this many register rows

# ----------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PlantedCase:
    """A deliberate reconciliation case: the finding the pipeline is expected to raise."""

    kind: str  # dq_issue kind, e.g. "DUPLICATE"
    unit_code: str | None
    entity_key: str  # as spec §8 keys it (tax code; written name without a valid code; indicator; file)
    source_file: str | None = None  # relative to out_dir (posix)
    sheet: str | None = None
    row_number: int | None = None  # Excel row
    name: str | None = None  # cooperative name as written in the return
    tax_code: str | None = None  # the cooperative's true (valid) tax code
    value_reported: str | None = None
    value_computed: str | None = None
    detail: str = ""


@dataclass
class DemoSummary:
    out_dir: Path
    period: str
    seed: int
    files: list[Path]  # every file written, absolute
    units: list[str]  # reporting unit codes, code order
    synthetic_units: bool
    cooperatives: int  # listing rows of cooperatives in the winning workbooks (duplicates included)
    cooperatives_distinct: int  # distinct cooperatives listed (by tax code / unit+name)
    groups: int  # listing rows of groups in the winning workbooks
    tax_rows: int
    tax_format: str
    unions: int
    credit_funds: int
    planted: list[PlantedCase] = field(default_factory=list)
    # figures the pipeline should compute (the summary sheets agree with them except the planted mismatches):
    # unit code (and '22' for the province) -> indicator code -> value
    expected: dict[str, dict[str, float]] = field(default_factory=dict)
    province: str = ""  # the province's code (its register's province row)
    level: str = "district"  # the reporting units' level: "district" or "commune" (from 2025-Q3, spec §11)
    unit_sizes: dict[str, str] = field(default_factory=dict)  # commune periods: unit code -> empty/tiny/…/large
    number_code_unit: str | None = None  # the unit whose return types its code as a number (06688 → 6688)

    def cases(self, kind: str) -> list[PlantedCase]:
        return [c for c in self.planted if c.kind == kind]

    def __str__(self) -> str:
        kinds: dict[str, int] = {}
        for c in self.planted:
            kinds[c.kind] = kinds.get(c.kind, 0) + 1
        planted = ", ".join(f"{k}×{n}" for k, n in sorted(kinds.items()))
        return (f"{len(self.files)} files, {len(self.units)} units{' (synthetic)' if self.synthetic_units else ''}, "
                f"{self.cooperatives} HTX rows, {self.groups} THT rows, {self.tax_rows} tax rows "
                f"({self.tax_format}); planted: {planted}")


# ----------------------------------------------------------------------------------------------- vocab

SECTOR_WEIGHTS = [("AGRI", 75), ("INDUSTRY", 7), ("CONSTRUCTION", 3), ("ENVIRONMENT", 3), ("TRANSPORT", 5),
                  ("TRADE", 6), ("OTHER", 1)]
SECTOR_TEXTS = {
    "AGRI": ["Nông nghiệp", "Nông nghiệp", "Nông nghiệp tổng hợp", "Thủy sản", "Nuôi trồng thủy sản", "Lâm nghiệp",
             "Nông - lâm - ngư nghiệp"],
    "INDUSTRY": ["Công nghiệp", "Tiểu thủ công nghiệp", "CN - TTCN"],
    "CONSTRUCTION": ["Xây dựng"],
    "ENVIRONMENT": ["Vệ sinh môi trường", "Môi trường"],
    "TRANSPORT": ["Vận tải"],
    "TRADE": ["Thương mại", "Dịch vụ", "Thương mại - dịch vụ"],
    "OTHER": ["Khác"],
}
UNKNOWN_SECTOR_TEXT = "Du lịch cộng đồng"
SECTOR_ACTIVITIES = {
    "AGRI": ["dịch vụ nông nghiệp", "nông nghiệp", "sản xuất kinh doanh dịch vụ nông nghiệp", "nông lâm nghiệp",
             "chăn nuôi", "trồng trọt", "rau an toàn", "chè", "dược liệu", "nuôi trồng thủy sản", "thủy sản",
             "trồng rừng", "nuôi hàu", "hải sản", "nông nghiệp tổng hợp"],
    "INDUSTRY": ["cơ khí", "tiểu thủ công nghiệp", "chế biến lâm sản", "điện năng", "mây tre đan", "sản xuất gạch"],
    "CONSTRUCTION": ["xây dựng", "xây dựng và thương mại"],
    "ENVIRONMENT": ["vệ sinh môi trường", "môi trường", "nước sạch"],
    "TRANSPORT": ["vận tải", "vận tải thủy", "vận tải hành khách"],
    "TRADE": ["thương mại", "thương mại dịch vụ", "dịch vụ tổng hợp", "du lịch"],
    "OTHER": ["tổng hợp"],
}
STATUS_WEIGHTS = [("ACTIVE", 85), ("SUSPENDED", 5), ("NOT_STARTED", 4), ("DISSOLVING", 4), ("DISSOLVED", 2)]
STATUS_TEXTS = {
    "ACTIVE": ["Đang hoạt động", "Đang hoạt động", "Đang hoạt động", "Hoạt động"],
    "SUSPENDED": ["Tạm ngừng hoạt động", "Tạm ngừng"],
    "NOT_STARTED": ["Chưa đi vào hoạt động", "Chưa hoạt động"],
    "DISSOLVING": ["Đang làm thủ tục giải thể", "Đang giải thể"],
    "DISSOLVED": ["Đã giải thể"],
}
GRADE_WEIGHTS = [("GOOD", 15), ("FAIR", 35), ("AVERAGE", 40), ("WEAK", 10)]
GRADE_TEXTS = {"GOOD": ["Tốt"], "FAIR": ["Khá"], "AVERAGE": ["Trung bình", "Trung bình", "TB"],
               "WEAK": ["Yếu", "Yếu kém", "Kém"]}
TAX_STATUS_TEXTS = {
    "00": "NNT đang hoạt động (đã được cấp GCN ĐKT)",
    "01": "NNT ngừng hoạt động và đã hoàn thành thủ tục chấm dứt hiệu lực MST",
    "02": "NNT đã chuyển cơ quan thuế quản lý",
    "03": "NNT ngừng hoạt động nhưng chưa hoàn thành thủ tục chấm dứt hiệu lực MST",
    "04": "NNT đang hoạt động (được cấp thông tin MST)",
    "05": "NNT tạm ngừng hoạt động có thời hạn",
    "06": "NNT không hoạt động tại địa chỉ đã đăng ký",
    "07": "NNT chờ làm thủ tục phá sản",
}
TAX_ACTIVE = {"00", "02", "04"}
# tax status 01/03/06/07/05 override a district "Đang hoạt động" (spec §7.4)
OVERRIDE_STATUS = {"03": "DISSOLVING", "06": "DISSOLVING", "07": "DISSOLVING", "05": "SUSPENDED", "01": "DISSOLVED"}

GROUP_SECTORS = [("AGRI", 70), ("INDUSTRY", 15), ("OTHER", 15)]
GROUP_SECTOR_TEXTS = {"AGRI": ["Nông - lâm - ngư nghiệp", "Nông nghiệp", "Thủy sản", "Lâm nghiệp"],
                      "INDUSTRY": ["CN - TTCN", "Tiểu thủ công nghiệp"], "OTHER": ["Khác", "Dịch vụ", "Khác"]}
GROUP_ACTIVITIES = {"AGRI": ["sản xuất chè", "trồng nấm", "nuôi ong", "chăn nuôi gà đồi", "nuôi hàu", "trồng quế",
                             "khai thác thủy sản", "nuôi ngao", "trồng rau an toàn", "trồng rừng"],
                    "INDUSTRY": ["đan lát mây tre", "mộc dân dụng", "cơ khí", "may mặc"],
                    "OTHER": ["dịch vụ", "vệ sinh môi trường", "dịch vụ du lịch"]}

NAME_FIRST = ["An", "Bình", "Đông", "Hải", "Hòa", "Hồng", "Hưng", "Kim", "Minh", "Nam", "Ngọc", "Phú", "Phúc",
              "Quang", "Tân", "Thành", "Thắng", "Thanh", "Thịnh", "Toàn", "Trung", "Việt", "Vĩnh", "Xuân", "Yên",
              "Đức", "Hoàng", "Long", "Sơn", "Tiến", "Tuấn", "Hà", "Lam", "Bảo", "Gia", "Mai", "Đại", "Khánh",
              "Phong", "Cường"]
NAME_SECOND = ["An", "Bình", "Cường", "Đạt", "Hà", "Hải", "Hưng", "Khang", "Lạc", "Lợi", "Long", "Minh", "Nam",
               "Phát", "Phong", "Phú", "Quang", "Sơn", "Thành", "Thịnh", "Thuận", "Tiến", "Trung", "Vân", "Việt",
               "Vinh", "Xanh", "Dương", "Hòa", "Lộc", "Tâm", "Tài", "Phúc", "Mạnh", "Đông", "Hương", "Linh",
               "Thái", "Tín", "Anh"]
# the cooperative matched by name only: written one way in the return, another in the tax register;
# neither syllable occurs in the pools above, so no other cooperative competes for the match
NAME_MATCH_WRITTEN = "Tuyền Huyền"
NAME_MATCH_REGISTER = "Tuyền Hiền"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Lý", "Tô", "Phùng", "Hà"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hải", "Hạnh", "Hùng", "Lan", "Liên", "Nam", "Oanh", "Tâm", "Thảo",
         "Tuấn", "Vân", "Đông", "Hương", "Long", "Giang", "Quế"]

# places of units without crosswalk rows (synthetic units): made-up commune names
GENERIC_COMMUNES = ["Tân Lập", "Tân Tiến", "Hòa Bình", "Quang Trung", "Đông Phong", "Nam Sơn", "Yên Lạc",
                    "Phú Thịnh", "Xuân Hòa", "Minh Tân", "Đồng Tâm", "Thanh Bình", "Hưng Đạo", "Tân An",
                    "Bình Minh", "Đại Đồng", "Hồng Thái", "Kim Sơn", "Trung Hòa", "Vĩnh Phúc"]
KIND_ABBR = {"Thành phố": "TP", "Thị xã": "TX", "Huyện": "H.", "Phường": "P."}
#: the office below the People's Committee that compiles the return, by tier (the first line under the council)
OFFICE_LINE = {"district": "PHÒNG TÀI CHÍNH - KẾ HOẠCH", "commune": "PHÒNG KINH TẾ"}
#: the reform's first day (spec §11): periods ending on or after it are reported by commune-level units, whose
#: tax offices are "Thuế cơ sở N tỉnh …" and whose province tax office is "Thuế tỉnh …"
REFORM_DAY = dt.date(2025, 7, 1)
COMMUNE_SIZES = [("empty", 8), ("tiny", 12), ("small", 50), ("medium", 22), ("large", 8)]

SHEET_NAMES = {"summary": ["Tổng hợp", "Tổng hợp", "TH", "Bieu tong hop", "Biểu tổng hợp"],
               "cooperative": ["Danh sách HTX", "Danh sách HTX", "DS HTX", "HTX", "Danh sach HTX"],
               "group": ["Danh sách THT", "Danh sách THT", "DS THT", "THT", "Danh sach THT"]}

# ----------------------------------------------------------------------------------------------- helpers


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def vn_number(x: float) -> str:
    """A number the way a Vietnamese clerk types it: '3.030,6', '58.500', '45'."""
    neg = x < 0
    x = abs(x)
    whole = int(x)
    frac = round(x - whole, 2)
    if frac >= 1:  # rounding carried
        whole, frac = whole + 1, 0.0
    text = f"{whole:,}".replace(",", ".")
    if frac:
        text += "," + f"{frac:.2f}"[2:].rstrip("0")
    return ("-" if neg else "") + text


def _fmt_date(d: dt.date, style: int) -> str:
    return d.strftime(("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")[style % 3])


def _strip_diacritics(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")


def _messy_text(rng: random.Random, text: str, p: float = 0.12) -> str:
    """Vocabulary texts (sector, status, grade) sometimes upper-case, without diacritics or NFD."""
    r = rng.random()
    if r < p / 3:
        return text.upper()
    if r < 2 * p / 3:
        return _strip_diacritics(text)
    if r < p:
        return unicodedata.normalize("NFD", text)
    return text


def _messy_name(rng: random.Random, text: str) -> str:
    r = rng.random()
    if r < 0.05:
        return unicodedata.normalize("NFD", text)
    if r < 0.08:
        return text + " "
    if r < 0.10:
        return text.replace(" ", "  ", 1)
    return text


def _rand_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    if hi <= lo:
        return lo
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def _valid_tax_code(rng: random.Random, prefix: str, used: set[str]) -> str:
    while True:
        first9 = prefix + "".join(str(rng.randint(0, 9)) for _ in range(9 - len(prefix)))
        check = _mst.calc_check_digit(first9)
        if len(check) != 1:
            continue  # Σ ≡ 0 (mod 11): no valid tenth digit
        code = first9 + check
        if code not in used:
            used.add(code)
            return code


def _invalid_variant(code: str) -> str:
    """The same code with a wrong check digit."""
    return code[:9] + str((int(code[9]) + 3) % 10)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


# ----------------------------------------------------------------------------------------------- units


@dataclass(frozen=True)
class _Province:
    code: str  # "22"
    name: str  # from the register's province row


@dataclass(frozen=True)
class _Place:
    """A commune an address may name: a former commune of the crosswalk (with its former district, when the
    register knows it) or, since the reform, the reporting unit itself."""

    kind: str  # lower case: "xã", "phường", "thị trấn", "đặc khu"
    name: str
    district: str = ""  # "huyện Tiên Yên" for a former commune, "" for the unit in force
    former: bool = True


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str  # "Hạ Long"
    kind: str  # "Thành phố", "Phường", "Xã", "Đặc khu"
    synthetic: bool
    level: str = "district"  # or "commune" (spec §11)
    places: tuple[_Place, ...] = ()
    tax_office: int = 0  # "Thuế cơ sở N" since the reform

    @property
    def commune_kind(self) -> str:
        if self.level == "commune":
            return self.kind.lower()
        return "xã" if self.kind == "Huyện" else "phường"

    @property
    def full_name(self) -> str:
        return f"{self.kind.lower()} {self.name}"

    def place_pool(self) -> list[_Place]:
        return list(self.places) or [_Place(self.commune_kind, n) for n in GENERIC_COMMUNES]


def _register(province: str | None) -> tuple[_Province, list, "object"]:
    """The packaged register and crosswalk of the province (never the raw folder's: the demo writes that)."""
    from kttt_pipeline.core.admin_units import load_admin_units, load_crosswalk, province_of

    units = load_admin_units(None, province)
    prov = province_of(units)
    return _Province(prov.unit_code, prov.name_vi), units, load_crosswalk(None, province)


def _package_units(period: Period, province: str | None = None) -> tuple[_Province, list[_Unit], list[_Unit]]:
    """The province, its units in force at the period end (code order) with the places their addresses name, and
    the units of the register that are not in force then (for the workbook of a unit not in force)."""
    from kttt_pipeline.core.admin_units import reporting_units

    prov, units, crosswalk = _register(province)
    in_force = reporting_units(units, period)
    district_label = {u.unit_code: f"{u.kind_vi.lower()} {u.name_vi}" for u in units if u.level == "district"}
    rows = crosswalk.to_dict("records") if len(crosswalk) else []
    out = []
    for i, u in enumerate(in_force):
        if u.level == "commune":
            seen: dict[tuple[str, str], _Place] = {}
            for r in rows:
                if r["new_code"] == u.unit_code and (r.get("share") != "partial" or r.get("is_main") == "1"):
                    seen.setdefault((r["old_kind"], r["old_name"]), _Place(
                        r["old_kind"].lower(), r["old_name"], district_label.get(r["old_district_code"], "")))
            own = _Place(u.kind_vi.lower(), u.name_vi, former=False)
            places = tuple(seen.values()) + (own,) * max(1, len(seen) // 2)
        else:
            seen = {}
            for r in rows:
                if r["old_district_code"] == u.unit_code:
                    seen.setdefault((r["old_kind"], r["old_name"]), _Place(r["old_kind"].lower(), r["old_name"]))
            places = tuple(seen.values())
        out.append(_Unit(u.unit_code, u.name_vi, u.kind_vi, False, u.level, places, 1 + i // 6))
    gone = [_Unit(u.unit_code, u.name_vi, u.kind_vi, False, u.level) for u in units
            if u.level != "province" and not u.in_force(period.end)]
    return prov, out, gone


def _synthetic_units(n: int) -> list[_Unit]:
    return [_Unit(str(1000 + i), f"Demo {i + 1}", "Huyện", True) for i in range(n)]


# ----------------------------------------------------------------------------------------------- model


@dataclass
class _Coop:
    unit: str
    name: str  # as written in the return
    register_name: str  # as the tax register spells it
    tax_code: str  # the true, valid code
    written_code: str | None  # as written in the return
    registered_on: dt.date
    dissolved_on: dt.date | None
    commune: _Place
    sector: str
    sector_text: str
    status: str
    grade: str | None
    members: int
    workers: int
    member_workers: int
    managers: int
    managers_ps: int
    managers_cp: int
    charter_capital: float  # triệu đồng
    revenue: float
    profit: float
    avg_income: float  # triệu đồng/người/năm
    ocop: int | None
    hightech: bool
    value_chain: bool
    tax_status: str | None = "00"  # None: not in the tax register
    tax_date: dt.date | None = None
    declared_revenue: int | None = 0  # đồng
    tax_incurred: int | None = 0
    quarantined: bool = False
    planted: bool = False
    words_in: str | None = None  # field written with words ("khoảng 45")

    @property
    def effective_status(self) -> str:
        if self.status == "ACTIVE" and self.tax_status in OVERRIDE_STATUS:
            return OVERRIDE_STATUS[self.tax_status]
        return self.status

    @property
    def effective_dissolved_on(self) -> dt.date | None:
        if self.status == "ACTIVE" and self.tax_status == "01":
            return self.tax_date
        return self.dissolved_on


@dataclass
class _Group:
    unit: str
    name: str
    representative: str
    commune: _Place
    sector: str
    sector_text: str
    members: int
    revenue: float  # triệu đồng/năm
    avg_income_month: float  # triệu đồng/người/tháng


def _coop_name(rng: random.Random, sector: str, proper: str) -> tuple[str, str]:
    """(name as the district writes it, name as the tax register writes it)."""
    act = rng.choice(SECTOR_ACTIVITIES[sector])
    long = f"Hợp tác xã {act} {proper}"
    written = rng.choice([f"HTX {act} {proper}", f"HTX {act} {proper}", long])
    register = long.upper() if rng.random() < 0.6 else long
    return written, register


def _make_coop(rng: random.Random, unit: _Unit, proper: str, code: str, period: Period) -> _Coop:
    sector = _pick(rng, SECTOR_WEIGHTS)
    status = _pick(rng, STATUS_WEIGHTS)
    year_start, end = period.year_start, period.end
    if status in ("ACTIVE", "NOT_STARTED") and rng.random() < (0.07 if status == "ACTIVE" else 0.5):
        registered = _rand_date(rng, year_start, end)
    else:
        # more recent registrations are more frequent (re-registration under the 2012 and 2023 laws)
        lo = dt.date(1997, 1, 1)
        span = (year_start - lo).days - 1
        registered = lo + dt.timedelta(days=int(span * rng.triangular(0, 1, 0.85)))
    dissolved = _rand_date(rng, year_start, end) if status == "DISSOLVED" else None
    grade = _pick(rng, GRADE_WEIGHTS) if status == "ACTIVE" else None
    members = max(7, min(900, int(rng.lognormvariate(3.6, 0.8))))
    workers = max(3, int(members * rng.uniform(0.4, 1.5)))
    member_workers = min(workers, members, max(1, int(workers * rng.uniform(0.45, 1.0))))
    managers = rng.randint(3, 9)
    ps = rng.randint(0, managers)
    cp = rng.randint(0, managers - ps)
    capital = round(rng.lognormvariate(6.8, 0.9), 1 if rng.random() < 0.3 else 0)
    if status == "NOT_STARTED":
        workers = min(workers, rng.randint(3, 8))
        member_workers = min(member_workers, workers)
        revenue = profit = 0.0
        avg_income = 0.0
    else:
        revenue = round(rng.lognormvariate(6.2, 1.0), 1 if rng.random() < 0.3 else 0)
        if status != "ACTIVE":
            revenue = round(revenue * rng.uniform(0, 0.3))
        profit = round(revenue * rng.uniform(-0.05, 0.3), 1 if rng.random() < 0.3 else 0)
        avg_income = float(rng.randint(38, 110))
    ocop = (rng.randint(1, 4) if rng.random() < 0.12 else (0 if rng.random() < 0.3 else None)) if sector == "AGRI" else None
    communes = unit.place_pool()
    written, register = _coop_name(rng, sector, proper)
    c = _Coop(unit.code, written, register, code, code, registered, dissolved, rng.choice(communes), sector,
              rng.choice(SECTOR_TEXTS[sector]), status, grade, members, workers, member_workers, managers, ps, cp,
              capital, revenue, profit, avg_income, ocop, rng.random() < 0.05, rng.random() < 0.15)
    # the tax register's view
    if status == "ACTIVE":
        c.tax_status = _pick(rng, [("00", 80), ("04", 12), ("02", 8)])
        c.declared_revenue = 0 if rng.random() < 0.08 else int(round(revenue * 1e6 * rng.uniform(0.5, 0.9), -3))
    elif status == "SUSPENDED":
        c.tax_status, c.tax_date = "05", _rand_date(rng, year_start - dt.timedelta(days=700), end)
    elif status == "NOT_STARTED":
        c.tax_status, c.declared_revenue = "00", 0
    elif status == "DISSOLVING":
        c.tax_status = rng.choice(["03", "06"])
        c.tax_date = _rand_date(rng, year_start - dt.timedelta(days=900), end)
    else:
        c.tax_status, c.tax_date, c.declared_revenue = "01", dissolved, 0
    if c.declared_revenue:
        c.tax_incurred = int(round(c.declared_revenue * rng.uniform(0.005, 0.02), -3))
    if c.tax_status in ("01",) and rng.random() < 0.5:
        c.declared_revenue = c.tax_incurred = None
    return c


def _make_group(rng: random.Random, unit: _Unit, proper: str) -> _Group:
    sector = _pick(rng, GROUP_SECTORS)
    act = rng.choice(GROUP_ACTIVITIES[sector])
    name = rng.choice([f"Tổ hợp tác {act} {proper}", f"THT {act} {proper}"])
    communes = unit.place_pool()
    return _Group(unit.code, name, _person(rng), rng.choice(communes), sector,
                  rng.choice(GROUP_SECTOR_TEXTS[sector]), rng.randint(5, 15), float(rng.randint(40, 650)),
                  round(rng.uniform(1.8, 6.5), 1))


def _propers(rng: random.Random, n: int) -> list[str]:
    # distinct once folded ("Thanh Trung" and "Thành Trung" read as one name to the pipeline, as to a clerk)
    pool = list({_strip_diacritics(f"{a} {b}").lower(): f"{a} {b}"
                 for a in NAME_FIRST for b in NAME_SECOND if a != b}.values())
    if n <= len(pool):
        return rng.sample(pool, n)
    return [f"{rng.choice(pool)} {i}" for i in range(n)]  # only for absurdly large units


# ----------------------------------------------------------------------------------------------- expected


def _expected_unit(coops: list[_Coop], groups: list[_Group], period: Period) -> dict[str, float]:
    """The figures the pipeline should compute for a unit's cooperatives attributed to it (spec §7/§8)."""
    e: dict[str, float] = {k: 0.0 for k in (
        "HTX_TOTAL", "HTX_ACTIVE", "HTX_NEW", "HTX_DISSOLVED", "HTX_MEMBERS", "HTX_WORKERS", "HTX_MEMBER_WORKERS",
        "HTX_MANAGERS", "HTX_MANAGERS_PRIMARY_SECONDARY", "HTX_MANAGERS_COLLEGE_PLUS", "HTX_CHARTER_CAPITAL",
        "THT_TOTAL", "THT_MEMBERS")}
    for s, _ in SECTOR_WEIGHTS:
        e[f"HTX_SECTOR_{s}"] = 0.0
    for c in coops:
        if c.quarantined:
            continue
        st, dis = c.effective_status, c.effective_dissolved_on
        if c.registered_on >= period.year_start and c.registered_on <= period.end:
            e["HTX_NEW"] += 1
        if st == "DISSOLVED" and dis is not None and period.year_start <= dis <= period.end:
            e["HTX_DISSOLVED"] += 1
        if c.registered_on > period.end or (st == "DISSOLVED" and (dis is None or dis <= period.end)):
            continue
        e["HTX_TOTAL"] += 1
        e[f"HTX_SECTOR_{c.sector}"] += 1
        if st == "ACTIVE" and c.grade != "WEAK" and c.tax_status in TAX_ACTIVE and (c.declared_revenue or 0) > 0:
            e["HTX_ACTIVE"] += 1
        e["HTX_MEMBERS"] += c.members
        e["HTX_WORKERS"] += c.workers
        e["HTX_MEMBER_WORKERS"] += c.member_workers
        e["HTX_MANAGERS"] += c.managers
        e["HTX_MANAGERS_PRIMARY_SECONDARY"] += c.managers_ps
        e["HTX_MANAGERS_COLLEGE_PLUS"] += c.managers_cp
        e["HTX_CHARTER_CAPITAL"] += c.charter_capital
    e["HTX_CHARTER_CAPITAL"] = round(e["HTX_CHARTER_CAPITAL"], 1)
    e["THT_TOTAL"] = float(len(groups))
    e["THT_MEMBERS"] = float(sum(g.members for g in groups))
    return e


# ----------------------------------------------------------------------------------------------- writing


class _Sheet:
    """Rows and merges of one sheet, appended to a write-only workbook at the end."""

    def __init__(self, name: str):
        self.name = name
        self.rows: list[list[object]] = []
        self.merges: list[str] = []

    def add(self, row: list[object] | None = None) -> int:
        self.rows.append(list(row or []))
        return len(self.rows)  # Excel row number

    def put(self, width: int, cells: dict[int, object]) -> int:
        row: list[object] = [None] * width
        for c, v in cells.items():
            row[c] = v
        return self.add(row)

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        self.merges.append(CellRange(min_row=r1, min_col=c1 + 1, max_row=r2, max_col=c2 + 1).coord)


def _save(path: Path, sheets: list[_Sheet]) -> None:
    wb = openpyxl.Workbook(write_only=True)
    fixed = dt.datetime(2000, 1, 1)
    wb.properties.creator = "kttt demo-data"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    for s in sheets:
        ws = wb.create_sheet(s.name)
        for row in s.rows:
            ws.append(row)
        for m in s.merges:
            ws.merged_cells.add(m)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


@dataclass
class _Col:
    field: str
    header: str
    parent: str | None = None
    factor: float = 1.0  # written money = triệu đồng × factor


def _money_header(rng: random.Random, base: str, line_factor: float | None) -> tuple[str, float]:
    r = rng.random()
    if r < 0.15:
        return f"{base} (nghìn đồng)", 1000.0
    if r < 0.55:
        return f"{base} (triệu đồng)", 1.0
    return base, (line_factor or 1.0)


def _coop_columns(rng: random.Random, line_factor: float | None, with_dissolved: bool) -> tuple[list[list[_Col]], bool]:
    """Column blocks of the cooperative listing (blocks stay contiguous) and whether the header has two rows."""
    grouped = rng.random() < 0.75
    blocks: list[list[_Col]] = [
        [_Col("tax_code", rng.choice(["Mã số thuế", "Mã số thuế", "MST", "Mã số HTX", "Mã số HTX/MST"]))],
        [_Col("registered_on", rng.choice(["Ngày thành lập", "Ngày thành lập", "Ngày cấp GCN ĐK", "Ngày đăng ký",
                                           "Ngày đăng ký thành lập"]))],
        [_Col("commune", rng.choice(["Địa chỉ", "Địa chỉ", "Xã/phường", "Địa chỉ trụ sở", "Địa bàn"]))],
        [_Col("sector", rng.choice(["Lĩnh vực", "Lĩnh vực", "Lĩnh vực hoạt động", "Ngành nghề"]))],
        [_Col("status", rng.choice(["Tình trạng", "Tình trạng hoạt động", "Trạng thái"]))],
        [_Col("grade", rng.choice(["Xếp loại", "Đánh giá", "Phân loại", "Đánh giá xếp loại"]))],
        [_Col("members", rng.choice(["Số thành viên", "Thành viên", "Tổng số thành viên"]))],
    ]
    if with_dissolved:
        blocks.append([_Col("dissolved_on", "Ngày giải thể")])
    if grouped:
        parent = rng.choice(["Lao động", "Lao động", "Lao động thường xuyên"])
        if parent == "Lao động":
            mw = rng.choice(["LĐ là thành viên", "Trong đó: lao động là thành viên", "Là thành viên",
                             "Trong đó: là thành viên"])
            w = rng.choice(["Tổng số", "Tổng số lao động", "Số lao động"])
        else:
            mw = rng.choice(["LĐ là thành viên", "Trong đó: lao động là thành viên"])
            w = "Tổng số"
        blocks.append([_Col("workers", w, parent), _Col("member_workers", mw, parent)])
        p = "Cán bộ quản lý"
        blocks.append([_Col("managers", "Tổng số", p),
                       _Col("managers_ps", rng.choice(["Sơ cấp, trung cấp", "Sơ cấp - trung cấp",
                                                       "Trình độ sơ cấp - trung cấp"]), p),
                       _Col("managers_cp", rng.choice(["Cao đẳng, đại học trở lên", "Cao đẳng - đại học trở lên",
                                                       "Trình độ cao đẳng, đại học trở lên"]), p)])
    else:
        blocks.append([_Col("workers", rng.choice(["Số lao động", "Lao động thường xuyên", "Tổng số lao động",
                                                   "Số lao động thường xuyên"])),
                       _Col("member_workers", rng.choice(["Trong đó: lao động là thành viên", "LĐ là thành viên",
                                                          "Trong đó: LĐ là thành viên"]))])
        blocks.append([_Col("managers", rng.choice(["Số cán bộ quản lý", "Tổng số cán bộ quản lý", "Cán bộ quản lý"])),
                       _Col("managers_ps", "CBQL sơ cấp, trung cấp"),
                       _Col("managers_cp", "CBQL cao đẳng, đại học trở lên")])
    for fld, bases in (("charter_capital", ["Vốn điều lệ", "Vốn điều lệ đăng ký"]),
                       ("revenue", ["Doanh thu ước năm", "Doanh thu", "Doanh thu năm", "Tổng doanh thu"]),
                       ("profit", ["Lợi nhuận ước năm", "Lợi nhuận", "Lãi", "Lãi ước năm"])):
        header, factor = _money_header(rng, rng.choice(bases), line_factor)
        blocks.append([_Col(fld, header, factor=factor)])
    blocks.append([_Col("avg_income", rng.choice(["Thu nhập bình quân (triệu đồng/người/năm)",
                                                  "Thu nhập bình quân của lao động (triệu đồng/người/năm)"]))])
    optional = [[_Col("ocop", rng.choice(["Số sản phẩm OCOP", "OCOP", "Sản phẩm OCOP"]))],
                [_Col("hightech", rng.choice(["Ứng dụng CNC", "Công nghệ cao", "Ứng dụng công nghệ cao"]))],
                [_Col("value_chain", rng.choice(["Chuỗi liên kết", "Tham gia chuỗi liên kết", "Liên kết chuỗi"]))]]
    if rng.random() < 0.2:  # a column may be missing
        optional.pop(rng.randrange(len(optional)))
    blocks += optional
    if rng.random() < 0.4:
        blocks.append([_Col("_phone", rng.choice(["Số điện thoại", "Điện thoại"]))])
    if rng.random() < 0.2:
        blocks.append([_Col("_director", "Giám đốc")])
    if rng.random() < 0.6:
        blocks.append([_Col("_note", "Ghi chú")])
    if rng.random() < 0.55:
        rng.shuffle(blocks)
    return blocks, grouped


class _Renderer:
    """Writes one district return workbook; all choices come from its own RNG."""

    def __init__(self, rng: random.Random, unit: _Unit, period: Period, report_date: dt.date, words: bool,
                 *, code_cell: bool | None = None, number_code: bool = False):
        self.rng = rng
        self.unit = unit
        self.period = period
        self.report_date = report_date
        self.words = words  # may a numeric cell carry words ("khoảng 45")
        self.words_planted: list[tuple[_Coop, str, int]] = []  # coop, field, excel row
        # choices shared by the workbook's sheets
        self.unit_line = self._unit_line()
        self.code_cell = unit.synthetic or rng.random() < (0.45 if unit.level == "commune" else 0.3)
        self.code_split = rng.random() < 0.3
        if code_cell is not None:
            self.code_cell = code_cell
        if number_code:  # "Mã đơn vị:" then the code typed as a number (06688 → 6688, spec §11)
            self.code_cell = self.code_split = True
        self.republic = rng.random() < 0.5
        self.date_style = rng.randrange(5)
        self.text_num_p = rng.choice([0.0, 0.02, 0.05])
        self.text_date_p = rng.choice([0.0, 0.2, 0.5, 0.9])

    def _unit_line(self) -> str:
        u, r = self.unit, self.rng.random()
        if r < 0.35:
            return f"ỦY BAN NHÂN DÂN {u.kind.upper()} {u.name.upper()}"
        if r < 0.65:
            return f"UBND {u.kind.lower()} {u.name}"
        if r < 0.85:
            return f"UBND {KIND_ABBR.get(u.kind, u.kind)} {u.name}"  # "UBND P. Móng Cái 1", "UBND Xã Tiên Yên"
        return f"UBND {u.kind.upper()} {u.name.upper()}"

    # -- title block
    def title(self, sh: _Sheet, width: int, title: str, *, unit_line_factor: str | None, data_line: bool) -> None:
        rng = self.rng
        right = max(width - 5, 3)
        first = sh.put(width, {0: self.unit_line, **({right: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"} if self.republic else {})})
        if self.republic:
            sh.put(width, {0: OFFICE_LINE[self.unit.level] if rng.random() < 0.4 else None,
                           right: "Độc lập - Tự do - Hạnh phúc"})
        elif rng.random() < 0.3:
            sh.put(width, {0: OFFICE_LINE[self.unit.level]})
        if self.code_cell:
            if self.code_split:
                sh.put(width, {0: "Mã đơn vị:", 1: int(self.unit.code) if self.unit.code.isdigit() else self.unit.code})
            else:
                sh.put(width, {0: f"Mã đơn vị: {self.unit.code}"})
        if rng.random() < 0.85:
            sh.put(width, {0: title})
        end = self.period.end
        if data_line:
            sh.put(width, {0: f"(Số liệu lũy kế đến {end.day}/{end.month}/{end.year})"})
        d = self.report_date
        if self.date_style == 0:
            sh.put(width, {0: f"Ngày báo cáo: {d.strftime('%d/%m/%Y')}"})
        elif self.date_style == 1:
            sh.put(width, {0: f"Ngày báo cáo: {d.strftime('%d-%m-%Y')}"})
        elif self.date_style == 2:
            sh.put(width, {0: f"Ngày báo cáo: {d.day}.{d.month}.{d.year}"})
        else:
            sh.put(width, {0: "Ngày báo cáo:", 1: d})
        if unit_line_factor:
            sh.put(width, {0: f"Đơn vị tính: {unit_line_factor}"})
        for _ in range(rng.choice([0, 1, 1, 2])):
            sh.add()
        if self.republic and right > 2 and rng.random() < 0.5:
            sh.merge(first, 0, first, min(4, right - 1))

    def signature(self, sh: _Sheet, width: int) -> None:
        rng = self.rng
        sh.add()
        left, right = min(3, width - 1), max(width - 2, 1)
        if rng.random() < 0.5:
            d = self.report_date
            sh.put(width, {right: f"{self.unit.name}, ngày {d.day} tháng {d.month} năm {d.year}"})
        sh.put(width, {left: "NGƯỜI LẬP BIỂU", right: "TM. ỦY BAN NHÂN DÂN"})
        sh.put(width, {right: "KT. CHỦ TỊCH"})
        sh.put(width, {right: "PHÓ CHỦ TỊCH"})
        for _ in range(3):
            sh.add()
        sh.put(width, {left: _person(rng), right: _person(rng)})

    # -- values
    def num(self, x: float | int | None) -> object:
        if x is None:
            return None
        if self.rng.random() < self.text_num_p:
            return vn_number(x)
        return int(x) if float(x).is_integer() else x

    def date(self, d: dt.date | None) -> object:
        if d is None:
            return None
        if self.rng.random() < self.text_date_p:
            return _fmt_date(d, self.rng.randrange(3))
        return d

    def tax_code(self, code: str | None) -> object:
        if code is None:
            return None
        r = self.rng.random()
        if r < 0.08:
            return int(code)
        if r < 0.11:
            return f"{code[:2]} {code[2:6]} {code[6:]}"
        return code

    @staticmethod
    def header_rows(sh: _Sheet, cols: list[_Col], two_rows: bool, vmerge: bool) -> int:
        width = len(cols)
        if not two_rows:
            return sh.add([c.header for c in cols])
        top: list[object] = []
        bottom: list[object] = []
        prev_parent = None
        for c in cols:
            if c.parent:
                top.append(c.parent if c.parent != prev_parent else None)
                bottom.append(c.header)
            else:
                top.append(c.header)
                bottom.append(None)
            prev_parent = c.parent
        r1 = sh.add(top)
        sh.add(bottom)
        j = 0
        while j < width:
            c = cols[j]
            if c.parent:
                k = j
                while k + 1 < width and cols[k + 1].parent == c.parent:
                    k += 1
                sh.merge(r1, j, r1, k)
                j = k + 1
                continue
            if vmerge:
                sh.merge(r1, j, r1 + 1, j)
            j += 1
        return r1

    # -- sheets
    def coop_sheet(self, name: str, coops: list[_Coop], words_ok: set[int]) -> tuple[_Sheet, dict[int, int]]:
        rng = self.rng
        line = rng.choice([None, None, "triệu đồng", "triệu đồng", "Triệu đồng", "nghìn đồng"])
        line_factor = 1000.0 if line == "nghìn đồng" else (1.0 if line else None)
        blocks, grouped = _coop_columns(rng, line_factor, any(c.dissolved_on for c in coops) or rng.random() < 0.3)
        seq_header = rng.choice(["STT", "STT", "TT", "Số TT"])
        name_header = rng.choice(["Tên HTX", "Tên hợp tác xã", "Tên hợp tác xã"])
        cols = [_Col("seq", seq_header), _Col("name", name_header)] + [c for b in blocks for c in b]
        width = len(cols)
        sh = _Sheet(name)
        self.title(sh, width, rng.choice(["BÁO CÁO TÌNH HÌNH HOẠT ĐỘNG CỦA CÁC HỢP TÁC XÃ",
                                          f"DANH SÁCH HỢP TÁC XÃ TRÊN ĐỊA BÀN {self.unit.full_name.upper()}",
                                          "DANH SÁCH HỢP TÁC XÃ"]),
                   unit_line_factor=line, data_line=rng.random() < 0.7)
        two_rows = grouped or rng.random() < 0.3
        self.header_rows(sh, cols, two_rows, vmerge=rng.random() < 0.8)
        if rng.random() < 0.12:
            sh.add([f"({i + 1})" for i in range(width)])
        rows_of: dict[int, int] = {}
        if not coops:  # a commune without cooperatives: the headers and no rows, or a row "Không có" (§11)
            _empty_listing(rng, sh, width)
            self.signature(sh, width)
            return sh, rows_of
        totals = {c.field: 0.0 for c in cols if c.field in (
            "members", "workers", "member_workers", "managers", "managers_ps", "managers_cp", "charter_capital",
            "revenue", "profit", "ocop")}
        total_label = rng.choice(["Tổng cộng", "Tổng cộng", "Cộng", "Tổng số"])
        total_on_top = rng.random() < 0.2
        total_in_seq = rng.random() < 0.4
        if total_on_top:
            total_row_index = len(sh.rows)
            sh.add([None] * width)  # filled in below, once the sums are known
        # group headings by sector
        headings = rng.random() < 0.4
        ordered = list(enumerate(coops))
        if headings:
            ordered.sort(key=lambda t: (t[1].sector != "AGRI", t[0]))
        seq = 0
        current_heading = None
        for idx, c in ordered:
            if headings:
                h = "AGRI" if c.sector == "AGRI" else "NON"
                if h != current_heading:
                    current_heading = h
                    roman = "I" if h == "AGRI" else "II"
                    label = "Nông nghiệp" if h == "AGRI" else rng.choice(["Phi nông nghiệp", "Lĩnh vực khác"])
                    if rng.random() < 0.5:
                        r = sh.put(width, {0: f"{roman}. {label}"})
                        sh.merge(r, 0, r, min(3, width - 1))
                    else:
                        sh.put(width, {0: roman, 1: label})
            seq += 1
            row: list[object] = [None] * width
            for j, col in enumerate(cols):
                row[j] = self._coop_value(c, col, seq)
                if col.field in totals and row[j] is not None:
                    v = getattr(c, {"ocop": "ocop", "managers_ps": "managers_ps", "managers_cp": "managers_cp"}.get(col.field, col.field))
                    totals[col.field] += (v or 0) * (col.factor if col.field in ("charter_capital", "revenue", "profit") else 1)
            if self.words and id(c) in words_ok and not self.words_planted and rng.random() < 0.1:
                fld = rng.choice(["members", "workers"])
                j = next((j for j, col in enumerate(cols) if col.field == fld), None)
                if j is not None:
                    row[j] = f"khoảng {getattr(c, fld)}"
                    self.words_planted.append((c, fld, len(sh.rows) + 1))
            rows_of[idx] = sh.add(row)
            if rng.random() < 0.03:
                sh.add()
        total_row: list[object] = [None] * width
        label_col = 0 if total_in_seq else 1
        total_row[label_col] = total_label
        for j, col in enumerate(cols):
            if col.field in totals:
                t = totals[col.field]
                total_row[j] = int(round(t)) if abs(t - round(t)) < 1e-6 else round(t, 1)
        if total_on_top:
            sh.rows[total_row_index] = total_row
            if total_in_seq:
                sh.merge(total_row_index + 1, 0, total_row_index + 1, 1)
        else:
            r = sh.add(total_row)
            if total_in_seq:
                sh.merge(r, 0, r, 1)
        self.signature(sh, width)
        return sh, rows_of

    def _coop_value(self, c: _Coop, col: _Col, seq: int) -> object:
        rng = self.rng
        f = col.field
        if f == "seq":
            return seq
        if f == "name":
            return _messy_name(rng, c.name)
        if f == "tax_code":
            return self.tax_code(c.written_code)
        if f == "registered_on":
            return self.date(c.registered_on)
        if f == "dissolved_on":
            return self.date(c.dissolved_on)
        if f == "commune":
            return _messy_name(rng, _address_text(rng, c.commune))
        if f == "sector":
            return c.sector_text if c.sector_text == UNKNOWN_SECTOR_TEXT else _messy_text(rng, c.sector_text)
        if f == "status":
            return _messy_text(rng, rng.choice(STATUS_TEXTS[c.status]))
        if f == "grade":
            return _messy_text(rng, rng.choice(GRADE_TEXTS[c.grade])) if c.grade else None
        if f in ("members", "workers", "member_workers", "managers"):
            return self.num(getattr(c, f))
        if f == "managers_ps":
            return self.num(c.managers_ps)
        if f == "managers_cp":
            return self.num(c.managers_cp)
        if f in ("charter_capital", "revenue", "profit"):
            v = getattr(c, f) * col.factor
            return self.num(round(v) if col.factor != 1 else v)
        if f == "avg_income":
            return self.num(c.avg_income) if c.avg_income else None
        if f == "ocop":
            return c.ocop
        if f in ("hightech", "value_chain"):
            if getattr(c, f):
                return rng.choice(["x", "x", "X", "Có", "1"])
            return "Không" if rng.random() < 0.03 else None
        if f == "_phone":
            return f"0{rng.choice(['203', '912', '983', '868'])}{rng.randint(1000000, 9999999)}" if rng.random() < 0.6 else None
        if f == "_director":
            return _person(rng)
        if f == "_note":
            return rng.choice([None] * 8 + ["Đã đăng ký lại theo Luật HTX 2023", "Đề nghị hỗ trợ vốn",
                                            "Chưa nộp báo cáo tài chính"])
        return None

    def group_sheet(self, name: str, groups: list[_Group]) -> _Sheet:
        rng = self.rng
        cols = [_Col("seq", rng.choice(["STT", "TT"])), _Col("name", rng.choice(["Tên THT", "Tên tổ hợp tác"]))]
        rest = [_Col("representative", rng.choice(["Người đại diện", "Tổ trưởng"])),
                _Col("commune", rng.choice(["Địa chỉ", "Xã/phường"])),
                _Col("sector", rng.choice(["Lĩnh vực", "Lĩnh vực hoạt động", "Ngành nghề"])),
                _Col("members", rng.choice(["Số thành viên", "Thành viên", "Số tổ viên"])),
                _Col("revenue", rng.choice(["Doanh thu", "Doanh thu năm", "Doanh thu ước năm"]) + " (triệu đồng/năm)"),
                _Col("avg_income_month", rng.choice(["Thu nhập bình quân", "Thu nhập bình quân tháng"])
                     + " (triệu đồng/người/tháng)")]
        if rng.random() < 0.3:
            rest.append(_Col("_note", rng.choice(["Ghi chú", "Số điện thoại"])))
        if rng.random() < 0.3:
            rng.shuffle(rest)
        cols += rest
        width = len(cols)
        sh = _Sheet(name)
        self.title(sh, width, "DANH SÁCH TỔ HỢP TÁC", unit_line_factor="triệu đồng" if rng.random() < 0.4 else None,
                   data_line=rng.random() < 0.6)
        self.header_rows(sh, cols, rng.random() < 0.4, vmerge=True)
        if not groups:
            _empty_listing(rng, sh, width)
            self.signature(sh, width)
            return sh
        headings = rng.random() < 0.3
        ordered = sorted(groups, key=lambda g: g.sector != "AGRI") if headings else list(groups)
        current = None
        totals = {"members": 0.0, "revenue": 0.0}
        for seq, g in enumerate(ordered, 1):
            if headings and (g.sector == "AGRI") != current:
                current = g.sector == "AGRI"
                r = sh.put(width, {0: "I. Nông nghiệp" if current else "II. Phi nông nghiệp"})
                sh.merge(r, 0, r, min(3, width - 1))
            row: list[object] = []
            for col in cols:
                f = col.field
                if f == "seq":
                    row.append(seq)
                elif f in ("name", "representative"):
                    row.append(_messy_name(rng, getattr(g, f)))
                elif f == "commune":
                    row.append(_address_text(self.rng, g.commune))
                elif f == "sector":
                    row.append(_messy_text(rng, g.sector_text))
                elif f in ("members", "revenue", "avg_income_month"):
                    row.append(self.num(getattr(g, f)))
                else:
                    row.append(None)
            totals["members"] += g.members
            totals["revenue"] += g.revenue
            sh.add(row)
            if rng.random() < 0.03:
                sh.add()
        total: list[object] = [None] * width
        total[1] = rng.choice(["Tổng cộng", "Cộng"])
        for j, col in enumerate(cols):
            if col.field in totals:
                total[j] = int(round(totals[col.field]))
        sh.add(total)
        self.signature(sh, width)
        return sh

    def summary_sheet(self, name: str, items: list[tuple[str, str, str, float]]) -> tuple[_Sheet, dict[str, int]]:
        """items: (numbering, label, unit, value)."""
        rng = self.rng
        width = 4
        sh = _Sheet(name)
        self.title(sh, width, "BIỂU TỔNG HỢP TÌNH HÌNH KINH TẾ TẬP THỂ", unit_line_factor=None,
                   data_line=rng.random() < 0.7)
        header = ["STT", rng.choice(["Chỉ tiêu", "Chỉ tiêu", "Nội dung"]),
                  rng.choice(["Đơn vị tính", "Đơn vị tính", "ĐVT"]), rng.choice(["Số liệu", "Số liệu", "Thực hiện"])]
        two = rng.random() < 0.5
        r1 = sh.add(header)
        if two:
            sh.add([None] * 4)
            for j in range(4):
                sh.merge(r1, j, r1 + 1, j)
        numbering_in_label = rng.random() < 0.4
        rows: dict[str, int] = {}
        for code, numbering, label, unit, value in items:
            label = _messy_text(rng, label, p=0.1)
            v = value if isinstance(value, str) else self.num(value)
            if numbering_in_label:
                rows[code] = sh.add([None, f"{numbering} {label}", unit, v])
            else:
                rows[code] = sh.add([numbering, label, unit, v])
        return sh, rows


def _empty_listing(rng: random.Random, sh: _Sheet, width: int) -> None:
    r = rng.random()
    if r < 0.5:
        sh.put(width, {1: rng.choice(["Không có", "Không có", "Không"])})
    elif r < 0.7:
        sh.put(width, {0: rng.choice(["Không có", "(Không có)"])})
    # else: the headers and nothing below them but the signature


def _address_text(rng: random.Random, place: _Place) -> str:
    """The commune an address cell names, as a clerk types it: bare, with its kind word or the kind's abbreviation,
    and for a former commune sometimes with its former district ("xã Hải Lạng, huyện Tiên Yên")."""
    r = rng.random()
    if r < 0.4:
        text = place.name
    elif r < 0.8:
        text = f"{place.kind} {place.name}"
    else:
        text = f"{'P.' if place.kind == 'phường' else place.kind} {place.name}"
    if place.district and rng.random() < 0.35:
        text += f", {place.district}"
    return text


def _summary_items(rng: random.Random, e: dict[str, float], include_active: bool) -> list[tuple[str, str, str, str, float]]:
    syn = _summary_synonyms()

    def label(code: str) -> str:
        return rng.choice(syn[code])

    items = [("HTX_TOTAL", "1.", label("HTX_TOTAL"), "HTX", e["HTX_TOTAL"])]
    if include_active:
        items.append(("HTX_ACTIVE", "1.1", label("HTX_ACTIVE"), "HTX", e["HTX_ACTIVE"]))
    items += [("HTX_NEW", "1.2", label("HTX_NEW"), "HTX", e["HTX_NEW"]),
              ("HTX_DISSOLVED", "1.3", label("HTX_DISSOLVED"), "HTX", e["HTX_DISSOLVED"]),
              ("HTX_MEMBERS", "2.", label("HTX_MEMBERS"), "Người", e["HTX_MEMBERS"]),
              ("HTX_WORKERS", "3.", label("HTX_WORKERS"), "Người", e["HTX_WORKERS"]),
              ("HTX_MEMBER_WORKERS", "-", label("HTX_MEMBER_WORKERS"), "Người", e["HTX_MEMBER_WORKERS"]),
              ("HTX_MANAGERS", "4.", label("HTX_MANAGERS"), "Người", e["HTX_MANAGERS"]),
              ("HTX_MANAGERS_PRIMARY_SECONDARY", "+", label("HTX_MANAGERS_PRIMARY_SECONDARY"), "Người",
               e["HTX_MANAGERS_PRIMARY_SECONDARY"]),
              ("HTX_MANAGERS_COLLEGE_PLUS", "+", label("HTX_MANAGERS_COLLEGE_PLUS"), "Người",
               e["HTX_MANAGERS_COLLEGE_PLUS"]),
              ("HTX_CHARTER_CAPITAL", "5.", label("HTX_CHARTER_CAPITAL"), rng.choice(["Triệu đồng", "triệu đồng"]),
               e["HTX_CHARTER_CAPITAL"]),
              ("THT_TOTAL", "6.", label("THT_TOTAL"), "THT", e["THT_TOTAL"]),
              ("THT_MEMBERS", "7.", label("THT_MEMBERS"), "Người", e["THT_MEMBERS"])]
    return items


_SYNONYMS: dict[str, list[str]] | None = None


def _summary_synonyms() -> dict[str, list[str]]:
    global _SYNONYMS
    if _SYNONYMS is None:
        with resources.files("kttt_pipeline.vocab").joinpath("indicators.csv").open(encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
        _SYNONYMS = {r["code"]: [s.strip() for s in (r.get("summary_sheet_synonyms") or "").split("|") if s.strip()]
                     for r in rows}
    return _SYNONYMS


# ----------------------------------------------------------------------------------------------- files


def _file_name(rng: random.Random, unit: _Unit, period: Period) -> str:
    q, y = period.quarter, period.year
    roman = ("I", "II", "III", "IV")[q - 1]
    abbr = "".join(w[0] for w in _strip_diacritics(unit.name).split()).upper()
    if unit.synthetic:
        abbr = unit.code
    plain = _strip_diacritics(unit.name)
    choices = [f"BC KTTT Q{q}-{y} {abbr}.xlsx", f"{abbr} - BC HTX {3 * q} thang {y}.xlsx",
               f"bao cao HTX quy {q} ({abbr}).xlsx", f"{plain} - bao cao KTTT quy {roman}.{y}.xlsx",
               f"{abbr} báo cáo KTTT {3 * q} tháng {y}.xlsx", f"{plain}_bao cao kinh te tap the_{q}.{y}.xlsx"]
    return rng.choice(choices)


def _clean_previous(out_dir: Path, period_dir: Path) -> None:
    """Remove the files a previous demo run wrote for this period (never anything else)."""
    manifest = period_dir / MANIFEST
    if not manifest.is_file():
        return
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError):
        return
    base = period_dir.resolve()
    for rel in listed:
        p = (period_dir / rel).resolve()
        if base in p.parents and p.is_file():
            p.unlink()


def _write_admin_units(path: Path, units: list[_Unit], prov: _Province) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(ADMIN_UNITS_HEADER)
    w.writerow([prov.code, "province", prov.name, "Tỉnh", "", "", ""])
    for u in units:
        w.writerow([u.code, "district", u.name, u.kind, prov.code, "", ""])
    path.write_text(buf.getvalue(), encoding="utf-8")


def _is_demo_admin_units(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8-sig") as fh:
            rows = [r for r in csv.DictReader(fh) if r.get("level") != "province"]
    except (OSError, csv.Error):
        return False
    return bool(rows) and all((r.get("name_vi") or "").startswith("Demo ") for r in rows)


# ----------------------------------------------------------------------------------------------- main


def write_demo_period(out_dir: Path, period: str = "2024-Q3", units: int | None = None, seed: int = 20240930,
                      rows_per_unit: int | None = None, tax_format: str = "auto",
                      province: str | None = None) -> DemoSummary:
    """Write a realistic, seeded period of returns into ``out_dir`` (layout of spec §2, §11); see the module doc.

    ``province``: code of a packaged register (default: ``KTTT_PROVINCE``, else the default province); names
    and codes of the province, its units and their communes come from its register and crosswalk.
    ``units``: None → the province's reporting units in force at the period end (districts until 2025-Q2, the
    commune-level units since 2025-Q3, written into ``communes/``); fewer → the first N; more → N synthetic
    district-level units (codes 1000…, "Huyện Demo 1"…) and ``out_dir/admin_units.csv``.
    ``rows_per_unit``: cooperatives per unit (groups: a third of it); default 30–150 and 10–30.
    ``tax_format``: "xlsx", "csv" (UTF-8 with BOM) or "auto" (CSV above 20,000 register rows).
    """
    out_dir = Path(out_dir)
    per = Period.parse(period)
    if tax_format not in ("xlsx", "csv", "auto"):
        raise ValueError(f"tax_format must be 'xlsx', 'csv' or 'auto', got {tax_format!r}")
    if units is not None and units < 1:
        raise ValueError("units must be at least 1")
    if rows_per_unit is not None and rows_per_unit < 1:
        raise ValueError("rows_per_unit must be at least 1")
    prov, base_units, gone_units = _package_units(per, province)
    synthetic = units is not None and units > len(base_units)
    if synthetic:
        unit_list = _synthetic_units(units)
    else:
        unit_list = base_units[:units] if units is not None else base_units
    if not unit_list:
        raise ValueError(f"no reporting unit of province {prov.code} is in force for {per.key} in its packaged "
                         "admin_units.csv; pass units=N to generate N synthetic units")
    commune_level = all(u.level == "commune" for u in unit_list)
    key = f"{seed}/{prov.code}/{per.key}"
    used_codes: set[str] = set()
    # commune-level units are of very different sizes (spec §11): some have no cooperative or group at all
    sizes: dict[str, str] = {}
    if commune_level and rows_per_unit is None:
        srng = random.Random(f"{key}/sizes")
        sizes = {u.code: _pick(srng, COMMUNE_SIZES) for u in unit_list}
        if len(unit_list) >= 3:  # at least one of each: empty, without groups, large
            a, b, c = srng.sample([u.code for u in unit_list], 3)
            sizes[a], sizes[b], sizes[c] = "empty", "tiny", "large"

    # ---- population
    coops_by_unit: dict[str, list[_Coop]] = {}
    groups_by_unit: dict[str, list[_Group]] = {}
    propers_left: dict[str, list[str]] = {}
    for u in unit_list:
        rng = random.Random(f"{key}/population/{u.code}")
        if u.code in sizes:
            n_coops, n_groups = {"empty": (0, 0), "tiny": (rng.randint(1, 2), 0), "small": (rng.randint(3, 12), rng.randint(0, 4)),
                                 "medium": (rng.randint(13, 30), rng.randint(2, 8)),
                                 "large": (rng.randint(40, 80), rng.randint(6, 15))}[sizes[u.code]]
        else:
            n_coops = rows_per_unit if rows_per_unit is not None else rng.randint(30, 150)
            n_groups = max(1, rows_per_unit // 3) if rows_per_unit is not None else rng.randint(10, 30)
        propers = _propers(rng, n_coops + n_groups + max(10, n_coops // 4))
        prefix = "57" if not u.synthetic else f"{rng.randint(1, 99):02d}"
        coops_by_unit[u.code] = [_make_coop(rng, u, propers[i], _valid_tax_code(rng, prefix, used_codes), per)
                                 for i in range(n_coops)]
        groups_by_unit[u.code] = [_make_group(rng, u, propers[n_coops + i]) for i in range(n_groups)]
        propers_left[u.code] = propers[n_coops + n_groups:]

    # ---- deliberate cases
    prng = random.Random(f"{key}/plants")
    planted: list[PlantedCase] = []
    codes = [u.code for u in unit_list]

    def candidate(unit_code: str | None = None) -> _Coop | None:
        pool = [c for c in (coops_by_unit[unit_code] if unit_code else [c for u in codes for c in coops_by_unit[u]])
                if not c.planted and c.status == "ACTIVE" and c.tax_status in TAX_ACTIVE and (c.declared_revenue or 0) > 0
                and c.registered_on < per.year_start and c.grade not in (None, "WEAK")]
        if not pool:
            return None
        c = prng.choice(pool)
        c.planted = True
        return c

    # the planted cases need units with something to list (a commune may have nothing)
    busy = [u for u in codes if len(coops_by_unit[u]) >= 3 and groups_by_unit[u]] or codes

    def unit_pick() -> str:
        return prng.choice(busy)

    resubmit_unit = unit_pick()
    dup_pair = prng.sample(busy, 2) if len(busy) >= 2 else None
    dup: tuple[_Coop, str] | None = None
    if dup_pair:
        c = candidate(dup_pair[0])
        if c:
            dup = (c, dup_pair[1])
    invalid = candidate(unit_pick())
    if invalid:
        invalid.written_code = _invalid_variant(invalid.tax_code)
    nomatch = candidate(unit_pick())  # no code in the return, a spelling variant in the register
    if nomatch:
        act = prng.choice(SECTOR_ACTIVITIES[nomatch.sector])
        nomatch.name = f"HTX {act} {NAME_MATCH_WRITTEN}"
        nomatch.register_name = f"Hợp tác xã {act} {NAME_MATCH_REGISTER}".upper()
        nomatch.written_code = None
    quarantined = candidate(unit_pick())
    if quarantined:
        quarantined.workers = max(3, quarantined.workers // 2)
        quarantined.member_workers = quarantined.workers + prng.randint(2, 9)
        quarantined.members = max(quarantined.members, quarantined.member_workers)
        quarantined.quarantined = True
    unknown_sector = candidate(unit_pick())
    if unknown_sector:
        unknown_sector.sector, unknown_sector.sector_text = "OTHER", UNKNOWN_SECTOR_TEXT
    no_grade = candidate(unit_pick())
    if no_grade:
        no_grade.grade = None
    no_tax = candidate(unit_pick())
    if no_tax:
        no_tax.tax_status = None
        no_tax.declared_revenue = no_tax.tax_incurred = None
    overrides: list[_Coop] = []
    for code in ("03", "05", "06", "07", "01"):
        c = candidate(unit_pick())
        if c is None:
            continue
        c.tax_status = code
        if code == "01":
            c.tax_date = _rand_date(prng, per.start, per.end)
            c.declared_revenue = c.tax_incurred = 0
        else:
            c.tax_date = _rand_date(prng, per.year_start - dt.timedelta(days=400), per.end)
            if code != "05":
                c.declared_revenue = c.tax_incurred = 0
        overrides.append(c)

    # HTX_NEW is cumulative from 1 January (§11): since the reform a commune's return lists cooperatives registered
    # earlier in the year (with a district office, before 1/7/2025) among its new ones
    if commune_level and per.quarter > 1:
        pool = [c for u in busy for c in coops_by_unit[u] if not c.planted and c.status == "ACTIVE"]
        if pool:
            early = prng.choice(pool)
            early.registered_on = _rand_date(prng, per.year_start, per.start - dt.timedelta(days=1))

    # ---- listings per unit (winning workbooks) and expected figures
    listed: dict[str, list[_Coop]] = {u: list(cs) for u, cs in coops_by_unit.items()}
    if dup:
        c, other = dup
        pos = prng.randint(0, len(listed[other]))
        listed[other].insert(pos, c)
    expected: dict[str, dict[str, float]] = {}
    for u in codes:
        attributed = coops_by_unit[u]  # a duplicate counts at its home unit only
        expected[u] = _expected_unit(attributed, groups_by_unit[u], per)
    province: dict[str, float] = {}
    for e in expected.values():
        for k, v in e.items():
            province[k] = province.get(k, 0.0) + v
    province["HTX_CHARTER_CAPITAL"] = round(province["HTX_CHARTER_CAPITAL"], 1)
    expected[prov.code] = province

    # deliberate summary disagreements
    mismatches: list[tuple[str, str, float, float]] = []
    for code_ind, share in (("HTX_MANAGERS", -prng.uniform(0.03, 0.1)), ("THT_MEMBERS", prng.uniform(0.1, 0.5))):
        u = unit_pick()
        true = expected[u][code_ind]
        delta = max(2, round(abs(true * share)))
        mismatches.append((u, code_ind, max(0.0, true + (delta if share > 0 else -delta)), true))

    # ---- clean and write
    period_dir = out_dir / per.key
    _clean_previous(out_dir, period_dir)
    files: list[Path] = []
    district_dir = period_dir / ("communes" if commune_level else "districts")
    district_dir.mkdir(parents=True, exist_ok=True)
    used_names: set[str] = set()
    rel = lambda p: p.relative_to(out_dir).as_posix()  # noqa: E731
    coop_rows = group_rows = 0
    report_dates: dict[str, dt.date] = {}
    words_plants: list[PlantedCase] = []
    row_of: dict[int, tuple[str, str, int]] = {}  # id(coop) in its listing unit -> (file, sheet, row)

    number_code_unit = None
    if commune_level:  # one return gives its code as a number, leading zero lost (§11)
        zeros = [u.code for u in unit_list if u.code.startswith("0")]
        number_code_unit = random.Random(f"{key}/number-code").choice(zeros) if zeros else None
    for u in unit_list:
        rng = random.Random(f"{key}/render/{u.code}")
        report_date = per.end + dt.timedelta(days=rng.randint(5, 25))
        fname = _file_name(rng, u, per)
        while fname.lower() in used_names:
            fname = fname[:-5] + f" {u.code}.xlsx"
        used_names.add(fname.lower())
        e = expected[u.code]
        include_active = rng.random() < 0.6
        items = _summary_items(rng, e, include_active)
        for mu, mcode, reported, _true in mismatches:
            if mu == u.code:
                items = [(c, n, lab, un, reported if c == mcode else v) for c, n, lab, un, v in items]
        if u.code == resubmit_unit:
            # the first submission: earlier date, a few rows missing and figures changed; superseded
            early_rng = random.Random(f"{key}/render-early/{u.code}")
            early_date = report_date - dt.timedelta(days=early_rng.randint(3, 9))
            early_coops = [c for c in listed[u.code] if early_rng.random() > 0.04 or c.planted]
            early_groups = groups_by_unit[u.code][:-1] or groups_by_unit[u.code]
            early_e = _expected_unit([c for c in early_coops if c.unit == u.code], early_groups, per)
            early_e["HTX_MEMBERS"] += early_rng.randint(5, 40)
            r = _Renderer(early_rng, u, per, early_date, words=False)
            sheets = _district_sheets(r, early_rng, early_coops, early_groups,
                                      _summary_items(early_rng, early_e, False), set())[0]
            early_path = district_dir / fname
            _save(early_path, sheets)
            files.append(early_path)
            planted.append(PlantedCase("SUPERSEDED", u.code, early_path.name, rel(early_path),
                                       detail=f"first submission dated {early_date.isoformat()}, replaced by a "
                                              f"resubmission dated {report_date.isoformat()}"))
            fname = fname[:-5] + rng.choice([" (sửa lại).xlsx", " - lan 2.xlsx", "_bo sung.xlsx"])
        words_ok = {id(c) for c in listed[u.code] if not c.planted and c.unit == u.code}
        r = _Renderer(rng, u, per, report_date, words=rng.random() < 0.35, number_code=u.code == number_code_unit)
        sheets, rows, summary_rows, sheet_names = _district_sheets(r, rng, listed[u.code], groups_by_unit[u.code],
                                                                   items, words_ok)
        path = district_dir / fname
        _save(path, sheets)
        files.append(path)
        report_dates[u.code] = report_date
        coop_rows += len(listed[u.code])
        group_rows += len(groups_by_unit[u.code])
        for idx, c in enumerate(listed[u.code]):
            row_of[id(c) if c.unit == u.code else -id(c)] = (rel(path), sheet_names["cooperative"], rows[idx])
        for c, fld, excel_row in r.words_planted:
            words_plants.append(PlantedCase("WORDS_DROPPED", u.code, c.tax_code, rel(path), sheet_names["cooperative"],
                                            excel_row, c.name, c.tax_code, f"khoảng {getattr(c, fld)}",
                                            str(getattr(c, fld)), detail=f"{fld} written with words"))
        for mu, mcode, reported, true in mismatches:
            if mu == u.code:
                planted.append(PlantedCase("SUMMARY_MISMATCH", u.code, mcode, rel(path), sheet_names["summary"],
                                           summary_rows.get(mcode), value_reported=f"{reported:g}",
                                           value_computed=f"{true:g}",
                                           detail="summary sheet figure deliberately differs from the listing"))

    # a workbook titled with a unit of the register that is not in force for the period: rejected with
    # UNIT_NOT_IN_FORCE, never attributed to the unit in force of the same name (§11). Preferably one whose name a
    # unit in force also carries ("UBND huyện Tiên Yên" in 2025-Q3 is not Xã Tiên Yên).
    if commune_level and gone_units and not synthetic:
        from kttt_pipeline.core.text import fold

        nrng = random.Random(f"{key}/not-in-force")
        names_in_force = {fold(u.name) for u in unit_list}
        same_name = [g for g in gone_units if fold(g.name) in names_in_force]
        gone = nrng.choice(same_name or gone_units)
        gone_coops = [_make_coop(nrng, gone, p, _valid_tax_code(nrng, "57", used_codes), per)
                      for p in _propers(nrng, 4)]
        gone_date = per.end + dt.timedelta(days=nrng.randint(5, 25))
        r = _Renderer(nrng, gone, per, gone_date, words=False, code_cell=False)
        sheets = _district_sheets(r, nrng, gone_coops, [],
                                  _summary_items(nrng, _expected_unit(gone_coops, [], per), False), set())[0]
        gone_path = district_dir / f"{_strip_diacritics(gone.name)} - bao cao KTTT quy {per.quarter}.{per.year}.xlsx"
        _save(gone_path, sheets)
        files.append(gone_path)
        planted.append(PlantedCase("UNIT_NOT_IN_FORCE", None, "", rel(gone_path), value_reported=r.unit_line,
                                   detail=f"titled '{r.unit_line}': {gone.level} {gone.code} is not in force on "
                                          f"{per.end.isoformat()}"))

    def case(kind: str, c: _Coop, entity_key: str, detail: str, *, foreign: bool = False, **kw) -> PlantedCase:
        f, s, r = row_of[-id(c) if foreign else id(c)]
        return PlantedCase(kind, kw.pop("unit_code", c.unit), entity_key, f, s, r, c.name, c.tax_code, detail=detail, **kw)

    if dup:
        c, other = dup
        # the pipeline attributes it to the home unit (tax address); the row is the extra listing
        planted.append(case("DUPLICATE", c, c.tax_code, f"listed by unit {c.unit} (home: tax address) and again "
                            f"by unit {other} (this row)", foreign=True))
    if invalid:
        # keyed by the true code: the pipeline re-keys the finding once the name match finds the record
        planted.append(case("TAX_CODE_INVALID", invalid, invalid.tax_code,
                            f"written {invalid.written_code}: wrong check digit (register: {invalid.tax_code})",
                            value_reported=invalid.written_code))
        planted.append(case("NAME_MATCH", invalid, invalid.tax_code, "invalid code: matched by name"))
    if nomatch:
        planted.append(case("NAME_MATCH", nomatch, nomatch.tax_code,
                            f"no tax code in the return; the register spells it '{nomatch.register_name}'"))
    if quarantined:
        planted.append(case("ROW_QUARANTINED", quarantined, quarantined.tax_code,
                            f"member_workers {quarantined.member_workers} > workers {quarantined.workers}"))
    if unknown_sector:
        planted.append(case("SECTOR_UNKNOWN", unknown_sector, unknown_sector.tax_code,
                            f"sector written '{UNKNOWN_SECTOR_TEXT}'", value_reported=UNKNOWN_SECTOR_TEXT))
    if no_grade:
        planted.append(case("GRADE_MISSING", no_grade, no_grade.tax_code, "active, filing tax, no grade"))
    if no_tax:
        planted.append(case("NO_TAX_RECORD", no_tax, no_tax.tax_code, "valid code absent from the tax register"))
    for c in overrides:
        planted.append(case("STATUS_OVERRIDE", c, c.tax_code,
                            f"district 'Đang hoạt động', tax status {c.tax_status} "
                            f"→ {OVERRIDE_STATUS[c.tax_status]}", value_reported="ACTIVE",
                            value_computed=OVERRIDE_STATUS[c.tax_status]))
    planted += words_plants

    # ---- tax register
    trng = random.Random(f"{key}/tax")
    tax_rows: list[list[object]] = []
    for u in unit_list:
        for c in coops_by_unit[u.code]:
            if c.tax_status is None:
                continue
            tax_rows.append(_tax_row(trng, u, c.tax_code, c.register_name, "Hợp tác xã", c.tax_status, c.tax_date,
                                     c.declared_revenue, c.tax_incurred, c.commune, prov, per,
                                     new_address=c.planted))
        # long-dissolved taxpayers no unit lists
        n_extra = max(1, round(0.2 * len(coops_by_unit[u.code])))
        left = propers_left[u.code]
        for i in range(n_extra):
            proper = left[i % len(left)] if left else f"Số {i + 1}"
            sector = _pick(trng, SECTOR_WEIGHTS)
            name = f"Hợp tác xã {trng.choice(SECTOR_ACTIVITIES[sector])} {proper}"
            name = name.upper() if trng.random() < 0.6 else name
            d = _rand_date(trng, dt.date(2000, 1, 1), dt.date(per.year - 3, 12, 31))
            tax_rows.append(_tax_row(trng, u, _valid_tax_code(trng, "57" if not u.synthetic else f"{trng.randint(1, 99):02d}",
                                                              used_codes),
                                     name, "Hợp tác xã", "01", d, None if trng.random() < 0.5 else 0, None,
                                     trng.choice(u.place_pool()), prov, per))
    unions, funds = _province_entities(random.Random(f"{key}/province"), len(unit_list), used_codes)
    home = unit_list[0]
    for name, code, *_ in unions:
        tax_rows.append(_tax_row(trng, home, code, name.upper(), "Liên hiệp hợp tác xã", "00", None,
                                 trng.randint(500, 9000) * 1_000_000, trng.randint(5, 90) * 1_000_000, None, prov, per,
                                 province_level=True))
    for name, code, *_ in funds:
        tax_rows.append(_tax_row(trng, home, code, name.upper(), "Quỹ tín dụng nhân dân", "00", None,
                                 trng.randint(2000, 20000) * 1_000_000, trng.randint(20, 300) * 1_000_000, None,
                                 prov, per, province_level=True))
    trng.shuffle(tax_rows)
    fmt = tax_format if tax_format != "auto" else ("csv" if len(tax_rows) > TAX_CSV_THRESHOLD else "xlsx")
    tax_dir = period_dir / "tax"
    tax_dir.mkdir(parents=True, exist_ok=True)
    end = per.end
    stem = f"DS NNT loai hinh HTX den {end.day:02d}.{end.month:02d}.{end.year}"
    if fmt == "xlsx":
        tax_path = tax_dir / f"{stem}.xlsx"
        _write_tax_xlsx(tax_path, tax_rows, per, prov)
    else:
        tax_path = tax_dir / f"{stem}.csv"
        _write_tax_csv(tax_path, tax_rows)
    files.append(tax_path)

    # ---- province workbook
    prov_path = period_dir / "province" / f"LHHTX_QTDND quy {per.quarter}-{per.year}.xlsx"
    mismatch = _write_province(prov_path, unions, funds, per, random.Random(f"{key}/province-render"))
    files.append(prov_path)
    planted.append(PlantedCase("SUMMARY_MISMATCH", None, "LHHTX_MEMBER_HTX", rel(prov_path), "LHHTX",
                               mismatch[0], value_reported=f"{mismatch[1]:g}", value_computed=f"{mismatch[2]:g}",
                               detail="LHHTX total row disagrees with its detail rows"))

    # ---- targets
    grng = random.Random(f"{key}/targets")
    targets_path = out_dir / "targets" / f"{per.year}.xlsx"
    _write_targets(targets_path, per.year, [
        ("HTX_TOTAL", "Tổng số hợp tác xã", "HTX", round(province["HTX_TOTAL"] * grng.uniform(1.02, 1.10))),
        ("HTX_NEW", "Số HTX thành lập mới từ đầu năm", "HTX", max(1, round(province["HTX_NEW"] * grng.uniform(1.1, 1.4)))),
        ("THT_TOTAL", "Tổng số tổ hợp tác", "THT", round(province["THT_TOTAL"] * grng.uniform(1.02, 1.15))),
    ])
    files.append(targets_path)

    # ---- admin units
    admin_path = out_dir / "admin_units.csv"
    if synthetic:
        _write_admin_units(admin_path, unit_list, prov)
        files.append(admin_path)
    elif admin_path.is_file() and _is_demo_admin_units(admin_path):
        admin_path.unlink()  # a synthetic register from an earlier run would hide the province's own units

    (period_dir / MANIFEST).write_text(json.dumps(
        {"seed": seed, "period": per.key, "files": sorted(p.relative_to(period_dir).as_posix()
                                                          for p in files if period_dir in p.parents)},
        ensure_ascii=False, indent=1), encoding="utf-8")

    distinct = sum(len(cs) for cs in coops_by_unit.values())
    return DemoSummary(out_dir=out_dir, period=per.key, seed=seed, files=files, units=codes, synthetic_units=synthetic,
                       cooperatives=coop_rows, cooperatives_distinct=distinct, groups=group_rows,
                       tax_rows=len(tax_rows), tax_format=fmt, unions=len(unions), credit_funds=len(funds),
                       planted=planted, expected=expected, province=prov.code,
                       level="commune" if commune_level else "district", unit_sizes=sizes,
                       number_code_unit=number_code_unit)


def _district_sheets(r: _Renderer, rng: random.Random, coops: list[_Coop], groups: list[_Group], items,
                     words_ok: set[int]) -> tuple[list[_Sheet], list[int], dict[str, int], dict[str, str]]:
    names = {k: rng.choice(v) for k, v in SHEET_NAMES.items()}
    coop_sh, rows_of = r.coop_sheet(names["cooperative"], coops, words_ok)
    group_sh = r.group_sheet(names["group"], groups)
    summary_sh, summary_rows = r.summary_sheet(names["summary"], items)
    order = [summary_sh, coop_sh, group_sh] if rng.random() < 0.75 else [coop_sh, group_sh, summary_sh]
    rows = [rows_of[i] for i in range(len(coops))]
    return order, rows, summary_rows, names


def _tax_row(rng: random.Random, unit: _Unit, code: str, name: str, entity_type: str, status: str,
             status_date: dt.date | None, revenue: int | None, tax: int | None, place: _Place | None,
             prov: _Province, per: Period, *, province_level: bool = False, new_address: bool = False) -> list[object]:
    if per.end >= REFORM_DAY:
        # since 2025 the offices are "Thuế cơ sở N tỉnh …" and "Thuế tỉnh …"; an address names the commune as it
        # was when the record was made: a former commune and district, or the unit in force (§11)
        place = place or rng.choice(unit.place_pool())
        office = f"Thuế tỉnh {prov.name}" if province_level else f"Thuế cơ sở {unit.tax_office} tỉnh {prov.name}"
        if unit.level == "commune" and (new_address or not place.former or rng.random() < 0.5):
            address = f"{unit.full_name}, tỉnh {prov.name}"
        else:
            district = place.district or (unit.full_name if unit.level == "district" else "")
            address = ", ".join(x for x in (f"{place.kind} {place.name}", district, f"tỉnh {prov.name}") if x)
        return [code, name, address, office, entity_type,
                f"{status} - {TAX_STATUS_TEXTS[status]}" if rng.random() < 0.6 else status, status_date, revenue, tax]
    if province_level:
        address = f"{_address_place(rng.choice(unit.place_pool()))}, {unit.full_name}, tỉnh {prov.name}"
        office = f"Cục Thuế tỉnh {prov.name}"
    else:
        address = f"{_address_place(place)}, {unit.full_name}, tỉnh {prov.name}"
        office = f"Chi cục Thuế {unit.full_name}"
    status_text = f"{status} - {TAX_STATUS_TEXTS[status]}" if rng.random() < 0.6 else status
    return [code, name, address, office, entity_type, status_text, status_date, revenue, tax]


def _address_place(place: _Place) -> str:
    return f"{place.kind} {place.name}"


TAX_HEADER = ["STT", "Mã số thuế", "Tên người nộp thuế", "Địa chỉ", "Cơ quan thuế quản lý", "Loại hình", "Trạng thái",
              "Ngày thay đổi trạng thái", "Doanh thu kê khai lũy kế (đồng)", "Thuế phát sinh (đồng)"]


def _write_tax_xlsx(path: Path, rows: list[list[object]], per: Period, prov: _Province) -> None:
    sh = _Sheet("DS NNT")
    sh.add([f"{'THUẾ TỈNH' if per.end >= REFORM_DAY else 'CỤC THUẾ TỈNH'} {prov.name.upper()}"])
    sh.add(["DANH SÁCH NGƯỜI NỘP THUẾ LÀ TỔ CHỨC KINH TẾ TẬP THỂ"])
    sh.add([f"(Dữ liệu đến ngày {per.end.strftime('%d/%m/%Y')})"])
    sh.add()
    sh.add(TAX_HEADER)
    for i, row in enumerate(rows, 1):
        sh.add([i, *row])
    _save(path, [sh])


def _write_tax_csv(path: Path, rows: list[list[object]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(TAX_HEADER)
    for i, row in enumerate(rows, 1):
        w.writerow([i, *("" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for v in row)])
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))


def _province_entities(rng: random.Random, n_units: int, used: set[str]):
    n_unions = max(3, min(60, n_units // 8)) if n_units > 13 else rng.randint(3, 5)
    n_funds = max(2, min(120, n_units // 5)) if n_units > 13 else rng.randint(2, 4)
    propers = _propers(rng, n_unions + n_funds)
    unions = []
    for i in range(n_unions):
        agri = rng.random() < 0.6
        act = rng.choice(["nông nghiệp sạch", "chè", "thủy sản", "dược liệu"] if agri else
                         ["vận tải", "thương mại dịch vụ", "xây dựng"])
        unions.append((f"Liên hiệp hợp tác xã {act} {propers[i]}", _valid_tax_code(rng, "57", used),
                       "Nông nghiệp" if agri else "Phi nông nghiệp", rng.randint(3, 9), rng.randint(12, 60),
                       float(rng.randint(30, 400) * 100)))
    funds = []
    for i in range(n_funds):
        total = rng.randint(40_000, 160_000)
        equity = round(total * rng.uniform(0.07, 0.12))
        mobilised = round(total * rng.uniform(0.8, 0.9))
        funds.append((f"Quỹ tín dụng nhân dân {propers[n_unions + i]}", _valid_tax_code(rng, "57", used),
                      rng.randint(600, 2500), rng.randint(6, 14), rng.randint(3, 6), total, equity, mobilised,
                      round(total * rng.uniform(0.6, 0.75))))
    return unions, funds


def _write_province(path: Path, unions, funds, per: Period, rng: random.Random) -> tuple[int, float, float]:
    """Write LHHTX and QTDND; the LHHTX total's member-HTX figure deliberately disagrees with its rows."""
    end = per.end.strftime("%d/%m/%Y")
    lh = _Sheet("LHHTX")
    lh.add(["SỞ TÀI CHÍNH" if per.end >= dt.date(2025, 3, 1) else "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"])
    lh.add([f"TÌNH HÌNH LIÊN HIỆP HỢP TÁC XÃ ĐẾN {end}"])
    lh.add(["Đơn vị tính: triệu đồng"])
    lh.add()
    lh.add(["STT", "Tên", "MST", "Lĩnh vực", "Số HTX thành viên", "Số lao động", "Vốn điều lệ (triệu đồng)"])
    for i, (name, code, sector, member_htx, workers, capital) in enumerate(unions, 1):
        lh.add([i, name, code, sector, member_htx, workers, int(capital)])
    true_members = sum(u[3] for u in unions)
    reported = true_members + rng.randint(3, 9)
    total_row = lh.add([None, "Tổng cộng", None, None, reported, sum(u[4] for u in unions),
                        int(sum(u[5] for u in unions))])
    qt = _Sheet("QTDND")
    qt.add(["SỞ TÀI CHÍNH" if per.end >= dt.date(2025, 3, 1) else "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"])
    qt.add([f"TÌNH HÌNH QUỸ TÍN DỤNG NHÂN DÂN ĐẾN {end}"])
    qt.add(["Đơn vị tính: triệu đồng"])
    qt.add()
    qt.add(["STT", "Tên", "MST", "Số thành viên", "Số lao động", "Số cán bộ quản lý", "Tổng nguồn vốn",
            "Vốn chủ sở hữu", "Vốn huy động", "Dư nợ cho vay"])
    for i, f in enumerate(funds, 1):
        qt.add([i, *f])
    qt.add([None, "Tổng cộng", None, *[sum(f[j] for f in funds) for j in range(2, 9)]])
    _save(path, [lh, qt])
    return total_row, float(reported), float(true_members)


def _write_targets(path: Path, year: int, rows: list[tuple[str, str, str, int]]) -> None:
    sh = _Sheet(f"KH {year}")
    sh.add([f"CHỈ TIÊU KẾ HOẠCH PHÁT TRIỂN KINH TẾ TẬP THỂ NĂM {year}"])
    sh.add()
    sh.add(["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", f"Kế hoạch năm {year}"])
    for r in rows:
        sh.add(list(r))
    _save(path, [sh])
