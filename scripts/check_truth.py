#!/usr/bin/env python3
"""Check a hand-made truth CSV against a template dictionary (stdlib only).

Usage:
    python3 scripts/check_truth.py TRUTH.csv dictionaries/templates/2021.toml [-q]

The truth CSV has the header `table,row_id,column_id,value` and one line per
numeric cell.  `value` is the number as published (it may be negative in
`domain = "signed"` columns and have decimals in `domain = "decimal"` columns),
or empty when the cell could not be determined.

Checks:
  1. format: UTF-8 without BOM, exact header, four fields per line, values that
     fit the column's domain;
  2. coverage: every (table, row, column) of the template appears exactly once,
     and nothing else appears.  A row marked `optional = true` with
     `total_of = G` (the 2021 template's `other_processing_total`) is accepted
     *instead of* the rows of group G (the 洪泽 case, where （六）其他处理 is
     printed as one row): a file must have either all rows of G or that row,
     never both and never a mix;
  3. identities: every `[[tables.identities]]` entry is evaluated.
       over = "rows":    for each row of the block, sum(lhs columns) = sum(rhs columns)
       over = "columns": for each column, sum(lhs rows) = sum(rhs rows)
     A term "@G" stands for every row whose `group` is G (direct members only);
     if none of them is in the file but a row with `total_of = G` is, that row
     is used.  A check with an empty value among its terms is reported as
     skipped, not as a failure.

Exit status: 0 = format and coverage fine and every identity holds;
1 = format and coverage fine but some identity fails (this is expected for
reports that do not balance as published); 2 = format or coverage errors.
"""
import argparse
import csv
import io
import re
import sys
import tomllib
from decimal import Decimal

HEADER = ["table", "row_id", "column_id", "value"]
RE_COUNT = re.compile(r"^\d+$")
RE_SIGNED = re.compile(r"^-?\d+$")
RE_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


def load_truth(path, errors):
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        errors.append("file starts with a UTF-8 BOM")
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        errors.append(f"not UTF-8: {e}")
        return []
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or rows[0] != HEADER:
        errors.append(f"header must be {','.join(HEADER)!r}, got {rows[0] if rows else None!r}")
        return []
    out = []
    for n, r in enumerate(rows[1:], start=2):
        if len(r) != 4:
            errors.append(f"line {n}: expected 4 fields, got {len(r)}: {r!r}")
            continue
        out.append((n, r[0], r[1], r[2], r[3]))
    return out


