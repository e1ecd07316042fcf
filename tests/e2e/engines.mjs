// Firefox and WebKit for the browser suite, behind one small interface.
//
// playwright-core drives only its own patched Firefox and WebKit builds, not
// Debian's. So:
// - Firefox ESR (Debian's `firefox-esr`) through WebDriver BiDi, which
//   Firefox speaks itself: puppeteer-core, no geckodriver needed (Debian
//   ships none; selenium-webdriver would need one, or its manager would try
//   to download it).
// - WebKitGTK through its WebDriver server (Debian's `webkit2gtk-driver`,
//   `WebKitWebDriver`, classic WebDriver over HTTP) with selenium-webdriver,
//   driving WebKitGTK's MiniBrowser in automation mode. MiniBrowser needs a
//   display: without DISPLAY an Xvfb of our own is started (Debian's `xvfb`).
//
// Every method takes and returns plain values; page scripts are functions
// run in the page (`run(fn, ...args)`), so the tests read the same in both.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import puppeteer from 'puppeteer-core';
import { Builder, By } from 'selenium-webdriver';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/**
 * A driver command that did not answer within HANG_MS. Seen under load with
 * WebKitGTK: a command (once a reload, once a walk's step) never answered,
 * its browser gone; the suite retries such a test once in a fresh session
 * (engine-suite.mjs). An assertion failing is never retried.
 */
export class DriverHang extends Error {}

const HANG_MS = 60_000;

/** `promise`, or a DriverHang naming `what` after `ms`. */
export function guard(what, promise, ms = HANG_MS) {
  let timer;
  const hang = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new DriverHang(`the driver did not answer ${what} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

/** What both engines do; `impl` supplies the engine's primitives, each guarded. */
class Tab {
  constructor(impl) {
    this.impl = Object.fromEntries(Object.entries(impl).map(([name, f]) =>
      [name, (...args) => guard(name, Promise.resolve().then(() => f(...args)))]));
  }
  goto(url) { return this.impl.goto(url); }
  reload() { return this.impl.reload(); }
  back() { return this.impl.back(); }
  forward() { return this.impl.forward(); }
  run(fn, ...args) { return this.impl.run(fn, args); }
  /** A native click (the engine's own input events) on the first match of `css`. */
  click(css) { return this.impl.click(css); }
  /** Clears the field and types `text` with the engine's keyboard. */
  type(css, text) { return this.impl.type(css, text); }
  /** The page printed to a PDF (A4, the page's own @page size and margins). */
  pdf() { return this.impl.pdf(); }
  close() { return this.impl.close(); }

  async waitFor(fn, args = [], { timeout = 15000, what = 'a condition' } = {}) {
    const until = Date.now() + timeout;
    for (;;) {
      let ok = false;
      try { ok = await this.run(fn, ...args); } catch (e) { if (e instanceof DriverHang) throw e; ok = false; }
      if (ok) return;
      if (Date.now() > until) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await sleep(50);
    }
  }

  checkerReady() {
    return this.waitFor(() => document.documentElement.dataset.checker === 'ready', [], { what: 'the checker to be ready' });
  }

  heading() {
    return this.run(() => document.querySelector('#checker-heading')?.textContent.trim() ?? '');
  }

  /** Waits until the checker's heading differs from `before` and has focus. */
  async nextScreen(before) {
    await this.waitFor((b) => {
      const h = document.querySelector('#checker-heading');
      return !!h && h.textContent.trim() !== b && document.activeElement === h;
    }, [before], { what: `a new screen after "${before}"` });
  }

  /** Answers the current question by option value and/or field, then continues. */
  async step({ choose, fill }) {
    const before = await this.heading();
    if (choose) await this.click(`#madoguchi-checker input[type=radio][value="${choose}"]`);
    if (fill) await this.type(`#madoguchi-checker #q-${fill[0]}`, fill[1]);
    await this.click('#madoguchi-checker form button[type=submit]');
    await this.nextScreen(before);
  }

  /** From the result: the optional details, field by field, put on the form. */
  async details(values) {
    let before = await this.heading();
    await this.click('#madoguchi-checker button.button-secondary');
    await this.nextScreen(before);
    for (const [field, value] of Object.entries(values)) {
      const radio = `#madoguchi-checker input[type=radio][name="d-${field}"][value="${value}"]`;
      if (await this.run((css) => !!document.querySelector(css), radio)) await this.click(radio);
      else await this.type(`#d-${field}`, value);
    }
    before = await this.heading();
    await this.click('#madoguchi-checker form button[type=submit]');
    await this.nextScreen(before);
  }

  text(css) {
    return this.run((c) => document.querySelector(c)?.innerText ?? '', css);
  }
}

