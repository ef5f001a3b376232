import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp, LANG_COOKIE } from '../../src/app.js';
import { testConfig } from '../../src/core/config.js';
import { allCatalogs, ENGLISH_ALLOW_LIST, JAPANESE_SCRIPT, LANGS, langFromAcceptLanguage, translator, type Lang } from '../../src/core/i18n/index.js';
import { DIALECTS, skipFor, testApp, loginAs, type TestApp } from '../helpers.js';
import { visibleText } from './support.js';

type Catalogs = Record<Lang, ReadonlyMap<string, string>>;

/** Everything wrong with a pair of catalogs: missing or empty keys, untranslated English. */
function catalogProblems(c: Catalogs): string[] {
  const problems: string[] = [];
  const keys = new Set([...c.ja.keys(), ...c.en.keys()]);
  for (const key of [...keys].sort()) {
    for (const lang of LANGS) {
      const v = c[lang].get(key);
      if (v === undefined) problems.push(`${key}: missing in ${lang}`);
      else if (v.trim() === '') problems.push(`${key}: empty in ${lang}`);
    }
    const en = c.en.get(key);
    if (en !== undefined) {
      const stripped = ENGLISH_ALLOW_LIST.reduce((s, name) => s.split(name).join(''), en);
      if (JAPANESE_SCRIPT.test(stripped)) problems.push(`${key}: English still contains Japanese script: ${JSON.stringify(en)}`);
    }
  }
  return problems;
}

describe('message catalogs', () => {
  let closeApp: () => Promise<void>;
  before(async () => {
    // Build the whole app once so every module has registered its messages.
    const app = await buildApp(testConfig());
    await app.ready();
    closeApp = () => app.close();
  });
  after(async () => closeApp?.());

  it('has every key in both languages, none empty, and no Japanese script left in English', () => {
    const c = allCatalogs();
    assert.ok(c.ja.size > 50, `the core and module catalogs are registered (${c.ja.size} keys)`);
    assert.ok(c.ja.has('layout.skip') && c.ja.has('plan.title'), 'core and module keys are both there');
    assert.deepEqual(catalogProblems(c), []);
  });

  it('catches a missing key, an empty string and Japanese in English (the check itself works)', () => {
    const bad: Catalogs = {
      ja: new Map([
        ['a.only-ja', 'あ'],
        ['a.empty', '空'],
        ['a.kana', '名前'],
        ['a.allowed', '日本語'],
      ]),
      en: new Map([
        ['a.only-en', 'x'],
        ['a.empty', '  '],
        ['a.kana', 'Name (名前)'],
        ['a.allowed', '日本語'],
      ]),
    };
    const p = catalogProblems(bad);
    assert.ok(p.includes('a.only-ja: missing in en'));
    assert.ok(p.includes('a.only-en: missing in ja'));
    assert.ok(p.includes('a.empty: empty in en'));
    assert.ok(p.some((x) => x.startsWith('a.kana: English still contains Japanese')));
    assert.ok(!p.some((x) => x.startsWith('a.allowed')), 'an allow-listed proper name is fine');
  });

  it('treats half-width katakana and kanji as Japanese script, Latin and full-width punctuation not', () => {
    assert.ok(JAPANESE_SCRIPT.test('ｶﾌﾞﾄ'));
    assert.ok(JAPANESE_SCRIPT.test('兜'));
    assert.ok(JAPANESE_SCRIPT.test('かぶと'));
    assert.ok(!JAPANESE_SCRIPT.test('Kabuto — FY2020 ¥426,000'));
  });

  it('fills placeholders and falls back to the key only when no language has it', () => {
    const en = translator('en');
    assert.equal(en('layout.signedInAs', { name: 'Hanako', role: 'staff' }), 'Signed in as Hanako (staff)');
    assert.equal(en('no.such.key'), 'no.such.key');
  });
});

