import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, type TestApp } from '../../../test/helpers.js';
import { catalogApp } from '../testing.js';
import { systemActor } from '../../core/audit.js';
import type { AuthUser } from '../../core/auth/service.js';
import { CatalogService } from '../service.js';
import { FakeCkan, ckanPackage, ckanTimestamp } from './testing.js';
import { HarvestSources } from './sources.js';
import { HarvestBusy, runHarvest, type HarvestDeps } from './runner.js';
import { harvestStore } from './store.js';

const staff = { id: 1, email: 'staff@example.jp', role: 'staff', displayName: 'staff', orgId: null, companyId: null } as unknown as AuthUser;
const BASE = Date.parse('2024-01-01T00:00:00Z');
const at = (s: number) => new Date(BASE + s * 1000);

async function activeHarvested(t: TestApp, sourceId: string) {
  const rows = await t.handle.db
    .selectFrom('catalog_datasets as d')
    .innerJoin('catalog_dataset_extras as e', (j) => j.onRef('e.dataset_id', '=', 'd.id').on('e.key', '=', 'harvest_source_id'))
    .select(['d.id', 'd.name', 'd.state'])
    .where('e.value', '=', sourceId)
    .orderBy('d.name')
    .execute();
  // Each test has its own source over the same remote names: later sources' datasets carry the source name as a suffix.
  return rows.map((r) => ({ ...r, name: r.name.replace(/-src-[a-z0-9]+$/, '') }));
}

