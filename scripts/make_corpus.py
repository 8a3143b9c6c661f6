#!/usr/bin/env python3
"""Write the modelled part of the development corpus: tests/corpus/modelled/.

Usage (from the repository root; Python >= 3.11, standard library only):

    python3 scripts/make_corpus.py            # (re)write the corpus
    python3 scripts/make_corpus.py --check    # verify what is on disk

Reports come from scripts/report_model.py (random but arithmetically
consistent reports for the 2019 and 2021 templates).  Each document is one
(layout, noise level) pair: 4 layouts x 4 levels x 15 documents = 240, the
templates alternating (120 each).  Everything is seeded from fixed strings, so a
re-run writes byte-identical files.

Outputs
  tests/corpus/modelled/<doc_id>.txt            OCR-like text, doc_id = m-<layout>-L<level>-<nnn>
  tests/corpus/modelled/truth/documents.csv     doc_id,template,agency,year,layout,level,noise
  tests/corpus/modelled/truth/cells.csv         doc_id,table,row_id,column_id,value (every cell)
  tests/corpus/modelled/truth/noise.csv         doc_id,kind,where,detail (every noise edit)
  tests/corpus/README.md

Noise model (rates per level, see RATES below).  Label-level edits are applied
to the printed text only; the truth always holds the canonical values.
  glyph     a character of a label / group cell / column header replaced by a
            look-alike (GLYPHS: pairs read off the real OCR seed, e.g. 息→自,
            务→名, 案→安; plus dictionaries/glyph_confusions.tsv pairs with
            cost < 0.5 when that file exists).  Rate = chance per label.
  partial   a character replaced by one of its components (请→青, 政→正 …).
  space     a space inserted inside a label.
  thin      a thin character (一 or 、) dropped from a label.
  stray     a stray mark (△ · ¦) inserted into a label.
  prose     glyph confusions in prose paragraphs (chance per paragraph).
  digit     a digit of a printed value changed (0↔8, 1↔7, 3↔8, 5↔6, 6↔8): the
            text then holds a WRONG number; truth keeps the right one.  Rate =
            chance per numeric cell.
  letter    O printed for 0 or l for 1 inside a value (chance per cell that
            holds such a digit).
  merge     two adjacent short lines joined into one (chance per line).
  split     a line split in two (chance per line).
  lost_cell an empty tab cell dropped from a tabbed line (chance per line with
            an empty cell; tabbed layout only; level 3 only).
  lost_row  a whole table row removed (its label line and numbers; level 3
            only; count per document).
Titles and the six section headings are never edited.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import re
import sys
import tomllib
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report_model as rm  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "corpus" / "modelled"
TRUTH = OUT / "truth"
README = ROOT / "tests" / "corpus" / "README.md"
GLYPH_TSV = ROOT / "dictionaries" / "glyph_confusions.tsv"

LAYOUTS = rm.LAYOUTS
LEVELS = (0, 1, 2, 3)
DOCS_PER_CELL = 15

# ---------------------------------------------------------------- noise rates
RATES = {
    # probabilities: glyph/partial/space/thin/stray per label, prose per prose line,
    # digit per numeric cell, letter per cell holding 0/1, merge/split per line,
    # lost_cell per tabbed line with an empty cell; lost_row = (min, max) rows per document
    0: dict(glyph=0.0, partial=0.0, space=0.0, thin=0.0, stray=0.0, prose=0.0,
            digit=0.0, letter=0.0, merge=0.0, split=0.0, lost_cell=0.0, lost_row=(0, 0)),
    1: dict(glyph=0.06, partial=0.0, space=0.05, thin=0.03, stray=0.03, prose=0.05,
            digit=0.0, letter=0.005, merge=0.0, split=0.0, lost_cell=0.0, lost_row=(0, 0)),
    2: dict(glyph=0.15, partial=0.03, space=0.10, thin=0.08, stray=0.06, prose=0.15,
            digit=0.004, letter=0.012, merge=0.01, split=0.01, lost_cell=0.0, lost_row=(0, 0)),
    3: dict(glyph=0.30, partial=0.08, space=0.20, thin=0.15, stray=0.12, prose=0.30,
            digit=0.012, letter=0.03, merge=0.03, split=0.03, lost_cell=0.25, lost_row=(1, 2)),
}
NOISE_KINDS = ["glyph", "partial", "space", "thin", "stray", "prose", "digit", "letter",
               "merge", "split", "lost_cell", "lost_row"]

# canonical character -> look-alike printed by OCR.  "seed" pairs are read off
# ../shared/seed/000_dcba8a3c48a24b57.txt (事务信息 → 重名位自, 过程性 → 过和性,
# 案卷 → 安类, 查询事项 → 查治重违, 不掌握 → 不掌据, 需要另行 → 重西只行 …), the
# rest are further look-alikes of the same kind (as in scripts/make_samples.py).
GLYPHS: dict[str, list[str]] = {
    "息": ["自"], "务": ["名"], "程": ["和"], "案": ["安"], "卷": ["类"], "询": ["治"], "事": ["重"],
    "项": ["违"], "握": ["据"], "需": ["重"], "要": ["西"], "另": ["只"], "内": ["由"], "容": ["空"],
    "仍": ["化"], "出": ["山"], "大": ["士"], "量": ["昌"], "或": ["式"], "掌": ["堂"], "确": ["角"],
    "获": ["扶"], "请": ["清"], "法": ["去"], "理": ["里"], "保": ["呆"], "供": ["共"], "访": ["方"],
    "复": ["夏"], "现": ["见"], "律": ["津"], "人": ["入"], "己": ["已"], "未": ["末"], "拟": ["似"],
    "处": ["外"], "申": ["中"], "机": ["杌"], "公": ["么"], "开": ["升"], "年": ["午"], "数": ["效"],
    "结": ["给"], "纠": ["纟"], "维": ["雄"], "持": ["特"], "诉": ["拆"], "讼": ["松"], "审": ["宙"],
    "费": ["贵"], "收": ["牧"], "制": ["刺"], "发": ["友"], "废": ["度"], "止": ["上"], "效": ["故"],
    "商": ["啇"], "业": ["亚"], "研": ["岍"], "社": ["杜"], "益": ["盖"], "组": ["姐"], "织": ["识"],
    "服": ["眼"], "政": ["攻"], "府": ["附"], "告": ["吉"], "全": ["金"], "稳": ["隐"], "危": ["仓"],
    "第": ["弟"], "条": ["务"], "规": ["观"], "章": ["竟"], "许": ["评"], "可": ["司"], "罚": ["罪"],
    "强": ["弹"], "证": ["正"], "籍": ["藉"], "采": ["釆"], "购": ["构"], "额": ["颔"],
}
# character -> a component of it (partial glyph: part of the character lost)
PARTIALS: dict[str, str] = {
    "请": "青", "情": "青", "政": "正", "信": "言", "报": "艮", "理": "王", "机": "几", "构": "勾",
    "议": "义", "诉": "斥", "讼": "公", "件": "牛", "收": "丩", "据": "居", "视": "见", "结": "吉",
    "维": "隹", "持": "寺", "纠": "丩", "制": "刂", "作": "乍", "费": "弗", "秘": "必", "密": "必",
    "涉": "步", "执": "丸", "处": "夂", "程": "呈", "确": "角", "掌": "尚", "项": "页", "数": "娄",
    "询": "旬", "财": "才", "益": "皿", "织": "只", "研": "开", "规": "夫", "许": "午", "强": "虽",
}
STRAY = ["△", "·", "¦"]
DIGIT_SWAPS = {"0": "8", "8": "0", "1": "7", "7": "1", "3": "8", "5": "6", "6": "8"}
PREFIX = re.compile(r"^(?:\d\.|[一二三四]、|（[一二三四五六七]）)")


def load_glyph_tsv() -> dict[str, list[str]]:
    """Extra pairs from dictionaries/glyph_confusions.tsv (a<TAB>b<TAB>cost), cost < 0.5."""
    extra: dict[str, list[str]] = {}
    if not GLYPH_TSV.exists():
        return extra
    for line in GLYPH_TSV.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        a, b, cost = parts[0].strip(), parts[1].strip(), parts[2].strip()
        try:
            c = float(cost)
        except ValueError:
            continue  # header line
        if c < 0.5 and len(a) == 1 and len(b) == 1 and a != b:
            extra.setdefault(a, [])
            if b not in extra[a]:
                extra[a].append(b)
    return extra


def glyph_table() -> dict[str, list[str]]:
    g = {k: list(v) for k, v in GLYPHS.items()}
    for a, bs in load_glyph_tsv().items():
        for b in bs:
            if b not in g.setdefault(a, []):
                g[a].append(b)
    return g


# ---------------------------------------------------------------- noise
class Noise:
    def __init__(self, report: rm.Report, level: int, layout: str, rng: random.Random, glyphs: dict):
        self.rep, self.level, self.layout, self.rng, self.glyphs = report, level, layout, rng, glyphs
        self.rate = RATES[level]
        self.log: list[tuple[str, str, str]] = []  # (kind, where, detail)
        self.overrides: dict = {"labels": {}, "groups": {}, "headers": {}, "values": {}}

    def note(self, kind: str, where: str, detail: str) -> None:
        self.log.append((kind, where, detail))

    # -- label text
    def noisy_label(self, text: str, where: str) -> str:
        rng, R = self.rng, self.rate
        if not text:
            return text
        m = PREFIX.match(text)
        p = m.group(0) if m else ""
        body = text[len(p):]
        if not body:
            return text
        orig = text
        if rng.random() < R["glyph"]:
            pos = [i for i, ch in enumerate(body) if ch in self.glyphs]
            if pos:
                for i in sorted(rng.sample(pos, min(len(pos), rng.choice([1, 1, 2])))):
                    new = rng.choice(self.glyphs[body[i]])
                    self.note("glyph", where, f"{body[i]}→{new}")
                    body = body[:i] + new + body[i + 1:]
        if rng.random() < R["partial"]:
            pos = [i for i, ch in enumerate(body) if ch in PARTIALS]
            if pos:
                i = rng.choice(pos)
                self.note("partial", where, f"{body[i]}→{PARTIALS[body[i]]}")
                body = body[:i] + PARTIALS[body[i]] + body[i + 1:]
        if rng.random() < R["thin"]:
            pos = [i for i, ch in enumerate(body) if ch in "一、"]
            if p.endswith("、") and rng.random() < 0.5:
                self.note("thin", where, "、 dropped after the ordinal")
                p = p[:-1]
            elif pos:
                i = rng.choice(pos)
                self.note("thin", where, f"{body[i]} dropped")
                body = body[:i] + body[i + 1:]
        if rng.random() < R["space"] and len(body) >= 3:
            k = rng.randint(1, len(body) - 1)
            body = body[:k] + " " + body[k:]
            self.note("space", where, f"after {body[:k]}")
        if rng.random() < R["stray"]:
            k = rng.randint(1, len(body))
            mark = rng.choice(STRAY)
            if rng.random() < 0.5:
                mark = " " + mark
            body = body[:k] + mark + body[k:]
            self.note("stray", where, mark.strip())
        out = p + body
        return out if out.strip() else orig

    def labels(self) -> None:
        rep = self.rep
        seen_groups: list[tuple[str, str, str]] = []
        headers: list[str] = []
        for r in rm.canonical_rows(rep):
            t = r["table"]
            if r["label"]:
                new = self.noisy_label(r["label"], f"{t}/{r['row_id']}")
                if new != r["label"]:
                    self.overrides["labels"][(t, r["row_id"])] = new
            for gid, gl, _ in r["groups"]:
                if (t, gid, gl) not in seen_groups:
                    seen_groups.append((t, gid, gl))
            for c in r["column_labels"]:
                if c not in headers:
                    headers.append(c)
            if r["block_group"]:
                cap = rm._group(rep.tpl, t, r["block_group"])["label"]
                if cap not in headers:
                    headers.append(cap)
        for t, gid, gl in seen_groups:
            new = self.noisy_label(gl, f"{t}/@{gid}")
            if new != gl:
                self.overrides["groups"][(t, gid)] = new
        t3 = rm._table(rep.tpl, "requests")
        extra = list(t3["header_labels"]) + ["信息内容", "法人或其他组织", "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"]
        for h in headers + [x for x in extra if x not in headers]:
            new = self.noisy_label(h, f"header/{h}")
            if new != h:
                self.overrides["headers"][h] = new

    def values(self) -> None:
        rng, R = self.rng, self.rate
        for t, r, c, v in rm.truth_rows(self.rep):
            where = f"{t}/{r}/{c}"
            printed = v
            if rng.random() < R["digit"]:
                pos = [i for i, ch in enumerate(v) if ch in DIGIT_SWAPS]
                if pos:
                    i = rng.choice(pos)
                    printed = v[:i] + DIGIT_SWAPS[v[i]] + v[i + 1:]
                    self.note("digit", where, f"{v}→{printed}")
            if printed == v and any(ch in "01" for ch in v) and rng.random() < R["letter"]:
                pos = [i for i, ch in enumerate(v) if ch in "01"]
                i = rng.choice(pos)
                letter = "O" if v[i] == "0" else "l"
                printed = v[:i] + letter + v[i + 1:]
                self.note("letter", where, f"{v}→{printed}")
            if printed != v:
                self.overrides["values"][(t, r, c)] = printed

    # -- lines
    def lines(self, tagged: list[tuple[str, tuple]]) -> list[str]:
        rng, R = self.rng, self.rate
        # lost rows: remove every line of a few table rows (not table 四's only row)
        lo, hi = R["lost_row"]
        n_lost = rng.randint(lo, hi) if hi else 0
        if n_lost:
            cands = []
            for _, tag in tagged:
                if tag[0] == "row" and tag[1] in ("proactive", "requests") and (tag[1], tag[2]) not in cands:
                    cands.append((tag[1], tag[2]))
            for t, r in rng.sample(cands, n_lost):
                tagged = [(l, tag) for l, tag in tagged
                          if not (tag[0] in ("row", "cont", "group") and tag[1:3] == (t, r))]
                self.note("lost_row", f"{t}/{r}", "row removed")
        out: list[tuple[str, tuple]] = []
        for line, tag in tagged:
            kind = tag[0]
            # prose glyph confusions
            if kind == "prose" and R["prose"] and rng.random() < R["prose"]:
                pos = [i for i, ch in enumerate(line) if ch in self.glyphs]
                if pos:
                    i = rng.choice(pos)
                    new = rng.choice(self.glyphs[line[i]])
                    self.note("prose", f"prose/{tag[1]}", f"{line[i]}→{new}")
                    line = line[:i] + new + line[i + 1:]
            # lost blank cells (tabbed only)
            if self.layout == "tabbed" and R["lost_cell"] and kind in ("row", "header", "caption") and "\t" in line:
                cells = line.split("\t")
                empties = [i for i, c in enumerate(cells) if c == ""]
                if empties and rng.random() < R["lost_cell"]:
                    i = rng.choice(empties)
                    del cells[i]
                    line = "\t".join(cells)
                    self.note("lost_cell", "/".join(tag[1:]) or kind, f"empty cell {i + 1} dropped")
            out.append((line, tag))
        # split lines
        res: list[tuple[str, tuple]] = []
        for line, tag in out:
            if R["split"] and tag[0] in ("row", "cont", "prose", "header", "caption") and len(line.strip()) >= 4 \
                    and rng.random() < R["split"]:
                k = self._split_point(line)
                if k:
                    a, b = line[:k].rstrip(), line[k:].lstrip(" ")
                    if a.strip() and b.strip():
                        res.append((a, tag))
                        res.append((b, ("cont",) + tag[1:]))
                        self.note("split", "/".join(tag[1:]) or tag[0], f"split after {a.strip()[-4:]}")
                        continue
            res.append((line, tag))
        # merged lines: two adjacent short non-blank lines (not title / headings)
        final: list[tuple[str, tuple]] = []
        i = 0
        while i < len(res):
            line, tag = res[i]
            if R["merge"] and i + 1 < len(res) and rng.random() < R["merge"]:
                nxt, ntag = res[i + 1]
                ok = (line.strip() and nxt.strip() and tag[0] not in ("title", "heading", "blank")
                      and ntag[0] not in ("title", "heading", "blank")
                      and not (tag[0] == "row" and ntag[0] == "row")  # never two whole data rows
                      and rm.dw(line) <= 40 and rm.dw(nxt) <= 40)
                if ok:
                    sep = "\t" if self.layout == "tabbed" else rng.choice([" ", "  "])
                    final.append((line.rstrip() + sep + nxt.lstrip(), tag))
                    self.note("merge", "/".join(tag[1:]) or tag[0], f"{line.strip()[:8]}+{nxt.strip()[:8]}")
                    i += 2
                    continue
            final.append((line, tag))
            i += 1
        return [l for l, _ in final]

    def _split_point(self, line: str) -> int:
        """A position not inside a number (nor inside a run of digits / a decimal)."""
        cands = []
        for k in range(1, len(line)):
            a, b = line[k - 1], line[k]
            if (a.isdigit() or a in ".-Ol") and (b.isdigit() or b in ".Ol"):
                continue
            if a == "-" and b.isdigit():
                continue
            cands.append(k)
        return self.rng.choice(cands) if cands else 0

    def summary(self) -> str:
        c = Counter(k for k, _, _ in self.log)
        parts = [f"{k}:{c[k]}" for k in NOISE_KINDS if c[k]]
        return ";".join(parts) if parts else "none"


# ---------------------------------------------------------------- build
def documents():
    """(doc_id, template, seed, layout, level, single_other) for every document, in order."""
    k = 0
    for li, layout in enumerate(LAYOUTS):
        for level in LEVELS:
            # one 2021 document in 12 of the 16 (layout, level) cells prints （六）其他处理
            # as one row, the 2019 shape 洪泽 2023/2024 use: 12 of 120 = 10%
            want_single = (li + level) % 4 != 3
            n_single = 4 + 2 * level + (k + 4 + 2 * level) % 2  # a 2021 position in the cell
            for n in range(1, DOCS_PER_CELL + 1):
                tid = ("2019", "2021")[k % 2]
                single = (want_single and n == n_single) if tid == "2021" else None
                yield f"m-{layout}-L{level}-{n:03d}", tid, 1000 + k, layout, level, single
                k += 1


def csv_text(header: list[str], rows: list) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def build() -> None:
    glyphs = glyph_table()
    docs, cells, noise = [], [], []
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("m-*.txt"):
        old.unlink()
    for doc_id, tid, seed, layout, level, single in documents():
        rep = rm.generate(seed, tid, single_other=single)
        rng = random.Random(f"gongkai-corpus/v1/{doc_id}")
        nz = Noise(rep, level, layout, rng, glyphs)
        nz.labels()
        nz.values()
        tagged = rm.render_lines(rep, layout, random.Random(f"gongkai-corpus/v1/layout/{doc_id}"), nz.overrides)
        lines = nz.lines(tagged)
        write(OUT / f"{doc_id}.txt", "\n".join(lines) + "\n")
        docs.append([doc_id, tid, rep.agency, rep.year, layout, level, nz.summary()])
        cells += [[doc_id, *c] for c in rm.truth_rows(rep)]
        noise += [[doc_id, *e] for e in nz.log]
    write(TRUTH / "documents.csv", csv_text(["doc_id", "template", "agency", "year", "layout", "level", "noise"], docs))
    write(TRUTH / "cells.csv", csv_text(["doc_id", "table", "row_id", "column_id", "value"], cells))
    write(TRUTH / "noise.csv", csv_text(["doc_id", "kind", "where", "detail"], noise))
    write(README, readme_text())
    print(f"wrote {len(docs)} documents, {len(cells)} cells, {len(noise)} noise edits to {OUT.relative_to(ROOT)}")


# ---------------------------------------------------------------- check
NUM = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?)(?![\w.])")


def check() -> int:
    tpls = rm.load_templates()
    fails = 0
    with open(TRUTH / "documents.csv", encoding="utf-8", newline="") as f:
        docs = list(csv.DictReader(f))
    cells: dict[str, list[dict]] = {}
    with open(TRUTH / "cells.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            cells.setdefault(row["doc_id"], []).append(row)
    assert len(docs) == len(LAYOUTS) * len(LEVELS) * DOCS_PER_CELL, len(docs)
    assert set(cells) == {d["doc_id"] for d in docs}
    n_ident = 0
    for d in docs:
        doc_id, tpl = d["doc_id"], tpls[d["template"]]
        val = {(c["table"], c["row_id"], c["column_id"]): c["value"] for c in cells[doc_id]}
        assert len(val) == len(cells[doc_id]), f"{doc_id}: duplicate cells"
        present_rows: dict[str, list[str]] = {}
        for c in cells[doc_id]:
            present_rows.setdefault(c["table"], [])
            if c["row_id"] not in present_rows[c["table"]]:
                present_rows[c["table"]].append(c["row_id"])
        # coverage + domains + identities
        for t in tpl["tables"]:
            tid = t["id"]
            rows_here = present_rows.get(tid, [])
            all_rows = [r for b in t["blocks"] for r in b["rows"]]
            for b in t["blocks"]:
                for r in b["rows"]:
                    if r["id"] not in rows_here:
                        continue
                    for c in b["columns"]:
                        v = val.get((tid, r["id"], c["id"]))
                        assert v is not None, f"{doc_id}: missing {tid}/{r['id']}/{c['id']}"
                        dom = c.get("domain", "count")
                        pat = {"count": r"^\d+$", "signed": r"^-?\d+$", "decimal": r"^\d+(\.\d+)?$"}[dom]
                        assert re.match(pat, v), f"{doc_id}: {tid}/{r['id']}/{c['id']} = {v!r} not {dom}"
            for r in all_rows:
                opt_total = r.get("optional") and r.get("total_of")
                members = [x["id"] for x in all_rows if x.get("group") == r.get("total_of")] if opt_total else []
                if opt_total:
                    has_total = r["id"] in rows_here
                    has_members = [m in rows_here for m in members]
                    assert (has_total and not any(has_members)) or (not has_total and all(has_members)), \
                        f"{doc_id}: {tid}: mix of {r['id']} and its group rows"
                else:
                    grp = r.get("group")
                    replaced = any(x.get("total_of") == grp and x["id"] in rows_here for x in all_rows) if grp else False
                    assert r["id"] in rows_here or replaced, f"{doc_id}: {tid}: row {r['id']} missing"

            def expand(term: str) -> list[str]:
                if term.startswith("@"):
                    g = term[1:]
                    m = [x["id"] for x in all_rows if x.get("group") == g and x["id"] in rows_here]
                    if m:
                        return m
                    tot = [x["id"] for x in all_rows if x.get("total_of") == g and x["id"] in rows_here]
                    assert tot, f"{doc_id}: {tid}: group {g} has no rows"
                    return tot
                return [term]

            for ident in t.get("identities", []):
                if ident["over"] == "rows":
                    for b in t["blocks"]:
                        colids = [c["id"] for c in b["columns"]]
                        if not all(x in colids for x in ident["lhs"] + ident["rhs"]):
                            continue
                        for r in b["rows"]:
                            if r["id"] not in rows_here:
                                continue
                            lhs = sum(Decimal(val[(tid, r["id"], x)]) for x in ident["lhs"])
                            rhs = sum(Decimal(val[(tid, r["id"], x)]) for x in ident["rhs"])
                            n_ident += 1
                            if lhs != rhs:
                                print(f"FAIL {doc_id} {ident['id']} row {r['id']}: {lhs} != {rhs}")
                                fails += 1
                else:
                    lrows = [x for term in ident["lhs"] for x in expand(term)]
                    rrows = [x for term in ident["rhs"] for x in expand(term)]
                    b = next(b for b in t["blocks"] if any(r["id"] == lrows[0] for r in b["rows"]))
                    for c in b["columns"]:
                        lhs = sum(Decimal(val[(tid, x, c["id"])]) for x in lrows)
                        rhs = sum(Decimal(val[(tid, x, c["id"])]) for x in rrows)
                        n_ident += 1
                        if lhs != rhs:
                            print(f"FAIL {doc_id} {ident['id']} column {c['id']}: {lhs} != {rhs}")
                            fails += 1
        # title and headings in the text
        text = (OUT / f"{doc_id}.txt").read_text(encoding="utf-8")
        lines = text.split("\n")
        assert d["agency"] in text and "政府信息公开工作年度报告" in text, f"{doc_id}: title missing"
        heads = [next(i for i, l in enumerate(lines) if l == h)
                 for h in _headings_of(tpl, lines, doc_id)]
        assert heads == sorted(heads), f"{doc_id}: headings out of order"
        # level 0: the numbers of each table region are exactly its truth values, in order
        if d["level"] == "0":
            for t, (a, z) in zip(("proactive", "requests", "appeals"), zip(heads[1:4], heads[2:5])):
                got = NUM.findall("\n".join(lines[a + 1:z]))
                want = [c["value"] for c in cells[doc_id] if c["table"] == t]
                if got != want:
                    print(f"FAIL {doc_id} {t}: numbers in text {got[:12]}… != truth {want[:12]}…")
                    fails += 1
    print(f"checked {len(docs)} documents, {n_ident} identity instances, {fails} failures")
    return 1 if fails else 0


def _headings_of(tpl: dict, lines: list[str], doc_id: str) -> list[str]:
    out = []
    for s in tpl["sections"]:
        opts = [s["label"]] + s.get("variants", [])
        h = next((o for o in opts if o in lines), None)
        assert h is not None, f"{doc_id}: heading {s['label']} missing"
        out.append(h)
    return out


# ---------------------------------------------------------------- README
def readme_text() -> str:
    rate_rows = []
    for lv in LEVELS:
        R = RATES[lv]
        lr = R["lost_row"]
        rate_rows.append(
            f"| {lv} | {R['glyph']} | {R['partial']} | {R['space']} | {R['thin']} | {R['stray']} | {R['prose']} "
            f"| {R['digit']} | {R['letter']} | {R['merge']} | {R['split']} | {R['lost_cell']} | "
            f"{'0' if not lr[1] else f'{lr[0]}–{lr[1]}'} |")
    rates = "\n".join(rate_rows)
    return f"""# Development corpus

