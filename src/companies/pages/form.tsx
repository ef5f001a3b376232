import type { VNode } from 'preact';
import type { PageCtx } from '../../core/http/render.js';
import { Csrf } from '../../core/http/render.js';
import { Checkbox, FormErrors, SelectField, TextArea, TextField } from '../../core/http/fields.js';
import type { FormState } from '../../core/http/forms.js';
import type { FieldProblem } from '../../core/errors.js';
import { JSIC_DIVISIONS, JSIC_MAJORS, municipality, TOKYO_MUNICIPALITIES } from '../reference.js';
import type { Company } from '../types.js';
import { corporateNumberText, Name } from './format.js';
import { countryOptions } from './list.js';

export type FormValues = Record<string, string>;

/** A stored company as form values (what the edit form starts from). */
export function valuesOf(c: Company): FormValues {
  const s = (v: string | number | null) => (v === null ? '' : String(v));
  return {
    corporateNumber: s(c.corporateNumber),
    nameJa: s(c.nameJa),
    nameEn: s(c.nameEn),
    kana: s(c.kana),
    country: c.country,
    lgCode: s(c.lgCode),
    registeredInTokyo: c.registeredInTokyo ? 'yes' : 'no',
    jsicMajor: s(c.jsicMajor),
    jsicDivision: s(c.jsicDivision),
    employees: s(c.employees),
    capitalYen: s(c.capitalYen),
    postalCode: s(c.postalCode),
    addressJa: s(c.addressJa),
    addressEn: s(c.addressEn),
    website: s(c.website),
    summary: s(c.summary),
  };
}

export interface FormProps {
  ctx: PageCtx;
  mode: 'new' | 'edit';
  company?: Company;
  values: FormValues;
  errors: FieldProblem[];
  nearDuplicates: Company[];
}

