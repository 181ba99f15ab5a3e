#!/usr/bin/env bash
# Turns src/sql/data/freemail_domains.tsv into the INSERT that ships the list with the extension.
set -euo pipefail
tsv=${1:-src/sql/data/freemail_domains.tsv}
echo "-- Shipped free-mail, disposable and typo domains (src/sql/data/README.md says where from)."
echo "INSERT INTO leadroute.freemail_domains (domain, kind, shipped) VALUES"
awk -F'\t' 'BEGIN { n = 0 }
  /^[a-z0-9.-]+\t(freemail|disposable|typo)$/ {
    printf "%s('\''%s'\'', '\''%s'\'', true)", (n++ ? ",\n" : ""), $1, $2
  }
  END { print ";" }' "$tsv"
