#!/usr/bin/env python3
"""Model of a 政府信息公开工作年度报告: random but consistent reports and text renderers.

API (stdlib + tomllib, Python >= 3.11; import with `sys.path.insert(0, "scripts")`):
`load_templates(root=None) -> {"2019": dict, "2021": dict}` reads
`dictionaries/templates/{2019,2021}.toml` (root = repository root, default: this
file's parent's parent).  `generate(seed: int, template_id: str, single_other=None) -> Report` builds
one report deterministically from `seed` (single_other: force/forbid the single
（六） row in a 2021 report; None = random, ~10%): `Report.template_id`, `.agency`, `.year`,
`.size` (small|medium|large), `.title_lines` (list of str), `.headings`
(section id -> printed heading), `.intro` / `.prose` (section id "overview",
"problems", "other" -> list of paragraphs), `.rows` (table id -> ordered row ids
present; 2021 reports with `.single_other` use `other_processing_total` instead of
the three （六） sub-rows), `.values` (table id -> row id -> list of value strings,
one per column of the row's block, in template order) and `.tpl` (the template
dict).  Every identity of the template holds exactly.  `canonical_rows(report)`
gives the data rows of tables 二 三 四 in order as dicts (`table`, `block`,
`row_id`, `label`, `groups` = [(group id, label, first row of the group?)],
outermost first, `column_ids`, `column_labels`, `values`).  `truth_rows(report)`
gives [(table, row_id, column_id, value)] in template order.
`render(report, layout, rng, overrides=None) -> str` and
`render_lines(...) -> [(line, tag)]` lay the report out as text, layout in
LAYOUTS = ("tabbed", "spaced", "cellperline", "wrapped"); `tag` is a tuple such as
("title",), ("heading", sec), ("prose", sec), ("caption", table, block),
("header", table), ("row", table, row_id) (the line holding the row label), ("group",
table, row_id) (a group cell on its own line, cellperline only), ("cont", table,
row_id) (a wrapped label's continuation, a numbers-only line of that row, or a
number line in cellperline), ("blank",).  `Report.value(table, row, col)` gives
one cell.  Run `python3 scripts/report_model.py SEED TEMPLATE LAYOUT` to print one.
`overrides` lets a noise model change what is printed without touching the truth:
{"labels": {(table, row_id): str}, "groups": {(table, group_id): str},
"headers": {canonical header text: str}, "values": {(table, row_id, column_id): str},
"headings": {section id: str}}.  A header override may contain "\\n" to print the
header cell over two lines.
"""
from __future__ import annotations

import random
import tomllib
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ("tabbed", "spaced", "cellperline", "wrapped")
TABLES = ("proactive", "requests", "appeals")

_TPL_CACHE: dict[str, dict] = {}


def load_templates(root: str | Path | None = None) -> dict:
    """Read both template TOML files; returns {"2019": ..., "2021": ...}."""
    base = Path(root) if root else ROOT
    out = {}
    for tid in ("2019", "2021"):
        with open(base / "dictionaries" / "templates" / f"{tid}.toml", "rb") as f:
            out[tid] = tomllib.load(f)
    return out


def _tpl(tid: str) -> dict:
    if not _TPL_CACHE:
        _TPL_CACHE.update(load_templates())
    return _TPL_CACHE[tid]


# ------------------------------------------------------------------ places
# (province, city, [counties / districts]) – real place names.
PLACES = [
    ("江苏省", "淮安市", ["洪泽区", "淮安区", "淮阴区", "清江浦区", "涟水县", "盱眙县", "金湖县"]),
    ("江苏省", "盐城市", ["亭湖区", "盐都区", "大丰区", "响水县", "滨海县", "阜宁县", "射阳县", "建湖县", "东台市"]),
    ("江苏省", "徐州市", ["鼓楼区", "云龙区", "贾汪区", "泉山区", "铜山区", "丰县", "沛县", "睢宁县", "新沂市", "邳州市"]),
    ("福建省", "福州市", ["鼓楼区", "台江区", "仓山区", "马尾区", "晋安区", "长乐区", "闽侯县", "连江县", "罗源县", "闽清县", "永泰县", "福清市"]),
    ("福建省", "三明市", ["三元区", "沙县区", "明溪县", "清流县", "宁化县", "大田县", "尤溪县", "将乐县", "泰宁县", "建宁县", "永安市"]),
    ("宁夏回族自治区", "吴忠市", ["利通区", "红寺堡区", "盐池县", "同心县", "青铜峡市"]),
    ("浙江省", "金华市", ["婺城区", "金东区", "武义县", "浦江县", "磐安县", "兰溪市", "义乌市", "东阳市", "永康市"]),
    ("浙江省", "台州市", ["椒江区", "黄岩区", "路桥区", "三门县", "天台县", "仙居县", "温岭市", "临海市", "玉环市"]),
    ("安徽省", "阜阳市", ["颍州区", "颍东区", "颍泉区", "临泉县", "太和县", "阜南县", "颍上县", "界首市"]),
    ("山东省", "潍坊市", ["潍城区", "寒亭区", "坊子区", "奎文区", "临朐县", "昌乐县", "青州市", "诸城市", "寿光市", "安丘市", "高密市", "昌邑市"]),
    ("河南省", "洛阳市", ["老城区", "西工区", "瀍河回族区", "涧西区", "偃师区", "孟津区", "新安县", "栾川县", "嵩县", "汝阳县", "宜阳县", "洛宁县", "伊川县"]),
    ("湖南省", "常德市", ["武陵区", "鼎城区", "安乡县", "汉寿县", "澧县", "临澧县", "桃源县", "石门县", "津市市"]),
    ("四川省", "绵阳市", ["涪城区", "游仙区", "安州区", "三台县", "盐亭县", "梓潼县", "北川羌族自治县", "平武县", "江油市"]),
    ("广东省", "江门市", ["蓬江区", "江海区", "新会区", "台山市", "开平市", "鹤山市", "恩平市"]),
    ("江西省", "赣州市", ["章贡区", "南康区", "赣县区", "信丰县", "大余县", "上犹县", "崇义县", "安远县", "定南县", "全南县", "宁都县", "于都县", "兴国县", "会昌县", "寻乌县", "石城县", "瑞金市"]),
    ("河北省", "保定市", ["竞秀区", "莲池区", "满城区", "清苑区", "徐水区", "涞水县", "阜平县", "定兴县", "唐县", "高阳县", "涞源县", "望都县", "易县", "曲阳县", "蠡县", "顺平县", "博野县", "雄县", "涿州市", "安国市", "高碑店市"]),
    ("云南省", "曲靖市", ["麒麟区", "沾益区", "马龙区", "陆良县", "师宗县", "罗平县", "富源县", "会泽县", "宣威市"]),
    ("甘肃省", "天水市", ["秦州区", "麦积区", "清水县", "秦安县", "甘谷县", "武山县", "张家川回族自治县"]),
]
TOWN_ROOTS = ["城关", "东关", "南湖", "新集", "白马", "高桥", "三河", "黄集", "老张集", "岔河", "仁和", "朱坝",
              "马坝", "共和", "西顺河", "双沟", "官滩", "平桥", "石桥", "河桥", "青山", "龙泉", "太平", "永丰",
              "长安", "兴隆", "柳园", "杨庄", "花园", "文昌", "前进", "胜利", "清河", "北关", "古城", "新安"]
