#!/usr/bin/env bash
# HTTP server: SIGTERM and kill -9 under load lose no acknowledged row (see server_shutdown.py).
exec python3 "$(dirname "$0")/server_shutdown.py" "$1"
