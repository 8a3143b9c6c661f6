#!/usr/bin/env python3
"""Build dictionaries/glyph_confusions.tsv: glyph-similarity substitution costs.

Usage (from the repository root):

    python3 scripts/make_glyph_costs.py               # build the TSV, then run the checks
    python3 scripts/make_glyph_costs.py --check       # only check the TSV that is there
    python3 scripts/make_glyph_costs.py --explain 握据 掌堂   # score parts of pairs
                                                      # (label char first; none = check pairs)

Needs Python >= 3.11, Pillow, numpy, jieba (only for its dict.txt, a character
frequency prior) and the Debian fonts fonts-noto-cjk and fonts-wqy-zenhei:

    apt-get install -y fonts-noto-cjk fonts-wqy-zenhei
    pip install pillow numpy jieba

`--check` needs only the standard library. A run takes about two minutes.

Method
------
1. Characters.  LABEL characters: every Han character of the labels in
   dictionaries/templates/*.toml (keys `label`, `variants`, `header_labels` at
   any depth: sections, tables, groups, columns, rows).  CANDIDATES: GB2312
   level 1 (rows 0xB0-0xD7, 3755 characters; stands in for the 3500 常用字
   list, which is not available offline) + the Han characters of the real OCR
   seed (samples/yanchi-2019-seed.txt, a copy of
   ../shared/seed/000_dcba8a3c48a24b57.txt) + the LABEL characters.

2. Glyph images.  Every candidate is rendered in each font of FONTS at 48 px
   (grey, anti-aliased) and turned into 32x32 feature images:
     em view    the glyph at natural size, its ink-box centre put at the centre
                of a 64 px window (1.33 em), box-reduced to 32x32;
     box view   the ink box (each side widened to >= 0.30 em) stretched to the
                square, so that a component squashed inside a compound (自 in 息,
                安 in 案) lines up with the stand-alone character;
     halves     the ink box cut horizontally or vertically at a nominal fraction
                c in CUTS (0.25 ... 0.75), the cut moved within ±0.08 of the box
                to the row/column with least ink (a gap between components);
                each of the two pieces is shown in the box view.  24 pieces per
                glyph (2 orientations x 6 cuts x 2 sides), each with its share of
                the glyph's ink.
   Each image exists at two resolutions: "sharp" (32x32, Gaussian blur σ=1 px)
   and "scan" (reduced to 16x16, enlarged back bilinearly, blur σ=1 px), which
   imitates a poor scan.  Each image is made zero-mean, its component along
   the mean image of its kind over all candidates (the "average glyph", which
   otherwise makes every pair of CJK characters look alike) is projected out,
   and it is scaled to unit L2 norm; the dot product of two features is then
   their normalised cross-correlation.
       corr_F(x, y) = ( ncc_sharp(x, y) + ncc_scan(x, y) ) / 2      in font F

3. Four raw scores for a LABEL char a and a candidate b (mean over the fonts,
   so that a pair must look alike in a sans, a serif and a second sans design):
     whole    = mean_F corr_F(em a, em b)                       holistic look
     layout   = max_cut mean_F ( corr_F(piece1 a, piece1 b)
                               + corr_F(piece2 a, piece2 b) ) / 2
                same split, both pieces alike after stretching
                (握/据: 扌 = 扌 and 屋 ~ 居; 掌/堂)
     part_in  = max_piece p of a  mean_F corr_F(box p, box b)
                b looks like a PART of a, the rest being lost (息->自, 确->角,
                法->去, 出->山); pieces with 35-85 % of a's ink only
     part_out = max_piece p of b  mean_F corr_F(box p, box a)
                a looks like a part of b: the OCR added strokes (公->讼)
   Each raw score X is put on a common scale by its own distribution over all
   (LABEL, candidate) pairs, a != b:
       t_X = (X - P99.5(X)) / (P99.99(X) - P99.5(X))
   so t = 0 is the top 0.5 % of pairs for that score and t = 1 the top 0.01 %.
       s    = max( t_whole, t_layout, t_part_in - PEN_IN, min(t_part_out - 0.3, 0.4) )
   with PEN_IN = 0 (kept as a knob); part_out (strokes added) is penalised and
   capped, since OCR rarely invents a radical (申 -> 绅 must not be cheap).
       cost = 0.2 + 0.6 * exp(-1.3 * s)         if s >= 0
       cost = min(1.0, 0.8 - 0.78 * s)          if s <  0
   rounded to 2 decimals: s = 0 (top 0.5 %) -> 0.80, s = 1 (top 0.01 %) -> 0.36,
   s = 2 -> 0.24, s <= -0.26 -> 1.0, the cost of any other substitution.  The
   exponential keeps the many near-top scores of simple glyphs (十/干/千/于)
   from piling up at the floor.

4. Selection.  Glyph similarity alone ranks rare look-alikes (掘 for 握) above
   the common character an OCR engine's language model actually prints (据), so
   the K = 12 rows kept per LABEL char are the candidates with the highest
       s + 0.5 * prior(b),   prior(b) = log10(1 + f(b)) / max log10(1 + f)
   where f(b) = the sum of jieba dict.txt word frequencies over the words that
   contain b; only rows with cost <= 0.90 (s >= -0.13) are written.  The prior only chooses
   rows: the cost is the glyph score alone.

5. Output: dictionaries/glyph_confusions.tsv, UTF-8, `#` provenance lines, then
   `a<TAB>b<TAB>cost`, a = canonical (label) character, b = what the OCR may print
   instead, rows grouped by a, lowest cost first.  The table is directed: a label
   character appears as b of another only when it is among that one's nearest.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import glob
import importlib.util
import math
import os
import random
import struct
import subprocess
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATES = os.path.join(ROOT, "dictionaries", "templates")
OUT_TSV = os.path.join(ROOT, "dictionaries", "glyph_confusions.tsv")
SEED_FILES = [
    os.path.join(ROOT, "samples", "yanchi-2019-seed.txt"),
    os.path.join(os.path.dirname(ROOT), "shared", "seed", "000_dcba8a3c48a24b57.txt"),
]

# (file, family name of the face inside the collection, Debian package)
FONTS = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "fonts-noto-cjk"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", "fonts-noto-cjk"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "WenQuanYi Zen Hei", "fonts-wqy-zenhei"),
]

SIZE = 48            # px per em when rendering
CANVAS = 96          # render canvas (px)
WIN = 64             # em-view window (px), reduced to FEAT
FEAT = 32            # feature image side
SCAN = 16            # "scan" resolution
BLUR = 1.0           # Gaussian σ (px at FEAT)
MIN_BOX = 0.30       # box view: minimum side, in em
CUTS = (0.25, 0.35, 0.45, 0.55, 0.65, 0.75)
SNAP = 0.08
PART_INK = (0.35, 0.85)
LO_PCT, HI_PCT = 99.5, 99.99
PEN_IN, PEN_OUT, CAP_OUT = 0.0, 0.3, 0.4
COST0, DECAY = 0.80, 1.3
MAX_COST = 0.90
K = 12
BETA = 0.5

CHECK_PAIRS = ["息自", "案安", "询治", "要西", "程和", "务名", "握据", "掌堂", "确角",
               "获扶", "请清", "法去", "卷类", "事重", "出山"]


def is_han(c: str) -> bool:
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3134F


# ------------------------------------------------------------------ characters
def label_chars() -> list[str]:
    out: list[str] = []

    def walk(o, key=None):
        if isinstance(o, dict):
            for k, v in o.items():
                walk(v, k)
        elif isinstance(o, list):
            for v in o:
                walk(v, key)
        elif isinstance(o, str) and key in ("label", "variants", "header_labels"):
            out.append(o)

    for f in sorted(glob.glob(os.path.join(TEMPLATES, "*.toml"))):
        with open(f, "rb") as fh:
            walk(tomllib.load(fh))
    return sorted({c for s in out for c in s if is_han(c)})


def gb2312_level1() -> list[str]:
    chars = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def seed_chars() -> tuple[list[str], str | None]:
    for p in SEED_FILES:
        if os.path.exists(p):
            with open(p, encoding="utf-8") as fh:
                return sorted({c for c in fh.read() if is_han(c)}), p
    return [], None


def jieba_prior(cands):
    """log10(1 + f) / max, f = summed jieba dict.txt frequency of words holding the char."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.origin:
        raise SystemExit("needs jieba (for its dict.txt): pip install jieba")
    path = os.path.join(os.path.dirname(spec.origin), "dict.txt")
    freq: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2:
                continue
            for c in parts[0]:
                freq[c] = freq.get(c, 0) + int(parts[1])
    v = [math.log10(1 + freq.get(c, 0)) for c in cands]
    m = max(v)
    version = "?"
    try:
        from importlib.metadata import version as _v
        version = _v("jieba")
    except Exception:
        pass
    return [x / m for x in v], path, version


