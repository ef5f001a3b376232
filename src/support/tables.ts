/** Kysely table types of the support domain. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SupportTables {}