def template_cells(tpl):
    """Yield (table, block, row, column) for every cell the template defines."""
    for table in tpl["tables"]:
        for block in table["blocks"]:
            for row in block["rows"]:
                for col in block["columns"]:
                    yield table, block, row, col


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("truth")
    ap.add_argument("template")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only failures, skips and the summary")
    args = ap.parse_args()

    tpl = tomllib.load(open(args.template, "rb"))
    errors = []
    entries = load_truth(args.truth, errors)

    # ------------------------------------------------------------ coverage
    expected = {}  # (table,row,col) -> (table_dict, block, row_dict, col_dict)
    for table, block, row, col in template_cells(tpl):
        expected[(table["id"], row["id"], col["id"])] = (table, block, row, col)

    seen = {}
    values = {}
    for n, t, r, c, v in entries:
        key = (t, r, c)
        if key not in expected:
            errors.append(f"line {n}: unknown cell {t}/{r}/{c}")
            continue
        if key in seen:
            errors.append(f"line {n}: duplicate cell {t}/{r}/{c} (first on line {seen[key]})")
            continue
        seen[key] = n
        values[key] = v
        col = expected[key][3]
        if v == "":
            continue
        dom = col.get("domain", "count")
        pat = {"count": RE_COUNT, "signed": RE_SIGNED, "decimal": RE_DECIMAL}.get(dom, RE_DECIMAL)
        if not pat.match(v):
            errors.append(f"line {n}: value {v!r} does not fit domain {dom!r} of {t}/{r}/{c}")

    # rows that the file has (any cell present)
    present_rows = {(t, r) for (t, r, _c) in values}

    # optional total rows replacing a group
    skip_rows = set()
    for table in tpl["tables"]:
        for block in table["blocks"]:
            for row in block["rows"]:
                grp = row.get("total_of")
                if not grp:
                    continue
                members = [x["id"] for x in block["rows"] if x.get("group") == grp]
                has_total = (table["id"], row["id"]) in present_rows
                has_members = [m for m in members if (table["id"], m) in present_rows]
                if has_total and has_members:
                    errors.append(f"{table['id']}: both {row['id']} and rows of group {grp} ({', '.join(has_members)}) are present")
                    skip_rows.update((table["id"], m) for m in members)
                elif has_total:
                    skip_rows.update((table["id"], m) for m in members)
                else:
                    if has_members and len(has_members) != len(members):
                        errors.append(f"{table['id']}: only some rows of group {grp} present: {', '.join(has_members)}")
                    if row.get("optional"):
                        skip_rows.add((table["id"], row["id"]))
    missing = [k for k in expected if k not in values and (k[0], k[1]) not in skip_rows]
    for t, r, c in missing:
        errors.append(f"missing cell {t}/{r}/{c}")

    n_empty = sum(1 for v in values.values() if v == "")
    print(f"{args.truth}")
    print(f"  template {tpl.get('id')} ({args.template}); {len(values)} cells, {n_empty} empty")
    # ------------------------------------------------------------ identities
    n_ok = n_fail = n_skip = 0
    for table in tpl["tables"]:
        tid = table["id"]
        for ident in table.get("identities", []):
            over = ident["over"]
            label = f"{tid}:{ident['id']}"
            for block in table["blocks"]:
                col_ids = [c["id"] for c in block["columns"]]
                row_ids = [r["id"] for r in block["rows"] if (tid, r["id"]) in present_rows]
                if over == "rows":
                    if not all(x in col_ids for x in ident["lhs"] + ident["rhs"]):
                        continue
                    groups = [(rid, [(rid, c) for c in ident["lhs"]], [(rid, c) for c in ident["rhs"]]) for rid in row_ids]
                elif over == "columns":
                    def expand(terms):
                        out = []
                        for term in terms:
                            if term.startswith("@"):
                                g = term[1:]
                                mem = [r["id"] for r in block["rows"] if r.get("group") == g and (tid, r["id"]) in present_rows]
                                if not mem:
                                    mem = [r["id"] for r in block["rows"] if r.get("total_of") == g and (tid, r["id"]) in present_rows]
                                if not mem:
                                    mem = [None]  # nothing present for this group
                                    errors.append(f"{label}: no row present for {term}")
                                out += mem
                            else:
                                out.append(term)
                        return out
                    lhs_rows, rhs_rows = expand(ident["lhs"]), expand(ident["rhs"])
                    groups = [(cid, [(r, cid) for r in lhs_rows], [(r, cid) for r in rhs_rows]) for cid in col_ids]
                else:
                    errors.append(f"{label}: unknown over={over!r}")
                    continue
                for where, lhs, rhs in groups:
                    vals = {}
                    empty = []
                    for r, c in lhs + rhs:
                        v = values.get((tid, r, c))
                        if v is None or v == "":
                            empty.append(f"{r}/{c}")
                        else:
                            vals[(r, c)] = Decimal(v)
                    if empty:
                        n_skip += 1
                        print(f"  skip  {label} [{where}]: empty/missing {', '.join(empty)}")
                        continue
                    ls = sum(vals[k] for k in lhs)
                    rs = sum(vals[k] for k in rhs)
                    if ls == rs:
                        n_ok += 1
                        if not args.quiet:
                            print(f"  ok    {label} [{where}]: {ls} = {rs}")
                    else:
                        n_fail += 1
                        print(f"  FAIL  {label} [{where}]: lhs {ls} != rhs {rs} (diff {ls - rs})")
    for e in errors:
        print(f"  ERROR {e}")
    print(f"  summary: {n_ok} identities hold, {n_fail} fail, {n_skip} skipped; {len(errors)} format/coverage errors")
    if errors:
        return 2
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
