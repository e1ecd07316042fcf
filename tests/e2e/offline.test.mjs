// Offline once visited (Chromium; firefox.test.mjs and webkit.test.mjs walk
// offline too): the service worker keeps the page a reader opened with the
// checker and the stylesheet; without the network the page comes back from
// its cache saying when it was saved, the checker walks and the form
// prints; a new build's worker replaces the old cache.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { SITE, serve, launch, open, checkerReady, answer, fillDetails, assertClean, axe, heading, UI, PERSON } from './lib.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const DISCLOSURE = '/en/alien-registration/disclosure/';

/** Polls an async page function until it is true (waitForFunction does not await). */
async function until(page, fn, arg, what, timeout = 20000) {
  const end = Date.now() + timeout;
  while (!(await page.evaluate(fn, arg).catch(() => false))) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await page.waitForTimeout(50);
  }
}

/** Waits until the service worker controls the page and has kept it. */
async function kept(page) {
  await until(page, async () => {
    const assets = [...document.querySelectorAll('link[rel=stylesheet], link[rel=modulepreload], link[rel=preload]')].map((l) => l.href);
    const all = await Promise.all([location.pathname, ...assets].map((u) => caches.match(u)));
    return !!navigator.serviceWorker.controller && all.every(Boolean);
  }, null, 'the service worker to keep the page and its assets');
}

async function toResult(page) {
  for (const s of ['My own record (or that of the person I act for)', 'The person the information is about', 'In Japan',
    'By post, with the copies sent back by post']) await answer(page, 'en', { choose: s });
  await answer(page, 'en', { fill: ['How many copies do you need?', '1'] });
  await answer(page, 'en', { choose: 'Residence card or special permanent resident certificate' });
  await answer(page, 'en', { fill: ['From which year do the records you want start?', '1975'] });
  await answer(page, 'en', { choose: 'No, it is the same' });
}

test('offline: a visited checker page reloads from the cache, says when it was saved, walks and prints', async () => {
  const rec = await open(browser, server.origin, DISCLOSURE);
  const { page } = rec;
  await checkerReady(page);
  // Online, the page is the network's: no notice.
  assert.equal(await page.locator('.offline-notice').isVisible(), false, 'no notice online');
  await kept(page);
  const cached = await page.evaluate(async () => (await caches.keys()));
  assert.equal(cached.length, 1, `one cache: ${cached}`);
  const stored = await page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname), cached[0]);
  for (const p of [DISCLOSURE, '/sw.js']) assert.equal(stored.includes(p), p !== '/sw.js', `${p} in the cache: ${stored}`);
  assert.ok(stored.some((p) => p.endsWith('_bg.wasm')) && stored.some((p) => p.endsWith('.css')), `the wasm and the CSS are kept: ${stored}`);
  assert.ok(stored.every((p) => !p.includes('?')), 'no URL with a query is kept');
  await server.offline();
  try {
    await page.reload();
    await checkerReady(page);
    const notice = page.locator('.offline-notice');
    assert.ok(await notice.isVisible(), 'the page says it is a saved copy');
    const today = await page.evaluate(() => { const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`; });
    assert.equal(await notice.locator('time').getAttribute('datetime'), today);
    assert.match(await notice.innerText(), /^This page was saved on .*\d{4}.*\. When you are online, check whether anything has changed\.$/);
    await axe(page, 'the saved copy');
    await toResult(page);
    await fillDetails(page, 'en', PERSON);
    assert.equal(await heading(page), UI.en.eligible);
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
    assert.ok(pdf.length > 10000, 'printed');
    assert.ok(await page.locator('.offline-notice').isHidden(), 'the notice does not print');
    await page.emulateMedia({ media: 'screen' });
    // Another page never opened is not there offline.
    const other = await page.goto(server.origin + '/en/alien-registration/deceased/').then(() => 'loaded', () => 'failed');
    assert.equal(other, 'failed', 'a page not visited is not kept');
  } finally {
    await server.online();
  }
  await rec.context.close();
});

test('a guidance page without a checker keeps no checker: no wasm downloaded for it', async () => {
  const rec = await open(browser, server.origin, '/en/');
  const { page } = rec;
  await kept(page);
  const stored = await page.evaluate(async () => {
    const [name] = await caches.keys();
    return (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
  });
  assert.ok(stored.includes('/en/') && stored.some((p) => p.endsWith('.css')), `the page and its CSS: ${stored}`);
  assert.deepEqual(stored.filter((p) => p.startsWith('/checker/')), [], 'no checker file');
  await assertClean(assert, rec);
  await rec.context.close();
});

test('a new build\'s service worker replaces the old cache and keeps the pages saved before', async () => {
  const rec = await open(browser, server.origin, DISCLOSURE);
  const { page } = rec;
  await checkerReady(page);
  await kept(page);
  const [old] = await page.evaluate(() => caches.keys());
  // A second build: the same site with other fingerprints (the worker's
  // version is made from them at build time: site-gen's offline.rs tests).
  const next = fs.mkdtempSync(path.join(os.tmpdir(), 'madoguchi-next-build-'));
  fs.cpSync(SITE, next, { recursive: true });
  const sw = fs.readFileSync(path.join(next, 'sw.js'), 'utf8');
  const version = sw.match(/const VERSION = "([0-9a-f]+)";/)[1];
  const nextSw = sw.replace(`const VERSION = "${version}";`, 'const VERSION = "0123456789ab";');
  fs.writeFileSync(path.join(next, 'sw.js'), nextSw);
  // and its compressed copies, as the build writes them (the server sends those).
  for (const [ext, pack] of [['br', zlib.brotliCompressSync], ['gz', zlib.gzipSync]]) {
    if (fs.existsSync(path.join(next, `sw.js.${ext}`))) fs.writeFileSync(path.join(next, `sw.js.${ext}`), pack(nextSw));
  }
  assert.equal(old, `madoguchi-${version}`);
  server.use(next);
  try {
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await until(page, async () => {
      const keys = await caches.keys();
      return keys.includes('madoguchi-0123456789ab') && !!(await caches.match(location.pathname))
        && navigator.serviceWorker.controller?.state === 'activated'
        && (await navigator.serviceWorker.getRegistration()).active.scriptURL === navigator.serviceWorker.controller.scriptURL
        && keys.length === 1;
    }, null, 'the new worker\'s cache alone');
    // The page saved before is in the new cache.
    assert.ok(await page.evaluate(async (p) => !!(await (await caches.open('madoguchi-0123456789ab')).match(p)), DISCLOSURE));
    assert.deepEqual(await page.evaluate(() => caches.keys()), ['madoguchi-0123456789ab'], 'the old cache is gone');
  } finally {
    server.use(SITE);
    fs.rmSync(next, { recursive: true, force: true });
  }
  await assertClean(assert, rec);
  await rec.context.close();
});
