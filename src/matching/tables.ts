/** Kysely table types of the matching domain. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MatchingTables {}
