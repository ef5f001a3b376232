import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../core/db/migrate.js';

// Atomic reindexing of the catalog's search index: a reindex builds into these shadow tables (the
// same shape as catalog_search_docs / _extras / _fts) while searches keep reading the live ones, then
// swaps the names in one transaction. The change log also records the dataset id, so the writes
// made during a rebuild (purges included) can be carried over to the new index before the swap.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  let docs = db.schema
    .createTable('catalog_search_docs_next')
    .addColumn('doc_no', 'integer', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull())
    .addColumn('title_sort', 'text', (c) => c.notNull())
    .addColumn('organization', 'text')
    .addColumn('license_id', 'text')
    .addColumn('private', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('metadata_created', 'text', (c) => c.notNull())
    .addColumn('metadata_modified', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('groups', 'text', (c) => c.notNull())
    .addColumn('res_formats', 'text', (c) => c.notNull());
  if (pg) docs = docs.addColumn('tsv', sql`tsvector`, (c) => c.notNull());
  await docs.execute();
  await db.schema.createIndex('catalog_search_docs_next_name_idx').on('catalog_search_docs_next').column('name').execute();
  await db.schema.createIndex('catalog_search_docs_next_title_idx').on('catalog_search_docs_next').column('title_sort').execute();
  if (pg) {
    await sql`create index catalog_search_docs_next_tsv_idx on catalog_search_docs_next using gin (tsv)`.execute(db);
  } else {
    await sql`create virtual table catalog_search_fts_next using fts5(title, tags, body, ws, content='', contentless_delete=1, tokenize='unicode61')`.execute(db);
  }
  await db.schema
    .createTable('catalog_search_extras_next')
    .addColumn('doc_no', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('catalog_search_extras_next_pk', ['doc_no', 'key'])
    .execute();
  await db.schema.createIndex('catalog_search_extras_next_kv_idx').on('catalog_search_extras_next').columns(['key', 'value']).execute();
  await db.schema.alterTable('catalog_search_changes').addColumn('id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'sqlite') await sql`drop table if exists catalog_search_fts_next`.execute(db);
  await db.schema.dropTable('catalog_search_extras_next').execute();
  await db.schema.dropTable('catalog_search_docs_next').execute();
  await db.schema.alterTable('catalog_search_changes').dropColumn('id').execute();
}
