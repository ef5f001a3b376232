import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderToString } from 'preact-render-to-string';
import type { AppContext } from '../../core/context.js';
import { actorOf } from '../../core/auth/service.js';
import { DomainError, type FieldProblem } from '../../core/errors.js';
import type { Lang, Translator } from '../../core/i18n/index.js';
import { page } from '../../core/http/render.js';
import { planService } from '../index.js';
import type { IndicatorView, PlanView } from '../service.js';
import { indicatorChartSvg } from '../chart.js';
import { planExportRoutes } from '../export.js';
import { pageCache } from './cache.js';
import { bi, isStaff, yearText } from './format.js';
import { Overview } from './overview.js';
import { IndicatorPage, type FormState } from './indicator.js';
import { AnnualPlan } from './annual.js';
import { ReviewReport } from './review.js';

const STAFF = ['staff', 'admin'] as const;
const IdParams = { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] } as const;
/** Domain errors a form answers by showing itself again with the problems named. */
const FORM_ERRORS = new Set(['validation-failed', 'year-frozen', 'metric-bound']);

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

/** "1,200", "１２００" and " 42.6 " are numbers; an empty field is not (NaN, which the service refuses). */
export function parseNumber(s: string | undefined): number {
  const n = (s ?? '').normalize('NFKC').replace(/[,\s]/g, '');
  return n === '' ? Number.NaN : Number(n);
}

/** Today's date in Japan, for the as-of default and the review report. */
function todayInJapan(ctx: AppContext): string {
  return new Date(ctx.clock.now().getTime() + 9 * 3600 * 1000).toISOString().slice(0, 10);
}

/** The service's field problems, in the page's language (the service speaks English to the API). */
export function localizeProblems(err: DomainError, v: PlanView, ind: IndicatorView, lang: Lang, t: Translator, form: 'measurement' | 'revision'): FieldProblem[] {
  const range = { min: yearText(v.accepted.min, form === 'measurement' ? ind.periodBasis : 'fiscal', lang), max: yearText(v.accepted.max, form === 'measurement' ? ind.periodBasis : 'fiscal', lang) };
  // No value field exists on a metric-bound indicator's page: point at the section that explains why.
  if (err.code === 'metric-bound') return [{ field: 'measurement-heading', message: t('plan.err.metricBound') }];
  if (!err.fields.length) return [{ field: form === 'measurement' ? 'value' : 'newValue', message: t('plan.err.generic') }];
  return err.fields.map((f) => {
    const m = f.message;
    const key = (() => {
      switch (f.field) {
        case 'period':
          return err.code === 'year-frozen' ? 'plan.err.frozen' : 'plan.err.period';
        case 'value':
          return /milestone/.test(m) ? 'plan.err.valueMilestone' : /negative/.test(m) ? 'plan.err.valueNegative' : 'plan.err.value';
        case 'source':
          return /at most/.test(m) ? 'plan.err.sourceLong' : 'plan.err.source';
        case 'asOf':
          return 'plan.err.asOf';
        case 'note':
          return 'plan.err.note';
        case 'newValue':
          return /negative/.test(m) ? 'plan.err.newValueNegative' : /current value/.test(m) ? 'plan.err.newValueSame' : 'plan.err.newValue';
        case 'effectiveFiscalYear':
          return 'plan.err.effective';
        case 'reason':
          return /at most/.test(m) ? 'plan.err.reasonLong' : 'plan.err.reason';
        case 'targetId':
          return /numeric/.test(m) ? 'plan.err.target' : 'plan.err.targetOther';
        default:
          return 'plan.err.generic';
      }
    })();
    return { field: f.field, message: t(key, range) };
  });
}

