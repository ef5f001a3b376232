import { sql, type CompiledQuery } from 'kysely';
import { rawVersionReader, type Db, type DbOrTrx } from './db/index.js';
import type { Clock } from './clock.js';

/**
 * Data versions: a counter per scope, bumped in the same transaction as a write. Caches key on them,
 * so every process (several behind one PostgreSQL) notices a change on its next read.
 */
export async function bumpVersion(db: DbOrTrx, clock: Clock, scope: string): Promise<void> {
  const now = clock.now().toISOString();
  await db
    .insertInto('data_versions')
    .values({ scope, version: 1, updated_at: now })
    .onConflict((oc) => oc.column('scope').doUpdateSet({ version: sql`data_versions.version + 1`, updated_at: now }))
    .execute();
}

const compiled = new WeakMap<Db, CompiledQuery<{ scope: string; version: number }>>();

/**
 * All versions as one string, e.g. "attraction:3|plan:12". It is read on every cached read, so on
 * SQLite it comes from a statement prepared once on the raw handle (fast, but it can see a write
 * transaction still open on the shared connection); `consistent: true` reads through Kysely, after
 * any open transaction has ended. A cache stores a value under a fast key only if the consistent
 * key, read after computing the value, is the same.
 */
export async function versionKey(db: Db, opts: { consistent?: boolean } = {}): Promise<string> {
  const raw = opts.consistent ? undefined : rawVersionReader(db);
  let rows: { scope: string; version: number }[];
  if (raw) rows = raw();
  else {
    let q = compiled.get(db);
    if (!q) {
      q = db.selectFrom('data_versions').select(['scope', 'version']).orderBy('scope').compile();
      compiled.set(db, q);
    }
    rows = (await db.executeQuery(q)).rows;
  }
  let key = '';
  for (const r of rows) key += (key ? '|' : '') + r.scope + ':' + r.version;
  return key;
}
