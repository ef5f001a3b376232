import type { VNode } from 'preact';
import { formatFiscalYear } from '../../core/fiscal.js';
import { formatNumber } from '../../core/i18n/index.js';
import { Csrf, type PageCtx } from '../../core/http/render.js';
import { ORIGINS, STAGES } from '../rules.js';
import type { CompanyRef, LeadView, UserRef } from '../service.js';
import { emptyForm, fieldId, type FormState } from '../../core/http/forms.js';
import { FormErrors, SelectField, TextArea, TextField } from '../../core/http/fields.js';
import { ExportLinks, SubNav, choiceOptions, companyName, dateText, sectorFilterOptions, sectorOptions } from './common.js';

export interface TableFilter {
  stage?: string;
  sector?: string;
  owner?: number;
  fy?: number;
  fyBasis?: 'created' | 'established';
}

export interface LeadsPageProps {
  ctx: PageCtx;
  filter: TableFilter;
  /** The filter as a query string (for exports and paging). */
  query: string;
  page: number;
  pageSize: number;
  total: number;
  items: LeadView[];
  owners: UserRef[];
  years: number[];
}

export function LeadsPage({ ctx, filter, query, page, pageSize, total, items, owners, years }: LeadsPageProps): VNode {
  const { t, lang } = ctx;
  const from = (page - 1) * pageSize + 1;
  const to = from + items.length - 1;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const pageHref = (p: number) => `/attraction/leads?${[query, `page=${p}`].filter(Boolean).join('&')}`;
  return (
    <>
      <h1>{t('attraction.leads.title')}</h1>
      <SubNav ctx={ctx} />
      <form method="get" action="/attraction/leads" class="filter-form" aria-label={t('attraction.board.filter')}>
        <div class="field">
          <label for="flt-stage">{t('attraction.field.stage')}</label>
          <select id="flt-stage" name="stage">
            <option value="">{t('attraction.any')}</option>
            {STAGES.map((s) => (
              <option value={s} selected={s === filter.stage}>
                {t(`attraction.stage.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="flt-sector">{t('attraction.field.sector')}</label>
          <select id="flt-sector" name="sector">
            <option value="">{t('attraction.sector.any')}</option>
            {sectorFilterOptions(t).map((o) => (
              <option value={o.value} selected={o.value === filter.sector}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="flt-owner">{t('attraction.field.ownerId')}</label>
          <select id="flt-owner" name="owner">
            <option value="">{t('attraction.any')}</option>
            {owners.map((u) => (
              <option value={String(u.id)} selected={u.id === filter.owner}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="flt-fy">{t('attraction.field.fiscalYear')}</label>
          <select id="flt-fy" name="fy">
            <option value="">{t('attraction.leads.anyYear')}</option>
            {years.map((y) => (
              <option value={String(y)} selected={y === filter.fy}>
                {formatFiscalYear(y, lang)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="flt-basis">{t('attraction.field.fyBasis')}</label>
          <select id="flt-basis" name="fyBasis" aria-describedby="flt-basis-hint">
            {(['created', 'established'] as const).map((b) => (
              <option value={b} selected={b === (filter.fyBasis ?? 'created')}>
                {t(`attraction.leads.fyBasis.${b}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('attraction.board.apply')}</button>
        <p class="field-hint" id="flt-basis-hint">
          {t('attraction.leads.fyNote')}
        </p>
      </form>

      <div class="table-scroll">
        <table class="attraction-leads">
          <caption>{total ? t('attraction.leads.caption', { total: formatNumber(total, lang), from: formatNumber(from, lang), to: formatNumber(to, lang) }) : t('attraction.leads.captionEmpty')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('attraction.col.id')}</th>
              <th scope="col">{t('attraction.col.company')}</th>
              <th scope="col">{t('attraction.col.country')}</th>
              <th scope="col">{t('attraction.col.sector')}</th>
              <th scope="col">{t('attraction.col.origin')}</th>
              <th scope="col">{t('attraction.col.owner')}</th>
              <th scope="col">{t('attraction.col.stage')}</th>
              <th scope="col">{t('attraction.col.createdAt')}</th>
              <th scope="col">{t('attraction.col.establishedDate')}</th>
              <th scope="col">{t('attraction.col.establishedFy')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((l) => (
              <tr>
                <td>{l.id}</td>
                <th scope="row">
                  <a href={`/attraction/leads/${l.id}`}>{companyName(lang, l.company)}</a>
                </th>
                <td>{l.company.country}</td>
                <td>{t(`attraction.sector.${l.sector}`)}</td>
                <td>{t(`attraction.origin.${l.origin}`)}</td>
                <td>{l.owner.name}</td>
                <td>{t(`attraction.stage.${l.stage}`)}</td>
                <td>{dateText(l.createdAt.slice(0, 10), lang)}</td>
                <td>{dateText(l.establishedDate, lang)}</td>
                <td>{l.establishedFiscalYear ? formatFiscalYear(l.establishedFiscalYear, lang) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav class="pagination" aria-label={t('attraction.leads.pages')}>
          <ul class="inline-list">
            {page > 1 && (
              <li>
                <a href={pageHref(page - 1)} rel="prev">
                  {t('attraction.leads.prev')}
                </a>
              </li>
            )}
            <li>
              {formatNumber(page, lang)} / {formatNumber(pages, lang)}
            </li>
            {page < pages && (
              <li>
                <a href={pageHref(page + 1)} rel="next">
                  {t('attraction.leads.next')}
                </a>
              </li>
            )}
          </ul>
        </nav>
      )}
      <ExportLinks t={t} lang={lang} base="/attraction/leads" query={query} label={t('attraction.export.leads')} />
    </>
  );
}

/** Company fields of a form (a company not in the registry yet). */
export function NewCompanyFields({ ctx, form }: { ctx: PageCtx; form: FormState }): VNode {
  const { t } = ctx;
  return (
    <>
      <TextField ctx={ctx} form={form} name="company.nameEn" label={t('attraction.field.company.nameEn')} autocomplete="organization" />
      <TextField ctx={ctx} form={form} name="company.nameJa" label={t('attraction.field.company.nameJa')} />
      <TextField ctx={ctx} form={form} name="company.country" label={t('attraction.field.company.country')} />
      <TextField ctx={ctx} form={form} name="company.website" label={t('attraction.field.company.website')} />
    </>
  );
}

/** Similar companies the registry holds, to pick instead of creating a duplicate. */
export function NearDuplicates({ ctx, companies }: { ctx: PageCtx; companies: CompanyRef[] }): VNode | null {
  if (!companies.length) return null;
  const { t, lang } = ctx;
  return (
    <fieldset class="attraction-duplicates">
      <legend>{t('attraction.new.nearDuplicates')}</legend>
      {companies.map((c) => (
        <div class="radio">
          <input type="radio" id={`dup-${c.id}`} name="companyId" value={String(c.id)} />
          <label for={`dup-${c.id}`}>
            {companyName(lang, c)} ({c.country}, #{c.id})
          </label>
        </div>
      ))}
      <div class="checkbox">
        <input type="checkbox" id="f-allowDuplicate" name="allowDuplicate" value="1" />
        <label for="f-allowDuplicate">{t('attraction.new.allowDuplicate')}</label>
      </div>
    </fieldset>
  );
}

export interface NewLeadProps {
  ctx: PageCtx;
  q: string;
  results: CompanyRef[] | null;
  form?: FormState;
  nearDuplicates?: CompanyRef[];
  owners: UserRef[];
}

export function NewLeadPage({ ctx, q, results, form = emptyForm(), nearDuplicates = [], owners }: NewLeadProps): VNode {
  const { t, lang } = ctx;
  const picked = form.values.companyId ?? '';
  return (
    <>
      <h1>{t('attraction.new.title')}</h1>
      <SubNav ctx={ctx} />
      <FormErrors ctx={ctx} form={form} />

      <h2>{t('attraction.new.existing')}</h2>
      <form method="get" action="/attraction/leads/new" class="filter-form" role="search">
        <div class="field">
          <label for="company-q">{t('attraction.new.search')}</label>
          <input id="company-q" name="q" type="search" value={q} />
        </div>
        <button type="submit" class="secondary">
          {t('attraction.new.searchSubmit')}
        </button>
      </form>

      <form method="post" action="/attraction/leads" class="stack attraction-form">
        <Csrf ctx={ctx} />
        <input type="hidden" name="q" value={q} />
        {results !== null && (
          <fieldset id={fieldId('companyId')}>
            <legend>{results.length ? t('attraction.new.results', { count: results.length }) : t('attraction.new.pick')}</legend>
            {!results.length && <p>{t('attraction.new.noResults')}</p>}
            {results.map((c) => (
              <div class="radio">
                <input type="radio" id={`pick-${c.id}`} name="companyId" value={String(c.id)} checked={picked === String(c.id)} />
                <label for={`pick-${c.id}`}>
                  {companyName(lang, c)} ({c.country}
                  {c.corporateNumber ? `, ${c.corporateNumber}` : ''}, #{c.id})
                </label>
              </div>
            ))}
            {results.length > 0 && (
              <div class="radio">
                <input type="radio" id="pick-none" name="companyId" value="" checked={!picked} />
                <label for="pick-none">{t('attraction.new.pickNone')}</label>
              </div>
            )}
          </fieldset>
        )}
        {results === null && picked && <input type="hidden" name="companyId" value={picked} />}
        <NearDuplicates ctx={ctx} companies={nearDuplicates} />

        <fieldset>
          <legend>{t('attraction.new.orNew')}</legend>
          <p class="field-hint">{t('attraction.new.newHint')}</p>
          <NewCompanyFields ctx={ctx} form={form} />
        </fieldset>

        <fieldset>
          <legend>{t('attraction.new.details')}</legend>
          <SelectField ctx={ctx} form={form} name="sector" label={t('attraction.field.sector')} options={sectorOptions(t, lang)} placeholder={t('attraction.choose')} required />
          <SelectField ctx={ctx} form={form} name="origin" label={t('attraction.field.origin')} options={choiceOptions(t, 'attraction.origin', ORIGINS)} placeholder={t('attraction.choose')} required />
          <SelectField
            ctx={ctx}
            form={form}
            name="ownerId"
            label={t('attraction.field.ownerId')}
            hint={t('attraction.new.ownerHint')}
            options={owners.map((u) => ({ value: String(u.id), label: u.name }))}
            placeholder={t('attraction.choose')}
          />
          <TextArea ctx={ctx} form={form} name="notes" label={t('attraction.field.notes')} rows={4} />
        </fieldset>
        <div>
          <button type="submit">{t('attraction.new.submit')}</button>
        </div>
      </form>
    </>
  );
}

