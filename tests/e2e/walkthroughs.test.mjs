// Paths through both procedures, in Japanese and English, as a reader
// clicks them: each asserts the outcome, the stamps, the postage advice and
// the documents shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serve, launch, open, checkerReady, answer, fillDetails, assertClean, UI, PERSON, PRINCIPAL, REPRESENTATIVE,
  DECEASED_PERSON,
} from './lib.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const DISCLOSURE = (lang) => `/${lang}/alien-registration/disclosure/`;
const DECEASED = (lang) => `/${lang}/alien-registration/deceased/`;

const PATHS = [
  {
    name: 'en: the person, by post, 1 copy, records from 1965',
    lang: 'en', url: DISCLOSURE('en'), date: '2026-11-25',
    steps: [
      { choose: 'My own record (or that of the person I act for)' },
      { choose: 'The person the information is about' },
      { choose: 'In Japan' },
      { choose: 'By post, with the copies sent back by post' },
      { fill: ['How many copies do you need?', '1'] },
      { choose: 'Residence card or special permanent resident certificate' },
      { fill: ['From which year do the records you want start?', '1965'] },
      { choose: 'No, it is the same' },
    ],
    details: PERSON,
    heading: 'You can make this request',
    stamps: '¥300 × 1 = ¥300',
    postage: ['Records from 1965 (standard-size letter)', '¥110'],
    documents: ['certificate of residence (住民票の写し)', 'A copy of the front and back of the residence card', 'same address as the certificate of residence'],
    absent: ['2部請求', 'change of name', 'health insurance'],
  },
  {
    name: 'ja: 本人、郵送、2部、旅券と住所のある書類、1959年以前（180円・270円）、氏名変更あり',
    lang: 'ja', url: DISCLOSURE('ja'), date: '2026-11-25',
    steps: [
      { choose: '自分（または代理する本人）の原票' },
      { choose: '本人' },
      { choose: '日本に住んでいる' },
      { choose: '郵送で請求し、写しを郵送で受け取る' },
      { fill: ['写しは何部必要ですか。', '2'] },
      { choose: '旅券（パスポート）' },
      { choose: '運転免許証' },
      { fill: ['請求したい記録は何年からのものですか。', '昭和30年'] },
      { choose: 'はい、違います' },
    ],
    details: { ...PERSON, name_current: 'SUZUKI MINSU' },
    heading: '請求できます',
    stamps: '300円 × 2 = 600円',
    postage: ['1959年以前からの記録', '180円（未確認）', '270円（未確認）', '600円', '430円'],
    documents: ['住民票の写し', '戸籍', '旅券のコピー（顔写真のページ）', '運転免許証の表と裏のコピー'],
    also: ['2部請求', '☑旅券', '☑運転免許証', '期間：1955年から', 'SUZUKI'],
  },
  {
    name: 'en: by post on 2024-09-30, records from 1950: the agency\'s former 140/210 yen, not marked',
    lang: 'en', url: DISCLOSURE('en'), date: '2024-09-30',
    steps: [
      { choose: 'My own record (or that of the person I act for)' },
      { choose: 'The person the information is about' },
      { choose: 'In Japan' },
      { choose: 'By post, with the copies sent back by post' },
      { fill: ['How many copies do you need?', '1'] },
      { choose: 'My Number card' },
      { fill: ['From which year do the records you want start?', '1950'] },
      { choose: 'No, it is the same' },
    ],
    details: PERSON,
    heading: 'You can make this request',
    stamps: '¥300 × 1 = ¥300',
    postage: ['Records starting in 1959 or earlier', '¥140', '¥210', '¥520', '¥370'],
    absent: ['¥180', '¥140 (unconfirmed)', '¥210 (unconfirmed)'],
  },
  {
    name: 'en: a parent of a minor, at the office, 2 copies',
    lang: 'en', url: DISCLOSURE('en'), date: '2026-11-25',
    steps: [
      { choose: 'My own record (or that of the person I act for)' },
      { choose: 'A legal representative (parent with parental authority, or adult guardian)' },
      { choose: 'A minor' },
      { choose: 'No, I have no family register (foreign national)' },
      { choose: 'In Japan' },
      { choose: 'At the office (viewing or collecting copies comes on a later day)' },
      { choose: 'To receive copies' },
      { fill: ['How many copies do you need?', '2'] },
      { choose: "Driver's licence" },
      { fill: ['From which year do the records you want start?', '1990'] },
      { choose: 'No, it is the same' },
    ],
    details: { ...PRINCIPAL, ...REPRESENTATIVE },
    heading: 'You can make this request',
    stamps: '¥300 × 2 = ¥600',
    postage: null,
    documents: ['parent–child relationship (続柄)', 'A photocopy is refused', 'The original driver\'s licence'],
    also: ['☑その他', '（その他の書類）親子の続柄が記載された住民票の写し'],
    absent: ['Return postage', '☑戸籍謄本'],
  },
  {
    name: 'ja: 成年後見人、窓口で閲覧',
    lang: 'ja', url: DISCLOSURE('ja'), date: '2026-11-25',
    steps: [
      { choose: '自分（または代理する本人）の原票' },
      { choose: '法定代理人（親権者・成年後見人）' },
      { choose: '成年被後見人' },
      { choose: '日本に住んでいる' },
      { choose: '窓口で請求する（閲覧・写しの受け取りは後日）' },
      { choose: '閲覧' },
      { choose: '個人番号カード（マイナンバーカード）' },
      { fill: ['請求したい記録は何年からのものですか。', '1980'] },
      { choose: 'いいえ、同じです' },
    ],
    details: { ...PRINCIPAL, ...REPRESENTATIVE },
    heading: '請求できます',
    stamps: '300円 × 1 = 300円',
    postage: null,
    documents: ['登記事項証明書'],
  },
  {
    name: 'en: a voluntary agent today, by post, 3 copies, records from 1960: the agency\'s form, 30 days, original, one more document',
    lang: 'en', url: DISCLOSURE('en'), date: '2026-11-25',
    steps: [
      { choose: 'My own record (or that of the person I act for)' },
      { choose: 'A voluntary agent with a power of attorney' },
      { choose: 'In Japan' },
      { choose: 'By post, with the copies sent back by post' },
      { fill: ['How many copies do you need?', '3'] },
      { choose: 'My Number card' },
      { fill: ['From which year do the records you want start?', '1960'] },
      { choose: 'No, it is the same' },
    ],
    details: { ...PRINCIPAL, ...REPRESENTATIVE },
    heading: 'You can make this request',
    stamps: '¥300 × 3 = ¥900',
    postage: ['¥110'],
    documents: [
      'The original power of attorney (委任状) on the agency\'s own form, made by the person within the last 30 days',
      'seal-registration certificate (印鑑登録証明書)',
      'a copy of the person\'s own identity document (unconfirmed)',
    ],
    also: ['The power of attorney form', 'https://www.moj.go.jp/isa/publications/privacy/identification.html'],
  },
  {
    name: 'en: a voluntary agent on 2022-03-31 is refused (dated rule)',
    lang: 'en', url: DISCLOSURE('en'), date: '2022-03-31',
    steps: [
      { choose: 'My own record (or that of the person I act for)' },
      { choose: 'A voluntary agent with a power of attorney' },
    ],
    heading: 'You cannot make this request this way',
  },
  {
    name: 'en: a friend without power of attorney is refused',
    lang: 'en', url: DISCLOSURE('en'), date: '2026-11-25',
    steps: [
      { choose: 'My own record (or that of the person I act for)' },
      { choose: 'Someone else (a relative or friend without a power of attorney)' },
    ],
    heading: 'You cannot make this request this way',
  },
  {
    name: 'ja: 未成年者でも成年被後見人でもない本人の法定代理人は不可',
    lang: 'ja', url: DISCLOSURE('ja'), date: '2026-11-25',
    steps: [
      { choose: '自分（または代理する本人）の原票' },
      { choose: '法定代理人（親権者・成年後見人）' },
      { choose: 'どちらでもない' },
    ],
    heading: 'この方法では請求できません',
  },
  {
    name: 'en: a deceased person\'s record goes to the other procedure',
    lang: 'en', url: DISCLOSURE('en'), date: '2026-11-25',
    steps: [{ choose: 'The record of someone who has died' }],
    heading: 'This is a different procedure',
    link: ['Go to that procedure\'s guidance', '/en/alien-registration/deceased/#checker'],
  },
  {
    name: 'en: someone else\'s record with my information, records from 2012',
    lang: 'en', url: DISCLOSURE('en'), date: '2026-11-25',
    steps: [
      { choose: 'A living person\'s record that contains information about me' },
      { choose: 'The person the information is about' },
      { choose: 'In Japan' },
      { choose: 'By post, with the copies sent back by post' },
      { fill: ['How many copies do you need?', '1'] },
      { choose: 'Passport' },
      { choose: "Driver's licence" },
      { fill: ['From which year do the records you want start?', '2012'] },
      { choose: 'No, it is the same' },
    ],
    details: PERSON,
    heading: 'You can make this request',
    stamps: '¥300 × 1 = ¥300',
    postage: ['¥110'],
    documents: ['certificate of residence', 'A copy of the passport (the photo page)', 'A copy of the front and back of the driver\'s licence'],
  },
  {
    name: 'en: living abroad and not in Japan: no checklist, the two routes',
    lang: 'en', url: DISCLOSURE('en'), date: '2026-11-26',
    steps: [
      { choose: 'My own record (or that of the person I act for)' },
      { choose: 'The person the information is about' },
      { choose: 'Abroad, without Japanese nationality, and I am not in Japan now' },
    ],
    heading: 'You cannot make this request this way',
    also: [
      'does not describe a postal request from an address abroad',
      'during a stay in Japan, using a hotel certificate of stay (宿泊証明書)',
      'so that they request as your voluntary agent',
    ],
  },
  {
    name: 'ja: 海外在住で一時帰国中、郵送：住民票の写しの代わりに宿泊証明書',
    lang: 'ja', url: DISCLOSURE('ja'), date: '2026-11-26',
    steps: [
      { choose: '自分（または代理する本人）の原票' },
      { choose: '本人' },
      { choose: '海外に住んでいて、いまは日本に滞在している（一時帰国など）' },
      { choose: '郵送で請求し、写しを郵送で受け取る' },
      { fill: ['写しは何部必要ですか。', '1'] },
      { choose: 'その他' },
      { fill: ['請求したい記録は何年からのものですか。', '1990'] },
      { choose: 'いいえ、同じです' },
    ],
    details: PERSON,
    heading: '請求できます',
    stamps: '300円 × 1 = 300円',
    postage: ['110円'],
    documents: ['宿泊証明書の原本'],
    also: ['日本に滞在中の請求', '希望に添えないこともあります'],
    absent: ['住民票の写しの原本'],
  },
  {
    name: 'en: a passport alone is refused, with the reason, and the counter is not offered as a cure',
    lang: 'en', url: DISCLOSURE('en'), date: '2026-11-26',
    steps: [
      { choose: 'My own record (or that of the person I act for)' },
      { choose: 'The person the information is about' },
      { choose: 'In Japan' },
      { choose: 'By post, with the copies sent back by post' },
      { fill: ['How many copies do you need?', '1'] },
      { choose: 'Passport' },
      { choose: 'I only have a passport' },
    ],
    heading: 'You cannot make this request this way',
    also: ['A passport shows no address', 'At the office and by post alike', 'ask the Immigration Services Agency before you apply'],
    absent: ['make the request at the office'],
  },
  {
    name: 'en: at the office: nothing is shown or handed over on the day',
    lang: 'en', url: DISCLOSURE('en'), date: '2026-11-26',
    steps: [
      { choose: 'My own record (or that of the person I act for)' },
      { choose: 'The person the information is about' },
      { choose: 'In Japan' },
      { choose: 'At the office (viewing or collecting copies comes on a later day)' },
      { choose: 'To view the record' },
      { choose: 'Residence card or special permanent resident certificate' },
      { fill: ['From which year do the records you want start?', '1980'] },
      { choose: 'No, it is the same' },
    ],
    details: PERSON,
    heading: 'You can make this request',
    stamps: '¥300 × 1 = ¥300',
    postage: null,
    documents: ['The original residence card or special permanent resident certificate (shown at the counter'],
    also: ['Nothing is disclosed on the day', 'Do not travel expecting to see the record that day', 'Hours (counter and telephone)'],
    absent: ['Return postage', 'Letter Pack'],
  },
  {
    name: 'ja: 死亡：子が郵送で請求、住民票の写し等を同封、収入印紙の記載なし',
    lang: 'ja', url: DECEASED('ja'), date: '2026-11-26',
    steps: [
      { choose: '直系卑属（子・孫など）' },
      { choose: '上記の親族・配偶者ご本人' },
    ],
    details: DECEASED_PERSON,
    heading: '請求できます',
    postage: ['110円'],
    documents: ['請求する方の住民票の写し等（写しは、この書類に書かれた住所に送られます）', '返送先は、住民票の写し等に書かれた住所', '死亡届の記載事項証明書'],
    also: ['同封するものの一覧に収入印紙はありません）（未確認）', '☑住民票の写し等', '☑死亡の事実'],
    absent: ['レターパック', '死亡証明書'],
  },
  {
    name: 'en: deceased: a legal representative of an adult relative is refused',
    lang: 'en', url: DECEASED('en'), date: '2026-11-26',
    steps: [
      { choose: 'A child, grandchild or other direct descendant' },
      { choose: 'Their legal representative (if they are a minor or an adult ward)' },
      { choose: 'Neither' },
    ],
    heading: 'You cannot make this request this way',
    also: ['only for a relative or spouse who is a minor or an adult ward'],
  },
  {
    name: 'en: deceased: the spouse personally',
    lang: 'en', url: DECEASED('en'), date: '2026-11-25',
    steps: [
      { choose: 'Their spouse at the time of death (including a de-facto spouse)' },
      { choose: 'That relative or spouse personally' },
    ],
    details: DECEASED_PERSON,
    heading: 'You can make this request',
    documents: ['death'],
    also: ['死亡した外国人に係る外国人登録原票の写しの交付請求書', '☑配偶者', 'PARK SANGHO', '平成31年4月30日'],
  },
  {
    name: 'ja: 死亡：兄弟姉妹の任意代理人',
    lang: 'ja', url: DECEASED('ja'), date: '2026-11-25',
    steps: [
      { choose: '兄弟姉妹' },
      { choose: 'その方の任意代理人（委任状による代理人）' },
    ],
    details: { ...DECEASED_PERSON, principal_name: 'PARK MINA', principal_address: '大阪府大阪市北区1-1' },
    heading: '請求できます',
    documents: ['委任状'],
    also: ['☑兄弟姉妹', '☑任意代理人', '代理される方の氏名：PARK MINA'],
  },
  {
    name: 'en: deceased: my own information goes to disclosure',
    lang: 'en', url: DECEASED('en'), date: '2026-11-25',
    steps: [{ choose: 'None of these, but my own information is in the record' }],
    heading: 'This is a different procedure',
    link: ['Go to that procedure\'s guidance', '/en/alien-registration/disclosure/#checker'],
  },
  {
    name: 'ja: 死亡：上記以外は不可',
    lang: 'ja', url: DECEASED('ja'), date: '2026-11-25',
    steps: [{ choose: '上記以外' }],
    heading: 'この方法では請求できません',
  },
];

