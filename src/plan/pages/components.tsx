import type { VNode } from 'preact';
import type { Lang, Translator } from '../../core/i18n/index.js';
import { formatNumber } from '../../core/i18n/index.js';
import type { StatusCode } from '../status.js';
import type { IndicatorView } from '../service.js';
import { bi, percent, shortYear, trendPoints } from './format.js';

/** Status as a coloured badge whose text carries the meaning (colour is never the only cue). */
export function StatusBadge({ code, t }: { code: StatusCode; t: Translator }): VNode {
  return <span class={`status status-${code}`}>{t(`plan.status.${code}`)}</span>;
}

/** A native <progress> (announced by screen readers) with its value written out beside it. */
export function Progress({ ind, lang, t }: { ind: IndicatorView; lang: Lang; t: Translator }): VNode {
  if (ind.progress === null) return <span class="muted small">{t('plan.progress.none')}</span>;
  const pct = percent(ind.progress);
  const id = `progress-${ind.id}`;
  const text = t('plan.progress.value', { pct: formatNumber(pct, lang) });
  return (
    <span class="progress-row">
      <progress id={id} class="progress" max={100} value={pct} aria-label={t('plan.progress.label', { name: bi(lang, ind.name) })} aria-valuetext={text}>
        {text}
      </progress>
      <span class="progress-text">{text}</span>
    </span>
  );
}

/** Which kind the indicator is, marked "inferred" where the plan does not say. */
export function KindNote({ ind, t, full }: { ind: IndicatorView; t: Translator; full?: boolean }): VNode {
  const conf = lowestConfidence(ind);
  return (
    <span class="kind-note">
      {t(`plan.kind.${ind.kind}`)}
      {conf !== 'high' && (
        <>
          {' '}
          <span class="badge inferred" title={t(`plan.kind.confidence.${conf}`)}>
            {t('plan.kind.inferred')}
          </span>
          {full && <span class="field-hint"> {t(`plan.kind.confidence.${conf}`)}</span>}
        </>
      )}
    </span>
  );
}

export function lowestConfidence(ind: IndicatorView): 'high' | 'medium' | 'low' {
  const cs = ind.targets.map((x) => x.kindConfidence);
  return cs.includes('low') ? 'low' : cs.includes('medium') ? 'medium' : 'high';
}

const SPARK_W = 120;
const SPARK_H = 32;

/**
 * A small line of the actuals (running totals for cumulative indicators). Its label lists every point,
 * so the trend is readable without seeing it; the indicator page has the full table.
 */
export function Sparkline({ ind, lang, t }: { ind: IndicatorView; lang: Lang; t: Translator }): VNode {
  const pts = trendPoints(ind);
  if (pts.length < 2) return <span class="muted small">{t('plan.trend.none')}</span>;
  const min = Math.min(0, ...pts.map((p) => p.value));
  const max = Math.max(...pts.map((p) => p.value), ...ind.targets.map((x) => x.value ?? x.max ?? 0));
  const span = max - min || 1;
  const y0 = pts[0]!.year;
  const y1 = pts[pts.length - 1]!.year;
  const x = (year: number) => (y1 === y0 ? 0 : ((year - y0) / (y1 - y0)) * (SPARK_W - 6) + 3);
  const y = (v: number) => SPARK_H - 3 - ((v - min) / span) * (SPARK_H - 6);
  const d = pts.map((p) => `${x(p.year).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const last = pts[pts.length - 1]!;
  const label = t('plan.trend.label', {
    name: bi(lang, ind.name),
    points: pts.map((p) => `${shortYear(p.year, ind.periodBasis, lang)} ${formatNumber(p.value, lang)}`).join(lang === 'ja' ? '、' : ', '),
  });
  return (
    <svg class="sparkline" width={SPARK_W} height={SPARK_H} viewBox={`0 0 ${SPARK_W} ${SPARK_H}`} role="img" aria-label={label} focusable="false">
      <title>{label}</title>
      <polyline points={d} fill="none" stroke="currentColor" strokeWidth={2} strokeLinejoin="round" />
      <circle cx={x(last.year)} cy={y(last.value)} r="3" fill="currentColor" />
    </svg>
  );
}
