/**
 * The preview page, the standard models page and a dataset page with a standard check in real
 * Chromium: axe finds no serious or critical violation in either language.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkip, launchBrowser, startApp, open, expectAccessible, JA_BROWSER, type LiveApp } from '../../../test/browser/browser.js';
import { catalogService, systemCaller } from '../index.js';
import { seedReferenceData } from '../seed.js';
import { dataset } from '../testing.js';

const AED = [
  '全国地方公共団体コード,NO,名称,名称_カナ,住所,設置位置,緯度,経度,電話番号',
  '131105,1,目黒区総合庁舎,メグロククソウゴウチョウシャ,東京都目黒区上目黒二丁目19番15号,1階,35.6415,139.6983,03-3715-1111',
  '131106,2,,ナシ,東京都目黒区,入口,139.69,35.64,abc',
].join('\r\n');

describe('preview and standard pages in a real browser', { skip: browserSkip }, () => {
  let browser: Browser;
  let live: LiveApp;
  const paths: string[] = [];

  before(async () => {
    browser = await launchBrowser();
    live = await startApp();
    await seedReferenceData(live.app.kabuto);
    const svc = catalogService(live.app.kabuto);
    const sys = systemCaller('test');
    await svc.createPackage(sys, dataset('aed-browser', 'meguro-ku', { extras: [{ key: 'standard_dataset', value: 'AED設置箇所一覧' }], resources: [] }));
    const csv = await svc.resourceCreate(sys, { package_id: 'aed-browser', name: 'AED一覧', format: 'CSV' }, { filename: 'aed.csv', bytes: iconv.encode(AED, 'cp932') });
    const json = await svc.resourceCreate(sys, { package_id: 'aed-browser', name: 'JSON', format: 'JSON' }, { filename: 'a.json', bytes: Buffer.from('{"a": [1, {"b": ""}]}') });
    paths.push('/dataset/aed-browser', `/dataset/aed-browser/resource/${csv.id}/preview`, `/dataset/aed-browser/resource/${json.id}/preview`, '/catalog/standards');
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

    it('on the dataset page with its check, the previews and the models page, in both languages', async () => {
      for (const path of paths) {
        for (const lang of ['ja', 'en'] as const) {
          await open(page, `${live.url}${path}?lang=${lang}`);
          assert.equal(await page.getAttribute('html', 'lang'), lang);
          await expectAccessible(page, `${path} ${lang}`);
        }
      }
    });
  });
});