for (const p of PATHS) {
  test(p.name, async () => {
    const rec = await openAt(p);
    const { page } = rec;
    for (const step of p.steps) await answer(page, p.lang, step);
    if (p.details) {
      // The result comes first; the details are the reader's choice.
      assert.equal((await page.locator('#checker-heading').textContent()).trim(), p.heading, `${p.url}: result before details`);
      await fillDetails(page, p.lang, p.details);
    }
    const heading = page.locator('#checker-heading');
    assert.equal((await heading.textContent()).trim(), p.heading, `${p.url}: outcome`);
    const text = await page.locator('.checker').innerText();
    if (p.stamps) assert.ok(text.includes(p.stamps), `${p.url}: stamps ${p.stamps} in:\n${text}`);
    for (const s of p.postage ?? []) assert.ok(text.includes(s), `${p.url}: postage ${s} in:\n${text}`);
    for (const s of p.documents ?? []) assert.ok(text.includes(s), `${p.url}: document ${s} in:\n${text}`);
    for (const s of p.also ?? []) assert.ok(text.includes(s), `${p.url}: ${s} in:\n${text}`);
    for (const s of p.absent ?? []) assert.ok(!text.includes(s), `${p.url}: ${s} should not show`);
    if (p.link) {
      const href = await page.getByRole('link', { name: p.link[0] }).getAttribute('href');
      const target = new URL(href, page.url());
      assert.equal(target.pathname + target.hash, p.link[1]);
    }
    await assertClean(assert, rec);
    await rec.context.close();
  });
}

