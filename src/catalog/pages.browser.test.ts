/**
 * The catalog pages in real Chromium: axe finds no serious or critical violation in either
 * language, and a publisher creates a dataset and uploads a file with JavaScript turned off.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkip, launchBrowser, startApp, signInThroughForm, open, expectAccessible, JA_BROWSER, BROWSER_PASSWORD, type LiveApp } from '../../test/browser/browser.js';
import { systemActor } from '../core/audit.js';
import { catalogService, systemCaller } from './index.js';
import { importCatalogCsv } from './import.js';
import { seedReferenceData } from './seed.js';

const MEGURO = fileURLToPath(new URL('./fixtures/tokyo-catalog-meguro-metadata.csv', import.meta.url));
const PAGES = [
  '/catalog',
  '/catalog?q=%E4%BA%BA%E5%8F%A3&organization=meguro-ku',
  '/catalog?page=2&sort=modified',
  '/catalog/organizations',
  '/catalog/groups',
  '/organization/meguro-ku',
  '/group/health-welfare',
  '/dataset/t131105d0000000003',
];
const EDITOR_PAGES = ['/dataset/new', '/dataset/t131105d0000000003/edit', '/dataset/t131105d0000000003/resource/new'];

describe('catalog pages in a real browser', { skip: browserSkip }, () => {
  let browser: Browser;
  let live: LiveApp;
  let publisher: { email: string; password: string };

  before(async () => {
    browser = await launchBrowser();
    live = await startApp();
    await seedReferenceData(live.app.kabuto);
    const report = await importCatalogCsv(catalogService(live.app.kabuto), systemCaller('test'), MEGURO);
    assert.equal(report.datasets.created, 47);
    const email = 'browser-meguro@example.jp';
    await live.app.kabuto.auth.createUser(systemActor('test'), { email, role: 'publisher', password: BROWSER_PASSWORD, orgId: '131105' });
    publisher = { email, password: BROWSER_PASSWORD };
  });
  after(async () => {
    await browser?.close();
    await live?.close();
  });

  describe('axe finds no serious or critical violation', () => {
    let context: BrowserContext;
    let page: Page;
    before(async () => {
      context = await browser.newContext(JA_BROWSER);
      page = await context.newPage();
    });
    after(async () => context?.close());

    for (const path of PAGES) {
      for (const lang of ['ja', 'en'] as const) {
        it(`on ${path} (${lang})`, async () => {
          await open(page, `${live.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
          assert.equal(await page.getAttribute('html', 'lang'), lang);
          await expectAccessible(page, `${path} ${lang}`);
        });
      }
    }

    it('on the editor forms, and on a form showing errors', async () => {
      await signInThroughForm(page, live.url, publisher, '/catalog');
      for (const path of EDITOR_PAGES) {
        await open(page, `${live.url}${path}`);
        await expectAccessible(page, path);
      }
      await open(page, `${live.url}/dataset/new`);
      await page.locator('#f-title').fill('x');
      await page.locator('#f-name').fill('Not Valid');
      await Promise.all([page.waitForLoadState('load'), page.locator('form.stack button[type="submit"]').click()]);
      assert.match(await page.locator('.error-summary').innerText(), /URL名|URL name/);
      await expectAccessible(page, '/dataset/new with errors');
    });
  });

  it('lets a publisher create a dataset and upload a CSV with JavaScript turned off', async () => {
    const context = await browser.newContext({ ...JA_BROWSER, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await signInThroughForm(page, live.url, publisher, '/dataset/new');
      await page.locator('#f-title').fill('目黒区の公衆トイレ');
      await page.locator('#f-name').fill('meguro-public-toilets');
      await page.locator('#f-tag_string').fill('トイレ, バリアフリー');
      await page.locator('label', { hasText: '生活' }).first().click();
      await Promise.all([page.waitForURL(/\/dataset\/meguro-public-toilets/), page.locator('form.stack button[type="submit"]').click()]);
      assert.match(await page.locator('h1').innerText(), /目黒区の公衆トイレ/);
      await page.goto(`${live.url}/dataset/meguro-public-toilets/resource/new`);
      await page.locator('#f-name').fill('設置場所');
      await page.locator('#f-upload').setInputFiles({ name: 'toilets.csv', mimeType: 'text/csv', buffer: Buffer.from('名称,住所\n中目黒公園,目黒区中目黒2丁目\n') });
      await Promise.all([page.waitForURL(/\/dataset\/meguro-public-toilets\?saved=1/), page.locator('form.stack button[type="submit"]').click()]);
      const link = page.locator('.resource-links a', { hasText: '設置場所' });
      const href = await link.getAttribute('href');
      assert.match(String(href), /\/download\/toilets\.csv$/);
      const res = await page.request.get(`${live.url}${href}`);
      assert.equal(res.status(), 200);
      assert.match(await res.text(), /中目黒公園/);
    } finally {
      await context.close();
    }
  });
});
