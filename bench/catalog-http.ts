/**
 * The catalog through HTTP, on the synthetic catalogs (bench/seed-catalog.ts; `npm run bench:seed` first),
 * the real app serving in a child process (bench/catalog-http-host.ts):
 *
 * - `catalog-http-search-<size>-<band>-p50|p95-<dialect>`: GET /api/3/action/package_search with the
 *   200 fixed queries of bench/catalog-search.ts, 4 facets and rows=20, by hit band, beside the
 *   engine floor measured in the same run (the same full-text match, ordering and LIMIT 20, run in
 *   this process on its own connection). Goal: within 2× of the floor; at 1M also p50 under 50 ms up
 *   to 50k hits (`-abs`).
 * - `catalog-http-first-search-<size>-<dialect>`: the first package_search of a server that said it
 *   was ready (it waits for its start-up warm-up), against the floor's first run of the same query
 *   (run just before, so the database's caches are as warm for both).
 * - `catalog-http-peak-rss-<size>-<dialect>`: the server process's peak resident memory (VmHWM) over
 *   its start-up, warm-up and CATALOG_HTTP_LOAD_SECONDS (60) of mixed load on CATALOG_HTTP_CONNECTIONS
 *   (8) connections: searches with facets, paging, filters, the empty query, package_show of random
 *   datasets and their pages /dataset/<name>; baseline: the same server and load on an empty
 *   database. Goal: 600 MB. `catalog-http-load-rss-…`: the peak of VmRSS sampled every 100 ms during
 *   the load only.
 *
 * CATALOG_BENCH_SIZES, CATALOG_BENCH_DIALECTS, CATALOG_BENCH_QUERIES and CATALOG_BENCH_REPS narrow a
 * run as for catalog-search; CATALOG_HTTP_RSS=0 skips the memory figure. At smoke size a 300-dataset
 * catalog is built on the spot and everything runs briefly.
 */
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { line, type BenchLine, type Benchmark, type BenchOptions } from './format.js';
import { startHost } from './host.js';
import { BANDS, FACETS, benchQueries, engineFloor, pct } from './catalog-search.js';
import { generateDataset, openTarget, pgUrlFor, seedTargets, sqlitePathFor, ORGS, PG_SERVER, SIZES, TAGS } from './seed-catalog.js';
import { mixedLoad, procStatusBytes, pssBytes, sampleMax, type MixedResult, type RequestKind } from './catalog-http-load.js';
import { pgReachable, rng } from './util.js';
import type { CatalogHttpHostInfo } from './catalog-http-host.js';
import { openDatabase, type Dialect } from '../src/core/db/index.js';

const HOST = new URL('./catalog-http-host.ts', import.meta.url);
const MB = 1e6;

interface Run {
  label: string;
  size: number;
  dialect: Dialect;
  url: string;
  /** A database of the same dialect with no datasets, for the memory baseline. */
  emptyUrl: string;
  queries: string[];
  reps: number;
  loadSeconds: number;
  connections: number;
  rss: boolean;
}

const searchPath = (q: string, extra: Record<string, string> = {}) =>
  `/api/3/action/package_search?${new URLSearchParams({ ...(q ? { q } : {}), 'facet.field': JSON.stringify(FACETS), rows: '20', ...extra }).toString()}`;

async function httpSearch(base: string, q: string): Promise<{ ms: number; count: number; results: number }> {
  const t0 = performance.now();
  const res = await fetch(base + searchPath(q));
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`package_search q=${q} answered ${res.status}: ${body.slice(0, 300)}`);
  const r = (JSON.parse(body) as { result: { count: number; results: unknown[] } }).result;
  return { ms, count: r.count, results: r.results.length };
}

