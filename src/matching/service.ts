import type { AppContext } from '../core/context.js';
import type { Db, DbOrTrx, Trx } from '../core/db/index.js';
import { audit, systemActor, type Actor } from '../core/audit.js';
import { bumpVersion } from '../core/versions.js';
import { fiscalYearOfLocalDate } from '../core/fiscal.js';
import { bigramPhrases, bigrams, indexText, normalize } from '../core/search/text.js';
import { enqueue } from '../core/mail/outbox.js';
import { companiesService, type Company, type CompanyMergeEvent, type TimelineEvent } from '../companies/index.js';
import { matchingStore as store, type CardFilter, type CardRow, type FollowupRow, type MeetingRow, type ProfileRow, type RatingRow, type RequestRow } from './store.js';
import { actingCompany, requireStaff, sees, type Viewer } from './access.js';
import { Problems, fail, notFound, problem, say } from './errors.js';
import { analyze } from './analyze.js';
import { RecommenderIndex, conceptLabel, type CardDoc, type Reason } from './recommend.js';
import { TERMS } from './terms.js';
import type { MatchingMeetingsTable } from './tables.js';
import {
  ARRANGED_CHANNELS,
  CARD_KINDS,
  CARD_STATUSES,
  DEFAULT_SETTINGS,
  JSIC_MAJORS,
  LANGUAGES,
  MATCHING_KINDS,
  OUTCOMES,
  REGIONS,
  addDays,
  addMonths,
  isCardKind,
  isCardStatus,
  isIsoDate,
  isJsicMajor,
  isMatchingKind,
  isOutcome,
  isRegion,
  kindOfCard,
  tokyoDate,
  type CardKind,
  type CardLanguage,
  type Channel,
  type MatchingKind,
  type MatchingSettings,
  type Outcome,
} from './rules.js';

export const SCOPE = 'matching';

export interface Bilingual {
  ja: string | null;
  en: string | null;
}

export interface CompanyRef {
  id: number;
  name: { ja: string; en: string };
  country: string;
  registeredInTokyo: boolean;
}

export interface ProfileView {
  companyId: number;
  company: CompanyRef;
  summary: Bilingual;
  languages: CardLanguage[];
  regions: string[];
  createdAt: string;
  updatedAt: string;
}

export interface CardView {
  id: number;
  company: CompanyRef;
  kind: CardKind;
  title: Bilingual;
  body: Bilingual;
  language: 'ja' | 'en' | 'both';
  jsic: string[];
  regions: string[];
  tags: string[];
  status: string;
  review: string;
  /** The reviewer's note, shown to the card's company and staff only. */
  reviewNote: string | null;
  expiresOn: string;
  expired: boolean;
  /** Listed in the marketplace: approved, open and not expired. */
  public: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CardRef {
  id: number;
  kind: CardKind;
  title: Bilingual;
}

export interface RequestView {
  id: number;
  from: CompanyRef;
  to: CompanyRef;
  card: CardRef | null;
  fairId: number | null;
  channel: Channel;
  message: string;
  /** Pending past its expiry reads as expired, whether or not the sweep has marked it. */
  status: string;
  answerNote: string | null;
  expiresAt: string;
  createdAt: string;
  answeredAt: string | null;
  meetingId: number | null;
}

export interface RatingView {
  companyId: number;
  score: number;
  comment: string | null;
  createdAt: string;
}

export interface FollowupView {
  companyId: number;
  dueOn: string;
  remindedAt: string | null;
  outcome: Outcome | null;
  note: string | null;
  recordedAt: string | null;
}

export interface MeetingView {
  id: number;
  requestId: number | null;
  companies: [CompanyRef, CompanyRef];
  card: CardRef | null;
  fairId: number | null;
  channel: Channel;
  kind: MatchingKind;
  status: string;
  plannedOn: string | null;
  heldOn: string | null;
  heldFiscalYear: number | null;
  slot: { id: number; startsAt: string; endsAt: string } | null;
  table: { id: number; name: string } | null;
  locked: boolean;
  sequence: number;
  attendance: { a: boolean | null; b: boolean | null };
  ratings: RatingView[];
  followups: FollowupView[];
  /** Whether the plan counts it as an introduction arranged by the city (1-03). */
  countsForPlan: boolean;
  note: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RecommendationView {
  card: CardView;
  score: number;
  /** One line saying why, in the language asked for. */
  why: string;
  reason: Reason;
}

export interface ProfileInput {
  companyId?: number;
  summaryJa?: string | null;
  summaryEn?: string | null;
  languages?: string[];
  regions?: string[];
}

export interface CardInput {
  companyId?: number;
  kind: string;
  titleJa?: string | null;
  titleEn?: string | null;
  bodyJa?: string | null;
  bodyEn?: string | null;
  jsic?: string[];
  regions?: string[];
  tags?: string[];
}

export type CardPatch = Partial<Omit<CardInput, 'companyId'>> & { status?: string };

export interface RequestInput {
  /** Staff only: ask on behalf of a company. Members ask for their own. */
  fromCompanyId?: number;
  toCompanyId?: number;
  cardId?: number;
  fairId?: number;
  message: string;
}

export interface IntroductionInput {
  companyA: number;
  companyB: number;
  kind?: string;
  cardId?: number | null;
  plannedOn?: string | null;
  note?: string | null;
  /** false: record a meeting the companies arranged themselves (not counted by the plan). */
  arrangedByCity?: boolean;
}

export const LIMITS = { title: 120, body: 4000, summary: 2000, tags: 10, tag: 40, message: 2000, note: 1000, jsic: 5, query: 200 };
const MAX_LIST = 200;

const json = (v: unknown) => JSON.stringify(v);
const parseList = (s: string | null | undefined): string[] => {
  try {
    const v = JSON.parse(s ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};
const clean = (v: string | null | undefined) => {
  if (v === undefined || v === null) return null;
  const s = v.replace(/\r\n/g, '\n').trim();
  return s === '' ? null : s;
};

type MeetingInsert = Omit<MatchingMeetingsTable, 'id'>;
/**
 * The row of a meeting as it starts, whether an accepted request or staff start it: planned, in no
 * fair slot or at no table yet, unlocked, at iCalendar sequence 0, with no attendance recorded.
 */
const newMeeting = (m: Pick<MeetingInsert, 'request_id' | 'company_a' | 'company_b' | 'card_id' | 'fair_id' | 'channel' | 'kind' | 'planned_on' | 'note' | 'created_by'>, now: string): MeetingInsert => ({
  request_id: m.request_id,
  company_a: m.company_a,
  company_b: m.company_b,
  card_id: m.card_id,
  fair_id: m.fair_id,
  channel: m.channel,
  kind: m.kind,
  status: 'planned',
  planned_on: m.planned_on,
  held_on: null,
  slot_id: null,
  table_id: null,
  starts_at: null,
  ends_at: null,
  locked: 0,
  sequence: 0,
  attended_a: null,
  attended_b: null,
  note: m.note,
  created_by: m.created_by,
  created_at: now,
  updated_at: now,
});

export function companyRef(c: Company | undefined, id: number): CompanyRef {
  if (!c) return { id, name: { ja: `#${id}`, en: `#${id}` }, country: '', registeredInTokyo: false };
  return { id: c.id, name: { ja: c.nameJa ?? c.nameEn ?? `#${c.id}`, en: c.nameEn ?? c.nameJa ?? `#${c.id}` }, country: c.country, registeredInTokyo: c.registeredInTokyo };
}

/** A foreign company (country other than Japan) meeting a company registered in Tokyo, as the registry records them. */
export function isForeignLocal(a: Pick<Company, 'country' | 'registeredInTokyo' | 'id'> | undefined, b: Pick<Company, 'country' | 'registeredInTokyo' | 'id'> | undefined): boolean {
  if (!a || !b || a.id === b.id) return false;
  return (a.country !== 'JP' && b.registeredInTokyo) || (b.country !== 'JP' && a.registeredInTokyo);
}

const TERM_BY_ID = new Map(TERMS.map((t) => [t.id, t]));

/** The card index text: bigrams of every text, plus every wording of each concept found (so "payment" finds 決済). */
function searchDoc(r: Pick<CardRow, 'title_ja' | 'title_en' | 'body_ja' | 'body_en' | 'tags_json'>): string {
  const text = [r.title_ja, r.title_en, r.body_ja, r.body_en, ...parseList(r.tags_json)].filter(Boolean).join(' \n ');
  const tokens = bigrams(text);
  for (const key of analyze(text).keys()) {
    if (!key.startsWith('c:')) continue;
    const term = TERM_BY_ID.get(key.slice(2));
    if (term) tokens.push(...bigrams([...term.ja, ...term.en].join(' ')));
  }
  return indexText(tokens);
}

const languageOf = (r: { title_ja: string | null; title_en: string | null; body_ja: string | null; body_en: string | null }): 'ja' | 'en' | 'both' => {
  const ja = !!(r.title_ja || r.body_ja);
  const en = !!(r.title_en || r.body_en);
  return ja && en ? 'both' : ja ? 'ja' : 'en';
};

/** The one line that says why a card is recommended, in the reader's language. */
export function whyText(lang: 'ja' | 'en', reason: Reason, jsicLabel: (code: string) => string): string {
  const parts: string[] = [];
  const sep = lang === 'ja' ? '、' : ', ';
  parts.push(say(lang, 'matching.why.kinds', { mine: say(lang, `matching.kind.${reason.viaKind}`), theirs: say(lang, `matching.kind.${reason.theirKind}`) }));
  if (reason.concepts.length) parts.push(say(lang, 'matching.why.concepts', { concepts: reason.concepts.map((c) => conceptLabel(c, lang)).join(sep) }));
  else if (reason.wording) parts.push(say(lang, 'matching.why.wording'));
  if (reason.industries.length) parts.push(say(lang, 'matching.why.industry', { industry: reason.industries.map(jsicLabel).join(sep) }));
  if (reason.mutual) parts.push(say(lang, 'matching.why.mutual'));
  return parts.join(lang === 'ja' ? '。' : '; ') + (lang === 'ja' ? '。' : '.');
}

export const jsicLabel = (lang: 'ja' | 'en') => (code: string) => say(lang, `matching.jsic.${code}`);

interface IndexCache {
  key: string;
  built: Promise<RecommenderIndex>;
}

export class MatchingService {
  private index: IndexCache | null = null;

  constructor(readonly ctx: AppContext) {}

  private get db(): Db {
    return this.ctx.db;
  }
  private now(): string {
    return this.ctx.clock.now().toISOString();
  }
  today(): string {
    return tokyoDate(this.ctx.clock.now());
  }
  private companies() {
    return companiesService(this.ctx);
  }

  /** Bump the data version inside the write: the plan's metric and the recommendation cache notice. */
  private async changed(trx: DbOrTrx): Promise<void> {
    await bumpVersion(trx, this.ctx.clock, SCOPE);
  }

  // ---------------------------------------------------------------------------------------------
  // Settings

  async settings(): Promise<MatchingSettings> {
    const rows = await this.db.selectFrom('settings').select(['key', 'value']).where('key', 'like', 'matching.%').execute();
    const out = { ...DEFAULT_SETTINGS };
    for (const r of rows) {
      const k = r.key.slice('matching.'.length) as keyof MatchingSettings;
      if (k in out && /^\d+$/.test(r.value)) out[k] = Number(r.value);
    }
    return out;
  }

  async updateSettings(v: Viewer, patch: Partial<MatchingSettings>): Promise<MatchingSettings> {
    requireStaff(v);
    const p = new Problems();
    const bounds: Record<keyof MatchingSettings, [number, number]> = { requestExpiryDays: [1, 90], followUpMonths: [1, 24], cardLifetimeDays: [7, 730] };
    for (const [k, val] of Object.entries(patch) as [keyof MatchingSettings, number][]) {
      const [min, max] = bounds[k];
      if (!Number.isInteger(val) || val < min || val > max) p.add(k, 'matching.err.settingRange', { min, max });
    }
    p.throwIfAny();
    const before = await this.settings();
    await this.db.transaction().execute(async (trx) => {
      for (const [k, val] of Object.entries(patch)) {
        await trx
          .insertInto('settings')
          .values({ key: `matching.${k}`, value: String(val) })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(val) }))
          .execute();
      }
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.settings.update', entityType: 'matching_settings', before, after: { ...before, ...patch } });
    });
    return this.settings();
  }

