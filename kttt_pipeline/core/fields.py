"""The form's contract as data: the fields of every record type of a return (``vocab/fields.csv``).

One row per (record type, field) says what the field is (``kind``, ``unit``, its Vietnamese ``label_vi``), where it
comes from (``origin``), how the reconcile stage treats it (``on_total_rows``, ``sum_indicator``, ``signed``) and
where it lands (``staged``: the extract stage's frame of the record type; ``stored_in``: the warehouse tables).
The frame column lists, the staging pandera schemas and the lists of money, count, date and mark fields are
generated from it (docs/fields.md describes every column). Adding a field to the form is one row here and the
code that uses the new figure.

The packaged file is read unless ``KTTT_FIELDS_CSV`` names another one (a copy with a field added, say); the
value is read once, at the first call: set it before the first call, or call :func:`reload_fields`.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

FIELDS_CSV_ENV = "KTTT_FIELDS_CSV"

#: what a field holds (the dtype of its staging column follows from it)
KINDS = {
    "count": "a whole number of people, cooperatives or products (float in staging, INTEGER in the warehouse)",
    "money": "an amount of money, converted to triệu đồng by the column's unit (float)",
    "number": "any other figure (float), e.g. a summary sheet's value",
    "integer": "a whole number that is not a figure (row number, year)",
    "date": "a day (datetime.date)",
    "text": "text as written, cleaned (str)",
    "code": "a canonical code of a vocabulary (str)",
    "mark": "a yes/no mark written in the return (bool)",
    "flag": "a yes/no the pipeline decides (bool)",
    "seq": "the row numbering column of a listing (recognised, not kept)",
    "cells": "the numeric cells of a row that held text (field → text)",
}
#: where a field's value comes from
ORIGINS = {
    "read": "a column of the return (its label_vi is also a header the reader recognises)",
    "derived": "computed while reading, from the row's columns (a canonical code, the tax code's check)",
    "context": "where the row was read (period, unit, file, sheet, row)",
    "reconciled": "added by the reconcile stage (identity, status override, the tax register's facts)",
}
_YES_NO = ("on_total_rows", "expected", "signed", "not_null", "staged", "fill_down")


@dataclass(frozen=True)
class Field:
    record_type: str
    field: str
    kind: str
    unit: str
    label_vi: str
    origin: str
    on_total_rows: bool
    sum_indicator: str | None
    expected: bool
    signed: bool
    not_null: bool
    staged: bool
    stored_in: tuple[str, ...]
    fill_down: bool = False
    #: what the field means, in English: the comment of its warehouse columns (kttt_pipeline/schema)
    description: str = ""
    #: the values it may hold: a code vocabulary, ``~regex`` or ``>=n`` (kttt_pipeline/schema/value_sets.py)
    values: str = ""

    @property
    def label_in_text(self) -> str:
        """The label inside a sentence: "số thành viên", but "CBQL sơ cấp, trung cấp" (an abbreviation stays)."""
        first = self.label_vi.split(" ", 1)[0]
        if len(first) > 1 and first.isupper():
            return self.label_vi
        return self.label_vi[:1].lower() + self.label_vi[1:]


def fields_path() -> Path | resources.abc.Traversable:
    override = os.environ.get(FIELDS_CSV_ENV, "").strip()
    if override:
        return Path(override)
    return resources.files("kttt_pipeline.vocab").joinpath("fields.csv")


def _yes(value: str, where: str) -> bool:
    v = (value or "").strip()
    if v not in ("", "yes"):
        raise ValueError(f"{where}: expected 'yes' or empty, got {value!r}")
    return v == "yes"


def parse_fields(rows: list[dict[str, str]], source: str = "fields.csv") -> tuple[Field, ...]:
    """Rows of fields.csv checked and typed (a malformed row raises ValueError naming it)."""
    out: list[Field] = []
    seen: set[tuple[str, str]] = set()
    for n, row in enumerate(rows, start=2):
        where = f"{source} line {n}"
        rt, name = (row.get("record_type") or "").strip(), (row.get("field") or "").strip()
        if not rt or not name:
            raise ValueError(f"{where}: record_type and field are required")
        if (rt, name) in seen:
            raise ValueError(f"{where}: {rt}.{name} is listed twice")
        seen.add((rt, name))
        kind, origin = row["kind"].strip(), row["origin"].strip()
        if kind not in KINDS:
            raise ValueError(f"{where}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
        if origin not in ORIGINS:
            raise ValueError(f"{where}: unknown origin {origin!r} (one of {', '.join(ORIGINS)})")
        if not (row.get("label_vi") or "").strip():
            raise ValueError(f"{where}: {rt}.{name} has no label_vi")
        flags = {k: _yes(row.get(k, ""), f"{where}, column {k}") for k in _YES_NO}
        stored = tuple((row.get("stored_in") or "").split())
        if stored and origin != "reconciled" and not flags["staged"]:
            raise ValueError(f"{where}: {rt}.{name} is stored in {' '.join(stored)} but not staged")
        if (flags["on_total_rows"] or row.get("sum_indicator")) and kind not in ("count", "money"):
            raise ValueError(f"{where}: only a count or money field is summed")
        if flags["fill_down"] and (kind in ("count", "money", "number") or origin != "read"):
            raise ValueError(f"{where}: a merged cell fills down only a field read that is not a figure")
        out.append(
            Field(
                rt,
                name,
                kind,
                (row.get("unit") or "").strip(),
                row["label_vi"].strip(),
                origin,
                flags["on_total_rows"],
                (row.get("sum_indicator") or "").strip() or None,
                flags["expected"],
                flags["signed"],
                flags["not_null"],
                flags["staged"],
                stored,
                flags["fill_down"],
                (row.get("description") or "").strip(),
                (row.get("values") or "").strip(),
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def all_fields() -> tuple[Field, ...]:
    path = fields_path()
    with path.open(encoding="utf-8-sig") as fh:
        return parse_fields(list(csv.DictReader(fh)), str(path))


_version = 0


def version() -> int:
    """How many times the fields were reloaded: a cache of something built from them keys on it
    (``core.vocabulary.header_vocabulary``), so that this module need not know who builds what."""
    return _version


def reload_fields() -> None:
    """Forget the fields read (the next call reads ``KTTT_FIELDS_CSV`` or the packaged file again). Every list
    generated from them is a call of this module (no module keeps one from its import), so the next call of any
    gives the new file's; the warehouse schema built from them is reloaded by ``kttt_pipeline.schema.reload_schema``.
    """
    global _version
    _version += 1
    for cached in (all_fields, _fields_of, _names_of):
        cached.cache_clear()


# -------------------------------------------------------------------------------------------- look-ups


def record_types() -> list[str]:
    return list(dict.fromkeys(f.record_type for f in all_fields()))


@lru_cache(maxsize=None)
def _fields_of(record_type: str) -> tuple[Field, ...]:
    return tuple(f for f in all_fields() if f.record_type == record_type)


def fields_of(record_type: str) -> list[Field]:
    return list(_fields_of(record_type))


def get_field(record_type: str, name: str) -> Field:
    for f in all_fields():
        if f.record_type == record_type and f.field == name:
            return f
    raise KeyError(f"{record_type}.{name} is not in fields.csv")


def tables() -> list[str]:
    """The warehouse tables fields.csv stores fields in, in order of first mention."""
    return list(dict.fromkeys(t for f in all_fields() for t in f.stored_in))


def table_fields(table: str) -> list[Field]:
    return [f for f in all_fields() if table in f.stored_in]


def table_columns(table: str) -> list[str]:
    """The columns of a warehouse table (without its surrogate ``id``), in the order of fields.csv."""
    return [f.field for f in table_fields(table)]


def staged_columns(record_type: str) -> list[str]:
    """The columns of the extract stage's frame of a record type (``StagedPeriod.stg_*``)."""
    return [f.field for f in fields_of(record_type) if f.staged]


