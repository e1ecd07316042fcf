// The time from navigation to a usable checker, locally and on a slow phone
// connection, reported (a median, not a pass/fail). `cargo xtask test` runs
// this file alone, after the others, which would slow it; the bytes a page
// transfers, which no load changes, are transfer.test.mjs's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, open, checkerReady, median } from './lib.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

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
