import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../core/context.js';
import { isLang } from '../core/i18n/index.js';
import { fairService, matchingService } from './index.js';
import { viewerOf } from './access.js';
import { say } from './errors.js';
import type { UnplacedView } from './fairs.js';
import {
  Agenda,
  AnswerBody,
  AttendanceBody,
  AvailabilityBody,
  CancelBody,
  Card,
  CardBody,
  CardList,
  CardPatchBody,
  CompanyQuery,
  Fair,
  FairBody,
  FairCompanyParams,
  FairPatchBody,
  FairReport,
  HeldBody,
  IdParams,
  IntroductionBody,
  JobResult,
  LockBody,
  MarketQuery,
  Meeting,
  MeetingsQuery,
  OutcomeBody,
  OutcomeReport,
  ParticipantBody,
  PlaceBody,
  Profile,
  ProfileBody,
  RatingBody,
  Recommendation,
  RecommendationQuery,
  RequestBody,
  RequestView,
  RequestsQuery,
  ReviewBody,
  RulesBody,
  ScheduleResult,
  Settings,
  SettingsBody,
  Unplaced,
  errors,
} from './schemas.js';
import { matchingPages } from './pages/routes.js';

/** Members act for their own company; staff and admins for any. */
export const MEMBERS = ['member', 'staff', 'admin'] as const;
export const STAFF = ['staff', 'admin'] as const;
const security: { [k: string]: string[] }[] = [{ bearer: [] }, { session: [] }];
const tags = ['matching'];
const P = '/api/v1/matching';

/** The reason an unplaced meeting is unplaced, in a language. */
export function unplacedWhy(u: UnplacedView, lang: 'ja' | 'en'): string {
  return say(lang, `matching.unplaced.${u.code}`, { company: u.participant ? u.participant.name[lang] : '' });
}

