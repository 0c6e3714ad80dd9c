"""The controlled vocabularies kept as package data (``kttt_pipeline/vocab/*.csv``).

Header synonyms, sector/status/grade texts and sheet names are data, not code: a new variant seen in a
return is one line in a CSV. Everything is compared after :func:`kttt_pipeline.text.fold`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .text import fold

_PAREN = re.compile(r"\([^)]*\)")


def read_vocab_csv(name: str) -> list[dict[str, str]]:
    with resources.files("kttt_pipeline.vocab").joinpath(name).open(encoding="utf-8-sig") as fh:
        return [dict(row) for row in csv.DictReader(fh)]


def header_key(text: object) -> str:
    """A header folded for matching: parenthesised units removed ("Vốn điều lệ (triệu đồng)")."""
    if text is None:
        return ""
    return fold(_PAREN.sub(" ", str(text)))


@dataclass(frozen=True)
class HeaderVocabulary:
    # (record_type, folded parent or "", folded header) -> field
    exact: dict[tuple[str, str, str], str]
    money_fields: frozenset[tuple[str, str]]

    def match(self, record_type: str, parent: str | None, child: str | None) -> str | None:
        """Field for a column whose header is ``parent`` over ``child`` (either may be empty)."""
        p, c = header_key(parent), header_key(child)
        if p and c:
            for key in ((record_type, p, c), (record_type, "", c), (record_type, "", f"{p} {c}")):
                if key in self.exact:
                    return self.exact[key]
            return None
        single = p or c
        if not single:
            return None
        field = self.exact.get((record_type, "", single))
        if field:
            return field
        # "Doanh thu ước năm 2024", "Thu nhập bình quân của lao động": the longest synonym the header starts with
        best = None
        for (rt, par, syn), fld in self.exact.items():
            if rt == record_type and not par and single.startswith(syn + " ") and (best is None or len(syn) > best[0]):
                best = (len(syn), fld)
        return best[1] if best else None


@lru_cache(maxsize=1)
def header_vocabulary() -> HeaderVocabulary:
    exact: dict[tuple[str, str, str], str] = {}
    money: set[tuple[str, str]] = set()
    for row in read_vocab_csv("header_synonyms.csv"):
        exact[(row["record_type"], header_key(row["parent"]), header_key(row["header"]))] = row["field"]
        if (row.get("note") or "").startswith("money"):
            money.add((row["record_type"], row["field"]))
    return HeaderVocabulary(exact, frozenset(money))


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