`modelled/` holds {len(LAYOUTS) * len(LEVELS) * DOCS_PER_CELL} generated OCR-like 政府信息公开工作年度报告 texts with
complete ground truth. They are written by

```sh
python3 scripts/make_corpus.py          # write tests/corpus/modelled/ and this README
python3 scripts/make_corpus.py --check  # re-read the truth, check every identity and heading
```

(Python ≥ 3.11, standard library only; all randomness is seeded from fixed strings,
so a re-run writes byte-identical files). The reports themselves come from
`scripts/report_model.py` (`generate(seed, template_id)`), which draws an agency
(county / city government offices, bureaus, 镇 / 乡 governments, 街道办事处 with real
place names), a year (2019–2020 for the 2019 template, 2021–2025 for 2021), prose
for sections 一 五 六 and a value for every cell of tables 二 三 四 such that every
`[[tables.identities]]` entry of `dictionaries/templates/*.toml` holds exactly.
Sizes: most agencies are small (mostly zeros, a few 1–20), some medium (tens to
hundreds), a few large (thousands). 本年增/减 may be negative (2019 template);
money cells (`domain = "decimal"`) have 0–6 decimals. About 10% of the 2021-template
reports print （六）其他处理 as one row (`other_processing_total`, as 洪泽 2023/2024 do)
instead of its three sub-rows.

