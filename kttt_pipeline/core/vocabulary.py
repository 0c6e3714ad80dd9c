"""The controlled vocabularies kept as package data (``kttt_pipeline/vocab/*.csv``).

Header synonyms, sector/status/grade texts and sheet names are data, not code: a new variant seen in a
return is one line in a CSV. Everything is compared after :func:`kttt_pipeline.core.text.fold`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from kttt_pipeline.core import fields
from kttt_pipeline.core.text import abbreviations, fold

_PAREN = re.compile(r"\([^)]*\)")


def read_vocab_csv(name: str) -> list[dict[str, str]]:
    with resources.files("kttt_pipeline.vocab").joinpath(name).open(encoding="utf-8-sig") as fh:
        return [dict(row) for row in csv.DictReader(fh)]


@lru_cache(maxsize=1)
def header_abbreviations() -> dict[str, str]:
    """Folded word → folded expansion of the words clerks abbreviate in column headers ("Số TV", "CBQL", "LĐ"):
    ``vocab/header_abbreviations.csv``, and the abbreviations of names (``vocab/abbreviations.csv``: "Tên HTX")."""
    table = dict(abbreviations())
    for r in read_vocab_csv("header_abbreviations.csv"):
        if fold(r["abbreviation"]):
            table[fold(r["abbreviation"])] = fold(r["expansion"])
    return table


def header_key(text: object) -> str:
    """A header folded for matching: parenthesised units removed ("Vốn điều lệ (triệu đồng)"), the clerks'
    abbreviations expanded ("Số TV" is "so thanh vien"), with or without diacritics alike."""
    if text is None:
        return ""
    return _header_key(str(text))


@lru_cache(maxsize=1 << 14)
def _header_key(text: str) -> str:
    words = header_abbreviations()
    return " ".join(words.get(w, w) for w in fold(_PAREN.sub(" ", text)).split())


@dataclass(frozen=True)
class HeaderVocabulary:
    # (record_type, folded parent or "", folded header) -> field
    exact: dict[tuple[str, str, str], str]
    #: keys of ``exact`` that name their field only as the whole header, never as the start of a longer one
    #: ("Lao động" alone is the number of workers; "Lao động nữ" is not)
    whole: frozenset[tuple[str, str, str]] = frozenset()

    def _children(self, record_type: str) -> dict[str, str | None]:
        """The sub-headers of a record type's column groups, folded → the one field they name under every group
        row they stand under (None when two group rows give them two fields: "Tổng số")."""
        index = self.__dict__.get("_child_index")
        if index is None:
            index = {}
            for (rt, par, syn), fld in self.exact.items():
                if par:
                    named = index.setdefault(rt, {})
                    named[syn] = fld if named.get(syn, fld) == fld else None
            object.__setattr__(self, "_child_index", index)
        return index.get(record_type, {})

    def _singles(self, record_type: str) -> dict[str, str]:
        """The synonyms of a record type's columns headed without a parent: folded header → field. Built once
        per record type (a header's longest synonym prefix is then a few dictionary look-ups, not a scan)."""
        index = self.__dict__.get("_single_index")
        if index is None:
            index = {}
            for (rt, par, syn), fld in self.exact.items():
                if not par and (rt, par, syn) not in self.whole:
                    index.setdefault(rt, {}).setdefault(syn, fld)
            object.__setattr__(self, "_single_index", index)
        return index.get(record_type, {})

    def match(self, record_type: str, parent: str | None, child: str | None) -> str | None:
        """Field for a column whose header is ``parent`` over ``child`` (either may be empty)."""
        p, c = header_key(parent), header_key(child)
        if p and c:
            for key in ((record_type, p, c), (record_type, "", c), (record_type, "", f"{p} {c}")):
                if key in self.exact:
                    return self.exact[key]
            return self._children(record_type).get(c)  # a sub-header naming one field, under another group row
        single = p or c
        if not single:
            return None
        field = self.exact.get((record_type, "", single)) or self._children(record_type).get(single)
        if field:
            return field
        # "Doanh thu ước năm 2024", "Thu nhập bình quân của lao động": the longest synonym the header starts with,
        # followed by a space: the header's prefixes ending before one of its spaces, longest first
        singles = self._singles(record_type)
        end = single.rfind(" ")
        while end >= 0:
            fld = singles.get(single[:end])
            if fld is not None:
                return fld
            end = single.rfind(" ", 0, end)
        return None


def header_vocabulary() -> HeaderVocabulary:
    """The headers of ``header_synonyms.csv`` and, for each field read from a return, its label in
    ``fields.csv`` (a field added there is recognised under its label; what a field is comes from fields.csv).
    Built again after :func:`kttt_pipeline.core.fields.reload_fields`."""
    return _header_vocabulary(fields.version())


@lru_cache(maxsize=1)
def _header_vocabulary(_fields_version: int) -> HeaderVocabulary:
    exact: dict[tuple[str, str, str], str] = {}
    whole = set()
    for row in read_vocab_csv("header_synonyms.csv"):
        key = (row["record_type"], header_key(row["parent"]), header_key(row["header"]))
        exact[key] = row["field"]
        if (row.get("match") or "").strip() == "whole":
            whole.add(key)
    for record_type, field, label in fields.header_labels():
        exact.setdefault((record_type, "", header_key(label)), field)
    return HeaderVocabulary(exact, frozenset(whole))


def _lookup(name: str, column: str) -> dict[str, str]:
    return {fold(r["text"]): r[column] for r in read_vocab_csv(name)}


@lru_cache(maxsize=1)
def sector_lookup() -> dict[str, str]:
    return _lookup("sectors.csv", "sector")


@lru_cache(maxsize=1)
def status_lookup() -> dict[str, str]:
    return _lookup("statuses.csv", "status")


@lru_cache(maxsize=1)
def grade_lookup() -> dict[str, str]:
    return _lookup("grades.csv", "grade")


# ------------------------------------------------------------------ canonical codes and their labels


@dataclass(frozen=True)
class Code:
    """The canonical row of a sector, status or grade code (``vocab/*_codes.csv``): its order and its labels."""

    code: str
    order: int
    label_vi: str
    record_types: tuple[str, ...] = ()
    short_vi: str = ""
    phrase_vi: str = ""
    group_label_vi: str = ""
    group_phrase_vi: str = ""


def _codes(name: str) -> tuple[Code, ...]:
    out = []
    for r in read_vocab_csv(name):
        out.append(
            Code(
                r["code"],
                int(r["order"]),
                r["label_vi"],
                tuple(t for t in (r.get("record_types") or "").split("|") if t),
                r.get("short_vi") or r["label_vi"],
                r.get("phrase_vi") or r["label_vi"].lower(),
                r.get("group_label_vi") or r["label_vi"],
                r.get("group_phrase_vi") or r.get("phrase_vi") or r["label_vi"].lower(),
            )
        )
    return tuple(sorted(out, key=lambda c: c.order))


@lru_cache(maxsize=1)
def sector_table() -> dict[str, Code]:
    return {c.code: c for c in _codes("sector_codes.csv")}


@lru_cache(maxsize=1)
def status_table() -> dict[str, Code]:
    return {c.code: c for c in _codes("status_codes.csv")}


@lru_cache(maxsize=1)
def grade_table() -> dict[str, Code]:
    return {c.code: c for c in _codes("grade_codes.csv")}


@cache
def sector_codes(record_type: str = "cooperative") -> tuple[str, ...]:
    """The sector codes of a record type, in their published order (cooperative: AGRI … OTHER; group: AGRI,
    INDUSTRY, OTHER; union: AGRI, NON_AGRI)."""
    return tuple(c.code for c in sector_table().values() if record_type in c.record_types)


def status_codes() -> tuple[str, ...]:
    return tuple(status_table())


def grade_codes() -> tuple[str, ...]:
    return tuple(grade_table())


def _label(table: dict[str, Code], code: object, attr: str) -> str:
    c = table.get(str(code)) if code is not None else None
    return getattr(c, attr) if c else ("" if code is None else str(code))


def sector_label(code: object, record_type: str = "cooperative", *, style: str = "label") -> str:
    """The Vietnamese label of a sector code: ``style`` "label" (sheets), "short" (charts), "phrase" (the
    paragraph, lower case); a group's sectors have their own wording ("Nông - lâm - ngư nghiệp")."""
    if record_type == "group":
        attr = {"label": "group_label_vi", "phrase": "group_phrase_vi", "short": "short_vi"}[style]
    else:
        attr = {"label": "label_vi", "phrase": "phrase_vi", "short": "short_vi"}[style]
    return _label(sector_table(), code, attr)


def sector_labels(record_type: str = "cooperative", *, style: str = "label") -> dict[str, str]:
    """code → label for the sectors of ``record_type``, in order."""
    return {code: sector_label(code, record_type, style=style) for code in sector_codes(record_type)}


def status_label(code: object) -> str:
    """ "SUSPENDED" → "Tạm ngừng hoạt động"."""
    return _label(status_table(), code, "label_vi")


def status_labels() -> dict[str, str]:
    return {code: c.label_vi for code, c in status_table().items()}


def grade_label(code: object) -> str:
    return _label(grade_table(), code, "label_vi")


@lru_cache(maxsize=1)
def sheet_kinds() -> dict[str, str]:
    """folded sheet name → kind (summary/cooperative/group/union/credit_fund)."""
    return {fold(r["name"]).replace(" ", ""): r["sheet_kind"] for r in read_vocab_csv("sheet_names.csv")}


def sheet_kind(sheet_name: str) -> str | None:
    return sheet_kinds().get(fold(sheet_name).replace(" ", ""))


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    name_vi: str
    unit: str
    definition: str
    summary_synonyms: tuple[str, ...]


@lru_cache(maxsize=1)
def indicators() -> tuple[Indicator, ...]:
    out = []
    for r in read_vocab_csv("indicators.csv"):
        syn = tuple(s.strip() for s in (r.get("summary_sheet_synonyms") or "").split("|") if s.strip())
        out.append(Indicator(r["code"], r["group"], r["name_vi"], r["unit"], r["definition"], syn))
    return tuple(out)


@lru_cache(maxsize=1)
def share_indicators() -> tuple[Indicator, ...]:
    """The shares published beside the sector counts (``<HTX_SECTOR_*|THT_SECTOR_*>_PCT``, 100 × count / total):
    one per indicator of ``indicators.csv`` whose code starts with a ``part_prefix`` of
    ``vocab/indicator_shares.csv``, labelled, measured and defined as that file says (``{name}``: the count's
    label, ``{code}``: its code)."""
    out = []
    for r in read_vocab_csv("indicator_shares.csv"):
        prefix = r["part_prefix"].strip()
        for i in indicators():
            if i.code.startswith(prefix):
                values = {"name": i.name_vi, "code": i.code}
                out.append(
                    Indicator(
                        f"{i.code}_PCT",
                        i.group,
                        r["name_vi"].strip().format(**values),
                        r["unit"].strip(),
                        r["definition"].strip().format(**values),
                        (),
                    )
                )
    return tuple(out)


@lru_cache(maxsize=1)
def summary_label_lookup() -> dict[str, str]:
    """folded summary-sheet label → indicator code."""
    out: dict[str, str] = {}
    for ind in indicators():
        for syn in (ind.name_vi, *ind.summary_synonyms):
            out.setdefault(fold(syn), ind.code)
    return out


@lru_cache(maxsize=1)
def tax_status_codes() -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in read_vocab_csv("tax_status_codes.csv")}


