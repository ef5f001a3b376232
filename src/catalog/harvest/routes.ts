import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../core/context.js';
import { actorOf } from '../../core/auth/service.js';
import { HarvestSources, sourceView } from './sources.js';
import { spawnRun } from './spawn.js';
import { Problem, RunBody, RunParams, RunResponse, RunsQuery, SourceBody, SourceParams, SourcePatch, SourceResponse, STAFF, StartedResponse } from './schemas.js';
import { Type } from 'typebox';

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem, 503: Problem };
const security: { [k: string]: string[] }[] = [{ bearer: [] }, { session: [] }];
const tags = ['catalog harvest'];

/** Start a run in its own process and answer once it holds the lease (or was refused). */
export async function startRun(ctx: AppContext, sourceId: string, full: boolean): Promise<number> {
  const p = spawnRun(ctx.config.databaseUrl, ctx.config.dataDir, sourceId, { trigger: 'manual', full });
  void p.done.then((r) => {
    if (r.code && r.code !== 3) ctx.log.warn({ source: sourceId, code: r.code, signal: r.signal, error: r.error }, 'harvest process failed');
  });
  return p.started;
}

/** /api/v1/catalog/harvest/…: staff manage sources, start runs and read run reports. */
export async function harvestApi(root: FastifyInstance, ctx: AppContext, svc: HarvestSources): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/api/v1/catalog/harvest/sources';

  app.get(base, { config: { auth: STAFF }, schema: { tags, summary: 'Harvest sources', security, response: { 200: Type.Array(SourceResponse), ...errors } } }, async (req) => svc.list(req.user));

  app.post(base, { config: { auth: STAFF }, schema: { tags, summary: 'Add a harvest source (another CKAN, or a DCAT catalog)', security, body: SourceBody, response: { 201: SourceResponse, ...errors } } }, async (req, reply) => {
    const s = await svc.create(req.user, actorOf(req.user, req.id), req.body);
    reply.header('location', `${base}/${s.name}`);
    return reply.status(201).send(sourceView(s));
  });

  app.get(`${base}/:source`, { config: { auth: STAFF }, schema: { tags, summary: 'One harvest source (by id or name), with whether a run holds its lease now', security, params: SourceParams, response: { 200: SourceResponse, ...errors } } }, async (req) => {
    const s = await svc.get(req.user, req.params.source);
    return { ...sourceView(s), running: await svc.running(s.id) };
  });

  app.patch(`${base}/:source`, { config: { auth: STAFF }, schema: { tags, summary: 'Change a harvest source', security, params: SourceParams, body: SourcePatch, response: { 200: SourceResponse, ...errors } } }, async (req) =>
    sourceView(await svc.update(req.user, actorOf(req.user, req.id), req.params.source, req.body)),
  );

  app.delete(`${base}/:source`, { config: { auth: STAFF }, schema: { tags, summary: 'Remove a harvest source and its runs (its datasets stay)', security, params: SourceParams, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await svc.remove(req.user, actorOf(req.user, req.id), req.params.source);
    return reply.status(204).send(null);
  });

  app.post(`${base}/:source/runs`, { config: { auth: STAFF }, schema: { tags, summary: 'Start a run now in its own process; 409 when a run of the source holds its lease', security, params: SourceParams, body: Type.Optional(RunBody), response: { 202: StartedResponse, ...errors } } }, async (req, reply) => {
    const s = await svc.get(req.user, req.params.source);
    const run = await startRun(ctx, s.id, req.body?.full ?? false);
    const href = `${base}/${s.name}/runs/${run}`;
    reply.header('location', href);
    return reply.status(202).send({ run, href });
  });

  app.get(`${base}/:source/runs`, { config: { auth: STAFF }, schema: { tags, summary: "A source's runs, newest first", security, params: SourceParams, querystring: RunsQuery, response: { 200: Type.Array(RunResponse), ...errors } } }, async (req) =>
    svc.runs(req.user, req.params.source, req.query.limit ?? 50, req.query.offset ?? 0),
  );

  app.get(`${base}/:source/runs/:run`, { config: { auth: STAFF }, schema: { tags, summary: 'One run with its report (added, updated, deleted, failed with reasons, pages that failed)', security, params: RunParams, response: { 200: RunResponse, ...errors } } }, async (req) =>
    svc.run(req.user, req.params.source, req.params.run),
  );
}
