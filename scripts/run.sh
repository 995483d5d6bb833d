#!/usr/bin/env bash
# The main job on the embedded default: install what is missing, build,
# load the demo data set into ./cxpulse-data (once) and print a report.
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
echo "More: ./build/cxpulse help"