STREET_ROOTS = ["东湖", "西湖", "中山", "解放", "人民路", "北门", "南门", "新华", "湖滨", "滨江", "城东", "城西",
                "城南", "城北", "府前", "五里墩", "高新", "开发区", "长征", "建设路"]
BUREAUS = [  # (name, weight for being large)
    ("教育局", 1), ("公安局", 3), ("民政局", 1), ("财政局", 1), ("人力资源和社会保障局", 2),
    ("自然资源和规划局", 3), ("生态环境局", 2), ("住房和城乡建设局", 3), ("交通运输局", 2), ("水利局", 1),
    ("农业农村局", 1), ("商务局", 1), ("文化广电和旅游局", 1), ("卫生健康委员会", 2), ("应急管理局", 1),
    ("审计局", 1), ("市场监督管理局", 3), ("统计局", 1), ("医疗保障局", 1), ("城市管理局", 2),
    ("发展和改革委员会", 2), ("司法局", 1), ("退役军人事务局", 1), ("林业局", 1), ("科学技术局", 1),
    ("工业和信息化局", 1), ("行政审批局", 2), ("数据资源管理局", 1), ("税务局", 2), ("档案馆", 1),
]


@dataclass
class Report:
    seed: int
    template_id: str
    agency: str
    year: int
    size: str
    kind: str
    single_other: bool
    title_lines: list[str]
    headings: dict[str, str]
    intro: list[str]
    prose: dict[str, list[str]]
    rows: dict[str, list[str]]
    values: dict[str, dict[str, list[str]]]
    tpl: dict = field(repr=False, default_factory=dict)

    def value(self, table: str, row: str, col: str) -> str:
        return self.values[table][row][_col_ids(self.tpl, table, row).index(col)]


# --------------------------------------------------------------- template helpers
def _table(tpl: dict, tid: str) -> dict:
    return next(t for t in tpl["tables"] if t["id"] == tid)


def _block_of(tpl: dict, tid: str, rid: str) -> dict:
    for b in _table(tpl, tid)["blocks"]:
        if any(r["id"] == rid for r in b["rows"]):
            return b
    raise KeyError((tid, rid))


def _row_def(tpl: dict, tid: str, rid: str) -> dict:
    return next(r for r in _block_of(tpl, tid, rid)["rows"] if r["id"] == rid)


def _col_ids(tpl: dict, tid: str, rid: str) -> list[str]:
    return [c["id"] for c in _block_of(tpl, tid, rid)["columns"]]


def _group(tpl: dict, tid: str, gid: str) -> dict:
    return next(g for g in _table(tpl, tid).get("groups", []) if g["id"] == gid)


def _group_chain(tpl: dict, tid: str, gid: str | None) -> list[str]:
    chain = []
    while gid:
        chain.append(gid)
        gid = _group(tpl, tid, gid).get("parent")
    return chain[::-1]


# ------------------------------------------------------------------ agency
def _agency(rng: random.Random) -> tuple[str, str, str]:
    """Returns (agency name, kind, size)."""
    prov, city, counties = rng.choice(PLACES)
    county = rng.choice(counties)
    r = rng.random()
    if r < 0.10:
        kind = "city_gov"
        name = rng.choice([f"{city}人民政府", f"{city}人民政府办公室", f"{city}人民政府办公室"])
        size = rng.choices(["medium", "large"], [0.3, 0.7])[0]
    elif r < 0.30:
        kind = "county_gov"
        name = rng.choice([f"{county}人民政府", f"{county}人民政府办公室", f"{county}政府办公室"])
        size = rng.choices(["small", "medium", "large"], [0.25, 0.55, 0.2])[0]
    elif r < 0.48:
        kind = "city_bureau"
        b, w = rng.choice(BUREAUS)
        name = f"{city}{b}"
        size = rng.choices(["small", "medium", "large"], [0.45, 0.4 + 0.05 * w, 0.03 * w])[0]
    elif r < 0.70:
        kind = "county_bureau"
        b, w = rng.choice(BUREAUS)
        name = f"{county}{b}"
        size = rng.choices(["small", "medium", "large"], [0.7, 0.3, 0.01 * w])[0]
    elif r < 0.88:
        kind = "town"
        t = rng.choice(TOWN_ROOTS) + rng.choice(["镇", "镇", "乡"])
        name = f"{county}{t}人民政府"
        size = rng.choices(["small", "medium"], [0.9, 0.1])[0]
    else:
        kind = "street"
        name = f"{county}{rng.choice(STREET_ROOTS)}街道办事处"
        size = rng.choices(["small", "medium"], [0.9, 0.1])[0]
    return name, kind, size


# ------------------------------------------------------------------ numbers
def _count(rng: random.Random, size: str, small=(0, 5), medium=(5, 200), large=(200, 5000), p_zero=0.5) -> int:
    """A count drawn on a rough log scale for the agency size."""
    if rng.random() < p_zero:
        return 0
    lo, hi = {"small": small, "medium": medium, "large": large}[size]
    if hi <= lo:
        return lo
    x = lo * (hi / max(lo, 1)) ** rng.random() if lo > 0 else rng.randint(0, hi) * rng.random()
    return max(0, int(x))


