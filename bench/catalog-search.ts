/**
 * package_search latency on the synthetic catalogs (bench/seed-catalog.ts; `npm run bench:seed` first):
 * searchDatasets with 4 facets and rows=20 for 200 fixed Japanese queries (one and two words),
 * banded by hit count (≤ 1k, ≤ 50k, more), p50 and p95, beside the floor measured in the same run:
 * the same full-text match, ordering and LIMIT 20, without facets, filters or highlights.
 * Goals: p50 within 2× of the floor in every band; p50 under 50 ms at 1M datasets up to 50k hits.
 * The first search of a process loads the facet arrays: reported apart as the cold figure.
 * At smoke size a 300-document catalog is built on the spot. CATALOG_BENCH_SIZES=40k,1m and
 * CATALOG_BENCH_REPS=3 (timed rounds per query) and CATALOG_BENCH_QUERIES=200,
 * CATALOG_BENCH_DIALECTS=sqlite,postgres narrow a full run.
 */
import { rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { line, type BenchLine, type Benchmark, type BenchOptions } from './format.js';
import { pgReachable } from './util.js';
import { openTarget, seedTargets, sqlitePathFor, PG_SERVER, SIZES, TAGS, ORGS, type SeedTarget } from './seed-catalog.js';
import { searchDatasets, type SearchParams } from '../src/catalog/search/index.js';
import { textTop } from '../src/catalog/search/fts.js';
import { parseQuery } from '../src/catalog/search/query.js';
import { openDatabase, type Db, type Dialect } from '../src/core/db/index.js';
import { migrateToLatest } from '../src/core/db/migrate.js';

export const FACETS = ['organization', 'tags', 'res_format', 'license_id'];
/** Hit-count bands; the ≤ 1k band also holds the queries without a hit. */
export const BANDS = [
  { name: 'le1k', max: 1000 },
  { name: 'le50k', max: 50_000 },
  { name: 'gt50k', max: Infinity },
];

/** 200 fixed queries: tags across the Zipf ranks, municipality names, and pairs of them. */
export function benchQueries(n = 200): string[] {
  const tags = TAGS.filter((t) => !/\s/.test(t));
  const munis = ORGS.map((o) => o.name);
  const out: string[] = [];
  const step = (len: number, k: number) => Math.floor((k * len) / Math.ceil(n * 0.4)) % len;
  for (let k = 0; out.length < n * 0.4; k++) out.push(tags[step(tags.length, k)]!);
  for (let k = 0; out.length < n * 0.6; k++) out.push(munis[(k * 7) % munis.length]!);
  for (let k = 0; out.length < n * 0.8; k++) out.push(`${munis[(k * 5) % munis.length]} ${tags[(k * 3) % tags.length]}`);
  for (let k = 0; out.length < n; k++) out.push(`${tags[(k * 11) % tags.length]} ${tags[(k * 13 + 1) % tags.length]}`);
  return out;
}

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** The floor of a search: the same full-text match, ordering and LIMIT 20, without facets, filters or highlights. */
export async function engineFloor(db: Db, dialect: Dialect, q: string): Promise<void> {
  const node = parseQuery(q, { mode: 'q', now: Date.now() });
  if (node) await textTop(db, dialect, node, 20); // with the plan settings a search uses (fts.ts textPlan)
}

async function* measure(opts: BenchOptions, t: SeedTarget, label: string, queries: string[], reps: number): AsyncGenerator<BenchLine> {
  const { db } = t.handle;
  const dialect: Dialect = t.dialect;
  const params = (q: string): SearchParams => ({ q, facetFields: FACETS, facetLimit: 50, facetMinCount: 1, rows: 20, start: 0, visibility: { includePrivate: false, orgs: [] } });
  const floor = (q: string) => engineFloor(db, dialect, q);
  const name = (rest: string) => `catalog-search-${label}-${rest}-${dialect}`;

  // Cold: the first search of the process loads the facet arrays.
  const c0 = performance.now();
  await searchDatasets(db, dialect, params(queries[0]!));
  const cold = performance.now() - c0;
  const f0 = performance.now();
  await floor(queries[0]!);
  const coldFloor = performance.now() - f0;
  opts.log(`${label} ${dialect}: cold first search ${cold.toFixed(0)} ms (floor ${coldFloor.toFixed(1)} ms)`);
  yield line({ bench: name('cold-first'), value: cold, unit: 'ms', baseline: Math.max(coldFloor, 0.01), goal: 2, goal_on: 'ratio', lower_is_better: true });

  const samples = new Map<string, { full: number[]; floor: number[] }>();
  const hits = new Map<string, number>();
  for (const q of queries) {
    hits.set(q, (await searchDatasets(db, dialect, params(q))).count); // warm-up, and the band
    await floor(q);
  }
  for (let r = 0; r < reps; r++) {
    for (const q of queries) {
      const s = samples.get(q) ?? { full: [], floor: [] };
      samples.set(q, s);
      // Alternate which goes first, so caches and drift fall on both alike.
      for (const side of r % 2 ? (['floor', 'full'] as const) : (['full', 'floor'] as const)) {
        const t0 = performance.now();
        if (side === 'full') await searchDatasets(db, dialect, params(q));
        else await floor(q);
        s[side].push(performance.now() - t0);
      }
    }
  }
  let lower = 0;
  for (const band of BANDS) {
    const qs = queries.filter((q) => hits.get(q)! > lower && hits.get(q)! <= band.max);
    const zero = band.name === 'le1k' ? queries.filter((q) => hits.get(q) === 0) : [];
    lower = band.max;
    const all = [...zero, ...qs];
    if (!all.length) continue;
    const full = all.flatMap((q) => samples.get(q)!.full);
    const fl = all.flatMap((q) => samples.get(q)!.floor);
    const p50 = pct(full, 50);
    const p95 = pct(full, 95);
    const f50 = Math.max(pct(fl, 50), 0.01);
    const f95 = Math.max(pct(fl, 95), 0.01);
    opts.log(`${label} ${dialect} ${band.name}: ${all.length} queries, p50 ${p50.toFixed(2)} ms (floor ${f50.toFixed(2)}), p95 ${p95.toFixed(2)} ms (floor ${f95.toFixed(2)})`);
    yield line({ bench: name(`${band.name}-p50`), value: p50, unit: 'ms', baseline: f50, goal: 2, goal_on: 'ratio', lower_is_better: true });
    yield line({ bench: name(`${band.name}-p95`), value: p95, unit: 'ms', baseline: f95, goal: 2, goal_on: 'ratio', lower_is_better: true });
    if (label === '1m' && band.max <= 50_000) yield line({ bench: name(`${band.name}-p50-abs`), value: p50, unit: 'ms', baseline: f50, goal: 50, goal_on: 'value', lower_is_better: true });
  }
}

/**
 * Peak resident memory of a process that searches for `seconds` (a mix of the fixed queries with
 * facets, filters, paging and the empty query), sampled every 50 ms. SQLite's page cache is its
 * default (2,000 KiB per connection); PostgreSQL's server memory is not this process's.
 */
async function searchLoadChild(url: string, seconds: number): Promise<{ peakMb: number; searches: number }> {
  const h = openDatabase(url);
  await migrateToLatest(h.db);
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const qs = benchQueries(200);
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    const q = qs[n % qs.length]!;
    await searchDatasets(h.db, h.dialect, {
      q: n % 10 === 9 ? '' : q,
      fq: n % 3 === 0 ? 'res_format:CSV' : n % 3 === 1 ? 'metadata_modified:[2020-01-01T00:00:00Z TO NOW]' : '',
      facetFields: FACETS,
      facetLimit: 50,
      facetMinCount: 1,
      rows: 20,
      start: (n % 4) * 20,
      visibility: { includePrivate: false, orgs: [] },
    });
    n++;
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  clearInterval(timer);
  await h.close();
  return { peakMb: peak / 1e6, searches: n };
}

function runLoadChild(url: string, seconds: number): Promise<{ peakMb: number; searches: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--load-child', url, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as { peakMb: number; searches: number }) : reject(new Error(`load child exited with ${code}`))));
  });
}

