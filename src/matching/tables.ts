import type { Generated } from 'kysely';

/**
 * Kysely table types of the matching domain. Companies are the registry's numeric ids (no foreign key:
 * the registry is another domain, and its merges move these references through companies.merge).
 * Dates are local Japanese dates (YYYY-MM-DD); instants are UTC ISO strings; lists are JSON arrays.
 */

export interface MatchingProfilesTable {
  id: Generated<number>;
  company_id: number;
  summary_ja: string | null;
  summary_en: string | null;
  /** JSON array of 'ja' | 'en': the languages the company works in. */
  languages_json: string;
  /** JSON array of region codes the company looks for partners in. */
  regions_json: string;
  created_at: string;
  updated_at: string;
}

export interface MatchingCardsTable {
  id: Generated<number>;
  company_id: number;
  kind: string;
  title_ja: string | null;
  title_en: string | null;
  body_ja: string | null;
  body_en: string | null;
  /** 'ja', 'en' or 'both': which languages the card is written in (derived from the texts). */
  language: string;
  jsic_json: string;
  regions_json: string;
  tags_json: string;
  /** The company's country when the card was last written (marketplace filter; the registry stays the truth). */
  country: string;
  status: string;
  review: string;
  review_note: string | null;
  reviewed_by: number | null;
  reviewed_at: string | null;
  expires_on: string;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

/** The card index: FTS5 (rowid = card id) on SQLite, tsvector on PostgreSQL; `doc` holds encoded bigrams. */
export interface MatchingCardSearchTable {
  card_id: number;
  doc: string;
}

export interface MatchingRequestsTable {
  id: Generated<number>;
  from_company_id: number;
  to_company_id: number;
  card_id: number | null;
  fair_id: number | null;
  channel: string;
  message: string;
  status: string;
  answer_note: string | null;
  created_by: number | null;
  answered_by: number | null;
  answered_at: string | null;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

export interface MatchingMeetingsTable {
  id: Generated<number>;
  request_id: number | null;
  /** The company that asked (or the first named by staff), and the other. */
  company_a: number;
  company_b: number;
  card_id: number | null;
  fair_id: number | null;
  channel: string;
  kind: string;
  status: string;
  /** Planned date of a one-to-one meeting (a fair meeting takes its slot's). */
  planned_on: string | null;
  /** The date it took place: the plan counts it in this date's fiscal year. */
  held_on: string | null;
  slot_id: number | null;
  table_id: number | null;
  /** The instants of its last place (kept when it loses the place, for the calendar's cancellation). */
  starts_at: string | null;
  ends_at: string | null;
  locked: number;
  /** iCalendar SEQUENCE: up by one on every change of time, place or status. */
  sequence: number;
  attended_a: number | null;
  attended_b: number | null;
  note: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface MatchingRatingsTable {
  id: Generated<number>;
  meeting_id: number;
  company_id: number;
  score: number;
  comment: string | null;
  created_by: number | null;
  created_at: string;
}

export interface MatchingFollowupsTable {
  id: Generated<number>;
  meeting_id: number;
  company_id: number;
  due_on: string;
  reminded_at: string | null;
  outcome: string | null;
  note: string | null;
  recorded_by: number | null;
  recorded_at: string | null;
  created_at: string;
}

export interface MatchingFairsTable {
  id: Generated<number>;
  name_ja: string;
  name_en: string;
  kind: string;
  venue_ja: string | null;
  venue_en: string | null;
  description_ja: string | null;
  description_en: string | null;
  starts_on: string;
  ends_on: string;
  request_deadline: string;
  max_meetings: number | null;
  status: string;
  scheduled_at: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface MatchingFairSessionsTable {
  id: Generated<number>;
  fair_id: number;
  date: string;
  name_ja: string;
  name_en: string;
}

export interface MatchingFairSlotsTable {
  id: Generated<number>;
  fair_id: number;
  session_id: number;
  starts_at: string;
  ends_at: string;
}

export interface MatchingFairTablesTable {
  id: Generated<number>;
  fair_id: number;
  name: string;
  position: number;
}

export interface MatchingFairParticipantsTable {
  id: Generated<number>;
  fair_id: number;
  company_id: number;
  group_name: string;
  created_at: string;
}

/** Which groups may meet which (both ways); a fair without rules lets every participant meet every other. */
export interface MatchingFairRulesTable {
  id: Generated<number>;
  fair_id: number;
  group_a: string;
  group_b: string;
}

export interface MatchingFairUnavailableTable {
  fair_id: number;
  company_id: number;
  slot_id: number;
}

export interface MatchingTables {
  matching_profiles: MatchingProfilesTable;
  matching_cards: MatchingCardsTable;
  matching_card_search: MatchingCardSearchTable;
  matching_requests: MatchingRequestsTable;
  matching_meetings: MatchingMeetingsTable;
  matching_ratings: MatchingRatingsTable;
  matching_followups: MatchingFollowupsTable;
  matching_fairs: MatchingFairsTable;
  matching_fair_sessions: MatchingFairSessionsTable;
  matching_fair_slots: MatchingFairSlotsTable;
  matching_fair_tables: MatchingFairTablesTable;
  matching_fair_participants: MatchingFairParticipantsTable;
  matching_fair_rules: MatchingFairRulesTable;
  matching_fair_unavailable: MatchingFairUnavailableTable;
}
