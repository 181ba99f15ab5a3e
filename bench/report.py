#!/usr/bin/env python3
"""Turns the load generator's JSON lines into a section of bench/RESULTS.md and an SVG plot.

    bench/report.py --suite quick --results build/bench/results-quick.jsonl \
        --markdown bench/RESULTS.md --svg bench/cost_per_lead_quick.svg --command "make bench"

Medians over rounds; ratios are computed round by round (the contenders of one round ran back to
back) and their median is reported. The section between the suite's markers is replaced; the rest
of RESULTS.md is kept. Standard library only.
"""
import argparse
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
from collections import defaultdict

CONTENDERS = ["plain", "leadroute", "lean", "plpgsql"]
LABEL = {"plain": "plain INSERT", "leadroute": "leadroute", "lean": "lean PL/pgSQL",
         "plpgsql": "full PL/pgSQL"}
COLOR = {"plain": "#7f7f7f", "leadroute": "#1f77b4", "lean": "#2ca02c", "plpgsql": "#ff7f0e"}


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=0):
    if v is None:
        return "–"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def ratio(v):
    return "–" if v is None else f"{v:.2f}"


def load(path):
    runs, agreements = [], []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            (runs if rec["type"] == "run" else agreements).append(rec)
    return runs, agreements


def group_key(r):
    return (r["scenario"], r["mode"], r["set"], r["trace"], r["clients"], r["sync_commit"],
            r["rules"], r["reps"], r["accounts"])


class Group:
    """The rounds of one scenario configuration, by contender."""

    def __init__(self, records):
        self.records = records
        self.first = records[0]
        self.by = defaultdict(dict)  # contender -> round -> record
        for r in records:
            self.by[r["contender"]][r["round"]] = r

    def has(self, c):
        return c in self.by

    def metric(self, c, key):
        return med(r.get(key) for r in self.by.get(c, {}).values())

    def worst(self, c, key):
        values = [r.get(key) for r in self.by.get(c, {}).values() if r.get(key) is not None]
        return max(values) if values else None

    def ratio(self, a, b, key="throughput"):
        """Median over rounds of a/b, both measured in the same round."""
        out = []
        for rnd, ra in self.by.get(a, {}).items():
            rb = self.by.get(b, {}).get(rnd)
            if rb and rb.get(key):
                out.append(ra[key] / rb[key])
        return med(out)

    def rounds(self):
        return max((len(v) for v in self.by.values()), default=0)


def groups(runs):
    g = defaultdict(list)
    for r in runs:
        g[group_key(r)].append(r)
    return {k: Group(v) for k, v in g.items()}


def find(gs, **want):
    out = []
    for k, g in gs.items():
        f = g.first
        if all(f.get(key) == value for key, value in want.items()):
            out.append(g)
    return out


def one(gs, **want):
    found = find(gs, **want)
    return found[0] if found else None


# ---- machine -----------------------------------------------------------------------------------

def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    distro = ""
    try:
        with open("/etc/debian_version") as f:
            distro = f", Debian {f.read().strip()}"
    except OSError:
        pass
    return f"{os.cpu_count()} vCPU {cpu}{mem}, Linux {platform.release()}{distro}"