  // ---------------------------------------------------------------------------------------------
  // Companies

  async refs(ids: number[]): Promise<Map<number, CompanyRef>> {
    const map = await this.companies().getMany(ids);
    return new Map(ids.map((id) => [id, companyRef(map.get(id), id)]));
  }

  /** A live company of the registry, or a validation problem naming the field. */
  async companyOrFail(id: number, field: string): Promise<Company> {
    const loc = await this.companies().locate(id);
    if (loc.status === 'missing') throw fail('validation-failed', 'matching.err.invalid', [problem(field, 'matching.err.unknownCompany', { id })]);
    return loc.company;
  }

  // ---------------------------------------------------------------------------------------------
  // Profiles

  private profileView(r: ProfileRow, c: CompanyRef): ProfileView {
    return {
      companyId: r.company_id,
      company: c,
      summary: { ja: r.summary_ja, en: r.summary_en },
      languages: parseList(r.languages_json).filter((l): l is CardLanguage => (LANGUAGES as readonly string[]).includes(l)),
      regions: parseList(r.regions_json),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  async getProfile(v: Viewer, companyId?: number): Promise<ProfileView | null> {
    const id = actingCompany(v, companyId);
    const row = await store.profile(this.db, id);
    if (!row) return null;
    return this.profileView(row, (await this.refs([id])).get(id)!);
  }

  async saveProfile(v: Viewer, input: ProfileInput): Promise<ProfileView> {
    const id = actingCompany(v, input.companyId);
    const p = new Problems();
    const summaryJa = clean(input.summaryJa);
    const summaryEn = clean(input.summaryEn);
    if (summaryJa && summaryJa.length > LIMITS.summary) p.add('summaryJa', 'matching.err.tooLong', { max: LIMITS.summary });
    if (summaryEn && summaryEn.length > LIMITS.summary) p.add('summaryEn', 'matching.err.tooLong', { max: LIMITS.summary });
    const languages = [...new Set(input.languages ?? [])];
    if (languages.some((l) => !(LANGUAGES as readonly string[]).includes(l))) p.add('languages', 'matching.err.language');
    const regions = [...new Set(input.regions ?? [])];
    if (regions.some((r) => !isRegion(r))) p.add('regions', 'matching.err.region');
    p.throwIfAny();
    await this.companyOrFail(id, 'companyId');
    const now = this.now();
    const row = await this.db.transaction().execute(async (trx) => {
      const before = await store.profile(trx, id);
      const values = { summary_ja: summaryJa, summary_en: summaryEn, languages_json: json(languages), regions_json: json(regions), updated_at: now };
      const after = before ? await store.updateProfile(trx, before.id, values) : await store.insertProfile(trx, { company_id: id, created_at: now, ...values });
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.profile.save', entityType: 'matching_profile', entityId: id, before, after });
      await this.changed(trx);
      return after;
    });
    return this.profileView(row, (await this.refs([id])).get(id)!);
  }

  // ---------------------------------------------------------------------------------------------
  // Cards

  isPublic(r: CardRow): boolean {
    return r.review === 'approved' && r.status === 'open' && r.expires_on >= this.today();
  }

  cardView(r: CardRow, c: CompanyRef, v: Viewer | null): CardView {
    const own = v !== null && sees(v, r.company_id);
    return {
      id: r.id,
      company: c,
      kind: r.kind as CardKind,
      title: { ja: r.title_ja, en: r.title_en },
      body: { ja: r.body_ja, en: r.body_en },
      language: r.language as CardView['language'],
      jsic: parseList(r.jsic_json),
      regions: parseList(r.regions_json),
      tags: parseList(r.tags_json),
      status: r.status,
      review: r.review,
      reviewNote: own ? r.review_note : null,
      expiresOn: r.expires_on,
      expired: r.expires_on < this.today(),
      public: this.isPublic(r),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  async cardViews(rows: CardRow[], v: Viewer | null): Promise<CardView[]> {
    const refs = await this.refs(rows.map((r) => r.company_id));
    return rows.map((r) => this.cardView(r, refs.get(r.company_id)!, v));
  }

  private checkCard(input: Partial<CardInput>, p: Problems, creating: boolean): void {
    if (creating || input.kind !== undefined) if (!isCardKind(input.kind)) p.add('kind', 'matching.err.kind');
    for (const f of ['titleJa', 'titleEn'] as const) {
      const s = clean(input[f]);
      if (s && s.length > LIMITS.title) p.add(f, 'matching.err.tooLong', { max: LIMITS.title });
    }
    for (const f of ['bodyJa', 'bodyEn'] as const) {
      const s = clean(input[f]);
      if (s && s.length > LIMITS.body) p.add(f, 'matching.err.tooLong', { max: LIMITS.body });
    }
    if (input.jsic !== undefined) {
      if (input.jsic.some((j) => !isJsicMajor(j))) p.add('jsic', 'matching.err.jsic');
      else if (new Set(input.jsic).size > LIMITS.jsic) p.add('jsic', 'matching.err.tooMany', { max: LIMITS.jsic });
    }
    if (input.regions !== undefined && input.regions.some((r) => !isRegion(r))) p.add('regions', 'matching.err.region');
    if (input.tags !== undefined) {
      const tags = input.tags.map((t) => t.trim()).filter(Boolean);
      if (tags.length > LIMITS.tags) p.add('tags', 'matching.err.tooMany', { max: LIMITS.tags });
      else if (tags.some((t) => t.length > LIMITS.tag)) p.add('tags', 'matching.err.tagTooLong', { max: LIMITS.tag });
    }
  }

  async createCard(v: Viewer, input: CardInput): Promise<CardView> {
    const companyId = actingCompany(v, input.companyId);
    const p = new Problems();
    this.checkCard(input, p, true);
    const titleJa = clean(input.titleJa);
    const titleEn = clean(input.titleEn);
    if (!titleJa && !titleEn) p.add('titleJa', 'matching.err.titleRequired');
    p.throwIfAny();
    const company = await this.companyOrFail(companyId, 'companyId');
    const settings = await this.settings();
    const now = this.now();
    const jsic = input.jsic?.length ? [...new Set(input.jsic)] : company.jsicMajor ? [company.jsicMajor] : [];
    const texts = { title_ja: titleJa, title_en: titleEn, body_ja: clean(input.bodyJa), body_en: clean(input.bodyEn) };
    const tags = [...new Set((input.tags ?? []).map((t) => t.trim()).filter(Boolean))];
    const values = {
      company_id: company.id,
      kind: input.kind,
      ...texts,
      language: languageOf(texts),
      jsic_json: json(jsic),
      regions_json: json([...new Set(input.regions ?? [])]),
      tags_json: json(tags),
      country: company.country,
      status: 'open',
      // Staff post reviewed cards; a member's card waits for review before it is public.
      review: v.staff ? 'approved' : 'pending',
      review_note: null,
      reviewed_by: v.staff ? v.user.id : null,
      reviewed_at: v.staff ? now : null,
      expires_on: addDays(this.today(), settings.cardLifetimeDays),
      created_by: v.user.id,
      created_at: now,
      updated_at: now,
    };
    const doc = searchDoc({ ...texts, tags_json: values.tags_json });
    const row = await this.db.transaction().execute(async (trx) => {
      const r = await store.insertCard(trx, values);
      await store.writeSearch(trx, this.ctx.dialect, r.id, doc);
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.card.create', entityType: 'matching_card', entityId: r.id, after: r });
      await this.changed(trx);
      return r;
    });
    return (await this.cardViews([row], v))[0]!;
  }

  /** A card the viewer may see: public ones for every signed-in viewer, others for their company and staff. */
  async getCard(v: Viewer, id: number): Promise<CardView> {
    const row = await store.card(this.db, id);
    if (!row || (!this.isPublic(row) && !sees(v, row.company_id))) throw notFound('card');
    return (await this.cardViews([row], v))[0]!;
  }

  async updateCard(v: Viewer, id: number, patch: CardPatch): Promise<CardView> {
    const before = await store.card(this.db, id);
    if (!before || !sees(v, before.company_id)) throw notFound('card');
    const p = new Problems();
    this.checkCard(patch, p, false);
    if (patch.status !== undefined && !isCardStatus(patch.status)) p.add('status', 'matching.err.status');
    const texts = {
      title_ja: patch.titleJa !== undefined ? clean(patch.titleJa) : before.title_ja,
      title_en: patch.titleEn !== undefined ? clean(patch.titleEn) : before.title_en,
      body_ja: patch.bodyJa !== undefined ? clean(patch.bodyJa) : before.body_ja,
      body_en: patch.bodyEn !== undefined ? clean(patch.bodyEn) : before.body_en,
    };
    if (!texts.title_ja && !texts.title_en) p.add('titleJa', 'matching.err.titleRequired');
    p.throwIfAny();
    const tags = patch.tags !== undefined ? json([...new Set(patch.tags.map((t) => t.trim()).filter(Boolean))]) : before.tags_json;
    const content = {
      kind: patch.kind ?? before.kind,
      ...texts,
      language: languageOf(texts),
      jsic_json: patch.jsic !== undefined ? json([...new Set(patch.jsic)]) : before.jsic_json,
      regions_json: patch.regions !== undefined ? json([...new Set(patch.regions)]) : before.regions_json,
      tags_json: tags,
    };
    const contentChanged = (Object.keys(content) as (keyof typeof content)[]).some((k) => content[k] !== before[k]);
    const now = this.now();
    const company = contentChanged ? await this.companies().get(before.company_id).catch(() => null) : null;
    const row = await this.db.transaction().execute(async (trx) => {
      const r = await store.updateCard(trx, id, {
        ...content,
        status: patch.status ?? before.status,
        country: company?.country ?? before.country,
        // A member's changed text is reviewed again before the marketplace shows it.
        ...(contentChanged && !v.staff ? { review: 'pending', review_note: null, reviewed_by: null, reviewed_at: null } : {}),
        updated_at: now,
      });
      if (contentChanged) await store.writeSearch(trx, this.ctx.dialect, id, searchDoc(r));
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.card.update', entityType: 'matching_card', entityId: id, before, after: r });
      await this.changed(trx);
      return r;
    });
    return (await this.cardViews([row], v))[0]!;
  }

  /** Extend a card's life by the configured lifetime from today. */
  async renewCard(v: Viewer, id: number): Promise<CardView> {
    const before = await store.card(this.db, id);
    if (!before || !sees(v, before.company_id)) throw notFound('card');
    if (before.status === 'closed') throw fail('conflict', 'matching.err.cardClosed', [problem('status', 'matching.err.cardClosed')]);
    const settings = await this.settings();
    const row = await this.db.transaction().execute(async (trx) => {
      const r = await store.updateCard(trx, id, { expires_on: addDays(this.today(), settings.cardLifetimeDays), updated_at: this.now() });
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.card.renew', entityType: 'matching_card', entityId: id, before: { expires_on: before.expires_on }, after: { expires_on: r.expires_on } });
      await this.changed(trx);
      return r;
    });
    return (await this.cardViews([row], v))[0]!;
  }

  async reviewCard(v: Viewer, id: number, decision: string, note: string | null | undefined): Promise<CardView> {
    requireStaff(v);
    const before = await store.card(this.db, id);
    if (!before) throw notFound('card');
    if (decision !== 'approved' && decision !== 'rejected') throw fail('validation-failed', 'matching.err.invalid', [problem('decision', 'matching.err.decision')]);
    const n = clean(note);
    if (decision === 'rejected' && !n) throw fail('validation-failed', 'matching.err.invalid', [problem('note', 'matching.err.noteRequired')]);
    if (n && n.length > LIMITS.note) throw fail('validation-failed', 'matching.err.invalid', [problem('note', 'matching.err.tooLong', { max: LIMITS.note })]);
    const row = await this.db.transaction().execute(async (trx) => {
      const r = await store.updateCard(trx, id, { review: decision, review_note: n, reviewed_by: v.user.id, reviewed_at: this.now(), updated_at: this.now() });
      await audit(trx, this.ctx.clock, v.actor, { action: `matching.card.${decision === 'approved' ? 'approve' : 'reject'}`, entityType: 'matching_card', entityId: id, before: { review: before.review }, after: { review: r.review, review_note: n } });
      await this.notify(trx, [r.company_id], `matching.mail.card.${decision}`, { title: r.title_ja ?? r.title_en ?? '', note: n ?? '' }, `/matching/cards/${id}`, { module: 'matching', cardId: id });
      await this.changed(trx);
      return r;
    });
    return (await this.cardViews([row], v))[0]!;
  }

  async myCards(v: Viewer, companyId?: number): Promise<CardView[]> {
    const id = actingCompany(v, companyId);
    return this.cardViews(await store.cardsOfCompany(this.db, id), v);
  }

  async reviewQueue(v: Viewer): Promise<CardView[]> {
    requireStaff(v);
    return this.cardViews(await store.pendingCards(this.db, MAX_LIST), v);
  }

  /** The marketplace: public cards, filtered and searched (the text is split into bigrams, never passed to MATCH). */
  async marketplace(v: Viewer, q: { q?: string; kind?: string; jsic?: string; country?: string; language?: string; region?: string; limit?: number; offset?: number }): Promise<{ total: number; items: CardView[] }> {
    void v;
    const p = new Problems();
    if (q.kind && !isCardKind(q.kind)) p.add('kind', 'matching.err.kind');
    if (q.jsic && !isJsicMajor(q.jsic)) p.add('jsic', 'matching.err.jsic');
    if (q.region && !isRegion(q.region)) p.add('region', 'matching.err.region');
    if (q.language && !['ja', 'en', 'both'].includes(q.language)) p.add('language', 'matching.err.language');
    if (q.country && !/^[A-Z]{2}$/.test(q.country)) p.add('country', 'matching.err.country');
    if (q.q && q.q.length > LIMITS.query) p.add('q', 'matching.err.tooLong', { max: LIMITS.query });
    p.throwIfAny();
    const phrases = q.q ? bigramPhrases(normalize(q.q)).filter((x) => x.length).slice(0, 10) : [];
    const f: CardFilter = { kind: q.kind, jsic: q.jsic, country: q.country, language: q.language as CardFilter['language'], region: q.region, phrases: phrases.length ? phrases : undefined };
    const limit = Math.min(Math.max(q.limit ?? 20, 1), 100);
    const offset = Math.max(q.offset ?? 0, 0);
    const today = this.today();
    const [total, rows] = await Promise.all([store.countPublic(this.db, this.ctx.dialect, today, f), store.publicCards(this.db, this.ctx.dialect, today, f, { limit, offset })]);
    return { total, items: await this.cardViews(rows, v) };
  }

  // ---------------------------------------------------------------------------------------------
  // Recommendations

  private async versionOf(scopes: string[]): Promise<string> {
    const rows = await this.db.selectFrom('data_versions').select(['scope', 'version']).where('scope', 'in', scopes).execute();
    return rows
      .map((r) => `${r.scope}:${r.version}`)
      .sort()
      .join('|');
  }

  private docOf(r: CardRow, c: Company | undefined): CardDoc {
    const title = [r.title_ja, r.title_en].filter(Boolean).join(' \n ');
    const text = [r.body_ja, r.body_en, ...parseList(r.tags_json)].filter(Boolean).join(' \n ');
    return { id: r.id, companyId: r.company_id, kind: r.kind as CardKind, title, text, jsic: parseList(r.jsic_json), regions: parseList(r.regions_json), country: c?.country ?? r.country, tokyo: c?.registeredInTokyo ?? false };
  }

  /**
   * The index over public cards, rebuilt when a card, a meeting or a company changes (the data versions
   * of both scopes) or the day turns (cards expire by date). Concurrent readers share one build.
   */
  async recommenderIndex(): Promise<RecommenderIndex> {
    const today = this.today();
    const key = `${await this.versionOf([SCOPE, 'companies'])}|${today}`;
    if (this.index?.key === key) return this.index.built;
    const built = (async () => {
      const rows = await store.allPublic(this.db, today);
      const companies = await this.companies().getMany(rows.map((r) => r.company_id));
      return new RecommenderIndex(rows.map((r) => this.docOf(r, companies.get(r.company_id))));
    })();
    this.index = { key, built };
    built.catch(() => {
      if (this.index?.built === built) this.index = null;
    });
    return built;
  }

  async recommendations(v: Viewer, q: { companyId?: number; limit?: number; lang: 'ja' | 'en' }): Promise<RecommendationView[]> {
    const companyId = actingCompany(v, q.companyId);
    const company = await this.companyOrFail(companyId, 'companyId');
    const index = await this.recommenderIndex();
    const today = this.today();
    let own = (await store.cardsOfCompany(this.db, company.id)).filter((r) => r.status === 'open' && r.expires_on >= today && r.review !== 'rejected').map((r) => this.docOf(r, company));
    if (!own.length) {
      // No open card: the profile (or at least the company's industry) stands in as a partner search.
      const profile = await store.profile(this.db, company.id);
      const summary = [profile?.summary_ja, profile?.summary_en].filter(Boolean).join(' \n ');
      if (summary || company.jsicMajor) own = [{ id: -1, companyId: company.id, kind: 'partner-search', title: summary, text: company.summary ?? '', jsic: company.jsicMajor ? [company.jsicMajor] : [], regions: parseList(profile?.regions_json), country: company.country, tokyo: company.registeredInTokyo }];
    }
    const blocked = await store.blockedCards(this.db, company.id, this.now());
    const recs = index.recommend({ companyId: company.id, country: company.country, tokyo: company.registeredInTokyo, own, blocked, limit: Math.min(Math.max(q.limit ?? 10, 1), 50) });
    const rows = new Map((await store.cardsByIds(this.db, recs.map((r) => r.cardId))).map((r) => [r.id, r]));
    const views = new Map((await this.cardViews([...rows.values()], v)).map((c) => [c.id, c]));
    return recs
      .filter((r) => views.has(r.cardId))
      .map((r) => ({ card: views.get(r.cardId)!, score: r.score, why: whyText(q.lang, r.reason, jsicLabel(q.lang)), reason: r.reason }));
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  private effectiveStatus(r: RequestRow): string {
    return r.status === 'pending' && r.expires_at <= this.now() ? 'expired' : r.status;
  }

  async requestViews(rows: RequestRow[]): Promise<RequestView[]> {
    const refs = await this.refs(rows.flatMap((r) => [r.from_company_id, r.to_company_id]));
    const cards = new Map((await store.cardsByIds(this.db, [...new Set(rows.map((r) => r.card_id).filter((x): x is number => x !== null))])).map((c) => [c.id, c]));
    const meetings = rows.length
      ? new Map(
          (
            await this.db
              .selectFrom('matching_meetings')
              .select(['id', 'request_id'])
              .where(
                'request_id',
                'in',
                rows.map((r) => r.id),
              )
              .execute()
          ).map((m) => [m.request_id!, m.id]),
        )
      : new Map<number, number>();
    return rows.map((r) => {
      const card = r.card_id !== null ? cards.get(r.card_id) : undefined;
      return {
        id: r.id,
        from: refs.get(r.from_company_id)!,
        to: refs.get(r.to_company_id)!,
        card: card ? { id: card.id, kind: card.kind as CardKind, title: { ja: card.title_ja, en: card.title_en } } : null,
        fairId: r.fair_id,
        channel: r.channel as Channel,
        message: r.message,
        status: this.effectiveStatus(r),
        answerNote: r.answer_note,
        expiresAt: r.expires_at,
        createdAt: r.created_at,
        answeredAt: r.answered_at,
        meetingId: meetings.get(r.id) ?? null,
      };
    });
  }

  /** Fair rules for a request: both take part, their groups may meet, the fair is open and before its deadline. */
  async checkFairRequest(trx: DbOrTrx, fairId: number, from: number, to: number): Promise<{ deadline: string }> {
    const fair = await store.fair(trx, fairId);
    if (!fair) throw fail('validation-failed', 'matching.err.invalid', [problem('fairId', 'matching.err.unknownFair')]);
    if (fair.status !== 'open') throw fail('conflict', 'matching.err.fairNotOpen', [problem('fairId', 'matching.err.fairNotOpen')]);
    if (fair.request_deadline <= this.now()) throw fail('conflict', 'matching.err.deadlinePassed', [problem('fairId', 'matching.err.deadlinePassed')]);
    const a = await store.participant(trx, fairId, from);
    const b = await store.participant(trx, fairId, to);
    if (!a) throw fail('forbidden', 'matching.err.notParticipant');
    if (!b) throw fail('validation-failed', 'matching.err.invalid', [problem('toCompanyId', 'matching.err.otherNotParticipant')]);
    const rules = await store.rules(trx, fairId);
    if (rules.length && !rules.some((r) => (r.group_a === a.group_name && r.group_b === b.group_name) || (r.group_a === b.group_name && r.group_b === a.group_name))) {
      throw fail('conflict', 'matching.err.groupsMayNotMeet', [problem('toCompanyId', 'matching.err.groupsMayNotMeet', { from: a.group_name, to: b.group_name })]);
    }
    return { deadline: fair.request_deadline };
  }

  async createRequest(v: Viewer, input: RequestInput): Promise<RequestView> {
    const from = actingCompany(v, input.fromCompanyId);
    const p = new Problems();
    const message = clean(input.message);
    if (!message) p.add('message', 'matching.err.messageRequired');
    else if (message.length > LIMITS.message) p.add('message', 'matching.err.tooLong', { max: LIMITS.message });
    if (!input.cardId && !input.toCompanyId) p.add('toCompanyId', 'matching.err.targetRequired');
    p.throwIfAny();
    let to = input.toCompanyId ?? 0;
    let card: CardRow | undefined;
    if (input.cardId) {
      card = await store.card(this.db, input.cardId);
      // A card the requester cannot see is, for it, no card at all.
      if (!card || (!this.isPublic(card) && !v.staff)) throw fail('validation-failed', 'matching.err.invalid', [problem('cardId', 'matching.err.unknownCard')]);
      if (input.toCompanyId && input.toCompanyId !== card.company_id) throw fail('validation-failed', 'matching.err.invalid', [problem('toCompanyId', 'matching.err.cardOfOther')]);
      to = card.company_id;
    }
    const target = await this.companyOrFail(to, 'toCompanyId');
    to = target.id;
    const fromCompany = await this.companyOrFail(from, 'fromCompanyId');
    if (fromCompany.id === to) throw fail('validation-failed', 'matching.err.invalid', [problem(input.cardId ? 'cardId' : 'toCompanyId', 'matching.err.self')]);
    const settings = await this.settings();
    const now = this.now();
    const row = await this.db.transaction().execute(async (trx) => {
      let expires = new Date(this.ctx.clock.now().getTime() + settings.requestExpiryDays * 86_400_000).toISOString();
      if (input.fairId) {
        const { deadline } = await this.checkFairRequest(trx, input.fairId, fromCompany.id, to);
        if (deadline < expires) expires = deadline;
      }
      const live = await store.liveRequestBetween(trx, fromCompany.id, to, card?.id ?? null, input.fairId ?? null, now);
      if (live) throw fail('conflict', 'matching.err.duplicateRequest', [problem(input.cardId ? 'cardId' : 'toCompanyId', 'matching.err.duplicateRequest', { id: live.id })], undefined, { requestId: live.id });
      const r = await store.insertRequest(trx, {
        from_company_id: fromCompany.id,
        to_company_id: to,
        card_id: card?.id ?? null,
        fair_id: input.fairId ?? null,
        channel: input.fairId ? 'fair' : 'marketplace',
        message: message!,
        status: 'pending',
        answer_note: null,
        created_by: v.user.id,
        answered_by: null,
        answered_at: null,
        expires_at: expires,
        created_at: now,
        updated_at: now,
      });
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.request.create', entityType: 'matching_request', entityId: r.id, after: r });
      await this.notify(trx, [to], 'matching.mail.request', { from: fromCompany.nameJa ?? fromCompany.nameEn ?? '', fromEn: fromCompany.nameEn ?? fromCompany.nameJa ?? '', message: message! }, `/matching/requests/${r.id}`, { module: 'matching', requestId: r.id });
      await this.changed(trx);
      return r;
    });
    return (await this.requestViews([row]))[0]!;
  }

  async getRequest(v: Viewer, id: number): Promise<RequestView> {
    const row = await store.request(this.db, id);
    if (!row || !sees(v, row.from_company_id, row.to_company_id)) throw notFound('request');
    return (await this.requestViews([row]))[0]!;
  }

  async listRequests(v: Viewer, q: { box?: 'incoming' | 'outgoing' | 'all'; status?: string; fairId?: number; companyId?: number }): Promise<RequestView[]> {
    const companyId = v.staff ? q.companyId : actingCompany(v);
    const rows = await store.requests(this.db, { companyId, box: q.box, status: q.status, fairId: q.fairId }, this.now(), MAX_LIST);
    return this.requestViews(rows);
  }

  /** The asked company accepts (a meeting is created) or declines. An expired request can be neither. */
  async answerRequest(v: Viewer, id: number, input: { decision: string; note?: string | null; plannedOn?: string | null }): Promise<RequestView> {
    const row = await store.request(this.db, id);
    if (!row || !sees(v, row.from_company_id, row.to_company_id)) throw notFound('request');
    if (!v.staff && v.companyId !== row.to_company_id) throw fail('forbidden', 'matching.err.onlyAsked');
    const p = new Problems();
    if (input.decision !== 'accept' && input.decision !== 'decline') p.add('decision', 'matching.err.decision');
    const note = clean(input.note);
    if (note && note.length > LIMITS.note) p.add('note', 'matching.err.tooLong', { max: LIMITS.note });
    if (input.plannedOn && !isIsoDate(input.plannedOn)) p.add('plannedOn', 'matching.err.date');
    p.throwIfAny();
    const status = this.effectiveStatus(row);
    if (status !== 'pending') throw fail('conflict', `matching.err.requestNot.${status === 'expired' ? 'expired' : 'pending'}`, [problem('decision', `matching.err.requestNot.${status === 'expired' ? 'expired' : 'pending'}`)]);
    const now = this.now();
    const accept = input.decision === 'accept';
    const updated = await this.db.transaction().execute(async (trx) => {
      let kind: MatchingKind = 'business';
      if (row.fair_id !== null) {
        const fair = await store.fair(trx, row.fair_id);
        kind = (fair?.kind as MatchingKind) ?? 'business';
        if (accept && fair) await this.checkFairCapacity(trx, fair.id, fair.max_meetings, [row.from_company_id, row.to_company_id]);
      } else if (row.card_id !== null) {
        const card = await store.card(trx, row.card_id);
        kind = kindOfCard((card?.kind as CardKind) ?? null);
      }
      const ok = await store.updateRequest(trx, id, 'pending', { status: accept ? 'accepted' : 'declined', answer_note: note, answered_by: v.user.id, answered_at: now, updated_at: now });
      if (!ok) throw fail('conflict', 'matching.err.requestNot.pending', [problem('decision', 'matching.err.requestNot.pending')]);
      const after = (await store.request(trx, id))!;
      await audit(trx, this.ctx.clock, v.actor, { action: accept ? 'matching.request.accept' : 'matching.request.decline', entityType: 'matching_request', entityId: id, before: row, after });
      if (accept) {
        const m = await store.insertMeeting(trx, newMeeting({ request_id: id, company_a: row.from_company_id, company_b: row.to_company_id, card_id: row.card_id, fair_id: row.fair_id, channel: row.channel, kind, planned_on: input.plannedOn ?? null, note: null, created_by: v.user.id }, now));
        await audit(trx, this.ctx.clock, v.actor, { action: 'matching.meeting.create', entityType: 'matching_meeting', entityId: m.id, after: m });
      }
      await this.notify(trx, [row.from_company_id], accept ? 'matching.mail.accepted' : 'matching.mail.declined', { note: note ?? '' }, `/matching/requests/${id}`, { module: 'matching', requestId: id });
      await this.changed(trx);
      return after;
    });
    return (await this.requestViews([updated]))[0]!;
  }

  /** The asking company withdraws a pending request. */
  async cancelRequest(v: Viewer, id: number): Promise<RequestView> {
    const row = await store.request(this.db, id);
    if (!row || !sees(v, row.from_company_id, row.to_company_id)) throw notFound('request');
    if (!v.staff && v.companyId !== row.from_company_id) throw fail('forbidden', 'matching.err.onlyAsker');
    if (this.effectiveStatus(row) !== 'pending') throw fail('conflict', 'matching.err.requestNot.pending', [problem('status', 'matching.err.requestNot.pending')]);
    const updated = await this.db.transaction().execute(async (trx) => {
      if (!(await store.updateRequest(trx, id, 'pending', { status: 'cancelled', updated_at: this.now() }))) throw fail('conflict', 'matching.err.requestNot.pending');
      const after = (await store.request(trx, id))!;
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.request.cancel', entityType: 'matching_request', entityId: id, before: row, after });
      await this.changed(trx);
      return after;
    });
    return (await this.requestViews([updated]))[0]!;
  }

  /** Mark pending requests past their expiry as expired (they already read as expired; this makes it so). */
  async expireRequests(actor: Actor = systemActor('matching-sweep')): Promise<number> {
    const rows = await store.overdueRequests(this.db, this.now(), 500);
    if (!rows.length) return 0;
    let n = 0;
    await this.db.transaction().execute(async (trx) => {
      for (const r of rows) {
        if (await store.updateRequest(trx, r.id, 'pending', { status: 'expired', updated_at: this.now() })) {
          n++;
          await audit(trx, this.ctx.clock, actor, { action: 'matching.request.expire', entityType: 'matching_request', entityId: r.id, before: { status: 'pending' }, after: { status: 'expired' } });
        }
      }
      if (n) await this.changed(trx);
    });
    return n;
  }

  /** Accepted meetings of a fair per participant may not exceed the fair's maximum. */
  async checkFairCapacity(trx: DbOrTrx, fairId: number, max: number | null, companies: number[]): Promise<void> {
    if (!max) return;
    for (const c of companies) {
      const r = await trx
        .selectFrom('matching_meetings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('fair_id', '=', fairId)
        .where('status', '!=', 'cancelled')
        .where((eb) => eb.or([eb('company_a', '=', c), eb('company_b', '=', c)]))
        .executeTakeFirstOrThrow();
      if (Number(r.n) >= max) throw fail('conflict', 'matching.err.fairFull', [problem('decision', 'matching.err.fairFull', { max })], { max });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Meetings

  async meetingViews(rows: MeetingRow[], v: Viewer | null): Promise<MeetingView[]> {
    if (!rows.length) return [];
    const companyMap = await this.companies().getMany(rows.flatMap((r) => [r.company_a, r.company_b]));
    const cards = new Map((await store.cardsByIds(this.db, [...new Set(rows.map((r) => r.card_id).filter((x): x is number => x !== null))])).map((c) => [c.id, c]));
    const ids = rows.map((r) => r.id);
    const ratings = await store.ratingsOf(this.db, ids);
    const followups = await store.followupsOf(this.db, ids);
    const slotIds = [...new Set(rows.map((r) => r.slot_id).filter((x): x is number => x !== null))];
    const tableIds = [...new Set(rows.map((r) => r.table_id).filter((x): x is number => x !== null))];
    const slots = new Map((slotIds.length ? await this.db.selectFrom('matching_fair_slots').selectAll().where('id', 'in', slotIds).execute() : []).map((s) => [s.id, s]));
    const tables = new Map((tableIds.length ? await this.db.selectFrom('matching_fair_tables').selectAll().where('id', 'in', tableIds).execute() : []).map((t) => [t.id, t]));
    const mine = (companyId: number) => !v || v.staff || v.companyId === companyId;
    return rows.map((r) => {
      const a = companyMap.get(r.company_a);
      const b = companyMap.get(r.company_b);
      const card = r.card_id !== null ? cards.get(r.card_id) : undefined;
      const slot = r.slot_id !== null ? slots.get(r.slot_id) : undefined;
      const table = r.table_id !== null ? tables.get(r.table_id) : undefined;
      return {
        id: r.id,
        requestId: r.request_id,
        companies: [companyRef(a, r.company_a), companyRef(b, r.company_b)],
        card: card ? { id: card.id, kind: card.kind as CardKind, title: { ja: card.title_ja, en: card.title_en } } : null,
        fairId: r.fair_id,
        channel: r.channel as Channel,
        kind: r.kind as MatchingKind,
        status: r.status,
        plannedOn: r.planned_on,
        heldOn: r.held_on,
        heldFiscalYear: r.held_on ? fiscalYearOfLocalDate(r.held_on) : null,
        slot: slot ? { id: slot.id, startsAt: slot.starts_at, endsAt: slot.ends_at } : null,
        table: table ? { id: table.id, name: table.name } : null,
        locked: r.locked === 1,
        sequence: r.sequence,
        attendance: { a: r.attended_a === null ? null : r.attended_a === 1, b: r.attended_b === null ? null : r.attended_b === 1 },
        // A member sees its own rating and follow-up; staff see both sides.
        ratings: ratings.filter((x) => x.meeting_id === r.id && mine(x.company_id)).map(ratingView),
        followups: followups.filter((x) => x.meeting_id === r.id && mine(x.company_id)).map(followupView),
        countsForPlan: r.status === 'held' && r.held_on !== null && (ARRANGED_CHANNELS as readonly string[]).includes(r.channel) && isForeignLocal(a, b),
        note: v?.staff ? r.note : null,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      };
    });
  }

  async getMeeting(v: Viewer, id: number): Promise<MeetingView> {
    const row = await store.meeting(this.db, id);
    if (!row || !sees(v, row.company_a, row.company_b)) throw notFound('meeting');
    return (await this.meetingViews([row], v))[0]!;
  }

  async listMeetings(v: Viewer, q: { fairId?: number; status?: string; channel?: string; companyId?: number }): Promise<MeetingView[]> {
    const companyId = v.staff ? q.companyId : actingCompany(v);
    return this.meetingViews(await store.meetings(this.db, { companyId, fairId: q.fairId, status: q.status, channel: q.channel }, MAX_LIST), v);
  }

  /** Staff introduce two companies directly (or record a meeting they arranged themselves). */
  async introduce(v: Viewer, input: IntroductionInput): Promise<MeetingView> {
    requireStaff(v);
    const p = new Problems();
    if (input.kind !== undefined && !isMatchingKind(input.kind)) p.add('kind', 'matching.err.matchingKind');
    if (input.plannedOn && !isIsoDate(input.plannedOn)) p.add('plannedOn', 'matching.err.date');
    const note = clean(input.note);
    if (note && note.length > LIMITS.note) p.add('note', 'matching.err.tooLong', { max: LIMITS.note });
    p.throwIfAny();
    const a = await this.companyOrFail(input.companyA, 'companyA');
    const b = await this.companyOrFail(input.companyB, 'companyB');
    if (a.id === b.id) throw fail('validation-failed', 'matching.err.invalid', [problem('companyB', 'matching.err.self')]);
    let card: CardRow | undefined;
    if (input.cardId) {
      card = await store.card(this.db, input.cardId);
      if (!card || (card.company_id !== a.id && card.company_id !== b.id)) throw fail('validation-failed', 'matching.err.invalid', [problem('cardId', 'matching.err.cardNotOfPair')]);
    }
    const byCity = input.arrangedByCity !== false;
    const channel: Channel = byCity ? 'staff' : 'other';
    const kind = (input.kind as MatchingKind | undefined) ?? kindOfCard((card?.kind as CardKind) ?? null);
    const now = this.now();
    const row = await this.db.transaction().execute(async (trx) => {
      const req = await store.insertRequest(trx, {
        from_company_id: a.id,
        to_company_id: b.id,
        card_id: card?.id ?? null,
        fair_id: null,
        channel,
        message: note ?? say('en', byCity ? 'matching.introduction.message' : 'matching.introduction.recorded'),
        status: 'accepted',
        answer_note: null,
        created_by: v.user.id,
        answered_by: v.user.id,
        answered_at: now,
        expires_at: now,
        created_at: now,
        updated_at: now,
      });
      const m = await store.insertMeeting(trx, newMeeting({ request_id: req.id, company_a: a.id, company_b: b.id, card_id: card?.id ?? null, fair_id: null, channel, kind, planned_on: input.plannedOn ?? null, note, created_by: v.user.id }, now));
      await audit(trx, this.ctx.clock, v.actor, { action: byCity ? 'matching.introduction.create' : 'matching.meeting.record', entityType: 'matching_meeting', entityId: m.id, after: m });
      if (byCity) await this.notify(trx, [a.id, b.id], 'matching.mail.introduced', { a: a.nameJa ?? a.nameEn ?? '', aEn: a.nameEn ?? a.nameJa ?? '', b: b.nameJa ?? b.nameEn ?? '', bEn: b.nameEn ?? b.nameJa ?? '' }, `/matching/meetings/${m.id}`, { module: 'matching', meetingId: m.id });
      await this.changed(trx);
      return m;
    });
    return (await this.meetingViews([row], v))[0]!;
  }

  /** A participant or staff records that the meeting took place (or did not); held meetings get follow-ups. */
  async recordHeld(v: Viewer, id: number, input: { held: boolean; heldOn?: string | null; note?: string | null }): Promise<MeetingView> {
    const row = await store.meeting(this.db, id);
    if (!row || !sees(v, row.company_a, row.company_b)) throw notFound('meeting');
    if (row.status === 'cancelled') throw fail('conflict', 'matching.err.meetingCancelled', [problem('held', 'matching.err.meetingCancelled')]);
    let heldOn: string | null = null;
    if (input.held) {
      heldOn = input.heldOn ?? (await this.slotDate(row)) ?? null;
      const p = new Problems();
      if (!heldOn) p.add('heldOn', 'matching.err.heldOnRequired');
      else if (!isIsoDate(heldOn)) p.add('heldOn', 'matching.err.date');
      else if (heldOn > this.today()) p.add('heldOn', 'matching.err.future');
      p.throwIfAny();
    }
    const settings = await this.settings();
    const updated = await this.db.transaction().execute(async (trx) => {
      const r = await store.updateMeeting(trx, id, { status: input.held ? 'held' : 'not-held', held_on: heldOn, updated_at: this.now(), ...(v.staff && input.note !== undefined ? { note: clean(input.note) } : {}) });
      if (input.held) await this.createFollowups(trx, r, settings);
      await audit(trx, this.ctx.clock, v.actor, { action: input.held ? 'matching.meeting.held' : 'matching.meeting.not-held', entityType: 'matching_meeting', entityId: id, before: row, after: r });
      await this.changed(trx);
      return r;
    });
    return (await this.meetingViews([updated], v))[0]!;
  }

  /** The local date of a fair meeting's slot. */
  private async slotDate(row: MeetingRow): Promise<string | undefined> {
    if (row.slot_id === null) return undefined;
    const slot = await this.db.selectFrom('matching_fair_slots').select('starts_at').where('id', '=', row.slot_id).executeTakeFirst();
    return slot ? tokyoDate(new Date(slot.starts_at)) : undefined;
  }

  /** Follow-ups of a held meeting, one per side. Settings are read before the transaction (SQLite has one connection). */
  async createFollowups(trx: DbOrTrx, m: MeetingRow, settings: MatchingSettings): Promise<void> {
    if (!m.held_on) return;
    const due = addMonths(m.held_on, settings.followUpMonths);
    await store.insertFollowups(
      trx,
      [m.company_a, m.company_b].map((company_id) => ({ meeting_id: m.id, company_id, due_on: due, reminded_at: null, outcome: null, note: null, recorded_by: null, recorded_at: null, created_at: this.now() })),
    );
  }

  async cancelMeeting(v: Viewer, id: number, note?: string | null): Promise<MeetingView> {
    const row = await store.meeting(this.db, id);
    if (!row || !sees(v, row.company_a, row.company_b)) throw notFound('meeting');
    if (row.status !== 'planned') throw fail('conflict', 'matching.err.meetingNotPlanned', [problem('status', 'matching.err.meetingNotPlanned')]);
    const updated = await this.db.transaction().execute(async (trx) => {
      await store.clearPlaces(trx, [id]);
      const r = await store.updateMeeting(trx, id, { status: 'cancelled', locked: 0, sequence: row.sequence + 1, updated_at: this.now(), ...(v.staff && note !== undefined ? { note: clean(note) } : {}) });
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.meeting.cancel', entityType: 'matching_meeting', entityId: id, before: row, after: r });
      const other = v.staff ? [row.company_a, row.company_b] : [row.company_a === v.companyId ? row.company_b : row.company_a];
      await this.notify(trx, other, 'matching.mail.cancelled', { id }, row.fair_id ? `/matching/fairs/${row.fair_id}/agenda` : `/matching/meetings/${id}`, { module: 'matching', meetingId: id });
      await this.changed(trx);
      return r;
    });
    return (await this.meetingViews([updated], v))[0]!;
  }

  /** A participant rates a held meeting (1–5); rating again replaces its rating. */
  async rate(v: Viewer, id: number, input: { score: number; comment?: string | null; companyId?: number }): Promise<MeetingView> {
    const row = await store.meeting(this.db, id);
    if (!row || !sees(v, row.company_a, row.company_b)) throw notFound('meeting');
    const company = v.staff ? (input.companyId ?? 0) : v.companyId!;
    if (company !== row.company_a && company !== row.company_b) throw fail('validation-failed', 'matching.err.invalid', [problem('companyId', 'matching.err.notOfMeeting')]);
    const p = new Problems();
    if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) p.add('score', 'matching.err.score');
    const comment = clean(input.comment);
    if (comment && comment.length > LIMITS.note) p.add('comment', 'matching.err.tooLong', { max: LIMITS.note });
    p.throwIfAny();
    if (row.status !== 'held') throw fail('conflict', 'matching.err.notHeld', [problem('score', 'matching.err.notHeld')]);
    await this.db.transaction().execute(async (trx) => {
      const before = await store.rating(trx, id, company);
      const after = before
        ? await store.updateRating(trx, before.id, { score: input.score, comment, created_by: v.user.id, created_at: this.now() })
        : await store.insertRating(trx, { meeting_id: id, company_id: company, score: input.score, comment, created_by: v.user.id, created_at: this.now() });
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.meeting.rate', entityType: 'matching_meeting', entityId: id, before, after });
    });
    return (await this.meetingViews([row], v))[0]!;
  }

  /** What came of a held meeting, for one side (its follow-up). */
  async recordOutcome(v: Viewer, id: number, input: { outcome: string; note?: string | null; companyId?: number }): Promise<MeetingView> {
    const row = await store.meeting(this.db, id);
    if (!row || !sees(v, row.company_a, row.company_b)) throw notFound('meeting');
    const company = v.staff ? (input.companyId ?? 0) : v.companyId!;
    if (company !== row.company_a && company !== row.company_b) throw fail('validation-failed', 'matching.err.invalid', [problem('companyId', 'matching.err.notOfMeeting')]);
    const p = new Problems();
    if (!isOutcome(input.outcome)) p.add('outcome', 'matching.err.outcome');
    const note = clean(input.note);
    if (note && note.length > LIMITS.note) p.add('note', 'matching.err.tooLong', { max: LIMITS.note });
    p.throwIfAny();
    if (row.status !== 'held') throw fail('conflict', 'matching.err.notHeld', [problem('outcome', 'matching.err.notHeld')]);
    const settings = await this.settings();
    await this.db.transaction().execute(async (trx) => {
      await this.createFollowups(trx, row, settings);
      const before = (await store.followup(trx, id, company))!;
      const after = await store.updateFollowup(trx, before.id, { outcome: input.outcome, note, recorded_by: v.user.id, recorded_at: this.now() });
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.meeting.outcome', entityType: 'matching_meeting', entityId: id, before, after });
      await this.changed(trx);
    });
    return (await this.meetingViews([row], v))[0]!;
  }

  /** Remind each side of a held meeting whose follow-up is due and not yet answered (once). */
  async sendFollowUpReminders(actor: Actor = systemActor('matching-reminders')): Promise<number> {
    const due = await store.dueFollowups(this.db, this.today(), 200);
    let sent = 0;
    for (const f of due) {
      await this.db.transaction().execute(async (trx) => {
        const r = await trx.updateTable('matching_followups').set({ reminded_at: this.now() }).where('id', '=', f.id).where('reminded_at', 'is', null).executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return;
        await this.notify(trx, [f.company_id], 'matching.mail.followup', { id: f.meeting_id, due: f.due_on }, `/matching/meetings/${f.meeting_id}`, { module: 'matching', meetingId: f.meeting_id });
        await audit(trx, this.ctx.clock, actor, { action: 'matching.followup.remind', entityType: 'matching_meeting', entityId: f.meeting_id, after: { company_id: f.company_id, due_on: f.due_on } });
        sent++;
      });
    }
    return sent;
  }

  // ---------------------------------------------------------------------------------------------
  // Reports

  /** Outcomes and satisfaction for staff: over every meeting, or one fair's. */
  async outcomeReport(v: Viewer, fairId?: number): Promise<OutcomeReport> {
    requireStaff(v);
    const rows = await store.meetings(this.db, { fairId }, 100_000);
    return this.buildReport(rows, fairId);
  }

  async buildReport(rows: MeetingRow[], fairId?: number): Promise<OutcomeReport> {
    const companies = await this.companies().getMany(rows.flatMap((r) => [r.company_a, r.company_b]));
    const held = rows.filter((r) => r.status === 'held');
    const byKind = Object.fromEntries(MATCHING_KINDS.map((k) => [k, 0])) as Record<MatchingKind, number>;
    const byCountry = new Map<string, number>();
    let countsForPlan = 0;
    for (const r of held) {
      byKind[r.kind as MatchingKind] = (byKind[r.kind as MatchingKind] ?? 0) + 1;
      const a = companies.get(r.company_a);
      const b = companies.get(r.company_b);
      // Each meeting once per partner country (a Japanese firm meeting a French one: JP and FR).
      for (const country of new Set([a?.country ?? '??', b?.country ?? '??'])) byCountry.set(country, (byCountry.get(country) ?? 0) + 1);
      if ((ARRANGED_CHANNELS as readonly string[]).includes(r.channel) && isForeignLocal(a, b)) countsForPlan++;
    }
    const ratings: RatingRow[] = await store.ratingsOf(
      this.db,
      held.map((r) => r.id),
    );
    const distribution = [1, 2, 3, 4, 5].map((s) => ratings.filter((r) => r.score === s).length);
    const outcomes = (await store.outcomes(this.db, fairId)).filter((o) => rows.some((r) => r.id === o.meeting_id));
    const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
    for (const o of outcomes) if (o.outcome && isOutcome(o.outcome)) byOutcome[o.outcome]++;
    const planned = rows.filter((r) => r.status !== 'cancelled');
    return {
      fairId: fairId ?? null,
      meetings: rows.length,
      held: held.length,
      notHeld: rows.filter((r) => r.status === 'not-held').length,
      cancelled: rows.filter((r) => r.status === 'cancelled').length,
      attendanceRate: planned.length ? Math.round((held.length / planned.length) * 1000) / 1000 : null,
      countsForPlan,
      byKind,
      byCountry: [...byCountry.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).map(([country, n]) => ({ country, meetings: n })),
      satisfaction: { ratings: ratings.length, average: ratings.length ? Math.round((ratings.reduce((s, r) => s + r.score, 0) / ratings.length) * 100) / 100 : null, distribution },
      outcomes: { answered: outcomes.filter((o) => o.outcome).length, awaiting: outcomes.filter((o) => !o.outcome).length, byOutcome },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Mail

  /**
   * Queue a bilingual mail (Japanese first) to every active member of the companies, inside the
   * transaction of the change it tells about. `key` names `<key>.subject` and `<key>.body`.
   */
  async notify(trx: Trx, companyIds: number[], key: string, params: Record<string, string | number>, path: string, meta: Record<string, string | number | boolean | null>): Promise<void> {
    const to = [...new Set((await Promise.all([...new Set(companyIds)].map((c) => store.memberEmails(trx, c)))).flat())];
    if (!to.length) return;
    const link = `${this.ctx.config.publicUrl}${path}`;
    const ja = say('ja', `${key}.body`, { ...params, link });
    const en = say('en', `${key}.body`, { ...params, link, from: params.fromEn ?? params.from ?? '', a: params.aEn ?? params.a ?? '', b: params.bEn ?? params.b ?? '' });
    await enqueue(trx, { to, subject: `${say('ja', `${key}.subject`)} / ${say('en', `${key}.subject`)}`, text: `${ja}\n\n----\n\n${en}\n`, meta }, this.ctx.clock);
  }

  // ---------------------------------------------------------------------------------------------
  // Companies registry hooks

  async onCompanyMerge(trx: Trx, e: CompanyMergeEvent): Promise<void> {
    await store.moveCompany(trx, e.fromId, e.intoId);
    await audit(trx, this.ctx.clock, e.actor, { action: 'matching.company.merge', entityType: 'company', entityId: e.intoId, before: { company_id: e.fromId }, after: { company_id: e.intoId } });
    await this.changed(trx);
  }

  async timeline(db: DbOrTrx, companyId: number): Promise<TimelineEvent[]> {
    const out: TimelineEvent[] = [];
    const cards = await db.selectFrom('matching_cards').select(['id', 'kind', 'title_ja', 'title_en', 'created_at']).where('company_id', '=', companyId).execute();
    for (const c of cards) {
      out.push({ at: c.created_at, module: 'matching', kind: 'card', title: { ja: say('ja', 'matching.timeline.card', { kind: say('ja', `matching.kind.${c.kind}`), title: c.title_ja ?? c.title_en ?? '' }), en: say('en', 'matching.timeline.card', { kind: say('en', `matching.kind.${c.kind}`), title: c.title_en ?? c.title_ja ?? '' }) }, href: `/matching/cards/${c.id}` });
    }
    const meetings = await db
      .selectFrom('matching_meetings')
      .select(['id', 'company_a', 'company_b', 'status', 'held_on', 'created_at', 'channel'])
      .where((eb) => eb.or([eb('company_a', '=', companyId), eb('company_b', '=', companyId)]))
      .execute();
    const refs = await this.refs(meetings.map((m) => (m.company_a === companyId ? m.company_b : m.company_a)));
    for (const m of meetings) {
      const other = refs.get(m.company_a === companyId ? m.company_b : m.company_a)!;
      out.push({ at: m.created_at, module: 'matching', kind: 'introduced', title: { ja: say('ja', 'matching.timeline.introduced', { other: other.name.ja }), en: say('en', 'matching.timeline.introduced', { other: other.name.en }) }, href: `/matching/meetings/${m.id}` });
      if (m.status === 'held' && m.held_on) {
        out.push({ at: new Date(`${m.held_on}T03:00:00Z`).toISOString(), module: 'matching', kind: 'met', title: { ja: say('ja', 'matching.timeline.met', { other: other.name.ja }), en: say('en', 'matching.timeline.met', { other: other.name.en }) }, href: `/matching/meetings/${m.id}` });
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // The plan's metric

  /**
   * Held meetings arranged by the city between a foreign company and a company registered in Tokyo
   * (the registry as it stands now), by fiscal year of the meeting date. `pairing: 'any'` counts every
   * held meeting arranged by the city.
   */
  async heldByYear(filter: { kinds: readonly string[] | null; channels: readonly string[]; pairing: 'foreign-local' | 'any' }): Promise<Map<number, number>> {
    const rows = await store.heldMeetings(this.db, filter.channels, filter.kinds);
    const companies = filter.pairing === 'foreign-local' ? await this.companies().getMany(rows.flatMap((r) => [r.company_a, r.company_b])) : new Map<number, Company>();
    const out = new Map<number, number>();
    for (const r of rows) {
      if (filter.pairing === 'foreign-local' && !isForeignLocal(companies.get(r.company_a), companies.get(r.company_b))) continue;
      if (r.company_a === r.company_b) continue;
      const fy = fiscalYearOfLocalDate(r.held_on!);
      out.set(fy, (out.get(fy) ?? 0) + 1);
    }
    return out;
  }
}

export interface OutcomeReport {
  fairId: number | null;
  meetings: number;
  held: number;
  notHeld: number;
  cancelled: number;
  attendanceRate: number | null;
  countsForPlan: number;
  byKind: Record<MatchingKind, number>;
  byCountry: Array<{ country: string; meetings: number }>;
  satisfaction: { ratings: number; average: number | null; distribution: number[] };
  outcomes: { answered: number; awaiting: number; byOutcome: Record<Outcome, number> };
}

function ratingView(r: RatingRow): RatingView {
  return { companyId: r.company_id, score: r.score, comment: r.comment, createdAt: r.created_at };
}

function followupView(f: FollowupRow): FollowupView {
  return { companyId: f.company_id, dueOn: f.due_on, remindedAt: f.reminded_at, outcome: f.outcome as Outcome | null, note: f.note, recordedAt: f.recorded_at };
}

export { CARD_KINDS, CARD_STATUSES, JSIC_MAJORS, REGIONS, MATCHING_KINDS, OUTCOMES, TERMS };
