// The checker as real readers meet it: no Japanese keyboard, early clicks
// on a slow load, reloads, Back after Start again, the way in from the top
// of the page or from the other procedure, a checker that never starts,
// and the language switcher on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serve, launch, open, checkerReady, answer, fillDetails, assertClean, axe, heading, UI,
} from './lib.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const DISCLOSURE = '/en/alien-registration/disclosure/';

/** The English path of the person themself, by post, one copy. */
async function toResult(page, { copies = '1', year = '1975' } = {}) {
  for (const s of ['My own record (or that of the person I act for)', 'The person the information is about', 'In Japan',
    'By post, with the copies sent back by post']) await answer(page, 'en', { choose: s });
  await answer(page, 'en', { fill: ['How many copies do you need?', copies] });
  await answer(page, 'en', { choose: 'Residence card or special permanent resident certificate' });
  await answer(page, 'en', { fill: ['From which year do the records you want start?', year] });
  await answer(page, 'en', { choose: 'No, it is the same' });
}

test('the result, stamps and form come without typing any detail', async () => {
  const rec = await open(browser, server.origin, DISCLOSURE, { date: '2026-11-25' });
  const { page } = rec;
  await checkerReady(page);
  await toResult(page);
  assert.equal(await heading(page), UI.en.eligible);
  const text = await page.locator('.checker').innerText();
  for (const s of ['¥300 × 1 = ¥300', 'Return postage', 'certificate of residence', 'Still to fill in on the form, here or by hand:', 'Enter the name in Latin letters']) {
    assert.ok(text.includes(s), `result lacks ${s}:\n${text}`);
  }
  const form = await page.locator('.checker .jp-form').innerText();
  assert.ok(form.includes('☑本人') && form.includes('300円'), `the form is filled from the answers:\n${form}`);
  assert.equal(await page.locator('.checker input[type=text]').count(), 0, 'no field on the way to the result');
  // The document title names the screen.
  assert.ok((await page.title()).startsWith('You can make this request – '), await page.title());
  await assertClean(assert, rec);
  await rec.context.close();
});

test('without a Japanese keyboard: full-width, hiragana, era dates and English names are read and printed in Japanese', async () => {
  const rec = await open(browser, server.origin, DISCLOSURE, { date: '2026-11-25' });
  const { page } = rec;
  await checkerReady(page);
  // What a Japanese IME types in number fields: full-width digits.
  await toResult(page, { copies: '２', year: '１９７５' });
  assert.equal(await heading(page), UI.en.eligible);
  assert.ok((await page.locator('.checker').innerText()).includes('¥300 × 2 = ¥600'));
  await fillDetails(page, 'en', {
    name_latin: 'ＫＩＭ ＭＩＮＳＵ', name_kana: 'きむ みんす', nationality: 'South Korea', birth_date: '昭和２５年３月４日',
    sex: 'male', postcode: '１６００００４', phone: '０３（１２３４）５６７８', address: '東京都新宿区四谷１－６－１',
  });
  assert.equal(await heading(page), UI.en.eligible);
  const form = await page.locator('.checker .jp-form').innerText();
  for (const s of ['KIM MINSU', 'キム ミンス', '国籍：韓国', '性別：男', '昭和25年3月4日（1950年3月4日）', '〒160-0004', '03-1234-5678', '2部請求']) {
    assert.ok(form.includes(s), `the form lacks ${s}:\n${form}`);
  }
  // Back on the details screen, the canonical forms are shown.
  await page.getByRole('button', { name: UI.en.add }).click();
  assert.equal(await page.locator('#d-name_kana').inputValue(), 'キム ミンス');
  assert.equal(await page.locator('#d-birth_date').inputValue(), '1950-03-04');
  assert.equal(await page.locator('#d-nationality').inputValue(), 'South Korea');
  // Half-width katakana and a nationality not in the list.
  await page.locator('#d-name_kana').fill('ｷﾑ ﾐﾝｽﾞ');
  await page.locator('#d-nationality').fill('Atlantis');
  await page.getByRole('button', { name: UI.en.done }).click();
  const again = await page.locator('.checker .jp-form').innerText();
  assert.ok(again.includes('キム ミンズ') && again.includes('国籍：Atlantis'), again);
  await assertClean(assert, rec);
  await rec.context.close();
});

