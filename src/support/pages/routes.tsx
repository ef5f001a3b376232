import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/context.js';
import { page } from '../../core/http/render.js';
import { DomainError } from '../../core/errors.js';
import { pick } from '../../core/i18n/index.js';
import { MAIL_STATUSES, type MailStatus } from '../../core/mail/index.js';
import { supportService } from '../index.js';
import { isUploadedFile, type UploadedFile } from '../files.js';
import { isStaffUser, type CaseDetail, type CaseInput, type PersonInput } from '../service.js';
import { isKind, isStatus, PERSONAL_FIELDS } from '../rules.js';
import type { CaseFilter } from '../store.js';
import { sendDocument, PEOPLE, STAFF } from '../routes.js';
import { CaseView, NewCase, SupportHome, type CaseForms } from './cases.js';
import { OutboxPage, StaffCases, type StaffFilter } from './staff.js';
import { GuideEditor, GuideIndex, GuidePage, StaffGuides } from './guides.js';
import { emptyForm, type FormState } from '../../core/http/forms.js';

const PAGE_SIZE = 50;

/** Notices shown after a redirect (?done=…); any other value shows nothing. */
const DONE = new Set(['created', 'message', 'updated', 'person-added', 'person-removed', 'guide-saved', 'guide-deleted', 'mail-queued']);
const doneOf = (req: FastifyRequest) => {
  const d = (req.query as Record<string, unknown>).done;
  return typeof d === 'string' && DONE.has(d) ? d : undefined;
};

type Body = Record<string, unknown>;

/** A form's text fields as strings (a repeated field keeps its values joined by commas). */
function textValues(body: Body): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body ?? {})) {
    if (k === '_csrf') continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v.join(',');
  }
  return out;
}

const files = (body: Body, name = 'file'): UploadedFile[] => {
  const v = body?.[name];
  return (Array.isArray(v) ? v : [v]).filter(isUploadedFile);
};

const optional = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

function personFrom(values: Record<string, string>, prefix: string): PersonInput | null {
  const fields = Object.fromEntries(PERSONAL_FIELDS.map((f) => [f, optional(values[`${prefix}${f}`]) ?? null])) as Record<(typeof PERSONAL_FIELDS)[number], string | null>;
  if (PERSONAL_FIELDS.every((f) => fields[f] === null)) return null;
  return { ...fields, fullName: fields.fullName ?? '' };
}

/** A validation problem (or a refused move) re-renders the form; anything else goes to the error page. */
function isFormProblem(err: unknown): err is DomainError {
  return err instanceof DomainError && err.fields.length > 0 && (err.code === 'validation-failed' || err.code === 'conflict' || err.code === 'payload-too-large');
}

const positiveInt = (v: unknown): number | undefined => (typeof v === 'string' && /^\d{1,9}$/.test(v) && Number(v) > 0 ? Number(v) : undefined);

