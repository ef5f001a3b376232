import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../core/db/migrate.js';

// PostgreSQL: the catalog search's tsvectors compressed with lz4 instead of pglz, where the server
// supports it. Every phrase match and every ts_rank reads a document's tsvector from TOAST and
// decompresses it; on 40,000 documents a phrase match over all of them took 230–240 ms with pglz
// and 108–110 ms with lz4 (same rows, same query). Only values written from now on are compressed
// so: a reindex (which rewrites every document into the shadow table) converts a whole index.
export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'postgres' || !(await lz4Supported(db))) return;
  for (const t of ['catalog_search_docs', 'catalog_search_docs_next']) await sql`alter table ${sql.table(t)} alter column tsv set compression lz4`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  for (const t of ['catalog_search_docs', 'catalog_search_docs_next']) await sql`alter table ${sql.table(t)} alter column tsv set compression default`.execute(db);
}

async function lz4Supported(db: Kysely<any>): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`select 'lz4' = any(enumvals) as ok from pg_settings where name = 'default_toast_compression'`.execute(db);
  return r.rows[0]?.ok === true;
}
