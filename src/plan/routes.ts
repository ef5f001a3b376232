import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '../core/context.js';
import { actorOf } from '../core/auth/service.js';
import { DomainError } from '../core/errors.js';
import { planService } from './index.js';
import type { IndicatorView, PlanView } from './service.js';
import { BindingBody, IndicatorDetail, IndicatorParams, Measurement, MeasurementBody, MetricList, PlanResponse, Problem, RevisionBody, RevisionResponse, SnapshotBody, SnapshotResponse, TargetParams } from './schemas.js';
import { planPages } from './pages/routes.js';
import { importPlanText, PlanFileError } from './import.js';
import { Type } from 'typebox';

const STAFF = ['staff', 'admin'] as const;
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem };
const security: { [k: string]: string[] }[] = [{ bearer: [] }, { session: [] }];

/** The API's summary of an indicator (the detail adds actuals, measurements, baselines and rows). */
export function indicatorSummary(i: IndicatorView) {
  const { actuals: _a, measurements: _m, baselines: _b, relatedRows: _r, planId: _p, ...rest } = i;
  return rest;
}

export function planSummary(v: PlanView) {
  return {
    plan: {
      id: v.id,
      title: v.title,
      fromFiscalYear: v.fromFiscalYear,
      toFiscalYear: v.toFiscalYear,
      currentFiscalYear: v.currentFiscalYear,
      acceptedYears: v.accepted,
      budget: v.document.budget ?? null,
      reviewRules: v.document.reviewRules ?? [],
      groups: v.groups,
    },
    indicators: v.indicators.map(indicatorSummary),
  };
}

export async function planRoutes(root: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const plan = planService(ctx);

  const noPlan = () => new DomainError('not-found', 'No plan has been imported yet (kabuto plan import FILE)');

  app.get('/api/v1/plan', { schema: { tags: ['plan'], summary: 'Every indicator with its targets, trajectory, latest actual and status', response: { 200: PlanResponse, 404: Problem } } }, async (_req, reply) => {
    const json = await plan.cachedJson('summary', planSummary);
    if (json === null) throw noPlan();
    // Pre-serialized and cached with the view; sent as it is.
    return reply.type('application/json; charset=utf-8').send(json as never);
  });

  app.get('/api/v1/plan/indicators/:id', { schema: { tags: ['plan'], summary: 'One indicator: targets, revisions, actuals, measurements, status, forecast', params: IndicatorParams, response: { 200: IndicatorDetail, 404: Problem } } }, async (req, reply) => {
    const ind = await plan.indicator(req.params.id);
    const { planId: _p, ...rest } = ind;
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(rest) as never);
  });

  app.get('/api/v1/plan/metrics', { schema: { tags: ['plan'], summary: 'Metrics the modules publish (indicators can bind to them)', response: { 200: MetricList } } }, async () =>
    ctx.metrics.list().map((m) => ({ name: m.name, module: m.module, description: { ja: m.description_ja, en: m.description_en }, params: m.params ?? {} })),
  );

  app.post(
    '/api/v1/plan/indicators/:id/measurements',
    {
      config: { auth: STAFF },
      schema: { tags: ['plan'], summary: 'Enter an actual (official statistics) for a manually measured indicator', security, params: IndicatorParams, body: MeasurementBody, response: { 201: Measurement, ...errors } },
    },
    async (req, reply) => {
      try {
        const m = await plan.addMeasurement(actorOf(req.user, req.id), req.params.id, req.body);
        return reply.status(201).send(m);
      } catch (err) {
        // An unknown indicator in a write is bad input naming the field, not a missing page.
        if (err instanceof DomainError && err.code === 'unknown-indicator') throw new DomainError('validation-failed', err.message, [{ field: 'indicatorId', message: `unknown indicator ${req.params.id}` }]);
        throw err;
      }
    },
  );

  app.post(
    '/api/v1/plan/targets/:id/revisions',
    {
      config: { auth: STAFF },
      schema: { tags: ['plan'], summary: 'Revise a target (reason required; the old value stays visible)', security, params: TargetParams, body: RevisionBody, response: { 201: RevisionResponse, ...errors } },
    },
    async (req, reply) => {
      try {
        return reply.status(201).send(await plan.reviseTarget(actorOf(req.user, req.id), req.params.id, req.body));
      } catch (err) {
        if (err instanceof DomainError && err.code === 'unknown-target') throw new DomainError('validation-failed', err.message, [{ field: 'targetId', message: `unknown target ${req.params.id}` }]);
        throw err;
      }
    },
  );

  app.post(
    '/api/v1/plan/indicators/:id/snapshots',
    {
      config: { auth: STAFF },
      schema: { tags: ['plan'], summary: 'Freeze a reported fiscal year of an indicator', security, params: IndicatorParams, body: SnapshotBody, response: { 201: SnapshotResponse, ...errors } },
    },
    async (req, reply) => reply.status(201).send(await plan.freezeYear(actorOf(req.user, req.id), req.params.id, req.body.fiscalYear)),
  );

  app.put(
    '/api/v1/plan/indicators/:id/binding',
    {
      config: { auth: ['admin'] },
      schema: { tags: ['plan'], summary: 'Bind an indicator to a module metric, or back to staff-entered figures', security, params: IndicatorParams, body: BindingBody, response: { 204: { type: 'null' }, ...errors } },
    },
    async (req, reply) => {
      await plan.bind(actorOf(req.user, req.id), req.params.id, req.body.metric, (req.body.params ?? {}) as Record<string, string>);
      return reply.status(204).send(null as never);
    },
  );

  app.post(
    '/api/v1/plan/import',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['plan'],
        summary: 'Load or update a plan from its JSON document (as `kabuto plan import`): idempotent; changed target values become revisions; a staff revision is never overwritten',
        security,
        querystring: Type.Object({ name: Type.Optional(Type.String({ maxLength: 200, description: 'Source name recorded with revisions ("imported from NAME")' })) }, { additionalProperties: false }),
        body: Type.Object({}, { additionalProperties: true, description: 'The plan document (shape of seed/plan/tokyo-econ-plan.json)' }),
        response: { 200: Type.Unknown(), ...errors },
      },
    },
    async (req) => {
      try {
        return await importPlanText(ctx, JSON.stringify(req.body), req.query.name ?? 'api upload', actorOf(req.user, req.id));
      } catch (err) {
        if (err instanceof PlanFileError) throw new DomainError('plan-file-invalid', err.message, [{ field: err.position, message: err.message.slice(err.position.length + 2) }]);
        throw err;
      }
    },
  );

  await planPages(root, ctx);
}
