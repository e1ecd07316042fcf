// The walks every engine must pass (firefox.test.mjs, webkit.test.mjs): a
// full walk of each procedure to the printed form, reload and Back/Forward,
// a walk in Urdu (right to left) and in Korean, privacy (no request carries
// an answer) and offline once visited. Chromium runs the exhaustive walks
// and the gates (walkthroughs, quality, languages...).
import { describe, test as nodeTest, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, PERSON, DECEASED_PERSON } from './lib.mjs';
import { DriverHang, guard } from './engines.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const DISCLOSURE = (lang) => `/${lang}/alien-registration/disclosure/`;
const DECEASED = (lang) => `/${lang}/alien-registration/deceased/`;
const TO_RESULT = [
  { choose: 'own' }, { choose: 'self' }, { choose: 'japan' }, { choose: 'post' },
  { fill: ['copies', '2'] }, { choose: 'residence_card' }, { fill: ['from_year', '1975'] }, { choose: 'no' },
];

const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8' });
// NFKC: Firefox's PDFs map some kanji to their Kangxi radical code points
// (示 as ⽰) when extracted; the glyphs are the same.
const squash = (s) => s.normalize('NFKC').replace(/\s+/g, '');
const has = (text, expected) => squash(text).includes(squash(expected));

/** The printed PDF: A4 pages, their text, the sheet with `title` on it. */
function printed(pdf, title) {
  if (pdf === null) return null;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'madoguchi-engine-pdf-')), 'form.pdf');
  fs.writeFileSync(file, pdf);
  const info = run('pdfinfo', [file]);
  const pages = run('pdftotext', ['-layout', file, '-']).split('\f').filter((p) => p.trim());
  const forms = pages.filter((p) => has(p, title) && has(p, '出入国在留管理庁長官'));
  // Every word inside the page's 15 mm margins (42.5 pt; 2.5 pt of slack: a
  // word's box is its font's, a little taller than the glyphs).
  const words = [...run('pdftotext', ['-bbox', file, '-']).matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</g)]
    .map((m) => ({ x0: +m[1], y0: +m[2], x1: +m[3], y1: +m[4], w: m[5] }));
  const outside = words.filter((w) => w.x0 < 40 || w.y0 < 40 || w.x1 > 595.3 - 40 || w.y1 > 841.9 - 40);
  return { info, pages, forms, words, outside };
}

