"""Rendering of the reporting units' returns (spec §2–§5, §11): one workbook per unit with a summary sheet, the
cooperative listing and the group listing, in the mess the contract describes (title blocks of varying height,
two-row merged headers, header synonyms, shuffled and extra columns, sheet-name variants, blank, heading and
total rows, signature blocks, numbers and dates typed as text, money in nghìn đồng, NFD text, texts without
diacritics or in upper case).

Each workbook's choices come from its own stream (``<key>/render/<unit>``); the texts it chooses among are data
(``demo/data/layout.csv``, ``summary_rows.csv``).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from kttt_pipeline.core import fields
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.text import fold, strip_diacritics
from kttt_pipeline.core.vocabulary import indicators
from kttt_pipeline.demo.entities import Coop, Group, Place, Unit, person
from kttt_pipeline.demo.oracle import ReturnLocations, unit_figures
from kttt_pipeline.demo.population import Population
from kttt_pipeline.demo.sheets import (
    Sheet,
    messy_name,
    messy_text,
    save,
    typed_date,
    typed_number,
)
from kttt_pipeline.demo.words import choices, keyed, label, words


@dataclass(frozen=True)
class _ListingFields:
    """The listings' fields (vocab/fields.csv). Cooperatives: the figures the total row sums, the counts, the marks
    and the money written in the column's unit (a header may say "nghìn đồng"; an average is written as it is).
    Groups: the columns after the name, the figures and those the total row sums."""

    coop_totals: tuple[str, ...]
    counts: tuple[str, ...]
    marks: tuple[str, ...]
    money: tuple[str, ...]
    group_columns: tuple[str, ...]
    group_figures: tuple[str, ...]
    group_totals: tuple[str, ...]


def _listing_fields() -> _ListingFields:
    return _listing_fields_of(fields.version())


@lru_cache(maxsize=1)
def _listing_fields_of(_fields_version: int) -> _ListingFields:
    coop_totals = tuple(fields.total_row_fields("cooperative"))
    return _ListingFields(
        coop_totals=coop_totals,
        counts=tuple(fields.count_fields("cooperative")),
        marks=tuple(fields.mark_fields("cooperative")),
        money=tuple(f for f in fields.money_fields("cooperative") if f in coop_totals),
        group_columns=tuple(
            f.field for f in fields.fields_of("group") if f.origin == "read" and f.kind != "seq" and f.field != "name"
        ),
        group_figures=tuple(fields.numeric_fields("group")),
        group_totals=tuple(fields.total_row_fields("group")),
    )


@dataclass
class Col:
    field: str
    header: str
    parent: str | None = None
    factor: float = 1.0  # written money = triệu đồng × factor


def _money_header(rng: random.Random, base: str, line_factor: float | None) -> tuple[str, float]:
    r = rng.random()
    if r < 0.15:
        return label("coop.money_in_thousands").format(header=base), 1000.0
    if r < 0.55:
        return label("coop.money_in_millions").format(header=base), 1.0
    return base, (line_factor or 1.0)


def _coop_columns(rng: random.Random, line_factor: float | None, with_dissolved: bool) -> tuple[list[list[Col]], bool]:
    """Column blocks of the cooperative listing (blocks stay contiguous) and whether the header has two rows."""
    # the layout of the columns (which sit under a shared parent header) is the demo's; the money columns are the
    # listing fields' money
    grouped = rng.random() < 0.75
    blocks: list[list[Col]] = [
        [Col(f, rng.choice(choices(f"coop.{f}")))]
        for f in ("tax_code", "registered_on", "commune", "sector", "status", "grade", "members")
    ]
    if with_dissolved:
        blocks.append([Col("dissolved_on", label("coop.dissolved_on"))])
    if grouped:
        parent = rng.choice(choices("coop.workers_parent"))
        if parent == label("coop.workers_parent_bare"):
            mw = rng.choice(choices("coop.member_workers_under_bare"))
            w = rng.choice(choices("coop.workers_under_bare"))
        else:
            mw = rng.choice(choices("coop.member_workers_under_long"))
            w = label("coop.workers_under_long")
        blocks.append([Col("workers", w, parent), Col("member_workers", mw, parent)])
        p = label("coop.managers_parent")
        blocks.append(
            [
                Col("managers", label("coop.managers_under"), p),
                Col("managers_primary_secondary", rng.choice(choices("coop.managers_primary_secondary_under")), p),
                Col("managers_college_plus", rng.choice(choices("coop.managers_college_plus_under")), p),
            ]
        )
    else:
        blocks.append(
            [
                Col("workers", rng.choice(choices("coop.workers"))),
                Col("member_workers", rng.choice(choices("coop.member_workers"))),
            ]
        )
        blocks.append(
            [
                Col("managers", rng.choice(choices("coop.managers"))),
                Col("managers_primary_secondary", label("coop.managers_primary_secondary")),
                Col("managers_college_plus", label("coop.managers_college_plus")),
            ]
        )
    for fld in _listing_fields().money:
        header, factor = _money_header(rng, rng.choice(choices(f"coop.{fld}")), line_factor)
        blocks.append([Col(fld, header, factor=factor)])
    blocks.append([Col("avg_income", rng.choice(choices("coop.avg_income")))])
    optional = [[Col(f, rng.choice(choices(f"coop.{f}")))] for f in ("ocop_products", *_listing_fields().marks)]
    if rng.random() < 0.2:  # a column may be missing
        optional.pop(rng.randrange(len(optional)))
    blocks += optional
    if rng.random() < 0.4:
        blocks.append([Col("_phone", rng.choice(choices("coop._phone")))])
    if rng.random() < 0.2:
        blocks.append([Col("_director", label("coop._director"))])
    if rng.random() < 0.6:
        blocks.append([Col("_note", label("coop._note"))])
    if rng.random() < 0.55:
        rng.shuffle(blocks)
    return blocks, grouped


class ReturnRenderer:
    """Writes one unit's return workbook; all choices come from its own RNG."""

    def __init__(
        self,
        rng: random.Random,
        unit: Unit,
        period: Period,
        report_date: dt.date,
        words: bool,
        *,
        code_cell: bool | None = None,
        number_code: bool = False,
    ):
        self.rng = rng
        self.unit = unit
        self.period = period
        self.report_date = report_date
        self.words = words  # may a numeric cell carry words ("khoảng 45")
        self.words_planted: list[tuple[Coop, str, int]] = []  # coop, field, excel row
        # choices shared by the workbook's sheets
        self.unit_line = self._unit_line()
        self.code_cell = unit.synthetic or rng.random() < (0.45 if unit.level == "commune" else 0.3)
        self.code_split = rng.random() < 0.3
        if code_cell is not None:
            self.code_cell = code_cell
        if number_code:  # "Mã đơn vị:" then the code typed as a number ("0NNNN" → NNNN, spec §11)
            self.code_cell = self.code_split = True
        self.republic = rng.random() < 0.5
        self.date_style = rng.randrange(5)
        self.text_num_p = rng.choice([0.0, 0.02, 0.05])
        self.text_date_p = rng.choice([0.0, 0.2, 0.5, 0.9])

    def _unit_line(self) -> str:
        u, r = self.unit, self.rng.random()
        template = choices("title.unit_line")[0 if r < 0.35 else 1 if r < 0.65 else 2 if r < 0.85 else 3]
        return template.format(
            kind_upper=u.kind.upper(),
            name_upper=u.name.upper(),
            kind_lower=u.kind.lower(),
            name=u.name,
            kind_abbr=keyed("kind_abbreviation").get(u.kind, [u.kind])[0],
        )

    # -- title block
    def title(self, sh: Sheet, width: int, title: str, *, unit_line_factor: str | None, data_line: bool) -> None:
        rng = self.rng
        right = max(width - 5, 3)
        office = words("office_line", self.unit.level)[0]
        first = sh.put(width, {0: self.unit_line, **({right: label("title.republic")} if self.republic else {})})
        if self.republic:
            sh.put(width, {0: office if rng.random() < 0.4 else None, right: label("title.motto")})
        elif rng.random() < 0.3:
            sh.put(width, {0: office})
        if self.code_cell:
            if self.code_split:
                sh.put(
                    width,
                    {
                        0: label("title.code_label"),
                        1: int(self.unit.code) if self.unit.code.isdigit() else self.unit.code,
                    },
                )
            else:
                sh.put(width, {0: label("title.code_line").format(code=self.unit.code)})
        if rng.random() < 0.85:
            sh.put(width, {0: title})
        end = self.period.end
        if data_line:
            sh.put(width, {0: label("title.data_line").format(day=end.day, month=end.month, year=end.year)})
        d = self.report_date
        if self.date_style == 0:
            sh.put(width, {0: label("title.date_line").format(date=d.strftime("%d/%m/%Y"))})
        elif self.date_style == 1:
            sh.put(width, {0: label("title.date_line").format(date=d.strftime("%d-%m-%Y"))})
        elif self.date_style == 2:
            sh.put(width, {0: label("title.date_line").format(date=f"{d.day}.{d.month}.{d.year}")})
        else:
            sh.put(width, {0: label("title.date_label"), 1: d})
        if unit_line_factor:
            sh.put(width, {0: label("title.money_unit_line").format(unit=unit_line_factor)})
        for _ in range(rng.choice([0, 1, 1, 2])):
            sh.add()
        if self.republic and right > 2 and rng.random() < 0.5:
            sh.merge(first, 0, first, min(4, right - 1))

    def signature(self, sh: Sheet, width: int) -> None:
        rng = self.rng
        sh.add()
        left, right = min(3, width - 1), max(width - 2, 1)
        if rng.random() < 0.5:
            d = self.report_date
            sh.put(
                width,
                {
                    right: label("signature.place_date").format(
                        place=self.unit.name, day=d.day, month=d.month, year=d.year
                    )
                },
            )
        sh.put(width, {left: label("signature.maker"), right: label("signature.council")})
        sh.put(width, {right: label("signature.deputy")})
        sh.put(width, {right: label("signature.vice_chair")})
        for _ in range(3):
            sh.add()
        sh.put(width, {left: person(rng), right: person(rng)})

    # -- values
    def num(self, x: float | None) -> object:
        if x is None:
            return None
        if self.rng.random() < self.text_num_p:
            return typed_number(x)
        return int(x) if float(x).is_integer() else x

    def date(self, d: dt.date | None) -> object:
        if d is None:
            return None
        if self.rng.random() < self.text_date_p:
            return typed_date(d, self.rng.randrange(3))
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
    def header_rows(sh: Sheet, cols: list[Col], two_rows: bool, vmerge: bool) -> int:
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
    def coop_sheet(self, name: str, coops: list[Coop], words_ok: set[int]) -> tuple[Sheet, dict[int, int]]:
        rng = self.rng
        line = rng.choice(choices("coop.money_unit_line"))
        line_factor = 1000.0 if line == label("coop.money_unit_thousands") else (1.0 if line else None)
        blocks, grouped = _coop_columns(rng, line_factor, any(c.dissolved_on for c in coops) or rng.random() < 0.3)
        seq_header = rng.choice(choices("coop.seq"))
        name_header = rng.choice(choices("coop.name"))
        cols = [Col("seq", seq_header), Col("name", name_header)] + [c for b in blocks for c in b]
        width = len(cols)
        sh = Sheet(name)
        self.title(
            sh,
            width,
            rng.choice(choices("coop.title")).format(unit_upper=self.unit.full_name.upper()),
            unit_line_factor=line,
            data_line=rng.random() < 0.7,
        )
        two_rows = grouped or rng.random() < 0.3
        self.header_rows(sh, cols, two_rows, vmerge=rng.random() < 0.8)
        if rng.random() < 0.12:
            sh.add([f"({i + 1})" for i in range(width)])
        rows_of: dict[int, int] = {}
        if not coops:  # a commune without cooperatives: the headers and no rows, or a row "Không có" (§11)
            _empty_listing(rng, sh, width)
            self.signature(sh, width)
            return sh, rows_of
        totals = {c.field: 0.0 for c in cols if c.field in _listing_fields().coop_totals}
        total_label = rng.choice(choices("coop.total"))
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
                    heading = label("coop.heading_agri") if h == "AGRI" else rng.choice(choices("coop.heading_other"))
                    if rng.random() < 0.5:
                        r = sh.put(width, {0: f"{roman}. {heading}"})
                        sh.merge(r, 0, r, min(3, width - 1))
                    else:
                        sh.put(width, {0: roman, 1: heading})
            seq += 1
            row: list[object] = [None] * width
            for j, col in enumerate(cols):
                row[j] = self._coop_value(c, col, seq)
                if col.field in totals and row[j] is not None:
                    v = getattr(c, col.field)
                    totals[col.field] += (v or 0) * (col.factor if col.field in _listing_fields().money else 1)
            if self.words and id(c) in words_ok and not self.words_planted and rng.random() < 0.1:
                fld = rng.choice(["members", "workers"])  # fields: counts a clerk may write with words
                j = next((j for j, col in enumerate(cols) if col.field == fld), None)
                if j is not None:
                    row[j] = label("coop.value_in_words").format(value=getattr(c, fld))
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
                total_row[j] = round(t) if abs(t - round(t)) < 1e-6 else round(t, 1)
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

    def _coop_value(self, c: Coop, col: Col, seq: int) -> object:
        # how each cooperative field is written
        rng = self.rng
        f = col.field
        if f == "seq":
            return seq
        if f == "name":
            return messy_name(rng, c.name)
        if f == "tax_code":
            return self.tax_code(c.written_code)
        if f == "registered_on":
            return self.date(c.registered_on)
        if f == "dissolved_on":
            return self.date(c.dissolved_on)
        if f == "commune":
            return messy_name(rng, _address_text(rng, c.commune))
        if f == "sector":
            return c.sector_text if c.sector_text in words("unknown_sector") else messy_text(rng, c.sector_text)
        if f == "status":
            return messy_text(rng, rng.choice(keyed("status_text")[c.status]))
        if f == "grade":
            return messy_text(rng, rng.choice(keyed("grade_text")[c.grade])) if c.grade else None
        if f == "ocop_products":  # written as a plain number, never in words
            return c.ocop_products
        if f in _listing_fields().counts:
            return self.num(getattr(c, f))
        if f in _listing_fields().money:
            v = getattr(c, f) * col.factor
            return self.num(round(v) if col.factor != 1 else v)
        if f == "avg_income":
            return self.num(c.avg_income) if c.avg_income else None
        if f in _listing_fields().marks:
            if getattr(c, f):
                return rng.choice(choices("coop.mark_yes"))
            return label("coop.mark_no") if rng.random() < 0.03 else None
        if f == "_phone":
            return (
                f"0{rng.choice(choices('coop.phone_prefix'))}{rng.randint(1000000, 9999999)}"
                if rng.random() < 0.6
                else None
            )
        if f == "_director":
            return person(rng)
        if f == "_note":
            return rng.choice(choices("coop.note_value"))
        return None

    def group_sheet(self, name: str, groups: list[Group]) -> Sheet:
        rng = self.rng
        cols = [Col("seq", rng.choice(choices("group.seq"))), Col("name", rng.choice(choices("group.name")))]
        rest = [Col(f, rng.choice(choices(f"group.{f}"))) for f in _listing_fields().group_columns]
        if rng.random() < 0.3:
            rest.append(Col("_note", rng.choice(choices("group._note"))))
        if rng.random() < 0.3:
            rng.shuffle(rest)
        cols += rest
        width = len(cols)
        sh = Sheet(name)
        self.title(
            sh,
            width,
            label("group.title"),
            unit_line_factor=label("group.money_unit_line") if rng.random() < 0.4 else None,
            data_line=rng.random() < 0.6,
        )
        self.header_rows(sh, cols, rng.random() < 0.4, vmerge=True)
        if not groups:
            _empty_listing(rng, sh, width)
            self.signature(sh, width)
            return sh
        headings = rng.random() < 0.3
        ordered = sorted(groups, key=lambda g: g.sector != "AGRI") if headings else list(groups)
        current = None
        totals = {f: 0.0 for f in _listing_fields().group_totals}
        for seq, g in enumerate(ordered, 1):
            if headings and (g.sector == "AGRI") != current:
                current = g.sector == "AGRI"
                r = sh.put(width, {0: label("group.heading_agri") if current else label("group.heading_other")})
                sh.merge(r, 0, r, min(3, width - 1))
            row: list[object] = []
            for col in cols:
                f = col.field
                if f == "seq":
                    row.append(seq)
                elif f in ("name", "representative"):
                    row.append(messy_name(rng, getattr(g, f)))
                elif f == "commune":
                    row.append(_address_text(self.rng, g.commune))
                elif f == "sector":
                    row.append(messy_text(rng, g.sector_text))
                elif f in _listing_fields().group_figures:
                    row.append(self.num(getattr(g, f)))
                else:
                    row.append(None)
            for f in _listing_fields().group_totals:
                totals[f] += getattr(g, f)
            sh.add(row)
            if rng.random() < 0.03:
                sh.add()
        total: list[object] = [None] * width
        total[1] = rng.choice(choices("group.total"))
        for j, col in enumerate(cols):
            if col.field in totals:
                total[j] = round(totals[col.field])
        sh.add(total)
        self.signature(sh, width)
        return sh

    def summary_sheet(self, name: str, items: list[tuple[str, str, str, str, object]]) -> tuple[Sheet, dict[str, int]]:
        """items: (indicator, numbering, label, unit, value)."""
        rng = self.rng
        width = 4
        sh = Sheet(name)
        self.title(sh, width, label("summary.title"), unit_line_factor=None, data_line=rng.random() < 0.7)
        header = [
            label("summary.seq"),
            rng.choice(choices("summary.label")),
            rng.choice(choices("summary.unit")),
            rng.choice(choices("summary.value")),
        ]
        two = rng.random() < 0.5
        r1 = sh.add(header)
        if two:
            sh.add([None] * 4)
            for j in range(4):
                sh.merge(r1, j, r1 + 1, j)
        numbering_in_label = rng.random() < 0.4
        rows: dict[str, int] = {}
        for code, numbering, text, unit, value in items:
            text = messy_text(rng, text, p=0.1)
            v = value if isinstance(value, str) else self.num(value)
            if numbering_in_label:
                rows[code] = sh.add([None, f"{numbering} {text}", unit, v])
            else:
                rows[code] = sh.add([numbering, text, unit, v])
        return sh, rows


