// Quality gates over every generated page and every checker screen (error
// states included): axe (WCAG 2.0/2.1/2.2 A and AA, best practices), vnu,
// the Content-Security-Policy, privacy, and reading without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  SITE, CHECKER, serve, launch, open, eachInTabs, checkerReady, answer, fillDetails, assertClean, axe, htmlPages, UI, PERSON,
  DECEASED_PERSON,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('axe: every generated page in every language', async () => {
  const pages = htmlPages();
  assert.ok(pages.length >= 10, `only ${pages.length} pages`);
  // One load per page for axe, the CSP and the console; CONCURRENCY tabs,
  // each visiting its share of the pages one after another.
  await eachInTabs(browser, server.origin, pages, async (t, p) => {
    const rec = await t.visit(p);
    if (await rec.page.locator('#madoguchi-checker').count()) await checkerReady(rec.page);
    await axe(rec.page, p);
    await assertClean(assert, rec);
  });
});

test('axe: every checker screen, error states included, in both languages', async () => {
  for (const lang of ['en', 'ja']) {
    const where = `/${lang}/alien-registration/disclosure/`;
    const rec = await open(browser, server.origin, where);
    const { page } = rec;
    await checkerReady(page);
    const screen = async (name) => axe(page, `${where} checker: ${name}`, { within: CHECKER });
    // The first question: "every generated page" above (this page, loaded).
    await page.getByRole('button', { name: UI[lang].cont, exact: true }).click();
    await screen('choice not made');
    const steps = lang === 'en'
      ? ['My own record (or that of the person I act for)', 'The person the information is about',
        'In Japan', 'By post, with the copies sent back by post']
      : ['自分（または代理する本人）の原票', '本人', '日本に住んでいる', '郵送で請求し、写しを郵送で受け取る'];
    for (const s of steps) await answer(page, lang, { choose: s });
    await screen('number question');
    await page.getByRole('textbox').fill('101');
    await page.getByRole('button', { name: UI[lang].cont, exact: true }).click();
    await screen('number out of range');
    await page.getByRole('textbox').fill('2');
    await page.getByRole('button', { name: UI[lang].cont, exact: true }).click();
    await page.getByRole('radio').first().check();
    await page.getByRole('button', { name: UI[lang].cont, exact: true }).click();
    await page.getByRole('textbox').fill('in the fifties');
    await page.getByRole('button', { name: UI[lang].cont, exact: true }).click();
    await screen('a year that cannot be read');
    await page.getByRole('textbox').fill('昭和30年');
    await page.getByRole('button', { name: UI[lang].cont, exact: true }).click();
    await page.getByRole('radio').last().check();
    await page.getByRole('button', { name: UI[lang].cont, exact: true }).click();
    await screen('result without details');
    await page.getByRole('button', { name: UI[lang].add }).click();
    await screen('details');
    await page.locator('#d-birth_date').fill('1950-02-30');
    await page.getByRole('button', { name: UI[lang].done, exact: true }).click();
    await screen('details with a date that does not exist');
    await page.getByRole('button', { name: UI[lang].back }).click();
    await fillDetails(page, lang, PERSON);
    await screen('result with the form');
    await assertClean(assert, rec);
    await rec.context.close();
  }
});

test('axe: the deceased procedure\'s details, check and result screens, in both languages', async () => {
  for (const lang of ['en', 'ja']) {
    const where = `/${lang}/alien-registration/deceased/`;
    const rec = await open(browser, server.origin, where);
    const { page } = rec;
    await checkerReady(page);
    const screen = async (name) => axe(page, `${where} checker: ${name}`, { within: CHECKER });
    await page.getByRole('radio').first().check();
    await page.getByRole('button', { name: UI[lang].cont, exact: true }).click();
    await page.getByRole('radio').last().check();
    await page.getByRole('button', { name: UI[lang].cont, exact: true }).click();
    await screen('result of an agent, no details');
    await page.getByRole('button', { name: UI[lang].add }).click();
    await screen('details of an agent');
    await page.getByRole('button', { name: UI[lang].back }).click();
    await fillDetails(page, lang, { ...DECEASED_PERSON, principal_name: 'PARK MINA', principal_address: '大阪府大阪市北区1-1' });
    await screen('result with the form');
    await assertClean(assert, rec);
    await rec.context.close();
  }
});

