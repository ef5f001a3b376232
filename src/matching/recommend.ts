/**
 * Recommendations: for a participant, the cards of other companies most likely to lead to a meeting.
 * Pure: the service builds an index from the public cards (cached by data version) and asks it.
 *
 * A pair of cards (one of the reader's, one of theirs) is scored from both sides, because a meeting
 * needs two who want it:
 *   fit   = how well the kinds answer each other (a need meets an offer; see rules.complement)
 *   text  = cosine of TF-IDF vectors over language-independent features (analyze.ts): concepts of the
 *           bilingual term list carry a Japanese card to an English one; words and bigrams add wording
 *   ind   = 1 when the two share a JSIC major group
 *   reach = 1 when the other card's regions cover the reader (and the reverse for the other side)
 *   side  = fit × (0.65 text + 0.25 ind + 0.10 reach);  pair = harmonic mean of the two sides
 * A card's score is its best pair with any card of the reader, plus a little when its company also has
 * a card answering another of the reader's (B wants what A offers too). Own cards, and cards the pair
 * has already met or asked about, are never recommended.
 */
import { analyze, type Features } from './analyze.js';
import { TERMS } from './terms.js';
import { complement, regionsOfCompany, type CardKind, type Region } from './rules.js';

export interface CardDoc {
  id: number;
  companyId: number;
  kind: CardKind;
  /** All the card's text (titles, bodies, tags in whatever languages it has). */
  title: string;
  text: string;
  jsic: readonly string[];
  regions: readonly string[];
  /** The company's country and whether it is registered in Tokyo (where the card comes from). */
  country: string;
  tokyo: boolean;
}

export interface Reason {
  /** The reader's card the recommendation answers. */
  viaCardId: number;
  viaKind: CardKind;
  theirKind: CardKind;
  /** Concepts both cards mention, most telling first (term ids; label with conceptLabel). */
  concepts: string[];
  /** JSIC major groups both share. */
  industries: string[];
  /** Similar wording beyond shared concepts. */
  wording: boolean;
  /** Their company also answers another of the reader's cards. */
  mutual: boolean;
}

export interface Recommendation {
  cardId: number;
  companyId: number;
  score: number;
  reason: Reason;
}

const TYPE_WEIGHT: Record<string, number> = { c: 1, w: 0.6, b: 0.4 };
const W_TEXT = 0.65;
const W_IND = 0.25;
const W_REACH = 0.1;
const MUTUAL_BONUS = 0.1;

interface Vector {
  keys: Int32Array;
  vals: Float64Array;
}

const labels = new Map(TERMS.map((t) => [t.id, t]));
/** A concept in the reader's language (the term list's first wording). */
export function conceptLabel(id: string, lang: 'ja' | 'en'): string {
  const t = labels.get(id);
  return t ? (lang === 'ja' ? t.ja[0]! : t.en[0]!) : id;
}

/** The index over public cards: vectors, postings by feature and by industry. */
export class RecommenderIndex {
  private readonly features = new Map<string, number>();
  private readonly featureNames: string[] = [];
  private df: number[] = [];
  private idf: Float64Array = new Float64Array(0);
  readonly cards: CardDoc[];
  private readonly vectors: Vector[] = [];
  private readonly postings: Array<{ cards: number[]; weights: number[] }> = [];
  private readonly byIndustry = new Map<string, number[]>();
  private readonly byCompany = new Map<number, number[]>();
  private readonly position = new Map<number, number>();
  /** Regions each card's company is in (from its country and Tokyo registration). */
  private readonly regionsOf: Region[][];

  constructor(cards: CardDoc[]) {
    this.cards = cards;
    this.regionsOf = cards.map((c) => regionsOfCompany(c.country, c.tokyo));
    const raw = cards.map((c) => this.count(c));
    this.idf = new Float64Array(this.featureNames.length);
    const n = Math.max(1, cards.length);
    for (let f = 0; f < this.featureNames.length; f++) this.idf[f] = Math.log(1 + n / (this.df[f]! || 1));
    for (let f = 0; f < this.featureNames.length; f++) this.postings.push({ cards: [], weights: [] });
    cards.forEach((c, i) => {
      const v = this.weigh(raw[i]!);
      this.vectors.push(v);
      for (let k = 0; k < v.keys.length; k++) {
        const p = this.postings[v.keys[k]!]!;
        p.cards.push(i);
        p.weights.push(v.vals[k]!);
      }
      for (const j of new Set(c.jsic)) {
        const list = this.byIndustry.get(j) ?? [];
        list.push(i);
        this.byIndustry.set(j, list);
      }
      const own = this.byCompany.get(c.companyId) ?? [];
      own.push(i);
      this.byCompany.set(c.companyId, own);
      this.position.set(c.id, i);
    });
  }

  get size(): number {
    return this.cards.length;
  }

