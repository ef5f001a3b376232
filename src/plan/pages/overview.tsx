import type { VNode } from 'preact';
import { formatNumber, pick, type Lang, type Translator } from '../../core/i18n/index.js';
import { formatFiscalYear } from '../../core/fiscal.js';
import { ANNUAL_AT_RISK, CUMULATIVE_AT_RISK } from '../status.js';
import type { IndicatorView, PlanView } from '../service.js';
import { KindNote, Progress, Sparkline, StatusBadge } from './components.js';
import { bi, forecastValue, latestText, targetValueText, targetYearText, yearText } from './format.js';

/** The parts of the plan document (the imported file, kept whole) the pages show. */
interface BudgetLine {
  label_ja: string;
  fiscalYear?: number;
  fiscalYears?: [number, number];
  amount: number;
  amountYen: number;
  text: string;
}
export interface PlanDocument {
  meta?: { slogan_ja?: string; slogan_en?: string };
  budget?: { fiscalYear2017?: BudgetLine; fourYear?: BudgetLine };
  reviewRules?: { id: string; text_ja: string; text_en: string; marker?: string; scopeNote?: string; scopeConfidence?: string }[];
  vision?: { title_ja: string; title_en: string; statements: { text_ja: string; text_en: string }[] };
}

export const doc = (v: PlanView): PlanDocument => v.document as PlanDocument;

function budgetAmount(b: BudgetLine, lang: Lang, t: Translator): string {
  // 億円 is ¥100 million; English readers get billions of yen.
  return lang === 'ja' ? b.text : t('plan.budget.amount', { billion: formatNumber(b.amountYen / 1e9, 'en') });
}

