import type { VNode } from 'preact';
import { pick, type Lang, type Translator } from '../../core/i18n/index.js';
import { formatFiscalYear } from '../../core/fiscal.js';
import type { AnnualRowView, DevelopmentView, PlanView } from '../service.js';
import { bi, cellText, shortYear, withUnit } from './format.js';

/** Consecutive rows that share an area: the plan prints the area once, as a merged cell. */
function byArea(rows: AnnualRowView[], lang: Lang): AnnualRowView[][] {
  const out: AnnualRowView[][] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && bi(lang, last[0]!.area) === bi(lang, r.area)) last.push(r);
    else out.push([r]);
  }
  return out;
}

function YearCell({ row, year, lang, t }: { row: AnnualRowView; year: number; lang: Lang; t: Translator }): VNode {
  const entries = row.items.flatMap((it) => {
    const c = it.cells.find((x) => x.fiscalYear === year);
    return c ? [{ it, c }] : [];
  });
  const actuals = row.actuals.filter((a) => a.byYear[year] !== undefined);
  if (!entries.length && !actuals.length) return <td class="ms-cell empty" />;
  return (
    <td class="ms-cell">
      <ul class="ms-list">
        {entries.map(({ it, c }) => {
          const low = c.confidence === 'low';
          const label = it.label ? bi(lang, it.label) : null;
          return (
            <li class={low ? 'confidence-low' : undefined}>
              {c.kind === 'ongoing' ? (
                <span class="ongoing">
                  <span aria-hidden="true">→ </span>
                  {label ?? t('plan.annual.ongoing')}
                  {label && <span class="small muted">{t('plan.annual.ongoingSuffix')}</span>}
                </span>
              ) : (
                <>
                  {label && <span class="ms-label">{label}</span>}
                  <span class="ms-value">{cellText(c, lang)}</span>
                </>
              )}
              {low && <span class="inferred-marker">{t('plan.annual.inferredMarker')}</span>}
            </li>
          );
        })}
        {actuals.map((a) => (
          <li class="ms-actual">
            {row.actuals.length > 1 && <span class="ms-label">{bi(lang, a.name)}</span>}
            <a href={`/plan/indicators/${encodeURIComponent(a.indicatorId)}`}>{t('plan.annual.actual', { value: withUnit(a.byYear[year]!, a.unit, lang) })}</a>
          </li>
        ))}
      </ul>
    </td>
  );
}

function RowNotes({ row, lang, t }: { row: AnnualRowView; lang: Lang; t: Translator }): VNode | null {
  // The extraction notes exist in English only; Japanese pages say so and mark their language.
  const notes = [...new Set([...row.notes, ...row.items.filter((i) => i.confidence !== 'high' && i.note).map((i) => i.note!)])];
  if (!notes.length) return null;
  return (
    <details class="row-notes">
      <summary>{t('plan.annual.notes')}</summary>
      <ul lang="en">
        {notes.map((n) => (
          <li>{n}</li>
        ))}
      </ul>
    </details>
  );
}

function Development({ d, years, from, lang, t }: { d: DevelopmentView; years: number[]; from: number; lang: Lang; t: Translator }): VNode {
  return (
    <section class="development" aria-labelledby={`dev-${d.number}`}>
      <h2 id={`dev-${d.number}`}>{t('plan.annual.dev', { n: d.number, title: bi(lang, d.title) })}</h2>
      {d.intro && <p>{bi(lang, d.intro)}</p>}
      {d.subsections.length > 0 && (
        <>
          <h3>{t('plan.annual.initiatives')}</h3>
          {d.subsections.map((s) => (
            <>
              <h4>{t('plan.annual.subsection', { n: s.number, title: bi(lang, s.title) })}</h4>
              <ul class="initiatives">
                {s.initiatives.map((i) => (
                  <li id={i.id}>{bi(lang, i.text)}</li>
                ))}
              </ul>
            </>
          ))}
        </>
      )}
      {d.rows.length > 0 && (
        <>
          <h3>{t('plan.annual.title')}</h3>
          <div class="table-scroll">
            <table class="annual-table">
              <caption>{t('plan.annual.tableCaption', { n: d.number })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('plan.annual.col.area')}</th>
                  <th scope="col">{t('plan.annual.col.item')}</th>
                  <th scope="col">{t('plan.annual.col.status', { year: shortYear(from - 1, 'fiscal', lang) })}</th>
                  {years.map((y) => (
                    <th scope="col">{shortYear(y, 'fiscal', lang)}</th>
                  ))}
                  <th scope="col">{t('plan.annual.col.goal')}</th>
                </tr>
              </thead>
              {byArea(d.rows, lang).map((group) => (
                <tbody>
                  {group.map((row, i) => (
                    <tr id={row.id} class={row.confidence === 'low' ? 'row-low' : undefined}>
                      {i === 0 && (
                        <th scope="rowgroup" rowSpan={group.length} class="area">
                          {bi(lang, row.area)}
                        </th>
                      )}
                      <th scope="row" class="item">
                        <span class="row-id">{row.id}</span> {bi(lang, row.item)}
                        {row.confidence === 'low' && (
                          <span class="badge inferred row-inferred">{t('plan.annual.rowInferred')}</span>
                        )}
                        {row.actuals.length > 0 && (
                          <span class="row-indicators small">
                            {t('plan.annual.indicators')}
                            {t('plan.colon')}
                            {row.actuals.map((a, k) => (
                              <>
                                {k > 0 && ' / '}
                                <a href={`/plan/indicators/${encodeURIComponent(a.indicatorId)}`}>{bi(lang, a.name)}</a>
                              </>
                            ))}
                          </span>
                        )}
                        <RowNotes row={row} lang={lang} t={t} />
                      </th>
                      <td class={row.statusIsEstimate ? 'status-2016 estimate' : 'status-2016'}>
                        <ul class="ms-list">
                          {row.status.map((s) => (
                            <li>{pick(lang, s.text_ja, s.text_en)}</li>
                          ))}
                        </ul>
                      </td>
                      {years.map((y) => (
                        <YearCell row={row} year={y} lang={lang} t={t} />
                      ))}
                      <td class="goal">
                        <ul class="ms-list">
                          {row.goal.map((g) => (
                            <li>{pick(lang, g.text_ja, g.text_en)}</li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              ))}
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** The main content of /plan/annual (cached per language and data version). */
export function AnnualPlan({ v, lang, t }: { v: PlanView; lang: Lang; t: Translator }): VNode {
  const years = v.annualYears;
  return (
    <div class="plan-annual">
      <p class="breadcrumb">
        <a href="/plan">{t('plan.ind.back')}</a>
      </p>
      <h1>{t('plan.annual.title')}</h1>
      <p class="lead">{t('plan.annual.lead', { from: formatFiscalYear(years[0] ?? v.fromFiscalYear, lang), to: formatFiscalYear(years[years.length - 1] ?? v.toFiscalYear, lang) })}</p>
      <p class="notice" id="annual-legend">
        <span class="confidence-low">
          {t('plan.annual.inferredExample')}
          <span class="inferred-marker">{t('plan.annual.inferredMarker')}</span>
        </span>{' '}
        {t('plan.annual.legend')}
      </p>
      {v.developments.map((d) => (
        <Development d={d} years={years} from={years[0] ?? v.fromFiscalYear} lang={lang} t={t} />
      ))}
    </div>
  );
}