/** Firefox ESR through WebDriver BiDi (puppeteer-core). */
export async function firefox() {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    args: ['-headless'],
    extraPrefsFirefox: {
      // Nothing but the site under test on the network.
      'app.update.enabled': false, 'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false, 'network.captive-portal-service.enabled': false,
    },
  });
  const version = await browser.version();
  return {
    name: `Firefox (${version})`,
    async open() {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
      const tab = new Tab({
        goto: (url) => page.goto(url, { waitUntil: 'load' }),
        reload: () => page.reload({ waitUntil: 'load' }),
        back: () => page.goBack(),
        forward: () => page.goForward(),
        run: (fn, args) => page.evaluate(fn, ...args),
        // Locators wait until the element is visible, enabled and still;
        // with no timeout of their own (puppeteer's is 30 s), so that one
        // that never finishes is a hang like any other command's (`guard`,
        // after 60 s: one more try in a fresh session). Seen once in a
        // `cargo xtask test` under load (load average 9): a click on the
        // result's details button timed out, and passed on every rerun.
        click: (css) => page.locator(css).setTimeout(0).click(),
        type: async (css, text) => {
          await page.locator(css).setTimeout(0).wait();
          await page.$eval(css, (el) => { el.value = ''; el.focus(); });
          await page.type(css, text);
        },
        pdf: async () => Buffer.from(await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true })),
        close: () => context.close(),
      });
      tab.errors = errors;
      return tab;
    },
    close: () => browser.close(),
  };
}

/** An X display for WebKitGTK's MiniBrowser: DISPLAY, or an Xvfb of our own. */
async function display() {
  if (process.env.DISPLAY) return { env: process.env.DISPLAY, stop: () => {} };
  for (let n = 90; n < 140; n++) {
    if (fs.existsSync(`/tmp/.X${n}-lock`)) continue;
    const xvfb = spawn('Xvfb', [`:${n}`, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    let failed = false;
    xvfb.on('exit', () => { failed = true; });
    for (let i = 0; i < 50 && !failed && !fs.existsSync(`/tmp/.X11-unix/X${n}`); i++) await sleep(100);
    if (!failed) return { env: `:${n}`, stop: () => xvfb.kill() };
  }
  throw new Error('could not start Xvfb (apt-get install xvfb)');
}

/** WebKitGTK through WebKitWebDriver (selenium-webdriver). */
export async function webkit() {
  const x = await display();
  const port = await freePort();
  const server = spawn(process.env.WEBKIT_WEBDRIVER ?? '/usr/bin/WebKitWebDriver', [`--port=${port}`],
    { stdio: 'ignore', env: { ...process.env, DISPLAY: x.env } });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((r) => {
      const c = net.connect(port, '127.0.0.1', () => { c.end(); r(true); });
      c.on('error', () => r(false));
    });
    if (up) break;
    await sleep(100);
  }
  const minibrowser = process.env.WEBKIT_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
  const sessions = [];
  const engine = {
    name: 'WebKitGTK',
    async open() {
      // A session per tab: a fresh browser, as a new context is elsewhere.
      const driver = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: minibrowser, args: ['--automation'] },
      }).build();
      sessions.push(driver);
      const caps = await driver.getCapabilities();
      engine.name = `WebKitGTK (${caps.get('browserVersion')})`;
      const el = (css) => driver.findElement(By.css(css));
      const tab = new Tab({
        goto: (url) => driver.get(url),
        reload: () => driver.navigate().refresh(),
        back: () => driver.navigate().back(),
        forward: () => driver.navigate().forward(),
        // Async: a page function may return a promise (classic WebDriver's
        // executeScript does not wait for one).
        run: async (fn, args) => {
          const r = await driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
            Promise.resolve().then(() => (${fn}).apply(null, [...arguments].slice(0, -1)))
              .then((value) => done({ value }), (e) => done({ error: String(e) }));`, ...args);
          if (r.error) throw new Error(r.error);
          return r.value;
        },
        click: async (css) => (await el(css)).click(),
        type: async (css, text) => { const e = await el(css); await e.clear(); await e.sendKeys(text); },
        // WebKitWebDriver has no print command (Unknown command: /session/…/print).
        pdf: async () => null,
        close: async () => { await driver.quit(); sessions.splice(sessions.indexOf(driver), 1); },
      });
      tab.errors = null;
      return tab;
    },
    async close() {
      // A session whose browser is gone may never answer quit: 10 s each.
      for (const d of [...sessions]) await Promise.race([d.quit().catch(() => {}), sleep(10_000)]);
      server.kill();
      x.stop();
    },
  };
  return engine;
}
