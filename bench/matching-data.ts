/**
 * Synthetic fairs for the matching benchmark and the scheduler's tests: participants, accepted
 * requests with skewed demand (a few popular firms wanted by many), slots over days, tables, and a
 * share of participant-slots marked unavailable. Seeded, so every run sees the same fair.
 */
import type { ScheduleInput, SchedMeeting, SchedSlot } from '../src/matching/scheduler.js';
import { rng } from './util.js';

/** The seeded generator the fairs are drawn with (tests import it from here). */
export { rng };

export interface FairShape {
  participants: number;
  requests: number;
  slots: number;
  /** Slots per day; the fair's days are slots / slotsPerDay. */
  slotsPerDay: number;
  tables: number;
  /** Share of participant-slots marked unavailable. */
  unavailable: number;
  /** Zipf exponent of the demand for the firm asked (0: uniform). */
  skew: number;
  seed: number;
  maxPerParticipant?: number | null;
}

export const BENCH_FAIR: FairShape = { participants: 1000, requests: 10_000, slots: 16, slotsPerDay: 8, tables: 600, unavailable: 0.1, skew: 1, seed: 20261127 };

/** A fair of the shape: distinct pairs; the requester uniform, the firm asked drawn by Zipf rank. */
export function syntheticFair(shape: FairShape): ScheduleInput {
  const rand = rng(shape.seed);
  const n = shape.participants;
  // Zipf weights over a random permutation of participants (popular firms are not the low ids).
  const perm = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const cum: number[] = [];
  let total = 0;
  for (let r = 1; r <= n; r++) {
    total += 1 / r ** shape.skew;
    cum.push(total);
  }
  const asked = () => {
    const x = rand() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return perm[lo]!;
  };
  const seen = new Set<string>();
  const meetings: SchedMeeting[] = [];
  let guard = 0;
  while (meetings.length < shape.requests && guard++ < shape.requests * 50) {
    const a = 1 + Math.floor(rand() * n);
    const b = asked();
    if (a === b) continue;
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    if (seen.has(key)) continue;
    seen.add(key);
    meetings.push({ id: meetings.length + 1, a, b });
  }
  const slots: SchedSlot[] = Array.from({ length: shape.slots }, (_, i) => ({ id: 1001 + i, day: `day-${Math.floor(i / shape.slotsPerDay) + 1}`, order: i % shape.slotsPerDay }));
  const tables = Array.from({ length: shape.tables }, (_, i) => 1 + i);
  const unavailable: { participant: number; slotId: number }[] = [];
  for (let p = 1; p <= n; p++) for (const s of slots) if (rand() < shape.unavailable) unavailable.push({ participant: p, slotId: s.id });
  return { slots, tables, meetings, unavailable, maxPerParticipant: shape.maxPerParticipant ?? null };
}

// ---- marketplace ----

import { TERMS } from '../src/matching/terms.js';
import type { CardDoc, RecommenderIndex } from '../src/matching/recommend.js';
import type { CardKind } from '../src/matching/rules.js';

/** Concepts that say what a card is about (places, and words every card uses, left out). */
const GENERIC = new Set(['product', 'service', 'solution', 'technology', 'partner', 'customer', 'sale', 'implementation', 'japan', 'tokyo', 'overseas', 'maker']);
const TOPICS = TERMS.filter((t) => !GENERIC.has(t.id) && t.en.length && t.ja.some((j) => /[^\x00-\x7f]/.test(j)));
const PAIRS: Array<[CardKind, CardKind]> = [
  ['procurement-need', 'product-offer'],
  ['investment-sought', 'investment-offered'],
  ['partner-search', 'patent-offered'],
  ['partner-search', 'partner-search'],
  ['procurement-need', 'patent-offered'],
];
const KINDS: CardKind[] = ['product-offer', 'partner-search', 'investment-sought', 'investment-offered', 'patent-offered', 'procurement-need'];
const INDUSTRIES = ['E', 'G', 'J', 'K', 'L', 'P'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'SG', 'AU', 'IN', 'CA'];

const JA_FRAME: Record<CardKind, [string, string]> = {
  'product-offer': ['{a}と{b}を活用した製品を提供', '当社は{a}、{b}、{c}の分野で実績があります。導入企業を募集しています。'],
  'partner-search': ['{a}分野で{b}の協業先を探しています', '{a}や{b}、{c}に取り組むパートナー企業との協業を希望します。'],
  'investment-sought': ['{a}・{b}事業の資金調達', '{a}と{b}を軸に成長中です。{c}にも展開予定で、出資者を募集しています。'],
  'investment-offered': ['{a}と{b}分野への出資', '{a}、{b}、{c}の領域で成長企業への出資を検討しています。'],
  'patent-offered': ['{a}に関する開放特許（{b}）', '{a}と{b}の特許をライセンス可能です。{c}への応用も相談できます。'],
  'procurement-need': ['{a}と{b}の調達ニーズ', '{a}、{b}、{c}に対応できる製品・サービスを探しています。'],
};
const EN_FRAME: Record<CardKind, [string, string]> = {
  'product-offer': ['{a} and {b} product for enterprises', 'We build {a} with {b} and {c}. Looking for customers in Japan.'],
  'partner-search': ['Seeking partners in {a} and {b}', 'We want to collaborate with companies working on {a}, {b} and {c}.'],
  'investment-sought': ['Raising funds for {a} and {b}', 'Our {a} business grows with {b}; next we move into {c}. Seeking investors.'],
  'investment-offered': ['Investing in {a} and {b}', 'We invest in growth companies in {a}, {b} and {c}.'],
  'patent-offered': ['Open patents on {a} ({b})', 'Our patents on {a} and {b} are available for licensing, including uses in {c}.'],
  'procurement-need': ['Procuring {a} and {b}', 'We are sourcing products and services for {a}, {b} and {c}.'],
};

