import { Type, type TSchema } from 'typebox';
import { Problem } from '../core/http/schemas.js';
import { CARD_KINDS, JSIC_MAJORS, MATCHING_KINDS, OUTCOMES, REGIONS } from './rules.js';

// Request and response schemas of the matching API. Request bodies refuse unknown fields (400);
// values are checked by the service, which names the field in a 422 (the same checks serve the forms).

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const Text = (max: number, description?: string) => Type.String({ maxLength: max, ...(description ? { description } : {}) });
const body = <T extends Record<string, TSchema>>(props: T, description?: string) => Type.Object(props, { additionalProperties: false, ...(description ? { description } : {}) });

export { Problem };
export const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem };

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
export const FairCompanyParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), companyId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
export const CompanyQuery = Type.Object({ companyId: Type.Optional(Id('Staff: the company to act for (members act for their own)')) }, { additionalProperties: false });

const Bi = Type.Object({ ja: Nullable(Type.String()), en: Nullable(Type.String()) });
const Names = Type.Object({ ja: Type.String(), en: Type.String() });
const CompanyRef = Type.Object({ id: Type.Integer(), name: Names, country: Type.String(), registeredInTokyo: Type.Boolean() });
const CardRef = Type.Object({ id: Type.Integer(), kind: Type.String(), title: Bi });

// ---- profiles ----

export const ProfileBody = body(
  {
    companyId: Type.Optional(Id('Staff: the company whose profile this is')),
    summaryJa: Type.Optional(Nullable(Text(4000))),
    summaryEn: Type.Optional(Nullable(Text(4000))),
    languages: Type.Optional(Type.Array(Text(8), { maxItems: 4, description: 'ja, en' })),
    regions: Type.Optional(Type.Array(Text(20), { maxItems: 12, description: REGIONS.join(', ') })),
  },
  'A company\'s matching profile',
);
export const Profile = Type.Object({ companyId: Type.Integer(), company: CompanyRef, summary: Bi, languages: Type.Array(Type.String()), regions: Type.Array(Type.String()), createdAt: Type.String(), updatedAt: Type.String() });

// ---- cards ----

const cardFields = {
  kind: Text(40, CARD_KINDS.join(', ')),
  titleJa: Type.Optional(Nullable(Text(1000))),
  titleEn: Type.Optional(Nullable(Text(1000))),
  bodyJa: Type.Optional(Nullable(Text(20000))),
  bodyEn: Type.Optional(Nullable(Text(20000))),
  jsic: Type.Optional(Type.Array(Text(2), { maxItems: 20, description: `JSIC major groups: ${JSIC_MAJORS.join(', ')} (the company's when absent)` })),
  regions: Type.Optional(Type.Array(Text(20), { maxItems: 12, description: REGIONS.join(', ') })),
  tags: Type.Optional(Type.Array(Text(200), { maxItems: 50 })),
};
export const CardBody = body({ companyId: Type.Optional(Id('Staff: post for this company')), ...cardFields }, 'A marketplace card; a member\'s card is public once staff approve it');
export const CardPatchBody = body({ ...cardFields, kind: Type.Optional(cardFields.kind), status: Type.Optional(Text(20, 'open, paused, closed')) }, 'Changed text sends a member\'s card back to review');
export const ReviewBody = body({ decision: Text(20, 'approved or rejected'), note: Type.Optional(Nullable(Text(4000, 'Required when rejecting'))) });
export const Card = Type.Object({
  id: Type.Integer(),
  company: CompanyRef,
  kind: Type.String(),
  title: Bi,
  body: Bi,
  language: Type.String(),
  jsic: Type.Array(Type.String()),
  regions: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
  status: Type.String(),
  review: Type.String(),
  reviewNote: Nullable(Type.String()),
  expiresOn: Type.String(),
  expired: Type.Boolean(),
  public: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const CardList = Type.Object({ total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(), items: Type.Array(Card) });
export const MarketQuery = Type.Object(
  {
    q: Type.Optional(Text(1000, 'Words in Japanese or English (a search for "payment" also finds 決済)')),
    kind: Type.Optional(Text(40)),
    jsic: Type.Optional(Text(2)),
    country: Type.Optional(Text(2, 'ISO 3166-1 alpha-2 of the posting company')),
    language: Type.Optional(Text(4, 'ja, en or both')),
    region: Type.Optional(Text(20)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
  },
  { additionalProperties: false },
);

export const Recommendation = Type.Object({
  card: Card,
  score: Type.Number(),
  why: Type.String({ description: 'Why, in one line, in the language asked for (?lang=ja|en or Accept-Language)' }),
  reason: Type.Object({ viaCardId: Type.Integer(), viaKind: Type.String(), theirKind: Type.String(), concepts: Type.Array(Type.String()), industries: Type.Array(Type.String()), wording: Type.Boolean(), mutual: Type.Boolean() }),
});
export const RecommendationQuery = Type.Object({ companyId: Type.Optional(Id('Staff: for this company')), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })), lang: Type.Optional(Text(2)) }, { additionalProperties: false });