# ------------------------------------------------------------------ fonts
def font_version(path: str, family: str) -> str:
    """nameID 5 (version string) of the face named `family` in a .ttc/.ttf."""
    with open(path, "rb") as fh:
        data = fh.read()
    offsets = [0]
    if data[:4] == b"ttcf":
        n = struct.unpack(">I", data[8:12])[0]
        offsets = list(struct.unpack(">%dI" % n, data[12:12 + 4 * n]))
    for off in offsets:
        num = struct.unpack(">H", data[off + 4:off + 6])[0]
        tables = {}
        for i in range(num):
            tag, _, toff, tlen = struct.unpack(">4sIII", data[off + 12 + 16 * i: off + 28 + 16 * i])
            tables[tag] = (toff, tlen)
        if b"name" not in tables:
            continue
        toff, _ = tables[b"name"]
        _, count, soff = struct.unpack(">HHH", data[toff:toff + 6])
        names: dict[int, set] = {}
        for i in range(count):
            pid, eid, _, nid, ln, o = struct.unpack(">HHHHHH", data[toff + 6 + 12 * i: toff + 18 + 12 * i])
            raw = data[toff + soff + o: toff + soff + o + ln]
            if pid == 3 and eid in (1, 10):
                s = raw.decode("utf-16-be", "replace")
            elif pid == 1 and eid == 0:
                s = raw.decode("latin-1")
            else:
                continue
            names.setdefault(nid, set()).add(s)
        if family in names.get(1, set()) or family in names.get(16, set()):
            return sorted(names.get(5, {"?"}))[0]
    return "?"


