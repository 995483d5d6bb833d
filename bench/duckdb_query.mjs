// DuckDB side of the cxpulse benchmark.
//
// usage: node bench/duckdb_query.mjs FILE.csv [--runs N] [--warmup N] [--out RESULT.csv]
//
// Loads FILE.csv into an in-memory table once (timed separately, not part of the
// comparison), then runs the per (ISO week, channel) NPS / CSAT / CES query
// --warmup times and --runs times more, each time reading the whole result.
// Prints one JSON object on standard output:
//   {"load_s": ..., "median_s": ..., "min_s": ..., "max_s": ..., "runs": N, "groups": G,
//    "rss_mb": ...}
// and, with --out, writes the result rows as CSV (same columns as bench/sqlite_query.sql).

import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';

function parseArgs(argv) {
  const opts = { file: null, runs: 10, warmup: 3, out: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--runs') opts.runs = Number(next());
    else if (a === '--warmup') opts.warmup = Number(next());
    else if (a === '--out') opts.out = next();
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (opts.file === null) opts.file = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!opts.file) throw new Error('usage: duckdb_query.mjs FILE.csv [--runs N] [--warmup N] [--out RESULT.csv]');
  if (!(opts.runs >= 1) || !(opts.warmup >= 0)) throw new Error('--runs must be >= 1, --warmup >= 0');
  return opts;
}

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

// Score scales are the defaults (nps 0-10, csat 1-5, ces 1-7), so CSAT top-2-box is
// score >= 4 and CES is the plain mean. Times are UTC, so the ISO week of the
// timestamp is the ISO week of its UTC date, as in cxpulse without --tz.
const QUERY = `
SELECT strftime(time, '%G-W%V') AS week,
       channel,
       count(*) FILTER (WHERE metric = 'nps')                AS n_nps,
       count(*) FILTER (WHERE metric = 'nps' AND score >= 9) AS promoters,
       count(*) FILTER (WHERE metric = 'nps' AND score <= 6) AS detractors,
       100.0 * (count(*) FILTER (WHERE metric = 'nps' AND score >= 9)
                - count(*) FILTER (WHERE metric = 'nps' AND score <= 6))
             / nullif(count(*) FILTER (WHERE metric = 'nps'), 0) AS nps,
       count(*) FILTER (WHERE metric = 'csat')               AS n_csat,
       100.0 * count(*) FILTER (WHERE metric = 'csat' AND score >= 4)
             / nullif(count(*) FILTER (WHERE metric = 'csat'), 0) AS csat,
       count(*) FILTER (WHERE metric = 'ces')                AS n_ces,
       avg(score) FILTER (WHERE metric = 'ces')              AS ces
FROM responses
GROUP BY ALL
ORDER BY week, channel`;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function csvCell(v) {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");

  let t0 = performance.now();
  await conn.run(`
    CREATE TABLE responses AS
    SELECT * FROM read_csv(${sqlString(opts.file)}, header = true, quote = '"', escape = '"',
      columns = {'id': 'VARCHAR', 'customer': 'VARCHAR', 'time': 'TIMESTAMPTZ',
                 'metric': 'VARCHAR', 'score': 'INTEGER', 'channel': 'VARCHAR',
                 'touchpoint': 'VARCHAR', 'lang': 'VARCHAR', 'comment': 'VARCHAR',
                 'product': 'VARCHAR'})`);
  const loadS = (performance.now() - t0) / 1000;

  let reader = null;
  for (let i = 0; i < opts.warmup; i++) reader = await conn.runAndReadAll(QUERY);
  const times = [];
  for (let i = 0; i < opts.runs; i++) {
    t0 = performance.now();
    reader = await conn.runAndReadAll(QUERY);
    reader.getRowsJS(); // materialise the values, as a client would
    times.push((performance.now() - t0) / 1000);
  }

  const rows = reader.getRowsJS();
  if (opts.out) {
    const lines = [reader.columnNames().join(',')];
    for (const r of rows) lines.push(r.map((v) => csvCell(typeof v === 'bigint' ? Number(v) : v)).join(','));
    writeFileSync(opts.out, lines.join('\n') + '\n');
  }
  const result = {
    load_s: loadS,
    median_s: median(times),
    min_s: Math.min(...times),
    max_s: Math.max(...times),
    runs: times.length,
    groups: rows.length,
    rss_mb: process.memoryUsage().rss / 1048576,
  };
  console.log(JSON.stringify(result));
  conn.closeSync();
}

main().catch((e) => {
  console.error(`duckdb_query: ${e.message}`);
  process.exit(1);
});
