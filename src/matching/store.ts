import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { DbOrTrx, Dialect } from '../core/db/index.js';
import { matchPredicate } from '../core/search/fts.js';
import type {
  MatchingCardsTable,
  MatchingFairParticipantsTable,
  MatchingFairSessionsTable,
  MatchingFairSlotsTable,
  MatchingFairTablesTable,
  MatchingFairsTable,
  MatchingFollowupsTable,
  MatchingMeetingsTable,
  MatchingProfilesTable,
  MatchingRatingsTable,
  MatchingRequestsTable,
} from './tables.js';

export type CardRow = Selectable<MatchingCardsTable>;
export type ProfileRow = Selectable<MatchingProfilesTable>;
export type RequestRow = Selectable<MatchingRequestsTable>;
export type MeetingRow = Selectable<MatchingMeetingsTable>;
export type RatingRow = Selectable<MatchingRatingsTable>;
export type FollowupRow = Selectable<MatchingFollowupsTable>;
export type FairRow = Selectable<MatchingFairsTable>;
export type SessionRow = Selectable<MatchingFairSessionsTable>;
export type SlotRow = Selectable<MatchingFairSlotsTable>;
export type TableRow = Selectable<MatchingFairTablesTable>;
export type ParticipantRow = Selectable<MatchingFairParticipantsTable>;

export interface CardFilter {
  /** Bigram phrases of the search text (already split; never raw user text). */
  phrases?: string[][];
  kind?: string;
  jsic?: string;
  country?: string;
  language?: 'ja' | 'en' | 'both';
  region?: string;
  companyId?: number;
}

export interface MeetingFilter {
  companyId?: number;
  fairId?: number;
  status?: string;
  channel?: string;
}

