import type { Selectable } from 'kysely';
import type { DbOrTrx } from '../core/db/index.js';
import type {
  CatalogActivitiesTable,
  CatalogDatasetsTable,
  CatalogGroupsTable,
  CatalogLicencesTable,
  CatalogOrganizationsTable,
  CatalogResourcesTable,
} from './tables.js';

export type OrgRow = Selectable<CatalogOrganizationsTable>;
export type GroupRow = Selectable<CatalogGroupsTable>;
export type LicenceRow = Selectable<CatalogLicencesTable>;
export type DatasetRow = Selectable<CatalogDatasetsTable>;
export type ResourceRow = Selectable<CatalogResourcesTable>;
export type ActivityRow = Selectable<CatalogActivitiesTable>;

/** A dataset with everything a package dict shows. */
export interface FullDataset {
  row: DatasetRow;
  org: OrgRow;
  tags: { id: string; name: string }[];
  extras: Record<string, string>;
  groups: GroupRow[];
  resources: ResourceRow[];
  licence: LicenceRow | null;
}

const CHUNK = 500;
function chunks<T>(xs: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

/** Kysely queries of the catalog. The service owns transactions and rules. */
export const catalogStore = {
  orgs: (db: DbOrTrx) => db.selectFrom('catalog_organizations').selectAll().where('state', '=', 'active').orderBy('name').execute(),
  orgByIdOrName: (db: DbOrTrx, ref: string) =>
    db.selectFrom('catalog_organizations').selectAll().where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)])).orderBy('id').executeTakeFirst(),
  orgByTitleJa: (db: DbOrTrx, title: string) => db.selectFrom('catalog_organizations').selectAll().where('title_ja', '=', title).where('state', '=', 'active').execute(),
  insertOrg: (db: DbOrTrx, row: OrgRow) => db.insertInto('catalog_organizations').values(row).execute(),
  updateOrg: (db: DbOrTrx, id: string, row: Partial<OrgRow>) => db.updateTable('catalog_organizations').set(row).where('id', '=', id).execute(),

  groups: (db: DbOrTrx) => db.selectFrom('catalog_groups').selectAll().where('state', '=', 'active').orderBy('position').orderBy('name').execute(),
  groupByIdOrName: (db: DbOrTrx, ref: string) =>
    db.selectFrom('catalog_groups').selectAll().where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)])).where('state', '=', 'active').orderBy('id').executeTakeFirst(),
  groupsByIds: async (db: DbOrTrx, ids: string[]) => (ids.length ? db.selectFrom('catalog_groups').selectAll().where('id', 'in', ids).execute() : []),

  licences: (db: DbOrTrx) => db.selectFrom('catalog_licences').selectAll().orderBy('position').execute(),
  licence: (db: DbOrTrx, id: string) => db.selectFrom('catalog_licences').selectAll().where('id', '=', id).executeTakeFirst(),

  datasetById: (db: DbOrTrx, id: string) => db.selectFrom('catalog_datasets').selectAll().where('id', '=', id).executeTakeFirst(),
  datasetByName: (db: DbOrTrx, name: string) => db.selectFrom('catalog_datasets').selectAll().where('name', '=', name).executeTakeFirst(),
  redirect: (db: DbOrTrx, oldName: string) => db.selectFrom('catalog_name_redirects').select('dataset_id').where('old_name', '=', oldName).executeTakeFirst(),
  oldNames: (db: DbOrTrx, datasetId: string) => db.selectFrom('catalog_name_redirects').select('old_name').where('dataset_id', '=', datasetId).orderBy('created').execute(),

  /** Everything shown in a package dict, for many datasets at once (a handful of queries, not one per dataset). */
  async full(db: DbOrTrx, ids: string[]): Promise<Map<string, FullDataset>> {
    const out = new Map<string, FullDataset>();
    if (!ids.length) return out;
    const rows: DatasetRow[] = [];
    const tags: { dataset_id: string; id: string; name: string; position: number }[] = [];
    const extras: { dataset_id: string; key: string; value: string }[] = [];
    const groupLinks: { dataset_id: string; group_id: string }[] = [];
    const resources: ResourceRow[] = [];
    for (const part of chunks([...new Set(ids)])) {
      rows.push(...(await db.selectFrom('catalog_datasets').selectAll().where('id', 'in', part).execute()));
      tags.push(
        ...(await db
          .selectFrom('catalog_dataset_tags')
          .innerJoin('catalog_tags', 'catalog_tags.id', 'catalog_dataset_tags.tag_id')
          .select(['catalog_dataset_tags.dataset_id', 'catalog_tags.id', 'catalog_tags.name', 'catalog_dataset_tags.position'])
          .where('catalog_dataset_tags.dataset_id', 'in', part)
          .orderBy('catalog_dataset_tags.position')
          .execute()),
      );
      extras.push(...(await db.selectFrom('catalog_dataset_extras').selectAll().where('dataset_id', 'in', part).orderBy('key').execute()));
      groupLinks.push(...(await db.selectFrom('catalog_dataset_groups').selectAll().where('dataset_id', 'in', part).execute()));
      resources.push(...(await db.selectFrom('catalog_resources').selectAll().where('package_id', 'in', part).where('state', '=', 'active').orderBy('position').orderBy('created').execute()));
    }
    const orgIds = [...new Set(rows.map((r) => r.owner_org))];
    const orgs = new Map<string, OrgRow>();
    for (const part of chunks(orgIds)) for (const o of await db.selectFrom('catalog_organizations').selectAll().where('id', 'in', part).execute()) orgs.set(o.id, o);
    const groups = new Map((await catalogStore.groupsByIds(db, [...new Set(groupLinks.map((g) => g.group_id))])).map((g) => [g.id, g]));
    const licences = new Map((await catalogStore.licences(db)).map((l) => [l.id, l]));
    const by = <T extends { dataset_id: string }>(xs: T[]) => {
      const m = new Map<string, T[]>();
      for (const x of xs) m.set(x.dataset_id, [...(m.get(x.dataset_id) ?? []), x]);
      return m;
    };
    const tagsBy = by(tags);
    const extrasBy = by(extras);
    const groupsBy = by(groupLinks);
    const resourcesBy = by(resources.map((r) => ({ ...r, dataset_id: r.package_id })));
    for (const row of rows) {
      out.set(row.id, {
        row,
        org: orgs.get(row.owner_org)!,
        tags: (tagsBy.get(row.id) ?? []).map((t) => ({ id: t.id, name: t.name })),
        extras: Object.fromEntries((extrasBy.get(row.id) ?? []).map((e) => [e.key, e.value])),
        groups: (groupsBy.get(row.id) ?? [])
          .map((g) => groups.get(g.group_id))
          .filter((g): g is GroupRow => !!g)
          .sort((a, b) => a.name.localeCompare(b.name)),
        resources: (resourcesBy.get(row.id) ?? []).map(({ dataset_id: _d, ...r }) => r),
        licence: row.license_id ? (licences.get(row.license_id) ?? null) : null,
      });
    }
    return out;
  },

  async tagIds(db: DbOrTrx, names: string[], newId: () => string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!names.length) return out;
    for (const t of await db.selectFrom('catalog_tags').selectAll().where('name', 'in', names).execute()) out.set(t.name, t.id);
    const missing = names.filter((n) => !out.has(n));
    for (const name of missing) {
      const id = newId();
      await db.insertInto('catalog_tags').values({ id, name }).onConflict((oc) => oc.column('name').doNothing()).execute();
    }
    if (missing.length) for (const t of await db.selectFrom('catalog_tags').selectAll().where('name', 'in', missing).execute()) out.set(t.name, t.id);
    return out;
  },

  insertDataset: (db: DbOrTrx, row: DatasetRow) => db.insertInto('catalog_datasets').values(row).execute(),
  updateDataset: (db: DbOrTrx, id: string, row: Partial<DatasetRow>) => db.updateTable('catalog_datasets').set(row).where('id', '=', id).execute(),

  async replaceTags(db: DbOrTrx, datasetId: string, tagIds: string[]): Promise<void> {
    await db.deleteFrom('catalog_dataset_tags').where('dataset_id', '=', datasetId).execute();
    if (tagIds.length) await db.insertInto('catalog_dataset_tags').values(tagIds.map((tag_id, position) => ({ dataset_id: datasetId, tag_id, position }))).execute();
  },
  async replaceExtras(db: DbOrTrx, datasetId: string, extras: Record<string, string>): Promise<void> {
    await db.deleteFrom('catalog_dataset_extras').where('dataset_id', '=', datasetId).execute();
    const rows = Object.entries(extras).map(([key, value]) => ({ dataset_id: datasetId, key, value }));
    if (rows.length) await db.insertInto('catalog_dataset_extras').values(rows).execute();
  },
  async replaceGroups(db: DbOrTrx, datasetId: string, groupIds: string[]): Promise<void> {
    await db.deleteFrom('catalog_dataset_groups').where('dataset_id', '=', datasetId).execute();
    if (groupIds.length) await db.insertInto('catalog_dataset_groups').values(groupIds.map((group_id) => ({ dataset_id: datasetId, group_id }))).execute();
  },
  /** Make the dataset's resources exactly these (by id): update, insert, delete the rest. */
  async replaceResources(db: DbOrTrx, datasetId: string, rows: ResourceRow[]): Promise<void> {
    const keep = rows.map((r) => r.id);
    let del = db.deleteFrom('catalog_resources').where('package_id', '=', datasetId);
    if (keep.length) del = del.where('id', 'not in', keep);
    await del.execute();
    const existing = new Set((await db.selectFrom('catalog_resources').select('id').where('package_id', '=', datasetId).execute()).map((r) => r.id));
    for (const r of rows) {
      if (existing.has(r.id)) await db.updateTable('catalog_resources').set(r).where('id', '=', r.id).execute();
      else await db.insertInto('catalog_resources').values(r).execute();
    }
  },
  resource: (db: DbOrTrx, id: string) => db.selectFrom('catalog_resources').selectAll().where('id', '=', id).executeTakeFirst(),

  addRedirect: (db: DbOrTrx, oldName: string, datasetId: string, at: string) =>
    db
      .insertInto('catalog_name_redirects')
      .values({ old_name: oldName, dataset_id: datasetId, created: at })
      .onConflict((oc) => oc.column('old_name').doUpdateSet({ dataset_id: datasetId, created: at }))
      .execute(),
  dropRedirect: (db: DbOrTrx, name: string) => db.deleteFrom('catalog_name_redirects').where('old_name', '=', name).execute(),

  insertActivity: (db: DbOrTrx, a: Omit<ActivityRow, 'id'>) => db.insertInto('catalog_activities').values(a).execute(),
  activities: (db: DbOrTrx, objectId: string, limit: number, offset = 0) =>
    db.selectFrom('catalog_activities').selectAll().where('object_id', '=', objectId).orderBy('timestamp', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
};
