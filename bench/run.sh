#!/usr/bin/env bash
# cxpulse benchmark: import and report speed against sqlite3 and DuckDB on the
# same generated survey-response CSV. Not part of the test suite; CI never runs it.
#
# usage: bench/run.sh [ROWS...]        (default: 1000000 10000000)
#
# Environment:
#   BENCH_BUILD_DIR   build directory for the Release binary (default: build-bench)
#   BENCH_NO_INSTALL  set to 1 to skip apt-get / npm install (fail if tools are missing)
#
# Everything it writes goes to bench/out/ (gitignored): the CSVs, the data
# directories, raw measurements per size in bench/out/run-ROWS/ and the table in
# bench/out/results-ROWS.md. See bench/README.md.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
OUT=$BENCH/out
BUILD=${BENCH_BUILD_DIR:-$ROOT/build-bench}
CX=$BUILD/cxpulse
# shellcheck disable=SC2054 # commas belong to the option values
REPORT_ARGS=(--metric nps,csat,ces --by week,channel --format csv)

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    sed -n '2,/^set -euo/{/^set/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

# ---------------------------------------------------------------- tools
install_tools() {
    # Checks by command rather than by Debian package: node and npm may come
    # from elsewhere (NodeSource's nodejs bundles npm and conflicts with Debian's).
    local apt_pkgs=()
    command -v cc >/dev/null || apt_pkgs+=(build-essential)
    pkg-config --exists sqlite3 jansson libsodium 2>/dev/null ||
        apt_pkgs+=(pkg-config libsqlite3-dev libjansson-dev libsodium-dev)
    command -v sqlite3 >/dev/null || apt_pkgs+=(sqlite3)
    command -v hyperfine >/dev/null || apt_pkgs+=(hyperfine)
    [[ -x /usr/bin/time ]] || apt_pkgs+=(time)
    command -v python3 >/dev/null || apt_pkgs+=(python3)
    command -v node >/dev/null || apt_pkgs+=(nodejs)
    command -v npm >/dev/null || apt_pkgs+=(npm)
    command -v cmake >/dev/null || apt_pkgs+=(cmake)
    if [[ ${#apt_pkgs[@]} -gt 0 ]]; then
        [[ ${BENCH_NO_INSTALL:-0} != 1 ]] || die "missing: ${apt_pkgs[*]}"
        local sudo=()
        [[ $(id -u) -eq 0 ]] || sudo=(sudo)
        log "installing ${apt_pkgs[*]}"
        "${sudo[@]}" apt-get update -qq
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
    fi
    if [[ ! -d $BENCH/node_modules/@duckdb/node-api ]]; then
        [[ ${BENCH_NO_INSTALL:-0} != 1 ]] || die "missing bench/node_modules (npm install --prefix bench)"
        log "npm install --prefix bench"
        npm install --prefix "$BENCH" --no-audit --no-fund --loglevel=error >&2
    fi
    # .import --skip needs sqlite3 >= 3.32.
    local v
    v=$(sqlite3 --version | cut -d' ' -f1)
    [[ $(printf '%s\n3.32.0\n' "$v" | sort -V | head -1) == 3.32.0 ]] ||
        die "sqlite3 $v is too old (need >= 3.32 for .import --skip)"
}

build() {
    log "building cxpulse (Release) in $BUILD"
    # Only the cxpulse binary is built, so the unit tests (and cmocka) are off.
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCX_TESTS=OFF >/dev/null
    cmake --build "$BUILD" -j"$(nproc)" --target cxpulse >/dev/null
    [[ -x $CX ]] || die "no binary at $CX"
}

# ---------------------------------------------------------------- helpers
# timed OUTFILE CMD...: run CMD under GNU time, "%e %M" (seconds, peak KiB) into OUTFILE.
timed() {
    local out=$1; shift
    /usr/bin/time -f '%e %M' -o "$out" "$@"
}

# quote ARGS...: one command line that hyperfine -N splits back into ARGS
# (POSIX-style words; plain arguments stay readable).
quote() {
    local a q=()
    for a in "$@"; do
        if [[ $a =~ ^[A-Za-z0-9_./,=:+-]+$ ]]; then
            q+=("$a")
        else
            q+=("'${a//\'/\'\\\'\'}'")
        fi
    done
    printf '%s' "${q[*]}"
}

# hf JSON WARMUP MINRUNS MAXRUNS CMD...: hyperfine one command without a shell.
hf() {
    local json=$1 warmup=$2 min=$3 max=$4; shift 4
    local cmd
    cmd=$(quote "$@")
    hyperfine -N --style basic --warmup "$warmup" --min-runs "$min" --max-runs "$max" \
        --export-json "$json" "$cmd" >&2
}

# Regenerate the CSV only when it is missing or older than its generator.
make_csv() {
    local n=$1 csv=$2
    if [[ -f $csv && $csv -nt $BENCH/gen_responses.py ]]; then
        log "reusing $csv"
        return
    fi
    log "generating $n rows into $csv"
    python3 "$BENCH/gen_responses.py" "$n" "$csv.tmp"
    mv "$csv.tmp" "$csv"
}

# sqlite_import CSV DB SCHEMA TIMEFILE ROWS CHECKFILE: fresh DB, timed .import;
# same pragmas as cxpulse uses for its own store during an import.
sqlite_import() {
    local csv=$1 db=$2 schema=$3 timefile=$4 n=$5 check=$6 got
    rm -f "$db" "$db-wal" "$db-shm"
    sqlite3 "$db" <"$schema" >/dev/null
    timed "$timefile" sqlite3 "$db" \
        -cmd 'PRAGMA synchronous=NORMAL' -cmd 'PRAGMA cache_size=-65536' -cmd 'PRAGMA temp_store=MEMORY' \
        '.mode csv' ".import --skip 1 $csv responses"
    got=$(sqlite3 "$db" 'SELECT count(*) FROM responses')
    [[ $got == "$n" ]] || echo "WARNING: sqlite3 imported $got rows into $(basename "$db"), expected $n" >>"$check"
}

write_env() {
    local f=$1 dirty=""
    git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || dirty=" (work tree modified)"
    {
        echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "cxpulse: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$dirty, Release build"
        echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
        echo "memory: $(free -g | awk '/^Mem:/{print $2}') GiB"
        echo "sqlite3: $(sqlite3 --version | cut -d' ' -f1)"
        echo "duckdb: @duckdb/node-api $(node -p "require('$BENCH/node_modules/@duckdb/node-api/package.json').version"), default threads"
        echo "hyperfine: $(hyperfine --version | cut -d' ' -f2)"
        echo "CSV: $(du -h "$2" | cut -f1), in the page cache for every contender"
    } >"$f"
}

# ---------------------------------------------------------------- one size
bench_size() {
    local n=$1
    local csv=$OUT/responses-$n.csv run=$OUT/run-$n
    local data=$run/cxpulse-data db=$run/sqlite.db
    rm -rf "$run"   # no stale measurement can end up in the table
    mkdir -p "$run"
    make_csv "$n" "$csv"
    write_env "$run/env.txt" "$csv"
    : >"$run/check.txt"

    # 1. cxpulse import into a fresh data directory.
    log "[$n] cxpulse import"
    rm -rf "$data"
    "$CX" init --data "$data" >/dev/null
    timed "$run/import.time" "$CX" import responses --data "$data" --quiet "$csv" >"$run/import.log" 2>&1 ||
        die "cxpulse import failed: $(tail -3 "$run/import.log")"
    local want="inserted $n, unchanged 0, updated 0, rejected 0"
    grep -qxF "$want" "$run/import.log" ||
        echo "WARNING: cxpulse import printed '$(tail -1 "$run/import.log")', expected '$want'" >>"$run/check.txt"

    # 2. sqlite3 .import of the same CSV into a plain table (the one queried
    #    below), then, for information, into cxpulse's storage layout.
    log "[$n] sqlite3 .import"
    sqlite_import "$csv" "$db" "$BENCH/sqlite_schema.sql" "$run/sqlite-import.time" "$n" "$run/check.txt"
    log "[$n] sqlite3 .import, cxpulse's layout"
    sqlite_import "$csv" "$run/sqlite-indexed.db" "$BENCH/sqlite_schema_indexed.sql" \
        "$run/sqlite-import-indexed.time" "$n" "$run/check.txt"
    rm -f "$run/sqlite-indexed.db"

    # 3. cxpulse report: rollups (the normal path) and --scan (every row).
    log "[$n] cxpulse report"
    hf "$run/hf-report.json" 3 10 1000 "$CX" report --data "$data" "${REPORT_ARGS[@]}"
    timed "$run/report.time" "$CX" report --data "$data" "${REPORT_ARGS[@]}" >"$run/report.csv"
    log "[$n] cxpulse report --scan"
    hf "$run/hf-scan.json" 1 3 5 "$CX" report --data "$data" "${REPORT_ARGS[@]}" --scan
    timed "$run/scan.time" "$CX" report --data "$data" "${REPORT_ARGS[@]}" --scan >"$run/scan.csv"

    # 4. sqlite3 GROUP BY query.
    log "[$n] sqlite3 query"
    hf "$run/hf-sqlite.json" 1 3 10 sqlite3 "$db" ".read $BENCH/sqlite_query.sql"
    sqlite3 "$db" ".read $BENCH/sqlite_query.sql" >"$run/sqlite-report.csv"

    # 5. DuckDB: load once, then the query warm, inside one node process.
    log "[$n] DuckDB (load, 3 warmups, 10 runs)"
    node "$BENCH/duckdb_query.mjs" "$csv" --warmup 3 --runs 10 --out "$run/duckdb-report.csv" >"$run/duckdb.json"

    # Correctness, once: both cxpulse paths against both engines.
    log "[$n] checking results"
    if cmp -s "$run/report.csv" "$run/scan.csv"; then
        echo "OK: report from rollups and report --scan are byte-identical" >>"$run/check.txt"
    else
        echo "WARNING: report from rollups and report --scan differ (diff $run/report.csv $run/scan.csv)" >>"$run/check.txt"
    fi
    python3 "$BENCH/compare.py" "$run/report.csv" "$run/duckdb-report.csv" --name DuckDB >>"$run/check.txt" || true
    python3 "$BENCH/compare.py" "$run/report.csv" "$run/sqlite-report.csv" --name sqlite3 >>"$run/check.txt" || true

    python3 "$BENCH/summarize.py" "$run" "$n" "$OUT/results-$n.md"
}

# ---------------------------------------------------------------- main
main() {
    local arg sizes=()
    for arg in "$@"; do
        case $arg in
            -h|--help) usage; return 0 ;;
            *[!0-9]*|'') die "not a row count: '$arg' (see --help)" ;;
            *) arg=$((10#$arg)); [[ $arg -gt 0 ]] || die "row count must be positive"; sizes+=("$arg") ;;
        esac
    done
    [[ ${#sizes[@]} -gt 0 ]] || sizes=(1000000 10000000)

    log "checking tools"
    install_tools
    build
    mkdir -p "$OUT"
    local n
    for n in "${sizes[@]}"; do
        bench_size "$n"
    done
}

# One line, so that editing this file while it runs cannot change what runs.
main "$@"; exit