test('an early click while the checker loads sends nothing and the choice survives', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push({ url: r.url(), navigation: r.isNavigationRequest() }));
  // A slow phone: the wasm arrives 3 s late.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(server.origin + DISCLOSURE, { waitUntil: 'domcontentloaded' });
  const died = page.getByRole('radio', { name: 'The record of someone who has died' });
  await died.check();
  const cont = page.getByRole('button', { name: 'Continue', exact: true });
  assert.ok(await cont.isDisabled(), 'Continue waits for the checker');
  await cont.click({ force: true });
  await died.press('Enter');
  await page.waitForTimeout(500);
  assert.deepEqual(requests.filter((r) => r.navigation).map((r) => r.url), [server.origin + DISCLOSURE], 'no navigation');
  assert.deepEqual(requests.filter((r) => r.url.includes('?')).map((r) => r.url), [], 'no answer in any request');
  assert.equal(new URL(page.url()).search, '');
  release();
  await checkerReady(page);
  assert.ok(await died.isChecked(), 'the choice made while loading survives hydration');
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  assert.equal(await heading(page), 'This is a different procedure');
  await context.close();
});

test('a checker that never starts says so in the reader\'s language and opens the blank form', async () => {
  for (const [lang, message] of [['en', 'The checker could not start'], ['ja', '確認ツールを起動できませんでした']]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route('**/*.wasm', (route) => route.abort());
    await page.goto(`${server.origin}/${lang}/alien-registration/disclosure/`);
    const alert = page.locator('#checker-failed');
    await alert.waitFor({ state: 'visible' });
    assert.ok((await alert.innerText()).includes(message), await alert.innerText());
    assert.ok(await page.locator('.blank-form').evaluate((d) => d.open), 'the blank form is open');
    assert.ok(await page.locator('.blank-form .jp-form').isVisible());
    // Room to write by hand: each line of each box at least 8 mm (30.2 CSS px),
    // and every row, the represented person's too, with the era blanks.
    const short = await page.locator('.blank-form .jp-form-table td').evaluateAll((tds) => tds
      .map((td) => ({ text: td.innerText.slice(0, 30), lines: td.querySelectorAll('br').length + 1, h: td.getBoundingClientRect().height }))
      .filter((r) => r.h < 30.2 * r.lines));
    assert.deepEqual(short, [], 'boxes under 8 mm a line');
    const blank = await page.locator('.blank-form .jp-form').innerText();
    for (const s of ['本人の氏名：', '令和　　年　　月　　日', '生年月日：　　　　年　　月　　日']) assert.ok(blank.includes(s), `blank form lacks ${s}`);
    await axe(page, `${lang}: the failure state`);
    await context.close();
  }
});

test('a reload on the result (or a discarded tab) comes back to it, without storage', async () => {
  const rec = await open(browser, server.origin, DISCLOSURE, { date: '2026-11-25' });
  const { page } = rec;
  await checkerReady(page);
  await toResult(page, { copies: '2' });
  await fillDetails(page, 'en', { name_latin: 'KIM MINSU' });
  await page.reload();
  await checkerReady(page);
  await page.waitForFunction(() => document.querySelector('#checker-heading')?.textContent.includes('You can make this request'));
  const text = await page.locator('.checker').innerText();
  assert.ok(text.includes('¥300 × 2 = ¥600') && text.includes('KIM MINSU'), text);
  assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0, 'nothing stored');
  // Back from there: the details as typed, the result before them, then
  // the last question, answered.
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#checker-heading')?.textContent.includes('Your details'));
  assert.equal(await page.locator('#d-name_latin').inputValue(), 'KIM MINSU');
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#checker-heading')?.textContent.includes('You can make this request'));
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#checker-heading')?.textContent.includes('name'));
  assert.ok(await page.getByRole('radio', { name: 'No, it is the same' }).isChecked());
  await assertClean(assert, rec);
  await rec.context.close();
});

