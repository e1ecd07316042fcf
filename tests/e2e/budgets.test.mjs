// Budgets a reader on a slow phone connection feels: bytes transferred per
// page (brotli, as a CDN would serve them), enforced; and the time from
// navigation to a usable checker, reported (a median, not a pass/fail).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { serve, launch, open, checkerReady, htmlPages, median } from './lib.mjs';

const GUIDANCE_BUDGET = 40 * 1024;
const CHECKER_PAGE_BUDGET = 200 * 1024;

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const brotli = (buf) => zlib.brotliCompressSync(buf, {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 },
}).length;

test('transfer size per page (brotli) within budget', async () => {
  const lines = [];
  for (const p of htmlPages().filter((x) => /^\/(ja|en)\//.test(x) || x === '/')) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const bodies = [];
    page.on('response', async (r) => { try { bodies.push(await r.body()); } catch { /* redirects */ } });
    await page.goto(server.origin + p);
    const hasChecker = (await page.locator('#madoguchi-checker').count()) > 0;
    if (hasChecker) await checkerReady(page);
    await page.waitForLoadState('networkidle');
    const total = bodies.reduce((sum, b) => sum + brotli(b), 0);
    const budget = hasChecker ? CHECKER_PAGE_BUDGET : GUIDANCE_BUDGET;
    lines.push(`${p.padEnd(40)} ${(total / 1024).toFixed(1).padStart(6)} KiB brotli (budget ${budget / 1024} KiB, ${bodies.length} files)`);
    assert.ok(total <= budget, `${p}: ${(total / 1024).toFixed(1)} KiB is over its budget of ${budget / 1024} KiB`);
    await context.close();
  }
  console.log(`transfer sizes\n${lines.join('\n')}`);
});

test('time to checker-ready (median of 5, reported)', async () => {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const rec = await open(browser, server.origin, '/en/alien-registration/disclosure/');
    await checkerReady(rec.page);
    times.push(await rec.page.evaluate(() => performance.getEntriesByName('checker-ready')[0].startTime));
    await rec.context.close();
  }
  console.log(`checker-ready after navigation: median ${median(times).toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms; headless Chromium, loopback, this machine)`);
  assert.equal(times.length, 5);
});

// Lighthouse's "slow 4G" mobile profile: 150 ms round trip, 1.6 Mbps down,
// 750 kbps up, and a CPU four times slower, through Chromium's own network
// and CPU emulation (DevTools protocol), on a fresh context (empty cache)
// each run.
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };

test('time to checker-ready on slow 4G with a 4x slower CPU (median of 5, reported)', async () => {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.goto(server.origin + '/en/alien-registration/disclosure/');
    await page.waitForSelector('html[data-checker=ready]', { state: 'attached', timeout: 60000 });
    times.push(await page.evaluate(() => performance.getEntriesByName('checker-ready')[0].startTime));
    await context.close();
  }
  console.log(`checker-ready on slow 4G (150 ms RTT, 1.6 Mbps) + 4x CPU: median ${median(times).toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms; headless Chromium, this machine)`);
  assert.equal(times.length, 5);
});
