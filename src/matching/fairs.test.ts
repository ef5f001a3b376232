import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, testApp, type TestApp } from '../../test/helpers.js';
import { api, caller, company, count, ok, snapshot, type Caller } from './testing.js';

/** Unfold iCalendar lines and read the events as records of their properties. */
function events(ics: string): Array<Record<string, string>> {
  const lines = ics.replace(/\r\n[ \t]/g, '').split('\r\n');
  const out: Array<Record<string, string>> = [];
  let cur: Record<string, string> | null = null;
  for (const l of lines) {
    if (l === 'BEGIN:VEVENT') cur = {};
    else if (l === 'END:VEVENT' && cur) {
      out.push(cur);
      cur = null;
    } else if (cur) {
      const i = l.indexOf(':');
      cur[l.slice(0, i)] = l.slice(i + 1);
    }
  }
  return out;
}

const FAIR = {
  nameJa: '東京フィンテック商談会',
  nameEn: 'Tokyo FinTech Matching Fair',
  kind: 'fintech-finance',
  venueJa: '東京国際フォーラム',
  venueEn: 'Tokyo International Forum',
  requestDeadline: '2020-06-30T09:00:00Z',
  maxMeetings: 3,
  status: 'open',
  // Four 30-minute slots from 10:00 to 12:00 Tokyo time on 1 July 2020.
  sessions: [{ date: '2020-07-01', start: '10:00', end: '12:00', slotMinutes: 30 }],
  tables: ['A', 'B'],
};