test('Back and Forward after Start again only ever show screens the answers reach', async () => {
  const rec = await open(browser, server.origin, DISCLOSURE, { date: '2026-11-25' });
  const { page } = rec;
  await checkerReady(page);
  await toResult(page);
  await page.getByRole('button', { name: UI.en.restart }).click();
  assert.equal(await heading(page), 'Whose alien registration record is it?');
  const seen = [];
  const look = async (move) => {
    await move();
    await page.waitForTimeout(150);
    const text = await page.locator('.checker').innerText();
    assert.ok(!text.includes('cannot be shown'), `a broken screen after ${seen.join(' → ')}:\n${text}`);
    const h = await page.locator('#checker-heading').count() ? await heading(page) : '';
    assert.ok(h.length > 0, `a screen without a heading after ${seen.join(' → ')}:\n${text}`);
    seen.push(h);
  };
  await look(() => page.goBack());
  assert.equal(seen.at(-1), UI.en.eligible, 'Back after Start again is the result that was there');
  // Through the eight questions back to the first, then all the way forward.
  for (let i = 0; i < 8; i++) await look(() => page.goBack());
  assert.equal(seen.at(-1), 'Whose alien registration record is it?', seen.join(' → '));
  for (let i = 0; i < 9; i++) await look(() => page.goForward());
  assert.equal(seen.at(-1), 'Whose alien registration record is it?', 'the end is Start again');
  assert.equal(new URL(page.url()).pathname, DISCLOSURE, 'stays on the page');
  await assertClean(assert, rec);
  await rec.context.close();
});

test('the start link near the top and the contents lead to the checker; a redirect lands on the other checker', async () => {
  const rec = await open(browser, server.origin, DISCLOSURE, { viewport: { width: 360, height: 740 } });
  const { page } = rec;
  await checkerReady(page);
  const start = page.getByRole('link', { name: UI.en.start });
  const box = await start.boundingBox();
  assert.ok(box && box.y < 740, `the start link is on the first phone screen (y = ${box?.y})`);
  await start.click();
  assert.equal(new URL(page.url()).hash, '#checker');
  const inView = async (p) => p.locator('#checker').evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= -1 && r.top < window.innerHeight;
  });
  assert.ok(await inView(page), 'the checker is on screen');
  if (await page.locator('nav.toc').count()) {
    assert.equal(await page.locator('nav.toc a[href="#checker"]').count(), 1, 'the contents list the checker');
  }
  await answer(page, 'en', { choose: 'The record of someone who has died' });
  await page.getByRole('link', { name: 'Go to that procedure\'s guidance' }).click();
  await page.waitForURL((u) => u.pathname === '/en/alien-registration/deceased/' && u.hash === '#checker');
  await checkerReady(page);
  assert.ok(await inView(page), 'the other procedure\'s checker is on screen');
  assert.equal(await heading(page), 'What was your relationship to the person who died?');
  await assertClean(assert, rec);
  await rec.context.close();
});

test('the language switcher is one line on a phone and opens to every language, by keyboard too', async () => {
  const rec = await open(browser, server.origin, DISCLOSURE, { viewport: { width: 360, height: 740 } });
  const { page } = rec;
  const nav = page.getByRole('navigation', { name: 'Language' });
  const links = nav.getByRole('link');
  assert.equal(await links.first().isVisible(), false, 'the list starts closed');
  // The page, not the language names, fills the first screen.
  const h1 = await page.locator('h1').boundingBox();
  assert.ok(h1 && h1.y < 370, `the heading starts in the upper half of a phone screen (y = ${h1?.y})`);
  const summary = nav.locator('summary');
  assert.match(await summary.innerText(), /English/);
  await summary.focus();
  await page.keyboard.press('Enter');
  assert.equal(await links.count(), 15, 'every language is offered');
  assert.equal(await nav.locator('a[aria-current="page"]').innerText(), 'English');
  await nav.getByRole('link', { name: 'Tiếng Việt' }).click();
  await page.waitForURL((u) => u.pathname === '/vi/alien-registration/disclosure/');
  assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
  await assertClean(assert, rec);
  await rec.context.close();
});
