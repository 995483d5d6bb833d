#!/usr/bin/env bash
# HTTP server: idempotent ingestion, batches with bad rows, 16 concurrent clients (see server_ingest.py).
exec python3 "$(dirname "$0")/server_ingest.py" "$1"
