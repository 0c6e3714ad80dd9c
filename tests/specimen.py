"""Where the shared specimen is (../shared/specimen next to the clone); tests skip cleanly without it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPECIMEN = ROOT.parent / "shared" / "specimen"
SPECIMEN_RAW = SPECIMEN / "raw"

needs_specimen = pytest.mark.skipif(
    not (SPECIMEN / "expected.json").is_file(), reason="../shared/specimen is not beside this clone"
)


def expected() -> dict:
    return json.loads((SPECIMEN / "expected.json").read_text(encoding="utf-8"))


# the commune-level specimen (2025-Q4, reported by the units in force since 1/7/2025, spec §11)
SPECIMEN_COMMUNES = ROOT.parent / "shared" / "specimen_communes"
SPECIMEN_COMMUNES_RAW = SPECIMEN_COMMUNES / "raw"
needs_specimen_communes = pytest.mark.skipif(
    not (SPECIMEN_COMMUNES / "expected.json").is_file(), reason="../shared/specimen_communes is not beside this clone"
)


def expected_communes() -> dict:
    return json.loads((SPECIMEN_COMMUNES / "expected.json").read_text(encoding="utf-8"))


def expected_restated() -> dict:
    return json.loads((SPECIMEN / "expected_restated.json").read_text(encoding="utf-8"))