def server_settings():
    def q(sql):
        try:
            return subprocess.run(["psql", "-XAtc", sql], capture_output=True, text=True,
                                  timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    version = q("SHOW server_version")
    settings = q("SELECT string_agg(name || ' = ' || setting || coalesce(unit, ''), ', ' ORDER BY name) "
                 "FROM pg_settings WHERE name IN ('shared_buffers', 'fsync', 'synchronous_commit', "
                 "'max_wal_size', 'wal_level', 'checkpoint_timeout')")
    return version, settings


# ---- tables ------------------------------------------------------------------------------------

def targets(gs, suite):
    rows = []
    head = one(gs, scenario="insert", clients=2, sync_commit=False, rules=1000, reps=1000,
               accounts=1000000)
    if head:
        p99 = head.metric("leadroute", "trig_p99_us")
        rows.append(("Trigger time per lead p99 ≤ 100 µs (1,000 rules, 1,000 reps, 1,000,000 "
                     "accounts; single-row INSERT, 2 clients)", f"{fmt(p99)} µs", p99 is not None and p99 <= 100))
        r = head.ratio("leadroute", "plain")
        rows.append(("Routed single-row INSERT throughput ≥ 50 % of plain (2 clients, "
                     "synchronous_commit off)", f"{r * 100:.0f} %" if r else "–", r is not None and r >= 0.5))
        r = head.ratio("leadroute", "plpgsql")
        rows.append(("≥ 5× the PL/pgSQL reference's throughput (same scenario)",
                     f"{r:.2f}×" if r else "–", r is not None and r >= 5))
    copy = one(gs, scenario="copy-100k", reps=1000, accounts=1000000, rules=1000)
    if copy:
        t = copy.metric("leadroute", "throughput")
        rows.append(("A 100,000-lead COPY routed at ≥ 50,000 leads/s", f"{fmt(t)} leads/s",
                     t is not None and t >= 50000))
        r = copy.ratio("leadroute", "plpgsql")
        rows.append(("≥ 5× the PL/pgSQL reference (the same COPY)", f"{r:.2f}×" if r else "–",
                     r is not None and r >= 5))
    for reps in sorted({g.first["reps"] for g in gs.values()}):
        for accounts in sorted({g.first["accounts"] for g in gs.values()}):
            lo = one(gs, scenario="rules-sweep", set="mix", rules=10, reps=reps, accounts=accounts)
            hi = one(gs, scenario="rules-sweep", set="mix", rules=10000, reps=reps, accounts=accounts)
            if lo and hi:
                a, b = lo.metric("leadroute", "trig_mean_us"), hi.metric("leadroute", "trig_mean_us")
                c, d = lo.metric("leadroute", "us_per_lead"), hi.metric("leadroute", "us_per_lead")
                g1, g2 = b / a, d / c
                rows.append((f"Cost per lead grows < 2× from 10 to 10,000 rules ({reps:,} reps, "
                             f"{accounts:,} accounts; realistic mix)",
                             f"trigger mean {fmt(a, 1)} → {fmt(b, 1)} µs ({g1:.1f}×); COPY "
                             f"{fmt(c, 1)} → {fmt(d, 1)} µs/lead ({g2:.1f}×)", g1 < 2 and g2 < 2))
    for reps in sorted({g.first["reps"] for g in gs.values()}):
        for rules in sorted({g.first["rules"] for g in gs.values()}):
            mix = mix_groups(gs, rules=rules, reps=reps)
            small = [g for g in mix if g.first["accounts"] == 1000]
            large = [g for g in mix if g.first["accounts"] == 1000000]
            if small and large:
                lo, hi = small[0], large[0]
                a, b = lo.metric("leadroute", "trig_mean_us"), hi.metric("leadroute", "trig_mean_us")
                c, d = lo.metric("leadroute", "us_per_lead"), hi.metric("leadroute", "us_per_lead")
                g1, g2 = b / a, d / c
                rows.append((f"Cost per lead grows < 2× from 1,000 to 1,000,000 accounts "
                             f"({rules:,} rules, {reps:,} reps)",
                             f"trigger mean {fmt(a, 1)} → {fmt(b, 1)} µs ({g1:.1f}×); COPY "
                             f"{fmt(c, 1)} → {fmt(d, 1)} µs/lead ({g2:.1f}×)", g1 < 2 and g2 < 2))
    out = ["| target | measured | |", "|---|---|---|"]
    for name, value, ok in rows:
        out.append(f"| {name} | {value} | {'met' if ok else '**missed**'} |")
    return out


def insert_table(gs):
    found = sorted(find(gs, scenario="insert"),
                   key=lambda g: (g.first["reps"], g.first["sync_commit"], g.first["clients"]))
    if not found:
        return []
    out = ["| reps | clients | synchronous_commit | contender | leads/s | INSERT p50 µs | p90 | p99 | max "
           "| trigger p50 µs | p90 | p99 | leadroute / plain | leadroute / lean | leadroute / full PL/pgSQL |",
           "|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for g in found:
        f = g.first
        for c in CONTENDERS:
            if not g.has(c):
                continue
            trig = [g.metric(c, k) for k in ("trig_p50_us", "trig_p90_us", "trig_p99_us")]
            out.append(
                f"| {f['reps']:,} | {f['clients']} | {'on' if f['sync_commit'] else 'off'} | {LABEL[c]} "
                f"| {fmt(g.metric(c, 'throughput'))} | {fmt(g.metric(c, 'lat_p50_us'))} "
                f"| {fmt(g.metric(c, 'lat_p90_us'))} | {fmt(g.metric(c, 'lat_p99_us'))} "
                f"| {fmt(g.worst(c, 'lat_max_us'))} | {fmt(trig[0])} | {fmt(trig[1])} | {fmt(trig[2])} "
                f"| {ratio(g.ratio('leadroute', 'plain')) if c == 'leadroute' else ''} "
                f"| {ratio(g.ratio('leadroute', 'lean')) if c == 'leadroute' and g.has('lean') else ''} "
                f"| {ratio(g.ratio('leadroute', 'plpgsql')) if c == 'leadroute' else ''} |")
    return out


def copy_table(gs):
    found = sorted(find(gs, scenario="copy-100k"), key=lambda g: g.first["reps"])
    if not found:
        return []
    out = ["| reps | contender | leads/s | seconds | µs/lead | trigger p50 µs | p90 | p99 "
           "| leadroute / plain | leadroute / lean | leadroute / full PL/pgSQL |",
           "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for g in found:
        for c in CONTENDERS:
            if not g.has(c):
                continue
            out.append(
                f"| {g.first['reps']:,} | {LABEL[c]} | {fmt(g.metric(c, 'throughput'))} "
                f"| {fmt(g.metric(c, 'seconds'), 2)} | {fmt(g.metric(c, 'us_per_lead'), 1)} "
                f"| {fmt(g.metric(c, 'trig_p50_us'))} | {fmt(g.metric(c, 'trig_p90_us'))} "
                f"| {fmt(g.metric(c, 'trig_p99_us'))} "
                f"| {ratio(g.ratio('leadroute', 'plain')) if c == 'leadroute' else ''} "
                f"| {ratio(g.ratio('leadroute', 'lean')) if c == 'leadroute' and g.has('lean') else ''} "
                f"| {ratio(g.ratio('leadroute', 'plpgsql')) if c == 'leadroute' else ''} |")
    return out


def sweep_table(gs):
    out = []
    combos = sorted({(g.first["reps"], g.first["accounts"]) for g in find(gs, scenario="rules-sweep")})
    if not combos:
        return out
    out.append("| reps | accounts | rules | COPY µs/lead: plain | leadroute | PL/pgSQL "
               "| leadroute trigger mean µs (p50 / p99) | PL/pgSQL trigger mean µs (p50 / p99) "
               "| leadroute early / late µs | PL/pgSQL early / late µs | mean matching rule | leadroute / PL/pgSQL |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for reps, accounts in combos:
        for rules in sorted({g.first["rules"] for g in find(gs, scenario="rules-sweep", reps=reps,
                                                           accounts=accounts)}):
            mix = one(gs, scenario="rules-sweep", set="mix", reps=reps, accounts=accounts, rules=rules)
            early = one(gs, scenario="rules-probe", set="early", reps=reps, accounts=accounts, rules=rules)
            late = one(gs, scenario="rules-probe", set="late", reps=reps, accounts=accounts, rules=rules)
            if not mix:
                continue

            def trig(g, c):
                return (f"{fmt(g.metric(c, 'trig_mean_us'), 1)} ({fmt(g.metric(c, 'trig_p50_us'))} / "
                        f"{fmt(g.metric(c, 'trig_p99_us'))})")

            def probe(c):
                e = early.metric(c, "trig_mean_us") if early else None
                l = late.metric(c, "trig_mean_us") if late else None
                return f"{fmt(e, 1)} / {fmt(l, 1)}"
            out.append(
                f"| {reps:,} | {accounts:,} | {rules:,} | {fmt(mix.metric('plain', 'us_per_lead'), 1)} "
                f"| {fmt(mix.metric('leadroute', 'us_per_lead'), 1)} | {fmt(mix.metric('plpgsql', 'us_per_lead'), 1)} "
                f"| {trig(mix, 'leadroute')} | {trig(mix, 'plpgsql')} | {probe('leadroute')} | {probe('plpgsql')} "
                f"| {fmt(mix.metric('leadroute', 'mean_rule_position'))} "
                f"| {ratio(mix.ratio('leadroute', 'plpgsql'))} |")
    return out


def mix_groups(gs, **want):
    """COPY runs of the realistic mix, one per configuration (the rules sweep's, when the accounts
    sweep measured the same configuration too)."""
    out = {}
    for g in find(gs, set="mix", mode="copy", trace="default", **want):
        f = g.first
        if f["scenario"] not in ("rules-sweep", "accounts-sweep"):
            continue
        key = (f["reps"], f["rules"], f["accounts"])
        if key not in out or f["scenario"] == "rules-sweep":
            out[key] = g
    return list(out.values())


def accounts_table(gs):
    mix = mix_groups(gs)
    keys = sorted({(g.first["reps"], g.first["rules"]) for g in mix})
    out = []
    for reps, rules in keys:
        pair = {g.first["accounts"]: g for g in mix if g.first["reps"] == reps and g.first["rules"] == rules}
        if 1000 not in pair or 1000000 not in pair:
            continue
        if not out:
            out = ["| reps | rules | accounts | leads with an account | leadroute trigger mean µs (p50 / p99) "
                   "| PL/pgSQL trigger mean µs (p50 / p99) | COPY µs/lead: plain | leadroute | PL/pgSQL |",
                   "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for accounts in (1000, 1000000):
            g = pair[accounts]
            matched = g.metric("leadroute", "with_account")
            leads = g.metric("leadroute", "leads")
            share = f"{100 * matched / leads:.0f} %" if matched is not None and leads else "–"
            out.append(
                f"| {reps:,} | {rules:,} | {accounts:,} | {share} "
                f"| {fmt(g.metric('leadroute', 'trig_mean_us'), 1)} ({fmt(g.metric('leadroute', 'trig_p50_us'))} / {fmt(g.metric('leadroute', 'trig_p99_us'))}) "
                f"| {fmt(g.metric('plpgsql', 'trig_mean_us'), 1)} ({fmt(g.metric('plpgsql', 'trig_p50_us'))} / {fmt(g.metric('plpgsql', 'trig_p99_us'))}) "
                f"| {fmt(g.metric('plain', 'us_per_lead'), 1)} | {fmt(g.metric('leadroute', 'us_per_lead'), 1)} "
                f"| {fmt(g.metric('plpgsql', 'us_per_lead'), 1)} |")
    return out


def trace_table(gs):
    found = find(gs, scenario="trace-levels")
    if not found:
        return []
    out = ["| leadroute.trace | rules | leads | trigger mean µs | p50 | p99 | COPY µs/lead |",
           "|---|---:|---|---:|---:|---:|---:|"]
    order = ["full", "compact", "off"]
    for g in sorted(found, key=lambda g: (g.first["rules"], g.first["set"], order.index(g.first["trace"]))):
        out.append(f"| {g.first['trace']} | {g.first['rules']:,} | {fmt(g.metric('leadroute', 'leads'))} {g.first['set']} "
                   f"| {fmt(g.metric('leadroute', 'trig_mean_us'), 1)} | {fmt(g.metric('leadroute', 'trig_p50_us'))} "
                   f"| {fmt(g.metric('leadroute', 'trig_p99_us'))} | {fmt(g.metric('leadroute', 'us_per_lead'), 1)} |")
    return out


def agreement_lines(agreements):
    if not agreements:
        return []
    compared = sum(a["compared"] for a in agreements)
    identical = sum(a["identical"] for a in agreements)
    lines = [f"Both routers decided {identical:,} of {compared:,} leads identically (email domain, "
             f"free-mail, account, match tier, rule, status, queue, country; the rep may differ: "
             f"each router has its own rotation), over {len(agreements)} comparisons."]
    examples = []
    for a in agreements:
        for e in a["examples"]:
            if e not in examples:
                examples.append(e)
    if examples:
        lines.append("Differences seen (first few):")
        lines.append("")
        lines += [f"- `{e}`" for e in examples[:4]]
    return lines


# ---- plot --------------------------------------------------------------------------------------

def svg_plot(gs, path, suite):
    reps = 1000 if find(gs, reps=1000) else (min(g.first["reps"] for g in gs.values()) if gs else 0)
    W, H = 960, 430
    panels = [(70, "Cost per lead vs rules (1,000 accounts)", "rules"),
              (545, "Cost per lead vs accounts (1,000 rules)", "accounts")]
    pw, ph, top = 370, 270, 50
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
             f'font-family="Helvetica, Arial, sans-serif" font-size="12">',
             f'<rect width="{W}" height="{H}" fill="white"/>',
             f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="15">leadroute benchmark ({suite} suite, '
             f'{reps:,} reps): µs per lead, log scales; COPY of the realistic mix</text>']

    def series(axis):
        out = {}
        mix = mix_groups(gs, reps=reps)
        for g in mix:
            f = g.first
            if axis == "rules" and f["accounts"] != 1000:
                continue
            if axis == "accounts" and f["rules"] != 1000:
                continue
            x = f[axis]
            for c in CONTENDERS:
                if g.has(c):
                    out.setdefault((c, "copy"), []).append((x, g.metric(c, "us_per_lead")))
                    if c != "plain":
                        out.setdefault((c, "trigger"), []).append((x, g.metric(c, "trig_mean_us")))
        return {k: sorted(v) for k, v in out.items()}

    for x0, title, axis in panels:
        data = series(axis)
        xs = sorted({x for pts in data.values() for x, _ in pts}) or [1, 10]
        ys = [y for pts in data.values() for _, y in pts if y] or [1, 10]
        lx0, lx1 = math.log10(min(xs)), math.log10(max(xs))
        if lx1 - lx0 < 1e-9:
            lx0, lx1 = lx0 - 0.5, lx1 + 0.5
        ly0, ly1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
        if ly1 == ly0:
            ly1 += 1

        def px(x):
            return x0 + (math.log10(x) - lx0) / (lx1 - lx0) * pw

        def py(y):
            return top + ph - (math.log10(y) - ly0) / (ly1 - ly0) * ph
        parts.append(f'<text x="{x0 + pw / 2}" y="{top - 10}" text-anchor="middle" font-size="13">{title}</text>')
        parts.append(f'<rect x="{x0}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>')
        for e in range(ly0, ly1 + 1):
            y = py(10 ** e)
            parts.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + pw}" y2="{y:.1f}" stroke="#ddd"/>')
            parts.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{10 ** e:,}</text>')
        for x in xs:
            parts.append(f'<line x1="{px(x):.1f}" y1="{top}" x2="{px(x):.1f}" y2="{top + ph}" stroke="#eee"/>')
            parts.append(f'<text x="{px(x):.1f}" y="{top + ph + 16}" text-anchor="middle">{x:,}</text>')
        parts.append(f'<text x="{x0 + pw / 2}" y="{top + ph + 34}" text-anchor="middle">{axis}</text>')
        parts.append(f'<text x="{x0 - 52}" y="{top + ph / 2}" text-anchor="middle" '
                     f'transform="rotate(-90 {x0 - 52} {top + ph / 2})">µs per lead</text>')
        for (c, kind), pts in sorted(data.items()):
            pts = [(x, y) for x, y in pts if y]
            if not pts:
                continue
            dash = ' stroke-dasharray="6 4"' if kind == "trigger" else ""
            d = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
            parts.append(f'<polyline points="{d}" fill="none" stroke="{COLOR[c]}" stroke-width="2"{dash}/>')
            for x, y in pts:
                parts.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{COLOR[c]}"/>')
    ly = H - 40
    lx = 70
    for c in CONTENDERS:
        parts.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 30}" y2="{ly}" stroke="{COLOR[c]}" stroke-width="2"/>')
        parts.append(f'<text x="{lx + 36}" y="{ly + 4}">{LABEL[c]}: COPY wall time per lead</text>')
        lx += 220
    for c in ("leadroute", "lean", "plpgsql"):
        lx = 70 + 220 * CONTENDERS.index(c)  # under the contender's solid line
        parts.append(f'<line x1="{lx}" y1="{ly + 20}" x2="{lx + 30}" y2="{ly + 20}" stroke="{COLOR[c]}" '
                     f'stroke-width="2" stroke-dasharray="6 4"/>')
        parts.append(f'<text x="{lx + 36}" y="{ly + 24}">{LABEL[c]}: trigger\'s own time, mean</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


# ---- the section -------------------------------------------------------------------------------

def section(args, runs, agreements):
    gs = groups(runs)
    version, settings = server_settings()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    seeds = sorted({r["seed"] for r in runs})
    lines = [f"## Routed vs plain vs PL/pgSQL: the {args.suite} suite (issue 7)", "",
             f"`{args.command}` — {now}, seed {', '.join(map(str, seeds))}. Generated by "
             f"`bench/report.py`; rerunning replaces this section.", "",
             f"**Machine:** {machine()}. PostgreSQL {version or '15'}; {settings}. The load "
             f"generator runs on the same 2 vCPUs as the server, and other work shared the machine: "
             f"compare numbers within one run, not across runs.", "",
             f"**Method:** the three contenders run on the same generated leads, interleaved "
             f"round by round (the order rotates: ABC, BCA, CAB); before each contender's run the "
             f"leads, decisions, assignments and notifications are truncated, a CHECKPOINT is taken "
             f"and every connection inserts 20–50 warm-up leads. Numbers are medians over "
             f"{max((g.rounds() for g in gs.values()), default=0)} rounds or fewer; ratios are "
             f"medians of per-round ratios. *Plain*: `ALTER TABLE leadroute.leads DISABLE TRIGGER "
             f"USER` (no trigger at all; `SET leadroute.enabled = off` still runs the trigger and "
             f"writes a decision row per lead, so it is not the physical limit). *leadroute*: the "
             f"extension's triggers, default settings (trace full, notifications on). *PL/pgSQL*: "
             f"`bench/plpgsql_router.sql` as a BEFORE INSERT trigger (rules compiled into one "
             f"CASE expression). Trigger time is `decisions.duration_us` (leadroute's own "
             f"measurement; the reference measures the same span with clock_timestamp()).", ""]
    lines += ["### Targets", ""] + targets(gs, args.suite) + [""]
    t = insert_table(gs)
    if t:
        lines += ["### Single-row INSERTs (1,000 rules, 1,000,000 accounts)", "",
                  "One prepared single-row INSERT per lead, autocommit, N client threads with a "
                  "connection each; latency is the INSERT as the client sees it.", ""] + t + [""]
    t = copy_table(gs)
    if t:
        lines += ["### One COPY of 100,000 leads (1,000 rules, 1,000,000 accounts)", ""] + t + [""]
    t = sweep_table(gs)
    if t:
        lines += ["### Rules: 10 to 10,000", "",
                  "COPY of the realistic mix (the matching rule can be anywhere; *mean matching "
                  "rule* is the mean position of the rule that placed a lead), and two probes: "
                  "*early* leads are placed by the 5th rule, *late* leads only by the catch-all "
                  "after every rule and every territory was tried.", ""] + t + [""]
    t = accounts_table(gs)
    if t:
        lines += ["### Accounts: 1,000 and 1,000,000", ""] + t + [""]
    t = trace_table(gs)
    if t:
        lines += ["### Trace levels (leadroute alone, COPY)", "",
                  "*mix*: the realistic mix; *late*: leads placed only by the catch-all.", ""] + t + [""]
    lines += ["### Do the routers agree?", ""] + agreement_lines(agreements) + [""]
    lines += [f"![cost per lead vs rules and accounts]({os.path.basename(args.svg)})", ""]
    return lines


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--suite", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--markdown", required=True)
    p.add_argument("--svg", required=True)
    p.add_argument("--command", default="make bench")
    args = p.parse_args()
    runs, agreements = load(args.results)
    if not runs:
        raise SystemExit(f"no results in {args.results}")
    svg_plot(groups(runs), args.svg, args.suite)
    begin = f"<!-- leadroute-bench:{args.suite}:begin -->"
    end = f"<!-- leadroute-bench:{args.suite}:end -->"
    block = "\n".join([begin] + section(args, runs, agreements) + [end])
    text = open(args.markdown).read() if os.path.exists(args.markdown) else "# Benchmark results\n"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(args.markdown, "w") as f:
        f.write(text)
    print(f"wrote {args.markdown} ({args.suite} section) and {args.svg}")


if __name__ == "__main__":
    main()
