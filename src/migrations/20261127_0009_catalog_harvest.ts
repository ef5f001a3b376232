import { sql, type Kysely } from 'kysely';
import { withId } from '../core/db/migrate.js';

// Catalog harvesting: sources (another CKAN, a DCAT catalog), runs with their reports, and the
// objects each source brought in (source + remote id → dataset), which keep a re-run from duplicating.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('catalog_harvest_sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull().references('catalog_organizations.id'))
    .addColumn('schedule', 'text', (c) => c.notNull().defaultTo('manual'))
    .addColumn('config_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_run_id', 'integer')
    .addColumn('last_run_at', 'text')
    .addColumn('last_status', 'text')
    .addColumn('high_water', 'text')
    .addColumn('last_success_at', 'text')
    .addCheckConstraint('catalog_harvest_sources_kind_check', sql`kind in ('ckan', 'dcat')`)
    .addCheckConstraint('catalog_harvest_sources_schedule_check', sql`schedule in ('manual', 'daily', 'weekly', 'monthly')`)
    .execute();

  await withId(db, db.schema.createTable('catalog_harvest_runs'))
    .addColumn('source_id', 'text', (c) => c.notNull().references('catalog_harvest_sources.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('full', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('seen', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('added', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('requests', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('report_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
    .addCheckConstraint('catalog_harvest_runs_status_check', sql`status in ('running', 'succeeded', 'partial', 'failed', 'interrupted')`)
    .execute();
  await db.schema.createIndex('catalog_harvest_runs_source_idx').on('catalog_harvest_runs').columns(['source_id', 'id']).execute();

  await db.schema
    .createTable('catalog_harvest_objects')
    .addColumn('source_id', 'text', (c) => c.notNull().references('catalog_harvest_sources.id').onDelete('cascade'))
    .addColumn('remote_id', 'text', (c) => c.notNull())
    .addColumn('dataset_id', 'text', (c) => c.notNull())
    .addColumn('remote_name', 'text', (c) => c.notNull())
    .addColumn('remote_modified', 'text')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('last_run_id', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('catalog_harvest_objects_pk', ['source_id', 'remote_id'])
    .execute();
  await db.schema.createIndex('catalog_harvest_objects_dataset_idx').on('catalog_harvest_objects').column('dataset_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['catalog_harvest_objects', 'catalog_harvest_runs', 'catalog_harvest_sources']) await db.schema.dropTable(t).execute();
}