def _empty_listing(rng: random.Random, sh: Sheet, width: int) -> None:
    r = rng.random()
    if r < 0.5:
        sh.put(width, {1: rng.choice(choices("empty.in_name"))})
    elif r < 0.7:
        sh.put(width, {0: rng.choice(choices("empty.in_seq"))})
    # else: the headers and nothing below them but the signature


def _address_text(rng: random.Random, place: Place) -> str:
    """The commune an address cell names, as a clerk types it: bare, with its kind word or the kind's abbreviation,
    and for a former commune sometimes with its former district ("xã <name>, huyện <name>")."""
    r = rng.random()
    if r < 0.4:
        text = place.name
    elif r < 0.8:
        text = f"{place.kind} {place.name}"
    else:
        text = f"{keyed('address_abbreviation').get(place.kind, [place.kind])[0]} {place.name}"
    if place.district and rng.random() < 0.35:
        text += f", {place.district}"
    return text


@cache
def _summary_rows() -> list[dict[str, str]]:
    with (
        resources.files("kttt_pipeline.demo").joinpath("data").joinpath("summary_rows.csv").open(encoding="utf-8") as fh
    ):
        return list(csv.DictReader(fh))


def summary_items(
    rng: random.Random, e: dict[str, float], include_active: bool
) -> list[tuple[str, str, str, str, float]]:
    """The summary sheet's rows (indicator, numbering, label, unit, figure); labels drawn from the summary-sheet
    synonyms of ``vocab/indicators.csv``."""
    synonyms = {i.code: i.summary_synonyms for i in indicators()}
    items = []
    for row in _summary_rows():
        code = row["code"]
        if row["optional"] and not include_active:
            continue
        text = rng.choice(synonyms[code])
        units = row["unit"].split("|")
        unit = rng.choice(units) if len(units) > 1 else units[0]
        items.append((code, row["numbering"], text, unit, e[code]))
    return items


