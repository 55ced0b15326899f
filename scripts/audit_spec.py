#!/usr/bin/env python3
"""Audit generated-client/spec/*.yaml against the vendored Binance doc pages.

For every spec endpoint, find the page whose front-matter source_url is its `docs:` URL
(first the English half of the page only), and compare:
  - HTTP method / path (or WS method),
  - security type (the title's "(TRADE)", "(USER_DATA)", ...),
  - the weight section: every number the text names must appear in the spec weight
    (IP value, rule values, orders values); the text is printed for manual review when it
    is not a single plain number,
  - the first parameter table: name, type (LONG/INT/DECIMAL/STRING/ENUM/BOOLEAN/LIST<>),
    mandatory YES/NO,
  - the response example(s): every key present as a model field; JSON value kind vs field type
    (a "string" read as LONG/INT, a number read as STRING/DECIMAL, a decimal-looking number read
    as LONG/INT, an id-looking name typed DECIMAL).
Usage: scripts/audit_spec.py [docs_dir] [spec_dir]  (defaults: docs/binance generated-client/spec)
"""
import json
import os
import re
import sys

import yaml

DOCS = sys.argv[1] if len(sys.argv) > 1 else "docs/binance"
SPEC = sys.argv[2] if len(sys.argv) > 2 else "generated-client/spec"
PRODUCTS = {
    "usds_futures": "usds-margined-futures",
    "portfolio_margin": "portfolio-margin",
    "portfolio_margin_pro": "portfolio-margin-pro",
}

out = []
STATS = {"rows": 0, "nested_rows": 0}


def report(ep, kind, msg):
    out.append((ep, kind, msg))


def english(text):
    """Front matter stripped; the English half (up to the second top-level heading)."""
    lines = text.split("\n")
    if lines and lines[0] == "---":
        end = lines.index("---", 1)
        lines = lines[end + 1:]
    res, seen = [], 0
    for i, ln in enumerate(lines):
        if ln.startswith("# "):
            seen += 1
            if seen == 2:
                break
        res.append((i, ln))
    return res


def front(text):
    m = re.search(r"^source_url:\s*(\S+)", text, re.M)
    return m.group(1) if m else None


def sections(lines):
    secs, cur = {}, None
    for i, ln in lines:
        if ln.startswith("## "):
            cur = re.sub(r"\[.*", "", ln[3:]).strip()
            secs.setdefault(cur, [])
            continue
        if cur:
            secs[cur].append((i, ln))
    return secs


def first_table(sec):
    rows, started, done = [], False, False
    for i, ln in sec:
        if "|" in ln and not done:
            cells = [c.strip() for c in ln.split("|")]
            if not started:
                if cells and cells[0].lower() in ("name", "parameter"):
                    started = True
                continue
            if set(ln.strip()) <= set("-| "):
                continue
            rows.append((i, cells))
        elif started and ln.strip() == "":
            if rows:
                done = True
    return rows


def all_tables(sec):
    """Every table of the section as (text before it, rows), rows continued across wrapped lines."""
    tables, before, cur, in_t = [], "", None, False
    for i, ln in sec:
        t = ln.strip()
        if "|" in t:
            cells = [c.strip() for c in t.split("|")]
            if cells[0].lower() in ("name", "parameter"):
                cur = []
                tables.append((before, cur))
                before = ""
                in_t = True
                continue
            if set(t) <= set("-| ") or not in_t:
                continue
            cur.append((i, cells))
        elif t:
            before += " " + t
            in_t = False if not t.startswith("e.g.") else in_t
    return tables


def strip_comments(s):
    res = []
    for ln in s.split("\n"):
        # remove // comments not inside strings (crude: outside quotes)
        q = False
        cut = None
        for j, ch in enumerate(ln):
            if ch == '"':
                q = not q
            if not q and ln[j:j + 2] == "//":
                cut = j
                break
        if cut is not None:
            ln = ln[:cut]
        res.append(ln)
    s = "\n".join(res)
    s = re.sub(r",\s*([}\]])", r"\1", s)
    return s


