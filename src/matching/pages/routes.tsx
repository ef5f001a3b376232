import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.js';
import { DomainError } from '../../core/errors.js';
import { page, type PageCtx } from '../../core/http/render.js';
import type { Translator } from '../../core/i18n/index.js';
import { fairService, matchingService } from '../index.js';
import { viewerOf, type Viewer } from '../access.js';
import { unplacedWhy, MEMBERS, STAFF } from '../routes.js';
import type { MeetingView } from '../service.js';
import type { SessionInput } from '../fairs.js';
import { isCardKind, isJsicMajor, isRegion } from '../rules.js';
import { emptyForm, type FormState } from '../../core/http/forms.js';
import { sendTable, type Table } from './common.js';
import {
  AgendaPage,
  CardFormPage,
  CardPage,
  FairFormPage,
  FairPage,
  FairsPage,
  HomePage,
  IntroducePage,
  MarketPage,
  MeetingPage,
  MeetingsPage,
  MinePage,
  ProfilePage,
  RecommendationsPage,
  ReportPage,
  RequestPage,
  RequestsPage,
  ReviewPage,
  SESSION_ROWS,
  SchedulePage,
  SettingsPage,
  reportRows,
  settingsForm,
} from './views.js';

const hide = { hide: true };
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
/** Form posts: strings (or repeated strings), checked by the service; a failed form is shown again. */
const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
const AnyQuery = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));

type Fields = Record<string, string>;

/** A form body as plain strings; repeated fields (checkboxes) joined by commas. */
function fieldsOf(body: unknown): Fields {
  const out: Fields = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string').join(',');
    else if (typeof v === 'string') out[k] = v;
  }
  return out;
}
function queryOf(req: FastifyRequest): Fields {
  return fieldsOf(req.query);
}
const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
/** A whole number from a form: NaN when it is not one (the service names the field), undefined when empty. */
const int = (v: string | undefined) => {
  const s = text(v);
  if (s === undefined) return undefined;
  return /^\d{1,9}$/.test(s) ? Number(s) : Number.NaN;
};
const posInt = (v: string | undefined) => {
  const n = int(v);
  return n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
};

/** The form shown again after a refused write, or null when the error is not about the input. */
function failed(err: unknown, values: Fields): { form: FormState; status: number } | null {
  if (!(err instanceof DomainError) || (err.code !== 'validation-failed' && err.code !== 'conflict')) return null;
  return { form: { values, errors: err.fields.length ? err.fields : [{ field: 'form', message: err.message }] }, status: err.status };
}

const seeOther = (reply: FastifyReply, url: string) => reply.redirect(url, 303);

const DONE = new Set(['created', 'saved', 'sent', 'answered', 'withdrawn', 'held', 'rated', 'outcome', 'cancelled', 'reviewed', 'renewed', 'introduced', 'scheduled', 'moved', 'locked', 'attendance', 'participant', 'rules', 'availability', 'status']);
function noticeOf(t: Translator, q: Fields): string | null {
  if (q.done === 'scheduled') return t('matching.done.scheduled', { placed: q.placed ?? '0', unplaced: q.unplaced ?? '0', gaps: q.gaps ?? '0', changed: q.changed ?? '0' });
  return q.done && DONE.has(q.done) ? t(`matching.done.${q.done}`) : null;
}

/** Only paths inside this module may be where a form sends the reader back to. */
const safeBack = (v: string | undefined, fallback: string) => (v && /^\/matching(\/[\w/-]*)?$/.test(v) ? v : fallback);

function meetingsTable(ctx: PageCtx, rows: MeetingView[], filename: string): Table {
  const lang = ctx.lang;
  const t = ctx.t;
  return {
    filename,
    sheet: t('matching.page.meetings'),
    columns: ['id', 'company_a', 'country_a', 'company_b', 'country_b', 'channel', 'kind', 'status', 'slot', 'table', 'planned_on', 'held_on', 'fiscal_year', 'counts_for_plan'].map((k) => t(`matching.col.${k}`)),
    rows: rows.map((m) => [
      m.id,
      m.companies[0].name[lang],
      m.companies[0].country,
      m.companies[1].name[lang],
      m.companies[1].country,
      t(`matching.channel.${m.channel}`),
      t(`matching.mkind.${m.kind}`),
      t(`matching.mstatus.${m.status}`),
      m.slot ? m.slot.startsAt : null,
      m.table?.name ?? null,
      m.plannedOn,
      m.heldOn,
      m.heldFiscalYear,
      m.countsForPlan ? 1 : 0,
    ]),
  };
}