/** Public and staff pages of the plan, and its CSV/XLSX exports. */
export async function planPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const plan = planService(ctx);
  const cache = pageCache(ctx);

  const currentView = async (): Promise<PlanView> => {
    const v = await plan.view();
    if (!v) throw new DomainError('not-found', 'No plan has been imported yet (kabuto plan import FILE)');
    return v;
  };
  /** One view read per request; an unknown id gets the service's own error (a 404 page). */
  const indicatorOf = async (v: PlanView, id: string): Promise<IndicatorView> => v.indicators.find((i) => i.id === id) ?? (await plan.indicator(id));

  // The page body is rendered once per language and data version; only the layout (user, CSRF token,
  // language switch) is rendered per request.
  app.get('/plan', { schema: { hide: true } }, async (req, reply) => {
    const v = await currentView();
    const lang = req.lang;
    const body = cache.get(v.version, `overview|${lang}`, () => renderToString(<Overview v={v} lang={lang} t={req.t} />));
    return page(req, reply, req.t('plan.title'), () => <div class="plan-page" dangerouslySetInnerHTML={{ __html: body }} />);
  });

  app.get('/plan/annual', { schema: { hide: true } }, async (req, reply) => {
    const v = await currentView();
    const lang = req.lang;
    const body = cache.get(v.version, `annual|${lang}`, () => renderToString(<AnnualPlan v={v} lang={lang} t={req.t} />));
    return page(req, reply, req.t('plan.annual.title'), () => <div class="plan-page" dangerouslySetInnerHTML={{ __html: body }} />);
  });

  app.get('/plan/review', { schema: { hide: true } }, async (req, reply) => {
    const v = await currentView();
    return page(req, reply, req.t('plan.review.title'), (c) => <ReviewReport v={v} lang={c.lang} t={c.t} today={todayInJapan(ctx)} />, { bare: true });
  });

  const indicatorPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    v: PlanView,
    ind: IndicatorView,
    opts: { measurement?: FormState; revision?: FormState; status?: number } = {},
  ): Promise<FastifyReply> => {
    const lang = req.lang;
    const chartSvg = cache.get(v.version, `chart|${lang}|${ind.id}`, () => indicatorChartSvg(ind, lang, req.t));
    const doneParam = (req.query as Record<string, unknown> | undefined)?.done;
    const done = doneParam === 'measurement' || doneParam === 'revision' ? doneParam : undefined;
    return page(
      req,
      reply,
      bi(lang, ind.name),
      (c) => <IndicatorPage ctx={c} v={v} ind={ind} chartSvg={chartSvg} today={todayInJapan(ctx)} staff={isStaff(c.user)} done={opts.status ? undefined : done} measurement={opts.measurement} revision={opts.revision} />,
      { status: opts.status },
    );
  };

  app.get<{ Params: { id: string } }>('/plan/indicators/:id', { schema: { hide: true, params: IdParams } }, async (req, reply) => {
    const v = await currentView();
    return indicatorPage(req, reply, v, await indicatorOf(v, req.params.id));
  });

  app.post<{ Params: { id: string } }>('/plan/indicators/:id/measurements', { config: { auth: STAFF }, schema: { hide: true, params: IdParams } }, async (req, reply) => {
    const v = await currentView();
    const ind = await indicatorOf(v, req.params.id);
    const body = formBody(req.body);
    try {
      await plan.addMeasurement(actorOf(req.user, req.id), ind.id, {
        period: parseNumber(body.period),
        value: parseNumber(body.value),
        source: body.source ?? '',
        asOf: body.asOf?.trim() || undefined,
        provisional: body.provisional === '1' || body.provisional === 'on',
        note: body.note?.trim() || null,
      });
    } catch (err) {
      if (!(err instanceof DomainError) || !FORM_ERRORS.has(err.code)) throw err;
      return indicatorPage(req, reply, v, ind, { measurement: { values: body, errors: localizeProblems(err, v, ind, req.lang, req.t, 'measurement') }, status: err.status });
    }
    return reply.redirect(`/plan/indicators/${encodeURIComponent(ind.id)}?done=measurement`, 303);
  });

  // The form's select names the target (the action URL cannot follow it without script); the URL's
  // target fixes the indicator, and only that indicator's targets may be chosen.
  app.post<{ Params: { id: string } }>('/plan/targets/:id/revisions', { config: { auth: STAFF }, schema: { hide: true, params: IdParams } }, async (req, reply) => {
    const v = await currentView();
    const ind = v.indicators.find((i) => i.targets.some((x) => x.id === req.params.id));
    if (!ind) throw new DomainError('unknown-target', `No target ${req.params.id}`);
    const body = formBody(req.body);
    const targetId = body.targetId?.trim() || req.params.id;
    const values = { ...body, targetId };
    if (!ind.targets.some((x) => x.id === targetId)) {
      return indicatorPage(req, reply, v, ind, { revision: { values, errors: [{ field: 'targetId', message: req.t('plan.err.targetOther') }] }, status: 422 });
    }
    try {
      await plan.reviseTarget(actorOf(req.user, req.id), targetId, {
        newValue: parseNumber(body.newValue),
        effectiveFiscalYear: parseNumber(body.effectiveFiscalYear),
        reason: body.reason ?? '',
      });
    } catch (err) {
      if (!(err instanceof DomainError) || !FORM_ERRORS.has(err.code)) throw err;
      return indicatorPage(req, reply, v, ind, { revision: { values, errors: localizeProblems(err, v, ind, req.lang, req.t, 'revision') }, status: err.status });
    }
    return reply.redirect(`/plan/indicators/${encodeURIComponent(ind.id)}?done=revision#revisions`, 303);
  });

  await planExportRoutes(app, ctx);
}