def examples(sec):
    text = "\n".join(ln for _, ln in sec)
    blocks, cur = [], []
    for ln in text.split("\n"):
        if ln.startswith("    "):
            cur.append(ln[4:])
        else:
            if cur:
                blocks.append("\n".join(cur))
                cur = []
    if cur:
        blocks.append("\n".join(cur))
    res = []
    for b in blocks:
        b = strip_comments(b).strip()
        if not b or b[0] not in "[{":
            continue
        try:
            res.append(json.loads(b))
        except Exception:
            # try adding missing commas between lines
            b2 = re.sub(r'("|\d|true|false|null|\}|\])\s*\n(\s*")', r"\1,\n\2", b)
            try:
                res.append(json.loads(b2))
            except Exception as e:
                res.append(("UNPARSED", str(e)[:80]))
    return res


def check_value(ep, spec, model_name, path, value, seen):
    models = spec.get("models", {})
    enums = spec.get("enums", {})
    if isinstance(value, list):
        for v in value[:3]:
            check_value(ep, spec, model_name, path, v, seen)
        return
    if not isinstance(value, dict):
        return
    model = models.get(model_name)
    if model is None:
        report(ep, "resp", f"{path}: model {model_name} not found")
        return
    fields = {f["name"]: f for f in model["fields"]}
    if model.get("tuple"):
        return
    for k, v in value.items():
        f = fields.get(k)
        if f is None:
            report(ep, "resp-missing", f"{path}.{k}: not a field of {model_name}")
            continue
        t = f["type"]
        p = f"{path}.{k}"
        if isinstance(v, list):
            if not f.get("list"):
                report(ep, "resp-type", f"{p}: list on page, {t} not list")
            if v and isinstance(v[0], (dict, list)) and t in models:
                check_value(ep, spec, t, p, v, seen)
            elif v:
                kind_check(ep, p, v[0], t, enums, models, k)
            continue
        if isinstance(v, dict):
            if t in models:
                check_value(ep, spec, t, p, v, seen)
            else:
                report(ep, "resp-type", f"{p}: object on page, typed {t}")
            continue
        kind_check(ep, p, v, t, enums, models, k)


def kind_check(ep, p, v, t, enums, models, k):
    if v is None:
        return
    if isinstance(v, bool):
        if t != "BOOLEAN":
            report(ep, "resp-type", f"{p}: bool {v!r} typed {t}")
    elif isinstance(v, int):
        if t not in ("LONG", "INT", "TIMESTAMP"):
            report(ep, "resp-type", f"{p}: integer {v!r} typed {t}")
        elif t == "INT" and abs(v) > 2**31:
            report(ep, "resp-type", f"{p}: integer {v!r} typed INT (too large)")
    elif isinstance(v, float):
        if t != "DECIMAL":
            report(ep, "resp-type", f"{p}: number {v!r} typed {t}")
    elif isinstance(v, str):
        if t in ("LONG", "INT", "TIMESTAMP", "BOOLEAN"):
            report(ep, "resp-type", f"{p}: string {v!r} typed {t}")
        elif t == "DECIMAL" and v != "" and not re.fullmatch(r"-?\d+(\.\d+)?([eE]-?\d+)?", v):
            report(ep, "resp-type", f"{p}: string {v!r} typed DECIMAL")
        elif t == "STRING" and re.fullmatch(r"-?\d+\.\d+", v):
            report(ep, "resp-type?", f"{p}: decimal-looking string {v!r} typed STRING")
        elif t in enums:
            vals = [x if isinstance(x, str) else x["value"] for x in enums[t]["values"]]
            if v not in vals and v != "":
                report(ep, "resp-enum", f"{p}: value {v!r} not in enum {t}")
    if re.search(r"(Id|ID)$", k) and t == "DECIMAL":
        report(ep, "resp-type?", f"{p}: id field typed DECIMAL")


PAGE_TYPES = {"LONG", "INT", "INTEGER", "DECIMAL", "STRING", "ENUM", "BOOLEAN", "BOOL", "DOUBLE", "FLOAT"}


def norm_page_type(t):
    t = t.strip().upper().replace(" ", "")
    lst = False
    m = re.fullmatch(r"(?:LIST|ARRAY)<(\w+)>", t)
    if m:
        lst = True
        t = m.group(1)
    if t == "INTEGER":
        t = "INT"
    if t == "BOOL":
        t = "BOOLEAN"
    return t, lst


def weight_numbers(w):
    nums = {w.get("value")}
    for r in w.get("rules", []) or []:
        nums.add(r["value"])
    for o in w.get("orders", []) or []:
        nums.add(o["value"])
    return nums