def return_sheets(
    r: ReturnRenderer, rng: random.Random, coops: list[Coop], groups: list[Group], items, words_ok: set[int]
) -> tuple[list[Sheet], list[int], dict[str, int], dict[str, str]]:
    """A return's sheets in workbook order, the Excel row of each cooperative, the summary rows, sheet names."""
    names = {k: rng.choice(choices(f"sheet.{k}")) for k in ("summary", "cooperative", "group")}
    coop_sh, rows_of = r.coop_sheet(names["cooperative"], coops, words_ok)
    group_sh = r.group_sheet(names["group"], groups)
    summary_sh, summary_rows = r.summary_sheet(names["summary"], items)
    order = [summary_sh, coop_sh, group_sh] if rng.random() < 0.75 else [coop_sh, group_sh, summary_sh]
    rows = [rows_of[i] for i in range(len(coops))]
    return order, rows, summary_rows, names


def file_name(rng: random.Random, unit: Unit, period: Period) -> str:
    q, y = period.quarter, period.year
    abbr = "".join(w[0] for w in strip_diacritics(unit.name).split()).upper()
    if unit.synthetic:
        abbr = unit.code
    return rng.choice(choices("file.return")).format(
        q=q, y=y, abbr=abbr, months=3 * q, plain=strip_diacritics(unit.name), roman=("I", "II", "III", "IV")[q - 1]
    )


