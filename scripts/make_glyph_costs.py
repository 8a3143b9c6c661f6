#!/usr/bin/env python3
"""Build dictionaries/glyph_confusions.tsv: glyph-similarity substitution costs.

Usage (from the repository root):

    python3 scripts/make_glyph_costs.py            # build the TSV, then run the checks
    python3 scripts/make_glyph_costs.py --check    # only check the TSV that is there
    python3 scripts/make_glyph_costs.py --explain 息自   # print the score parts of pairs

Needs Python >= 3.11, Pillow, numpy and the Debian fonts
fonts-noto-cjk and fonts-wqy-zenhei:

    apt-get install -y fonts-noto-cjk fonts-wqy-zenhei
    pip install pillow numpy

`--check` needs only the standard library.

What it does
------------
1. LABEL characters: every Han character of the labels in
   dictionaries/templates/*.toml (keys `label`, `variants`, `header_labels` at any
   depth: sections, tables, groups, columns, rows).
   CANDIDATE characters: GB2312 level 1 (rows 0xB0-0xD7, 3755 characters; used
   in place of the 3500 常用字 list, which is not available offline) + the Han
   characters of the real OCR seed (samples/yanchi-2019-seed.txt, a copy of
   ../shared/seed/000_dcba8a3c48a24b57.txt) + the LABEL characters.
2. Every character is rendered with each font of FONTS at 48 px (grey,
   anti-aliased), and turned into 32x32 feature images in two ways:
     em view   the glyph at its natural size, translated so that the centre of
               its ink box is the centre of a 64x64 window (1.33 em), box-reduced
               to 32x32;
     box view  the ink box (each side widened to at least 0.30 em, centred)
               stretched to 32x32, so that a component that is squashed inside
               a compound (自 in 息, 安 in 案) lines up with the stand-alone glyph.
   Each view exists at two resolutions: "sharp" (32x32, Gaussian blur σ=1 px)
   and "scan" (reduced to 12x12, enlarged back to 32x32 bilinearly, blur σ=1 px),
   which imitates a poor scan.  A feature is the image with its mean removed,
   scaled to unit L2 norm, so the dot product of two features is their Pearson
   correlation (normalised cross-correlation) r in [-1, 1].

   Parts.  For a glyph g, part(g) is the set of sub-images obtained by cutting
   its ink box on one side (keep top / bottom / left / right) at a nominal
   fraction f in {0.35, 0.45, 0.55, 0.65, 0.75} of the box, the cut moved (within
   ±0.08 of the box) to the row/column with the least ink so that it falls in a
   gap between components; a part is kept only if it holds 15-85 % of the
   glyph's ink.  Each part is shown in the box view.

3. Scores, for a LABEL character a and a candidate b (a != b):
     corr_F(x, y)  = ( r_sharp + r_scan ) / 2 in font F
     whole(a,b)    = mean_F corr_F(em a, em b)                      (holistic)
     part_in(a,b)  = max_{p in part(a)}  mean_F corr_F(box p, box b)
                     (b looks like a PART of a: the rest of a was lost, 息 -> 自)
     part_out(a,b) = max_{p in part(b)}  mean_F corr_F(box p, box a)
                     (a looks like a part of b: OCR added strokes, 山 -> 出)
     sim(a,b)      = max( whole, part_in - 0.05, part_out - 0.10 )
   The means over fonts (not max) keep a pair only when it is similar in a
   sans, a serif and a second sans design, not by accident of one font.

   Calibration.  Over all (LABEL, candidate) pairs, sim has a large body of
   unrelated pairs; LO = its 99.5th percentile and HI = 0.93 (about what
   near-identical pairs such as 请/清 reach).  Then
     cost(a,b) = clip( 1 - 0.8 * (sim - LO) / (HI - LO), 0.2, 1.0 )
   rounded to 2 decimals: sim <= LO (99.5 % of all pairs) costs 1.0 like any
   substitution, near-identical glyphs cost 0.2.  Rows are kept when
   cost <= MAX_COST (0.85), at most K = 12 per LABEL character, nearest first.
   Both LO and the formula are written into the TSV header.

4. Output: dictionaries/glyph_confusions.tsv, UTF-8, `#` comment lines
   (provenance), then `a<TAB>b<TAB>cost`; a = canonical (label) character,
   b = what the OCR may print instead.  The table is not symmetric: a label
   character shows up as b of another label character only when it is among
   that character's nearest.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import glob
import os
import random
import shlex
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
FRACS = (0.35, 0.45, 0.55, 0.65, 0.75)
SNAP = 0.08
PART_INK = (0.15, 0.85)
PEN_IN = 0.05
PEN_OUT = 0.10
HI = 0.93
LO_PCT = 99.5
MAX_COST = 0.85
K = 12

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
            rec = data[off + 12 + 16 * i: off + 28 + 16 * i]
            tag, _, toff, tlen = struct.unpack(">4sIII", rec)
            tables[tag] = (toff, tlen)
        if b"name" not in tables:
            continue
        toff, _ = tables[b"name"]
        _, count, soff = struct.unpack(">HHH", data[toff:toff + 6])
        names = {}
        for i in range(count):
            pid, eid, lid, nid, ln, o = struct.unpack(
                ">HHHHHH", data[toff + 6 + 12 * i: toff + 18 + 12 * i])
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
    raise SystemExit(f"font {family!r} not found in {path}: apt-get install -y fonts-noto-cjk fonts-wqy-zenhei")


# ------------------------------------------------------------------ rendering
def render(font, ch: str):
    import numpy as np
    from PIL import Image, ImageDraw
    im = Image.new("L", (CANVAS, CANVAS), 0)
    ImageDraw.Draw(im).text((CANVAS / 2, CANVAS / 2), ch, font=font, fill=255, anchor="mm")
    return np.asarray(im, dtype=np.float32) / 255.0


def _feature(img, np):
    """grey image (any size) -> (sharp, scan) unit-norm zero-mean feature vectors."""
    from PIL import Image, ImageFilter
    pil = Image.fromarray((np.clip(img, 0, 1) * 255).astype(np.uint8))
    sharp = pil.resize((FEAT, FEAT), Image.BOX).filter(ImageFilter.GaussianBlur(BLUR))
    scan = (pil.resize((SCAN, SCAN), Image.BOX).resize((FEAT, FEAT), Image.BILINEAR)
            .filter(ImageFilter.GaussianBlur(BLUR)))
    return [np.asarray(x, dtype=np.float32).ravel() / 255.0 for x in (sharp, scan)]


def centre(x, mean, np):
    """Remove the mean glyph image, scale to unit norm (in place shape (n,2,D))."""
    x = x - mean[None]
    n = np.linalg.norm(x, axis=2, keepdims=True)
    return x / np.maximum(n, 1e-6)


def ink_box(mask, np):
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return None
    return ys.min(), ys.max() + 1, xs.min(), xs.max() + 1


def em_view(img, np):
    box = ink_box(img > 0.5, np)
    y0, y1, x0, x1 = box
    cy, cx = (y0 + y1) / 2, (x0 + x1) / 2
    pad = np.zeros((CANVAS + WIN, CANVAS + WIN), np.float32)
    pad[WIN // 2:WIN // 2 + CANVAS, WIN // 2:WIN // 2 + CANVAS] = img
    ty, tx = int(round(cy)), int(round(cx))
    return pad[ty:ty + WIN, tx:tx + WIN]


def box_view(img, np, box=None):
    """Crop `img` to the ink box (of the region `box`), sides >= MIN_BOX em."""
    if box is None:
        box = (0, img.shape[0], 0, img.shape[1])
    sub = np.zeros_like(img)
    y0, y1, x0, x1 = box
    sub[y0:y1, x0:x1] = img[y0:y1, x0:x1]
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
    pad = np.zeros((CANVAS * 2, CANVAS * 2), np.float32)
    o = CANVAS // 2
    pad[o:o + CANVAS, o:o + CANVAS] = sub
    return pad[y0 + o:y1 + o, x0 + o:x1 + o]


def parts(img, np):
    """Boxes (y0, y1, x0, x1) of the part regions of a glyph (see module doc)."""
    mask = img > 0.5
    total = mask.sum()
    b = ink_box(mask, np)
    if b is None or total == 0:
        return []
    y0, y1, x0, x1 = b
    h, w = y1 - y0, x1 - x0
    rows = mask.sum(axis=1)
    cols = mask.sum(axis=0)
    out = []
    seen = set()
    for side in ("top", "bottom", "left", "right"):
        vertical = side in ("top", "bottom")
        lo, ext, prof = (y0, h, rows) if vertical else (x0, w, cols)
        for f in FRACS:
            nominal = f if side in ("top", "left") else 1 - f
            c0 = int(round(lo + (nominal - SNAP) * ext))
            c1 = int(round(lo + (nominal + SNAP) * ext))
            c0, c1 = max(c0, lo + 1), min(c1, lo + ext - 1)
            if c1 <= c0:
                continue
            cut = c0 + int(np.argmin(prof[c0:c1 + 1]))
            if side == "top":
                r = (y0, cut, x0, x1)
            elif side == "bottom":
                r = (cut, y1, x0, x1)
            elif side == "left":
                r = (y0, y1, x0, cut)
            else:
                r = (y0, y1, cut, x1)
            if r in seen:
                continue
            share = mask[r[0]:r[1], r[2]:r[3]].sum() / total
            if PART_INK[0] <= share <= PART_INK[1]:
                seen.add(r)
                out.append(r)
    return out


def features(chars, fonts, with_parts):
    """Per font: em (n, 2, D), box (n, 2, D), and if with_parts the part features
    (m, 2, D) with owner index (m,) and the part boxes are shared across fonts
    by being recomputed per font (cuts follow each design)."""
    import numpy as np
    res = []
    for font in fonts:
        em = np.zeros((len(chars), 2, FEAT * FEAT), np.float32)
        bx = np.zeros_like(em)
        pf, owner, pdesc = [], [], []
        for i, ch in enumerate(chars):
            img = render(font, ch)
            em[i] = _feature(em_view(img, np), np)
            bx[i] = _feature(box_view(img, np), np)
            if with_parts:
                for j, r in enumerate(parts(img, np)):
                    pf.append(_feature(box_view(img, np, r), np))
                    owner.append(i)
                    pdesc.append(r)
        res.append(dict(em=em, box=bx,
                        part=np.array(pf, np.float32).reshape(-1, 2, FEAT * FEAT),
                        owner=np.array(owner, np.int64), pdesc=pdesc))
    return res


def corr(a, b, np):
    """(n,2,D) x (m,2,D) -> (n,m): mean of sharp and scan correlations."""
    return 0.5 * (a[:, 0] @ b[:, 0].T + a[:, 1] @ b[:, 1].T)


def part_max(featsP, featsB, np, n_owner):
    """max over parts p of owner o of mean_F corr_F(p, b) -> (n_owner, m).

    Parts are matched across fonts by their order inside a glyph would be
    fragile (cuts differ per design), so the font mean is taken per part *slot*
    (side, fraction) only when it exists; otherwise we take, per font, the max
    over that glyph's parts and then the mean over fonts."""
    acc = None
    for fp, fb in zip(featsP, featsB):
        c = corr(fp["part"], fb, np)                      # (parts, m)
        m = np.full((n_owner, c.shape[1]), -1.0, np.float32)
        np.maximum.at(m, fp["owner"], c)
        acc = m if acc is None else acc + m
    return acc / len(featsP)