/** Kysely queries of the matching domain. The service owns transactions, rules and audit. */
export const matchingStore = {
  // ---- profiles ----
  profile: (db: DbOrTrx, companyId: number) => db.selectFrom('matching_profiles').selectAll().where('company_id', '=', companyId).executeTakeFirst(),
  insertProfile: (db: DbOrTrx, row: Insertable<MatchingProfilesTable>) => db.insertInto('matching_profiles').values(row).returningAll().executeTakeFirstOrThrow(),
  updateProfile: (db: DbOrTrx, id: number, patch: Updateable<MatchingProfilesTable>) => db.updateTable('matching_profiles').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),

  // ---- cards ----
  card: (db: DbOrTrx, id: number) => db.selectFrom('matching_cards').selectAll().where('id', '=', id).executeTakeFirst(),
  cardsByIds: (db: DbOrTrx, ids: number[]) => (ids.length ? db.selectFrom('matching_cards').selectAll().where('id', 'in', ids).execute() : Promise.resolve([] as CardRow[])),
  insertCard: (db: DbOrTrx, row: Insertable<MatchingCardsTable>) => db.insertInto('matching_cards').values(row).returningAll().executeTakeFirstOrThrow(),
  updateCard: (db: DbOrTrx, id: number, patch: Updateable<MatchingCardsTable>) => db.updateTable('matching_cards').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
  cardsOfCompany: (db: DbOrTrx, companyId: number) => db.selectFrom('matching_cards').selectAll().where('company_id', '=', companyId).orderBy('id', 'desc').execute(),
  pendingCards: (db: DbOrTrx, limit: number) => db.selectFrom('matching_cards').selectAll().where('review', '=', 'pending').where('status', '!=', 'closed').orderBy('updated_at').orderBy('id').limit(limit).execute(),

  async writeSearch(db: DbOrTrx, dialect: Dialect, id: number, doc: string): Promise<void> {
    if (dialect === 'sqlite') {
      await sql`delete from matching_card_search where rowid = ${id}`.execute(db);
      await sql`insert into matching_card_search (rowid, doc) values (${id}, ${doc})`.execute(db);
    } else {
      await sql`insert into matching_card_search (card_id, doc) values (${id}, to_tsvector('simple', ${doc}))
        on conflict (card_id) do update set doc = excluded.doc`.execute(db);
    }
  },

  /** Public cards (approved, open, not expired) matching the filter; newest first. */
  publicQuery(db: DbOrTrx, dialect: Dialect, today: string, f: CardFilter) {
    let q = db.selectFrom('matching_cards as c').where('c.review', '=', 'approved').where('c.status', '=', 'open').where('c.expires_on', '>=', today);
    if (f.kind) q = q.where('c.kind', '=', f.kind);
    if (f.country) q = q.where('c.country', '=', f.country);
    if (f.language) q = q.where('c.language', '=', f.language);
    if (f.companyId !== undefined) q = q.where('c.company_id', '=', f.companyId);
    // JSON arrays of short codes: match the quoted code, which cannot occur inside another.
    if (f.jsic) q = q.where('c.jsic_json', 'like', `%"${f.jsic}"%`);
    if (f.region) q = q.where('c.regions_json', 'like', `%"${f.region}"%`);
    if (f.phrases?.length) {
      const match = matchPredicate(dialect, 'matching_card_search', 'doc', f.phrases);
      const ids = dialect === 'sqlite' ? sql<number>`(select rowid from matching_card_search where ${match})` : sql<number>`(select card_id from matching_card_search where ${match})`;
      q = q.where(sql<boolean>`c.id in ${ids}`);
    }
    return q;
  },

  async countPublic(db: DbOrTrx, dialect: Dialect, today: string, f: CardFilter): Promise<number> {
    const r = await this.publicQuery(db, dialect, today, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  },

  publicCards: (db: DbOrTrx, dialect: Dialect, today: string, f: CardFilter, page: { limit: number; offset: number }) =>
    matchingStore.publicQuery(db, dialect, today, f).selectAll('c').orderBy('c.id', 'desc').limit(page.limit).offset(page.offset).execute(),

  /** Every public card (the recommender's index is built from these). */
  allPublic: (db: DbOrTrx, today: string) =>
    db.selectFrom('matching_cards').selectAll().where('review', '=', 'approved').where('status', '=', 'open').where('expires_on', '>=', today).orderBy('id').execute(),

  // ---- requests ----
  request: (db: DbOrTrx, id: number) => db.selectFrom('matching_requests').selectAll().where('id', '=', id).executeTakeFirst(),
  insertRequest: (db: DbOrTrx, row: Insertable<MatchingRequestsTable>) => db.insertInto('matching_requests').values(row).returningAll().executeTakeFirstOrThrow(),
  /** Update a request only if it is still in the status the caller read (a concurrent answer loses). */
  async updateRequest(db: DbOrTrx, id: number, expect: string, patch: Updateable<MatchingRequestsTable>): Promise<boolean> {
    const r = await db.updateTable('matching_requests').set(patch).where('id', '=', id).where('status', '=', expect).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  /** A live request between the pair about the same card or fair (pending and unexpired, or accepted). */
  liveRequestBetween: (db: DbOrTrx, a: number, b: number, cardId: number | null, fairId: number | null, now: string) => {
    let q = db
      .selectFrom('matching_requests')
      .select(['id', 'status'])
      .where((eb) => eb.or([eb.and([eb('from_company_id', '=', a), eb('to_company_id', '=', b)]), eb.and([eb('from_company_id', '=', b), eb('to_company_id', '=', a)])]))
      .where((eb) => eb.or([eb('status', '=', 'accepted'), eb.and([eb('status', '=', 'pending'), eb('expires_at', '>', now)])]));
    q = cardId === null ? q.where('card_id', 'is', null) : q.where('card_id', '=', cardId);
    q = fairId === null ? q.where('fair_id', 'is', null) : q.where('fair_id', '=', fairId);
    return q.executeTakeFirst();
  },

  requests(db: DbOrTrx, f: { companyId?: number; box?: 'incoming' | 'outgoing' | 'all'; fairId?: number; status?: string }, now: string, limit: number) {
    let q = db.selectFrom('matching_requests').selectAll();
    if (f.companyId !== undefined) {
      const c = f.companyId;
      if (f.box === 'incoming') q = q.where('to_company_id', '=', c);
      else if (f.box === 'outgoing') q = q.where('from_company_id', '=', c);
      else q = q.where((eb) => eb.or([eb('from_company_id', '=', c), eb('to_company_id', '=', c)]));
    }
    if (f.fairId !== undefined) q = q.where('fair_id', '=', f.fairId);
    if (f.status === 'expired') q = q.where((eb) => eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'pending'), eb('expires_at', '<=', now)])]));
    else if (f.status === 'pending') q = q.where('status', '=', 'pending').where('expires_at', '>', now);
    else if (f.status) q = q.where('status', '=', f.status);
    return q.orderBy('id', 'desc').limit(limit).execute();
  },

  /** Pending requests past their expiry (the sweep marks them expired). */
  overdueRequests: (db: DbOrTrx, now: string, limit: number) => db.selectFrom('matching_requests').selectAll().where('status', '=', 'pending').where('expires_at', '<=', now).orderBy('id').limit(limit).execute(),

  // ---- meetings ----
  meeting: (db: DbOrTrx, id: number) => db.selectFrom('matching_meetings').selectAll().where('id', '=', id).executeTakeFirst(),
  meetingOfRequest: (db: DbOrTrx, requestId: number) => db.selectFrom('matching_meetings').selectAll().where('request_id', '=', requestId).executeTakeFirst(),
  insertMeeting: (db: DbOrTrx, row: Insertable<MatchingMeetingsTable>) => db.insertInto('matching_meetings').values(row).returningAll().executeTakeFirstOrThrow(),
  updateMeeting: (db: DbOrTrx, id: number, patch: Updateable<MatchingMeetingsTable>) => db.updateTable('matching_meetings').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),

  meetings(db: DbOrTrx, f: MeetingFilter, limit: number) {
    let q = db.selectFrom('matching_meetings').selectAll();
    if (f.companyId !== undefined) {
      const c = f.companyId;
      q = q.where((eb) => eb.or([eb('company_a', '=', c), eb('company_b', '=', c)]));
    }
    if (f.fairId !== undefined) q = q.where('fair_id', '=', f.fairId);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.channel) q = q.where('channel', '=', f.channel);
    return q.orderBy('id', 'desc').limit(limit).execute();
  },

  /** Cards a company has met or asked about (never recommended to it again). */
  async blockedCards(db: DbOrTrx, companyId: number, now: string): Promise<Set<number>> {
    const met = await db
      .selectFrom('matching_meetings')
      .select('card_id')
      .where('card_id', 'is not', null)
      .where('status', '!=', 'cancelled')
      .where((eb) => eb.or([eb('company_a', '=', companyId), eb('company_b', '=', companyId)]))
      .execute();
    const asked = await db
      .selectFrom('matching_requests')
      .select('card_id')
      .where('card_id', 'is not', null)
      .where((eb) => eb.or([eb('from_company_id', '=', companyId), eb('to_company_id', '=', companyId)]))
      .where((eb) => eb.or([eb('status', '=', 'accepted'), eb.and([eb('status', '=', 'pending'), eb('expires_at', '>', now)])]))
      .execute();
    return new Set([...met, ...asked].map((r) => r.card_id!));
  },

  /** Held meetings arranged by the city, for the plan's metric (dates and the two companies). */
  heldMeetings(db: DbOrTrx, channels: readonly string[], kinds: readonly string[] | null) {
    let q = db.selectFrom('matching_meetings').select(['id', 'held_on', 'company_a', 'company_b', 'kind', 'channel']).where('status', '=', 'held').where('held_on', 'is not', null).where('channel', 'in', channels);
    if (kinds) q = q.where('kind', 'in', kinds);
    return q.execute();
  },

  // ---- ratings and follow-ups ----
  ratingsOf: (db: DbOrTrx, meetingIds: number[]) => (meetingIds.length ? db.selectFrom('matching_ratings').selectAll().where('meeting_id', 'in', meetingIds).execute() : Promise.resolve([] as RatingRow[])),
  rating: (db: DbOrTrx, meetingId: number, companyId: number) => db.selectFrom('matching_ratings').selectAll().where('meeting_id', '=', meetingId).where('company_id', '=', companyId).executeTakeFirst(),
  insertRating: (db: DbOrTrx, row: Insertable<MatchingRatingsTable>) => db.insertInto('matching_ratings').values(row).returningAll().executeTakeFirstOrThrow(),
  updateRating: (db: DbOrTrx, id: number, patch: Updateable<MatchingRatingsTable>) => db.updateTable('matching_ratings').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
  followupsOf: (db: DbOrTrx, meetingIds: number[]) => (meetingIds.length ? db.selectFrom('matching_followups').selectAll().where('meeting_id', 'in', meetingIds).execute() : Promise.resolve([] as FollowupRow[])),
  followup: (db: DbOrTrx, meetingId: number, companyId: number) => db.selectFrom('matching_followups').selectAll().where('meeting_id', '=', meetingId).where('company_id', '=', companyId).executeTakeFirst(),
  insertFollowups: (db: DbOrTrx, rows: Insertable<MatchingFollowupsTable>[]) => db.insertInto('matching_followups').values(rows).onConflict((oc) => oc.columns(['meeting_id', 'company_id']).doNothing()).execute(),
  updateFollowup: (db: DbOrTrx, id: number, patch: Updateable<MatchingFollowupsTable>) => db.updateTable('matching_followups').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
  dueFollowups: (db: DbOrTrx, today: string, limit: number) =>
    db.selectFrom('matching_followups').selectAll().where('reminded_at', 'is', null).where('outcome', 'is', null).where('due_on', '<=', today).orderBy('due_on').orderBy('id').limit(limit).execute(),
  /** Every follow-up with an outcome, with its meeting's kind, channel and fair (staff reports). */
  outcomes: (db: DbOrTrx, fairId?: number) => {
    let q = db
      .selectFrom('matching_followups as f')
      .innerJoin('matching_meetings as m', 'm.id', 'f.meeting_id')
      .select(['f.meeting_id', 'f.company_id', 'f.outcome', 'f.recorded_at', 'f.due_on', 'm.kind', 'm.channel', 'm.fair_id', 'm.held_on']);
    if (fairId !== undefined) q = q.where('m.fair_id', '=', fairId);
    return q.orderBy('f.meeting_id').execute();
  },

  // ---- fairs ----
  fair: (db: DbOrTrx, id: number) => db.selectFrom('matching_fairs').selectAll().where('id', '=', id).executeTakeFirst(),
  fairs: (db: DbOrTrx, ids?: number[]) => {
    let q = db.selectFrom('matching_fairs').selectAll();
    if (ids) {
      if (!ids.length) return Promise.resolve([] as FairRow[]);
      q = q.where('id', 'in', ids);
    }
    return q.orderBy('starts_on', 'desc').orderBy('id', 'desc').execute();
  },
  insertFair: (db: DbOrTrx, row: Insertable<MatchingFairsTable>) => db.insertInto('matching_fairs').values(row).returningAll().executeTakeFirstOrThrow(),
  updateFair: (db: DbOrTrx, id: number, patch: Updateable<MatchingFairsTable>) => db.updateTable('matching_fairs').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
  sessions: (db: DbOrTrx, fairId: number) => db.selectFrom('matching_fair_sessions').selectAll().where('fair_id', '=', fairId).orderBy('date').orderBy('id').execute(),
  insertSession: (db: DbOrTrx, row: Insertable<MatchingFairSessionsTable>) => db.insertInto('matching_fair_sessions').values(row).returningAll().executeTakeFirstOrThrow(),
  slots: (db: DbOrTrx, fairId: number) => db.selectFrom('matching_fair_slots').selectAll().where('fair_id', '=', fairId).orderBy('starts_at').orderBy('id').execute(),
  insertSlots: (db: DbOrTrx, rows: Insertable<MatchingFairSlotsTable>[]) => (rows.length ? db.insertInto('matching_fair_slots').values(rows).execute() : Promise.resolve([])),
  tables: (db: DbOrTrx, fairId: number) => db.selectFrom('matching_fair_tables').selectAll().where('fair_id', '=', fairId).orderBy('position').orderBy('id').execute(),
  insertTables: (db: DbOrTrx, rows: Insertable<MatchingFairTablesTable>[]) => (rows.length ? db.insertInto('matching_fair_tables').values(rows).execute() : Promise.resolve([])),
  participants: (db: DbOrTrx, fairId: number) => db.selectFrom('matching_fair_participants').selectAll().where('fair_id', '=', fairId).orderBy('id').execute(),
  participant: (db: DbOrTrx, fairId: number, companyId: number) => db.selectFrom('matching_fair_participants').selectAll().where('fair_id', '=', fairId).where('company_id', '=', companyId).executeTakeFirst(),
  fairsOfCompany: async (db: DbOrTrx, companyId: number) => (await db.selectFrom('matching_fair_participants').select('fair_id').where('company_id', '=', companyId).execute()).map((r) => r.fair_id),
  insertParticipant: (db: DbOrTrx, row: Insertable<MatchingFairParticipantsTable>) => db.insertInto('matching_fair_participants').values(row).returningAll().executeTakeFirstOrThrow(),
  updateParticipant: (db: DbOrTrx, id: number, group: string) => db.updateTable('matching_fair_participants').set({ group_name: group }).where('id', '=', id).execute(),
  deleteParticipant: (db: DbOrTrx, id: number) => db.deleteFrom('matching_fair_participants').where('id', '=', id).execute(),
  rules: (db: DbOrTrx, fairId: number) => db.selectFrom('matching_fair_rules').selectAll().where('fair_id', '=', fairId).orderBy('id').execute(),
  async replaceRules(db: DbOrTrx, fairId: number, pairs: Array<[string, string]>): Promise<void> {
    await db.deleteFrom('matching_fair_rules').where('fair_id', '=', fairId).execute();
    if (pairs.length) await db.insertInto('matching_fair_rules').values(pairs.map(([a, b]) => ({ fair_id: fairId, group_a: a, group_b: b }))).execute();
  },
  unavailable: (db: DbOrTrx, fairId: number, companyId?: number) => {
    let q = db.selectFrom('matching_fair_unavailable').selectAll().where('fair_id', '=', fairId);
    if (companyId !== undefined) q = q.where('company_id', '=', companyId);
    return q.execute();
  },
  async replaceUnavailable(db: DbOrTrx, fairId: number, companyId: number, slotIds: number[]): Promise<void> {
    await db.deleteFrom('matching_fair_unavailable').where('fair_id', '=', fairId).where('company_id', '=', companyId).execute();
    if (slotIds.length) await db.insertInto('matching_fair_unavailable').values(slotIds.map((slot_id) => ({ fair_id: fairId, company_id: companyId, slot_id }))).execute();
  },
  /** Accepted meetings of a fair that are still to happen (what the scheduler places). */
  fairMeetings: (db: DbOrTrx, fairId: number) => db.selectFrom('matching_meetings').selectAll().where('fair_id', '=', fairId).orderBy('id').execute(),
  /** Clear the places of meetings before writing new ones, so the (slot, table) unique index never sees a transient clash. */
  clearPlaces: (db: DbOrTrx, ids: number[]) => (ids.length ? db.updateTable('matching_meetings').set({ slot_id: null, table_id: null }).where('id', 'in', ids).execute() : Promise.resolve([])),

  // ---- people ----
  /** Addresses of a company's active members (who hear about requests, changes and follow-ups). */
  async memberEmails(db: DbOrTrx, companyId: number): Promise<string[]> {
    const rows = await db.selectFrom('users').select('email').where('role', '=', 'member').where('company_id', '=', String(companyId)).where('active', '=', 1).execute();
    return rows.map((r) => r.email);
  },

  // ---- merges ----
  async moveCompany(db: DbOrTrx, fromId: number, intoId: number): Promise<void> {
    const intoProfile = await matchingStore.profile(db, intoId);
    if (intoProfile) await db.deleteFrom('matching_profiles').where('company_id', '=', fromId).execute();
    else await db.updateTable('matching_profiles').set({ company_id: intoId }).where('company_id', '=', fromId).execute();
    await db.updateTable('matching_cards').set({ company_id: intoId }).where('company_id', '=', fromId).execute();
    await db.updateTable('matching_requests').set({ from_company_id: intoId }).where('from_company_id', '=', fromId).execute();
    await db.updateTable('matching_requests').set({ to_company_id: intoId }).where('to_company_id', '=', fromId).execute();
    await db.updateTable('matching_meetings').set({ company_a: intoId }).where('company_a', '=', fromId).execute();
    await db.updateTable('matching_meetings').set({ company_b: intoId }).where('company_b', '=', fromId).execute();
    // Rows keyed on the company: the survivor's own row wins where both have one.
    for (const table of ['matching_ratings', 'matching_followups'] as const) {
      const taken = (await db.selectFrom(table).select('meeting_id').where('company_id', '=', intoId).execute()).map((r) => r.meeting_id);
      if (taken.length) await db.deleteFrom(table).where('company_id', '=', fromId).where('meeting_id', 'in', taken).execute();
      await db.updateTable(table).set({ company_id: intoId }).where('company_id', '=', fromId).execute();
    }
    const fairs = (await db.selectFrom('matching_fair_participants').select('fair_id').where('company_id', '=', intoId).execute()).map((r) => r.fair_id);
    if (fairs.length) {
      await db.deleteFrom('matching_fair_participants').where('company_id', '=', fromId).where('fair_id', 'in', fairs).execute();
      await db.deleteFrom('matching_fair_unavailable').where('company_id', '=', fromId).where('fair_id', 'in', fairs).execute();
    }
    await db.updateTable('matching_fair_participants').set({ company_id: intoId }).where('company_id', '=', fromId).execute();
    await db.updateTable('matching_fair_unavailable').set({ company_id: intoId }).where('company_id', '=', fromId).execute();
  },
};
