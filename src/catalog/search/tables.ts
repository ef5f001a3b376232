/** Kysely table types of the catalog's search index. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CatalogSearchTables {}
