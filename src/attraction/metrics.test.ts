import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, testApp, type TestApp } from '../../test/helpers.js';
import { attractionModule } from './module.js';
import { advance, api, caller, newLead, type Caller } from './testing.js';

const FIN = 'IND-FOREIGN-FINANCIAL-ATTRACTION';
const IOT = 'IND-FOREIGN-IOT-ATTRACTION';
const TOTAL = 'IND-FOREIGN-TOTAL-ATTRACTION';

for (const dialect of DIALECTS) {
  describe(`attraction metrics and plan bindings [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let staff: Caller;
    /** The actual of an indicator in a fiscal year, as /api/v1/plan shows it (0 when the year is reported empty). */
    const actual = async (indicator: string, fy: number): Promise<number | undefined> => {
      const res = await t.app.inject(`/api/v1/plan/indicators/${indicator}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json().actuals.find((a: { year: number }) => a.year === fy)?.value;
    };
    const planLatest = async (indicator: string) => (await t.app.inject('/api/v1/plan')).json().indicators.find((i: { id: string }) => i.id === indicator);

    before(async () => {
      // FY2020 (the plan's last year) is under way: 2020-06-15 in Tokyo.
      t = await testApp(dialect, { config: { seedPlan: true }, now: '2020-06-15T03:00:00Z' });
      staff = await caller(t, 'staff');
    });
    after(async () => t?.close());

    it('binds the group-1 targets to attraction.established on seed', async () => {
      for (const [id, params] of [
        [FIN, { sector: 'financial', by: 'city' }],
        [IOT, { sector: 'fourth-industrial', by: 'city' }],
        [TOTAL, { by: 'total' }],
      ] as const) {
        const ind = (await t.app.inject(`/api/v1/plan/indicators/${id}`)).json();
        assert.equal(ind.binding.type, 'metric', id);
        assert.equal(ind.binding.metric, 'attraction.established', id);
        assert.deepEqual(ind.binding.params, params, id);
      }
      const metrics = (await t.app.inject('/api/v1/plan/metrics')).json().map((m: { name: string }) => m.name);
      assert.ok(metrics.includes('attraction.established'));
      assert.ok(metrics.includes('attraction.consultations'));
    });

    it('binds idempotently: seeding again writes nothing', async () => {
      const audits = async () =>
        Number((await t.handle.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'plan.indicator.bind').where('entity_id', 'in', [FIN, IOT, TOTAL]).executeTakeFirstOrThrow()).n);
      const before = await audits();
      assert.equal(before, 3);
      await attractionModule.seed!(t.app.kabuto);
      assert.equal(await audits(), before);
    });

    it('moves the plan actual of 1-01 and 1-04 in the fiscal year of the establishment date when a financial lead is established', async () => {
      assert.equal(await actual(FIN, 2020), 0);
      assert.equal(await actual(TOTAL, 2020), 0);
      await planLatest(FIN); // the plan view is cached now
      const lead = await newLead(t, staff, { sector: 'asset-management' });
      await advance(t, staff, lead.id, 'decided', { contact: '2020-04-02', consult: '2020-04-03', decided: '2020-04-10' });
      // Decided is not established: nothing counts yet.
      assert.equal(await actual(FIN, 2020), 0);
      await advance(t, staff, lead.id, 'established', { established: '2020-06-01' });
      assert.equal(await actual(FIN, 2020), 1);
      assert.equal(await actual(TOTAL, 2020), 1);
      assert.equal(await actual(IOT, 2020), 0);
      assert.equal((await planLatest(FIN)).latest.value, 1);
    });

    it('counts by the fiscal year of the establishment date, at the April edge', async () => {
      const march = await newLead(t, staff, { sector: 'fintech' });
      await advance(t, staff, march.id, 'established', { contact: '2019-01-10', consult: '2019-01-11', decided: '2019-02-01', established: '2020-03-31' });
      const april = await newLead(t, staff, { sector: 'fintech' });
      await advance(t, staff, april.id, 'established', { contact: '2019-01-10', consult: '2019-01-11', decided: '2019-02-01', established: '2020-04-01' });
      assert.equal(await actual(FIN, 2019), 1);
      assert.equal(await actual(FIN, 2020), 2);
      const lead = (await api(t, staff).get(`/leads/${march.id}`)).json();
      assert.equal(lead.establishedFiscalYear, 2019);
    });

    it('counts fourth-industrial firms in 1-02 and not in 1-01', async () => {
      const iot = await newLead(t, staff, { sector: 'big-data' });
      await advance(t, staff, iot.id, 'established', { contact: '2020-04-02', decided: '2020-04-20', established: '2020-05-15' });
      assert.equal(await actual(IOT, 2020), 1);
      assert.equal(await actual(FIN, 2020), 2);
      assert.equal(await actual(TOTAL, 2020), 3); // two financial (June and the April-edge one) and this one; the March one is FY2019
      assert.equal(await actual(TOTAL, 2019), 1);
      // A lead that is dropped counts nowhere.
      const gone = await newLead(t, staff, { sector: 'ai' });
      await advance(t, staff, gone.id, 'decided', { contact: '2020-04-02', decided: '2020-04-20' });
      await api(t, staff).post(`/leads/${gone.id}/moves`, { to: 'dropped', dropReason: 'Board vetoed the plan' });
      assert.equal(await actual(IOT, 2020), 1);
    });

    it('moves only 1-04 when staff record a firm attracted by others', async () => {
      const before = { fin: await actual(FIN, 2020), iot: await actual(IOT, 2020), total: await actual(TOTAL, 2020) };
      const res = await api(t, staff).post('/others', { company: { nameEn: 'Lion City Payments Pte', country: 'SG' }, establishedDate: '2020-05-20', sector: 'fintech', source: 'JETRO Invest Japan' });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().establishedFiscalYear, 2020);
      assert.equal(await actual(FIN, 2020), before.fin);
      assert.equal(await actual(IOT, 2020), before.iot);
      assert.equal(await actual(TOTAL, 2020), before.total! + 1);
      // Moving its date to the previous fiscal year moves the count with it; deleting it removes it.
      const moved = await api(t, staff).patch(`/others/${res.json().id}`, { establishedDate: '2019-12-01' });
      assert.equal(moved.statusCode, 200, moved.body);
      assert.equal(await actual(TOTAL, 2020), before.total);
      const fy19 = await actual(TOTAL, 2019);
      const del = await api(t, staff).del(`/others/${res.json().id}`);
      assert.equal(del.statusCode, 204);
      assert.equal(await actual(TOTAL, 2019), fy19! - 1);
    });

    it('refuses to count a firm twice: attracted by others and by the city', async () => {
      const lead = await newLead(t, staff, { sector: 'iot' });
      await advance(t, staff, lead.id, 'established', { contact: '2020-04-02', decided: '2020-04-20', established: '2020-05-01' });
      const total = await actual(TOTAL, 2020);
      const res = await api(t, staff).post('/others', { companyId: lead.company.id, establishedDate: '2020-05-01', sector: 'iot', source: 'a bank' });
      assert.equal(res.statusCode, 409, res.body);
      assert.match(res.json().detail, new RegExp(`lead of the city \\(#${lead.id}\\)`));
      assert.equal(await actual(TOTAL, 2020), total);
      const other = await api(t, staff).post('/others', { company: { nameEn: 'Nordic Sensors AB', country: 'SE' }, establishedDate: '2020-05-01', sector: 'iot', source: 'Business Sweden' });
      const again = await api(t, staff).post('/leads', { companyId: other.json().company.id, sector: 'iot', origin: 'inbound' });
      assert.equal(again.statusCode, 409, again.body);
      assert.match(again.body, /attracted by others/);
    });

    it('counts consultations by fiscal year of their date', async () => {
      const metric = t.app.kabuto.metrics.get('attraction.consultations')!;
      const all = await metric.compute({ db: t.handle.db, dialect }, {});
      const fin = await metric.compute({ db: t.handle.db, dialect }, { sector: 'financial' });
      assert.ok((all.get(2020) ?? 0) >= (fin.get(2020) ?? 0));
      assert.equal(fin.get(2018), 2); // the two April-edge leads above were both consulted on 2019-01-11 (FY2018)
    });
  });
}