export async function matchingRoutes(root: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const svc = matchingService(ctx);
  const fairs = fairService(ctx);
  const members = { auth: MEMBERS };
  const staff = { auth: STAFF };
  const v = (req: FastifyRequest) => viewerOf(req.user, req.id);
  const langOf = (req: FastifyRequest, q?: string) => (isLang(q) ? q : req.lang);
  const withWhy = (req: FastifyRequest, list: UnplacedView[]) => list.map((u) => ({ ...u, why: unplacedWhy(u, req.lang) }));

  // ---- profile ----
  app.get(`${P}/profile`, { config: members, schema: { tags, security, summary: 'The company\'s matching profile (404 until it has one)', querystring: CompanyQuery, response: { 200: Profile, ...errors } } }, async (req, reply) => {
    const p = await svc.getProfile(v(req), req.query.companyId);
    if (!p) return reply.status(404).send({ type: '/docs/errors#not-found', title: 'Not found', status: 404, detail: say('en', 'matching.err.notFound.profile'), instance: req.url.split('?')[0]!, code: 'not-found', requestId: req.id });
    return p;
  });
  app.put(`${P}/profile`, { config: members, schema: { tags, security, summary: 'Create or replace the company\'s matching profile', body: ProfileBody, response: { 200: Profile, ...errors } } }, async (req) => svc.saveProfile(v(req), req.body));

  // ---- cards ----
  app.get(`${P}/cards`, { config: members, schema: { tags, security, summary: 'The marketplace: public cards, filtered by kind, industry, country, language and region, searched in either language', querystring: MarketQuery, response: { 200: CardList, ...errors } } }, async (req) => {
    const { limit = 20, offset = 0 } = req.query;
    return { ...(await svc.marketplace(v(req), req.query)), limit, offset };
  });
  app.post(`${P}/cards`, { config: members, schema: { tags, security, summary: 'Post a card (a member\'s waits for staff review before it is public)', body: CardBody, response: { 201: Card, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await svc.createCard(v(req), req.body)),
  );
  app.get(`${P}/my/cards`, { config: members, schema: { tags, security, summary: 'Every card of the company, whatever its status', querystring: CompanyQuery, response: { 200: Type.Array(Card), ...errors } } }, async (req) => svc.myCards(v(req), req.query.companyId));
  app.get(`${P}/review-queue`, { config: staff, schema: { tags, security, summary: 'Cards awaiting review, oldest first', response: { 200: Type.Array(Card), ...errors } } }, async (req) => svc.reviewQueue(v(req)));
  app.get(`${P}/cards/:id`, { config: members, schema: { tags, security, summary: 'A card (a card not public is shown to its company and staff only)', params: IdParams, response: { 200: Card, ...errors } } }, async (req) => svc.getCard(v(req), req.params.id));
  app.patch(`${P}/cards/:id`, { config: members, schema: { tags, security, summary: 'Change a card, or open, pause or close it', params: IdParams, body: CardPatchBody, response: { 200: Card, ...errors } } }, async (req) => svc.updateCard(v(req), req.params.id, req.body));
  app.post(`${P}/cards/:id/renew`, { config: members, schema: { tags, security, summary: 'Renew a card for the configured lifetime from today', params: IdParams, response: { 200: Card, ...errors } } }, async (req) => svc.renewCard(v(req), req.params.id));
  app.post(`${P}/cards/:id/review`, { config: staff, schema: { tags, security, summary: 'Approve a card (public from now) or send it back with a note', params: IdParams, body: ReviewBody, response: { 200: Card, ...errors } } }, async (req) =>
    svc.reviewCard(v(req), req.params.id, req.body.decision, req.body.note),
  );

  // ---- recommendations ----
  app.get(`${P}/recommendations`, { config: members, schema: { tags, security, summary: 'The cards most likely to lead to a meeting for the company, each with why', querystring: RecommendationQuery, response: { 200: Type.Array(Recommendation), ...errors } } }, async (req) =>
    svc.recommendations(v(req), { companyId: req.query.companyId, limit: req.query.limit, lang: langOf(req, req.query.lang) }),
  );

  // ---- requests ----
  app.get(`${P}/requests`, { config: members, schema: { tags, security, summary: 'Meeting requests the company sent or received (staff: all)', querystring: RequestsQuery, response: { 200: Type.Array(RequestView), ...errors } } }, async (req) => svc.listRequests(v(req), req.query));
  app.post(`${P}/requests`, { config: members, schema: { tags, security, summary: 'Ask a company (or the company of a card) for a meeting, in the marketplace or at a fair', body: RequestBody, response: { 201: RequestView, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await svc.createRequest(v(req), req.body)),
  );
  app.get(`${P}/requests/:id`, { config: members, schema: { tags, security, summary: 'A request of the company', params: IdParams, response: { 200: RequestView, ...errors } } }, async (req) => svc.getRequest(v(req), req.params.id));
  app.post(`${P}/requests/:id/answer`, { config: members, schema: { tags, security, summary: 'Accept (a meeting is created) or decline a request; an expired one answers 409', params: IdParams, body: AnswerBody, response: { 200: RequestView, ...errors } } }, async (req) =>
    svc.answerRequest(v(req), req.params.id, req.body),
  );
  app.post(`${P}/requests/:id/cancel`, { config: members, schema: { tags, security, summary: 'Withdraw a pending request', params: IdParams, response: { 200: RequestView, ...errors } } }, async (req) => svc.cancelRequest(v(req), req.params.id));

  // ---- meetings ----
  app.post(`${P}/introductions`, { config: staff, schema: { tags, security, summary: 'Introduce two companies directly (counted by the plan once held, if foreign and Tokyo)', body: IntroductionBody, response: { 201: Meeting, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await svc.introduce(v(req), req.body)),
  );
  app.get(`${P}/meetings`, { config: members, schema: { tags, security, summary: 'Meetings of the company (staff: all)', querystring: MeetingsQuery, response: { 200: Type.Array(Meeting), ...errors } } }, async (req) => svc.listMeetings(v(req), req.query));
  app.get(`${P}/meetings/:id`, { config: members, schema: { tags, security, summary: 'A meeting of the company', params: IdParams, response: { 200: Meeting, ...errors } } }, async (req) => svc.getMeeting(v(req), req.params.id));
  app.post(`${P}/meetings/:id/held`, { config: members, schema: { tags, security, summary: 'Record that the meeting took place (with its date) or did not', params: IdParams, body: HeldBody, response: { 200: Meeting, ...errors } } }, async (req) =>
    svc.recordHeld(v(req), req.params.id, req.body),
  );
  app.post(`${P}/meetings/:id/cancel`, { config: members, schema: { tags, security, summary: 'Cancel a planned meeting', params: IdParams, body: CancelBody, response: { 200: Meeting, ...errors } } }, async (req) => svc.cancelMeeting(v(req), req.params.id, req.body.note));
  app.post(`${P}/meetings/:id/rating`, { config: members, schema: { tags, security, summary: 'Rate a held meeting from 1 to 5 (rating again replaces it)', params: IdParams, body: RatingBody, response: { 200: Meeting, ...errors } } }, async (req) => svc.rate(v(req), req.params.id, req.body));
  app.post(`${P}/meetings/:id/outcome`, { config: members, schema: { tags, security, summary: 'Record what came of a held meeting (the follow-up)', params: IdParams, body: OutcomeBody, response: { 200: Meeting, ...errors } } }, async (req) =>
    svc.recordOutcome(v(req), req.params.id, req.body),
  );
  app.post(`${P}/meetings/:id/place`, { config: staff, schema: { tags, security, summary: 'Put a fair meeting in a slot and at a table by hand (a clash answers 409 naming it); locks it unless lock is false', params: IdParams, body: PlaceBody, response: { 200: Meeting, ...errors } } }, async (req) =>
    fairs.place(v(req), req.params.id, req.body),
  );
  app.post(`${P}/meetings/:id/lock`, { config: staff, schema: { tags, security, summary: 'Lock a fair meeting in place (re-runs keep it) or unlock it', params: IdParams, body: LockBody, response: { 200: Meeting, ...errors } } }, async (req) => fairs.lock(v(req), req.params.id, req.body.locked));
  app.post(`${P}/meetings/:id/attendance`, { config: staff, schema: { tags, security, summary: 'Record who came to a fair meeting (both: held on the slot\'s date)', params: IdParams, body: AttendanceBody, response: { 200: Meeting, ...errors } } }, async (req) =>
    fairs.attendance(v(req), req.params.id, req.body),
  );

  // ---- fairs ----
  app.get(`${P}/fairs`, { config: members, schema: { tags, security, summary: 'Matching fairs (a member sees those it takes part in)', response: { 200: Type.Array(Fair), ...errors } } }, async (req) => fairs.listFairs(v(req)));
  app.post(`${P}/fairs`, { config: staff, schema: { tags, security, summary: 'Create a fair: dates, sessions (slots are made from each), tables, rules', body: FairBody, response: { 201: Fair, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await fairs.createFair(v(req), req.body)),
  );
  app.get(`${P}/fairs/:id`, { config: members, schema: { tags, security, summary: 'A fair with its sessions, slots, tables, participants and rules', params: IdParams, response: { 200: Fair, ...errors } } }, async (req) => fairs.getFair(v(req), req.params.id));
  app.patch(`${P}/fairs/:id`, { config: staff, schema: { tags, security, summary: 'Change a fair (sessions and tables only before any meeting is placed)', params: IdParams, body: FairPatchBody, response: { 200: Fair, ...errors } } }, async (req) =>
    fairs.updateFair(v(req), req.params.id, req.body),
  );
  app.put(`${P}/fairs/:id/participants/:companyId`, { config: staff, schema: { tags, security, summary: 'Invite a company (or change its group)', params: FairCompanyParams, body: ParticipantBody, response: { 200: Fair, ...errors } } }, async (req) =>
    fairs.setParticipant(v(req), req.params.id, req.params.companyId, req.body.group),
  );
  app.delete(`${P}/fairs/:id/participants/:companyId`, { config: staff, schema: { tags, security, summary: 'Remove a participant without planned meetings', params: FairCompanyParams, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await fairs.removeParticipant(v(req), req.params.id, req.params.companyId);
    return reply.status(204).send(null as never);
  });
  app.put(`${P}/fairs/:id/rules`, { config: staff, schema: { tags, security, summary: 'Which groups may meet which (replaces the rules)', params: IdParams, body: RulesBody, response: { 200: Fair, ...errors } } }, async (req) => fairs.setRules(v(req), req.params.id, req.body.rules));
  app.put(`${P}/fairs/:id/availability`, { config: members, schema: { tags, security, summary: 'The slots the participant cannot attend (replaces its earlier marks)', params: IdParams, body: AvailabilityBody, response: { 200: Type.Object({ unavailableSlotIds: Type.Array(Type.Integer()) }), ...errors } } }, async (req) => ({
    unavailableSlotIds: await fairs.setUnavailable(v(req), req.params.id, { companyId: req.body.companyId, slotIds: req.body.unavailableSlotIds }),
  }));
  app.post(`${P}/fairs/:id/schedule`, { config: staff, schema: { tags, security, summary: 'Run the scheduler around locked meetings; answers what it placed and why others could not be', params: IdParams, response: { 200: ScheduleResult, ...errors } } }, async (req) => {
    const r = await fairs.runSchedule(v(req), req.params.id);
    return { ...r, unplaced: withWhy(req, r.unplaced) };
  });
  app.get(`${P}/fairs/:id/unplaced`, { config: members, schema: { tags, security, summary: 'Accepted meetings without a place, each with the reason', params: IdParams, response: { 200: Type.Array(Unplaced), ...errors } } }, async (req) => withWhy(req, await fairs.unplaced(v(req), req.params.id)));
  app.get(`${P}/fairs/:id/agenda`, { config: members, schema: { tags, security, summary: 'The participant\'s agenda at the fair', params: IdParams, querystring: CompanyQuery, response: { 200: Agenda, ...errors } } }, async (req) => {
    const a = await fairs.agenda(v(req), req.params.id, req.query.companyId);
    return { ...a, unplaced: withWhy(req, a.unplaced) };
  });
  app.get(`${P}/fairs/:id/agenda.ics`, { config: members, schema: { tags, security, summary: 'The agenda as iCalendar (RFC 5545): one event per meeting, stable UID, SEQUENCE up on each change', params: IdParams, querystring: CompanyQuery, response: { 200: Type.String({ description: 'text/calendar' }), ...errors } } }, async (req, reply) => {
    const ics = await fairs.agendaIcs(v(req), req.params.id, req.query.companyId, req.lang);
    return reply.type('text/calendar; charset=utf-8').header('content-disposition', `attachment; filename="${ics.filename}"`).header('cache-control', 'no-store').send(ics.body);
  });
  app.get(`${P}/fairs/:id/report`, { config: staff, schema: { tags, security, summary: 'After the fair: meetings held by kind and country, attendance, satisfaction, outcomes so far', params: IdParams, response: { 200: FairReport, ...errors } } }, async (req) => fairs.report(v(req), req.params.id));

  // ---- reports, settings, jobs ----
  app.get(`${P}/reports/outcomes`, { config: staff, schema: { tags, security, summary: 'Outcomes and satisfaction over every meeting', response: { 200: OutcomeReport, ...errors } } }, async (req) => svc.outcomeReport(v(req)));
  app.get(`${P}/settings`, { config: staff, schema: { tags, security, summary: 'Request expiry, follow-up delay and card lifetime', response: { 200: Settings, ...errors } } }, async () => svc.settings());
  app.patch(`${P}/settings`, { config: staff, schema: { tags, security, summary: 'Change the request expiry (days), follow-up delay (months) or card lifetime (days)', body: SettingsBody, response: { 200: Settings, ...errors } } }, async (req) => svc.updateSettings(v(req), req.body));
  app.post(`${P}/jobs/run`, { config: staff, schema: { tags, security, summary: 'Run the periodic work now: expire unanswered requests, send due follow-up reminders', response: { 200: JobResult, ...errors } } }, async (req) => {
    const actor = v(req).actor;
    return { expired: await svc.expireRequests(actor), reminded: await svc.sendFollowUpReminders(actor) };
  });

  await matchingPages(root, ctx);
}