test('axe: where the requester lives, living abroad, and a passport by post, in both languages', async () => {
  for (const lang of ['en', 'ja']) {
    const where = `/${lang}/alien-registration/disclosure/`;
    const L = lang === 'en'
      ? { own: 'My own record (or that of the person I act for)', self: 'The person the information is about',
        japan: 'In Japan', abroad: 'Abroad, without Japanese nationality, and I am not in Japan now', post: 'By post, with the copies sent back by post',
        copies: 'How many copies do you need?', passport: 'Passport', only: 'I only have a passport' }
      : { own: '自分（または代理する本人）の原票', self: '本人', japan: '日本に住んでいる',
        abroad: '海外に住んでいて、日本国籍はなく、いまは日本にいない', post: '郵送で請求し、写しを郵送で受け取る',
        copies: '写しは何部必要ですか。', passport: '旅券（パスポート）', only: '旅券しかない' };
    for (const path of ['abroad', 'passport']) {
      const rec = await open(browser, server.origin, where);
      const { page } = rec;
      await checkerReady(page);
      const screen = async (name) => axe(page, `${where} checker: ${name}`, { within: CHECKER });
      await answer(page, lang, { choose: L.own });
      await answer(page, lang, { choose: L.self });
      if (path === 'abroad') {
        await screen('where the requester lives');
        await answer(page, lang, { choose: L.abroad });
        await screen('living abroad: the two routes');
      } else {
        await answer(page, lang, { choose: L.japan });
        await answer(page, lang, { choose: L.post });
        await answer(page, lang, { fill: [L.copies, '1'] });
        await answer(page, lang, { choose: L.passport });
        await screen('a second identity document with the address');
        await answer(page, lang, { choose: L.only });
        await screen('a passport alone is refused');
      }
      await assertClean(assert, rec);
      await rec.context.close();
    }
  }
});

