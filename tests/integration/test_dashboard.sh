#!/usr/bin/env bash
# Browser test of the web dashboard (cxpulse serve at /): login, every page,
# the overview's numbers against `cxpulse report`, filters, CSV export, the
# follow-up queue, roles, CSRF and logout, in Debian's Chromium driven by
# playwright-core, checked with axe-core (see tests/browser/dashboard.test.mjs
# and tests/browser/README.md).
#
#   bash tests/integration/test_dashboard.sh PATH_TO_CXPULSE
#
# browser_setup.sh checks Chromium and Node.js and installs the pinned npm
# packages; a missing Chromium or Node.js is a failure, not a skip.
source "$(dirname "$0")/browser_setup.sh" dashboard "$@"
exec node tests/browser/dashboard.test.mjs "$BIN"
