import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, type TestApp } from '../../test/helpers.js';
import { bumpVersion } from '../core/versions.js';
import { planModule } from './module.js';
import { planService } from './index.js';

// The fast data-version read on SQLite runs on the raw connection and can see a write transaction that
// is still open; the cache must not keep a view computed under such a key.
describe('plan cache and an open write transaction [sqlite]', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp('sqlite', { onlyModules: [planModule], config: { seedPlan: true } });
  });
  after(async () => t?.close());

  const measurement = (value: number) => ({
    indicator_id: 'IND-SME-IOT',
    period_basis: 'fiscal' as const,
    period: 2017,
    value,
    source: 'test',
    as_of: '2018-04-01',
    provisional: 0,
    note: null,
    entered_by: null,
    entered_by_label: 'test',
    entered_at: '2018-04-01T00:00:00Z',
  });

  it('never serves a view keyed on a version that was rolled back', async () => {
    const plan = planService(t.app.kabuto);
    await plan.view();
    let during: Promise<unknown> | undefined;
    await assert.rejects(
      t.handle.db.transaction().execute(async (trx) => {
        await trx.insertInto('plan_measurements').values(measurement(99)).execute();
        await bumpVersion(trx, t.clock, 'plan');
        during = plan.view(); // reads the version bump of this open transaction
        throw new Error('roll back');
      }),
      /roll back/,
    );
    await during;
    await t.handle.db.transaction().execute(async (trx) => {
      await trx.insertInto('plan_measurements').values(measurement(5)).execute();
      await bumpVersion(trx, t.clock, 'plan'); // the same version number the rolled-back write had
    });
    const ind = await plan.indicator('IND-SME-IOT');
    assert.equal(ind.actuals.find((a) => a.year === 2017)?.value, 5);
  });
});