async function* latency(opts: BenchOptions, run: Run, info: CatalogHttpHostInfo): AsyncGenerator<BenchLine> {
  const handle = openDatabase(run.url);
  const name = (rest: string) => `catalog-http-${rest}-${run.dialect}`;
  try {
    const floor = async (q: string) => {
      const t0 = performance.now();
      await engineFloor(handle.db, handle.dialect, q);
      return performance.now() - t0;
    };
    // The floor first: it pays the database's cold caches, so the server's first search shows
    // only what the process itself still had to load (what the start-up warm-up is for).
    const firstFloor = await floor(run.queries[0]!);
    const first = await httpSearch(info.url, run.queries[0]!);
    opts.log(`${run.label} ${run.dialect}: first package_search after the warm-up ${first.ms.toFixed(1)} ms (floor, run just before it, ${firstFloor.toFixed(1)} ms)`);
    yield line({ bench: name(`first-search-${run.label}`), value: first.ms, unit: 'ms', baseline: Math.max(firstFloor, 0.01), goal: 2, goal_on: 'ratio', lower_is_better: true });

    const hits = new Map<string, number>();
    for (const q of run.queries) {
      // Warm-up round, and the band. The API must return the datasets it counts.
      const r = await httpSearch(info.url, q);
      if (r.results !== Math.min(20, r.count)) throw new Error(`package_search q=${q} counted ${r.count} datasets but returned ${r.results}: the catalog's rows are missing`);
      hits.set(q, r.count);
      await floor(q);
    }
    if (![...hits.values()].some((n) => n > 0)) throw new Error('no query found any dataset');
    const samples = new Map(run.queries.map((q) => [q, { full: [] as number[], floor: [] as number[] }]));
    for (let rep = 0; rep < run.reps; rep++) {
      for (const q of run.queries) {
        const s = samples.get(q)!;
        // Alternate which goes first, so caches and drift fall on both alike.
        for (const side of rep % 2 ? (['floor', 'full'] as const) : (['full', 'floor'] as const)) {
          s[side].push(side === 'full' ? (await httpSearch(info.url, q)).ms : await floor(q));
        }
      }
    }
    let lower = 0;
    for (const band of BANDS) {
      const qs = run.queries.filter((q) => (hits.get(q)! > lower || (band.name === 'le1k' && hits.get(q) === 0)) && hits.get(q)! <= band.max);
      lower = band.max;
      if (!qs.length) continue;
      const full = qs.flatMap((q) => samples.get(q)!.full);
      const fl = qs.flatMap((q) => samples.get(q)!.floor);
      const [p50, p95, f50, f95] = [pct(full, 50), pct(full, 95), Math.max(pct(fl, 50), 0.01), Math.max(pct(fl, 95), 0.01)];
      opts.log(`${run.label} ${run.dialect} ${band.name}: ${qs.length} queries, p50 ${p50.toFixed(2)} ms (floor ${f50.toFixed(2)}), p95 ${p95.toFixed(2)} ms (floor ${f95.toFixed(2)})`);
      yield line({ bench: name(`search-${run.label}-${band.name}-p50`), value: p50, unit: 'ms', baseline: f50, goal: 2, goal_on: 'ratio', lower_is_better: true });
      yield line({ bench: name(`search-${run.label}-${band.name}-p95`), value: p95, unit: 'ms', baseline: f95, goal: 2, goal_on: 'ratio', lower_is_better: true });
      if (run.label === '1m' && band.max <= 50_000) yield line({ bench: name(`search-${run.label}-${band.name}-p50-abs`), value: p50, unit: 'ms', baseline: f50, goal: 50, goal_on: 'value', lower_is_better: true });
    }
  } finally {
    await handle.close();
  }
}

/** The mixed load: what readers of a catalog do, in rough proportions. */
function requestKinds(run: Run): RequestKind[] {
  // Datasets anyone may read (active and public), so package_show and the page answer 200.
  const r = rng(7);
  const names: string[] = [];
  for (let tries = 0; names.length < 2000 && tries < 20_000; tries++) {
    const d = generateDataset(Math.floor(r() * run.size)).doc;
    if (d.state === 'active' && !d.private) names.push(d.name);
  }
  const queries = benchQueries(200);
  const q = (x: () => number) => queries[Math.floor(x() * queries.length)]!;
  const filters = [
    () => 'res_format:CSV',
    (x: () => number) => `organization:${ORGS[Math.floor(x() * ORGS.length)]!.slug}`,
    () => 'metadata_modified:[2020-01-01T00:00:00Z TO NOW]',
    (x: () => number) => `tags:"${TAGS[Math.floor(x() * 50)]!}"`,
    () => 'license_id:cc-by-4.0',
  ];
  const name = (x: () => number) => names[Math.floor(x() * names.length)]!;
  return [
    { name: 'search', weight: 30, path: (x) => searchPath(q(x)) },
    { name: 'search-paging', weight: 10, path: (x) => searchPath(q(x), { start: String(20 * (1 + Math.floor(x() * 5))) }) },
    { name: 'search-filter', weight: 15, path: (x) => searchPath(x() < 0.5 ? q(x) : '', { fq: filters[Math.floor(x() * filters.length)]!(x) }) },
    { name: 'search-empty', weight: 10, path: () => searchPath('') },
    { name: 'package-show', weight: 25, path: (x) => `/api/3/action/package_show?id=${encodeURIComponent(name(x))}` },
    { name: 'dataset-page', weight: 10, path: (x) => `/dataset/${encodeURIComponent(name(x))}` },
  ];
}

