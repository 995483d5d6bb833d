#!/usr/bin/env bash
# The main job on the embedded default: install what is missing, build,
# load the demo data set into ./cxpulse-data (once), print reports, then run
# the HTTP server on it (Ctrl-C stops it). CXPULSE_LISTEN sets the address.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
BIN=./build/cxpulse
DATA=${CXPULSE_DATA:-./cxpulse-data}
if [[ ! -f "$DATA/cxpulse.db" ]]; then
  "$BIN" demo --data "$DATA"
fi
echo
echo "== NPS, CSAT and CES by quarter =="
"$BIN" report --data "$DATA" --metric nps,csat,ces --by quarter
echo
echo "== Operations by channel =="
"$BIN" report --data "$DATA" --metric call_abandonment,chat_abandonment,cart_abandonment --by channel
echo
echo "== NPS by product, last quarter vs. the one before =="
END=$(date -u -d yesterday +%F)
FROM=$(date -u -d "$END - 90 days" +%F)
"$BIN" report --data "$DATA" --metric nps --by product --from "$FROM" --to "$END" --compare previous
echo
LISTEN=${CXPULSE_LISTEN:-127.0.0.1:8080}
KEY=$("$BIN" key create --data "$DATA" --scope admin --name "run-$(date -u +%Y%m%dT%H%M%S)" | awk '{print $NF}')
LINK=$(printf 'customer,lang\ndemo-visitor,en\n' | "$BIN" send --data "$DATA" --survey nps-main \
  --customers - --base-url "http://$LISTEN" 2>/dev/null | sed -n 2p | cut -d, -f4)
# A dashboard user "admin" once per data directory; its password is kept in
# the data directory (mode 0600) so that a re-run can show it again.
PWFILE=$DATA/dashboard-password
if [[ -s "$PWFILE" ]]; then
  chmod 600 "$PWFILE"
  DASH_PW=$(head -n 1 "$PWFILE")
elif "$BIN" user list --data "$DATA" | awk 'NR > 1 {print $1}' | grep -qx admin; then
  DASH_PW="(set by hand; not stored in $PWFILE)"
else
  DASH_PW=$(head -c 15 /dev/urandom | base64 | tr '+/' '-_')
  (umask 077 && printf '%s\n' "$DASH_PW" >"$PWFILE")
  printf '%s\n' "$DASH_PW" | "$BIN" user create --data "$DATA" admin --role admin --password-stdin >/dev/null
fi
echo "== HTTP server =="
echo "address:   http://$LISTEN   (API under /api/v1, OpenAPI at /api/v1/openapi.json)"
echo "admin key: $KEY"
echo "survey:    $LINK   (a survey page to answer in a browser)"
echo "try:       curl -H 'Authorization: Bearer $KEY' 'http://$LISTEN/api/v1/report?metric=nps&by=quarter'"
echo "Dashboard: http://$LISTEN/  user admin, password $DASH_PW"
echo "More: ./build/cxpulse help"
exec "$BIN" serve --data "$DATA" --listen "$LISTEN" --access-log "$DATA/access.log"
