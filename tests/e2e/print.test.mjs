// Printing the filled form: the PDF a reader's printer would get.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  serve, launch, open, checkerReady, answer, fillDetails, assertClean, UI, PERSON, DECEASED_PERSON,
} from './lib.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function printedPdf(copies) {
  return printPath('ja', '/ja/alien-registration/disclosure/', async (page) => {
    for (const s of ['自分（または代理する本人）の原票', '本人', '日本に住んでいる', '郵送で請求し、写しを郵送で受け取る']) await answer(page, 'ja', { choose: s });
    await answer(page, 'ja', { fill: ['写しは何部必要ですか。', String(copies)] });
    await answer(page, 'ja', { choose: '在留カード・特別永住者証明書' });
    await answer(page, 'ja', { fill: ['請求したい記録は何年からのものですか。', '1975'] });
    await answer(page, 'ja', { choose: 'いいえ、同じです' });
    await fillDetails(page, 'ja', PERSON);
  });
}

/** Walks a path with `steps` and prints the result to a PDF. */
async function printPath(lang, url, steps) {
  const rec = await open(browser, server.origin, url);
  const { page } = rec;
  await checkerReady(page);
  await steps(page);
  assert.equal((await page.locator('#checker-heading').textContent()).trim(), UI[lang].eligible);
  await page.emulateMedia({ media: 'print' });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'madoguchi-pdf-')), 'form.pdf');
  await page.pdf({ path: file, format: 'A4', preferCSSPageSize: true, printBackground: true });
  await assertClean(assert, rec);
  await rec.context.close();
  return file;
}

const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8' });

/** The text of each printed page. */
function pages(file) {
  return run('pdftotext', ['-layout', file, '-']).split('\f').filter((p) => p.trim());
}

/** Layout spacing aside: pdftotext spreads characters to keep columns. */
const squash = (s) => s.replace(/\s+/g, '');
const has = (text, expected) => squash(text).includes(squash(expected));

test('two copies: name, era date, yen amounts and 2部請求 on a one-page A4 form', async () => {
  const file = await printedPdf(2);
  const info = run('pdfinfo', [file]);
  assert.match(info, /Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/, info);
  const printed = pages(file);
  const formPages = printed.filter((p) => p.includes('保有個人情報開示請求書') && p.includes('出入国在留管理庁長官'));
  assert.equal(formPages.length, 1, 'the form is on exactly one page');
  assert.equal(printed.length, 2, 'two sheets: the checklist, then the form');
  const form = formPages[0];
  assert.ok(form.includes('4 本人確認等'), 'the whole form fits that page');
  for (const expected of [PERSON.name_latin, 'キム ミンス', '令和8年', '600円', '2部請求', '☑本人', '☑写しの送付を希望する']) {
    assert.ok(has(form, expected), `the printed form lacks ${expected}:\n${form}`);
  }
  const checklist = printed.filter((p) => p !== form).join('\n');
  assert.ok(has(checklist, '300円 × 2 = 600円'), `checklist page lacks the stamps:\n${checklist}`);
  // Chromium embeds the CJK font's glyphs (as Type 3 fonts for Noto's
  // collection): the fonts are embedded, the text extracts as Japanese, and
  // the machine has a Japanese font for Chromium to embed.
  const fonts = run('pdffonts', [file]).split('\n').slice(2).filter((l) => l.trim());
  assert.ok(fonts.length > 0 && fonts.every((l) => /\byes\b/.test(l)), `fonts not all embedded:\n${fonts.join('\n')}`);
  assert.ok(run('fc-list', [':lang=ja', 'family']).trim().length > 0, 'no Japanese font installed');
});

test('one copy: no 2部請求 on the form', async () => {
  const file = await printedPdf(1);
  const text = pages(file).join('\n');
  assert.ok(has(text, '300円 × 1 = 300円') && !has(text, '2部請求'), text);
});

test('deceased: the English reader prints the Japanese request on one A4 page', async () => {
  const file = await printPath('en', '/en/alien-registration/deceased/', async (page) => {
    await answer(page, 'en', { choose: 'A child, grandchild or other direct descendant' });
    await answer(page, 'en', { choose: 'That relative or spouse personally' });
    await fillDetails(page, 'en', DECEASED_PERSON);
  });
  const info = run('pdfinfo', [file]);
  assert.match(info, /\(A4\)/, info);
  const printed = pages(file);
  const formPages = printed.filter((p) => has(p, '死亡した外国人に係る外国人登録原票の写しの交付請求書'));
  assert.equal(formPages.length, 1, 'the form is on exactly one page');
  assert.equal(printed.length, 2, 'two sheets: the checklist, then the form');
  const form = formPages[0];
  for (const expected of ['PARK JIYEON', 'パク ジヨン', 'PARK SANGHO', '令和8年', '☑直系', '☑本人',
    '死亡年月日：平成31年4月30日（2019年4月30日）', '4 添付書類']) {
    assert.ok(has(form, expected), `the printed form lacks ${expected}:\n${form}`);
  }
  const checklist = printed.filter((p) => p !== form).join('\n');
  assert.ok(has(checklist, 'What to enclose or bring'), `the checklist prints too:\n${checklist}`);
  assert.ok(!has(checklist, 'What each box'), 'the box explanations stay on screen');
});

test('no details at all: the result prints with the form\'s boxes blank to write by hand', async () => {
  const file = await printPath('en', '/en/alien-registration/disclosure/', async (page) => {
    for (const s of ['My own record (or that of the person I act for)', 'The person the information is about', 'In Japan',
      'By post, with the copies sent back by post']) await answer(page, 'en', { choose: s });
    await answer(page, 'en', { fill: ['How many copies do you need?', '1'] });
    await answer(page, 'en', { choose: 'Residence card or special permanent resident certificate' });
    await answer(page, 'en', { fill: ['From which year do the records you want start?', '1975'] });
    await answer(page, 'en', { choose: 'No, it is the same' });
  });
  const printed = pages(file);
  const formPages = printed.filter((p) => has(p, '保有個人情報開示請求書') && has(p, '出入国在留管理庁長官'));
  assert.equal(formPages.length, 1, 'the form is on exactly one page');
  const form = formPages[0];
  assert.ok(form, `no form page:\n${printed.join('\f')}`);
  // The answers are on it; the details are blanks (the date with its
  // 年 月 日 to fill in), nothing invented.
  for (const expected of ['令和8年', '300円', '☑本人', '☑写しの送付を希望する', '期間：1975年から', '生年月日：年月日', '国籍：性別：']) {
    assert.ok(has(form, expected), `the printed form lacks ${expected}:\n${form}`);
  }
  const checklist = printed.filter((p) => p !== form).join('\n');
  assert.ok(has(checklist, '¥300 × 1 = ¥300'), `the checklist prints too:\n${checklist}`);
  assert.ok(!has(checklist, 'Still to fill in on the form'), 'what is still blank stays on screen');
});
