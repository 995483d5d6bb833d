#!/usr/bin/env bash
# Surveys by CLI, invitations by send, every state of the hosted pages /s/TOKEN (see survey_pages.py).
exec python3 "$(dirname "$0")/survey_pages.py" "$1"
