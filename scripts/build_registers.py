#!/usr/bin/env python3
"""Generate the packaged registers of all 34 provinces from pinned open data (issue 27).

Writes, for every province of the 2025 reform, ``kttt_pipeline/vocab/provinces/<code>/admin_units.csv`` and
``commune_crosswalk_2025.csv`` (the columns of spec §11), ``vocab/provinces/provinces.csv`` and
``vocab/provinces/SOURCES.csv`` (source, version, SHA-256 of each data file read).

Source shipped: the MIT-licensed PyPI package ``vietnamadminunits`` (version pinned below; ``pip install
vietnamadminunits==1.0.4``, or the ``dev`` extras). Its data files are read without importing the package
(``data/dataset.db``: the 3,321 units since 1/7/2025 and the 10,035 former communes and 696 former districts;
``data/converter_2025.json``: which former commune went to which unit, with the default unit of a split commune).
Then ``vocab/provinces/corrections.csv`` (hand-kept, one cited source per row) is applied.

The script is run by hand (``python scripts/build_registers.py``; ``--check`` compares instead of writing and
exits 1 on a difference): a new release of the library never changes a shipped file by itself.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kttt_pipeline.core.admin_units import CROSSWALK_COLUMNS

SOURCE_PACKAGE = "vietnamadminunits"
SOURCE_VERSION = "1.0.4"
SOURCE_LICENSE = "MIT"
SOURCE_FILES = ("data/dataset.db", "data/converter_2025.json")

REFORM_START = dt.date(2025, 7, 1)
DISTRICTS_END = REFORM_START - dt.timedelta(days=1)

VOCAB = Path(__file__).resolve().parent.parent / "kttt_pipeline" / "vocab" / "provinces"
REGISTER_COLUMNS = ["unit_code", "level", "name_vi", "kind_vi", "parent_code", "valid_from", "valid_to"]
CORRECTION_COLUMNS = [
    "province_code",
    "register",
    "unit_code",
    "old_code",
    "field",
    "value",
    "valid_from",
    "valid_to",
    "source",
]


# ------------------------------------------------------------------------------------------------ source data


def source_dir() -> Path:
    """The installed package's folder (found without importing it: its import pulls geodata libraries)."""
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{SOURCE_PACKAGE} is not installed: pip install {SOURCE_PACKAGE}=={SOURCE_VERSION}")
    version = importlib.metadata.version(SOURCE_PACKAGE)
    if version != SOURCE_VERSION:
        raise SystemExit(f"{SOURCE_PACKAGE} {version} is installed; the registers are pinned to {SOURCE_VERSION}")
    return Path(next(iter(spec.submodule_search_locations)))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _plain(name: str | None, kind: str | None) -> str:
    """The open data tells apart two former units of one district with the same name by their kind in brackets
    ("Đầm Hà (Thị trấn)", "Đầm Hà (Xã)"); the register keeps the name and the kind in their own columns."""
    name, kind = (name or "").strip(), (kind or "").strip()
    tail = f" ({kind})"
    return name[: -len(tail)] if kind and name.endswith(tail) else name


def _kind_of(full: str, short: str) -> str:
    """'Thành phố Hà Nội', 'Hà Nội' → 'Thành phố'."""
    full, short = (full or "").strip(), (short or "").strip()
    if short and full.endswith(short):
        return full[: -len(short)].strip()
    raise ValueError(f"cannot split the kind off {full!r} ({short!r})")


@dataclass
class Province:
    code: str
    name: str
    kind: str
    key: str
    communes: list[dict] = field(default_factory=list)  # register rows, code order
    districts: list[dict] = field(default_factory=list)
    crosswalk: list[dict] = field(default_factory=list)


