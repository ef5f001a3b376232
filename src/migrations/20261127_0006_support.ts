import type { Kysely } from 'kysely';
import { dialectOf, withId } from '../core/db/migrate.js';

// One-stop support: cases of a company with their thread, status history, the people they concern
// (personal data, deleted after the retention period), encrypted attachments and their download log;
// bilingual guides; and the shared mail outbox (core/mail) that notifications go through.
// Companies are referenced by the registry's numeric id without a foreign key (another domain; its
// merges move these references through the companies.merge hook). Users are core: keys to users.id.
// Dates are local Japanese dates (YYYY-MM-DD); instants are UTC ISO strings.
export async function up(db: Kysely<any>): Promise<void> {
  const bytes = dialectOf(db) === 'postgres' ? 'bytea' : 'blob';

  await withId(db, db.schema.createTable('mail_outbox'))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text')
    .addColumn('meta_json', 'text')
    // pending → sent, or failed after the last attempt (staff may put a failed mail back to pending).
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    // A sender claims a row until claimed_until, so two processes never send it twice.
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('message_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mail_outbox_due_idx').on('mail_outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('mail_outbox_created_idx').on('mail_outbox').column('created_at').execute();

  await withId(db, db.schema.createTable('support_cases'))
    .addColumn('company_id', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('due_date', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('status_changed_at', 'text', (c) => c.notNull())
    // The retention period runs from here; cleared when a case is reopened.
    .addColumn('closed_at', 'text')
    .addColumn('personal_data_purged_at', 'text')
    .execute();
  await db.schema.createIndex('support_cases_company_idx').on('support_cases').column('company_id').execute();
  await db.schema.createIndex('support_cases_status_idx').on('support_cases').columns(['status', 'kind']).execute();
  await db.schema.createIndex('support_cases_assignee_idx').on('support_cases').column('assignee_id').execute();
  await db.schema.createIndex('support_cases_closed_idx').on('support_cases').column('closed_at').execute();

  await withId(db, db.schema.createTable('support_messages'))
    .addColumn('case_id', 'integer', (c) => c.notNull().references('support_cases.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('author_role', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    // A staff note the company never sees.
    .addColumn('internal', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('support_messages_case_idx').on('support_messages').column('case_id').execute();

  await withId(db, db.schema.createTable('support_case_events'))
    .addColumn('case_id', 'integer', (c) => c.notNull().references('support_cases.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_value', 'text')
    .addColumn('to_value', 'text')
    .addColumn('actor_id', 'integer')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('support_case_events_case_idx').on('support_case_events').column('case_id').execute();

  // The people a case concerns; every column but the keys and times is personal data.
  await withId(db, db.schema.createTable('support_persons'))
    .addColumn('case_id', 'integer', (c) => c.notNull().references('support_cases.id').onDelete('cascade'))
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('nationality', 'text')
    .addColumn('passport_number', 'text')
    .addColumn('residence_card_number', 'text')
    .addColumn('date_of_birth', 'text')
    .addColumn('home_address', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('support_persons_case_idx').on('support_persons').column('case_id').execute();

  // Content is AES-256-GCM ciphertext: version byte, 12-byte IV, 16-byte tag, then the encrypted bytes.
  await withId(db, db.schema.createTable('support_attachments'))
    .addColumn('case_id', 'integer', (c) => c.notNull().references('support_cases.id').onDelete('cascade'))
    .addColumn('message_id', 'integer', (c) => c.references('support_messages.id').onDelete('set null'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('mimetype', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('content', bytes, (c) => c.notNull())
    .addColumn('uploaded_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('support_attachments_case_idx').on('support_attachments').column('case_id').execute();

  // Who downloaded which file when. No foreign key: the log outlives a purged attachment.
  await withId(db, db.schema.createTable('support_downloads'))
    .addColumn('attachment_id', 'integer', (c) => c.notNull())
    .addColumn('case_id', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('user_label', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('support_downloads_case_idx').on('support_downloads').columns(['case_id', 'at']).execute();

  await withId(db, db.schema.createTable('support_guides'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title_ja', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('body_ja', 'text', (c) => c.notNull())
    .addColumn('body_en', 'text', (c) => c.notNull())
    .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();

  await db.schema
    .createTable('support_guide_categories')
    .addColumn('guide_id', 'integer', (c) => c.notNull().references('support_guides.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('support_guide_categories_pk', ['guide_id', 'kind'])
    .execute();
  await db.schema.createIndex('support_guide_categories_kind_idx').on('support_guide_categories').column('kind').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'support_guide_categories',
    'support_guides',
    'support_downloads',
    'support_attachments',
    'support_persons',
    'support_case_events',
    'support_messages',
    'support_cases',
    'mail_outbox',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
