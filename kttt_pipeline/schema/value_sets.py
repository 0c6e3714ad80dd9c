"""The values a column may hold (the ``values`` column of ``vocab/fields.csv`` and ``vocab/columns.csv``).

Three forms:

* the name of a code vocabulary (``sector_codes``, ``status_codes``, ``grade_codes``, ``tax_status_codes``,
  ``finding_kinds``, ``severities``, ``indicator_codes``): one of its codes (the sector codes of the field's
  record type);
* ``~<regular expression>``: text the expression matches (``~^\\d{4}-Q[1-4]$``);
* ``>=<number>``: a number at least that.

An empty cell holds any value of the column's type. The staging schemas (pandera) and the warehouse
expectations (Great Expectations) check the same value set.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kttt_pipeline.core import vocabulary


def _finding_kinds(_record_type: str) -> tuple[str, ...]:
    from kttt_pipeline.core.findings import finding_kinds

    return tuple(finding_kinds())


def _severities(_record_type: str) -> tuple[str, ...]:
    return tuple(r["severity"] for r in vocabulary.read_vocab_csv("severities.csv"))


def indicator_codes(_record_type: str = "") -> tuple[str, ...]:
    """The codes of vocab/indicators.csv and the sector shares published beside the sector counts
    (``<HTX_SECTOR_*|THT_SECTOR_*>_PCT``: ``vocabulary.share_indicators``)."""
    return tuple(i.code for i in (*vocabulary.indicators(), *vocabulary.share_indicators()))


#: the code vocabularies a column's values may name: name → the codes (by the field's record type)
CODE_LISTS: dict[str, Callable[[str], tuple[str, ...]]] = {
    "sector_codes": lambda rt: tuple(vocabulary.sector_codes(rt)),
    "status_codes": lambda _rt: tuple(vocabulary.status_codes()),
    "grade_codes": lambda _rt: tuple(vocabulary.grade_codes()),
    "tax_status_codes": lambda _rt: tuple(vocabulary.tax_status_codes()),
    "finding_kinds": _finding_kinds,
    "severities": _severities,
    "indicator_codes": indicator_codes,
}


@dataclass(frozen=True)
class ValueSet:
    """Exactly one of ``vocabulary`` (its codes: :meth:`codes`), ``pattern`` and ``min_value``."""

    vocabulary: str | None = None
    record_type: str = "cooperative"
    pattern: str | None = None
    min_value: float | None = None

    def codes(self) -> list[str]:
        return list(CODE_LISTS[self.vocabulary](self.record_type)) if self.vocabulary else []

    @property
    def text(self) -> str:
        """The value set in words: "one of sector_codes", "matches ^…$", ">= 0"."""
        if self.vocabulary:
            return f"one of {self.vocabulary}"
        if self.pattern is not None:
            return f"matches {self.pattern}"
        return f">= {self.min_value}"


def parse_value_set(spec: str, record_type: str | None, where: str) -> ValueSet | None:
    """The value set a ``values`` cell describes (None when empty); a malformed cell raises ValueError naming it."""
    spec = spec.strip()
    if not spec:
        return None
    if spec.startswith("~"):
        try:
            re.compile(spec[1:])
        except re.error as exc:
            raise ValueError(f"{where}: values {spec!r} is not a regular expression ({exc})") from None
        return ValueSet(pattern=spec[1:])
    if spec.startswith(">="):
        try:
            bound = float(spec[2:])
        except ValueError:
            raise ValueError(f"{where}: values {spec!r} is not '>=' and a number") from None
        return ValueSet(min_value=int(bound) if bound.is_integer() else bound)
    if spec not in CODE_LISTS:
        raise ValueError(
            f"{where}: values {spec!r} is not a code vocabulary ({', '.join(CODE_LISTS)}), '~regex' or '>=n'"
        )
    return ValueSet(vocabulary=spec, record_type=record_type or "cooperative")
