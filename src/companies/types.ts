import type { Actor } from '../core/audit.js';
import type { Db, Trx } from '../core/db/index.js';

/** A company as every module sees it. */
export interface Company {
  id: number;
  /** 法人番号, 13 digits, or null (a foreign firm not yet in Japan). */
  corporateNumber: string | null;
  nameJa: string | null;
  nameEn: string | null;
  kana: string | null;
  /** ISO 3166-1 alpha-2 country of origin, 'JP' for Japan. */
  country: string;
  registeredInTokyo: boolean;
  /** Local government code of the municipality of the head/registered office. */
  lgCode: string | null;
  /** JSIC major group, A–T. */
  jsicMajor: string | null;
  /** JSIC division, 2 digits. */
  jsicDivision: string | null;
  employees: number | null;
  capitalYen: number | null;
  postalCode: string | null;
  addressJa: string | null;
  addressEn: string | null;
  website: string | null;
  summary: string | null;
  createdAt: string;
  updatedAt: string;
  /** Set on a company merged into another (get() returns the survivor instead). */
  mergedInto: number | null;
}

export interface CompanyInput {
  corporateNumber?: string | null;
  nameJa?: string | null;
  nameEn?: string | null;
  kana?: string | null;
  country: string;
  lgCode?: string | null;
  /** Derived from lgCode (starting '13') when absent. */
  registeredInTokyo?: boolean;
  jsicMajor?: string | null;
  jsicDivision?: string | null;
  employees?: number | null;
  capitalYen?: number | null;
  postalCode?: string | null;
  addressJa?: string | null;
  addressEn?: string | null;
  website?: string | null;
  summary?: string | null;
}

export interface CompanySearchQuery {
  /** Partial name in Japanese, English or kana (two characters or more); a 法人番号 here searches by number. */
  text?: string;
  /** 法人番号, all 13 digits or the leading digits. */
  corporateNumber?: string;
  jsicMajor?: string;
  jsicDivision?: string;
  country?: string;
  registeredInTokyo?: boolean;
  limit?: number;
  offset?: number;
}

export interface CompanyContact {
  id: number;
  companyId: number;
  name: string;
  email: string | null;
  phone: string | null;
  role: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ContactInput {
  name: string;
  email?: string | null;
  phone?: string | null;
  role?: string | null;
}

/** One line of a company's history. Modules add theirs through the 'companies.timeline' hook. */
export interface TimelineEvent {
  /** ISO timestamp (UTC). */
  at: string;
  /** The module it comes from ('companies', 'attraction', 'support' …). */
  module: string;
  /** A stable word for the kind of event ('created', 'consulted', 'established' …). */
  kind: string;
  title: { ja: string; en: string };
  href?: string;
}

/** Argument of a 'companies.merge' hook: move every reference from fromId to intoId inside trx. */
export interface CompanyMergeEvent {
  fromId: number;
  intoId: number;
  actor: Actor;
}
export type CompanyMergeHook = (trx: Trx, e: CompanyMergeEvent) => Promise<void>;

/** Argument of a 'companies.timeline' hook: push the module's events about companyId. */
export interface CompanyTimelineRequest {
  companyId: number;
  events: TimelineEvent[];
}
export type CompanyTimelineHook = (db: Db, e: CompanyTimelineRequest) => Promise<void>;

export const MERGE_HOOK = 'companies.merge';
export const TIMELINE_HOOK = 'companies.timeline';
