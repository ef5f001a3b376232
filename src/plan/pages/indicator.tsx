import type { VNode } from 'preact';
import { formatDate, formatDateTime, formatNumber, type Lang, type Translator } from '../../core/i18n/index.js';
import { formatFiscalYear } from '../../core/fiscal.js';
import { Csrf, type PageCtx } from '../../core/http/render.js';
import { fieldId, type FormState } from '../../core/http/forms.js';
import { Checkbox, FormErrors, SelectField, TextArea, TextField } from '../../core/http/fields.js';
import type { IndicatorView, PlanView, TargetView } from '../service.js';
import { chartYears } from '../chart.js';
import { KindNote, StatusBadge } from './components.js';
import { bi, expectedText, forecastValue, latestText, plannedValueText, sourceText, targetValueText, targetYearText, withUnit, yearText } from './format.js';

/** A staff form shown again: what was typed, and its problems (already in the reader's language). */
export type { FormState };

export interface IndicatorPageProps {
  ctx: PageCtx;
  v: PlanView;
  ind: IndicatorView;
  /** Pre-rendered (and cached) chart SVG; null for milestones. */
  chartSvg: string | null;
  today: string;
  done?: 'measurement' | 'revision';
  measurement?: FormState;
  revision?: FormState;
  staff: boolean;
}

function years(min: number, max: number): number[] {
  const out: number[] = [];
  for (let y = min; y <= max; y++) out.push(y);
  return out;
}

function YesNoFlags({ provisional, frozen, t }: { provisional: boolean; frozen: boolean; t: Translator }): VNode {
  const flags = [frozen ? t('plan.flag.frozen') : '', provisional ? t('plan.flag.provisional') : ''].filter(Boolean);
  return <>{flags.length ? flags.join(' / ') : t('plan.flag.final')}</>;
}