test('invalid input on each kind of field: summary takes focus, links to the field, answers kept', async () => {
  const rec = await open(browser, server.origin, '/en/alien-registration/disclosure/');
  const { page } = rec;
  await checkerReady(page);
  const expectError = async (message, fieldId) => {
    await page.waitForFunction(() => document.activeElement?.id === 'checker-error-summary');
    const summary = page.getByRole('alert');
    assert.ok((await summary.innerText()).includes('There is a problem'));
    const link = summary.getByRole('link', { name: message });
    assert.equal(await link.getAttribute('href'), `#${fieldId}`);
    assert.equal(await page.locator(`#${fieldId}`).count(), 1, `${fieldId} exists`);
  };
  // A choice not made.
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectError('Select one option', 'q-whose');
  await answer(page, 'en', { choose: 'My own record (or that of the person I act for)' });
  await answer(page, 'en', { choose: 'The person the information is about' });
  await answer(page, 'en', { choose: 'In Japan' });
  await answer(page, 'en', { choose: 'By post, with the copies sent back by post' });
  // A number that is not one, then out of range.
  await answer(page, 'en', { fill: ['How many copies do you need?', 'two'] });
  await expectError('Enter a whole number', 'q-copies');
  assert.equal(await page.getByRole('textbox', { name: 'How many copies do you need?' }).inputValue(), 'two', 'what was typed is kept');
  await answer(page, 'en', { fill: ['How many copies do you need?', '101'] });
  await expectError('Enter a number from 1 to 100', 'q-copies');
  await answer(page, 'en', { fill: ['How many copies do you need?', '2部'] });
  await answer(page, 'en', { choose: 'Passport' });
  await answer(page, 'en', { choose: "Driver's licence" });
  // A year that cannot be read, an era year its era did not have; then a
  // year as a Japanese keyboard types it (１９９０年) is read.
  await answer(page, 'en', { fill: ['From which year do the records you want start?', 'about then'] });
  await expectError('Could not read “about then” as a year', 'q-from_year');
  await answer(page, 'en', { fill: ['From which year do the records you want start?', '昭和70年'] });
  await expectError('runs from year 1 to year 64', 'q-from_year');
  await answer(page, 'en', { fill: ['From which year do the records you want start?', '１９９０年'] });
  await answer(page, 'en', { choose: 'No, it is the same' });
  // Details: what cannot be read at all (a day that does not exist, Latin
  // letters as a katakana reading, words as a phone number); empty is fine.
  await fillDetails(page, 'en', { ...PERSON, birth_date: '2023-02-30', name_kana: 'kim', phone: 'call me', address: '' });
  await page.waitForFunction(() => document.activeElement?.id === 'checker-error-summary');
  const summary = await page.getByRole('alert').innerText();
  for (const m of ['Enter a real date', 'Write the reading in katakana', 'Enter a telephone number']) {
    assert.ok(summary.includes(m), `summary lacks ${m}: ${summary}`);
  }
  assert.ok(!summary.includes('address'), `an empty field is not an error: ${summary}`);
  assert.equal(await page.getByRole('textbox', { name: /Name as registered in the record \(Latin letters\)/ }).inputValue(), PERSON.name_latin, 'answers kept');
  // Back is the result, whatever the details.
  await page.getByRole('button', { name: 'Back' }).click();
  assert.equal((await page.locator('#checker-heading').textContent()).trim(), 'You can make this request');
  await assertClean(assert, rec);
  await rec.context.close();
});

test('vnu: every HTML file is valid', () => {
  const jar = path.join(path.dirname(require.resolve('vnu-jar')), 'build/dist/vnu.jar');
  let out = '';
  try {
    out = execFileSync('java', ['-jar', jar, '--errors-only', '--skip-non-html', '--format', 'text', SITE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    assert.fail(`vnu found errors:\n${e.stdout}${e.stderr}`);
  }
  assert.equal(out.trim(), '');
});

test('every page carries the strict Content-Security-Policy', () => {
  for (const p of htmlPages()) {
    const file = path.join(SITE, p, p.endsWith('.html') ? '' : 'index.html');
    const html = fs.readFileSync(file, 'utf8');
    const m = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/);
    assert.ok(m, `${p}: no CSP meta`);
    assert.equal(m[1].replaceAll('&#39;', "'"), CSP, `${p}: CSP`);
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), `${p}: inline script`);
    assert.ok(!/\sstyle="/.test(html), `${p}: inline style`);
  }
});

test('privacy: no request at all once the checker is ready, while typing and printing', async () => {
  const rec = await open(browser, server.origin, '/ja/alien-registration/disclosure/');
  const { page } = rec;
  await checkerReady(page);
  await page.waitForLoadState('networkidle');
  const ready = Date.now();
  for (const s of ['自分（または代理する本人）の原票', '本人', '日本に住んでいる', '郵送で請求し、写しを郵送で受け取る']) await answer(page, 'ja', { choose: s });
  await answer(page, 'ja', { fill: ['写しは何部必要ですか。', '1'] });
  await answer(page, 'ja', { choose: '旅券（パスポート）' });
  await answer(page, 'ja', { choose: '運転免許証' });
  await answer(page, 'ja', { fill: ['請求したい記録は何年からのものですか。', '1980'] });
  await answer(page, 'ja', { choose: 'いいえ、同じです' });
  await fillDetails(page, 'ja', PERSON);
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  const after = rec.requests.filter((r) => r.at > ready).map((r) => r.url);
  assert.deepEqual(after, [], 'requests after the checker was ready');
  assert.deepEqual(rec.requests.filter((r) => r.url.includes('?')).map((r) => r.url), [], 'no request ever carries a query');
  assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0, 'answers survive reloads without storage');
  const cookies = await rec.context.cookies();
  assert.deepEqual(cookies, [], 'cookies');
  const storage = await page.evaluate(() => localStorage.length + sessionStorage.length);
  assert.equal(storage, 0, 'web storage used');
  await assertClean(assert, rec);
  await rec.context.close();
});

