#!/usr/bin/env bash
# Issue 5 end to end: email (real SMTP), WhatsApp and SMS (stand-in), triggers, opt-out, retries, alerts, chat (see channels.py).
exec python3 "$(dirname "$0")/channels.py" "$1"
