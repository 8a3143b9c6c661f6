#!/usr/bin/env python3
"""Compare a gongkai output folder with hand-checked truth files.

usage: compare_truth.py OUT_DIR TRUTH_DIR [-v]

For every TRUTH_DIR/<doc_id>.truth.csv (table,row_id,column_id,value), counts the
cells gongkai got right (same value; any status but missing), flagged (missing or
conflict or unconfirmed with another value), absent (no such cell in cells.csv) and wrong but
trusted (another value with status ok/repaired/inferred). Truth cells left empty
(unknown in the source) count as right when gongkai says missing. Stdlib only.
"""
import collections, csv, os, sys


def main():
    out, truth_dir = sys.argv[1], sys.argv[2]
    verbose = "-v" in sys.argv
    cells = collections.defaultdict(dict)
    with open(os.path.join(out, "cells.csv"), encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            cells[r["doc_id"]][(r["table"], r["row_id"], r["column_id"])] = (r["value"], r["status"])
    totals = collections.Counter()
    print(f"{'document':32} {'cells':>6} {'right':>6} {'derived':>8} {'flagged':>8} {'absent':>7} {'WRONG':>6}")
    for name in sorted(os.listdir(truth_dir)):
        if not name.endswith(".truth.csv"):
            continue
        doc = name[: -len(".truth.csv")]
        got = cells.get(doc, {})
        c = collections.Counter()
        with open(os.path.join(truth_dir, name), encoding="utf-8") as f:
            for t in csv.DictReader(f):
                key = (t["table"], t["row_id"], t["column_id"])
                c["cells"] += 1
                if key not in got:
                    c["absent"] += 1
                    continue
                value, status = got[key]
                if t["value"] == "" and status == "missing":
                    c["right"] += 1
                elif t["value"] == "" and status == "inferred":
                    # Blank in the source, derived by gongkai (the truth notes give the
                    # derivation): not a value that contradicts the source.
                    c["derived"] += 1
                elif value == t["value"] and status != "missing":
                    c["right"] += 1
                elif status in ("missing", "conflict", "unconfirmed"):
                    c["flagged"] += 1
                else:
                    c["wrong"] += 1
                    if verbose:
                        print(f"   WRONG {key}: truth {t['value']!r}, got {value!r} ({status})")
        totals.update(c)
        print(f"{doc:32} {c['cells']:6} {c['right']:6} {c['derived']:8} {c['flagged']:8} {c['absent']:7} {c['wrong']:6}")
    print(f"{'total':32} {totals['cells']:6} {totals['right']:6} {totals['derived']:8} {totals['flagged']:8} {totals['absent']:7} {totals['wrong']:6}")
    return 1 if totals["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main())