function describeLoad(m: MixedResult): string {
  return Object.entries(m.byKind)
    .map(([k, v]) => `${k} ${v.requests} (${Object.entries(v.statuses).map(([s, n]) => `${s}×${n}`).join(' ')}; p50 ${v.ms.length ? pct(v.ms, 50).toFixed(0) : '-'} ms, p95 ${v.ms.length ? pct(v.ms, 95).toFixed(0) : '-'} ms)`)
    .join(', ');
}

/** PostgreSQL backends serving a database (their memory is the database server's, not this server's). */
async function pgBackends(url: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
  await c.connect();
  try {
    const r = await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [new URL(url).pathname.slice(1)]);
    return r.rows.map((x) => x.pid);
  } finally {
    await c.end();
  }
}

/** One server under the mixed load; its peak RSS, and on PostgreSQL the peak PSS of the database's backends. */
async function loaded(opts: BenchOptions, run: Run, url: string, what: string): Promise<{ hwm: number; duringLoad: number; result: MixedResult }> {
  const host = await startHost<CatalogHttpHostInfo>(HOST, { CATALOG_HTTP_DATABASE_URL: url });
  try {
    const { pid } = host.info;
    const rss = sampleMax(() => procStatusBytes(pid, 'VmRSS'), 100);
    const pgPss = run.dialect === 'postgres' ? sampleMax(async () => (await pgBackends(url)).reduce((s, p) => s + pssBytes(p), 0), 1000) : null;
    const result = await mixedLoad(host.info.url, requestKinds(run), { seconds: run.loadSeconds, connections: run.connections });
    const peakSampled = await rss.stop();
    const hwm = procStatusBytes(pid, 'VmHWM');
    const pss = pgPss ? await pgPss.stop() : 0;
    opts.log(
      `${run.label} ${run.dialect} ${what}: peak RSS ${(hwm / MB).toFixed(0)} MB (VmHWM; sampled VmRSS peak ${(peakSampled / MB).toFixed(0)} MB), warm-up ${JSON.stringify(host.info.warmup)}, ${host.info.cache}` +
        (pgPss ? `, PostgreSQL backends' peak PSS ${(pss / MB).toFixed(0)} MB` : '') +
        `; ${result.requests} requests in ${result.seconds.toFixed(1)} s (${(result.requests / result.seconds).toFixed(1)} req/s): ${describeLoad(result)}`,
    );
    return { hwm, duringLoad: peakSampled, result };
  } finally {
    await host.close();
  }
}

async function* memory(opts: BenchOptions, run: Run): AsyncGenerator<BenchLine> {
  const empty = await loaded(opts, run, run.emptyUrl, 'empty database');
  const full = await loaded(opts, run, run.url, 'catalog');
  // On the catalog every request must succeed: a fast error page must never pass for a served request.
  const failed = Object.entries(full.result.byKind).filter(([, v]) => Object.keys(v.statuses).some((s) => s !== '200'));
  if (failed.length) throw new Error(`mixed load on the ${run.label} catalog: answers other than 200: ${failed.map(([k, v]) => `${k} ${JSON.stringify(v.statuses)}`).join(', ')}`);
  yield line({ bench: `catalog-http-peak-rss-${run.label}-${run.dialect}`, value: full.hwm / MB, unit: 'MB', baseline: empty.hwm / MB, goal: 600, goal_on: 'value', lower_is_better: true });
  // The same, sampled during the load only (start-up and warm-up left out), to tell the two apart.
  yield line({ bench: `catalog-http-load-rss-${run.label}-${run.dialect}`, value: full.duringLoad / MB, unit: 'MB', baseline: empty.duringLoad / MB, goal: 600, goal_on: 'value', lower_is_better: true });
}

async function* measure(opts: BenchOptions, run: Run): AsyncGenerator<BenchLine> {
  const host = await startHost<CatalogHttpHostInfo>(HOST, { CATALOG_HTTP_DATABASE_URL: run.url });
  try {
    opts.log(`${run.label} ${run.dialect}: server ready, warm-up ${JSON.stringify(host.info.warmup)}, ${host.info.cache}`);
    if ('error' in host.info.warmup) throw new Error(`the server's search warm-up failed: ${host.info.warmup.error}`);
    yield* latency(opts, run, host.info);
  } finally {
    await host.close();
  }
  if (run.rss) yield* memory(opts, run);
}

