#!/usr/bin/env bash
# Drivers benchmark: NRESP responses + NEV events (default 1M + 5M) imported
# into a fresh data directory, then the drivers engine (CES levels, CES drops,
# NPS levels) and the lost engine, each timed once with GNU time (wall
# seconds, peak RSS). Targets for the drivers runs: <= 30 s and <= 1 GB.
#
#   bench/drivers/run.sh                  # 1,000,000 responses, 5,000,000 events
#   bench/drivers/run.sh 20000 100000     # a quick smoke run
#
# Builds cxpulse (Release) into build-drivers/ (BENCH_BUILD_DIR overrides);
# data and logs go to bench/out/drivers/ (BENCH_OUT overrides). The CSVs are
# reused until gen.py changes.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/drivers
BUILD=${BENCH_BUILD_DIR:-$ROOT/build-drivers}
OUT=${BENCH_OUT:-$ROOT/bench/out/drivers}
NRESP=${1:-1000000}
NEV=${2:-5000000}
RUN=$OUT/run-$NRESP-$NEV
CX=$BUILD/cxpulse

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

command -v /usr/bin/time >/dev/null || die "GNU time (/usr/bin/time) is needed"
mkdir -p "$RUN"

log "building cxpulse (Release) in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCX_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 --target cxpulse >/dev/null
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -I"$ROOT/src" \
    "$HERE/drivers_bench.c" "$BUILD/libcxlib.a" "$BUILD/libcxio.a" "$BUILD/libcxcore.a" \
    -lsqlite3 -ljansson -lsodium -lutf8proc -lstemmer -lm -lpthread -o "$RUN/drivers_bench"

DATA_CSV=$OUT/csv-$NRESP-$NEV
if [[ -f $DATA_CSV/events.csv && $DATA_CSV/events.csv -nt $HERE/gen.py ]]; then
    log "reusing $DATA_CSV"
else
    log "generating $NRESP responses and $NEV events"
    mkdir -p "$DATA_CSV"
    python3 "$HERE/gen.py" "$NRESP" "$NEV" "$DATA_CSV"
fi

DATA=$RUN/data
rm -rf "$DATA"
"$CX" init --data "$DATA" >/dev/null
log "importing"
/usr/bin/time -f '%e s %M KB' -o "$RUN/import-responses.time" \
    "$CX" import --data "$DATA" --quiet responses "$DATA_CSV/responses.csv" | tail -1
/usr/bin/time -f '%e s %M KB' -o "$RUN/import-events.time" \
    "$CX" import --data "$DATA" --quiet events "$DATA_CSV/events.csv" | tail -1
echo "import responses: $(cat "$RUN/import-responses.time")"
echo "import events:    $(cat "$RUN/import-events.time")"

# Cold-ish runs: the first one reads the database from disk into the page
# cache; each is timed once.
bench() {
    local name=$1; shift
    /usr/bin/time -f '%e s %M KB' -o "$RUN/$name.time" "$RUN/drivers_bench" "$DATA" "$@" \
        >"$RUN/$name.txt"
    head -13 "$RUN/$name.txt"
    echo "$name: $(cat "$RUN/$name.time")"
}
bench drivers-ces ces
bench drivers-ces-drops ces drops
bench drivers-nps nps
bench lost lost 1798761600 # 2027-01-01

# Check the planted drivers and the targets.
status=0
top=$(sed -n 2p "$RUN/drivers-ces.txt" | awk '{print $1}')
[[ $top == transfers\>=2* ]] || { echo "WARNING: top CES driver is '$top', expected transfers>=2"; status=1; }
grep -q '^  wait>300s .*\*$' "$RUN/drivers-ces.txt" ||
    { echo "WARNING: wait>300s not significant"; status=1; }
for name in drivers-ces drivers-ces-drops drivers-nps; do
    read -r secs _ kb _ <"$RUN/$name.time"
    awk -v s="$secs" -v k="$kb" -v n="$name" 'BEGIN {
        ok = (s <= 30 && k <= 1048576);
        printf "%-18s %6.2f s %7.1f MiB  %s\n", n, s, k / 1024, ok ? "ok (<= 30 s, <= 1 GB)" : "OVER TARGET";
        exit !ok }' || status=1
done
exit $status
