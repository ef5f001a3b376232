/**
 * `npm run bench:seed [-- --sizes 40k,1m] [-- --dialects sqlite,postgres]`
 * Builds the synthetic catalogs the search benchmark reads: 40,000 and 1,000,000 datasets, search
 * documents only (the catalog's own tables are not needed to search). Documents are a pure function
 * of their number, drawn with Zipf distributions from real text (bench/seed-fixtures.ts) over 63
 * organizations, several formats and licences. Tokens are computed once per chunk and bulk-loaded
 * into both dialects; a run resumes where the last one stopped. Data stays out of git (bench/data/,
 * PostgreSQL databases kabuto_bench_40k and kabuto_bench_1m).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle, type Dialect } from '../src/core/db/index.js';
import { migrateToLatest } from '../src/core/db/migrate.js';
import { docRow, prepareWith, TOKENIZER_ID, type DatasetSearchDoc, type PreparedSearchDoc } from '../src/catalog/search/index.js';
import { wordStarts } from '../src/catalog/search/analyzer.js';
import { normalize } from '../src/core/search/text.js';
import { FIXTURES } from './seed-fixtures.js';

export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'data');
export const PG_SERVER = process.env.KABUTO_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';
export const SIZES: Record<string, number> = { '40k': 40_000, '1m': 1_000_000 };

export function sqlitePathFor(size: string): string {
  return join(DATA_DIR, `catalog-search-${size}.db`);
}
export function pgUrlFor(size: string, server = PG_SERVER): string {
  return `${server}/kabuto_bench_${size}`;
}

// ---------------------------------------------------------------------------------------------- documents

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Zipf(s) sampler over n ranks (rank 0 the most frequent). */
function zipf(n: number, s = 1.05): (r: number) => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cdf[k] = sum += 1 / Math.pow(k + 1, s);
  return (r) => {
    const x = r * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const MUNIS = FIXTURES.municipalities.map(([code, name]) => ({ code, name }));
export const ORGS = [{ code: '130001', name: '東京都' }, ...MUNIS].map((m) => ({ slug: `org-${m.code}`, name: m.name }));
const BASES = [...new Set([...FIXTURES.titles, ...FIXTURES.standardDatasets.map((s) => s.name)])];
/** Tag vocabulary: the pieces of the titles, the categories and the standard dataset names. */
export const TAGS = [
  ...new Set([
    ...FIXTURES.categories,
    ...FIXTURES.standardDatasets.map((s) => s.name.replace(/一覧$/, '')),
    ...BASES.flatMap((t) => t.split(/[のと・、（）()「」\s]|一覧/)).filter((w) => w.length >= 2 && w.length <= 8),
    ...FIXTURES.standardDatasets.flatMap((s) => s.fields).filter((w) => w.length >= 2 && w.length <= 8),
  ]),
];
const SENTENCES = [...FIXTURES.descriptions, ...FIXTURES.planSentences, ...FIXTURES.standardDatasets.map((s) => s.description)];
const FORMATS = ['CSV', 'XLSX', 'PDF', 'JSON', 'GeoJSON', 'XML', 'ZIP', 'HTML', 'TXT'];
const LICENCES = ['cc-by-4.0', 'gov-std-2.0', 'cc-by-2.1', 'odc-by', 'cc0-1.0', 'other-pd'];
const GROUPS = FIXTURES.categories;
const FREQ = ['年1回', '随時', '月1回', '四半期', '週1回', '不定期'];

const pickOrg = zipf(ORGS.length, 0.8);
const pickBase = zipf(BASES.length, 0.9);
const pickTag = zipf(TAGS.length, 1.0);
const pickSentence = zipf(SENTENCES.length, 0.9);
const pickFormat = zipf(FORMATS.length, 1.2);
const pickLicence = zipf(LICENCES.length, 1.3);
const pickGroup = zipf(GROUPS.length, 1.0);
const pickRes = zipf(FIXTURES.resourceNames.length, 0.9);
const pickFreq = zipf(FREQ.length, 1.0);

const T0 = Date.parse('2014-04-01T00:00:00Z');
const T1 = Date.parse('2025-03-31T00:00:00Z');

/** Dataset number i, always the same. */
export function generateDoc(i: number): DatasetSearchDoc {
  const r = rng(i * 2654435761 + 12345);
  const org = ORGS[pickOrg(r())]!;
  const base = BASES[pickBase(r())]!;
  const year = 2014 + Math.floor(r() * 11);
  const title = `${org.name}${r() < 0.5 ? ' ' : ''}${base}${r() < 0.4 ? `（${year}年度）` : ''}`;
  const notes = Array.from({ length: 1 + Math.floor(r() * 3) }, () => SENTENCES[pickSentence(r())]!).join('。');
  const uniq = <T>(xs: T[]) => [...new Set(xs)];
  const tags = uniq(Array.from({ length: 1 + Math.floor(r() * 5) }, () => TAGS[pickTag(r())]!));
  const groups = uniq(Array.from({ length: 1 + Math.floor(r() * 2) }, () => GROUPS[pickGroup(r())]!));
  const nres = 1 + Math.floor(r() * 3);
  const resFormats = uniq(Array.from({ length: nres }, () => FORMATS[pickFormat(r())]!));
  const resNames = Array.from({ length: nres }, () => FIXTURES.resourceNames[pickRes(r())]!);
  const created = T0 + Math.floor(r() * (T1 - T0));
  const modified = created + Math.floor(r() * (T1 - created));
  const st = r();
  return {
    id: `bench-${i.toString(36).padStart(6, '0')}`,
    name: `${org.slug}-${i}`,
    title,
    notes,
    tags,
    organization: org.slug,
    groups,
    resFormats,
    resNames,
    resDescriptions: [],
    licenseId: LICENCES[pickLicence(r())]!,
    private: r() < 0.03,
    state: st < 0.97 ? 'active' : st < 0.99 ? 'draft' : 'deleted',
    metadataCreated: new Date(created).toISOString(),
    metadataModified: new Date(modified).toISOString(),
    extras: { update_frequency: FREQ[pickFreq(r())]! },
    author: null,
    maintainer: null,
  };
}

/** Word starts memoized by sentence: the seed's text repeats, so each sentence is analyzed once. */
export function memoWordStarts(): (text: string) => number[] {
  const memo = new Map<string, number[]>();
  const orgNames = ORGS.map((o) => normalize(o.name));
  return (text) => {
    const out: number[] = [];
    let offset = 0;
    // Titles start with an organization's name: analyze it apart, so the rest repeats and is memoized.
    const org = orgNames.find((n) => text.startsWith(n) && text.length > n.length);
    const pieces = (org ? [org, text.slice(org.length)] : [text]).flatMap((t) => t.split(/(?<=[。 （）])/));
    for (const piece of pieces) {
      let s = memo.get(piece);
      if (!s) memo.set(piece, (s = wordStarts(piece)));
      for (const x of s) out.push(x + offset);
      offset += [...piece].length;
    }
    return out;
  };
}

// ---------------------------------------------------------------------------------------------- loading

export interface SeedTarget {
  dialect: Dialect;
  handle: DatabaseHandle;
}

async function ensurePgDatabase(size: string): Promise<void> {
  const admin = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [`kabuto_bench_${size}`]);
  if (!exists.rowCount) await admin.query(`create database kabuto_bench_${size}`);
  await admin.end();
}