def compute(labels, cands, fonts):
    import numpy as np
    print(f"rendering {len(labels)} label and {len(cands)} candidate characters "
          f"with {len(fonts)} fonts ...", file=sys.stderr)
    FL = features(labels, fonts, True)
    FC = features(cands, fonts, True)
    nF = len(fonts)
    for f in range(nF):
        m_em = FC[f]["em"].mean(axis=0)
        m_box = FC[f]["box"].mean(axis=0)
        for F in (FL[f], FC[f]):
            F["em"] = centre(F["em"], m_em, np)
            F["box"] = centre(F["box"], m_box, np)
            F["part"] = centre(F["part"], m_box, np)
    whole = sum(corr(FL[f]["em"], FC[f]["em"], np) for f in range(nF)) / nF
    part_in = part_max(FL, [FC[f]["box"] for f in range(nF)], np, len(labels))
    part_out = part_max(FC, [FL[f]["box"] for f in range(nF)], np, len(cands)).T
    return whole, part_in, part_out


def calibrate(sim, mask, np):
    lo = float(np.percentile(sim[mask], LO_PCT))
    return lo


def to_cost(s, lo):
    c = 1.0 - 0.8 * (s - lo) / (HI - lo)
    return min(1.0, max(0.2, c))


# ------------------------------------------------------------------ checks
def read_tsv(path):
    table = {}
    with open(path, encoding="utf-8") as fh:
        header = None
        for line in fh:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if header is None:
                header = line.split("\t")
                assert header == ["a", "b", "cost"], header
                continue
            a, b, c = line.split("\t")
            table[(a, b)] = float(c)
    return table