# ------------------------------------------------------- words of rows and units (row_labels.csv, money_units.csv)


@dataclass(frozen=True)
class RowLabels:
    """Folded words that give a table row its meaning (spec §3); see ``vocab/row_labels.csv``."""

    total: frozenset[str]  # a whole cell that is a total label
    total_prefix: tuple[str, ...]  # "tổng cộng …", "toàn huyện …": a total of any length
    not_total_prefix: tuple[str, ...]  # "tổng công ty …"
    grand_qualifier: tuple[str, ...]  # "cộng toàn …", "cộng chung": the whole listing
    section_word: tuple[str, ...]  # "cộng lĩnh vực …": words before a section number or sector
    signature: tuple[str, ...]
    note_prefix: tuple[str, ...]  # folded prefixes of note lines
    note_symbol: tuple[str, ...]  # prefixes that fold to nothing ("(*)", "*"), compared on the written text
    none_marker: frozenset[str]  # "Không có": a unit without cooperatives (vocab/empty_listing_words.csv)
    breakdown_prefix: tuple[str, ...] = ()  # "Trong đó: …" under a total
    section_lead: tuple[str, ...] = ()  # after a total word, words before a sector: section words, "các", "HTX" …
    subtotal_lead: tuple[str, ...] = ()  # "cộng lĩnh vực …", "cộng ngành …": wording after them is a section's
    listing_lead: tuple[str, ...] = ()  # "cộng các …": the listing's entities, or some of them
    free_total: tuple[str, ...] = ()  # "cộng": a total word that any lower-case wording after it keeps a total


