#!/usr/bin/env python3
"""gongkai as a Spark map stage: PySpark in local mode pipes reports through
`gongkai clean --stream`, then checks that the result equals a plain `gongkai clean`
run on the same files (cells, corrections, and review items other than the
cross-year warnings, which --stream does not run).

    cargo build --release
    pip install pyspark          # needs Java 17 or later
    python3 scripts/spark_example.py [PATH...] [--partitions N]

PATH defaults to samples/. Not part of CI: pyspark and Java are not build
dependencies. On a cluster, the same `rdd.pipe(...)` works once the gongkai binary
is on every worker (for example shipped with --files).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

from pyspark import SparkConf, SparkContext

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEXT = (".txt", ".htm", ".html")


def documents(paths):
    """(doc_id, text) for every text file, named and ordered as gongkai names a
    folder's files: path relative to the root, without extension, in name order."""
    for root in paths:
        files = []
        if os.path.isdir(root):
            for d, _, names in os.walk(root):
                files += [os.path.join(d, n) for n in names if n.lower().endswith(TEXT)]
        else:
            files.append(root)
        # gongkai walks each folder's entries in name order, folders and files alike.
        files.sort(key=lambda f: os.path.relpath(f, root).split(os.sep))
        for f in files:
            rel = os.path.relpath(f, root) if os.path.isdir(root) else os.path.basename(f)
            doc_id = os.path.splitext(rel)[0].replace(os.sep, "/")
            raw = open(f, "rb").read()
            for enc in ("utf-8-sig", "gb18030"):
                try:
                    yield doc_id, raw.decode(enc)
                    break
                except UnicodeDecodeError:
                    pass
            else:
                print(f"skipped {f}: neither UTF-8 nor GB18030", file=sys.stderr)


def csv_rows(path, skip=lambda r: False):
    with open(path, encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if not skip(r)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", default=[os.path.join(ROOT, "samples")])
    ap.add_argument("--partitions", type=int, default=2)
    ap.add_argument("--gongkai", default=os.path.join(ROOT, "target", "release", "gongkai"))
    args = ap.parse_args()
    if not os.access(args.gongkai, os.X_OK):
        sys.exit(f"{args.gongkai} not found: run `cargo build --release` first, or pass --gongkai")

    docs = list(documents(args.paths))
    lines = [json.dumps({"doc_id": i, "text": t}, ensure_ascii=False) for i, t in docs]

    conf = SparkConf().setMaster(f"local[{args.partitions}]").setAppName("gongkai-stream")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    try:
        # One gongkai process per partition; Spark runs the partitions in parallel, so
        # each process needs one thread. Output keeps the order of its input.
        out = (
            sc.parallelize(lines, args.partitions)
            .pipe(f"{args.gongkai} clean --stream --quiet --jobs 1")
            .collect()
        )
    finally:
        sc.stop()
    results = [json.loads(l) for l in out]

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [args.gongkai, "clean", *args.paths, "--out", tmp, "--quiet"], check=True
        )
        want = {
            "cells": csv_rows(os.path.join(tmp, "cells.csv")),
            "corrections": csv_rows(os.path.join(tmp, "corrections.csv")),
            "review": csv_rows(
                os.path.join(tmp, "review.csv"), skip=lambda r: r["problem"] == "cross_year"
            ),
        }
    got = {k: [row for r in results for row in r[k]] for k in want}

    ok = [r["doc_id"] for r in results] == [i for i, _ in docs]
    print(f"{len(docs)} documents in {args.partitions} partitions through `gongkai clean --stream`")
    for k in want:
        same = got[k] == want[k]
        ok &= same
        print(f"  {k}: {len(got[k])} rows from Spark, {len(want[k])} from gongkai clean: {'same' if same else 'DIFFERENT'}")
    print("result: the Spark run equals gongkai clean" if ok else "result: MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
