"""Compare a kttt warehouse (sqlite) with expected.json (+ expected_restated.json when present).
Based on the first tester's compare.py; adds alt_keys (any-of keys), the province code, and the restated check."""
import json
import os
import sqlite3
import sys
import unicodedata

FILE_KINDS = {"FILE_REJECTED", "UNIT_NOT_IN_FORCE", "UNIT_UNKNOWN", "SUPERSEDED"}
RESTATE_KINDS = {"COMMUNE_SPLIT", "COMMUNE_UNPLACED"}


def norm(s):
    if s is None:
        return ""
    s = unicodedata.normalize("NFC", str(s)).strip()
    return " ".join(s.split()).casefold()


def close(g, e):
    return g is not None and abs(float(g) - float(e)) <= 1e-6 * max(1.0, abs(float(e)))


def main(db, exp_path, period, rexp_path=None):
    exp = json.load(open(exp_path, encoding="utf-8"))
    if os.path.exists(db):
        con = sqlite3.connect(db)
    else:
        print("(no warehouse: every expected value and finding counts as missing)")
        con = sqlite3.connect(":memory:")
        con.execute("create table rpt_indicator(period, unit_code, indicator_code, value)")
        con.execute("create table dq_issue(period, kind, unit_code, entity_key)")
    got = {(str(u), c): v for u, c, v in con.execute(
        "select unit_code, indicator_code, value from rpt_indicator where period=?", (period,))}
    n_ind = 0
    for u, inds in exp["indicators"].items():
        for c, e in inds.items():
            g = got.get((u, c))
            if not close(g, e):
                n_ind += 1
                print(f"INDICATOR unit={u} {c}: expected {e}, got {g}")
    rows = con.execute("select kind, unit_code, entity_key from dq_issue where period=?", (period,)).fetchall()
    got_f = [(k, "" if u is None else str(u), key) for k, u, key in rows]

    def fkey(kind, unit, key):
        return (kind, "" if kind in FILE_KINDS | RESTATE_KINDS else unit, norm(key))

    got_set = {}
    for k, u, key in got_f:
        got_set.setdefault(fkey(k, u, key), (k, u, key))
    matched = set()
    n_f = 0
    for f in exp["findings"]:
        keys = [f["key"]] + f.get("alt_keys", [])
        kinds = [f["kind"]] + f.get("alt_kinds", [])
        hit = [fkey(kd, f["unit_code"], k) for kd in kinds for k in keys if fkey(kd, f["unit_code"], k) in got_set]
        if hit:
            matched.update(hit)
        else:
            n_f += 1
            print(f"FINDING missing: {f['kind']} unit={f['unit_code']} key={f['key']}  ({f.get('note', '')})")
    checked = set(exp.get("checked_kinds", []))
    ign = exp.get("ignore", [])

    def ignored(k, u, key):
        for i in ign:
            if i["kind"] == k and ("unit_code" not in i or i["unit_code"] == u) and \
                    ("key" not in i or norm(i["key"]) == norm(key)):
                return True
        return False
    for k, (kind, u, key) in sorted(got_set.items()):
        if kind in checked and k not in matched and not ignored(kind, u, key):
            n_f += 1
            print(f"FINDING unexpected: {kind} unit={u} key={key}")
    n_r = 0
    if rexp_path and os.path.exists(rexp_path):
        rexp = json.load(open(rexp_path, encoding="utf-8"))
        try:
            rg = {(str(u), c): v for u, c, v in con.execute(
                "select unit_code, indicator_code, value from rpt_indicator_restated where period=?", (period,))}
        except sqlite3.Error as e:
            print(f"RESTATED table unreadable: {e}")
            rg = {}
        for u, inds in rexp["indicators"].items():
            for c, e in inds.items():
                g = rg.get((u, c))
                if not close(g, e):
                    n_r += 1
                    print(f"RESTATED unit={u} {c}: expected {e}, got {g}")
        exp_r = {(f["kind"], norm(f["key"])): f for f in rexp["findings"]}
        got_r = {(k, norm(key)): (k, u, key) for k, u, key in got_f if k in RESTATE_KINDS}
        for k, f in exp_r.items():
            if k not in got_r:
                n_r += 1
                print(f"RESTATED FINDING missing: {f['kind']} key={f['key']} ({f.get('note', '')})")
        for k, v in sorted(got_r.items()):
            if k not in exp_r:
                n_r += 1
                print(f"RESTATED FINDING unexpected: {v[0]} unit={v[1]} key={v[2]}")
    print(f"{n_ind} indicator mismatches, {n_f} finding mismatches, {n_r} restated mismatches")
    return 1 if (n_ind or n_f or n_r) else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
