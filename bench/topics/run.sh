#!/usr/bin/env bash
# Topics engine benchmark: N synthetic multilingual comments (default 1M)
# through cx_topics_run, timed with /usr/bin/time (wall seconds, peak RSS).
# Targets: <= 30 s and <= 1 GB for 1M comments on 2 cores.
#
# usage: bench/topics/run.sh [N]
#
# Builds cxlib in Release into build-topics-bench/ (BENCH_BUILD_DIR overrides),
# compiles bench/topics/topics_bench.c against it, writes the comments to
# bench/out/topics/comments-N.tsv (reused until the generator changes) and
# the topics to bench/out/topics/topics-N.txt.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
N=${1:-1000000}
BUILD=${BENCH_BUILD_DIR:-$ROOT/build-topics-bench}
OUT=$ROOT/bench/out/topics
mkdir -p "$OUT"

log() { printf '[topics-bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

command -v /usr/bin/time >/dev/null || { log "needs /usr/bin/time (apt-get install time)"; exit 1; }

log "building cxlib (Release) in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCX_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 --target cxlib >/dev/null
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -I"$ROOT/src" \
    "$HERE/topics_bench.c" "$BUILD/libcxlib.a" "$BUILD/libcxio.a" "$BUILD/libcxcore.a" \
    -lutf8proc -lstemmer -lm -o "$OUT/topics_bench"

DATA=$OUT/comments-$N.tsv
STAMP=$OUT/comments-$N.gen
if [[ ! -s $DATA || ! -f $STAMP || $HERE/gen_comments.py -nt $STAMP ]]; then
    log "generating $N comments"
    python3 "$HERE/gen_comments.py" "$N" "$DATA"
    touch "$STAMP"
fi
log "$(wc -c <"$DATA") bytes of comments"

log "running"
/usr/bin/time -f '%e %M' -o "$OUT/time-$N.txt" "$OUT/topics_bench" "$DATA" >"$OUT/topics-$N.txt"
read -r wall rss_kb <"$OUT/time-$N.txt"
head -60 "$OUT/topics-$N.txt"
printf '\ncomments: %s\nwall: %s s (target <= 30)\npeak RSS: %d MB (target <= 1024)\n' \
    "$N" "$wall" "$((rss_kb / 1024))"