@lru_cache(maxsize=1)
def row_labels() -> RowLabels:
    by_kind: dict[str, list[str]] = {}
    symbols: list[str] = []
    for r in read_vocab_csv("row_labels.csv"):
        f = fold(r["text"])
        if f:
            by_kind.setdefault(r["kind"], []).append(f)
        elif r["kind"] == "note_prefix":
            symbols.append(r["text"].strip())

    def longest_first(kind: str) -> tuple[str, ...]:
        return tuple(sorted(set(by_kind.get(kind, [])), key=len, reverse=True))

    # the words of an empty listing's only row ("Không có") are their own vocabulary: empty_listing_words.csv
    none_marker = frozenset(fold(r["text"]) for r in read_vocab_csv("empty_listing_words.csv"))
    return RowLabels(
        frozenset(by_kind.get("total", [])),
        longest_first("total_prefix"),
        longest_first("not_total_prefix"),
        longest_first("grand_qualifier"),
        longest_first("section_word"),
        longest_first("signature"),
        longest_first("note_prefix"),
        tuple(sorted(symbols, key=len, reverse=True)),
        none_marker,
        longest_first("breakdown_prefix"),
        _longest(by_kind.get("section_word", []) + by_kind.get("section_lead", []) + by_kind.get("listing_lead", [])),
        _longest(
            set(by_kind.get("section_word", []) + by_kind.get("section_lead", []))
            - set(by_kind.get("grand_qualifier", []))
        ),
        longest_first("listing_lead"),
        longest_first("free_total"),
    )


