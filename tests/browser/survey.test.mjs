// survey.test.mjs - the hosted survey pages (/s/TOKEN) and the web widget
// (widget.js) in a real browser: Debian's Chromium driven by playwright-core,
// checked with axe-core.
//
//   node tests/browser/survey.test.mjs PATH_TO_CXPULSE
//
// (tests/integration/test_browser.sh installs the npm packages first.)
//
// What it does: a fresh data directory, two surveys (a plain NPS one and a
// CSAT one with an emoji scale, a follow-up and a reason choice), a server
// on 127.0.0.1:0, invitations made with `cxpulse send --base-url` pointing at
// it, then, in Chromium at a phone-sized viewport (390x844):
//   - the NPS page in en, nb, tr, fa and ro: <html lang>/dir, texts in the
//     language, a click on a score label, the button, a comment typed in the
//     language on the follow-up page, the thank-you page;
//   - a one-click link ?score=7: 7 pre-selected, nothing stored until the
//     button is pressed; the used link then answers 410;
//   - the keyboard only: Tab, arrow keys, Space and Enter;
//   - the reason choice page (en, fa);
//   - the widget on a page of another origin (nb and fa), channel web;
//   - axe-core on every kind of page, failing on serious/critical findings;
//   - option and button sizes (>= 44 px), no sideways scrolling, RTL order;
// and checks every stored response with `cxpulse export responses`.
// Screenshots go to tests/browser/artifacts/*.png. KEEP_TMP=1 keeps the
// scratch directory. The last line is "N passed, M failed"; exit 1 on any
// failure.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {
  HOST, axe, clearArtifacts, clickAndWait, crashed, finish, launchChromium, sanitizerCheck, setup,
  shot, startServer, step, stopServer,
} from './lib.mjs';

const VIEWPORT = { width: 390, height: 844 };

const { BIN, TMP, DATA, env } = setup({
  script: 'survey.test.mjs', installer: 'test_browser.sh', tmpPrefix: 'cxpulse-browser-',
  limitSeconds: 150,
});
delete env.CXPULSE_BASE_URL;

let browser = null;
let siteServer = null;  // the widget's host page

// ---- the CLI ----