def deb_version(pkg: str) -> str:
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True,
                              text=True, check=True).stdout.strip()
    except Exception:
        return "?"


def load_font(path: str, family: str):
    from PIL import ImageFont
    for i in range(32):
        try:
            f = ImageFont.truetype(path, SIZE, index=i)
        except OSError:
            break
        if f.getname()[0] == family:
            return f
    raise SystemExit(f"font {family!r} not found in {path}: "
                     "apt-get install -y fonts-noto-cjk fonts-wqy-zenhei")


# ------------------------------------------------------------------ images
def render(font, ch: str, np):
    from PIL import Image, ImageDraw
    im = Image.new("L", (CANVAS, CANVAS), 0)
    ImageDraw.Draw(im).text((CANVAS / 2, CANVAS / 2), ch, font=font, fill=255, anchor="mm")
    return np.asarray(im, dtype=np.float32) / 255.0


def feature(img, np):
    """grey image (any size) -> (2, FEAT*FEAT): sharp and scan images, raw."""
    from PIL import Image, ImageFilter
    pil = Image.fromarray((np.clip(img, 0, 1) * 255).astype(np.uint8))
    sharp = pil.resize((FEAT, FEAT), Image.BOX).filter(ImageFilter.GaussianBlur(BLUR))
    scan = (pil.resize((SCAN, SCAN), Image.BOX).resize((FEAT, FEAT), Image.BILINEAR)
            .filter(ImageFilter.GaussianBlur(BLUR)))
    return np.stack([np.asarray(x, dtype=np.float32).ravel() / 255.0 for x in (sharp, scan)])


def ink_box(mask, np):
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return None
    return int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1


