import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderToString } from 'preact-render-to-string';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.js';
import { actorOf } from '../../core/auth/service.js';
import { Layout, page, pageCtx, renderHtml } from '../../core/http/render.js';
import { versionKey } from '../../core/versions.js';
import { fiscalYearOf } from '../../core/fiscal.js';
import type { Translator } from '../../core/i18n/index.js';
import { companiesService } from '../../companies/index.js';
import { attractionService } from '../index.js';
import { AttractionError, localize } from '../errors.js';
import type { LeadFilter } from '../store.js';
import { SECTOR_GROUPS, isSector, isSectorGroup, isStage, tokyoDate, type Stage } from '../rules.js';
import { MOVE_FIELDS, companyRef, type CompanyRef, type LeadView, type OtherView, type TaskInput, type TaskView } from '../service.js';
import { sendTable, type Cell, type ExportFormat } from '../export.js';
import { DashboardPage } from './dashboard.js';
import { BoardBody } from './board.js';
import { LeadsPage, NewLeadPage, type TableFilter } from './leads.js';
import { EditPage, LeadPage, MovePage } from './lead.js';
import { OthersPage } from './others.js';
import { emptyForm, type FormState } from '../../core/http/forms.js';

const STAFF = ['staff', 'admin'] as const;
const config = { auth: STAFF };
const hide = { hide: true };
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
/** Form posts: fields are strings; they are parsed and checked by the handler, which re-renders the form on error. */
const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
const AnyQuery = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
const PAGE_SIZE = 50;
/** Cards per board column: the most recently moved; the table lists every lead. */
export const BOARD_CARDS = 200;
/** The first fiscal year offered in filters: the plan's baseline period starts in FY2012. */
const FIRST_FY = 2012;

type Fields = Record<string, string>;

/** A form body as plain strings (the first of repeated fields). */
function fieldsOf(body: unknown): Fields {
  const out: Fields = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    const x = Array.isArray(v) ? v[0] : v;
    if (typeof x === 'string') out[k] = x;
  }
  return out;
}

const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
/** A whole number from a form, NaN when it is not one (the service names the field), undefined when empty. */
const int = (v: string | undefined) => {
  const s = text(v);
  if (s === undefined) return undefined;
  return /^\d+$/.test(s) ? Number(s) : Number.NaN;
};
const posInt = (v: unknown) => (typeof v === 'string' && /^\d{1,9}$/.test(v) && Number(v) > 0 ? Number(v) : undefined);

function queryOf(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
    const x = Array.isArray(v) ? v[0] : v;
    if (typeof x === 'string') out[k] = x;
  }
  return out;
}

/** The table's filter from the query; unknown values are ignored rather than refused. */
function tableFilter(q: Record<string, string>): { filter: TableFilter; lead: LeadFilter; query: string } {
  const filter: TableFilter = {};
  if (isStage(q.stage)) filter.stage = q.stage;
  if (isSector(q.sector) || isSectorGroup(q.sector)) filter.sector = q.sector;
  filter.owner = posInt(q.owner);
  const fy = posInt(q.fy);
  if (fy && fy >= 1900 && fy <= 2200) filter.fy = fy;
  if (q.fyBasis === 'established' || q.fyBasis === 'created') filter.fyBasis = q.fyBasis;
  const lead: LeadFilter = {
    stage: filter.stage as Stage | undefined,
    sector: filter.sector as LeadFilter['sector'],
    ownerId: filter.owner,
    fiscalYear: filter.fy,
    fyBasis: filter.fyBasis,
  };
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v !== undefined && !(k === 'fyBasis' && filter.fy === undefined)) params.set(k, String(v));
  return { filter, lead, query: params.toString() };
}

function years(ctx: AppContext): number[] {
  const out: number[] = [];
  for (let y = fiscalYearOf(ctx.clock.now()); y >= FIRST_FY; y--) out.push(y);
  return out;
}