@lru_cache(maxsize=None)
def _names_of(record_type: str, kinds: tuple[str, ...], origin: str | None) -> tuple[str, ...]:
    return tuple(f.field for f in _fields_of(record_type) if f.kind in kinds and (origin is None or f.origin == origin))


def _of(record_type: str, *kinds: str, origin: str | None = "read") -> list[str]:
    return list(_names_of(record_type, kinds, origin))


def count_fields(record_type: str) -> list[str]:
    """Counts of people, cooperatives and products read from the return."""
    return _of(record_type, "count")


def money_fields(record_type: str) -> list[str]:
    """Money read from the return: multiplied by the column's unit into triệu đồng."""
    return _of(record_type, "money")


def numeric_fields(record_type: str) -> list[str]:
    """Counts and money read from the return, in the order of fields.csv."""
    return _of(record_type, "count", "money")


def date_fields(record_type: str) -> list[str]:
    return _of(record_type, "date")


def mark_fields(record_type: str) -> list[str]:
    return _of(record_type, "mark")


def text_fields(record_type: str) -> list[str]:
    return _of(record_type, "text")


def non_negative_fields(record_type: str) -> list[str]:
    """Counts and money that cannot be negative (a profit can)."""
    return [
        f.field for f in fields_of(record_type) if f.kind in ("count", "money") and f.origin == "read" and not f.signed
    ]


def fill_down_fields() -> frozenset[str]:
    """Fields whose value a vertical merge of a listing repeats for every row of its run (a run of equal sectors,
    statuses…); never a count, an amount, a name or a code of the row itself."""
    return frozenset(f.field for f in all_fields() if f.fill_down)


def total_row_fields(record_type: str) -> list[str]:
    """The figures a listing's total row carries as the sum of its rows (an average is not a sum)."""
    return [f.field for f in fields_of(record_type) if f.on_total_rows]


def sum_indicators(record_type: str | None = None) -> dict[tuple[str, str], str]:
    """(record type, field) → the indicator that is the field summed over the rows counted."""
    return {
        (f.record_type, f.field): f.sum_indicator
        for f in all_fields()
        if f.sum_indicator and (record_type is None or f.record_type == record_type)
    }


def expected_fields(record_type: str) -> dict[str, str]:
    """Fields a clerk's return should have a column for (field → label_vi); a missing one is pointed out."""
    return {f.field: f.label_vi for f in fields_of(record_type) if f.expected}


def label_vi(record_type: str, name: str) -> str:
    return get_field(record_type, name).label_vi


def label_in_text(record_type: str, name: str) -> str:
    """The label inside a Vietnamese sentence ("số thành viên"); the field's name when it is not in fields.csv."""
    try:
        return get_field(record_type, name).label_in_text
    except KeyError:
        return name


def header_labels() -> list[tuple[str, str, str]]:
    """(record type, field, label_vi) of the fields read from a return: each label is a header the reader knows."""
    return [(f.record_type, f.field, f.label_vi) for f in all_fields() if f.origin == "read"]
