/**
 * The fair scheduler: places accepted meetings into (slot, table) so that no participant and no
 * table is double-booked and every participant's unavailable slots are respected. It maximizes the
 * number of meetings placed, then minimizes idle gaps in each participant's day. Pure: no database,
 * no clock; the service feeds it and stores what it returns.
 *
 * The problem is edge colouring of a multigraph (participants are vertices, meetings edges, slots
 * colours) with per-vertex forbidden colours and a capacity of `tables` edges per colour. The method:
 *   1. locked meetings first, where staff put them;
 *   2. greedy, least-contested meetings first (a meeting between two firms nobody else wants is never
 *      a bad use of a slot), each into the slot that best extends its participants' days;
 *   3. repair: an unplaced meeting whose participants still have room is placed by moving the meetings
 *      in its way to other slots, recursively (Kempe-chain style), undone when the chain fails;
 *   4. exchange: a participant at its limit gives up one placed meeting for the unplaced one when the
 *      other side of the given-up meeting can then place another of its own (an augmenting path of
 *      length three: one more meeting overall);
 *   5. compaction: meetings move to other free slots while that removes idle gaps, never losing one.
 */

export interface SchedSlot {
  id: number;
  /** Slots of one day (or session) share a key; gaps are counted within a day. */
  day: string;
  /** Position within the day (ascending in time). */
  order: number;
}

export interface SchedMeeting {
  id: number;
  /** Participant ids (company ids); a ≠ b. */
  a: number;
  b: number;
  /** Fixed by staff: placed here whatever else happens. */
  locked?: { slotId: number; tableId: number } | null;
  /** Where the previous run put it: kept when still free, so a re-run changes little. */
  previous?: { slotId: number; tableId: number } | null;
}

export interface ScheduleInput {
  slots: SchedSlot[];
  tables: number[];
  meetings: SchedMeeting[];
  /** Slots a participant cannot attend. */
  unavailable: Iterable<{ participant: number; slotId: number }>;
  /** At most this many meetings per participant (the fair's rule); null: as many as it has free slots. */
  maxPerParticipant?: number | null;
}

export type UnplacedCode =
  /** The two have no slot both can attend. */
  | 'no-common-slot'
  /** A participant has reached its limit (maximum meetings, or every free slot is taken). */
  | 'participant-full'
  /** Every slot both can attend holds another meeting of one of them, and no chain of moves freed one. */
  | 'busy'
  /** The slots both are free in have no table left. */
  | 'no-table'
  /** Locked into a place another locked meeting already holds. */
  | 'locked-clash';

export interface Placement {
  meetingId: number;
  slotId: number;
  tableId: number;
}

export interface Unplaced {
  meetingId: number;
  code: UnplacedCode;
  /** The participant that is full (participant-full), else null. */
  participant: number | null;
  /** Slots both can attend. */
  commonSlots: number;
}

export interface ScheduleResult {
  placed: Placement[];
  unplaced: Unplaced[];
  /** Idle gaps summed over participants: free, attendable slots between a participant's first and last meeting of a day. */
  gaps: number;
}

export interface ScheduleOptions {
  /** Stop improving after this long (the placement itself always completes). Default 3 s. */
  budgetMs?: number;
  /** Deepest chain of moves the repair tries. Default 3. */
  maxDepth?: number;
}

const NONE = -1;

/** The mutable state of one run: flat typed arrays indexed [participant * S + slot]. */
class Board {
  readonly S: number;
  readonly P: number;
  readonly M: number;
  readonly T: number;
  readonly slotIds: number[];
  readonly dayLo: Int32Array;
  readonly dayHi: Int32Array;
  readonly pIds: number[];
  readonly ma: Int32Array;
  readonly mb: Int32Array;
  readonly mslot: Int32Array;
  readonly locked: Uint8Array;
  /** Meetings the run must leave unplaced (locked into a taken place). */
  readonly barred: Uint8Array;
  readonly busy: Int32Array;
  readonly unavail: Uint8Array;
  readonly load: Int32Array;
  readonly deg: Int32Array;
  readonly cap: Int32Array;
  /** Meetings of each participant (indices). */
  readonly byP: Int32Array[];
  /** Undo log of moves: [meeting, fromSlot] pairs. */
  private readonly undo: number[] = [];

