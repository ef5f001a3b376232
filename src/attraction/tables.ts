/** Kysely table types of the attraction domain. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AttractionTables {}
