import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, testApp, type TestApp } from '../../test/helpers.js';
import { systemActor } from '../core/audit.js';
import { companiesService } from '../companies/index.js';
import { matchingModule } from './module.js';
import { api, caller, company, ok, publicCard, type Caller } from './testing.js';

const IND = 'IND-FOREIGN-LOCAL-MATCHING';

for (const dialect of DIALECTS) {
  describe(`matching metric and the plan's 1-03 [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let staff: Caller;
    /** The actual of 1-03 in a fiscal year, as /api/v1/plan shows it. */
    const actual = async (fy: number): Promise<number | undefined> => {
      const res = await t.app.inject('/api/v1/plan');
      assert.equal(res.statusCode, 200, res.body);
      const ind = res.json().indicators.find((i: { id: string }) => i.id === IND);
      assert.ok(ind, 'the plan lists 1-03');
      const detail = (await t.app.inject(`/api/v1/plan/indicators/${IND}`)).json();
      return detail.actuals.find((a: { year: number }) => a.year === fy)?.value;
    };
    const introduce = async (a: number, b: number, extra: Record<string, unknown> = {}) => ok(await api(t, staff).post('/introductions', { companyA: a, companyB: b, ...extra }), 201);
    const held = async (id: number, heldOn: string, who: Caller = staff) => ok(await api(t, who).post(`/meetings/${id}/held`, { held: true, heldOn }));

    before(async () => {
      // FY2020 is under way: 2020-06-15 in Tokyo.
      t = await testApp(dialect, { config: { seedPlan: true }, now: '2020-06-15T03:00:00Z' });
      staff = await caller(t, 'staff');
    });
    after(async () => t?.close());

    it('binds 1-03 to matching.introductions on seed, idempotently', async () => {
      const ind = (await t.app.inject(`/api/v1/plan/indicators/${IND}`)).json();
      assert.equal(ind.binding.type, 'metric');
      assert.equal(ind.binding.metric, 'matching.introductions');
      const audits = async () => Number((await t.handle.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'plan.indicator.bind').where('entity_id', '=', IND).executeTakeFirstOrThrow()).n);
      const before = await audits();
      await matchingModule.seed!(t.app.kabuto);
      assert.equal(await audits(), before);
      const metrics = (await t.app.inject('/api/v1/plan/metrics')).json().map((m: { name: string }) => m.name);
      assert.ok(metrics.includes('matching.introductions') && metrics.includes('matching.meetings'));
    });

    it('moves 1-03 when a meeting between a foreign and a Tokyo company has been held, in the fiscal year of its date', async () => {
      const foreign = await company(t, 'foreign');
      const tokyo = await company(t, 'tokyo');
      assert.equal(await actual(2020), 0);
      const m = await introduce(foreign, tokyo);
      // Introduced but not held: nothing counts yet.
      assert.equal(await actual(2020), 0);
      const after = await held(m.id, '2020-06-01');
      assert.equal(after.countsForPlan, true);
      assert.equal(after.heldFiscalYear, 2020);
      assert.equal(await actual(2020), 1);
      // 31 March is still the previous fiscal year.
      const m2 = await introduce(tokyo, await company(t, 'foreign', { country: 'US' }));
      await held(m2.id, '2020-03-31');
      assert.equal(await actual(2019), 1);
      assert.equal(await actual(2020), 1);
    });

    it('does not count a meeting between two Tokyo companies, one not held, one with a firm outside Tokyo, or one the companies arranged themselves', async () => {
      const before2020 = await actual(2020);
      const a = await company(t, 'tokyo');
      const b = await company(t, 'tokyo');
      const m = await introduce(a, b);
      const r = await held(m.id, '2020-06-02');
      assert.equal(r.countsForPlan, false);
      const f = await company(t, 'foreign');
      const planned = await introduce(f, await company(t, 'tokyo'));
      const notHeld = ok(await api(t, staff).post(`/meetings/${planned.id}/held`, { held: false }));
      assert.equal(notHeld.status, 'not-held');
      const osaka = await introduce(await company(t, 'foreign'), await company(t, 'osaka'));
      await held(osaka.id, '2020-06-03');
      const self = await introduce(await company(t, 'foreign'), await company(t, 'tokyo'), { arrangedByCity: false });
      const selfHeld = await held(self.id, '2020-06-04');
      assert.equal(selfHeld.channel, 'other');
      assert.equal(selfHeld.countsForPlan, false);
      assert.equal(await actual(2020), before2020);
    });

    it('counts a meeting requested through the marketplace and held, and follows the registry when a country is corrected', async () => {
      const before2020 = await actual(2020);
      const foreign = await company(t, 'foreign');
      const tokyo = await company(t, 'tokyo');
      const fm = await caller(t, 'member', foreign);
      const tm = await caller(t, 'member', tokyo);
      const card = await publicCard(t, tm, staff, { kind: 'procurement-need', titleEn: 'Payment terminals wanted' });
      const req = ok(await api(t, fm).post('/requests', { cardId: card.id, message: 'We make payment terminals.' }), 201);
      const answered = ok(await api(t, tm).post(`/requests/${req.id}/answer`, { decision: 'accept' }));
      await held(answered.meetingId, '2020-06-05', fm);
      assert.equal(await actual(2020), before2020! + 1);
      // The registry learns the "foreign" firm is Japanese after all: the introduction no longer counts.
      await companiesService(t.app.kabuto).update(systemActor('test'), foreign, { country: 'JP' });
      assert.equal(await actual(2020), before2020);
    });

    it('publishes counts by kind of matching', async () => {
      const list = (await t.app.inject('/api/v1/plan/metrics')).json();
      const def = list.find((m: { name: string }) => m.name === 'matching.introductions');
      assert.deepEqual(def.params.kind.values, ['business', 'fintech-finance', 'startup-corporate', 'startup-investor', 'open-patent']);
      const m = await introduce(await company(t, 'foreign', { jsic: 'J' }), await company(t, 'tokyo', { jsic: 'J' }), { kind: 'fintech-finance' });
      await held(m.id, '2020-06-06');
      const byKind = await t.app.kabuto.metrics.get('matching.introductions')!.compute({ db: t.handle.db, dialect }, { kind: 'fintech-finance' });
      assert.equal(byKind.get(2020), 1);
      const business = await t.app.kabuto.metrics.get('matching.introductions')!.compute({ db: t.handle.db, dialect }, { kind: 'business' });
      // FY2020 so far: the first introduction (business) and this one (fintech) count; the marketplace one no longer does.
      assert.equal(business.get(2020), 1);
      assert.equal(await actual(2020), 2);
      // Every held meeting arranged by the city, whoever met: those two, Tokyo×Tokyo, foreign×Osaka and the marketplace one.
      const all = await t.app.kabuto.metrics.get('matching.meetings')!.compute({ db: t.handle.db, dialect }, {});
      assert.equal(all.get(2020), 5);
    });
  });
}
