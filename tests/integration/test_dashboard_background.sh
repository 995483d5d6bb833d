#!/usr/bin/env bash
# Slow dashboard views computed off the request (see dashboard_background.py).
exec python3 "$(dirname "$0")/dashboard_background.py" "$1"
