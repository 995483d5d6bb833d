#!/usr/bin/env bash
# Installs the Debian 12 packages cxpulse needs to build and run; --test adds
# what the test suite needs (Chromium and fonts for the browser test, Node.js
# if missing), --bench what the benchmarks need. Idempotent: only missing
# packages are installed. Needs root (or sudo).
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config clang libclang-rt-14-dev clang-format
  libsqlite3-dev libjansson-dev libmicrohttpd-dev libsodium-dev
  libcurl4-openssl-dev libutf8proc-dev libstemmer-dev libcmocka-dev libpq-dev
  tzdata sqlite3 python3 ca-certificates
)
if [[ "${1:-}" == "--test" ]]; then
  # browser test (tests/integration/test_browser.sh): Debian's Chromium, fonts
  # for Latin/Turkish/Romanian, Persian (Noto Sans Arabic) and emoji
  PKGS+=(chromium fonts-dejavu-core fonts-noto-core fonts-noto-color-emoji)
  # a real SMTP server for the email tests
  PKGS+=(python3-aiosmtpd)
  # it drives Chromium from Node.js (20+) with npm packages
  if ! command -v node >/dev/null 2>&1; then
    PKGS+=(nodejs npm)
  fi
fi
if [[ "${1:-}" == "--bench" ]]; then
  PKGS+=(hyperfine time wrk nginx-light)
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
