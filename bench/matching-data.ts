/**
 * Synthetic fairs for the matching benchmark and the scheduler's tests: participants, accepted
 * requests with skewed demand (a few popular firms wanted by many), slots over days, tables, and a
 * share of participant-slots marked unavailable. Seeded, so every run sees the same fair.
 */
import type { ScheduleInput, SchedMeeting, SchedSlot } from '../src/matching/scheduler.js';

/** mulberry32: a small, fast, seeded generator (uniform in [0, 1)). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
