#!/usr/bin/env python3
"""Instructions per lead from the per-statement callgrind dumps of bench/profile.sh.

    callgrind_summary.py --labels labels.txt --dumps DIR --rules N --reps R --accounts A [--top FILE]
        prints one JSON line per measured label (statements with the same label are summed)
    callgrind_summary.py --table profile.jsonl [--markdown bench/RESULTS.md]
        prints the markdown tables of the profile (and replaces RESULTS.md's profile section)
Inclusive instruction counts come from callgrind_annotate --inclusive=yes. Standard library only.
"""
import argparse
import glob
import json
import os
import re
import subprocess
from collections import defaultdict

# Named parts of a lead's cost: (key, substrings of the function name, any of which counts).
PARTS = [
    ("trigger", "leadroute_route_trigger"),
    ("decide", "leadroute::pg::(anonymous namespace)::decide("),
    ("flush", "leadroute_route_flush"),
    ("rules", "leadroute::Condition::evaluate("),
    ("trace_explain", "leadroute::Condition::explain("),
    ("route_lead", "leadroute::route_lead("),
    ("match_account", "leadroute::match_account("),
    ("normalize", "leadroute::normalize_lead("),
    ("subxact_begin", "BeginInternalSubTransaction"),
    ("subxact_release", "ReleaseCurrentSubTransaction"),
    ("async_notify", "Async_Notify"),
    ("jsonb_in", "jsonb_in"),
    ("pglz", "pglz_compress"),
    ("insert_records", "leadroute::pg::(anonymous namespace)::insert_records("),
    ("insert_notifications", "leadroute::pg::(anonymous namespace)::insert_notifications("),
    ("nextval", "nextval_internal"),
    ("plpgsql", "plpgsql_exec_trigger"),
]
LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.+?)\s*$")


def annotate(path):
    """(total, {function: inclusive Ir}) of one dump."""
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                          capture_output=True, text=True, check=True).stdout
    total, funcs = 0, {}
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        ir, name = int(m.group(1).replace(",", "")), m.group(2)
        if name.startswith("PROGRAM TOTALS"):
            total = ir
            continue
        # "file:function [object]" -> function
        fn = name.split(":", 1)[1] if ":" in name.split("(", 1)[0] else name
        fn = re.sub(r" \[[^\]]*\]$", "", fn)
        # A function inlined into other files is listed once per file name: the same cost.
        funcs[fn] = max(funcs.get(fn, 0), ir)
    return total, funcs


def summarize(args):
    dumps = {}
    for path in glob.glob(os.path.join(args.dumps, "cg.*.*")):
        suffix = path.rsplit(".", 1)[1]
        if suffix.isdigit():
            dumps[int(suffix)] = path
    labels = []
    with open(args.labels) as f:
        for line in f:
            n, label, leads = line.split()
            labels.append((int(n), label, int(leads)))
    acc = defaultdict(lambda: {"leads": 0, "total": 0, "funcs": defaultdict(int)})
    for n, label, leads in labels:
        if n not in dumps:
            raise SystemExit(f"no callgrind dump for statement {n} ({label}); dumps: {sorted(dumps)[:5]}...")
        total, funcs = annotate(dumps[n])
        a = acc[label]
        a["leads"] += leads
        a["total"] += total
        for fn, ir in funcs.items():
            a["funcs"][fn] += ir
    top_lines = []
    for label, a in acc.items():
        leads = a["leads"]
        parts = {}
        for key, needle in PARTS:
            # The function itself (the largest entry: its callers' names can contain it too).
            parts[key] = max((ir for fn, ir in a["funcs"].items() if needle in fn), default=0) / leads
        print(json.dumps({"rules": args.rules, "reps": args.reps, "accounts": args.accounts,
                          "label": label, "leads": leads, "per_lead": a["total"] / leads,
                          "parts": parts}))
        top = sorted(a["funcs"].items(), key=lambda kv: -kv[1])[:40]
        top_lines.append(f"== {label}: {a['total'] / leads:,.0f} instructions per lead "
                         f"({leads} leads), top inclusive functions per lead")
        top_lines += [f"{ir / leads:14,.0f}  {fn[:160]}" for fn, ir in top]
        top_lines.append("")
    if args.top:
        with open(args.top, "w") as f:
            f.write("\n".join(top_lines) + "\n")


