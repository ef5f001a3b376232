import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, testApp, type TestApp } from '../../test/helpers.js';
import type { KabutoModule } from '../core/context.js';
import { systemActor } from '../core/audit.js';
import { DomainError } from '../core/errors.js';
import { companiesService, onCompanyMerge, onCompanyTimeline, type CompaniesService } from './index.js';

const actor = systemActor('test');

/** Two modules as attraction and support will be: each keeps company ids in its own table and moves them on merge. */
let failMerge = false;
const hookModules: KabutoModule[] = [
  {
    name: 'test-deals',
    routes(_app, ctx) {
      onCompanyMerge(ctx, async (trx, e) => {
        await (trx as any).updateTable('test_deals').set({ company_id: e.intoId }).where('company_id', '=', e.fromId).execute();
      });
      onCompanyTimeline(ctx, async (db, e) => {
        const rows = await (db as any).selectFrom('test_deals').selectAll().where('company_id', '=', e.companyId).execute();
        for (const r of rows) e.events.push({ at: r.at, module: 'test-deals', kind: 'deal', title: { ja: `商談 ${r.label}`, en: `Deal ${r.label}` } });
      });
    },
  },
  {
    name: 'test-cases',
    routes(_app, ctx) {
      onCompanyMerge(ctx, async (trx, e) => {
        await (trx as any).updateTable('test_cases').set({ company_id: e.intoId }).where('company_id', '=', e.fromId).execute();
        if (failMerge) throw new Error('test-cases hook failed');
      });
    },
  },
];

const err = async (p: Promise<unknown>): Promise<DomainError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  assert.fail('expected a DomainError');
};

