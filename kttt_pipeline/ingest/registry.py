"""The readers of the raw files, one per file kind (spec §2): where the files arrive, which function reads them,
which record types they stage. ``extract_period`` runs one loop over this registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kttt_pipeline.core.admin_units import UnitMatcher
from kttt_pipeline.core.periods import Period
from kttt_pipeline.ingest import province_workbook, targets, tax_register, unit_return
from kttt_pipeline.ingest.result import ReadResult
from kttt_pipeline.ingest.workbook import Workbook

#: the reporting units' returns arrive in ``districts/`` (until 30/6/2025), ``communes/`` or ``units/`` (spec §2, §11);
#: all three are read, and their files are of kind :data:`UNIT_RETURN` (a reporting unit's return, whatever its tier)
UNIT_FOLDERS = ("districts", "communes", "units")
#: the file kind of a reporting unit's return (district, commune or special zone), as load_audit records it
UNIT_RETURN = "unit_return"


@dataclass(frozen=True)
class ReadContext:
    """What a reader may need besides the workbook: the period and the unit matchers."""

    period: Period
    #: names the unit of a return's title: any unit of the register or a former commune (the period decides, §11)
    titles: UnitMatcher
    #: places a tax-register record among the units in force, by its address or tax office
    units_in_force: UnitMatcher


@dataclass(frozen=True)
class FileKind:
    """One kind of raw file. ``per_unit``: a reporting unit's return, identified from inside the workbook, one
    per unit and period (§7.3 chooses among resubmissions). ``yearly``: the files are ``raw/<folder>/<year>.*``,
    not ``raw/<period>/<folder>/*``."""

    kind: str
    folders: tuple[str, ...]
    read: Callable[[Workbook, str, ReadContext], ReadResult]
    record_types: tuple[str, ...]
    per_unit: bool = False
    yearly: bool = False


def _unit_return(wb: Workbook, source_file: str, ctx: ReadContext) -> ReadResult:
    return unit_return.read_unit_return(wb, source_file, ctx.titles)


def _tax_register(wb: Workbook, source_file: str, ctx: ReadContext) -> ReadResult:
    return tax_register.read_tax_register(wb, source_file, ctx.units_in_force)


def _province_workbook(wb: Workbook, source_file: str, ctx: ReadContext) -> ReadResult:
    return province_workbook.read_province_workbook(wb, source_file, ctx.period.year)


def _targets(wb: Workbook, source_file: str, ctx: ReadContext) -> ReadResult:
    return targets.read_targets(wb, source_file, ctx.period.year)


#: every kind of raw file, in the order the period's files are audited
READERS: tuple[FileKind, ...] = (
    FileKind(UNIT_RETURN, UNIT_FOLDERS, _unit_return, unit_return.RECORD_TYPES, per_unit=True),
    FileKind("tax", ("tax",), _tax_register, tax_register.RECORD_TYPES),
    FileKind("province", ("province",), _province_workbook, province_workbook.RECORD_TYPES),
    FileKind("targets", ("targets",), _targets, targets.RECORD_TYPES, yearly=True),
)
READER_OF_KIND = {fk.kind: fk for fk in READERS}
