#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the normal build,
# the ASan+UBSan build, each fuzz target briefly, and the format check.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
JOBS=$(nproc)
FUZZ_SECONDS=${FUZZ_SECONDS:-20}

echo "== format check (clang-format) =="
mapfile -t SOURCES < <(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'fuzz/*.c' 2>/dev/null || find src tests fuzz -name '*.[ch]')
clang-format --dry-run -Werror "${SOURCES[@]}"

echo "== build and test (RelWithDebInfo) =="
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$JOBS"
(cd build && ctest --output-on-failure -j"$JOBS")

echo "== build and test (ASan + UBSan) =="
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCX_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$JOBS"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure -j"$JOBS")

echo "== fuzz targets (${FUZZ_SECONDS}s each) =="
CC=clang cmake -S . -B build-fuzz -DCX_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j"$JOBS"
for f in build-fuzz/fuzz_*; do
  [[ -x "$f" ]] || continue
  name=$(basename "$f")
  corpus=$(mktemp -d)
  seed="fuzz/corpus/${name#fuzz_}"
  [[ -d "$seed" ]] && cp -r "$seed"/. "$corpus"/
  echo "-- $name"
  "$f" -max_total_time="$FUZZ_SECONDS" -print_final_stats=0 "$corpus" 2>&1 | tail -n 3
  rm -rf "$corpus"
done
echo "all tests passed"
