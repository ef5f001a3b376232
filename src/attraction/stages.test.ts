import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, testApp, type TestApp } from '../../test/helpers.js';
import { attractionStore } from './store.js';
import { advance, api, caller, newLead, snapshot, type Caller } from './testing.js';

/** Field names of a problem+json answer. */
const fieldsOf = (res: { json(): any }) => ((res.json().errors ?? []) as { field: string }[]).map((e) => e.field).sort();

for (const dialect of DIALECTS) {
  describe(`attraction stage rules [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let staff: Caller;

    before(async () => {
      t = await testApp(dialect); // the clock stands on 2019-06-15 (FY2019)
      staff = await caller(t, 'staff', 'Sato Hanako');
    });
    after(async () => t?.close());

    it('creates a lead in the first stage with a new company of the registry, its history and audit', async () => {
      const before = await snapshot(t);
      const lead = await newLead(t, staff, { company: { nameEn: 'Thames Asset Partners', country: 'gb' }, sector: 'asset-management', origin: 'partner-bank' });
      assert.equal(lead.stage, 'lead');
      assert.equal(lead.owner.id, staff.id);
      assert.equal(lead.owner.name, 'Sato Hanako');
      assert.equal(lead.company.name.en, 'Thames Asset Partners');
      assert.equal(lead.company.country, 'GB');
      assert.equal(lead.sectorGroup, 'financial');
      assert.equal(lead.createdFiscalYear, 2019);
      assert.deepEqual(lead.allowedMoves, ['contacted', 'dropped']);
      assert.deepEqual(lead.exitCriteria, [
        { field: 'firstContactDate', met: false },
        { field: 'contactChannel', met: false },
      ]);
      assert.equal(lead.history.length, 1);
      assert.equal(lead.history[0].from, null);
      assert.equal(lead.history[0].to, 'lead');
      const after = await snapshot(t);
      assert.equal(after.companies - before.companies, 1);
      assert.equal(after.attraction_leads - before.attraction_leads, 1);
      const audit = await t.handle.db.selectFrom('audit_log').selectAll().where('action', '=', 'attraction.lead.create').where('entity_id', '=', String(lead.id)).execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor_id, staff.id);
    });

    it('refuses a move to contacted without a first contact date and channel, naming both, storing nothing', async () => {
      const lead = await newLead(t, staff);
      const before = await snapshot(t);
      const res = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'contacted' });
      assert.equal(res.statusCode, 422, res.body);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(res.json().code, 'validation-failed');
      assert.deepEqual(fieldsOf(res), ['contactChannel', 'firstContactDate']);
      assert.match(res.json().errors.find((e: any) => e.field === 'firstContactDate').message, /Date of first contact is required/);
      assert.deepEqual(await snapshot(t), before);
      assert.equal((await api(t, staff).get(`/leads/${lead.id}`)).json().stage, 'lead');
    });

    it('refuses a first contact date in the future or not a real date', async () => {
      const lead = await newLead(t, staff);
      const future = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'contacted', firstContactDate: '2019-06-16', contactChannel: 'email' });
      assert.equal(future.statusCode, 422);
      assert.deepEqual(fieldsOf(future), ['firstContactDate']);
      assert.match(future.body, /cannot be in the future/);
      const unreal = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'contacted', firstContactDate: '2019-02-30', contactChannel: 'email' });
      assert.equal(unreal.statusCode, 422);
      assert.deepEqual(fieldsOf(unreal), ['firstContactDate']);
      const channel = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'contacted', firstContactDate: '2019-06-15', contactChannel: 'pigeon' });
      assert.equal(channel.statusCode, 400);
      assert.deepEqual(fieldsOf(channel), ['contactChannel']);
    });

    it('refuses a field that belongs to another stage rather than dropping it silently', async () => {
      const lead = await newLead(t, staff);
      const res = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'contacted', firstContactDate: '2019-06-01', contactChannel: 'email', decisionDate: '2019-06-02' });
      assert.equal(res.statusCode, 422);
      assert.deepEqual(fieldsOf(res), ['decisionDate']);
    });

    it('moves one stage at a time and refuses a skip or a move back, naming the stage field', async () => {
      const lead = await newLead(t, staff);
      const before = await snapshot(t);
      const skip = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'decided', decisionDate: '2019-06-01', plannedEntityType: 'branch' });
      assert.equal(skip.statusCode, 422);
      assert.deepEqual(fieldsOf(skip), ['to']);
      assert.match(skip.body, /one stage at a time: the next stage is Contacted/);
      const skipToEnd = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'established', establishedDate: '2019-06-01', officeAddress: 'x', entityType: 'branch', staffCount: 1 });
      assert.equal(skipToEnd.statusCode, 422);
      assert.deepEqual(fieldsOf(skipToEnd), ['to']);
      assert.deepEqual(await snapshot(t), before);

      await advance(t, staff, lead.id, 'contacted');
      const back = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'lead' });
      assert.equal(back.statusCode, 422);
      assert.match(back.body, /does not move back/);
      const same = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'contacted' });
      assert.equal(same.statusCode, 409);
    });

    it('needs a recorded consultation to move to consulting', async () => {
      const lead = await newLead(t, staff);
      await advance(t, staff, lead.id, 'contacted', { contact: '2019-05-01' });
      const before = await snapshot(t);
      const res = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'consulting' });
      assert.equal(res.statusCode, 422);
      assert.deepEqual(fieldsOf(res), ['consultations']);
      assert.deepEqual(await snapshot(t), before);
      const c = await api(t, staff).post(`/leads/${lead.id}/consultations`, { date: '2019-05-10', topic: 'Licensing for a FinTech firm' });
      assert.equal(c.statusCode, 201, c.body);
      const detail = (await api(t, staff).get(`/leads/${lead.id}`)).json();
      assert.deepEqual(detail.exitCriteria, [{ field: 'consultations', met: true }]);
      const ok = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'consulting' });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().stage, 'consulting');
    });

    it('needs a decision date (not before the first contact) and a planned entity type to move to decided', async () => {
      const lead = await newLead(t, staff);
      await advance(t, staff, lead.id, 'consulting', { contact: '2019-05-01', consult: '2019-05-02' });
      const missing = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'decided' });
      assert.equal(missing.statusCode, 422);
      assert.deepEqual(fieldsOf(missing), ['decisionDate', 'plannedEntityType']);
      const early = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'decided', decisionDate: '2019-04-30', plannedEntityType: 'branch' });
      assert.equal(early.statusCode, 422);
      assert.deepEqual(fieldsOf(early), ['decisionDate']);
      assert.match(early.body, /cannot be before the Date of first contact \(2019-05-01\)/);
      const ok = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'decided', decisionDate: '2019-05-01', plannedEntityType: 'branch' });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().plannedEntityType, 'branch');
    });

    it('needs date, office address, entity type and staff count to move to established', async () => {
      const lead = await newLead(t, staff);
      await advance(t, staff, lead.id, 'decided', { decided: '2019-05-20' });
      const before = await snapshot(t);
      const none = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'established' });
      assert.equal(none.statusCode, 422);
      assert.deepEqual(fieldsOf(none), ['entityType', 'establishedDate', 'officeAddress', 'staffCount']);
      const some = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'established', establishedDate: '2019-06-03', officeAddress: '  ', entityType: 'godo-kaisha' });
      assert.equal(some.statusCode, 422);
      assert.deepEqual(fieldsOf(some), ['officeAddress', 'staffCount']);
      const beforeDecision = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'established', establishedDate: '2019-05-19', officeAddress: 'Otemachi', entityType: 'godo-kaisha', staffCount: 3 });
      assert.equal(beforeDecision.statusCode, 422);
      assert.deepEqual(fieldsOf(beforeDecision), ['establishedDate']);
      assert.deepEqual(await snapshot(t), before);
      const ok = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'established', establishedDate: '2019-06-03', officeAddress: ' 2-1 Otemachi, Chiyoda-ku ', entityType: 'godo-kaisha', staffCount: 3 });
      assert.equal(ok.statusCode, 200, ok.body);
      const d = ok.json();
      assert.equal(d.stage, 'established');
      assert.equal(d.officeAddress, '2-1 Otemachi, Chiyoda-ku');
      assert.equal(d.establishedFiscalYear, 2019);
      assert.deepEqual(d.allowedMoves, []);
      assert.deepEqual(d.history.map((h: any) => h.to), ['lead', 'contacted', 'consulting', 'decided', 'established']);
      // A registered entity marks the company as set up in Tokyo in the registry.
      const company = await t.handle.db.selectFrom('companies').select('registered_in_tokyo').where('id', '=', d.company.id).executeTakeFirstOrThrow();
      assert.equal(company.registered_in_tokyo, 1);
      // Established is the last stage: no drop, no move.
      const drop = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'dropped', dropReason: 'changed its mind' });
      assert.equal(drop.statusCode, 422);
      assert.match(drop.body, /last stage/);
    });

    it('drops a lead from any open stage with a reason, and reopens it only to that stage with a note', async () => {
      const lead = await newLead(t, staff);
      await advance(t, staff, lead.id, 'consulting');
      const noReason = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'dropped' });
      assert.equal(noReason.statusCode, 422);
      assert.deepEqual(fieldsOf(noReason), ['dropReason']);
      const dropped = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'dropped', dropReason: 'Chose Singapore instead' });
      assert.equal(dropped.statusCode, 200, dropped.body);
      assert.equal(dropped.json().droppedFrom, 'consulting');
      assert.deepEqual(dropped.json().allowedMoves, ['consulting']);
      assert.equal(dropped.json().history.at(-1).note, 'Chose Singapore instead');
      // No consultations while dropped.
      const consult = await api(t, staff).post(`/leads/${lead.id}/consultations`, { date: '2019-06-10', topic: 'x' });
      assert.equal(consult.statusCode, 409);

      const elsewhere = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'contacted', note: 'back' });
      assert.equal(elsewhere.statusCode, 422);
      assert.match(elsewhere.body, /only be reopened to the stage it was dropped from \(Consulting\)/);
      const noNote = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'consulting' });
      assert.equal(noNote.statusCode, 422);
      assert.deepEqual(fieldsOf(noNote), ['note']);
      const reopened = await api(t, staff).post(`/leads/${lead.id}/moves`, { to: 'consulting', note: 'They came back after a new round of funding' });
      assert.equal(reopened.statusCode, 200, reopened.body);
      const r = reopened.json();
      assert.equal(r.stage, 'consulting');
      assert.equal(r.dropReason, null);
      assert.equal(r.droppedFrom, null);
      assert.deepEqual(
        r.history.map((h: any) => [h.from, h.to]),
        [
          [null, 'lead'],
          ['lead', 'contacted'],
          ['contacted', 'consulting'],
          ['consulting', 'dropped'],
          ['dropped', 'consulting'],
        ],
      );
      // A lead dropped at the very start.
      const early = await newLead(t, staff);
      const d2 = await api(t, staff).post(`/leads/${early.id}/moves`, { to: 'dropped', dropReason: 'Not a fit' });
      assert.equal(d2.json().droppedFrom, 'lead');
    });

    it('records who moved a lead and when, in the history and the audit log', async () => {
      const other = await caller(t, 'admin', 'Admin Taro');
      const lead = await newLead(t, staff);
      t.clock.set('2019-06-15T05:30:00Z');
      const res = await api(t, other).post(`/leads/${lead.id}/moves`, { to: 'contacted', firstContactDate: '2019-06-14', contactChannel: 'video-call', note: 'first call' });
      assert.equal(res.statusCode, 200, res.body);
      const h = res.json().history.at(-1);
      assert.equal(h.at, '2019-06-15T05:30:00.000Z');
      assert.equal(h.by, 'Admin Taro');
      assert.equal(h.note, 'first call');
      const audit = await t.handle.db.selectFrom('audit_log').selectAll().where('action', '=', 'attraction.lead.move').where('entity_id', '=', String(lead.id)).execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor_id, other.id);
      assert.equal(audit[0]!.at, '2019-06-15T05:30:00.000Z');
      assert.equal(JSON.parse(audit[0]!.before_json!).stage, 'lead');
      assert.equal(JSON.parse(audit[0]!.after_json!).stage, 'contacted');
      assert.equal(JSON.parse(audit[0]!.after_json!).first_contact_date, '2019-06-14');
      t.clock.set('2019-06-15T03:00:00Z');
    });

    it('lets a reached stage\'s fields be corrected but never emptied, and an unreached one not set', async () => {
      const lead = await newLead(t, staff);
      await advance(t, staff, lead.id, 'contacted', { contact: '2019-05-01' });
      const ok = await api(t, staff).patch(`/leads/${lead.id}`, { firstContactDate: '2019-04-28', sector: 'ai' });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().firstContactDate, '2019-04-28');
      assert.equal(ok.json().sectorGroup, 'fourth-industrial');
      const before = await snapshot(t);
      const clear = await api(t, staff).patch(`/leads/${lead.id}`, { contactChannel: null });
      assert.equal(clear.statusCode, 422);
      assert.deepEqual(fieldsOf(clear), ['contactChannel']);
      const ahead = await api(t, staff).patch(`/leads/${lead.id}`, { establishedDate: '2019-06-01', notes: 'x' });
      assert.equal(ahead.statusCode, 422);
      assert.deepEqual(fieldsOf(ahead), ['establishedDate']);
      const owner = await api(t, staff).patch(`/leads/${lead.id}`, { ownerId: 999999 });
      assert.equal(owner.statusCode, 422);
      assert.deepEqual(fieldsOf(owner), ['ownerId']);
      const unknown = await api(t, staff).patch(`/leads/${lead.id}`, { stage: 'established' });
      assert.equal(unknown.statusCode, 400);
      assert.deepEqual(fieldsOf(unknown), ['stage']);
      assert.deepEqual(await snapshot(t), before);
      assert.equal((await api(t, staff).get(`/leads/${lead.id}`)).json().notes, null);
    });

    it('lets only one of two simultaneous identical moves through (a double submit); the other gets 409', async () => {
      const lead = await newLead(t, staff);
      const move = { to: 'contacted', firstContactDate: '2019-06-01', contactChannel: 'email' };
      const [a, b] = await Promise.all([api(t, staff).post(`/leads/${lead.id}/moves`, move), api(t, staff).post(`/leads/${lead.id}/moves`, move)]);
      assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 409], `${a.body} ${b.body}`);
      const detail = (await api(t, staff).get(`/leads/${lead.id}`)).json();
      assert.deepEqual(detail.history.map((h: any) => h.to), ['lead', 'contacted']);
    });

    it('writes a move only if the lead is still in the stage that was read', async () => {
      const lead = await newLead(t, staff);
      await advance(t, staff, lead.id, 'contacted');
      // A move that read the lead before it was contacted now finds it elsewhere and changes nothing.
      const stale = await attractionStore.updateLead(t.handle.db, lead.id, 'lead', { stage: 'dropped', drop_reason: 'stale', dropped_from: 'lead' });
      assert.equal(stale, false);
      assert.equal((await api(t, staff).get(`/leads/${lead.id}`)).json().stage, 'contacted');
      assert.equal(await attractionStore.updateLead(t.handle.db, lead.id, 'contacted', { notes: 'current' }), true);
    });

    it('answers 404 for a lead that does not exist', async () => {
      const res = await api(t, staff).post('/leads/999999/moves', { to: 'contacted', firstContactDate: '2019-06-01', contactChannel: 'email' });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, 'not-found');
    });
  });
}