def em_view(img, np):
    y0, y1, x0, x1 = ink_box(img > 0.5, np)
    pad = np.zeros((CANVAS + WIN, CANVAS + WIN), np.float32)
    pad[WIN // 2:WIN // 2 + CANVAS, WIN // 2:WIN // 2 + CANVAS] = img
    ty, tx = int(round((y0 + y1) / 2)), int(round((x0 + x1) / 2))
    return pad[ty:ty + WIN, tx:tx + WIN]


def box_view(img, np, region=None):
    """The ink box of `img` (restricted to `region`), sides >= MIN_BOX em, or None."""
    if region is not None:
        sub = np.zeros_like(img)
        y0, y1, x0, x1 = region
        sub[y0:y1, x0:x1] = img[y0:y1, x0:x1]
    else:
        sub = img
    b = ink_box(sub > 0.5, np)
    if b is None:
        return None
    y0, y1, x0, x1 = b
    m = MIN_BOX * SIZE
    if y1 - y0 < m:
        c = (y0 + y1) / 2
        y0, y1 = int(round(c - m / 2)), int(round(c + m / 2))
    if x1 - x0 < m:
        c = (x0 + x1) / 2
        x0, x1 = int(round(c - m / 2)), int(round(c + m / 2))
    o = CANVAS // 2
    pad = np.zeros((CANVAS * 2, CANVAS * 2), np.float32)
    pad[o:o + CANVAS, o:o + CANVAS] = sub
    return pad[y0 + o:y1 + o, x0 + o:x1 + o]


def pieces(img, np):
    """The 24 pieces (see module doc): list of (region or None, ink share);
    index = ((orientation * len(CUTS)) + cut) * 2 + side, side 0 = top/left."""
    mask = img > 0.5
    total = float(mask.sum())
    y0, y1, x0, x1 = ink_box(mask, np)
    rows, cols = mask.sum(axis=1), mask.sum(axis=0)
    out = []
    for vertical in (True, False):
        lo, ext, prof = (y0, y1 - y0, rows) if vertical else (x0, x1 - x0, cols)
        for c in CUTS:
            c0 = max(int(round(lo + (c - SNAP) * ext)), lo + 1)
            c1 = min(int(round(lo + (c + SNAP) * ext)), lo + ext - 1)
            if c1 < c0:
                out += [(None, 0.0), (None, 0.0)]
                continue
            cut = c0 + int(np.argmin(prof[c0:c1 + 1]))
            if vertical:
                regions = [(y0, cut, x0, x1), (cut, y1, x0, x1)]
            else:
                regions = [(y0, y1, x0, cut), (y0, y1, cut, x1)]
            for r in regions:
                out.append((r, float(mask[r[0]:r[1], r[2]:r[3]].sum()) / total))
    return out


def font_features(font, chars, np):
    """em (n,2,D), box (n,2,D), piece (n,P,2,D) raw features, piece share (n,P)."""
    n, P, D = len(chars), 4 * len(CUTS), FEAT * FEAT
    em = np.zeros((n, 2, D), np.float32)
    box = np.zeros((n, 2, D), np.float32)
    pc = np.zeros((n, P, 2, D), np.float32)
    share = np.zeros((n, P), np.float32)
    for i, ch in enumerate(chars):
        img = render(font, ch, np)
        em[i] = feature(em_view(img, np), np)
        box[i] = feature(box_view(img, np), np)
        for j, (r, sh) in enumerate(pieces(img, np)):
            v = box_view(img, np, r) if r is not None else None
            if v is not None:
                pc[i, j] = feature(v, np)
                share[i, j] = sh
    return em, box, pc, share


def centre(x, mean, np):
    """Zero-mean each image, remove its component along the (zero-meaned) mean
    image of its kind, scale to unit norm.  Projecting out (rather than
    subtracting the mean image) keeps sparse glyphs (一, 十, 人) from all looking
    alike as "minus the average glyph"."""
    x = x - x.mean(axis=-1, keepdims=True)
    m = mean - mean.mean(axis=-1, keepdims=True)
    m = m / np.maximum(np.linalg.norm(m, axis=-1, keepdims=True), 1e-6)
    x = x - (x * m).sum(axis=-1, keepdims=True) * m
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-6)