export function Budget({ v, lang, t }: { v: PlanView; lang: Lang; t: Translator }): VNode | null {
  const b = doc(v).budget;
  if (!b?.fiscalYear2017 && !b?.fourYear) return null;
  return (
    <section aria-labelledby="budget-heading">
      <h2 id="budget-heading">{t('plan.budget.heading')}</h2>
      <dl class="meta budget">
        {b.fiscalYear2017 && (
          <>
            <dt>{lang === 'ja' ? b.fiscalYear2017.label_ja : t('plan.budget.year', { year: formatFiscalYear(b.fiscalYear2017.fiscalYear ?? v.fromFiscalYear, lang) })}</dt>
            <dd>{budgetAmount(b.fiscalYear2017, lang, t)}</dd>
          </>
        )}
        {b.fourYear && (
          <>
            <dt>{lang === 'ja' ? b.fourYear.label_ja : t('plan.budget.fourYear', { from: formatFiscalYear(b.fourYear.fiscalYears?.[0] ?? v.fromFiscalYear, lang), to: formatFiscalYear(b.fourYear.fiscalYears?.[1] ?? v.toFiscalYear, lang) })}</dt>
            <dd>{budgetAmount(b.fourYear, lang, t)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** The ※ review rule, with the doubt about its scope said plainly. */
export function ReviewRule({ v, lang, t, headingLevel = 3 }: { v: PlanView; lang: Lang; t: Translator; headingLevel?: 2 | 3 }): VNode | null {
  const rules = doc(v).reviewRules ?? [];
  if (!rules.length) return null;
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <aside class="review-rule" aria-labelledby="review-rule-heading">
      <H id="review-rule-heading">{t('plan.reviewRule.heading')}</H>
      {rules.map((r) => (
        <>
          <p class="review-rule-text">
            {r.marker ? `${r.marker} ` : ''}
            {pick(lang, r.text_ja, r.text_en)}
          </p>
          {r.scopeConfidence !== 'high' && <p class="field-hint">{t('plan.reviewRule.scope')}</p>}
        </>
      ))}
    </aside>
  );
}

function IndicatorCard({ ind, lang, t }: { ind: IndicatorView; lang: Lang; t: Translator }): VNode {
  const f = ind.forecast;
  return (
    <li class="card indicator-card" id={ind.id}>
      <h3>
        <a href={`/plan/indicators/${encodeURIComponent(ind.id)}`}>{bi(lang, ind.name)}</a>
      </h3>
      <dl class="meta">
        <dt>{t('plan.overview.targets')}</dt>
        <dd>
          <ul class="target-lines">
            {ind.targets.map((x) => (
              <li>
                {t('plan.overview.targetLine', { label: x.label, value: targetValueText(x, lang), year: targetYearText(x, lang) })}
                {x.beyondPlanPeriod && (
                  <>
                    {' '}
                    <span class="badge">{t('plan.overview.beyond')}</span>
                  </>
                )}
              </li>
            ))}
          </ul>
        </dd>
        <dt>{t('plan.kind')}</dt>
        <dd>
          <KindNote ind={ind} t={t} />
        </dd>
        <dt>{t('plan.overview.latest')}</dt>
        <dd class="latest">
          {latestText(ind, lang, t)}
          {ind.latest?.provisional && (
            <>
              {' '}
              <span class="badge">{t('plan.latest.provisional')}</span>
            </>
          )}
        </dd>
        <dt>{t('plan.overview.progress')}</dt>
        <dd>
          <Progress ind={ind} lang={lang} t={t} />
        </dd>
        <dt>{t('plan.status')}</dt>
        <dd>
          <StatusBadge code={ind.status.code} t={t} />
          {ind.status.year !== null && <span class="small muted"> {t('plan.status.judged', { year: yearText(ind.status.year, ind.periodBasis, lang) })}</span>}
        </dd>
        <dt>{t('plan.overview.trend')}</dt>
        <dd>
          <Sparkline ind={ind} lang={lang} t={t} />
        </dd>
        <dt>{t('plan.forecast')}</dt>
        <dd>
          {f ? (
            <>
              {t('plan.forecast.value', { year: yearText(f.year, ind.periodBasis, lang), value: forecastValue(f.value, ind, lang) })}
              <span class="small muted"> {t('plan.forecast.method', { method: t(`plan.forecast.method.${f.method}`) })}</span>
            </>
          ) : (
            <span class="small muted">{t('plan.forecast.none')}</span>
          )}
        </dd>
      </dl>
    </li>
  );
}

/** The status rule and the forecast method, written out from the same constants the code judges with. */
export function StatusRule({ v, lang, t, level = 2 }: { v: PlanView; lang: Lang; t: Translator; level?: 2 | 3 }): VNode {
  const H = level === 2 ? 'h2' : 'h3';
  const H2 = level === 2 ? 'h3' : 'h4';
  return (
    <section class="status-rule" aria-labelledby="status-rule-heading">
      <H id="status-rule-heading">{t('plan.rule.heading')}</H>
      <p>{t('plan.rule.intro')}</p>
      <ul>
        <li>{t('plan.rule.cumulative', { start: t('plan.rule.startDate', { year: v.fromFiscalYear }), pct: Math.round(CUMULATIVE_AT_RISK * 100) })}</li>
        <li>{t('plan.rule.annual', { pct: Math.round(ANNUAL_AT_RISK * 100) })}</li>
        <li>{t('plan.rule.range')}</li>
        <li>{t('plan.rule.milestone')}</li>
        <li>{t('plan.rule.noData')}</li>
      </ul>
      <p>{t('plan.rule.inferred')}</p>
      <H2>{t('plan.forecast.heading')}</H2>
      <ul>
        <li>{t('plan.forecast.cumulative')}</li>
        <li>{t('plan.forecast.trend')}</li>
        <li>{t('plan.forecast.milestone')}</li>
      </ul>
    </section>
  );
}

/** The main content of /plan (cached per language and data version; the layout is rendered per request). */
export function Overview({ v, lang, t }: { v: PlanView; lang: Lang; t: Translator }): VNode {
  const d = doc(v);
  const byId = new Map(v.indicators.map((i) => [i.id, i]));
  return (
    <div class="plan-overview">
      <h1>{t('plan.title')}</h1>
      {d.meta?.slogan_ja && <p class="lead slogan">{pick(lang, d.meta.slogan_ja, d.meta.slogan_en)}</p>}
      <p>{t('plan.overview.period', { from: formatFiscalYear(v.fromFiscalYear, lang), to: formatFiscalYear(v.toFiscalYear, lang) })}</p>
      {d.vision && (
        <details class="vision">
          <summary>{t('plan.overview.visionSummary', { title: pick(lang, d.vision.title_ja, d.vision.title_en) })}</summary>
          <ul>
            {d.vision.statements.map((s) => (
              <li>{pick(lang, s.text_ja, s.text_en)}</li>
            ))}
          </ul>
        </details>
      )}
      <Budget v={v} lang={lang} t={t} />
      <section aria-labelledby="links-heading">
        <h2 id="links-heading">{t('plan.overview.links')}</h2>
        <ul class="plan-links">
          <li>
            <a href="/plan/annual">{t('plan.overview.annual')}</a>
          </li>
          <li>
            <a href="/plan/review">{t('plan.overview.review')}</a>
          </li>
          <li>
            <a href={`/api/v1/plan/export.csv?lang=${lang}`} download>
              {t('plan.overview.csv')}
            </a>
          </li>
          <li>
            <a href={`/api/v1/plan/export.xlsx?lang=${lang}`} download>
              {t('plan.overview.xlsx')}
            </a>
          </li>
        </ul>
      </section>
      <p class="groups-lead">{t('plan.overview.groupsLead')}</p>
      {v.groups.map((g) => (
        <section class="plan-group" aria-labelledby={`group-${g.number}`}>
          <h2 id={`group-${g.number}`}>{t('plan.overview.group', { n: g.number, name: bi(lang, g.name) })}</h2>
          <ul class="card-list indicator-cards">
            {g.indicatorIds.map((id) => byId.get(id)).map((ind) => ind && <IndicatorCard ind={ind} lang={lang} t={t} />)}
          </ul>
          {g.number === 1 && <ReviewRule v={v} lang={lang} t={t} />}
        </section>
      ))}
      <StatusRule v={v} lang={lang} t={t} />
    </div>
  );
}
