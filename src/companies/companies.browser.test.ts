/**
 * The companies pages in real Chromium: axe finds no serious or critical violation on the list,
 * the detail page (with contacts and history), the forms (blank, with errors, with the near-duplicate
 * question) and the merge preview, in both languages; and staff can register a company with
 * JavaScript disabled.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkip, launchBrowser, startApp, createUser, signInThroughForm, open, expectAccessible, JA_BROWSER, type LiveApp } from '../../test/browser/browser.js';
import { systemActor } from '../core/audit.js';
import { companiesService } from './index.js';

const LANGS = ['ja', 'en'] as const;

describe('companies pages in a real browser', { skip: browserSkip }, () => {
  let browser: Browser;
  let live: LiveApp;
  // axe runs as a script in the page; the no-JavaScript flow has a context of its own.
  let context: BrowserContext;
  let page: Page;
  let noJs: BrowserContext;
  let noJsPage: Page;
  let ids: { a: number; b: number };

  before(async () => {
    browser = await launchBrowser();
    live = await startApp();
    const svc = companiesService(live.app.kabuto);
    const actor = systemActor('test');
    const a = (await svc.create(actor, { corporateNumber: '7000012050002', nameJa: '国税庁', nameEn: 'National Tax Agency', kana: 'コクゼイチョウ', country: 'JP', addressJa: '東京都千代田区霞が関3-1-1', jsicMajor: 'S', employees: 56000 })).company;
    const b = (await svc.create(actor, { nameEn: 'Nordic Capital Partners AB', country: 'SE', jsicDivision: '65', website: 'https://example.se' })).company;
    await svc.addContact(actor, a.id, { name: '広報 太郎', email: 'koho@example.jp', phone: '03-1234-5678', role: '広報' });
    await svc.update(actor, a.id, { summary: '国税の賦課徴収' });
    ids = { a: a.id, b: b.id };
    const staff = await createUser(live.app, 'staff');
    context = await browser.newContext(JA_BROWSER);
    page = await context.newPage();
    await signInThroughForm(page, live.url, staff);
    noJs = await browser.newContext({ ...JA_BROWSER, javaScriptEnabled: false });
    noJsPage = await noJs.newPage();
    await signInThroughForm(noJsPage, live.url, staff);
  });
  after(async () => {
    await context?.close();
    await noJs?.close();
    await browser?.close();
    await live?.close();
  });

  for (const lang of LANGS) {
    it(`list, detail, forms and merge preview are accessible (${lang})`, async () => {
      for (const path of ['/companies', `/companies?q=${encodeURIComponent('国税')}`, `/companies/${ids.a}`, `/companies/${ids.b}`, '/companies/new', `/companies/${ids.a}/edit`, `/companies/${ids.a}/merge`, `/companies/${ids.a}/merge?from=${ids.b}`]) {
        const sep = path.includes('?') ? '&' : '?';
        await open(page, `${live.url}${path}${sep}lang=${lang}`);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        await expectAccessible(page, `${path} (${lang})`);
      }
    });
  }

  /** Fill the new-company form and submit it; `confirm` ticks the near-duplicate box first. */
  async function submitNew(p: Page, fields: Record<string, string>, confirm = false): Promise<void> {
    for (const [id, value] of Object.entries(fields)) await p.locator(`#f-${id}`).fill(value);
    if (confirm) await p.locator('#f-confirmDuplicate').check();
    await Promise.all([p.waitForLoadState('load'), p.waitForEvent('framenavigated'), p.locator('form.company-form button[type="submit"]').click()]);
  }

  it('the form with errors and with the near-duplicate question is accessible', async () => {
    await open(page, `${live.url}/companies/new?lang=en`);
    await submitNew(page, { nameJa: '国税庁', corporateNumber: '1234567890123', employees: 'many' });
    assert.match(await page.locator('.error-summary').innerText(), /corporate number/);
    await expectAccessible(page, 'the form with errors');
    await submitNew(page, { corporateNumber: '', employees: '12' });
    assert.match(await page.locator('.near-duplicates').innerText(), /National Tax Agency/);
    await expectAccessible(page, 'the form asking about a near duplicate');
  });

  it('registers a company through the form without JavaScript: errors first, then the near-duplicate question, then the page', async () => {
    const p = noJsPage;
    await open(p, `${live.url}/companies/new?lang=ja`);
    await submitNew(p, { nameJa: '国税庁', corporateNumber: '1234567890123', employees: 'たくさん' });
    assert.match(await p.locator('.error-summary').innerText(), /法人番号/);
    await submitNew(p, { corporateNumber: '', employees: '12' });
    assert.match(await p.locator('.near-duplicates').innerText(), /国税庁/);
    await submitNew(p, {}, true);
    assert.match(p.url(), /\/companies\/\d+\?done=created-near/);
    assert.match(await p.locator('h1').innerText(), /国税庁/);
    assert.match(await p.locator('.notice').innerText(), /名称の似た企業が 1件あります/);
  });
});
