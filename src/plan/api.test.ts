import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { planModule } from './module.js';
import { DIALECTS, skipFor, testApp, tokenFor, loginAs, type TestApp } from '../../test/helpers.js';

const IND = 'IND-FOREIGN-FINANCIAL-ATTRACTION';

for (const dialect of DIALECTS) {
  describe(`plan API [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let staff: string;
    const measurements = async () => Number((await t.handle.db.selectFrom('plan_measurements').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const post = (url: string, payload: unknown, token = staff) => t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });

    before(async () => {
      // The plan on its own: other modules bind indicators to their metrics, which these tests do not test.
      t = await testApp(dialect, { onlyModules: [planModule], config: { seedPlan: true } });
      staff = await tokenFor(t.app, 'staff');
    });
    after(async () => t?.close());

    it('lists every indicator with targets, trajectory, latest actual and status', async () => {
      const res = await t.app.inject('/api/v1/plan');
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.indicators.length, 14);
      assert.equal(body.indicators.flatMap((i: any) => i.targets).length, 18);
      assert.deepEqual(body.plan.acceptedYears, { min: 2012, max: 2024 });
      const paired = body.indicators.find((i: any) => i.id === 'IND-SME-GROWTH-ENTRY');
      assert.deepEqual(paired.targets.map((x: any) => [x.year, x.value]), [
        [2020, 700],
        [2024, 1200],
      ]);
      assert.equal(body.indicators.find((i: any) => i.id === 'IND-STARTUP-RATE').kind, 'range');
      assert.equal(body.indicators.every((i: any) => i.status.code === 'no_data'), true);
    });

    it('answers 404 problem+json for an unknown indicator', async () => {
      const res = await t.app.inject('/api/v1/plan/indicators/IND-NOPE');
      assert.equal(res.statusCode, 404);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(res.json().code, 'unknown-indicator');
    });

    it('stores a measurement and the next read shows it (the cache notices)', async () => {
      await t.app.inject('/api/v1/plan'); // warm the cache
      const res = await post(`/api/v1/plan/indicators/${IND}/measurements`, { period: 2017, value: 12, source: '産業労働局調べ', asOf: '2018-05-01' });
      assert.equal(res.statusCode, 201, res.body);
      const plan = (await t.app.inject('/api/v1/plan')).json();
      const ind = plan.indicators.find((i: any) => i.id === IND);
      assert.equal(ind.latest.value, 12);
      assert.equal(ind.latest.source, '産業労働局調べ');
      assert.equal(ind.status.code, 'on_track');
      const detail = (await t.app.inject(`/api/v1/plan/indicators/${IND}`)).json();
      assert.equal(detail.measurements.length, 1);
      assert.equal(detail.measurements[0].enteredBy.startsWith('staff-token'), true);
    });

    it('keeps the history when a year is measured again: the later figure wins', async () => {
      await post(`/api/v1/plan/indicators/${IND}/measurements`, { period: 2017, value: 11, source: 'revised statistics', provisional: false });
      const detail = (await t.app.inject(`/api/v1/plan/indicators/${IND}`)).json();
      assert.equal(detail.actuals.find((a: any) => a.year === 2017).value, 11);
      assert.deepEqual(detail.measurements.map((m: any) => m.superseded), [true, false]);
    });

    const bad: [string, unknown, number, string][] = [
      ['a value of the wrong type', { period: 2018, value: '12', source: 's' }, 400, 'value'],
      ['a period given as text', { period: '2018', value: 12, source: 's' }, 400, 'period'],
      ['a period before the earliest baseline', { period: 2011, value: 1, source: 's' }, 422, 'period'],
      ['a period after the latest target year', { period: 2025, value: 1, source: 's' }, 422, 'period'],
      ['no source', { period: 2018, value: 1 }, 400, 'source'],
      ['a blank source', { period: 2018, value: 1, source: '   ' }, 422, 'source'],
      ['an unknown field', { period: 2018, value: 1, source: 's', sneaky: true }, 400, 'sneaky'],
      ['a negative count', { period: 2018, value: -3, source: 's' }, 422, 'value'],
      ['a malformed as-of date', { period: 2018, value: 3, source: 's', asOf: '2018-13-45' }, 422, 'asOf'],
    ];
    for (const [what, payload, status, field] of bad) {
      it(`refuses a measurement with ${what}, naming the field, and stores nothing`, async () => {
        const before = await measurements();
        const res = await post(`/api/v1/plan/indicators/${IND}/measurements`, payload);
        assert.equal(res.statusCode, status, res.body);
        assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
        assert.ok(res.json().errors.some((e: any) => e.field === field), res.body);
        assert.equal(await measurements(), before);
      });
    }

    it('refuses a measurement for an unknown indicator with 422 naming the field', async () => {
      const res = await post('/api/v1/plan/indicators/IND-NOPE/measurements', { period: 2018, value: 1, source: 's' });
      assert.equal(res.statusCode, 422);
      assert.equal(res.json().errors[0].field, 'indicatorId');
    });

    it('accepts the calendar year of a milestone indicator as done', async () => {
      const res = await post('/api/v1/plan/indicators/IND-BIGSIGHT-EXPANSION/measurements', { period: 2019, value: 1, source: '東京ビッグサイト竣工' });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().periodBasis, 'calendar');
      const ind = (await t.app.inject('/api/v1/plan/indicators/IND-BIGSIGHT-EXPANSION')).json();
      assert.equal(ind.status.code, 'achieved');
      const half = await post('/api/v1/plan/indicators/IND-BIGSIGHT-EXPANSION/measurements', { period: 2019, value: 0.5, source: 'x' });
      assert.equal(half.statusCode, 422);
    });

    it('revises a target with a reason; the old value stays visible; the trajectory follows', async () => {
      const none = await post('/api/v1/plan/targets/T1-01/revisions', { newValue: 60, effectiveFiscalYear: 2019 });
      assert.equal(none.statusCode, 400);
      const res = await post('/api/v1/plan/targets/T1-01/revisions', { newValue: 60, effectiveFiscalYear: 2019, reason: 'two-year review: raised' });
      assert.equal(res.statusCode, 201, res.body);
      const ind = (await t.app.inject(`/api/v1/plan/indicators/${IND}`)).json();
      const target = ind.targets[0];
      assert.equal(target.value, 60);
      assert.equal(target.plannedValue, 40);
      assert.deepEqual(target.revisions.map((r: any) => [r.oldValue, r.newValue, r.reason]), [[40, 60, 'two-year review: raised']]);
      assert.equal(ind.trajectory.at(-1).value, 60);
      const unknown = await post('/api/v1/plan/targets/T9-99/revisions', { newValue: 1, effectiveFiscalYear: 2019, reason: 'why not' });
      assert.equal(unknown.statusCode, 422);
      const range = await post('/api/v1/plan/targets/T2-06/revisions', { newValue: 12, effectiveFiscalYear: 2019, reason: 'a range has no value' });
      assert.equal(range.statusCode, 422);
    });

    it('audits measurements and revisions with who, before and after', async () => {
      const rows = await t.handle.db.selectFrom('audit_log').selectAll().where('action', 'in', ['plan.measurement.create', 'plan.target.revise']).execute();
      assert.ok(rows.some((r) => r.action === 'plan.target.revise' && JSON.parse(r.before_json!).value === 40 && JSON.parse(r.after_json!).value === 60));
      assert.ok(rows.filter((r) => r.action === 'plan.measurement.create').every((r) => r.actor_label.startsWith('staff-token')));
    });

    it('refuses anonymous writers (401) and members (403)', async () => {
      const anon = await t.app.inject({ method: 'POST', url: `/api/v1/plan/indicators/${IND}/measurements`, payload: { period: 2018, value: 1, source: 's' } });
      assert.equal(anon.statusCode, 401);
      const member = await tokenFor(t.app, 'member');
      const res = await post(`/api/v1/plan/indicators/${IND}/measurements`, { period: 2018, value: 1, source: 's' }, member);
      assert.equal(res.statusCode, 403);
      const badToken = await post(`/api/v1/plan/indicators/${IND}/measurements`, { period: 2018, value: 1, source: 's' }, 'kbt_not-a-token');
      assert.equal(badToken.statusCode, 401);
      assert.equal(badToken.json().code, 'token-invalid');
    });

    it('accepts a staff session on the JSON API only with the CSRF header', async () => {
      const s = await loginAs(t.app, 'staff');
      const url = `/api/v1/plan/indicators/${IND}/measurements`;
      const without = await t.app.inject({ method: 'POST', url, headers: { cookie: s.cookie }, payload: { period: 2018, value: 2, source: 'form' } });
      assert.equal(without.statusCode, 403);
      assert.equal(without.json().code, 'csrf-invalid');
      const withHeader = await t.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload: { period: 2018, value: 2, source: 'form' } });
      assert.equal(withHeader.statusCode, 201, withHeader.body);
    });

    it('publishes the routes in the OpenAPI document', async () => {
      const doc = (await t.app.inject('/api/openapi.json')).json();
      assert.equal(doc.openapi, '3.0.3');
      for (const p of ['/api/v1/plan', '/api/v1/plan/indicators/{id}', '/api/v1/plan/indicators/{id}/measurements', '/api/v1/plan/targets/{id}/revisions']) assert.ok(doc.paths[p], p);
      assert.equal(doc.paths['/plan'], undefined);
      const docs = await t.app.inject('/api/docs');
      assert.ok(docs.statusCode < 400);
    });
  });
}

describe('plan import through the API', () => {
  it('refuses a broken plan whole with its position, and takes a good one idempotently (admin only)', async () => {
    const { readFileSync } = await import('node:fs');
    const { SEED_PLAN_FILE } = await import('./seed.js');
    const t = await testApp('sqlite', { onlyModules: [planModule], config: { seedPlan: true } });
    try {
      const admin = await tokenFor(t.app, 'admin');
      const staff = await tokenFor(t.app, 'staff');
      const plan = JSON.parse(readFileSync(SEED_PLAN_FILE, 'utf8'));
      const url = '/api/v1/plan/import?name=upload.json';
      assert.equal((await t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${staff}` }, payload: plan })).statusCode, 403);
      plan.policyTargets.groups[0].targets[0].targetValue.value = 'forty';
      const bad = await t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${admin}` }, payload: plan });
      assert.equal(bad.statusCode, 422);
      assert.equal(bad.json().code, 'plan-file-invalid');
      assert.equal(bad.json().errors[0].field, '/policyTargets/groups/0/targets/0/targetValue/value');
      plan.policyTargets.groups[0].targets[0].targetValue.value = 44;
      const ok = await t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${admin}` }, payload: plan });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json().revisions, [{ targetId: 'T1-01', oldValue: 40, newValue: 44 }]);
      const again = await t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${admin}` }, payload: plan });
      assert.equal(again.json().unchanged, true);
    } finally {
      await t.close();
    }
  });
});
