import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '../core/context.js';
import { actorOf } from '../core/auth/service.js';
import { attractionService } from './index.js';
import {
  ConsultationBody,
  Consultation,
  IdParams,
  LeadCreateBody,
  LeadDetail,
  LeadList,
  LeadPatchBody,
  LeadsQuery,
  MoveBody,
  MyTasks,
  Other,
  OtherBody,
  OtherList,
  OtherPatchBody,
  OthersQuery,
  Problem,
  Task,
  TaskBody,
  TaskPatchBody,
  TasksQuery,
} from './schemas.js';
import { Type } from 'typebox';
import { attractionPages } from './pages/routes.js';

/** Only bureau staff and administrators see or change the pipeline (reads included). */
export const STAFF = ['staff', 'admin'] as const;
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem };
const security: { [k: string]: string[] }[] = [{ bearer: [] }, { session: [] }];
const tags = ['attraction'];
const P = '/api/v1/attraction';

export async function attractionRoutes(root: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const svc = attractionService(ctx);
  const config = { auth: STAFF };

  app.get(`${P}/leads`, { config, schema: { tags, security, summary: 'The pipeline: leads filtered by stage, sector, owner and fiscal year, newest first', querystring: LeadsQuery, response: { 200: LeadList, ...errors } } }, async (req) => {
    const { limit = 50, offset = 0, ...filter } = req.query;
    const page = await svc.listLeads(filter, { limit, offset });
    return { ...page, limit, offset };
  });

  app.post(`${P}/leads`, { config, schema: { tags, security, summary: 'Create a lead (for a company of the registry, or a new one created with it)', body: LeadCreateBody, response: { 201: LeadDetail, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await svc.createLead(actorOf(req.user, req.id), req.body)),
  );

  app.get(`${P}/leads/:id`, { config, schema: { tags, security, summary: 'A lead with its stage history, consultations, tasks and exit criteria', params: IdParams, response: { 200: LeadDetail, ...errors } } }, async (req) => svc.getLead(req.params.id));

  app.patch(`${P}/leads/:id`, { config, schema: { tags, security, summary: 'Correct a lead (sector, origin, owner, notes, fields of stages reached)', params: IdParams, body: LeadPatchBody, response: { 200: LeadDetail, ...errors } } }, async (req) =>
    svc.updateLead(actorOf(req.user, req.id), req.params.id, req.body),
  );

  app.post(
    `${P}/leads/:id/moves`,
    { config, schema: { tags, security, summary: 'Move a lead one stage on, to dropped, or reopen it; the target stage\'s requirements are enforced', params: IdParams, body: MoveBody, response: { 200: LeadDetail, ...errors } } },
    async (req) => svc.moveLead(actorOf(req.user, req.id), req.params.id, req.body),
  );

  app.get(`${P}/leads/:id/consultations`, { config, schema: { tags, security, summary: 'Consultations of a lead, newest first', params: IdParams, response: { 200: Type.Array(Consultation), ...errors } } }, async (req) =>
    (await svc.getLead(req.params.id)).consultations,
  );

  app.post(
    `${P}/leads/:id/consultations`,
    { config, schema: { tags, security, summary: 'Record a consultation with its follow-up tasks', params: IdParams, body: ConsultationBody, response: { 201: Consultation, ...errors } } },
    async (req, reply) => reply.status(201).send(await svc.addConsultation(actorOf(req.user, req.id), req.params.id, req.body)),
  );

  app.post(`${P}/leads/:id/tasks`, { config, schema: { tags, security, summary: 'Add a follow-up task to a lead', params: IdParams, body: TaskBody, response: { 201: Task, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await svc.addTask(actorOf(req.user, req.id), req.params.id, req.body)),
  );

  app.get(`${P}/tasks`, { config, schema: { tags, security, summary: 'Open tasks of a staff member: overdue, and due within the next 14 days (Japan dates)', querystring: TasksQuery, response: { 200: MyTasks, ...errors } } }, async (req) =>
    svc.tasksOf(req.query.assigneeId ?? req.user!.id),
  );

  app.patch(`${P}/tasks/:id`, { config, schema: { tags, security, summary: 'Change a task or mark it done', params: IdParams, body: TaskPatchBody, response: { 200: Task, ...errors } } }, async (req) =>
    svc.updateTask(actorOf(req.user, req.id), req.params.id, req.body),
  );

  app.get(`${P}/others`, { config, schema: { tags, security, summary: 'Firms established in Tokyo that others attracted (counted in the total only)', querystring: OthersQuery, response: { 200: OtherList, ...errors } } }, async (req) => ({
    items: await svc.listOthers(req.query),
  }));

  app.post(`${P}/others`, { config, schema: { tags, security, summary: 'Record a firm attracted by others', body: OtherBody, response: { 201: Other, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await svc.createOther(actorOf(req.user, req.id), req.body)),
  );

  app.get(`${P}/others/:id`, { config, schema: { tags, security, summary: 'A firm attracted by others', params: IdParams, response: { 200: Other, ...errors } } }, async (req) => svc.getOther(req.params.id));

  app.patch(`${P}/others/:id`, { config, schema: { tags, security, summary: 'Correct a firm attracted by others', params: IdParams, body: OtherPatchBody, response: { 200: Other, ...errors } } }, async (req) =>
    svc.updateOther(actorOf(req.user, req.id), req.params.id, req.body),
  );

  app.delete(`${P}/others/:id`, { config, schema: { tags, security, summary: 'Delete a firm attracted by others', params: IdParams, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await svc.deleteOther(actorOf(req.user, req.id), req.params.id);
    return reply.status(204).send(null as never);
  });

  await attractionPages(root, ctx);
}
