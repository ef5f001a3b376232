import Sqlite from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../../core/config.js';
import { isPostgresUrl, sqlitePath } from '../../core/config.js';
import { withDatabase } from '../db.js';
import { CliError, EXIT, failure, refused, usageError } from '../exit.js';
import { out, note, formatBytes, maskUrl } from '../output.js';
import { progress } from '../progress.js';

export interface BackupOptions {
  force?: boolean;
}

/** The pg_dump command for a URL; a password is never printed, the variable is referred to instead. */
export function pgDumpAdvice(url: string, file: string): string[] {
  const hasPassword = (() => {
    try {
      return new URL(url).password !== '';
    } catch {
      return false;
    }
  })();
  const target = hasPassword ? '"$DATABASE_URL"' : `'${url.replace(/'/g, `'\\''`)}'`;
  const dumpFile = `'${file.replace(/'/g, `'\\''`)}'`;
  return [
    'use PostgreSQL\'s own tool, which takes a consistent snapshot of a live database:',
    `  pg_dump --format=custom --no-owner --file=${dumpFile} ${target}`,
    ...(hasPassword ? [`  (with DATABASE_URL=${maskUrl(url)} set in that shell)`] : []),
    'restore it into an empty database with:',
    `  pg_restore --no-owner --dbname=<postgres://… of the new database> ${dumpFile}`,
  ];
}

/**
 * SQLite: an online backup through better-sqlite3 (pages copied in steps, so a running server keeps
 * serving), then the copy is switched to a self-contained single file and checked.
 */
export async function backupCommand(config: Config, file: string, opts: BackupOptions): Promise<void> {
  if (isPostgresUrl(config.databaseUrl)) {
    throw new CliError(EXIT.usage, 'kabuto backup copies a SQLite database; DATABASE_URL points at PostgreSQL', pgDumpAdvice(config.databaseUrl, file));
  }
  const dest = resolve(file);
  if (dest === sqlitePath(config.databaseUrl)) throw usageError(`${file} is the database itself; choose another file`);
  if (existsSync(dest) && !opts.force) throw refused(`${dest} exists; choose another file or pass --force to overwrite it`);
  // Written beside the destination and renamed into place once checked: an existing backup is
  // replaced only by a complete, verified one.
  const partial = `${dest}.partial-${process.pid}`;
  const removePartial = () => {
    for (const f of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`]) rmSync(f, { force: true });
  };
  let summary: { tables: number; users: number };
  try {
    await withDatabase(config, { mustExist: true }, async (h) => {
      if (!h.sqlite) throw failure('no raw SQLite handle to back up');
      const bar = progress('backup', 'pages');
      let pages = 0;
      try {
        const r = await h.sqlite.backup(partial, {
          progress: ({ totalPages, remainingPages }) => {
            pages = totalPages;
            bar.update(totalPages - remainingPages, totalPages);
            return 200;
          },
        });
        pages = r.totalPages || pages;
        bar.update(pages, pages);
      } finally {
        bar.stop();
      }
    });
    summary = verifyBackup(partial);
    for (const f of [`${dest}-wal`, `${dest}-shm`]) rmSync(f, { force: true });
    renameSync(partial, dest);
  } finally {
    removePartial();
  }
  out(`backup written: ${dest} (${formatBytes(statSync(dest).size)}, ${summary.tables} tables, ${summary.users} users, integrity ok)`);
  out(`restore: stop the server, then copy it over ${sqlitePath(config.databaseUrl)} (and remove its -wal and -shm files)`);
  note(`the database only: back up ${config.dataDir} (uploads, generated keys) with it`);
}

/** Open the copy, make it one file (no -wal beside it) and check it end to end. */
function verifyBackup(file: string): { tables: number; users: number } {
  const db = new Sqlite(file);
  try {
    db.pragma('journal_mode = DELETE');
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw failure(`the backup at ${file} fails its integrity check: ${String(check)}`);
    const tables = (db.prepare(`select count(*) as n from sqlite_master where type = 'table' and name not like 'sqlite_%'`).get() as { n: number }).n;
    const hasUsers = db.prepare(`select 1 from sqlite_master where type = 'table' and name = 'users'`).get();
    const users = hasUsers ? (db.prepare('select count(*) as n from users').get() as { n: number }).n : 0;
    return { tables, users };
  } finally {
    db.close();
  }
}