def corr(a, b):
    """(n,2,D) x (m,2,D) -> (n,m): mean of the sharp and scan correlations."""
    return 0.5 * (a[:, 0] @ b[:, 0].T + a[:, 1] @ b[:, 1].T)


def raw_scores(labels, cands, fonts, np):
    """whole, layout, part_in, part_out: (len(labels), len(cands)) each."""
    ci = {c: j for j, c in enumerate(cands)}
    L = np.array([ci[c] for c in labels])
    nL, nC, P = len(labels), len(cands), 4 * len(CUTS)
    whole = np.zeros((nL, nC), np.float32)
    layout = np.zeros((len(CUTS) * 2, nL, nC), np.float32)
    pin = np.zeros((P, nL, nC), np.float32)
    pout = np.zeros((P, nL, nC), np.float32)
    shares = np.zeros((nC, P), np.float32)
    for fi, font in enumerate(fonts):
        print(f"  font {fi + 1}/{len(fonts)}: rendering {nC} characters ...", file=sys.stderr)
        em, box, pc, share = font_features(font, cands, np)
        shares += share / len(fonts)
        em = centre(em, em.mean(axis=0), np)
        pc_slot = centre(pc, pc.mean(axis=0, keepdims=True), np)    # per-piece mean
        box_mean = box.mean(axis=0)
        box = centre(box, box_mean, np)
        pc_box = centre(pc, box_mean, np)                            # comparable to box
        whole += corr(em[L], em)
        for k in range(len(CUTS) * 2):
            for j in (2 * k, 2 * k + 1):
                layout[k] += 0.5 * corr(pc_slot[L, j], pc_slot[:, j])
        for j in range(P):
            pin[j] += corr(pc_box[L, j], box)
            pout[j] += corr(box[L], pc_box[:, j])
        del em, box, pc, pc_slot, pc_box
    nF = len(fonts)
    whole /= nF
    layout = layout.max(axis=0) / nF
    ok = (shares >= PART_INK[0]) & (shares <= PART_INK[1])             # (nC, P)
    pin = np.where(ok[L].T[:, :, None], pin / nF, -1.0).max(axis=0)
    pout = np.where(ok.T[:, None, :], pout / nF, -1.0).max(axis=0)
    return {"whole": whole, "layout": layout, "part_in": pin, "part_out": pout}


def combine(raw, not_self, np):
    t, scale = {}, {}
    for k, X in raw.items():
        lo, hi = np.percentile(X[not_self], [LO_PCT, HI_PCT])
        scale[k] = (float(lo), float(hi))
        t[k] = (X - lo) / (hi - lo)
    s = np.maximum.reduce([t["whole"], t["layout"], t["part_in"] - PEN_IN,
                           np.minimum(t["part_out"] - PEN_OUT, CAP_OUT)])
    return s, t, scale


def to_cost(s: float) -> float:
    if s >= 0:
        return 0.2 + (COST0 - 0.2) * math.exp(-DECAY * s)
    return min(1.0, COST0 - (COST0 - 0.2) * DECAY * s)


# ------------------------------------------------------------------ checks
def read_tsv(path):
    table = {}
    header = None
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if header is None:
                header = line.split("\t")
                assert header == ["a", "b", "cost"], header
                continue
            a, b, c = line.split("\t")
            assert (a, b) not in table, (a, b)
            table[(a, b)] = float(c)
            assert 0 < float(c) <= 1, line
    return table


