#!/usr/bin/env python3
"""The boundary rule of docs/contributing.md, checked: a C-style function of src/pg (its comment
says "C style": it may ereport, which longjmps past C++ destructors) declares no local object
that owns memory or needs a destructor (std::string, std::vector, maps, smart pointers, ...).
Such code uses palloc'd memory, plain arrays and references to longer-lived objects instead.

Usage: scripts/check_boundary.py [DIR]   (default src/pg); exit 1 with a list when violated."""
import os
import re
import sys

OWNING = (r"std::(?:string|vector|unordered_map|map|set|unordered_set|deque|list|unique_ptr|"
          r"shared_ptr|function|ostringstream|stringstream)\b|JsonWriter\b|TextTable\b|"
          r"std::optional<\s*std::string\s*>")
# A local declaration: indented, the type (no & or * after it), a name, then ; = ( or {.
DECL = re.compile(r"^\s+(?:static\s+)?(?:const\s+)?(?:" + OWNING + r")(?:<[^;&*()]*>)?\s+(\w+)\s*(?:;|=|\(|\{)")


def c_style_names(text):
    """Names of the functions whose comment says C style."""
    names = set()
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].lstrip().startswith("//"):
            j = i
            block = []
            while j < len(lines) and lines[j].lstrip().startswith("//"):
                block.append(lines[j])
                j += 1
            if "C style" in " ".join(block) and j < len(lines):
                signature = " ".join(lines[j:j + 3])
                m = re.match(r"\s*(?:[\w:<>,\s*&]+?\s)?[*&]?((?:\w+::)*\w+)\s*\(", signature)
                if m and m.group(1) not in ("if", "for", "while", "switch", "return"):
                    names.add(m.group(1).split("::")[-1])
            i = j
        else:
            i += 1
    return names


def bodies(text, name):
    """(line number, body) of each definition of `name` at the top level of a file."""
    out = []
    for m in re.finditer(r"^[A-Za-z][^\n;]*\b" + re.escape(name) +
                         r"\s*\([^;{]*?\)\s*(?:const\s*)?(?:noexcept\s*)?\{", text, re.M):
        depth = 0
        start = text.index("{", m.end() - 1)
        for k in range(start, len(text)):
            if text[k] == "{":
                depth += 1
            elif text[k] == "}":
                depth -= 1
                if depth == 0:
                    out.append((text.count("\n", 0, start) + 1, text[start:k + 1]))
                    break
    return out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "src/pg"
    files = {}
    for d, _, fs in os.walk(root):
        for f in fs:
            if f.endswith((".cpp", ".h")):
                p = os.path.join(d, f)
                files[p] = open(p, encoding="utf-8").read()
    names = set()
    for text in files.values():
        names |= c_style_names(text)
    problems = []
    checked = 0
    for p, text in sorted(files.items()):
        if not p.endswith(".cpp"):
            continue
        for name in sorted(names):
            for line, body in bodies(text, name):
                checked += 1
                for k, l in enumerate(body.split("\n")):
                    m = DECL.match(l)
                    if m:
                        problems.append(f"{p}:{line + k}: {name}() is C style but declares "
                                        f"'{m.group(1)}', an object with a destructor: {l.strip()}")
    if problems:
        print("\n".join(problems))
        print(f"{len(problems)} violation(s) of the boundary rule (docs/contributing.md, rule 1)")
        return 1
    print(f"{checked} C-style functions checked: none declares an object with a destructor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
