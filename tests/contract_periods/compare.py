"""Compare a kttt warehouse (sqlite) with an adversarial expected.json."""
import json
import sqlite3
import sys
import unicodedata

FILE_KINDS = {"FILE_REJECTED", "UNIT_NOT_IN_FORCE", "UNIT_UNKNOWN"}


def norm(s):
    if s is None:
        return ""
    s = unicodedata.normalize("NFC", str(s)).strip()
    return " ".join(s.split()).casefold()


def main(db, exp_path, period):
    exp = json.load(open(exp_path, encoding="utf-8"))
    import os
    if not os.path.exists(db):
        print("(no warehouse: every expected value and finding counts as missing)")
        con = sqlite3.connect(":memory:")
        con.execute("create table rpt_indicator(period, unit_code, indicator_code, value)")
        con.execute("create table dq_issue(period, kind, unit_code, entity_key)")
    else:
        con = sqlite3.connect(db)
    got = {}
    for u, c, v in con.execute("select unit_code, indicator_code, value from rpt_indicator where period=?",
                               (period,)):
        got[(str(u), c)] = v
    n_ind = 0
    quiet = not os.path.exists(db)
    for u, inds in exp["indicators"].items():
        for c, e in inds.items():
            g = got.get((u, c))
            ok = g is not None and abs(float(g) - float(e)) <= 1e-6 * max(1.0, abs(float(e)))
            if not ok:
                n_ind += 1
                if not quiet:
                    print(f"INDICATOR unit={u} {c}: expected {e}, got {g}")
    rows = con.execute("select kind, unit_code, entity_key from dq_issue where period=?", (period,)).fetchall()
    got_f = [(k, "" if u is None else str(u), key) for k, u, key in rows]
    checked = set(exp.get("checked_kinds", []))
    ign = exp.get("ignore", [])

    def fkey(kind, unit, key):
        return (kind, "" if kind in FILE_KINDS else unit, norm(key))

    exp_set = {}
    for f in exp["findings"]:
        exp_set.setdefault(fkey(f["kind"], f["unit_code"], f["key"]), f)
    got_set = {}
    for k, u, key in got_f:
        got_set.setdefault(fkey(k, u, key), (k, u, key))
    n_f = 0
    for k, f in exp_set.items():
        if k not in got_set:
            n_f += 1
            print(f"FINDING missing: {f['kind']} unit={f['unit_code']} key={f['key']}  ({f.get('note', '')})")

    def ignored(k, u, key):
        for i in ign:
            if i["kind"] != k:
                continue
            if "unit_code" in i and i["unit_code"] != u:
                continue
            if "key" in i and norm(i["key"]) != norm(key):
                continue
            return True
        return False

    for k, (kind, u, key) in sorted(got_set.items()):
        if kind not in checked or k in exp_set or ignored(kind, u, key):
            continue
        n_f += 1
        print(f"FINDING unexpected: {kind} unit={u} key={key}")
    try:
        pi = None
        for tbl in ("rpt_indicator",):
            cols = [r[1] for r in con.execute(f"pragma table_info({tbl})")]
            if "incomplete" in cols or "province_incomplete" in cols:
                col = "incomplete" if "incomplete" in cols else "province_incomplete"
                pi = con.execute(f"select max({col}) from {tbl} where period=? and unit_code='22'",
                                 (period,)).fetchone()[0]
        if pi is not None and bool(pi) != bool(exp.get("province_incomplete")):
            print(f"NOTE province incomplete flag: expected {exp.get('province_incomplete')}, got {pi}")
    except Exception:
        pass
    print(f"{n_ind} indicator mismatches, {n_f} finding mismatches")
    return 1 if (n_ind or n_f) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
