import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { planModule } from './module.js';
import { DIALECTS, skipFor, testApp, tokenFor, type TestApp } from '../../test/helpers.js';
import type { KabutoModule } from '../core/context.js';
import { fiscalYearOfTimestamp } from '../core/db/index.js';
import { bumpVersion } from '../core/versions.js';
import { systemActor } from '../core/audit.js';
import { planService } from './index.js';

/**
 * A module as later modules will be: it publishes metrics (a query counting by fiscal year, with
 * filters) and the plan's indicators bind to them. Its table is created by the test.
 */
const widgets: KabutoModule = {
  name: 'widgets',
  registerMetrics(ctx) {
    const grouped = async (params: Record<string, unknown>, measure: 'count' | 'qty') => {
      const db = ctx.db as any;
      const fy = fiscalYearOfTimestamp(ctx.dialect, 'at');
      let q = db.selectFrom('test_widgets').select([fy.as('fy'), measure === 'count' ? sql<number>`count(*)`.as('n') : sql<number>`sum(qty)`.as('n')]);
      if (params.sector) q = q.where('sector', '=', params.sector);
      const rows: { fy: number; n: number }[] = await q.groupBy(fy).execute();
      return new Map(rows.map((r) => [Number(r.fy), Number(r.n)]));
    };
    ctx.metrics.register({
      name: 'widgets.established',
      module: 'widgets',
      description_ja: 'テスト用：設立数',
      description_en: 'Test: widgets established',
      params: { sector: { description: 'sector', values: ['finance', 'iot'] } },
      scopes: ['widgets'],
      compute: (_c, p) => grouped(p, 'count'),
    });
    ctx.metrics.register({
      name: 'widgets.qty',
      module: 'widgets',
      description_ja: 'テスト用：数量',
      description_en: 'Test: quantity',
      params: { sector: { description: 'sector', values: ['finance', 'iot'] } },
      scopes: ['widgets'],
      compute: (_c, p) => grouped(p, 'qty'),
    });
  },
  routes() {},
};