## Documents

`modelled/<doc_id>.txt`, `doc_id = m-<layout>-L<level>-<nnn>`: 4 layouts × 4 noise
levels × {DOCS_PER_CELL} documents, templates alternating (half 2019, half 2021).

| layout | what |
|---|---|
| `tabbed` | like the real OCR seed (`samples/yanchi-2019-seed.txt`): tab-separated cells, three label columns in table 三 with group cells (三、本年度办理结果, （三）不予公开 …) only on the first row of their group, empty cells kept as empty tab fields, blank lines between paragraphs |
| `spaced` | columns aligned with runs of spaces, one line per table row (long labels push the numbers right) |
| `cellperline` | one cell per line: header cells, then each row's label cells, then each number on its own line |
| `wrapped` | spaced layout with narrow label columns: long labels and group cells wrap onto following lines that hold only the rest of the label; the numbers sit on the first label line, on a line of their own above the label (as PDF text extraction often gives), or on the last label line; prose wrapped at ~60 columns |

Every document has title line(s), an intro paragraph, the six section headings
(canonical wording or a variant listed in the template), the column headers and
captions of the tables (第二十条第（一）项 …, the 三 note header, 四's three header
rows). Titles and headings are never noised.

## Noise model

Applied by `scripts/make_corpus.py` (class `Noise`); the rates grow with the level.
Label edits hit table row labels, group cells, captions and column headers.

