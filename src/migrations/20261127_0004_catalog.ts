import { sql, type Kysely } from 'kysely';
import { dialectOf, withId } from '../core/db/migrate.js';

// The open data catalog: publishers (organizations), categories (CKAN groups), licences, datasets
// with their tags, extras, categories and resources, the activity stream, and old dataset names.
// Table names carry a catalog_ prefix ("groups" is a keyword in SQL window frames).
export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';

  await db.schema
    .createTable('catalog_organizations')
    // The local government code for the TMG and municipalities, 130001-<code> for bureaus, a UUID otherwise.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('title_ja', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('kana', 'text')
    .addColumn('lg_code', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text', (c) => c.references('catalog_organizations.id'))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('image_url', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created', 'text', (c) => c.notNull())
    .addCheckConstraint('catalog_organizations_kind_check', sql`kind in ('tmg', 'bureau', 'municipality', 'other')`)
    .execute();

  await db.schema
    .createTable('catalog_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('title_ja', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('image_url', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('catalog_licences')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title_ja', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('od_conformance', 'text', (c) => c.notNull().defaultTo('not reviewed'))
    .addColumn('osd_conformance', 'text', (c) => c.notNull().defaultTo('not reviewed'))
    // A licence whose terms are compatible with another (gov-std-2.0 → cc-by-4.0).
    .addColumn('compatible_with', 'text')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('catalog_datasets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('license_id', 'text', (c) => c.references('catalog_licences.id'))
    .addColumn('author', 'text')
    .addColumn('author_email', 'text')
    .addColumn('maintainer', 'text')
    .addColumn('maintainer_email', 'text')
    .addColumn('url', 'text')
    .addColumn('version', 'text')
    .addColumn('private', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('type', 'text', (c) => c.notNull().defaultTo('dataset'))
    .addColumn('owner_org', 'text', (c) => c.notNull().references('catalog_organizations.id'))
    .addColumn('creator_user_id', 'integer')
    .addColumn('metadata_created', 'text', (c) => c.notNull())
    .addColumn('metadata_modified', 'text', (c) => c.notNull())
    // When the dataset first became public and active (the plan counts publications by this date).
    .addColumn('first_published_at', 'text')
    .addCheckConstraint('catalog_datasets_state_check', sql`state in ('active', 'draft', 'deleted')`)
    .execute();
  await db.schema.createIndex('catalog_datasets_org_idx').on('catalog_datasets').columns(['owner_org', 'state']).execute();
  await db.schema.createIndex('catalog_datasets_modified_idx').on('catalog_datasets').column('metadata_modified').execute();
  await db.schema.createIndex('catalog_datasets_published_idx').on('catalog_datasets').column('first_published_at').execute();

  await db.schema
    .createTable('catalog_tags')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .execute();

  await db.schema
    .createTable('catalog_dataset_tags')
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('catalog_datasets.id').onDelete('cascade'))
    .addColumn('tag_id', 'text', (c) => c.notNull().references('catalog_tags.id'))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('catalog_dataset_tags_pk', ['dataset_id', 'tag_id'])
    .execute();
  await db.schema.createIndex('catalog_dataset_tags_tag_idx').on('catalog_dataset_tags').column('tag_id').execute();

  await db.schema
    .createTable('catalog_dataset_extras')
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('catalog_datasets.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('catalog_dataset_extras_pk', ['dataset_id', 'key'])
    .execute();

  await db.schema
    .createTable('catalog_dataset_groups')
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('catalog_datasets.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('catalog_groups.id'))
    .addPrimaryKeyConstraint('catalog_dataset_groups_pk', ['dataset_id', 'group_id'])
    .execute();
  await db.schema.createIndex('catalog_dataset_groups_group_idx').on('catalog_dataset_groups').column('group_id').execute();

  await db.schema
    .createTable('catalog_resources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('package_id', 'text', (c) => c.notNull().references('catalog_datasets.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull().defaultTo(''))
    // 'upload' when the file is stored here (upload_key names it under the data directory).
    .addColumn('url_type', 'text')
    .addColumn('upload_key', 'text')
    .addColumn('name', 'text')
    .addColumn('description', 'text')
    .addColumn('format', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('mimetype', 'text')
    .addColumn('size', pg ? 'bigint' : 'integer')
    .addColumn('hash', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('resource_type', 'text')
    // Fields a client sent that CKAN keeps on the resource (JSON object of strings).
    .addColumn('extras_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created', 'text', (c) => c.notNull())
    .addColumn('last_modified', 'text')
    .addColumn('metadata_modified', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('catalog_resources_package_idx').on('catalog_resources').columns(['package_id', 'position']).execute();

  await withId(db, db.schema.createTable('catalog_activities'))
    // CKAN's activity types: 'new package', 'changed package', 'deleted package', 'new organization', 'changed organization'.
    .addColumn('activity_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'text', (c) => c.notNull())
    // The object as it stood after the change, and the fields that changed ({field: [before, after]}).
    .addColumn('data_json', 'text', (c) => c.notNull())
    .addColumn('diff_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('catalog_activities_object_idx').on('catalog_activities').columns(['object_id', 'timestamp']).execute();

  await db.schema
    .createTable('catalog_name_redirects')
    .addColumn('old_name', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('catalog_datasets.id').onDelete('cascade'))
    .addColumn('created', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('catalog_name_redirects_dataset_idx').on('catalog_name_redirects').column('dataset_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'catalog_name_redirects',
    'catalog_activities',
    'catalog_resources',
    'catalog_dataset_groups',
    'catalog_dataset_extras',
    'catalog_dataset_tags',
    'catalog_tags',
    'catalog_datasets',
    'catalog_licences',
    'catalog_groups',
    'catalog_organizations',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
