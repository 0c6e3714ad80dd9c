"""The wording of the figures text is data: ``vocab/paragraph_templates.csv`` (key, template). This module fills a
template and writes figures the way the plan does; :mod:`kttt_pipeline.publish.paragraph` computes the figures.

Templates: ``{name}`` is a value the code passes (already written as text; ``{province_word}``, the province's
kind at the period end, "tỉnh" or "thành phố", is passed for the whole document by :func:`document_values`); text
in ``[ … ]`` is left out when a value inside it is undefined (None), innermost first; a template whose value
outside every ``[ ]`` is undefined gives None (its sentence is left out, never printed with a blank). A key
``<key>.zero`` is the wording used when the figure of ``<key>`` is zero ("không có HTX giải thể"
rather than "có 0 HTX giải thể").

Figures: counts are whole, with a leading zero under ten as the plan writes them ("01 HTX", "07 thành
viên"); other figures carry the appendix's precision (``numfmt.number_format_for``: one decimal, "68,5"), a whole
amount in triệu đồng without its ",0" as the plan writes it ("870 triệu đồng", "226.157 triệu đồng": the appendix's
"870,0" rounded, the same figure); registered capital in tỷ đồng with one decimal ("3.030,6 tỷ đồng"), once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from kttt_pipeline.core.numfmt import COUNT_UNITS, NF_INT, format_pct, format_vn, number_format_for, share
from kttt_pipeline.core.periods import Period

TEMPLATES_FILE = "paragraph_templates.csv"
#: the appendix's unit of amounts (vocab/indicators.csv): "triệu đồng", "triệu đồng/năm", "triệu đồng/người/tháng" …
MONEY_UNIT = "triệu đồng"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
# characters of a value that the template syntax uses, kept aside while a template is filled
_PROTECT = {"[": "\ue000", "]": "\ue001", "{": "\ue002", "}": "\ue003"}


#: values every template of the document being written may use (``{province_word}``: "tỉnh" / "thành phố",
#: the province's kind at the period end), set by :func:`document_values`
_DOCUMENT: ContextVar[dict[str, object]] = ContextVar("kttt_template_document", default={})


@lru_cache(maxsize=1)
def _document_defaults() -> dict[str, object]:
    """The document's values when no document sets them: the province's kind is the first province kind of
    ``vocab/unit_kinds.csv`` ("tỉnh")."""
    from kttt_pipeline.core.admin_units import unit_kinds

    return {"province_word": next((k.kind_vi for k in unit_kinds() if k.tier == "province"), "").lower()}


@contextmanager
def document_values(**values: object) -> Iterator[None]:
    """Within the block, :func:`fill` also knows ``values`` (a value given to ``fill`` itself wins)."""
    token = _DOCUMENT.set({**_DOCUMENT.get(), **values})
    try:
        yield
    finally:
        _DOCUMENT.reset(token)


@lru_cache(maxsize=1)
def templates() -> dict[str, str]:
    from kttt_pipeline.core.vocabulary import read_vocab_csv

    return {row["key"].strip(): row["template"] for row in read_vocab_csv(TEMPLATES_FILE) if row.get("key")}


def _protect(text: str) -> str:
    for ch, sub in _PROTECT.items():
        text = text.replace(ch, sub)
    return text


def _restore(text: str) -> str:
    for ch, sub in _PROTECT.items():
        text = text.replace(sub, ch)
    return text


def fill(key: str, **values: object) -> str | None:
    """The template ``key`` filled with ``values`` (None: undefined); None when a required value is undefined.
    A key missing from the templates is an error (KeyError naming it)."""
    template = templates()[key]
    given = {
        k: _protect(str(v)) for k, v in {**_document_defaults(), **_DOCUMENT.get(), **values}.items() if v is not None
    }

    def defined(text: str) -> bool:
        return all(name in given for name in _PLACEHOLDER.findall(text))

    def sub(text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: given[m.group(1)], text)

    text = template
    while (m := _OPTIONAL.search(text)) is not None:
        inner = m.group(1)
        text = text[: m.start()] + (sub(inner) if defined(inner) else "") + text[m.end() :]
    if not defined(text):
        return None
    return _restore(sub(text))


def fill_count(key: str, figure: float | None, **values: object) -> str | None:
    """:func:`fill` of ``key``, or of ``<key>.zero`` when ``figure`` is zero and that wording exists."""
    if figure == 0 and f"{key}.zero" in templates():
        return fill(f"{key}.zero", **values)
    return fill(key, **values)


def period_span(period: Period) -> str:
    """``Quý I năm 2024`` / ``6 tháng đầu năm 2024`` / ``9 tháng đầu năm 2024`` / ``năm 2024``: the span of the
    cumulative figures of ``period``, as the plan names it."""
    return fill(f"period_q{period.quarter}", year=period.year) or ""


def count(value: float | None) -> str | None:
    """A count as the plan writes it: ``1 → "01"``, ``7 → "07"``, ``58500 → "58.500"``, ``0 → "0"``."""
    if value is None:
        return None
    text = format_vn(value, 0)
    return f"0{text}" if text.isdigit() and 0 < int(text) < 10 else text


def decimals_of(unit: str) -> int:
    """The decimals the appendix shows a figure of ``unit`` with (its cell number format)."""
    return 0 if number_format_for(unit) == NF_INT else 1


def figure(value: float | None, unit: str) -> str | None:
    """A figure of ``unit`` (``vocab/indicators.csv``) with the appendix's precision, an amount in triệu đồng
    without the ",0" of a whole one (``870.0 → "870"``, ``68.5 → "68,5"``); counts as :func:`count`."""
    if value is None:
        return None
    if unit in COUNT_UNITS:
        return count(value)
    return format_vn(value, decimals_of(unit), strip_zero_decimals=unit.startswith(MONEY_UNIT))


def money(value: float | None) -> str | None:
    """An amount in triệu đồng as the plan writes it: the appendix's figure, a whole one without its ",0"
    (``870 → "870 triệu đồng"``, ``226157 → "226.157 triệu đồng"``, ``1234.56 → "1.234,6 triệu đồng"``)."""
    if value is None:
        return None
    return fill("money_million", value=figure(value, MONEY_UNIT))


def billions(value: float | None) -> str | None:
    """An amount in triệu đồng of at least 1.000 in tỷ đồng, one decimal, as the plan writes registered capital
    (``3030600 → "3.030,6 tỷ đồng"``); under 1.000 triệu, in triệu đồng (:func:`money`: "870 triệu đồng")."""
    if value is None:
        return None
    if abs(value) < 1000:
        return money(value)
    return fill("money_billion", value=format_vn(value / 1000, 1))


def monthly(value_per_year: float | None) -> str | None:
    """The monthly equivalent of an annual income, one decimal, a whole one without its ",0": ``68 → "5,7"``,
    ``72 → "6"``."""
    if value_per_year is None:
        return None
    return format_vn(value_per_year / 12, 1, strip_zero_decimals=True)


def pct(part: float | None, whole: float | None) -> str | None:
    """``chiếm`` share: ``74,7%``; None when undefined (no whole)."""
    value = share(part, whole)
    return None if value is None else format_pct(value)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def clauses(parts: list[str | None], sep: str = "; ", *, first_capital: bool = True) -> str | None:
    """The defined clauses joined (the first capitalised unless told not to); None when there is none."""
    kept = [p for p in parts if p]
    if not kept:
        return None
    if sep.lstrip().startswith("."):  # sentences: each begins with a capital
        kept = [kept[0]] + [capitalise(p) for p in kept[1:]]
    text = sep.join(kept)
    return capitalise(text) if first_capital else text
