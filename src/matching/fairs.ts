import type { AppContext } from '../core/context.js';
import type { Db, DbOrTrx } from '../core/db/index.js';
import { audit } from '../core/audit.js';
import { bumpVersion } from '../core/versions.js';
import { matchingStore as store, type FairRow, type MeetingRow, type ParticipantRow, type SessionRow, type SlotRow, type TableRow } from './store.js';
import { actingCompany, requireStaff, sees, type Viewer } from './access.js';
import { Problems, fail, notFound, problem, say } from './errors.js';
import { explainUnplaced, schedule, type ScheduleInput, type UnplacedCode } from './scheduler.js';
import { toIcs, type IcsEvent } from './ical.js';
import { SCOPE, type CompanyRef, type MatchingService, type MeetingView, type OutcomeReport } from './service.js';
import { FAIR_STATUSES, isHhMm, isIsoDate, isMatchingKind, tokyoDate, tokyoInstant, type MatchingKind } from './rules.js';

export interface SessionInput {
  date: string;
  nameJa?: string | null;
  nameEn?: string | null;
  /** First slot starts, last slot ends by (Tokyo time, HH:MM). */
  start: string;
  end: string;
  slotMinutes: number;
  breakMinutes?: number;
}

export interface FairInput {
  nameJa: string;
  nameEn: string;
  kind?: string;
  venueJa?: string | null;
  venueEn?: string | null;
  descriptionJa?: string | null;
  descriptionEn?: string | null;
  /** Requests close at this instant (ISO, UTC or with an offset). */
  requestDeadline: string;
  maxMeetings?: number | null;
  status?: string;
  sessions: SessionInput[];
  /** Table names (numbers are names too: "1", "2" …). */
  tables: string[];
}

export type FairPatch = Partial<Omit<FairInput, 'sessions' | 'tables'>>;

export interface SlotView {
  id: number;
  sessionId: number;
  startsAt: string;
  endsAt: string;
}

export interface FairView {
  id: number;
  name: { ja: string; en: string };
  kind: MatchingKind;
  venue: { ja: string | null; en: string | null };
  description: { ja: string | null; en: string | null };
  startsOn: string;
  endsOn: string;
  requestDeadline: string;
  requestsOpen: boolean;
  maxMeetings: number | null;
  status: string;
  scheduledAt: string | null;
  sessions: Array<{ id: number; date: string; name: { ja: string; en: string }; slots: SlotView[] }>;
  tables: Array<{ id: number; name: string }>;
  participants: Array<{ company: CompanyRef; group: string }>;
  rules: Array<{ a: string; b: string }>;
  counts: { participants: number; meetings: number; placed: number; unplaced: number };
}

export interface UnplacedView {
  meeting: MeetingView;
  code: UnplacedCode;
  /** The participant that is full, for participant-full. */
  participant: CompanyRef | null;
  commonSlots: number;
}

export interface ScheduleView {
  placed: number;
  unplaced: UnplacedView[];
  gaps: number;
  /** Meetings whose slot or table changed in this run (their participants were told). */
  changed: number;
}

export interface AgendaView {
  fair: FairView;
  company: CompanyRef;
  meetings: MeetingView[];
  /** Accepted meetings not placed yet, with the reason. */
  unplaced: UnplacedView[];
  unavailableSlotIds: number[];
}

const LIMITS = { name: 200, text: 4000, sessions: 14, slots: 96, tables: 1000, group: 40, participants: 5000 };
const clean = (v: string | null | undefined) => {
  if (v === undefined || v === null) return null;
  const s = v.trim();
  return s === '' ? null : s;
};

/** Slots of a session: back to back from start, each slotMinutes long with breakMinutes between, all ending by `end`. */
export function slotsOf(s: SessionInput): Array<{ startsAt: string; endsAt: string }> {
  const out: Array<{ startsAt: string; endsAt: string }> = [];
  const start = Date.parse(tokyoInstant(s.date, s.start));
  const end = Date.parse(tokyoInstant(s.date, s.end));
  const step = (s.slotMinutes + (s.breakMinutes ?? 0)) * 60_000;
  for (let t = start; t + s.slotMinutes * 60_000 <= end && out.length <= LIMITS.slots; t += step) out.push({ startsAt: new Date(t).toISOString(), endsAt: new Date(t + s.slotMinutes * 60_000).toISOString() });
  return out;
}

export class FairService {
  constructor(
    private readonly ctx: AppContext,
    private readonly matching: MatchingService,
  ) {}

  private get db(): Db {
    return this.ctx.db;
  }
  private now(): string {
    return this.ctx.clock.now().toISOString();
  }

  // ---------------------------------------------------------------------------------------------
  // Fairs

