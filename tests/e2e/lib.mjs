// Shared helpers of the browser suite: a small static server for the built
// site, Chromium with the flags this machine needs, and page helpers that
// select by accessible role and name.
import http from 'node:http';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

// The axe-core that @axe-core/playwright itself runs (its dependency).
const AXE_SOURCE = createRequire(createRequire(import.meta.url).resolve('@axe-core/playwright'))('axe-core').source;

export const SITE = process.env.SITE_DIR;
if (!SITE || !fs.existsSync(path.join(SITE, 'index.html'))) {
  throw new Error(`SITE_DIR must name a built site (got ${SITE}); run through cargo xtask test`);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.xml': 'application/xml', '.txt': 'text/plain',
};

const COMPRESSED = new Map();
/**
 * The file in `encoding`: the build's precompressed copy beside it
 * (`.br`, `.gz`), as nginx's `brotli_static`/`gzip_static` and the deploy
 * guide serve them; else compressed here once per process.
 */
function compressed(file, encoding) {
  const key = `${encoding} ${file}`;
  const copy = `${file}.${encoding === 'br' ? 'br' : 'gz'}`;
  if (!COMPRESSED.has(key) && fs.existsSync(copy)) COMPRESSED.set(key, fs.readFileSync(copy));
  if (!COMPRESSED.has(key)) {
    const bytes = fs.readFileSync(file);
    COMPRESSED.set(key, encoding === 'br'
      ? zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } })
      : zlib.gzipSync(bytes, { level: 9 }));
  }
  return COMPRESSED.get(key);
}

/**
 * Serves a built site (SITE unless `dir`) on 127.0.0.1 at a free port,
 * compressed as a CDN would. `log` holds every request it answered
 * (method, URL, body, time), whoever made it: the page or its service
 * worker. `offline()` closes the port and every open connection, as a lost
 * network would; `online()` opens it again on the same port; `use(dir)`
 * serves another build.
 */
export async function serve({ dir = SITE } = {}) {
  let root = dir;
  const log = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      log.push({ method: req.method, url: req.url, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), headers: req.headers });
      answer(req, res);
    });
  });
  const answer = (req, res) => {
    const url = new URL(req.url, 'http://x');
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(fs.readFileSync(path.join(root, '404.html')));
      return;
    }
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    // Brotli when the browser asks for it, as a CDN serves the site (so
    // timings on an emulated slow network are the reader's).
    // (Chromium asks for brotli over HTTPS only: gzip over plain HTTP.)
    const accepted = req.headers['accept-encoding'] ?? '';
    const encoding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : null;
    // Pages revalidate, as _headers asks (a service worker must not be
    // held back by the HTTP cache either).
    const cache = type === TYPES['.html'] || file.endsWith(`${path.sep}sw.js`) ? { 'cache-control': 'no-cache' } : {};
    if (encoding && type !== 'application/octet-stream') {
      res.writeHead(200, { 'content-type': type, 'content-encoding': encoding, vary: 'accept-encoding', ...cache });
      res.end(compressed(file, encoding));
      return;
    }
    res.writeHead(200, { 'content-type': type, ...cache });
    res.end(fs.readFileSync(file));
  };
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const origin = `http://127.0.0.1:${port}`;
  let listening = true;
  const offline = () => new Promise((r) => {
    listening = false;
    server.close(() => r());
    server.closeAllConnections();
  });
  const online = () => new Promise((r) => { listening = true; server.listen(port, '127.0.0.1', r); });
  return {
    origin, log, offline, online,
    use: (d) => { root = d; },
    close: () => (listening ? offline() : Promise.resolve()),
  };
}

/**
 * How many pages the long walks check at once, each in its own browser
 * context: E2E_CONCURRENCY (`cargo xtask test` sets it from the machine's
 * cores), else 1.
 */
export const CONCURRENCY = Math.max(1, Math.floor(Number(process.env.E2E_CONCURRENCY)) || 1);

/**
 * Runs `fn` on every item, `n` at a time; waits for all, then throws every
 * failure (one, or an AggregateError naming each), so no failure hides
 * another.
 */
export async function eachConcurrently(items, fn, n = CONCURRENCY) {
  const failures = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try { await fn(item); } catch (e) { failures.push(e); }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    throw new AggregateError(failures, `${failures.length} failures:\n${failures.map((e) => e.message).join('\n')}`);
  }
}

/**
 * Runs `fn(tab, item)` on every item in `n` tabs (see `tab`) at once, each
 * tab taking the next item when it is done; failures as `eachConcurrently`.
 */
