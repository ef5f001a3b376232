/**
 * Harvest throughput: datasets per second from a local CKAN source (src/catalog/harvest/testing.ts,
 * 127.0.0.1, pages of 1000) into an empty catalog, search indexing included; the baseline is the
 * same run in a process whose catalog search port neither tokenizes nor writes search documents
 * (catalog-harvest-noindex-hooks.mjs). Goals: ≥ 300/s on SQLite, ≥ 200/s on PostgreSQL. A second
 * line gives the tokenizer's share: the time to prepare every harvested dataset's search document
 * against the indexed run's time. Each run is in its own process on a fresh database.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { line, type BenchLine, type Benchmark, type BenchOptions } from './format.js';
import { pgReachable } from './util.js';

interface ChildResult {
  n: number;
  ms: number;
  added: number;
  tokenizerMs: number;
}

const SELF = fileURLToPath(import.meta.url);
const NOINDEX = fileURLToPath(new URL('./catalog-harvest-noindex.mjs', import.meta.url));
const PG = process.env.KABUTO_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';

function child(dialect: string, n: number, index: boolean): Promise<ChildResult> {
  const args = ['--import', 'tsx', ...(index ? [] : ['--import', NOINDEX]), SELF, '--child', dialect, String(n), index ? 'index' : 'noindex'];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult) : reject(new Error(`harvest bench child (${dialect}, ${index ? 'index' : 'noindex'}) exited with ${code}`))));
  });
}

async function runChild(dialect: 'sqlite' | 'postgres', n: number, index: boolean): Promise<ChildResult> {
  const { openDatabase } = await import('../src/core/db/index.js');
  const { migrateToLatest } = await import('../src/core/db/migrate.js');
  const { systemClock } = await import('../src/core/clock.js');
  const { systemActor } = await import('../src/core/audit.js');
  const { seedReferenceData } = await import('../src/catalog/seed.js');
  const { CatalogService } = await import('../src/catalog/service.js');
  const { prepareSearchDoc } = await import('../src/catalog/search/index.js');
  const { clearWordStartMemo } = await import('../src/catalog/search/analyzer.js');
  const { searchDocOf } = await import('../src/catalog/dictize.js');
  const { FakeCkan, ckanPackage } = await import('../src/catalog/harvest/testing.js');
  const { HarvestSources } = await import('../src/catalog/harvest/sources.js');
  const { runHarvest } = await import('../src/catalog/harvest/runner.js');
  const dir = mkdtempSync(join(tmpdir(), 'kabuto-harvest-bench-'));
  let url = `sqlite:${join(dir, 'bench.db')}`;
  let dbName = '';
  if (dialect === 'postgres') {
    dbName = `kabuto_hb_${process.pid}`;
    const c = new pg.Client({ connectionString: `${PG}/postgres` });
    await c.connect();
    await c.query(`create database ${dbName}`);
    await c.end();
    url = `${PG}/${dbName}`;
  }
  const h = openDatabase(url);
  const ckan = new FakeCkan();
  try {
    await migrateToLatest(h.db);
    await seedReferenceData({ db: h.db, clock: systemClock });
    await ckan.start();
    const base = Date.parse('2024-01-01T00:00:00Z');
    for (let i = 0; i < n; i++) ckan.put(ckanPackage(i, new Date(base + i * 1000)));
    const admin = { id: 1, email: 'bench@example.jp', role: 'admin', displayName: 'bench', orgId: null, companyId: null } as never;
    const src = await new HarvestSources({ db: h.db, clock: systemClock }).create(admin, systemActor('bench'), { name: 'bench', kind: 'ckan', url: ckan.url, organization: '131105', config: { pageSize: 1000 } });
    const deps = { db: h.db, dialect: h.dialect, clock: systemClock, dataDir: dir };
    // The dictionary loads once per process: outside the timed run.
    prepareSearchDoc({ id: 'warm', name: 'warm', title: '東京都の人口', notes: '', tags: [], organization: null, groups: [], resFormats: [], resNames: [], resDescriptions: [], licenseId: null, private: false, state: 'active', metadataCreated: '2024-01-01T00:00:00.000Z', metadataModified: '2024-01-01T00:00:00.000Z', extras: {}, author: null, maintainer: null });
    const t0 = performance.now();
    const r = await runHarvest(deps, src.id, { trigger: 'cli' });
    const ms = performance.now() - t0;
    if (r.added !== n) throw new Error(`added ${r.added} of ${n}: ${JSON.stringify(r.report).slice(0, 500)}`);
    let tokenizerMs = 0;
    if (index) {
      const ids = (await h.db.selectFrom('catalog_datasets').select('id').where('owner_org', '=', '131105').execute()).map((x) => x.id);
      const fulls = await new CatalogService(deps).fullMany(ids);
      const docs = fulls.map(searchDocOf);
      // From a cold memo of word starts, as the run started.
      clearWordStartMemo();
      const t1 = performance.now();
      for (const d of docs) prepareSearchDoc(d);
      tokenizerMs = performance.now() - t1;
    }
    return { n, ms, added: r.added, tokenizerMs };
  } finally {
    await ckan.stop();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
    if (dbName) {
      const c = new pg.Client({ connectionString: `${PG}/postgres` });
      await c.connect();
      await c.query(`drop database if exists ${dbName} with (force)`);
      await c.end();
    }
  }
}

const GOALS = { sqlite: 300, postgres: 200 } as const;

export const catalogHarvestBench: Benchmark = {
  name: 'catalog-harvest',
  description: 'harvest from a local CKAN source: datasets/s with indexing against the same run without it, and the tokenizer share',
  async *run(opts: BenchOptions): AsyncIterable<BenchLine> {
    const n = opts.smoke ? 30 : 3000;
    const dialects: ('sqlite' | 'postgres')[] = ['sqlite'];
    if (await pgReachable(PG)) dialects.push('postgres');
    else opts.log('PostgreSQL unreachable: SQLite only');
    for (const d of dialects) {
      const base = await child(d, n, false);
      const full = await child(d, n, true);
      const rate = (r: ChildResult) => (r.n / r.ms) * 1000;
      opts.log(`${d}: ${n} datasets, ${full.ms.toFixed(0)} ms indexed (${rate(full).toFixed(0)}/s), ${base.ms.toFixed(0)} ms without indexing (${rate(base).toFixed(0)}/s); tokenizer ${full.tokenizerMs.toFixed(0)} ms`);
      yield line({ bench: `catalog-harvest-${d}`, value: rate(full), unit: 'datasets/s', baseline: rate(base), goal: GOALS[d], goal_on: 'value', lower_is_better: false });
      yield line({ bench: `catalog-harvest-tokenizer-share-${d}`, value: full.tokenizerMs, unit: 'ms', baseline: full.ms, goal: 0.6, goal_on: 'ratio', lower_is_better: true });
    }
  },
};

if (process.argv[2] === '--child') {
  const r = await runChild(process.argv[3] as 'sqlite' | 'postgres', Number(process.argv[4]), process.argv[5] === 'index');
  process.stdout.write(JSON.stringify(r) + '\n');
  process.exit(0);
}