  private checkFair(input: Partial<FairInput>, p: Problems, creating: boolean): void {
    for (const f of ['nameJa', 'nameEn'] as const) {
      if (creating || input[f] !== undefined) {
        const s = clean(input[f]);
        if (!s) p.add(f, 'matching.err.required');
        else if (s.length > LIMITS.name) p.add(f, 'matching.err.tooLong', { max: LIMITS.name });
      }
    }
    for (const f of ['venueJa', 'venueEn'] as const) if ((clean(input[f])?.length ?? 0) > LIMITS.name) p.add(f, 'matching.err.tooLong', { max: LIMITS.name });
    for (const f of ['descriptionJa', 'descriptionEn'] as const) if ((clean(input[f])?.length ?? 0) > LIMITS.text) p.add(f, 'matching.err.tooLong', { max: LIMITS.text });
    if (input.kind !== undefined && !isMatchingKind(input.kind)) p.add('kind', 'matching.err.matchingKind');
    if (creating || input.requestDeadline !== undefined) {
      if (!input.requestDeadline || Number.isNaN(Date.parse(input.requestDeadline)) || !/^\d{4}-\d{2}-\d{2}T/.test(input.requestDeadline)) p.add('requestDeadline', 'matching.err.instant');
    }
    if (input.maxMeetings !== undefined && input.maxMeetings !== null && (!Number.isInteger(input.maxMeetings) || input.maxMeetings < 1 || input.maxMeetings > 96)) p.add('maxMeetings', 'matching.err.range', { min: 1, max: 96 });
    if (input.status !== undefined && !(FAIR_STATUSES as readonly string[]).includes(input.status)) p.add('status', 'matching.err.status');
  }

  private checkLayout(input: Pick<FairInput, 'sessions' | 'tables'>, p: Problems): Array<{ session: SessionInput; slots: Array<{ startsAt: string; endsAt: string }> }> {
    const out: Array<{ session: SessionInput; slots: Array<{ startsAt: string; endsAt: string }> }> = [];
    if (!input.sessions.length) p.add('sessions', 'matching.err.sessionsRequired');
    if (input.sessions.length > LIMITS.sessions) p.add('sessions', 'matching.err.tooMany', { max: LIMITS.sessions });
    input.sessions.forEach((s, i) => {
      const f = `sessions.${i}`;
      if (!isIsoDate(s.date)) p.add(`${f}.date`, 'matching.err.date');
      if (!isHhMm(s.start)) p.add(`${f}.start`, 'matching.err.time');
      if (!isHhMm(s.end)) p.add(`${f}.end`, 'matching.err.time');
      if (!Number.isInteger(s.slotMinutes) || s.slotMinutes < 5 || s.slotMinutes > 240) p.add(`${f}.slotMinutes`, 'matching.err.range', { min: 5, max: 240 });
      if (s.breakMinutes !== undefined && (!Number.isInteger(s.breakMinutes) || s.breakMinutes < 0 || s.breakMinutes > 120)) p.add(`${f}.breakMinutes`, 'matching.err.range', { min: 0, max: 120 });
      if (p.list.some((x) => x.field.startsWith(`${f}.`))) return;
      const slots = slotsOf(s);
      if (!slots.length) p.add(`${f}.end`, 'matching.err.noSlots');
      out.push({ session: s, slots });
    });
    const total = out.reduce((n, s) => n + s.slots.length, 0);
    if (total > LIMITS.slots) p.add('sessions', 'matching.err.tooManySlots', { max: LIMITS.slots });
    const all = out.flatMap((s) => s.slots).sort((x, y) => x.startsAt.localeCompare(y.startsAt));
    for (let i = 1; i < all.length; i++) if (all[i]!.startsAt < all[i - 1]!.endsAt) p.add('sessions', 'matching.err.sessionsOverlap');
    const names = input.tables.map((t) => t.trim());
    if (!names.length) p.add('tables', 'matching.err.tablesRequired');
    else if (names.length > LIMITS.tables) p.add('tables', 'matching.err.tooMany', { max: LIMITS.tables });
    else if (names.some((n) => !n || n.length > 40)) p.add('tables', 'matching.err.tableName');
    else if (new Set(names).size !== names.length) p.add('tables', 'matching.err.tableDuplicate');
    return out;
  }

  async createFair(v: Viewer, input: FairInput): Promise<FairView> {
    requireStaff(v);
    const p = new Problems();
    this.checkFair(input, p, true);
    const layout = this.checkLayout(input, p);
    p.throwIfAny();
    const dates = input.sessions.map((s) => s.date).sort();
    const firstSlot = layout.flatMap((s) => s.slots).map((s) => s.startsAt).sort()[0]!;
    const deadline = new Date(input.requestDeadline).toISOString();
    if (deadline > firstSlot) throw fail('validation-failed', 'matching.err.invalid', [problem('requestDeadline', 'matching.err.deadlineAfterStart')]);
    const now = this.now();
    const fair = await this.db.transaction().execute(async (trx) => {
      const f = await store.insertFair(trx, {
        name_ja: clean(input.nameJa)!,
        name_en: clean(input.nameEn)!,
        kind: input.kind ?? 'business',
        venue_ja: clean(input.venueJa),
        venue_en: clean(input.venueEn),
        description_ja: clean(input.descriptionJa),
        description_en: clean(input.descriptionEn),
        starts_on: dates[0]!,
        ends_on: dates.at(-1)!,
        request_deadline: deadline,
        max_meetings: input.maxMeetings ?? null,
        status: input.status ?? 'draft',
        scheduled_at: null,
        created_by: v.user.id,
        created_at: now,
        updated_at: now,
      });
      await this.writeLayout(trx, f.id, layout, input.tables);
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.fair.create', entityType: 'matching_fair', entityId: f.id, after: { ...f, sessions: input.sessions, tables: input.tables } });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
      return f;
    });
    return this.fairView(fair, v);
  }

