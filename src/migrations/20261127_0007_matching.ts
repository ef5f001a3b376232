import { sql, type Kysely } from 'kysely';
import { dialectOf, withId } from '../core/db/migrate.js';

// Business matching: profiles and marketplace cards (with a bigram index: FTS5 on SQLite, tsvector +
// GIN on PostgreSQL), meeting requests, meetings with ratings and follow-ups, and matching fairs with
// sessions, slots, tables, participants, group rules and unavailable slots. Companies are the
// registry's ids without a foreign key (another domain; merges move them through companies.merge).
export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';

  await withId(db, db.schema.createTable('matching_profiles'))
    .addColumn('company_id', 'integer', (c) => c.notNull().unique())
    .addColumn('summary_ja', 'text')
    .addColumn('summary_en', 'text')
    .addColumn('languages_json', 'text', (c) => c.notNull())
    .addColumn('regions_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable('matching_cards'))
    .addColumn('company_id', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title_ja', 'text')
    .addColumn('title_en', 'text')
    .addColumn('body_ja', 'text')
    .addColumn('body_en', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('jsic_json', 'text', (c) => c.notNull())
    .addColumn('regions_json', 'text', (c) => c.notNull())
    .addColumn('tags_json', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('review', 'text', (c) => c.notNull())
    .addColumn('review_note', 'text')
    .addColumn('reviewed_by', 'integer')
    .addColumn('reviewed_at', 'text')
    .addColumn('expires_on', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('matching_cards_title_check', sql`title_ja is not null or title_en is not null`)
    .execute();
  await db.schema.createIndex('matching_cards_company_idx').on('matching_cards').column('company_id').execute();
  // The marketplace lists open, approved, unexpired cards newest first: id before expires_on, so the
  // index gives the order and the expiry is checked on the index entry (no sort of every public card).
  await db.schema.createIndex('matching_cards_public_idx').on('matching_cards').columns(['review', 'status', 'id', 'expires_on']).execute();
  await db.schema.createIndex('matching_cards_kind_idx').on('matching_cards').columns(['kind', 'review', 'status', 'id', 'expires_on']).execute();

  if (pg) {
    await db.schema
      .createTable('matching_card_search')
      .addColumn('card_id', 'integer', (c) => c.primaryKey().references('matching_cards.id').onDelete('cascade'))
      .addColumn('doc', sql`tsvector`, (c) => c.notNull())
      .execute();
    await sql`create index matching_card_search_doc_idx on matching_card_search using gin (doc)`.execute(db);
  } else {
    await sql`create virtual table matching_card_search using fts5(doc, tokenize = 'unicode61', detail = 'full')`.execute(db);
  }

  await withId(db, db.schema.createTable('matching_fairs'))
    .addColumn('name_ja', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('venue_ja', 'text')
    .addColumn('venue_en', 'text')
    .addColumn('description_ja', 'text')
    .addColumn('description_en', 'text')
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('request_deadline', 'text', (c) => c.notNull())
    .addColumn('max_meetings', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scheduled_at', 'text')
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable('matching_fair_sessions'))
    .addColumn('fair_id', 'integer', (c) => c.notNull().references('matching_fairs.id').onDelete('cascade'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('name_ja', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('matching_fair_sessions_fair_idx').on('matching_fair_sessions').column('fair_id').execute();

  await withId(db, db.schema.createTable('matching_fair_slots'))
    .addColumn('fair_id', 'integer', (c) => c.notNull().references('matching_fairs.id').onDelete('cascade'))
    .addColumn('session_id', 'integer', (c) => c.notNull().references('matching_fair_sessions.id').onDelete('cascade'))
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('matching_fair_slots_fair_idx').on('matching_fair_slots').columns(['fair_id', 'starts_at']).execute();

  await withId(db, db.schema.createTable('matching_fair_tables'))
    .addColumn('fair_id', 'integer', (c) => c.notNull().references('matching_fairs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('matching_fair_tables_name_uq', ['fair_id', 'name'])
    .execute();

  await withId(db, db.schema.createTable('matching_fair_participants'))
    .addColumn('fair_id', 'integer', (c) => c.notNull().references('matching_fairs.id').onDelete('cascade'))
    .addColumn('company_id', 'integer', (c) => c.notNull())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('matching_fair_participants_uq', ['fair_id', 'company_id'])
    .execute();
  await db.schema.createIndex('matching_fair_participants_company_idx').on('matching_fair_participants').column('company_id').execute();

  await withId(db, db.schema.createTable('matching_fair_rules'))
    .addColumn('fair_id', 'integer', (c) => c.notNull().references('matching_fairs.id').onDelete('cascade'))
    .addColumn('group_a', 'text', (c) => c.notNull())
    .addColumn('group_b', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('matching_fair_rules_fair_idx').on('matching_fair_rules').column('fair_id').execute();

  await db.schema
    .createTable('matching_fair_unavailable')
    .addColumn('fair_id', 'integer', (c) => c.notNull().references('matching_fairs.id').onDelete('cascade'))
    .addColumn('company_id', 'integer', (c) => c.notNull())
    .addColumn('slot_id', 'integer', (c) => c.notNull().references('matching_fair_slots.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('matching_fair_unavailable_pk', ['fair_id', 'company_id', 'slot_id'])
    .execute();

  await withId(db, db.schema.createTable('matching_requests'))
    .addColumn('from_company_id', 'integer', (c) => c.notNull())
    .addColumn('to_company_id', 'integer', (c) => c.notNull())
    .addColumn('card_id', 'integer', (c) => c.references('matching_cards.id').onDelete('set null'))
    .addColumn('fair_id', 'integer', (c) => c.references('matching_fairs.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('answer_note', 'text')
    .addColumn('created_by', 'integer')
    .addColumn('answered_by', 'integer')
    .addColumn('answered_at', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('matching_requests_from_idx').on('matching_requests').columns(['from_company_id', 'status']).execute();
  await db.schema.createIndex('matching_requests_to_idx').on('matching_requests').columns(['to_company_id', 'status']).execute();
  await db.schema.createIndex('matching_requests_fair_idx').on('matching_requests').column('fair_id').execute();
  await db.schema.createIndex('matching_requests_expiry_idx').on('matching_requests').columns(['status', 'expires_at']).execute();

  await withId(db, db.schema.createTable('matching_meetings'))
    .addColumn('request_id', 'integer', (c) => c.unique().references('matching_requests.id').onDelete('set null'))
    .addColumn('company_a', 'integer', (c) => c.notNull())
    .addColumn('company_b', 'integer', (c) => c.notNull())
    .addColumn('card_id', 'integer', (c) => c.references('matching_cards.id').onDelete('set null'))
    .addColumn('fair_id', 'integer', (c) => c.references('matching_fairs.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('planned_on', 'text')
    .addColumn('held_on', 'text')
    .addColumn('slot_id', 'integer', (c) => c.references('matching_fair_slots.id').onDelete('set null'))
    .addColumn('table_id', 'integer', (c) => c.references('matching_fair_tables.id').onDelete('set null'))
    // The time of its last place, kept when it loses it: a calendar then gets the cancellation of that event.
    .addColumn('starts_at', 'text')
    .addColumn('ends_at', 'text')
    .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attended_a', 'integer')
    .addColumn('attended_b', 'integer')
    .addColumn('note', 'text')
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('matching_meetings_a_idx').on('matching_meetings').column('company_a').execute();
  await db.schema.createIndex('matching_meetings_b_idx').on('matching_meetings').column('company_b').execute();
  await db.schema.createIndex('matching_meetings_fair_idx').on('matching_meetings').columns(['fair_id', 'slot_id']).execute();
  // The plan's metric reads held meetings by date.
  await db.schema.createIndex('matching_meetings_held_idx').on('matching_meetings').columns(['status', 'held_on']).execute();
  // No two meetings at one table in one slot, whatever the application does (unplaced rows hold nulls, which never clash).
  await db.schema.createIndex('matching_meetings_table_slot_uq').on('matching_meetings').columns(['slot_id', 'table_id']).unique().execute();

  await withId(db, db.schema.createTable('matching_ratings'))
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('matching_meetings.id').onDelete('cascade'))
    .addColumn('company_id', 'integer', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('matching_ratings_uq', ['meeting_id', 'company_id'])
    .execute();

  await withId(db, db.schema.createTable('matching_followups'))
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('matching_meetings.id').onDelete('cascade'))
    .addColumn('company_id', 'integer', (c) => c.notNull())
    .addColumn('due_on', 'text', (c) => c.notNull())
    .addColumn('reminded_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('note', 'text')
    .addColumn('recorded_by', 'integer')
    .addColumn('recorded_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('matching_followups_uq', ['meeting_id', 'company_id'])
    .execute();
  await db.schema.createIndex('matching_followups_due_idx').on('matching_followups').columns(['reminded_at', 'due_on']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'matching_followups',
    'matching_ratings',
    'matching_meetings',
    'matching_requests',
    'matching_fair_unavailable',
    'matching_fair_rules',
    'matching_fair_participants',
    'matching_fair_tables',
    'matching_fair_slots',
    'matching_fair_sessions',
    'matching_fairs',
    'matching_card_search',
    'matching_cards',
    'matching_profiles',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