test('keeping answers: offered from the first screen, nothing stored until asked, restored on return, deleted on request', async () => {
  const url = '/en/alien-registration/disclosure/';
  const rec = await open(browser, server.origin, url);
  const { page } = rec;
  await checkerReady(page);
  const stored = (p) => p.evaluate(() => localStorage.length);
  const heading = async (p) => (await p.locator('#checker-heading').textContent()).trim();
  const keep = page.getByRole('checkbox', { name: 'Keep my answers on this device' });
  assert.equal(await keep.isChecked(), false, 'offered on the first screen, unticked');
  for (const s of ['My own record (or that of the person I act for)', 'The person the information is about', 'In Japan',
    'At the office (viewing or collecting copies comes on a later day)', 'To view the record']) {
    await answer(page, 'en', { choose: s });
  }
  await answer(page, 'en', { choose: 'Passport' });
  await answer(page, 'en', { choose: 'Residence card or special permanent resident certificate' });
  await answer(page, 'en', { fill: ['From which year do the records you want start?', '1980'] });
  await answer(page, 'en', { choose: 'No, it is the same' });
  await fillDetails(page, 'en', PERSON);
  assert.equal(await heading(page), 'You can make this request');
  assert.equal(await stored(page), 0, 'nothing stored before the reader asks');
  await page.getByRole('checkbox', { name: 'Keep my answers on this device' }).check();
  await page.waitForFunction(() => localStorage.length === 1);
  // Coming back later in a new tab: the answers are there, and the reader is told so.
  const later = await rec.context.newPage();
  await later.goto(server.origin + url);
  await checkerReady(later);
  await later.waitForFunction(() => document.querySelector('#checker-heading')?.textContent.includes('You can make this request'));
  assert.ok(await later.getByText('You are continuing with answers kept on this device.').isVisible());
  assert.ok((await later.locator('.checker').innerText()).includes(PERSON.name_latin));
  assert.equal(await later.getByRole('checkbox', { name: 'Keep my answers on this device' }).isChecked(), true);
  // Deleting them: storage is empty and the checker starts again.
  await later.getByRole('button', { name: 'Delete them and start again' }).click();
  await later.waitForFunction(() => localStorage.length === 0);
  assert.equal(await heading(later), 'Whose alien registration record is it?');
  const again = await rec.context.newPage();
  await again.goto(server.origin + url);
  await checkerReady(again);
  assert.equal(await heading(again), 'Whose alien registration record is it?', 'nothing restored after deleting');
  await assertClean(assert, rec);
  await rec.context.close();
});

test('without JavaScript every guidance page reads fully and the blank form is reachable', async () => {
  for (const p of htmlPages().filter((x) => /^\/(ja|en)\//.test(x))) {
    const rec = await open(browser, server.origin, p, { javaScript: false });
    const { page } = rec;
    assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, `${p}: one h1`);
    const text = await page.locator('main').innerText();
    assert.ok(text.length > 80, `${p}: main has text`);
    if (await page.locator('.checker-section').count()) {
      await page.locator('.blank-form > summary').click();
      const form = page.locator('.blank-form .jp-form');
      assert.ok(await form.isVisible(), `${p}: blank form visible`);
      assert.ok((await form.innerText()).includes('出入国在留管理庁長官'), `${p}: the blank form`);
    }
    await rec.context.close();
  }
});