async function* memoryLine(opts: BenchOptions, label: string, dialect: Dialect, url: string, emptyUrl: string, seconds: number): AsyncGenerator<BenchLine> {
  const empty = await runLoadChild(emptyUrl, seconds);
  const full = await runLoadChild(url, seconds);
  opts.log(`${label} ${dialect}: peak RSS ${full.peakMb.toFixed(0)} MB over ${full.searches} searches in ${seconds} s (empty database: ${empty.peakMb.toFixed(0)} MB)`);
  yield line({ bench: `catalog-search-${label}-peak-rss-${dialect}`, value: full.peakMb, unit: 'MB', baseline: empty.peakMb, goal: 600, goal_on: 'value', lower_is_better: true });
}

export const catalogSearchBench: Benchmark = {
  name: 'catalog-search',
  description: 'searchDatasets (4 facets, rows=20) vs the bare full-text top 20, by hit band, at 40k and 1M datasets on both dialects',
  async *run(opts: BenchOptions): AsyncGenerator<BenchLine> {
    const dialects: Dialect[] = (await pgReachable(PG_SERVER)) ? ['sqlite', 'postgres'] : ['sqlite'];
    if (dialects.length === 1) opts.log(`PostgreSQL at ${PG_SERVER} is unreachable: SQLite only`);
    if (opts.smoke) {
      const path = join(tmpdir(), `kabuto-bench-search-${process.pid}.db`);
      const targets = await Promise.all(dialects.map((d) => openTarget(d, 'smoke', path)));
      try {
        await seedTargets(targets, 300);
        for (const t of targets) yield* measure(opts, t, 'smoke', benchQueries(20), 1);
        const emptyPath = join(tmpdir(), `kabuto-bench-search-empty-${process.pid}.db`);
        yield* memoryLine(opts, 'smoke', 'sqlite', `sqlite:${path}`, `sqlite:${emptyPath}`, 1);
        rmSync(emptyPath, { force: true });
      } finally {
        for (const t of targets) await t.handle.close();
        rmSync(path, { force: true });
        rmSync(`${path}-wal`, { force: true });
        rmSync(`${path}-shm`, { force: true });
        if (dialects.includes('postgres')) {
          const c = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
          await c.connect();
          await c.query('drop database if exists kabuto_bench_smoke with (force)');
          await c.end();
        }
      }
      return;
    }
    const sizes = (process.env.CATALOG_BENCH_SIZES ?? '40k,1m').split(',');
    const only = process.env.CATALOG_BENCH_DIALECTS?.split(',');
    for (const size of sizes) {
      for (const d of dialects.filter((x) => !only || only.includes(x))) {
        const t = await openTarget(d, size);
        try {
          const n = Number((await t.handle.db.selectFrom('catalog_search_docs').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
          if (n < SIZES[size]!) {
            opts.log(`${size} ${d}: ${n} of ${SIZES[size]} datasets seeded; run npm run bench:seed -- --sizes ${size} first`);
            continue;
          }
          // CATALOG_BENCH_QUERIES=50 keeps every 4th of the 200 (PostgreSQL at 1M takes seconds a query).
          const every = Math.max(1, Math.round(200 / Number(process.env.CATALOG_BENCH_QUERIES ?? 200)));
          yield* measure(opts, t, size, benchQueries(200).filter((_, i) => i % every === 0), Number(process.env.CATALOG_BENCH_REPS ?? 3));
        } finally {
          await t.handle.close();
        }
        if (d === 'sqlite' && process.env.CATALOG_BENCH_RSS !== '0') {
          const emptyPath = join(tmpdir(), `kabuto-bench-search-empty-${process.pid}.db`);
          yield* memoryLine(opts, size, d, `sqlite:${sqlitePathFor(size)}`, `sqlite:${emptyPath}`, 60);
          rmSync(emptyPath, { force: true });
        }
      }
    }
  },
};

if (process.argv[2] === '--load-child') {
  const r = await searchLoadChild(process.argv[3]!, Number(process.argv[4]));
  process.stdout.write(JSON.stringify(r));
}