function fill(frame: string, words: string[]): string {
  return frame.replace('{a}', words[0]!).replace('{b}', words[1]!).replace('{c}', words[2]!);
}

export interface Marketplace {
  cards: CardDoc[];
  /** Planted pairs: [card of a Tokyo company, card of a foreign company], each the other's best answer. */
  planted: Array<[CardDoc, CardDoc]>;
}

/**
 * A marketplace of `pairs` planted bilingual reciprocal pairs (the same three concepts, one card in
 * Japanese and one in English, complementary kinds, same industry; one side may drop a concept and add
 * another) among `noise` cards drawn from the same concepts, kinds and industries.
 */
export function syntheticMarketplace(opts: { pairs: number; noise: number; seed: number }): Marketplace {
  const rand = rng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const ja = (t: (typeof TOPICS)[number]) => pick(t.ja.filter((j) => /[^\x00-\x7f]/.test(j)));
  const en = (t: (typeof TOPICS)[number]) => pick(t.en);
  // Each industry talks about its own few dozen concepts, so cards of one industry overlap a lot.
  const pools = new Map(INDUSTRIES.map((j) => [j, Array.from({ length: 36 }, () => pick(TOPICS))]));
  const topics = (n: number, jsic: string) => {
    const pool = pools.get(jsic)!;
    const out = new Set<(typeof TOPICS)[number]>();
    while (out.size < n) out.add(pick(pool));
    return [...out];
  };
  const cards: CardDoc[] = [];
  let company = 1;
  let id = 1;
  const card = (companyId: number, kind: CardKind, lang: 'ja' | 'en', concepts: (typeof TOPICS)[number][], jsic: string, country: string, tokyo: boolean): CardDoc => {
    const words = concepts.map(lang === 'ja' ? ja : en);
    const [title, body] = (lang === 'ja' ? JA_FRAME : EN_FRAME)[kind];
    const c: CardDoc = { id: id++, companyId, kind, title: fill(title, words), text: fill(body, words), jsic: [jsic], regions: [], country, tokyo };
    cards.push(c);
    return c;
  };
  const planted: Array<[CardDoc, CardDoc]> = [];
  for (let p = 0; p < opts.pairs; p++) {
    const [k1, k2] = rand() < 0.5 ? pick(PAIRS) : [...pick(PAIRS)].reverse() as [CardKind, CardKind];
    const jsic = pick(INDUSTRIES);
    const shared = topics(3, jsic);
    const other = [...shared];
    if (rand() < 0.5) other[2] = pick(pools.get(jsic)!); // one side words it a little differently
    const tokyoSideJa = rand() < 0.7;
    const a = card(company++, k1, tokyoSideJa ? 'ja' : 'en', shared, jsic, 'JP', true);
    const b = card(company++, k2, tokyoSideJa ? 'en' : 'ja', other, jsic, pick(COUNTRIES), false);
    planted.push([a, b]);
  }
  let left = opts.noise;
  while (left > 0) {
    const foreign = rand() < 0.5;
    const country = foreign ? pick(COUNTRIES) : 'JP';
    const jsic = pick(INDUSTRIES);
    const n = Math.min(left, 1 + Math.floor(rand() * 3));
    const cid = company++;
    for (let k = 0; k < n; k++) {
      const j = rand() < 0.8 ? jsic : pick(INDUSTRIES);
      card(cid, pick(KINDS), rand() < 0.5 ? 'ja' : 'en', topics(3, j), j, country, !foreign);
    }
    left -= n;
  }
  // Shuffle so planted cards are not the oldest (the baseline ranks newest first).
  for (let i = cards.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const x = cards[i]!.id;
    cards[i]!.id = cards[j]!.id;
    cards[j]!.id = x;
  }
  return { cards, planted };
}

/**
 * Recall@10 on the planted pairs: each side of each pair reads its ten recommendations (both
 * directions), a hit when the other side is among them; `base` counts the same for the
 * same-industry baseline. The benchmark reports it, the recommender's test holds it to a floor.
 */
export function plantedRecall(market: Marketplace, index: RecommenderIndex): { hits: number; base: number; queries: number } {
  let hits = 0;
  let base = 0;
  let queries = 0;
  for (const [a, b] of market.planted) {
    for (const [reader, partner] of [
      [a, b],
      [b, a],
    ] as const) {
      queries++;
      const own = index.cardsOfCompany(reader.companyId);
      if (index.recommend({ companyId: reader.companyId, country: reader.country, tokyo: reader.tokyo, own, limit: 10 }).some((r) => r.cardId === partner.id)) hits++;
      if (index.sameIndustry({ companyId: reader.companyId, own, limit: 10 }).includes(partner.id)) base++;
    }
  }
  return { hits, base, queries };
}
