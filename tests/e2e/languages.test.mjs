// Every language: the disclosure checker from its first question to the
// filled Japanese form, choosing by option value (the labels are each
// language's), with axe on every screen (the first question: by
// quality.test.mjs's axe on every generated page, the same page in the same
// state; the later screens within the checker, the page around it being
// the one that check saw), no interface key ever shown, the page's language declared, and
// nothing leaving the device.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  SITE, CHECKER, serve, launch, open, eachInTabs, checkerReady, assertClean, axe, PERSON,
} from './lib.mjs';

const URL_PATH = 'alien-registration/disclosure/';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Every language the site was built in (a folder with the disclosure page). */
function languages() {
  return fs.readdirSync(SITE, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(SITE, e.name, URL_PATH, 'index.html')))
    .map((e) => e.name)
    .sort();
}

/** Chooses the option `value` (or fills the field) and continues. */
async function step(page, { choose, fill }) {
  const root = page.locator('#madoguchi-checker');
  if (choose) await root.locator(`input[type=radio][value="${choose}"]`).check();
  if (fill) await root.locator(`#q-${fill[0]}`).fill(fill[1]);
  await root.locator('form button[type=submit]').click();
  await page.waitForFunction(() => document.activeElement?.id === 'checker-heading');
}

test('Easy Japanese: a year typed in the era calendar, and readings as ruby on the result screen', async () => {
  const where = `/ja-easy/${URL_PATH}`;
  const rec = await open(browser, server.origin, where);
  const { page } = rec;
  await checkerReady(page);
  for (const s of [
    { choose: 'own' }, { choose: 'self' }, { choose: 'japan' }, { choose: 'post' },
    { fill: ['copies', '１'] }, { choose: 'my_number_card' }, { fill: ['from_year', '昭和50年'] },
    { choose: 'no' },
  ]) await step(page, s);
  const root = page.locator('#madoguchi-checker');
  assert.ok(await root.locator('.panel-ok').count(), `${where}: the result is "you can make this request"`);
  // The checklist (procedure texts from the Easy Japanese catalog) carries
  // readings as <ruby>, and no reading is left as {漢字|かんじ}.
  const rubies = await root.locator('.checklist ruby rt').count();
  assert.ok(rubies > 5, `${where}: ruby on the result screen (${rubies})`);
  const text = await root.innerText();
  assert.ok(!/\{[^{}|]+\|[^{}]+\}/.test(text), `${where}: a reading shown as braces`);
  // 1975 (昭和50年) is from 1960 on: the standard-letter postage band.
  const form = (await root.locator('.jp-form').first().textContent()) ?? '';
  assert.ok(form.includes('期間：1975年から'), `${where}: the era year on the form: ${form}`);
  assert.equal(await root.locator('.jp-form ruby').count(), 0, `${where}: the form stays standard Japanese`);
  assert.ok(!form.includes('{'), `${where}: the form stays standard Japanese`);
  await axe(page, `${where} result with ruby`, { within: CHECKER });
  await assertClean(assert, rec);
  await rec.context.close();
});

test('every language: the checker walks to the printed form', async () => {
  const langs = languages();
  assert.ok(langs.length >= 15, `only ${langs.join(', ')}`);
  // CONCURRENCY tabs, each walking its share of the languages one after
  // another (a tab keeps its HTTP cache: the wasm is fetched and compiled
  // once a tab, as for a reader who changes language).
  await eachInTabs(browser, server.origin, langs, walk);
});

/** The walk of one language, in the tab `t`. */
async function walk(t, lang) {
  const where = `/${lang}/${URL_PATH}`;
  const rec = await t.visit(where);
  const { page } = rec;
  await checkerReady(page);
  const htmlLang = await page.locator('html').getAttribute('lang');
  assert.equal(htmlLang, lang === 'ja-easy' ? 'ja' : lang, `${where}: <html lang>`);
  // The first question's axe: quality.test.mjs, "axe: every generated
  // page in every language" (this page, loaded, the checker ready).
  for (const s of [
    { choose: 'own' }, { choose: 'self' }, { choose: 'japan' }, { choose: 'post' },
    { fill: ['copies', '2'] }, { choose: 'residence_card' }, { fill: ['from_year', '1975'] },
    { choose: 'no' },
  ]) await step(page, s);
  const root = page.locator('#madoguchi-checker');
  assert.ok(await root.locator('.panel-ok').count(), `${where}: the result is "you can make this request"`);
  await axe(page, `${where} result`, { within: CHECKER });
  await root.locator('button.button-secondary').click();
  await page.waitForFunction(() => document.activeElement?.id === 'checker-heading');
  for (const [field, value] of Object.entries(PERSON)) {
    const radio = root.locator(`input[type=radio][name="d-${field}"][value="${value}"]`);
    if (await radio.count()) await radio.check();
    else await root.locator(`#d-${field}`).fill(value);
  }
  await axe(page, `${where} details`, { within: CHECKER });
  await root.locator('form button[type=submit]').click();
  await page.waitForFunction(() => document.activeElement?.id === 'checker-heading');
  const form = (await root.locator('.jp-form').first().textContent()) ?? '';
  assert.ok(form.includes('KIM MINSU') && form.includes('東京都新宿区四谷1-6-1'), `${where}: the filled form`);
  assert.ok(form.includes('2部請求'), `${where}: the form asks for 2 copies, in Japanese`);
  const text = await page.locator('body').textContent();
  assert.ok(!/\bchecker_[a-z_]+/.test(text), `${where}: an interface key is shown`);
  await axe(page, `${where} filled form`, { within: CHECKER });
  await assertClean(assert, rec);
}
