import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DbOrTrx } from '../../core/db/index.js';
import type { CatalogHarvestObjectsTable, CatalogHarvestRunsTable, CatalogHarvestSourcesTable } from './tables.js';

export type SourceRow = Selectable<CatalogHarvestSourcesTable>;
export type RunRow = Selectable<CatalogHarvestRunsTable>;
export type ObjectRow = Selectable<CatalogHarvestObjectsTable>;

/** Kysely queries of harvesting. The catalog's own tables are written only through the catalog service. */
export const harvestStore = {
  sources(db: DbOrTrx): Promise<SourceRow[]> {
    return db.selectFrom('catalog_harvest_sources').selectAll().orderBy('name').execute();
  },
  source(db: DbOrTrx, ref: string): Promise<SourceRow | undefined> {
    return db
      .selectFrom('catalog_harvest_sources')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)]))
      .executeTakeFirst();
  },
  async insertSource(db: DbOrTrx, row: Insertable<CatalogHarvestSourcesTable>): Promise<void> {
    await db.insertInto('catalog_harvest_sources').values(row).execute();
  },
  async updateSource(db: DbOrTrx, id: string, set: Updateable<CatalogHarvestSourcesTable>): Promise<void> {
    await db.updateTable('catalog_harvest_sources').set(set).where('id', '=', id).execute();
  },
  async deleteSource(db: DbOrTrx, id: string): Promise<void> {
    await db.deleteFrom('catalog_harvest_sources').where('id', '=', id).execute();
  },

  async insertRun(db: DbOrTrx, row: Insertable<CatalogHarvestRunsTable>): Promise<number> {
    const r = await db.insertInto('catalog_harvest_runs').values(row).returning('id').executeTakeFirstOrThrow();
    return Number(r.id);
  },
  async updateRun(db: DbOrTrx, id: number, set: Updateable<CatalogHarvestRunsTable>): Promise<void> {
    await db.updateTable('catalog_harvest_runs').set(set).where('id', '=', id).execute();
  },
  run(db: DbOrTrx, id: number): Promise<RunRow | undefined> {
    return db.selectFrom('catalog_harvest_runs').selectAll().where('id', '=', id).executeTakeFirst();
  },
  runs(db: DbOrTrx, sourceId: string, limit: number, offset = 0): Promise<RunRow[]> {
    return db.selectFrom('catalog_harvest_runs').selectAll().where('source_id', '=', sourceId).orderBy('id', 'desc').limit(limit).offset(offset).execute();
  },
  /** Runs left `running` by a process that died; called by the lease holder, so none of them is live. */
  async markInterrupted(db: DbOrTrx, sourceId: string, at: string): Promise<void> {
    await db
      .updateTable('catalog_harvest_runs')
      .set({ status: 'interrupted', finished_at: at, message: 'The process running this harvest stopped before it finished; the next run completes it.' })
      .where('source_id', '=', sourceId)
      .where('status', '=', 'running')
      .execute();
  },

  objects(db: DbOrTrx, sourceId: string): Promise<ObjectRow[]> {
    return db.selectFrom('catalog_harvest_objects').selectAll().where('source_id', '=', sourceId).execute();
  },
  objectOfDataset(db: DbOrTrx, datasetId: string): Promise<ObjectRow | undefined> {
    return db.selectFrom('catalog_harvest_objects').selectAll().where('dataset_id', '=', datasetId).executeTakeFirst();
  },
  /** Where a harvested dataset came from, for its page: the source (name, title) and when a run last wrote the dataset. */
  originOfDataset(db: DbOrTrx, datasetId: string): Promise<{ source_id: string; source_name: string; source_title: string; state: string; updated_at: string } | undefined> {
    return db
      .selectFrom('catalog_harvest_objects as o')
      .innerJoin('catalog_harvest_sources as s', 's.id', 'o.source_id')
      .select(['o.source_id', 's.name as source_name', 's.title as source_title', 'o.state', 'o.updated_at'])
      .where('o.dataset_id', '=', datasetId)
      .orderBy('o.updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  },
  async upsertObject(db: DbOrTrx, row: ObjectRow): Promise<void> {
    const { source_id: _s, remote_id: _r, ...rest } = row;
    await db
      .insertInto('catalog_harvest_objects')
      .values(row)
      .onConflict((oc) => oc.columns(['source_id', 'remote_id']).doUpdateSet(rest))
      .execute();
  },
  async setObjectState(db: DbOrTrx, sourceId: string, remoteId: string, state: 'active' | 'withdrawn', runId: number, at: string): Promise<void> {
    await db.updateTable('catalog_harvest_objects').set({ state, last_run_id: runId, updated_at: at }).where('source_id', '=', sourceId).where('remote_id', '=', remoteId).execute();
  },
  async countObjects(db: DbOrTrx, sourceId: string): Promise<number> {
    const r = await db.selectFrom('catalog_harvest_objects').select((eb) => eb.fn.countAll<number>().as('n')).where('source_id', '=', sourceId).where('state', '=', 'active').executeTakeFirstOrThrow();
    return Number(r.n);
  },
  /** Many objects at once (a harvest batch), inserted or replaced by (source, remote id). */
  async upsertObjects(db: DbOrTrx, rows: ObjectRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 80) {
      await db
        .insertInto('catalog_harvest_objects')
        .values(rows.slice(i, i + 80))
        .onConflict((oc) =>
          oc.columns(['source_id', 'remote_id']).doUpdateSet((eb) => ({
            dataset_id: eb.ref('excluded.dataset_id'),
            remote_name: eb.ref('excluded.remote_name'),
            remote_modified: eb.ref('excluded.remote_modified'),
            content_hash: eb.ref('excluded.content_hash'),
            state: eb.ref('excluded.state'),
            last_run_id: eb.ref('excluded.last_run_id'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  },
  /** Id, name and state of many catalog datasets (read-only), by id. */
  async datasetStates(db: DbOrTrx, ids: string[]): Promise<Map<string, { id: string; name: string; state: string }>> {
    const out = new Map<string, { id: string; name: string; state: string }>();
    for (let i = 0; i < ids.length; i += 500) for (const r of await db.selectFrom('catalog_datasets').select(['id', 'name', 'state']).where('id', 'in', ids.slice(i, i + 500)).execute()) out.set(r.id, r);
    return out;
  },
  /** Id and state of a catalog dataset, if it exists (read-only; writes go through the catalog service). */
  datasetState(db: DbOrTrx, id: string): Promise<{ id: string; name: string; state: string } | undefined> {
    return db.selectFrom('catalog_datasets').select(['id', 'name', 'state']).where('id', '=', id).executeTakeFirst();
  },
};
