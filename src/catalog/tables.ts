import type { Generated } from 'kysely';

/** Kysely table types of the catalog domain (migration 20261127_0004_catalog). */

export type OrgKind = 'tmg' | 'bureau' | 'municipality' | 'other';
export type DatasetState = 'active' | 'draft' | 'deleted';

export interface CatalogOrganizationsTable {
  /** Local government code (TMG, municipalities), `130001-<code>` (bureaus) or a UUID. Users' org_id holds this. */
  id: string;
  /** CKAN slug: `tokyo`, `tokyo-sangyorodo`, `meguro-ku`. */
  name: string;
  title_ja: string;
  title_en: string;
  kana: string | null;
  lg_code: string | null;
  kind: OrgKind;
  parent_id: string | null;
  description: string;
  image_url: string;
  state: 'active' | 'deleted';
  created: string;
}

export interface CatalogGroupsTable {
  id: string;
  name: string;
  title_ja: string;
  title_en: string;
  description: string;
  image_url: string;
  state: 'active' | 'deleted';
  position: number;
  created: string;
}

export interface CatalogLicencesTable {
  id: string;
  title_ja: string;
  title_en: string;
  url: string;
  od_conformance: string;
  osd_conformance: string;
  compatible_with: string | null;
  position: number;
}

export interface CatalogDatasetsTable {
  id: string;
  name: string;
  title: string;
  notes: string;
  license_id: string | null;
  author: string | null;
  author_email: string | null;
  maintainer: string | null;
  maintainer_email: string | null;
  url: string | null;
  version: string | null;
  private: number;
  state: DatasetState;
  type: string;
  owner_org: string;
  creator_user_id: number | null;
  metadata_created: string;
  metadata_modified: string;
  first_published_at: string | null;
}

export interface CatalogTagsTable {
  id: string;
  name: string;
}

export interface CatalogDatasetTagsTable {
  dataset_id: string;
  tag_id: string;
  position: number;
}

export interface CatalogDatasetExtrasTable {
  dataset_id: string;
  key: string;
  value: string;
}

export interface CatalogDatasetGroupsTable {
  dataset_id: string;
  group_id: string;
}

export interface CatalogResourcesTable {
  id: string;
  package_id: string;
  url: string;
  url_type: string | null;
  upload_key: string | null;
  name: string | null;
  description: string | null;
  format: string;
  mimetype: string | null;
  size: number | null;
  hash: string;
  resource_type: string | null;
  extras_json: string;
  position: number;
  state: 'active' | 'deleted';
  created: string;
  last_modified: string | null;
  metadata_modified: string;
}

export interface CatalogActivitiesTable {
  id: Generated<number>;
  activity_type: string;
  object_id: string;
  user_id: number | null;
  actor_label: string;
  timestamp: string;
  data_json: string;
  diff_json: string;
}

export interface CatalogNameRedirectsTable {
  old_name: string;
  dataset_id: string;
  created: string;
}

export interface CatalogTables {
  catalog_organizations: CatalogOrganizationsTable;
  catalog_groups: CatalogGroupsTable;
  catalog_licences: CatalogLicencesTable;
  catalog_datasets: CatalogDatasetsTable;
  catalog_tags: CatalogTagsTable;
  catalog_dataset_tags: CatalogDatasetTagsTable;
  catalog_dataset_extras: CatalogDatasetExtrasTable;
  catalog_dataset_groups: CatalogDatasetGroupsTable;
  catalog_resources: CatalogResourcesTable;
  catalog_activities: CatalogActivitiesTable;
  catalog_name_redirects: CatalogNameRedirectsTable;
}
