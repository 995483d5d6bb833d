// dashboard.test.mjs - the web dashboard (cxpulse serve at /) in a real
// browser: Debian's Chromium driven by playwright-core, checked with axe-core.
//
//   node tests/browser/dashboard.test.mjs PATH_TO_CXPULSE
//
// (tests/integration/test_dashboard.sh installs the npm packages first.)
//
// What it does: a demo data directory (cxpulse demo, small), an admin and a
// viewer (cxpulse user create --password-stdin), a server on 127.0.0.1:0, then:
//   - without a session, / and /trends give the login page (fetch and browser);
//   - as admin, every page with default filters: HTTP 200, no console errors,
//     an <h1>, no serious/critical axe-core violations, a full-page
//     screenshot in artifacts/dashboard-<page>.png;
//   - the overview's NPS/CSAT/CES data-value, data-n, data-ci-low and
//     data-ci-high equal `cxpulse report --format json` for the period in the
//     filter form; a channel chosen in the filter form changes the URL and
//     the numbers, which then equal `report --where channel=X`; a reload of
//     that URL shows the same;
//   - the responses table's "Export CSV" has as many rows as the HTML table;
//   - the follow-up queue: take a task, add a note, close it; the counts move;
//   - a viewer's form posts and an admin's posts with a wrong or missing csrf
//     field answer 403 and change nothing;
//   - logout ends the session: the old cxsid cookie no longer works.
// KEEP_TMP=1 keeps the scratch directory. The last line is "N passed, M
// failed"; exit 1 on any failure (a missing page is a failure, not a skip).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  axe, clearArtifacts, clickAndWait, crashed, finish, launchChromium, sanitizerCheck, setup,
  shot as saveShot, startServer, step, stopServer,
} from './lib.mjs';

const VIEWPORT = { width: 1280, height: 900 };
const DEMO_CUSTOMERS = process.env.CXPULSE_DEMO_CUSTOMERS || '3000';
const ADMIN = { name: 'ada', password: 'correct horse battery staple' };
const VIEWER = { name: 'vic', password: 'viewer password 42' };

// Every page of the dashboard, by the name used for its screenshot. The
// journey's path is filled in once a customer id is known.
const PAGES = [
  ['overview', '/'], ['trends', '/trends'], ['effort', '/effort'], ['operations', '/operations'],
  ['issues', '/issues'], ['drivers', '/drivers'], ['customers', '/customers'],
  ['journey', null], ['responses', '/responses'], ['followup', '/followup'],
  ['surveys', '/surveys'], ['triggers', '/triggers'], ['alerts', '/alerts'],
  ['settings', '/settings'],
];

const { BIN, DATA, env } = setup({
  script: 'dashboard.test.mjs', installer: 'test_dashboard.sh', tmpPrefix: 'cxpulse-dash-',
  limitSeconds: 400,
});

let browser = null;

// ---- the CLI ----