  constructor(readonly input: ScheduleInput) {
    const slots = [...input.slots].sort((x, y) => (x.day < y.day ? -1 : x.day > y.day ? 1 : x.order - y.order || x.id - y.id));
    this.S = slots.length;
    this.slotIds = slots.map((s) => s.id);
    this.dayLo = new Int32Array(this.S);
    this.dayHi = new Int32Array(this.S);
    for (let s = 0; s < this.S; ) {
      let e = s;
      while (e + 1 < this.S && slots[e + 1]!.day === slots[s]!.day) e++;
      for (let k = s; k <= e; k++) {
        this.dayLo[k] = s;
        this.dayHi[k] = e;
      }
      s = e + 1;
    }
    this.T = input.tables.length;
    const pIndex = new Map<number, number>();
    this.pIds = [];
    const pid = (id: number) => {
      let i = pIndex.get(id);
      if (i === undefined) {
        i = this.pIds.length;
        pIndex.set(id, i);
        this.pIds.push(id);
      }
      return i;
    };
    this.M = input.meetings.length;
    this.ma = new Int32Array(this.M);
    this.mb = new Int32Array(this.M);
    this.mslot = new Int32Array(this.M).fill(NONE);
    this.locked = new Uint8Array(this.M);
    this.barred = new Uint8Array(this.M);
    input.meetings.forEach((m, i) => {
      this.ma[i] = pid(m.a);
      this.mb[i] = pid(m.b);
    });
    this.P = this.pIds.length;
    const S = this.S;
    this.busy = new Int32Array(this.P * S).fill(NONE);
    this.unavail = new Uint8Array(this.P * S);
    const sIndex = new Map(this.slotIds.map((id, i) => [id, i]));
    for (const u of input.unavailable) {
      const p = pIndex.get(u.participant);
      const s = sIndex.get(u.slotId);
      if (p !== undefined && s !== undefined) this.unavail[p * S + s] = 1;
    }
    this.load = new Int32Array(S);
    this.deg = new Int32Array(this.P);
    this.cap = new Int32Array(this.P);
    const max = input.maxPerParticipant ?? Number.MAX_SAFE_INTEGER;
    for (let p = 0; p < this.P; p++) {
      let free = 0;
      for (let s = 0; s < S; s++) if (!this.unavail[p * S + s]) free++;
      this.cap[p] = Math.min(free, max);
    }
    const counts = new Int32Array(this.P);
    for (let i = 0; i < this.M; i++) {
      counts[this.ma[i]!]!++;
      counts[this.mb[i]!]!++;
    }
    this.byP = Array.from({ length: this.P }, (_, p) => new Int32Array(counts[p]!));
    counts.fill(0);
    for (let i = 0; i < this.M; i++) {
      const a = this.ma[i]!;
      const b = this.mb[i]!;
      this.byP[a]![counts[a]!++] = i;
      this.byP[b]![counts[b]!++] = i;
    }
  }

  slotIndexOf(id: number): number {
    return this.slotIds.indexOf(id);
  }

  open(p: number, s: number): boolean {
    return this.unavail[p * this.S + s] === 0;
  }

  busyAt(p: number, s: number): number {
    return this.busy[p * this.S + s]!;
  }

  commonSlots(i: number): number {
    const a = this.ma[i]!;
    const b = this.mb[i]!;
    let n = 0;
    for (let s = 0; s < this.S; s++) if (this.open(a, s) && this.open(b, s)) n++;
    return n;
  }

  place(i: number, s: number): void {
    const a = this.ma[i]!;
    const b = this.mb[i]!;
    this.busy[a * this.S + s] = i;
    this.busy[b * this.S + s] = i;
    this.load[s]!++;
    this.deg[a]!++;
    this.deg[b]!++;
    this.mslot[i] = s;
  }

  unplace(i: number): void {
    const s = this.mslot[i]!;
    const a = this.ma[i]!;
    const b = this.mb[i]!;
    this.busy[a * this.S + s] = NONE;
    this.busy[b * this.S + s] = NONE;
    this.load[s]!--;
    this.deg[a]!--;
    this.deg[b]!--;
    this.mslot[i] = NONE;
  }

  /** Move a placed meeting, recording the move so it can be undone. */
  move(i: number, to: number): void {
    this.undo.push(i, this.mslot[i]!);
    this.unplace(i);
    this.place(i, to);
  }

  /** Place an unplaced meeting, recorded for undo (from = NONE). */
  placeLogged(i: number, s: number): void {
    this.undo.push(i, NONE);
    this.place(i, s);
  }

  /** Unplace a placed meeting, recorded for undo. */
  unplaceLogged(i: number): void {
    this.undo.push(i, -2 - this.mslot[i]!);
    this.unplace(i);
  }

  mark(): number {
    return this.undo.length;
  }

