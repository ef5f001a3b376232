/**
 * `npm run bench:seed [-- --sizes 40k,1m] [-- --dialects sqlite,postgres]`
 * Builds the synthetic catalogs the search and HTTP benchmarks read: 40,000 and 1,000,000 datasets,
 * each written twice, as the catalog stores it (datasets, resources, tags, categories, extras, with
 * the reference data the product seeds) and as its search document, the two consistent (the document
 * is what searchDocOf would build from the rows). Datasets are a pure function of their number,
 * drawn with Zipf distributions from real text (bench/seed-fixtures.ts) over the TMG and the 62
 * municipalities, 9 formats, the seeded licences and categories. Tokens are computed once per chunk
 * and bulk-loaded into both dialects; a run resumes where the last one stopped. Data stays out of
 * git (bench/data/, PostgreSQL databases kabuto_bench_40k and kabuto_bench_1m).
 *
 * Not written: activities and audit entries of the datasets (a server that imported them would
 * have one 'new package' activity each; the dataset page then shows an empty activity stream).
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
import { systemClock } from '../src/core/clock.js';
import { seedGroups, seedOrganizations, seedReferenceData } from '../src/catalog/seed.js';
import { LICENCES as PRODUCT_LICENCES } from '../src/catalog/licences.js';
import { stableUuid } from '../src/catalog/service.js';
import { catalogStore } from '../src/catalog/store.js';
import { searchDocOf } from '../src/catalog/dictize.js';
import { FIXTURES } from './seed-fixtures.js';
import { rng } from './util.js';

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

// The organizations, categories and licences are the rows the product seeds (src/catalog/seed.ts),
// so the catalog API and pages find them: the TMG and the 62 municipalities, by their codes.
const SEEDED_ORGS = new Map(seedOrganizations(new Date(0).toISOString()).map((o) => [o.id, o]));
export const ORGS = [['130001', '東京都'] as [string, string], ...FIXTURES.municipalities].map(([code, name]) => {
  const o = SEEDED_ORGS.get(code);
  if (!o || o.title_ja !== name) throw new Error(`organization ${code} ${name} is not among the seeded organizations`);
  return { id: o.id, slug: o.name, name: o.title_ja };
});
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
/** The seeded licence ids, most used first (Tokyo's catalogs are mostly CC BY 4.0). */
const LICENCES = ['cc-by-4.0', 'gov-std-2.0', 'cc-by-2.1-jp', 'pdl-1.0', 'odc-by', 'cc-zero', 'other'];
for (const l of LICENCES) if (!PRODUCT_LICENCES.some((p) => p.id === l)) throw new Error(`licence ${l} is not among the seeded licences`);
/** The seeded categories (CKAN groups), the Meguro export's ones first (they carry the Zipf head). */
const GROUPS = (() => {
  const seeded = seedGroups(new Date(0).toISOString());
  const byTitle = new Map(seeded.map((g) => [g.title_ja, g]));
  const first = FIXTURES.categories.map((c) => byTitle.get(c)!);
  return [...first, ...seeded.filter((g) => !first.includes(g))].map((g) => g.name);
})();
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

export interface SyntheticResource {
  id: string;
  name: string;
  format: string;
  url: string;
}

/** Dataset number i as the catalog stores it: the search document plus what only the rows hold. */
export interface SyntheticDataset {
  doc: DatasetSearchDoc;
  ownerOrg: string;
  resources: SyntheticResource[];
  /** When it was first public and active (the plan's publication metric counts by it). */
  firstPublishedAt: string | null;
}

