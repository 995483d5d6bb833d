#!/usr/bin/env bash
# kill -9 of serve with messages in the outbox: each is sent after the restart, at most one duplicate (see outbox_crash.py).
exec python3 "$(dirname "$0")/outbox_crash.py" "$1"
