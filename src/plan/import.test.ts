import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALECTS, skipFor, testApp, type TestApp } from '../../test/helpers.js';
import { systemActor } from '../core/audit.js';
import { importPlanFile, importPlanText, PlanFileError } from './import.js';
import { SEED_PLAN_FILE } from './seed.js';
import { planService } from './index.js';

const seedText = readFileSync(SEED_PLAN_FILE, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'kabuto-plan-'));

async function tableCounts(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['plans', 'plan_target_groups', 'plan_indicators', 'plan_targets', 'plan_target_revisions', 'plan_baselines', 'plan_policy_developments', 'plan_subsections', 'plan_initiatives', 'plan_annual_rows', 'plan_milestones', 'audit_log'] as const) {
    const r = await t.handle.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    out[table] = Number(r.n);
  }
  return out;
}

function modified(mut: (plan: any) => void): string {
  const plan = JSON.parse(seedText);
  mut(plan);
  return JSON.stringify(plan, null, 1);
}

for (const dialect of DIALECTS) {
  describe(`plan import [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    const deps = () => ({ db: t.handle.db, dialect: t.handle.dialect, clock: t.clock });
    before(async () => {
      t = await testApp(dialect);
    });
    after(async () => t?.close());

    it('loads the shipped plan with every part counted', async () => {
      const r = await importPlanFile(deps(), SEED_PLAN_FILE, systemActor('test'));
      assert.equal(r.created, true);
      assert.deepEqual(r.counts, { targets: 18, indicators: 14, baselines: 11, developments: 7, initiatives: 85, annualRows: 36, milestones: r.counts.milestones });
      const c = await tableCounts(t);
      assert.equal(c.plan_targets, 18);
      assert.equal(c.plan_indicators, 14);
      assert.equal(c.plan_baselines, 11);
      assert.equal(c.plan_initiatives, 85);
      assert.equal(c.plan_annual_rows, 36);
      assert.equal(c.plan_subsections, 16);
    });

    it('keeps Japanese wording verbatim', async () => {
      const row = await t.handle.db.selectFrom('plan_targets').selectAll().where('id', '=', 'T2-04').executeTakeFirstOrThrow();
      assert.equal(row.value_text_ja, '４万件');
      assert.equal(row.name_ja, '公共データのオープンデータ化');
      const ind = await t.handle.db.selectFrom('plan_indicators').selectAll().where('id', '=', 'IND-BIGSIGHT-EXPANSION').executeTakeFirstOrThrow();
      assert.equal(ind.kind, 'milestone');
    });

    it('is idempotent: a second run of the same file writes nothing', async () => {
      const before = await tableCounts(t);
      const r = await importPlanFile(deps(), SEED_PLAN_FILE, systemActor('test'));
      assert.equal(r.unchanged, true);
      assert.deepEqual(await tableCounts(t), before);
    });

    it('turns a changed target value into a revision "imported from FILE", and runs twice without doubling', async () => {
      const text = modified((p) => {
        p.policyTargets.groups[0].targets[0].targetValue.value = 50;
        p.policyDevelopments[0].title_ja += '（改）';
      });
      const r = await importPlanText(deps(), text, 'plan-v2.json', systemActor('test'));
      assert.deepEqual(r.revisions, [{ targetId: 'T1-01', oldValue: 40, newValue: 50 }]);
      const again = await importPlanText(deps(), text, 'plan-v2.json', systemActor('test'));
      assert.equal(again.unchanged, true);
      const revs = await t.handle.db.selectFrom('plan_target_revisions').selectAll().where('target_id', '=', 'T1-01').execute();
      assert.equal(revs.length, 1);
      assert.equal(revs[0]!.reason, 'imported from plan-v2.json');
      const c = await tableCounts(t);
      assert.equal(c.plan_targets, 18);
      assert.equal(c.plan_initiatives, 85);
    });

    it('never overwrites a staff revision: the change is reported as a conflict', async () => {
      const staff = { id: null, label: 'staff@example.jp', role: 'staff' };
      await planService(t.app.kabuto).reviseTarget(staff, 'T1-02', { newValue: 45, effectiveFiscalYear: 2019, reason: 'raised at the two-year review' });
      const text = modified((p) => {
        p.policyTargets.groups[0].targets[0].targetValue.value = 50;
        p.policyTargets.groups[0].targets[1].targetValue.value = 60;
      });
      const r = await importPlanText(deps(), text, 'plan-v3.json', systemActor('test'));
      assert.equal(r.revisions.length, 0);
      assert.equal(r.conflicts.length, 1);
      assert.equal(r.conflicts[0]!.targetId, 'T1-02');
      const row = await t.handle.db.selectFrom('plan_targets').select('value').where('id', '=', 'T1-02').executeTakeFirstOrThrow();
      assert.equal(row.value, 45);
    });

    it('refuses a file with an error whole, naming the position, and leaves the database as it was', async () => {
      const before = await tableCounts(t);
      const bad = modified((p) => {
        p.policyTargets.groups[1].targets[3].kind = 'something else';
        p.policyDevelopments[0].title_ja = 'CHANGED';
      });
      await assert.rejects(importPlanText(deps(), bad, 'bad.json', systemActor('test')), (err: unknown) => {
        assert.ok(err instanceof PlanFileError);
        assert.equal(err.position, '/policyTargets/groups/1/targets/3/kind');
        return true;
      });
      await assert.rejects(importPlanText(deps(), '{"meta": {', 'broken.json', systemActor('test')), (err: unknown) => err instanceof PlanFileError && /line 1, column/.test(err.position));
      const missing = modified((p) => {
        delete p.annualPlan.rows[4].id;
      });
      await assert.rejects(importPlanText(deps(), missing, 'm.json', systemActor('test')), (err: unknown) => err instanceof PlanFileError && err.position === '/annualPlan/rows/4/id');
      assert.deepEqual(await tableCounts(t), before);
      const pd = await t.handle.db.selectFrom('plan_policy_developments').select('title_ja').where('number', '=', 1).executeTakeFirstOrThrow();
      assert.notEqual(pd.title_ja, 'CHANGED');
    });

    it('rolls back a failure in the middle of the write', async () => {
      const before = await tableCounts(t);
      // Two targets claiming one id of another plan passes validation but fails inside the transaction.
      const text = modified((p) => {
        p.meta.planId = 'another-plan';
        p.policyDevelopments[0].title_ja = 'SHOULD NOT STAY';
      });
      await assert.rejects(importPlanText(deps(), text, 'other.json', systemActor('test')), PlanFileError);
      assert.deepEqual(await tableCounts(t), before);
    });

    it('reads a file from disk and reports an unreadable one', async () => {
      const f = join(dir, `seed-${dialect}.json`);
      writeFileSync(f, seedText);
      assert.equal((await importPlanFile(deps(), f, systemActor('test'))).unchanged, false);
      await assert.rejects(importPlanFile(deps(), join(dir, 'nope.json'), systemActor('test')), PlanFileError);
    });
  });
}