  rollback(mark: number): void {
    while (this.undo.length > mark) {
      const from = this.undo.pop()!;
      const i = this.undo.pop()!;
      if (from === NONE) this.unplace(i);
      else if (from <= -2) this.place(i, -2 - from);
      else {
        this.unplace(i);
        this.place(i, from);
      }
    }
  }

  commit(): void {
    this.undo.length = 0;
  }

  /** Free, attendable slots between the first and last meeting of p in the day of slot s. */
  dayGaps(p: number, s: number): number {
    const lo = this.dayLo[s]!;
    const hi = this.dayHi[s]!;
    const base = p * this.S;
    let first = -1;
    let last = -1;
    for (let k = lo; k <= hi; k++) {
      if (this.busy[base + k] !== NONE) {
        if (first < 0) first = k;
        last = k;
      }
    }
    if (first < 0) return 0;
    let gaps = 0;
    for (let k = first + 1; k < last; k++) if (this.busy[base + k] === NONE && this.unavail[base + k] === 0) gaps++;
    return gaps;
  }

  totalGaps(): number {
    let g = 0;
    for (let p = 0; p < this.P; p++) for (let s = 0; s < this.S; s = this.dayHi[s]! + 1) g += this.dayGaps(p, s);
    return g;
  }

  /** How well slot s extends p's day: a meeting right before or after it, or at least on the same day. */
  fit(p: number, s: number): number {
    const base = p * this.S;
    let f = 0;
    if (s > this.dayLo[s]! && this.busy[base + s - 1] !== NONE) f += 4;
    if (s < this.dayHi[s]! && this.busy[base + s + 1] !== NONE) f += 4;
    if (f === 0) for (let k = this.dayLo[s]!; k <= this.dayHi[s]!; k++) if (this.busy[base + k] !== NONE) return 1;
    return f;
  }
}

/** Place locked meetings where staff put them; a second meeting locked into a taken place is refused. */
function placeLocked(bd: Board, meetings: SchedMeeting[], tableOf: Map<number, number>, unplaced: Map<number, UnplacedCode>): void {
  const tableTaken = new Set<string>();
  meetings.forEach((m, i) => {
    if (!m.locked) return;
    const s = bd.slotIndexOf(m.locked.slotId);
    const a = bd.ma[i]!;
    const b = bd.mb[i]!;
    const key = `${s}:${m.locked.tableId}`;
    if (s < 0 || bd.busyAt(a, s) !== NONE || bd.busyAt(b, s) !== NONE || tableTaken.has(key) || !bd.input.tables.includes(m.locked.tableId)) {
      unplaced.set(i, 'locked-clash');
      bd.barred[i] = 1;
      return;
    }
    bd.place(i, s);
    bd.locked[i] = 1;
    tableTaken.add(key);
    tableOf.set(i, m.locked.tableId);
  });
}

/** The best free slot for meeting i (both open and free, a table left), or NONE. */
function bestSlot(bd: Board, i: number, prefer: number): number {
  const a = bd.ma[i]!;
  const b = bd.mb[i]!;
  const S = bd.S;
  let best = NONE;
  let bestScore = -1;
  for (let s = 0; s < S; s++) {
    if (bd.load[s]! >= bd.T) continue;
    const ka = a * S + s;
    const kb = b * S + s;
    if (bd.unavail[ka] || bd.unavail[kb] || bd.busy[ka] !== NONE || bd.busy[kb] !== NONE) continue;
    // Extend both days; then the emptier slot (spreads load, keeps tables for later); the previous place first of all.
    const score = (s === prefer ? 1000 : 0) + (bd.fit(a, s) + bd.fit(b, s)) * 16 + (bd.T - bd.load[s]!) / (bd.T + 1);
    if (score > bestScore) {
      bestScore = score;
      best = s;
    }
  }
  return best;
}

/**
 * Free participant p at slot s by moving its meeting there elsewhere, recursively freeing the other
 * side of each move. Moves are logged; the caller rolls back on failure.
 */