for (const dialect of DIALECTS) {
  describe(`harvesting a CKAN source (${dialect})`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let ckan: FakeCkan;
    let deps: HarvestDeps;
    let sources: HarvestSources;
    let sourceId: string;

    before(async () => {
      t = await catalogApp(dialect);
      deps = { db: t.handle.db, dialect: t.handle.dialect, clock: t.clock, dataDir: t.config.dataDir };
      sources = new HarvestSources({ db: t.handle.db, clock: t.clock });
    });
    after(async () => {
      await t.close();
    });
    beforeEach(async () => {
      ckan = new FakeCkan({ showPrivate: true, showDeleted: true });
      await ckan.start();
      const s = await sources.create(staff, systemActor('test'), { name: `src-${Math.random().toString(36).slice(2, 8)}`, title: '目黒区オープンデータ', kind: 'ckan', url: ckan.url, organization: '131105', config: { pageSize: 5, retries: 0, timeoutSeconds: 1 } });
      sourceId = s.id;
    });
    const stop = () => ckan.stop();

    it('brings in every dataset, reads CKAN shapes with fields missing, and a re-run duplicates nothing and fetches only changes', async () => {
      for (let i = 0; i < 12; i++) ckan.put(ckanPackage(i, at(i)));
      // Optional fields missing or null, extras with a non-string value, a resource without a format or URL extension.
      ckan.put(ckanPackage(12, at(12), { notes: null, title: undefined, url: undefined, license_id: undefined, license_title: undefined, tags: undefined, groups: undefined, maintainer: undefined, author_email: 'not an address', extras: [{ key: 'population', value: 290000 }, { key: 'name', value: 'clash' }], resources: [{ id: 'r-x', url: 'https://example.org/x', name: null, format: null, package_id: 'x', position: 0, state: 'active' }] }));
      const r1 = await runHarvest(deps, sourceId, { trigger: 'cli' });
      assert.equal(r1.status, 'succeeded', JSON.stringify(r1.report));
      assert.deepEqual([r1.added, r1.updated, r1.failed, r1.deleted], [13, 0, 0, 0]);
      const svc = new CatalogService(deps);
      const rows = await activeHarvested(t, sourceId);
      assert.equal(rows.length, 13);
      const full = (await svc.fullMany([rows.find((r) => r.name === 'dataset-00012')!.id]))[0]!;
      assert.match(full.row.title, /^dataset-00012/);
      assert.equal(full.row.author_email, null);
      assert.equal(full.row.owner_org, '131105');
      assert.equal(full.extras.population, '290000');
      assert.equal(full.extras.harvest_remote_id, ckanPackage(12, at(12)).id);
      assert.ok(!('name' in full.extras));
      assert.equal(full.resources.length, 1);
      assert.equal(full.resources[0]!.format, '');
      const normal = (await svc.fullMany([rows.find((r) => r.name === 'dataset-00003')!.id]))[0]!;
      assert.equal(normal.row.metadata_modified, at(3).toISOString(), 'the source time is kept');
      assert.deepEqual(normal.tags.map((x) => x.name).sort(), ['statistics', '人口']);
      assert.equal(normal.extras.frequency, '月次');
      assert.equal(normal.resources.length, 2);
      assert.equal(normal.row.license_id, 'cc-by-4.0');

      // Nothing changed: no writes, and package_search serves only the record at the high-water mark.
      ckan.log.length = 0;
      const r2 = await runHarvest(deps, sourceId, { trigger: 'cli' });
      assert.equal(r2.status, 'succeeded');
      assert.deepEqual([r2.added, r2.updated, r2.deleted], [0, 0, 0]);
      assert.equal(ckan.served(), 1);
      assert.equal((await activeHarvested(t, sourceId)).length, 13);

      // Two changed: only they (and the boundary record) are fetched, and they are updated in place.
      ckan.put(ckanPackage(2, at(100), { title: '変更後 2' }), ckanPackage(7, at(101), { title: '変更後 7' }));
      ckan.log.length = 0;
      const r3 = await runHarvest(deps, sourceId, { trigger: 'cli' });
      assert.deepEqual([r3.added, r3.updated], [0, 2]);
      assert.equal(ckan.served(), 3);
      const after2 = await activeHarvested(t, sourceId);
      assert.equal(after2.length, 13);
      assert.equal((await svc.full(after2.find((r) => r.name === 'dataset-00002')!.id))!.row.title, '変更後 2');
      await stop();
    });

    it('withdraws datasets made private or deleted at the source, and those no longer listed', async () => {
      for (let i = 0; i < 6; i++) ckan.put(ckanPackage(i, at(i)));
      ckan.put(ckanPackage(6, at(6), { private: true }));
      const r1 = await runHarvest(deps, sourceId, { trigger: 'cli' });
      assert.equal(r1.added, 6, 'a private dataset is not brought in');
      ckan.put(ckanPackage(1, at(50), { private: true }), ckanPackage(2, at(51), { state: 'deleted' }));
      ckan.packages.delete(ckanPackage(3, at(3)).id);
      const r2 = await runHarvest(deps, sourceId, { trigger: 'cli' });
      assert.equal(r2.status, 'succeeded');
      assert.equal(r2.deleted, 3);
      const rows = await activeHarvested(t, sourceId);
      assert.deepEqual(rows.filter((r) => r.state === 'deleted').map((r) => r.name), ['dataset-00001', 'dataset-00002', 'dataset-00003']);
      // Public again at the source: back here, in place.
      ckan.put(ckanPackage(1, at(60)));
      const r3 = await runHarvest(deps, sourceId, { trigger: 'cli' });
      assert.equal(r3.updated, 1);
      assert.equal((await activeHarvested(t, sourceId)).find((r) => r.name === 'dataset-00001')!.state, 'active');
      await stop();
    });

    it('pages past the end, reports a bad record and goes on, and a 500 or a timeout on a page keeps the high-water mark', async () => {
      for (let i = 0; i < 10; i++) ckan.put(ckanPackage(i, at(i)));
      // A record the catalog refuses (a javascript: resource URL) and one with no id.
      ckan.put(ckanPackage(10, at(10), { resources: [{ id: 'bad', url: 'javascript:alert(1)', format: 'CSV' }] }));
      ckan.put(ckanPackage(11, at(11), { id: '' }));
      const r1 = await runHarvest(deps, sourceId, { trigger: 'cli' });
      assert.equal(r1.added, 10);
      assert.equal(r1.failed, 2);
      assert.equal(r1.status, 'partial');
      assert.match(r1.report.errors.find((e) => e.name === 'dataset-00010')!.reason, /resources\.0\.url/);
      assert.match(r1.report.errors.find((e) => e.name === 'dataset-00011')!.reason, /no id/);
      // 12 records in pages of 5: the third page has 2; a count that is a multiple of the page size ends on an empty page.
      const hw = (await harvestStore.source(t.handle.db, sourceId))!.high_water;
      assert.equal(hw, at(10).toISOString(), 'the newest readable record');

      for (let i = 20; i < 32; i++) ckan.put(ckanPackage(i, at(200 + i)));
      ckan.failWhen = (r) => r.action === 'package_search' && r.params.get('start') !== '0';
      const r2 = await runHarvest(deps, sourceId, { trigger: 'cli' });
      assert.equal(r2.status, 'failed');
      assert.equal(r2.added, 3, 'the first page (two old bad records at the high-water mark, three new) is kept');
      assert.match(r2.report.pages[0]!.reason, /HTTP 500/);
      assert.equal((await harvestStore.source(t.handle.db, sourceId))!.high_water, hw, 'no advance past an unread page');

      ckan.failWhen = null;
      ckan.hangWhen = (r) => r.action === 'package_list';
      const r3 = await runHarvest(deps, sourceId, { trigger: 'cli' });
      assert.equal(r3.status, 'partial', 'read to the end but the listing timed out: no deletions checked');
      assert.match(r3.report.pages[0]!.reason, /no answer within 1 s/);
      ckan.hangWhen = null;
      const r4 = await runHarvest(deps, sourceId, { trigger: 'cli' });
      // The bad records are behind the high-water mark now: read again only when they change at the source.
      assert.equal(r4.status, 'succeeded');
      assert.equal((await activeHarvested(t, sourceId)).filter((r) => r.state === 'active').length, 22);
      assert.equal((await harvestStore.source(t.handle.db, sourceId))!.high_water, at(231).toISOString());
      await stop();
    });

    it('pages past the end: a count that is a multiple of the page size ends on an empty page', async () => {
      for (let i = 0; i < 10; i++) ckan.put(ckanPackage(i, at(i)));
      const r = await runHarvest(deps, sourceId, { trigger: 'cli' });
      assert.equal(r.status, 'succeeded');
      assert.equal(r.added, 10);
      const pages = ckan.log.filter((x) => x.action === 'package_search').map((x) => (x as typeof x & { served?: number }).served);
      assert.deepEqual(pages, [5, 5, 0]);
      await stop();
    });

    it('takes the lease: a second run of the same source while one runs is refused', async () => {
      for (let i = 0; i < 10; i++) ckan.put(ckanPackage(i, at(i)));
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      ckan.hangWhen = (r) => r.action === 'package_search' && r.params.get('start') === '0' && !r.params.has('fq');
      const first = runHarvest(deps, sourceId, { trigger: 'cli', onStart: () => release() });
      await gate;
      await assert.rejects(runHarvest(deps, sourceId, { trigger: 'manual' }), HarvestBusy);
      const lease = await t.handle.db.selectFrom('leases').selectAll().where('name', '=', `catalog-harvest:${sourceId}`).executeTakeFirst();
      assert.ok(lease, 'the lease row exists while the run runs');
      await stop();
      const r = await first;
      assert.equal(r.status, 'failed');
      assert.equal(await t.handle.db.selectFrom('leases').selectAll().where('name', '=', `catalog-harvest:${sourceId}`).executeTakeFirst(), undefined, 'released when done');
    });
  });
}

describe('CKAN timestamps', () => {
  it('keep microseconds and no zone, as model_dictize writes them', () => {
    assert.equal(ckanTimestamp(new Date('2024-01-02T03:04:05.678Z')), '2024-01-02T03:04:05.678000');
  });
});
