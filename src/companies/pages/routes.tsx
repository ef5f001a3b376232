import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/context.js';
import { actorOf } from '../../core/auth/service.js';
import { DomainError, type FieldProblem } from '../../core/errors.js';
import { isLang, type Lang } from '../../core/i18n/index.js';
import { page } from '../../core/http/render.js';
import { companiesService } from '../index.js';
import { STAFF, isStaff, visibleCompany } from '../access.js';
import { companiesCsv, companiesXlsx, timelineCsv, timelineXlsx } from '../export.js';
import type { Company, CompanyInput, CompanySearchQuery } from '../types.js';
import { CompanyList, EXPORT_MAX, type ListQuery } from './list.js';
import { CompanyDetail } from './detail.js';
import { CompanyForm, valuesOf, type FormValues } from './form.js';
import { MergeForm } from './merge.js';
import { nameOf } from './format.js';

const IdParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } as const;
const ContactIdParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1 }, contactId: { type: 'integer', minimum: 1 } }, required: ['id', 'contactId'] } as const;
const PAGE_SIZE = 50;
/** Domain errors a form answers by showing itself again with the problems named. */
const FORM_ERRORS = new Set(['validation-failed', 'conflict']);

type Body = Record<string, string>;

/** Form fields as single strings (a repeated field keeps its first value). */
function formBody(raw: unknown): Body {
  const out: Body = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** "1,200" and "１２００" are numbers; an empty field is null; anything else NaN, which the service refuses by name. */
function wholeNumber(s: string | undefined): number | null {
  const n = (s ?? '').normalize('NFKC').replace(/[,\s]/g, '');
  if (n === '') return null;
  return /^\d+$/.test(n) ? Number(n) : Number.NaN;
}

/** A company form as service input; empty text clears a field. */
export function inputOf(b: Body): CompanyInput {
  const text = (k: string) => (b[k] ?? '').trim() || null;
  return {
    corporateNumber: text('corporateNumber'),
    nameJa: text('nameJa'),
    nameEn: text('nameEn'),
    kana: text('kana'),
    country: (b.country ?? '').trim(),
    ...(text('lgCode') ? { lgCode: text('lgCode') } : {}),
    ...(b.registeredInTokyo === 'yes' ? { registeredInTokyo: true } : b.registeredInTokyo === 'no' ? { registeredInTokyo: false } : {}),
    jsicMajor: text('jsicMajor'),
    jsicDivision: text('jsicDivision'),
    employees: wholeNumber(b.employees),
    capitalYen: wholeNumber(b.capitalYen),
    postalCode: text('postalCode'),
    addressJa: text('addressJa'),
    addressEn: text('addressEn'),
    website: text('website'),
    summary: text('summary'),
  };
}

function listQuery(raw: Record<string, unknown>): ListQuery {
  return { q: str(raw.q), corporateNumber: str(raw.corporateNumber), jsicMajor: str(raw.jsicMajor), country: str(raw.country), tokyo: str(raw.tokyo) };
}

function searchOf(q: ListQuery): CompanySearchQuery {
  return {
    text: q.q,
    corporateNumber: q.corporateNumber,
    jsicMajor: q.jsicMajor || undefined,
    country: q.country || undefined,
    registeredInTokyo: q.tokyo === 'yes' ? true : q.tokyo === 'no' ? false : undefined,
  };
}

/** A refusal's problems, shown at their fields in the reader's language by the form (one at the name when it names none). */
const problemsOf = (err: DomainError): FieldProblem[] => (err.fields.length ? err.fields : [{ field: 'nameJa', message: err.message, key: 'companies.error.generic' }]);

/** Registry pages: search and list, a company's page with its history, forms for staff, downloads. */
export async function companyPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const svc = companiesService(ctx);

  app.get('/companies', { config: { auth: STAFF }, schema: { hide: true } }, async (req, reply) => {
    const raw = req.query as Record<string, unknown>;
    const query = listQuery(raw);
    const offset = Math.max(0, Math.trunc(Number(str(raw.offset) ?? 0)) || 0);
    try {
      const result = await svc.search({ ...searchOf(query), limit: PAGE_SIZE, offset });
      return page(req, reply, req.t('companies.title'), (c) => <CompanyList ctx={c} query={query} result={result} offset={offset} limit={PAGE_SIZE} errors={[]} />);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'validation-failed') throw err;
      const errors = err.fields.map((f) => ({ ...f, field: f.field === 'text' ? 'q' : f.field, key: f.key ?? (f.field === 'corporateNumber' ? 'companies.error.corporateNumberDigits' : 'companies.error.generic') }));
      return page(req, reply, req.t('companies.title'), (c) => <CompanyList ctx={c} query={query} result={null} offset={0} limit={PAGE_SIZE} errors={errors} />, { status: 422 });
    }
  });

  const exportItems = async (req: FastifyRequest): Promise<{ items: Company[]; lang: Lang }> => {
    const raw = req.query as Record<string, unknown>;
    const lang = isLang(raw.lang) ? raw.lang : req.lang;
    const r = await svc.searchForExport(searchOf(listQuery(raw)), EXPORT_MAX);
    return { items: r.items, lang };
  };
  app.get('/companies/export.csv', { config: { auth: STAFF }, schema: { hide: true } }, async (req, reply) => {
    const { items, lang } = await exportItems(req);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="companies.csv"').header('cache-control', 'no-store').send(companiesCsv(items, lang));
  });
  app.get('/companies/export.xlsx', { config: { auth: STAFF }, schema: { hide: true } }, async (req, reply) => {
    const { items, lang } = await exportItems(req);
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', 'attachment; filename="companies.xlsx"')
      .header('cache-control', 'no-store')
      .send(await companiesXlsx(items, lang));
  });

  // A member's own company; staff go to the list.
  app.get('/companies/mine', { config: { auth: 'signed-in' }, schema: { hide: true } }, async (req, reply) => {
    if (isStaff(req.user)) return reply.redirect('/companies', 303);
    const own = req.user?.role === 'member' && req.user.companyId && /^\d+$/.test(req.user.companyId) ? Number(req.user.companyId) : null;
    if (own === null) throw new DomainError('not-found', 'no company is linked to this account');
    const c = await visibleCompany(svc, req.user, own);
    return reply.redirect(`/companies/${c.id}`, 303);
  });

  const formPage = (req: FastifyRequest, reply: FastifyReply, mode: 'new' | 'edit', values: FormValues, errors: FieldProblem[], nearDuplicates: Company[], company?: Company, status = 200) =>
    page(req, reply, mode === 'new' ? req.t('companies.form.newTitle') : req.t('companies.form.editTitle', { name: company ? nameOf(company, req.lang) : '' }), (c) => <CompanyForm ctx={c} mode={mode} company={company} values={values} errors={errors} nearDuplicates={nearDuplicates} />, { status });

  app.get('/companies/new', { config: { auth: STAFF }, schema: { hide: true } }, async (req, reply) => formPage(req, reply, 'new', { country: 'JP' }, [], []));

  app.post('/companies', { config: { auth: STAFF }, schema: { hide: true } }, async (req, reply) => {
    const body = formBody(req.body);
    const input = inputOf(body);
    const { problems } = svc.check(input);
    if (problems.length) return formPage(req, reply, 'new', body, problems, [], undefined, 422);
    // A near-duplicate name asks for confirmation before anything is written.
    if (body.confirmDuplicate !== '1') {
      const near = await svc.nearDuplicates(input);
      if (near.length) return formPage(req, reply, 'new', body, [], near);
    }
    try {
      const { company, nearDuplicates } = await svc.create(actorOf(req.user, req.id), input);
      return reply.redirect(`/companies/${company.id}?done=${nearDuplicates.length ? `created-near&n=${nearDuplicates.length}` : 'created'}`, 303);
    } catch (err) {
      if (!(err instanceof DomainError) || !FORM_ERRORS.has(err.code)) throw err;
      return formPage(req, reply, 'new', body, problemsOf(err), [], undefined, err.status);
    }
  });

  const detailPage = async (req: FastifyRequest, reply: FastifyReply, company: Company, opts: { notice?: string; contactForm?: { values: Body; errors: FieldProblem[] }; status?: number } = {}) => {
    const staff = isStaff(req.user);
    const [contacts, timeline] = await Promise.all([svc.contacts(company.id), svc.timeline(company.id)]);
    return page(req, reply, nameOf(company, req.lang), (c) => <CompanyDetail ctx={c} company={company} contacts={contacts} timeline={timeline} staff={staff} notice={opts.notice} contactForm={opts.contactForm} />, { status: opts.status });
  };

  app.get<{ Params: { id: number } }>('/companies/:id', { config: { auth: 'signed-in' }, schema: { hide: true, params: IdParams } }, async (req, reply) => {
    const company = await visibleCompany(svc, req.user, req.params.id);
    // A merged company's address leads to the survivor for good.
    if (company.id !== req.params.id) return reply.redirect(`/companies/${company.id}?from=${req.params.id}`, 301);
    const q = req.query as Record<string, unknown>;
    const t = req.t;
    const done = str(q.done);
    const notice =
      done === 'created'
        ? t('companies.done.created')
        : done === 'created-near'
          ? t('companies.done.createdNear', { n: Number(str(q.n) ?? 0) || 0 })
          : done === 'saved'
            ? t('companies.done.saved')
            : done === 'merged'
              ? t('companies.done.merged', { id: Number(str(q.from) ?? 0) || 0 })
              : done === 'contact-added'
                ? t('companies.done.contactAdded')
                : done === 'contact-removed'
                  ? t('companies.done.contactRemoved')
                  : str(q.from) && /^\d+$/.test(str(q.from)!)
                    ? t('companies.done.redirected', { id: Number(str(q.from)) })
                    : undefined;
    return detailPage(req, reply, company, { notice });
  });

  // The history table as a download (the contacts table is personal data and stays on the page).
  app.get<{ Params: { id: number } }>('/companies/:id/history.csv', { config: { auth: 'signed-in' }, schema: { hide: true, params: IdParams } }, async (req, reply) => {
    const c = await visibleCompany(svc, req.user, req.params.id);
    const lang = isLang((req.query as Record<string, unknown>).lang) ? ((req.query as Record<string, unknown>).lang as Lang) : req.lang;
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="company-${c.id}-history.csv"`).header('cache-control', 'no-store').send(timelineCsv(await svc.timeline(c.id), lang));
  });
  app.get<{ Params: { id: number } }>('/companies/:id/history.xlsx', { config: { auth: 'signed-in' }, schema: { hide: true, params: IdParams } }, async (req, reply) => {
    const c = await visibleCompany(svc, req.user, req.params.id);
    const lang = isLang((req.query as Record<string, unknown>).lang) ? ((req.query as Record<string, unknown>).lang as Lang) : req.lang;
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="company-${c.id}-history.xlsx"`)
      .header('cache-control', 'no-store')
      .send(await timelineXlsx(await svc.timeline(c.id), lang));
  });

  /** A company staff may change: not merged away (its old address is for reading). */
  const liveCompany = async (id: number): Promise<Company> => {
    const c = await svc.get(id);
    if (c.id !== id) throw new DomainError('not-found', `company ${id} was merged into company ${c.id}`);
    return c;
  };

  app.get<{ Params: { id: number } }>('/companies/:id/edit', { config: { auth: STAFF }, schema: { hide: true, params: IdParams } }, async (req, reply) => {
    const c = await liveCompany(req.params.id);
    const values = valuesOf(c);
    // Shown as "decide from the municipality" when the stored value is what the municipality says.
    if (c.registeredInTokyo === !!c.lgCode?.startsWith('13')) values.registeredInTokyo = '';
    return formPage(req, reply, 'edit', values, [], [], c);
  });

  app.post<{ Params: { id: number } }>('/companies/:id', { config: { auth: STAFF }, schema: { hide: true, params: IdParams } }, async (req, reply) => {
    const c = await liveCompany(req.params.id);
    const body = formBody(req.body);
    const input = inputOf(body);
    // An emptied municipality is taken from the address again.
    const patch: Partial<CompanyInput> = { ...input, ...(body.lgCode?.trim() ? {} : { lgCode: undefined }) };
    try {
      await svc.update(actorOf(req.user, req.id), c.id, patch);
    } catch (err) {
      if (!(err instanceof DomainError) || !FORM_ERRORS.has(err.code)) throw err;
      return formPage(req, reply, 'edit', body, problemsOf(err), [], c, err.status);
    }
    return reply.redirect(`/companies/${c.id}?done=saved`, 303);
  });

  app.get<{ Params: { id: number } }>('/companies/:id/merge', { config: { auth: STAFF }, schema: { hide: true, params: IdParams } }, async (req, reply) => {
    const keep = await liveCompany(req.params.id);
    const from = (str((req.query as Record<string, unknown>).from) ?? '').normalize('NFKC').trim();
    let gone: Company | null = null;
    const errors: FieldProblem[] = [];
    if (from) {
      if (!/^\d+$/.test(from)) errors.push({ field: 'from', message: req.t('companies.error.mergeFrom') });
      else {
        const id = Number(from);
        const found = await svc.locate(id);
        if (id === keep.id) errors.push({ field: 'from', message: req.t('companies.error.mergeSelf') });
        else if (found.status === 'missing') errors.push({ field: 'from', message: req.t('companies.error.mergeMissing', { id }) });
        else if (found.status === 'merged') errors.push({ field: 'from', message: req.t('companies.error.alreadyMerged', { id: found.company.id }) });
        else gone = found.company;
      }
    }
    return page(req, reply, req.t('companies.merge.title', { name: nameOf(keep, req.lang) }), (c) => <MergeForm ctx={c} keep={keep} from={from} gone={gone} errors={errors} />, { status: errors.length ? 422 : 200 });
  });

  app.post<{ Params: { id: number } }>('/companies/:id/merge', { config: { auth: STAFF }, schema: { hide: true, params: IdParams } }, async (req, reply) => {
    const keep = await liveCompany(req.params.id);
    const body = formBody(req.body);
    const from = (body.from ?? '').trim();
    const fail = (errors: FieldProblem[], status: number) => page(req, reply, req.t('companies.merge.title', { name: nameOf(keep, req.lang) }), (c) => <MergeForm ctx={c} keep={keep} from={from} gone={null} errors={errors} />, { status });
    if (!/^\d+$/.test(from)) return fail([{ field: 'from', message: req.t('companies.error.mergeFrom') }], 422);
    try {
      await svc.merge(actorOf(req.user, req.id), keep.id, Number(from));
    } catch (err) {
      if (!(err instanceof DomainError) || !FORM_ERRORS.has(err.code)) throw err;
      return fail(problemsOf(err).map((f) => ({ ...f, field: 'from' })), err.status);
    }
    return reply.redirect(`/companies/${keep.id}?done=merged&from=${from}`, 303);
  });

  app.post<{ Params: { id: number } }>('/companies/:id/contacts', { config: { auth: STAFF }, schema: { hide: true, params: IdParams } }, async (req, reply) => {
    const c = await liveCompany(req.params.id);
    const body = formBody(req.body);
    try {
      await svc.addContact(actorOf(req.user, req.id), c.id, { name: body.name ?? '', email: body.email, phone: body.phone, role: body.role });
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'validation-failed') throw err;
      return detailPage(req, reply, c, { contactForm: { values: body, errors: err.fields }, status: 422 });
    }
    return reply.redirect(`/companies/${c.id}?done=contact-added#contacts-heading`, 303);
  });

  app.post<{ Params: { id: number; contactId: number } }>('/companies/:id/contacts/:contactId/delete', { config: { auth: STAFF }, schema: { hide: true, params: ContactIdParams } }, async (req, reply) => {
    const c = await liveCompany(req.params.id);
    await svc.removeContact(actorOf(req.user, req.id), c.id, req.params.contactId);
    return reply.redirect(`/companies/${c.id}?done=contact-removed#contacts-heading`, 303);
  });
}