for (const dialect of DIALECTS) {
  describe(`companies service [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let svc: CompaniesService;
    const count = async () => Number((await t.handle.db.selectFrom('companies').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    before(async () => {
      t = await testApp(dialect, { modules: hookModules });
      svc = companiesService(t.app.kabuto);
      for (const table of ['test_deals', 'test_cases']) {
        await t.handle.db.schema.createTable(table).addColumn('company_id', 'integer').addColumn('label', 'text').addColumn('at', 'text').execute();
      }
    });
    after(async () => t?.close());

    it('creates a company, derives Tokyo from the address and reads it back', async () => {
      const { company, nearDuplicates } = await svc.create(actor, { corporateNumber: '7000012050002', nameJa: '国税庁', nameEn: 'National Tax Agency', country: 'jp', addressJa: '東京都千代田区霞が関3-1-1', postalCode: '１００８９７８', jsicMajor: 'S' });
      assert.equal(company.corporateNumber, '7000012050002');
      assert.equal(company.country, 'JP');
      assert.equal(company.lgCode, '131016');
      assert.equal(company.registeredInTokyo, true);
      assert.equal(company.postalCode, '100-8978');
      assert.deepEqual(nearDuplicates, []);
      assert.deepEqual(await svc.get(company.id), company);
    });

    it('refuses the same corporate number twice, naming the field, and stores nothing', async () => {
      const before = await count();
      const e = await err(svc.create(actor, { corporateNumber: '7-0000-1205-0002', nameJa: '別の名前', country: 'JP' }));
      assert.equal(e.code, 'conflict');
      assert.equal(e.fields[0]?.field, 'corporateNumber');
      assert.equal(await count(), before);
    });

    it('refuses an invalid corporate number or an unknown JSIC code, naming the field, and stores nothing', async () => {
      const before = await count();
      for (const [input, field] of [
        [{ corporateNumber: '7000012050003', nameJa: 'X社', country: 'JP' }, 'corporateNumber'],
        [{ corporateNumber: '123', nameJa: 'X社', country: 'JP' }, 'corporateNumber'],
        [{ nameJa: 'X社', country: 'JP', jsicMajor: 'Z' }, 'jsicMajor'],
        [{ nameJa: 'X社', country: 'JP', jsicDivision: '00' }, 'jsicDivision'],
        [{ nameJa: 'X社', country: 'JP', jsicMajor: 'G', jsicDivision: '62' }, 'jsicDivision'],
        [{ nameJa: 'X社', country: 'XX' }, 'country'],
        [{ country: 'JP' }, 'nameJa'],
        [{ nameEn: '日本語', country: 'JP' }, 'nameEn'],
        [{ nameJa: 'X社', country: 'JP', lgCode: '131017' }, 'lgCode'],
        [{ nameJa: 'X社', country: 'JP', lgCode: '131016', registeredInTokyo: false }, 'registeredInTokyo'],
        [{ nameJa: 'X社', country: 'JP', capitalYen: 1.5 }, 'capitalYen'],
        [{ nameJa: 'X社', country: 'JP', website: 'not a url' }, 'website'],
      ] as const) {
        const e = await err(svc.create(actor, input as any));
        assert.equal(e.code, 'validation-failed');
        assert.ok(e.fields.some((f) => f.field === field), `${JSON.stringify(input)} → ${JSON.stringify(e.fields)}`);
      }
      assert.equal(await count(), before);
    });

    it('flags near-duplicate names across legal forms, widths and languages', async () => {
      const a = await svc.create(actor, { nameJa: '株式会社ABC', country: 'JP' });
      assert.deepEqual(a.nearDuplicates, []);
      const b = await svc.create(actor, { nameJa: 'ＡＢＣ（株）', country: 'JP' });
      assert.deepEqual(b.nearDuplicates.map((c) => c.id), [a.company.id]);
      const c = await svc.create(actor, { nameEn: 'ABC Co., Ltd.', country: 'US' });
      assert.deepEqual(c.nearDuplicates.map((x) => x.id).sort(), [a.company.id, b.company.id].sort());
      assert.deepEqual((await svc.nearDuplicates({ nameEn: 'abc inc.' })).length, 3);
      // Exact name matches come first, then the rest by relevance, across pages.
      const longer = (await svc.create(actor, { nameEn: 'ABC Mart Holdings', country: 'JP' })).company;
      const all = await svc.search({ text: 'ABC' });
      assert.equal(all.total, 4);
      assert.deepEqual(all.items.slice(0, 3).map((x) => x.id).sort(), [a.company.id, b.company.id, c.company.id].sort());
      assert.equal(all.items[3]!.id, longer.id);
      const second = await svc.search({ text: 'ABC', limit: 2, offset: 2 });
      assert.deepEqual(second.items.map((x) => x.id), all.items.slice(2).map((x) => x.id));
      assert.equal((await svc.search({ text: 'ABC', country: 'JP' })).total, 3, 'with a filter too');
    });

    it('finds companies by a two-character Japanese part, an English part, kana and number', async () => {
      const sakura = (await svc.create(actor, { corporateNumber: '1010001000006', nameJa: '桜田物産株式会社', nameEn: 'Sakurada Trading Co., Ltd.', kana: 'サクラダブッサン', country: 'JP' })).company;
      await svc.create(actor, { nameJa: '青葉精機株式会社', nameEn: 'Aoba Precision Inc.', kana: 'あおばせいき', country: 'JP', jsicMajor: 'E', jsicDivision: '26' });
      assert.deepEqual((await svc.search({ text: '物産' })).items.map((c) => c.id), [sakura.id]);
      assert.deepEqual((await svc.search({ text: 'trad' })).items.map((c) => c.id), [sakura.id]);
      assert.deepEqual((await svc.search({ text: 'さくらだ' })).items.map((c) => c.id), [sakura.id]);
      assert.equal((await svc.search({ text: 'アオバ' })).total, 1);
      assert.deepEqual((await svc.search({ corporateNumber: '1-0100-0100-0006' })).items.map((c) => c.id), [sakura.id]);
      assert.deepEqual((await svc.search({ text: '1010001000006' })).items.map((c) => c.id), [sakura.id]);
      assert.deepEqual((await svc.search({ corporateNumber: '101000' })).items.map((c) => c.id), [sakura.id]);
      assert.equal((await svc.search({ jsicMajor: 'E' })).total, 1);
      assert.equal((await svc.search({ country: 'US' })).total, 1);
      assert.equal((await svc.search({ text: '"OR * col:x' })).total, 0);
      assert.deepEqual((await svc.search({ text: '桜' })).items.map((c) => c.id), [sakura.id], 'one character finds it too');
      assert.equal((await svc.search({ text: '産桜' })).total, 0, 'two characters must be adjacent');
      const page = await svc.search({ limit: 2, offset: 0 });
      assert.equal(page.items.length, 2);
      assert.ok(page.total >= 6);
    });

    it('updates a company, re-indexes its name and audits before and after', async () => {
      const { company } = await svc.create(actor, { nameJa: '旧名商事', country: 'JP' });
      const updated = await svc.update(actor, company.id, { nameJa: '新名商事', employees: 12 });
      assert.equal(updated.nameJa, '新名商事');
      assert.equal((await svc.search({ text: '新名' })).total, 1);
      assert.equal((await svc.search({ text: '旧名' })).total, 0);
      const rows = await t.handle.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'company').where('entity_id', '=', String(company.id)).orderBy('id').execute();
      assert.deepEqual(rows.map((r) => r.action), ['company.create', 'company.update']);
      assert.equal(JSON.parse(rows[1]!.before_json!).nameJa, '旧名商事');
    });

    it('merges two companies: hooks move references, the old id redirects, the timeline shows it', async () => {
      const keep = (await svc.create(actor, { nameJa: '統合先工業', country: 'JP' })).company;
      const gone = (await svc.create(actor, { nameJa: '統合元工業', corporateNumber: '2010001000005', country: 'JP', employees: 40 })).company;
      await svc.addContact(actor, gone.id, { name: '山田太郎', email: 'yamada@example.jp' });
      await (t.handle.db as any).insertInto('test_deals').values({ company_id: gone.id, label: 'A', at: '2019-05-01T00:00:00Z' }).execute();
      await (t.handle.db as any).insertInto('test_cases').values({ company_id: gone.id, label: 'B', at: '2019-05-02T00:00:00Z' }).execute();
      const survivor = await svc.merge(actor, keep.id, gone.id);
      assert.equal(survivor.id, keep.id);
      assert.equal(survivor.corporateNumber, '2010001000005');
      assert.equal(survivor.employees, 40);
      assert.equal((await svc.get(gone.id)).id, keep.id);
      assert.equal((await svc.getMany([gone.id])).get(gone.id)?.id, keep.id);
      assert.equal((await svc.contacts(keep.id)).length, 1);
      const deals = await (t.handle.db as any).selectFrom('test_deals').selectAll().execute();
      assert.deepEqual(deals.map((d: any) => d.company_id), [keep.id]);
      const cases = await (t.handle.db as any).selectFrom('test_cases').selectAll().execute();
      assert.deepEqual(cases.map((d: any) => d.company_id), [keep.id]);
      assert.equal((await svc.search({ text: '統合元' })).total, 0);
      const timeline = await svc.timeline(gone.id);
      assert.deepEqual(timeline.map((e) => `${e.module}:${e.kind}`).filter((k) => k !== 'companies:contact-added'), ['test-deals:deal', 'companies:created', 'companies:created', 'companies:merged']);
      const e = await err(svc.update(actor, gone.id, { nameJa: 'x' }));
      assert.equal(e.code, 'conflict');
    });

    it('rolls everything back when one merge hook fails', async () => {
      const keep = (await svc.create(actor, { nameJa: '残る側', country: 'JP' })).company;
      const gone = (await svc.create(actor, { nameJa: '消える側', country: 'JP' })).company;
      await (t.handle.db as any).insertInto('test_deals').values({ company_id: gone.id, label: 'C', at: '2019-05-03T00:00:00Z' }).execute();
      await (t.handle.db as any).insertInto('test_cases').values({ company_id: gone.id, label: 'D', at: '2019-05-04T00:00:00Z' }).execute();
      const audits = async () => (await t.handle.db.selectFrom('audit_log').select('id').execute()).length;
      const auditBefore = await audits();
      failMerge = true;
      try {
        await assert.rejects(svc.merge(actor, keep.id, gone.id), /test-cases hook failed/);
      } finally {
        failMerge = false;
      }
      assert.equal((await svc.get(gone.id)).id, gone.id);
      const deal = await (t.handle.db as any).selectFrom('test_deals').selectAll().where('label', '=', 'C').executeTakeFirst();
      assert.equal(deal.company_id, gone.id, 'the first hook was rolled back');
      const kase = await (t.handle.db as any).selectFrom('test_cases').selectAll().where('label', '=', 'D').executeTakeFirst();
      assert.equal(kase.company_id, gone.id);
      assert.equal(await audits(), auditBefore);
      assert.equal((await svc.search({ text: '消える' })).total, 1);
    });
  });
}