def run_checks(path=OUT_TSV) -> list[str]:
    t = read_tsv(path)
    out = []

    def fmt(a, b):
        fw, bw = t.get((a, b)), t.get((b, a))
        return ((f"{a}->{b} {fw:.2f}" if fw is not None else f"{a}->{b} absent").ljust(12)
                + (f"({b}->{a} {bw:.2f})" if bw is not None else f"({b}->{a} absent)"))

    labels = sorted({a for a, _ in t})
    out.append(f"{os.path.relpath(path, ROOT)}: {len(t)} pairs, {len(labels)} label characters, "
               f"{os.path.getsize(path)} bytes")
    out.append("known OCR confusions (a = label char, b = OCR output):")
    found = 0
    for p in CHECK_PAIRS:
        found += (p[0], p[1]) in t
        out.append("  " + fmt(p[0], p[1]))
    out.append(f"present: {found}/{len(CHECK_PAIRS)}")
    lab = label_chars()
    known = {frozenset(p) for p in CHECK_PAIRS}
    rng = random.Random("glyph-confusions-check")
    pairs: list[tuple[str, str]] = []
    while len(pairs) < 20:
        a, b = rng.sample(lab, 2)
        if frozenset((a, b)) not in known and (a, b) not in pairs:
            pairs.append((a, b))
    bad = 0
    out.append("20 random label-char pairs (seeded; expect absent or >= 0.80):")
    for a, b in pairs:
        c = t.get((a, b))
        ok = c is None or c >= 0.8
        bad += not ok
        out.append("  " + fmt(a, b) + ("" if ok else "   <-- below 0.80"))
    out.append(f"random pairs below 0.80: {bad}/20")
    costs = sorted(t.values())
    if costs:
        q = lambda p: costs[min(len(costs) - 1, int(p * len(costs)))]
        out.append(f"cost distribution: min {costs[0]:.2f}  p10 {q(.1):.2f}  median {q(.5):.2f}  "
                   f"p90 {q(.9):.2f}  max {costs[-1]:.2f}")
    return out


