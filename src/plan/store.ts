import type { Db, DbOrTrx } from '../core/db/index.js';
import type { PlanMeasurementsTable } from './tables.js';
import type { Insertable } from 'kysely';

/** Kysely queries of the plan domain. The service owns transactions and rules. */
export const planStore = {
  plans: (db: Db) => db.selectFrom('plans').selectAll().orderBy('from_fy').execute(),
  plan: (db: Db, id: string) => db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst(),
  groups: (db: Db) => db.selectFrom('plan_target_groups').selectAll().orderBy('plan_id').orderBy('number').execute(),
  indicators: (db: Db) => db.selectFrom('plan_indicators').selectAll().orderBy('group_number').orderBy('position').execute(),
  indicator: (db: DbOrTrx, id: string) => db.selectFrom('plan_indicators').selectAll().where('id', '=', id).executeTakeFirst(),
  targets: (db: Db) => db.selectFrom('plan_targets').selectAll().orderBy('position').execute(),
  target: (db: DbOrTrx, id: string) => db.selectFrom('plan_targets').selectAll().where('id', '=', id).executeTakeFirst(),
  revisions: (db: Db) => db.selectFrom('plan_target_revisions').selectAll().orderBy('id').execute(),
  baselines: (db: Db) => db.selectFrom('plan_baselines').selectAll().orderBy('id').execute(),
  developments: (db: Db) => db.selectFrom('plan_policy_developments').selectAll().orderBy('plan_id').orderBy('number').execute(),
  subsections: (db: Db) => db.selectFrom('plan_subsections').selectAll().orderBy('development').orderBy('number').execute(),
  initiatives: (db: Db) => db.selectFrom('plan_initiatives').selectAll().orderBy('development').orderBy('subsection').orderBy('position').execute(),
  annualRows: (db: Db) => db.selectFrom('plan_annual_rows').selectAll().orderBy('position').execute(),
  milestones: (db: Db) => db.selectFrom('plan_milestones').selectAll().orderBy('row_id').orderBy('item').orderBy('fiscal_year').execute(),
  measurements: (db: Db) => db.selectFrom('plan_measurements').selectAll().orderBy('indicator_id').orderBy('period').orderBy('id').execute(),
  snapshots: (db: Db) => db.selectFrom('plan_snapshots').selectAll().execute(),
  snapshot: (db: DbOrTrx, indicatorId: string, fy: number) => db.selectFrom('plan_snapshots').selectAll().where('indicator_id', '=', indicatorId).where('fiscal_year', '=', fy).executeTakeFirst(),
  insertMeasurement: (db: DbOrTrx, m: Insertable<PlanMeasurementsTable>) => db.insertInto('plan_measurements').values(m).returning('id').executeTakeFirstOrThrow(),
  /** The earliest and latest fiscal years any plan speaks of: baselines, plan periods and target years. */
  async yearSpan(db: Db): Promise<{ min: number; max: number } | null> {
    const p = await db.selectFrom('plans').select((eb) => [eb.fn.min('from_fy').as('from'), eb.fn.max('to_fy').as('to')]).executeTakeFirst();
    if (!p || p.from === null) return null;
    const b = await db.selectFrom('plan_baselines').select((eb) => [eb.fn.min('from_fy').as('a'), eb.fn.min('to_fy').as('b')]).executeTakeFirst();
    const t = await db.selectFrom('plan_targets').select((eb) => eb.fn.max('target_year').as('y')).executeTakeFirst();
    const mins = [p.from, b?.a, b?.b].filter((x): x is number => typeof x === 'number');
    const maxs = [p.to, t?.y].filter((x): x is number => typeof x === 'number');
    return { min: Math.min(...mins), max: Math.max(...maxs) };
  },
};
