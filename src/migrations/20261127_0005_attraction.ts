import type { Kysely } from 'kysely';
import { withId } from '../core/db/migrate.js';

// The attraction pipeline: leads (a foreign company considering Tokyo) with their stage history,
// consultations and follow-up tasks, and establishments attracted by others (for the plan's total).
// Companies are referenced by the registry's numeric id without a foreign key: the registry is
// another domain, and its merges move these references through the companies.merge hook.
// Dates are local Japanese dates (YYYY-MM-DD); instants are UTC ISO strings.
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('attraction_leads'))
    .addColumn('company_id', 'integer', (c) => c.notNull())
    .addColumn('sector', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'integer', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('stage_changed_at', 'text', (c) => c.notNull())
    // Fields the stages require, kept once reached (a reopened lead still has them).
    .addColumn('first_contact_date', 'text')
    .addColumn('contact_channel', 'text')
    .addColumn('decision_date', 'text')
    .addColumn('planned_entity_type', 'text')
    .addColumn('established_date', 'text')
    .addColumn('office_address', 'text')
    .addColumn('entity_type', 'text')
    .addColumn('staff_count', 'integer')
    .addColumn('drop_reason', 'text')
    .addColumn('dropped_from', 'text')
    .addColumn('notes', 'text')
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attraction_leads_company_idx').on('attraction_leads').column('company_id').execute();
  // The board reads each stage's most recently moved leads.
  await db.schema.createIndex('attraction_leads_stage_idx').on('attraction_leads').columns(['stage', 'stage_changed_at']).execute();
  await db.schema.createIndex('attraction_leads_owner_idx').on('attraction_leads').column('owner_id').execute();
  await db.schema.createIndex('attraction_leads_established_idx').on('attraction_leads').column('established_date').execute();

  await withId(db, db.schema.createTable('attraction_stage_history'))
    .addColumn('lead_id', 'integer', (c) => c.notNull().references('attraction_leads.id').onDelete('cascade'))
    // null: the lead was created.
    .addColumn('from_stage', 'text')
    .addColumn('to_stage', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('actor_id', 'integer')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attraction_stage_history_lead_idx').on('attraction_stage_history').column('lead_id').execute();

  await withId(db, db.schema.createTable('attraction_consultations'))
    .addColumn('lead_id', 'integer', (c) => c.notNull().references('attraction_leads.id').onDelete('cascade'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'integer', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attraction_consultations_lead_idx').on('attraction_consultations').column('lead_id').execute();

  await withId(db, db.schema.createTable('attraction_tasks'))
    .addColumn('lead_id', 'integer', (c) => c.notNull().references('attraction_leads.id').onDelete('cascade'))
    .addColumn('consultation_id', 'integer', (c) => c.references('attraction_consultations.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'integer', (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('done_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attraction_tasks_assignee_idx').on('attraction_tasks').columns(['assignee_id', 'done', 'due_date']).execute();
  await db.schema.createIndex('attraction_tasks_lead_idx').on('attraction_tasks').column('lead_id').execute();

  await withId(db, db.schema.createTable('attraction_other_establishments'))
    .addColumn('company_id', 'integer', (c) => c.notNull())
    .addColumn('established_date', 'text', (c) => c.notNull())
    .addColumn('sector', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attraction_other_company_idx').on('attraction_other_establishments').column('company_id').execute();
  await db.schema.createIndex('attraction_other_date_idx').on('attraction_other_establishments').column('established_date').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['attraction_other_establishments', 'attraction_tasks', 'attraction_consultations', 'attraction_stage_history', 'attraction_leads']) {
    await db.schema.dropTable(t).execute();
  }
}
