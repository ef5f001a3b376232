import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALECTS, freshDatabase, skipFor, tokenFor } from '../../../test/helpers.js';
import { catalogApp } from '../testing.js';
import { openDatabase } from '../../core/db/index.js';
import { migrateToLatest } from '../../core/db/migrate.js';
import { FixedClock, systemClock } from '../../core/clock.js';
import { systemActor } from '../../core/audit.js';
import type { AuthUser } from '../../core/auth/service.js';
import { seedReferenceData } from '../seed.js';
import { catalogService, systemCaller } from '../index.js';
import { FakeCkan, ckanPackage } from './testing.js';
import { HarvestSources } from './sources.js';
import { runHarvest } from './runner.js';
import { spawnRun } from './spawn.js';

const staff = { id: 1, email: 's@example.jp', role: 'staff', displayName: 's', orgId: null, companyId: null } as unknown as AuthUser;

for (const dialect of DIALECTS) {
  describe(`harvest runs in their own process (${dialect})`, { skip: skipFor(dialect) }, () => {
    it('a run killed midway (SIGKILL) leaves no half-written dataset, and the next run completes it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kabuto-harvest-'));
      const tdb = dialect === 'sqlite' ? { url: `sqlite:${join(dir, 'k.db')}`, drop: async () => undefined } : await freshDatabase('postgres');
      const h = openDatabase(tdb.url);
      const ckan = new FakeCkan();
      try {
        await migrateToLatest(h.db);
        await seedReferenceData({ db: h.db, clock: systemClock });
        await ckan.start();
        for (let i = 0; i < 200; i++) ckan.put(ckanPackage(i, new Date(Date.parse('2024-01-01T00:00:00Z') + i * 1000)));
        const src = await new HarvestSources({ db: h.db, clock: systemClock }).create(staff, systemActor('test'), { name: 'killme', kind: 'ckan', url: ckan.url, organization: '131105', config: { pageSize: 10 } });
        let killedAt = 0;
        const p = spawnRun(tdb.url, dir, src.id, {
          trigger: 'manual',
          onProgress: (x) => {
            if (!killedAt && x.added >= 15) {
              killedAt = x.added;
              p.child.kill('SIGKILL');
            }
          },
        });
        const runId = await p.started;
        const end = await p.done;
        assert.equal(end.signal, 'SIGKILL', `killed (exit ${end.code}: ${end.error ?? ''})`);
        const count = async () => {
          const rows = await h.db
            .selectFrom('catalog_datasets as d')
            .leftJoin('catalog_resources as r', 'r.package_id', 'd.id')
            .select(['d.id', (eb) => eb.fn.count<number>('r.id').as('n')])
            .where('d.owner_org', '=', '131105')
            .groupBy('d.id')
            .execute();
          return rows.map((r) => Number(r.n));
        };
        const partial = await count();
        assert.ok(partial.length >= 15 && partial.length < 200, `stopped midway (${partial.length})`);
        assert.ok(partial.every((n) => n === 2), 'every dataset has all its resources');
        const runRow = await h.db.selectFrom('catalog_harvest_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
        assert.equal(runRow.status, 'running');
        // The dead run still holds its lease until it expires: a run now is refused, one after the expiry completes the work.
        await assert.rejects(runHarvest({ db: h.db, dialect: h.dialect, clock: systemClock, dataDir: dir }, src.id, { trigger: 'cli' }), /already running/);
        const later = new FixedClock(new Date(Date.now() + 5 * 60_000));
        const r = await runHarvest({ db: h.db, dialect: h.dialect, clock: later, dataDir: dir }, src.id, { trigger: 'cli' });
        assert.equal(r.status, 'succeeded');
        assert.equal(r.added + r.unchanged, 200);
        const all = await count();
        assert.equal(all.length, 200, 'no duplicates, none missing');
        assert.ok(all.every((n) => n === 2));
        const old = await h.db.selectFrom('catalog_harvest_runs').select('status').where('id', '=', runId).executeTakeFirstOrThrow();
        assert.equal(old.status, 'interrupted');
      } finally {
        await ckan.stop();
        await h.close();
        await tdb.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('Kabuto harvests another Kabuto through its CKAN API', async () => {
      const a = await catalogApp(dialect);
      const b = await catalogApp(dialect);
      try {
        const svcA = catalogService(a.app.kabuto);
        for (let i = 0; i < 7; i++) {
          await svcA.createPackage(systemCaller('test'), {
            name: `shinjuku-${i}`,
            title: `新宿区 施設一覧 ${i}`,
            owner_org: '131041',
            tags: [{ name: '施設' }],
            extras: [{ key: 'frequency', value: '年次' }],
            resources: [{ url: `https://example.org/${i}.csv`, name: '一覧', format: 'CSV' }, { url: `https://example.org/${i}` }],
          });
        }
        await svcA.createPackage(systemCaller('test'), { name: 'shinjuku-private', title: '非公開', owner_org: '131041', private: true });
        const url = await a.app.listen({ port: 0, host: '127.0.0.1' });
        const deps = { db: b.handle.db, dialect: b.handle.dialect, clock: b.clock, dataDir: b.config.dataDir };
        const src = await new HarvestSources({ db: b.handle.db, clock: b.clock }).create(staff, systemActor('test'), { name: 'shinjuku', kind: 'ckan', url, organization: '131041', config: { pageSize: 3 } });
        const r1 = await runHarvest(deps, src.id, { trigger: 'cli' });
        assert.equal(r1.status, 'succeeded', JSON.stringify(r1.report));
        assert.equal(r1.added, 7);
        const svcB = catalogService(b.app.kabuto);
        const got = await svcB.show(systemCaller('test'), 'shinjuku-3');
        assert.equal(got.full.row.title, '新宿区 施設一覧 3');
        assert.equal(got.full.resources.length, 2);
        assert.equal(got.full.extras.frequency, '年次');
        assert.equal(got.full.extras.harvest_url, `${url}/dataset/shinjuku-3`);
        // A change and a deletion at A: the next run updates one and withdraws one.
        a.clock.advance(3600_000);
        await svcA.updatePackage(systemCaller('test'), { id: 'shinjuku-1', title: '新宿区 施設一覧 1（更新）' }, 'patch');
        await svcA.deletePackage(systemCaller('test'), 'shinjuku-5');
        const r2 = await runHarvest(deps, src.id, { trigger: 'cli' });
        assert.equal(r2.status, 'succeeded', JSON.stringify(r2.report));
        assert.deepEqual([r2.added, r2.updated, r2.deleted], [0, 1, 1]);
        assert.equal((await svcB.show(systemCaller('test'), 'shinjuku-1')).full.row.title, '新宿区 施設一覧 1（更新）');
        assert.equal((await svcB.resolve('shinjuku-5'))!.row.state, 'deleted');

        // The staff API: anonymous callers and members are refused, staff list the source and its runs.
        const anon = await b.app.inject({ method: 'POST', url: '/api/v1/catalog/harvest/sources', payload: {} });
        assert.equal(anon.statusCode, 401);
        const member = await tokenFor(b.app, 'member');
        const refused = await b.app.inject({ method: 'POST', url: '/api/v1/catalog/harvest/sources/shinjuku/runs', headers: { authorization: `Bearer ${member}` }, payload: {} });
        assert.equal(refused.statusCode, 403);
        const tok = await tokenFor(b.app, 'staff');
        const runs = await b.app.inject({ method: 'GET', url: '/api/v1/catalog/harvest/sources/shinjuku/runs', headers: { authorization: `Bearer ${tok}` } });
        assert.equal(runs.statusCode, 200);
        assert.deepEqual((runs.json() as { added: number }[]).map((x) => x.added), [0, 7]);
        const bad = await b.app.inject({ method: 'POST', url: '/api/v1/catalog/harvest/sources', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x y', kind: 'ckan', url: 'ftp://x', organization: 'nope' }) });
        assert.equal(bad.statusCode, 422, bad.body);
        assert.deepEqual((bad.json() as { errors: { field: string }[] }).errors.map((e) => e.field).sort(), ['name', 'organization', 'url']);
        const pageRes = await b.app.inject({ method: 'GET', url: '/catalog/harvest/shinjuku', headers: { authorization: `Bearer ${tok}` } });
        assert.equal(pageRes.statusCode, 200);
        assert.match(pageRes.body, /新宿区|shinjuku/);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}