/** Dataset number i, always the same. */
export function generateDataset(i: number): SyntheticDataset {
  const r = rng(i * 2654435761 + 12345);
  const org = ORGS[pickOrg(r())]!;
  const base = BASES[pickBase(r())]!;
  const year = 2014 + Math.floor(r() * 11);
  const title = `${org.name}${r() < 0.5 ? ' ' : ''}${base}${r() < 0.4 ? `（${year}年度）` : ''}`;
  const notes = Array.from({ length: 1 + Math.floor(r() * 3) }, () => SENTENCES[pickSentence(r())]!).join('。');
  const uniq = <T>(xs: T[]) => [...new Set(xs)];
  const tags = uniq(Array.from({ length: 1 + Math.floor(r() * 5) }, () => TAGS[pickTag(r())]!));
  // In the order the catalog reads them back (by name), so the document equals searchDocOf(rows).
  const groups = uniq(Array.from({ length: 1 + Math.floor(r() * 2) }, () => GROUPS[pickGroup(r())]!)).sort((a, b) => a.localeCompare(b));
  const nres = 1 + Math.floor(r() * 3);
  const formats = Array.from({ length: nres }, () => FORMATS[pickFormat(r())]!);
  const resNames = Array.from({ length: nres }, () => FIXTURES.resourceNames[pickRes(r())]!);
  const created = T0 + Math.floor(r() * (T1 - T0));
  const modified = created + Math.floor(r() * (T1 - created));
  const licenseId = LICENCES[pickLicence(r())]!;
  const isPrivate = r() < 0.03;
  const st = r();
  const state = st < 0.97 ? 'active' : st < 0.99 ? 'draft' : 'deleted';
  const frequency = FREQ[pickFreq(r())]!;
  const name = `${org.slug}-${i}`;
  // The id the catalog import gives a dataset of that name, and its resources' ids.
  const id = stableUuid('dataset', name);
  const createdIso = new Date(created).toISOString();
  return {
    doc: {
      id,
      name,
      title,
      notes,
      tags,
      organization: org.slug,
      groups,
      resFormats: uniq(formats),
      resNames,
      resDescriptions: [],
      licenseId,
      private: isPrivate,
      state,
      metadataCreated: createdIso,
      metadataModified: new Date(modified).toISOString(),
      extras: { frequency },
      author: null,
      maintainer: null,
    },
    ownerOrg: org.id,
    resources: formats.map((format, k) => ({
      id: stableUuid(id, `resource:${k}`),
      name: resNames[k]!,
      format,
      url: `https://opendata.example.jp/${org.slug}/${i}/${k + 1}.${format.toLowerCase()}`,
    })),
    // A deleted dataset was public before it went; a draft never was.
    firstPublishedAt: !isPrivate && state !== 'draft' ? createdIso : null,
  };
}

/** The search document of dataset number i. */
export function generateDoc(i: number): DatasetSearchDoc {
  return generateDataset(i).doc;
}

/** The id of a tag of the vocabulary (fixed, so every chunk and both dialects agree). */
export const tagId = (name: string) => stableUuid('tag', name);

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

