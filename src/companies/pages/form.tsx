import type { VNode } from 'preact';
import type { PageCtx } from '../../core/http/render.js';
import { Csrf, ErrorSummary, fieldError } from '../../core/http/render.js';
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

function Field({ id, label, hint, errors, children }: { id: string; label: string; hint?: string; errors: FieldProblem[]; children: VNode }): VNode {
  const err = fieldError(errors, id);
  return (
    <div class={err ? 'has-error' : undefined}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {err && (
        <p class="field-error" id={`${id}-error`}>
          {err}
        </p>
      )}
      {children}
    </div>
  );
}

export function CompanyForm({ ctx, mode, company, values: v, errors, nearDuplicates }: FormProps): VNode {
  const { t, lang } = ctx;
  const described = (id: string, hint: boolean) => [hint ? `${id}-hint` : '', fieldError(errors, id) ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const text = (id: string, label: string, opts: { hint?: string; type?: string; inputMode?: string; maxLength?: number; autocomplete?: string; lang?: string } = {}) => (
    <Field id={id} label={t(label)} hint={opts.hint ? t(opts.hint) : undefined} errors={errors}>
      <input
        id={id}
        name={id}
        type={opts.type ?? 'text'}
        value={v[id] ?? ''}
        maxLength={opts.maxLength}
        inputMode={opts.inputMode as 'numeric' | undefined}
        autocomplete={opts.autocomplete ?? 'off'}
        lang={opts.lang}
        aria-describedby={described(id, !!opts.hint)}
        aria-invalid={fieldError(errors, id) ? 'true' : undefined}
      />
    </Field>
  );
  const action = mode === 'new' ? '/companies' : `/companies/${company!.id}`;
  const lgKnown = !v.lgCode || !!municipality(v.lgCode);
  return (
    <>
      <h1>{mode === 'new' ? t('companies.form.newTitle') : t('companies.form.editTitle', { name: company ? (lang === 'en' ? (company.nameEn ?? company.nameJa) : (company.nameJa ?? company.nameEn)) ?? '' : '' })}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
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
          {text('nameJa', 'companies.field.nameJa', { maxLength: 200, autocomplete: 'organization', lang: 'ja' })}
          {text('kana', 'companies.field.kana', { hint: 'companies.hint.kana', maxLength: 200, lang: 'ja' })}
          {text('nameEn', 'companies.field.nameEn', { maxLength: 200, lang: 'en' })}
          {text('corporateNumber', 'companies.field.corporateNumber', { hint: 'companies.hint.corporateNumber', inputMode: 'numeric', maxLength: 20 })}
        </fieldset>
        <fieldset>
          <legend>{t('companies.form.origin')}</legend>
          <Field id="country" label={t('companies.field.country')} errors={errors}>
            <select id="country" name="country" aria-describedby={described('country', false)}>
              {countryOptions(lang).map((c) => (
                <option value={c.code} selected={(v.country || 'JP') === c.code}>
                  {`${c.name} (${c.code})`}
                </option>
              ))}
            </select>
          </Field>
          {text('postalCode', 'companies.field.postalCode', { hint: 'companies.hint.postalCode', maxLength: 20, autocomplete: 'postal-code' })}
          {text('addressJa', 'companies.field.addressJa', { maxLength: 300, lang: 'ja' })}
          {text('addressEn', 'companies.field.addressEn', { maxLength: 300, lang: 'en' })}
          <Field id="lgCode" label={t('companies.field.lgCode')} hint={t('companies.hint.lgCode')} errors={errors}>
            <select id="lgCode" name="lgCode" aria-describedby={described('lgCode', true)}>
              <option value="">{t('companies.lgCode.auto')}</option>
              {!lgKnown && (
                <option value={v.lgCode} selected>
                  {t('companies.lgCode.other', { code: v.lgCode! })}
                </option>
              )}
              {TOKYO_MUNICIPALITIES.map((m) => (
                <option value={m.lgCode} selected={v.lgCode === m.lgCode}>
                  {lang === 'ja' ? `${m.nameJa}（${m.lgCode}）` : `${m.nameEn} (${m.lgCode})`}
                </option>
              ))}
            </select>
          </Field>
          <Field id="registeredInTokyo" label={t('companies.field.registeredInTokyo')} hint={t('companies.hint.registeredInTokyo')} errors={errors}>
            <select id="registeredInTokyo" name="registeredInTokyo" aria-describedby={described('registeredInTokyo', true)}>
              <option value="">{t('companies.tokyo.auto')}</option>
              <option value="yes" selected={v.registeredInTokyo === 'yes'}>
                {t('companies.tokyo.yes')}
              </option>
              <option value="no" selected={v.registeredInTokyo === 'no'}>
                {t('companies.tokyo.no')}
              </option>
            </select>
          </Field>
        </fieldset>
        <fieldset>
          <legend>{t('companies.form.industry')}</legend>
          <Field id="jsicMajor" label={t('companies.field.jsicMajor')} errors={errors}>
            <select id="jsicMajor" name="jsicMajor" aria-describedby={described('jsicMajor', false)}>
              <option value="">{t('companies.search.any')}</option>
              {JSIC_MAJORS.map((m) => (
                <option value={m.code} selected={v.jsicMajor === m.code}>
                  {`${m.code} ${lang === 'ja' ? m.nameJa : m.nameEn}`}
                </option>
              ))}
            </select>
          </Field>
          <Field id="jsicDivision" label={t('companies.field.jsicDivision')} errors={errors}>
            <select id="jsicDivision" name="jsicDivision" aria-describedby={described('jsicDivision', false)}>
              <option value="">{t('companies.search.any')}</option>
              {JSIC_MAJORS.filter((m) => JSIC_DIVISIONS.some((d) => d.major === m.code)).map((m) => (
                <optgroup label={`${m.code} ${lang === 'ja' ? m.nameJa : m.nameEn}`}>
                  {JSIC_DIVISIONS.filter((d) => d.major === m.code).map((d) => (
                    <option value={d.code} selected={v.jsicDivision === d.code}>
                      {`${d.code} ${lang === 'ja' ? d.nameJa : d.nameEn}`}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </Field>
          {text('employees', 'companies.field.employees', { inputMode: 'numeric', maxLength: 12 })}
          {text('capitalYen', 'companies.field.capitalYen', { hint: 'companies.hint.capitalYen', inputMode: 'numeric', maxLength: 22 })}
        </fieldset>
        <fieldset>
          <legend>{t('companies.form.other')}</legend>
          {text('website', 'companies.field.website', { type: 'url', maxLength: 500, autocomplete: 'url' })}
          <Field id="summary" label={t('companies.field.summary')} errors={errors}>
            <textarea id="summary" name="summary" rows={5} maxLength={4000} aria-describedby={described('summary', false)}>
              {v.summary ?? ''}
            </textarea>
          </Field>
        </fieldset>
        {nearDuplicates.length > 0 && (
          <div class="field checkbox">
            <input id="confirmDuplicate" name="confirmDuplicate" type="checkbox" value="1" />
            <label for="confirmDuplicate">{t('companies.form.nearDup.confirm')}</label>
          </div>
        )}
        <div class="inline-list">
          <button type="submit">{mode === 'new' ? t('companies.form.create') : t('companies.form.save')}</button>
          <a href={mode === 'new' ? '/companies' : `/companies/${company!.id}`}>{t('companies.form.cancel')}</a>
        </div>
      </form>
    </>
  );
}
