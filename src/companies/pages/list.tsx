import type { VNode } from 'preact';
import type { PageCtx } from '../../core/http/render.js';
import { FormErrors, SelectField, TextField } from '../../core/http/fields.js';
import type { FormState } from '../../core/http/forms.js';
import type { FieldProblem } from '../../core/errors.js';
import { formatNumber } from '../../core/i18n/index.js';
import { COUNTRIES, countryName, JSIC_MAJORS } from '../reference.js';
import type { Company } from '../types.js';
import { corporateNumberText, industryLabel, Name, searchQueryString } from './format.js';

export interface ListQuery {
  q?: string;
  corporateNumber?: string;
  jsicMajor?: string;
  country?: string;
  tokyo?: string;
}

export const EXPORT_MAX = 10_000;

/** Countries sorted by their name in the reader's language, Japan first. */
export function countryOptions(lang: 'ja' | 'en'): { code: string; name: string }[] {
  const collator = new Intl.Collator(lang);
  const list = [...COUNTRIES].filter((c) => c !== 'JP').map((code) => ({ code, name: countryName(code, lang) }));
  list.sort((a, b) => collator.compare(a.name, b.name));
  return [{ code: 'JP', name: countryName('JP', lang) }, ...list];
}

export function CompanyList({ ctx, query, result, offset, limit, errors }: { ctx: PageCtx; query: ListQuery; result: { total: number; items: Company[] } | null; offset: number; limit: number; errors: FieldProblem[] }): VNode {
  const { t, lang } = ctx;
  const total = result?.total ?? 0;
  const from = total ? offset + 1 : 0;
  const to = Math.min(offset + limit, total);
  // The search is the URL's query, given to each field as its value; the form state carries only the problems.
  const form: FormState = { values: {}, errors };
  const f = { ctx, form };
  const qs = (extra: Record<string, string | number> = {}) => searchQueryString(query as Record<string, string | undefined>, extra);
  return (
    <>
      <h1>{t('companies.title')}</h1>
      <p class="lead">{t('companies.lead')}</p>
      <p>
        <a class="button" href="/companies/new">
          {t('companies.new')}
        </a>
      </p>
      <section aria-labelledby="company-search-heading" class="company-search">
        <h2 id="company-search-heading">{t('companies.search.heading')}</h2>
        <FormErrors ctx={ctx} form={form} />
        <form method="get" action="/companies" class="company-search-form">
          <TextField {...f} name="q" type="search" label={t('companies.search.text')} hint={t('companies.search.textHint')} value={query.q} maxLength={100} />
          <TextField {...f} name="corporateNumber" label={t('companies.search.corporateNumber')} hint={t('companies.search.corporateNumberHint')} value={query.corporateNumber} inputMode="numeric" maxLength={20} />
          <SelectField {...f} name="jsicMajor" label={t('companies.field.jsicMajor')} value={query.jsicMajor} placeholder={t('companies.search.any')} options={JSIC_MAJORS.map((m) => ({ value: m.code, label: `${m.code} ${lang === 'ja' ? m.nameJa : m.nameEn}` }))} />
          <SelectField {...f} name="country" label={t('companies.field.country')} value={query.country} placeholder={t('companies.search.any')} options={countryOptions(lang).map((c) => ({ value: c.code, label: `${c.name} (${c.code})` }))} />
          <SelectField
            {...f}
            name="tokyo"
            label={t('companies.field.registeredInTokyo')}
            value={query.tokyo}
            placeholder={t('companies.search.any')}
            options={[
              { value: 'yes', label: t('companies.search.tokyoYes') },
              { value: 'no', label: t('companies.search.tokyoNo') },
            ]}
          />
          <div>
            <button type="submit">{t('companies.search.submit')}</button>
          </div>
        </form>
      </section>

      {result && (
        <section aria-labelledby="company-results-heading">
          <h2 id="company-results-heading">{t('companies.results.heading')}</h2>
          {total === 0 ? (
            <p>{t('companies.results.none')}</p>
          ) : (
            <>
              <div class="table-scroll">
                <table class="company-table">
                  <caption>{t('companies.results.caption', { total: formatNumber(total, lang), from: formatNumber(from, lang), to: formatNumber(to, lang) })}</caption>
                  <thead>
                    <tr>
                      <th scope="col" class="num">
                        {t('companies.field.id')}
                      </th>
                      <th scope="col">{t('companies.field.name')}</th>
                      <th scope="col">{t('companies.field.corporateNumber')}</th>
                      <th scope="col">{t('companies.field.country')}</th>
                      <th scope="col">{t('companies.field.registeredInTokyo')}</th>
                      <th scope="col">{t('companies.field.industry')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.items.map((c) => (
                      <tr>
                        <td class="num">{c.id}</td>
                        <th scope="row">
                          <a href={`/companies/${c.id}`}>
                            <Name c={c} lang={lang} />
                          </a>
                          {c.kana && (
                            <span class="company-kana" lang="ja">
                              {c.kana}
                            </span>
                          )}
                        </th>
                        <td class="nowrap">{corporateNumberText(c.corporateNumber, t)}</td>
                        <td>{c.country}</td>
                        <td>{c.registeredInTokyo ? t('companies.yes') : t('companies.no')}</td>
                        <td>{industryLabel(c, lang, t)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {(offset > 0 || to < total) && (
                <nav aria-label={t('companies.results.pages')} class="pager">
                  <ul class="inline-list">
                    {offset > 0 && (
                      <li>
                        <a href={`/companies${qs({ offset: Math.max(offset - limit, 0) })}`} rel="prev">
                          {t('companies.results.prev')}
                        </a>
                      </li>
                    )}
                    {to < total && (
                      <li>
                        <a href={`/companies${qs({ offset: offset + limit })}`} rel="next">
                          {t('companies.results.next')}
                        </a>
                      </li>
                    )}
                  </ul>
                </nav>
              )}
              <h3>{t('companies.export.heading')}</h3>
              <ul class="inline-list">
                <li>
                  <a href={`/companies/export.csv${qs({ lang })}`}>{t('companies.export.csv')}</a>
                </li>
                <li>
                  <a href={`/companies/export.xlsx${qs({ lang })}`}>{t('companies.export.xlsx')}</a>
                </li>
              </ul>
              <p class="field-hint">{t('companies.export.note', { max: formatNumber(EXPORT_MAX, lang) })}</p>
            </>
          )}
        </section>
      )}
    </>
  );
}