async function count(t: SeedTarget, table: 'catalog_search_docs' | 'catalog_datasets'): Promise<number> {
  const r = await t.handle.db.selectFrom(table).select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Datasets loaded so far (both sides of a dataset are written in one transaction, so they agree). */
async function loaded(t: SeedTarget): Promise<number> {
  const [docs, datasets] = await Promise.all([count(t, 'catalog_search_docs'), count(t, 'catalog_datasets')]);
  if (docs !== datasets) {
    const where = t.dialect === 'sqlite' ? t.handle.url.replace(/^sqlite:/, '') : `the database ${t.handle.url}`;
    throw new Error(`${where} holds ${docs} search documents but ${datasets} datasets (seeded by an older seed?): delete it and seed again`);
  }
  return docs;
}

/** The reference rows the product seeds (organizations, categories, licences) and the tag vocabulary; idempotent. */
async function seedReference(t: SeedTarget): Promise<void> {
  await seedReferenceData({ db: t.handle.db, clock: systemClock });
  const ids = TAGS.map(tagId);
  if (t.dialect === 'sqlite') {
    const s = t.handle.sqlite!;
    const ins = s.prepare('insert or ignore into catalog_tags (id, name) values (?, ?)');
    s.transaction(() => TAGS.forEach((name, k) => ins.run(ids[k], name)))();
  } else {
    await sql`insert into catalog_tags (id, name) select * from unnest(${ids}::text[], ${TAGS}::text[]) on conflict do nothing`.execute(t.handle.db);
  }
}

/** The catalog's rows of a chunk, one array per table (what both dialects insert). */
function catalogRows(datasets: SyntheticDataset[]) {
  const out = {
    datasets: [] as (string | number | null)[][],
    tags: [] as (string | number)[][],
    extras: [] as string[][],
    groups: [] as string[][],
    resources: [] as (string | number)[][],
  };
  for (const d of datasets) {
    const doc = d.doc;
    out.datasets.push([doc.id, doc.name, doc.title, doc.notes, doc.licenseId, doc.private ? 1 : 0, doc.state, d.ownerOrg, doc.metadataCreated, doc.metadataModified, d.firstPublishedAt]);
    doc.tags.forEach((name, position) => out.tags.push([doc.id, tagId(name), position]));
    for (const [key, value] of Object.entries(doc.extras)) out.extras.push([doc.id, key, value]);
    // Group ids are their names (seed/catalog/categories.csv).
    for (const g of doc.groups) out.groups.push([doc.id, g]);
    d.resources.forEach((r, position) => out.resources.push([r.id, doc.id, r.url, r.name, r.format, position, doc.metadataCreated, doc.metadataModified]));
  }
  return out;
}

const DATASET_COLS = 'id, name, title, notes, license_id, private, state, owner_org, metadata_created, metadata_modified, first_published_at';
const RESOURCE_COLS = 'id, package_id, url, name, format, position, created, metadata_modified';
const BUMP_CATALOG = `insert into data_versions (scope, version, updated_at) values ('catalog', 1, $1) on conflict (scope) do update set version = data_versions.version + 1, updated_at = $1`;

async function writeChunk(t: SeedTarget, first: number, datasets: SyntheticDataset[], prepared: PreparedSearchDoc[]): Promise<void> {
  const rows = prepared.map((p, k) => docRow(p, first + k + 1, t.dialect));
  const cat = catalogRows(datasets);
  const now = new Date().toISOString();
  if (t.dialect === 'sqlite') {
    const s = t.handle.sqlite!;
    const cols = Object.keys(rows[0]!);
    const insDoc = s.prepare(`insert into catalog_search_docs (${cols.join(',')}) values (${cols.map(() => '?').join(',')})`);
    const insFts = s.prepare('insert into catalog_search_fts (rowid, title, tags, body, ws) values (?, ?, ?, ?, ?)');
    const insExtra = s.prepare('insert into catalog_search_extras (doc_no, key, value) values (?, ?, ?)');
    const ins = (table: string, columns: string) => s.prepare(`insert into ${table} (${columns}) values (${columns.split(',').map(() => '?').join(',')})`);
    const catalog = {
      datasets: ins('catalog_datasets', DATASET_COLS),
      tags: ins('catalog_dataset_tags', 'dataset_id, tag_id, position'),
      extras: ins('catalog_dataset_extras', 'dataset_id, key, value'),
      groups: ins('catalog_dataset_groups', 'dataset_id, group_id'),
      resources: ins('catalog_resources', RESOURCE_COLS),
    };
    s.transaction(() => {
      for (const k of Object.keys(catalog) as (keyof typeof catalog)[]) for (const r of cat[k]) catalog[k].run(...r);
      rows.forEach((row, k) => {
        insDoc.run(...Object.values(row));
        const p = prepared[k]!;
        insFts.run(row.doc_no, p.title, p.tags, p.body, p.ws);
        for (const [key, value] of Object.entries(p.doc.extras)) insExtra.run(row.doc_no, key, value);
      });
      s.prepare(`update catalog_search_meta set num = num + ? where key = 'version'`).run(rows.length);
      s.prepare(`update catalog_search_meta set value = ? where key = 'tokenizer'`).run(TOKENIZER_ID);
      // The catalog's data version, as every catalog write bumps it (caches such as package_show's key on it).
      s.prepare(BUMP_CATALOG.replaceAll('$1', '?')).run(now, now);
    })();
    return;
  }
  const client = new pg.Client({ connectionString: t.handle.url });
  await client.connect();
  const columns = <T>(xs: T[][], width: number) => Array.from({ length: width }, (_, c) => xs.map((x) => x[c]));
  try {
    await client.query('begin');
    await client.query(
      `insert into catalog_datasets (${DATASET_COLS}) select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])`,
      columns(cat.datasets, 11),
    );
    await client.query('insert into catalog_dataset_tags (dataset_id, tag_id, position) select * from unnest($1::text[], $2::text[], $3::int[])', columns(cat.tags, 3));
    await client.query('insert into catalog_dataset_extras (dataset_id, key, value) select * from unnest($1::text[], $2::text[], $3::text[])', columns(cat.extras, 3));
    await client.query('insert into catalog_dataset_groups (dataset_id, group_id) select * from unnest($1::text[], $2::text[])', columns(cat.groups, 2));
    await client.query(
      `insert into catalog_resources (${RESOURCE_COLS}) select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[])`,
      columns(cat.resources, 8),
    );
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
    await client.query(BUMP_CATALOG, [now]);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    await client.end();
  }
}

/**
 * The catalog's rows of `sample` datasets spread over 0…size-1 read back as the catalog reads them
 * (catalogStore.full), turned into search documents (searchDocOf), must equal the generated ones.
 */
export async function checkConsistent(t: SeedTarget, size: number, sample = 50): Promise<void> {
  const nums = [...new Set(Array.from({ length: Math.min(sample, size) }, (_, k) => Math.floor((k * size) / Math.min(sample, size))))];
  const want = nums.map(generateDoc);
  const full = await catalogStore.full(t.handle.db, want.map((d) => d.id));
  for (const [k, doc] of want.entries()) {
    const f = full.get(doc.id);
    const got = f ? searchDocOf(f) : undefined;
    if (JSON.stringify(got) !== JSON.stringify(doc)) {
      throw new Error(`${t.dialect}: dataset ${nums[k]} (${doc.name}) read back from the catalog's tables differs from its search document:\n  rows: ${JSON.stringify(got)}\n  doc:  ${JSON.stringify(doc)}`);
    }
  }
}

/** Load datasets 0…size-1 into every target, resuming from the smallest count loaded. */
export async function seedTargets(targets: SeedTarget[], size: number, log: (m: string) => void = () => undefined, chunk = 5000): Promise<void> {
  const starts = memoWordStarts();
  for (const t of targets) await seedReference(t);
  // A larger page cache for the load only (random UUID keys touch every index page); put back after.
  const sqliteCache = targets.map((t) => (t.dialect === 'sqlite' ? (t.handle.sqlite!.pragma('cache_size', { simple: true }) as number) : 0));
  for (const t of targets) if (t.dialect === 'sqlite') t.handle.sqlite!.pragma('cache_size = -262144');
  const counts = await Promise.all(targets.map(loaded));
  for (let first = Math.min(...counts); first < size; first += chunk) {
    const n = Math.min(chunk, size - first);
    const t0 = performance.now();
    const datasets = Array.from({ length: n }, (_, k) => generateDataset(first + k));
    const prepared = datasets.map((d) => prepareWith(d.doc, starts));
    const t1 = performance.now();
    for (const [k, t] of targets.entries()) if (counts[k]! <= first) await writeChunk(t, first, datasets, prepared);
    if (first % 50_000 === 0 || first + n >= size) log(`${first + n}/${size} (tokens ${((t1 - t0) / n).toFixed(2)} ms/doc, write ${((performance.now() - t1) / n).toFixed(2)} ms/doc)`);
  }
  for (const [k, t] of targets.entries()) {
    if (t.dialect === 'sqlite') {
      t.handle.sqlite!.exec(`insert into catalog_search_fts(catalog_search_fts) values('optimize'); analyze;`);
      t.handle.sqlite!.pragma(`cache_size = ${sqliteCache[k]}`);
    } else await sql`analyze`.execute(t.handle.db);
    await checkConsistent(t, size);
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