function TargetsTable({ ind, lang, t }: { ind: IndicatorView; lang: Lang; t: Translator }): VNode {
  return (
    <div class="table-scroll">
      <table>
        <caption>{t('plan.ind.targetsCaption', { name: bi(lang, ind.name) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('plan.col.no')}</th>
            <th scope="col">{t('plan.col.target')}</th>
            <th scope="col">{t('plan.col.targetYear')}</th>
            <th scope="col">{t('plan.col.current')}</th>
            <th scope="col">{t('plan.col.planned')}</th>
          </tr>
        </thead>
        <tbody>
          {ind.targets.map((x) => (
            <tr id={x.id}>
              <th scope="row">{x.label}</th>
              <td>{bi(lang, x.name)}</td>
              <td>{targetYearText(x, lang)}</td>
              <td>{targetValueText(x, lang)}</td>
              <td>{plannedValueText(x, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The chart's figures as a table: every chart on the site has one. */
function ChartTable({ ind, lang, t }: { ind: IndicatorView; lang: Lang; t: Translator }): VNode {
  const cumulative = ind.kind === 'cumulative';
  const milestone = ind.kind === 'milestone';
  const showExpected = ind.trajectory.length > 0;
  const ys = milestone ? years(Math.min(ind.fromYear, ...ind.actuals.map((a) => a.year)), Math.max(...ind.targets.map((x) => x.year), ...ind.actuals.map((a) => a.year))) : chartYears(ind);
  const actual = new Map(ind.actuals.map((a) => [a.year, a]));
  const expected = new Map(ind.trajectory.map((p) => [p.year, p.value]));
  return (
    <div class="table-scroll">
      <table class="chart-table">
        <caption>{t(milestone ? 'plan.chart.tableCaptionShort' : 'plan.chart.tableCaption', { name: bi(lang, ind.name) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t(ind.periodBasis === 'calendar' ? 'plan.col.calendarYear' : 'plan.col.year')}</th>
            <th scope="col" class="num">
              {t('plan.col.actual')}
            </th>
            {cumulative && (
              <th scope="col" class="num">
                {t('plan.col.cumulative')}
              </th>
            )}
            {showExpected && (
              <th scope="col" class="num">
                {t('plan.col.expected')}
              </th>
            )}
            <th scope="col">{t('plan.chart.target')}</th>
          </tr>
        </thead>
        <tbody>
          {ys.map((y) => {
            const a = actual.get(y);
            const e = expected.get(y);
            const targets = ind.targets.filter((x) => x.year === y);
            return (
              <tr>
                <th scope="row">{yearText(y, ind.periodBasis, lang)}</th>
                <td class="num">
                  {a ? (milestone ? t(a.value >= 1 ? 'plan.milestone.done' : 'plan.milestone.notYet', { year: yearText(y, ind.periodBasis, lang) }) : formatNumber(a.value, lang)) : '—'}
                  {a?.provisional && <span class="small"> ({t('plan.flag.provisional')})</span>}
                </td>
                {cumulative && <td class="num">{a?.cumulative !== null && a?.cumulative !== undefined ? formatNumber(a.cumulative, lang) : '—'}</td>}
                {showExpected && <td class="num">{e !== undefined ? expectedText(e, lang) : '—'}</td>}
                <td>{targets.length ? targets.map((x) => `${x.label} ${targetValueText(x, lang)}`).join(' / ') : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Sources({ ind, lang, t }: { ind: IndicatorView; lang: Lang; t: Translator }): VNode {
  if (!ind.actuals.length) return <p>{t('plan.sources.none')}</p>;
  return (
    <div class="table-scroll">
      <table>
        <caption>{t('plan.sources.caption', { name: bi(lang, ind.name) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t(ind.periodBasis === 'calendar' ? 'plan.col.calendarYear' : 'plan.col.year')}</th>
            <th scope="col" class="num">
              {t('plan.col.actual')}
            </th>
            <th scope="col">{t('plan.col.source')}</th>
            <th scope="col">{t('plan.col.asOf')}</th>
            <th scope="col">{t('plan.col.flags')}</th>
          </tr>
        </thead>
        <tbody>
          {ind.actuals.map((a) => (
            <tr>
              <th scope="row">{yearText(a.year, ind.periodBasis, lang)}</th>
              <td class="num">{withUnit(a.value, ind.unit, lang)}</td>
              <td>{sourceText(a, t)}</td>
              <td>{a.asOf ? formatDate(a.asOf, lang) : '—'}</td>
              <td>
                <YesNoFlags provisional={a.provisional} frozen={a.frozen} t={t} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Measurements({ ind, lang, t }: { ind: IndicatorView; lang: Lang; t: Translator }): VNode {
  if (!ind.measurements.length) return <p>{t('plan.meas.none')}</p>;
  const rows = [...ind.measurements].sort((a, b) => b.enteredAt.localeCompare(a.enteredAt) || b.id - a.id);
  return (
    <div class="table-scroll">
      <table>
        <caption>{t('plan.meas.caption', { name: bi(lang, ind.name) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t(ind.periodBasis === 'calendar' ? 'plan.col.calendarYear' : 'plan.col.year')}</th>
            <th scope="col" class="num">
              {t('plan.col.value')}
            </th>
            <th scope="col">{t('plan.col.source')}</th>
            <th scope="col">{t('plan.col.asOf')}</th>
            <th scope="col">{t('plan.col.flags')}</th>
            <th scope="col">{t('plan.col.note')}</th>
            <th scope="col">{t('plan.col.enteredBy')}</th>
            <th scope="col">{t('plan.col.enteredAt')}</th>
            <th scope="col">{t('plan.col.state')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr class={m.superseded ? 'superseded' : undefined}>
              <th scope="row">{yearText(m.period, m.periodBasis, lang)}</th>
              <td class="num">{withUnit(m.value, ind.unit, lang)}</td>
              <td>{m.source}</td>
              <td>{formatDate(m.asOf, lang)}</td>
              <td>
                <YesNoFlags provisional={m.provisional} frozen={false} t={t} />
              </td>
              <td>{m.note ?? ''}</td>
              <td>{m.enteredBy}</td>
              <td>{formatDateTime(m.enteredAt, lang)}</td>
              <td>{t(m.superseded ? 'plan.meas.superseded' : 'plan.meas.current')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function revisionValue(x: TargetView, value: number | null, lang: Lang): string {
  return value === null ? '—' : withUnit(value, x.unit, lang);
}

function Revisions({ ind, lang, t }: { ind: IndicatorView; lang: Lang; t: Translator }): VNode {
  const rows = ind.targets.flatMap((x) => x.revisions.map((r) => ({ x, r })));
  if (!rows.length) return <p>{t('plan.rev.none')}</p>;
  rows.sort((a, b) => b.r.at.localeCompare(a.r.at) || b.r.id - a.r.id);
  return (
    <div class="table-scroll">
      <table>
        <caption>{t('plan.rev.caption', { name: bi(lang, ind.name) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('plan.col.no')}</th>
            <th scope="col" class="num">
              {t('plan.col.old')}
            </th>
            <th scope="col" class="num">
              {t('plan.col.new')}
            </th>
            <th scope="col">{t('plan.col.effective')}</th>
            <th scope="col">{t('plan.col.reason')}</th>
            <th scope="col">{t('plan.col.by')}</th>
            <th scope="col">{t('plan.col.at')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ x, r }) => (
            <tr>
              <th scope="row">{x.label}</th>
              <td class="num old-value">{revisionValue(x, r.oldValue, lang)}</td>
              <td class="num new-value">{revisionValue(x, r.newValue, lang)}</td>
              <td>{formatFiscalYear(r.effectiveFiscalYear, lang)}</td>
              <td>{r.reason}</td>
              <td>
                {r.by}
                {r.source === 'import' && <span class="small muted"> {t('plan.rev.import')}</span>}
              </td>
              <td>{formatDateTime(r.at, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Baselines({ ind, lang, t }: { ind: IndicatorView; lang: Lang; t: Translator }): VNode | null {
  if (!ind.baselines.length) return null;
  return (
    <section aria-labelledby="baselines-heading">
      <h2 id="baselines-heading">{t('plan.base.heading')}</h2>
      <p class="field-hint">{t('plan.base.note')}</p>
      <ul class="baselines">
        {ind.baselines.map((b) => {
          const from = b.fromFiscalYear;
          const to = b.toFiscalYear;
          const period = from === null ? null : from === to || to === null ? formatFiscalYear(from, lang) : t('plan.base.range', { from: formatFiscalYear(from, lang), to: formatFiscalYear(to, lang) });
          const text = lang === 'ja' ? b.text : b.value !== null ? withUnit(b.value, b.unit, lang) : bi(lang, b.indicator);
          return (
            <li>
              <strong>{bi(lang, b.indicator)}</strong>
              {t('plan.colon')}
              {text}
              {b.isEstimate && (
                <>
                  {' '}
                  <span class="badge">{t('plan.base.estimate')}</span>
                </>
              )}
              {period && <span class="small muted"> {t('plan.base.period', { period })}</span>}
              {b.context && <p class="small">{bi(lang, b.context)}</p>}
              {b.dataSource && <p class="small muted">{t('plan.base.source', { source: bi(lang, b.dataSource) })}</p>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Related({ v, ind, lang, t }: { v: PlanView; ind: IndicatorView; lang: Lang; t: Translator }): VNode {
  const devNumbers = [...new Set(ind.relatedRows.map((r) => r.development))].sort((a, b) => a - b);
  const devs = v.developments.filter((d) => devNumbers.includes(d.number));
  return (
    <section aria-labelledby="related-heading">
      <h2 id="related-heading">{t('plan.rel.heading')}</h2>
      {ind.relatedRows.length ? (
        <>
          <h3>{t('plan.rel.rows')}</h3>
          <ul>
            {ind.relatedRows.map((r) => (
              <li>
                <a href={`/plan/annual#${r.id}`}>
                  {r.id} {bi(lang, r.item)}
                </a>
                {bi(lang, r.area) !== bi(lang, r.item) && <span class="small muted"> ({bi(lang, r.area)})</span>}
              </li>
            ))}
          </ul>
          {devs.map((d) => (
            <>
              <h3>{t('plan.rel.initiatives', { n: d.number, title: bi(lang, d.title) })}</h3>
              {d.subsections.map((s) => (
                <>
                  <h4>{t('plan.annual.subsection', { n: s.number, title: bi(lang, s.title) })}</h4>
                  <ul class="initiatives">
                    {s.initiatives.map((i) => (
                      <li>{bi(lang, i.text)}</li>
                    ))}
                  </ul>
                </>
              ))}
            </>
          ))}
        </>
      ) : (
        <p>{t('plan.rel.none')}</p>
      )}
    </section>
  );
}

/** Problems that name no field point at a section of the page (the metric-bound notice). */
const problemHref = (field: string) => (field === 'measurement-heading' ? '#measurement-heading' : `#${fieldId(field)}`);

function MeasurementForm({ ctx, v, ind, state, today }: { ctx: PageCtx; v: PlanView; ind: IndicatorView; state?: FormState; today: string }): VNode {
  const { t, lang } = ctx;
  if (ind.binding.type === 'metric') {
    return (
      <>
        <h3 id="measurement-heading" tabIndex={-1}>
          {t('plan.form.measurement')}
        </h3>
        <FormErrors ctx={ctx} form={state} id="measurement-errors-title" href={problemHref} />
        <p class="notice">{t('plan.form.metricBound', { name: ind.binding.metric })}</p>
      </>
    );
  }
  const calendar = ind.periodBasis === 'calendar';
  const defaultPeriod = String(calendar ? Number(today.slice(0, 4)) : Math.max(v.accepted.min, v.currentFiscalYear - 1));
  const unit = ind.unit ? bi(lang, ind.unit) : '';
  return (
    <>
      <h3 id="measurement-heading">{t('plan.form.measurement')}</h3>
      <FormErrors ctx={ctx} form={state} id="measurement-errors-title" href={problemHref} />
      <form method="post" action={`/plan/indicators/${encodeURIComponent(ind.id)}/measurements`} class="stack" id="measurement-form" aria-labelledby="measurement-heading" novalidate>
        <Csrf ctx={ctx} />
        <SelectField
          ctx={ctx}
          form={state}
          name="period"
          label={t(calendar ? 'plan.form.periodCalendar' : 'plan.form.period')}
          value={defaultPeriod}
          options={years(v.accepted.min, v.accepted.max).map((y) => ({ value: String(y), label: yearText(y, ind.periodBasis, lang) }))}
        />
        <TextField ctx={ctx} form={state} name="value" label={t('plan.form.value')} hint={t(`plan.form.value.${ind.kind}`, { unit })} inputMode="decimal" required />
        <TextField ctx={ctx} form={state} name="source" label={t('plan.form.source')} hint={t('plan.form.source.hint')} maxLength={500} required />
        <TextField ctx={ctx} form={state} name="asOf" type="date" label={t('plan.form.asOf')} hint={t('plan.form.asOf.hint')} value={today} />
        <Checkbox ctx={ctx} form={state} name="provisional" label={t('plan.form.provisional')} />
        <TextArea ctx={ctx} form={state} name="note" label={t('plan.form.note')} rows={3} maxLength={2000} />
        <div>
          <button type="submit">{t('plan.form.submitMeasurement')}</button>
        </div>
      </form>
    </>
  );
}

function RevisionForm({ ctx, v, ind, state }: { ctx: PageCtx; v: PlanView; ind: IndicatorView; state?: FormState }): VNode {
  const { t, lang } = ctx;
  const revisable = ind.targets.filter((x) => x.value !== null);
  if (!revisable.length) {
    return (
      <>
        <h3>{t('plan.form.revision')}</h3>
        <p>{t('plan.form.noRevisable')}</p>
      </>
    );
  }
  // A target of another indicator is never shown chosen: the select falls back to this indicator's first.
  const chosen = revisable.find((x) => x.id === state?.values.targetId) ?? revisable[0]!;
  const form = state && { ...state, values: { ...state.values, targetId: chosen.id } };
  return (
    <>
      <h3 id="revision-heading">{t('plan.form.revision')}</h3>
      <FormErrors ctx={ctx} form={form} id="revision-errors-title" />
      {/* Without script the action cannot follow the select: the URL names this indicator's target and the body's targetId picks among its targets. */}
      <form method="post" action={`/plan/targets/${encodeURIComponent(chosen.id)}/revisions`} class="stack" id="revision-form" aria-labelledby="revision-heading" novalidate>
        <Csrf ctx={ctx} />
        <SelectField
          ctx={ctx}
          form={form}
          name="targetId"
          label={t('plan.form.target')}
          value={chosen.id}
          options={revisable.map((x) => ({ value: x.id, label: t('plan.overview.targetLine', { label: x.label, value: targetValueText(x, lang), year: targetYearText(x, lang) }) }))}
        />
        <TextField ctx={ctx} form={form} name="newValue" label={t('plan.form.newValue')} hint={ind.unit ? bi(lang, ind.unit) : undefined} inputMode="decimal" required />
        <SelectField
          ctx={ctx}
          form={form}
          name="effectiveFiscalYear"
          label={t('plan.form.effective')}
          value={String(v.currentFiscalYear)}
          options={years(v.accepted.min, v.accepted.max).map((y) => ({ value: String(y), label: formatFiscalYear(y, lang) }))}
        />
        <TextArea ctx={ctx} form={form} name="reason" label={t('plan.form.reason')} hint={t('plan.form.reason.hint')} rows={4} maxLength={2000} required />
        <div>
          <button type="submit">{t('plan.form.submitRevision')}</button>
        </div>
      </form>
    </>
  );
}

export function IndicatorPage(p: IndicatorPageProps): VNode {
  const { ctx, v, ind } = p;
  const { t, lang } = ctx;
  const name = bi(lang, ind.name);
  const f = ind.forecast;
  return (
    <div class="plan-indicator">
      <p class="breadcrumb no-print">
        <a href={`/plan#${ind.id}`}>{t('plan.ind.back')}</a>
      </p>
      <h1>{name}</h1>
      {p.done && (
        <p class="notice" role="status">
          {t(p.done === 'measurement' ? 'plan.done.measurement' : 'plan.done.revision')}
        </p>
      )}
      <section aria-labelledby="summary-heading">
        <h2 id="summary-heading" class="visually-hidden">
          {t('plan.ind.summary')}
        </h2>
        <dl class="meta">
          <dt>{t('plan.ind.group')}</dt>
          <dd>{t('plan.overview.group', { n: ind.group.number, name: bi(lang, ind.group.name) })}</dd>
          <dt>{t('plan.kind')}</dt>
          <dd>
            <KindNote ind={ind} t={t} full />
          </dd>
          <dt>{t('plan.overview.latest')}</dt>
          <dd class="latest">{latestText(ind, lang, t)}</dd>
          <dt>{t('plan.status')}</dt>
          <dd>
            <StatusBadge code={ind.status.code} t={t} /> <a href="/plan#status-rule-heading">{t('plan.rule.heading')}</a>
          </dd>
        </dl>
      </section>

      <h2>{t('plan.ind.targets')}</h2>
      <TargetsTable ind={ind} lang={lang} t={t} />

      <section aria-labelledby="chart-heading">
        <h2 id="chart-heading">{t('plan.chart.heading')}</h2>
        {p.chartSvg ? (
          <figure class="chart">
            <div dangerouslySetInnerHTML={{ __html: p.chartSvg }} />
            <figcaption>{t('plan.chart.title', { name })}</figcaption>
          </figure>
        ) : (
          <p>{t('plan.chart.milestone', { year: ind.targets[0] ? targetYearText(ind.targets[0], lang) : '', value: ind.targets[0] ? targetValueText(ind.targets[0], lang) : '' })}</p>
        )}
        <ChartTable ind={ind} lang={lang} t={t} />
      </section>

      <section aria-labelledby="forecast-heading">
        <h2 id="forecast-heading">{t('plan.forecastSection')}</h2>
        {f ? (
          <p>
            {t('plan.forecast.text', { year: yearText(f.year, ind.periodBasis, lang), value: forecastValue(f.value, ind, lang) })} <span class="muted">({t('plan.forecast.method', { method: t(`plan.forecast.method.${f.method}`) })})</span>
          </p>
        ) : (
          <p>{t('plan.forecast.none')}</p>
        )}
      </section>

      <section aria-labelledby="sources-heading">
        <h2 id="sources-heading">{t('plan.sources.heading')}</h2>
        <Sources ind={ind} lang={lang} t={t} />
      </section>

      <section aria-labelledby="measurements-heading" id="measurements">
        <h2 id="measurements-heading">{t('plan.meas.heading')}</h2>
        <Measurements ind={ind} lang={lang} t={t} />
      </section>

      <section aria-labelledby="revisions-heading" id="revisions">
        <h2 id="revisions-heading">{t('plan.rev.heading')}</h2>
        <Revisions ind={ind} lang={lang} t={t} />
      </section>

      <Baselines ind={ind} lang={lang} t={t} />
      <Related v={v} ind={ind} lang={lang} t={t} />

      <section aria-labelledby="binding-heading">
        <h2 id="binding-heading">{t('plan.bind.heading')}</h2>
        {ind.binding.type === 'metric' ? (
          <>
            <p>{t('plan.bind.metric', { name: ind.binding.metric })}</p>
            <p class="small">{bi(lang, ind.binding.description)}</p>
          </>
        ) : (
          <p>{t('plan.bind.manual')}</p>
        )}
      </section>

      {p.staff && (
        <section aria-labelledby="staff-heading" class="staff-forms no-print">
          <h2 id="staff-heading">{t('plan.form.staff')}</h2>
          <MeasurementForm ctx={ctx} v={v} ind={ind} state={p.measurement} today={p.today} />
          <RevisionForm ctx={ctx} v={v} ind={ind} state={p.revision} />
        </section>
      )}
    </div>
  );
}