/** The notice a redirect after a write asks for (`?done=…`). */
function noticeOf(t: Translator, q: Record<string, string>): string | null {
  switch (q.done) {
    case 'created':
      return t('attraction.lead.created');
    case 'moved':
      return isStage(q.stage) ? t('attraction.lead.moved', { stage: t(`attraction.stage.${q.stage}`) }) : t('attraction.lead.saved');
    case 'saved':
      return t('attraction.lead.saved');
    case 'consultation':
      return t('attraction.lead.consultationSaved');
    case 'task':
      return t('attraction.lead.taskSaved');
    case 'task-done':
      return t('attraction.task.doneNotice');
    case 'other':
      return t('attraction.others.saved');
    case 'other-deleted':
      return t('attraction.others.deleted');
    default:
      return null;
  }
}

/**
 * A form that failed: what was typed and what was wrong, in the reader's language (the problems'
 * own messages are English, for the API), or null when the error is not about the input.
 */
function failedForm(t: Translator, err: unknown, values: Fields): { form: FormState; status: number; near: CompanyRef[] } | null {
  if (!(err instanceof AttractionError) || (err.code !== 'validation-failed' && err.code !== 'conflict')) return null;
  const near = (err.extra.nearDuplicates as CompanyRef[] | undefined) ?? [];
  return { form: { values, errors: err.problems.map((p) => ({ field: p.field, message: localize(t, p) })) }, status: err.status, near };
}

/** The company part of a form: a registry id, or a new company's fields. */
function companyChoiceOf(f: Fields): { companyId?: number; company?: { nameEn: string | null; nameJa: string | null; country: string; website: string | null }; allowDuplicate?: boolean } {
  const companyId = int(f.companyId);
  const typed = ['company.nameEn', 'company.nameJa', 'company.country', 'company.website'].some((k) => text(f[k]) !== undefined);
  return {
    companyId,
    company: typed ? { nameEn: text(f['company.nameEn']) ?? null, nameJa: text(f['company.nameJa']) ?? null, country: text(f['company.country']) ?? '', website: text(f['company.website']) ?? null } : undefined,
    allowDuplicate: f.allowDuplicate === '1' ? true : undefined,
  };
}

const seeOther = (reply: FastifyReply, url: string) => reply.redirect(url, 303);

const BODY_MARK = '\u0000kabuto-body\u0000';

/** A page whose main content is ready-made bytes: the layout (per request: user, CSRF, language) is rendered around them. */
function pageAround(req: FastifyRequest, reply: FastifyReply, title: string, body: Buffer): FastifyReply {
  const pc = pageCtx(req, reply);
  const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
  const shell = renderHtml(
    <Layout ctx={pc} title={title} query={query}>
      {BODY_MARK}
    </Layout>,
  );
  const at = shell.indexOf(BODY_MARK);
  if (at < 0) throw new Error('the layout lost the body marker');
  const bytes = Buffer.concat([Buffer.from(shell.slice(0, at)), body, Buffer.from(shell.slice(at + BODY_MARK.length))]);
  return reply.status(200).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(bytes);
}

/** Only paths inside this module may be a redirect target after a form. */
const safeBack = (v: string | undefined, fallback: string) => (v && /^\/attraction(\/[\w/-]*)?$/.test(v) ? v : fallback);

// ---- export tables ----

function leadsTable(t: Translator, lang: 'ja' | 'en', leads: LeadView[]): { columns: string[]; rows: Cell[][] } {
  const columns = [
    'attraction.col.id',
    'attraction.col.company',
    'attraction.col.country',
    'attraction.col.sectorGroup',
    'attraction.col.sector',
    'attraction.col.origin',
    'attraction.col.owner',
    'attraction.col.stage',
    'attraction.col.createdAt',
    'attraction.col.createdFy',
    'attraction.col.firstContactDate',
    'attraction.col.decisionDate',
    'attraction.col.establishedDate',
    'attraction.col.establishedFy',
    'attraction.col.entityType',
    'attraction.col.officeAddress',
    'attraction.col.staffCount',
    'attraction.col.dropReason',
  ].map((k) => t(k));
  const rows = leads.map((l) => [
    l.id,
    lang === 'en' ? l.company.name.en : l.company.name.ja,
    l.company.country,
    t(`attraction.sectorGroup.${l.sectorGroup}`),
    t(`attraction.sector.${l.sector}`),
    t(`attraction.origin.${l.origin}`),
    l.owner.name,
    t(`attraction.stage.${l.stage}`),
    tokyoDate(new Date(l.createdAt)),
    l.createdFiscalYear,
    l.firstContactDate,
    l.decisionDate,
    l.establishedDate,
    l.establishedFiscalYear,
    l.entityType ? t(`attraction.entity.${l.entityType}`) : null,
    l.officeAddress,
    l.staffCount,
    l.dropReason,
  ]);
  return { columns, rows };
}

