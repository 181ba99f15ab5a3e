#!/usr/bin/env python3
"""META.json against the PGXN Meta Spec 1.0.0 (https://pgxn.org/spec/): the required keys and
their types, the optional keys leadroute uses, and agreement with the control file; then
`make dist` builds the archive from git and it holds what PGXN needs. Prints "ok - ..." /
"not ok - ..." lines and "# packaging: done"."""
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+)?$")
LICENSES = {"agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd", "freebsd",
            "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1", "lgpl_3_0", "mit",
            "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5", "postgresql", "qpl_1_0", "ssleay",
            "sun", "zlib", "open_source", "restricted", "unrestricted", "unknown"}
PHASES = {"configure", "build", "test", "runtime", "develop"}
RELATIONS = {"requires", "recommends", "suggests", "conflicts"}


def report(ok, what, detail=""):
    print(("ok - " if ok else "not ok - ") + what)
    if not ok and detail:
        print("#   " + detail)
    return ok


def is_str(v):
    return isinstance(v, str) and v.strip() != ""


def main():
    failures = 0
    meta = json.load(open("META.json"))
    control = open("leadroute.control").read()
    default_version = re.search(r"^default_version = '([^']+)'", control, re.M).group(1)

    problems = []
    for key in ("name", "version", "abstract", "maintainer", "license", "provides", "meta-spec"):
        if key not in meta:
            problems.append("missing required key " + key)
    if not (is_str(meta.get("name")) and re.match(r"^[A-Za-z0-9_.-]+$", meta.get("name", ""))):
        problems.append("name must be a string without spaces or slashes")
    if not (is_str(meta.get("version")) and SEMVER.match(meta.get("version", ""))):
        problems.append("version must be a semantic version")
    if not is_str(meta.get("abstract")):
        problems.append("abstract must be a string")
    m = meta.get("maintainer")
    if not (is_str(m) or (isinstance(m, list) and m and all(is_str(x) for x in m))):
        problems.append("maintainer must be a string or a list of strings")
    lic = meta.get("license")
    if isinstance(lic, str):
        lic_ok = lic in LICENSES
    elif isinstance(lic, list):
        lic_ok = bool(lic) and all(x in LICENSES for x in lic)
    else:
        lic_ok = isinstance(lic, dict) and bool(lic) and all(is_str(v) for v in lic.values())
    if not lic_ok:
        problems.append("license must be a known license name, a list of them, or an object of URLs")
    spec = meta.get("meta-spec")
    if not (isinstance(spec, dict) and spec.get("version") == "1.0.0"):
        problems.append("meta-spec must be an object with version 1.0.0")
    provides = meta.get("provides")
    if not (isinstance(provides, dict) and provides):
        problems.append("provides must be a non-empty object")
    else:
        for ext, p in provides.items():
            if not isinstance(p, dict) or not is_str(p.get("file")) or not SEMVER.match(str(p.get("version", ""))):
                problems.append("provides.%s needs file and a semantic version" % ext)
    failures += not report(not problems, "META.json has the PGXN spec's required keys with their types", "; ".join(problems))

    problems = []
    if meta.get("release_status") not in ("stable", "testing", "unstable"):
        problems.append("release_status must be stable, testing or unstable")
    if "description" in meta and not is_str(meta["description"]):
        problems.append("description must be a string")
    if "tags" in meta and not (isinstance(meta["tags"], list) and all(is_str(t) for t in meta["tags"])):
        problems.append("tags must be a list of strings")
    for phase, rels in meta.get("prereqs", {}).items():
        if phase not in PHASES or not isinstance(rels, dict):
            problems.append("prereqs phase " + phase)
            continue
        for rel, deps in rels.items():
            if rel not in RELATIONS or not isinstance(deps, dict):
                problems.append("prereqs.%s.%s" % (phase, rel))
                continue
            for dep, ver in deps.items():
                if not (isinstance(ver, (str, int)) and (str(ver) == "0" or SEMVER.match(str(ver)))):
                    problems.append("prereqs.%s.%s.%s version %r" % (phase, rel, dep, ver))
    for name, res in meta.get("resources", {}).items():
        if not isinstance(res, dict):
            problems.append("resources." + name)
    failures += not report(not problems, "optional keys (release_status, prereqs, tags, resources) are well formed", "; ".join(problems))

    problems = []
    if meta.get("version") != default_version:
        problems.append("version %s, control file %s" % (meta.get("version"), default_version))
    p = meta.get("provides", {}).get("leadroute", {})
    if p.get("version") != default_version:
        problems.append("provides.leadroute.version %s" % p.get("version"))
    if not os.path.exists(p.get("file", "")):
        problems.append("provides.leadroute.file %s does not exist" % p.get("file"))
    if "docfile" in p and not os.path.exists(p["docfile"]):
        problems.append("docfile %s does not exist" % p["docfile"])
    requires = re.search(r"^requires = '([^']*)'", control, re.M)
    runtime = meta.get("prereqs", {}).get("runtime", {}).get("requires", {})
    for ext in (requires.group(1).split(",") if requires else []):
        if ext.strip() and ext.strip() not in runtime:
            problems.append("control requires %s, META.json's runtime prereqs do not" % ext.strip())
    if meta.get("license") == "postgresql" and "PostgreSQL" not in open("LICENSE").read() and \
            "Permission to use, copy, modify, and distribute" not in open("LICENSE").read():
        problems.append("LICENSE is not the PostgreSQL licence")
    failures += not report(not problems, "META.json agrees with leadroute.control (version, file, requires) and LICENSE", "; ".join(problems))

    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run(["make", "-s", "dist", "DIST_DIR=" + tmp], capture_output=True, text=True)
        zip_path = os.path.join(tmp, "leadroute-%s.zip" % default_version)
        names = []
        if run.returncode == 0 and os.path.exists(zip_path):
            names = zipfile.ZipFile(zip_path).namelist()
        prefix = "leadroute-%s/" % default_version
        need = ["META.json", "LICENSE", "CHANGELOG.md", "README.md", "Makefile", "leadroute.control", p.get("file", "")]
        missing = [n for n in need if prefix + n not in names]
        stray = [n for n in names if not n.startswith(prefix) or n.startswith(prefix + "build/")]
        failures += not report(run.returncode == 0 and not missing and not stray,
                               "make dist builds leadroute-%s.zip from git (%d files) with META.json, LICENSE, CHANGELOG, the control file" % (default_version, len(names)),
                               (run.stderr.strip() + " missing: %s stray: %s" % (missing, stray[:5])))
    print("# packaging: done")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