/** The form alone on the last sheet, after the checklist; all within the margins. */
function formAloneOnLastSheet(pdf, name) {
  // An engine whose WebDriver cannot print (WebKitGTK: README, "Tests").
  if (pdf === null) return;
  const all = pdf.pages.join('\n\f\n');
  assert.match(pdf.info, /Page size:\s+59[456](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/, `${name}: A4\n${pdf.info}`);
  assert.equal(pdf.forms.length, 1, `${name}: the form is on exactly one page:\n${all}`);
  assert.equal(pdf.forms[0], pdf.pages.at(-1), `${name}: the form is the last sheet:\n${all}`);
  assert.ok(pdf.pages.length >= 2, `${name}: the checklist prints before the form:\n${all}`);
  assert.ok(pdf.words.length > 50, `${name}: words found in the PDF`);
  assert.deepEqual(pdf.outside.slice(0, 5), [], `${name}: text outside the 15 mm margins`);
}

/** The blank form's boxes: at least 8 mm (30.2 CSS px) a line to write in. */
async function boxesAtLeast8mm(tab, where) {
  const short = await tab.run(() => {
    const blank = document.querySelector('.blank-form');
    const was = blank.open;
    blank.open = true;
    const found = [...blank.querySelectorAll('.jp-form-table td')]
      .map((td) => ({ text: td.innerText.slice(0, 30), lines: td.querySelectorAll('br').length + 1, h: td.getBoundingClientRect().height }))
      .filter((r) => r.h < 30.2 * r.lines);
    blank.open = was;
    return found.length ? found : (blank.querySelectorAll('.jp-form-table td').length ? [] : ['no boxes']);
  });
  assert.deepEqual(short, [], `${where}: boxes under 8 mm a line`);
}

/**
 * The walks in one engine, as a group named `label` (each test's name
 * starts with it too, so a failure says which engine); `make` starts it.
 */
export function engineSuite(label, make) {
  describe(label, () => suite(label, make));
}

function suite(label, make) {
  // A driver that stops answering (once, under heavy load, WebKitGTK's
  // MiniBrowser was gone and WebKitWebDriver never answered) fails the test
  // after TIMEOUT instead of holding the whole suite; `after` then stops the
  // engine, its driver and display.
  // A command that hangs (DriverHang, after 60 s) gets the test one more
  // try in a fresh session, said in the report; a second hang, or any
  // assertion, fails it.
  const TIMEOUT = 240_000;
  const test = (name, fn) => nodeTest(`${label}: ${name}`, { timeout: TIMEOUT }, async (t) => {
    try {
      await fn();
    } catch (e) {
      if (!(e instanceof DriverHang)) throw e;
      const note = `${label}: ${name}: ${e.message}; tried once more in a fresh session`;
      t.diagnostic(note);
      console.log(`retry: ${note}`);
      for (const tab of tabs) await Promise.race([tab.close().catch(() => {}), sleep(10_000)]);
      tabs = [];
      await fn();
    }
  });
  let server, engine;
  before(async () => { server = await serve(); engine = await make(); }, { timeout: TIMEOUT });
  after(async () => { await engine?.close(); await server?.close(); });
  // A failed test leaves its tab: close it (WebKitWebDriver allows one session).
  let tabs = [];
  afterEach(async () => {
    for (const t of tabs) await t.close().catch(() => {});
    tabs = [];
  }, { timeout: 30_000 });

  const open = async (url) => {
    const tab = await guard('a new session', engine.open());
    tabs.push(tab);
    const close = tab.close.bind(tab);
    tab.close = async () => { tabs = tabs.filter((t) => t !== tab); await close(); };
    await tab.goto(server.origin + url);
    await tab.checkerReady();
    return tab;
  };
  const clean = (tab, where) => {
    // WebKitGTK's WebDriver reports no console messages (tab.errors null).
    if (tab.errors) assert.deepEqual(tab.errors, [], `${engine.name} ${where}: console errors`);
  };

  test('disclosure (English): the whole walk to the form, printed (where the engine prints) with the form alone on an A4 sheet', async () => {
    const tab = await open(DISCLOSURE('en'));
    for (const s of TO_RESULT) await tab.step(s);
    assert.equal(await tab.heading(), 'You can make this request');
    await tab.details(PERSON);
    const form = await tab.text('#madoguchi-checker .jp-form');
    for (const s of ['KIM MINSU', 'キム ミンス', '2部請求', '600円', '☑本人']) assert.ok(form.includes(s), `${engine.name}: the form lacks ${s}:\n${form}`);
    await boxesAtLeast8mm(tab, 'filled form');
    const pdf = printed(await tab.pdf(), '保有個人情報開示請求書');
    formAloneOnLastSheet(pdf, engine.name);
    if (pdf) for (const s of ['KIM MINSU', '2部請求', '600円', '4 本人確認等']) assert.ok(has(pdf.forms[0], s), `${engine.name}: the printed form lacks ${s}:\n${pdf.forms[0]}`);
    if (pdf) assert.ok(has(pdf.pages.slice(0, -1).join(''), '¥300 × 2 = ¥600'), `${engine.name}: the checklist prints first`);
    clean(tab, 'disclosure');
    await tab.close();
  });

  test('deceased (Japanese): the whole walk to the form, printed (where the engine prints) with the form alone on an A4 sheet', async () => {
    const tab = await open(DECEASED('ja'));
    await tab.step({ choose: 'descendant' });
    await tab.step({ choose: await tab.run(() => document.querySelector('#madoguchi-checker input[type=radio]').value) });
    assert.equal(await tab.heading(), '請求できます');
    await tab.details(DECEASED_PERSON);
    const pdf = printed(await tab.pdf(), '死亡した外国人に係る外国人登録原票の写しの交付請求書');
    formAloneOnLastSheet(pdf, engine.name);
    if (pdf) for (const s of ['PARK JIYEON', 'PARK SANGHO', '☑直', '☑本人', '4 添付書類']) assert.ok(has(pdf.forms[0], s), `${engine.name}: the printed form lacks ${s}:\n${pdf.forms[0]}`);
    clean(tab, 'deceased');
    await tab.close();
  });

  test('a reload on the result comes back to it; Back and Forward move between screens', async () => {
    const tab = await open(DISCLOSURE('en'));
    for (const s of TO_RESULT) await tab.step(s);
    await tab.details({ name_latin: 'KIM MINSU' });
    await tab.reload();
    await tab.checkerReady();
    await tab.waitFor(() => document.querySelector('#checker-heading')?.textContent.includes('You can make this request'), [], { what: 'the result after a reload' });
    const text = await tab.text('#madoguchi-checker');
    assert.ok(text.includes('¥300 × 2 = ¥600') && text.includes('KIM MINSU'), text);
    assert.equal(await tab.run(() => localStorage.length + sessionStorage.length), 0, 'nothing stored');
    await tab.back();
    await tab.waitFor(() => document.querySelector('#checker-heading')?.textContent.includes('Your details'), [], { what: 'the details after Back' });
    assert.equal(await tab.run(() => document.querySelector('#d-name_latin').value), 'KIM MINSU');
    await tab.back();
    await tab.waitFor(() => document.querySelector('#checker-heading')?.textContent.includes('You can make this request'), [], { what: 'the result after Back' });
    await tab.back();
    await tab.waitFor(() => document.querySelector('#checker-heading')?.textContent.includes('name'), [], { what: 'the last question after Back' });
    assert.ok(await tab.run(() => document.querySelector('#madoguchi-checker input[value=no]').checked), 'the answer is kept');
    await tab.forward();
    await tab.waitFor(() => document.querySelector('#checker-heading')?.textContent.includes('You can make this request'), [], { what: 'the result after Forward' });
    assert.equal(new URL(await tab.run(() => location.href)).pathname, DISCLOSURE('en'), 'stays on the page');
    clean(tab, 'reload');
    await tab.close();
  });

  for (const [lang, dir] of [['ur', 'rtl'], ['ko', 'ltr']]) {
    test(`${lang}: the walk to the filled form (${dir})`, async () => {
      const tab = await open(DISCLOSURE(lang));
      assert.equal(await tab.run(() => document.documentElement.dir), dir);
      for (const s of TO_RESULT) await tab.step(s);
      assert.ok(await tab.run(() => !!document.querySelector('#madoguchi-checker .panel-ok')), 'you can make this request');
      await tab.details(PERSON);
      const form = await tab.text('#madoguchi-checker .jp-form');
      assert.ok(form.includes('KIM MINSU') && form.includes('東京都新宿区四谷1-6-1') && form.includes('2部請求'), form);
      // The Japanese form stays left to right inside the page.
      assert.equal(await tab.run(() => getComputedStyle(document.querySelector('#madoguchi-checker .jp-form')).direction), 'ltr');
      await boxesAtLeast8mm(tab, `${lang} filled form`);
      const pdf = printed(await tab.pdf(), '保有個人情報開示請求書');
      formAloneOnLastSheet(pdf, `${engine.name} ${lang}`);
      if (pdf) assert.ok(has(pdf.forms[0], 'KIM MINSU'), pdf.forms[0]);
      clean(tab, lang);
      await tab.close();
    });
  }

  test('privacy: no request carries an answer, none after the checker is ready but the offline copy\'s', async () => {
    const tab = await open(DISCLOSURE('ja'));
    const ready = Date.now();
    for (const s of TO_RESULT) await tab.step(s);
    await tab.details(PERSON);
    await tab.pdf();
    const allowed = new Set(await tab.run(() => [...document.querySelectorAll('link[href], script[src]')].map((e) => new URL(e.href ?? e.src).pathname)));
    allowed.add('/sw.js');
    allowed.add(DISCLOSURE('ja'));
    const log = server.log;
    assert.deepEqual(log.filter((r) => r.method !== 'GET' || r.body).map((r) => `${r.method} ${r.url}`), [], 'only GETs without a body');
    assert.deepEqual(log.filter((r) => r.url.includes('?')).map((r) => r.url), [], 'no request carries a query');
    for (const v of ['KIM', 'MINSU', '1975', 'residence_card', '160-0004', '1234-5678']) {
      // What a request carries, not the time the server logged it: a
      // millisecond clock (1796…) can read …1975…, and a WebKit run
      // failed here on the Korean walk's page request, which carries no answer.
      const carried = (r) => JSON.stringify({ method: r.method, url: r.url, body: r.body, headers: r.headers });
      assert.deepEqual(log.filter((r) => carried(r).includes(v)).map((r) => r.url), [], `no request carries ${v}`);
    }
    // After ready, only the service worker keeping the page and its assets.
    const later = log.filter((r) => r.at > ready && !allowed.has(new URL(r.url, 'http://x').pathname));
    assert.deepEqual(later.map((r) => r.url), [], 'requests after the checker was ready');
    assert.equal(await tab.run(() => localStorage.length + sessionStorage.length), 0, 'nothing stored');
    clean(tab, 'privacy');
    await tab.close();
  });

  test('offline once visited: the checker page reloads without the network, says when it was saved, walks and prints', async () => {
    const tab = await open(DISCLOSURE('en'));
    // The service worker has kept the page (and, on install, its assets).
    await tab.waitFor(async () => {
      const assets = [...document.querySelectorAll('link[rel=stylesheet], link[rel=modulepreload], link[rel=preload]')].map((l) => l.href);
      const all = await Promise.all([location.pathname, ...assets].map((u) => caches.match(u)));
      return !!navigator.serviceWorker.controller && all.every(Boolean);
    }, [], { timeout: 20000, what: 'the service worker to keep the page and its assets' });
    await server.offline();
    try {
      await tab.reload();
      await tab.checkerReady();
      const notice = await tab.run(() => {
        const n = document.querySelector('.offline-notice');
        return n && !n.hidden ? { text: n.innerText, date: n.querySelector('time')?.getAttribute('datetime') } : null;
      });
      assert.ok(notice, `${engine.name}: the page says it is a saved copy`);
      assert.match(notice.text, /^This page was saved on .+\. When you are online, check whether anything has changed\.$/);
      assert.match(notice.date, /^\d{4}-\d{2}-\d{2}$/);
      for (const s of TO_RESULT) await tab.step(s);
      await tab.details(PERSON);
      const pdf = printed(await tab.pdf(), '保有個人情報開示請求書');
      formAloneOnLastSheet(pdf, `${engine.name} offline`);
      if (pdf) assert.ok(has(pdf.forms[0], 'KIM MINSU'), pdf.forms[0]);
    } finally {
      await server.online();
    }
    await tab.close();
  });
}
