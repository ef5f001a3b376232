/**
 * Indicator charts rendered on the server to SVG with ECharts (no script reaches the browser). The SVG
 * is labelled (role="img", aria-label, <title>) and every chart is followed on the page by a table of
 * the same figures.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { formatNumber, type Lang, type Translator } from '../core/i18n/index.js';
import type { IndicatorView } from './service.js';
import { bi, latestText, shortYear, targetValueText, targetYearText } from './pages/format.js';

echarts.use([BarChart, LineChart, ScatterChart, GridComponent, LegendComponent, MarkAreaComponent, SVGRenderer]);

export const CHART_WIDTH = 720;
export const CHART_HEIGHT = 360;

// Digital Agency design-token colours; each series also differs in shape (bars, dashes, diamonds).
const ACTUAL = '#0017c1';
const EXPECTED = '#4d4d4d';
const TARGET = '#a90000';
const RANGE = 'rgba(25, 122, 75, 0.15)';

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** 19.9 → 20, 340 → 350: a round axis top above a value. */
function niceCeil(x: number): number {
  const step = 10 ** Math.floor(Math.log10(x)) / 2;
  return Math.ceil(x / step) * step;
}

/** Years the chart spans: the plan's first year (or first actual) to the last target or actual. */
export function chartYears(ind: IndicatorView): number[] {
  const years = [...ind.trajectory.map((p) => p.year), ...ind.actuals.filter((a) => ind.kind !== 'cumulative' || a.year >= ind.fromYear).map((a) => a.year), ...ind.targets.map((x) => x.year)];
  if (!years.length) return [];
  const from = Math.min(...years, ind.fromYear);
  const to = Math.max(...years);
  const out: number[] = [];
  for (let y = from; y <= to; y++) out.push(y);
  return out;
}

/** The text a screen reader hears for the chart. */
export function chartSummary(ind: IndicatorView, lang: Lang, t: Translator): string {
  const latest = ind.status.actual !== null && ind.status.year !== null ? t('plan.chart.latest', { latest: latestText(ind, lang, t) }) : t('plan.chart.noActual');
  const targets = ind.targets.map((x) => `${x.label} ${targetValueText(x, lang)} (${targetYearText(x, lang)})`).join(lang === 'ja' ? '、' : '; ');
  return t('plan.chart.summary', { name: bi(lang, ind.name), latest, targets });
}

/**
 * The SVG of an indicator's chart: actuals as bars (running totals for cumulative indicators), the
 * expected trajectory as a dashed line, targets as diamonds (a shaded band for a range target).
 * Null for milestones, which have nothing to plot.
 */
export function indicatorChartSvg(ind: IndicatorView, lang: Lang, t: Translator): string | null {
  if (ind.kind === 'milestone') return null;
  const years = chartYears(ind);
  if (!years.length) return null;
  const cumulative = ind.kind === 'cumulative';
  const actualBy = new Map(ind.actuals.map((a) => [a.year, cumulative ? a.cumulative : a.value]));
  const expectedBy = new Map(ind.trajectory.map((p) => [p.year, p.value]));
  const categories = years.map((y) => shortYear(y, ind.periodBasis, lang));
  const actualName = t(cumulative ? 'plan.chart.actualCumulative' : 'plan.chart.actual');
  const expectedName = t('plan.chart.expected');
  const targetName = t('plan.chart.target');
  const rangeTargets = ind.targets.filter((x) => x.min !== null && x.max !== null);
  const unit = ind.unit ? bi(lang, ind.unit) : '';
  // The axis must reach the top of a target range (10–19.9 %), which no series value does.
  const rangeTop = Math.max(0, ...rangeTargets.map((x) => x.max!));
  const hasTrajectory = ind.trajectory.length > 0;

  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: "'Noto Sans JP', sans-serif", color: '#333333' },
      grid: { left: 72, right: 24, top: 40, bottom: 64 },
      legend: { bottom: 0, itemGap: 24, textStyle: { fontSize: 13, color: '#333333' } },
      xAxis: { type: 'category', data: categories, axisLabel: { color: '#333333' }, axisLine: { lineStyle: { color: '#767676' } } },
      yAxis: {
        type: 'value',
        name: unit,
        nameTextStyle: { color: '#333333', align: 'left' },
        min: 0,
        max: (extent: { max: number }) => (rangeTop > extent.max ? niceCeil(rangeTop) : undefined),
        axisLabel: { color: '#333333', formatter: (v: number) => formatNumber(v, lang) },
        splitLine: { lineStyle: { color: '#d8d8d8' } },
      },
      series: [
        {
          type: 'bar',
          name: actualName,
          data: years.map((y) => actualBy.get(y) ?? null),
          itemStyle: { color: ACTUAL },
          barMaxWidth: 36,
          label: { show: true, position: 'top', color: '#333333', fontSize: 12, formatter: (p: { value: number | null }) => (p.value === null ? '' : formatNumber(p.value, lang)) },
          ...(rangeTargets.length
            ? {
                markArea: {
                  silent: true,
                  itemStyle: { color: RANGE },
                  label: { show: true, position: 'insideTopLeft', color: '#115a36', fontSize: 12 },
                  data: rangeTargets.map((x) => [{ name: t('plan.chart.range'), yAxis: x.min! }, { yAxis: x.max! }]),
                },
              }
            : {}),
        },
        hasTrajectory && {
          type: 'line',
          name: expectedName,
          data: years.map((y) => expectedBy.get(y) ?? null),
          lineStyle: { type: 'dashed', width: 2, color: EXPECTED },
          itemStyle: { color: EXPECTED },
          symbol: 'circle',
          symbolSize: 5,
          connectNulls: false,
        },
        {
          type: 'scatter',
          name: targetName,
          symbol: 'diamond',
          symbolSize: 16,
          itemStyle: { color: TARGET, borderColor: '#ffffff', borderWidth: 1 },
          data: ind.targets
            .filter((x) => x.value !== null || x.min !== null)
            .map((x) => ({ value: [categories[years.indexOf(x.year)], x.value ?? x.min], name: x.label })),
          label: { show: true, position: 'right', color: TARGET, fontSize: 12, formatter: (p: { name: string }) => p.name },
        },
      ].filter(Boolean),
    });
    const svg = chart.renderToSVGString();
    const title = t('plan.chart.title', { name: bi(lang, ind.name) });
    const summary = escapeXml(chartSummary(ind, lang, t));
    // ECharts writes a bare <svg>; name it for assistive technology and keep it out of the tab order.
    return svg.replace(/^<svg\b([^>]*)>/, (_m, attrs: string) => `<svg${attrs} role="img" aria-label="${summary}" focusable="false"><title>${escapeXml(title)}</title><desc>${summary}</desc>`);
  } finally {
    chart.dispose();
  }
}
