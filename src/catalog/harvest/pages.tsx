import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/context.js';
import { actorOf } from '../../core/auth/service.js';
import { DomainError, type FieldProblem } from '../../core/errors.js';
import { Csrf, ErrorSummary, fieldError, localizeFields, page, type PageCtx } from '../../core/http/render.js';
import { catalogService } from '../index.js';
import type { OrgRow } from '../store.js';
import { RDF_FORMATS } from './config.js';
import { HarvestSources, KINDS, SCHEDULES, sourceView, type RunView, type SourceInput, type SourceView } from './sources.js';
import { startRun } from './routes.js';
import { STAFF } from './schemas.js';

type Values = Record<string, string>;
const auth = { config: { auth: STAFF }, schema: { hide: true } };

function formBody(raw: unknown): Values {
  const out: Values = {};
  if (raw && typeof raw === 'object') for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return out;
}

function inputOf(b: Values): SourceInput {
  const config: Record<string, unknown> = {};
  if (b.kind === 'dcat' && b.format) config.format = b.format;
  if (b.pageSize?.trim()) config.pageSize = b.pageSize.trim();
  if (b.timeoutSeconds?.trim()) config.timeoutSeconds = b.timeoutSeconds.trim();
  return { name: b.name ?? '', title: b.title ?? '', kind: b.kind ?? '', url: b.url ?? '', organization: b.organization ?? '', schedule: b.schedule ?? 'manual', active: b.active === 'yes', config };
}

function valuesOf(s: SourceView): Values {
  return { name: s.name, title: s.title, kind: s.kind, url: s.url, organization: s.organization, schedule: s.schedule, active: s.active ? 'yes' : '', format: s.config.format, pageSize: String(s.config.pageSize), timeoutSeconds: String(s.config.timeoutSeconds) };
}

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');
const ids: Record<string, string> = { 'config.pageSize': 'pageSize', 'config.timeoutSeconds': 'timeoutSeconds', 'config.format': 'format' };

function Field({ ctx, id, label, errors, children }: { ctx: PageCtx; id: string; label: string; errors: FieldProblem[]; children: preact.ComponentChildren }) {
  const err = fieldError(errors, id);
  void ctx;
  return (
    <div class={err ? 'field field-error' : 'field'}>
      <label for={id}>{label}</label>
      {err && (
        <p class="error-message" id={`${id}-error`}>
          {err}
        </p>
      )}
      {children}
    </div>
  );
}

function SourceForm({ ctx, action, values, errors, orgs }: { ctx: PageCtx; action: string; values: Values; errors: FieldProblem[]; orgs: OrgRow[] }) {
  const { t } = ctx;
  const text = (id: string, label: string, type = 'text') => (
    <Field ctx={ctx} id={id} label={label} errors={errors}>
      <input id={id} name={id} type={type} value={values[id] ?? ''} aria-describedby={fieldError(errors, id) ? `${id}-error` : undefined} />
    </Field>
  );
  const select = (id: string, label: string, options: [string, string][]) => (
    <Field ctx={ctx} id={id} label={label} errors={errors}>
      <select id={id} name={id} aria-describedby={fieldError(errors, id) ? `${id}-error` : undefined}>
        {options.map(([v, l]) => (
          <option value={v} selected={values[id] === v}>
            {l}
          </option>
        ))}
      </select>
    </Field>
  );
  return (
    <form method="post" action={action} class="harvest-form">
      <Csrf ctx={ctx} />
      <ErrorSummary ctx={ctx} errors={errors} />
      {text('name', t('harvest.field.name'))}
      {text('title', t('harvest.field.title'))}
      {select('kind', t('harvest.field.kind'), KINDS.map((k) => [k, t(`harvest.kind.${k}`)]))}
      {text('url', t('harvest.field.url'), 'url')}
      {select('organization', t('harvest.field.organization'), orgs.map((o) => [o.id, ctx.lang === 'ja' ? o.title_ja : o.title_en]))}
      {select('schedule', t('harvest.field.schedule'), SCHEDULES.map((s) => [s, t(`harvest.schedule.${s}`)]))}
      {select('format', t('harvest.field.format'), RDF_FORMATS.map((f) => [f, t(`harvest.format.${f}`)]))}
      {text('pageSize', t('harvest.field.pageSize'), 'number')}
      {text('timeoutSeconds', t('harvest.field.timeout'), 'number')}
      <div class="field">
        <input id="active" name="active" type="checkbox" value="yes" checked={values.active === 'yes'} />
        <label for="active">{t('harvest.field.active')}</label>
      </div>
      <p>
        <button type="submit">{t('harvest.save')}</button> <a href="/catalog/harvest">{t('harvest.cancel')}</a>
      </p>
    </form>
  );
}

