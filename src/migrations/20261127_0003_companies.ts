import { sql, type Kysely } from 'kysely';
import { dialectOf, withId } from '../core/db/migrate.js';

// The companies registry, its contacts (personal data), and the bigram name index
// (FTS5 on SQLite, tsvector + GIN on PostgreSQL).
export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  await withId(db, db.schema.createTable('companies'))
    .addColumn('corporate_number', 'text')
    .addColumn('name_ja', 'text')
    .addColumn('name_en', 'text')
    .addColumn('kana', 'text')
    .addColumn('name_key_ja', 'text')
    .addColumn('name_key_en', 'text')
    .addColumn('sort_key', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('registered_in_tokyo', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lg_code', 'text')
    .addColumn('jsic_major', 'text')
    .addColumn('jsic_division', 'text')
    .addColumn('employees', 'integer')
    // Capital in yen can pass 2^31 (a large firm's ¥100 billion): bigint on PostgreSQL (parsed to a number).
    .addColumn('capital_yen', pg ? 'bigint' : 'integer')
    .addColumn('postal_code', 'text')
    .addColumn('address_ja', 'text')
    .addColumn('address_en', 'text')
    .addColumn('website', 'text')
    .addColumn('summary', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('merged_into', 'integer', (c) => c.references('companies.id'))
    .addColumn('merged_at', 'text')
    .addCheckConstraint('companies_name_check', sql`name_ja is not null or name_en is not null`)
    .execute();
  await db.schema.createIndex('companies_corporate_number_uq').on('companies').column('corporate_number').unique().execute();
  await db.schema.createIndex('companies_name_key_ja_idx').on('companies').column('name_key_ja').execute();
  await db.schema.createIndex('companies_name_key_en_idx').on('companies').column('name_key_en').execute();
  await db.schema.createIndex('companies_sort_idx').on('companies').columns(['sort_key', 'id']).execute();
  // Only merged-away rows: a full index of mostly NULLs tempts SQLite (no statistics) to answer
  // every "merged_into is null" by walking it, instead of the selective index beside it.
  await db.schema.createIndex('companies_merged_into_idx').on('companies').column('merged_into').where(sql.ref('merged_into'), 'is not', null).execute();
  // Filtered lists page in listing order straight from these.
  await db.schema.createIndex('companies_jsic_idx').on('companies').columns(['jsic_major', 'sort_key', 'id']).execute();
  await db.schema.createIndex('companies_country_idx').on('companies').columns(['country', 'sort_key', 'id']).execute();

  await withId(db, db.schema.createTable('company_contacts'))
    .addColumn('company_id', 'integer', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('role', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('company_contacts_company_idx').on('company_contacts').column('company_id').execute();

  if (pg) {
    await db.schema
      .createTable('company_search')
      .addColumn('company_id', 'integer', (c) => c.primaryKey().references('companies.id').onDelete('cascade'))
      .addColumn('doc', sql`tsvector`, (c) => c.notNull())
      .execute();
    await sql`create index company_search_doc_idx on company_search using gin (doc)`.execute(db);
  } else {
    // rowid = companies.id. Tokens are encoded bigrams (k + hex), which unicode61 keeps whole.
    await sql`create virtual table company_search using fts5(doc, tokenize = 'unicode61', detail = 'full')`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('company_search').execute();
  await db.schema.dropTable('company_contacts').execute();
  await db.schema.dropTable('companies').execute();
}
