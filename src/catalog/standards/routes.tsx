/**
 * Standard dataset models and checks: GET /api/v1/catalog/standards (the models and their fields),
 * GET /api/v1/catalog/resources/:id/standard-check?model=… (a resource checked against a model, by
 * default the one its dataset declares), the page /catalog/standards, and the section the dataset
 * page shows.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { VNode } from 'preact';
import type { AppContext } from '../../core/context.js';
import { DomainError } from '../../core/errors.js';
import { page, type PageCtx } from '../../core/http/render.js';
import { formatNumber, registerMessages } from '../../core/i18n/index.js';
import { callerOf, type CatalogService } from '../service.js';
import { Problem } from '../preview/routes.js';
import { standardsMessages } from './messages.js';
import { standardModels, type StandardModel } from './models.js';
import { checkResource, declaredModel, modelOrFail, type CheckOutcome, type DatasetStandardResults } from './service.js';

const Field = Type.Object({ name: Type.String(), description: Type.String(), type: Type.String(), format: Type.Union([Type.String(), Type.Null()]), required: Type.Boolean(), check: Type.String(), aliases: Type.Array(Type.String()) });
const Model = Type.Object({ number: Type.String(), name: Type.String(), description: Type.String(), uri: Type.String(), fields: Type.Array(Field) });

const Check = Type.Object({
  model: Type.Object({ number: Type.String(), name: Type.String(), uri: Type.String() }),
  columns: Type.Array(Type.Object({ field: Type.String(), column: Type.String(), required: Type.Boolean() })),
  missing: Type.Array(Type.String(), { description: 'Required fields with no column' }),
  extra: Type.Array(Type.String(), { description: 'Columns the model does not have' }),
  rows: Type.Integer(),
  failingRows: Type.Integer(),
  failureCount: Type.Integer(),
  failures: Type.Array(Type.Object({ row: Type.Integer({ description: 'Row as a spreadsheet numbers it (header = 1)' }), column: Type.String(), value: Type.String(), reason: Type.String() })),
  truncated: Type.Boolean(),
  ok: Type.Boolean(),
});

const CheckResponse = Type.Object({
  resource: Type.Object({ id: Type.String(), package_id: Type.String(), name: Type.Union([Type.String(), Type.Null()]), format: Type.String() }),
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable'), Type.Literal('failed')]),
  reason: Type.Optional(Type.String()),
  check: Type.Optional(Check),
});

export async function standardsRoutes(root: FastifyInstance, _ctx: AppContext, svc: CatalogService): Promise<void> {
  registerMessages('catalog.standards', standardsMessages);
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/v1/catalog/standards', { schema: { tags: ['catalog'], summary: 'The standard municipal dataset models and their fields', response: { 200: Type.Array(Model) } } }, async () => standardModels());

  app.get(
    '/api/v1/catalog/resources/:id/standard-check',
    {
      schema: {
        tags: ['catalog'],
        summary: "Check an uploaded CSV or TSV resource against a standard dataset model (by default the one its dataset declares in the extra standard_dataset)",
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        querystring: Type.Object(
          {
            model: Type.Optional(Type.String({ maxLength: 200, description: 'Model name (AED設置箇所一覧), number (01–14) or IRI' })),
            limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Failures listed at most (default 100); all are counted' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: CheckResponse, 400: Problem, 404: Problem },
      },
    },
    async (req) => {
      const { pkg, resource } = await svc.resourceShow(callerOf(req.user, req.id), req.params.id);
      const model = req.query.model ? modelOrFail(req.query.model) : declaredModel(pkg);
      if (!model) throw new DomainError('bad-request', 'the dataset declares no standard model (extra standard_dataset): name one with ?model=');
      const outcome = await checkResource(svc, resource, model, req.query.limit ?? 100);
      return { resource: { id: resource.id, package_id: resource.package_id, name: resource.name, format: resource.format }, ...outcome };
    },
  );

  app.get('/catalog/standards', { schema: { hide: true } }, async (req, reply) => page(req, reply, req.t('standards.title'), (pc) => <ModelsPage ctx={pc} models={standardModels()} />));
}

function ModelsPage({ ctx, models }: { ctx: PageCtx; models: StandardModel[] }): VNode {
  const { t } = ctx;
  return (
    <>
      <p class="breadcrumb small">
        <a href="/catalog">{t('catalog.title')}</a>
      </p>
      <h1>{t('standards.title')}</h1>
      <p class="lead">{t('standards.lead')}</p>
      <ul class="standard-model-index">
        {models.map((m) => (
          <li>
            <a href={`#model-${m.number}`} lang="ja">
              {m.number} {m.name}
            </a>
          </li>
        ))}
      </ul>
      {models.map((m) => (
        <section aria-labelledby={`model-${m.number}`}>
          <h2 id={`model-${m.number}`} lang="ja">
            {m.number} {m.name}
          </h2>
          <p lang="ja">{m.description}</p>
          <div class="table-scroll" tabIndex={0} role="region" aria-labelledby={`model-${m.number}`}>
            <table>
              <caption class="visually-hidden" lang="ja">
                {m.name}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('standards.field')}</th>
                  <th scope="col">{t('standards.type')}</th>
                  <th scope="col">{t('standards.required')}</th>
                </tr>
              </thead>
              <tbody>
                {m.fields.map((f) => (
                  <tr>
                    <th scope="row" lang="ja">
                      {f.name}
                    </th>
                    <td>{t(`standards.type.${f.check}`)}</td>
                    <td>{f.required ? <strong>{t('standards.requiredYes')}</strong> : t('standards.requiredNo')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </>
  );
}

function OutcomeView({ ctx, name, outcome, index }: { ctx: PageCtx; name: string; outcome: CheckOutcome; index: number }): VNode {
  const { t, lang } = ctx;
  if (outcome.status === 'unavailable') return <p>{outcome.reason === 'remote' ? t('standards.check.remote', { name }) : t('standards.check.missingFile', { name })}</p>;
  if (outcome.status === 'failed') return <p class="notice">{t('standards.check.failed', { name, reason: outcome.reason })}</p>;
  const c = outcome.check;
  const n = (x: number) => formatNumber(x, lang);
  return (
    <div class={c.ok ? 'standard-check ok' : 'standard-check failed'}>
      <p>
        <strong>{c.ok ? t('standards.check.ok', { name, rows: n(c.rows) }) : t('standards.check.summary', { name, rows: n(c.rows), failingRows: n(c.failingRows), failures: n(c.failureCount) })}</strong>
      </p>
      {c.missing.length > 0 && <p>{t('standards.check.missing', { columns: c.missing.join('、') })}</p>}
      {c.extra.length > 0 && <p class="small muted">{t('standards.check.extra', { columns: c.extra.join('、') })}</p>}
      {c.truncated && <p class="small">{t('standards.check.truncated', { rows: n(c.rows) })}</p>}
      {c.failures.length > 0 && (
        <div class="table-scroll" tabIndex={0} role="region" aria-labelledby={`standard-failures-${index}`}>
          <table>
            <caption id={`standard-failures-${index}`}>{t('standards.check.first', { n: c.failures.length })}</caption>
            <thead>
              <tr>
                <th scope="col" class="num">
                  {t('standards.check.row')}
                </th>
                <th scope="col">{t('standards.check.column')}</th>
                <th scope="col">{t('standards.check.value')}</th>
                <th scope="col">{t('standards.check.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {c.failures.map((f) => (
                <tr>
                  <td class="num">{f.row}</td>
                  <td>{f.column}</td>
                  <td>
                    <code>{f.value}</code>
                  </td>
                  <td>{t(`standards.reason.${f.reason}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** The dataset page's section: the model the dataset declares and each CSV file's check. */
export function StandardSection({ ctx, results }: { ctx: PageCtx; results: DatasetStandardResults | null }): VNode | null {
  if (!results) return null;
  const { t } = ctx;
  return (
    <section aria-labelledby="standard-heading">
      <h2 id="standard-heading">{t('standards.check.title')}</h2>
      <p>
        <a href={`/catalog/standards#model-${results.model.number}`}>{t('standards.check.model', { name: results.model.name })}</a>
      </p>
      {results.resources.map(({ res, outcome }, i) => (
        <OutcomeView ctx={ctx} name={res.name || res.url || res.id} outcome={outcome} index={i} />
      ))}
    </section>
  );
}