export async function eachInTabs(browser, origin, items, fn, n = CONCURRENCY) {
  const tabs = await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, () => tab(browser, origin)));
  const free = [...tabs];
  try {
    await eachConcurrently(items, async (item) => {
      const t = free.pop();
      try { await fn(t, item); } finally { free.push(t); }
    }, tabs.length);
  } finally {
    await Promise.all(tabs.map((t) => t.close()));
  }
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}

/**
 * Records into `record()` (the current visit's record) what a user would
 * notice going wrong on `page`: console errors, uncaught exceptions, and
 * every request made.
 */
function listen(page, record) {
  page.on('console', (m) => { if (m.type() === 'error') record().errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => record().errors.push(`exception: ${e.message}`));
  page.on('request', (r) => record().requests.push({ url: r.url(), at: Date.now() }));
}

/** Collects the document's CSP violations in `window.__csp`, from its first script on. */
async function watchCsp(context) {
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}

/**
 * Opens a page and records what a user would notice going wrong: console
 * errors, uncaught exceptions, CSP violations, and every request made.
 */
export async function open(browser, origin, urlPath, { javaScript = true, viewport, date } = {}) {
  const context = await browser.newContext({ javaScriptEnabled: javaScript, viewport });
  // The checker uses the rules in force on the reader's today: fix it when asked.
  if (date) await context.clock.setFixedTime(new Date(`${date}T10:00:00+09:00`));
  const page = await context.newPage();
  const record = { errors: [], requests: [], page, context, label: urlPath };
  listen(page, () => record);
  await watchCsp(context);
  await page.goto(origin + urlPath);
  return record;
}

/**
 * One tab that visits pages one after another, as a reader following
 * links does: `visit(path)` goes there and returns that visit's record
 * (as `open` gives: errors, requests, the CSP's violations in the page),
 * `close()` ends the tab. A new context costs a walk over every page
 * about 0.3 s a page on this machine.
 */
export async function tab(browser, origin) {
  const context = await browser.newContext();
  const page = await context.newPage();
  let record = { errors: [], requests: [], page, context, label: '(no visit yet)' };
  listen(page, () => record);
  await watchCsp(context);
  return {
    async visit(urlPath) {
      record = { errors: [], requests: [], page, context, label: urlPath };
      await page.goto(origin + urlPath);
      return record;
    },
    close: () => context.close(),
  };
}

/** The checker's root: where its screens are (axe's `within` for a screen after the first). */
export const CHECKER = '#madoguchi-checker';

export async function checkerReady(page) {
  await page.waitForSelector('html[data-checker=ready]', { state: 'attached', timeout: 15000 });
}

/** Asserts nothing went wrong on the page, naming the page. */
export async function assertClean(assert, rec) {
  const csp = rec.context.pages().length ? await rec.page.evaluate(() => window.__csp ?? []) : [];
  assert.deepEqual(csp, [], `${rec.label}: Content-Security-Policy violations`);
  assert.deepEqual(rec.errors, [], `${rec.label}: console errors`);
  const foreign = rec.requests.filter((r) => !r.url.startsWith(rec.page.url().split('/').slice(0, 3).join('/')) && !r.url.startsWith('data:'));
  assert.deepEqual(foreign.map((r) => r.url), [], `${rec.label}: requests to another origin`);
}

/** What axe checks everywhere: WCAG 2.0, 2.1 and 2.2, A and AA, and axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];

/**
 * Runs axe (AXE_TAGS) on the page as it is now and fails naming `where`
 * and every violation (rule, impact, help, the elements).
 *
 * axe-core goes into a document once (the checker's screens are the same
 * document: each later call only runs it) and axe collects the
 * violations in full but no detail of the passes (`resultTypes`: they are
 * not asserted), which makes a call 3 to 6 times faster than
 * AxeBuilder.analyze, which injects axe-core twice a call and finishes in
 * a new blank page. A page with frames goes through AxeBuilder, which puts
 * axe in each frame.
 *
 * `within` (a selector) checks only that part of the page: a checker
 * screen after the first, whose page around it is the one the page's
 * whole-document check saw ("axe: every generated page", the checker
 * ready). Rules about the whole document (landmarks, title, lang) ran
 * there; a screen's own elements get every other rule, and the run takes
 * a third of the time (color-contrast is most of axe's time).
 */
export async function axe(page, where, { within } = {}) {
  let violations;
  if (page.frames().length > 1) {
    const builder = new AxeBuilder({ page }).withTags(AXE_TAGS);
    if (within) builder.include(within);
    ({ violations } = await builder.analyze());
  } else {
    if (!(await page.evaluate(() => typeof window.axe?.run === 'function'))) await page.evaluate(AXE_SOURCE);
    ({ violations } = await page.evaluate(async ([tags, selector]) => {
      if (selector && !document.querySelector(selector)) throw new Error(`axe: nothing matches ${selector}`);
      const only = { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] };
      if (!selector) return window.axe.run(document, only);
      // The screen's title is the document's: its rule runs on the document.
      const inside = await window.axe.run({ include: [selector] }, only);
      const title = await window.axe.run(document, { runOnly: { type: 'rule', values: ['document-title'] }, resultTypes: ['violations'] });
      return { violations: [...inside.violations, ...title.violations] };
    }, [AXE_TAGS, within]));
  }
  const problems = violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(problems, [], `${where}: accessibility violations`);
}

