/**
 * Child process of the catalog HTTP benchmark: the real app (buildApp through loadConfig, as
 * `kabuto serve` builds it, logs silent, no timers) on the database named by CATALOG_HTTP_DATABASE_URL,
 * listening on a loopback port. It reports ready once the start-up warm-up of the search engine has
 * finished, with the warm-up's figures, its pid (the parent samples its memory) and the database's
 * cache sizes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/core/config.js';
import { seedReferenceData } from '../src/catalog/seed.js';
import { searchWarmup, type SearchWarmup } from '../src/catalog/module.js';
import { benchAppEnv, serveHost } from './host.js';

export interface CatalogHttpHostInfo {
  url: string;
  pid: number;
  warmup: SearchWarmup;
  /** The database's cache settings as this server sees them, e.g. `cache_size=-2000 mmap_size=0`. */
  cache: string;
}

serveHost<CatalogHttpHostInfo>(async () => {
  const url = process.env.CATALOG_HTTP_DATABASE_URL;
  if (!url) throw new Error('CATALOG_HTTP_DATABASE_URL is not set');
  const dir = mkdtempSync(join(tmpdir(), 'kabuto-bench-http-'));
  const config = loadConfig(
    benchAppEnv(url, dir, {
      SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00',
      ATTACHMENT_KEY: '5a'.repeat(32),
      MAIL_INTERVAL_SECONDS: '0',
      SUPPORT_PURGE_INTERVAL_MINUTES: '0',
      MATCHING_JOBS_INTERVAL_MINUTES: '0',
    }),
  );
  const app = await buildApp(config);
  // The seeded catalogs have them already; the empty baseline gets the same reference rows.
  await seedReferenceData(app.kabuto);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const warmup = await searchWarmup(app.kabuto)!;
  let cache: string;
  const sqlite = app.kabuto.handle.sqlite;
  if (sqlite) cache = ['cache_size', 'mmap_size'].map((p) => `${p}=${String(sqlite.pragma(p, { simple: true }))}`).join(' ');
  else {
    const show = async (p: string) => `${p}=${(await sql<Record<string, string>>`show ${sql.raw(p)}`.execute(app.kabuto.db)).rows[0]?.[p] ?? '?'}`;
    cache = (await Promise.all(['shared_buffers', 'work_mem', 'effective_cache_size'].map(show))).join(' ');
  }
  return {
    info: { url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, pid: process.pid, warmup, cache },
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