function vacate(bd: Board, p: number, s: number, depth: number, visiting: Uint8Array): boolean {
  const m = bd.busyAt(p, s);
  if (m === NONE) return true;
  if (bd.locked[m] || depth <= 0 || visiting[m]) return false;
  visiting[m] = 1;
  const a = bd.ma[m]!;
  const b = bd.mb[m]!;
  const S = bd.S;
  // First a slot where both sides are already free; then chains.
  for (let pass = 0; pass < 2; pass++) {
    for (let t = 0; t < S; t++) {
      if (t === s || bd.load[t]! >= bd.T || !bd.open(a, t) || !bd.open(b, t)) continue;
      const ba = bd.busyAt(a, t);
      const bb = bd.busyAt(b, t);
      if (pass === 0) {
        if (ba !== NONE || bb !== NONE) continue;
        bd.move(m, t);
        visiting[m] = 0;
        return true;
      }
      if (ba === NONE && bb === NONE) continue;
      const mark = bd.mark();
      if (vacate(bd, a, t, depth - 1, visiting) && vacate(bd, b, t, depth - 1, visiting) && bd.load[t]! < bd.T) {
        bd.move(m, t);
        visiting[m] = 0;
        return true;
      }
      bd.rollback(mark);
    }
  }
  visiting[m] = 0;
  return false;
}

/** Make room at a full slot by moving one of its meetings to a slot with a table and both sides free (logged). */
function freeTable(bd: Board, s: number): boolean {
  for (let j = 0; j < bd.M; j++) {
    if (bd.mslot[j] !== s || bd.locked[j]) continue;
    const a = bd.ma[j]!;
    const b = bd.mb[j]!;
    for (let t = 0; t < bd.S; t++) {
      if (t === s || bd.load[t]! >= bd.T || !bd.open(a, t) || !bd.open(b, t) || bd.busyAt(a, t) !== NONE || bd.busyAt(b, t) !== NONE) continue;
      bd.move(j, t);
      return true;
    }
  }
  return false;
}

/** Place meeting i, moving others out of its way if needed (logged). */
function placeWithRepair(bd: Board, i: number, depth: number, visiting: Uint8Array): boolean {
  const direct = bestSlot(bd, i, NONE);
  if (direct !== NONE) {
    bd.placeLogged(i, direct);
    return true;
  }
  const a = bd.ma[i]!;
  const b = bd.mb[i]!;
  for (let d = 1; d <= depth; d++) {
    for (let s = 0; s < bd.S; s++) {
      if (!bd.open(a, s) || !bd.open(b, s)) continue;
      const mark = bd.mark();
      if (vacate(bd, a, s, d, visiting) && vacate(bd, b, s, d, visiting) && (bd.load[s]! < bd.T || freeTable(bd, s))) {
        bd.placeLogged(i, s);
        return true;
      }
      bd.rollback(mark);
    }
  }
  return false;
}

const now = () => performance.now();