export function CompanyForm({ ctx, mode, company, values: v, errors, nearDuplicates }: FormProps): VNode {
  const { t, lang } = ctx;
  // An empty country shows as Japan, as a new company starts.
  const form: FormState = { values: { ...v, country: v.country || 'JP' }, errors };
  const f = { ctx, form };
  const named = <T extends { nameJa: string; nameEn: string }>(x: T) => (lang === 'ja' ? x.nameJa : x.nameEn);
  const action = mode === 'new' ? '/companies' : `/companies/${company!.id}`;
  const lgKnown = !v.lgCode || !!municipality(v.lgCode);
  return (
    <>
      <h1>{mode === 'new' ? t('companies.form.newTitle') : t('companies.form.editTitle', { name: company ? (lang === 'en' ? (company.nameEn ?? company.nameJa) : (company.nameJa ?? company.nameEn)) ?? '' : '' })}</h1>
      <FormErrors ctx={ctx} form={form} />
      {nearDuplicates.length > 0 && (
        <section class="near-duplicates" aria-labelledby="near-dup-heading" role="alert">
          <h2 id="near-dup-heading">{t('companies.form.nearDup.heading')}</h2>
          <p>{t('companies.form.nearDup.lead')}</p>
          <table>
            <caption>{t('companies.form.nearDup.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('companies.field.id')}</th>
                <th scope="col">{t('companies.field.name')}</th>
                <th scope="col">{t('companies.field.corporateNumber')}</th>
                <th scope="col">{t('companies.field.country')}</th>
              </tr>
            </thead>
            <tbody>
              {nearDuplicates.map((d) => (
                <tr>
                  <td>{d.id}</td>
                  <th scope="row">
                    <a href={`/companies/${d.id}`}>
                      <Name c={d} lang={lang} />
                    </a>
                  </th>
                  <td class="nowrap">{corporateNumberText(d.corporateNumber, t)}</td>
                  <td>{d.country}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <form method="post" action={action} class="stack company-form" novalidate>
        <Csrf ctx={ctx} />
        <fieldset>
          <legend>{t('companies.form.names')}</legend>
          <p class="field-hint">{t('companies.hint.names')}</p>
          <TextField {...f} name="nameJa" label={t('companies.field.nameJa')} maxLength={200} autocomplete="organization" lang="ja" />
          <TextField {...f} name="kana" label={t('companies.field.kana')} hint={t('companies.hint.kana')} maxLength={200} lang="ja" />
          <TextField {...f} name="nameEn" label={t('companies.field.nameEn')} maxLength={200} lang="en" />
          <TextField {...f} name="corporateNumber" label={t('companies.field.corporateNumber')} hint={t('companies.hint.corporateNumber')} inputMode="numeric" maxLength={20} />
        </fieldset>
        <fieldset>
          <legend>{t('companies.form.origin')}</legend>
          <SelectField {...f} name="country" label={t('companies.field.country')} options={countryOptions(lang).map((c) => ({ value: c.code, label: `${c.name} (${c.code})` }))} />
          <TextField {...f} name="postalCode" label={t('companies.field.postalCode')} hint={t('companies.hint.postalCode')} maxLength={20} autocomplete="postal-code" />
          <TextField {...f} name="addressJa" label={t('companies.field.addressJa')} maxLength={300} lang="ja" />
          <TextField {...f} name="addressEn" label={t('companies.field.addressEn')} maxLength={300} lang="en" />
          <SelectField
            {...f}
            name="lgCode"
            label={t('companies.field.lgCode')}
            hint={t('companies.hint.lgCode')}
            placeholder={t('companies.lgCode.auto')}
            options={[
              // A code outside Tokyo's list (from an import) stays a choice, so saving the form keeps it.
              ...(lgKnown ? [] : [{ value: v.lgCode!, label: t('companies.lgCode.other', { code: v.lgCode! }) }]),
              ...TOKYO_MUNICIPALITIES.map((m) => ({ value: m.lgCode, label: lang === 'ja' ? `${m.nameJa}（${m.lgCode}）` : `${m.nameEn} (${m.lgCode})` })),
            ]}
          />
          <SelectField
            {...f}
            name="registeredInTokyo"
            label={t('companies.field.registeredInTokyo')}
            hint={t('companies.hint.registeredInTokyo')}
            placeholder={t('companies.tokyo.auto')}
            options={[
              { value: 'yes', label: t('companies.tokyo.yes') },
              { value: 'no', label: t('companies.tokyo.no') },
            ]}
          />
        </fieldset>
        <fieldset>
          <legend>{t('companies.form.industry')}</legend>
          <SelectField {...f} name="jsicMajor" label={t('companies.field.jsicMajor')} placeholder={t('companies.search.any')} options={JSIC_MAJORS.map((m) => ({ value: m.code, label: `${m.code} ${named(m)}` }))} />
          <SelectField
            {...f}
            name="jsicDivision"
            label={t('companies.field.jsicDivision')}
            placeholder={t('companies.search.any')}
            options={JSIC_MAJORS.filter((m) => JSIC_DIVISIONS.some((d) => d.major === m.code)).map((m) => ({
              label: `${m.code} ${named(m)}`,
              options: JSIC_DIVISIONS.filter((d) => d.major === m.code).map((d) => ({ value: d.code, label: `${d.code} ${named(d)}` })),
            }))}
          />
          <TextField {...f} name="employees" label={t('companies.field.employees')} inputMode="numeric" maxLength={12} />
          <TextField {...f} name="capitalYen" label={t('companies.field.capitalYen')} hint={t('companies.hint.capitalYen')} inputMode="numeric" maxLength={22} />
        </fieldset>
        <fieldset>
          <legend>{t('companies.form.other')}</legend>
          <TextField {...f} name="website" label={t('companies.field.website')} type="url" maxLength={500} autocomplete="url" />
          <TextArea {...f} name="summary" label={t('companies.field.summary')} rows={5} maxLength={4000} />
        </fieldset>
        {nearDuplicates.length > 0 && <Checkbox {...f} name="confirmDuplicate" label={t('companies.form.nearDup.confirm')} value="1" />}
        <div class="inline-list">
          <button type="submit">{mode === 'new' ? t('companies.form.create') : t('companies.form.save')}</button>
          <a href={mode === 'new' ? '/companies' : `/companies/${company!.id}`}>{t('companies.form.cancel')}</a>
        </div>
      </form>
    </>
  );
}