// ---- requests ----

export const RequestBody = body(
  {
    fromCompanyId: Type.Optional(Id('Staff: ask on behalf of this company')),
    toCompanyId: Type.Optional(Id('The company asked (or give cardId)')),
    cardId: Type.Optional(Id('The card the request is about')),
    fairId: Type.Optional(Id('A request for a meeting at this fair')),
    message: Text(20000),
  },
  'A meeting request; it expires unanswered after the configured number of days (at a fair, at its request deadline at the latest)',
);
export const AnswerBody = body({ decision: Text(20, 'accept or decline'), note: Type.Optional(Nullable(Text(4000))), plannedOn: Type.Optional(Nullable(Text(10, 'YYYY-MM-DD'))) });
export const RequestView = Type.Object({
  id: Type.Integer(),
  from: CompanyRef,
  to: CompanyRef,
  card: Nullable(CardRef),
  fairId: Nullable(Type.Integer()),
  channel: Type.String(),
  message: Type.String(),
  status: Type.String(),
  answerNote: Nullable(Type.String()),
  expiresAt: Type.String(),
  createdAt: Type.String(),
  answeredAt: Nullable(Type.String()),
  meetingId: Nullable(Type.Integer()),
});
export const RequestsQuery = Type.Object(
  { box: Type.Optional(Type.Union([Type.Literal('incoming'), Type.Literal('outgoing'), Type.Literal('all')])), status: Type.Optional(Text(20)), fairId: Type.Optional(Id('')), companyId: Type.Optional(Id('Staff: one company\'s requests')) },
  { additionalProperties: false },
);

// ---- meetings ----

