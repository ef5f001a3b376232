/**
 * The companies registry at 100,000 companies (smoke: 300), SQLite, one run:
 *
 * - CSV import rate through `importCompanies` (validation, 法人番号 duplicate checks, near-duplicate
 *   warnings, search index, audit, savepoint per row), beside a bare batched INSERT of the same rows
 *   into the same table (no checks, no index, no audit) as the floor. Goal: ≥ 2,000 rows/s.
 * - Name search p50 through the service (bigram FTS5, count + first page of 20) for Japanese and for
 *   English partial names, beside a naive LIKE '%…%' scan over the same names with the same count and
 *   page. Goals: ≥ 10× faster than the scan (ratio ≤ 0.1) and p50 ≤ 20 ms.
 *   The queries are distinct partial names (places, katakana words, industry words); each is run
 *   once per side, the sides alternating, so neither side gets a warmer page cache. A second, warm
 *   pass repeats the same queries (the database pages are then cached; there is no result cache).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { line, type BenchLine, type Benchmark, type BenchOptions } from './format.js';
import { companiesCsvText, queries, syntheticCompanies } from './companies-data.js';
import { openDatabase, type DatabaseHandle } from '../src/core/db/index.js';
import { migrateToLatest } from '../src/core/db/migrate.js';
import { systemClock } from '../src/core/clock.js';
import { systemActor } from '../src/core/audit.js';
import { HookRegistry, type AppContext } from '../src/core/context.js';
import { CompaniesService } from '../src/companies/service.js';
import { companiesStore } from '../src/companies/store.js';
import { importCompanies } from '../src/companies/import.js';
import { validateCompany } from '../src/companies/validate.js';

const FULL = { companies: 100_000, queries: 150, label: '100k' };
const SMOKE = { companies: 300, queries: 6, label: '300' };

async function fresh(dir: string, name: string): Promise<DatabaseHandle> {
  const h = openDatabase(`sqlite:${join(dir, name)}`);
  await migrateToLatest(h.db);
  return h;
}

const p50 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

export const companiesBench: Benchmark = {
  name: 'companies',
  description: 'companies registry on SQLite: CSV import rate vs a bare INSERT, name search p50 (Japanese, English) vs a LIKE scan',
  async *run(opts: BenchOptions): AsyncGenerator<BenchLine> {
    const size = opts.smoke ? SMOKE : FULL;
    const dir = mkdtempSync(join(tmpdir(), 'kabuto-bench-companies-'));
    try {
      const rows = syntheticCompanies(size.companies);
      const text = companiesCsvText(rows);
      opts.log(`${rows.length} synthetic companies, ${(text.length / 1e6).toFixed(1)} M characters of CSV; e.g. ${rows[0]!.nameJa} / ${rows[0]!.nameEn}`);

      // Floor: the same rows, already validated, inserted in batches of 500 with nothing else.
      let bareRate: number;
      const bare = await fresh(dir, 'bare.db');
      try {
        const now = new Date().toISOString();
        const cols = rows.map((c) => validateCompany({ corporateNumber: c.corporateNumber, nameJa: c.nameJa, kana: c.kana, nameEn: c.nameEn, country: 'JP', addressJa: c.location, postalCode: c.postalCode, capitalYen: c.capital, employees: c.employees, jsicMajor: c.jsicMajor }).columns);
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < cols.length; i += 500) {
          await bare.db.transaction().execute(async (trx) => {
            for (const c of cols.slice(i, i + 500)) await trx.insertInto('companies').values({ ...c, created_at: now, updated_at: now, merged_into: null, merged_at: null }).execute();
          });
        }
        bareRate = rows.length / (ms(t0) / 1000);
      } finally {
        await bare.close();
      }

      const h = await fresh(dir, 'companies.db');
      try {
        const t0 = process.hrtime.bigint();
        const report = await importCompanies({ db: h.db, dialect: h.dialect, clock: systemClock }, text, systemActor('bench'));
        const seconds = ms(t0) / 1000;
        if (report.created !== rows.length) throw new Error(`import created ${report.created} of ${rows.length} companies; problems: ${JSON.stringify(report.problems.slice(0, 3))}`);
        const rate = rows.length / seconds;
        opts.log(`import: ${Math.round(rate)} rows/s (${seconds.toFixed(1)} s, ${report.warnings.length} near-duplicate warnings); bare INSERT ${Math.round(bareRate)} rows/s`);
        yield line({ bench: `companies-import-${size.label}-sqlite`, value: rate, unit: 'rows/s', baseline: bareRate, goal: 2000, goal_on: 'value', lower_is_better: false });

        const ctx = { db: h.db, dialect: h.dialect, clock: systemClock, hooks: new HookRegistry() } as unknown as AppContext;
        const svc = new CompaniesService(ctx);
        for (const lang of ['ja', 'en'] as const) {
          const qs = queries(size.queries, lang);
          for (const pass of ['cold', 'warm'] as const) {
            const fts: number[] = [];
            const like: number[] = [];
            let hits = 0;
            let likeHits = 0;
            for (const [i, q] of qs.entries()) {
              // Alternate which side goes first, so the page cache favours neither.
              for (const side of i % 2 ? (['like', 'fts'] as const) : (['fts', 'like'] as const)) {
                const t = process.hrtime.bigint();
                if (side === 'fts') hits += (await svc.search({ text: q, limit: 20 })).total;
                else likeHits += (await companiesStore.likeScan(h.db, q, 20)).total;
                (side === 'fts' ? fts : like).push(ms(t));
              }
            }
            const a = p50(fts);
            const b = p50(like);
            opts.log(`${lang} search (${pass}, ${qs.length} queries such as ${qs.slice(0, 4).join(', ')}): FTS p50 ${a.toFixed(2)} ms, LIKE p50 ${b.toFixed(2)} ms; mean hits ${Math.round(hits / qs.length)} vs ${Math.round(likeHits / qs.length)}`);
            yield line({ bench: `companies-search-${lang}-${pass}-${size.label}-sqlite`, value: a, unit: 'ms', baseline: b, goal: 0.1, goal_on: 'ratio', lower_is_better: true });
            yield line({ bench: `companies-search-${lang}-${pass}-p50-${size.label}-sqlite`, value: a, unit: 'ms', baseline: b, goal: 20, goal_on: 'value', lower_is_better: true });
          }
        }
      } finally {
        await h.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