/** Schedule the meetings. Deterministic for a given input. */
export function schedule(input: ScheduleInput, opts: ScheduleOptions = {}): ScheduleResult {
  const started = now();
  const budget = opts.budgetMs ?? 3000;
  const maxDepth = opts.maxDepth ?? 3;
  // Each improving phase has its share of the budget, so the last (gaps) always gets its turn.
  const until = (share: number) => () => now() - started > budget * share;
  const out = until(1);
  const bd = new Board(input);
  const meetings = input.meetings;
  const tableOf = new Map<number, number>();
  const refused = new Map<number, UnplacedCode>();
  placeLocked(bd, meetings, tableOf, refused);

  const common = new Int32Array(bd.M);
  for (let i = 0; i < bd.M; i++) common[i] = bd.commonSlots(i);
  // Demand per participant over meetings that could be placed at all.
  const demand = new Int32Array(bd.P);
  for (let i = 0; i < bd.M; i++) {
    if (bd.locked[i] || refused.has(i) || common[i] === 0) continue;
    demand[bd.ma[i]!]!++;
    demand[bd.mb[i]!]!++;
  }
  const pressure = (p: number) => (demand[p]! + bd.deg[p]!) / Math.max(1, bd.cap[p]!);
  const key = new Float64Array(bd.M);
  for (let i = 0; i < bd.M; i++) {
    const pa = pressure(bd.ma[i]!);
    const pb = pressure(bd.mb[i]!);
    // Least contested first; among equals, the meeting with fewer slots to choose from.
    key[i] = Math.max(pa, pb) * 1000 + Math.min(pa, pb) + common[i]! / 1000;
  }
  const order: number[] = [];
  for (let i = 0; i < bd.M; i++) if (!bd.locked[i] && !refused.has(i) && common[i]! > 0) order.push(i);
  // Keep last run's places first (a re-run around a moved meeting changes little), then by contest.
  const prevSlot = new Int32Array(bd.M).fill(NONE);
  meetings.forEach((m, i) => {
    if (m.previous) prevSlot[i] = bd.slotIndexOf(m.previous.slotId);
  });
  order.sort((x, y) => (prevSlot[y]! >= 0 ? 1 : 0) - (prevSlot[x]! >= 0 ? 1 : 0) || key[x]! - key[y]! || meetings[x]!.id - meetings[y]!.id);

  for (const i of order) {
    const a = bd.ma[i]!;
    const b = bd.mb[i]!;
    if (bd.deg[a]! >= bd.cap[a]! || bd.deg[b]! >= bd.cap[b]!) continue;
    const s = bestSlot(bd, i, prevSlot[i]!);
    if (s !== NONE) bd.place(i, s);
  }

  // Repair with chains of moves, deeper each round while time allows.
  const visiting = new Uint8Array(bd.M);
  const pending = () => order.filter((i) => bd.mslot[i] === NONE);
  const repairOut = until(0.4);
  for (let depth = 1; depth <= maxDepth && !repairOut(); depth++) {
    for (const i of pending()) {
      if (repairOut()) break;
      const a = bd.ma[i]!;
      const b = bd.mb[i]!;
      if (bd.deg[a]! >= bd.cap[a]! || bd.deg[b]! >= bd.cap[b]!) continue;
      const mark = bd.mark();
      if (placeWithRepair(bd, i, depth, visiting)) bd.commit();
      else bd.rollback(mark);
    }
  }

  // Augment: along a path that alternates unplaced and placed meetings between a participant with
  // room and another with room, place the unplaced ones and drop the placed ones (+1 overall).
  const augmentOut = until(0.7);
  const hasUnplaced = (p: number) => bd.byP[p]!.some((i) => bd.mslot[i] === NONE && common[i]! > 0 && !bd.barred[i]);
  let improved = true;
  while (improved && !augmentOut()) {
    improved = false;
    for (let p = 0; p < bd.P && !augmentOut(); p++) {
      if (bd.deg[p]! >= bd.cap[p]! || !hasUnplaced(p)) continue;
      if (augment(bd, p, common, visiting, 1)) improved = true;
    }
  }

  compact(bd, out);

  // Tables: a locked meeting keeps its table; others keep last run's table when it is free, else the first free one.
  const placed: Placement[] = [];
  const usedTables = new Map<number, Set<number>>();
  const takeTable = (s: number, table: number) => {
    let set = usedTables.get(s);
    if (!set) usedTables.set(s, (set = new Set()));
    set.add(table);
  };
  for (const [i, table] of tableOf) takeTable(bd.mslot[i]!, table);
  const rest: number[] = [];
  for (let i = 0; i < bd.M; i++) {
    if (bd.mslot[i] === NONE || tableOf.has(i)) continue;
    const prev = meetings[i]!.previous;
    const s = bd.mslot[i]!;
    if (prev && prev.slotId === bd.slotIds[s] && !usedTables.get(s)?.has(prev.tableId) && input.tables.includes(prev.tableId)) {
      tableOf.set(i, prev.tableId);
      takeTable(s, prev.tableId);
    } else rest.push(i);
  }
  const cursor = new Int32Array(bd.S);
  for (const i of rest.sort((x, y) => meetings[x]!.id - meetings[y]!.id)) {
    const s = bd.mslot[i]!;
    const used = usedTables.get(s);
    let k = cursor[s]!;
    while (used?.has(input.tables[k]!)) k++;
    tableOf.set(i, input.tables[k]!);
    takeTable(s, input.tables[k]!);
    cursor[s] = k + 1;
  }
  for (let i = 0; i < bd.M; i++) if (bd.mslot[i] !== NONE) placed.push({ meetingId: meetings[i]!.id, slotId: bd.slotIds[bd.mslot[i]!]!, tableId: tableOf.get(i)! });

  const unplaced: Unplaced[] = [];
  for (let i = 0; i < bd.M; i++) {
    if (bd.mslot[i] !== NONE) continue;
    unplaced.push(explain(bd, i, common[i]!, refused.get(i)));
  }
  return { placed, unplaced, gaps: bd.totalGaps() };
}

/** Why meeting i is not placed, in the terms a reader can act on. */
function explain(bd: Board, i: number, common: number, refused: UnplacedCode | undefined): Unplaced {
  const meetingId = bd.input.meetings[i]!.id;
  if (refused) return { meetingId, code: refused, participant: null, commonSlots: common };
  if (common === 0) return { meetingId, code: 'no-common-slot', participant: null, commonSlots: 0 };
  const a = bd.ma[i]!;
  const b = bd.mb[i]!;
  if (bd.deg[a]! >= bd.cap[a]!) return { meetingId, code: 'participant-full', participant: bd.pIds[a]!, commonSlots: common };
  if (bd.deg[b]! >= bd.cap[b]!) return { meetingId, code: 'participant-full', participant: bd.pIds[b]!, commonSlots: common };
  // Were there slots where both were free but the tables ran out?
  for (let s = 0; s < bd.S; s++) {
    if (bd.open(a, s) && bd.open(b, s) && bd.busyAt(a, s) === NONE && bd.busyAt(b, s) === NONE) return { meetingId, code: 'no-table', participant: null, commonSlots: common };
  }
  return { meetingId, code: 'busy', participant: null, commonSlots: common };
}