function cx(args, input) {
  const p = spawnSync(BIN, args, {
    env, encoding: 'utf8', timeout: 120_000, input, maxBuffer: 256 << 20,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  sanitizerCheck(`cxpulse ${args.join(' ')}`, p.stderr || '');
  if (p.status !== 0)
    throw new Error(`cxpulse ${args.join(' ')} exited ${p.status ?? p.signal ?? p.error}:\n` +
      `${(p.stdout || '').slice(0, 2000)}${(p.stderr || '').slice(0, 2000)}`);
  return p.stdout;
}

// `cxpulse report --format json` rows, with the numbers as the exact text
// printed (value "44.00" stays "44.00"): metric -> {n, value, ci_low, ci_high}.
function report(from, to, ...extra) {
  const out = cx(['report', '--data', DATA, '--metric', 'nps,csat,ces', '--from', from, '--to', to,
    '--format', 'json', ...extra]);
  const rows = {};
  for (const line of out.split('\n')) {
    const m = /"metric":"(\w+)"/.exec(line);
    if (!m) continue;
    const raw = (k) => {
      const r = new RegExp(`"${k}":(null|-?[0-9.]+)`).exec(line);
      assert.ok(r, `no ${k} in report line ${line}`);
      return r[1] === 'null' ? '' : r[1];
    };
    rows[m[1]] = { n: raw('n'), value: raw('value'), ci_low: raw('ci_low'), ci_high: raw('ci_high') };
  }
  for (const k of ['nps', 'csat', 'ces']) assert.ok(rows[k], `report printed no ${k} row:\n${out}`);
  return rows;
}

// ---- HTTP without a browser ----

// The login page: its form posts to /login (a settings page has password
// fields too, for new users).
const isLoginHtml = (html) => /<form[^>]*action=["']?\/login["' >]/i.test(html) && !/data-metric=/.test(html);

// GET path (with an optional cookie), following redirects by hand so that
// every hop is seen; returns {status, url, html, hops}.
async function get(pathname, cookie) {
  let url = base + pathname;
  const hops = [];
  for (let i = 0; i < 5; i++) {
    const r = await fetch(url, { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
    hops.push(`${r.status} ${url}`);
    if (r.status >= 300 && r.status < 400 && r.headers.get('location')) {
      url = new URL(r.headers.get('location'), url).href;
      continue;
    }
    return { status: r.status, url, html: await r.text(), hops };
  }
  throw new Error(`too many redirects: ${hops.join(' -> ')}`);
}

// ---- the browser ----

let blockFavicon = false; // set once a plain login has failed (see the login steps)

async function newContext(opts = {}) {
  const ctx = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
  if (opts.blockFavicon) blockFavicon = true;
  if (blockFavicon) await ctx.route('**/favicon.ico', (r) => r.abort());
  return ctx;
}

async function newPage(ctx) {
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (blockFavicon && /favicon/.test(m.location()?.url || '')) return; // aborted by the test itself
    page.errors.push(`console: ${m.text()} (${m.location()?.url || ''})`);
  });
  return page;
}

async function shot(page, name) {
  await saveShot(page, `dashboard-${name}`);
}

async function login(ctx, user) {
  const page = await newPage(ctx);
  const r = await page.goto(base + '/login');
  assert.equal(r.status(), 200, 'GET /login');
  const form = page.locator('form:has(input[type=password])');
  assert.equal(await form.count(), 1, 'one login form');
  await form.locator('input:not([type=password]):not([type=hidden]):not([type=submit])').first().fill(user.name);
  await form.locator('input[type=password]').fill(user.password);
  const resp = await clickAndWait(page, form.locator('button, input[type=submit]').first());
  assert.equal(resp.status(), 200, `after logging in as ${user.name}: ${page.url()}`);
  const sid = (await ctx.cookies(base)).find((c) => c.name === 'cxsid');
  assert.ok(sid, `no cxsid cookie after logging in as ${user.name}`);
  assert.ok(sid.httpOnly, 'cxsid is HttpOnly');
  assert.ok(['Strict', 'Lax'].includes(sid.sameSite), `cxsid SameSite=${sid.sameSite}`);
  assert.ok(!isLoginHtml(await page.content()), `still on the login page after logging in as ${user.name}`);
  return { page, cookie: `cxsid=${sid.value}` };
}

// The csrf token of the page (every page has one, in the logout form).
async function csrfOf(page) {
  const v = await page.locator('input[name=csrf]').first().getAttribute('value');
  assert.ok(v && v.length >= 16, 'a csrf field on the page');
  return v;
}

// The overview's headline numbers: metric -> {value, n, ci_low, ci_high}.
async function headline(page) {
  const out = {};
  for (const m of ['nps', 'csat', 'ces']) {
    const el = page.locator(`[data-metric=${m}][data-value]`).first();
    assert.equal(await el.count(), 1, `an element with data-metric="${m}" and data-value`);
    const a = (k) => el.getAttribute(k).then((v) => v ?? '');
    out[m] = { value: await a('data-value'), n: await a('data-n'), ci_low: await a('data-ci-low'),
      ci_high: await a('data-ci-high') };
  }
  return out;
}

async function period(page) {
  const from = await page.locator('form input[name=from]').first().inputValue();
  const to = await page.locator('form input[name=to]').first().inputValue();
  assert.match(from, /^\d{4}-\d{2}-\d{2}$/, 'the filter form shows from');
  assert.match(to, /^\d{4}-\d{2}-\d{2}$/, 'the filter form shows to');
  return { from, to };
}

// RFC 4180 records (quoted fields may hold commas, quotes and newlines).
function csvRecords(text) {
  const recs = [];
  let field = '', rec = [], q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') { rec.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      rec.push(field); recs.push(rec); rec = []; field = '';
    } else field += c;
  }
  if (field !== '' || rec.length) { rec.push(field); recs.push(rec); }
  return recs;
}

// The follow-up queue's counts {open, taken, closed}: the state tabs on
// /followup carry data-metric="tasks_STATE" data-n="N".
async function taskCounts(page) {
  await page.goto(base + '/followup');
  const o = {};
  for (const k of ['open', 'taken', 'closed']) {
    const el = page.locator(`[data-metric=tasks_${k}][data-n]`).first();
    assert.equal(await el.count(), 1, `the follow-up queue shows how many tasks are ${k} (data-metric=tasks_${k})`);
    o[k] = Number(await el.getAttribute('data-n'));
    assert.ok(Number.isInteger(o[k]), `tasks_${k} data-n`);
  }
  return o;
}

// Opens the first task listed on /followup?state=STATE (its detail page,
// where the forms are); returns the task's URL.
async function openTask(page, state) {
  await page.goto(`${base}/followup?state=${state}`);
  const link = page.locator('table a[href*="task="]').first();
  assert.equal(await link.count(), 1, `a ${state} task listed with a link to its page`);
  const url = new URL(await link.getAttribute('href'), page.url()).href;
  await page.goto(url);
  return url;
}

// The first form on the page with a submit button whose text or value
// matches re; returns {form, button, fields, action}.
async function formWith(page, re) {
  const forms = page.locator('form[method=post], form[method=POST]');
  const n = await forms.count();
  for (let i = 0; i < n; i++) {
    const f = forms.nth(i);
    const buttons = f.locator('button, input[type=submit]');
    for (let j = 0; j < await buttons.count(); j++) {
      const b = buttons.nth(j);
      const label = `${await b.innerText().catch(() => '')} ${await b.getAttribute('value') ?? ''}`;
      if (!re.test(label)) continue;
      const fields = await f.evaluate((el, btn) => {
        const o = {};
        for (const [k, v] of new FormData(el)) o[k] = String(v);
        if (btn.name) o[btn.name] = btn.value;
        return o;
      }, await b.elementHandle());
      const action = new URL(await f.getAttribute('action') || page.url(), page.url()).href;
      return { form: f, button: b, fields, action };
    }
  }
  return null;
}

// ---- the scenario ----

clearArtifacts(/^dashboard-.*\.png$/);

let base = '';
let admin = null;    // {page, cookie}
let customerId = '';
let defaultNumbers = null;

try {
  await step(`setup: demo data (${DEMO_CUSTOMERS} customers), users, server, browser`, async () => {
    cx(['demo', '--data', DATA, '--customers', DEMO_CUSTOMERS]);
    cx(['user', 'create', ADMIN.name, '--role', 'admin', '--password-stdin', '--data', DATA], ADMIN.password + '\n');
    cx(['user', 'create', VIEWER.name, '--role', 'viewer', '--password-stdin', '--data', DATA], VIEWER.password + '\n');
    const first = cx(['export', 'responses', '--data', DATA, '--format', 'ndjson']).split('\n')[0];
    customerId = JSON.parse(first).customer;
    base = await startServer();
    browser = await launchChromium();
  });
  if (!browser) throw new Error('setup failed');

  await step('without a session, / and /trends give the login page (HTTP)', async () => {
    for (const p of ['/', '/trends']) {
      const r = await get(p);
      assert.equal(r.status, 200, `GET ${p} without a session: ${r.hops.join(' -> ')}`);
      assert.ok(isLoginHtml(r.html), `GET ${p} without a session should end on the login page: ${r.hops.join(' -> ')}`);
    }
    // a made-up session is no session
    const r = await get('/', 'cxsid=' + '0'.repeat(64));
    assert.ok(isLoginHtml(r.html), 'a made-up cxsid gives the login page');
  });

  await step('without a session, / and /trends give the login page (browser); login page is accessible', async () => {
    const ctx = await newContext();
    const page = await newPage(ctx);
    for (const p of ['/', '/trends']) {
      const r = await page.goto(base + p);
      assert.equal(r.status(), 200);
      assert.equal(await page.locator('input[type=password]').count(), 1, `${p}: a password field`);
      assert.equal(await page.locator('[data-metric]').count(), 0, `${p}: no numbers without a session`);
    }
    await page.goto(base + '/login');
    assert.ok(await page.locator('h1').count() >= 1, 'an <h1> on the login page');
    await shot(page, 'login');
    await axe(page, 'login');
    assert.deepEqual(page.errors, []);
    // a wrong password does not log in
    const form = page.locator('form:has(input[type=password])');
    await form.locator('input:not([type=password]):not([type=hidden]):not([type=submit])').first().fill(ADMIN.name);
    await form.locator('input[type=password]').fill('wrong password');
    await clickAndWait(page, form.locator('button, input[type=submit]').first());
    assert.equal(await page.locator('input[type=password]').count(), 1, 'a wrong password shows the login form again');
    assert.equal((await ctx.cookies(base)).filter((c) => c.name === 'cxsid').length, 0, 'and sets no session');
    await ctx.close();
  });

  await step('admin logs in (a plain browser: the page, then its favicon request)', async () => {
    admin = await login(await newContext(), ADMIN);
  });
  if (!admin) {
    // Known failure mode: a request the browser makes on its own (favicon)
    // gets the login page too and rotates the sign-in form's cookie. The step
    // above has failed for it; go on without the favicon to test the rest.
    await step('admin logs in with /favicon.ico blocked (fallback, so the other steps can run)', async () => {
      admin = await login(await newContext({ blockFavicon: true }), ADMIN);
    });
  }
  if (!admin) throw new Error('cannot log in as admin: every further step needs it');

  for (const [name, p0] of PAGES) {
    await step(`page ${name}: 200, <h1>, no console errors, axe, screenshot`, async () => {
      const p = p0 ?? `/customers/${encodeURIComponent(customerId)}`;
      const page = await newPage(admin.page.context());
      try {
        const r = await page.goto(base + p);
        assert.equal(r.status(), 200, `GET ${p}`);
        assert.ok(!isLoginHtml(await page.content()), `${p} shows the login page to a logged-in admin`);
        assert.ok(await page.locator('h1').count() >= 1, `${p}: an <h1>`);
        await page.waitForLoadState('networkidle');
        await shot(page, name);
        await axe(page, name);
        assert.deepEqual(page.errors, [], `${p}: console errors`);
      } finally {
        await page.close();
      }
    });
  }

  await step('overview: NPS, CSAT, CES equal `cxpulse report` for the period shown', async () => {
    const page = admin.page;
    await page.goto(base + '/');
    const { from, to } = await period(page);
    const got = await headline(page);
    const want = report(from, to);
    for (const m of ['nps', 'csat', 'ces'])
      assert.deepEqual(got[m], want[m], `${m} on the overview (${from}..${to}) vs cxpulse report`);
    assert.ok(Number(want.nps.n) > 0, 'the default period holds NPS responses');
    defaultNumbers = got;
  });

  await step('overview: a channel filter changes the URL and the numbers; they equal report --where; reload keeps it', async () => {
    const page = admin.page;
    await page.goto(base + '/');
    // a <select name=channel>, or an <input name=channel list=...> with a <datalist>
    const sel = page.locator('form select[name=channel], form input[name=channel]').first();
    assert.equal(await sel.count(), 1, 'a channel choice in the filter form');
    const isSelect = await sel.evaluate((el) => el.tagName === 'SELECT');
    const options = (await sel.evaluate((el) => {
      const list = el.tagName === 'SELECT' ? el : el.list;
      return list ? [...list.querySelectorAll('option')].map((o) => o.value) : [];
    })).filter((v) => v);
    assert.ok(options.length >= 2, `channel options: ${options}`);
    const { from, to } = await period(page);
    // the channel with the most NPS answers in the period (not all of them)
    let best = '', bestN = -1;
    for (const c of options) {
      const n = Number(report(from, to, '--where', `channel=${c}`).nps.n);
      if (n > bestN) { best = c; bestN = n; }
    }
    if (isSelect) await sel.selectOption(best);
    else await sel.fill(best);
    const form = page.locator('form:has([name=channel])').first();
    await clickAndWait(page, form.locator('button[type=submit], input[type=submit], button:not([type])').first());
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('channel'), best, `the URL carries channel=${best}: ${page.url()}`);
    const got = await headline(page);
    const p2 = await period(page);
    assert.deepEqual(p2, { from, to }, 'the period is kept');
    const want = report(from, to, '--where', `channel=${best}`);
    for (const m of ['nps', 'csat', 'ces'])
      assert.deepEqual(got[m], want[m], `${m} for channel=${best} vs cxpulse report --where`);
    assert.notDeepEqual(got, defaultNumbers, 'the filter changes the numbers');
    assert.equal(await sel.inputValue(), best, 'the form shows the chosen channel');
    await page.reload();
    assert.deepEqual(await headline(page), got, 'a reload shows the same numbers');
    assert.equal(await page.locator('form [name=channel]').first().inputValue(), best);
    await shot(page, 'overview-filtered');
  });

  await step('responses: the Export CSV link gives as many rows as the HTML table', async () => {
    const page = admin.page;
    await page.goto(base + '/responses');
    const link = page.locator('a[href*="export="]').first();
    assert.equal(await link.count(), 1, 'an Export CSV link (&export=ID)');
    assert.match(await link.innerText(), /export csv/i);
    const href = new URL(await link.getAttribute('href'), page.url()).href;
    const exportId = new URL(href).searchParams.get('export');
    const htmlRows = await link.evaluate((a, id) => {
      // the table is #t-ID (dash.c), else the nearest table before the link
      let table = document.getElementById(`t-${id}`);
      for (let el = a; el && !table; el = el.parentElement) table = el.querySelector && el.querySelector('table');
      if (!table) return -1;
      const body = table.tBodies.length ? [...table.tBodies].flatMap((b) => [...b.rows]) : [...table.rows].slice(1);
      return body.length;
    }, exportId);
    assert.ok(htmlRows > 0, `the responses table has rows (${htmlRows})`);
    const r = await page.request.get(href);
    assert.equal(r.status(), 200);
    assert.match(r.headers()['content-type'] || '', /^text\/csv/);
    const recs = csvRecords(await r.text());
    assert.ok(recs.length >= 2, 'a header and rows');
    const width = recs[0].length;
    for (const rec of recs) assert.equal(rec.length, width, `every CSV row has ${width} fields: ${rec}`);
    assert.equal(recs.length - 1, htmlRows, 'CSV rows (without the header) = HTML table rows');
  });

  await step('follow-up queue: take a task, add a note, close it; the counts change', async () => {
    const page = admin.page;
    const c0 = await taskCounts(page);
    assert.ok(c0.open > 0, `open tasks in the demo data: ${JSON.stringify(c0)}`);
    const taskUrl = await openTask(page, 'open');
    await shot(page, 'followup-task');
    const takeForm = await formWith(page, /take/i);
    assert.ok(takeForm, 'a form to take the task');
    assert.ok(takeForm.fields.csrf, 'the take form carries the csrf field');
    await clickAndWait(page, takeForm.button);
    assert.equal(await formWith(page, /take/i), null, 'a taken task offers no take form');
    const c1 = await taskCounts(page);
    assert.deepEqual(c1, { ...c0, open: c0.open - 1, taken: c0.taken + 1 }, 'after take');

    await page.goto(taskUrl);
    const note = `called back, refund sent ${Date.now()}`;
    const noteForm = page.locator('form[method=post]:has(textarea[name=note])').first();
    assert.equal(await noteForm.count(), 1, 'a form to annotate the task');
    await noteForm.locator('textarea[name=note]').fill(note);
    await clickAndWait(page, noteForm.locator('button, input[type=submit]').first());
    assert.equal(await page.locator('textarea[name=note]').first().inputValue(), note, 'the note is kept');
    assert.ok((await page.locator('main').innerText()).includes(note), 'the note is shown');
    const c2 = await taskCounts(page);
    assert.deepEqual(c2, c1, 'a note changes no count');

    await page.goto(taskUrl);
    const closeForm = await formWith(page, /^\s*close\b/i);
    assert.ok(closeForm, 'a form to close the task');
    await clickAndWait(page, closeForm.button);
    const c3 = await taskCounts(page);
    assert.deepEqual(c3, { ...c0, open: c0.open - 1, closed: c0.closed + 1 }, 'after close');
    await shot(page, 'followup-after');
  });

  await step('viewer: pages readable, every form post answers 403 and changes nothing', async () => {
    const viewer = await login(await newContext(), VIEWER);
    const page = viewer.page;
    const c0 = await taskCounts(page);
    const csrf = await csrfOf(page);
    // take an open task: the admin's form for it, posted with the viewer's session
    await openTask(admin.page, 'open');
    const tf = await formWith(admin.page, /take/i);
    assert.ok(tf, 'an open task with a take form');
    const posts = [['take a task', tf.action, { ...tf.fields, csrf }]];
    // create an API key: the admin's settings form, posted with the viewer's session
    await admin.page.goto(base + '/settings');
    const keyForm = await formWith(admin.page, /create a key|key/i);
    assert.ok(keyForm, 'a form to create an API key on /settings');
    posts.push(['create a key', keyForm.action, { ...keyForm.fields, csrf }]);
    const userForm = await formWith(admin.page, /create a user|add a user|user/i);
    if (userForm) posts.push(['create a user', userForm.action, { ...userForm.fields, csrf, name: 'mallory', password: 'x'.repeat(12) }]);
    for (const [what, action, form] of posts) {
      const r = await page.request.post(action, { form, maxRedirects: 0 });
      assert.equal(r.status(), 403, `viewer: ${what} (POST ${action}) answers ${r.status()}`);
    }
    assert.deepEqual(await taskCounts(page), c0, 'the viewer changed no task');
    await page.context().close();
  });

  await step('admin: a POST with a wrong or missing csrf field answers 403', async () => {
    const page = admin.page;
    const c0 = await taskCounts(page);
    await openTask(page, 'open');
    const f = await formWith(page, /take/i);
    assert.ok(f, 'a take form');
    const wrong = { ...f.fields, csrf: 'f'.repeat(64) };
    const missing = { ...f.fields };
    delete missing.csrf;
    for (const [what, form] of [['wrong csrf', wrong], ['missing csrf', missing], ['empty csrf', { ...f.fields, csrf: '' }]]) {
      const r = await page.request.post(f.action, { form, maxRedirects: 0 });
      assert.equal(r.status(), 403, `${what}: ${r.status()}`);
    }
    // the same with fetch and only the cookie (no browser): also 403
    const r = await fetch(f.action, { method: 'POST', redirect: 'manual',
      headers: { Cookie: admin.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(wrong).toString() });
    assert.equal(r.status, 403, `fetch with a wrong csrf: ${r.status}`);
    assert.deepEqual(await taskCounts(page), c0, 'nothing changed');
  });

  await step('logout ends the session; the old cookie no longer works', async () => {
    const page = admin.page;
    await page.goto(base + '/');
    const before = await get('/', admin.cookie);
    assert.ok(!isLoginHtml(before.html), 'the cookie works before logging out');
    const out = page.locator('form[action$="/logout"] button, form[action$="/logout"] input[type=submit]').first();
    assert.equal(await out.count(), 1, 'a logout form (POST /logout) on the page');
    await clickAndWait(page, out);
    assert.equal(await page.locator('input[type=password]').count(), 1, 'logout shows the login page');
    const after = await get('/', admin.cookie);
    assert.ok(isLoginHtml(after.html), `the old cookie still works after logout: ${after.hops.join(' -> ')}`);
    const t = await get('/trends', admin.cookie);
    assert.ok(isLoginHtml(t.html), 'nor for /trends');
    // GET /logout must not log anyone out (only POST does)
    const g = await fetch(base + '/logout', { redirect: 'manual' });
    assert.ok(g.status === 405 || g.status === 404 || (g.status >= 300 && g.status < 400),
      `GET /logout answers ${g.status}`);
  });
} catch (e) {
  crashed(e);
} finally {
  if (browser) await browser.close().catch(() => {});
  await step('server stops cleanly on SIGTERM, no sanitizer reports', stopServer);
}

finish('dashboard test');
