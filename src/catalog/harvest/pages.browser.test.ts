/**
 * The harvest pages in real Chromium: axe finds no serious or critical violation in either language
 * on the list of sources, a source with its runs, a run's report (with a failed record, so the
 * report table is drawn), the add and edit forms (also showing errors), and a harvested dataset's
 * page with its "harvested from" block; staff add a source with JavaScript turned off.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkip, launchBrowser, startApp, signInThroughForm, open, expectAccessible, createUser, JA_BROWSER, type LiveApp } from '../../../test/browser/browser.js';
import { seedReferenceData } from '../seed.js';
import { FakeCkan, ckanPackage } from './testing.js';
import { harvestStore } from './store.js';
import { runHarvest } from './runner.js';

describe('harvest pages in a real browser', { skip: browserSkip }, () => {
  let browser: Browser;
  let live: LiveApp;
  let ckan: FakeCkan;
  let staff: { email: string; password: string };
  let runId: number;

  before(async () => {
    browser = await launchBrowser();
    live = await startApp();
    const ctx = live.app.kabuto;
    await seedReferenceData(ctx);
    ckan = new FakeCkan();
    await ckan.start();
    const base = Date.parse('2019-06-01T00:00:00Z');
    for (let i = 0; i < 3; i++) ckan.put(ckanPackage(i, new Date(base + i * 1000)));
    // A record the catalog refuses: the run's report lists it.
    ckan.put(ckanPackage(3, new Date(base + 3000), { resources: [{ id: 'bad', url: 'javascript:alert(1)', format: 'CSV' }] }));
    const now = ctx.clock.now().toISOString();
    await harvestStore.insertSource(ctx.db, {
      id: '5b0d3c1e-8f4a-4c1b-9a55-0c6f2a7e1d01',
      name: 'meguro',
      title: '目黒区オープンデータカタログ',
      kind: 'ckan',
      url: ckan.url,
      org_id: '131105',
      schedule: 'daily',
      config_json: JSON.stringify({ pageSize: 2 }),
      active: 1,
      created_at: now,
      updated_at: now,
      last_run_id: null,
      last_run_at: null,
      last_status: null,
      high_water: null,
      last_success_at: null,
    });
    const summary = await runHarvest({ db: ctx.db, dialect: ctx.dialect, clock: ctx.clock, dataDir: ctx.config.dataDir }, 'meguro', { trigger: 'manual', onStart: (id) => (runId = id) });
    assert.equal(summary.status, 'partial', JSON.stringify(summary));
    assert.equal(summary.added, 3);
    assert.equal(summary.failed, 1);
    staff = await createUser(live.app, 'staff');
  });
  after(async () => {
    await browser?.close();
    await live?.close();
    await ckan?.stop();
  });

  describe('as staff, in Japanese and English', () => {
    let context: BrowserContext;
    let page: Page;
    before(async () => {
      context = await browser.newContext(JA_BROWSER);
      page = await context.newPage();
      await signInThroughForm(page, live.url, staff, '/catalog/harvest');
    });
    after(async () => context?.close());

    const pages = () => ['/catalog/harvest', '/catalog/harvest/new', '/catalog/harvest/meguro', '/catalog/harvest/meguro/edit', `/catalog/harvest/meguro/runs/${runId}`, '/dataset/dataset-00001'];
    for (const lang of ['ja', 'en'] as const) {
      it(`axe finds no serious or critical violation on every harvest page and a harvested dataset (${lang})`, async () => {
        for (const path of pages()) {
          await open(page, `${live.url}${path}?lang=${lang}`);
          assert.equal(await page.getAttribute('html', 'lang'), lang);
          await expectAccessible(page, `${path} ${lang}`);
        }
      });
    }

    it('the run report lists the record not brought in', async () => {
      await open(page, `${live.url}/catalog/harvest/meguro/runs/${runId}?lang=ja`);
      const table = page.locator('table', { hasText: 'dataset-00003' });
      assert.equal(await table.count(), 1, 'the report table is drawn');
    });

    it("a harvested dataset's page says where it came from, linking staff to the source", async () => {
      await open(page, `${live.url}/dataset/dataset-00001?lang=ja`);
      const block = page.locator('section.harvest-origin');
      assert.match(await block.innerText(), /収集元[\s\S]*目黒区オープンデータカタログ[\s\S]*最終収集日時/);
      assert.equal(await block.locator('a[href="/catalog/harvest/meguro"]').count(), 1, 'staff follow the title to the source page');
      assert.equal(await block.locator(`a[href="${ckan.url}/dataset/dataset-00001"]`).count(), 1);
    });

    for (const lang of ['ja', 'en'] as const) {
      it(`axe finds no serious or critical violation on the add form showing errors (${lang})`, async () => {
        await open(page, `${live.url}/catalog/harvest/new?lang=${lang}`);
        await page.locator('#f-name').fill('Not Valid');
        await page.locator('#f-url').fill('ftp://example.org/');
        await Promise.all([page.waitForLoadState('load'), page.locator('form.harvest-form button[type="submit"]').click()]);
        assert.ok(await page.locator('.error-summary').count(), 'the form came back with its errors');
        await expectAccessible(page, `/catalog/harvest/new with errors (${lang})`);
      });
    }
  });

  it('lets staff add and change a source with JavaScript turned off', async () => {
    const context = await browser.newContext({ ...JA_BROWSER, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await signInThroughForm(page, live.url, staff, '/catalog/harvest');
      await Promise.all([page.waitForURL(/\/catalog\/harvest\/new$/), page.locator('a', { hasText: 'ハーベスト元を追加' }).click()]);
      await page.locator('#f-name').fill('shinjuku');
      await page.locator('#f-title').fill('新宿区オープンデータ');
      await page.locator('#f-url').fill('https://catalog.example.jp');
      await page.locator('#f-organization').selectOption('131041');
      await page.locator('#f-schedule').selectOption('manual');
      await Promise.all([page.waitForURL(/\/catalog\/harvest\/shinjuku\?done=saved$/), page.locator('form.harvest-form button[type="submit"]').click()]);
      assert.equal(await page.locator('h1').innerText(), '新宿区オープンデータ');
      assert.match(await page.locator('.notice').first().innerText(), /保存しました/);
      await Promise.all([page.waitForURL(/\/edit$/), page.locator('a', { hasText: '設定を変更' }).click()]);
      await page.locator('#f-timeoutSeconds').fill('0');
      await Promise.all([page.waitForLoadState('load'), page.locator('form.harvest-form button[type="submit"]').click()]);
      assert.match(await page.locator('.error-summary').innerText(), /1〜600 の整数を入力してください。/);
      await page.locator('#f-timeoutSeconds').fill('20');
      await page.locator('#f-active').uncheck();
      await Promise.all([page.waitForURL(/\/catalog\/harvest\/shinjuku\?done=saved$/), page.locator('form.harvest-form button[type="submit"]').click()]);
      const row = await harvestStore.source(live.app.kabuto.db, 'shinjuku');
      assert.equal(row?.active, 0);
      assert.equal(JSON.parse(row!.config_json).timeoutSeconds, 20);
    } finally {
      await context.close();
    }
  });
});