async function openAt(p) {
  const rec = await open(browser, server.origin, p.url, { date: p.date });
  await checkerReady(rec.page);
  return rec;
}

test('keyboard alone: Tab, Space and Enter through a whole path', async () => {
  const rec = await open(browser, server.origin, DECEASED('en'));
  const { page } = rec;
  await checkerReady(page);
  const tabTo = async (predicate, what, arg) => {
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(predicate, arg)) return;
    }
    assert.fail(`could not reach ${what} with Tab`);
  };
  await tabTo(() => document.activeElement?.type === 'radio', 'the first option');
  await page.keyboard.press('ArrowDown'); // second option: the spouse
  await page.keyboard.press('Space');
  await tabTo(() => document.activeElement?.type === 'submit', 'Continue');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'checker-heading');
  assert.equal((await page.locator('#checker-heading').textContent()).trim(), 'Who is making the request?');
  await tabTo(() => document.activeElement?.type === 'radio', 'the first option');
  await page.keyboard.press('Space');
  await tabTo(() => document.activeElement?.type === 'submit', 'Continue');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'checker-heading');
  assert.equal((await page.locator('#checker-heading').textContent()).trim(), 'You can make this request');
  await tabTo(() => document.activeElement?.textContent === 'Add your details to the form (optional)', 'Add your details');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'checker-heading');
  assert.equal((await page.locator('#checker-heading').textContent()).trim(), 'Your details on the form');
  // Each detail by Tab and typing, then Enter submits the form.
  for (const [field, value] of Object.entries(DECEASED_PERSON)) {
    await tabTo((id) => document.activeElement?.id === id, `#d-${field}`, `d-${field}`);
    await page.keyboard.type(value);
  }
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'checker-heading');
  assert.equal((await page.locator('#checker-heading').textContent()).trim(), 'You can make this request');
  assert.ok((await page.locator('.checker .jp-form').innerText()).includes('PARK SANGHO'));
  await assertClean(assert, rec);
  await rec.context.close();
});