| level | glyph | partial | space | thin | stray | prose | digit | letter | merge | split | lost_cell | lost_row |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
{rates}

- **glyph** (chance per label): 1–2 characters replaced by a look-alike, e.g. 息→自, 务→名, 案→安, 询→治,
  程→和, 握→据, 要→西 (read off the real seed), 掌→堂, 确→角, 获→扶, 请→清, 法→去 …, plus pairs
  with cost < 0.5 from `dictionaries/glyph_confusions.tsv` when that file exists.
- **partial** (per label): a character replaced by one of its components (请→青, 政→正, 据→居 …).
- **space / thin / stray** (per label): a space inserted; 一 or 、 dropped (never the 一 of （一）);
  a stray mark △ · ¦ inserted.
- **prose** (per paragraph line): one look-alike substitution in the prose.
- **digit** (per numeric cell): one digit changed (0↔8, 1↔7, 3↔8, 5↔6, 6↔8). The text then holds a
  WRONG number; the truth keeps the right one (a cleaner can only catch it via the identities).
- **letter** (per cell holding a 0 or 1): `O` printed for 0 or `l` for 1 inside the number.
- **merge / split** (per line): two adjacent short lines (≤ 40 columns) joined (tab in `tabbed`,
  spaces elsewhere); a line split in two at a point that is not inside a number.
