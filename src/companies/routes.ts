import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '../core/context.js';
import { actorOf } from '../core/auth/service.js';
import { companiesService } from './index.js';
import { formatCorporateNumber, JCN_SCHEME } from './corporate-number.js';
import { STAFF, visibleCompany } from './access.js';
import type { Company } from './types.js';
import { CompanyBody, CompanyPatch, CompanyResponse, ContactBody, ContactParams, ContactResponse, CreatedResponse, IdParams, MergeBody, Problem, SearchQuery, SearchResponse, TimelineResponse } from './schemas.js';
import { companyPages } from './pages/routes.js';

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem };
const security: { [k: string]: string[] }[] = [{ bearer: [] }, { session: [] }];

/** A company as the API shows it: the 法人番号 also as an OCDS-style identifier. */
export function companyJson(c: Company) {
  return {
    ...c,
    corporateNumberFormatted: c.corporateNumber ? formatCorporateNumber(c.corporateNumber) : null,
    identifiers: c.corporateNumber ? [{ scheme: JCN_SCHEME, id: c.corporateNumber }] : [],
  };
}

export async function companiesRoutes(root: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const svc = companiesService(ctx);

  app.get(
    '/api/v1/companies',
    { config: { auth: STAFF }, schema: { tags: ['companies'], summary: 'Search companies by name (partial, Japanese/English/kana), 法人番号, industry, country, Tokyo; paged', security, querystring: SearchQuery, response: { 200: SearchResponse, ...errors } } },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 20;
      const offset = q.offset ?? 0;
      const r = await svc.search({ text: q.q, corporateNumber: q.corporateNumber, jsicMajor: q.jsicMajor, jsicDivision: q.jsicDivision, country: q.country, registeredInTokyo: q.registeredInTokyo, limit, offset });
      return { total: r.total, limit, offset, items: r.items.map(companyJson) };
    },
  );

  app.get(
    '/api/v1/companies/:id',
    { config: { auth: 'signed-in' }, schema: { tags: ['companies'], summary: 'One company (a merged id answers with the surviving company; a member sees only their own)', security, params: IdParams, response: { 200: CompanyResponse, ...errors } } },
    async (req, reply) => {
      const c = await visibleCompany(svc, req.user, req.params.id);
      if (c.id !== req.params.id) reply.header('content-location', `/api/v1/companies/${c.id}`);
      return companyJson(c);
    },
  );

  app.post(
    '/api/v1/companies',
    { config: { auth: STAFF }, schema: { tags: ['companies'], summary: 'Register a company; answers with companies whose names are near duplicates', security, body: CompanyBody, response: { 201: CreatedResponse, ...errors } } },
    async (req, reply) => {
      const r = await svc.create(actorOf(req.user, req.id), req.body);
      reply.header('location', `/api/v1/companies/${r.company.id}`);
      return reply.status(201).send({ company: companyJson(r.company), nearDuplicates: r.nearDuplicates.map(companyJson) });
    },
  );

  app.patch(
    '/api/v1/companies/:id',
    { config: { auth: STAFF }, schema: { tags: ['companies'], summary: 'Change some fields of a company', security, params: IdParams, body: CompanyPatch, response: { 200: CompanyResponse, ...errors } } },
    async (req) => companyJson(await svc.update(actorOf(req.user, req.id), req.params.id, req.body)),
  );

  app.post(
    '/api/v1/companies/:id/merge',
    { config: { auth: STAFF }, schema: { tags: ['companies'], summary: "Merge company `from` into this one: every module's references move in one transaction; `from` redirects here", security, params: IdParams, body: MergeBody, response: { 200: CompanyResponse, ...errors } } },
    async (req) => companyJson(await svc.merge(actorOf(req.user, req.id), req.params.id, req.body.from)),
  );

  app.get(
    '/api/v1/companies/:id/timeline',
    { config: { auth: 'signed-in' }, schema: { tags: ['companies'], summary: "The company's history across modules, oldest first", security, params: IdParams, response: { 200: TimelineResponse, ...errors } } },
    async (req) => {
      const c = await visibleCompany(svc, req.user, req.params.id);
      return svc.timeline(c.id);
    },
  );

  app.get(
    '/api/v1/companies/:id/contacts',
    { config: { auth: 'signed-in' }, schema: { tags: ['companies'], summary: "The company's contacts (personal data: staff, or a member of the company)", security, params: IdParams, response: { 200: { type: 'array', items: ContactResponse }, ...errors } } },
    async (req) => {
      const c = await visibleCompany(svc, req.user, req.params.id);
      return svc.contacts(c.id);
    },
  );

  app.post(
    '/api/v1/companies/:id/contacts',
    { config: { auth: STAFF }, schema: { tags: ['companies'], summary: 'Add a contact', security, params: IdParams, body: ContactBody, response: { 201: ContactResponse, ...errors } } },
    async (req, reply) => reply.status(201).send(await svc.addContact(actorOf(req.user, req.id), req.params.id, req.body)),
  );

  app.patch(
    '/api/v1/companies/:id/contacts/:contactId',
    { config: { auth: STAFF }, schema: { tags: ['companies'], summary: 'Change a contact', security, params: ContactParams, body: ContactBody, response: { 200: ContactResponse, ...errors } } },
    async (req) => svc.updateContact(actorOf(req.user, req.id), req.params.id, req.params.contactId, req.body),
  );

  app.delete(
    '/api/v1/companies/:id/contacts/:contactId',
    { config: { auth: STAFF }, schema: { tags: ['companies'], summary: 'Remove a contact', security, params: ContactParams, response: { 204: { type: 'null' }, ...errors } } },
    async (req, reply) => {
      await svc.removeContact(actorOf(req.user, req.id), req.params.id, req.params.contactId);
      return reply.status(204).send(null as never);
    },
  );

  await companyPages(root, ctx);
}
