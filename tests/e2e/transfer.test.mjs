// The bytes a reader on a slow phone connection downloads per page (brotli,
// as a CDN would serve them), within budget: every page of the two source
// languages and the home page. Bytes do not depend on the machine's load,
// so this runs beside the other files (budgets.test.mjs, the timings, runs
// alone).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { serve, launch, checkerReady, htmlPages, eachConcurrently } from './lib.mjs';

const GUIDANCE_BUDGET = 40 * 1024;
const CHECKER_PAGE_BUDGET = 200 * 1024;

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

// Brotli at quality 11 is slow (about half a second for the wasm): each
// distinct body is compressed once.
const BROTLI = new Map();
function brotli(buf) {
  const key = crypto.createHash('sha256').update(buf).digest('hex');
  if (!BROTLI.has(key)) {
    BROTLI.set(key, zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length);
  }
  return BROTLI.get(key);
}

test('transfer size per page (brotli) within budget', async () => {
  const lines = new Map();
  const pages = htmlPages().filter((x) => /^\/(ja|en)\//.test(x) || x === '/');
  assert.ok(pages.length >= 10, `only ${pages.length} pages`);
  // Each page in a fresh context (an empty cache), CONCURRENCY at once;
  // every page over its budget is reported.
  await eachConcurrently(pages, async (p) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const bodies = [];
    page.on('response', async (r) => { try { bodies.push(await r.body()); } catch { /* redirects */ } });
    await page.goto(server.origin + p);
    const hasChecker = (await page.locator('#madoguchi-checker').count()) > 0;
    if (hasChecker) await checkerReady(page);
    await page.waitForLoadState('networkidle');
    const total = bodies.reduce((sum, b) => sum + brotli(b), 0);
    await context.close();
    const budget = hasChecker ? CHECKER_PAGE_BUDGET : GUIDANCE_BUDGET;
    lines.set(p, `${p.padEnd(40)} ${(total / 1024).toFixed(1).padStart(6)} KiB brotli (budget ${budget / 1024} KiB, ${bodies.length} files)`);
    assert.ok(total <= budget, `${p}: ${(total / 1024).toFixed(1)} KiB is over its budget of ${budget / 1024} KiB`);
  });
  console.log(`transfer sizes\n${pages.map((p) => lines.get(p)).join('\n')}`);
});
