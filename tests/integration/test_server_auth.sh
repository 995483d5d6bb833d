#!/usr/bin/env bash
# HTTP server: authentication and scopes of every route (see server_auth.py).
exec python3 "$(dirname "$0")/server_auth.py" "$1"
