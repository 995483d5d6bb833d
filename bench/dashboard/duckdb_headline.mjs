// DuckDB peer for the dashboard benchmark: the overview's headline numbers
// (NPS, CSAT top-2-box, CES mean, each with its n) over one period, from the
// same CSV the cxpulse data directory was imported from.
//
// usage: node bench/dashboard/duckdb_headline.mjs FILE.csv --from YYYY-MM-DD --to YYYY-MM-DD
//            [--runs N] [--warmup N]
//
// The CSV is loaded into an in-memory table once (timed separately); then the
// query runs --warmup times and --runs times more, each result read in full.
// The period is whole UTC days, both ends inclusive (cxpulse's store zone is
// UTC in the benchmark). Prints one JSON object:
//   {"load_s", "median_s", "p95_s", "runs", "nps": {"n", "value"}, "csat": ..., "ces": ...}
// Uses @duckdb/node-api from bench/node_modules (npm install --prefix bench).

import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';

function parseArgs(argv) {
  const o = { file: null, from: null, to: null, runs: 20, warmup: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--from') o.from = next();
    else if (a === '--to') o.to = next();
    else if (a === '--runs') o.runs = Number(next());
    else if (a === '--warmup') o.warmup = Number(next());
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (o.file === null) o.file = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!o.file || !day.test(o.from || '') || !day.test(o.to || ''))
    throw new Error('usage: duckdb_headline.mjs FILE.csv --from YYYY-MM-DD --to YYYY-MM-DD [--runs N] [--warmup N]');
  if (!(o.runs >= 1) || !(o.warmup >= 0)) throw new Error('--runs must be >= 1, --warmup >= 0');
  return o;
}

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

// Default scales (nps 0-10, csat 1-5, ces 1-7), as bench/duckdb_query.mjs.
const query = (from, to) => `
SELECT count(*) FILTER (WHERE metric = 'nps') AS n_nps,
       100.0 * (count(*) FILTER (WHERE metric = 'nps' AND score >= 9)
                - count(*) FILTER (WHERE metric = 'nps' AND score <= 6))
             / nullif(count(*) FILTER (WHERE metric = 'nps'), 0) AS nps,
       count(*) FILTER (WHERE metric = 'csat') AS n_csat,
       100.0 * count(*) FILTER (WHERE metric = 'csat' AND score >= 4)
             / nullif(count(*) FILTER (WHERE metric = 'csat'), 0) AS csat,
       count(*) FILTER (WHERE metric = 'ces') AS n_ces,
       avg(score) FILTER (WHERE metric = 'ces') AS ces
FROM responses
WHERE time >= TIMESTAMPTZ ${sqlString(from + ' 00:00:00+00')}
  AND time <  TIMESTAMPTZ ${sqlString(to + ' 00:00:00+00')} + INTERVAL 1 DAY`;

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  let t0 = performance.now();
  await conn.run(`
    CREATE TABLE responses AS
    SELECT * FROM read_csv(${sqlString(o.file)}, header = true, quote = '"', escape = '"',
      columns = {'id': 'VARCHAR', 'customer': 'VARCHAR', 'time': 'TIMESTAMPTZ',
                 'metric': 'VARCHAR', 'score': 'INTEGER', 'channel': 'VARCHAR',
                 'touchpoint': 'VARCHAR', 'lang': 'VARCHAR', 'comment': 'VARCHAR',
                 'product': 'VARCHAR'})`);
  const loadS = (performance.now() - t0) / 1000;
  const sql = query(o.from, o.to);
  let rows = null;
  for (let i = 0; i < o.warmup; i++) rows = (await conn.runAndReadAll(sql)).getRowsJS();
  const times = [];
  for (let i = 0; i < o.runs; i++) {
    t0 = performance.now();
    rows = (await conn.runAndReadAll(sql)).getRowsJS();
    times.push((performance.now() - t0) / 1000);
  }
  const [nNps, nps, nCsat, csat, nCes, ces] = rows[0].map((v) => (typeof v === 'bigint' ? Number(v) : v));
  console.log(JSON.stringify({
    load_s: loadS, median_s: quantile(times, 0.5), p95_s: quantile(times, 0.95), runs: times.length,
    nps: { n: nNps, value: nps }, csat: { n: nCsat, value: csat }, ces: { n: nCes, value: ces },
  }));
  conn.closeSync();
}

main().catch((e) => {
  console.error(`duckdb_headline: ${e.message}`);
  process.exit(1);
});
