#!/usr/bin/env python3
"""Build the OCR-like sample reports in samples/ and their golden files.

Usage (from the repository root):

    python3 scripts/make_samples.py

Python >= 3.11, standard library only. Every run writes byte-identical files:
all randomness comes from `random.Random(<fixed string>)`, one per sample.

For each sample it writes
  samples/<stem>.txt                  the OCR-like report text,
  tests/golden/<stem>.truth.csv       what a perfect cleaner must output
                                      (`table,row_id,column_id,value`),
  tests/golden/<stem>.noise.md        every noise edit that was made,
and it also writes samples/README.md and copies the real OCR seed
(../shared/seed/000_dcba8a3c48a24b57.txt) to samples/yanchi-2019-seed.txt when
that file is there.

Inputs, all inside the repository:
  tests/truth/real/NNN_*.truth.csv    hand-checked cell values of the real reports,
  dictionaries/templates/{2019,2021}.toml   canonical row, column and group labels.
The prose of sections 一, 五 and 六 is copied from the real reports
(../shared/corpus/real/, see SOURCES.md there) into PROSE at the end of this file,
so the script does not need ../shared to run.

Noise model. Only labels and headers are changed, never a number, except for
exactly one `0` written as the letter `O` per sample and, in the 淮安 sample, one
`1` written as the letter `l`. The label edits imitate what the real OCR seed
shows (../shared/seed/000_dcba8a3c48a24b57.txt, e.g. `5.属于三类内 部重名位自`
for 5.属于三类内部事务信息, `4.保护第三方 △涉切关`, `3.危及“三安全 稳定”`,
`(四)无 法提供`, header `社会公共` for 社会公益组织):
  * 1–2 characters replaced by a look-alike or partial glyph (CONFUSIONS) in
    about a third of the table-三 row labels,
  * a space inside a few labels (and inside one group cell),
  * a thin character (一 or 、) dropped from a few labels,
  * a stray mark (△ · ¦) added to a couple of labels,
  * per-sample header edits (split words, one near-miss word), see SAMPLES.
A self-check at the end asserts that, for every table row, the number tokens
found in that row's stretch of text are exactly the truth values in order
(with the O/l cells mapped back), and that the golden CSV equals the truth.
"""
from __future__ import annotations

import csv
import io
import random
import re
import shutil
import sys
import tomllib
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRUTH_DIR = ROOT / "tests" / "truth" / "real"
GOLDEN_DIR = ROOT / "tests" / "golden"
SAMPLES_DIR = ROOT / "samples"
TEMPLATES_DIR = ROOT / "dictionaries" / "templates"
SEED_SRC = ROOT.parent / "shared" / "seed" / "000_dcba8a3c48a24b57.txt"
SEED_DST = SAMPLES_DIR / "yanchi-2019-seed.txt"

# --------------------------------------------------------------------------
# Glyph confusions: canonical character -> what OCR printed instead.
# "seed" pairs are read off the real OCR seed (000_dcba8a3c48a24b57.txt), where
# e.g. 事务信息 came out as 重名位自, 过程性 as 过和性, 案卷 as 安类, 查询事项 as
# 查治重违, 不掌握 as 不掌据, 需要另行 as 重西只行, 内容仍 as 由空化, 出版物 as
# 山版物, 大量 as 士昌, 确认或 as 确认式. "brief" pairs were listed in the task
# that asked for these samples; "added" pairs are further look-alikes / partial
# glyphs of the same kind.
CONFUSIONS: dict[str, tuple[str, str]] = {
    "息": ("自", "seed"),
    "务": ("名", "seed"),
    "程": ("和", "seed"),
    "案": ("安", "seed"),
    "卷": ("类", "seed"),
    "询": ("治", "seed"),
    "事": ("重", "seed"),
    "项": ("违", "seed"),
    "握": ("据", "seed"),
    "需": ("重", "seed"),
    "要": ("西", "seed"),
    "另": ("只", "seed"),
    "内": ("由", "seed"),
    "容": ("空", "seed"),
    "仍": ("化", "seed"),
    "出": ("山", "seed"),
    "大": ("士", "seed"),
    "量": ("昌", "seed"),
    "或": ("式", "seed"),
    "掌": ("堂", "brief"),
    "确": ("角", "brief"),
    "获": ("扶", "brief"),
    "请": ("清", "brief"),
    "法": ("去", "brief"),
    "理": ("里", "added"),
    "保": ("呆", "added"),
    "供": ("共", "added"),
    "访": ("方", "added"),
    "复": ("夏", "added"),
    "现": ("见", "added"),
}
STRAY_MARKS = ["△", "·", "¦"]

# Per-sample header edits: canonical header text -> text printed. "\n" means
# the header cell is printed over two lines. Kinds are for noise.md.
SAMPLES = [
    {
        "stem": "huaian-2024-tabbed",
        "truth": "009_huaian-szf-2024.truth.csv",
        "template": "2021",
        "layout": "tabbed",
        "source": ("009_huaian-szf-2024.txt", "淮安市人民政府 2024年政府信息公开工作年度报告"),
        "agency": "淮安市人民政府",
        "title": "2024 年政府信息公开工作年度报告",
        "headings": {"problems": "五、存在的主要问题及改进情况"},
        "letter_l": True,
        "headers": {
            "第二十条第（一）项": ("第二十条 第（一）项", "space inside a caption (as in 009's PDF text)"),
            "商业企业": ("商业 企业", "split word"),
            "社会公益组织": ("社会公共", "near-miss word (the seed's own misreading)"),
            "法律服务机构": ("法律服务 机构", "split word"),
            "结果维持": ("结 果 维 持", "spaced letters (seed table 四 style)"),
            "结果纠正": ("结 果 纠 正", "spaced letters (seed table 四 style)"),
            "尚未审结": ("尚 未 审 结", "spaced letters (seed table 四 style)"),
        },
    },
    {
        "stem": "hongze-2023-spaced",
        "truth": "010_hongze-qzf-2023.truth.csv",
        "template": "2021",
        "layout": "spaced",
        "source": ("010_hongze-qzf-2023.txt", "洪泽区人民政府 2023年政府信息公开工作年度报告"),
        "agency": "洪泽区人民政府",
        "title": "2023 年政府信息公开工作年度报告",
        "headings": {"problems": "五、存在的主要问题及改进情况"},
        "letter_l": False,
        "headers": {
            "商业企业": ("商业\n企业", "split over two lines"),
            "科研机构": ("科研\n机构", "split over two lines"),
            "社会公益组织": ("社会公益\n组织", "split over two lines"),
            "法律服务机构": ("法津服务\n机构", "split over two lines + near-miss glyph 律→津"),
            "结果维持": ("结果\n维持", "split over two lines"),
            "结果纠正": ("结果\n纠正", "split over two lines"),
            "其他结果": ("其他\n结果", "split over two lines"),
            "尚未审结": ("尚未\n审结", "split over two lines"),
        },
    },
    {
        "stem": "pingtan-2021-cellperline",
        "truth": "004_pingtan-2021.truth.csv",
        "template": "2021",
        "layout": "cellperline",
        "source": ("004_pingtan-2021.txt", "平潭综合实验区 2021年度政府信息公开工作年度报告"),
        "agency": "平潭综合实验区",
        "title": "2021年度政府信息公开工作年度报告",
        "headings": {"problems": "五、存在的主要问题及改进情况"},
        "letter_l": False,
        "headers": {
            "自然人": ("自然入", "near-miss glyph 人→入"),
            "商业企业": ("商业 企业", "split word"),
            "社会公益组织": ("社会公益\n组织", "split over two lines"),
            "尚未审结": ("尚未 审结", "split word"),
        },
    },
    {
        "stem": "shanghai-2019-tabbed",
        "truth": "001_shanghai-szfbgt-2019.truth.csv",
        "template": "2019",
        "layout": "tabbed",
        "source": ("001_shanghai-szfbgt-2019.html", "上海市人民政府办公厅 2019年政府信息公开工作年度报告"),
        "agency": "上海市人民政府办公厅",
        "title": "2019 年度政府信息公开工作年度报告",
        "headings": {"problems": "五、政府信息公开工作存在的主要问题及改进情况"},
        "letter_l": False,
        "headers": {
            "本年新制作数量": ("本年新\n制作数量", "split over two lines (001 has 本年新<br />制作数量)"),
            "本年新公开数量": ("本年新\n公开数量", "split over two lines (001 has 本年新<br />公开数量)"),
            "科研机构": ("科研 机构", "split word"),
            "社会公益组织": ("社会公益\n组织", "split over two lines"),
            "法律服务机构": ("法律服务机关", "near-miss word 机构→机关"),
            "未经复议直接起诉": ("未经复议 直接起诉", "split word"),
            "复议后起诉": ("复议后 起诉", "split word"),
        },
    },
]