for (const dialect of DIALECTS) {
  describe(`metric registry and indicator bindings [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    const add = async (at: string, sector: string, qty = 1) => {
      await (t.handle.db as any).insertInto('test_widgets').values({ at, sector, qty }).execute();
    };
    before(async () => {
      t = await testApp(dialect, { onlyModules: [planModule], modules: [widgets], config: { seedPlan: true }, now: '2020-06-15T03:00:00Z' });
      await t.handle.db.schema.createTable('test_widgets').addColumn('at', 'text').addColumn('sector', 'text').addColumn('qty', 'integer').execute();
      // Fiscal-year edges in Japan time: 2018-03-31T15:00Z is already 1 April in Tokyo (FY2018).
      for (let i = 0; i < 11; i++) await add('2017-06-01T00:00:00Z', 'finance');
      await add('2018-03-31T14:59:59Z', 'finance'); // FY2017: 12
      await add('2018-03-31T15:00:00Z', 'finance'); // FY2018
      for (let i = 0; i < 8; i++) await add('2018-09-01T00:00:00Z', 'finance'); // FY2018: 9
      for (let i = 0; i < 9; i++) await add('2019-09-01T00:00:00Z', 'finance'); // FY2019: 9
      for (let i = 0; i < 3; i++) await add('2020-05-01T00:00:00Z', 'finance'); // FY2020 (in progress): 3
      for (let i = 0; i < 5; i++) await add('2019-01-01T00:00:00Z', 'iot', 100); // other sector: filtered out
      await add('2020-04-10T00:00:00Z', 'iot', 520);
      const plan = planService(t.app.kabuto);
      await plan.bind(systemActor('test'), 'IND-FOREIGN-FINANCIAL-ATTRACTION', 'widgets.established', { sector: 'finance' });
      await plan.bind(systemActor('test'), 'IND-WOMEN-ENTREPRENEURS', 'widgets.qty', { sector: 'iot' });
    });
    after(async () => t?.close());

    it('takes a cumulative indicator\'s actuals from a filtered metric, by fiscal year in Japan time', async () => {
      const ind = await planService(t.app.kabuto).indicator('IND-FOREIGN-FINANCIAL-ATTRACTION');
      const byYear = Object.fromEntries(ind.actuals.map((a) => [a.year, a.value]));
      assert.deepEqual(byYear, { 2017: 12, 2018: 9, 2019: 9, 2020: 3 });
      assert.equal(ind.actuals.at(-1)!.cumulative, 33);
      assert.equal(ind.status.code, 'at_risk'); // 33 of 40 expected by the end of FY2020, still in progress
      assert.equal(ind.binding.type, 'metric');
    });

    it('takes an annual indicator\'s actuals from a metric and judges the target year', async () => {
      const ind = await planService(t.app.kabuto).indicator('IND-WOMEN-ENTREPRENEURS');
      assert.equal(ind.actuals.find((a) => a.year === 2020)?.value, 520);
      assert.equal(ind.actuals.find((a) => a.year === 2018)?.value, 500);
      assert.equal(ind.status.code, 'achieved');
    });

    it('notices new records on the next read once the module bumps its data version', async () => {
      const plan = planService(t.app.kabuto);
      for (let i = 0; i < 7; i++) await add('2020-06-01T00:00:00Z', 'finance');
      // Not bumped yet: the cached view is still served.
      assert.equal((await plan.indicator('IND-FOREIGN-FINANCIAL-ATTRACTION')).actuals.at(-1)!.cumulative, 33);
      await bumpVersion(t.handle.db, t.clock, 'widgets');
      const ind = await plan.indicator('IND-FOREIGN-FINANCIAL-ATTRACTION');
      assert.equal(ind.actuals.at(-1)!.cumulative, 40);
      assert.equal(ind.status.code, 'achieved');
    });

    it('keeps a frozen year as reported when the records behind it change', async () => {
      const plan = planService(t.app.kabuto);
      const token = await tokenFor(t.app, 'staff');
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/plan/indicators/IND-FOREIGN-FINANCIAL-ATTRACTION/snapshots', headers: { authorization: `Bearer ${token}` }, payload: { fiscalYear: 2019 } });
      assert.equal(res.statusCode, 201, res.body);
      await (t.handle.db as any).deleteFrom('test_widgets').where('at', '=', '2019-09-01T00:00:00Z').execute();
      await bumpVersion(t.handle.db, t.clock, 'widgets');
      const ind = await plan.indicator('IND-FOREIGN-FINANCIAL-ATTRACTION');
      const fy19 = ind.actuals.find((a) => a.year === 2019)!;
      assert.equal(fy19.value, 9);
      assert.equal(fy19.frozen, true);
      const again = await t.app.inject({ method: 'POST', url: '/api/v1/plan/indicators/IND-FOREIGN-FINANCIAL-ATTRACTION/snapshots', headers: { authorization: `Bearer ${token}` }, payload: { fiscalYear: 2019 } });
      assert.equal(again.statusCode, 409);
      const current = await t.app.inject({ method: 'POST', url: '/api/v1/plan/indicators/IND-FOREIGN-FINANCIAL-ATTRACTION/snapshots', headers: { authorization: `Bearer ${token}` }, payload: { fiscalYear: 2020 } });
      assert.equal(current.statusCode, 422);
    });

    it('refuses a hand-entered measurement for a metric-bound indicator', async () => {
      const token = await tokenFor(t.app, 'staff');
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/plan/indicators/IND-FOREIGN-FINANCIAL-ATTRACTION/measurements', headers: { authorization: `Bearer ${token}` }, payload: { period: 2019, value: 3, source: 'x' } });
      assert.equal(res.statusCode, 409);
      assert.equal(res.json().code, 'metric-bound');
    });

    it('applies a module\'s default binding once: an administrator\'s later rebinding stands', async () => {
      const plan = planService(t.app.kabuto);
      assert.equal(await plan.bindByDefault(systemActor('seed'), 'IND-SME-IOT', 'widgets.qty', { sector: 'iot' }), true);
      assert.equal((await plan.indicator('IND-SME-IOT')).binding.type, 'metric');
      await plan.bind(systemActor('admin'), 'IND-SME-IOT', null);
      assert.equal(await plan.bindByDefault(systemActor('seed'), 'IND-SME-IOT', 'widgets.qty', { sector: 'iot' }), true);
      assert.equal((await plan.indicator('IND-SME-IOT')).binding.type, 'manual');
      assert.equal(await plan.bindByDefault(systemActor('seed'), 'IND-NOT-IN-THIS-PLAN', 'widgets.qty'), false);
    });

    it('refuses a binding to an unknown metric or filter value', async () => {
      const plan = planService(t.app.kabuto);
      const fieldsOf = (err: any) => (err.fields as { message: string }[]).map((f) => f.message).join(' ');
      await assert.rejects(plan.bind(systemActor('test'), 'IND-SME-IOT', 'widgets.nope'), (err: any) => err.code === 'validation-failed' && /unknown metric widgets.nope/.test(fieldsOf(err)));
      await assert.rejects(plan.bind(systemActor('test'), 'IND-SME-IOT', 'widgets.established', { sector: 'farming' }), (err: any) => err.code === 'validation-failed' && /sector: "farming"/.test(fieldsOf(err)));
      const list = await t.app.inject('/api/v1/plan/metrics');
      assert.deepEqual(list.json().map((m: { name: string }) => m.name), ['widgets.established', 'widgets.qty']);
    });
  });
}
