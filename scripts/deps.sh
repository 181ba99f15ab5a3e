#!/usr/bin/env bash
# Installs the Debian packages leadroute needs to build, test and demo. As root it installs what is
# missing; otherwise it prints the exact apt-get command and stops. Quiet when nothing is missing.
set -euo pipefail

PACKAGES=(
  postgresql-15 postgresql-server-dev-15 postgresql-15-cron postgresql-15-pgtap pgtap
  libpq-dev libpsl-dev publicsuffix libicu-dev
  build-essential cmake pkg-config libgtest-dev libgmock-dev
  clang libclang-rt-14-dev clang-format
  python3 valgrind   # make bench: the report and plot; the callgrind profile of bench-full
  libcurl4-openssl-dev libcpp-httplib-dev libssl-dev nlohmann-json3-dev   # leadroute-agent: HTTP/SMTP, /metrics, HMAC, JSON
  python3-aiosmtpd   # the agent test layer's SMTP sink
  prometheus-postgres-exporter curl   # make test: the monitoring layer runs the real exporter
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
  echo "leadroute needs these Debian packages: ${missing[*]}" >&2
  echo "Run as root:" >&2
  echo "  $line" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
# Installing the server package may create and start Debian's default cluster on port 5432; the
# project uses private clusters, so leave it alone but make sure it does not hold our ports.
echo "Installed: ${missing[*]}"