NUM_TOKEN = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?|O|l)(?![\w.])")
PREFIX = re.compile(r"^(?:\d\.|[一二三四]、|（[一二三四五六七]）)")


# -------------------------------------------------------------------- loading
def load_template(tid: str) -> dict:
    with open(TEMPLATES_DIR / f"{tid}.toml", "rb") as f:
        return tomllib.load(f)


def load_truth(name: str) -> list[tuple[str, str, str, str]]:
    with open(TRUTH_DIR / name, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["table", "row_id", "column_id", "value"], name
    return [tuple(r) for r in rows[1:]]


class Report:
    """Truth cells of one report, with the dictionary's labels."""

    def __init__(self, cfg: dict):
        self.cfg = cfg
        self.tpl = load_template(cfg["template"])
        self.cells = load_truth(cfg["truth"])
        self.value = {(t, r, c): v for t, r, c, v in self.cells}
        # ordered rows per table, ordered columns per row
        self.rows: dict[str, list[str]] = {}
        self.cols: dict[tuple[str, str], list[str]] = {}
        for t, r, c, _ in self.cells:
            self.rows.setdefault(t, [])
            if r not in self.rows[t]:
                self.rows[t].append(r)
            self.cols.setdefault((t, r), []).append(c)
        self.tables = {t["id"]: t for t in self.tpl["tables"]}
        self.row_def: dict[tuple[str, str], dict] = {}
        self.block_of: dict[tuple[str, str], dict] = {}
        for tid, t in self.tables.items():
            for b in t["blocks"]:
                for r in b["rows"]:
                    self.row_def[(tid, r["id"])] = r
                    self.block_of[(tid, r["id"])] = b
        self.sections = {s["id"]: s["label"] for s in self.tpl["sections"]}
        self.sections.update(cfg["headings"])

    def group_label(self, tid: str, gid: str) -> str:
        for g in self.tables[tid]["groups"]:
            if g["id"] == gid:
                return g["label"]
        raise KeyError(gid)

    def group_parent(self, tid: str, gid: str) -> str | None:
        for g in self.tables[tid]["groups"]:
            if g["id"] == gid:
                return g.get("parent")
        return None


# ---------------------------------------------------------------------- noise
def dw(s: str) -> int:
    """Display width: wide/full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def split_prefix(label: str) -> tuple[str, str]:
    m = PREFIX.match(label)
    p = m.group(0) if m else ""
    return p, label[len(p):]


class Noise:
    """All noise decisions for one sample, and the log for noise.md."""

    def __init__(self, rep: Report):
        self.rep = rep
        self.rng = random.Random("gongkai-samples/v1/" + rep.cfg["stem"])
        self.labels: dict[str, str] = {}  # table-三 row id -> printed label
        self.group_labels: dict[str, str] = {}  # table-三 group id -> printed label
        self.log_rows: list[str] = []
        self.log_groups: list[str] = []
        self.letter_cells: dict[tuple[str, str, str], str] = {}
        self._label_noise()
        self._letters()

    def _label_noise(self) -> None:
        rep, rng = self.rep, self.rng
        rows = rep.rows["requests"]
        canon = {r: rep.row_def[("requests", r)]["label"] for r in rows}
        out = dict(canon)
        kinds: dict[str, str] = {}

        # 1. glyph confusions in about a third of the rows
        eligible = [r for r in rows if any(ch in CONFUSIONS for ch in split_prefix(canon[r])[1])]
        n_sub = round(len(rows) / 3)
        for r in sorted(rng.sample(eligible, n_sub), key=rows.index):
            p, body = split_prefix(canon[r])
            pos = [i for i, ch in enumerate(body) if ch in CONFUSIONS]
            k = min(len(pos), rng.choice([1, 2]))
            chosen = sorted(rng.sample(pos, k))
            b = list(body)
            for i in chosen:
                b[i] = CONFUSIONS[body[i]][0]
            out[r] = p + "".join(b)
            pairs = ", ".join(f"{body[i]}→{CONFUSIONS[body[i]][0]} ({CONFUSIONS[body[i]][1]})" for i in chosen)
            kinds[r] = f"glyph confusion: {pairs}"
        remaining = [r for r in rows if r not in kinds]

        # 2. a thin character (一 or 、) dropped from two labels
        # (、 anywhere but first, 一 only after the numbering: never （一）→（）)
        def thin_pos(lab: str) -> list[int]:
            n = len(split_prefix(lab)[0])
            return [i for i, ch in enumerate(lab) if (ch == "、" and i > 0) or (ch == "一" and i >= n)]

        cands = [r for r in remaining if thin_pos(canon[r])]
        for r in sorted(rng.sample(cands, min(2, len(cands))), key=rows.index):
            lab = canon[r]
            pos = thin_pos(lab)
            i = rng.choice(pos)
            out[r] = lab[:i] + lab[i + 1:]
            kinds[r] = f"thin character dropped: {lab[i]}"
        remaining = [r for r in rows if r not in kinds]

        # 3. a space inside three labels
        cands = [r for r in remaining if len(split_prefix(canon[r])[1]) >= 3]
        for r in sorted(rng.sample(cands, 3), key=rows.index):
            p, body = split_prefix(canon[r])
            k = rng.randint(1, len(body) - 1)
            out[r] = p + body[:k] + " " + body[k:]
            kinds[r] = "space inserted"
        remaining = [r for r in rows if r not in kinds]

        # 4. a stray mark in two labels
        for r in sorted(rng.sample(remaining, 2), key=rows.index):
            p, body = split_prefix(canon[r])
            k = rng.randint(1, len(body))
            mark = rng.choice(STRAY_MARKS)
            if rng.random() < 0.5:
                mark = " " + mark
            out[r] = p + body[:k] + mark + body[k:]
            kinds[r] = f"stray mark added: {mark.strip()}"

        self.labels = out
        for r in rows:
            if r in kinds:
                self.log_rows.append(f"- `{r}`: `{canon[r]}` → `{out[r]}` ({kinds[r]})")

        # 5. one sub-group cell gets a space after its first body character
        present = []
        for r in rows:
            g = rep.row_def[("requests", r)].get("group")
            if g and rep.group_parent("requests", g) == "results" and g not in present:
                present.append(g)
        g = rng.choice(present)
        lab = rep.group_label("requests", g)
        p, body = split_prefix(lab)
        self.group_labels[g] = p + body[:1] + " " + body[1:]
        self.log_groups.append(f"- group `{g}`: `{lab}` → `{self.group_labels[g]}` (space inserted, seed style `(四)无 法提供`)")

    def _letters(self) -> None:
        rep, rng = self.rep, self.rng
        zeros = [(t, r, c) for t, r, c, v in rep.cells if v == "0"]
        self.letter_cells[rng.choice(zeros)] = "O"
        if rep.cfg["letter_l"]:
            ones = [(t, r, c) for t, r, c, v in rep.cells if v == "1"]
            self.letter_cells[rng.choice(ones)] = "l"

    # ---- accessors used by the renderers
    def cell(self, t: str, r: str, c: str) -> str:
        return self.letter_cells.get((t, r, c), self.rep.value[(t, r, c)])

    def row_values(self, t: str, r: str) -> list[str]:
        return [self.cell(t, r, c) for c in self.rep.cols[(t, r)]]

    def label(self, t: str, r: str) -> str:
        if t == "requests":
            return self.labels[r]
        return self.rep.row_def[(t, r)]["label"]

    def group(self, g: str) -> str:
        return self.group_labels.get(g, self.rep.group_label("requests", g))

    def header(self, text: str) -> str:
        return self.rep.cfg["headers"].get(text, (text, ""))[0]


# ------------------------------------------------------------- table models
def t3_label_cells(rep: Report, nz: Noise) -> list[tuple[str, list[str]]]:
    """Table 三 rows as (row_id, [label col 1, col 2, col 3]); group cells only
    on the first row of their group."""
    out = []
    seen: set[str] = set()
    for r in rep.rows["requests"]:
        g = rep.row_def[("requests", r)].get("group")
        lab = nz.label("requests", r)
        if g is None:
            cells = [lab, "", ""]
        elif g == "results":
            c1 = "" if "results" in seen else nz.group("results")
            cells = [c1, lab, ""]
        else:
            c1 = "" if "results" in seen else nz.group("results")
            c2 = "" if g in seen else nz.group(g)
            cells = [c1, c2, lab]
        if g is not None:
            seen.add("results")
            seen.add(g)
        out.append((r, cells))
    return out


def t3_columns(rep: Report) -> list[dict]:
    return rep.tables["requests"]["blocks"][0]["columns"]


def t4_columns(rep: Report) -> list[dict]:
    return rep.tables["appeals"]["blocks"][0]["columns"]


def t2_blocks(rep: Report) -> list[dict]:
    return rep.tables["proactive"]["blocks"]


# ------------------------------------------------------------------ tabbed
def tab_rows(cells_rows: list[list[str]]) -> list[str]:
    """Tab-join rows; a cell with '\\n' puts its tail on an extra line below,
    in the same column."""
    lines = []
    for cells in cells_rows:
        heads = [c.split("\n")[0] for c in cells]
        lines.append("\t".join(heads))
        if any("\n" in c for c in cells):
            lines.append("\t".join(c.split("\n", 1)[1] if "\n" in c else "" for c in cells))
    return lines


def render_tabbed(rep: Report, nz: Noise) -> list[str]:
    H = nz.header
    out: list[str] = []

    # table 二: label + 3 value columns (4 fields)
    t2: list[list[str]] = []
    for b in t2_blocks(rep):
        cap = rep.group_label("proactive", b["group"])
        t2.append([H(cap), "", "", ""])
        heads = [H("信息内容")] + [H(c["label"]) for c in b["columns"]]
        t2.append(heads + [""] * (4 - len(heads)))
        for r in b["rows"]:
            vals = nz.row_values("proactive", r["id"])
            t2.append([nz.label("proactive", r["id"])] + vals + [""] * (3 - len(vals)))
    sec2 = tab_rows(t2)

    # table 三: 3 label columns + 7 value columns
    cols = t3_columns(rep)
    note, applicant = rep.tables["requests"]["header_labels"]
    legal = rep.group_label("requests", "legal_persons")
    h = [
        [H(note), "", "", H(applicant)] + [""] * 6,
        ["", "", "", H(cols[0]["label"]), H(legal), "", "", "", "", H(cols[6]["label"])],
        ["", "", "", ""] + [H(c["label"]) for c in cols[1:6]] + [""],
    ]
    body = [cells + nz.row_values("requests", r) for r, cells in t3_label_cells(rep, nz)]
    sec3 = tab_rows(h + body)

    # table 四: three header rows, then one row of 15 numbers
    c4 = t4_columns(rep)
    names = [H(c["label"]) for c in c4]
    h4 = [
        [H("行政复议")] + [""] * 4 + [H("行政诉讼")] + [""] * 9,
        names[:5] + [H("未经复议直接起诉")] + [""] * 4 + [H("复议后起诉")] + [""] * 4,
        [""] * 5 + names[5:],
        nz.row_values("appeals", "all"),
    ]
    sec4 = tab_rows(h4)
    return assemble(rep, sec2, sec3, sec4, blank_between=True)


# ------------------------------------------------------------------ spaced
def pad(s: str, w: int) -> str:
    return s + " " * max(0, w - dw(s))


def rpad(s: str, w: int) -> str:
    return " " * max(0, w - dw(s)) + s


def center(s: str, w: int) -> str:
    space = max(0, w - dw(s))
    return " " * (space // 2) + s + " " * (space - space // 2)


def cut(s: str, w: int) -> tuple[str, str]:
    """Split s so that the head is at most w display columns wide."""
    acc = 0
    for i, ch in enumerate(s):
        acc += dw(ch)
        if acc > w:
            return s[:i], s[i:]
    return s, ""


SP_COL = [20, 18, 24]  # widths of the three label columns of table 三
SP_LABEL = sum(SP_COL) + 2  # numbers start here
SP_VAL = 10  # width of one value column of table 三


def render_spaced(rep: Report, nz: Noise) -> tuple[list[str], list[str]]:
    """Returns (lines, wrap log)."""
    H = nz.header
    wraps: list[str] = []

    # table 二
    sec2: list[str] = []
    for b in t2_blocks(rep):
        sec2.append(H(rep.group_label("proactive", b["group"])))
        line = pad(H("信息内容"), 22) + "".join(rpad(H(c["label"]), 16) for c in b["columns"])
        sec2.append(line.rstrip())
        for r in b["rows"]:
            vals = nz.row_values("proactive", r["id"])
            sec2.append((pad(nz.label("proactive", r["id"]), 22) + "".join(rpad(v, 16) for v in vals)).rstrip())

    # table 三 header: the note wraps inside the label area, value headers in
    # 10-wide columns, split headers over two lines
    cols = t3_columns(rep)
    note, applicant = rep.tables["requests"]["header_labels"]
    n1, n2 = cut(H(note), SP_LABEL - 2)
    legal = H(rep.group_label("requests", "legal_persons"))
    parts = [H(c["label"]).split("\n") for c in cols[1:6]]
    sec3 = [
        (pad(n1, SP_LABEL) + center(H(applicant), SP_VAL * 7)).rstrip(),
        (pad(n2, SP_LABEL) + center(H(cols[0]["label"]), SP_VAL) + center(legal, SP_VAL * 5)
         + center(H(cols[6]["label"]), SP_VAL)).rstrip(),
        (" " * (SP_LABEL + SP_VAL) + "".join(center(p[0], SP_VAL) for p in parts)).rstrip(),
    ]
    if any(len(p) > 1 for p in parts):
        sec3.append((" " * (SP_LABEL + SP_VAL) + "".join(center(p[1] if len(p) > 1 else "", SP_VAL) for p in parts)).rstrip())
    if n2:
        wraps.append(f"- table 三 header note wrapped: `{n1}` / `{n2}`")

    for r, cells in t3_label_cells(rep, nz):
        vals = nz.row_values("requests", r)
        # the row label sits in the first non-empty label column and may span
        # the columns to its right
        k = 0 if cells[1] == "" and cells[2] == "" else (1 if cells[2] == "" else 2)
        start = sum(SP_COL[:k])
        avail = SP_LABEL - 2 - start
        lab = cells[k]
        head, rest = cut(lab, avail)
        left = ""
        for j in range(k):
            left += pad(cells[j], SP_COL[j])
        line = pad(left + head, SP_LABEL) + "".join(rpad(v, SP_VAL) for v in vals)
        sec3.append(line.rstrip())
        if rest:
            sec3.append(" " * start + rest)
            wraps.append(f"- `{r}` wrapped: `{head}` / `{rest}` (numbers on the first line)")

    # table 四: 15 columns of width 6, two-line headers
    W = 6
    c4 = [H(c["label"]).split("\n") for c in t4_columns(rep)]
    sec4 = [
        (center(H("行政复议"), W * 5) + center(H("行政诉讼"), W * 10)).rstrip(),
        ("".join(center(p[0], W) for p in c4[:5]) + center(H("未经复议直接起诉"), W * 5)
         + center(H("复议后起诉"), W * 5)).rstrip(),
        ("".join(center(p[1] if len(p) > 1 else "", W) for p in c4[:5])
         + "".join(center(p[0], W) for p in c4[5:])).rstrip(),
        (" " * (W * 5) + "".join(center(p[1] if len(p) > 1 else "", W) for p in c4[5:])).rstrip(),
        "".join(rpad(v, W) for v in nz.row_values("appeals", "all")).rstrip(),
    ]
    return assemble(rep, sec2, sec3, sec4, blank_between=False), wraps


# ------------------------------------------------------------- cell per line
def render_cellperline(rep: Report, nz: Noise) -> list[str]:
    H = nz.header
    out2: list[str] = []
    for b in t2_blocks(rep):
        out2 += H(rep.group_label("proactive", b["group"])).split("\n")
        out2 += H("信息内容").split("\n")
        for c in b["columns"]:
            out2 += H(c["label"]).split("\n")
        for r in b["rows"]:
            out2.append(nz.label("proactive", r["id"]))
            out2 += nz.row_values("proactive", r["id"])

    cols = t3_columns(rep)
    note, applicant = rep.tables["requests"]["header_labels"]
    out3: list[str] = []
    for h in [note, applicant, cols[0]["label"], rep.group_label("requests", "legal_persons"), cols[6]["label"]]:
        out3 += H(h).split("\n")
    for c in cols[1:6]:
        out3 += H(c["label"]).split("\n")
    for r, cells in t3_label_cells(rep, nz):
        out3 += [c for c in cells if c]
        out3 += [v for v in nz.row_values("requests", r) if v != ""]

    out4: list[str] = []
    c4 = t4_columns(rep)
    for h in ["行政复议", "行政诉讼"] + [c["label"] for c in c4[:5]] + ["未经复议直接起诉", "复议后起诉"] + [c["label"] for c in c4[5:]]:
        out4 += H(h).split("\n")
    out4 += nz.row_values("appeals", "all")
    return assemble(rep, out2, out3, out4, blank_between=False)


# ------------------------------------------------------------------ document
def assemble(rep: Report, sec2: list[str], sec3: list[str], sec4: list[str], blank_between: bool) -> list[str]:
    prose = PROSE[rep.cfg["key"]]
    S = rep.sections
    parts: list[list[str]] = [
        [rep.cfg["agency"]],
        [rep.cfg["title"]],
        prose["intro"],
        [S["overview"]],
        prose["s1"],
        [S["proactive"]],
        sec2,
        [S["requests"]],
        sec3,
        [S["appeals"]],
        sec4,
        [S["problems"]],
        prose["s5"],
        [S["other"]],
        prose["s6"],
    ]
    lines: list[str] = []
    if blank_between:
        # seed look: a blank line first, then every paragraph, heading and
        # table followed by a blank line; table rows are kept together
        lines.append("")
        for p in parts:
            if p is sec2 or p is sec3 or p is sec4:
                lines += p + [""]
            else:
                for para in p:
                    lines += [para, ""]
        while lines[-1] == "":
            lines.pop()
    else:
        for p in parts:
            lines += p
    return lines


# ---------------------------------------------------------------- self-check
def self_check(rep: Report, nz: Noise, text: str) -> None:
    """For every table row: the number tokens in the stretch of text from the
    row's label to the next row's label are exactly the truth values of its
    non-empty cells, in order (O and l only at the recorded cells)."""
    S = rep.sections
    pos = {k: text.index(S[k] + "\n") for k in ["proactive", "requests", "appeals", "problems"]}
    regions = {
        "proactive": (pos["proactive"], pos["requests"]),
        "requests": (pos["requests"], pos["appeals"]),
        "appeals": (pos["appeals"], pos["problems"]),
    }
    for t, (a, z) in regions.items():
        region = text[a + len(S[t]):z]
        rows = rep.rows[t]
        anchors = []
        cur = 0
        for r in rows:
            if t == "appeals":
                anchors.append(0)
                continue
            lab = nz.label(t, r)
            first = lab[:4]
            i = region.index(first, cur)
            anchors.append(i)
            cur = i + len(first)
        anchors.append(len(region))
        for k, r in enumerate(rows):
            seg = region[anchors[k]:anchors[k + 1]]
            got = NUM_TOKEN.findall(seg)
            want = [nz.cell(t, r, c) for c in rep.cols[(t, r)] if rep.value[(t, r, c)] != ""]
            assert got == want, (rep.cfg["stem"], t, r, got, want)
            for c in rep.cols[(t, r)]:
                shown, true = nz.cell(t, r, c), rep.value[(t, r, c)]
                if shown != true:
                    assert (shown, true) in (("O", "0"), ("l", "1")), (t, r, c, shown, true)
        # nothing but these tokens in the table region
        total = sum(1 for r in rows for c in rep.cols[(t, r)] if rep.value[(t, r, c)] != "")
        assert len(NUM_TOKEN.findall(region)) == total, (rep.cfg["stem"], t)
    letters = [t for t in NUM_TOKEN.findall(text) if t in ("O", "l")]
    assert sorted(letters) == sorted(nz.letter_cells.values()), (rep.cfg["stem"], letters)


# -------------------------------------------------------------------- output
def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def golden_csv(rep: Report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["table", "row_id", "column_id", "value"])
    for cell in rep.cells:
        w.writerow(cell)
    return buf.getvalue()


def noise_md(rep: Report, nz: Noise, wraps: list[str]) -> str:
    cfg = rep.cfg
    L = [
        f"# Noise in `samples/{cfg['stem']}.txt`",
        "",
        f"Generated by `python3 scripts/make_samples.py` (random seed `gongkai-samples/v1/{cfg['stem']}`).",
        f"Source: `../shared/corpus/real/{cfg['source'][0]}` ({cfg['source'][1]}); values from "
        f"`tests/truth/real/{cfg['truth']}`; template {cfg['template']}; layout: {cfg['layout']}.",
        f"Expected output: `tests/golden/{cfg['stem']}.truth.csv` (identical to the real truth file).",
        "",
        "## Table 三 row labels (canonical → printed)",
        "",
        *nz.log_rows,
        "",
        "## Table 三 group cells",
        "",
        *nz.log_groups,
        "",
        "## Column headers and captions (canonical → printed, every occurrence)",
        "",
    ]
    for canon, (shown, kind) in cfg["headers"].items():
        L.append(f"- `{canon}` → `{shown.replace(chr(10), '⏎')}` ({kind}; ⏎ = line break)" if "\n" in shown
                 else f"- `{canon}` → `{shown}` ({kind})")
    L += ["", "## Letters for digits (table,row_id,column_id: printed → value)", ""]
    for (t, r, c), ch in nz.letter_cells.items():
        L.append(f"- `{t},{r},{c}`: `{ch}` → `{rep.value[(t, r, c)]}`")
    L += ["", "Every other number is printed exactly as in the truth."]
    if cfg["stem"].startswith("shanghai"):
        L.append("The 11 cells whose truth value is empty (blank 总计 of result rows) are empty tab fields.")
    if wraps:
        L += ["", "## Layout (not noise): wrapped labels", ""] + wraps
    return "\n".join(L) + "\n"


README = """# Samples

OCR-like 政府信息公开工作年度报告 texts for trying and testing `gongkai`.

| file | what it is | from | template | expected output |
|---|---|---|---|---|
| `yanchi-2019-seed.txt` | **real** OCR output of 盐池县政府办公室 2019年度政府信息公开工作年度报告, unchanged copy of `../shared/seed/000_dcba8a3c48a24b57.txt` (tab-separated cells, garbled labels, misaligned rows) | the seed | 2019 | hand-checked separately; no golden file here |
| `huaian-2024-tabbed.txt` | generated; tab-separated tables laid out like the seed: three label columns (group cells such as `三、本年度办理结果`, `（三）不予公开` only on the first row of their group), 7 value columns; table 四 as three header rows then one row of 15 numbers | `../shared/corpus/real/009_huaian-szf-2024.txt` (SOURCES.md: 淮安市人民政府 2024, `zxj6827111-blip/govnianbao` `szfgs2024.pdf`) | 2021 | `tests/golden/huaian-2024-tabbed.truth.csv` |
| `hongze-2023-spaced.txt` | generated; space-aligned columns (numbers separated by runs of spaces), headers over two lines, long labels wrapped onto a second line that holds only the rest of the label; （六）其他处理 is a single row, as in the source | `../shared/corpus/real/010_hongze-qzf-2023.txt` (SOURCES.md: 洪泽区人民政府 2023, `zxj6827111-blip/KIROGOVCOMPARE` `sample_pdfs_v1/hzq2023_working.pdf`) | 2021 (single （六）) | `tests/golden/hongze-2023-spaced.truth.csv` |
| `pingtan-2021-cellperline.txt` | generated; one cell per line (header cells, then each row's label cells and then each of its numbers on its own line) | `../shared/corpus/real/004_pingtan-2021.txt` (SOURCES.md: 平潭综合实验区 2021, `changwu/pingtan-gov-zwgk-archive`) | 2021 | `tests/golden/pingtan-2021-cellperline.truth.csv` |
| `shanghai-2019-tabbed.txt` | generated; tab layout with the 2019 rows (single （六）其他处理 row; table 二 in its five blocks with the 2019 column headers); the 11 blank 总计 cells of the source are empty tab fields | `../shared/corpus/real/001_shanghai-szfbgt-2019.html` (SOURCES.md: 上海市人民政府办公厅 2019) | 2019 | `tests/golden/shanghai-2019-tabbed.truth.csv` |

The generated files are written by

```sh
python3 scripts/make_samples.py
```

(Python ≥ 3.11, standard library only, fixed random seeds: a re-run gives
byte-identical files). Each generated sample has:

- the title lines, the prose of sections 一, 五 and 六 copied from its source
  report, the six section headings, and the three tables with the hand-checked
  values of `tests/truth/real/<source>.truth.csv`;
- canonical labels from `dictionaries/templates/{2019,2021}.toml` with modelled
  OCR noise on labels and headers only (look-alike glyphs such as 息→自,
  务→名, 案→安 read off the seed, spaces inside labels, a dropped 一 or 、, stray
  △ · ¦ marks, split header words, one near-miss header word);
- exactly one `0` printed as the letter `O` (and, in the 淮安 sample, one `1`
  printed as the letter `l`): the cleaner must repair and log these;
- `tests/golden/<stem>.truth.csv`: what a perfect cleaner must output (same
  header `table,row_id,column_id,value`; the O/l cells hold their digit);
- `tests/golden/<stem>.noise.md`: the list of every noise edit made.

No cells or rows are dropped and no numbers are merged or split; that kind of
noise is left for later work.
"""


def main() -> int:
    SAMPLES_DIR.mkdir(parents=True, exist_ok=True)
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for cfg in SAMPLES:
        cfg["key"] = cfg["stem"].split("-")[0]
        rep = Report(cfg)
        nz = Noise(rep)
        wraps: list[str] = []
        if cfg["layout"] == "tabbed":
            lines = render_tabbed(rep, nz)
        elif cfg["layout"] == "spaced":
            lines, wraps = render_spaced(rep, nz)
        else:
            lines = render_cellperline(rep, nz)
        text = "\n".join(lines) + "\n"
        self_check(rep, nz, text)
        golden = golden_csv(rep)
        with open(TRUTH_DIR / cfg["truth"], encoding="utf-8", newline="") as f:
            assert golden == f.read(), cfg["stem"]
        write(SAMPLES_DIR / f"{cfg['stem']}.txt", text)
        write(GOLDEN_DIR / f"{cfg['stem']}.truth.csv", golden)
        write(GOLDEN_DIR / f"{cfg['stem']}.noise.md", noise_md(rep, nz, wraps))
        print(f"wrote samples/{cfg['stem']}.txt ({len(rep.cells)} cells)")
    write(SAMPLES_DIR / "README.md", README)
    if SEED_SRC.exists():
        shutil.copyfile(SEED_SRC, SEED_DST)
        print(f"copied {SEED_SRC} -> samples/{SEED_DST.name}")
    elif not SEED_DST.exists():
        print(f"warning: {SEED_SRC} not found and {SEED_DST} missing", file=sys.stderr)
    return 0


# --------------------------------------------------------------------- prose
# Copied from ../shared/corpus/real/ (see SOURCES.md there): 淮安 009 (PDF lines
# joined into paragraphs, page footers left out), 洪泽 010 (PDF lines kept as
# printed, page footers left out), 平潭 004 (the crawler's one-line body split
# at its （一）…（五） sub-headings), 上海 001 (HTML paragraphs, a selection).
PROSE = {
    'huaian': {
        'intro': [
            '本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》（国令第 711 号）（以下简称《条例》）规定编制。报告所列统计期限自 2024 年 1 月 1 日至 2024 年 12 月 31 日。如对本报告有疑问，请与淮安市人民政府办公室联系（地址：淮安市翔宇南道 1 号，邮编：223001，电话：0517-83605210，电子邮箱：hazwgkc@163.com）。',
        ],
        's1': [
            '2024 年，我市坚持以习近平新时代中国特色社会主义思想为指导，认真学习宣传贯彻党的二十大和二十届二中、三中全会精神，按照党中央国务院、省委省政府决策部署和市委工作要求，严格落实《中华人民共和国政府信息公开条例》各项规定，圆满完成了各项任务。',
            '（一）主动公开情况。2024 年，市政府网站主动公开各类政府信息 5500 余条，全年新增公开市政府规章 1 件、市政府及市政府办政策性文件 11 件，通过文字、图片等形式制作政策解读21 个，制作《淮安市人民政府公报》6 期。紧紧围绕保障民生、深化改革、科技创新等工作主线，组织召开了“春节前后服务企业用工和促进返乡人员就业创业专项活动”“建设‘四最’一流营商环境高质量推进产业发展”“加快建设长三角北部重要产业科技创新高地的若干政策”等新闻发布会 12 场，努力传递政府声音、宣传政策法规、回应舆论关切。',
            '（二）依申请公开情况。定期对政府信息公开申请集中的领域和热点问题进行研判，探索从源头上解决实际问题。着力强化与申请人的直接沟通，准确了解申请人诉求，提高答复的及时性和针对性。2024 年，全市共受理政府信息公开申请 3119 件，答复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到下年度答复），均在法定期限内予以答复。政府信息公开行政复议 351件，其中结果维持 72 件，结果纠正 64 件，其他结果 178 件，尚未审结 37 件；政府信息公开行政诉讼 46 件，其中结果维持 25件，结果纠正 5 件，其他结果 9 件，尚未审结 7 件。',
            '（三）政府信息管理情况。在政府网站、政务新媒体、政府公报等公开平台发布信息时，坚持“先审查、后公开”“一事一审”工作原则，规范审查程序，建立健全重要事项公开保密审查协调机制，落实政府信息公开属性源头认定机制，加强政府信息源头管理工作。对政务公开平台已公开信息进行梳理，优化主动公开目录，着力为群众提供看得懂、找得到、用得上的政府信息公开服务。系统性排查全市各地各部门政务服务网办事指南、表格样表、在线申请等与群众密切相关服务事项，并不断修改完善，积极构建权威、便捷、高效的一体化互联网政务服务平台。',
            '（四）政府信息公开平台建设情况。进一步优化政务公开专栏设置，省市联动制作“全力巩固和增强经济回升向好态势”“推动大规模设备更新和消费品以旧换新”等专题专栏。在日常读网巡查的基础上，定期对政府信息公开栏目进行检查，将栏目不更新、政策解读不通俗易懂、互动咨询不回应等问题列入重点检查范围。深入开展防治政务新媒体“指尖上的形式主义”工作，聚焦解决政务新媒体开而少用、更新不及时、不互动不回应、表述不规范等新老问题。截至目前，全市在运维政务新媒体共计 95个，在省办 2024 年四个季度政务新媒体检查抽查中，合格率均为 100%。',
            '（五）政府信息公开监督保障情况。根据省政务公开年度和季度监测指标，全年组织 4 次政府信息公开栏目全覆盖检查，并出具各县区、各部门政务公开评估分报告。在日常巡查的基础上，按季度开展政务新媒体专项检查，针对突出问题和日常共性问题，及时督促整改。针对具体问题，创新开展调研式培训、过堂式培训，不断提高全市政务公开工作人员的工作能力和水平。',
        ],
        's5': [
            '对照上级新要求和公众新期待，还有一些需要加强和改进的地方。主要表现在：一是政策解读质量仍需提升，个别单位政策解读内容简单、形式单一；二是政务公开队伍建设还需进一步加强，个别单位存在人员配备不足、兼职多、流动性过快的问题。',
            '针对存在问题，下一步，我市将着力加强政策解读质效，重点提升解读的针对性和通俗化，探索建立政社合作、多元参与的政策宣传解读模式，开发更多可读、可视、可感的政策解读产品，积极回应企业和群众的实际需求；建立健全“传帮带”机制，对新上岗人员开展“面对面、手把手”指导，定期组织业务培训，全面提升政务公开工作队伍水平，同时加强先进典型宣传和正面激励，增强队伍凝聚力。',
        ],
        's6': [
            '2024 年，市政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费 3940 元。',
        ],
    },
    'hongze': {
        'intro': [
            '本报告由淮安市洪泽区人民政府办公室根据《中华人民共和',
            '国政府信息公开条例》（国令第 711 号）（以下简称《条例》）',
            '要求编制此报告。报告中所列数据统计期限自 2023 年 1 月 1 日',
            '起至 2023 年 12 月 31 日止。如对本报告有疑问，请与淮安市洪',
            '泽区人民政府办公室联系（地址：淮安市洪泽区洪泽湖大道 90',
            '号 ， 邮 编 ： 223100 ， 电 话 ： 0517-87222589 ， 电 子 邮 箱 ：',
            'hzzwgk@126.com）。',
        ],
        's1': [
            '2023 年，洪泽区人民政府坚持以习近平新时代中国特色社会',
            '主义思想为指导，全面贯彻落实《条例》相关规范要求，不断完',
            '善政府信息公开制度，建立健全政府信息公开保障机制，始终将',
            '政务公开工作摆在重要位置，推进政府信息公开工作规范、有序、',
            '健康发展 。',
            '（一）主动公开情况。主要通过政府门户网站主动公开政府',
            '文件、项目审批、通知公告等各类政府信息。2023 年，我区在政',
            '府网站平台主动公开政府信息 1136 条。',
            '（二）依申请公开情况。进一步规范依申请公开流程，畅通',
            '依申请公开受理渠。2023 年全区受理政府信息公开申请 21 件，',
            '均在法定期限答复。',
            '（三）政府信息管理情况。',
            '加强区政府门户网站及政务新媒体日常管理，运用第三方检',
            '测平台实行常态化监测，执行信息审核发布制度。严格执行“分',
            '级审核、先审后发”程序，落实“三审三校”制度，从严从实把',
            '好政治关、法律关、政策关、保密关、文字关，未经审核的信息',
            '一律不准发布。',
            '（四）政府信息公开平台建设情况。加强对区政府网站、政',
            '务新媒体动态全面监管，按照管理标准定期检查，及时关停整合',
            '用户关注度低、更新不及时、无力运维的新媒体账号，将相关功',
            '能进行集约整合。同时对存在未及时更新、空白栏目、不良链接',
            '等问题进行严格督查，确保公开信息及时准确规范。',
            '（五）政府信息公开监督保障情况。进一步细化分解政府门',
            '户网站和政务新媒体内容保障责任单位，形成工作清单，做到任',
            '务具体、责任明确，确保政府门户网站和政务新媒体工作有序开',
            '展。继续加强对政府网站和政务新媒体的日常维护监管，建立政',
            '府网站日常监测机制。',
        ],
        's5': [
            '2023 年，洪泽区政府信息公开工作取得一定的成效，但对照',
            '上级要求，仍存在一定差距。如依申请公开工作规范性还有待提',
            '高、政务公开内容的深度和广度还有待提升、政务公开队伍建设',
            '有待加强等。针对存在问题，下一步，将切实抓好以下工作：一',
            '是扎实推进依申请公开工作，全面梳理和优化工作流程、健全工',
            '作机制、强化部门协同配合，全面提升政府信息依申请公开规范',
            '化、专业化水平。二是围绕区委区政府中心工作，进一步梳理明',
            '确政务公开的重点领域，继续优化政务公开、政策解读、关切回',
            '应等工作。三是继续加强业务指导培训。实行政府信息公开工作',
            '人员跟班学习制度，不断提高各单位政府信息公开工作人员的思',
            '想认识和业务工作水平。',
        ],
        's6': [
            '2023 年，区政府严格落实《政府信息公开信息处理费管理办',
            '法》，全年收取政府信息公开信息处理费 0 元。',
        ],
    },
    'pingtan': {
        'intro': [
            '根据《中华人民共和国政府信息公开条例》（以下简称《条例》）、《福建省人民政府办公厅关于编制公布2021年政府信息公开工作年度报告有关事项的通知》等文件要求，我区编制完成了本报告。本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、因政府信息公开申请行政复议、提起行政诉讼的情况、政府信息公开工作存在的主要问题及改进情况和其他需要报告的事项等六个部分。本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。本报告的电子版可在平潭综合实验区党工委管委会政府门户网站（www.pingtan.gov.cn）的“政府信息公开专栏”中下载。如对本报告有任何疑问，请与平潭综合实验区政府信息公开工作领导小组办公室联系。联系地址：平潭综合实验区北厝金井湾片区管委会大楼主楼14层；邮编：350400；电话/传真：0591-23165370。',
        ],
        's1': [
            '2021年，我区以习近平新时代中国特色社会主义思想为指导，全面贯彻党的十九大和十九届历次全会精神，立足新发展阶段、贯彻新发展理念、构建新发展格局，坚持以人民为中心深化政务公开，紧紧围绕省里各项工作部署及实验区中心工作，聚焦企业和群众关注关切，不断拓展重点领域信息公开的广度与深度，强化政策发布解读服务，努力推动政府决策和管理服务更加透明规范，为服务全区经济社会发展、优化营商环境提供了重要保障，助力服务型政府建设。',
            '（一）主动公开方面。按照“公开为常态，不公开为例外”的要求，推行“应公开尽公开”“应上网尽上网”，积极主动公开各领域政府信息。全年主动公开我区各级单位政府信息2645条，主要通过政府网站、政务新媒体、办公场所的LED屏及宣传栏、《平潭时报》、电视广播等媒介进行公开。围绕重点领域深化信息公开：做好各类规划主动公开，发布了实验区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要、文化发展规划（2021-2035）、村庄规划等专项规划，展示了定位准确、统一衔接的规划体系；推进监管执法信息公开,通过微信公众号发布20680批次农产品抽检情况；加强决策预公开信息公开。召开68海里景区观光区收费标准定价听证会并将相关信息上网公开。及时回应社会关切，推出20期《问政平潭之有事您说》等相关栏目，直面社会各界群众提出的实际问题，及时回复办理情况；根据《平潭综合实验区管委会办公室关于加强政府门户网站政策文件解读发布工作的通知》（岚综管办便函〔2021〕39号），按照“谁起草谁解读，应解读尽解读”的原则，落实“同步起草、同步审签、同步发布”机制，对29项涉及群众切身利益、重大公共利益、需广泛知晓的重要政策文件进行解读。',
            '（二）依申请公开方面。我区高度重视依申请公开工作的办理，按照《条例》指导各单位完善和更新受理工作流程和内容，加强案例指导，规范答复文书格式。组织各单位学习省财政厅《关于做好政府信息公开信息处理费收入收缴管理有关事项的通知》（闽财非税函〔2021〕1号），要求各单位依法落实信息处理费有关规定。坚持第一时间登记受理、第一时间转送承办单位和第一时间回复申请的“三个一”工作机制，对疑难申请采取专题会的方式，组织相关部门会商探讨，提升答复的针对性、规范性和严谨性。本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。',
            '（三）政府信息管理方面。一是加强组织领导。全区政府信息公开单位均明确一名分管领导和一名经办人员，负责政府信息公开工作，确保公开信息的收集、审核、发布到位。二是规范审核审核发布机制。落实政府信息发布审核制度，认真做好政府信息保密审查，严把政治关、法律关、政策关、保密关、文字关、意识形态关。三是不断创新工作方法。不断改造升级OA系统与门户网站，探索OA系统电子化公文与门户网站实时交互，实现主动公开的电子公文自动上网发布。',
            '（四）平台载体建设方面。按照《国务院办公厅秘书局关于印发政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》《平潭综合实验区政府网站与政务新媒体管理暂行办法》等要求，不断调整优化政府网站与政务新媒体栏目设置，规范政府网站与政务新媒体运维，先后关停未进行规范管理的政务新媒体2个。依托省政务新媒体监管服务平台，对全区政务新媒体的更新周期、内容等进行监管。加强全区政府网站与政务新媒体日常监测，及时将监测发现的问题反馈给责任单位进行整改。',
            '（五）监督保障方面。常态化开展督查检查，组织4次季度政务公开检查，并将检查发现的问题通报全区。细化年度政务公开考核标准，制定考核细则，切实发挥考核促进工作的良性作用。引入第三方评估公司，对全区政务公开工作及各政务公开单位工作情况进行评估，以评估促提升，切实提升我区政务公开质效。',
        ],
        's5': [
            '（一）存在的主要问题:政策解读形式不够丰富，未能充分运用数字化、图表图解等方式通俗易懂地解读政策文件。政务公开质量水平有待提高，政务公开渠道有限，在利用政务新媒体开展宣传方面还难以满足群众需要。',
            '（二）改进措施：一是丰富政策解读形式，做到政务公开精准、生动、全方位、多形式，注重对政策背景、出台目的、重要举措内涵等方面进行解读，提升政策解读质量。二是加强重点政务信息管理，及时优化调整完善公开内容和方式，强化重点领域信息公开，主动及时公开规划计划、财政预决算、重大项目、重大民生等方面信息。三是拓宽公开载体和渠道，扩大政务公开的范围和内容，坚持线上与线下相结合，充分发挥政府网站和政务新媒体作用。',
        ],
        's6': [
            '2021年，无收取信息处理费情况。',
        ],
    },
    'shanghai': {
        'intro': [
            '本年度报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）的要求编制，全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、因政府信息公开工作被申请行政复议和提起行政诉讼情况、政府信息公开工作存在的主要问题及改进情况及其他需要报告的事项。本年度报告中所列数据统计期限从2019年1月1日到12月31日止。本年度报告电子版可从“中国上海”门户网站（www.shanghai.gov.cn）下载。',
        ],
        's1': [
            '2019年，上海市人民政府办公厅坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻习近平总书记考察上海重要讲话精神，严格落实党中央、国务院关于全面推进政务公开工作的部署，全面落实《条例》要求，围绕市委、市政府中心工作，聚焦社会公众需求，不断提高政府工作透明度，切实提升人民群众获得感和满意度。',
            '（一）主动公开方面',
            '2019年，通过“中国上海”门户网站、《上海市人民政府公报》等平台主动公开规章13件，行政规范性文件60件，市政府其他文件162件，人事任免文件141件。紧扣机构改革进程，及时发布调整后的机关职能、机构设置、办公地址、联系方式等信息。及时更新政府信息公开指南，明确公众获取主动公开和依申请公开信息的主要渠道和具体方式。准确发布市政府办公厅2019年部门预算、2018年部门决算信息，以及2019年度财政支出项目绩效目标、2018年度财政支出项目绩效评价结果等财政信息。',
            '（二）依申请公开方面',
            '严格执行新出台的《条例》，进一步规范政府信息公开申请办理工作。及时修订全市“依申请办理示范文书”，优化依申请工作流程。加强公开服务点当面咨询的接待和服务，依申请办理过程中注意与申请人进行电话沟通，精准了解相关诉求，提高便民服务水平。实现全市依申请统一受理入口和统一办理功能，进一步提高了受理、办理、流转、审批等流程的规范化水平，并使办理全过程留痕。在“中国上海”门户网站依申请受理页面增加办理状态查询、在线补正、申请撤回等功能，方便公众使用查询。',
            '市政府办公厅代表市政府共受理政府信息公开申请859件，申请数量较去年回落12.3%；答复政府信息公开申请805件（含上年度结转申请18件，另有72件申请按照《条例》顺延到下年度答复），均在法定期限内予以答复。予以公开及部分公开258件，占33.9%；不予公开35件，占4.34%；因本机关不掌握等原因无法提供265件，占32.9%；不予处理158件，占19.6%；其他处理0件。信息公开类行政复议7件，诉讼9件，均获维持，继续保持了省级政府零败诉的记录，维护了市政府依法行政、公开透明的良好形象。',
        ],
        's5': [
            '（一）主要问题',
            '一是新《条例》实施后，专业领域的理论学习仍需加强，提升对《条例》新内容的准确把握；二是决策公开仍需进一步加强，公众参与具体举措需进一步细化完善；三是政府网站集约化建设需持续推进，公开专栏规范化建设有待加强；四是政策解读方式不够多元，精准解读效果仍需提高。',
            '（二）改进措施',
            '一是深入做好《条例》的贯彻落实。抓紧修订出台《上海市政府信息公开规定》，细化《条例》主体具体适用，规范政府信息公开指南、目录和工作年报编制，完善依申请办理工作全链条管理，动态拓展主动公开范围。二是进一步深化解读回应。重点做好精准解读工作，提高政策解读的针对性。对“一网通办”中的个人和法人，根据用户特点和实际需要，精准推送相关政策解读。三是深化公众参与。制订出台重大行政决策公众参与具体措施，严格履行重大行政决策公众参与程序,继续开展多种形式的公众参与活动。四是全面推进政务公开标准化规范化建设。高水平做好国家试点领域标准指引落地应用，全面开展政务公开事项梳理和目录编制，推进办事服务全过程精准公开。五是着力提升平台渠道管理和服务水平。强化政府网站集约化管理和公开专栏规范化建设，加强线下公开场所和公开渠道建设,统一全市政务公开工作平台使用。六是严格强化工作保障和监督。进一步健全工作领导和协调机制，分级分类抓好工作指导培训，强化工作监督和考核评估。',
        ],
        's6': [
            '无。',
        ],
    },
}


if __name__ == "__main__":
    sys.exit(main())
