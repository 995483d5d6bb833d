# shellcheck shell=bash
# browser_setup.sh - the shared setup of the browser tests (test_browser.sh,
# test_dashboard.sh). Source it from a test run as `bash TEST PATH_TO_CXPULSE`,
# giving the name its failures carry and the test's arguments:
#
#   source "$(dirname "$0")/browser_setup.sh" dashboard "$@"
#   exec node tests/browser/dashboard.test.mjs "$BIN"
#
# Sets BIN (absolute), ROOT, DIR (tests/browser) and CHROMIUM, defines
# fail(), and leaves the shell in ROOT. Installs the pinned npm packages into
# tests/browser/node_modules when they are absent or stale (npm ci: exactly
# package-lock.json, which it never rewrites). Never downloads a browser. A
# missing Chromium or Node.js is a failure, not a skip.
set -euo pipefail

BROWSER_TEST=$1
fail() {
  echo "FAIL [$BROWSER_TEST]: $*" >&2
  exit 1
}

BIN=${2:-}
if [[ -z "$BIN" || ! -x "$BIN" ]]; then
  echo "usage: bash $0 PATH_TO_CXPULSE_BINARY" >&2
  exit 2
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=$ROOT/tests/browser
CHROMIUM=${CXPULSE_CHROMIUM:-/usr/bin/chromium}

[[ -x "$CHROMIUM" ]] ||
  fail "$CHROMIUM is missing: this test needs Debian's chromium (bash scripts/install-deps.sh installs it)"
command -v node >/dev/null 2>&1 ||
  fail "node is missing: install Node.js 20+ and npm (bash scripts/install-deps.sh)"
command -v npm >/dev/null 2>&1 || fail "npm is missing (bash scripts/install-deps.sh)"
major=$(node -p 'process.versions.node.split(".")[0]')
((major >= 20)) || fail "node $(node --version) is too old: playwright-core needs Node.js 20 or newer"

# node_modules is fresh when its stamp holds the hash of package.json and
# package-lock.json; otherwise (re)install, one installer at a time.
want=$(cat "$DIR/package.json" "$DIR/package-lock.json" | sha256sum | cut -d' ' -f1)
stamp=$DIR/node_modules/.cxpulse-stamp
fresh() { [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; }
if ! fresh; then
  exec 9>"${TMPDIR:-/tmp}/cxpulse-browser-npm.lock"
  flock -w 300 9 || fail "another npm install in $DIR did not finish in 300 s"
  if ! fresh; then
    echo "installing the browser test's npm packages (npm ci in tests/browser)" >&2
    (cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error) ||
      fail "npm ci in $DIR failed (needs the npm registry)"
    echo "$want" >"$stamp"
  fi
  exec 9>&-
fi

cd "$ROOT"