def read_source(folder: Path) -> list[Province]:
    """Every province with its units since 1/7/2025, its former districts and its crosswalk, as the open data
    has them (before corrections)."""
    db = sqlite3.connect(f"file:{folder / 'data' / 'dataset.db'}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    converter = json.loads((folder / "data" / "converter_2025.json").read_text(encoding="utf-8"))
    new_rows = [dict(r) for r in db.execute("SELECT * FROM admin_units")]
    old_rows = [dict(r) for r in db.execute("SELECT * FROM admin_units_legacy")]
    db.close()

    provinces: dict[str, Province] = {}
    new_by_key: dict[tuple[str, str], dict] = {}
    for r in new_rows:
        key = r["provinceKey"]
        if key not in provinces:
            provinces[key] = Province(
                r["provinceCode"], r["provinceShort"], _kind_of(r["province"], r["provinceShort"]), key
            )
        new_by_key[(key, r["wardKey"])] = r
        provinces[key].communes.append(
            {
                "unit_code": r["wardCode"],
                "level": "commune",
                "name_vi": r["wardShort"],
                "kind_vi": r["wardType"],
                "parent_code": r["provinceCode"],
                "valid_from": REFORM_START.isoformat(),
                "valid_to": "",
            }
        )
    # a former unit's key as the converter writes it: province_district_ward (ward empty for an island district)
    old_by_key = {f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}": r for r in old_rows}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        prov = provinces[new_key]
        districts: dict[str, dict] = {}
        for r in old_rows:
            if r["provinceKey"] in old_keys and r["districtCode"] not in districts:
                districts[r["districtCode"]] = {
                    "unit_code": r["districtCode"],
                    "level": "district",
                    "name_vi": _plain(r["districtShort"], r["districtType"]),
                    "kind_vi": r["districtType"],
                    "parent_code": prov.code,
                    "valid_from": "",
                    "valid_to": DISTRICTS_END.isoformat(),
                }
        prov.districts = sorted(districts.values(), key=lambda d: int(d["unit_code"]))

        def walk_row(old: dict, new: dict, share: str, is_main: bool) -> dict:
            island = not old["wardCode"]  # a former district without communes (an island): the district itself
            return {
                "old_province_code": old["provinceCode"],
                "old_code": old["districtCode"] if island else old["wardCode"],
                "old_name": _plain(old["districtShort"], old["districtType"])
                if island
                else _plain(old["wardShort"], old["wardType"]),
                "old_kind": old["districtType"] if island else old["wardType"],
                "old_district_code": old["districtCode"],
                "new_code": new["wardCode"],
                "new_name": new["wardShort"],
                "new_kind": new["wardType"],
                "share": share,
                "is_main": "1" if is_main else "0",
            }

        rows = []
        for new_ward_key, olds in converter["DICT_PROVINCE_WARD_NO_DIVIDED"][new_key].items():
            new = new_by_key[(new_key, new_ward_key)]
            rows.extend(walk_row(old_by_key[k], new, "full", True) for k in olds)
        for old_key, news in converter["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {}).items():
            for n in news:
                new = new_by_key[(new_key, n["newWardKey"])]
                rows.append(walk_row(old_by_key[old_key], new, "partial", bool(n["isDefaultNewWard"])))
        prov.crosswalk = rows
    for prov in provinces.values():
        prov.communes.sort(key=lambda r: int(r["unit_code"]))
    return sorted(provinces.values(), key=lambda p: int(p.code))


# ------------------------------------------------------------------------------------------------ corrections


def read_corrections(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(fh)]
    for i, r in enumerate(rows, start=2):
        if not r.get("source"):
            raise SystemExit(f"{path.name} row {i}: every correction cites its source")
        if r["register"] not in ("admin_units", "crosswalk"):
            raise SystemExit(f"{path.name} row {i}: register is admin_units or crosswalk, not {r['register']!r}")
    return rows


def _day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _split(row: dict, fld: str, value: str, start: dt.date | None, end: dt.date | None) -> list[dict]:
    """The row's validity cut where ``fld`` takes ``value`` from ``start`` to ``end`` (inclusive; None: open)."""
    lo, hi = _day(row["valid_from"]), _day(row["valid_to"])
    a = max((d for d in (lo, start) if d is not None), default=None)
    b = min((d for d in (hi, end) if d is not None), default=None)
    if a is not None and b is not None and a > b:
        return [row]  # the correction's interval does not meet this row
    out = []
    if a is not None and (lo is None or lo < a):
        out.append({**row, "valid_to": (a - dt.timedelta(days=1)).isoformat()})
    out.append({**row, fld: value, "valid_from": a.isoformat() if a else "", "valid_to": b.isoformat() if b else ""})
    if b is not None and (hi is None or b < hi):
        out.append({**row, "valid_from": (b + dt.timedelta(days=1)).isoformat()})
    return out


def apply_corrections(prov: Province, corrections: list[dict]) -> None:
    province_row = {
        "unit_code": prov.code,
        "level": "province",
        "name_vi": prov.name,
        "kind_vi": prov.kind,
        "parent_code": "",
        "valid_from": "",
        "valid_to": "",
    }
    register = [province_row, *prov.districts, *prov.communes]
    for c in (c for c in corrections if c["province_code"] == prov.code):
        if c["register"] == "admin_units":
            hits = [r for r in register if r["unit_code"] == c["unit_code"]]
            if not hits:
                raise SystemExit(f"correction for unknown unit {prov.code}/{c['unit_code']}")
            start, end = _day(c["valid_from"]), _day(c["valid_to"])
            out = []
            for r in register:
                out.extend(_split(r, c["field"], c["value"], start, end) if r in hits else [r])
            register = out
            if c["field"] in ("name_vi", "kind_vi") and not (start or end):
                for x in prov.crosswalk:  # a spelling is the same in the crosswalk's names of the unit
                    if x["new_code"] == c["unit_code"] and c["unit_code"] != prov.code and len(c["unit_code"]) == 5:
                        x["new_name" if c["field"] == "name_vi" else "new_kind"] = c["value"]
        else:
            hits = [
                x
                for x in prov.crosswalk
                if x["old_code"] == c["old_code"] and (not c["unit_code"] or x["new_code"] == c["unit_code"])
            ]
            if not hits:
                raise SystemExit(f"correction for unknown crosswalk row {prov.code}/{c['old_code']}→{c['unit_code']}")
            for x in hits:
                x[c["field"]] = c["value"]
    prov.register = register  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------------ output


def _csv(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows({k: r.get(k, "") for k in columns} for r in rows)
    return buf.getvalue()


def _register_key(r: dict) -> tuple:
    tier = {"province": 0, "district": 1, "commune": 2}.get(r["level"], 3)
    return (tier, int(r["unit_code"]) if r["unit_code"].isdigit() else 0, r["valid_from"] or "")


def _crosswalk_key(x: dict) -> tuple:
    return (int(x["old_province_code"]), int(x["old_district_code"]), int(x["old_code"]), int(x["new_code"]))


def current_default(out: Path) -> str | None:
    """The province that ``provinces.csv`` in ``out`` marks as the default (kept across runs), if any."""
    path = out / "provinces.csv"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return next((r["province_code"] for r in csv.DictReader(fh) if r.get("is_default") == "1"), None)


def build(folder: Path, corrections_path: Path, default: str | None = None) -> dict[str, str]:
    """Relative path (under vocab/provinces) → file text, for every file the script writes. ``default``: the
    province marked is_default in provinces.csv (else the first)."""
    corrections = read_corrections(corrections_path)
    provinces = read_source(folder)
    known = {p.code for p in provinces}
    unknown = {c["province_code"] for c in corrections} - known
    if unknown:
        raise SystemExit(f"corrections name unknown provinces: {sorted(unknown)}")
    default = default if default in known else provinces[0].code
    files: dict[str, str] = {}
    for prov in provinces:
        apply_corrections(prov, corrections)
        files[f"{prov.code}/admin_units.csv"] = _csv(sorted(prov.register, key=_register_key), REGISTER_COLUMNS)
        files[f"{prov.code}/commune_crosswalk_2025.csv"] = _csv(
            sorted(prov.crosswalk, key=_crosswalk_key), CROSSWALK_COLUMNS
        )
    files["provinces.csv"] = _csv(
        [{"province_code": p.code, "is_default": "1" if p.code == default else "0"} for p in provinces],
        ["province_code", "is_default"],
    )
    files["SOURCES.csv"] = _csv(
        [
            {
                "source": SOURCE_PACKAGE,
                "version": SOURCE_VERSION,
                "license": SOURCE_LICENSE,
                "file": name,
                "sha256": sha256(folder / name),
            }
            for name in SOURCE_FILES
        ]
        + [
            {
                "source": "kttt corrections (hand-kept, one cited source per row)",
                "version": "",
                "license": "",
                "file": corrections_path.name,
                "sha256": sha256(corrections_path),
            }
        ],
        ["source", "version", "license", "file", "sha256"],
    )
    return files


def cross_check(files: dict[str, str], divisions: Path) -> list[str]:
    """Differences between the generated units in force now and another list of the 3,321 units: the
    ``data/nested-divisions.json`` of the GPL-3.0 package ``vietnam-provinces`` (statistics office data; read as a
    data file, never imported or shipped). One line per difference of code, province, kind or name."""
    ours: dict[int, tuple[str, str, str]] = {}
    for rel, text in files.items():
        if rel.endswith("/admin_units.csv"):
            for r in csv.DictReader(io.StringIO(text)):
                if r["level"] == "commune" and not r["valid_to"]:
                    ours[int(r["unit_code"])] = (r["parent_code"], r["kind_vi"].lower(), r["name_vi"])
    theirs: dict[int, tuple[str, str, str]] = {}
    for p in json.loads(divisions.read_text(encoding="utf-8")):
        for w in p["wards"]:
            kind = w["division_type"]
            name = w["name"][len(kind) :].strip() if w["name"].lower().startswith(kind) else w["name"]
            theirs[int(w["code"])] = (f"{int(p['code']):02d}", kind, name)
    out = [f"{c:05d}: only in the registers {ours[c]}" for c in sorted(set(ours) - set(theirs))]
    out += [f"{c:05d}: only in {divisions.name} {theirs[c]}" for c in sorted(set(theirs) - set(ours))]
    out += [f"{c:05d}: {ours[c]} ≠ {theirs[c]}" for c in sorted(set(ours) & set(theirs)) if ours[c] != theirs[c]]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=VOCAB, help="folder to write (default: the package's)")
    ap.add_argument("--corrections", type=Path, default=VOCAB / "corrections.csv")
    ap.add_argument("--check", action="store_true", help="compare with the files in --out; exit 1 on a difference")
    ap.add_argument(
        "--cross-check",
        type=Path,
        metavar="JSON",
        help="print the differences with vietnam-provinces' data/nested-divisions.json (nothing is written)",
    )
    args = ap.parse_args(argv)
    files = build(source_dir(), args.corrections, current_default(args.out))
    if args.cross_check:
        lines = cross_check(files, args.cross_check)
        print("\n".join(lines) + f"\n{len(lines)} differences")
        return 0
    differ = []
    for rel, text in files.items():
        path = args.out / rel
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                differ.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if args.check:
        print("\n".join(differ) if differ else f"{len(files)} files up to date")
        return 1 if differ else 0
    print(f"wrote {len(files)} files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
