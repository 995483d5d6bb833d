# lib.sh - helpers for the CLI integration tests. Source it from a test run
# as `bash TEST PATH_TO_CXPULSE`:
#
#   source "$(dirname "$0")/lib.sh"      # sets BIN, TMP (removed on exit)
#   cx import responses --data "$D" f.csv  # sets OUT, ERR, RC; never exits
#   assert_eq 0 "$RC" "import status"
#
# Every assertion failure prints what was expected and what came, then
# exits 1.

set -euo pipefail

BIN=${1:-}
if [[ -z "$BIN" || ! -x "$BIN" ]]; then
  echo "usage: bash $0 PATH_TO_CXPULSE_BINARY" >&2
  exit 2
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
DATA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/data"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cxpulse-it.XXXXXX")
# KEEP_TMP=1 keeps the scratch directory for a look after a run.
cleanup() {
  if [[ -n "${KEEP_TMP:-}" ]]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
unset CXPULSE_DATA
export LC_ALL=C

OUT=""
ERR=""
RC=0
STEP=""

# step NAME: names the part of the test that runs next (shown on failure).
step() { STEP=$1; }

fail() {
  echo "FAIL${STEP:+ [$STEP]}: $*" >&2
  exit 1
}

# cx ARGS...: runs the binary; OUT and ERR hold its output (trailing
# newlines stripped, as with $(...)), RC its exit status.
cx() {
  set +e
  "$BIN" "$@" >"$TMP/.out" 2>"$TMP/.err" </dev/null
  RC=$?
  set -e
  OUT=$(cat "$TMP/.out")
  ERR=$(cat "$TMP/.err")
}

# cx_stdin FILE ARGS...: as cx, with FILE on standard input.
cx_stdin() {
  local in=$1
  shift
  set +e
  "$BIN" "$@" >"$TMP/.out" 2>"$TMP/.err" <"$in"
  RC=$?
  set -e
  OUT=$(cat "$TMP/.out")
  ERR=$(cat "$TMP/.err")
}

# raw_out: the exact bytes of the last command's standard output.
raw_out() { cat "$TMP/.out"; }

show_last() {
  echo "--- exit status: $RC" >&2
  echo "--- stdout:" >&2
  printf '%s\n' "$OUT" | head -40 >&2
  echo "--- stderr:" >&2
  printf '%s\n' "$ERR" | head -40 >&2
}

# assert_eq EXPECTED ACTUAL MESSAGE
assert_eq() {
  if [[ "$1" != "$2" ]]; then
    echo "FAIL${STEP:+ [$STEP]}: $3" >&2
    echo "--- expected:" >&2
    printf '%s\n' "$1" >&2
    echo "--- actual:" >&2
    printf '%s\n' "$2" >&2
    if command -v diff >/dev/null; then
      diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") >&2 || true
    fi
    exit 1
  fi
}

# assert_contains HAYSTACK NEEDLE MESSAGE
assert_contains() {
  if [[ "$1" != *"$2"* ]]; then
    echo "FAIL${STEP:+ [$STEP]}: $3" >&2
    echo "--- expected to contain: $2" >&2
    echo "--- in:" >&2
    printf '%s\n' "$1" | head -40 >&2
    exit 1
  fi
}

# assert_not_contains HAYSTACK NEEDLE MESSAGE
assert_not_contains() {
  if [[ "$1" == *"$2"* ]]; then
    echo "FAIL${STEP:+ [$STEP]}: $3" >&2
    echo "--- expected not to contain: $2" >&2
    echo "--- in:" >&2
    printf '%s\n' "$1" | head -40 >&2
    exit 1
  fi
}

# expect_ok MESSAGE: the last cx command exited 0.
expect_ok() {
  if [[ "$RC" -ne 0 ]]; then
    show_last
    fail "$1: expected exit status 0, got $RC"
  fi
}

# expect_fail MESSAGE: the last cx command exited non-zero.
expect_fail() {
  if [[ "$RC" -eq 0 ]]; then
    show_last
    fail "$1: expected a non-zero exit status"
  fi
}

# new_data NAME: initialises a fresh data directory $TMP/NAME and prints
# its path.
new_data() {
  local d="$TMP/$1"
  "$BIN" init --data "$d" >/dev/null || fail "init --data $d failed"
  printf '%s\n' "$d"
}

# report_csv DIR ARGS...: `report --format csv` output (fails the test when
# the report fails).
report_csv() {
  local d=$1
  shift
  cx report --data "$d" --format csv "$@"
  if [[ "$RC" -ne 0 ]]; then
    show_last
    fail "report $* failed"
  fi
  printf '%s\n' "$OUT"
}

# db_files_contain DIR STRING: true if cxpulse.db or its -wal holds STRING.
db_files_contain() {
  local f
  for f in "$1/cxpulse.db" "$1/cxpulse.db-wal"; do
    [[ -f "$f" ]] || continue
    if grep -aqF -- "$2" "$f"; then return 0; fi
  done
  return 1
}
