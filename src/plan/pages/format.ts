/**
 * How plan figures are written on pages and in exports. Japanese pages keep the plan's own wording
 * ("40社", "10％台（米国・英国並み）"); English pages build the text from the number and the English unit,
 * since the plan file's English cells repeat the Japanese ("10社").
 */
import { formatNumber, type Lang, type Translator } from '../../core/i18n/index.js';
import { formatCalendarYear, formatFiscalYear } from '../../core/fiscal.js';
import type { ActualView, Bilingual, IndicatorView, MilestoneCellView, TargetView } from '../service.js';

export const bi = (lang: Lang, b: Bilingual | null | undefined): string => (b ? (lang === 'en' ? b.en || b.ja : b.ja || b.en) : '');

/** A year as officials write it: "2020年度（令和2年度）" / "FY2020", or a calendar year. */
export function yearText(year: number, basis: 'fiscal' | 'calendar', lang: Lang): string {
  return basis === 'calendar' ? formatCalendarYear(year, lang) : formatFiscalYear(year, lang);
}

/** The short form for chart axes and compact cells: "2020年度" / "FY2020". */
export function shortYear(year: number, basis: 'fiscal' | 'calendar', lang: Lang): string {
  if (basis === 'calendar') return lang === 'ja' ? `${year}年` : String(year);
  return lang === 'ja' ? `${year}年度` : `FY${year}`;
}

/** A number with its unit: "1,200件" / "1,200 cases". */
export function withUnit(value: number, unit: Bilingual | null, lang: Lang): string {
  const n = formatNumber(value, lang);
  if (!unit) return n;
  return lang === 'ja' ? `${n}${unit.ja}` : `${n} ${unit.en}`;
}

/** A target's value: the plan's printed wording while unrevised (Japanese), else built from the current value. */
export function targetValueText(t: TargetView, lang: Lang): string {
  const revised = t.value !== t.plannedValue;
  if (lang === 'ja' && !revised) return t.valueText;
  if (t.value !== null) return withUnit(t.value, t.unit, lang);
  if (t.min !== null && t.max !== null) {
    const range = lang === 'ja' ? t.valueText : `${formatNumber(t.min, lang)} to ${formatNumber(t.max, lang)} ${t.unit?.en ?? ''}`.trim();
    return lang === 'en' && t.comparison ? `${range} (${t.comparison.en})` : range;
  }
  return lang === 'ja' ? t.valueText : (t.statusText?.en ?? t.valueText);
}

export function plannedValueText(t: TargetView, lang: Lang): string {
  if (lang === 'ja') return t.valueText;
  return t.plannedValue !== null ? withUnit(t.plannedValue, t.unit, lang) : targetValueText({ ...t, value: t.plannedValue }, lang);
}

export function targetYearText(t: TargetView, lang: Lang): string {
  return yearText(t.year, t.yearBasis, lang);
}

/** "累計 25社（2018年度（平成30年度）まで）", "480人/年（2018年度…）", "完了（2019年）" or "no actuals yet". */
export function latestText(ind: IndicatorView, lang: Lang, t: Translator): string {
  const s = ind.status;
  if (s.year === null || s.actual === null) return t('plan.latest.none');
  const year = yearText(s.year, ind.periodBasis, lang);
  if (ind.kind === 'milestone') return s.actual >= 1 ? t('plan.milestone.done', { year }) : t('plan.milestone.notYet', { year });
  const value = withUnit(s.actual, ind.unit, lang);
  return ind.kind === 'cumulative' ? t('plan.latest.cumulative', { value, year }) : t('plan.latest.value', { value, year });
}

/** Points of the trend: running totals for cumulative indicators, the year's value otherwise. */
export function trendPoints(ind: IndicatorView): { year: number; value: number }[] {
  if (ind.kind === 'cumulative') return ind.actuals.filter((a) => a.cumulative !== null).map((a) => ({ year: a.year, value: a.cumulative! }));
  return ind.actuals.map((a) => ({ year: a.year, value: a.value }));
}

export function percent(share: number): number {
  return Math.round(share * 100);
}

/** A milestone cell of the annual plan: the plan's text in Japanese, number and English unit in English. */
export function cellText(c: MilestoneCellView, lang: Lang): string {
  if (c.kind === 'value' && c.value !== null) return lang === 'ja' ? (c.text?.ja ?? withUnit(c.value, c.unit, lang)) : withUnit(c.value, c.unit, lang);
  return bi(lang, c.text);
}

/** "metric:attraction.established" is a metric; anything else is what staff typed. */
export function sourceText(a: Pick<ActualView, 'source'>, t: Translator): string {
  if (a.source.startsWith('metric:')) return t('plan.sources.metric', { name: a.source.slice('metric:'.length) });
  if (a.source === 'snapshot') return t('plan.sources.snapshot');
  return a.source;
}

/** Forecast values are estimates: round to what the unit supports. */
export function forecastValue(value: number, ind: IndicatorView, lang: Lang): string {
  const figures = [...ind.targets.flatMap((t) => [t.value, t.min, t.max]), ...ind.actuals.map((a) => a.value)];
  const digits = figures.some((n) => n !== null && n % 1 !== 0) ? 1 : 0;
  const rounded = Number(value.toFixed(digits));
  return withUnit(rounded, ind.unit, lang);
}

/** Expected values come from straight lines (12.5, 37.5, 44.1): two decimals at most. */
export function expectedText(value: number, lang: Lang): string {
  return formatNumber(Number(value.toFixed(2)), lang);
}

export function isStaff(user: { role: string } | null): boolean {
  return !!user && (user.role === 'staff' || user.role === 'admin');
}
