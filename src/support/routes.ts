import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../core/context.js';
import { supportService } from './index.js';
import { contentDisposition, isUploadedFile, multipartParser } from './files.js';
import { problem, SupportError } from './service.js';
import {
  Attachment,
  AttachmentParams,
  CaseCreateBody,
  CaseDetail,
  CaseList,
  CasePatchBody,
  CasesQuery,
  Download,
  Guide,
  GuideBody,
  GuidePatchBody,
  GuidesQuery,
  IdParams,
  MessageBody,
  OutboxEntry,
  OutboxList,
  OutboxQuery,
  Person,
  PersonBody,
  PersonParams,
  PersonPatchBody,
  Problem,
  SlugParams,
} from './schemas.js';
import { supportPages } from './pages/routes.js';

/** Company members (their own company's cases) and staff (every case). */
export const PEOPLE = ['member', 'staff', 'admin'] as const;
export const STAFF = ['staff', 'admin'] as const;
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 413: Problem, 422: Problem };
const security: { [k: string]: string[] }[] = [{ bearer: [] }, { session: [] }];
const tags = ['support'];
const P = '/api/v1/support';

/** Send a decrypted document so that no browser renders it in our origin. */
export function sendDocument(reply: import('fastify').FastifyReply, doc: { filename: string; mimetype: string; bytes: Buffer }) {
  return reply
    .header('content-type', doc.mimetype)
    .header('content-disposition', contentDisposition(doc.filename))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .send(doc.bytes);
}