test('browser Back and Forward move between steps and keep answers', async () => {
  const rec = await open(browser, server.origin, DISCLOSURE('en'));
  const { page } = rec;
  await checkerReady(page);
  // Back and Forward fire popstate; the app renders the screen right after
  // it, so wait for the heading to change (up to 5 s) before comparing.
  let last = '';
  const heading = async () => {
    await page.waitForFunction(
      (before) => document.querySelector('#checker-heading')?.textContent.trim() !== before,
      last, { timeout: 5000 },
    ).catch(() => {});
    last = (await page.locator('#checker-heading').textContent()).trim();
    return last;
  };
  await answer(page, 'en', { choose: 'My own record (or that of the person I act for)' });
  await answer(page, 'en', { choose: 'The person the information is about' });
  assert.equal(await heading(), 'Where does the person making the request live?');
  await page.goBack();
  assert.equal(await heading(), 'Who is making the request?');
  await page.goBack();
  assert.equal(await heading(), 'Whose alien registration record is it?');
  assert.ok(await page.getByRole('radio', { name: 'My own record (or that of the person I act for)' }).isChecked());
  await page.goForward();
  assert.equal(await heading(), 'Who is making the request?');
  assert.ok(await page.getByRole('radio', { name: 'The person the information is about' }).isChecked());
  assert.equal(new URL(page.url()).pathname, DISCLOSURE('en'), 'stays on the page');
  await assertClean(assert, rec);
  await rec.context.close();
});
