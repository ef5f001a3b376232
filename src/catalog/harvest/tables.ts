import type { Generated } from 'kysely';

/** Kysely table types of catalog harvesting (migration 20261127_0009_catalog_harvest). */

export type HarvestKind = 'ckan' | 'dcat';
export type HarvestSchedule = 'manual' | 'daily' | 'weekly' | 'monthly';
export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted';
export type RunTrigger = 'manual' | 'schedule' | 'cli';

export interface CatalogHarvestSourcesTable {
  id: string;
  /** Slug used in URLs and by `kabuto catalog harvest NAME`. */
  name: string;
  title: string;
  kind: HarvestKind;
  url: string;
  /** The catalog organization (id) the datasets go to unless the config maps the source's organization. */
  org_id: string;
  schedule: HarvestSchedule;
  /** JSON of HarvestConfig. */
  config_json: string;
  active: number;
  created_at: string;
  updated_at: string;
  last_run_id: number | null;
  last_run_at: string | null;
  last_status: RunStatus | null;
  /** Newest metadata_modified seen at the source by the last complete gather (CKAN); advances only on success. */
  high_water: string | null;
  last_success_at: string | null;
}

export interface CatalogHarvestRunsTable {
  id: Generated<number>;
  source_id: string;
  status: RunStatus;
  trigger: RunTrigger;
  /** 1 when every record was fetched regardless of the high-water mark. */
  full: number;
  owner: string;
  started_at: string;
  finished_at: string | null;
  /** Datasets the gather saw (the progress bar's total). */
  seen: number;
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
  requests: number;
  /** JSON: {errors: [{remoteId, name, reason}], pages: [{url, reason}]}. */
  report_json: string;
  message: string;
}

export interface CatalogHarvestObjectsTable {
  source_id: string;
  remote_id: string;
  dataset_id: string;
  remote_name: string;
  remote_modified: string | null;
  /** Hash of the mapped dataset, so an unchanged record is skipped without a write. */
  content_hash: string;
  state: 'active' | 'withdrawn';
  last_run_id: number;
  updated_at: string;
}

export interface CatalogHarvestTables {
  catalog_harvest_sources: CatalogHarvestSourcesTable;
  catalog_harvest_runs: CatalogHarvestRunsTable;
  catalog_harvest_objects: CatalogHarvestObjectsTable;
}
