import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import { isPostgresUrl, sqlitePath } from '../config.js';
import type { Database } from '../../database.js';

export type Dialect = 'sqlite' | 'postgres';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Store functions take either the database or a transaction. */
export type DbOrTrx = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
  url: string;
  /** The raw better-sqlite3 handle on SQLite (online backup); undefined on PostgreSQL. */
  sqlite?: Sqlite.Database;
  close(): Promise<void>;
}

// pg returns int8 and numeric as strings by default; both dialects must hand back the same JS types.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 /* int8 */) return (v: string) => Number(v);
    if (oid === 1700 /* numeric */) return (v: string) => Number.parseFloat(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export function openDatabase(url: string, opts: { poolSize?: number } = {}): DatabaseHandle {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, types: pgTypes as pg.CustomTypesConfig });
    // pool.end() resolves before its clients have disconnected; a server that drops the database or
    // restarts in that gap makes a client emit an error nobody listens to. close() waits for them.
    const open = new Set<pg.PoolClient>();
    pool.on('connect', (c) => open.add(c));
    pool.on('remove', (c) => open.delete(c));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const close = async () => {
      const gone = new Promise<void>((done) => {
        if (!open.size) return done();
        pool.on('remove', () => {
          if (!open.size) done();
        });
      });
      await db.destroy();
      await gone;
    };
    return { db, dialect: 'postgres', url, close };
  }
  const file = sqlitePath(url);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Sqlite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  registerRawVersionReader(db, sqlite);
  return { db, dialect: 'sqlite', url, sqlite, close: () => db.destroy() };
}

const rawVersionReaders = new WeakMap<Db, () => { scope: string; version: number }[]>();

/**
 * On SQLite the data versions are read on every cached read; a statement prepared once and run on
 * the raw handle costs a few microseconds, where Kysely's driver prepares the statement anew each time.
 * The raw read bypasses Kysely's connection mutex and may see a transaction still open on the same
 * connection: callers that cache on the key confirm it through Kysely before storing (see versionKey).
 */
function registerRawVersionReader(db: Db, sqlite: Sqlite.Database): void {
  let stmt: Sqlite.Statement | undefined;
  rawVersionReaders.set(db, () => {
    // Prepared on first use: the table exists only once the migrations have run.
    stmt ??= sqlite.prepare('select scope, version from data_versions order by scope');
    return stmt.all() as { scope: string; version: number }[];
  });
}

export function rawVersionReader(db: Db): (() => { scope: string; version: number }[]) | undefined {
  return rawVersionReaders.get(db);
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/**
 * Fiscal year (April–March, Asia/Tokyo) of a UTC ISO timestamp column, computed by the database.
 * Japan keeps no daylight saving, so +9 hours is exact.
 */
export function fiscalYearOfTimestamp(dialect: Dialect, column: string) {
  const ref = sql.ref(column);
  return dialect === 'sqlite'
    ? sql<number>`cast(strftime('%Y', datetime(${ref}, '+9 hours', '-3 months')) as integer)`
    : sql<number>`cast(extract(year from ((${ref})::timestamptz at time zone 'Asia/Tokyo') - interval '3 months') as integer)`;
}

/** Fiscal year of a local date column (YYYY-MM-DD, already a Japanese calendar date). */
export function fiscalYearOfDate(dialect: Dialect, column: string) {
  const ref = sql.ref(column);
  return dialect === 'sqlite'
    ? sql<number>`cast(strftime('%Y', date(${ref}, '-3 months')) as integer)`
    : sql<number>`cast(extract(year from (${ref})::date - interval '3 months') as integer)`;
}