function othersTable(t: Translator, lang: 'ja' | 'en', items: OtherView[]): { columns: string[]; rows: Cell[][] } {
  return {
    columns: ['attraction.col.id', 'attraction.col.company', 'attraction.col.country', 'attraction.col.sectorGroup', 'attraction.col.sector', 'attraction.col.establishedDate', 'attraction.col.establishedFy', 'attraction.col.source', 'attraction.col.note'].map((k) => t(k)),
    rows: items.map((o) => [o.id, lang === 'en' ? o.company.name.en : o.company.name.ja, o.company.country, t(`attraction.sectorGroup.${o.sectorGroup}`), t(`attraction.sector.${o.sector}`), o.establishedDate, o.establishedFiscalYear, o.source, o.note]),
  };
}

function tasksTable(t: Translator, lang: 'ja' | 'en', tasks: (TaskView & { company: CompanyRef })[]): { columns: string[]; rows: Cell[][] } {
  return {
    columns: ['attraction.col.due', 'attraction.col.task', 'attraction.col.company', 'attraction.col.assignee', 'attraction.col.done'].map((k) => t(k)),
    rows: tasks.map((x) => [x.dueDate, x.title, lang === 'en' ? x.company.name.en : x.company.name.ja, x.assignee.name, t(x.done ? 'attraction.yes' : 'attraction.no')]),
  };
}