def audit_product(prod, folder):
    spec = yaml.safe_load(open(os.path.join(SPEC, prod + ".yaml")))
    pages = {}
    root = os.path.join(DOCS, folder)
    for dp, _, fs in os.walk(root):
        for f in fs:
            if f.endswith(".md"):
                fp = os.path.join(dp, f)
                txt = open(fp, encoding="utf-8").read()
                u = front(txt)
                if u:
                    pages.setdefault(u, []).append((fp, txt))
    n = 0
    for name, ep in spec["endpoints"].items():
        n += 1
        epn = f"{prod}.{name}"
        cand = pages.get(ep["docs"])
        if not cand:
            report(epn, "nopage", ep["docs"])
            continue
        fp, txt = cand[0]
        lines = english(txt)
        secs = sections(lines)
        title = next((ln for _, ln in lines if ln.startswith("# ")), "")
        # security
        m = re.search(r"\((TRADE|USER_DATA|USER_STREAM|MARKET_DATA|NONE)\)", title.replace(" ", ""))
        if m and m.group(1) != ep["security"]:
            report(epn, "security", f"{fp}: title {title!r} vs spec {ep['security']}")
        if not m:
            report(epn, "security?", f"{fp}: title {title!r}, spec {ep['security']}")
        # a signed request carries timestamp; a page listing it is signed whatever its title says
        has_ts = any(p["name"] == "timestamp" for p in ep.get("params") or [])
        if has_ts and ep["security"] not in ("USER_DATA", "TRADE"):
            report(epn, "security", f"{fp}: timestamp is a parameter but security is {ep['security']}")
        # http
        if "http" in ep:
            hs = secs.get("HTTP Request", [])
            htxt = " ".join(ln for _, ln in hs).replace("`", " ")
            mm = re.search(r"\b(GET|POST|PUT|DELETE)\s+(/\S+)", htxt)
            if mm:
                if mm.group(1) != ep["http"]["method"] or mm.group(2) != ep["http"]["path"]:
                    report(epn, "http", f"{fp}: page {mm.group(1)} {mm.group(2)} vs spec {ep['http']}")
            else:
                report(epn, "http?", f"{fp}: no HTTP Request found")
        # weight
        wsec = None
        for k in secs:
            if k.startswith("Request Weigh") or k == "Weight":
                wsec = (k, secs[k])
                break
        if wsec is None:
            # inline "Weight:" somewhere
            for i, ln in lines:
                if re.search(r"[Ww]eight", ln) and re.search(r"\d", ln):
                    wsec = ("inline", [(i, ln)])
                    break
        if wsec is None:
            report(epn, "weight?", f"{fp}: no weight section; spec {ep['weight']}")
        else:
            wtxt = " ".join(ln.strip() for _, ln in wsec[1] if ln.strip())
            wline = wsec[1][0][0] if wsec[1] else 0
            nums = set(int(x) for x in re.findall(r"(?<![\w.-])(\d+)(?![\w.])", re.sub(r"X-MBX-\S+|x-mbx-\S+|10s|1min|\d+min", "", wtxt)))
            sw = weight_numbers(ep["weight"])
            missing = {x for x in nums if x not in sw}
            plain = re.fullmatch(r"\**\d+\**(\(IP\))?", wtxt.replace(" ", ""))
            kind_txt = wsec[0]
            if "UID" in kind_txt and ep["weight"]["kind"] != "UID":
                report(epn, "weight-kind", f"{fp}: section {kind_txt} vs spec kind {ep['weight']['kind']}")
            if missing or not plain or "Order" in kind_txt:
                report(epn, "weight" + ("!" if missing else "~"),
                       f"{fp}:{wline}: [{kind_txt}] {wtxt[:300]!r}\n      spec: {json.dumps(ep['weight'])}")
        # params
        psec = secs.get("Request Parameters") or secs.get("Parameters:") or []
        rows = first_table(psec)
        if not rows:
            rows = first_table(lines)
        sp = {p["name"]: p for p in ep.get("params", []) or []}
        page_names = []
        STATS["rows"] += len(rows)
        for i, cells in rows:
            if len(cells) < 3:
                continue
            pname = cells[0].strip().strip("`")
            if not pname or pname.lower() == "name":
                continue
            page_names.append(pname)
            ptype, plist = norm_page_type(cells[1])
            mand = cells[2].strip().upper()
            p = sp.get(pname)
            if p is None:
                report(epn, "param-missing", f"{fp}:{i}: page param {pname} ({cells[1]}, {cells[2]}) not in spec")
                continue
            req = bool(p.get("required", False))
            if mand.startswith("YES") != req:
                report(epn, "param-req", f"{fp}:{i}: {pname} page mandatory {cells[2]!r} spec required={req}")
            st = p["type"]
            if ptype in PAGE_TYPES:
                ok = st == ptype or (ptype == "ENUM" and st == "STRING") or \
                     (ptype in ("DOUBLE", "FLOAT") and st == "DECIMAL")
                if not ok:
                    report(epn, "param-type", f"{fp}:{i}: {pname} page {cells[1]} spec {st}{' list' if p.get('list') else ''}")
                if ptype == "ENUM" and st == "STRING":
                    report(epn, "param-enum-string", f"{fp}:{i}: {pname} ENUM typed STRING")
            elif ptype not in ("JSON",):
                report(epn, "param-type?", f"{fp}:{i}: {pname} page type {cells[1]!r} spec {st}")
            if plist != bool(p.get("list")):
                report(epn, "param-list", f"{fp}:{i}: {pname} page {cells[1]} spec list={p.get('list')}")
        for k in sp:
            if k not in page_names:
                report(epn, "param-extra", f"{fp}: spec param {k} not in page table ({len(rows)} rows)")
        # nested tables (the order parameters of batchOrders): against the parameter's model
        tables = all_tables(psec)
        models = spec.get("models", {})
        for before, trows in tables[1:]:
            owner = next((p for p in ep.get("params") or [] if p["type"] in models and p["name"] in before), None)
            if owner is None:
                owner = next((p for p in ep.get("params") or [] if p["type"] in models), None)
            if owner is None:
                report(epn, "nested?", f"{fp}: a second table with no model parameter")
                continue
            fields = {f["name"]: f for f in models[owner["type"]]["fields"]}
            for i, cells in trows:
                if len(cells) < 3 or not cells[0]:
                    continue
                STATS["nested_rows"] += 1
                fname = cells[0].strip("`")
                f = fields.get(fname)
                if f is None:
                    report(epn, "nested-missing", f"{fp}:{i}: {owner['name']}.{fname} not in {owner['type']}")
                    continue
                if cells[2].upper().startswith("YES") == bool(f.get("optional")):
                    report(epn, "nested-req", f"{fp}:{i}: {fname} page {cells[2]} optional={f.get('optional')}")
                ptype, _ = norm_page_type(cells[1])
                ft = f["type"]
                ok = ft == ptype or (ptype == "ENUM" and (ft == "STRING" or ft in spec.get("enums", {})))
                if not ok:
                    report(epn, "nested-type", f"{fp}:{i}: {fname} page {cells[1]} model {ft}")
        # response
        rsec = secs.get("Response Example") or secs.get("Response:") or []
        exs = examples(rsec)
        for ex in exs:
            if isinstance(ex, tuple):
                # The page's block is not JSON even leniently here: check the spec's own copy.
                report(epn, "resp-unparsed", f"{fp}: {ex[1]} (the spec's examples are checked instead)")
                for sx in ep.get("examples") or []:
                    j = json.loads(sx["json"])
                    if "ws" in ep and isinstance(j, dict) and "result" in j:
                        j = j["result"]
                    check_value(epn, spec, ep["response"], "$", j, set())
                continue
            if "ws" in ep and isinstance(ex, dict) and "result" in ex:
                ex = ex["result"]
            check_value(epn, spec, ep["response"], "$", ex, set())
    return n


total = 0
for prod, folder in PRODUCTS.items():
    total += audit_product(prod, folder)

kinds = {}
for ep, kind, msg in out:
    kinds.setdefault(kind, []).append((ep, msg))
for kind in sorted(kinds):
    print(f"=== {kind} ({len(kinds[kind])})")
    for ep, msg in kinds[kind]:
        print(f"  {ep}: {msg}")
print(f"endpoints checked: {total}; parameter rows compared: {STATS['rows']}, nested rows: {STATS['nested_rows']}; findings: {len(out)}")
