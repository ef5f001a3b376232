/** The words and rules of matching: card kinds and how they complement each other, statuses, regions, outcomes. */

/** What a card offers or seeks. */
export const CARD_KINDS = ['product-offer', 'partner-search', 'investment-sought', 'investment-offered', 'patent-offered', 'procurement-need'] as const;
export type CardKind = (typeof CARD_KINDS)[number];
export const isCardKind = (v: unknown): v is CardKind => typeof v === 'string' && (CARD_KINDS as readonly string[]).includes(v);

/**
 * How well a card of one kind answers a card of another (symmetric; absent = they do not meet).
 * A need meets an offer; a partner search meets another, or an offer open to partners.
 */
const COMPLEMENTS: Array<[CardKind, CardKind, number]> = [
  ['procurement-need', 'product-offer', 1],
  ['investment-sought', 'investment-offered', 1],
  ['patent-offered', 'partner-search', 0.9],
  ['partner-search', 'partner-search', 0.8],
  ['product-offer', 'partner-search', 0.7],
  ['procurement-need', 'patent-offered', 0.6],
  ['procurement-need', 'partner-search', 0.5],
];
const complementTable = new Map<string, number>();
for (const [x, y, w] of COMPLEMENTS) {
  complementTable.set(`${x}|${y}`, w);
  complementTable.set(`${y}|${x}`, w);
}
export function complement(x: CardKind, y: CardKind): number {
  return complementTable.get(`${x}|${y}`) ?? 0;
}

export const CARD_STATUSES = ['open', 'paused', 'closed'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];
export const isCardStatus = (v: unknown): v is CardStatus => typeof v === 'string' && (CARD_STATUSES as readonly string[]).includes(v);

/** Staff review: a new or changed card is pending until approved; rejected cards are shown to their owner only. */
export const REVIEW_STATES = ['pending', 'approved', 'rejected'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export const LANGUAGES = ['ja', 'en'] as const;
export type CardLanguage = (typeof LANGUAGES)[number];
/** A card's language filter value: Japanese only, English only, or both. */
export const LANGUAGE_FILTERS = ['ja', 'en', 'both'] as const;

/** Regions a card is about or looks for partners in. */
export const REGIONS = ['tokyo', 'japan', 'asia', 'europe', 'north-america', 'latin-america', 'oceania', 'middle-east', 'africa', 'global'] as const;
export type Region = (typeof REGIONS)[number];
export const isRegion = (v: unknown): v is Region => typeof v === 'string' && (REGIONS as readonly string[]).includes(v);

const COUNTRY_REGION: Record<string, Region> = {};
const assign = (region: Region, codes: string) => codes.split(' ').forEach((c) => (COUNTRY_REGION[c] = region));
assign('asia', 'CN KR TW HK MO SG MY TH VN ID PH IN BD PK LK MN KH LA MM NP BN');
assign('europe', 'GB IE FR DE NL BE LU CH AT IT ES PT SE NO DK FI IS PL CZ SK HU RO BG GR EE LV LT SI HR UA');
assign('north-america', 'US CA');
assign('latin-america', 'MX BR AR CL CO PE UY VE EC BO PY CR PA');
assign('oceania', 'AU NZ');
assign('middle-east', 'AE SA IL QA KW BH OM TR JO IR');
assign('africa', 'ZA NG KE EG MA GH ET TZ RW');

/** The regions a company is in, from the registry: Tokyo and Japan for a firm registered in Tokyo. */
export function regionsOfCompany(country: string, registeredInTokyo: boolean): Region[] {
  const out: Region[] = [];
  if (registeredInTokyo) out.push('tokyo');
  if (country === 'JP') out.push('japan');
  const r = COUNTRY_REGION[country];
  if (r) out.push(r);
  return out;
}

/** JSIC (Japan Standard Industrial Classification, rev. 14) major groups, A–T. */
export const JSIC_MAJORS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T'] as const;
export const isJsicMajor = (v: unknown): v is (typeof JSIC_MAJORS)[number] => typeof v === 'string' && (JSIC_MAJORS as readonly string[]).includes(v);

/** How a meeting came about. Only the first three are arranged by the city (and counted by the plan). */
export const CHANNELS = ['staff', 'marketplace', 'fair', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];
export const ARRANGED_CHANNELS: readonly Channel[] = ['staff', 'marketplace', 'fair'];

/** Kinds of matching the plan asks for (a metric filter). */
export const MATCHING_KINDS = ['business', 'fintech-finance', 'startup-corporate', 'startup-investor', 'open-patent'] as const;
export type MatchingKind = (typeof MATCHING_KINDS)[number];
export const isMatchingKind = (v: unknown): v is MatchingKind => typeof v === 'string' && (MATCHING_KINDS as readonly string[]).includes(v);

/** The kind of matching a card leads to when nobody says otherwise. */
export function kindOfCard(kind: CardKind | null): MatchingKind {
  if (kind === 'patent-offered') return 'open-patent';
  if (kind === 'investment-offered' || kind === 'investment-sought') return 'startup-investor';
  return 'business';
}

export const REQUEST_STATUSES = ['pending', 'accepted', 'declined', 'expired', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const MEETING_STATUSES = ['planned', 'held', 'not-held', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export const OUTCOMES = ['negotiation', 'joint-development', 'alliance', 'investment', 'contract', 'nothing'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const isOutcome = (v: unknown): v is Outcome => typeof v === 'string' && (OUTCOMES as readonly string[]).includes(v);

export const FAIR_STATUSES = ['draft', 'open', 'closed'] as const;
export type FairStatus = (typeof FAIR_STATUSES)[number];

/** Defaults of the settings staff can change. */
export const DEFAULT_SETTINGS = {
  /** An unanswered request expires after this many days. */
  requestExpiryDays: 14,
  /** The follow-up on a held meeting is due this many months after it. */
  followUpMonths: 3,
  /** A card expires this many days after it was posted or last renewed. */
  cardLifetimeDays: 180,
};
export type MatchingSettings = typeof DEFAULT_SETTINGS;

const DAY_MS = 86_400_000;
/** Today's date in Tokyo (YYYY-MM-DD). */
export function tokyoDate(d: Date): string {
  return new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}
export function isIsoDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}
/** A local Tokyo date and HH:MM as a UTC instant. */
export function tokyoInstant(date: string, time: string): string {
  return new Date(Date.parse(`${date}T${time}:00+09:00`)).toISOString();
}
export function isHhMm(v: unknown): v is string {
  return typeof v === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(v);
}
