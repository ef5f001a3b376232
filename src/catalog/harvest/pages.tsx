import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/context.js';
import { actorOf } from '../../core/auth/service.js';
import { DomainError, type FieldProblem } from '../../core/errors.js';
import { Checkbox, FormErrors, SelectField, TextField } from '../../core/http/fields.js';
import type { FormState } from '../../core/http/forms.js';
import { Csrf, page, type PageCtx } from '../../core/http/render.js';
import { formatDateTime, type Lang } from '../../core/i18n/index.js';
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

/**
 * The form's fields as a source input. Settings the form does not show (the organization map) are
 * kept from `current`, so saving the form never drops what the API set.
 */
function inputOf(b: Values, current?: SourceView): SourceInput {
  const config: Record<string, unknown> = {};
  if (current && Object.keys(current.config.orgMap).length) config.orgMap = current.config.orgMap;
  if (b.kind === 'dcat' && b.format) config.format = b.format;
  if (b.pageSize?.trim()) config.pageSize = b.pageSize.trim();
  if (b.timeoutSeconds?.trim()) config.timeoutSeconds = b.timeoutSeconds.trim();
  if (b.retries?.trim()) config.retries = b.retries.trim();
  return { name: b.name ?? '', title: b.title ?? '', kind: b.kind ?? '', url: b.url ?? '', organization: b.organization ?? '', schedule: b.schedule ?? 'manual', active: b.active === 'yes', config };
}

function valuesOf(s: SourceView): Values {
  return { name: s.name, title: s.title, kind: s.kind, url: s.url, organization: s.organization, schedule: s.schedule, active: s.active ? 'yes' : '', format: s.config.format, pageSize: String(s.config.pageSize), timeoutSeconds: String(s.config.timeoutSeconds), retries: String(s.config.retries) };
}

/** A time in Japan time, as the rest of the catalog shows times; a dash when there is none. */
function When({ iso, lang }: { iso: string | null; lang: Lang }) {
  return iso ? <time dateTime={iso}>{formatDateTime(iso, lang)}</time> : <>—</>;
}

/** When a source runs next: its time, "due" once that time has come, a dash when it runs only by hand. */
function NextRun({ ctx, s, now }: { ctx: PageCtx; s: SourceView; now: Date }) {
  if (!s.next_run_at) return <>{ctx.t('harvest.nextNone')}</>;
  if (Date.parse(s.next_run_at) <= now.getTime()) return <>{ctx.t('harvest.due')}</>;
  return <When iso={s.next_run_at} lang={ctx.lang} />;
}

/** Settings the API nests under `config` are plain fields of the form, where their problems show. */
const formNames: Record<string, string> = { 'config.pageSize': 'pageSize', 'config.timeoutSeconds': 'timeoutSeconds', 'config.retries': 'retries', 'config.format': 'format' };

function SourceForm({ ctx, action, cancel, form, orgs }: { ctx: PageCtx; action: string; cancel: string; form: FormState; orgs: OrgRow[] }) {
  const { t } = ctx;
  const f = { ctx, form };
  const choices = (values: readonly string[], label: (v: string) => string) => values.map((v) => ({ value: v, label: label(v) }));
  return (
    <>
      <FormErrors ctx={ctx} form={form} />
      <form method="post" action={action} class="stack harvest-form" novalidate>
        <Csrf ctx={ctx} />
        <TextField {...f} name="name" label={t('harvest.field.name')} hint={t('harvest.field.name.hint')} required />
        <TextField {...f} name="title" label={t('harvest.field.title')} hint={t('harvest.field.title.hint')} />
        <SelectField {...f} name="kind" label={t('harvest.field.kind')} options={choices(KINDS, (k) => t(`harvest.kind.${k}`))} />
        <TextField {...f} name="url" label={t('harvest.field.url')} type="url" hint={t('harvest.field.url.hint')} required />
        <SelectField {...f} name="organization" label={t('harvest.field.organization')} hint={t('harvest.field.organization.hint')} options={orgs.map((o) => ({ value: o.id, label: ctx.lang === 'ja' ? o.title_ja : o.title_en }))} />
        <SelectField {...f} name="schedule" label={t('harvest.field.schedule')} options={choices(SCHEDULES, (s) => t(`harvest.schedule.${s}`))} />
        <SelectField {...f} name="format" label={t('harvest.field.format')} hint={t('harvest.field.format.hint')} options={choices(RDF_FORMATS, (x) => t(`harvest.format.${x}`))} />
        <TextField {...f} name="pageSize" label={t('harvest.field.pageSize')} type="number" min={1} max={1000} />
        <TextField {...f} name="timeoutSeconds" label={t('harvest.field.timeout')} type="number" min={1} max={600} />
        <TextField {...f} name="retries" label={t('harvest.field.retries')} type="number" min={0} max={10} />
        <Checkbox {...f} name="active" label={t('harvest.field.active')} value="yes" />
        <p class="form-actions">
          <button type="submit">{t('harvest.save')}</button> <a href={cancel}>{t('harvest.cancel')}</a>
        </p>
      </form>
    </>
  );
}