def _longest(words) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class MoneyUnit:
    folded: str
    factor: float  # to triệu đồng
    whole: bool  # only when it is the whole text


@lru_cache(maxsize=1)
def money_units() -> tuple[tuple[MoneyUnit, ...], tuple[str, ...]]:
    """(units, longest first; folded phrases that merely look like 'đồng' — 'lao động', 'cộng đồng')."""
    units, not_units = [], []
    for r in read_vocab_csv("money_units.csv"):
        f = fold(r["text"])
        if r["match"] == "not_unit":
            not_units.append(f)
        else:
            units.append(MoneyUnit(f, float(r["factor_to_million"]), r["match"] == "whole"))
    units.sort(key=lambda u: len(u.folded), reverse=True)
    return tuple(units), tuple(sorted(not_units, key=len, reverse=True))


@lru_cache(maxsize=1)
def continuation_words() -> tuple[str, ...]:
    """Folded words that mark a listing continued on another sheet ("DS HTX (tiếp)")."""
    words = [fold(r["name"]) for r in read_vocab_csv("sheet_names.csv") if r["sheet_kind"] == "continuation"]
    return tuple(sorted(words, key=len, reverse=True))


def listing_sheet_kind(sheet_name: str) -> tuple[str | None, bool]:
    """The kind of a sheet by its name, and whether the name marks a continuation ("DS HTX (tiếp)", "DS HTX 2")."""
    kind = sheet_kind(sheet_name)
    if kind is not None and kind != "continuation":
        return kind, False
    f = fold(sheet_name)
    for w in continuation_words():
        if f.endswith(" " + w):
            base = f[: -len(w) - 1]
            k = sheet_kinds().get(base.replace(" ", ""))
            if k and k != "continuation":
                return k, True
    m = re.match(r"^(.*?)\s*(\d{1,2})$", f)
    if m and m.group(1):
        k = sheet_kinds().get(m.group(1).replace(" ", ""))
        if k and k != "continuation":
            return k, True
    return None, False


# ------------------------------------------------- yes/no marks and title-block words (marks.csv, title_words.csv)


@dataclass(frozen=True)
class Marks:
    yes: frozenset[str]  # folded
    no: frozenset[str]  # folded; an empty cell is no too
    empty_number: frozenset[str]  # as written: a numeric cell holding only "-" is empty


@lru_cache(maxsize=1)
def marks() -> Marks:
    by: dict[str, set[str]] = {"yes": set(), "no": set(), "empty_number": set()}
    for r in read_vocab_csv("marks.csv"):
        text = r["text"].strip()
        by[r["meaning"]].add(text if r["meaning"] == "empty_number" else fold(text))
    return Marks(frozenset(by["yes"]), frozenset(by["no"] | {""}), frozenset(by["empty_number"]))


@cache
def title_words(kind: str) -> tuple[str, ...]:
    """Folded words of ``vocab/title_words.csv`` of one kind, longest first: "unit_code_label" (Mã đơn vị),
    "report_date_label", "data_until_phrase", "unit_line_label", "name_entity_word", "cooperative_entity_type"."""
    rows = read_vocab_csv("title_words.csv")
    if not any(r["kind"] == kind for r in rows):
        raise KeyError(f"no words of kind {kind!r} in title_words.csv")
    words = {fold(r["text"]) for r in rows if r["kind"] == kind and fold(r["text"])}
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _record_types() -> dict[str, dict[str, str]]:
    return {r["record_type"]: r for r in read_vocab_csv("record_types.csv")}


def record_type_label(record_type: str, *, in_sentence: bool = False) -> str:
    """ "cooperative" → "Danh sách HTX" (``in_sentence``: "danh sách HTX"); ``vocab/record_types.csv``."""
    row = _record_types().get(record_type)
    if row is None:
        return record_type
    return row["in_sentence_vi"] if in_sentence else row["label_vi"]
