import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../core/db/migrate.js';

// The catalog's full-text index (FTS5 on SQLite, tsvector + GIN on PostgreSQL), kept apart from the
// catalog's own tables: it is written from the documents the catalog passes in, and can be rebuilt.
export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  let docs = db.schema
    .createTable('catalog_search_docs')
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
  await db.schema.createIndex('catalog_search_docs_name_idx').on('catalog_search_docs').column('name').execute();
  await db.schema.createIndex('catalog_search_docs_title_idx').on('catalog_search_docs').column('title_sort').execute();
  if (pg) {
    await sql`create index catalog_search_docs_tsv_idx on catalog_search_docs using gin (tsv)`.execute(db);
  } else {
    // Contentless: the encoded tokens are not stored twice; contentless_delete lets a dataset be re-indexed.
    await sql`create virtual table catalog_search_fts using fts5(title, tags, body, ws, content='', contentless_delete=1, tokenize='unicode61')`.execute(db);
  }

  await db.schema
    .createTable('catalog_search_extras')
    .addColumn('doc_no', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('catalog_search_extras_pk', ['doc_no', 'key'])
    .execute();
  await db.schema.createIndex('catalog_search_extras_kv_idx').on('catalog_search_extras').columns(['key', 'value']).execute();

  await db.schema
    .createTable('catalog_search_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('num', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db
    .insertInto('catalog_search_meta')
    .values([
      { key: 'version', value: '', num: 0 },
      { key: 'epoch', value: '', num: 0 },
      { key: 'tokenizer', value: '', num: 0 },
    ])
    .execute();

  await db.schema
    .createTable('catalog_search_changes')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('doc_no', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'sqlite') await sql`drop table if exists catalog_search_fts`.execute(db);
  for (const t of ['catalog_search_changes', 'catalog_search_meta', 'catalog_search_extras', 'catalog_search_docs']) {
    await db.schema.dropTable(t).execute();
  }
}