- **lost_cell** (level 3, `tabbed` only; per line with an empty cell): one empty tab field dropped,
  which shifts the cells after it.
- **lost_row** (level 3 only; per document): 1–2 rows of table 二 or 三 removed entirely (label and
  numbers). The truth still lists their cells.

## Truth

- `modelled/truth/documents.csv`: `doc_id,template,agency,year,layout,level,noise`; `noise` is a
  summary such as `glyph:5;space:2;digit:1;lost_row:1` (`none` when clean).
- `modelled/truth/cells.csv`: `doc_id,table,row_id,column_id,value`, every cell of tables
  `proactive`, `requests`, `appeals` in template order (tables, rows in dictionary order, the row's
  block columns in dictionary order), the same ids and value format as `tests/truth/real/`
  (plain numbers, `-` for negative 本年增/减, decimals as printed).
  For a document without the three （六） sub-rows the row `other_processing_total` is listed instead.
- `modelled/truth/noise.csv`: `doc_id,kind,where,detail`, every noise edit (where =
  `table/row_id`, `table/@group_id`, `header/<text>`, `table/row_id/column_id` for values).
"""


def archive(n: int, dest: Path) -> None:
    """N distinct medium-noise reports (levels 1 and 2, every layout, both templates)
    in folders of 1,000 under DEST, for scripts/bench: copies of a few hundred reports
    would let a run reuse what it computed for the first copy (the alignment keeps a
    segment's scores per thread), which a real archive does not allow as often."""
    glyphs = glyph_table()
    for i in range(n):
        tid = ("2019", "2021")[i % 2]
        layout = LAYOUTS[(i // 2) % len(LAYOUTS)]
        level = 1 + (i // (2 * len(LAYOUTS))) % 2
        doc_id = f"b-{i:07d}"
        rep = rm.generate(100_000 + i, tid)
        nz = Noise(rep, level, layout, random.Random(f"gongkai-bench/v1/{doc_id}"), glyphs)
        nz.labels()
        nz.values()
        layout_rng = random.Random(f"gongkai-bench/v1/layout/{doc_id}")
        lines = nz.lines(rm.render_lines(rep, layout, layout_rng, nz.overrides))
        folder = dest / f"{i // 1000:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{doc_id}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="verify the corpus on disk instead of writing it")
    ap.add_argument("--archive", nargs=2, metavar=("N", "DIR"),
                    help="write N distinct level-1/2 reports under DIR (for scripts/bench) instead")
    a = ap.parse_args()
    if a.check:
        return check()
    if a.archive:
        archive(int(a.archive[0]), Path(a.archive[1]))
        return 0
    build()
    return 0


if __name__ == "__main__":
    sys.exit(main())