# ------------------------------------------------------------------ main
def main():
    ap = argparse.ArgumentParser(description="glyph-similarity substitution costs (see module doc)")
    ap.add_argument("--check", action="store_true", help="only check the existing TSV")
    ap.add_argument("--explain", nargs="*", default=None,
                    help="print the score parts of these 2-char pairs (label char first)")
    ap.add_argument("--out", default=OUT_TSV)
    args = ap.parse_args()
    if args.check:
        print("\n".join(run_checks(args.out)))
        return

    import numpy as np
    labels = label_chars()
    gb = gb2312_level1()
    seed, seed_path = seed_chars()
    cands = sorted(set(gb) | set(seed) | set(labels))
    prior, prior_path, jieba_version = jieba_prior(cands)
    prior = np.array(prior, np.float32)
    fonts = [load_font(p, fam) for p, fam, _ in FONTS]
    print(f"{len(labels)} label characters x {len(cands)} candidates, {len(fonts)} fonts",
          file=sys.stderr)
    raw = raw_scores(labels, cands, fonts, np)
    ci = {c: j for j, c in enumerate(cands)}
    not_self = np.ones((len(labels), len(cands)), dtype=bool)
    for i, a in enumerate(labels):
        not_self[i, ci[a]] = False
    s, t, scale = combine(raw, not_self, np)
    s = np.where(not_self, s, -99.0)
    rank_score = s + BETA * prior[None, :]

    if args.explain is not None:
        li = {c: i for i, c in enumerate(labels)}
        for p in (args.explain or CHECK_PAIRS):
            a, b = p[0], p[1]
            if a not in li or b not in ci:
                print(p, "not a (label, candidate) pair")
                continue
            i, j = li[a], ci[b]
            order = np.argsort(-rank_score[i], kind="stable")
            rank = int(np.nonzero(order == j)[0][0]) + 1
            parts = " ".join(f"{k} {raw[k][i, j]:.3f}/t{t[k][i, j]:+.2f}" for k in raw)
            print(f"{a}->{b}: {parts}  s {s[i, j]:+.2f} cost {to_cost(s[i, j]):.2f} "
                  f"prior {prior[j]:.2f} rank {rank}")
            print("   nearest: " + " ".join(f"{cands[k]}{to_cost(s[i, k]):.2f}" for k in order[:K]))
        return

    rows = []
    for i, a in enumerate(labels):
        order = np.argsort(-rank_score[i], kind="stable")[:K]
        keep = []
        for j in order:
            c = round(to_cost(float(s[i, j])), 2)
            if c <= MAX_COST:
                keep.append((c, -float(s[i, j]), cands[j]))
        for c, _, b in sorted(keep):
            rows.append((a, b, c))

    today = _dt.date.today().isoformat()
    font_lines = [f"#   {fam} Regular: {p} (version {font_version(p, fam)!r}; "
                  f"Debian {pkg} {deb_version(pkg)})" for p, fam, pkg in FONTS]
    seed_rel = os.path.relpath(seed_path, ROOT) if seed_path else "none"
    head = [
        "# glyph_confusions.tsv: glyph-similarity substitution costs for OCR'd CJK label characters.",
        f"# Generated {today} by scripts/make_glyph_costs.py (method in its docstring); do not edit.",
        "# Regenerate: apt-get install -y fonts-noto-cjk fonts-wqy-zenhei; pip install pillow numpy jieba;",
        "#             python3 scripts/make_glyph_costs.py        (checks only: --check)",
        f"# a = canonical character: Han chars of the labels in dictionaries/templates/*.toml ({len(labels)});",
        "# b = what OCR may print instead; cost = substitution cost for a weighted edit distance",
        "#     (any pair not listed costs 1.0, like an ordinary substitution).",
        f"# b drawn from: GB2312 level 1 ({len(gb)}) + Han chars of {seed_rel} ({len(seed)})",
        f"#     + the label chars = {len(cands)} candidates.",
        f"# Fonts, rendered at {SIZE} px grey:",
        *font_lines,
        f"# Images: {FEAT}x{FEAT}, 'sharp' (blur σ={BLUR}px) and 'scan' (via {SCAN}x{SCAN}, blur σ={BLUR}px);",
        "#   zero-mean, mean image of each kind projected out, unit norm; corr_F = (ncc_sharp + ncc_scan)/2 in font F.",
        f"#   em = natural size, centred; box = ink box (sides >= {MIN_BOX} em) stretched to the square;",
        f"#   pieces = ink box cut across or along at {list(CUTS)} (±{SNAP}, snapped to least ink).",
        "# Formula (means over the 3 fonts):",
        "#   whole    = mean_F corr_F(em a, em b)",
        "#   layout   = max_cut mean_F (corr_F(piece1 a, piece1 b) + corr_F(piece2 a, piece2 b))/2",
        f"#   part_in  = max over pieces p of a ({int(PART_INK[0]*100)}-{int(PART_INK[1]*100)}% of the ink) "
        "of mean_F corr_F(box p, box b)   (rest of a lost)",
        "#   part_out = max over pieces p of b (same) of mean_F corr_F(box p, box a)   (strokes added)",
        f"#   t_X  = (X - P{LO_PCT}(X)) / (P{HI_PCT}(X) - P{LO_PCT}(X)) over all label x candidate pairs:",
        *[f"#          {k}: P{LO_PCT} = {lo:.4f}, P{HI_PCT} = {hi:.4f}" for k, (lo, hi) in scale.items()],
        f"#   s    = max(t_whole, t_layout, t_part_in - {PEN_IN}, min(t_part_out - {PEN_OUT}, {CAP_OUT}))",
        f"#   cost = 0.2 + {COST0 - 0.2:.1f}*exp(-{DECAY}*s) if s >= 0, else min(1, {COST0} - {(COST0 - 0.2) * DECAY:.2f}*s);"
        " 2 decimals",
        f"#          (s = 0 -> {COST0}, s = 1 -> {to_cost(1):.2f}, s = 2 -> {to_cost(2):.2f}; s <= {-(1 - COST0) / ((COST0 - 0.2) * DECAY):.2f} -> 1.0)",
        f"# Kept: per a, the {K} candidates with the highest s + {BETA}*prior(b), if cost <= {MAX_COST};",
        f"#   prior(b) = log10(1+f)/max, f = summed word frequency of b in jieba {jieba_version} dict.txt",
        "#   (the prior only selects rows, the cost is glyph-only). Rows: by a, lowest cost first.",
        f"# {len(rows)} rows.",
    ]
    with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(head) + "\n")
        fh.write("a\tb\tcost\n")
        for a, b, c in rows:
            fh.write(f"{a}\t{b}\t{c:.2f}\n")
    print(f"wrote {args.out}: {len(rows)} rows", file=sys.stderr)
    print("\n".join(run_checks(args.out)))


if __name__ == "__main__":
    main()
