#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UndefinedBehaviorSanitizer) and runs each
# for a bounded time, starting from the corpus kept in test/fuzz/corpus/<target>/.
#   scripts/fuzz.sh [seconds per target]      default 60; make test runs 10
# New interesting inputs go to build-fuzz/corpus-<target>/ (add the useful ones to the repo's
# corpus); a crash leaves build-fuzz/crash-<target>-* and fails the run: turn it into a test.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
dir=${FUZZ_BUILD_DIR:-build-fuzz}
if ! { CC=clang CXX=clang++ cmake -S . -B "$dir" -DLEADROUTE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$dir.log" 2>&1 &&
       cmake --build "$dir" -j2 >>"$dir.log" 2>&1; }; then
  tail -30 "$dir.log"
  echo "not ok - fuzz targets build"
  exit 1
fi
status=0
for target in normalizers condition json; do
  mkdir -p "$dir/corpus-$target"
  log="$dir/fuzz-$target.log"
  if "$dir/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$dir/crash-$target-" \
       "$dir/corpus-$target" "test/fuzz/corpus/$target" >"$log" 2>&1; then
    runs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$log" | grep -oE "[0-9]+$")
    echo "ok - fuzz_$target: ${runs:-?} inputs in ${seconds}s, no crash"
  else
    status=1
    echo "not ok - fuzz_$target: see $log"
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -10
  fi
done
exit $status
