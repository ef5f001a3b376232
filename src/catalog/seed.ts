import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { AppContext } from '../core/context.js';
import type { Db } from '../core/db/index.js';
import type { Clock } from '../core/clock.js';
import { audit, systemActor } from '../core/audit.js';
import { planService } from '../plan/index.js';
import { LICENCES } from './licences.js';
import { romanizeMunicipality } from './romanize.js';
import type { CatalogGroupsTable, CatalogOrganizationsTable } from './tables.js';

const SEED_DIR = new URL('../../seed/catalog/', import.meta.url);
const seedFile = (name: string) => fileURLToPath(new URL(name, SEED_DIR));

export const TMG_ID = '130001';
export const TMG_NAME = 'tokyo';
/** The plan's open-data indicator and the metric it reads. */
export const OPEN_DATA_INDICATOR = 'IND-OPEN-DATA';
export const PUBLISHED_METRIC = 'catalog.datasets-published';

function readCsv(name: string): Record<string, string>[] {
  return parse(readFileSync(seedFile(name)), { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
}

/** The TMG, its bureaus and Tokyo's 62 municipalities, as organization rows (created = `now`). */
export function seedOrganizations(now: string): CatalogOrganizationsTable[] {
  const rows: CatalogOrganizationsTable[] = [];
  const base = { description: '', image_url: '', state: 'active' as const, created: now };
  for (const r of readCsv('tokyo-local-government-codes.csv')) {
    const code = r['団体コード']!;
    const city = r['市区町村名（漢字）'] ?? '';
    if (!code.startsWith('13')) continue;
    if (city === '') {
      rows.push({ ...base, id: code, name: TMG_NAME, title_ja: r['都道府県名（漢字）']!, title_en: 'Tokyo Metropolitan Government', kana: (r['都道府県名（ｶﾅ）'] ?? '').normalize('NFKC'), lg_code: code, kind: 'tmg', parent_id: null });
      continue;
    }
    const en = romanizeMunicipality(city, r['市区町村名（ｶﾅ）'] ?? '');
    rows.push({ ...base, id: code, name: en.slug, title_ja: city, title_en: en.en, kana: en.kana, lg_code: code, kind: 'municipality', parent_id: null });
  }
  for (const r of readCsv('tmg-bureaus.csv')) {
    rows.push({ ...base, id: `${TMG_ID}-${r.code!}`, name: `${TMG_NAME}-${r.code!}`, title_ja: r.name_ja!, title_en: r.name_en!, kana: null, lg_code: null, kind: 'bureau', parent_id: TMG_ID });
  }
  // The TMG first: bureaus point at it.
  return rows.sort((a, b) => (a.kind === 'tmg' ? -1 : b.kind === 'tmg' ? 1 : 0));
}

export function seedGroups(now: string): CatalogGroupsTable[] {
  return readCsv('categories.csv').map((r, i) => ({ id: r.name!, name: r.name!, title_ja: r.title_ja!, title_en: r.title_en!, description: '', image_url: '', state: 'active', position: i, created: now }));
}

/** Add the missing reference rows (organizations, categories, licences); existing rows are left alone. */
export async function seedReferenceData(deps: { db: Db; clock: Clock }): Promise<{ organizations: number; groups: number; licences: number }> {
  const now = deps.clock.now().toISOString();
  const orgs = seedOrganizations(now);
  const groups = seedGroups(now);
  return deps.db.transaction().execute(async (trx) => {
    const haveOrgs = new Set((await trx.selectFrom('catalog_organizations').select('id').execute()).map((r) => r.id));
    const haveGroups = new Set((await trx.selectFrom('catalog_groups').select('id').execute()).map((r) => r.id));
    const haveLicences = new Set((await trx.selectFrom('catalog_licences').select('id').execute()).map((r) => r.id));
    const newOrgs = orgs.filter((o) => !haveOrgs.has(o.id));
    const newGroups = groups.filter((g) => !haveGroups.has(g.id));
    const newLicences = LICENCES.map(({ aliases: _a, ...l }, i) => ({ ...l, position: i })).filter((l) => !haveLicences.has(l.id));
    for (const o of newOrgs) await trx.insertInto('catalog_organizations').values(o).execute();
    if (newGroups.length) await trx.insertInto('catalog_groups').values(newGroups).execute();
    if (newLicences.length) await trx.insertInto('catalog_licences').values(newLicences).execute();
    const counts = { organizations: newOrgs.length, groups: newGroups.length, licences: newLicences.length };
    if (counts.organizations || counts.groups || counts.licences) {
      await audit(trx, deps.clock, systemActor('seed'), { action: 'catalog.seed', entityType: 'catalog', after: counts });
    }
    return counts;
  });
}

/**
 * The module's first-start seed: reference data, then the plan's open-data indicator bound to the
 * catalog's publication metric, once (an administrator who later rebinds it is not overruled).
 */
export async function seedCatalog(ctx: AppContext): Promise<void> {
  const counts = await seedReferenceData(ctx);
  if (counts.organizations || counts.groups || counts.licences) ctx.log.info({ counts }, 'catalog reference data seeded');
  // Bound once per database: an administrator who later rebinds the indicator is not overruled.
  await planService(ctx).bindByDefault(systemActor('catalog'), OPEN_DATA_INDICATOR, PUBLISHED_METRIC);
}