export async function matchingPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const svc = matchingService(ctx);
  const fairs = fairService(ctx);
  const members = { auth: MEMBERS };
  const staff = { auth: STAFF };
  const v = (req: FastifyRequest): Viewer => viewerOf(req.user, req.id);
  const format = (req: FastifyRequest) => (queryOf(req).format === 'xlsx' ? 'xlsx' : 'csv');
  const withWhy = <T extends Parameters<typeof unplacedWhy>[0]>(req: FastifyRequest, rows: T[]) => rows.map((u) => ({ ...u, why: unplacedWhy(u, req.lang) }));

  // ---- home ----
  app.get('/matching', { config: members, schema: hide }, async (req, reply) => {
    const viewer = v(req);
    const staffView = viewer.staff;
    const [recs, incoming, meetings, fairList, queue] = await Promise.all([
      staffView || viewer.companyId === null ? [] : svc.recommendations(viewer, { limit: 5, lang: req.lang }),
      staffView || viewer.companyId === null ? [] : svc.listRequests(viewer, { box: 'incoming', status: 'pending' }),
      staffView || viewer.companyId === null ? [] : svc.listMeetings(viewer, { status: 'planned' }),
      fairs.listFairs(viewer),
      staffView ? svc.reviewQueue(viewer).then((q) => q.length) : 0,
    ]);
    return page(req, reply, req.t('matching.page.homeTitle'), (pc) => <HomePage ctx={pc} recs={recs} incoming={incoming} meetings={meetings} fairs={fairList} queue={queue} notice={noticeOf(pc.t, queryOf(req))} />);
  });

  // ---- marketplace ----
  app.get('/matching/market', { config: members, schema: { ...hide, querystring: AnyQuery } }, async (req, reply) => {
    const q = queryOf(req);
    // Unknown filter values are dropped rather than refused: this is a search form.
    const filter = {
      q: text(q.q)?.slice(0, 200),
      kind: isCardKind(q.kind) ? q.kind : undefined,
      jsic: isJsicMajor(q.jsic) ? q.jsic : undefined,
      country: q.country && /^[A-Za-z]{2}$/.test(q.country.trim()) ? q.country.trim().toUpperCase() : undefined,
      language: ['ja', 'en', 'both'].includes(q.language ?? '') ? q.language : undefined,
      region: isRegion(q.region) ? q.region : undefined,
    };
    const limit = 20;
    const offset = Math.min(int(q.offset) ?? 0, 100_000) || 0;
    const result = await svc.marketplace(v(req), { ...filter, limit, offset });
    return page(req, reply, req.t('matching.page.market'), (pc) => <MarketPage ctx={pc} q={q} result={result} limit={limit} offset={offset} />);
  });

  // ---- cards ----
  const cardInput = (f: Fields) => ({
    kind: f.kind ?? '',
    titleJa: f.titleJa ?? null,
    titleEn: f.titleEn ?? null,
    bodyJa: f.bodyJa ?? null,
    bodyEn: f.bodyEn ?? null,
    jsic: list(f.jsic),
    regions: list(f.regions),
    tags: list(f.tags),
  });
  app.get('/matching/cards/new', { config: members, schema: hide }, async (req, reply) =>
    page(req, reply, req.t('matching.page.newCard'), (pc) => <CardFormPage ctx={pc} form={emptyForm({ kind: 'product-offer' })} action="/matching/cards" title={pc.t('matching.page.newCard')} staffCompany={v(req).staff} />),
  );
  app.post('/matching/cards', { config: members, schema: { ...hide, body: FormBody } }, async (req, reply) => {
    const f = fieldsOf(req.body);
    try {
      const card = await svc.createCard(v(req), { ...cardInput(f), companyId: int(f.companyId) });
      return seeOther(reply, `/matching/cards/${card.id}?done=created`);
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return page(req, reply, req.t('matching.page.newCard'), (pc) => <CardFormPage ctx={pc} form={x.form} action="/matching/cards" title={pc.t('matching.page.newCard')} staffCompany={v(req).staff} />, { status: x.status });
    }
  });
  const showCard = async (req: FastifyRequest, reply: FastifyReply, id: number, forms: { form?: FormState; reviewForm?: FormState } = {}, status = 200) => {
    const viewer = v(req);
    const card = await svc.getCard(viewer, id);
    const own = !viewer.staff && viewer.companyId === card.company.id;
    return page(req, reply, card.title[req.lang] ?? card.title.ja ?? card.title.en ?? '', (pc) => <CardPage ctx={pc} card={card} own={own || viewer.staff} form={forms.form} reviewForm={forms.reviewForm} notice={noticeOf(pc.t, queryOf(req))} />, { status });
  };
  app.get('/matching/cards/:id', { config: members, schema: { ...hide, params: IdParams } }, async (req, reply) => showCard(req, reply, (req.params as { id: number }).id));
  app.get('/matching/cards/:id/edit', { config: members, schema: { ...hide, params: IdParams } }, async (req, reply) => {
    const viewer = v(req);
    const card = await svc.getCard(viewer, (req.params as { id: number }).id);
    if (!viewer.staff && viewer.companyId !== card.company.id) throw new DomainError('not-found', 'card not found');
    const form = emptyForm({ kind: card.kind, titleJa: card.title.ja ?? '', titleEn: card.title.en ?? '', bodyJa: card.body.ja ?? '', bodyEn: card.body.en ?? '', jsic: card.jsic.join(','), regions: card.regions.join(','), tags: card.tags.join(', ') });
    return page(req, reply, req.t('matching.page.editCard'), (pc) => <CardFormPage ctx={pc} form={form} action={`/matching/cards/${card.id}`} title={pc.t('matching.page.editCard')} staffCompany={false} />);
  });
  app.post('/matching/cards/:id', { config: members, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const f = fieldsOf(req.body);
    try {
      await svc.updateCard(v(req), id, cardInput(f));
      return seeOther(reply, `/matching/cards/${id}?done=saved`);
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return page(req, reply, req.t('matching.page.editCard'), (pc) => <CardFormPage ctx={pc} form={x.form} action={`/matching/cards/${id}`} title={pc.t('matching.page.editCard')} staffCompany={false} />, { status: x.status });
    }
  });
  app.post('/matching/cards/:id/status', { config: members, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    await svc.updateCard(v(req), id, { status: fieldsOf(req.body).status ?? '' });
    return seeOther(reply, `/matching/cards/${id}?done=status`);
  });
  app.post('/matching/cards/:id/renew', { config: members, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    await svc.renewCard(v(req), id);
    return seeOther(reply, `/matching/cards/${id}?done=renewed`);
  });
  app.post('/matching/cards/:id/review', { config: staff, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const f = fieldsOf(req.body);
    try {
      await svc.reviewCard(v(req), id, f.decision ?? '', f.note);
      return seeOther(reply, `${safeBack(f.back, `/matching/cards/${id}`)}?done=reviewed`);
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return showCard(req, reply, id, { reviewForm: x.form }, x.status);
    }
  });
  app.post('/matching/cards/:id/request', { config: members, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const f = fieldsOf(req.body);
    try {
      const r = await svc.createRequest(v(req), { cardId: id, message: f.message ?? '' });
      return seeOther(reply, `/matching/requests/${r.id}?done=sent`);
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return showCard(req, reply, id, { form: x.form }, x.status);
    }
  });

  // ---- my company ----
  app.get('/matching/mine', { config: members, schema: hide }, async (req, reply) => {
    const viewer = v(req);
    const [profile, cards] = await Promise.all([svc.getProfile(viewer), svc.myCards(viewer)]);
    return page(req, reply, req.t('matching.page.mine'), (pc) => <MinePage ctx={pc} profile={profile} cards={cards} notice={noticeOf(pc.t, queryOf(req))} />);
  });
  app.get('/matching/profile', { config: members, schema: hide }, async (req, reply) => {
    const p = await svc.getProfile(v(req));
    const form = emptyForm(p ? { summaryJa: p.summary.ja ?? '', summaryEn: p.summary.en ?? '', languages: p.languages.join(','), regions: p.regions.join(',') } : {});
    return page(req, reply, req.t('matching.page.editProfile'), (pc) => <ProfilePage ctx={pc} form={form} />);
  });
  app.post('/matching/profile', { config: members, schema: { ...hide, body: FormBody } }, async (req, reply) => {
    const f = fieldsOf(req.body);
    try {
      await svc.saveProfile(v(req), { summaryJa: f.summaryJa ?? null, summaryEn: f.summaryEn ?? null, languages: list(f.languages), regions: list(f.regions) });
      return seeOther(reply, '/matching/mine?done=saved');
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return page(req, reply, req.t('matching.page.editProfile'), (pc) => <ProfilePage ctx={pc} form={x.form} />, { status: x.status });
    }
  });

  app.get('/matching/recommendations', { config: members, schema: { ...hide, querystring: AnyQuery } }, async (req, reply) => {
    const viewer = v(req);
    const companyId = viewer.staff ? posInt(queryOf(req).companyId) : undefined;
    const recs = viewer.staff && !companyId ? [] : await svc.recommendations(viewer, { companyId, limit: 20, lang: req.lang });
    return page(req, reply, req.t('matching.page.recommendations'), (pc) => <RecommendationsPage ctx={pc} recs={recs} />);
  });

  // ---- requests ----
  app.get('/matching/requests', { config: members, schema: hide }, async (req, reply) => {
    const viewer = v(req);
    if (viewer.staff) {
      const all = await svc.listRequests(viewer, {});
      return page(req, reply, req.t('matching.page.requests'), (pc) => <RequestsPage ctx={pc} incoming={[]} outgoing={[]} all={all} />);
    }
    const [incoming, outgoing] = await Promise.all([svc.listRequests(viewer, { box: 'incoming' }), svc.listRequests(viewer, { box: 'outgoing' })]);
    return page(req, reply, req.t('matching.page.requests'), (pc) => <RequestsPage ctx={pc} incoming={incoming} outgoing={outgoing} all={null} />);
  });
  const showRequest = async (req: FastifyRequest, reply: FastifyReply, id: number, form?: FormState, status = 200) => {
    const viewer = v(req);
    const r = await svc.getRequest(viewer, id);
    const pending = r.status === 'pending';
    const canAnswer = pending && (viewer.staff || viewer.companyId === r.to.id);
    const canCancel = pending && (viewer.staff || viewer.companyId === r.from.id);
    return page(req, reply, req.t('matching.page.requestTitle', { id }), (pc) => <RequestPage ctx={pc} r={r} canAnswer={canAnswer} canCancel={canCancel} form={form} notice={noticeOf(pc.t, queryOf(req))} />, { status });
  };
  app.get('/matching/requests/:id', { config: members, schema: { ...hide, params: IdParams } }, async (req, reply) => showRequest(req, reply, (req.params as { id: number }).id));
  app.post('/matching/requests/:id/answer', { config: members, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const f = fieldsOf(req.body);
    try {
      const r = await svc.answerRequest(v(req), id, { decision: f.decision ?? '', note: f.note ?? null, plannedOn: text(f.plannedOn) ?? null });
      return seeOther(reply, r.meetingId ? `/matching/meetings/${r.meetingId}?done=answered` : `/matching/requests/${id}?done=answered`);
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return showRequest(req, reply, id, x.form, x.status);
    }
  });
  app.post('/matching/requests/:id/cancel', { config: members, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    await svc.cancelRequest(v(req), id);
    return seeOther(reply, `/matching/requests/${id}?done=withdrawn`);
  });

  // ---- meetings ----
  app.get('/matching/meetings', { config: members, schema: hide }, async (req, reply) => {
    const rows = await svc.listMeetings(v(req), {});
    return page(req, reply, req.t('matching.page.meetings'), (pc) => <MeetingsPage ctx={pc} rows={rows} />);
  });
  app.get('/matching/meetings/export', { config: members, schema: { ...hide, querystring: AnyQuery } }, async (req, reply) => {
    const rows = await svc.listMeetings(v(req), {});
    return sendTable(reply, format(req), meetingsTable({ lang: req.lang, t: req.t } as PageCtx, rows, 'matching-meetings'));
  });
  const showMeeting = async (req: FastifyRequest, reply: FastifyReply, id: number, forms: { held?: FormState; rating?: FormState; outcome?: FormState } = {}, status = 200) => {
    const m = await svc.getMeeting(v(req), id);
    return page(req, reply, req.t('matching.page.meetingTitle', { id }), (pc) => <MeetingPage ctx={pc} m={m} forms={forms} notice={noticeOf(pc.t, queryOf(req))} />, { status });
  };
  app.get('/matching/meetings/:id', { config: members, schema: { ...hide, params: IdParams } }, async (req, reply) => showMeeting(req, reply, (req.params as { id: number }).id));
  app.post('/matching/meetings/:id/held', { config: members, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const f = fieldsOf(req.body);
    try {
      await svc.recordHeld(v(req), id, { held: f.held !== '0', heldOn: text(f.heldOn) ?? null });
      return seeOther(reply, `/matching/meetings/${id}?done=held`);
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return showMeeting(req, reply, id, { held: x.form }, x.status);
    }
  });
  app.post('/matching/meetings/:id/cancel', { config: members, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    await svc.cancelMeeting(v(req), id);
    return seeOther(reply, `/matching/meetings/${id}?done=cancelled`);
  });
  app.post('/matching/meetings/:id/rating', { config: members, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const f = fieldsOf(req.body);
    try {
      await svc.rate(v(req), id, { score: int(f.score) ?? Number.NaN, comment: f.comment ?? null });
      return seeOther(reply, `/matching/meetings/${id}?done=rated`);
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return showMeeting(req, reply, id, { rating: x.form }, x.status);
    }
  });
  app.post('/matching/meetings/:id/outcome', { config: members, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const f = fieldsOf(req.body);
    try {
      await svc.recordOutcome(v(req), id, { outcome: f.outcome ?? '', note: f.note ?? null });
      return seeOther(reply, `/matching/meetings/${id}?done=outcome`);
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return showMeeting(req, reply, id, { outcome: x.form }, x.status);
    }
  });

  // ---- staff: review, introductions ----
  app.get('/matching/review', { config: staff, schema: hide }, async (req, reply) => {
    const cards = await svc.reviewQueue(v(req));
    return page(req, reply, req.t('matching.page.review'), (pc) => <ReviewPage ctx={pc} cards={cards} notice={noticeOf(pc.t, queryOf(req))} />);
  });
  app.get('/matching/introduce', { config: staff, schema: hide }, async (req, reply) => page(req, reply, req.t('matching.page.introduce'), (pc) => <IntroducePage ctx={pc} form={emptyForm({ arrangedByCity: '1' })} />));
  app.post('/matching/introductions', { config: staff, schema: { ...hide, body: FormBody } }, async (req, reply) => {
    const f = fieldsOf(req.body);
    try {
      const m = await svc.introduce(v(req), { companyA: int(f.companyA) ?? 0, companyB: int(f.companyB) ?? 0, kind: f.kind || undefined, plannedOn: text(f.plannedOn) ?? null, note: f.note ?? null, arrangedByCity: f.arrangedByCity !== '0' });
      return seeOther(reply, `/matching/meetings/${m.id}?done=introduced`);
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return page(req, reply, req.t('matching.page.introduce'), (pc) => <IntroducePage ctx={pc} form={x.form} />, { status: x.status });
    }
  });

  // ---- fairs ----
  app.get('/matching/fairs', { config: members, schema: hide }, async (req, reply) => {
    const rows = await fairs.listFairs(v(req));
    return page(req, reply, req.t('matching.page.fairs'), (pc) => <FairsPage ctx={pc} rows={rows} />);
  });
  app.get('/matching/fairs/new', { config: staff, schema: hide }, async (req, reply) =>
    page(req, reply, req.t('matching.page.newFair'), (pc) => <FairFormPage ctx={pc} form={emptyForm({ 'sessions.0.start': '10:00', 'sessions.0.end': '17:00', 'sessions.0.slotMinutes': '30', 'sessions.0.breakMinutes': '0', tables: '1-20', status: 'draft' })} />),
  );
  app.post('/matching/fairs', { config: staff, schema: { ...hide, body: FormBody } }, async (req, reply) => {
    const f = fieldsOf(req.body);
    const sessions: SessionInput[] = [];
    for (let i = 0; i < SESSION_ROWS; i++) {
      const d = text(f[`sessions.${i}.date`]);
      if (!d && i > 0) continue;
      sessions.push({ date: d ?? '', start: f[`sessions.${i}.start`] ?? '', end: f[`sessions.${i}.end`] ?? '', slotMinutes: int(f[`sessions.${i}.slotMinutes`]) ?? Number.NaN, breakMinutes: int(f[`sessions.${i}.breakMinutes`]) ?? 0 });
    }
    // "1-20" makes tables 1 to 20; otherwise one name per line or comma.
    const raw = (f.tables ?? '').trim();
    const range = /^(\d{1,4})\s*-\s*(\d{1,4})$/.exec(raw);
    const tables = range ? Array.from({ length: Math.max(0, Math.min(2000, Number(range[2]) - Number(range[1]) + 1)) }, (_, i) => String(Number(range[1]) + i)) : raw.split(/[\n,]+/).map((s) => s.trim()).filter(Boolean);
    const deadline = text(f.requestDeadline);
    try {
      const fair = await fairs.createFair(v(req), {
        nameJa: f.nameJa ?? '',
        nameEn: f.nameEn ?? '',
        kind: f.kind || undefined,
        venueJa: f.venueJa ?? null,
        venueEn: f.venueEn ?? null,
        // The form's local date-time is Tokyo time.
        requestDeadline: deadline && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(deadline) ? `${deadline}:00+09:00` : (deadline ?? ''),
        maxMeetings: int(f.maxMeetings) ?? null,
        status: f.status || undefined,
        sessions,
        tables,
      });
      return seeOther(reply, `/matching/fairs/${fair.id}?done=created`);
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return page(req, reply, req.t('matching.page.newFair'), (pc) => <FairFormPage ctx={pc} form={x.form} />, { status: x.status });
    }
  });
  const showFair = async (req: FastifyRequest, reply: FastifyReply, id: number, forms: Parameters<typeof FairPage>[0]['forms'] = {}, status = 200) => {
    const viewer = v(req);
    const fair = await fairs.getFair(viewer, id);
    const mine = !viewer.staff && viewer.companyId !== null && fair.participants.some((p) => p.company.id === viewer.companyId) ? viewer.companyId : null;
    const unavailable = mine !== null ? (await fairs.agenda(viewer, id)).unavailableSlotIds : [];
    return page(req, reply, fair.name[req.lang], (pc) => <FairPage ctx={pc} fair={fair} unavailable={unavailable} forms={forms} notice={noticeOf(pc.t, queryOf(req))} myCompany={mine} />, { status });
  };
  app.get('/matching/fairs/:id', { config: members, schema: { ...hide, params: IdParams } }, async (req, reply) => showFair(req, reply, (req.params as { id: number }).id));
  app.post('/matching/fairs/:id/participants', { config: staff, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const f = fieldsOf(req.body);
    try {
      const companyId = int(f.companyId);
      if (companyId === undefined || !Number.isInteger(companyId) || companyId < 1) throw new DomainError('validation-failed', 'company id', [{ field: 'companyId', message: 'must be a registry id', key: 'matching.err.unknownCompany', params: { id: f.companyId ?? '' } }]);
      await fairs.setParticipant(v(req), id, companyId, f.group ?? null);
      return seeOther(reply, `/matching/fairs/${id}?done=participant`);
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return showFair(req, reply, id, { participant: x.form }, x.status);
    }
  });
  app.post('/matching/fairs/:id/rules', { config: staff, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const f = fieldsOf(req.body);
    const rules = (f.rules ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const [a = '', b = ''] = l.split(/\s*[,↔]\s*/);
        return { a, b };
      });
    try {
      await fairs.setRules(v(req), id, rules);
      return seeOther(reply, `/matching/fairs/${id}?done=rules`);
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return showFair(req, reply, id, { rules: { values: f, errors: x.form.errors.map((e) => ({ ...e, field: 'rules' })) } }, x.status);
    }
  });
  app.post('/matching/fairs/:id/status', { config: staff, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    await fairs.updateFair(v(req), id, { status: fieldsOf(req.body).status ?? '' });
    return seeOther(reply, `/matching/fairs/${id}?done=status`);
  });
  app.post('/matching/fairs/:id/availability', { config: members, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const f = fieldsOf(req.body);
    await fairs.setUnavailable(v(req), id, { slotIds: list(f.unavailable).map((s) => int(s) ?? 0) });
    return seeOther(reply, `/matching/fairs/${id}?done=availability`);
  });
  app.post('/matching/fairs/:id/requests', { config: members, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const f = fieldsOf(req.body);
    try {
      const r = await svc.createRequest(v(req), { fairId: id, toCompanyId: int(f.toCompanyId), message: f.message ?? '' });
      return seeOther(reply, `/matching/requests/${r.id}?done=sent`);
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return showFair(req, reply, id, { request: x.form }, x.status);
    }
  });

  // ---- scheduling (staff) ----
  const showSchedule = async (req: FastifyRequest, reply: FastifyReply, id: number, clash: { meetingId: number; messages: string[] } | null = null, status = 200) => {
    const viewer = v(req);
    const fair = await fairs.getFair(viewer, id);
    const [meetings, unplaced] = await Promise.all([svc.listMeetings(viewer, { fairId: id }), fairs.unplaced(viewer, id)]);
    const q = queryOf(req);
    const result = q.done === 'scheduled' ? { placed: int(q.placed) ?? 0, unplaced: int(q.unplaced) ?? 0, gaps: int(q.gaps) ?? 0, changed: int(q.changed) ?? 0 } : null;
    return page(
      req,
      reply,
      req.t('matching.page.scheduleTitle', { fair: fair.name[req.lang] }),
      (pc) => <SchedulePage ctx={pc} fair={fair} meetings={meetings} unplaced={withWhy(req, unplaced)} result={result} clash={clash} notice={result ? null : noticeOf(pc.t, q)} now={ctx.clock.now().getTime()} />,
      { status },
    );
  };
  app.get('/matching/fairs/:id/schedule', { config: staff, schema: { ...hide, params: IdParams } }, async (req, reply) => showSchedule(req, reply, (req.params as { id: number }).id));
  app.post('/matching/fairs/:id/schedule', { config: staff, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const r = await fairs.runSchedule(v(req), id);
    return seeOther(reply, `/matching/fairs/${id}/schedule?done=scheduled&placed=${r.placed}&unplaced=${r.unplaced.length}&gaps=${r.gaps}&changed=${r.changed}`);
  });
  app.get('/matching/fairs/:id/schedule/export', { config: staff, schema: { ...hide, params: IdParams, querystring: AnyQuery } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const rows = await svc.listMeetings(v(req), { fairId: id });
    return sendTable(reply, format(req), meetingsTable({ lang: req.lang, t: req.t } as PageCtx, rows.reverse(), `matching-fair-${id}-schedule`));
  });
  app.post('/matching/meetings/:id/place', { config: staff, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const f = fieldsOf(req.body);
    const m = await svc.getMeeting(v(req), id);
    try {
      await fairs.place(v(req), id, { slotId: int(f.slotId) ?? null, tableId: int(f.tableId) ?? null, lock: f.lock !== '0' });
      return seeOther(reply, `/matching/fairs/${m.fairId}/schedule?done=moved`);
    } catch (err) {
      if (!(err instanceof DomainError) || (err.code !== 'conflict' && err.code !== 'validation-failed') || m.fairId === null) throw err;
      return showSchedule(req, reply, m.fairId, { meetingId: id, messages: err.fields.map((p) => (p.key ? req.t(p.key, p.params) : p.message)) }, err.status);
    }
  });
  app.post('/matching/meetings/:id/lock', { config: staff, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const m = await fairs.lock(v(req), id, fieldsOf(req.body).locked === '1');
    return seeOther(reply, `/matching/fairs/${m.fairId}/schedule?done=locked`);
  });
  app.post('/matching/meetings/:id/attendance', { config: staff, schema: { ...hide, params: IdParams, body: FormBody } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const f = fieldsOf(req.body);
    const m = await fairs.attendance(v(req), id, { a: f.a === '1', b: f.b === '1' });
    return seeOther(reply, `/matching/fairs/${m.fairId}/schedule?done=attendance`);
  });

  // ---- agenda ----
  const showAgenda = async (req: FastifyRequest, reply: FastifyReply, print: boolean) => {
    const viewer = v(req);
    const id = (req.params as { id: number }).id;
    const agenda = await fairs.agenda(viewer, id, viewer.staff ? posInt(queryOf(req).companyId) : undefined);
    return page(req, reply, req.t('matching.page.agenda'), (pc) => <AgendaPage ctx={pc} agenda={agenda} print={print} unplaced={withWhy(req, agenda.unplaced)} />, { bare: print });
  };
  app.get('/matching/fairs/:id/agenda', { config: members, schema: { ...hide, params: IdParams, querystring: AnyQuery } }, async (req, reply) => showAgenda(req, reply, false));
  app.get('/matching/fairs/:id/agenda/print', { config: members, schema: { ...hide, params: IdParams, querystring: AnyQuery } }, async (req, reply) => showAgenda(req, reply, true));

  // ---- reports ----
  const reportTable = (req: FastifyRequest, filename: string, rows: Array<[string, string, number | string]>): Table => ({
    filename,
    sheet: req.t('matching.page.reports'),
    columns: [req.t('matching.col.section'), req.t('matching.col.item'), req.t('matching.col.value')],
    rows,
  });
  app.get('/matching/fairs/:id/report', { config: staff, schema: { ...hide, params: IdParams } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const viewer = v(req);
    const [fair, report] = await Promise.all([fairs.getFair(viewer, id), fairs.report(viewer, id)]);
    const extra: Array<[string, number]> = [
      [req.t('matching.report.participants'), report.participants],
      [req.t('matching.report.requests'), report.requests.total],
      [req.t('matching.rstatus.accepted'), report.requests.accepted],
      [req.t('matching.rstatus.declined'), report.requests.declined],
      [req.t('matching.rstatus.expired'), report.requests.expired],
      [req.t('matching.report.unplaced'), report.unplaced],
    ];
    return page(req, reply, req.t('matching.page.fairReportTitle', { fair: fair.name[req.lang] }), (pc) => <ReportPage ctx={pc} title={pc.t('matching.page.fairReportTitle', { fair: fair.name[pc.lang] })} report={report} exportBase={`/matching/fairs/${id}/report/export`} extra={extra} />);
  });
  app.get('/matching/fairs/:id/report/export', { config: staff, schema: { ...hide, params: IdParams, querystring: AnyQuery } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const report = await fairs.report(v(req), id);
    return sendTable(reply, format(req), reportTable(req, `matching-fair-${id}-report`, reportRows({ lang: req.lang, t: req.t } as PageCtx, report)));
  });
  app.get('/matching/reports', { config: staff, schema: hide }, async (req, reply) => {
    const report = await svc.outcomeReport(v(req));
    return page(req, reply, req.t('matching.page.reports'), (pc) => <ReportPage ctx={pc} title={pc.t('matching.page.reports')} report={report} exportBase="/matching/reports/export" />);
  });
  app.get('/matching/reports/export', { config: staff, schema: { ...hide, querystring: AnyQuery } }, async (req, reply) => {
    const report = await svc.outcomeReport(v(req));
    return sendTable(reply, format(req), reportTable(req, 'matching-outcomes', reportRows({ lang: req.lang, t: req.t } as PageCtx, report)));
  });

  // ---- settings ----
  app.get('/matching/settings', { config: staff, schema: hide }, async (req, reply) => {
    const s = await svc.settings();
    return page(req, reply, req.t('matching.page.settings'), (pc) => <SettingsPage ctx={pc} form={settingsForm(s)} notice={noticeOf(pc.t, queryOf(req))} />);
  });
  app.post('/matching/settings', { config: staff, schema: { ...hide, body: FormBody } }, async (req, reply) => {
    const f = fieldsOf(req.body);
    try {
      await svc.updateSettings(v(req), { requestExpiryDays: int(f.requestExpiryDays) ?? Number.NaN, followUpMonths: int(f.followUpMonths) ?? Number.NaN, cardLifetimeDays: int(f.cardLifetimeDays) ?? Number.NaN });
      return seeOther(reply, '/matching/settings?done=saved');
    } catch (err) {
      const x = failed(err, f);
      if (!x) throw err;
      return page(req, reply, req.t('matching.page.settings'), (pc) => <SettingsPage ctx={pc} form={x.form} notice={null} />, { status: x.status });
    }
  });
}