export async function supportRoutes(root: FastifyInstance, ctx: AppContext): Promise<void> {
  multipartParser(root, ctx.config.attachmentMaxBytes);
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const svc = supportService(ctx);
  const people = { auth: PEOPLE };
  const staff = { auth: STAFF };

  app.get(`${P}/cases`, { config: people, schema: { tags, security, summary: "Cases: staff see all (filtered); a company's members see their own company's", querystring: CasesQuery, response: { 200: CaseList, ...errors } } }, async (req) => {
    const { limit = 50, offset = 0, ...filter } = req.query;
    return { ...(await svc.listCases(req.user, filter, { limit, offset })), limit, offset };
  });

  app.post(`${P}/cases`, { config: people, schema: { tags, security, summary: 'Open a case (the description is the first message); staff name the company', body: CaseCreateBody, response: { 201: CaseDetail, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await svc.createCase(req.user, req.body, [], req.id)),
  );

  app.get(`${P}/cases/:id`, { config: people, schema: { tags, security, summary: 'A case with its thread, documents, people, history and the statuses the caller may move it to', params: IdParams, response: { 200: CaseDetail, ...errors } } }, async (req) =>
    svc.getCase(req.user, req.params.id),
  );

  app.patch(`${P}/cases/:id`, { config: people, schema: { tags, security, summary: 'Change status (see docs/support.md for the moves), assignee, due date, title or kind', params: IdParams, body: CasePatchBody, response: { 200: CaseDetail, ...errors } } }, async (req) =>
    svc.updateCase(req.user, req.params.id, req.body, req.id),
  );

  app.post(`${P}/cases/:id/messages`, { config: people, schema: { tags, security, summary: 'Write in the thread (staff may write an internal note); notifies the other side by mail', params: IdParams, body: MessageBody, response: { 201: CaseDetail, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await svc.addMessage(req.user, req.params.id, req.body, [], req.id)),
  );

  app.post(
    `${P}/cases/:id/attachments`,
    {
      config: people,
      schema: {
        tags,
        security,
        summary: 'Upload a document (multipart/form-data: field `file`, optional `messageId`). PDF, PNG, JPEG, DOCX or XLSX, checked by content; encrypted at rest',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: Attachment, ...errors },
      },
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const unknown = Object.keys(body).filter((k) => k !== 'file' && k !== 'messageId' && k !== '_csrf');
      if (unknown.length) throw new SupportError('bad-request', 'support.err.unknownFields', unknown.map((f) => problem(f, 'support.err.unknownField')));
      if (Array.isArray(body.file)) throw new SupportError('validation-failed', 'support.err.summary', [problem('file', 'support.err.oneFile')]);
      const file = isUploadedFile(body.file) ? body.file : undefined;
      const rawMessage = typeof body.messageId === 'string' ? body.messageId.trim() : '';
      if (rawMessage !== '' && !/^\d+$/.test(rawMessage)) throw new SupportError('validation-failed', 'support.err.summary', [problem('messageId', 'support.err.message')]);
      return reply.status(201).send(await svc.addAttachment(req.user, req.params.id, file, rawMessage === '' ? null : Number(rawMessage), req.id));
    },
  );

  app.get(
    `${P}/cases/:id/attachments/:attachmentId`,
    { config: people, schema: { tags, security, summary: 'Download a document (decrypted); the download is logged', params: AttachmentParams, response: { 200: Type.Any({ description: 'The document' }), ...errors } } },
    async (req, reply) => sendDocument(reply, await svc.download(req.user, req.params.id, req.params.attachmentId, 'api', req.id)),
  );

  app.get(`${P}/cases/:id/downloads`, { config: staff, schema: { tags, security, summary: 'Staff: who downloaded which document of the case, and when', params: IdParams, response: { 200: Type.Array(Download), ...errors } } }, async (req) =>
    svc.downloads(req.user, req.params.id),
  );

  app.post(`${P}/cases/:id/persons`, { config: people, schema: { tags, security, summary: 'Add a person the case concerns (personal data)', params: IdParams, body: PersonBody, response: { 201: Person, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await svc.addPerson(req.user, req.params.id, req.body, req.id)),
  );

  app.patch(`${P}/cases/:id/persons/:personId`, { config: people, schema: { tags, security, summary: 'Correct a person', params: PersonParams, body: PersonPatchBody, response: { 200: Person, ...errors } } }, async (req) =>
    svc.updatePerson(req.user, req.params.id, req.params.personId, req.body, req.id),
  );

  app.delete(`${P}/cases/:id/persons/:personId`, { config: people, schema: { tags, security, summary: 'Remove a person and their personal data', params: PersonParams, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await svc.removePerson(req.user, req.params.id, req.params.personId, req.id);
    return reply.status(204).send(null as never);
  });

  app.get(`${P}/guides`, { schema: { tags, summary: 'Published guides (staff with all=true: drafts too)', querystring: GuidesQuery, response: { 200: Type.Array(Guide), ...errors } } }, async (req) => svc.listGuides(req.user, req.query));

  app.get(`${P}/guides/:slug`, { schema: { tags, summary: 'A published guide by its slug', params: SlugParams, response: { 200: Guide, ...errors } } }, async (req) => svc.getGuide(req.user, req.params.slug));

  app.post(`${P}/guides`, { config: staff, schema: { tags, security, summary: 'Staff: write a guide in Japanese and English', body: GuideBody, response: { 201: Guide, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await svc.createGuide(req.user, req.body, req.id)),
  );

  app.patch(`${P}/guides/:id`, { config: staff, schema: { tags, security, summary: 'Staff: change a guide', params: IdParams, body: GuidePatchBody, response: { 200: Guide, ...errors } } }, async (req) =>
    svc.updateGuide(req.user, req.params.id, req.body, req.id),
  );

  app.delete(`${P}/guides/:id`, { config: staff, schema: { tags, security, summary: 'Staff: delete a guide', params: IdParams, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await svc.deleteGuide(req.user, req.params.id, req.id);
    return reply.status(204).send(null as never);
  });

  app.get(`${P}/outbox`, { config: staff, schema: { tags, security, summary: 'Staff: outgoing mail, newest first: pending, sent and failed', querystring: OutboxQuery, response: { 200: OutboxList, ...errors } } }, async (req) => svc.outbox(req.user, req.query));

  app.post(`${P}/outbox/:id/retry`, { config: staff, schema: { tags, security, summary: 'Staff: queue a failed mail again', params: IdParams, response: { 200: OutboxEntry, ...errors } } }, async (req) =>
    svc.retryMail(req.user, req.params.id, req.id),
  );

  await supportPages(root, ctx);
}