def run_checks(path=OUT_TSV) -> list[str]:
    t = read_tsv(path)
    out = []
    def fmt(a, b):
        fw = t.get((a, b))
        bw = t.get((b, a))
        return (f"{a}->{b} {fw:.2f}" if fw is not None else f"{a}->{b} absent") + "  " + \
               (f"({b}->{a} {bw:.2f})" if bw is not None else f"({b}->{a} absent)")
    size = os.path.getsize(path)
    labels = sorted({a for a, _ in t})
    out.append(f"{path}: {len(t)} pairs, {len(labels)} label characters, {size} bytes")
    out.append("known confusions (a = label char, b = OCR output):")
    for p in CHECK_PAIRS:
        out.append("  " + fmt(p[0], p[1]))
    lab = label_chars()
    known = {frozenset(p) for p in CHECK_PAIRS}
    rng = random.Random("glyph-confusions-check")
    pairs = []
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
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only check the existing TSV")
    ap.add_argument("--explain", nargs="*", default=None,
                    help="print score parts for these 2-character pairs (label char first)")
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
    fonts = [load_font(p, fam) for p, fam, _ in FONTS]
    whole, part_in, part_out = compute(labels, cands, fonts)
    sim = np.maximum(whole, np.maximum(part_in - PEN_IN, part_out - PEN_OUT))
    ci = {c: j for j, c in enumerate(cands)}
    not_self = np.ones_like(sim, dtype=bool)
    for i, a in enumerate(labels):
        not_self[i, ci[a]] = False
    lo = calibrate(sim, not_self, np)
    print(f"LO (p{LO_PCT} of sim) = {lo:.4f}", file=sys.stderr)

    if args.explain is not None:
        li = {c: i for i, c in enumerate(labels)}
        pairs = args.explain or CHECK_PAIRS
        for p in pairs:
            a, b = p[0], p[1]
            if a not in li or b not in ci:
                print(p, "not in sets")
                continue
            i, j = li[a], ci[b]
            order = np.argsort(-np.where(not_self[i], sim[i], -9))
            rank = int(np.nonzero(order == j)[0][0]) + 1
            print(f"{a}/{b}: whole {whole[i,j]:.3f} part_in {part_in[i,j]:.3f} "
                  f"part_out {part_out[i,j]:.3f} sim {sim[i,j]:.3f} cost {to_cost(sim[i,j], lo):.2f} "
                  f"rank {rank}; top: " + " ".join(
                      f"{cands[k]}{to_cost(sim[i,k], lo):.2f}" for k in order[:K]))
        return

    rows = []
    for i, a in enumerate(labels):
        s = np.where(not_self[i], sim[i], -9.0)
        order = np.argsort(-s, kind="stable")[:K]
        for j in order:
            c = round(to_cost(float(s[j]), lo), 2)
            if c <= MAX_COST:
                rows.append((a, cands[j], c))

    today = _dt.date.today().isoformat()
    font_lines = []
    for (p, fam, pkg) in FONTS:
        font_lines.append(f"#   {fam} Regular, {p} (face version {font_version(p, fam)!r}; "
                          f"Debian {pkg} {deb_version(pkg)})")
    seed_rel = os.path.relpath(seed_path, ROOT) if seed_path else "none"
    head = [
        "# glyph_confusions.tsv: glyph-similarity substitution costs for OCR'd CJK labels.",
        f"# Generated {today} by scripts/make_glyph_costs.py; do not edit by hand.",
        "# Regenerate: apt-get install -y fonts-noto-cjk fonts-wqy-zenhei && pip install pillow numpy",
        "#             && python3 scripts/make_glyph_costs.py   (check only: --check)",
        "# a = canonical label character (Han chars of dictionaries/templates/*.toml labels,",
        f"#     {len(labels)} chars); b = what OCR may print instead; cost = substitution cost in",
        "#     a weighted edit distance (1.0 = any other substitution; absent pair = 1.0).",
        f"# Candidates b: GB2312 level 1 ({len(gb)}) + Han chars of {seed_rel} ({len(seed)})",
        f"#     + the label chars: {len(cands)} chars.",
        f"# Fonts (rendered at {SIZE} px, grey):",
        *font_lines,
        f"# Features: {FEAT}x{FEAT} images, mean removed, unit norm; 'sharp' = blur σ={BLUR}px,",
        f"#     'scan' = reduced to {SCAN}x{SCAN} and enlarged back, blur σ={BLUR}px;",
        "#     corr_F(x,y) = (r_sharp + r_scan)/2, r = Pearson correlation, in font F.",
        f"#     em view = glyph at natural size centred on its ink box in a {WIN}px window;",
        f"#     box view = ink box (sides >= {MIN_BOX} em) stretched to the square.",
        f"#     part(g) = g's ink box cut on one side (top/bottom/left/right) at f in {list(FRACS)}",
        f"#     (cut moved within ±{SNAP} to the least-ink row/column), parts holding "
        f"{int(PART_INK[0]*100)}-{int(PART_INK[1]*100)}% of the ink.",
        "# Formula:",
        "#   whole    = mean_F corr_F(em a, em b)",
        "#   part_in  = max_{p in part(a)} mean_F corr_F(box p, box b)   (b = a with a part lost)",
        "#   part_out = max_{p in part(b)} mean_F corr_F(box p, box a)   (b = a with strokes added)",
        f"#   sim  = max(whole, part_in - {PEN_IN}, part_out - {PEN_OUT})",
        f"#   cost = clip(1 - 0.8*(sim - LO)/(HI - LO), 0.2, 1.0), LO = {lo:.4f} "
        f"(p{LO_PCT} of sim over all label x candidate pairs), HI = {HI}",
        f"# Kept: the {K} highest-sim candidates per label char with cost <= {MAX_COST}, "
        f"nearest first. {len(rows)} rows.",
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
