import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { migrateDownAll, migrateToLatest } from '../../src/core/db/migrate.js';
import { openDatabase, type DatabaseHandle, type Dialect } from '../../src/core/db/index.js';
import { migrations } from '../../src/migrations/index.js';
import { DIALECTS, PG_SERVER, skipFor, freshDatabase, type TestDatabase } from '../helpers.js';

const MIGRATION_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

interface ColumnShape {
  name: string;
  dataType: string;
  isNullable: boolean;
  hasDefaultValue: boolean;
  isAutoIncrementing: boolean;
}
interface Schema {
  tables: Record<string, ColumnShape[]>;
  /** Named indexes we create (not those the engine makes for keys and unique constraints). */
  indexes: string[];
  /** Full-text indexes only this dialect has (GIN/GiST over tsvector on PostgreSQL). */
  searchIndexes: string[];
  /** FTS5 virtual tables (SQLite). */
  ftsTables: string[];
  /** Primary-key columns per table. */
  primaryKeys: Record<string, string[]>;
  /** Tables that store a search index the way only this dialect does (FTS5 virtual tables and their shadows). */
  dialectOnly: string[];
}

async function introspect(db: Kysely<any>, dialect: Dialect): Promise<Schema> {
  const tables: Schema['tables'] = {};
  for (const t of await db.introspection.getTables()) {
    tables[t.name] = t.columns
      .map((c) => ({ name: c.name, dataType: c.dataType, isNullable: c.isNullable, hasDefaultValue: c.hasDefaultValue, isAutoIncrementing: c.isAutoIncrementing }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  const primaryKeys: Schema['primaryKeys'] = {};
  let indexes: string[];
  let dialectOnly: string[] = [];
  let searchIndexes: string[] = [];
  let ftsTables: string[] = [];
  if (dialect === 'sqlite') {
    indexes = (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and name not like 'sqlite_autoindex_%'`.execute(db)).rows.map((r) => r.name);
    for (const name of Object.keys(tables)) {
      const cols = await sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${name})`.execute(db);
      primaryKeys[name] = cols.rows.filter((c) => c.pk > 0).map((c) => c.name).sort();
    }
    ftsTables = (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and sql like 'CREATE VIRTUAL TABLE%'`.execute(db)).rows.map((r) => r.name).sort();
    dialectOnly = Object.keys(tables).filter((n) => ftsTables.some((v) => n === v || n.startsWith(`${v}_`)));
  } else {
    const rows = (
      await sql<{ name: string; method: string }>`
        select i.relname as name, am.amname as method from pg_index x
        join pg_class i on i.oid = x.indexrelid
        join pg_am am on am.oid = i.relam
        join pg_class t on t.oid = x.indrelid
        join pg_namespace n on n.oid = t.relnamespace
        where n.nspname = 'public' and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)`.execute(db)
    ).rows;
    indexes = rows.map((r) => r.name);
    searchIndexes = rows.filter((r) => r.method === 'gin' || r.method === 'gist').map((r) => r.name).sort();
    const pks = await sql<{ table_name: string; column_name: string }>`
      select kcu.table_name, kcu.column_name from information_schema.table_constraints tc
      join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
      where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = 'public'`.execute(db);
    for (const name of Object.keys(tables)) primaryKeys[name] = pks.rows.filter((r) => r.table_name === name).map((r) => r.column_name).sort();
  }
  return { tables, indexes: indexes.sort(), primaryKeys, dialectOnly, searchIndexes, ftsTables };
}

const ours = (s: Schema) => Object.keys(s.tables).filter((n) => !MIGRATION_TABLES.has(n)).sort();

/**
 * Search storage differs by design (DESIGN.md): FTS5 virtual tables and their shadow tables on SQLite;
 * tsvector columns with GIN indexes on PostgreSQL, where a table named like an FTS5 table and holding
 * only its key and tsvector columns stands in for it. Everything else must match.
 */
function isSearchStandIn(s: Schema, name: string, ftsNames: readonly string[]): boolean {
  if (!ftsNames.includes(name)) return false;
  const pk = new Set(s.primaryKeys[name]);
  return s.tables[name]!.every((c) => pk.has(c.name) || c.dataType === 'tsvector');
}

/** Tables and column names only, leaving out each dialect's own search storage. */
function portable(s: Schema, ftsNames: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of ours(s)) {
    if (s.dialectOnly.includes(name) || isSearchStandIn(s, name, ftsNames)) continue;
    out[name] = s.tables[name]!.filter((c) => c.dataType !== 'tsvector').map((c) => c.name);
  }
  return out;
}

/** Whether each non-key column may be NULL. (SQLite lets a non-integer primary key hold NULL, so keys are left out.) */
function nullability(s: Schema, ftsNames: readonly string[]): Record<string, Record<string, boolean>> {
  const out: Record<string, Record<string, boolean>> = {};
  for (const name of ours(s)) {
    if (s.dialectOnly.includes(name) || isSearchStandIn(s, name, ftsNames)) continue;
    const pk = new Set(s.primaryKeys[name]);
    out[name] = Object.fromEntries(s.tables[name]!.filter((c) => !pk.has(c.name) && c.dataType !== 'tsvector').map((c) => [c.name, c.isNullable]));
  }
  return out;
}

const schemas: Partial<Record<Dialect, Schema>> = {};

for (const dialect of DIALECTS) {
  describe(`migrations [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let tdb: TestDatabase;
    let handle: DatabaseHandle;
    let db: Kysely<any>;
    before(async () => {
      tdb = await freshDatabase(dialect);
      handle = openDatabase(tdb.url);
      db = handle.db as unknown as Kysely<any>;
    });
    after(async () => {
      await handle?.close();
      await tdb?.drop();
    });

    it('migrates up, all the way down, and up again to the identical schema', async () => {
      const applied = await migrateToLatest(db);
      assert.deepEqual(
        applied,
        Object.keys(migrations).map((m) => `applied ${m}`),
        'every migration runs, in order',
      );
      const first = await introspect(db, dialect);
      assert.ok(ours(first).includes('users') && ours(first).includes('audit_log') && ours(first).includes('plans'), `tables: ${ours(first).join(', ')}`);
      assert.ok(first.indexes.includes('sessions_user_idx'), 'named indexes are seen');
      assert.deepEqual(await migrateToLatest(db), [], 'a second run has nothing to do');

      const reverted = await migrateDownAll(db);
      assert.deepEqual(
        reverted,
        Object.keys(migrations)
          .reverse()
          .map((m) => `reverted ${m}`),
      );
      const empty = await introspect(db, dialect);
      assert.deepEqual(ours(empty), [], 'no table of ours remains');
      assert.deepEqual(empty.indexes, [], 'no index of ours remains');
      const recorded = await db.selectFrom('kysely_migration').select('name').execute();
      assert.deepEqual(recorded, [], 'no migration is recorded as applied');

      await migrateToLatest(db);
      const again = await introspect(db, dialect);
      assert.deepEqual(again, first);
      schemas[dialect] = again;
    });

    it('reverts only the later migrations when migrating down to an earlier one, keeping the earlier tables and their rows', async () => {
      const names = Object.keys(migrations);
      if (names.length < 2) return;
      const { migrator } = await import('../../src/core/db/migrate.js');
      await db.insertInto('settings').values({ key: 'probe', value: 'kept' }).execute();
      const res = await migrator(db).migrateTo(names[0]!);
      assert.equal(res.error, undefined);
      assert.deepEqual(await db.selectFrom('settings').selectAll().where('key', '=', 'probe').execute(), [{ key: 'probe', value: 'kept' }]);
      await migrateToLatest(db);
      await db.deleteFrom('settings').where('key', '=', 'probe').execute();
    });
  });
}

describe('migrations across dialects', { skip: skipFor('postgres') }, () => {
  it('give SQLite and PostgreSQL the same tables, the same columns and the same NULL rules', async () => {
    for (const dialect of DIALECTS) {
      if (schemas[dialect]) continue;
      // The per-dialect suite did not run first (a filtered run): introspect here.
      const tdb = await freshDatabase(dialect);
      const handle = openDatabase(tdb.url);
      try {
        await migrateToLatest(handle.db);
        schemas[dialect] = await introspect(handle.db as unknown as Kysely<any>, dialect);
      } finally {
        await handle.close();
        await tdb.drop();
      }
    }
    const lite = schemas.sqlite!;
    const post = schemas.postgres!;
    const fts = lite.ftsTables;
    assert.deepEqual(portable(lite, fts), portable(post, fts));
    assert.deepEqual(nullability(lite, fts), nullability(post, fts));
    const keys = (s: Schema) => Object.fromEntries(Object.keys(portable(s, fts)).map((n) => [n, s.primaryKeys[n]]));
    assert.deepEqual(keys(lite), keys(post), 'the same primary keys');
    assert.deepEqual(
      lite.indexes,
      post.indexes.filter((i) => !post.searchIndexes.includes(i)),
      'the same named indexes',
    );
  });
});

describe('database handle', { skip: skipFor('postgres') }, () => {
  it('closes its PostgreSQL connections before close() resolves, so the database can be dropped at once', async () => {
    const tdb = await freshDatabase('postgres');
    const name = tdb.url.slice(tdb.url.lastIndexOf('/') + 1);
    const admin = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
    await admin.connect();
    const stray: unknown[] = [];
    const onStray = (err: unknown) => stray.push(err);
    process.on('uncaughtException', onStray);
    try {
      for (let i = 0; i < 20; i++) {
        const h = openDatabase(tdb.url);
        await Promise.all([1, 2, 3, 4].map(() => sql`select pg_sleep(0.005)`.execute(h.db)));
        await h.close();
        // What `drop database … with (force)` does: end every backend still attached.
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
      }
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      process.off('uncaughtException', onStray);
      await admin.end();
      await tdb.drop();
    }
    assert.deepEqual(stray.map(String), []);
  });
});