/** Staff pages of the pipeline: dashboard, board, table, lead pages, forms and exports. */
export async function attractionPages(root: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const svc = attractionService(ctx);
  const actor = (req: FastifyRequest) => actorOf(req.user, req.id);

  // ---- dashboard ----
  const dashboard = async (req: FastifyRequest, reply: FastifyReply) => {
    const me = req.user!;
    const fy = fiscalYearOf(ctx.clock.now());
    const [tasks, counts, ...figures] = await Promise.all([
      svc.tasksOf(me.id),
      ctx.db.selectFrom('attraction_leads').select(['stage', (eb) => eb.fn.countAll<number>().as('n')]).where('owner_id', '=', me.id).groupBy('stage').execute(),
      ...SECTOR_GROUPS.flatMap((g) => [svc.establishedByYear([g], 'city'), svc.establishedByYear([g], 'total')]),
    ]);
    const established = Object.fromEntries(SECTOR_GROUPS.map((g, i) => [g, { city: figures[i * 2]!.get(fy) ?? 0, total: figures[i * 2 + 1]!.get(fy) ?? 0 }])) as Record<(typeof SECTOR_GROUPS)[number], { city: number; total: number }>;
    const myLeads = new Map(counts.map((c) => [c.stage as Stage, Number(c.n)]));
    return page(req, reply, req.t('attraction.dashboard.title'), (pc) => <DashboardPage ctx={pc} notice={noticeOf(req.t, queryOf(req))} tasks={tasks} myLeads={myLeads} fiscalYear={fy} established={established} />);
  };
  app.get('/attraction', { config, schema: { hide: true, querystring: AnyQuery } }, dashboard);
  app.get('/attraction/dashboard', { config, schema: { hide: true, querystring: AnyQuery } }, dashboard);

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/attraction/tasks.${format}`, { config, schema: hide }, async (req, reply) => {
      const { overdue, upcoming } = await svc.tasksOf(req.user!.id);
      return sendTable(reply, format, { filename: 'attraction-tasks', sheet: req.t('attraction.export.tasks'), ...tasksTable(req.t, req.lang, [...overdue, ...upcoming]) });
    });
  }

  app.post('/attraction/tasks/:id/done', { config, schema: { hide: true, params: IdParams, body: FormBody } }, async (req, reply) => {
    const f = fieldsOf(req.body);
    const task = await svc.updateTask(actor(req), req.params.id, { done: f.done !== '0' });
    const back = safeBack(f.back, `/attraction/leads/${task.leadId}`);
    return seeOther(reply, `${back}?done=task-done`);
  });

  // ---- board ----
  // The board's body is the same for every staff member asking with the same filter and language:
  // cached by the data versions (attraction and companies are bumped by their writes) and the users' stamp
  // (owner names). Requests that find it stale at the same moment share one rendering.
  const boardCache = new Map<string, { version: string; html: Promise<Buffer> }>();
  app.get('/attraction/board', { config, schema: { hide: true, querystring: AnyQuery } }, async (req, reply) => {
    const q = queryOf(req);
    const sector = isSector(q.sector) || isSectorGroup(q.sector) ? q.sector : undefined;
    const owner = posInt(q.owner);
    const [versions, users] = await Promise.all([versionKey(ctx.db), ctx.db.selectFrom('users').select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('updated_at').as('u')]).executeTakeFirst()]);
    const version = `${versions}#${users?.n ?? 0}:${users?.u ?? ''}`;
    const key = `${req.lang}|${sector ?? ''}|${owner ?? ''}`;
    let cached = boardCache.get(key);
    if (!cached || cached.version !== version) {
      const t = req.t;
      const lang = req.lang;
      const html = (async () => {
        const [columns, owners] = await Promise.all([svc.board({ sector, ownerId: owner }, BOARD_CARDS), svc.staffUsers()]);
        // Kept as bytes: a cached string would stay a rope of thousands of pieces that every send walks again.
        return Buffer.from(renderToString(<BoardBody ctx={{ t, lang, path: '/attraction/board', nav: [], user: null, csrf: '' }} columns={columns} perColumn={BOARD_CARDS} filter={{ sector, owner }} owners={owners} />));
      })();
      cached = { version, html };
      if (boardCache.size >= 64 && !boardCache.has(key)) boardCache.delete(boardCache.keys().next().value!);
      boardCache.set(key, cached);
      // A failed rendering is not kept: the next request tries again.
      html.catch(() => {
        if (boardCache.get(key) === cached) boardCache.delete(key);
      });
    }
    return pageAround(req, reply, req.t('attraction.board.title'), await cached.html);
  });

  // ---- the table and its exports ----
  app.get('/attraction/leads', { config, schema: { hide: true, querystring: AnyQuery } }, async (req, reply) => {
    const q = queryOf(req);
    const { filter, lead, query } = tableFilter(q);
    const pageNo = posInt(q.page) ?? 1;
    const [list, owners] = await Promise.all([svc.listLeads(lead, { limit: PAGE_SIZE, offset: (pageNo - 1) * PAGE_SIZE }), svc.staffUsers()]);
    return page(req, reply, req.t('attraction.leads.title'), (pc) => (
      <LeadsPage ctx={pc} filter={filter} query={query} page={pageNo} pageSize={PAGE_SIZE} total={list.total} items={list.items} owners={owners} years={years(ctx)} />
    ));
  });

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/attraction/leads.${format}`, { config, schema: { hide: true, querystring: AnyQuery } }, async (req, reply) => {
      const { lead } = tableFilter(queryOf(req));
      const leads = await svc.allLeads(lead);
      return sendTable(reply, format, { filename: 'attraction-leads', sheet: req.t('attraction.export.leads'), ...leadsTable(req.t, req.lang, leads) });
    });
  }

  // ---- a new lead ----
  const newLeadPage = async (req: FastifyRequest, reply: FastifyReply, q: string, form?: FormState, status = 200, near: CompanyRef[] = []) => {
    const [owners, results] = await Promise.all([svc.staffUsers(), q.trim().length >= 2 ? companiesService(ctx).search({ text: q.trim(), limit: 20 }) : Promise.resolve(null)]);
    const refs = results ? results.items.map((c) => companyRef(c, c.id)) : null;
    return page(req, reply, req.t('attraction.new.title'), (pc) => <NewLeadPage ctx={pc} q={q} results={refs} form={form} nearDuplicates={near} owners={owners} />, { status });
  };
  app.get('/attraction/leads/new', { config, schema: { hide: true, querystring: AnyQuery } }, async (req, reply) => {
    const q = queryOf(req).q ?? '';
    try {
      return await newLeadPage(req, reply, q, emptyForm({ ownerId: String(req.user!.id) }));
    } catch (err) {
      // A query the registry refuses (too short, odd characters) shows the form without results.
      if (err instanceof Error && 'code' in err && (err as { code: string }).code === 'validation-failed') return newLeadPage(req, reply, '', emptyForm({ ownerId: String(req.user!.id) }));
      throw err;
    }
  });

  app.post('/attraction/leads', { config, schema: { hide: true, body: FormBody } }, async (req, reply) => {
    const f = fieldsOf(req.body);
    try {
      const lead = await svc.createLead(actor(req), { ...companyChoiceOf(f), sector: f.sector ?? '', origin: f.origin ?? '', ownerId: int(f.ownerId), notes: text(f.notes) ?? null });
      return seeOther(reply, `/attraction/leads/${lead.id}?done=created`);
    } catch (err) {
      const failed = failedForm(req.t, err, f);
      if (!failed) throw err;
      return newLeadPage(req, reply, f.q ?? '', failed.form, failed.status, failed.near);
    }
  });

  // ---- a lead ----
  const leadPage = async (req: FastifyRequest, reply: FastifyReply, id: number, forms: { consultation?: FormState; task?: FormState } = {}, status = 200) => {
    const [lead, staff] = await Promise.all([svc.getLead(id), svc.staffUsers()]);
    const today = tokyoDate(ctx.clock.now());
    const name = req.lang === 'en' ? lead.company.name.en : lead.company.name.ja;
    const me = String(req.user!.id);
    const defaults = { consultation: emptyForm({ date: today, staffId: me, 'tasks.0.assigneeId': me, 'tasks.1.assigneeId': me, 'tasks.2.assigneeId': me }), task: emptyForm({ assigneeId: me }) };
    return page(req, reply, req.t('attraction.lead.title', { id: lead.id, company: name }), (pc) => <LeadPage ctx={pc} lead={lead} notice={noticeOf(req.t, queryOf(req))} staff={staff} today={today} {...defaults} {...forms} />, { status });
  };
  app.get('/attraction/leads/:id', { config, schema: { hide: true, params: IdParams, querystring: AnyQuery } }, async (req, reply) => leadPage(req, reply, req.params.id));

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/attraction/leads/:id/history.${format}`, { config, schema: { hide: true, params: IdParams } }, async (req, reply) => {
      const lead = await svc.getLead(req.params.id);
      const t = req.t;
      return sendTable(reply, format as ExportFormat, {
        filename: `attraction-lead-${lead.id}-history`,
        sheet: t('attraction.export.history'),
        columns: ['attraction.col.when', 'attraction.col.from', 'attraction.col.to', 'attraction.col.by', 'attraction.col.note'].map((k) => t(k)),
        rows: lead.history.map((h) => [h.at, h.from ? t(`attraction.stage.${h.from}`) : t('attraction.stage.created'), t(`attraction.stage.${h.to}`), h.by, h.note]),
      });
    });
  }

  app.get('/attraction/leads/:id/move', { config, schema: { hide: true, params: IdParams, querystring: AnyQuery } }, async (req, reply) => {
    const lead = await svc.getLead(req.params.id);
    const q = queryOf(req);
    const to: Stage = isStage(q.to) ? q.to : (lead.allowedMoves[0] ?? lead.stage);
    const values: Fields = {};
    for (const field of MOVE_FIELDS) if (lead[field] !== null && lead[field] !== undefined) values[field] = String(lead[field]);
    return page(req, reply, req.t('attraction.move.title', { id: lead.id, stage: req.t(`attraction.stage.${to}`) }), (pc) => <MovePage ctx={pc} lead={lead} to={to} form={emptyForm(values)} />);
  });

  app.post('/attraction/leads/:id/move', { config, schema: { hide: true, params: IdParams, body: FormBody } }, async (req, reply) => {
    const f = fieldsOf(req.body);
    const move: Record<string, string | number | null | undefined> = { to: f.to ?? '', note: text(f.note) ?? null };
    for (const field of MOVE_FIELDS) {
      if (field === 'staffCount') move[field] = int(f[field]);
      else move[field] = text(f[field]);
    }
    try {
      const lead = await svc.moveLead(actor(req), req.params.id, move as never);
      return seeOther(reply, `/attraction/leads/${lead.id}?done=moved&stage=${lead.stage}`);
    } catch (err) {
      const failed = failedForm(req.t, err, f);
      if (!failed) throw err;
      const lead = await svc.getLead(req.params.id);
      const to: Stage = isStage(f.to) ? f.to : lead.stage;
      return page(req, reply, req.t('attraction.move.title', { id: lead.id, stage: req.t(`attraction.stage.${to}`) }), (pc) => <MovePage ctx={pc} lead={lead} to={to} form={failed.form} />, { status: failed.status });
    }
  });

  const editValues = (lead: Awaited<ReturnType<typeof svc.getLead>>): Fields => {
    const v: Fields = { sector: lead.sector, origin: lead.origin, ownerId: String(lead.owner.id), notes: lead.notes ?? '' };
    for (const field of MOVE_FIELDS) if (lead[field] !== null && lead[field] !== undefined) v[field] = String(lead[field]);
    return v;
  };
  app.get('/attraction/leads/:id/edit', { config, schema: { hide: true, params: IdParams } }, async (req, reply) => {
    const [lead, owners] = await Promise.all([svc.getLead(req.params.id), svc.staffUsers()]);
    return page(req, reply, req.t('attraction.edit.title', { id: lead.id }), (pc) => <EditPage ctx={pc} lead={lead} form={emptyForm(editValues(lead))} owners={owners} />);
  });

  app.post('/attraction/leads/:id/edit', { config, schema: { hide: true, params: IdParams, body: FormBody } }, async (req, reply) => {
    const f = fieldsOf(req.body);
    const lead = await svc.getLead(req.params.id);
    // Only what the form shows and the reader changed is sent; an emptied stage field is refused by the service.
    const patch: Record<string, string | number | null | undefined> = { sector: f.sector, origin: f.origin, ownerId: int(f.ownerId), notes: text(f.notes) ?? null };
    const before = editValues(lead);
    for (const field of MOVE_FIELDS) {
      if (!(field in f)) continue;
      const now = text(f[field]);
      if ((now ?? '') === (before[field] ?? '')) continue;
      patch[field] = now === undefined ? null : field === 'staffCount' ? int(now) : now;
    }
    try {
      await svc.updateLead(actor(req), lead.id, patch as never);
      return seeOther(reply, `/attraction/leads/${lead.id}?done=saved`);
    } catch (err) {
      const failed = failedForm(req.t, err, f);
      if (!failed) throw err;
      const owners = await svc.staffUsers();
      return page(req, reply, req.t('attraction.edit.title', { id: lead.id }), (pc) => <EditPage ctx={pc} lead={lead} form={failed.form} owners={owners} />, { status: failed.status });
    }
  });

  app.post('/attraction/leads/:id/consultations', { config, schema: { hide: true, params: IdParams, body: FormBody } }, async (req, reply) => {
    const f = fieldsOf(req.body);
    const tasks: TaskInput[] = [];
    for (let i = 0; i < 3; i++) {
      const title = text(f[`tasks.${i}.title`]);
      const dueDate = text(f[`tasks.${i}.dueDate`]);
      if (title === undefined && dueDate === undefined) continue;
      tasks.push({ title: title ?? '', dueDate: dueDate ?? '', assigneeId: int(f[`tasks.${i}.assigneeId`]) });
    }
    try {
      await svc.addConsultation(actor(req), req.params.id, { date: f.date ?? '', staffId: int(f.staffId), topic: f.topic ?? '', notes: text(f.notes) ?? null, tasks });
      return seeOther(reply, `/attraction/leads/${req.params.id}?done=consultation`);
    } catch (err) {
      const failed = failedForm(req.t, err, f);
      if (!failed) throw err;
      return leadPage(req, reply, req.params.id, { consultation: failed.form }, failed.status);
    }
  });

  app.post('/attraction/leads/:id/tasks', { config, schema: { hide: true, params: IdParams, body: FormBody } }, async (req, reply) => {
    const f = fieldsOf(req.body);
    try {
      await svc.addTask(actor(req), req.params.id, { title: f.title ?? '', dueDate: f.dueDate ?? '', assigneeId: int(f.assigneeId), consultationId: int(f.consultationId) ?? null });
      return seeOther(reply, `/attraction/leads/${req.params.id}?done=task`);
    } catch (err) {
      const failed = failedForm(req.t, err, f);
      if (!failed) throw err;
      return leadPage(req, reply, req.params.id, { task: failed.form }, failed.status);
    }
  });

  // ---- firms attracted by others ----
  const othersFilter = (q: Record<string, string>) => {
    const sector = isSector(q.sector) || isSectorGroup(q.sector) ? q.sector : undefined;
    const fy = posInt(q.fy);
    const params = new URLSearchParams();
    if (sector) params.set('sector', sector);
    if (fy) params.set('fy', String(fy));
    return { filter: { sector, fy }, store: { sector, fiscalYear: fy }, query: params.toString() };
  };
  const othersPage = async (req: FastifyRequest, reply: FastifyReply, form?: FormState, status = 200, near: CompanyRef[] = []) => {
    const q = queryOf(req);
    const { filter, store, query } = othersFilter(q);
    const items = await svc.listOthers(store);
    return page(req, reply, req.t('attraction.others.title'), (pc) => <OthersPage ctx={pc} items={items} filter={filter} query={query} years={years(ctx)} notice={noticeOf(req.t, q)} form={form} nearDuplicates={near} />, { status });
  };
  app.get('/attraction/others', { config, schema: { hide: true, querystring: AnyQuery } }, async (req, reply) => othersPage(req, reply));

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/attraction/others.${format}`, { config, schema: { hide: true, querystring: AnyQuery } }, async (req, reply) => {
      const items = await svc.listOthers(othersFilter(queryOf(req)).store);
      return sendTable(reply, format, { filename: 'attraction-others', sheet: req.t('attraction.export.others'), ...othersTable(req.t, req.lang, items) });
    });
  }

  app.post('/attraction/others', { config, schema: { hide: true, body: FormBody } }, async (req, reply) => {
    const f = fieldsOf(req.body);
    try {
      await svc.createOther(actor(req), { ...companyChoiceOf(f), establishedDate: f.establishedDate ?? '', sector: f.sector ?? '', source: f.source ?? '', note: text(f.note) ?? null });
      return seeOther(reply, '/attraction/others?done=other');
    } catch (err) {
      const failed = failedForm(req.t, err, f);
      if (!failed) throw err;
      return othersPage(req, reply, failed.form, failed.status, failed.near);
    }
  });

  app.post('/attraction/others/:id/delete', { config, schema: { hide: true, params: IdParams, body: FormBody } }, async (req, reply) => {
    await svc.deleteOther(actor(req), req.params.id);
    return seeOther(reply, '/attraction/others?done=other-deleted');
  });
}