function cx(...args) {
  const p = spawnSync(BIN, args, { env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  sanitizerCheck(`cxpulse ${args.join(' ')}`, p.stderr || '');
  if (p.status !== 0)
    throw new Error(`cxpulse ${args.join(' ')} exited ${p.status ?? p.signal}:\n${p.stdout}${p.stderr}`);
  return p.stdout;
}

function responses(...filter) {
  const out = cx('export', 'responses', '--format', 'ndjson', '--data', DATA, ...filter);
  return out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

function sendInvitations(survey, rows, base) {
  const file = path.join(TMP, `customers-${survey}.csv`);
  fs.writeFileSync(file, 'customer,lang\n' + rows.map(([c, l]) => `${c},${l}`).join('\n') + '\n');
  const out = cx('send', '--survey', survey, '--customers', file, '--base-url', base, '--data', DATA);
  const links = {};
  for (const line of out.trim().split('\n').slice(1)) {
    const [customer, invitation, , url] = line.split(',');
    links[customer] = { invitation, url };
  }
  for (const [c] of rows) assert.ok(links[c], `send made no link for ${c}:\n${out}`);
  return links;
}

// ---- the browser ----

async function newPage(extra = {}) {
  const ctx = await browser.newContext({
    viewport: VIEWPORT, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'en-US', bypassCSP: true, ...extra,
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  page.jsErrors = [];
  page.on('pageerror', (e) => page.jsErrors.push(String(e)));
  return page;
}

// Tap targets at least 44x44 CSS px, nothing wider than the viewport.
async function checkLayout(page, name) {
  const r = await page.evaluate(() => {
    const small = [];
    for (const el of document.querySelectorAll('.opt label, .cxp-opt label, button, textarea')) {
      const b = el.getBoundingClientRect();
      if (b.width < 44 || b.height < 44)
        small.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 20)}" ${Math.round(b.width)}x${Math.round(b.height)}`);
    }
    return { small, sw: document.documentElement.scrollWidth, vw: document.documentElement.clientWidth };
  });
  assert.ok(r.sw <= r.vw, `${name}: page is ${r.sw}px wide in a ${r.vw}px viewport (sideways scrolling)`);
  assert.deepEqual(r.small, [], `${name}: tap targets smaller than 44x44 px`);
}

async function htmlLangDir(page) {
  return page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
}

const text = (page, sel) => page.locator(sel).first().innerText().then((s) => s.trim());

// ---- the scenario ----

const LANGS = {
  en: { score: 9, comment: 'Fast delivery and friendly staff — thanks!' },
  nb: { score: 10, comment: 'Rask levering, blid og hyggelig sjåfør. Tusen takk!' },
  tr: { score: 6, comment: 'Teslimat geç kaldı, ama ürün güzel. Şöyle ki: ığüşöç' },
  fa: { score: 3, comment: 'تحویل دیر بود؛ لطفاً سریع‌تر ارسال کنید.' },
  ro: { score: 8, comment: 'Livrare rapidă, mulțumesc! Șoferul a fost amabil.' },
};

const REASON_SURVEY = {
  id: 'csat-reason',
  name: 'Delivery satisfaction',
  kind: 'csat',
  style: 'emoji',
  texts: {
    en: { question: 'How satisfied are you with the delivery?', followup: 'What could we do better?' },
    fa: { question: 'چقدر از تحویل سفارش راضی هستید؟', followup: 'چه کاری را بهتر انجام دهیم؟' },
  },
  followup: true,
  reason: {
    question: { en: 'What mattered most?', fa: 'مهم‌ترین دلیل چه بود؟' },
    options: [
      { en: 'Price', fa: 'قیمت' },
      { en: 'Speed', fa: 'سرعت' },
      { en: 'Staff', fa: 'کارکنان' },
    ],
  },
};

clearArtifacts(/\.png$/);

let base = '';
let links = {};
let reasonLinks = {};
let answerKey = '';
const forms = {}; // lang -> the widget form API's texts (the oracle for the pages' texts)
const expected = new Map(); // customer -> what its stored response must hold

try {
  await step('setup: init, surveys, server, invitations, answer key', async () => {
    cx('init', '--data', DATA);
    cx('survey', 'create', '--kind', 'nps', '--id', 'nps-main', '--data', DATA);
    const sf = path.join(TMP, 'csat-reason.json');
    fs.writeFileSync(sf, JSON.stringify(REASON_SURVEY));
    cx('survey', 'create', sf, '--data', DATA);
    base = await startServer();
    links = sendInvitations('nps-main',
      [...Object.keys(LANGS).map((l) => [`b-${l}`, l]), ['oc-en', 'en'], ['kb-en', 'en']], base);
    reasonLinks = sendInvitations('csat-reason', [['r-en', 'en'], ['r-fa', 'fa']], base);
    for (const l of [...Object.values(links), ...Object.values(reasonLinks)])
      assert.ok(l.url.startsWith(base + '/s/'), `link ${l.url} should start with ${base}/s/`);
    const out = cx('key', 'create', '--scope', 'answer', '--survey', 'nps-main', '--data', DATA);
    const m = /API key \(shown only once\): (\S+)/.exec(out);
    assert.ok(m, `no key in: ${out}`);
    answerKey = m[1];
    for (const l of Object.keys(LANGS)) {
      const r = await fetch(`${base}/api/v1/surveys/nps-main/form?lang=${l}`,
        { headers: { Authorization: `Bearer ${answerKey}` } });
      assert.equal(r.status, 200, `form API ${l}`);
      forms[l] = await r.json();
    }
    browser = await launchChromium();
  });
  if (!browser) throw new Error('setup failed');

  for (const [lang, want] of Object.entries(LANGS)) {
    await step(`answer the NPS page in ${lang} (click, follow-up comment, thank-you)`, async () => {
      const f = forms[lang];
      const page = await newPage();
      const resp = await page.goto(links[`b-${lang}`].url);
      assert.equal(resp.status(), 200);
      assert.deepEqual(await htmlLangDir(page), [lang, lang === 'fa' ? 'rtl' : 'ltr']);
      assert.equal(await text(page, 'h1'), f.question, 'the question in the language');
      assert.equal(await text(page, 'form button[type=submit]'), f.submit);
      assert.equal(await page.locator('input[name=answer]').count(), 11);
      assert.equal(await page.locator('input[name=answer]:checked').count(), 0, 'nothing pre-selected');
      // the accessible names carry the end labels ("0 – not at all likely")
      assert.ok((await page.getAttribute('label[for=a0]', 'aria-label')).includes(f.low_label));
      await checkLayout(page, `question ${lang}`);
      if (lang === 'fa') {
        // right to left: 0 is at the right, 10 at the left
        const b0 = await page.locator('label[for=a0]').boundingBox();
        const b1 = await page.locator('label[for=a1]').boundingBox();
        assert.ok(b0.x > b1.x, `RTL: option 0 (x=${b0.x}) should be right of option 1 (x=${b1.x})`);
        assert.equal(await page.evaluate(() => getComputedStyle(document.body).direction), 'rtl');
      }
      await page.locator(`label[for=a${want.score}]`).click();
      assert.ok(await page.locator(`#a${want.score}`).isChecked(), 'the clicked score is checked');
      if (lang === 'en' || lang === 'fa') {
        await shot(page, `question-${lang}`);
        await axe(page, `question ${lang}`);
      }
      const r2 = await clickAndWait(page, page.locator('form button[type=submit]'));
      assert.equal(r2.status(), 200, 'POST of the score');
      // the follow-up page
      assert.deepEqual(await htmlLangDir(page), [lang, lang === 'fa' ? 'rtl' : 'ltr']);
      const heading = await text(page, 'label[for=comment]');
      assert.ok(heading.length > 0, 'the follow-up question labels the text box');
      assert.equal(await page.locator('textarea#comment').count(), 1);
      // the score is stored already, before the follow-up
      const early = responses('--customer', `b-${lang}`);
      assert.equal(early.length, 1, 'the score is stored when the first page is sent');
      assert.equal(early[0].score, want.score);
      await page.locator('textarea#comment').fill(want.comment);
      await checkLayout(page, `follow-up ${lang}`);
      if (lang === 'en' || lang === 'fa') {
        await shot(page, `followup-${lang}`);
        await axe(page, `follow-up ${lang}`);
      }
      const r3 = await clickAndWait(page, page.locator('form button[type=submit]:not([name=skip])'));
      assert.equal(r3.status(), 200);
      assert.equal(await text(page, 'h1'), f.thanks, 'the thank-you page in the language');
      assert.equal(await page.locator('form').count(), 0, 'no form on the thank-you page');
      if (lang === 'en' || lang === 'fa') {
        await shot(page, `thanks-${lang}`);
        await axe(page, `thank-you ${lang}`);
      }
      assert.deepEqual(page.jsErrors, []);
      await page.context().close();
      expected.set(`b-${lang}`, { survey: 'nps-main', score: want.score, comment: want.comment, lang,
        channel: 'link', invitation: links[`b-${lang}`].invitation });
    });
  }

  await step('one-click link ?score=7: pre-selected, stored only after the button', async () => {
    const page = await newPage();
    const url = links['oc-en'].url + '?score=7';
    const resp = await page.goto(url);
    assert.equal(resp.status(), 200);
    assert.ok(await page.locator('#a7').isChecked(), 'option 7 is checked');
    assert.equal(await page.locator('input[name=answer]:checked').count(), 1);
    assert.ok((await page.locator('form strong').count()) === 1, 'a "confirm your answer" line');
    await shot(page, 'oneclick-en');
    // a reload (as a mail scanner would GET it again) stores nothing either
    await page.goto(url);
    await page.waitForTimeout(300);
    assert.equal(responses('--customer', 'oc-en').length, 0, 'a GET must not store an answer');
    await clickAndWait(page, page.locator('form button[type=submit]'));
    const after = responses('--customer', 'oc-en');
    assert.equal(after.length, 1, 'the button stores the answer');
    assert.equal(after[0].score, 7);
    // skip the follow-up: the invitation is completed
    await clickAndWait(page, page.locator('button[name=skip]'));
    assert.equal(await text(page, 'h1'), forms.en.thanks);
    const again = await page.goto(links['oc-en'].url);
    assert.equal(again.status(), 410, 'a completed link answers 410');
    assert.equal(await page.locator('form').count(), 0, 'and shows no form');
    await page.context().close();
    expected.set('oc-en', { survey: 'nps-main', score: 7, comment: undefined, lang: 'en', channel: 'link',
      invitation: links['oc-en'].invitation });
  });

  await step('keyboard only: Tab, arrows, Space and Enter', async () => {
    const page = await newPage({ isMobile: false, hasTouch: false });
    await page.goto(links['kb-en'].url);
    let focused = '';
    for (let i = 0; i < 10 && focused !== 'radio'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement && document.activeElement.type);
    }
    assert.equal(focused, 'radio', 'Tab reaches the options');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Space');
    const checked = await page.evaluate(() => document.querySelector('input[name=answer]:checked')?.value);
    assert.equal(checked, '4', 'arrows select: 0 -> 5 right, 1 left = 4');
    // the focused option shows a visible focus ring on its label
    const ring = await page.evaluate(() => {
      const l = document.querySelector(`label[for=${document.activeElement.id}]`);
      const cs = getComputedStyle(l);
      return `${cs.outlineStyle} ${cs.outlineWidth}`;
    });
    assert.match(ring, /^solid [1-9]/, `focus ring on the focused option's label, got "${ring}"`);
    await shot(page, 'keyboard-focus-en');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'BUTTON');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(await page.locator('textarea#comment').count(), 1, 'on the follow-up page');
    // Tab to the text box, type, Tab to the send button, Space
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement.id) === 'comment') break;
    }
    assert.equal(await page.evaluate(() => document.activeElement.id), 'comment');
    await page.keyboard.type('Typed with the keyboard only');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.name), '', 'the send button (not skip)');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Space')]);
    assert.equal(await text(page, 'h1'), forms.en.thanks);
    await page.context().close();
    expected.set('kb-en', { survey: 'nps-main', score: 4, comment: 'Typed with the keyboard only', lang: 'en',
      channel: 'link', invitation: links['kb-en'].invitation });
  });

  for (const [lang, pick] of [['en', { score: 2, reason: 2 }], ['fa', { score: 4, reason: 3 }]]) {
    await step(`CSAT emoji survey with reason choice in ${lang}`, async () => {
      const page = await newPage();
      await page.goto(reasonLinks[`r-${lang}`].url);
      assert.deepEqual(await htmlLangDir(page), [lang, lang === 'fa' ? 'rtl' : 'ltr']);
      assert.equal(await text(page, 'h1'), REASON_SURVEY.texts[lang].question);
      assert.equal(await page.locator('input[name=answer]').count(), 5);
      await checkLayout(page, `csat question ${lang}`);
      await page.locator(`label[for=a${pick.score}]`).click();
      await shot(page, `csat-question-${lang}`);
      await axe(page, `csat question ${lang}`);
      await clickAndWait(page, page.locator('form button[type=submit]'));
      assert.equal(await text(page, 'legend'), REASON_SURVEY.reason.question[lang]);
      assert.equal(await page.locator('input[name=reason]').count(), 3);
      assert.equal(await text(page, `label[for=r${pick.reason}]`),
        REASON_SURVEY.reason.options[pick.reason - 1][lang]);
      await page.locator(`label[for=r${pick.reason}]`).click();
      assert.ok(await page.locator(`#r${pick.reason}`).isChecked());
      await page.locator('textarea#comment').fill(LANGS[lang].comment);
      await checkLayout(page, `csat follow-up ${lang}`);
      await shot(page, `csat-followup-${lang}`);
      await axe(page, `csat follow-up ${lang}`);
      await clickAndWait(page, page.locator('form button[type=submit]:not([name=skip])'));
      assert.equal(await text(page, 'h1'), forms[lang].thanks);
      await page.context().close();
      expected.set(`r-${lang}`, { survey: 'csat-reason', score: pick.score, comment: LANGS[lang].comment, lang,
        channel: 'link', invitation: reasonLinks[`r-${lang}`].invitation,
        reason: REASON_SURVEY.reason.options[pick.reason - 1].en });
    });
  }

  // the widget on a page of another origin
  siteServer = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const lang = u.searchParams.get('lang') || 'en';
    const customer = u.searchParams.get('customer') || 'w0';
    res.writeHead(u.pathname === '/' ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    if (u.pathname !== '/') return res.end('not found');
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Order confirmed - Acme shop</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1rem;color:#1a1a1a}</style></head>
<body><main><h1>Thank you for your order</h1><p>Order 1042 is on its way.</p>
<div id="cxpulse-survey"></div>
<script src="${base}/widget.js" data-survey="nps-main" data-key="${answerKey}" data-customer="${customer}"
 data-lang="${lang}" data-touchpoint="checkout"></script></main></body></html>`);
  });
  await new Promise((r) => siteServer.listen(0, HOST, r));
  const site = `http://${HOST}:${siteServer.address().port}`;

  for (const [lang, customer, score, comment] of [['nb', 'w1', 9, 'Enkel bestilling, god pris'], ['fa', 'w2', 4, '']]) {
    await step(`widget on another origin in ${lang}: answer, stored with channel web`, async () => {
      const f = forms[lang];
      const page = await newPage();
      const failedReq = [];
      page.on('requestfailed', (r) => failedReq.push(`${r.url()} ${r.failure()?.errorText}`));
      await page.goto(`${site}/?lang=${lang}&customer=${customer}`);
      const form = page.locator('form.cxp');
      await form.waitFor();
      assert.equal(await form.getAttribute('lang'), lang);
      assert.equal(await form.getAttribute('dir'), lang === 'fa' ? 'rtl' : 'ltr');
      assert.equal(await text(page, 'form.cxp legend'), f.question);
      assert.equal(await page.locator('form.cxp input[type=radio]').count(), 11);
      await page.locator(`label[for=cxp-nps-main-${score}]`).click();
      assert.ok(await page.locator(`#cxp-nps-main-${score}`).isChecked());
      if (comment) await page.locator('form.cxp textarea').fill(comment);
      await shot(page, `widget-${lang}`);
      await checkLayout(page, `widget ${lang}`);
      await axe(page, `widget ${lang}`);
      assert.equal(responses('--customer', customer).length, 0, 'nothing stored before the button');
      await page.locator('form.cxp button[type=submit]').click();
      await page.locator('#cxpulse-survey > p[role=status]').waitFor();
      assert.equal(await text(page, '#cxpulse-survey > p[role=status]'), f.thanks);
      await axe(page, `widget thank-you ${lang}`);
      assert.deepEqual(page.jsErrors, []);
      assert.deepEqual(failedReq, []);
      await page.context().close();
      expected.set(customer, { survey: 'nps-main', score, comment: comment || undefined, lang, channel: 'web',
        touchpoint: 'checkout' });
    });
  }

  await step('stored responses: exactly one per invitation, with score, comment, lang, customer', async () => {
    const rows = responses();
    const byCustomer = new Map();
    for (const r of rows) byCustomer.set(r.customer, [...(byCustomer.get(r.customer) || []), r]);
    const problems = [];
    for (const [customer, want] of expected) {
      const got = byCustomer.get(customer) || [];
      if (got.length !== 1) { problems.push(`${customer}: ${got.length} responses`); continue; }
      const r = got[0];
      for (const k of ['survey', 'score', 'comment', 'lang', 'channel', 'reason', 'touchpoint']) {
        if (!(k in want)) continue;
        if (r[k] !== want[k]) problems.push(`${customer}.${k}: want ${JSON.stringify(want[k])}, got ${JSON.stringify(r[k])}`);
      }
      if (want.invitation && String(r.invitation) !== String(want.invitation))
        problems.push(`${customer}.invitation: want ${want.invitation}, got ${r.invitation}`);
    }
    assert.equal(expected.size, 5 + 2 + 2 + 2, 'every scenario recorded its expectation');
    assert.deepEqual(problems, []);
    assert.equal(rows.length, expected.size, `no other responses: ${JSON.stringify(rows.map((r) => r.customer))}`);
    const inv = rows.filter((r) => r.invitation).map((r) => String(r.invitation));
    assert.equal(new Set(inv).size, inv.length, 'one response per invitation');
  });
} catch (e) {
  crashed(e);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (siteServer) siteServer.close();
  await step('server stops cleanly on SIGTERM, no sanitizer reports', stopServer);
}

finish('browser test');
