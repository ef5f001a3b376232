/** Kysely table types of the catalog domain. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CatalogTables {}
