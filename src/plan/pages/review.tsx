import type { VNode } from 'preact';
import { formatDate, formatDateTime, formatNumber, type Lang, type Translator } from '../../core/i18n/index.js';
import { formatFiscalYear } from '../../core/fiscal.js';
import type { IndicatorView, PlanView, TargetView } from '../service.js';
import { chartYears } from '../chart.js';
import { KindNote, StatusBadge } from './components.js';
import { revisionValue } from './indicator.js';
import { ReviewRule, StatusRule } from './overview.js';
import { bi, expectedText, forecastValue, latestText, plannedValueText, targetValueText, targetYearText, yearText } from './format.js';

function ActualsTable({ ind, x, lang, t }: { ind: IndicatorView; x: TargetView; lang: Lang; t: Translator }): VNode {
  const cumulative = ind.kind === 'cumulative';
  const ys = ind.kind === 'milestone' ? [...new Set([...ind.actuals.map((a) => a.year), x.year])].sort((a, b) => a - b) : chartYears(ind).filter((y) => y <= x.year);
  const actual = new Map(ind.actuals.map((a) => [a.year, a]));
  const expected = new Map(ind.trajectory.map((p) => [p.year, p.value]));
  return (
    <table class="review-actuals">
      <caption>{t('plan.review.actualsCaption', { label: x.label })}</caption>
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
          {ind.trajectory.length > 0 && (
            <th scope="col" class="num">
              {t('plan.col.expected')}
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {ys.map((y) => {
          const a = actual.get(y);
          const e = expected.get(y);
          return (
            <tr>
              <th scope="row">{yearText(y, ind.periodBasis, lang)}</th>
              <td class="num">
                {a ? formatNumber(a.value, lang) : '—'}
                {a?.provisional && <span class="small"> ({t('plan.flag.provisional')})</span>}
              </td>
              {cumulative && <td class="num">{a?.cumulative != null ? formatNumber(a.cumulative, lang) : '—'}</td>}
              {ind.trajectory.length > 0 && <td class="num">{e !== undefined ? expectedText(e, lang) : '—'}</td>}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function TargetReview({ ind, x, lang, t }: { ind: IndicatorView; x: TargetView; lang: Lang; t: Translator }): VNode {
  const f = ind.forecast;
  return (
    <article class="review-target" aria-labelledby={`review-${x.id}`}>
      <h3 id={`review-${x.id}`}>
        {x.label} {bi(lang, x.name)}
      </h3>
      <dl class="meta">
        <dt>{t('plan.col.targetYear')}</dt>
        <dd>{targetYearText(x, lang)}</dd>
        <dt>{t('plan.col.planned')}</dt>
        <dd>{plannedValueText(x, lang)}</dd>
        <dt>{t('plan.col.current')}</dt>
        <dd>{targetValueText(x, lang)}</dd>
        <dt>{t('plan.kind')}</dt>
        <dd>
          <KindNote ind={ind} t={t} />
        </dd>
        <dt>{t('plan.review.revisions')}</dt>
        <dd>
          {x.revisions.length ? (
            <ul>
              {x.revisions.map((r) => (
                <li>
                  {t('plan.review.revisionLine', {
                    old: revisionValue(x, r.oldValue, lang),
                    new: revisionValue(x, r.newValue, lang),
                    effective: formatFiscalYear(r.effectiveFiscalYear, lang),
                    by: r.by,
                    at: formatDateTime(r.at, lang),
                    reason: r.reason,
                  })}
                </li>
              ))}
            </ul>
          ) : (
            t('plan.review.noRevisions')
          )}
        </dd>
        <dt>{t('plan.overview.latest')}</dt>
        <dd>{latestText(ind, lang, t)}</dd>
        <dt>{t('plan.status')}</dt>
        <dd>
          <StatusBadge code={ind.status.code} t={t} />
        </dd>
        <dt>{t('plan.forecast')}</dt>
        <dd>
          {f
            ? `${t('plan.forecast.value', { year: yearText(f.year, ind.periodBasis, lang), value: forecastValue(f.value, ind, lang) })} (${t('plan.forecast.method', { method: t(`plan.forecast.method.${f.method}`) })})`
            : t('plan.forecast.none')}
        </dd>
      </dl>
      <ActualsTable ind={ind} x={x} lang={lang} t={t} />
    </article>
  );
}

/** The printable two-year review: one page per target group. */
export function ReviewReport({ v, lang, t, today }: { v: PlanView; lang: Lang; t: Translator; today: string }): VNode {
  const byId = new Map(v.indicators.map((i) => [i.id, i]));
  return (
    <div class="plan-review">
      <p class="no-print breadcrumb">
        <a href="/plan">{t('plan.review.back')}</a>
      </p>
      <h1>{t('plan.review.title')}</h1>
      <p class="lead">{t('plan.title')}</p>
      <p>{t('plan.review.lead')}</p>
      <p>{t('plan.review.asOf', { date: formatDate(today, lang), fy: formatFiscalYear(v.currentFiscalYear, lang) })}</p>
      <p class="no-print notice">{t('plan.review.print')}</p>
      <ReviewRule v={v} lang={lang} t={t} headingLevel={2} />
      {v.groups.map((g) => (
        <section class="print-page review-group" aria-labelledby={`review-group-${g.number}`}>
          <h2 id={`review-group-${g.number}`}>{t('plan.overview.group', { n: g.number, name: bi(lang, g.name) })}</h2>
          {g.indicatorIds
            .map((id) => byId.get(id))
            .flatMap((ind) => (ind ? ind.targets.map((x) => <TargetReview ind={ind} x={x} lang={lang} t={t} />) : []))}
        </section>
      ))}
      <StatusRule v={v} lang={lang} t={t} />
    </div>
  );
}
