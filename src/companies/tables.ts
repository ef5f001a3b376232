import type { Generated } from 'kysely';

/** The registry: one row per company; a merged company keeps its row and points at the survivor. */
export interface CompaniesTable {
  id: Generated<number>;
  /** 法人番号, 13 digits (check digit first), unique when present. */
  corporate_number: string | null;
  name_ja: string | null;
  name_en: string | null;
  kana: string | null;
  /** Near-duplicate keys: the names with legal forms, punctuation and spaces removed (see names.ts). */
  name_key_ja: string | null;
  name_key_en: string | null;
  /** Listing order: the kana (else the English, else the Japanese name), normalized. */
  sort_key: string;
  /** ISO 3166-1 alpha-2 country of origin. */
  country: string;
  /** 1 when the head or registered office is in Tokyo (a municipality code starting 13). */
  registered_in_tokyo: number;
  lg_code: string | null;
  jsic_major: string | null;
  jsic_division: string | null;
  employees: number | null;
  capital_yen: number | null;
  postal_code: string | null;
  address_ja: string | null;
  address_en: string | null;
  website: string | null;
  summary: string | null;
  created_at: string;
  updated_at: string;
  merged_into: number | null;
  merged_at: string | null;
}

export interface CompanyContactsTable {
  id: Generated<number>;
  company_id: number;
  name: string;
  email: string | null;
  phone: string | null;
  role: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * The name index, written in the same transaction as the company. SQLite: an FTS5 table whose rowid
 * is the company id; PostgreSQL: a tsvector column with a GIN index. `doc` holds encoded bigrams.
 */
export interface CompanySearchTable {
  company_id: number;
  doc: string;
}

export interface CompaniesTables {
  companies: CompaniesTable;
  company_contacts: CompanyContactsTable;
  company_search: CompanySearchTable;
}