export const UI = {
  en: {
    cont: 'Continue', back: 'Back', add: 'Add your details to the form (optional)', done: 'Put these on the form',
    problem: 'There is a problem', print: 'Print the form and checklist', start: 'Start the checker: what to send, the fee and the form',
    restart: 'Start again', eligible: 'You can make this request',
  },
  ja: {
    cont: '次へ', back: '戻る', add: '請求書に氏名などを記入する（任意）', done: '請求書に記入する',
    problem: '入力内容に問題があります', print: '請求書とチェックリストを印刷', start: '確認ツールを使う（同封するもの・手数料・請求書）',
    restart: '最初からやり直す', eligible: '請求できます',
  },
};

/** Answers the current question: a radio by its label, or a text field. */
export async function answer(page, lang, step) {
  if (step.choose) await page.getByRole('radio', { name: step.choose, exact: true }).check();
  if (step.fill) await page.getByRole('textbox', { name: step.fill[0] }).fill(step.fill[1]);
  await page.getByRole('button', { name: UI[lang].cont, exact: true }).click();
}

export const PERSON = {
  name_latin: 'KIM MINSU', name_kana: 'キム ミンス', nationality: '韓国', birth_date: '1950-03-04',
  sex: 'male', postcode: '160-0004', address: '東京都新宿区四谷1-6-1', phone: '03-1234-5678',
};
/**
 * A representative's path: the representative is the requester (their
 * address is the return address); the person's own address may be in any
 * country and is only written in box 4ウ.
 */
export const REPRESENTATIVE = {
  representative_name: 'KIM JIHO', representative_kana: 'キム ジホ',
  representative_postcode: '1600004', representative_address: '東京都新宿区四谷2-1-1',
  principal_address: '大韓民国ソウル特別市鍾路区1',
};
/** The person the record is about, on a representative's path. */
export const PRINCIPAL = (({ postcode, address, ...rest }) => rest)(PERSON);
/** The requester and the person who died, for the deceased procedure. */
export const DECEASED_PERSON = {
  name_latin: 'PARK JIYEON', name_kana: 'パク ジヨン', postcode: '160-0004',
  address: '東京都新宿区四谷1-6-1', phone: '03-1234-5678',
  deceased_name_latin: 'PARK SANGHO', deceased_nationality: '韓国',
  deceased_birth_date: '1931-02-03', deceased_death_date: '2019-04-30',
};

/**
 * From the result, opens the (optional) details, fills them field by field
 * (inputs are `#d-<detail id>`, a choice is the radio of that value;
 * labelled from the procedure file, axe checks the labels), and puts them
 * on the form.
 */
export async function fillDetails(page, lang, details) {
  await page.getByRole('button', { name: UI[lang].add }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'checker-heading');
  for (const [field, value] of Object.entries(details)) {
    const radio = page.locator(`input[type=radio][name="d-${field}"][value="${value}"]`);
    if (await radio.count()) await radio.check();
    else await page.locator(`#d-${field}`).fill(value);
  }
  await page.getByRole('button', { name: UI[lang].done, exact: true }).click();
}

/** The text of the checker's heading (the current screen's). */
export async function heading(page) {
  return (await page.locator('#checker-heading').textContent()).trim();
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Every HTML file of the built site, as URL paths. */
export function htmlPages() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.html') && !p.includes(`${path.sep}checker${path.sep}`)) {
        out.push('/' + path.relative(SITE, p).replace(/index\.html$/, ''));
      }
    }
  };
  walk(SITE);
  return out.sort();
}
