import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, testApp, type TestApp } from '../../test/helpers.js';
import { systemActor } from '../core/audit.js';
import { versionKey } from '../core/versions.js';
import { companiesService } from '../companies/index.js';
import { advance, api, caller, newLead, type Caller } from './testing.js';

for (const dialect of DIALECTS) {
  describe(`attraction hooks of the companies registry [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let staff: Caller;

    before(async () => {
      t = await testApp(dialect);
      staff = await caller(t, 'staff', 'Merge Tester');
    });
    after(async () => t?.close());

    it('moves leads and firms attracted by others to the surviving company on a merge, in the merge\'s transaction', async () => {
      const registry = companiesService(t.app.kabuto);
      const keep = (await registry.create(systemActor('test'), { nameEn: 'Harbor Bridge Capital', country: 'US' })).company;
      const gone = (await registry.create(systemActor('test'), { nameEn: 'Harbour Bridge Capital Inc', country: 'US' })).company;
      const lead = (await api(t, staff).post('/leads', { companyId: gone.id, sector: 'asset-management', origin: 'referral' })).json();
      const otherCo = (await registry.create(systemActor('test'), { nameEn: 'Other Gone Co', country: 'US' })).company;
      const other = (await api(t, staff).post('/others', { companyId: otherCo.id, establishedDate: '2019-04-10', sector: 'ai', source: 'JETRO' })).json();
      const versionBefore = await versionKey(t.handle.db);

      await registry.merge(systemActor('test'), keep.id, gone.id);
      const moved = (await api(t, staff).get(`/leads/${lead.id}`)).json();
      assert.equal(moved.company.id, keep.id);
      assert.equal(moved.company.name.en, 'Harbor Bridge Capital');
      const byCompany = (await api(t, staff).get(`/leads?companyId=${keep.id}`)).json();
      assert.deepEqual(byCompany.items.map((l: any) => l.id), [lead.id]);
      assert.equal((await api(t, staff).get(`/leads?companyId=${gone.id}`)).json().total, 0);
      assert.notEqual(await versionKey(t.handle.db), versionBefore);
      const audit = await t.handle.db.selectFrom('audit_log').selectAll().where('action', '=', 'attraction.company.merge').execute();
      assert.equal(audit.length, 1);
      assert.deepEqual(JSON.parse(audit[0]!.after_json!), { company_id: keep.id, leads: [lead.id], others: [] });

      await registry.merge(systemActor('test'), keep.id, otherCo.id);
      const movedOther = (await api(t, staff).get(`/others/${other.id}`)).json();
      assert.equal(movedOther.company.id, keep.id);
      // The rows really point at the survivor (not only resolved through the registry on read).
      const rows = await t.handle.db.selectFrom('attraction_other_establishments').select('company_id').where('id', '=', other.id).executeTakeFirstOrThrow();
      assert.equal(rows.company_id, keep.id);
    });

    it('rolls back its moves when the merge fails later in the same transaction', async () => {
      const registry = companiesService(t.app.kabuto);
      const keep = (await registry.create(systemActor('test'), { nameEn: 'Rollback Keep Ltd', country: 'GB' })).company;
      const gone = (await registry.create(systemActor('test'), { nameEn: 'Rollback Gone Ltd', country: 'GB' })).company;
      const lead = (await api(t, staff).post('/leads', { companyId: gone.id, sector: 'ai', origin: 'event' })).json();
      // A hook registered after this module's fails: the whole merge, this module's move included, is undone.
      t.app.kabuto.hooks.on('companies.merge', async () => {
        throw new Error('a later module refuses the merge');
      });
      await assert.rejects(registry.merge(systemActor('test'), keep.id, gone.id), /refuses the merge/);
      const row = await t.handle.db.selectFrom('attraction_leads').select('company_id').where('id', '=', lead.id).executeTakeFirstOrThrow();
      assert.equal(row.company_id, gone.id);
    });

    it('adds the lead\'s creation, stage moves, consultations and establishment to the company\'s timeline, in both languages', async () => {
      const lead = await newLead(t, staff, { company: { nameEn: 'Timeline Robotics SA', country: 'FR' }, sector: 'iot' });
      await advance(t, staff, lead.id, 'established', { contact: '2019-05-01', consult: '2019-05-02', decided: '2019-05-10', established: '2019-06-01' });
      const events = (await companiesService(t.app.kabuto).timeline(lead.company.id)).filter((e) => e.module === 'attraction');
      assert.deepEqual(
        events.map((e) => e.kind),
        ['consulted', 'lead-created', 'stage-moved', 'stage-moved', 'stage-moved', 'established'],
      );
      const created = events.find((e) => e.kind === 'lead-created')!;
      assert.equal(created.title.en, `Attraction lead #${lead.id} created (IoT)`);
      assert.equal(created.title.ja, `誘致案件 #${lead.id} を登録（IoT）`);
      assert.equal(created.href, `/attraction/leads/${lead.id}`);
      const established = events.find((e) => e.kind === 'established')!;
      assert.equal(established.title.en, `Attraction lead #${lead.id}: established in Tokyo (2019-06-01)`);
      const consulted = events.find((e) => e.kind === 'consulted')!;
      assert.equal(consulted.at, '2019-05-01T15:00:00.000Z'); // 2019-05-02 in Japan
      assert.equal(consulted.title.en, `Attraction lead #${lead.id}: consultation "Business plan review"`);
      for (const e of events) assert.doesNotThrow(() => new Date(e.at).toISOString());
    });
  });
}