  /** Raw feature counts of a card (title twice: it says what the card is about). */
  private count(c: CardDoc): Map<number, number> {
    const f: Features = new Map();
    analyze(c.title, f);
    analyze(c.title, f);
    analyze(c.text, f);
    const out = new Map<number, number>();
    for (const [name, n] of f) {
      let id = this.features.get(name);
      if (id === undefined) {
        id = this.featureNames.length;
        this.features.set(name, id);
        this.featureNames.push(name);
        this.df.push(0);
      }
      this.df[id]!++;
      out.set(id, n);
    }
    return out;
  }

  /** TF-IDF with sublinear tf and a weight per feature type, L2-normalized. */
  private weigh(counts: Map<number, number>): Vector {
    const keys = [...counts.keys()].sort((x, y) => x - y);
    const vals = new Float64Array(keys.length);
    let norm = 0;
    keys.forEach((k, i) => {
      const name = this.featureNames[k]!;
      const w = (1 + Math.log(counts.get(k)!)) * (this.idf[k] ?? 1) * (TYPE_WEIGHT[name[0]!] ?? 0.5);
      vals[i] = w;
      norm += w * w;
    });
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < vals.length; i++) vals[i]! /= norm;
    return { keys: Int32Array.from(keys), vals };
  }

  /** A vector for a card outside the index (the reader's own card not yet public), in the index's terms. */
  private vectorOf(c: CardDoc): Vector {
    const at = this.position.get(c.id);
    if (at !== undefined && this.cards[at] === c) return this.vectors[at]!;
    const f: Features = new Map();
    analyze(c.title, f);
    analyze(c.title, f);
    analyze(c.text, f);
    const counts = new Map<number, number>();
    for (const [name, n] of f) {
      const id = this.features.get(name);
      if (id !== undefined) counts.set(id, n);
    }
    return this.weigh(counts);
  }

  cardsOfCompany(companyId: number): CardDoc[] {
    return (this.byCompany.get(companyId) ?? []).map((i) => this.cards[i]!);
  }

  /**
   * The best cards for the reader, given its own open cards (public or not). `blocked` holds card ids
   * the reader has already met or asked about; `limit` how many to return.
   */
  recommend(q: { companyId: number; country: string; tokyo: boolean; own: CardDoc[]; blocked?: ReadonlySet<number>; limit?: number; /** Score every candidate (no shortcuts): the tests compare the two. */ exhaustive?: boolean }): Recommendation[] {
    const limit = q.limit ?? 10;
    if (!q.own.length || !this.cards.length) return [];
    const readerRegions = regionsOfCompany(q.country, q.tokyo);
    const N = this.cards.length;
    const own = q.own.map((c) => ({ card: c, vec: this.vectorOf(c) }));
    const K = own.length;
    // Dot products through the postings: only cards sharing a feature are touched.
    const dots = new Float64Array(N * K);
    const seen = new Uint8Array(N);
    const candidates: number[] = [];
    const touch = (i: number) => {
      if (!seen[i]) {
        seen[i] = 1;
        candidates.push(i);
      }
    };
    for (let k = 0; k < K; k++) {
      const v = own[k]!.vec;
      for (let x = 0; x < v.keys.length; x++) {
        const p = this.postings[v.keys[x]!];
        if (!p) continue;
        const w = v.vals[x]!;
        const cs = p.cards;
        const ws = p.weights;
        for (let y = 0; y < cs.length; y++) {
          const i = cs[y]!;
          dots[i * K + k]! += w * ws[y]!;
          touch(i);
        }
      }
    }
    const textCandidates = candidates.length;

    const reachB = own.map((o) => o.card.regions);
    /** The pair score of card i against the reader's card k, and the best over the reader's cards. */
    const pairScore = (i: number, k: number, reachA: number): number => {
      const c = this.cards[i]!;
      const o = own[k]!.card;
      const fit = complement(o.kind, c.kind);
      if (fit === 0) return 0;
      const text = Math.min(1, dots[i * K + k]!);
      const ind = o.jsic.some((j) => c.jsic.includes(j)) ? 1 : 0;
      const sideA = fit * (W_TEXT * text + W_IND * ind + W_REACH * reachA);
      const sideB = fit * (W_TEXT * text + W_IND * ind + W_REACH * (covers(reachB[k]!, this.regionsOf[i]!) ? 1 : 0));
      return sideA + sideB > 0 ? (2 * sideA * sideB) / (sideA + sideB) : 0;
    };
    const scored: Array<{ i: number; score: number; via: number }> = [];
    const scoreAll = (from: number) => {
      for (let n = from; n < candidates.length; n++) {
        const i = candidates[n]!;
        const c = this.cards[i]!;
        if (c.companyId === q.companyId || q.blocked?.has(c.id)) continue;
        const reachA = covers(c.regions, readerRegions) ? 1 : 0;
        let best = 0;
        let via = -1;
        for (let k = 0; k < K; k++) {
          const pair = pairScore(i, k, reachA);
          if (pair > best) {
            best = pair;
            via = k;
          }
        }
        if (via >= 0 && best > 0) scored.push({ i, score: best, via });
      }
    };
    scoreAll(0);
    // A card sharing no feature scores at most fit·(W_IND + W_REACH), plus the mutual bonus. When enough
    // cards that share text already score above that, cards of the same industry alone cannot make the
    // list: skip them (exact, and most of the work on a large marketplace).
    const industryOnlyMax = W_IND + W_REACH + MUTUAL_BONUS;
    if (q.exhaustive || scored.filter((s) => s.score >= industryOnlyMax).length < limit) {
      for (const o of own) for (const j of o.card.jsic) for (const i of this.byIndustry.get(j) ?? []) touch(i);
      scoreAll(textCandidates);
    }
    scored.sort((x, y) => y.score - x.score || this.cards[y.i]!.id - this.cards[x.i]!.id);
    // B wants what A offers too: another of B's cards answers another of A's cards. Only cards within the
    // bonus of the list's last place can change places, so only those are looked at.
    const cutoff = q.exhaustive ? -1 : (scored[limit - 1]?.score ?? 0) - MUTUAL_BONUS;
    const final: Array<{ i: number; via: number; total: number; mutual: boolean }> = [];
    for (const s of scored) {
      if (s.score < cutoff) break;
      const c = this.cards[s.i]!;
      let second = 0;
      for (const j of this.byCompany.get(c.companyId) ?? []) {
        if (j === s.i || q.blocked?.has(this.cards[j]!.id)) continue;
        const reachA = covers(this.cards[j]!.regions, readerRegions) ? 1 : 0;
        for (let k = 0; k < K; k++) if (k !== s.via) second = Math.max(second, pairScore(j, k, reachA));
      }
      const mutual = second >= 0.2;
      final.push({ i: s.i, via: s.via, total: s.score + (mutual ? MUTUAL_BONUS * Math.min(1, second * 2) : 0), mutual });
    }
    final.sort((x, y) => y.total - x.total || this.cards[y.i]!.id - this.cards[x.i]!.id);
    return final.slice(0, limit).map((s) => {
      const c = this.cards[s.i]!;
      const o = own[s.via]!;
      return { cardId: c.id, companyId: c.companyId, score: Math.round(s.total * 1000) / 1000, reason: this.reason(o.card, o.vec, s.i, s.mutual) };
    });
  }

  private reason(mine: CardDoc, mineVec: Vector, i: number, mutual: boolean): Reason {
    const c = this.cards[i]!;
    const theirs = this.vectors[i]!;
    const shared: Array<{ name: string; w: number }> = [];
    let wording = false;
    for (let x = 0, y = 0; x < mineVec.keys.length && y < theirs.keys.length; ) {
      const a = mineVec.keys[x]!;
      const b = theirs.keys[y]!;
      if (a === b) {
        const name = this.featureNames[a]!;
        if (name.startsWith('c:')) shared.push({ name: name.slice(2), w: mineVec.vals[x]! * theirs.vals[y]! });
        else wording = true;
        x++;
        y++;
      } else if (a < b) x++;
      else y++;
    }
    shared.sort((p, q) => q.w - p.w);
    return {
      viaCardId: mine.id,
      viaKind: mine.kind,
      theirKind: c.kind,
      concepts: shared.slice(0, 3).map((s) => s.name),
      industries: mine.jsic.filter((j) => c.jsic.includes(j)),
      wording,
      mutual,
    };
  }

  /**
   * The baseline the quality test compares with: cards of the reader's industries whose kind answers
   * one of the reader's cards, newest first. No text, no reciprocity.
   */
  sameIndustry(q: { companyId: number; own: CardDoc[]; blocked?: ReadonlySet<number>; limit?: number }): number[] {
    const limit = q.limit ?? 10;
    const out = new Set<number>();
    const pool = new Set<number>();
    for (const o of q.own) for (const j of o.jsic) for (const i of this.byIndustry.get(j) ?? []) pool.add(i);
    const sorted = [...pool].sort((x, y) => this.cards[y]!.id - this.cards[x]!.id);
    for (const i of sorted) {
      const c = this.cards[i]!;
      if (c.companyId === q.companyId || q.blocked?.has(c.id)) continue;
      if (!q.own.some((o) => complement(o.kind, c.kind) > 0 && o.jsic.some((j) => c.jsic.includes(j)))) continue;
      out.add(c.id);
      if (out.size >= limit) break;
    }
    return [...out];
  }
}

/** Does a card looking in `regions` reach a company in `where`? No regions, or global, reaches everyone. */
function covers(regions: readonly string[], where: readonly Region[]): boolean {
  if (!regions.length || regions.includes('global')) return true;
  return where.some((r) => regions.includes(r));
}
