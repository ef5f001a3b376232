import type { Kysely } from 'kysely';
import { float, withId } from '../core/db/migrate.js';

// The plan: two linked trees (numbered targets; policy developments with their annual plan),
// indicators shared across plans, measurements, target revisions and frozen yearly snapshots.
export async function up(db: Kysely<any>): Promise<void> {
  const real = float(db);
  await db.schema
    .createTable('plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title_ja', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('from_fy', 'integer', (c) => c.notNull())
    .addColumn('to_fy', 'integer', (c) => c.notNull())
    // The plan's prose (vision, budget, review rules, past efforts, meta) as imported, JSON.
    .addColumn('document_json', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('source_file', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('plan_target_groups')
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('name_ja', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_target_groups_pk', ['plan_id', 'number'])
    .execute();

  await db.schema
    .createTable('plan_indicators')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name_ja', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('unit_ja', 'text')
    .addColumn('unit_en', 'text')
    .addColumn('group_number', 'integer')
    // manual: staff enter or import official figures; metric: a module's named metric, computed on read.
    .addColumn('binding', 'text', (c) => c.notNull().defaultTo('manual'))
    .addColumn('metric_name', 'text')
    .addColumn('metric_params_json', 'text')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('plan_targets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('group_number', 'integer', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('indicator_id', 'text', (c) => c.notNull().references('plan_indicators.id'))
    .addColumn('name_ja', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    // fiscal: target_year is a fiscal year (年度); calendar: a calendar year (年).
    .addColumn('year_basis', 'text', (c) => c.notNull())
    .addColumn('target_year', 'integer', (c) => c.notNull())
    .addColumn('target_year_text', 'text', (c) => c.notNull())
    .addColumn('value', real)
    .addColumn('min_value', real)
    .addColumn('max_value', real)
    .addColumn('imported_value', real)
    .addColumn('unit_ja', 'text')
    .addColumn('unit_en', 'text')
    .addColumn('value_text_ja', 'text', (c) => c.notNull())
    .addColumn('status_ja', 'text')
    .addColumn('status_en', 'text')
    .addColumn('comparison_ja', 'text')
    .addColumn('comparison_en', 'text')
    .addColumn('kind_text', 'text', (c) => c.notNull())
    .addColumn('kind_confidence', 'text', (c) => c.notNull())
    .addColumn('kind_basis', 'text')
    .addColumn('beyond_plan_period', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('related_rows_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('baseline_ids_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('plan_targets_indicator_idx').on('plan_targets').column('indicator_id').execute();

  await withId(db, db.schema.createTable('plan_target_revisions'))
    .addColumn('target_id', 'text', (c) => c.notNull().references('plan_targets.id').onDelete('cascade'))
    .addColumn('old_value', real)
    .addColumn('new_value', real, (c) => c.notNull())
    .addColumn('effective_fy', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    // staff: entered by a person; import: a changed plan file.
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('plan_target_revisions_target_idx').on('plan_target_revisions').column('target_id').execute();

  await db.schema
    .createTable('plan_baselines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('indicator_ja', 'text', (c) => c.notNull())
    .addColumn('indicator_en', 'text', (c) => c.notNull())
    .addColumn('value', real)
    .addColumn('unit_ja', 'text')
    .addColumn('unit_en', 'text')
    .addColumn('text_ja', 'text', (c) => c.notNull())
    .addColumn('from_fy', 'integer')
    .addColumn('to_fy', 'integer')
    .addColumn('aggregation', 'text')
    .addColumn('is_estimate', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('context_ja', 'text')
    .addColumn('context_en', 'text')
    .addColumn('data_source_ja', 'text')
    .addColumn('data_source_en', 'text')
    .addColumn('related_targets_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();

  await db.schema
    .createTable('plan_policy_developments')
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('title_ja', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('intro_ja', 'text')
    .addColumn('intro_en', 'text')
    .addPrimaryKeyConstraint('plan_policy_developments_pk', ['plan_id', 'number'])
    .execute();

  await db.schema
    .createTable('plan_subsections')
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('development', 'integer', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('title_ja', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_subsections_pk', ['plan_id', 'development', 'number'])
    .execute();

  await db.schema
    .createTable('plan_initiatives')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('development', 'integer', (c) => c.notNull())
    .addColumn('subsection', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('text_ja', 'text', (c) => c.notNull())
    .addColumn('summary_en', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('plan_annual_rows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('development', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('area_ja', 'text', (c) => c.notNull())
    .addColumn('area_en', 'text', (c) => c.notNull())
    .addColumn('item_ja', 'text', (c) => c.notNull())
    .addColumn('item_en', 'text', (c) => c.notNull())
    .addColumn('status_json', 'text', (c) => c.notNull())
    .addColumn('status_is_estimate', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('goal_json', 'text', (c) => c.notNull())
    .addColumn('confidence', 'text', (c) => c.notNull())
    .addColumn('notes_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('related_targets_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();

  await withId(db, db.schema.createTable('plan_milestones'))
    .addColumn('row_id', 'text', (c) => c.notNull().references('plan_annual_rows.id').onDelete('cascade'))
    .addColumn('item', 'integer', (c) => c.notNull())
    .addColumn('label_ja', 'text')
    .addColumn('label_en', 'text')
    .addColumn('fiscal_year', 'integer', (c) => c.notNull())
    // value: a number; text: a description; ongoing: covered by an arrow or band.
    .addColumn('cell_kind', 'text', (c) => c.notNull())
    .addColumn('value', real)
    .addColumn('unit_ja', 'text')
    .addColumn('unit_en', 'text')
    .addColumn('text_ja', 'text')
    .addColumn('text_en', 'text')
    .addColumn('confidence', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('plan_milestones_row_idx').on('plan_milestones').column('row_id').execute();

  await withId(db, db.schema.createTable('plan_measurements'))
    .addColumn('indicator_id', 'text', (c) => c.notNull().references('plan_indicators.id'))
    // fiscal: period is a fiscal year; calendar: a calendar year.
    .addColumn('period_basis', 'text', (c) => c.notNull())
    .addColumn('period', 'integer', (c) => c.notNull())
    .addColumn('value', real, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('provisional', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text')
    .addColumn('entered_by', 'integer')
    .addColumn('entered_by_label', 'text', (c) => c.notNull())
    .addColumn('entered_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('plan_measurements_indicator_idx').on('plan_measurements').columns(['indicator_id', 'period']).execute();

  await db.schema
    .createTable('plan_snapshots')
    .addColumn('indicator_id', 'text', (c) => c.notNull().references('plan_indicators.id'))
    .addColumn('fiscal_year', 'integer', (c) => c.notNull())
    .addColumn('value', real)
    .addColumn('frozen_at', 'text', (c) => c.notNull())
    .addColumn('frozen_by_label', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_snapshots_pk', ['indicator_id', 'fiscal_year'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'plan_snapshots',
    'plan_measurements',
    'plan_milestones',
    'plan_annual_rows',
    'plan_initiatives',
    'plan_subsections',
    'plan_policy_developments',
    'plan_baselines',
    'plan_target_revisions',
    'plan_targets',
    'plan_indicators',
    'plan_target_groups',
    'plans',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