for (const dialect of DIALECTS) {
  describe(`matching fairs [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let staff: Caller;
    let fairId: number;
    let slots: number[];
    let tables: number[];
    const ids: Record<string, number> = {};
    const who: Record<string, Caller> = {};

    before(async () => {
      t = await testApp(dialect, { now: '2020-06-15T03:00:00Z' });
      staff = await caller(t, 'staff');
      // Two foreign FinTech firms (fintech group) and three Tokyo banks (bank group); one outsider.
      for (const [key, where, group] of [
        ['f1', 'foreign', 'fintech'],
        ['f2', 'foreign', 'fintech'],
        ['b1', 'tokyo', 'bank'],
        ['b2', 'tokyo', 'bank'],
        ['b3', 'tokyo', 'bank'],
        ['x', 'tokyo', ''],
      ] as const) {
        ids[key] = await company(t, where, { nameEn: `Fair ${key.toUpperCase()} Co`, jsic: 'J' });
        who[key] = await caller(t, 'member', ids[key]);
        void group;
      }
    });
    after(async () => t?.close());

    const bad: Array<[string, Record<string, unknown>, string]> = [
      ['overlapping sessions', { sessions: [FAIR.sessions[0], { date: '2020-07-01', start: '11:00', end: '12:00', slotMinutes: 30 }] }, 'sessions'],
      ['a request deadline after the first slot', { requestDeadline: '2020-07-02T00:00:00Z' }, 'requestDeadline'],
      ['no tables', { tables: [] }, 'tables'],
      ['two tables of one name', { tables: ['A', 'A'] }, 'tables'],
      ['a session too short for one slot', { sessions: [{ date: '2020-07-01', start: '10:00', end: '10:20', slotMinutes: 30 }] }, 'sessions.0.end'],
      ['a malformed date', { sessions: [{ date: '2020-13-01', start: '10:00', end: '12:00', slotMinutes: 30 }] }, 'sessions.0.date'],
    ];
    for (const [what, over, field] of bad) {
      it(`refuses a fair with ${what}, naming the field`, async () => {
        const before = await count(t, 'matching_fairs');
        const res = await api(t, staff).post('/fairs', { ...FAIR, ...over });
        assert.equal(res.statusCode, 422, res.body);
        assert.ok(res.json().errors.some((e: any) => e.field === field), res.body);
        assert.equal(await count(t, 'matching_fairs'), before);
      });
    }

    it('creates a fair with slots made from its session, invites participants into groups and sets which groups meet', async () => {
      assert.equal((await api(t, who.f1!).post('/fairs', FAIR)).statusCode, 403);
      const fair = ok(await api(t, staff).post('/fairs', { ...FAIR, status: 'draft' }), 201);
      fairId = fair.id;
      slots = fair.sessions[0].slots.map((s: any) => s.id);
      tables = fair.tables.map((x: any) => x.id);
      assert.equal(slots.length, 4);
      assert.equal(fair.sessions[0].slots[0].startsAt, '2020-07-01T01:00:00.000Z');
      for (const key of ['f1', 'f2']) ok(await api(t, staff).put(`/fairs/${fairId}/participants/${ids[key]}`, { group: 'fintech' }));
      for (const key of ['b1', 'b2', 'b3']) ok(await api(t, staff).put(`/fairs/${fairId}/participants/${ids[key]}`, { group: 'bank' }));
      const ruled = ok(await api(t, staff).put(`/fairs/${fairId}/rules`, { rules: [{ a: 'fintech', b: 'bank' }] }));
      assert.deepEqual(ruled.rules, [{ a: 'fintech', b: 'bank' }]);
      // A draft is not shown to participants yet.
      assert.equal((await api(t, who.f1!).get(`/fairs/${fairId}`)).statusCode, 404);
      ok(await api(t, staff).patch(`/fairs/${fairId}`, { status: 'open' }));
      assert.equal(ok(await api(t, who.f1!).get(`/fairs/${fairId}`)).participants.length, 5);
      assert.equal((await api(t, who.x!).get(`/fairs/${fairId}`)).statusCode, 404, 'a company not taking part does not see the fair');
      assert.deepEqual(ok(await api(t, who.x!).get('/fairs')), []);
    });

    const meetings: Record<string, number> = {};
    const ask = async (from: string, to: string) => ok(await api(t, who[from]!).post('/requests', { fairId, toCompanyId: ids[to], message: `${from} would like to meet ${to}` }), 201);
    const accept = async (reqId: number, by: string) => ok(await api(t, who[by]!).post(`/requests/${reqId}/answer`, { decision: 'accept' }));

    it('takes requests between groups that may meet, refuses others, and caps meetings per participant', async () => {
      const sameGroup = await api(t, who.b1!).post('/requests', { fairId, toCompanyId: ids.b2, message: 'bank to bank' });
      assert.equal(sameGroup.statusCode, 409);
      assert.equal(sameGroup.json().errors[0].field, 'toCompanyId');
      const outsider = await api(t, who.x!).post('/requests', { fairId, toCompanyId: ids.b1, message: 'hello' });
      assert.equal(outsider.statusCode, 403);
      for (const [from, to] of [
        ['f1', 'b1'],
        ['f1', 'b2'],
        ['f1', 'b3'],
        ['f2', 'b1'],
      ] as const) {
        const r = await ask(from, to);
        meetings[`${from}-${to}`] = (await accept(r.id, to)).meetingId;
      }
      // f1 has three accepted meetings: the fair's maximum. A fourth cannot be accepted.
      const f2b2 = await ask('f2', 'b2');
      const declined = ok(await api(t, who.b2!).post(`/requests/${f2b2.id}/answer`, { decision: 'decline' }));
      assert.equal(declined.meetingId, null, 'a declined request never becomes a meeting');
      const extraFair = ok(await api(t, staff).post('/fairs', { ...FAIR, nameEn: 'Second fair', nameJa: '第2回', maxMeetings: 1 }), 201);
      for (const key of ['f1', 'b1', 'b2']) ok(await api(t, staff).put(`/fairs/${extraFair.id}/participants/${ids[key]}`, { group: 'any' }));
      const r1 = ok(await api(t, who.f1!).post('/requests', { fairId: extraFair.id, toCompanyId: ids.b1, message: 'one' }), 201);
      ok(await api(t, who.b1!).post(`/requests/${r1.id}/answer`, { decision: 'accept' }));
      const r2 = ok(await api(t, who.f1!).post('/requests', { fairId: extraFair.id, toCompanyId: ids.b2, message: 'two' }), 201);
      const full = await api(t, who.b2!).post(`/requests/${r2.id}/answer`, { decision: 'accept' });
      assert.equal(full.statusCode, 409);
      assert.match(full.json().detail, /at most 1 meetings/);
    });

    it('lets a participant mark the slots it cannot attend, and only slots of the fair', async () => {
      const unknown = await api(t, who.b1!).put(`/fairs/${fairId}/availability`, { unavailableSlotIds: [999_999] });
      assert.equal(unknown.statusCode, 422);
      assert.equal(unknown.json().errors[0].field, 'slotIds');
      // b1 cannot come to the first two slots.
      const res = ok(await api(t, who.b1!).put(`/fairs/${fairId}/availability`, { unavailableSlotIds: [slots[0], slots[1]] }));
      assert.deepEqual(res.unavailableSlotIds, [slots[0], slots[1]].sort((x, y) => x! - y!));
      const other = await api(t, who.b1!).put(`/fairs/${fairId}/availability`, { companyId: ids.b2, unavailableSlotIds: [] });
      assert.equal(other.statusCode, 403, 'a member marks its own slots only');
    });

    let firstIcs: Array<Record<string, string>> = [];

    it('schedules accepted meetings with nobody and no table double-booked, unavailable slots respected, and tells participants', async () => {
      const mailBefore = await count(t, 'mail_outbox');
      const run = ok(await api(t, staff).post(`/fairs/${fairId}/schedule`));
      assert.equal(run.placed, 4);
      assert.deepEqual(run.unplaced, []);
      assert.equal(run.changed, 4);
      assert.ok((await count(t, 'mail_outbox')) > mailBefore, 'participants of changed meetings are mailed');
      const all = ok(await api(t, staff).get(`/meetings?fairId=${fairId}`));
      const placed = all.filter((m: any) => m.slot);
      const seen = new Set<string>();
      for (const m of placed) {
        for (const c of m.companies) {
          const k = `company ${c.id}@${m.slot.id}`;
          assert.ok(!seen.has(k), `company ${c.id} double-booked`);
          seen.add(k);
        }
        const tk = `table ${m.table.id}@${m.slot.id}`;
        assert.ok(!seen.has(tk), 'table double-booked');
        seen.add(tk);
        if (m.companies.some((c: any) => c.id === ids.b1)) assert.ok(![slots[0], slots[1]].includes(m.slot.id), 'b1 is not placed where it cannot come');
      }
      // f1's three meetings sit back to back (no idle gap).
      const f1 = placed.filter((m: any) => m.companies.some((c: any) => c.id === ids.f1)).map((m: any) => slots.indexOf(m.slot.id)).sort();
      assert.equal(f1.at(-1) - f1[0], 2);
      const ics = await api(t, who.f1!).get(`/fairs/${fairId}/agenda.ics`);
      assert.equal(ics.statusCode, 200);
      assert.match(ics.headers['content-type'] as string, /^text\/calendar/);
      firstIcs = events(ics.body);
      assert.equal(firstIcs.length, 3);
      for (const e of firstIcs) {
        assert.match(e.UID!, /^matching-meeting-\d+@/);
        assert.equal(e.SEQUENCE, '1');
        assert.equal(e.STATUS, 'CONFIRMED');
      }
    });

    it('refuses a manual move into a taken slot, naming each clash, and keeps a moved meeting locked through a re-run', async () => {
      const all = ok(await api(t, staff).get(`/meetings?fairId=${fairId}`));
      const f1b2 = all.find((m: any) => m.id === meetings['f1-b2']);
      const f2b1 = all.find((m: any) => m.id === meetings['f2-b1']);
      // Into the slot and table of f2×b1: the table is taken; and into a slot where f1 is busy: f1 clashes.
      const before = await snapshot(t);
      const clash = await api(t, staff).post(`/meetings/${f1b2.id}/place`, { slotId: f2b1.slot.id, tableId: f2b1.table.id });
      assert.equal(clash.statusCode, 409);
      const fields = clash.json().errors.map((e: any) => e.field);
      assert.ok(fields.includes('tableId'), clash.body);
      const f1Other = all.find((m: any) => m.id === meetings['f1-b1']);
      const busy = await api(t, staff).post(`/meetings/${f1b2.id}/place`, { slotId: f1Other.slot.id, tableId: tables.find((x) => x !== f1Other.table.id) });
      assert.equal(busy.statusCode, 409);
      assert.match(busy.json().errors.map((e: any) => e.message).join(' '), /already has meeting/);
      const unavailable = await api(t, staff).post(`/meetings/${f2b1.id}/place`, { slotId: slots[0], tableId: tables[1] });
      assert.equal(unavailable.statusCode, 409, 'b1 cannot come to the first slot');
      assert.deepEqual(await snapshot(t), before, 'a refused move changes nothing');
      // A free place: a slot where neither side is busy or unavailable, at a table nobody uses there.
      const b1Out = new Set([slots[0], slots[1]]);
      let target: { meeting: any; slot: number; table: number } | null = null;
      for (const m of all.filter((x: any) => x.slot && !x.locked)) {
        for (const s of slots) {
          if (s === m.slot.id) continue;
          const there = all.filter((o: any) => o.slot?.id === s && o.id !== m.id);
          if (there.some((o: any) => o.companies.some((c: any) => m.companies.some((d: any) => d.id === c.id)))) continue;
          if (m.companies.some((c: any) => c.id === ids.b1) && b1Out.has(s)) continue;
          const table = tables.find((x) => !there.some((o: any) => o.table.id === x));
          if (table !== undefined) {
            target = { meeting: m, slot: s!, table };
            break;
          }
        }
        if (target) break;
      }
      assert.ok(target, 'some meeting has a free place to move to');
      const canGo = target.meeting;
      const lastSlot = target.slot;
      const freeTable = target.table;
      const moved = ok(await api(t, staff).post(`/meetings/${canGo.id}/place`, { slotId: lastSlot, tableId: freeTable }));
      assert.equal(moved.locked, true);
      assert.equal(moved.sequence, canGo.sequence + 1);
      const rerun = ok(await api(t, staff).post(`/fairs/${fairId}/schedule`));
      assert.equal(rerun.placed, 4);
      const after = ok(await api(t, staff).get(`/meetings/${canGo.id}`));
      assert.deepEqual([after.slot.id, after.table.id], [lastSlot, freeTable], 'the locked meeting stayed');
    });

    it('keeps each meeting\'s calendar UID through re-schedules and raises its SEQUENCE on each change', async () => {
      const now = events((await api(t, who.f1!).get(`/fairs/${fairId}/agenda.ics`)).body);
      assert.deepEqual(now.map((e) => e.UID).sort(), firstIcs.map((e) => e.UID).sort());
      const byUid = new Map(firstIcs.map((e) => [e.UID, e]));
      for (const e of now) {
        const was = byUid.get(e.UID)!;
        if (e.DTSTART !== was.DTSTART) assert.ok(Number(e.SEQUENCE) > Number(was.SEQUENCE), `moved ${e.UID} has a higher SEQUENCE`);
        else assert.ok(Number(e.SEQUENCE) >= Number(was.SEQUENCE));
      }
      // A cancelled meeting stays in the calendar as CANCELLED, so the calendar removes it.
      const id = meetings['f1-b3']!;
      ok(await api(t, who.b3!).post(`/meetings/${id}/cancel`, {}));
      const after = events((await api(t, who.f1!).get(`/fairs/${fairId}/agenda.ics`)).body).find((e) => e.UID!.startsWith(`matching-meeting-${id}@`))!;
      assert.equal(after.STATUS, 'CANCELLED');
      assert.ok(Number(after.SEQUENCE) > Number(now.find((e) => e.UID === after.UID)!.SEQUENCE));
    });

    it('shows a participant only its own agenda', async () => {
      const own = ok(await api(t, who.b1!).get(`/fairs/${fairId}/agenda`));
      assert.equal(own.company.id, ids.b1);
      assert.ok(own.meetings.every((m: any) => m.companies.some((c: any) => c.id === ids.b1)));
      assert.equal((await api(t, who.b1!).get(`/fairs/${fairId}/agenda?companyId=${ids.f1}`)).statusCode, 404, 'another company\'s agenda is not there for it');
      assert.equal((await api(t, who.b1!).get(`/fairs/${fairId}/agenda.ics?companyId=${ids.f1}`)).statusCode, 404);
      assert.equal((await api(t, who.x!).get(`/fairs/${fairId}/agenda`)).statusCode, 404);
      const staffView = ok(await api(t, staff).get(`/fairs/${fairId}/agenda?companyId=${ids.f1}`));
      assert.equal(staffView.company.id, ids.f1);
    });

    it('explains a meeting it cannot place', async () => {
      // b3 marks every slot unavailable; a new accepted meeting with it cannot be placed.
      ok(await api(t, who.b3!).put(`/fairs/${fairId}/availability`, { unavailableSlotIds: slots }));
      const r = await ask('f2', 'b3');
      await accept(r.id, 'b3');
      const run = ok(await api(t, staff).call('POST', `/fairs/${fairId}/schedule`, {}, 'en'));
      const u = run.unplaced.find((x: any) => x.meeting.companies.some((c: any) => c.id === ids.b3));
      assert.equal(u.code, 'no-common-slot');
      assert.match(u.why, /no time slot/);
      const list = ok(await api(t, who.f2!).get(`/fairs/${fairId}/unplaced`));
      assert.equal(list.length, 1, 'a participant sees its own unplaced meetings');
      assert.equal(ok(await api(t, who.b1!).get(`/fairs/${fairId}/unplaced`)).length, 0);
    });

    it('refuses requests after the deadline', async () => {
      t.clock.set('2020-06-30T09:00:01Z');
      const late = await api(t, who.f2!).post('/requests', { fairId, toCompanyId: ids.b2, message: 'late' });
      assert.equal(late.statusCode, 409);
      assert.match(late.json().detail, /deadline/);
    });

    it('records attendance after the slot, counts held meetings for the plan, and reports by kind, country and satisfaction', async () => {
      const all = ok(await api(t, staff).get(`/meetings?fairId=${fairId}`));
      const placed = all.filter((m: any) => m.slot && m.status === 'planned');
      const early = await api(t, staff).post(`/meetings/${placed[0].id}/attendance`, { a: true, b: true });
      assert.equal(early.statusCode, 409, 'not before the meeting');
      t.clock.set('2020-07-01T06:00:00Z');
      const both = ok(await api(t, staff).post(`/meetings/${placed[0].id}/attendance`, { a: true, b: true }));
      assert.equal(both.status, 'held');
      assert.equal(both.heldOn, '2020-07-01');
      assert.equal(both.countsForPlan, true);
      const one = ok(await api(t, staff).post(`/meetings/${placed[1].id}/attendance`, { a: true, b: false }));
      assert.equal(one.status, 'not-held');
      const rater = Object.keys(ids).find((k) => ids[k] === both.companies[0].id)!;
      ok(await api(t, who[rater]!).post(`/meetings/${both.id}/rating`, { score: 4 }));
      ok(await api(t, who[rater]!).post(`/meetings/${both.id}/outcome`, { outcome: 'contract' }));
      const report = ok(await api(t, staff).get(`/fairs/${fairId}/report`));
      assert.equal(report.held, 1);
      assert.equal(report.notHeld, 1);
      assert.equal(report.byKind['fintech-finance'], 1);
      assert.deepEqual(report.byCountry.map((c: any) => c.country).sort(), ['GB', 'JP']);
      assert.equal(report.satisfaction.average, 4);
      assert.equal(report.outcomes.byOutcome.contract, 1);
      assert.equal(report.countsForPlan, 1);
      assert.equal(report.participants, 5);
      assert.ok(report.requests.declined >= 1);
      assert.equal((await api(t, who.f1!).get(`/fairs/${fairId}/report`)).statusCode, 403);
    });
  });
}
