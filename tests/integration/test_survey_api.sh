#!/usr/bin/env bash
# /api/v1/surveys, invitations, the web widget and public answer keys, response rate (see survey_api.py).
exec python3 "$(dirname "$0")/survey_api.py" "$1"