export async function supportPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const svc = supportService(ctx);
  const people = { auth: PEOPLE };
  const staff = { auth: STAFF };
  const maxBytes = ctx.config.attachmentMaxBytes;

  const showCase = async (req: FastifyRequest, reply: FastifyReply, id: number, forms: CaseForms = {}, status = 200) => {
    const c: CaseDetail = await svc.getCase(req.user, id);
    const staffList = isStaffUser(req.user) ? await svc.assignableStaff(req.user) : null;
    return page(req, reply, req.t('support.case.pageTitle', { id: c.id, title: c.title }), (p) => <CaseView ctx={p} c={c} staff={staffList} forms={forms} maxBytes={maxBytes} done={doneOf(req)} />, { status });
  };

  // ---- the company's pages (staff land on their own list) ----

  app.get('/support', { config: people }, async (req, reply) => {
    if (isStaffUser(req.user)) return reply.redirect('/support/staff', 303);
    const { items } = await svc.listCases(req.user, {}, { limit: 200, offset: 0 });
    const guides = await svc.listGuides(req.user);
    const hasCompany = (await svc.memberCompany(req.user!)) !== null;
    return page(req, reply, req.t('support.home.title'), (p) => <SupportHome ctx={p} cases={items} guides={guides} hasCompany={hasCompany} done={doneOf(req)} />);
  });

  app.get('/support/cases/new', { config: people }, async (req, reply) => {
    const staffList = isStaffUser(req.user) ? await svc.assignableStaff(req.user) : null;
    const companyId = positiveInt((req.query as Record<string, unknown>).companyId);
    const form = emptyForm(companyId ? { companyId: String(companyId) } : {});
    return page(req, reply, req.t('support.new.title'), (p) => <NewCase ctx={p} form={form} staff={staffList} maxBytes={maxBytes} />);
  });

  app.post('/support/cases', { config: people }, async (req, reply) => {
    const body = (req.body ?? {}) as Body;
    const values = textValues(body);
    const person = personFrom(values, 'persons.0.');
    const staffUser = isStaffUser(req.user);
    const input: CaseInput = {
      kind: values.kind ?? '',
      title: values.title ?? '',
      description: values.description ?? '',
      persons: person ? [person] : [],
    };
    if (staffUser) {
      const raw = optional(values.companyId);
      if (raw !== undefined) input.companyId = positiveInt(raw) ?? -1;
      input.assigneeId = positiveInt(values.assigneeId) ?? null;
      input.dueDate = optional(values.dueDate) ?? null;
    }
    try {
      const c = await svc.createCase(req.user, input, files(body), req.id);
      return reply.redirect(`/support/cases/${c.id}?done=created`, 303);
    } catch (err) {
      if (!isFormProblem(err)) throw err;
      const staffList = staffUser ? await svc.assignableStaff(req.user) : null;
      return page(req, reply, req.t('support.new.title'), (p) => <NewCase ctx={p} form={{ values, errors: err.fields }} staff={staffList} maxBytes={maxBytes} />, { status: err.status });
    }
  });

  app.get<{ Params: { id: string } }>('/support/cases/:id(^\\d+$)', { config: people }, async (req, reply) => showCase(req, reply, Number(req.params.id)));

  app.post<{ Params: { id: string } }>('/support/cases/:id(^\\d+$)/messages', { config: people }, async (req, reply) => {
    const id = Number(req.params.id);
    const body = (req.body ?? {}) as Body;
    const values = textValues(body);
    try {
      await svc.addMessage(req.user, id, { body: values.body ?? '', internal: values.internal === '1' || values.internal === 'on' }, files(body), req.id);
      return reply.redirect(`/support/cases/${id}?done=message#messages`, 303);
    } catch (err) {
      if (!isFormProblem(err)) throw err;
      return showCase(req, reply, id, { reply: { values, errors: err.fields } }, err.status);
    }
  });

  app.post<{ Params: { id: string } }>('/support/cases/:id(^\\d+$)/update', { config: people }, async (req, reply) => {
    const id = Number(req.params.id);
    const values = textValues((req.body ?? {}) as Body);
    const patch: Parameters<typeof svc.updateCase>[2] = {};
    if (values.status !== undefined) patch.status = values.status;
    if (isStaffUser(req.user)) {
      if (values.assigneeId !== undefined) patch.assigneeId = positiveInt(values.assigneeId) ?? null;
      if (values.dueDate !== undefined) patch.dueDate = optional(values.dueDate) ?? null;
    }
    try {
      await svc.updateCase(req.user, id, patch, req.id);
      return reply.redirect(`/support/cases/${id}?done=updated`, 303);
    } catch (err) {
      if (!isFormProblem(err)) throw err;
      return showCase(req, reply, id, { update: { values, errors: err.fields } }, err.status);
    }
  });

  app.post<{ Params: { id: string } }>('/support/cases/:id(^\\d+$)/persons', { config: people }, async (req, reply) => {
    const id = Number(req.params.id);
    const values = textValues((req.body ?? {}) as Body);
    try {
      await svc.addPerson(req.user, id, personFrom(values, '') ?? { fullName: '' }, req.id);
      return reply.redirect(`/support/cases/${id}?done=person-added#people`, 303);
    } catch (err) {
      if (!isFormProblem(err)) throw err;
      return showCase(req, reply, id, { person: { values, errors: err.fields } }, err.status);
    }
  });

  app.post<{ Params: { id: string; personId: string } }>('/support/cases/:id(^\\d+$)/persons/:personId(^\\d+$)/delete', { config: people }, async (req, reply) => {
    const id = Number(req.params.id);
    await svc.removePerson(req.user, id, Number(req.params.personId), req.id);
    return reply.redirect(`/support/cases/${id}?done=person-removed#people`, 303);
  });

  app.get<{ Params: { id: string; attachmentId: string } }>('/support/cases/:id(^\\d+$)/attachments/:attachmentId(^\\d+$)', { config: people }, async (req, reply) =>
    sendDocument(reply, await svc.download(req.user, Number(req.params.id), Number(req.params.attachmentId), 'page', req.id)),
  );

  // ---- guides: anyone may read the published ones ----

  app.get('/support/guides', async (req, reply) => {
    const guides = await svc.listGuides(req.user);
    return page(req, reply, req.t('support.guides.title'), (p) => <GuideIndex ctx={p} guides={guides} />);
  });

  app.get<{ Params: { slug: string } }>('/support/guides/:slug', async (req, reply) => {
    const guide = await svc.getGuide(req.user, req.params.slug);
    return page(req, reply, pick(req.lang, guide.title.ja, guide.title.en), (p) => <GuidePage ctx={p} guide={guide} staff={isStaffUser(req.user)} />);
  });

  // ---- staff ----

  app.get('/support/staff', { config: staff }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const str = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
    const shown: StaffFilter = { status: str('status'), kind: str('kind'), assigneeId: str('assigneeId'), companyId: str('companyId'), overdue: str('overdue') === '1' ? '1' : undefined };
    const filter: CaseFilter = {};
    if (shown.status === 'active' || isStatus(shown.status)) filter.status = shown.status;
    if (isKind(shown.kind)) filter.kind = shown.kind;
    if (shown.assigneeId === '0') filter.assigneeId = 0;
    else if (positiveInt(shown.assigneeId)) filter.assigneeId = positiveInt(shown.assigneeId);
    if (positiveInt(shown.companyId)) filter.companyId = positiveInt(shown.companyId);
    if (shown.overdue) filter.overdue = true;
    const pageNo = positiveInt(str('page')) ?? 1;
    const { total, items } = await svc.listCases(req.user, filter, { limit: PAGE_SIZE, offset: (pageNo - 1) * PAGE_SIZE });
    const [staffList, companies] = await Promise.all([svc.assignableStaff(req.user), svc.caseCompanies(req.user)]);
    return page(req, reply, req.t('support.staff.title'), (p) => <StaffCases ctx={p} cases={items} total={total} filter={shown} staff={staffList} companies={companies} page={pageNo} pageSize={PAGE_SIZE} done={doneOf(req)} />);
  });

  app.get('/support/staff/cases.csv', { config: staff }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const filter: CaseFilter = {};
    if (q.status === 'active' || isStatus(q.status)) filter.status = q.status;
    if (isKind(q.kind)) filter.kind = q.kind;
    if (q.assigneeId === '0') filter.assigneeId = 0;
    else if (positiveInt(q.assigneeId)) filter.assigneeId = positiveInt(q.assigneeId);
    if (positiveInt(q.companyId)) filter.companyId = positiveInt(q.companyId);
    if (q.overdue === '1') filter.overdue = true;
    const csv = await svc.exportCsv(req.user, filter);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="support-cases.csv"').header('cache-control', 'no-store').send(csv);
  });

  app.get('/support/staff/guides', { config: staff }, async (req, reply) => {
    const guides = await svc.listGuides(req.user, { all: true });
    return page(req, reply, req.t('support.guides.staffTitle'), (p) => <StaffGuides ctx={p} guides={guides} done={doneOf(req)} />);
  });

  app.get('/support/staff/guides/new', { config: staff }, async (req, reply) =>
    page(req, reply, req.t('support.guides.new'), (p) => <GuideEditor ctx={p} form={emptyForm()} guide={null} />),
  );

  const guideInput = (values: Record<string, string>) => ({
    slug: (values.slug ?? '').trim(),
    titleJa: values.titleJa ?? '',
    titleEn: values.titleEn ?? '',
    bodyJa: values.bodyJa ?? '',
    bodyEn: values.bodyEn ?? '',
    categories: (values.categories ?? '').split(',').filter(Boolean),
    published: values.published === '1',
  });

  app.post('/support/staff/guides', { config: staff }, async (req, reply) => {
    const values = textValues((req.body ?? {}) as Body);
    try {
      await svc.createGuide(req.user, guideInput(values), req.id);
      return reply.redirect('/support/staff/guides?done=guide-saved', 303);
    } catch (err) {
      if (!isFormProblem(err)) throw err;
      return page(req, reply, req.t('support.guides.new'), (p) => <GuideEditor ctx={p} form={{ values, errors: err.fields }} guide={null} />, { status: err.status });
    }
  });

  app.get<{ Params: { id: string } }>('/support/staff/guides/:id(^\\d+$)', { config: staff }, async (req, reply) => {
    const g = await svc.getGuideById(req.user, Number(req.params.id));
    const form: FormState = emptyForm({ slug: g.slug, titleJa: g.title.ja, titleEn: g.title.en, bodyJa: g.body.ja, bodyEn: g.body.en, categories: g.categories.join(','), published: g.published ? '1' : '' });
    return page(req, reply, req.t('support.guides.editTitle'), (p) => <GuideEditor ctx={p} form={form} guide={g} />);
  });

  app.post<{ Params: { id: string } }>('/support/staff/guides/:id(^\\d+$)', { config: staff }, async (req, reply) => {
    const id = Number(req.params.id);
    const values = textValues((req.body ?? {}) as Body);
    try {
      await svc.updateGuide(req.user, id, guideInput(values), req.id);
      return reply.redirect('/support/staff/guides?done=guide-saved', 303);
    } catch (err) {
      if (!isFormProblem(err)) throw err;
      const g = await svc.getGuideById(req.user, id);
      return page(req, reply, req.t('support.guides.editTitle'), (p) => <GuideEditor ctx={p} form={{ values, errors: err.fields }} guide={g} />, { status: err.status });
    }
  });

  app.post<{ Params: { id: string } }>('/support/staff/guides/:id(^\\d+$)/delete', { config: staff }, async (req, reply) => {
    await svc.deleteGuide(req.user, Number(req.params.id), req.id);
    return reply.redirect('/support/staff/guides?done=guide-deleted', 303);
  });

  app.get('/support/outbox', { config: staff }, async (req, reply) => {
    const raw = (req.query as Record<string, unknown>).status;
    const status = MAIL_STATUSES.includes(raw as MailStatus) ? (raw as MailStatus) : undefined;
    const list = await svc.outbox(req.user, { status, limit: 200 });
    return page(req, reply, req.t('support.outbox.title'), (p) => <OutboxPage ctx={p} items={list.items} counts={list.counts} status={status} smtpConfigured={list.smtpConfigured} done={doneOf(req)} />);
  });

  app.post<{ Params: { id: string } }>('/support/outbox/:id(^\\d+$)/retry', { config: staff }, async (req, reply) => {
    await svc.retryMail(req.user, Number(req.params.id), req.id);
    return reply.redirect('/support/outbox?done=mail-queued', 303);
  });
}