export async function openTarget(dialect: Dialect, size: string, path?: string): Promise<SeedTarget> {
  if (dialect === 'postgres') await ensurePgDatabase(size);
  else mkdirSync(DATA_DIR, { recursive: true });
  const handle = openDatabase(dialect === 'postgres' ? pgUrlFor(size) : `sqlite:${path ?? sqlitePathFor(size)}`);
  await migrateToLatest(handle.db);
  return { dialect, handle };
}

async function loaded(t: SeedTarget): Promise<number> {
  const r = await t.handle.db.selectFrom('catalog_search_docs').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

async function writeChunk(t: SeedTarget, first: number, prepared: PreparedSearchDoc[]): Promise<void> {
  const rows = prepared.map((p, k) => docRow(p, first + k + 1, t.dialect));
  if (t.dialect === 'sqlite') {
    const s = t.handle.sqlite!;
    const cols = Object.keys(rows[0]!);
    const insDoc = s.prepare(`insert into catalog_search_docs (${cols.join(',')}) values (${cols.map(() => '?').join(',')})`);
    const insFts = s.prepare('insert into catalog_search_fts (rowid, title, tags, body, ws) values (?, ?, ?, ?, ?)');
    const insExtra = s.prepare('insert into catalog_search_extras (doc_no, key, value) values (?, ?, ?)');
    s.transaction(() => {
      rows.forEach((row, k) => {
        insDoc.run(...Object.values(row));
        const p = prepared[k]!;
        insFts.run(row.doc_no, p.title, p.tags, p.body, p.ws);
        for (const [key, value] of Object.entries(p.doc.extras)) insExtra.run(row.doc_no, key, value);
      });
      s.prepare(`update catalog_search_meta set num = num + ? where key = 'version'`).run(rows.length);
      s.prepare(`update catalog_search_meta set value = ? where key = 'tokenizer'`).run(TOKENIZER_ID);
    })();
    return;
  }
  const client = new pg.Client({ connectionString: t.handle.url });
  await client.connect();
  try {
    await client.query('begin');
    const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
    await client.query(
      `insert into catalog_search_docs (doc_no, id, name, title, notes, title_sort, organization, license_id, private, state, metadata_created, metadata_modified, tags, groups, res_formats, tsv)
       select * from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::tsvector[])`,
      [col('doc_no'), col('id'), col('name'), col('title'), col('notes'), col('title_sort'), col('organization'), col('license_id'), col('private'), col('state'), col('metadata_created'), col('metadata_modified'), col('tags'), col('groups'), col('res_formats'), prepared.map((p) => p.tsv)],
    );
    const ex = rows.flatMap((r, k) => Object.entries(prepared[k]!.doc.extras).map(([key, value]) => [r.doc_no, key, value] as const));
    await client.query('insert into catalog_search_extras (doc_no, key, value) select * from unnest($1::int[], $2::text[], $3::text[])', [ex.map((e) => e[0]), ex.map((e) => e[1]), ex.map((e) => e[2])]);
    await client.query(`update catalog_search_meta set num = num + $1 where key = 'version'`, [rows.length]);
    await client.query(`update catalog_search_meta set value = $1 where key = 'tokenizer'`, [TOKENIZER_ID]);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    await client.end();
  }
}

/** Load documents 0…size-1 into every target, resuming from the smallest count loaded. */
export async function seedTargets(targets: SeedTarget[], size: number, log: (m: string) => void = () => undefined, chunk = 5000): Promise<void> {
  const starts = memoWordStarts();
  const counts = await Promise.all(targets.map(loaded));
  for (let first = Math.min(...counts); first < size; first += chunk) {
    const n = Math.min(chunk, size - first);
    const t0 = performance.now();
    const prepared = Array.from({ length: n }, (_, k) => prepareWith(generateDoc(first + k), starts));
    const t1 = performance.now();
    for (const [k, t] of targets.entries()) if (counts[k]! <= first) await writeChunk(t, first, prepared);
    if (first % 50_000 === 0 || first + n >= size) log(`${first + n}/${size} (tokens ${((t1 - t0) / n).toFixed(2)} ms/doc, write ${((performance.now() - t1) / n).toFixed(2)} ms/doc)`);
  }
  for (const t of targets) {
    if (t.dialect === 'sqlite') t.handle.sqlite!.exec(`insert into catalog_search_fts(catalog_search_fts) values('optimize'); analyze;`);
    else await sql`analyze`.execute(t.handle.db);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '40k,1m' }, dialects: { type: 'string', default: 'sqlite,postgres' } } });
  const log = (m: string) => process.stderr.write(`[seed] ${m}\n`);
  for (const size of values.sizes.split(',')) {
    if (!SIZES[size]) throw new Error(`unknown size ${size}; known: ${Object.keys(SIZES).join(', ')}`);
    const targets = await Promise.all(values.dialects.split(',').map((d) => openTarget(d as Dialect, size)));
    log(`catalog ${size}: ${targets.map((t) => t.handle.url).join(', ')}`);
    await seedTargets(targets, SIZES[size]!, log);
    for (const t of targets) await t.handle.close();
  }
}
