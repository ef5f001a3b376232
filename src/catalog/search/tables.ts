/**
 * Kysely table types of the catalog's search index. The index keeps everything a search needs
 * (tokens, facet values, sort keys, visibility), written from the DatasetSearchDoc the catalog
 * passes in, so a search never reads the catalog's own tables and the index can be rebuilt from docs.
 */

/** One row per indexed dataset. doc_no is the FTS5 rowid and the index into the in-memory facet arrays. */
export interface CatalogSearchDocsTable {
  doc_no: number;
  id: string;
  name: string;
  /** The title and notes as written (capped), for highlights. */
  title: string;
  notes: string;
  /** NFKC + lower-cased title: the `title_string` sort key. */
  title_sort: string;
  organization: string | null;
  license_id: string | null;
  private: number;
  state: 'active' | 'draft' | 'deleted';
  metadata_created: string;
  metadata_modified: string;
  /** JSON arrays of strings. */
  tags: string;
  groups: string;
  res_formats: string;
  /** PostgreSQL only: the encoded tokens with weights (A title, B tags, C body, D word starts). */
  tsv?: string;
}

/** extras_* filters: one row per extra. */
export interface CatalogSearchExtrasTable {
  doc_no: number;
  key: string;
  value: string;
}

/** 'version' (num: bumped by every write), 'epoch' (num: bumped when the index is cleared), 'tokenizer' (value). */
export interface CatalogSearchMetaTable {
  key: string;
  value: string;
  num: number;
}

/** Which documents changed at which version, so a process refreshes its facet arrays incrementally. */
export interface CatalogSearchChangesTable {
  seq: number;
  doc_no: number;
  /** The dataset's id (null in rows logged before migration 0010): a reindex carries these writes over. */
  id?: string | null;
}

export interface CatalogSearchTables {
  catalog_search_docs: CatalogSearchDocsTable;
  catalog_search_extras: CatalogSearchExtrasTable;
  catalog_search_meta: CatalogSearchMetaTable;
  catalog_search_changes: CatalogSearchChangesTable;
  /** Shadow tables a reindex builds into before it swaps the names with the live ones (migration 0010). */
  catalog_search_docs_next: CatalogSearchDocsTable;
  catalog_search_extras_next: CatalogSearchExtrasTable;
  catalog_search_snapshot: CatalogSearchSnapshotTable;
}

/** One row (id 1): the in-memory facet arrays as of (epoch, version), see memory.ts (migration 0011). */
export interface CatalogSearchSnapshotTable {
  id: number;
  epoch: number;
  version: number;
  data: Uint8Array;
}