/**
 * From participant u0 with room, search (breadth first, a few steps) for a path u0 –e1– v1 =f1= u1 –e2–
 * v2 … –ek– vk where each e is an unplaced meeting, each f a placed one, v1…v(k−1) are full and vk has
 * room. Each e takes the slot of the f it replaces (so only an f in a slot where the previous
 * participant is free is followed); the last e takes any slot both sides have free, by repair if need
 * be. Placing every e and dropping every f keeps every inner participant's count and adds one meeting.
 */
const MAX_PATH = 4;
/** Participants a search may reach before giving up (keeps one search cheap on dense fairs). */
const MAX_REACH = 300;
/** Paths tried per search before giving up on this participant for the round. */
const MAX_TRIES = 8;
interface Step {
  /** The unplaced meeting that reached this participant's partner, and the placed one dropped to free this participant. */
  via: number;
  drop: number;
  from: number;
  /** The slot this participant was freed in (its dropped meeting's). */
  freed: number;
}
function augment(bd: Board, u0: number, common: Int32Array, visiting: Uint8Array, depth: number): boolean {
  const seen = new Map<number, Step>();
  seen.set(u0, { via: NONE, drop: NONE, from: NONE, freed: NONE });
  let tries = 0;
  const expanded = new Set<number>();
  let frontier = [u0];
  for (let step = 0; step < MAX_PATH && frontier.length; step++) {
    const next: number[] = [];
    for (const u of frontier) {
      const at = seen.get(u)!;
      const freeAt = (t: number) => bd.open(u, t) && (bd.busyAt(u, t) === NONE || t === at.freed);
      for (const e of bd.byP[u]!) {
        if (bd.mslot[e] !== NONE || bd.locked[e] || bd.barred[e] || common[e] === 0) continue;
        const v = bd.ma[e] === u ? bd.mb[e]! : bd.ma[e]!;
        if (seen.has(v)) continue;
        if (bd.deg[v]! < bd.cap[v]!) {
          if (realize(bd, u, e, seen, visiting, depth)) return true;
          if (++tries >= MAX_TRIES) return false;
          continue;
        }
        // v is full: it drops a placed meeting in a slot where u is free; that meeting's partner w goes on.
        // Each full participant is opened once per search (from the first participant that reaches it).
        if (expanded.has(v)) continue;
        expanded.add(v);
        for (let sf = 0; sf < bd.S; sf++) {
          const f = bd.busyAt(v, sf);
          if (f === NONE || bd.locked[f] || !freeAt(sf)) continue;
          const w = bd.ma[f] === v ? bd.mb[f]! : bd.ma[f]!;
          if (seen.has(w)) continue;
          seen.set(w, { via: e, drop: f, from: u, freed: sf });
          next.push(w);
          if (seen.size > MAX_REACH) return false;
        }
      }
    }
    frontier = next;
  }
  return false;
}

/** Apply the path ending with meeting `last` from u: drop the placed meetings, place the unplaced ones. */
function realize(bd: Board, u: number, last: number, seen: Map<number, Step>, visiting: Uint8Array, depth: number): boolean {
  const moves: Array<{ add: number; slot: number }> = [];
  const drop: number[] = [];
  for (let w = u; ; ) {
    const step = seen.get(w)!;
    if (step.from === NONE) break;
    moves.push({ add: step.via, slot: step.freed });
    drop.push(step.drop);
    w = step.from;
  }
  const mark = bd.mark();
  for (const f of drop) bd.unplaceLogged(f);
  for (const m of moves) {
    const a = bd.ma[m.add]!;
    const b = bd.mb[m.add]!;
    if (bd.busyAt(a, m.slot) !== NONE || bd.busyAt(b, m.slot) !== NONE || !bd.open(a, m.slot) || !bd.open(b, m.slot) || bd.load[m.slot]! >= bd.T) {
      bd.rollback(mark);
      return false;
    }
    bd.placeLogged(m.add, m.slot);
  }
  // The last meeting: a slot both sides have free now, else (when allowed) a chain of moves.
  const direct = bestSlot(bd, last, NONE);
  if (direct !== NONE) bd.placeLogged(last, direct);
  else if (depth <= 0 || !placeWithRepair(bd, last, depth, visiting)) {
    bd.rollback(mark);
    return false;
  }
  bd.commit();
  return true;
}

