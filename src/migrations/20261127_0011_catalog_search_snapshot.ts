import type { Kysely } from 'kysely';
import { dialectOf } from '../core/db/migrate.js';

// A compact stored copy of the catalog search's in-memory facet arrays (typed arrays and the value
// dictionaries in one blob, tagged with the index's epoch and version), so a new process loads them
// in one read and replays the changes since, instead of decoding every document's row.
export async function up(db: Kysely<any>): Promise<void> {
  const bytes = dialectOf(db) === 'postgres' ? 'bytea' : 'blob';
  await db.schema
    .createTable('catalog_search_snapshot')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('epoch', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('catalog_search_snapshot').execute();
}
