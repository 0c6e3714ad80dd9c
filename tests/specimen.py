"""Where the shared specimen is (../shared/specimen next to the clone); tests skip cleanly without it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPECIMEN = ROOT.parent / "shared" / "specimen"
SPECIMEN_RAW = SPECIMEN / "raw"

needs_specimen = pytest.mark.skipif(not (SPECIMEN / "expected.json").is_file(),
                                    reason="../shared/specimen is not beside this clone")


def expected() -> dict:
    return json.loads((SPECIMEN / "expected.json").read_text(encoding="utf-8"))