def k(v):
    return f"{v / 1000:,.1f}k" if v is not None else "–"


def table(path, markdown=None):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    by = {(r["rules"], r["label"]): r for r in rows}
    rules = sorted({r["rules"] for r in rows})
    out = ["Thousands of instructions per lead (callgrind, single-user backend, "
           f"{rows[0]['reps']:,} reps, {rows[0]['accounts']:,} accounts). COPY statements of "
           "200 leads; single-row INSERT statements (one transaction each, parsed and planned "
           "each time, as single-user mode runs them).", "",
           "| rules | statement | total | plain | leadroute trigger | rule evaluation | trace "
           "explanations | account match | normalize | statement flush | of which jsonb_in "
           "| rules / trigger |",
           "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in rules:
        for label in ("leadroute-early", "leadroute-late", "leadroute-late-trace-off", "leadroute-mix",
                      "leadroute-mix-trace-off", "leadroute-insert", "leadroute-insert-trace-off"):
            r = by.get((n, label))
            if not r:
                continue
            kind = "insert" if "insert" in label else "mix"
            plain = by.get((n, f"plain-{kind}"))
            p = r["parts"]
            share = p["rules"] / p["trigger"] if p["trigger"] else 0
            out.append(f"| {n:,} | {label} | {k(r['per_lead'])} | {k(plain['per_lead']) if plain else '–'} "
                       f"| {k(p['trigger'])} | {k(p['rules'])} | {k(p['trace_explain'])} "
                       f"| {k(p['match_account'])} | {k(p['normalize'])} | {k(p['flush'])} "
                       f"| {k(p['jsonb_in'])} | {share * 100:.0f} % |")
    out += ["", "| rules | statement | plain | leadroute | lean PL/pgSQL | full PL/pgSQL "
            "| leadroute / plain | lean / leadroute | full / leadroute |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for n in rules:
        for kind in ("mix", "late", "insert"):
            plain = by.get((n, "plain-mix" if kind == "late" else f"plain-{kind}"))
            lr, pl = by.get((n, f"leadroute-{kind}")), by.get((n, f"plpgsql-{kind}"))
            if not (plain and lr and pl):
                continue
            name = {"mix": "COPY, realistic mix", "late": "COPY, late leads",
                    "insert": "single-row INSERT"}[kind]
            lean = by.get((n, f"lean-{kind}"))
            lean_total = k(lean["per_lead"]) if lean else "–"
            lean_ratio = f"{lean['per_lead'] / lr['per_lead']:.2f}" if lean else "–"
            out.append(f"| {n:,} | {name} | {k(plain['per_lead'])} | {k(lr['per_lead'])} "
                       f"| {lean_total} | {k(pl['per_lead'])} "
                       f"| {lr['per_lead'] / plain['per_lead']:.1f} | {lean_ratio} "
                       f"| {pl['per_lead'] / lr['per_lead']:.2f} |")
    print("\n".join(out))
    if markdown:
        begin, end = "<!-- leadroute-bench:profile:begin -->", "<!-- leadroute-bench:profile:end -->"
        block = "\n".join([begin, "## Where the instructions go: callgrind (issue 7)", "",
                           "`bench/profile.sh` (part of `make bench-full`). Generated; rerunning "
                           "replaces this section.", ""] + out + ["", end])
        text = open(markdown).read()
        if begin in text and end in text:
            text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
        with open(markdown, "w") as f:
            f.write(text)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--labels")
    p.add_argument("--dumps")
    p.add_argument("--rules", type=int)
    p.add_argument("--reps", type=int)
    p.add_argument("--accounts", type=int)
    p.add_argument("--top")
    p.add_argument("--table")
    p.add_argument("--markdown", help="with --table: also write the section into this file")
    args = p.parse_args()
    if args.table:
        table(args.table, args.markdown)
    else:
        summarize(args)


if __name__ == "__main__":
    main()
