import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, type TestApp } from '../../test/helpers.js';
import { DomainError } from '../core/errors.js';
import { catalogService, systemCaller } from './index.js';
import { stableUuid } from './service.js';
import { act, catalogApp, counts, dataset } from './testing.js';
import type { CatalogService } from './service.js';

const caller = systemCaller('batch-test');
const idOf = (name: string) => stableUuid('batch-test', name);
// Resources with ids, as a harvest gives them (without ids each write would make new resources).
const item = (name: string, extra: Record<string, unknown> = {}) => ({
  dict: { ...dataset(name), id: idOf(name), resources: [{ id: idOf(`${name}/r0`), url: 'https://example.jp/data.csv', name: 'データ', format: 'CSV' }], ...extra },
});
const issueFields = (err: unknown) => (err instanceof DomainError ? ((err.extra.issues as { field: string }[] | undefined) ?? err.fields).map((i) => i.field) : [String(err)]);

for (const dialect of DIALECTS) {
  describe(`catalog batch writes (saveMany) [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let svc: CatalogService;
    before(async () => {
      t = await catalogApp(dialect);
      svc = catalogService(t.app.kabuto);
    });
    after(async () => t?.close());

    it('writes many datasets in one go, each as package_create would: rows, activity, audit, search', async () => {
      const before = await counts(t.app);
      const out = await svc.saveMany(caller, [item('batch-a'), item('batch-b', { tags: [{ name: '保育' }] }), item('batch-c')]);
      assert.deepEqual(out.map((o) => o.ok && o.created), [true, true, true]);
      const afterCounts = await counts(t.app);
      assert.equal(afterCounts.catalog_datasets! - before.catalog_datasets!, 3);
      assert.equal(afterCounts.catalog_resources! - before.catalog_resources!, 3);
      assert.equal(afterCounts.catalog_activities! - before.catalog_activities!, 3);
      assert.equal(afterCounts.audit_log! - before.audit_log!, 3);
      const show = await act(t.app, 'package_show', { id: 'batch-b' });
      assert.equal(show.status, 200);
      assert.deepEqual(show.body.result.tags.map((x: { name: string }) => x.name), ['保育']);
      assert.equal(show.body.result.organization.name, 'tokyo');
      const found = await act(t.app, 'package_search', { q: '保育', fq: 'name:batch-*' });
      assert.deepEqual(found.body.result.results.map((r: { name: string }) => r.name), ['batch-b']);
    });

    it('reports a bad item with its reason and writes the others; the same item twice is written in order', async () => {
      const before = await counts(t.app);
      const out = await svc.saveMany(caller, [
        item('batch-d'),
        item('batch-e', { license_id: 'no-such-licence', name: 'BAD NAME' }),
        item('batch-f'),
        item('batch-d', { title: '二度目の題名' }),
      ]);
      assert.equal(out[0]!.ok, true);
      assert.equal(out[1]!.ok, false);
      assert.ok(!out[1]!.ok && issueFields(out[1]!.error).includes('name'), JSON.stringify(out[1]));
      assert.equal(out[2]!.ok, true);
      assert.ok(out[3]!.ok && !out[3]!.created && out[3]!.changed);
      const afterCounts = await counts(t.app);
      assert.equal(afterCounts.catalog_datasets! - before.catalog_datasets!, 2);
      assert.equal((await act(t.app, 'package_show', { id: 'batch-d' })).body.result.title, '二度目の題名');
    });

    it('refuses two items asking for one name, and a name another dataset holds', async () => {
      const out = await svc.saveMany(caller, [item('batch-g'), { dict: { ...dataset('batch-g'), id: idOf('batch-g-2') } }, { dict: { ...dataset('batch-a'), id: idOf('batch-a-2') } }]);
      assert.equal(out[0]!.ok, true);
      assert.ok(!out[1]!.ok && issueFields(out[1]!.error).includes('name'));
      assert.ok(!out[2]!.ok && issueFields(out[2]!.error).includes('name'));
      assert.equal((await act(t.app, 'package_show', { id: idOf('batch-g-2') })).status, 404);
    });

    it('updates in place, renames with a redirect, and leaves unchanged items alone', async () => {
      const before = await counts(t.app);
      const out = await svc.saveMany(caller, [item('batch-a'), item('batch-c', { name: 'batch-c-renamed', notes: '名前を変えた' })]);
      assert.ok(out[0]!.ok && !out[0]!.changed && !out[0]!.created);
      assert.ok(out[1]!.ok && out[1]!.changed && !out[1]!.created);
      const afterCounts = await counts(t.app);
      assert.equal(afterCounts.catalog_datasets!, before.catalog_datasets!);
      assert.equal(afterCounts.catalog_activities! - before.catalog_activities!, 1);
      const old = await act(t.app, 'package_show', { id: 'batch-c' });
      assert.equal(old.body.result.name, 'batch-c-renamed');
      const found = await act(t.app, 'package_search', { q: '名前を変えた' });
      assert.deepEqual(found.body.result.results.map((r: { name: string }) => r.name), ['batch-c-renamed']);
    });

    it('when the batch transaction fails as a whole, writes each item on its own so one bad item costs nothing else', async () => {
      // A name taken between validation and the write: simulated by a dataset created by another writer
      // under the name the batch validated as free.
      const items = [item('batch-h'), item('batch-i')];
      const orig = svc.saveMany.bind(svc);
      type Patched = { batchLookups: (...args: unknown[]) => Promise<unknown> };
      const lk = (svc as unknown as Patched).batchLookups.bind(svc);
      (svc as unknown as Patched).batchLookups = async (...args) => {
        const l = await lk(...args);
        await svc.createPackage(caller, { ...dataset('batch-i'), id: idOf('other-writer') });
        return l;
      };
      try {
        const out = await orig(caller, items);
        assert.equal(out[0]!.ok, true);
        assert.ok(!out[1]!.ok && issueFields(out[1]!.error).includes('name'), JSON.stringify(out[1]));
        assert.equal((await act(t.app, 'package_show', { id: 'batch-h' })).status, 200);
        assert.equal((await act(t.app, 'package_show', { id: 'batch-i' })).body.result.id, idOf('other-writer'));
      } finally {
        delete (svc as unknown as Record<string, unknown>).batchLookups;
      }
    });

    it('is for system callers only', async () => {
      await assert.rejects(svc.saveMany({ ...caller, system: false }, [item('batch-z')]), (e: DomainError) => e.code === 'forbidden');
    });
  });
}