async function dropPg(name: string): Promise<void> {
  const c = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
  await c.connect();
  await c.query(`drop database if exists ${name} with (force)`);
  await c.end();
}

/** An empty, migrated database of the dialect (the memory baseline), and how to remove it. */
async function emptyDatabase(dialect: Dialect): Promise<{ url: string; drop(): Promise<void> }> {
  const tag = `empty${process.pid}`;
  const path = join(tmpdir(), `kabuto-bench-http-${tag}.db`);
  const t = await openTarget(dialect, tag, path);
  await t.handle.close();
  return {
    url: t.handle.url,
    drop: async () => {
      if (dialect === 'postgres') await dropPg(`kabuto_bench_${tag}`);
      else for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    },
  };
}

export const catalogHttpBench: Benchmark = {
  name: 'catalog-http',
  description: 'package_search over HTTP (4 facets, rows=20) vs the engine floor by hit band, and the server peak RSS under mixed search/show/page load vs an empty database, at 40k and 1M on both dialects',
  async *run(opts: BenchOptions): AsyncGenerator<BenchLine> {
    const dialects: Dialect[] = (await pgReachable(PG_SERVER)) ? ['sqlite', 'postgres'] : ['sqlite'];
    if (dialects.length === 1) opts.log(`PostgreSQL at ${PG_SERVER} is unreachable: SQLite only`);
    if (opts.smoke) {
      const tag = `smokehttp${process.pid}`;
      const path = join(tmpdir(), `kabuto-bench-${tag}.db`);
      for (const dialect of dialects) {
        const t = await openTarget(dialect, tag, path);
        const empty = await emptyDatabase(dialect);
        try {
          await seedTargets([t], 300);
          await t.handle.close();
          yield* measure(opts, { label: 'smoke', size: 300, dialect, url: t.handle.url, emptyUrl: empty.url, queries: benchQueries(10), reps: 1, loadSeconds: 1, connections: 2, rss: true });
        } finally {
          await t.handle.close().catch(() => undefined);
          await empty.drop();
          if (dialect === 'postgres') await dropPg(`kabuto_bench_${tag}`);
          else for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
        }
      }
      return;
    }
    const sizes = (process.env.CATALOG_BENCH_SIZES ?? '40k,1m').split(',');
    const only = process.env.CATALOG_BENCH_DIALECTS?.split(',');
    // CATALOG_BENCH_QUERIES=50 keeps every 4th of the 200 (PostgreSQL at 1M takes seconds a query).
    const every = Math.max(1, Math.round(200 / Number(process.env.CATALOG_BENCH_QUERIES ?? 200)));
    for (const label of sizes) {
      const size = SIZES[label];
      if (!size) throw new Error(`unknown size ${label}; known: ${Object.keys(SIZES).join(', ')}`);
      for (const dialect of dialects.filter((x) => !only || only.includes(x))) {
        const url = dialect === 'postgres' ? pgUrlFor(label) : `sqlite:${sqlitePathFor(label)}`;
        const seeded = await countDatasets(dialect, label, url);
        if (seeded < size) {
          opts.log(`${label} ${dialect}: ${seeded} of ${size} datasets in the catalog's tables; run npm run bench:seed -- --sizes ${label} first. Skipped.`);
          continue;
        }
        const empty = await emptyDatabase(dialect);
        try {
          yield* measure(opts, {
            label,
            size,
            dialect,
            url,
            emptyUrl: empty.url,
            queries: benchQueries(200).filter((_, i) => i % every === 0),
            reps: Number(process.env.CATALOG_BENCH_REPS ?? 3),
            loadSeconds: Number(process.env.CATALOG_HTTP_LOAD_SECONDS ?? 60),
            connections: Number(process.env.CATALOG_HTTP_CONNECTIONS ?? 8),
            rss: process.env.CATALOG_HTTP_RSS !== '0',
          });
        } finally {
          await empty.drop();
        }
      }
    }
  },
};

/** Datasets in the catalog's tables of a seeded size (0 when the file or database is missing), without creating anything. */
async function countDatasets(dialect: Dialect, label: string, url: string): Promise<number> {
  if (dialect === 'sqlite') {
    if (!existsSync(sqlitePathFor(label))) return 0;
  } else {
    const c = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
    await c.connect();
    const exists = (await c.query('select 1 from pg_database where datname = $1', [`kabuto_bench_${label}`])).rowCount;
    await c.end();
    if (!exists) return 0;
  }
  const h = openDatabase(url);
  try {
    const r = await h.db.selectFrom('catalog_datasets').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  } catch {
    return 0;
  } finally {
    await h.close();
  }
}