/** Move meetings to other free slots while that lowers the gaps of the two participants; never unplaces. */
function compact(bd: Board, out: () => boolean): void {
  const S = bd.S;
  for (let pass = 0; pass < 8 && !out(); pass++) {
    let moved = 0;
    for (let i = 0; i < bd.M; i++) {
      const s = bd.mslot[i]!;
      if (s === NONE || bd.locked[i]) continue;
      const a = bd.ma[i]!;
      const b = bd.mb[i]!;
      const gapsOf = (slot: number) => bd.dayGaps(a, slot) + bd.dayGaps(b, slot);
      let best = NONE;
      let bestGain = 0;
      for (let t = 0; t < S; t++) {
        if (t === s || bd.load[t]! >= bd.T) continue;
        if (!bd.open(a, t) || !bd.open(b, t) || bd.busyAt(a, t) !== NONE || bd.busyAt(b, t) !== NONE) continue;
        const sameDay = bd.dayLo[t] === bd.dayLo[s];
        const before = gapsOf(s) + (sameDay ? 0 : gapsOf(t));
        bd.unplace(i);
        bd.place(i, t);
        const after = gapsOf(s) + (sameDay ? 0 : gapsOf(t));
        bd.unplace(i);
        bd.place(i, s);
        const gain = before - after;
        if (gain > bestGain) {
          bestGain = gain;
          best = t;
        }
      }
      if (best !== NONE) {
        bd.unplace(i);
        bd.place(i, best);
        moved++;
      }
    }
    if (!moved) break;
  }
}

/**
 * The baseline: first fit in request order. Each meeting takes the first slot where both are free and
 * open and a table is left, and the first free table there.
 */
export function greedyFirstFit(input: ScheduleInput): ScheduleResult {
  const bd = new Board(input);
  const tableOf = new Map<number, number>();
  const refused = new Map<number, UnplacedCode>();
  placeLocked(bd, input.meetings, tableOf, refused);
  const order = input.meetings.map((_, i) => i).filter((i) => !bd.locked[i] && !refused.has(i));
  order.sort((x, y) => input.meetings[x]!.id - input.meetings[y]!.id);
  for (const i of order) {
    const a = bd.ma[i]!;
    const b = bd.mb[i]!;
    if (bd.deg[a]! >= bd.cap[a]! || bd.deg[b]! >= bd.cap[b]!) continue;
    for (let s = 0; s < bd.S; s++) {
      if (bd.load[s]! < bd.T && bd.open(a, s) && bd.open(b, s) && bd.busyAt(a, s) === NONE && bd.busyAt(b, s) === NONE) {
        bd.place(i, s);
        break;
      }
    }
  }
  const placed: Placement[] = [];
  const next = new Int32Array(bd.S);
  const used = new Map<number, Set<number>>();
  for (const [i, table] of tableOf) {
    const s = bd.mslot[i]!;
    if (!used.has(s)) used.set(s, new Set());
    used.get(s)!.add(table);
  }
  for (let i = 0; i < bd.M; i++) {
    const s = bd.mslot[i]!;
    if (s === NONE) continue;
    let table = tableOf.get(i);
    if (table === undefined) {
      let k = next[s]!;
      while (used.get(s)?.has(input.tables[k]!)) k++;
      table = input.tables[k]!;
      next[s] = k + 1;
    }
    placed.push({ meetingId: input.meetings[i]!.id, slotId: bd.slotIds[s]!, tableId: table });
  }
  const unplaced: Unplaced[] = [];
  for (let i = 0; i < bd.M; i++) if (bd.mslot[i] === NONE) unplaced.push(explain(bd, i, bd.commonSlots(i), refused.get(i)));
  return { placed, unplaced, gaps: bd.totalGaps() };
}

/**
 * An upper bound on the meetings any schedule can place: the fractional maximum b-matching, where each
 * participant's capacity is its number of attendable slots (capped by the fair's maximum) and each
 * pair of participants can hold at most as many meetings as they requested and have common slots.
 * It is computed exactly as a maximum flow on the bipartite double cover (every participant on both
 * sides; a flow of F there is a fractional b-matching of F/2 and conversely), then capped by
 * slots × tables. On a bipartite request graph (buyers meet sellers) it is the integral optimum.
 * It ignores that meetings of one participant need distinct slots shared with each partner, so a
 * schedule may fall short of it; it can never exceed it.
 */