  private async writeLayout(trx: DbOrTrx, fairId: number, layout: Array<{ session: SessionInput; slots: Array<{ startsAt: string; endsAt: string }> }>, tables: string[]): Promise<void> {
    for (const [i, { session, slots }] of layout.entries()) {
      const s = await store.insertSession(trx, {
        fair_id: fairId,
        date: session.date,
        name_ja: clean(session.nameJa) ?? say('ja', 'matching.fair.sessionName', { n: i + 1 }),
        name_en: clean(session.nameEn) ?? say('en', 'matching.fair.sessionName', { n: i + 1 }),
      });
      await store.insertSlots(
        trx,
        slots.map((x) => ({ fair_id: fairId, session_id: s.id, starts_at: x.startsAt, ends_at: x.endsAt })),
      );
    }
    await store.insertTables(
      trx,
      tables.map((name, position) => ({ fair_id: fairId, name: name.trim(), position })),
    );
  }

  async updateFair(v: Viewer, id: number, patch: FairPatch & Partial<Pick<FairInput, 'sessions' | 'tables'>>): Promise<FairView> {
    requireStaff(v);
    const before = await store.fair(this.db, id);
    if (!before) throw notFound('fair');
    const p = new Problems();
    this.checkFair(patch, p, false);
    const relayout = patch.sessions !== undefined || patch.tables !== undefined;
    let layout: ReturnType<FairService['checkLayout']> = [];
    let tables: string[] = [];
    if (relayout) {
      const sessions = await store.sessions(this.db, id);
      const slots = await store.slots(this.db, id);
      const current = (await store.tables(this.db, id)).map((t) => t.name);
      const sessionInputs: SessionInput[] =
        patch.sessions ??
        sessions.map((s) => {
          const own = slots.filter((x) => x.session_id === s.id);
          const mins = own.length ? (Date.parse(own[0]!.ends_at) - Date.parse(own[0]!.starts_at)) / 60_000 : 30;
          const gap = own.length > 1 ? (Date.parse(own[1]!.starts_at) - Date.parse(own[0]!.ends_at)) / 60_000 : 0;
          const hhmm = (iso: string) => new Date(Date.parse(iso) + 9 * 3600_000).toISOString().slice(11, 16);
          return { date: s.date, nameJa: s.name_ja, nameEn: s.name_en, start: hhmm(own[0]!.starts_at), end: hhmm(own.at(-1)!.ends_at), slotMinutes: mins, breakMinutes: gap };
        });
      tables = patch.tables ?? current;
      layout = this.checkLayout({ sessions: sessionInputs, tables }, p);
    }
    p.throwIfAny();
    if (relayout) {
      const placed = (await store.fairMeetings(this.db, id)).filter((m) => m.slot_id !== null || m.starts_at !== null);
      if (placed.length) throw fail('conflict', 'matching.err.layoutLocked', [problem(patch.sessions ? 'sessions' : 'tables', 'matching.err.layoutLocked')]);
    }
    const deadline = patch.requestDeadline ? new Date(patch.requestDeadline).toISOString() : before.request_deadline;
    const fair = await this.db.transaction().execute(async (trx) => {
      if (relayout) {
        await trx.deleteFrom('matching_fair_unavailable').where('fair_id', '=', id).execute();
        await trx.deleteFrom('matching_fair_slots').where('fair_id', '=', id).execute();
        await trx.deleteFrom('matching_fair_sessions').where('fair_id', '=', id).execute();
        await trx.deleteFrom('matching_fair_tables').where('fair_id', '=', id).execute();
        await this.writeLayout(trx, id, layout, tables);
      }
      const dates = relayout ? layout.map((l) => l.session.date).sort() : [before.starts_on, before.ends_on];
      const f = await store.updateFair(trx, id, {
        ...(patch.nameJa !== undefined ? { name_ja: clean(patch.nameJa)! } : {}),
        ...(patch.nameEn !== undefined ? { name_en: clean(patch.nameEn)! } : {}),
        ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
        ...(patch.venueJa !== undefined ? { venue_ja: clean(patch.venueJa) } : {}),
        ...(patch.venueEn !== undefined ? { venue_en: clean(patch.venueEn) } : {}),
        ...(patch.descriptionJa !== undefined ? { description_ja: clean(patch.descriptionJa) } : {}),
        ...(patch.descriptionEn !== undefined ? { description_en: clean(patch.descriptionEn) } : {}),
        ...(patch.maxMeetings !== undefined ? { max_meetings: patch.maxMeetings } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        request_deadline: deadline,
        starts_on: dates[0]!,
        ends_on: dates.at(-1)!,
        updated_at: this.now(),
      });
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.fair.update', entityType: 'matching_fair', entityId: id, before, after: { ...f, ...(relayout ? { sessions: layout.map((l) => l.session), tables } : {}) } });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
      return f;
    });
    return this.fairView(fair, v);
  }

  /** The fair, if the viewer may see it: staff always; a participant once it is no longer a draft. */
  async fairFor(v: Viewer, id: number): Promise<FairRow> {
    const fair = await store.fair(this.db, id);
    if (!fair) throw notFound('fair');
    if (v.staff) return fair;
    if (v.companyId === null || fair.status === 'draft' || !(await store.participant(this.db, id, v.companyId))) throw notFound('fair');
    return fair;
  }

  async getFair(v: Viewer, id: number): Promise<FairView> {
    return this.fairView(await this.fairFor(v, id), v);
  }

  async listFairs(v: Viewer): Promise<FairView[]> {
    const rows = v.staff ? await store.fairs(this.db) : v.companyId === null ? [] : (await store.fairs(this.db, await store.fairsOfCompany(this.db, v.companyId))).filter((f) => f.status !== 'draft');
    return Promise.all(rows.map((f) => this.fairView(f, v)));
  }

  async fairView(f: FairRow, v: Viewer): Promise<FairView> {
    void v;
    const [sessions, slots, tables, participants, rules, meetings] = await Promise.all([store.sessions(this.db, f.id), store.slots(this.db, f.id), store.tables(this.db, f.id), store.participants(this.db, f.id), store.rules(this.db, f.id), store.fairMeetings(this.db, f.id)]);
    const refs = await this.matching.refs(participants.map((p) => p.company_id));
    const live = meetings.filter((m) => m.status === 'planned' || m.status === 'held');
    return {
      id: f.id,
      name: { ja: f.name_ja, en: f.name_en },
      kind: f.kind as MatchingKind,
      venue: { ja: f.venue_ja, en: f.venue_en },
      description: { ja: f.description_ja, en: f.description_en },
      startsOn: f.starts_on,
      endsOn: f.ends_on,
      requestDeadline: f.request_deadline,
      requestsOpen: f.status === 'open' && f.request_deadline > this.now(),
      maxMeetings: f.max_meetings,
      status: f.status,
      scheduledAt: f.scheduled_at,
      sessions: sessions.map((s) => ({ id: s.id, date: s.date, name: { ja: s.name_ja, en: s.name_en }, slots: slots.filter((x) => x.session_id === s.id).map(slotView) })),
      tables: tables.map((t) => ({ id: t.id, name: t.name })),
      participants: participants.map((p) => ({ company: refs.get(p.company_id)!, group: p.group_name })),
      rules: rules.map((r) => ({ a: r.group_a, b: r.group_b })),
      counts: { participants: participants.length, meetings: live.length, placed: live.filter((m) => m.slot_id !== null).length, unplaced: live.filter((m) => m.slot_id === null && m.status === 'planned').length },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Participants, rules, availability

  async setParticipant(v: Viewer, fairId: number, companyId: number, group: string | null | undefined): Promise<FairView> {
    requireStaff(v);
    const fair = await store.fair(this.db, fairId);
    if (!fair) throw notFound('fair');
    const g = clean(group) ?? 'participant';
    if (g.length > LIMITS.group) throw fail('validation-failed', 'matching.err.invalid', [problem('group', 'matching.err.tooLong', { max: LIMITS.group })]);
    const company = await this.matching.companyOrFail(companyId, 'companyId');
    await this.db.transaction().execute(async (trx) => {
      const before = await store.participant(trx, fairId, company.id);
      if (before) await store.updateParticipant(trx, before.id, g);
      else {
        const n = (await store.participants(trx, fairId)).length;
        if (n >= LIMITS.participants) throw fail('conflict', 'matching.err.tooMany', [problem('companyId', 'matching.err.tooMany', { max: LIMITS.participants })], { max: LIMITS.participants });
        await store.insertParticipant(trx, { fair_id: fairId, company_id: company.id, group_name: g, created_at: this.now() });
      }
      await audit(trx, this.ctx.clock, v.actor, { action: before ? 'matching.fair.participant.update' : 'matching.fair.participant.add', entityType: 'matching_fair', entityId: fairId, before: before ?? undefined, after: { company_id: company.id, group_name: g } });
      if (!before && fair.status !== 'draft') await this.matching.notify(trx as never, [company.id], 'matching.mail.invited', { fair: fair.name_ja, fairEn: fair.name_en }, `/matching/fairs/${fairId}`, { module: 'matching', fairId });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
    });
    return this.fairView((await store.fair(this.db, fairId))!, v);
  }

  async removeParticipant(v: Viewer, fairId: number, companyId: number): Promise<void> {
    requireStaff(v);
    const before = await store.participant(this.db, fairId, companyId);
    if (!before) throw notFound('participant');
    const live = (await store.fairMeetings(this.db, fairId)).filter((m) => m.status === 'planned' && (m.company_a === companyId || m.company_b === companyId));
    if (live.length) throw fail('conflict', 'matching.err.participantHasMeetings', [problem('companyId', 'matching.err.participantHasMeetings', { n: live.length })]);
    await this.db.transaction().execute(async (trx) => {
      await store.deleteParticipant(trx, before.id);
      await store.replaceUnavailable(trx, fairId, companyId, []);
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.fair.participant.remove', entityType: 'matching_fair', entityId: fairId, before });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
    });
  }

  async setRules(v: Viewer, fairId: number, rules: Array<{ a: string; b: string }>): Promise<FairView> {
    requireStaff(v);
    const fair = await store.fair(this.db, fairId);
    if (!fair) throw notFound('fair');
    const p = new Problems();
    const pairs: Array<[string, string]> = [];
    rules.forEach((r, i) => {
      const a = clean(r.a);
      const b = clean(r.b);
      if (!a || !b || a.length > LIMITS.group || b.length > LIMITS.group) p.add(`rules.${i}`, 'matching.err.rule');
      else pairs.push([a, b]);
    });
    p.throwIfAny();
    await this.db.transaction().execute(async (trx) => {
      const before = await store.rules(trx, fairId);
      await store.replaceRules(trx, fairId, pairs);
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.fair.rules', entityType: 'matching_fair', entityId: fairId, before: before.map((r) => [r.group_a, r.group_b]), after: pairs });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
    });
    return this.fairView(fair, v);
  }

  /** A participant marks the slots it cannot attend (replacing its earlier marks). */
  async setUnavailable(v: Viewer, fairId: number, input: { companyId?: number; slotIds: number[] }): Promise<number[]> {
    const fair = await this.fairFor(v, fairId);
    const companyId = actingCompany(v, input.companyId);
    if (!(await store.participant(this.db, fairId, companyId))) throw fail('validation-failed', 'matching.err.invalid', [problem('companyId', 'matching.err.otherNotParticipant')]);
    const slots = new Set((await store.slots(this.db, fairId)).map((s) => s.id));
    const ids = [...new Set(input.slotIds)];
    const unknown = ids.filter((id) => !slots.has(id));
    if (unknown.length) throw fail('validation-failed', 'matching.err.invalid', [problem('slotIds', 'matching.err.unknownSlot', { ids: unknown.join(', ') })]);
    await this.db.transaction().execute(async (trx) => {
      const before = (await store.unavailable(trx, fairId, companyId)).map((u) => u.slot_id);
      await store.replaceUnavailable(trx, fairId, companyId, ids);
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.fair.availability', entityType: 'matching_fair', entityId: fair.id, before: { company_id: companyId, unavailable: before }, after: { company_id: companyId, unavailable: ids } });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
    });
    return ids.sort((x, y) => x - y);
  }

  // ---------------------------------------------------------------------------------------------
  // Scheduling

  /** The scheduler's view of a fair: its slots, tables, unavailable slots and planned meetings. */
  private async scheduleInput(fair: FairRow): Promise<{ input: ScheduleInput; meetings: MeetingRow[]; slots: SlotRow[]; tables: TableRow[]; sessions: SessionRow[] }> {
    const [sessions, slots, tables, unavailable, all] = await Promise.all([store.sessions(this.db, fair.id), store.slots(this.db, fair.id), store.tables(this.db, fair.id), store.unavailable(this.db, fair.id), store.fairMeetings(this.db, fair.id)]);
    // Only accepted meetings still to happen are placed: declined or expired requests never became meetings.
    const meetings = all.filter((m) => m.status === 'planned');
    const sessionOf = new Map(slots.map((s) => [s.id, s.session_id]));
    const input: ScheduleInput = {
      slots: slots.map((s) => ({ id: s.id, day: `${sessions.find((x) => x.id === sessionOf.get(s.id))?.date ?? ''}#${s.session_id}`, order: Date.parse(s.starts_at) })),
      tables: tables.map((t) => t.id),
      meetings: meetings.map((m) => ({
        id: m.id,
        a: m.company_a,
        b: m.company_b,
        locked: m.locked && m.slot_id !== null && m.table_id !== null ? { slotId: m.slot_id, tableId: m.table_id } : null,
        previous: m.slot_id !== null && m.table_id !== null ? { slotId: m.slot_id, tableId: m.table_id } : null,
      })),
      unavailable: unavailable.map((u) => ({ participant: u.company_id, slotId: u.slot_id })),
      maxPerParticipant: fair.max_meetings,
    };
    return { input, meetings, slots, tables, sessions };
  }

  private async unplacedViews(v: Viewer, list: ReturnType<typeof explainUnplaced>, meetings: MeetingRow[]): Promise<UnplacedView[]> {
    const byId = new Map(meetings.map((m) => [m.id, m]));
    const views = new Map((await this.matching.meetingViews(list.map((u) => byId.get(u.meetingId)!).filter(Boolean), v)).map((m) => [m.id, m]));
    const refs = await this.matching.refs(list.map((u) => u.participant).filter((x): x is number => x !== null));
    return list.filter((u) => views.has(u.meetingId)).map((u) => ({ meeting: views.get(u.meetingId)!, code: u.code, participant: u.participant === null ? null : refs.get(u.participant)!, commonSlots: u.commonSlots }));
  }

  /** Run the scheduler around locked meetings and store the result; participants of changed meetings are told. */
  async runSchedule(v: Viewer, fairId: number): Promise<ScheduleView> {
    requireStaff(v);
    const fair = await store.fair(this.db, fairId);
    if (!fair) throw notFound('fair');
    const { input, meetings, slots, tables } = await this.scheduleInput(fair);
    if (!slots.length || !tables.length) throw fail('conflict', 'matching.err.noLayout');
    const result = schedule(input);
    const slotById = new Map(slots.map((s) => [s.id, s]));
    const next = new Map(result.placed.map((p) => [p.meetingId, p]));
    const changed = meetings.filter((m) => {
      const p = next.get(m.id);
      return (p?.slotId ?? null) !== m.slot_id || (p?.tableId ?? null) !== m.table_id;
    });
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      await store.clearPlaces(
        trx,
        changed.map((m) => m.id),
      );
      for (const m of changed) {
        const p = next.get(m.id);
        const slot = p ? slotById.get(p.slotId)! : null;
        await store.updateMeeting(trx, m.id, {
          slot_id: p?.slotId ?? null,
          table_id: p?.tableId ?? null,
          // A meeting that loses its place keeps the time it had, so its calendar event can be cancelled.
          starts_at: slot?.starts_at ?? m.starts_at,
          ends_at: slot?.ends_at ?? m.ends_at,
          sequence: m.sequence + 1,
          updated_at: now,
        });
      }
      await store.updateFair(trx, fairId, { scheduled_at: now, updated_at: now });
      await audit(trx, this.ctx.clock, v.actor, {
        action: 'matching.fair.schedule',
        entityType: 'matching_fair',
        entityId: fairId,
        before: { placed: meetings.filter((m) => m.slot_id !== null).length },
        after: { placed: result.placed.length, unplaced: result.unplaced.length, gaps: result.gaps, changed: changed.map((m) => m.id) },
      });
      await this.tellChanged(trx, fair, changed);
      await bumpVersion(trx, this.ctx.clock, SCOPE);
    });
    return { placed: result.placed.length, unplaced: await this.unplacedViews(v, result.unplaced, meetings), gaps: result.gaps, changed: changed.length };
  }

  /** The unplaced meetings of a fair as things stand, each with its reason. */
  async unplaced(v: Viewer, fairId: number): Promise<UnplacedView[]> {
    const fair = await this.fairFor(v, fairId);
    const { input, meetings } = await this.scheduleInput(fair);
    const placements = new Map(meetings.filter((m) => m.slot_id !== null).map((m) => [m.id, m.slot_id!]));
    let list = explainUnplaced(input, placements);
    if (!v.staff) {
      const own = new Set(meetings.filter((m) => sees(v, m.company_a, m.company_b)).map((m) => m.id));
      list = list.filter((u) => own.has(u.meetingId));
    }
    return this.unplacedViews(v, list, meetings);
  }

  /** One mail per company whose meetings moved: the new times, and the agenda's calendar file to import again. */
  private async tellChanged(trx: DbOrTrx, fair: FairRow, changed: MeetingRow[]): Promise<void> {
    const companies = new Set(changed.flatMap((m) => [m.company_a, m.company_b]));
    for (const c of companies) {
      await this.matching.notify(trx as never, [c], 'matching.mail.scheduleChanged', { fair: fair.name_ja, fairEn: fair.name_en, n: changed.filter((m) => m.company_a === c || m.company_b === c).length }, `/matching/fairs/${fair.id}/agenda.ics?companyId=${c}`, { module: 'matching', fairId: fair.id, companyId: c });
    }
  }

  /**
   * Staff put a meeting in a slot and at a table by hand (or take it out with slotId null). A clash
   * (the table taken, either company busy or unavailable then) is refused with each clash named.
   * A hand-placed meeting is locked unless told otherwise, so a re-run keeps it.
   */
  async place(v: Viewer, meetingId: number, input: { slotId: number | null; tableId?: number | null; lock?: boolean }): Promise<MeetingView> {
    requireStaff(v);
    const m = await store.meeting(this.db, meetingId);
    if (!m || m.fair_id === null) throw notFound('meeting');
    if (m.status !== 'planned') throw fail('conflict', 'matching.err.meetingNotPlanned', [problem('slotId', 'matching.err.meetingNotPlanned')]);
    const fair = (await store.fair(this.db, m.fair_id))!;
    let slot: SlotRow | undefined;
    if (input.slotId !== null) {
      const slots = await store.slots(this.db, fair.id);
      const tables = await store.tables(this.db, fair.id);
      slot = slots.find((s) => s.id === input.slotId);
      const p = new Problems();
      if (!slot) p.add('slotId', 'matching.err.unknownSlot', { ids: String(input.slotId) });
      if (!input.tableId || !tables.some((t) => t.id === input.tableId)) p.add('tableId', 'matching.err.unknownTable');
      p.throwIfAny();
      const clashes = await this.clashes(fair.id, m, input.slotId, input.tableId!);
      if (clashes.length) throw fail('conflict', 'matching.err.clash', clashes, undefined, { clashes: clashes.map((c) => ({ field: c.field, message: c.message })) });
    }
    const now = this.now();
    const updated = await this.db.transaction().execute(async (trx) => {
      await store.clearPlaces(trx, [m.id]);
      const r = await store.updateMeeting(trx, m.id, {
        slot_id: slot?.id ?? null,
        table_id: slot ? input.tableId! : null,
        starts_at: slot?.starts_at ?? m.starts_at,
        ends_at: slot?.ends_at ?? m.ends_at,
        locked: slot && input.lock !== false ? 1 : 0,
        sequence: m.sequence + 1,
        updated_at: now,
      });
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.meeting.place', entityType: 'matching_meeting', entityId: m.id, before: m, after: r });
      await this.tellChanged(trx, fair, [r]);
      await bumpVersion(trx, this.ctx.clock, SCOPE);
      return r;
    });
    return (await this.matching.meetingViews([updated], v))[0]!;
  }

  /** What stands in the way of putting meeting m in the slot at the table. */
  async clashes(fairId: number, m: MeetingRow, slotId: number, tableId: number): Promise<ReturnType<typeof problem>[]> {
    const out: ReturnType<typeof problem>[] = [];
    const others = (await store.fairMeetings(this.db, fairId)).filter((x) => x.id !== m.id && x.status === 'planned' && x.slot_id === slotId);
    const refs = await this.matching.refs([m.company_a, m.company_b, ...others.flatMap((x) => [x.company_a, x.company_b])]);
    const name = (id: number) => `${refs.get(id)!.name.ja} / ${refs.get(id)!.name.en}`;
    const atTable = others.find((x) => x.table_id === tableId);
    if (atTable) out.push(problem('tableId', 'matching.err.clash.table', { meeting: atTable.id, a: name(atTable.company_a), b: name(atTable.company_b) }));
    for (const c of [m.company_a, m.company_b]) {
      const busy = others.find((x) => x.company_a === c || x.company_b === c);
      if (busy) out.push(problem('slotId', 'matching.err.clash.busy', { company: name(c), meeting: busy.id }));
    }
    const unavailable = await store.unavailable(this.db, fairId);
    for (const c of [m.company_a, m.company_b]) if (unavailable.some((u) => u.company_id === c && u.slot_id === slotId)) out.push(problem('slotId', 'matching.err.clash.unavailable', { company: name(c) }));
    return out;
  }

  async lock(v: Viewer, meetingId: number, locked: boolean): Promise<MeetingView> {
    requireStaff(v);
    const m = await store.meeting(this.db, meetingId);
    if (!m || m.fair_id === null) throw notFound('meeting');
    if (locked && m.slot_id === null) throw fail('conflict', 'matching.err.lockUnplaced', [problem('locked', 'matching.err.lockUnplaced')]);
    const updated = await this.db.transaction().execute(async (trx) => {
      const r = await store.updateMeeting(trx, m.id, { locked: locked ? 1 : 0, updated_at: this.now() });
      await audit(trx, this.ctx.clock, v.actor, { action: locked ? 'matching.meeting.lock' : 'matching.meeting.unlock', entityType: 'matching_meeting', entityId: m.id, before: { locked: m.locked }, after: { locked: r.locked } });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
      return r;
    });
    return (await this.matching.meetingViews([updated], v))[0]!;
  }

  /** Staff record who came to a fair meeting: both → held on the slot's date; otherwise not held. */
  async attendance(v: Viewer, meetingId: number, input: { a: boolean; b: boolean }): Promise<MeetingView> {
    requireStaff(v);
    const m = await store.meeting(this.db, meetingId);
    if (!m || m.fair_id === null) throw notFound('meeting');
    if (m.status === 'cancelled') throw fail('conflict', 'matching.err.meetingCancelled', [problem('a', 'matching.err.meetingCancelled')]);
    if (m.slot_id === null || !m.starts_at) throw fail('conflict', 'matching.err.notScheduled', [problem('a', 'matching.err.notScheduled')]);
    const heldOn = tokyoDate(new Date(m.starts_at));
    if (m.starts_at > this.now()) throw fail('conflict', 'matching.err.notYet', [problem('a', 'matching.err.notYet')]);
    const held = input.a && input.b;
    const settings = await this.matching.settings();
    const updated = await this.db.transaction().execute(async (trx) => {
      const r = await store.updateMeeting(trx, m.id, { attended_a: input.a ? 1 : 0, attended_b: input.b ? 1 : 0, status: held ? 'held' : 'not-held', held_on: held ? heldOn : null, updated_at: this.now() });
      if (held) await this.matching.createFollowups(trx, r, settings);
      await audit(trx, this.ctx.clock, v.actor, { action: 'matching.meeting.attendance', entityType: 'matching_meeting', entityId: m.id, before: m, after: r });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
      return r;
    });
    return (await this.matching.meetingViews([updated], v))[0]!;
  }

  // ---------------------------------------------------------------------------------------------
  // Agenda

  /** The company whose agenda is asked for: a member's own (another company's is, for it, not there). */
  private agendaCompany(v: Viewer, companyId: number | undefined): number {
    if (!v.staff && companyId !== undefined && companyId !== v.companyId) throw notFound('participant');
    return actingCompany(v, companyId);
  }

  async agenda(v: Viewer, fairId: number, companyId?: number): Promise<AgendaView> {
    const fair = await this.fairFor(v, fairId);
    const company = this.agendaCompany(v, companyId);
    if (!(await store.participant(this.db, fairId, company))) throw notFound('participant');
    const all = (await store.fairMeetings(this.db, fairId)).filter((m) => m.company_a === company || m.company_b === company);
    const placed = all.filter((m) => m.status !== 'cancelled' && m.slot_id !== null).sort((x, y) => (x.starts_at ?? '').localeCompare(y.starts_at ?? '') || x.id - y.id);
    const meetings = await this.matching.meetingViews(placed, v);
    const unplaced = (await this.unplaced({ ...v, staff: true }, fairId)).filter((u) => u.meeting.companies.some((c) => c.id === company));
    const unavailable = (await store.unavailable(this.db, fairId, company)).map((u) => u.slot_id).sort((x, y) => x - y);
    return { fair: await this.fairView(fair, v), company: (await this.matching.refs([company])).get(company)!, meetings, unplaced, unavailableSlotIds: unavailable };
  }

  /** The agenda as iCalendar: one event per meeting, cancelled ones kept as CANCELLED with their last time. */
  async agendaIcs(v: Viewer, fairId: number, companyId: number | undefined, lang: 'ja' | 'en'): Promise<{ filename: string; body: string }> {
    const fair = await this.fairFor(v, fairId);
    const company = this.agendaCompany(v, companyId);
    if (!(await store.participant(this.db, fairId, company))) throw notFound('participant');
    const rows = (await store.fairMeetings(this.db, fairId)).filter((m) => (m.company_a === company || m.company_b === company) && m.starts_at !== null);
    const views = new Map((await this.matching.meetingViews(rows, v)).map((m) => [m.id, m]));
    const host = new URL(this.ctx.config.publicUrl).hostname || 'kabuto';
    const fairName = lang === 'ja' ? fair.name_ja : fair.name_en;
    const venue = lang === 'ja' ? (fair.venue_ja ?? fair.venue_en) : (fair.venue_en ?? fair.venue_ja);
    const events: IcsEvent[] = rows.map((m) => {
      const view = views.get(m.id)!;
      const other = view.companies[m.company_a === company ? 1 : 0];
      const live = m.status !== 'cancelled' && m.status !== 'not-held' && m.slot_id !== null;
      const table = view.table?.name ?? '';
      return {
        uid: `matching-meeting-${m.id}@${host}`,
        sequence: m.sequence,
        start: m.starts_at!,
        end: m.ends_at ?? m.starts_at!,
        summary: say(lang, 'matching.ics.summary', { other: other.name[lang], fair: fairName }),
        location: live ? [say(lang, 'matching.ics.table', { table }), venue].filter(Boolean).join(', ') : venue,
        description: say(lang, 'matching.ics.description', { other: other.name[lang], link: `${this.ctx.config.publicUrl}/matching/fairs/${fairId}/agenda` }),
        status: live ? 'CONFIRMED' : 'CANCELLED',
        lastModified: m.updated_at,
      };
    });
    return { filename: `fair-${fairId}-agenda-${company}.ics`, body: toIcs({ name: `${fairName}`, stamp: this.now(), events }) };
  }

  // ---------------------------------------------------------------------------------------------
  // After the fair

  async report(v: Viewer, fairId: number): Promise<OutcomeReport & { participants: number; requests: { total: number; accepted: number; declined: number; expired: number; pending: number }; unplaced: number }> {
    requireStaff(v);
    const fair = await store.fair(this.db, fairId);
    if (!fair) throw notFound('fair');
    const meetings = await store.fairMeetings(this.db, fairId);
    const base = await this.matching.buildReport(meetings, fairId);
    const requests = await this.matching.listRequests(v, { fairId });
    const count = (s: string) => requests.filter((r) => r.status === s).length;
    const participants = (await store.participants(this.db, fairId)).length;
    return {
      ...base,
      participants,
      requests: { total: requests.length, accepted: count('accepted'), declined: count('declined'), expired: count('expired'), pending: count('pending') },
      unplaced: meetings.filter((m) => m.status === 'planned' && m.slot_id === null).length,
    };
  }
}

function slotView(s: SlotRow): SlotView {
  return { id: s.id, sessionId: s.session_id, startsAt: s.starts_at, endsAt: s.ends_at };
}

export type { ParticipantRow };