def render_returns(
    pop: Population,
    expected: dict[str, dict[str, float]],
    mismatches: list[tuple[str, str, float, float]],
    out_dir: Path,
    return_dir: Path,
) -> tuple[list[Path], list[ReturnLocations]]:
    """Write every unit's return (and the superseded first submission of the resubmitting unit) into
    ``return_dir``: the files in writing order and where the oracle's rows are."""
    per = pop.period
    files: list[Path] = []
    located: list[ReturnLocations] = []
    used_names: set[str] = set()
    # a unit whose kind and name another unit of the period shares (two former provinces' "huyện Châu Thành" in
    # one merged province's 2025-Q2) writes its code in the title block, as such a clerk must
    titles: dict[str, int] = {}
    for u in pop.units:
        titles[fold(f"{u.kind} {u.name}")] = titles.get(fold(f"{u.kind} {u.name}"), 0) + 1
    for u in pop.units:
        code_cell = True if titles[fold(f"{u.kind} {u.name}")] > 1 else None
        rng = pop.stream(f"render/{u.code}")
        report_date = per.end + dt.timedelta(days=rng.randint(5, 25))
        fname = file_name(rng, u, per)
        while fname.lower() in used_names:
            fname = fname[:-5] + f" {u.code}.xlsx"
        used_names.add(fname.lower())
        include_active = rng.random() < 0.6
        items = summary_items(rng, expected[u.code], include_active)
        for mu, mcode, reported, _true in mismatches:
            if mu == u.code:
                items = [(c, n, lab, un, reported if c == mcode else v) for c, n, lab, un, v in items]
        superseded = None
        if u.code == pop.plants.resubmit_unit:
            # the first submission: earlier date, a few rows missing and figures changed; superseded
            early_rng = pop.stream(f"render-early/{u.code}")
            early_date = report_date - dt.timedelta(days=early_rng.randint(3, 9))
            early_coops = [c for c in pop.listed[u.code] if early_rng.random() > 0.04 or c.planted]
            early_groups = pop.groups[u.code][:-1] or pop.groups[u.code]
            early_e = unit_figures([c for c in early_coops if c.unit == u.code], early_groups, per)
            early_e["HTX_MEMBERS"] += early_rng.randint(5, 40)
            r = ReturnRenderer(early_rng, u, per, early_date, words=False, code_cell=code_cell)
            sheets = return_sheets(
                r, early_rng, early_coops, early_groups, summary_items(early_rng, early_e, False), set()
            )[0]
            early_path = return_dir / fname
            save(early_path, sheets)
            files.append(early_path)
            superseded = (early_path.relative_to(out_dir).as_posix(), early_date.isoformat(), report_date.isoformat())
            fname = fname[:-5] + rng.choice(choices("file.resubmission_suffix"))
        words_ok = {id(c) for c in pop.listed[u.code] if not c.planted and c.unit == u.code}
        r = ReturnRenderer(
            rng,
            u,
            per,
            report_date,
            words=rng.random() < 0.35,
            number_code=u.code == pop.number_code_unit,
            code_cell=code_cell,
        )
        sheets, rows, summary_rows, sheet_names = return_sheets(
            r, rng, pop.listed[u.code], pop.groups[u.code], items, words_ok
        )
        path = return_dir / fname
        save(path, sheets)
        files.append(path)
        located.append(
            ReturnLocations(
                u.code,
                path.relative_to(out_dir).as_posix(),
                sheet_names,
                rows,
                summary_rows,
                r.words_planted,
                superseded,
            )
        )
    return files, located


def render_not_in_force(pop: Population, out_dir: Path, return_dir: Path) -> tuple[Path, str]:
    """Write the workbook of the unit not in force (its stream goes on from the population): its path and the
    unit line its title carries."""
    gone = pop.not_in_force
    per, nrng = pop.period, gone.rng
    gone_date = per.end + dt.timedelta(days=nrng.randint(5, 25))
    r = ReturnRenderer(nrng, gone.unit, per, gone_date, words=False, code_cell=False)
    sheets = return_sheets(
        r, nrng, gone.coops, [], summary_items(nrng, unit_figures(gone.coops, [], per), False), set()
    )[0]
    path = return_dir / label("file.not_in_force").format(
        plain=strip_diacritics(gone.unit.name), q=per.quarter, y=per.year
    )
    save(path, sheets)
    return path, r.unit_line
