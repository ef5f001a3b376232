/** Kysely table types of the companies domain. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CompaniesTables {}