export function upperBound(input: ScheduleInput): number {
  const bd = new Board(input);
  const S = bd.S;
  // Pair multiplicities over meetings with a common slot; locked meetings count as placed.
  const pairs = new Map<number, number>();
  for (let i = 0; i < bd.M; i++) {
    let a = bd.ma[i]!;
    let b = bd.mb[i]!;
    if (a > b) [a, b] = [b, a];
    const key = a * bd.P + b;
    const limit = bd.commonSlots(i);
    if (limit === 0) continue;
    pairs.set(key, Math.min((pairs.get(key) ?? 0) + 1, limit));
  }
  // Nodes: 0 source, 1 sink, 2..P+1 left copies, P+2..2P+1 right copies.
  const P = bd.P;
  const g = new FlowGraph(2 * P + 2);
  for (let p = 0; p < P; p++) {
    g.add(0, 2 + p, bd.cap[p]!);
    g.add(2 + P + p, 1, bd.cap[p]!);
  }
  for (const [key, n] of pairs) {
    const a = Math.floor(key / P);
    const b = key % P;
    g.add(2 + a, 2 + P + b, n);
    g.add(2 + b, 2 + P + a, n);
  }
  const flow = g.maxFlow(0, 1);
  void S;
  return Math.min(Math.floor(flow / 2), bd.S * bd.T);
}

/** Dinic's maximum flow on integer capacities. */
class FlowGraph {
  private readonly head: Int32Array;
  private to: number[] = [];
  private capa: number[] = [];
  private next: number[] = [];
  private level: Int32Array;
  private it: Int32Array;
  constructor(private readonly n: number) {
    this.head = new Int32Array(n).fill(-1);
    this.level = new Int32Array(n);
    this.it = new Int32Array(n);
  }
  add(u: number, v: number, c: number): void {
    this.to.push(v, u);
    this.capa.push(c, 0);
    this.next.push(this.head[u]!, this.head[v]!);
    this.head[u] = this.to.length - 2;
    this.head[v] = this.to.length - 1;
  }
  private bfs(s: number, t: number): boolean {
    this.level.fill(-1);
    const q = new Int32Array(this.n);
    let qh = 0;
    let qt = 0;
    q[qt++] = s;
    this.level[s] = 0;
    while (qh < qt) {
      const u = q[qh++]!;
      for (let e = this.head[u]!; e !== -1; e = this.next[e]!) {
        const v = this.to[e]!;
        if (this.capa[e]! > 0 && this.level[v]! < 0) {
          this.level[v] = this.level[u]! + 1;
          q[qt++] = v;
        }
      }
    }
    return this.level[t]! >= 0;
  }
  private dfs(u: number, t: number, f: number): number {
    if (u === t) return f;
    for (; this.it[u] !== -1; this.it[u] = this.next[this.it[u]!]!) {
      const e = this.it[u]!;
      const v = this.to[e]!;
      if (this.capa[e]! > 0 && this.level[v] === this.level[u]! + 1) {
        const d = this.dfs(v, t, Math.min(f, this.capa[e]!));
        if (d > 0) {
          this.capa[e]! -= d;
          this.capa[e ^ 1]! += d;
          return d;
        }
      }
    }
    return 0;
  }
  maxFlow(s: number, t: number): number {
    let flow = 0;
    while (this.bfs(s, t)) {
      this.it.set(this.head);
      let f: number;
      while ((f = this.dfs(s, t, Number.MAX_SAFE_INTEGER)) > 0) flow += f;
    }
    return flow;
  }
}

/**
 * Why each unplaced meeting is unplaced, given where the others are now (after a run, or after staff
 * moved some by hand). The placements are taken as they are; `locked` and `previous` are ignored.
 */
export function explainUnplaced(input: ScheduleInput, placements: ReadonlyMap<number, number>): Unplaced[] {
  const bd = new Board(input);
  const out: Unplaced[] = [];
  const waiting: number[] = [];
  input.meetings.forEach((m, i) => {
    const slotId = placements.get(m.id);
    const s = slotId === undefined ? -1 : bd.slotIndexOf(slotId);
    if (s >= 0 && bd.busyAt(bd.ma[i]!, s) === NONE && bd.busyAt(bd.mb[i]!, s) === NONE) bd.place(i, s);
    else waiting.push(i);
  });
  for (const i of waiting) out.push(explain(bd, i, bd.commonSlots(i), undefined));
  return out;
}