function RunsTable({ ctx, source, runs }: { ctx: PageCtx; source: SourceView; runs: RunView[] }) {
  const { t, lang } = ctx;
  if (!runs.length) return <p>{t('harvest.noRuns')}</p>;
  const cols = ['added', 'updated', 'unchanged', 'deleted', 'failed'] as const;
  return (
    <div class="table-scroll">
      <table class="harvest-table">
        <caption class="visually-hidden">{t('harvest.runs')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('harvest.col.started')}</th>
            <th scope="col">{t('harvest.col.result')}</th>
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
                <a href={`/catalog/harvest/${encodeURIComponent(source.name)}/runs/${r.id}`}>
                  <When iso={r.started_at} lang={lang} />
                </a>
              </td>
              <td>
                {t(`harvest.status.${r.status}`)}
                {r.full && <span class="muted small"> {t('harvest.fullRun')}</span>}
              </td>
              <td>{t(`harvest.trigger.${r.trigger}`)}</td>
              {cols.map((c) => (
                <td class="num">{r[c]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Staff pages: the list of sources, a source with its runs, forms, and a run's report. */
export async function harvestPages(app: FastifyInstance, ctx: AppContext, svc: HarvestSources): Promise<void> {
  const catalog = catalogService(ctx);
  const path = (name: string) => `/catalog/harvest/${encodeURIComponent(name)}`;

  app.get('/catalog/harvest', auth, async (req, reply) => {
    const sources = await svc.list(req.user);
    const now = ctx.clock.now();
    const t = req.t;
    return page(req, reply, t('harvest.title'), (c) => (
      <>
        <p class="breadcrumb small">
          <a href="/catalog">{t('catalog.title')}</a>
        </p>
        <h1>{t('harvest.title')}</h1>
        <p class="lead">{t('harvest.lead')}</p>
        <p>
          <a class="button" href="/catalog/harvest/new">
            {t('harvest.new')}
          </a>
        </p>
        {sources.length ? (
          <div class="table-scroll">
            <table class="harvest-table">
              <caption class="visually-hidden">{t('harvest.sources')}</caption>
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
                      <a href={path(s.name)}>{s.title}</a>
                    </td>
                    <td>{s.kind === 'ckan' ? 'CKAN' : 'DCAT'}</td>
                    <td>
                      {t(`harvest.schedule.${s.schedule}`)}
                      {!s.active && <span class="muted small"> {t('harvest.inactive')}</span>}
                    </td>
                    <td>
                      {s.last_status ? (
                        <>
                          {t(`harvest.status.${s.last_status}`)} (<When iso={s.last_run_at} lang={c.lang} />)
                        </>
                      ) : (
                        t('harvest.status.never')
                      )}
                    </td>
                    <td>
                      <NextRun ctx={c} s={s} now={now} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p>{t('harvest.none')}</p>
        )}
      </>
    ));
  });

  const formPage = async (req: FastifyRequest, reply: FastifyReply, mode: 'new' | 'edit', values: Values, errors: FieldProblem[], status = 200) => {
    const orgs = await catalog.orgs();
    const original = values.originalName ?? values.name ?? '';
    const title = mode === 'new' ? req.t('harvest.newTitle') : req.t('harvest.editTitle', { name: values.originalTitle ?? original });
    const action = mode === 'new' ? '/catalog/harvest' : `${path(original)}/edit`;
    const cancel = mode === 'new' ? '/catalog/harvest' : path(original);
    return page(
      req,
      reply,
      errors.length ? req.t('harvest.errorTitle', { title }) : title,
      (c) => (
        <>
          <p class="breadcrumb small">
            <a href="/catalog/harvest">{req.t('harvest.title')}</a>
          </p>
          <h1>{title}</h1>
          <SourceForm ctx={c} action={action} cancel={cancel} form={{ values, errors }} orgs={orgs} />
        </>
      ),
      { status },
    );
  };
  const problems = (err: DomainError): FieldProblem[] => err.fields.map((p) => ({ ...p, field: formNames[p.field] ?? p.field }));

  app.get('/catalog/harvest/new', auth, async (req, reply) =>
    formPage(req, reply, 'new', { kind: 'ckan', schedule: 'daily', active: 'yes', format: 'auto', pageSize: '100', timeoutSeconds: '30', retries: '2' }, []),
  );

  app.post('/catalog/harvest', auth, async (req, reply) => {
    const body = formBody(req.body);
    try {
      const s = await svc.create(req.user, actorOf(req.user, req.id), inputOf(body));
      return reply.redirect(`${path(s.name)}?done=saved`, 303);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'validation-failed') throw err;
      return formPage(req, reply, 'new', body, problems(err), 422);
    }
  });

  app.get<{ Params: { name: string } }>('/catalog/harvest/:name/edit', auth, async (req, reply) => {
    const s = sourceView(await svc.get(req.user, req.params.name));
    return formPage(req, reply, 'edit', { ...valuesOf(s), originalName: s.name, originalTitle: s.title }, []);
  });

  app.post<{ Params: { name: string } }>('/catalog/harvest/:name/edit', auth, async (req, reply) => {
    const current = sourceView(await svc.get(req.user, req.params.name));
    const body = formBody(req.body);
    try {
      const s = await svc.update(req.user, actorOf(req.user, req.id), current.id, inputOf(body, current));
      return reply.redirect(`${path(s.name)}?done=saved`, 303);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'validation-failed') throw err;
      return formPage(req, reply, 'edit', { ...body, originalName: current.name, originalTitle: current.title }, problems(err), 422);
    }
  });

  app.get<{ Params: { name: string } }>('/catalog/harvest/:name', auth, async (req, reply) => {
    const row = await svc.get(req.user, req.params.name);
    const s = sourceView(row);
    const [runs, running, org] = await Promise.all([svc.runs(req.user, s.id, 20), svc.running(s.id), catalog.org(s.organization)]);
    const q = req.query as Record<string, string | undefined>;
    const t = req.t;
    const notice = q.done === 'saved' ? t('harvest.saved') : q.done === 'started' && /^\d+$/.test(q.run ?? '') ? t('harvest.started', { id: Number(q.run) }) : q.done === 'busy' ? t('harvest.busy') : undefined;
    const orgMap = Object.entries(s.config.orgMap);
    const now = ctx.clock.now();
    return page(req, reply, s.title, (c) => (
      <>
        <p class="breadcrumb small">
          <a href="/catalog/harvest">{t('harvest.title')}</a>
        </p>
        <h1>{s.title}</h1>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        {running && <p class="notice">{t('harvest.running')}</p>}
        <form method="post" action={`${path(s.name)}/run`} class="harvest-run">
          <Csrf ctx={c} />
          <button type="submit">{t('harvest.run')}</button>{' '}
          <button type="submit" name="full" value="1" class="secondary">
            {t('harvest.runFull')}
          </button>
        </form>
        <h2>{t('harvest.settings')}</h2>
        <dl class="meta harvest-settings">
          <dt>{t('harvest.col.name')}</dt>
          <dd>
            <code>{s.name}</code>
          </dd>
          <dt>{t('harvest.col.kind')}</dt>
          <dd>{t(`harvest.kind.${s.kind}`)}</dd>
          <dt>{t('harvest.col.url')}</dt>
          <dd>
            <a href={s.url}>{s.url}</a>
          </dd>
          <dt>{t('harvest.field.organization')}</dt>
          <dd>{org ? <a href={`/organization/${encodeURIComponent(org.name)}`}>{c.lang === 'ja' ? org.title_ja : org.title_en}</a> : s.organization}</dd>
          {orgMap.length > 0 && (
            <>
              <dt>{t('harvest.orgMap')}</dt>
              <dd>
                <ul class="plain-list">
                  {orgMap.map(([from, to]) => (
                    <li>
                      <code>{from}</code> → <code>{to}</code>
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          )}
          <dt>{t('harvest.col.schedule')}</dt>
          <dd>{t(`harvest.schedule.${s.schedule}`)}</dd>
          <dt>{t('harvest.active')}</dt>
          <dd>{s.active ? t('harvest.yes') : t('harvest.no')}</dd>
          {s.kind === 'dcat' && (
            <>
              <dt>{t('harvest.field.format')}</dt>
              <dd>{t(`harvest.format.${s.config.format}`)}</dd>
            </>
          )}
          {s.kind === 'ckan' && (
            <>
              <dt>{t('harvest.field.pageSize')}</dt>
              <dd>{s.config.pageSize}</dd>
            </>
          )}
          <dt>{t('harvest.field.timeout')}</dt>
          <dd>{s.config.timeoutSeconds}</dd>
          <dt>{t('harvest.field.retries')}</dt>
          <dd>{s.config.retries}</dd>
          <dt>{t('harvest.col.next')}</dt>
          <dd>
            <NextRun ctx={c} s={s} now={now} />
          </dd>
          <dt>{t('harvest.lastSuccess')}</dt>
          <dd>
            <When iso={s.last_success_at} lang={c.lang} />
          </dd>
          {s.kind === 'ckan' && (
            <>
              <dt>{t('harvest.highWater')}</dt>
              <dd>
                <When iso={s.high_water} lang={c.lang} />
              </dd>
            </>
          )}
        </dl>
        <p>
          <a href={`${path(s.name)}/edit`}>{t('harvest.edit')}</a>
        </p>
        <h2>{t('harvest.runs')}</h2>
        <RunsTable ctx={c} source={s} runs={runs} />
      </>
    ));
  });

  app.post<{ Params: { name: string } }>('/catalog/harvest/:name/run', auth, async (req, reply) => {
    const s = await svc.get(req.user, req.params.name);
    try {
      const run = await startRun(ctx, s.id, formBody(req.body).full === '1');
      return reply.redirect(`${path(s.name)}?done=started&run=${run}`, 303);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'conflict') return reply.redirect(`${path(s.name)}?done=busy`, 303);
      throw err;
    }
  });

  app.get<{ Params: { name: string; run: string } }>('/catalog/harvest/:name/runs/:run', auth, async (req, reply) => {
    if (!/^\d{1,9}$/.test(req.params.run)) throw new DomainError('not-found', 'Harvest run not found');
    const s = sourceView(await svc.get(req.user, req.params.name));
    const r = await svc.run(req.user, s.id, Number(req.params.run));
    const t = req.t;
    const title = t('harvest.runTitle', { name: s.title, id: r.id });
    const cols = ['seen', 'added', 'updated', 'unchanged', 'deleted', 'failed', 'requests'] as const;
    return page(req, reply, title, (c) => (
      <>
        <p class="breadcrumb small">
          <a href="/catalog/harvest">{t('harvest.title')}</a> › <a href={path(s.name)}>{s.title}</a>
        </p>
        <h1>{title}</h1>
        <dl class="meta harvest-settings">
          <dt>{t('harvest.col.result')}</dt>
          <dd>
            {t(`harvest.status.${r.status}`)}
            {r.full && <span class="muted small"> {t('harvest.fullRun')}</span>}
          </dd>
          <dt>{t('harvest.col.trigger')}</dt>
          <dd>{t(`harvest.trigger.${r.trigger}`)}</dd>
          <dt>{t('harvest.col.started')}</dt>
          <dd>
            <When iso={r.started_at} lang={c.lang} />
          </dd>
          <dt>{t('harvest.col.finished')}</dt>
          <dd>
            <When iso={r.finished_at} lang={c.lang} />
          </dd>
          {cols.map((k) => (
            <>
              <dt>{t(`harvest.col.${k}`)}</dt>
              <dd>{r[k]}</dd>
            </>
          ))}
        </dl>
        {r.message && (
          <p class="notice" lang="en">
            {r.message}
          </p>
        )}
        <h2 id="errors-heading">{t('harvest.report.errors')}</h2>
        {r.report.errors.length ? (
          <div class="table-scroll">
            <table class="harvest-table" aria-labelledby="errors-heading">
              <thead>
                <tr>
                  <th scope="col">{t('harvest.col.record')}</th>
                  <th scope="col">{t('harvest.col.remoteId')}</th>
                  <th scope="col">{t('harvest.col.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {r.report.errors.map((e) => (
                  <tr>
                    <td>{e.name || '—'}</td>
                    <td>
                      <code>{e.remoteId || '—'}</code>
                    </td>
                    <td lang="en">{e.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