function RunsTable({ ctx, source, runs }: { ctx: PageCtx; source: SourceView; runs: RunView[] }) {
  const { t } = ctx;
  if (!runs.length) return <p>{t('harvest.noRuns')}</p>;
  const cols = ['added', 'updated', 'unchanged', 'deleted', 'failed'] as const;
  return (
    <table class="harvest-table">
      <caption>{t('harvest.runs')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('harvest.col.started')}</th>
          <th scope="col">{t('harvest.col.status')}</th>
          <th scope="col">{t('harvest.col.trigger')}</th>
          {cols.map((c) => (
            <th scope="col" class="num">
              {t(`harvest.col.${c}`)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr>
            <td>
              <a href={`/catalog/harvest/${source.name}/runs/${r.id}`}>{when(r.started_at)}</a>
            </td>
            <td>{t(`harvest.status.${r.status}`)}</td>
            <td>{t(`harvest.trigger.${r.trigger}`)}</td>
            {cols.map((c) => (
              <td class="num">{r[c]}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Staff pages: the list of sources, a source with its runs, forms, and a run's report. */
export async function harvestPages(app: FastifyInstance, ctx: AppContext, svc: HarvestSources): Promise<void> {
  const catalog = catalogService(ctx);

  app.get('/catalog/harvest', auth, async (req, reply) => {
    const sources = await svc.list(req.user);
    const t = req.t;
    return page(req, reply, t('harvest.title'), () => (
      <>
        <h1>{t('harvest.title')}</h1>
        <p class="lead">{t('harvest.lead')}</p>
        <p>
          <a class="button" href="/catalog/harvest/new">
            {t('harvest.new')}
          </a>
        </p>
        {sources.length ? (
          <table class="harvest-table">
            <caption>{t('harvest.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('harvest.col.title')}</th>
                <th scope="col">{t('harvest.col.kind')}</th>
                <th scope="col">{t('harvest.col.schedule')}</th>
                <th scope="col">{t('harvest.col.status')}</th>
                <th scope="col">{t('harvest.col.next')}</th>
              </tr>
            </thead>
            <tbody>
              {sources.map((s) => (
                <tr>
                  <td>
                    <a href={`/catalog/harvest/${s.name}`}>{s.title}</a>
                  </td>
                  <td>{s.kind === 'ckan' ? 'CKAN' : 'DCAT'}</td>
                  <td>{t(`harvest.schedule.${s.schedule}`)}</td>
                  <td>{s.last_status ? `${t(`harvest.status.${s.last_status}`)} (${when(s.last_run_at)})` : t('harvest.status.never')}</td>
                  <td>{when(s.next_run_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{t('harvest.none')}</p>
        )}
      </>
    ));
  });

  const formPage = async (req: FastifyRequest, reply: FastifyReply, mode: 'new' | 'edit', values: Values, errors: FieldProblem[], status = 200) => {
    const orgs = await catalog.orgs();
    const title = mode === 'new' ? req.t('harvest.newTitle') : req.t('harvest.editTitle', { name: values.name ?? '' });
    const action = mode === 'new' ? '/catalog/harvest' : `/catalog/harvest/${values.originalName ?? values.name}/edit`;
    return page(
      req,
      reply,
      title,
      (c) => (
        <>
          <h1>{title}</h1>
          <SourceForm ctx={c} action={action} values={values} errors={errors} orgs={orgs} />
        </>
      ),
      { status },
    );
  };
  const problems = (req: FastifyRequest, err: DomainError) => localizeFields(req.t, err.fields, ids);

  app.get('/catalog/harvest/new', auth, async (req, reply) => {
    await svc.list(req.user);
    return formPage(req, reply, 'new', { kind: 'ckan', schedule: 'daily', active: 'yes', format: 'auto', pageSize: '100', timeoutSeconds: '30' }, []);
  });

  app.post('/catalog/harvest', auth, async (req, reply) => {
    const body = formBody(req.body);
    try {
      const s = await svc.create(req.user, actorOf(req.user, req.id), inputOf(body));
      return reply.redirect(`/catalog/harvest/${s.name}?done=saved`, 303);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'validation-failed') throw err;
      return formPage(req, reply, 'new', body, problems(req, err), 422);
    }
  });

  app.get<{ Params: { name: string } }>('/catalog/harvest/:name/edit', auth, async (req, reply) => {
    const s = sourceView(await svc.get(req.user, req.params.name));
    return formPage(req, reply, 'edit', { ...valuesOf(s), originalName: s.name }, []);
  });

  app.post<{ Params: { name: string } }>('/catalog/harvest/:name/edit', auth, async (req, reply) => {
    const body = formBody(req.body);
    try {
      const s = await svc.update(req.user, actorOf(req.user, req.id), req.params.name, inputOf(body));
      return reply.redirect(`/catalog/harvest/${s.name}?done=saved`, 303);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'validation-failed') throw err;
      return formPage(req, reply, 'edit', { ...body, originalName: req.params.name }, problems(req, err), 422);
    }
  });

  app.get<{ Params: { name: string } }>('/catalog/harvest/:name', auth, async (req, reply) => {
    const row = await svc.get(req.user, req.params.name);
    const s = sourceView(row);
    const [runs, running, org] = await Promise.all([svc.runs(req.user, s.id, 20), svc.running(s.id), catalog.org(s.organization)]);
    const q = req.query as Record<string, string | undefined>;
    const t = req.t;
    const notice = q.done === 'saved' ? t('harvest.saved') : q.done === 'started' && /^\d+$/.test(q.run ?? '') ? t('harvest.started', { id: Number(q.run) }) : q.done === 'busy' ? t('harvest.busy') : undefined;
    return page(req, reply, s.title, (c) => (
      <>
        <p>
          <a href="/catalog/harvest">{t('harvest.back')}</a>
        </p>
        <h1>{s.title}</h1>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        {running && <p class="notice">{t('harvest.running')}</p>}
        <h2>{t('harvest.settings')}</h2>
        <dl class="harvest-settings">
          <dt>{t('harvest.col.name')}</dt>
          <dd>{s.name}</dd>
          <dt>{t('harvest.col.kind')}</dt>
          <dd>{t(`harvest.kind.${s.kind}`)}</dd>
          <dt>{t('harvest.col.url')}</dt>
          <dd>
            <a href={s.url}>{s.url}</a>
          </dd>
          <dt>{t('harvest.field.organization')}</dt>
          <dd>{org ? (c.lang === 'ja' ? org.title_ja : org.title_en) : s.organization}</dd>
          <dt>{t('harvest.col.schedule')}</dt>
          <dd>
            {t(`harvest.schedule.${s.schedule}`)} ({s.active ? t('harvest.yes') : t('harvest.no')})
          </dd>
          <dt>{t('harvest.col.next')}</dt>
          <dd>{when(s.next_run_at)}</dd>
          <dt>{t('harvest.lastSuccess')}</dt>
          <dd>{when(s.last_success_at)}</dd>
          <dt>{t('harvest.highWater')}</dt>
          <dd>{when(s.high_water)}</dd>
        </dl>
        <p>
          <a href={`/catalog/harvest/${s.name}/edit`}>{t('harvest.edit')}</a>
        </p>
        <form method="post" action={`/catalog/harvest/${s.name}/run`} class="inline-form">
          <Csrf ctx={c} />
          <button type="submit">{t('harvest.run')}</button>{' '}
          <button type="submit" name="full" value="1" class="secondary">
            {t('harvest.runFull')}
          </button>
        </form>
        <RunsTable ctx={c} source={s} runs={runs} />
      </>
    ));
  });

  app.post<{ Params: { name: string } }>('/catalog/harvest/:name/run', auth, async (req, reply) => {
    const s = await svc.get(req.user, req.params.name);
    try {
      const run = await startRun(ctx, s.id, formBody(req.body).full === '1');
      return reply.redirect(`/catalog/harvest/${s.name}?done=started&run=${run}`, 303);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'conflict') return reply.redirect(`/catalog/harvest/${s.name}?done=busy`, 303);
      throw err;
    }
  });

  app.get<{ Params: { name: string; run: string } }>('/catalog/harvest/:name/runs/:run', auth, async (req, reply) => {
    if (!/^\d{1,9}$/.test(req.params.run)) throw new DomainError('not-found', 'Harvest run not found');
    const s = sourceView(await svc.get(req.user, req.params.name));
    const r = await svc.run(req.user, s.id, Number(req.params.run));
    const t = req.t;
    const title = t('harvest.runTitle', { name: s.title, id: r.id });
    const cols = ['added', 'updated', 'unchanged', 'deleted', 'failed', 'requests'] as const;
    return page(req, reply, title, () => (
      <>
        <p>
          <a href={`/catalog/harvest/${s.name}`}>{s.title}</a>
        </p>
        <h1>{title}</h1>
        <dl class="harvest-settings">
          <dt>{t('harvest.col.status')}</dt>
          <dd>{t(`harvest.status.${r.status}`)}</dd>
          <dt>{t('harvest.col.started')}</dt>
          <dd>{when(r.started_at)}</dd>
          <dt>{t('harvest.col.finished')}</dt>
          <dd>{when(r.finished_at)}</dd>
          {cols.map((c) => (
            <>
              <dt>{t(`harvest.col.${c}`)}</dt>
              <dd>{r[c]}</dd>
            </>
          ))}
        </dl>
        {r.message && <p lang="en">{r.message}</p>}
        <h2>{t('harvest.report.errors')}</h2>
        {r.report.errors.length ? (
          <table class="harvest-table">
            <caption>{t('harvest.report.errors')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('harvest.col.record')}</th>
                <th scope="col">{t('harvest.col.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {r.report.errors.map((e) => (
                <tr>
                  <td>{e.name || e.remoteId || '—'}</td>
                  <td lang="en">{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{t('harvest.report.noErrors')}</p>
        )}
        {r.report.moreErrors > 0 && <p>{t('harvest.report.more', { n: r.report.moreErrors })}</p>}
        {r.report.pages.length > 0 && (
          <>
            <h2>{t('harvest.report.pages')}</h2>
            <ul>
              {r.report.pages.map((p) => (
                <li>
                  <code>{p.url}</code>: <span lang="en">{p.reason}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </>
    ));
  });
}
