import type { VNode } from 'preact';
import { formatFiscalYear } from '../../core/fiscal.js';
import { Csrf, type PageCtx } from '../../core/http/render.js';
import type { CompanyRef, OtherView } from '../service.js';
import { emptyForm, type FormState } from '../../core/http/forms.js';
import { FormErrors, SelectField, TextArea, TextField } from '../../core/http/fields.js';
import { ExportLinks, Notice, SubNav, companyName, dateText, paren, sectorFilterOptions, sectorOptions } from './common.js';
import { NearDuplicates, NewCompanyFields } from './leads.js';

export interface OthersPageProps {
  ctx: PageCtx;
  items: OtherView[];
  filter: { sector?: string; fy?: number };
  query: string;
  years: number[];
  notice: string | null;
  form?: FormState;
  nearDuplicates?: CompanyRef[];
}

export function OthersPage({ ctx, items, filter, query, years, notice, form = emptyForm(), nearDuplicates = [] }: OthersPageProps): VNode {
  const { t, lang } = ctx;
  return (
    <>
      <h1>{t('attraction.others.title')}</h1>
      <SubNav ctx={ctx} />
      <Notice text={notice} />
      <p>{t('attraction.others.lead')}</p>
      <form method="get" action="/attraction/others" class="filter-form" aria-label={t('attraction.board.filter')}>
        <div class="field">
          <label for="oflt-sector">{t('attraction.field.sector')}</label>
          <select id="oflt-sector" name="sector">
            <option value="">{t('attraction.sector.any')}</option>
            {sectorFilterOptions(t).map((o) => (
              <option value={o.value} selected={o.value === filter.sector}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="oflt-fy">{t('attraction.col.establishedFy')}</label>
          <select id="oflt-fy" name="fy">
            <option value="">{t('attraction.leads.anyYear')}</option>
            {years.map((y) => (
              <option value={String(y)} selected={y === filter.fy}>
                {formatFiscalYear(y, lang)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('attraction.board.apply')}</button>
      </form>
      <div class="table-scroll">
        <table>
          <caption>{t('attraction.others.caption', { count: items.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('attraction.col.company')}</th>
              <th scope="col">{t('attraction.col.country')}</th>
              <th scope="col">{t('attraction.col.sector')}</th>
              <th scope="col">{t('attraction.col.establishedDate')}</th>
              <th scope="col">{t('attraction.col.establishedFy')}</th>
              <th scope="col">{t('attraction.col.source')}</th>
              <th scope="col">{t('attraction.col.note')}</th>
              <th scope="col">{t('attraction.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.length === 0 && (
              <tr>
                <td colSpan={8}>{t('attraction.none')}</td>
              </tr>
            )}
            {items.map((o) => (
              <tr>
                <th scope="row">{companyName(lang, o.company)}</th>
                <td>{o.company.country}</td>
                <td>{t(`attraction.sector.${o.sector}`)}</td>
                <td>{dateText(o.establishedDate, lang)}</td>
                <td>{formatFiscalYear(o.establishedFiscalYear, lang)}</td>
                <td>{o.source}</td>
                <td class="prewrap">{o.note ?? ''}</td>
                <td>
                  <form method="post" action={`/attraction/others/${o.id}/delete`} class="inline-form">
                    <Csrf ctx={ctx} />
                    <button type="submit" class="secondary small-button">
                      {t('attraction.others.delete')}
                      <span class="visually-hidden">{paren(lang, companyName(lang, o.company))}</span>
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ExportLinks t={t} lang={lang} base="/attraction/others" query={query} label={t('attraction.export.others')} />

      <h2 id="new-other">{t('attraction.others.new')}</h2>
      <FormErrors ctx={ctx} form={form} />
      <form method="post" action="/attraction/others" class="stack attraction-form">
        <Csrf ctx={ctx} />
        <TextField ctx={ctx} form={form} name="companyId" label={t('attraction.field.companyId')} hint={t('attraction.others.companyIdHint')} type="number" min={1} />
        <NearDuplicates ctx={ctx} companies={nearDuplicates} />
        <fieldset>
          <legend>{t('attraction.new.orNew')}</legend>
          <NewCompanyFields ctx={ctx} form={form} />
        </fieldset>
        <TextField ctx={ctx} form={form} name="establishedDate" label={t('attraction.field.establishedDate')} type="date" required />
        <SelectField ctx={ctx} form={form} name="sector" label={t('attraction.field.sector')} options={sectorOptions(t, lang)} placeholder={t('attraction.choose')} required />
        <TextField ctx={ctx} form={form} name="source" label={t('attraction.field.source')} required />
        <TextArea ctx={ctx} form={form} name="note" label={t('attraction.field.note')} rows={4} />
        <div>
          <button type="submit">{t('attraction.others.submit')}</button>
        </div>
      </form>
    </>
  );
}
