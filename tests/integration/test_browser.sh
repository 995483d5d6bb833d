#!/usr/bin/env bash
# Browser test: the hosted survey pages (/s/TOKEN) and the web widget in
# Debian's Chromium, driven by playwright-core, checked with axe-core (see
# tests/browser/survey.test.mjs and tests/browser/README.md).
#
#   bash tests/integration/test_browser.sh PATH_TO_CXPULSE
#
# browser_setup.sh checks Chromium and Node.js and installs the pinned npm
# packages; a missing Chromium or Node.js is a failure, not a skip.
source "$(dirname "$0")/browser_setup.sh" browser "$@"
exec node tests/browser/survey.test.mjs "$BIN"