export const IntroductionBody = body({
  companyA: Id('A company of the registry'),
  companyB: Id('Another company of the registry'),
  kind: Type.Optional(Text(40, MATCHING_KINDS.join(', '))),
  cardId: Type.Optional(Nullable(Id('A card of either company the introduction is about'))),
  plannedOn: Type.Optional(Nullable(Text(10, 'YYYY-MM-DD'))),
  note: Type.Optional(Nullable(Text(4000))),
  arrangedByCity: Type.Optional(Type.Boolean({ description: 'false records a meeting the companies arranged themselves (not counted by the plan)' })),
});
export const HeldBody = body({ held: Type.Boolean(), heldOn: Type.Optional(Nullable(Text(10, 'YYYY-MM-DD; a fair meeting defaults to its slot\'s date'))), note: Type.Optional(Nullable(Text(4000))) });
export const CancelBody = body({ note: Type.Optional(Nullable(Text(4000))) });
export const RatingBody = body({ score: Type.Integer({ description: '1 (poor) to 5 (excellent)' }), comment: Type.Optional(Nullable(Text(4000))), companyId: Type.Optional(Id('Staff: the side rating')) });
export const OutcomeBody = body({ outcome: Text(40, OUTCOMES.join(', ')), note: Type.Optional(Nullable(Text(4000))), companyId: Type.Optional(Id('Staff: the side reporting')) });
export const PlaceBody = body({ slotId: Nullable(Id('A slot of the fair; null takes the meeting out')), tableId: Type.Optional(Nullable(Id('A table of the fair'))), lock: Type.Optional(Type.Boolean({ description: 'Lock in place (default true)' })) });
export const LockBody = body({ locked: Type.Boolean() });
export const AttendanceBody = body({ a: Type.Boolean({ description: 'The first company came' }), b: Type.Boolean({ description: 'The second company came' }) });
export const Meeting = Type.Object({
  id: Type.Integer(),
  requestId: Nullable(Type.Integer()),
  companies: Type.Array(CompanyRef),
  card: Nullable(CardRef),
  fairId: Nullable(Type.Integer()),
  channel: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  plannedOn: Nullable(Type.String()),
  heldOn: Nullable(Type.String()),
  heldFiscalYear: Nullable(Type.Integer()),
  slot: Nullable(Type.Object({ id: Type.Integer(), startsAt: Type.String(), endsAt: Type.String() })),
  table: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  locked: Type.Boolean(),
  sequence: Type.Integer(),
  attendance: Type.Object({ a: Nullable(Type.Boolean()), b: Nullable(Type.Boolean()) }),
  ratings: Type.Array(Type.Object({ companyId: Type.Integer(), score: Type.Integer(), comment: Nullable(Type.String()), createdAt: Type.String() })),
  followups: Type.Array(Type.Object({ companyId: Type.Integer(), dueOn: Type.String(), remindedAt: Nullable(Type.String()), outcome: Nullable(Type.String()), note: Nullable(Type.String()), recordedAt: Nullable(Type.String()) })),
  countsForPlan: Type.Boolean(),
  note: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const MeetingsQuery = Type.Object(
  { fairId: Type.Optional(Id('')), status: Type.Optional(Text(20)), channel: Type.Optional(Text(20)), companyId: Type.Optional(Id('Staff: one company\'s meetings')) },
  { additionalProperties: false },
);

// ---- fairs ----

const SessionBody = body({
  date: Text(10, 'YYYY-MM-DD'),
  nameJa: Type.Optional(Nullable(Text(200))),
  nameEn: Type.Optional(Nullable(Text(200))),
  start: Text(5, 'First slot starts (HH:MM, Tokyo)'),
  end: Text(5, 'Last slot ends by (HH:MM, Tokyo)'),
  slotMinutes: Type.Integer({ description: 'Length of a slot' }),
  breakMinutes: Type.Optional(Type.Integer({ description: 'Break between slots' })),
});
const fairFields = {
  nameJa: Text(1000),
  nameEn: Text(1000),
  kind: Type.Optional(Text(40, MATCHING_KINDS.join(', '))),
  venueJa: Type.Optional(Nullable(Text(1000))),
  venueEn: Type.Optional(Nullable(Text(1000))),
  descriptionJa: Type.Optional(Nullable(Text(20000))),
  descriptionEn: Type.Optional(Nullable(Text(20000))),
  requestDeadline: Text(40, 'When requests close (ISO date-time)'),
  maxMeetings: Type.Optional(Nullable(Type.Integer({ description: 'Most meetings a participant may have' }))),
  status: Type.Optional(Text(10, 'draft, open, closed')),
};
export const FairBody = body({ ...fairFields, sessions: Type.Array(SessionBody, { maxItems: 50 }), tables: Type.Array(Text(200), { maxItems: 2000, description: 'Table names or numbers' }) });
export const FairPatchBody = body({
  nameJa: Type.Optional(fairFields.nameJa),
  nameEn: Type.Optional(fairFields.nameEn),
  kind: fairFields.kind,
  venueJa: fairFields.venueJa,
  venueEn: fairFields.venueEn,
  descriptionJa: fairFields.descriptionJa,
  descriptionEn: fairFields.descriptionEn,
  requestDeadline: Type.Optional(fairFields.requestDeadline),
  maxMeetings: fairFields.maxMeetings,
  status: fairFields.status,
  sessions: Type.Optional(Type.Array(SessionBody, { maxItems: 50, description: 'Replaces every session (only before any meeting is placed)' })),
  tables: Type.Optional(Type.Array(Text(200), { maxItems: 2000, description: 'Replaces every table (only before any meeting is placed)' })),
});
export const ParticipantBody = body({ group: Type.Optional(Nullable(Text(200, 'The participant\'s group (rules say which groups meet)'))) });
export const RulesBody = body({ rules: Type.Array(body({ a: Text(200), b: Text(200) }), { maxItems: 200, description: 'Pairs of groups that may meet; empty: everyone may meet everyone' }) });
export const AvailabilityBody = body({ companyId: Type.Optional(Id('Staff: for this participant')), unavailableSlotIds: Type.Array(Id('A slot of the fair'), { maxItems: 500 }) });
const Slot = Type.Object({ id: Type.Integer(), sessionId: Type.Integer(), startsAt: Type.String(), endsAt: Type.String() });
export const Fair = Type.Object({
  id: Type.Integer(),
  name: Names,
  kind: Type.String(),
  venue: Bi,
  description: Bi,
  startsOn: Type.String(),
  endsOn: Type.String(),
  requestDeadline: Type.String(),
  requestsOpen: Type.Boolean(),
  maxMeetings: Nullable(Type.Integer()),
  status: Type.String(),
  scheduledAt: Nullable(Type.String()),
  sessions: Type.Array(Type.Object({ id: Type.Integer(), date: Type.String(), name: Names, slots: Type.Array(Slot) })),
  tables: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
  participants: Type.Array(Type.Object({ company: CompanyRef, group: Type.String() })),
  rules: Type.Array(Type.Object({ a: Type.String(), b: Type.String() })),
  counts: Type.Object({ participants: Type.Integer(), meetings: Type.Integer(), placed: Type.Integer(), unplaced: Type.Integer() }),
});
export const Unplaced = Type.Object({ meeting: Meeting, code: Type.String(), participant: Nullable(CompanyRef), commonSlots: Type.Integer(), why: Type.String() });
export const ScheduleResult = Type.Object({ placed: Type.Integer(), unplaced: Type.Array(Unplaced), gaps: Type.Integer(), changed: Type.Integer() });
export const Agenda = Type.Object({ fair: Fair, company: CompanyRef, meetings: Type.Array(Meeting), unplaced: Type.Array(Unplaced), unavailableSlotIds: Type.Array(Type.Integer()) });
const Report = {
  fairId: Nullable(Type.Integer()),
  meetings: Type.Integer(),
  held: Type.Integer(),
  notHeld: Type.Integer(),
  cancelled: Type.Integer(),
  attendanceRate: Nullable(Type.Number()),
  countsForPlan: Type.Integer(),
  byKind: Type.Record(Type.String(), Type.Integer()),
  byCountry: Type.Array(Type.Object({ country: Type.String(), meetings: Type.Integer() })),
  satisfaction: Type.Object({ ratings: Type.Integer(), average: Nullable(Type.Number()), distribution: Type.Array(Type.Integer()) }),
  outcomes: Type.Object({ answered: Type.Integer(), awaiting: Type.Integer(), byOutcome: Type.Record(Type.String(), Type.Integer()) }),
};
export const OutcomeReport = Type.Object(Report);
export const FairReport = Type.Object({
  ...Report,
  participants: Type.Integer(),
  requests: Type.Object({ total: Type.Integer(), accepted: Type.Integer(), declined: Type.Integer(), expired: Type.Integer(), pending: Type.Integer() }),
  unplaced: Type.Integer(),
});

export const Settings = Type.Object({ requestExpiryDays: Type.Integer(), followUpMonths: Type.Integer(), cardLifetimeDays: Type.Integer() });
export const SettingsBody = body({ requestExpiryDays: Type.Optional(Type.Integer()), followUpMonths: Type.Optional(Type.Integer()), cardLifetimeDays: Type.Optional(Type.Integer()) });
export const JobResult = Type.Object({ expired: Type.Integer(), reminded: Type.Integer() });
