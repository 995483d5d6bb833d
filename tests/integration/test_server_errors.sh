#!/usr/bin/env bash
# HTTP server: every error status and body, report/customer/metrics/openapi/access log (see server_errors.py).
exec python3 "$(dirname "$0")/server_errors.py" "$1"
