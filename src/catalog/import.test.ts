import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DIALECTS, skipFor, type TestApp } from '../../test/helpers.js';
import { catalogService, systemCaller } from './index.js';
import { importCatalogCsv, importCatalogText, jstToUtc, sizeToBytes } from './import.js';
import { act, catalogApp, counts } from './testing.js';

const MEGURO = fileURLToPath(new URL('./fixtures/tokyo-catalog-meguro-metadata.csv', import.meta.url));

describe('import field conversions', () => {
  it('reads Japan-time dates into UTC and refuses impossible ones', () => {
    assert.equal(jstToUtc('2021/11/04 09:59:26'), '2021-11-04T00:59:26.000Z');
    assert.equal(jstToUtc('2021/04/01 00:00:00'), '2021-03-31T15:00:00.000Z');
    assert.equal(jstToUtc('2021/11/04'), '2021-11-03T15:00:00.000Z');
    assert.equal(jstToUtc('2021/02/30 10:00:00'), null);
    assert.equal(jstToUtc('yesterday'), null);
  });

  it('reads sizes in bytes with KB = 1024', () => {
    assert.equal(sizeToBytes('1KB'), 1024);
    assert.equal(sizeToBytes('152KB'), 152 * 1024);
    assert.equal(sizeToBytes('１２ＫＢ'), 12 * 1024);
    assert.equal(sizeToBytes('2MB'), 2 * 1024 * 1024);
    assert.equal(sizeToBytes('300'), 300);
    assert.equal(sizeToBytes(''), null);
    assert.equal(sizeToBytes('large'), undefined);
  });
});

for (const dialect of DIALECTS) {
  describe(`catalog import of the Meguro export [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    before(async () => {
      t = await catalogApp(dialect);
    });
    after(async () => t?.close());

    it('loads 47 datasets with 215 resources, then a second run changes nothing', async () => {
      const svc = catalogService(t.app.kabuto);
      const first = await importCatalogCsv(svc, systemCaller('test'), MEGURO);
      assert.deepEqual(first.problems, []);
      assert.equal(first.rows, 215);
      assert.deepEqual(first.datasets, { created: 47, updated: 0, unchanged: 0, skipped: 0 });
      assert.equal(first.resources, 215);
      const afterFirst = await counts(t.app);
      assert.equal(afterFirst.catalog_datasets, 47);
      assert.equal(afterFirst.catalog_resources, 215);

      const second = await importCatalogCsv(svc, systemCaller('test'), MEGURO);
      assert.deepEqual(second.datasets, { created: 0, updated: 0, unchanged: 47, skipped: 0 });
      assert.deepEqual(await counts(t.app), afterFirst, 'a re-run writes nothing: no rows, no activities, no audit entries');
    });

    it('maps the columns: organization, category, licence, frequency, dates in UTC, sizes, order, multi-line text', async () => {
      const p = (await act(t.app, 'package_show', { id: 't131105d0000000003' })).body.result;
      assert.equal(p.title, '区内保育施設の空き状況（例月）');
      assert.match(p.notes, /^空き状況はあくまでも予定です。/);
      assert.equal(p.owner_org, '131105');
      assert.equal(p.license_id, 'cc-by-4.0');
      assert.deepEqual(p.groups.map((g: { name: string }) => g.name), ['health-welfare']);
      assert.deepEqual(p.extras, [{ key: 'frequency', value: '月2回' }]);
      assert.equal(p.maintainer, '子育て支援部保育課');
      assert.equal(p.url, 'https://www.city.meguro.tokyo.jp/kosodatekyouiku/hoikuennado/hoikuen/ninka/index.html');
      assert.equal(p.metadata_created, '2021-11-04T00:59:26.000000');
      assert.equal(p.metadata_modified, '2023-10-24T06:42:11.000000');
      assert.equal(p.resources.length, 2);
      assert.equal(p.resources[0].name, '2021年9月01日\u3000区内保育施設の空き状況');
      assert.equal(p.resources[0].size, 12 * 1024);
      assert.equal(p.resources[0].format, 'CSV');
      assert.match(p.resources[0].description, /\n/, 'multi-line quoted fields survive');
      assert.equal(p.resources[1].created, '2021-08-29T11:22:00.000000');
      const tagged = (await act(t.app, 'package_search', { fq: 'tags:"都知事杯ハッカソン"', rows: 0 })).body.result;
      assert.ok(tagged.count >= 1);
      const row = await t.app.kabuto.db.selectFrom('catalog_datasets').select('first_published_at').where('name', '=', 't131105d0000000003').executeTakeFirstOrThrow();
      assert.equal(row.first_published_at, '2021-11-04T00:59:26.000Z', 'published when the source catalog created it');
    });

    it('reports a broken row (row number, dataset id, field, reason), skips it and writes the rest of its dataset', async () => {
      const text = readFileSync(MEGURO, 'utf8');
      const lines = text.split('\n');
      const header = lines[0]!;
      const good = 't131105d0000000901,新しいデータ,説明,,,クリエイティブ・コモンズ 表示（CC BY）,目黒区,https://www.city.meguro.tokyo.jp/,総務課,2022/04/01 10:00:00,2022/04/02 10:00:00,毎月,生活,一つ目,https://example.jp/a.csv,,CSV,3KB,0,2022/04/01 10:00:00,2022/04/01 10:00:00';
      const badSize = 't131105d0000000901,新しいデータ,説明,,,クリエイティブ・コモンズ 表示（CC BY）,目黒区,https://www.city.meguro.tokyo.jp/,総務課,2022/04/01 10:00:00,2022/04/02 10:00:00,毎月,生活,二つ目,https://example.jp/b.csv,,CSV,huge,1,2022/04/01 10:00:00,2022/04/01 10:00:00';
      const badLicence = 't131105d0000000902,別のデータ,説明,,,独自ライセンス,目黒区,,総務課,2022/04/01 10:00:00,2022/04/02 10:00:00,毎月,生活,三つ目,https://example.jp/c.csv,,CSV,1KB,0,,';
      const badId = 'x131105,壊れた行,説明,,,クリエイティブ・コモンズ 表示（CC BY）,目黒区,,総務課,2022/04/01 10:00:00,2022/04/02 10:00:00,毎月,生活,四つ目,https://example.jp/d.csv,,CSV,1KB,0,,';
      const csv = [header, good, badSize, badLicence, badId].join('\n');
      const before = await counts(t.app);
      const svc = catalogService(t.app.kabuto);
      const r = await importCatalogText(svc, systemCaller('test'), csv);
      assert.deepEqual(r.datasets, { created: 1, updated: 0, unchanged: 0, skipped: 1 });
      assert.deepEqual(
        r.problems.map((p) => [p.row, p.datasetId, p.field]),
        [
          [5, 'x131105', 'データセットID'],
          [3, 't131105d0000000901', 'サイズ'],
          [4, 't131105d0000000902', 'ライセンス'],
        ],
      );
      assert.match(r.problems[1]!.reason, /huge/);
      const after = await counts(t.app);
      assert.equal(after.catalog_datasets, before.catalog_datasets! + 1);
      assert.equal(after.catalog_resources, before.catalog_resources! + 1, 'only the good row of the dataset was written');
      assert.equal((await act(t.app, 'package_show', { id: 't131105d0000000902' })).status, 404, 'the dataset with a bad licence was not written at all');
    });
  });
}