def _decimal(rng: random.Random, hi: float) -> str:
    places = rng.choice([0, 1, 2, 2, 2, 2, 3, 4, 6])
    x = hi ** rng.random() if hi > 1 else rng.random() * hi
    s = f"{x:.{places}f}"
    if Decimal(s) == 0:
        return "0"
    return s


def _gen_proactive(rng, tid, size, kind) -> dict[str, list[str]]:
    v: dict[str, list[str]] = {}
    gov = kind in ("city_gov", "county_gov")
    zero_p = {"small": 0.75, "medium": 0.4, "large": 0.15}[size]
    rules_ok = kind == "city_gov" and rng.random() < 0.8
    if tid == "2019":
        for rid in ("rules", "normative"):
            if rid == "rules" and not rules_ok:
                v[rid] = ["0", "0", "0"]
                continue
            made = _count(rng, size, (0, 3), (1, 30), (5, 80), zero_p)
            if rid == "rules":
                made = min(made, rng.randint(0, 6))
            pub = made if rng.random() < 0.85 else max(0, made - rng.randint(0, 2))
            total = pub + _count(rng, size, (0, 20), (10, 300), (100, 1500), zero_p if made == 0 else 0.2)
            v[rid] = [str(made), str(pub), str(total)]
        for rid in ("licensing", "other_services", "penalty", "enforcement"):
            scale = {"licensing": ((0, 20), (10, 300), (100, 3000)),
                     "other_services": ((0, 20), (5, 200), (50, 1500)),
                     "penalty": ((0, 10), (5, 200), (50, 800)),
                     "enforcement": ((0, 5), (1, 50), (5, 200))}[rid]
            prev = _count(rng, size, *scale, p_zero=zero_p)
            change = 0
            if prev and rng.random() < 0.5:
                change = rng.randint(-min(prev, max(1, prev // 3)), max(1, prev // 3))
            elif not prev and rng.random() < 0.15:
                change = rng.randint(1, 5)
            dscale = {"licensing": ((0, 50), (10, 3000), (1000, 60000)),
                      "other_services": ((0, 50), (10, 2000), (500, 30000)),
                      "penalty": ((0, 20), (5, 800), (200, 20000)),
                      "enforcement": ((0, 5), (1, 100), (20, 2000))}[rid]
            dec = _count(rng, size, *dscale, p_zero=zero_p if prev + change == 0 else 0.2)
            v[rid] = [str(prev), str(change), str(dec)]
        prev = _count(rng, size, (0, 3), (1, 30), (5, 80), zero_p)
        change = rng.randint(-min(prev, 3), 2) if prev and rng.random() < 0.3 else 0
        v["fees"] = [str(prev), str(change)]
        n = _count(rng, size, (0, 5), (1, 60), (20, 600), zero_p)
        amt = "0" if n == 0 else _decimal(rng, {"small": 300, "medium": 20000, "large": 900000}[size])
        v["procurement"] = [str(n), amt]
    else:
        for rid in ("rules", "normative"):
            if rid == "rules" and not rules_ok:
                v[rid] = ["0", "0", "0"]
                continue
            issued = _count(rng, size, (0, 3), (1, 30), (5, 60), zero_p)
            if rid == "rules":
                issued = min(issued, rng.randint(0, 5))
            repealed = _count(rng, size, (0, 2), (1, 20), (3, 60), 0.6)
            if rid == "rules":
                repealed = min(repealed, rng.randint(0, 3))
            in_force = issued + _count(rng, size, (0, 10), (5, 200), (30, 700), zero_p if issued == 0 else 0.2)
            if rid == "rules" and in_force:
                in_force = min(in_force, rng.randint(issued, issued + 150))
            v[rid] = [str(issued), str(repealed), str(in_force)]
        v["licensing"] = [str(_count(rng, size, (0, 30), (10, 5000), (1000, 450000), zero_p))]
        v["penalty"] = [str(_count(rng, size, (0, 20), (5, 1500), (300, 400000), zero_p))]
        v["enforcement"] = [str(_count(rng, size, (0, 5), (1, 200), (20, 90000), zero_p + 0.1))]
        if rng.random() < zero_p + 0.1:
            v["fees"] = ["0"]
        else:
            v["fees"] = [_decimal(rng, {"small": 50, "medium": 8000, "large": 100000}[size])]
    return v


# table 三 result rows and their weights for the distribution of handled requests
RESULT_WEIGHTS = [
    ("granted", 30), ("partial", 5),
    ("refused_secret", 0.3), ("refused_law", 0.6), ("refused_safety", 0.4), ("refused_third_party", 1.0),
    ("refused_internal", 1.0), ("refused_process", 1.5), ("refused_enforcement", 0.6), ("refused_query", 0.8),
    ("unavailable_not_held", 22), ("unavailable_needs_creation", 4), ("unavailable_unclear", 2.5),
    ("not_processed_petition", 4), ("not_processed_repeat", 3), ("not_processed_publication", 0.6),
    ("not_processed_excessive", 2), ("not_processed_confirmation", 1.5),
    ("other_overdue_correction", 4), ("other_overdue_fee", 0.3), ("other_other", 4),
]
OTHER_SUB = ("other_overdue_correction", "other_overdue_fee", "other_other")
APPLICANTS = ("natural", "commercial", "research", "nonprofit", "legal_services", "other")


def _gen_requests(rng, rows: list[str], size: str) -> dict[str, list[str]]:
    hi = {"small": 6, "medium": 150, "large": 3500}[size]
    p_none = {"small": 0.45, "medium": 0.05, "large": 0.0}[size]
    # handled requests per applicant column
    base = 0 if rng.random() < p_none else max(1, int(hi ** rng.random()))
    shares = {"natural": 1.0, "commercial": rng.choice([0, 0, 0.02, 0.05, 0.15]),
              "research": rng.choice([0, 0, 0, 0, 0.005]), "nonprofit": rng.choice([0, 0, 0, 0.01]),
              "legal_services": rng.choice([0, 0, 0.02, 0.05]), "other": rng.choice([0, 0, 0.01, 0.03])}
    # per-document jitter of the result weights (some agencies grant most, some hold nothing)
    weights = {r: w * rng.uniform(0.3, 1.7) for r, w in RESULT_WEIGHTS}
    single_other = "other_processing" in rows or "other_processing_total" in rows
    cols: dict[str, dict[str, int]] = {}
    for c in APPLICANTS:
        n = base if c == "natural" else int(base * shares[c] + (rng.random() < shares[c] * 3 and base > 0))
        counts = {r: 0 for r, _ in RESULT_WEIGHTS}
        if n:
            names = [r for r, _ in RESULT_WEIGHTS]
            for r in rng.choices(names, [weights[x] for x in names], k=n):
                counts[r] += 1
        handled = sum(counts.values())
        carried = rng.randint(0, handled // 8) if handled and rng.random() < 0.5 else 0
        carry_fwd = rng.randint(0, max(1, handled // 8)) if handled and rng.random() < 0.4 else 0
        counts["carried"] = carried
        counts["carry_forward"] = carry_fwd
        counts["results_total"] = handled
        counts["new"] = handled + carry_fwd - carried
        other_sum = sum(counts[r] for r in OTHER_SUB)
        counts["other_processing"] = other_sum
        counts["other_processing_total"] = other_sum
        cols[c] = counts
    out: dict[str, list[str]] = {}
    for r in rows:
        vals = [cols[c][r] for c in APPLICANTS]
        out[r] = [str(x) for x in vals] + [str(sum(vals))]
    assert single_other or all(r in rows for r in OTHER_SUB)
    return out


def _gen_appeals(rng, size: str) -> dict[str, list[str]]:
    p = {"small": 0.92, "medium": 0.55, "large": 0.1}[size]
    hi = {"small": 3, "medium": 20, "large": 400}[size]
    vals: list[int] = []
    for grp, scale in (("review", 1.0), ("direct", 0.6), ("after_review", 0.3)):
        if rng.random() < p + (1 - p) * (1 - scale) * 0.5:
            parts = [0, 0, 0, 0]
        else:
            n = max(1, int((hi * scale) ** rng.random()))
            parts = [0, 0, 0, 0]
            for i in rng.choices(range(4), [55, 12, 20, 13], k=n):
                parts[i] += 1
        vals += parts + [sum(parts)]
    return {"all": [str(x) for x in vals]}


# ------------------------------------------------------------------ prose
S1_OPEN = [
    "{year}年，{me}坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《中华人民共和国政府信息公开条例》（以下简称《条例》），紧紧围绕{up}中心工作，坚持“以公开为常态、不公开为例外”原则，不断提升政务公开质量和实效。",
    "{year}年，在{up}的正确领导下，{me}深入贯彻党中央、国务院关于全面推进政务公开工作的决策部署，认真落实《条例》各项规定，聚焦群众关切，持续深化政务公开，推动政府信息公开工作规范、有序、健康发展。",
    "本年度，{me}以建设法治政府、服务型政府为目标，严格执行《条例》，围绕中心、服务大局，加大主动公开力度，规范依申请公开办理，强化平台建设和监督保障，有效保障了人民群众的知情权、参与权、表达权和监督权。",
]
S1_SUB = {
    "主动公开": [
        "通过政府门户网站、政务新媒体等渠道主动公开各类政府信息{n1}条，其中政策文件{n2}件，政策解读{n3}篇。",
        "围绕财政预决算、重大建设项目、公共资源配置、社会公益事业等重点领域，及时准确发布相关信息{n1}条。",
        "全年召开新闻发布会{n3}场，发布政务微信信息{n1}条，及时回应社会关切。",
        "坚持“应公开尽公开”，全年在政府信息公开专栏更新信息{n1}条，未发生应公开未公开情形。",
    ],
    "依申请公开": [
        "全年共受理政府信息公开申请{req}件，均在法定期限内予以答复，未发生因答复不及时引发的行政复议或行政诉讼。",
        "进一步规范依申请公开受理、登记、审核、答复等各环节工作流程，统一答复文书格式，提高答复质量。",
        "畅通依申请公开渠道，提供网上申请、信函申请、当面申请等多种方式，依法保障公民、法人和其他组织获取政府信息的权利。",
        "加强与申请人的沟通，准确把握申请人诉求，对疑难复杂申请组织会商研判，提升答复的针对性和规范性。",
    ],
    "政府信息管理": [
        "严格落实信息发布“三审三校”制度，坚持“先审查、后公开”，从严把好政治关、法律关、政策关、保密关、文字关。",
        "定期对已公开的政府信息进行梳理，动态调整主动公开目录，及时清理过期失效信息。",
        "开展行政规范性文件清理工作，对不符合现行法律法规的文件及时予以废止或修改，并向社会公开清理结果。",
    ],
    "平台建设": [
        "持续优化政府网站政府信息公开专栏，规范栏目设置，确保信息发布及时、准确、规范。",
        "加强政务新媒体日常监管，关停整合更新不及时、无力运维的账号{n4}个，提升政务新媒体传播力。",
        "依托政务服务大厅设置政府信息公开查阅点，方便群众就近查阅政府信息。",
    ],
    "监督保障": [
        "将政务公开工作纳入年度绩效考核，组织开展专项督查{n4}次，对发现的问题及时督促整改。",
        "举办政务公开业务培训{n4}期，培训人员{n5}人次，工作人员业务能力进一步提升。",
        "主动接受社会监督，全年未收到涉及政府信息公开工作的投诉举报，未发生责任追究情况。",
    ],
}
SUB_HEADS = [
    ("主动公开", ["（一）主动公开情况。", "（一）主动公开方面。", "（一）主动公开政府信息情况。"]),
    ("依申请公开", ["（二）依申请公开情况。", "（二）依申请公开方面。", "（二）依申请公开办理情况。"]),
    ("政府信息管理", ["（三）政府信息管理情况。", "（三）政府信息管理方面。"]),
    ("平台建设", ["（四）政府信息公开平台建设情况。", "（四）平台载体建设方面。"]),
    ("监督保障", ["（五）政府信息公开监督保障情况。", "（五）监督保障方面。"]),
]
S5_PROBLEMS = [
    "一是政策解读形式较为单一，图解、视频等多元化解读方式运用不足；",
    "一是政务公开工作人员多为兼职，业务能力有待进一步提升；",
    "二是主动公开内容的深度和广度还有待拓展，部分信息更新不够及时；",
    "二是依申请公开办理的规范性还有待加强，答复文书质量有待提高；",
    "三是政务新媒体互动回应不够及时，与群众的互动交流有待加强。",
    "三是基层政务公开标准化规范化建设仍需持续推进。",
]
S5_LEAD = [
    "{year}年，{me}政府信息公开工作取得了一定成效，但对照上级要求和群众期盼，仍存在一些不足：",
    "对照新要求和公众新期待，{me}政府信息公开工作还存在一些差距，主要表现在：",
    "虽然我单位政府信息公开工作取得了一定成绩，但也存在一些问题：",
]
S5_PLAN = [
    "{next}年，我们将着力做好以下工作：一是强化政策解读，丰富解读形式，提高解读质量；二是加强队伍建设，定期组织业务培训，提升工作人员业务水平；三是规范依申请公开办理，严格落实办理流程，确保答复合法规范。",
    "针对上述问题，下一步将重点做好以下工作：一是持续加大主动公开力度，扩大公开范围；二是加强政府网站和政务新媒体管理，提升平台服务能力；三是健全监督考核机制，推动政务公开工作提质增效。",
    "下一步，{me}将继续深入贯彻落实《条例》，聚焦群众关切，不断拓展公开的广度和深度，进一步提升政务公开标准化规范化水平。",
]
S6 = [
    "{year}年，{me}未收取政府信息公开信息处理费。",
    "本年度无收取信息处理费情况。",
    "{year}年，无收取信息处理费情况。",
    "依据《政府信息公开信息处理费管理办法》，{year}年{me}共收取信息处理费{fee}元。",
    "无其他需要报告的事项。",
    "本单位政府信息公开工作年度报告在门户网站政府信息公开专栏公布，如需了解更多政府信息，请登录查询。",
]
INTRO = [
    "本报告由{me}根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。报告中所列数据统计期限自{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，请与{me}联系（电话：{tel}）。",
    "依据《中华人民共和国政府信息公开条例》第五十条之规定，制作本报告。",
    "根据《中华人民共和国政府信息公开条例》和{notice}要求，{me}编制了{year}年度政府信息公开工作年度报告。本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
]


def _prose(rng: random.Random, me: str, year: int, size: str, req: int) -> tuple[list[str], dict[str, list[str]]]:
    up = rng.choice(["上级党委政府", "区委区政府", "县委县政府", "市委市政府"])
    notice = "《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》"
    scale = {"small": 1, "medium": 10, "large": 100}[size]
    fmt = dict(me=me, year=year, next=year + 1, up=up, notice=notice, req=req,
               tel=f"0{rng.randint(310, 939)}-{rng.randint(2000000, 8999999)}",
               n1=rng.randint(20, 300) * scale, n2=rng.randint(1, 30), n3=rng.randint(1, 40),
               n4=rng.randint(1, 8), n5=rng.randint(20, 400), fee=rng.choice([0, 0, 50, 120, 3940]))
    intro = [rng.choice(INTRO).format(**fmt)]
    s1 = [rng.choice(S1_OPEN).format(**fmt)]
    for key, heads in SUB_HEADS:
        sents = rng.sample(S1_SUB[key], k=rng.randint(1, min(3, len(S1_SUB[key]))))
        s1.append(rng.choice(heads) + "".join(s.format(**fmt) for s in sents))
    probs = [rng.choice(S5_PROBLEMS[0:2]), rng.choice(S5_PROBLEMS[2:4]), rng.choice(S5_PROBLEMS[4:6])]
    s5 = [rng.choice(S5_LEAD).format(**fmt) + "".join(probs).rstrip("。；") + "。",
          rng.choice(S5_PLAN).format(**fmt)]
    s6 = [rng.choice(S6).format(**fmt)]
    if rng.random() < 0.3:
        s6.append("无其他需要报告的事项。" if "无其他" not in s6[0] else "")
        s6 = [p for p in s6 if p]
    return intro, {"overview": s1, "problems": s5, "other": s6}


# ------------------------------------------------------------------ generate
def generate(seed: int, template_id: str, single_other: bool | None = None) -> Report:
    """One random report for template "2019" or "2021", fully determined by seed.

    single_other (2021 only): force (True) or forbid (False) the 2019-shaped single
    （六）其他处理 row; None = random, about 10% of 2021 reports."""
    tpl = _tpl(template_id)
    rng = random.Random(f"gongkai-report-model/v1/{template_id}/{seed}")
    agency, kind, size = _agency(rng)
    year = rng.choice([2019, 2020]) if template_id == "2019" else rng.randint(2021, 2025)
    draw = rng.random() < 0.10
    single_other = template_id == "2021" and (draw if single_other is None else single_other)
    rows: dict[str, list[str]] = {}
    for t in tpl["tables"]:
        ids = []
        for b in t["blocks"]:
            for r in b["rows"]:
                if r.get("optional") and r.get("total_of"):
                    if single_other:
                        ids.append(r["id"])
                    continue
                if single_other and r.get("group") == "other_processing":
                    continue
                ids.append(r["id"])
        rows[t["id"]] = ids
    values = {
        "proactive": _gen_proactive(rng, template_id, size, kind),
        "requests": _gen_requests(rng, rows["requests"], size),
        "appeals": _gen_appeals(rng, size),
    }
    # title
    yr = rng.choice([f"{year}年", f"{year} 年", f"{year}年度", f"{year} 年度"])
    style = rng.random()
    if style < 0.5:
        title_lines = [agency, f"{yr}政府信息公开工作年度报告"]
    elif style < 0.85:
        title_lines = [f"{agency}{yr}政府信息公开工作年度报告"]
    else:
        title_lines = [f"{agency}关于{yr}政府信息公开工作年度报告"]
    headings = {}
    for s in tpl["sections"]:
        opts = [s["label"]] * 4 + [v for v in s.get("variants", []) if "行政法复议" not in v]
        headings[s["id"]] = rng.choice(opts)
    req = int(values["requests"]["new"][-1])
    intro, prose = _prose(rng, agency, year, size, req)
    return Report(seed=seed, template_id=template_id, agency=agency, year=year, size=size, kind=kind,
                  single_other=single_other, title_lines=title_lines, headings=headings, intro=intro,
                  prose=prose, rows=rows, values=values, tpl=tpl)


# ------------------------------------------------------------------ rows / truth
def canonical_rows(report: Report) -> list[dict]:
    """Data rows of tables 二 三 四 in template order, with their label pieces."""
    tpl = report.tpl
    out = []
    for tid in TABLES:
        seen: set[str] = set()
        for rid in report.rows[tid]:
            b = _block_of(tpl, tid, rid)
            rd = _row_def(tpl, tid, rid)
            chain = _group_chain(tpl, tid, rd.get("group"))
            groups = [(g, _group(tpl, tid, g)["label"], g not in seen) for g in chain]
            seen.update(chain)
            out.append({
                "table": tid, "block": b["id"], "block_group": b.get("group"),
                "row_id": rid, "label": rd["label"], "groups": groups,
                "column_ids": [c["id"] for c in b["columns"]],
                "column_labels": [c["label"] for c in b["columns"]],
                "values": list(report.values[tid][rid]),
            })
    return out


def truth_rows(report: Report) -> list[tuple[str, str, str, str]]:
    out = []
    for r in canonical_rows(report):
        for c, v in zip(r["column_ids"], r["values"]):
            out.append((r["table"], r["row_id"], c, v))
    return out


# ------------------------------------------------------------------ rendering helpers
def dw(s: str) -> int:
    """Display width: wide/full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" and ord(ch) > 0x2000 else 1 for ch in s)


def pad(s: str, w: int) -> str:
    return s + " " * max(0, w - dw(s))


def rpad(s: str, w: int) -> str:
    return " " * max(0, w - dw(s)) + s


def center(s: str, w: int) -> str:
    space = max(0, w - dw(s))
    return " " * (space // 2) + s + " " * (space - space // 2)


def cut(s: str, w: int) -> tuple[str, str]:
    acc = 0
    for i, ch in enumerate(s):
        acc += dw(ch)
        if acc > w:
            return s[:i], s[i:]
    return s, ""


def _rcell(s: str, w: int) -> str:
    """Right-aligned cell that always keeps two spaces before its text."""
    return rpad(s, w) if dw(s) + 2 <= w else "  " + s


def wrap(s: str, w: int) -> list[str]:
    parts = []
    while s:
        h, s = cut(s, w)
        parts.append(h)
    return parts or [""]


class _View:
    """What gets printed: canonical text with the overrides applied."""

    def __init__(self, report: Report, overrides: dict | None):
        o = overrides or {}
        self.rep = report
        self.labels = o.get("labels", {})
        self.groups = o.get("groups", {})
        self.headers = o.get("headers", {})
        self.vals = o.get("values", {})
        self.heads = o.get("headings", {})

    def label(self, row: dict) -> str:
        return self.labels.get((row["table"], row["row_id"]), row["label"])

    def group(self, tid: str, gid: str, canon: str) -> str:
        return self.groups.get((tid, gid), canon)

    def h(self, text: str) -> str:
        return self.headers.get(text, text)

    def values(self, row: dict) -> list[str]:
        return [self.vals.get((row["table"], row["row_id"], c), v) for c, v in zip(row["column_ids"], row["values"])]

    def heading(self, sid: str) -> str:
        return self.heads.get(sid, self.rep.headings[sid])


def _t3_label_cells(v: _View, row: dict) -> list[str]:
    """Three label columns of table 三; group cells only on the first row of the group."""
    lab = v.label(row)
    g = row["groups"]
    if not g:
        return [lab, "", ""]
    cells = [v.group("requests", gid, gl) if first else "" for gid, gl, first in g]
    cells.append(lab)
    return (cells + ["", "", ""])[:3]


def _one_line(s: str) -> str:
    return s.replace("\n", "")


# ------------------------------------------------------------------ layouts
def _tables_tabbed(rep: Report, v: _View, rng: random.Random) -> dict[str, list[tuple[str, tuple]]]:
    rows = canonical_rows(rep)
    H = lambda s: _one_line(v.h(s))  # noqa: E731
    out: dict[str, list] = {t: [] for t in TABLES}
    # 二
    width = 4
    last_block = None
    for r in (x for x in rows if x["table"] == "proactive"):
        if r["block"] != last_block:
            last_block = r["block"]
            cap = _group(rep.tpl, "proactive", r["block_group"])["label"]
            out["proactive"].append(("\t".join([H(cap)] + [""] * (width - 1)), ("caption", "proactive", r["block"])))
            heads = [H("信息内容")] + [H(c) for c in r["column_labels"]]
            out["proactive"].append(("\t".join(heads + [""] * (width - len(heads))), ("header", "proactive")))
        vals = v.values(r)
        cells = [v.label(r)] + vals + [""] * (width - 1 - len(vals))
        out["proactive"].append(("\t".join(cells), ("row", "proactive", r["row_id"])))
    # 三
    t3 = _table(rep.tpl, "requests")
    cols = t3["blocks"][0]["columns"]
    note, applicant = t3["header_labels"]
    legal = _group(rep.tpl, "requests", "legal_persons")["label"]
    hdr = [
        [H(note), "", "", H(applicant)] + [""] * 6,
        ["", "", "", H(cols[0]["label"]), H(legal), "", "", "", "", H(cols[6]["label"])],
        ["", "", "", ""] + [H(c["label"]) for c in cols[1:6]] + [""],
    ]
    for h in hdr:
        out["requests"].append(("\t".join(h), ("header", "requests")))
    for r in (x for x in rows if x["table"] == "requests"):
        out["requests"].append(("\t".join(_t3_label_cells(v, r) + v.values(r)), ("row", "requests", r["row_id"])))
    # 四
    c4 = _table(rep.tpl, "appeals")["blocks"][0]["columns"]
    names = [H(c["label"]) for c in c4]
    for h in ([H("行政复议")] + [""] * 4 + [H("行政诉讼")] + [""] * 9,
              names[:5] + [H("未经复议直接起诉")] + [""] * 4 + [H("复议后起诉")] + [""] * 4,
              [""] * 5 + names[5:]):
        out["appeals"].append(("\t".join(h), ("header", "appeals")))
    r4 = next(x for x in rows if x["table"] == "appeals")
    out["appeals"].append(("\t".join(v.values(r4)), ("row", "appeals", "all")))
    return out


def _split_header(v: _View, text: str, width: int = 0) -> list[str]:
    """Header cell lines; a cell wider than `width` (if given) is split in two."""
    t = v.h(text)
    if "\n" in t:
        return t.split("\n")[:2]
    if width and dw(t) > width - 1 and len(t) > 1:
        k = (len(t) + 1) // 2
        return [t[:k], t[k:]]
    return [t]


def _tables_spaced(rep: Report, v: _View, rng: random.Random, wrapped: bool) -> dict[str, list[tuple[str, tuple]]]:
    rows = canonical_rows(rep)
    out: dict[str, list] = {t: [] for t in TABLES}
    L2, V2 = rng.choice([(22, 16), (26, 14), (30, 18)])
    # 二
    last_block = None
    for r in (x for x in rows if x["table"] == "proactive"):
        if r["block"] != last_block:
            last_block = r["block"]
            cap = _group(rep.tpl, "proactive", r["block_group"])["label"]
            out["proactive"].append((_one_line(v.h(cap)), ("caption", "proactive", r["block"])))
            heads = [_split_header(v, c) for c in r["column_labels"]]
            line1 = pad(_one_line(v.h("信息内容")), L2) + "".join(_rcell(h[0], V2) for h in heads)
            out["proactive"].append((line1.rstrip(), ("header", "proactive")))
            if any(len(h) > 1 for h in heads):
                line2 = " " * L2 + "".join(_rcell(h[1] if len(h) > 1 else "", V2) for h in heads)
                out["proactive"].append((line2.rstrip(), ("header", "proactive")))
        vals = v.values(r)
        out["proactive"].append(((pad(v.label(r), L2) + "".join(rpad(x, V2) for x in vals)).rstrip(),
                                 ("row", "proactive", r["row_id"])))
    # 三
    if wrapped:
        COL = rng.choice([[10, 12, 24], [12, 14, 26], [10, 16, 22]])
    else:
        COL = rng.choice([[20, 18, 26], [20, 16, 30], [22, 18, 24]])
    LABEL = sum(COL) + 2
    VW = rng.choice([8, 9, 10])
    t3 = _table(rep.tpl, "requests")
    cols = t3["blocks"][0]["columns"]
    note, applicant = t3["header_labels"]
    legal = _one_line(v.h(_group(rep.tpl, "requests", "legal_persons")["label"]))
    note_parts = wrap(_one_line(v.h(note)), LABEL - 2)
    parts = [_split_header(v, c["label"], VW) for c in cols[1:6]]
    hdr = [
        pad(note_parts[0], LABEL) + center(_one_line(v.h(applicant)), VW * 7),
        pad(note_parts[1] if len(note_parts) > 1 else "", LABEL) + center(_one_line(v.h(cols[0]["label"])), VW)
        + center(legal, VW * 5) + center(_one_line(v.h(cols[6]["label"])), VW),
        pad(note_parts[2] if len(note_parts) > 2 else "", LABEL) + " " * VW + "".join(center(p[0], VW) for p in parts),
    ]
    if any(len(p) > 1 for p in parts):
        hdr.append(" " * (LABEL + VW) + "".join(center(p[1] if len(p) > 1 else "", VW) for p in parts))
    for extra in note_parts[3:]:
        hdr.append(extra)
    for h in hdr:
        out["requests"].append((h.rstrip(), ("header", "requests")))
    for r in (x for x in rows if x["table"] == "requests"):
        cells = _t3_label_cells(v, r)
        vals = v.values(r)
        k = 0 if cells[1] == "" and cells[2] == "" and not r["groups"] else (
            1 if len(r["groups"]) == 1 else 2)
        start = sum(COL[:k])
        left = "".join(pad(cells[j], COL[j]) for j in range(k))
        nums = "".join(rpad(x, VW) for x in vals)
        lab = cells[k]
        if not wrapped:
            line = pad(left + lab, LABEL) + nums
            if dw(left + lab) >= LABEL:
                line = left + lab + "  " + nums.lstrip()
            out["requests"].append((line.rstrip(), ("row", "requests", r["row_id"])))
            continue
        avail = LABEL - 2 - start
        # group cells may wrap too in narrow columns: keep only their first piece on the row
        left_pieces = []
        for j in range(k):
            gp = wrap(cells[j], COL[j] - 1) if cells[j] else [""]
            left_pieces.append(gp)
        lab_parts = wrap(lab, avail)
        n_lines = max([len(lab_parts)] + [len(p) for p in left_pieces])
        mode = rng.choices(["with_first", "above", "with_last"], [0.55, 0.3, 0.15])[0] if n_lines > 1 else "with_first"

        def text_line(i: int) -> str:
            s = "".join(pad(left_pieces[j][i] if i < len(left_pieces[j]) else "", COL[j]) for j in range(k))
            s = pad(s, start) + (lab_parts[i] if i < len(lab_parts) else "")
            return s

        if mode == "above":
            out["requests"].append(((" " * LABEL + nums).rstrip(), ("cont", "requests", r["row_id"])))
            out["requests"].append((text_line(0).rstrip(), ("row", "requests", r["row_id"])))
            for i in range(1, n_lines):
                out["requests"].append((text_line(i).rstrip(), ("cont", "requests", r["row_id"])))
        elif mode == "with_last":
            for i in range(n_lines - 1):
                out["requests"].append((text_line(i).rstrip(), ("row" if i == 0 else "cont", "requests", r["row_id"])))
            out["requests"].append(((pad(text_line(n_lines - 1), LABEL) + nums).rstrip(), ("cont", "requests", r["row_id"])))
        else:
            out["requests"].append(((pad(text_line(0), LABEL) + nums).rstrip(), ("row", "requests", r["row_id"])))
            for i in range(1, n_lines):
                out["requests"].append((text_line(i).rstrip(), ("cont", "requests", r["row_id"])))
    # 四
    W = rng.choice([6, 7, 8])
    c4 = [_split_header(v, c["label"], W) for c in _table(rep.tpl, "appeals")["blocks"][0]["columns"]]
    two = any(len(p) > 1 for p in c4)
    lines4 = [
        center(_one_line(v.h("行政复议")), W * 5) + center(_one_line(v.h("行政诉讼")), W * 10),
        "".join(center(p[0], W) for p in c4[:5]) + center(_one_line(v.h("未经复议直接起诉")), W * 5)
        + center(_one_line(v.h("复议后起诉")), W * 5),
    ]
    if two:
        lines4.append("".join(center(p[1] if len(p) > 1 else "", W) for p in c4[:5])
                      + "".join(center(p[0], W) for p in c4[5:]))
        lines4.append(" " * (W * 5) + "".join(center(p[1] if len(p) > 1 else "", W) for p in c4[5:]))
    else:
        lines4.append(" " * (W * 5) + "".join(center(p[0], W) for p in c4[5:]))
    for h in lines4:
        out["appeals"].append((h.rstrip(), ("header", "appeals")))
    r4 = next(x for x in rows if x["table"] == "appeals")
    out["appeals"].append(("".join(rpad(x, W) for x in v.values(r4)).rstrip(), ("row", "appeals", "all")))
    return out


def _tables_cellperline(rep: Report, v: _View, rng: random.Random) -> dict[str, list[tuple[str, tuple]]]:
    rows = canonical_rows(rep)
    out: dict[str, list] = {t: [] for t in TABLES}

    def hdr(t, text):
        for p in v.h(text).split("\n"):
            out[t].append((p, ("header", t)))

    last_block = None
    for r in (x for x in rows if x["table"] == "proactive"):
        if r["block"] != last_block:
            last_block = r["block"]
            cap = _group(rep.tpl, "proactive", r["block_group"])["label"]
            out["proactive"].append((_one_line(v.h(cap)), ("caption", "proactive", r["block"])))
            hdr("proactive", "信息内容")
            for c in r["column_labels"]:
                hdr("proactive", c)
        out["proactive"].append((v.label(r), ("row", "proactive", r["row_id"])))
        for x in v.values(r):
            out["proactive"].append((x, ("cont", "proactive", r["row_id"])))
    t3 = _table(rep.tpl, "requests")
    cols = t3["blocks"][0]["columns"]
    note, applicant = t3["header_labels"]
    for h in [note, applicant, cols[0]["label"], _group(rep.tpl, "requests", "legal_persons")["label"], cols[6]["label"]]:
        hdr("requests", h)
    for c in cols[1:6]:
        hdr("requests", c["label"])
    for r in (x for x in rows if x["table"] == "requests"):
        cells = [c for c in _t3_label_cells(v, r) if c]
        for i, c in enumerate(cells):
            out["requests"].append((c, ("row" if i == len(cells) - 1 else "group", "requests", r["row_id"])))
        for x in v.values(r):
            out["requests"].append((x, ("cont", "requests", r["row_id"])))
    c4 = _table(rep.tpl, "appeals")["blocks"][0]["columns"]
    for h in ["行政复议", "行政诉讼"] + [c["label"] for c in c4[:5]] + ["未经复议直接起诉", "复议后起诉"] + [c["label"] for c in c4[5:]]:
        hdr("appeals", h)
    r4 = next(x for x in rows if x["table"] == "appeals")
    for i, x in enumerate(v.values(r4)):
        out["appeals"].append((x, ("row" if i == 0 else "cont", "appeals", "all")))
    return out


def render_lines(report: Report, layout: str, rng: random.Random, overrides: dict | None = None) -> list[tuple[str, tuple]]:
    """The report as tagged lines (see the module docstring)."""
    v = _View(report, overrides)
    if layout == "tabbed":
        tables = _tables_tabbed(report, v, rng)
    elif layout in ("spaced", "wrapped"):
        tables = _tables_spaced(report, v, rng, wrapped=layout == "wrapped")
    elif layout == "cellperline":
        tables = _tables_cellperline(report, v, rng)
    else:
        raise ValueError(f"unknown layout {layout!r}")
    blank = layout == "tabbed"  # seed look: blank line after every paragraph/heading/table
    out: list[tuple[str, tuple]] = []

    def para(text: str, tag: tuple) -> None:
        if layout == "wrapped" and tag[0] == "prose":
            w = rng.choice([56, 60, 64])
            for p in wrap(text, w):
                out.append((p, tag))
        else:
            out.append((text, tag))
        if blank:
            out.append(("", ("blank",)))

    if blank:
        out.append(("", ("blank",)))
    for t in report.title_lines:
        para(t, ("title",))
    for p in report.intro:
        para(p, ("prose", "intro"))
    section_table = {"proactive": "proactive", "requests": "requests", "appeals": "appeals"}
    for s in report.tpl["sections"]:
        sid = s["id"]
        para(v.heading(sid), ("heading", sid))
        if sid in section_table:
            out.extend(tables[section_table[sid]])
            if blank:
                out.append(("", ("blank",)))
        else:
            for p in report.prose.get(sid, []):
                para(p, ("prose", sid))
    while out and out[-1][0] == "":
        out.pop()
    return out


def render(report: Report, layout: str, rng: random.Random, overrides: dict | None = None) -> str:
    """The report as text in `layout` (one of LAYOUTS); ends with a newline."""
    return "\n".join(line for line, _ in render_lines(report, layout, rng, overrides)) + "\n"


if __name__ == "__main__":  # quick look: python3 scripts/report_model.py [seed] [template] [layout]
    import sys
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    tid = sys.argv[2] if len(sys.argv) > 2 else "2021"
    layout = sys.argv[3] if len(sys.argv) > 3 else "tabbed"
    sys.stdout.write(render(generate(seed, tid), layout, random.Random(seed)))
