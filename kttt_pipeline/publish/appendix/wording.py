"""What a signer reads on the appendix's pages: the plan's reference line under each title, the Vietnamese name
of a period ("Quý III/2025"), and texts of the pipeline (finding details, rule labels) cleared of its internal
words: rule references ("§7.6"), period keys ("2025-Q3"), indicator codes ("THT_MEMBERS") and unit codes."""

from __future__ import annotations

import re
from functools import lru_cache

from kttt_pipeline.core import config
from kttt_pipeline.core.periods import Period

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_PERIOD_KEY = re.compile(r"(?<![/\w])(\d{4})-Q([1-4])(?![/\w])")
#: "kỳ 2025-Q3" → "quý III/2025" (the word "kỳ" is the quarter's own)
_KY_PERIOD = re.compile(r"\b([kK])ỳ (\d{4})-Q([1-4])(?![/\w])")
#: a quoted path of the raw folder ('2025-Q3/communes/x.xlsx'): the reader knows the file by its name
_QUOTED_PATH = re.compile(r"'(?:[^'/\\\s]+[/\\])+([^'/\\]+\.\w{2,4})'")
#: "(§7.6)", "(§11.1: …)", "§7.6:mw_gt_workers", "theo §7.6" — the whole reference, with its parentheses
_SECTION_PAREN = re.compile(r"\s*\(\s*§[^()]*\)")
_SECTION_BARE = re.compile(r"\s*§\s*[\d.]+(?::[\w.-]+)?")
#: the blank the plan's number and date are written into by hand when not configured
DOTS = "……"


def period_vi(period: Period | str) -> str:
    """``2025-Q3`` → ``Quý III/2025``."""
    p = Period.parse(period) if isinstance(period, str) else period
    return f"Quý {_ROMAN[p.quarter]}/{p.year}"


def _named(year: str, quarter: str, lower: bool = False) -> str:
    name = period_vi(Period(int(year), int(quarter)))
    return name[0].lower() + name[1:] if lower else name


def plan_line(province_name: str, province_word: str | None = None) -> str:
    """The line under each title: ``(Kèm theo Kế hoạch số 247/KH-UBND ngày 25/10/2024 của UBND tỉnh Quảng
    Ninh)``, the number and date from the configuration (:func:`kttt_pipeline.core.config.plan_reference`),
    dotted blanks for the signer's office to fill in when not configured. ``province_word``: the province's kind
    at the period end ("thành phố"; None: the first province kind of vocab/unit_kinds.csv, "tỉnh")."""
    if province_word is None:
        from kttt_pipeline.core.admin_units import unit_kinds

        province_word = next((k.kind_vi for k in unit_kinds() if k.tier == "province"), "").lower()
    number, date = config.plan_reference()
    number = number or f"{DOTS}/KH-UBND"
    date = date or f"{DOTS}/{DOTS}/{DOTS}"
    return f"(Kèm theo Kế hoạch số {number} ngày {date} của UBND {province_word} {province_name})"


@lru_cache(maxsize=1)
def _indicator_names() -> dict[str, str]:
    from kttt_pipeline.core.vocabulary import indicators

    return {i.code: i.name_vi for i in indicators()}


@lru_cache(maxsize=1)
def _indicator_pattern() -> re.Pattern[str]:
    codes = sorted(_indicator_names(), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(map(re.escape, codes)) + r")\b")


def indicator_name(code: str) -> str | None:
    """The Vietnamese name of an indicator code (None: not an indicator)."""
    return _indicator_names().get(code)


def signer_text(text: str, unit_names: dict[str, str] | None = None) -> str:
    """``text`` as a signer reads it: rule references dropped, period keys named ("Quý III/2025"), indicator codes
    replaced by their names (lower-cased inside a sentence) and, given ``unit_names``, a text that is exactly a
    unit code by the unit's name."""
    if not text:
        return ""
    text = _QUOTED_PATH.sub(lambda m: f"'{m.group(1)}'", text)
    text = _SECTION_PAREN.sub("", text)
    text = _SECTION_BARE.sub("", text)
    text = _KY_PERIOD.sub(lambda m: _named(m.group(2), m.group(3), lower=m.group(1) == "k"), text)
    text = _PERIOD_KEY.sub(lambda m: _named(m.group(1), m.group(2)), text)

    def name(m: re.Match[str]) -> str:
        vi = _indicator_names()[m.group(1)]
        if m.start() == 0 or len(vi) < 2 or not vi[1].islower():  # "HTX …" keeps its capitals
            return vi
        return vi[0].lower() + vi[1:]

    text = _indicator_pattern().sub(name, text)
    if unit_names and text.strip() in unit_names:
        text = unit_names[text.strip()]
    return re.sub(r"\s+([,;.)])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()