describe('Accept-Language', () => {
  const cases: Array<[string | undefined, Lang | undefined]> = [
    [undefined, undefined],
    ['', undefined],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['EN-gb', 'en'],
    ['ja', 'ja'],
    ['ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7', 'ja'],
    ['en;q=0.5, ja;q=0.9', 'ja'],
    ['ja;q=0.5, en;q=0.9', 'en'],
    ['fr-FR, de;q=0.8', undefined],
    ['fr-FR, en;q=0.1', 'en'],
    ['en;q=0, ja;q=0.1', 'ja'],
    ['en;q=0', undefined],
    ['*', undefined],
    ['zh-TW, en-GB;q=0.8, ja;q=0.8', 'en'],
  ];
  for (const [header, want] of cases) {
    it(`reads ${JSON.stringify(header)} as ${want ?? 'no preference'}`, () => assert.equal(langFromAcceptLanguage(header), want));
  }
});

for (const dialect of DIALECTS) {
  describe(`language on pages [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    /** Keys looked up but found in no catalog (the translator then shows the key itself). */
    const missing = new Set<string>();
    before(async () => {
      t = await testApp(dialect, { config: { seedPlan: true } });
      // The translator falls back to the Japanese catalog for any key the reader's language lacks,
      // so every unknown key passes through this lookup.
      const ja = allCatalogs().ja as Map<string, string>;
      const get = ja.get.bind(ja);
      ja.get = (key: string) => {
        const v = get(key);
        if (v === undefined) missing.add(key);
        return v;
      };
    });
    after(async () => t?.close());

    const htmlLang = (html: string) => /<html[^>]*\blang="([^"]+)"/.exec(html)?.[1];

    it('serves Japanese by default, with <html lang="ja">, a skip link to the main content and a switch to English', async () => {
      const res = await t.app.inject({ url: '/' });
      assert.equal(res.statusCode, 200);
      assert.equal(htmlLang(res.body), 'ja');
      const skip = /<a[^>]*class="skip-link"[^>]*href="#main"[^>]*>([^<]+)<\/a>/.exec(res.body);
      assert.ok(skip, 'a skip link');
      assert.equal(skip[1], '本文へ移動');
      assert.ok(res.body.indexOf('skip-link') < res.body.indexOf('<header'), 'the skip link comes first');
      assert.match(res.body, /<main[^>]*id="main"/);
      const sw = /<a[^>]*class="lang-switch"[^>]*>([^<]+)<\/a>/.exec(res.body);
      assert.ok(sw, 'a language switch');
      assert.match(sw[0], /href="\/\?lang=en"/);
      assert.match(sw[0], /hreflang="en"/i);
      assert.match(sw[0], /lang="en"/);
      assert.equal(sw[1], 'English');
    });

    it('switches to English with ?lang=en and remembers it in a cookie', async () => {
      const res = await t.app.inject({ url: '/login?lang=en' });
      assert.equal(htmlLang(res.body), 'en');
      const cookie = res.cookies.find((c) => c.name === LANG_COOKIE);
      assert.equal(cookie?.value, 'en');
      assert.equal(cookie?.path, '/');
      assert.ok((cookie?.maxAge ?? 0) > 30 * 86400, 'remembered for a long time');
      const sw = /<a[^>]*class="lang-switch"[^>]*>([^<]+)<\/a>/.exec(res.body);
      assert.match(sw![0], /href="\/login\?lang=ja"/, 'the switch keeps the page and offers Japanese');
      assert.equal(sw![1], '日本語');

      const next = await t.app.inject({ url: '/', headers: { cookie: `${LANG_COOKIE}=en`, 'accept-language': 'ja' } });
      assert.equal(htmlLang(next.body), 'en', 'the cookie wins over Accept-Language');
      assert.ok(visibleText(next.body).includes('Skip to main content'));
      const back = await t.app.inject({ url: '/?lang=ja', headers: { cookie: `${LANG_COOKIE}=en` } });
      assert.equal(htmlLang(back.body), 'ja');
      assert.equal(back.cookies.find((c) => c.name === LANG_COOKIE)?.value, 'ja');
    });

    it('keeps the other query parameters in the language switch', async () => {
      const res = await t.app.inject({ url: '/login?next=%2Faccount' });
      assert.match(res.body, /class="lang-switch"[^>]*href="\/login\?next=%2Faccount&amp;lang=en"|href="\/login\?next=%2Faccount&amp;lang=en"[^>]*class="lang-switch"/);
    });

    it('ignores an unknown ?lang and an unknown cookie value', async () => {
      const res = await t.app.inject({ url: '/?lang=xx', headers: { cookie: `${LANG_COOKIE}=fr` } });
      assert.equal(htmlLang(res.body), 'ja');
      assert.equal(res.cookies.find((c) => c.name === LANG_COOKIE), undefined);
    });

    it('follows Accept-Language when there is no cookie', async () => {
      assert.equal(htmlLang((await t.app.inject({ url: '/', headers: { 'accept-language': 'en-GB,en;q=0.9' } })).body), 'en');
      assert.equal(htmlLang((await t.app.inject({ url: '/', headers: { 'accept-language': 'fr, ja;q=0.5, en;q=0.4' } })).body), 'ja');
    });

    it('looks up only message keys that exist, on every page of every module, in both languages', async () => {
      const admin = await loginAs(t.app, 'admin');
      const pages = t.app.routeInfo
        .filter((r) => r.method === 'GET' && !/[:*]/.test(r.url) && !r.url.startsWith('/api') && !r.url.startsWith('/assets'))
        .map((r) => r.url);
      assert.ok(pages.includes('/') && pages.includes('/admin') && pages.includes('/plan'), `pages: ${pages.join(' ')}`);
      translator('en')('test.never-registered');
      assert.ok(missing.has('test.never-registered'), 'the recorder sees an unknown key');
      missing.clear();
      let html = 0;
      for (const url of pages) {
        for (const lang of LANGS) {
          for (const cookie of [admin.cookie, undefined]) {
            const res = await t.app.inject({ url: `${url}?lang=${lang}`, headers: cookie ? { cookie } : {} });
            assert.ok(res.statusCode < 500, `${url} (${lang}) answered ${res.statusCode}`);
            if (String(res.headers['content-type']).startsWith('text/html')) html++;
          }
        }
      }
      assert.ok(html > 10, `${html} pages rendered`);
      assert.deepEqual([...missing].sort(), [], 'message keys used by a page but registered in no catalog');
    });

    it('shows no Japanese on English pages and no raw message keys on either, for every core page', async () => {
      const admin = await loginAs(t.app, 'admin');
      // [url, signed in as admin?]: the login form is only shown to someone signed out.
      const pages: Array<[string, boolean]> = [
        ['/', false],
        ['/', true],
        ['/login', false],
        ['/account', true],
        ['/admin', true],
        ['/admin/tokens', true],
        ['/admin/audit', true],
        ['/no-such-page', false],
      ];
      const keyLike = /(?:^|\s)(?:site|layout|nav|role|home|login|account|admin|error|form|pager)\.[A-Za-z.]+(?=\s|$)/;
      for (const [url, signedIn] of pages) {
        for (const lang of LANGS) {
          const res = await t.app.inject({ url: `${url}?lang=${lang}`, headers: signedIn ? { cookie: admin.cookie } : {} });
          assert.match(String(res.headers['content-type']), /^text\/html/, url);
          assert.equal(htmlLang(res.body), lang, `${url} in ${lang}`);
          const text = visibleText(res.body);
          assert.ok(!keyLike.test(text), `${url} (${lang}) shows a message key: ${keyLike.exec(text)?.[0]}`);
          if (lang === 'en') {
            const stripped = ENGLISH_ALLOW_LIST.reduce((s, name) => s.split(name).join(''), text);
            const m = new RegExp(`.{0,30}${JAPANESE_SCRIPT.source}.{0,30}`).exec(stripped);
            assert.equal(m, null, `${url} in English shows Japanese: ${m?.[0]}`);
          }
          assert.ok(res.body.includes('class="lang-switch"'), `${url} (${lang}) has the language switch`);
          assert.ok(res.body.includes('href="#main"'), `${url} (${lang}) has the skip link`);
        }
      }
    });
  });
}
